/* Answer files and the progress table of the in-page self-check, loaded by selfcheck.js when first
   needed: "Download my answers" (the course start template with the answers filled in), "Load
   answers" (files written here or in the terminal), and the table of the "My progress" panel.
   Learner text is only ever set as text. Plain JS, no dependencies, no network. */
window.CourseSelfCheckFiles = function (I) {
  'use strict';
  var G = I.G, Y = I.Y, IDX = I.IDX, ROOT = I.ROOT, needScript = I.needScript, answerOf = I.answerOf, typeOf = I.typeOf,
    isBlank = I.isBlank, el = I.el, setInfo = I.setInfo, importAnswers = I.importAnswers, notice = I.notice,
    score = I.score, fmt = I.fmt, round4 = I.round4;
  // --- answer files
  var TEMPLATES = {};
  window.courseSelfCheckTemplates = {push: function (t) { TEMPLATES[t.id] = t; }};
  function template(setId) {
    return needScript('selfcheck/' + setId + '.tpl.js', function () { return !!TEMPLATES[setId]; })
      .then(function () { return TEMPLATES[setId]; });
  }
  function fillTail(tail, value, type) {
    // tail starts right after "<id>:" and holds the empty answer of the template
    var isMap = value instanceof Map;
    if ((type === 'matching' || type === 'annotate') && isMap && Array.from(value.values()).every(function (x) { return x === null || typeof x !== 'object'; })) {
      var lines = tail.split('\n'), used = new Set(), m = value instanceof Map ? value : new Map();
      var keyMap = new Map(); m.forEach(function (v, k) { keyMap.set(String(k), v); });
      lines = lines.map(function (l) {
        var r = /^( {2})([^\s:#]+):(\s*)(#.*)?$/.exec(l);
        if (!r || !keyMap.has(r[2])) return l;
        used.add(r[2]);
        var v = keyMap.get(r[2]);
        return r[1] + r[2] + ': ' + Y.scalar(v) + (r[4] ? '    ' + r[4] : '');
      });
      var extra = [];
      keyMap.forEach(function (v, k) { if (!used.has(k)) extra.push('  ' + Y.scalar(/^\d+$/.test(k) ? parseInt(k, 10) : k) + ': ' + Y.scalar(v)); });
      if (extra.length) { var i = lines.length; while (i > 1 && lines[i - 1] === '') i--; lines.splice(i, 0, extra.join('\n')); }
      return lines.join('\n');
    }
    if (type === 'verdict' && isMap && value.size === 2 && value.has('verdict') && value.has('evidence') &&
        (value.get('verdict') === null || typeof value.get('verdict') === 'string') &&
        (value.get('evidence') === null || typeof value.get('evidence') === 'string')) {
      var vm = value;
      var verdict = vm.get('verdict'), ev = vm.get('evidence');
      return '\n  verdict: ' + Y.scalar(verdict === undefined ? null : verdict).trim() + '\n  evidence:' + (ev ? Y.text(ev, '    ') : ' |') + '\n\n';
    }
    if (type === 'open' && typeof value === 'string') return ' |\n' + String(value).replace(/\n+$/, '').split('\n').map(function (l) { return l ? '  ' + l : ''; }).join('\n') + '\n\n';
    var body;
    if (Array.isArray(value) || isMap) body = Y.flow(value);
    else if (typeof value === 'string' && value.indexOf('\n') >= 0) body = Y.quote(value);
    else body = Y.scalar(value);
    return ' ' + body + '\n\n';
  }
  function answerFile(setId) {
    return template(setId).then(function (t) {
      var out = t.header;
      t.items.forEach(function (e) {
        var v = answerOf(setId, e[0]), type = typeOf(setId, e[0]);
        out += e[1] + e[0] + ':' + (v === null || isBlank(v) ? e[2] : fillTail(e[2], v, type));
      });
      return out;
    });
  }
  function download(setId) {
    return answerFile(setId).then(function (text) {
      var a = el('a', {download: setId + '.yaml'});
      var url = URL.createObjectURL(new Blob([text], {type: 'text/yaml;charset=utf-8'}));
      a.href = url; document.body.appendChild(a); a.click();
      setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
      return text;
    }).catch(function (e) { notice('The answer file could not be written: ' + e.message + '.'); });
  }
  // Load a file's text: returns {set, problems, loaded, unread}. A file that cannot be read changes
  // nothing; a file with a broken part (a YAML error in some answers) loads every answer that can be
  // read and leaves what was typed for the others as it is (issue 13).
  function loadTextNow(text, fileName) {
    var doc, broken = [], name = fileName || 'the file';
    if (text.length > 2000000) return {problems: ['the file is over 2 MB; an answer file is much smaller. Nothing was changed.']};
    if (/\u0000/.test(text)) return {problems: ['this is not a text file (it holds binary data). Nothing was changed.']};
    try { var r = Y.readAnswers(text); doc = r.data; broken = r.broken; } catch (e) {
      if (e instanceof Y.YamlError) return {problems: [name + ', line ' + e.line + ': ' + e.message + '. Nothing was changed; fix the file (or check it with course check) and load it again.']};
      return {problems: ['the file could not be read. Nothing was changed.']};
    }
    if (doc === null) return {problems: ['the file holds no answers. Nothing was changed.']};
    if (!(doc instanceof Map)) return {problems: ['the file is not a list of "item-id: answer" lines. Nothing was changed.']};
    var guess = (fileName || '').replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '').replace(/\s*\(\d+\)$/, '');
    var setId = setInfo(guess) ? guess : null;
    if (!setId) {
      var first = null, keys = Array.from(doc.keys()).concat(broken.map(function (b) { return b.key; }));
      keys.forEach(function (k) { if (!first) IDX.sets.forEach(function (si) { if (si.items.some(function (it) { return it[0] === String(k); })) first = si.id; }); });
      setId = first;
    }
    if (!setId) return {problems: ['none of the item ids in the file belongs to this course\'s exercise sets. Nothing was changed.']};
    var answers = new Map();
    doc.forEach(function (v, k) { if (!isBlank(v)) answers.set(String(k), v); });
    var unread = broken.map(function (b) {
      return name + ', line ' + b.line + ": the answer to '" + b.key + "' could not be read (" + b.message +
        '), so it was not loaded; what you typed for it here is kept. Fix that line and load the file again.';
    });
    var problems = unread.concat(importAnswers(new Map([[setId, answers]]), {source: 'file'}));
    return {set: setId, problems: problems, loaded: answers.size, unread: broken.map(function (b) { return b.key; })};
  }

  function fillPanel(panel, download) {
    var body = panel.querySelector('.sc-panel-body');
    body.textContent = '';
    var table = el('table', {'class': 'sc-progress'});
    var cap = el('caption', null, 'Your answers are kept in this browser only. Marks come from course grade or your course\'s LMS.');
    table.appendChild(cap);
    var head = el('tr');
    ['Exercise set', 'Checked', 'Right', 'Points', 'Left to do', 'Answer file'].forEach(function (h) { head.appendChild(el('th', {scope: 'col'}, h)); });
    var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
    var tb = el('tbody'), all = {points: 0, maxPoints: 0, attempted: 0, right: 0, total: 0};
    IDX.sets.forEach(function (si) {
      var s = score(si.id), tr = el('tr'), th = el('th', {scope: 'row'});
      Object.keys(all).forEach(function (k) { all[k] += s[k]; });
      var a = el('a', {href: ROOT + si.page + '.html'}, si.title); th.appendChild(a); tr.appendChild(th);
      tr.appendChild(el('td', null, s.attempted + ' of ' + s.total));
      tr.appendChild(el('td', null, String(s.right)));
      tr.appendChild(el('td', null, fmt(s.points) + ' of ' + fmt(s.maxPoints)));
      tr.appendChild(el('td', null, String(s.total - s.right)));
      var td = el('td');
      if (si.off) td.textContent = 'self-check off';
      else {
        var b = el('button', {type: 'button', 'class': 'sc-btn sc-small'}, 'Download ' + si.id + '.yaml');
        b.addEventListener('click', function () { download(si.id); });
        td.appendChild(b);
      }
      tr.appendChild(td); tb.appendChild(tr);
    });
    var tr2 = el('tr'); tr2.appendChild(el('th', {scope: 'row'}, 'Whole course'));
    tr2.appendChild(el('td', null, all.attempted + ' of ' + all.total)); tr2.appendChild(el('td', null, String(all.right)));
    tr2.appendChild(el('td', null, fmt(round4(all.points)) + ' of ' + fmt(round4(all.maxPoints))));
    tr2.appendChild(el('td', null, String(all.total - all.right))); tr2.appendChild(el('td'));
    tb.appendChild(tr2); table.appendChild(tb);
    var scroll = el('div', {'class': 'sc-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Progress table'});
    scroll.appendChild(table);
    body.appendChild(scroll);
  }
  return {answerFile: answerFile, download: download, loadText: loadTextNow, fillPanel: fillPanel};
};

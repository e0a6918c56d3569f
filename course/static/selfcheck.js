/* The in-page self-check: controls for every exercise item, Check / Hint, progress kept in the
   browser, answer files in and out, and the window.courseSelfCheck API (see CONTRIBUTING.md).
   Learner text is only ever set with textContent or as a form value, never as HTML. No network. */
(function () {
  'use strict';
  // The grader and normaliser (G, N) are loaded on first use (Check, Hint, the progress panel, answer
  // files): building and reading the controls needs neither. What the controls need is here.
  var G = null, N = null, Y = null;
  // Python's str.isspace() characters: the same class as selfcheck-normalize.js (a test compares
  // the two), so a field's "blank" and stripped value are what the grader and Python see.
  var WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
  var STRIP_RE = new RegExp('^[' + WS + ']+|[' + WS + ']+$', 'g'), SPLIT_RE = new RegExp('[' + WS + ']+');
  function strip(s) { return String(s).replace(STRIP_RE, ''); }
  function isBlank(v) {
    if (v === null || v === undefined) return true;
    if (typeof v === 'string') return !strip(v);
    if (Array.isArray(v)) return v.every(isBlank);
    if (v instanceof Map) { for (var x of v.values()) if (!isBlank(x)) return false; return true; }
    return false;
  }
  function words(text) { return strip(text).split(SPLIT_RE).filter(function (t) { return /[\p{L}\p{N}_]/u.test(t); }).length; }
  // until the grader is there: close enough for display (a restored answer is shown again exactly
  // once it has loaded: the hook in init)
  function fmt(x) { return G ? G.fmt(x) : String(Math.round(x * 1e4) / 1e4); }
  function round4(x) { return G ? G.pyRound(x, 4) : Math.round(x * 1e4) / 1e4; }
  function str(v) { return G ? G.pyStr(v) : (v === null || v === undefined ? '' : String(v)); }
  function labelKey(s) {
    return N ? N.labelKey(s) : strip(String(s).toLowerCase()).replace(new RegExp('[' + WS + '_\\-\u2010-\u2014/]+', 'g'), '-').replace(/^-+|-+$/g, '');
  }
  var IDX = window.courseSelfCheckIndex || {courseId: 'course', version: '0', sets: [], readings: {}};
  var NS = 'courseSelfCheck:' + IDX.courseId + ':' + IDX.version;
  var VERDICTS = IDX.verdicts || []; // course.exercises.schema.VERDICTS, written into the index
  var MAX_TEXT = 20000; // characters kept from one answer field (a huge paste is cut, with a message)
  var ROOT = (function () {
    var s = document.querySelector('script[src*="selfcheck-index.js"]');
    return s ? s.src.replace(/_static\/selfcheck-index\.js.*$/, '') : '';
  })();

  // ----------------------------------------------------------------------------------------------
  // Storage: one JSON document per course and version
  var backend = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); return true; } catch (e) { return false; } },
    remove: function (k) { try { window.localStorage.removeItem(k); } catch (e) { /* nothing to do */ } }
  };
  function toJSON(v) {
    if (v instanceof Map) { var p = []; v.forEach(function (x, k) { p.push([k, toJSON(x)]); }); return {$map: p}; }
    if (Array.isArray(v)) return v.map(toJSON);
    return v;
  }
  function fromJSON(v) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (Array.isArray(v.$map)) return new Map(v.$map.map(function (p) { return [p[0], fromJSON(p[1])]; }));
      var m = new Map(); Object.keys(v).forEach(function (k) { m.set(k, fromJSON(v[k])); }); return m;
    }
    if (Array.isArray(v)) return v.map(fromJSON);
    return v;
  }
  function empty() { return {answers: {}, hints: {}, results: {}, rubric: {}, checked: {}}; }
  var state = empty();
  function load() {
    var raw = backend.get(NS);
    state = empty();
    if (!raw) return;
    try {
      var d = JSON.parse(raw);
      ['answers', 'hints', 'results', 'rubric', 'checked'].forEach(function (k) { if (d && d[k] && typeof d[k] === 'object') state[k] = d[k]; });
    } catch (e) { /* unreadable: start afresh, keep the old text under another key */ backend.set(NS + ':unreadable', raw); }
  }
  var storeOK = true;
  function save() {
    var ok = backend.set(NS, JSON.stringify(state));
    if (ok === false && storeOK) { storeOK = false; notice('This browser does not let the page keep your answers (private mode or storage full). Use "Download my answers" before you leave.'); }
  }
  function answerOf(setId, itemId) { var a = state.answers[setId]; return a && itemId in a ? fromJSON(a[itemId]) : null; }
  // Another tab (a lesson and its set page) may have written since: read, change, write.
  function refresh() { if (!resetting) load(); }
  var resetting = false;
  function storeAnswer(setId, itemId, value) {
    refresh();
    state.answers[setId] = state.answers[setId] || {};
    if (isBlank(value)) delete state.answers[setId][itemId];
    else state.answers[setId][itemId] = toJSON(value);
    save();
  }

  // ----------------------------------------------------------------------------------------------
  // Set data (pushed by _static/selfcheck/<part>.js: a page loads the data of its own items only,
  // <set>.js on the set's page, <set>--<lesson>.js in a lesson; parts of one set are merged) and the
  // course index
  var DATA = {};
  function addData(d) {
    var part = d.part || d.id, cur = DATA[d.id];
    if (!cur) { cur = DATA[d.id] = d; d.parts = {}; d.merged = {}; }
    else {
      if (part in cur.parts) return;
      d.items.forEach(function (it) { if (!itemOf(d.id, it.id)) cur.items.push(it); });
      ['taxonomies', 'readings'].forEach(function (k) { cur[k] = Object.assign(cur[k] || {}, d[k] || {}); });
    }
    cur.parts[part] = d.later || part + '.later.js'; // its explanations and hints
  }
  function collect() {
    (window.courseSelfCheckData || []).forEach(addData);
    window.courseSelfCheckData = {push: addData};
  }
  function setInfo(id) { for (var i = 0; i < IDX.sets.length; i++) if (IDX.sets[i].id === id) return IDX.sets[i]; return null; }
  function itemOf(setId, itemId) {
    var d = DATA[setId]; if (!d) return null;
    for (var i = 0; i < d.items.length; i++) if (d.items[i].id === itemId) return d.items[i];
    return null;
  }
  // Scripts loaded when first needed (they work from file:// too: no fetch, a script element).
  // One promise per file: a second caller while it loads waits for the same one; a failed load
  // is forgotten (and its element removed), so the next click tries again.
  var loading = {};
  function needScript(path, ready) {
    if (ready()) return Promise.resolve();
    if (!loading[path]) loading[path] = new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      // a version per script; one for all the data files under selfcheck/
      var v = IDX.v && (IDX.v[path] || (path.indexOf('selfcheck/') === 0 && IDX.v['selfcheck/']));
      s.src = ROOT + '_static/' + path + (v ? '?v=' + v : '');
      s.async = false; // scripts asked for together run in the order asked (normaliser, then grader)
      s.onload = function () { if (ready()) resolve(); else { delete loading[path]; reject(new LoadError(path)); } };
      s.onerror = function () { delete loading[path]; s.remove(); reject(new LoadError(path)); };
      document.head.appendChild(s);
    });
    return loading[path];
  }
  function LoadError(path) { this.path = path; this.message = '_static/' + path + ' could not be loaded'; }
  var LATER = {};
  window.courseSelfCheckLater = {push: function (d) { LATER[d.id] = d; }};
  // the encrypted explanations and masked hints of the set's items on this page (<part>.later.js),
  // merged into its items
  function needLater(setId) {
    var d = DATA[setId];
    return Promise.all(Object.keys(d.parts).map(function (p) {
      return needScript('selfcheck/' + d.parts[p], function () { return !!LATER[p]; }).then(function () {
        if (d.merged[p]) return;
        d.merged[p] = true;
        d.items.forEach(function (it) { var x = LATER[p].items[it.id] || {}; Object.keys(x).forEach(function (k) { it[k] = x[k]; }); });
      });
    }));
  }
  // The grader: normaliser and grader requested together (both downloads at once, run in order)
  var graderHooks = [];
  function needGrader() {
    if (G && N) return Promise.resolve();
    var n = needScript('selfcheck-normalize.js', function () { return !!window.CourseNormalize; });
    var g = needScript('selfcheck-grade.js', function () { return !!window.CourseGrade; });
    return Promise.all([n, g]).then(function () {
      if (G) return;
      G = window.CourseGrade; N = window.CourseNormalize;
      graderHooks.splice(0).forEach(function (f) { f(); });
    });
  }
  function needYaml() {
    return needGrader().then(function () { return needScript('selfcheck-yaml.js', function () { return !!window.CourseYaml; }); })
      .then(function () { Y = window.CourseYaml; });
  }
  function ctxOf(setId) { var d = DATA[setId]; return {salt: d.salt, readings: IDX.readings || {}, letters: IDX.letters || {}, taxonomies: d.taxonomies || {}}; }

  // ----------------------------------------------------------------------------------------------
  // DOM helpers (text only)
  var uid = 0;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'class') e.className = attrs[k]; else if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function nid(p) { uid += 1; return 'sc-' + p + '-' + uid; }
  function plainText(s) {
    return String(s).replace(/\{[a-z:-]+\}`([^`<]*?)(?:\s*<[^>]*>)?`/g, '$1').replace(/\*\*(.+?)\*\*/g, '$1')
      .replace(/`([^`]+)`/g, '$1').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
  }
  function liTexts(box, cls) {
    var ul = box.querySelector('ul.' + cls);
    return ul ? Array.prototype.map.call(ul.children, function (li) { return li.textContent.replace(/\s+/g, ' ').trim(); }) : [];
  }
  function clip(s, field) {
    s = String(s).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g, '$1\ufffd');
    if (s.length > MAX_TEXT) { if (field) field.setCustomValidity(''); return [s.slice(0, MAX_TEXT), true]; }
    return [s, false];
  }
  function notice(msg) {
    ['sc-notice', 'sc-notice-panel'].forEach(function (id) { var n = document.getElementById(id); if (n) n.textContent = msg; });
  }

  // ----------------------------------------------------------------------------------------------
  // Controls per item type: each returns {node, read(), write(value)}
  function choiceControls(item, box, multi) {
    var fs = el('fieldset', {'class': 'sc-choices'}), name = nid('c');
    fs.appendChild(el('legend', null, multi ? 'Your answer (choose all that apply)' : 'Your answer (choose one)'));
    var texts = liTexts(box, 'exercise-choices'), inputs = [];
    item.keys.forEach(function (k, i) {
      var id = nid('o'), lab = el('label', {'for': id});
      var inp = el('input', {type: multi ? 'checkbox' : 'radio', name: name, id: id, value: k});
      inputs.push(inp);
      var row = el('div', {'class': 'sc-option'});
      row.appendChild(inp); lab.textContent = texts[i] || k; row.appendChild(lab); fs.appendChild(row);
    });
    return {node: fs, inputs: inputs,
      read: function () {
        var v = inputs.filter(function (x) { return x.checked; }).map(function (x) { return x.value; });
        return multi ? (v.length ? v : null) : (v[0] || null);
      },
      write: function (v) {
        var keys = Array.isArray(v) ? v.map(String) : [String(v)];
        inputs.forEach(function (x) { x.checked = keys.indexOf(x.value) >= 0; });
      }};
  }

  function orderingControls(item, box) {
    var texts = liTexts(box, 'exercise-choices'), order = item.keys.slice(), touched = false;
    var wrap = el('div', {'class': 'sc-order'});
    var label = nid('l');
    wrap.appendChild(el('p', {id: label, 'class': 'sc-label'}, 'Your order, first to last (move with the buttons):'));
    var ol = el('ol', {'aria-labelledby': label});
    wrap.appendChild(ol);
    var live = el('p', {'class': 'sc-visually-hidden', 'aria-live': 'polite'});
    wrap.appendChild(live);
    function text(k) { return texts[item.keys.indexOf(k)] || k; }
    function render(focusKey, dir) {
      ol.textContent = '';
      order.forEach(function (k, i) {
        var li = el('li');
        li.appendChild(el('span', {'class': 'sc-order-text'}, text(k)));
        var up = el('button', {type: 'button', 'class': 'sc-btn sc-small', 'aria-label': 'Move up: ' + text(k)}, '\u2191');
        var down = el('button', {type: 'button', 'class': 'sc-btn sc-small', 'aria-label': 'Move down: ' + text(k)}, '\u2193');
        up.disabled = i === 0; down.disabled = i === order.length - 1;
        up.addEventListener('click', function () { move(i, -1); });
        down.addEventListener('click', function () { move(i, 1); });
        li.appendChild(up); li.appendChild(down);
        ol.appendChild(li);
        if (k === focusKey) { var b = dir < 0 ? (up.disabled ? down : up) : (down.disabled ? up : down); setTimeout(function () { b.focus(); }, 0); }
      });
    }
    function move(i, d) {
      var j = i + d; if (j < 0 || j >= order.length) return;
      var k = order[i]; order[i] = order[j]; order[j] = k; touched = true;
      render(k, d);
      live.textContent = text(k).slice(0, 60) + ': now ' + (j + 1) + ' of ' + order.length + '.';
      if (ctl.onchange) ctl.onchange();
    }
    render();
    var ctl = {node: wrap,
      read: function () { return touched ? order.slice() : null; },
      touch: function () { touched = true; },
      write: function (v) {
        if (!Array.isArray(v)) return;
        var ks = v.map(String).filter(function (k) { return item.keys.indexOf(k) >= 0; });
        item.keys.forEach(function (k) { if (ks.indexOf(k) < 0) ks.push(k); });
        order = ks.filter(function (k, i) { return ks.indexOf(k) === i; }); touched = true; render();
      }};
    return ctl;
  }

  function selectFor(labelText, options, id) {
    var s = el('select', {id: id});
    s.appendChild(el('option', {value: ''}, '\u2014 choose \u2014'));
    options.forEach(function (o) { s.appendChild(el('option', {value: o[0]}, o[1])); });
    return s;
  }
  function mapControls(item, rows, options) {
    var wrap = el('div', {'class': 'sc-map'}), sels = [];
    rows.forEach(function (r) {
      var id = nid('s'), row = el('div', {'class': 'sc-row'});
      var lab = el('label', {'for': id}, r[1]);
      var s = selectFor(r[1], options, id);
      s.dataset.key = String(r[0]);
      row.appendChild(lab); row.appendChild(s);
      if (r[2]) row.appendChild(r[2]);
      wrap.appendChild(row); sels.push(s);
    });
    return {node: wrap,
      read: function () {
        var m = new Map();
        sels.forEach(function (s, i) { if (s.value) m.set(rows[i][0], s.value); });
        return m.size ? m : null;
      },
      write: function (v) {
        if (!(v instanceof Map)) return;
        var byKey = new Map(); v.forEach(function (x, k) { byKey.set(String(k).replace(/^.*:/, '').trim(), x); });
        sels.forEach(function (s) {
          var x = byKey.get(s.dataset.key); if (x === undefined || x === null) return;
          x = String(x);
          var opt = Array.prototype.find.call(s.options, function (o) { return o.value === x || labelKey(o.value) === labelKey(x); });
          if (opt) s.value = opt.value;
        });
      }};
  }

  function matchingControls(item, box) {
    var left = liTexts(box, 'exercise-left'), right = liTexts(box, 'exercise-right');
    return mapControls(item, item.left.map(function (k, i) { return [k, left[i] || k]; }),
      item.keys.map(function (k, i) { return [k, (right[i] || k).slice(0, 90)]; }));
  }

  function paraLink(rid, n) {
    var a = el('a', {href: ROOT + 'readings/' + rid + '.html#' + rid + '-p' + n, 'class': 'sc-para-link'}, 'read \u00b6' + n);
    return a;
  }
  function annotateControls(item, setId) {
    var taxo = DATA[setId].taxonomies[item.taxonomy];
    var opts = taxo.labels.map(function (l) { return [l[0], l[0] === taxo.none ? l[1] : l[1] + ' (' + l[0] + ')']; });
    var ctl = mapControls(item, item.paras.map(function (n) { return [n, 'Paragraph ' + n + ' (' + item.reading + ':' + n + ')', paraLink(item.reading, n)]; }), opts);
    if (!item.justify) return ctl;
    // a justification per label ("label | why"), quoting the words that carry it
    var whys = {};
    ctl.node.querySelectorAll('.sc-row').forEach(function (row) {
      var key = row.querySelector('select').dataset.key;
      var f = textField('Why, for paragraph ' + key + ' (quote the words that carry the label, in quotation marks)', 0, 'sc-why-field');
      row.appendChild(f[0]); whys[key] = f[1];
    });
    var read = ctl.read, write = ctl.write;
    ctl.read = function () {
      var m = read();
      if (!m) return m;
      m.forEach(function (v, k) { var w = whys[String(k)] && strip(whys[String(k)].value); if (w) m.set(k, v + ' | ' + w); });
      return m;
    };
    ctl.write = function (v) {
      if (!(v instanceof Map)) return;
      var labels = new Map();
      v.forEach(function (x, k) {
        var key = String(k).replace(/^.*:/, '').trim(), lab = x, why = '';
        if (typeof x === 'string' && x.indexOf('|') >= 0) { lab = x.slice(0, x.indexOf('|')).trim(); why = x.slice(x.indexOf('|') + 1).trim(); }
        else if (x instanceof Map) { lab = x.get('label'); why = x.get('why') || x.get('justification') || ''; }
        labels.set(k, lab);
        if (whys[key]) whys[key].value = why ? str(why) : '';
      });
      write(labels);
    };
    return ctl;
  }

  function locateControls(item, setId) {
    var paras = (DATA[setId].readings || {})[item.reading] || [];
    var fs = el('fieldset', {'class': 'sc-locate'});
    fs.appendChild(el('legend', null, 'Tick the paragraphs (' + item.reading + ')'));
    var list = el('div', {'class': 'sc-locate-list'}), inputs = [];
    paras.forEach(function (p) {
      var id = nid('p'), row = el('div', {'class': 'sc-option'});
      var inp = el('input', {type: 'checkbox', id: id, value: String(p[0])});
      row.appendChild(inp);
      row.appendChild(el('label', {'for': id}, '\u00b6' + p[0] + ' ' + p[1]));
      row.appendChild(document.createTextNode(' '));
      row.appendChild(paraLink(item.reading, p[0]));
      list.appendChild(row); inputs.push(inp);
    });
    fs.appendChild(list);
    return {node: fs,
      read: function () { var v = inputs.filter(function (x) { return x.checked; }).map(function (x) { return parseInt(x.value, 10); }); return v.length ? v : null; },
      write: function (v) {
        var nums = (Array.isArray(v) ? v : [v]).map(function (x) { var m = /(\d+)\s*$/.exec(String(x)); return m ? m[1] : ''; });
        inputs.forEach(function (x) { x.checked = nums.indexOf(x.value) >= 0; });
      }};
  }

  function textField(labelText, multiline, cls) {
    var id = nid('t'), wrap = el('div', {'class': 'sc-field ' + (cls || '')});
    wrap.appendChild(el('label', {'for': id}, labelText));
    var f = multiline ? el('textarea', {id: id, rows: multiline, spellcheck: 'true'}) : el('input', {id: id, type: 'text', autocomplete: 'off', spellcheck: 'false'});
    wrap.appendChild(f);
    return [wrap, f];
  }

  function numericValue(s) {
    s = strip(s);
    if (/^[+-]?\d+$/.test(s) && s.length < 16) return parseInt(s, 10);
    if (/^[+-]?\d*\.\d+$/.test(s) && s.length < 16) return parseFloat(s);
    return s || null;
  }

  function fieldControls(item) {
    var t = item.type;
    if (t === 'numeric' || t === 'short') {
      var p = textField(t === 'numeric' ? 'Your answer (a number' + (item.unit ? ', in ' + item.unit : '') + ')' : 'Your answer (a word or short phrase)', 0);
      var f = p[1];
      if (t === 'numeric') f.setAttribute('inputmode', 'decimal');
      return {node: p[0], field: f,
        read: function () { var v = clip(f.value)[0]; return t === 'numeric' ? numericValue(v) : (strip(v) ? v : null); },
        write: function (v) { f.value = v === null || v === undefined ? '' : str(v); }};
    }
    if (t === 'verdict') {
      var wrap = el('div', {'class': 'sc-verdict'}), id = nid('v'), row = el('div', {'class': 'sc-row'});
      row.appendChild(el('label', {'for': id}, 'Verdict'));
      var s = selectFor('Verdict', VERDICTS.map(function (v) { return [v, v]; }), id);
      row.appendChild(s); wrap.appendChild(row);
      var e = textField('Evidence (at least ' + item.minWords + ' words' + (item.minCitations ? ', citing paragraph ids such as al-waie-472:12' : '') + ')', 6);
      wrap.appendChild(e[0]);
      return {node: wrap, field: e[1],
        read: function () {
          var ev = clip(e[1].value)[0];
          if (!s.value && !strip(ev)) return null;
          var m = new Map(); m.set('verdict', s.value || null); m.set('evidence', strip(ev) ? ev : null); return m;
        },
        write: function (v) {
          if (v instanceof Map) {
            var low = new Map(); v.forEach(function (x, k) { low.set(String(k).trim().toLowerCase(), x); });
            var vv = low.get('verdict'); s.value = VERDICTS.indexOf(String(vv || '').trim().toLowerCase()) >= 0 ? String(vv).trim().toLowerCase() : '';
            var ev = low.get('evidence'); e[1].value = ev === null || ev === undefined ? '' : (Array.isArray(ev) ? ev.join(' ') : str(ev));
          } else if (typeof v === 'string') s.value = VERDICTS.indexOf(v.trim().toLowerCase()) >= 0 ? v.trim().toLowerCase() : '';
        }};
    }
    return null;
  }

  function openControls(item, setId) {
    var wrap = el('div', {'class': 'sc-open'});
    var p = textField('Your answer (kept in this browser; an instructor marks it)', 10);
    wrap.appendChild(p[0]);
    var count = el('p', {'class': 'sc-count', 'aria-live': 'polite'});
    wrap.appendChild(count);
    var fs = el('fieldset', {'class': 'sc-rubric'});
    fs.appendChild(el('legend', null, 'Check your answer against the rubric (for yourself; not scored)'));
    var ticks = (state.rubric[item.id] || []);
    (item.rubric || []).forEach(function (c, i) {
      var id = nid('r'), row = el('div', {'class': 'sc-option'}), inp = el('input', {type: 'checkbox', id: id});
      inp.checked = !!ticks[i];
      inp.addEventListener('change', function () { refresh(); state.rubric[item.id] = state.rubric[item.id] || []; state.rubric[item.id][i] = inp.checked; save(); });
      row.appendChild(inp); row.appendChild(el('label', {'for': id}, c[0] + ' (' + fmt(c[1]) + ' points)'));
      fs.appendChild(row);
    });
    wrap.appendChild(fs);
    function upd() {
      var n = words(p[1].value), parts = [n + ' words'];
      if (item.minWords || item.maxWords) parts.push((item.minWords || 0) + '\u2013' + (item.maxWords || '\u2026') + ' asked');
      // the citation count needs the grader's reference parser: shown once it has loaded
      if (item.minCitations && G) parts.push(G.citations({readings: IDX.readings || {}}, p[1].value)[0].length + ' paragraph ids cited (' + item.minCitations + ' asked)');
      count.textContent = parts.join('; ');
    }
    if (item.minCitations && !G) graderHooks.push(upd);
    p[1].addEventListener('input', function () {
      upd();
      if (item.minCitations && !G) needGrader().then(upd, function () { /* no count, nothing else lost */ });
    });
    return {node: wrap, field: p[1], open: true,
      read: function () { var v = clip(p[1].value)[0]; return strip(v) ? v : null; },
      write: function (v) { p[1].value = v === null || v === undefined ? '' : str(v); upd(); }};
  }

  // ----------------------------------------------------------------------------------------------
  // One item
  var UI = {}; // setId/itemId -> {ctl, item, ...}
  var listeners = [];
  var STATUS = {passed: 'Right', partial: 'Partly right', failed: 'Not right', 'not-attempted': 'Not answered yet'};

  function describe(v) {
    var s;
    if (v instanceof Map) { var p = []; v.forEach(function (x, k) { p.push(k + ': ' + str(x === null ? '' : x)); }); s = p.join('; '); }
    else if (Array.isArray(v)) s = v.map(str).join(',');
    else s = v === null || v === undefined ? '' : str(v);
    s = s.replace(/\s+/g, ' ').trim();
    return s.length > 250 ? s.slice(0, 249) + '\u2026' : s;
  }

  function build(holder) {
    var setId = holder.getAttribute('data-set'), itemId = holder.getAttribute('data-item');
    var item = itemOf(setId, itemId);
    if (!item) return;
    var box = holder.closest('.exercise-item') || holder.parentNode;
    var ctl;
    if (item.type === 'single' || item.type === 'multiple') ctl = choiceControls(item, box, item.type === 'multiple');
    else if (item.type === 'ordering') ctl = orderingControls(item, box);
    else if (item.type === 'matching') ctl = matchingControls(item, box);
    else if (item.type === 'locate') ctl = locateControls(item, setId);
    else if (item.type === 'annotate') ctl = annotateControls(item, setId);
    else if (item.type === 'open') ctl = openControls(item, setId);
    else ctl = fieldControls(item);
    if (!ctl) return;
    holder.textContent = '';
    var form = el('form', {'class': 'sc-form', 'aria-label': 'Answer ' + (box.querySelector('.exercise-title strong') || {}).textContent});
    form.appendChild(ctl.node);
    var msg = el('p', {'class': 'sc-message', 'aria-live': 'polite'});
    form.appendChild(msg);
    var bar = el('div', {'class': 'sc-bar'});
    var ui = {setId: setId, item: item, ctl: ctl, holder: holder, msg: msg};
    if (!ctl.open) {
      var check = el('button', {type: 'submit', 'class': 'sc-btn sc-primary'}, 'Check');
      var hint = el('button', {type: 'button', 'class': 'sc-btn'}, 'Hint');
      bar.appendChild(check); bar.appendChild(hint);
      hint.addEventListener('click', function () { showHint(ui); });
      ui.check = check;
    }
    form.appendChild(bar);
    var out = el('div', {'class': 'sc-feedback', role: 'status', 'aria-live': 'polite', tabindex: '-1'});
    form.appendChild(out);
    ui.out = out;
    ui.hintOut = el('div', {'class': 'sc-hints', 'aria-live': 'polite'});
    form.appendChild(ui.hintOut);
    form.addEventListener('submit', function (ev) { ev.preventDefault(); if (!ctl.open) runCheck(ui, true, true); });
    var timer = null;
    function changed() {
      ui.loaded = null; // the learner changed the controls: from now on they hold the answer
      marks(ui, null);
      clearTimeout(timer);
      timer = setTimeout(function () { keep(ui); }, 250);
    }
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    ctl.onchange = changed;
    holder.appendChild(form);
    UI[setId + '/' + itemId] = ui;
    var saved = answerOf(setId, itemId);
    if (saved !== null) restore(ui, saved);
    if (saved !== null) {
      var snap = (state.checked[setId] || {})[itemId];
      if (snap && snap === JSON.stringify(toJSON(saved))) runCheck(ui, false);
    }
  }

  // Put an answer into the controls; one they cannot show exactly (a file's "(B)", an unknown
  // key...) is kept as it is, and checked as it is, until the learner changes the controls.
  function restore(ui, v) {
    ui.ctl.write(v);
    var shown = ui.ctl.read();
    ui.loaded = JSON.stringify(toJSON(shown)) === JSON.stringify(toJSON(v)) ? null : v;
    ui.msg.textContent = ui.loaded === null ? '' : 'Your saved answer (' + describe(v).slice(0, 80) + ') is kept as written; change the controls to replace it.';
  }
  function current(ui) { return ui.loaded !== null && ui.loaded !== undefined ? ui.loaded : ui.ctl.read(); }
  function keep(ui) {
    // a save still pending from controls that Reset (or Load answers) has since replaced must not
    // bring back what the learner just deleted
    if (UI[ui.setId + '/' + ui.item.id] !== ui) return;
    var v = current(ui), raw = ui.ctl.field ? ui.ctl.field.value : '';
    if (raw && raw.length > MAX_TEXT) ui.msg.textContent = 'Your text is very long: only the first ' + MAX_TEXT + ' characters are kept and checked.';
    else ui.msg.textContent = '';
    storeAnswer(ui.setId, ui.item.id, v);
  }

  function levelOf(itemId) { return state.hints[itemId] || 0; }

  // What the learner sees when the grader cannot be loaded: what failed, that nothing is lost, and
  // what to do. Anything else going wrong in the page gets the older, general message.
  function failure(e, what) {
    if (e instanceof LoadError) {
      return 'The page could not ' + what + ': its checker file ' + e.message.replace(/ could not be loaded$/, '') +
        ' did not load (it is missing from this copy of the book, or the browser blocked it). Your answer is kept ' +
        'in this browser. Reload the page to try again, or check your answer file in the terminal with course check.';
    }
    return 'The page could not ' + what + ' (your browser may be too old). Your answer is kept; check it with course check.';
  }
  function loadingNote(box) {
    if (G) return;
    box.textContent = '';
    box.appendChild(el('p', {'class': 'sc-loading'}, 'Loading the checker\u2026'));
  }

  function showHint(ui) {
    if (ui.hintPending) return ui.hintPending;
    loadingNote(ui.hintOut);
    ui.hintPending = needGrader().then(function () { return needLater(ui.setId); }).then(function () { return G.hints(ctxOf(ui.setId), ui.item); }).then(function (hs) {
      refresh();
      var lvl = Math.min(levelOf(ui.item.id) + 1, hs.length);
      state.hints[ui.item.id] = lvl; save();
      ui.hintOut.textContent = '';
      var p = el('p', {'class': 'sc-hint'});
      p.appendChild(el('strong', null, 'Hint ' + lvl + ' of ' + hs.length + ': '));
      p.appendChild(document.createTextNode(plainText(hs[lvl - 1])));
      ui.hintOut.appendChild(p);
      if (lvl >= hs.length) ui.hintOut.appendChild(el('p', null, 'That is the last hint.'));
    }).catch(function (e) {
      ui.hintOut.textContent = '';
      ui.hintOut.appendChild(el('p', {'class': 'sc-error'}, failure(e, 'show a hint')));
    }).then(function () { ui.hintPending = null; });
    return ui.hintPending;
  }

  // Check: the answer is kept at once; the grader is loaded if need be, then the answer the
  // controls hold *then* is graded. A Check pressed while one is under way gives no second
  // result; the answer is checked again afterwards only if it changed meanwhile.
  function runCheck(ui, interactive, touch) {
    if (ui.ctl.touch && touch && (ui.loaded === null || ui.loaded === undefined)) ui.ctl.touch();
    storeAnswer(ui.setId, ui.item.id, current(ui));
    if (ui.pending) { if (interactive) ui.again = true; return ui.pending; }
    if (!G) loadingNote(ui.out);
    var v, ctx;
    ui.pending = needGrader().then(function () {
      // a justification check needs the paragraphs' text, which comes with the set's later data
      return ui.item.justify ? needLater(ui.setId) : null;
    }).then(function () {
      v = current(ui);
      ctx = ctxOf(ui.setId);
      return G.grade(ctx, ui.item, v, levelOf(ui.item.id));
    }).then(function (r) {
      // a Check pressed while a quiet re-check (of a kept answer, on page load) ran: this is its result
      if (ui.again && !interactive && JSON.stringify(toJSON(current(ui))) === JSON.stringify(toJSON(v))) { interactive = true; ui.again = false; }
      show(ui, r, ctx);
      refresh();
      if (r.status !== 'not-attempted') {
        state.results[ui.setId] = state.results[ui.setId] || {};
        state.results[ui.setId][ui.item.id] = {status: r.status, points: r.points, max: r.max_points, error: r.answer_error};
        state.checked[ui.setId] = state.checked[ui.setId] || {};
        state.checked[ui.setId][ui.item.id] = JSON.stringify(toJSON(v));
      } else if (state.results[ui.setId]) delete state.results[ui.setId][ui.item.id];
      save();
      updateSummary();
      if (interactive) {
        ui.out.focus();
        var payload = {setId: ui.setId, itemId: ui.item.id, type: ui.item.type,
          status: r.status === 'passed' ? 'right' : r.status === 'partial' ? 'partial' : r.answer_error ? 'invalid' : 'wrong',
          points: r.points, maxPoints: r.max_points, response: describe(v)};
        if (r.status !== 'not-attempted') listeners.forEach(function (cb) { try { cb(payload); } catch (e) { /* a listener's error is its own */ } });
      }
      return r;
    }).catch(function (e) {
      ui.out.textContent = '';
      ui.out.className = 'sc-feedback sc-invalid';
      ui.out.appendChild(el('p', {'class': 'sc-error'}, failure(e, 'check this answer')));
      if (interactive) ui.out.focus();
    }).then(function (r) {
      ui.pending = null;
      var again = ui.again;
      ui.again = false;
      if (again && r && UI[ui.setId + '/' + ui.item.id] === ui && JSON.stringify(toJSON(current(ui))) !== JSON.stringify(toJSON(v))) {
        return runCheck(ui, true);
      }
      return r;
    });
    return ui.pending;
  }

  // Which parts are right: a mark (text, not only colour) beside each checked element
  function marks(ui, parts) {
    ui.holder.querySelectorAll('.sc-mark').forEach(function (m) { m.remove(); });
    if (!parts) return;
    ui.holder.querySelectorAll('input[value], select[data-key]').forEach(function (c) {
      var k = c.tagName === 'SELECT' ? c.dataset.key : c.value;
      if (!(k in parts) || (c.type && (c.type === 'checkbox' || c.type === 'radio') && !c.checked)) return;
      var m = el('span', {'class': 'sc-mark ' + (parts[k] ? 'sc-mark-ok' : 'sc-mark-no')}, parts[k] ? '\u2713 right' : '\u2717 not right');
      (c.closest('.sc-option, .sc-row') || c.parentNode).appendChild(m);
    });
  }
  function show(ui, r, ctx) {
    var out = ui.out;
    out.textContent = '';
    out.className = 'sc-feedback sc-' + (r.answer_error ? 'invalid' : r.status);
    var head = el('p', {'class': 'sc-status'});
    head.appendChild(el('strong', null, r.answer_error ? 'Cannot read your answer' : STATUS[r.status] || r.status));
    if (r.status !== 'not-attempted') head.appendChild(document.createTextNode(' \u00b7 ' + fmt(r.points) + ' of ' + fmt(r.max_points) + ' point' + (r.max_points === 1 ? '' : 's')));
    out.appendChild(head);
    out.appendChild(el('p', {'class': 'sc-text'}, plainText(r.feedback)));
    marks(ui, r.parts);
    if (r.status === 'failed' || r.status === 'partial') out.appendChild(el('p', {'class': 'sc-next'}, 'Try again, or ask for a hint.'));
    if (r.status === 'passed') {
      needLater(ui.setId).then(function () { return G.explanation(ctx, ui.item, r.shares); }).then(function (text) {
        if (!text || ui.out !== out) return;
        var why = el('div', {'class': 'sc-why'});
        why.appendChild(el('p', {'class': 'sc-why-title'}, 'Why'));
        why.appendChild(el('p', null, text));
        out.appendChild(why);
      });
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Scores, progress panel, answer files
  function autoItems(setInfoObj) { return setInfoObj.items.filter(function (it) { return it[1] !== 'open'; }); }
  function score(setId) {
    var sets = setId ? [setInfo(setId)].filter(Boolean) : pageSets().map(setInfo).filter(Boolean);
    var s = {points: 0, maxPoints: 0, attempted: 0, right: 0, total: 0};
    sets.forEach(function (si) {
      var res = state.results[si.id] || {};
      autoItems(si).forEach(function (it) {
        s.total++; s.maxPoints += it[2];
        var r = res[it[0]];
        if (r) { s.attempted++; s.points += r.points; if (r.status === 'passed') s.right++; }
      });
    });
    s.points = round4(s.points); s.maxPoints = round4(s.maxPoints);
    return s;
  }
  function pageSets() {
    var ids = [];
    document.querySelectorAll('.selfcheck[data-set]').forEach(function (h) { var s = h.getAttribute('data-set'); if (ids.indexOf(s) < 0) ids.push(s); });
    return ids;
  }
  function updateSummary() {
    document.querySelectorAll('.sc-summary[data-set]').forEach(function (p) {
      var s = score(p.getAttribute('data-set'));
      p.textContent = 'Your progress in this set (kept in this browser): ' + s.attempted + ' of ' + s.total + ' checked, ' + s.right + ' right, ' + fmt(s.points) + ' of ' + fmt(s.maxPoints) + ' points.';
    });
    if (panel && panel.open) fillPanel();
  }

  function exportAnswers() {
    var out = {};
    Object.keys(state.answers).forEach(function (setId) {
      var a = state.answers[setId], o = {};
      Object.keys(a).forEach(function (itemId) { var v = plainJSON(fromJSON(a[itemId])); if (!isBlank(fromJSON(a[itemId]))) o[itemId] = v; });
      if (Object.keys(o).length) out[setId] = o;
    });
    return out;
  }
  function plainJSON(v) {
    if (v instanceof Map) { var o = {}; v.forEach(function (x, k) { o[String(k)] = plainJSON(x); }); return o; }
    if (Array.isArray(v)) return v.map(plainJSON);
    return v;
  }
  function typeOf(setId, itemId) {
    var si = setInfo(setId); if (!si) return null;
    for (var i = 0; i < si.items.length; i++) if (si.items[i][0] === itemId) return si.items[i][1];
    return null;
  }
  function importAnswers(obj, opts) {
    var problems = [];
    try {
      if (!obj || typeof obj !== 'object') return ['the answers are not a mapping of sets to answers'];
      var sets = obj instanceof Map ? obj : new Map(Object.keys(obj).map(function (k) { return [k, obj[k]]; }));
      sets.forEach(function (answers, setId) {
        if (!setInfo(setId)) { problems.push('unknown exercise set ' + setId); return; }
        var m = answers instanceof Map ? answers : (answers && typeof answers === 'object' ? new Map(Object.keys(answers).map(function (k) { return [k, answers[k]]; })) : null);
        if (!m) { problems.push(setId + ': the answers are not a mapping of item ids to answers'); return; }
        m.forEach(function (v, itemId) {
          var t = typeOf(setId, String(itemId));
          if (!t) { problems.push(setId + ': no item ' + itemId + ' (left out)'); return; }
          v = fromJSON(plainJSON(v));
          if (typeof v === 'string' && v.length > MAX_TEXT * 5) { problems.push(itemId + ': the answer is too long (left out)'); return; }
          storeAnswer(setId, String(itemId), v);
          var ui = UI[setId + '/' + itemId];
          if (ui) { restore(ui, v); ui.out.textContent = ''; }
        });
      });
    } catch (e) { problems.push('the answers could not be read: ' + (e && e.message ? e.message : e)); }
    save();
    updateSummary();
    return problems;
  }

  // --- answer files and the progress table: selfcheck-files.js, loaded when first needed
  var FILES = null;
  function files() {
    return needYaml().then(function () { return needScript('selfcheck-files.js', function () { return !!window.CourseSelfCheckFiles; }); })
      .then(function () {
        if (!FILES) FILES = window.CourseSelfCheckFiles({G: G, Y: Y, IDX: IDX, ROOT: ROOT, needScript: needScript, answerOf: answerOf, typeOf: typeOf,
          isBlank: isBlank, el: el, setInfo: setInfo, importAnswers: importAnswers, notice: notice, score: score, fmt: fmt, round4: round4});
        return FILES;
      });
  }
  function answerFile(setId) { return files().then(function (f) { return f.answerFile(setId); }); }
  function download(setId) { return files().then(function (f) { return f.download(setId); }, function (e) { notice('The answer file could not be written: ' + e.message + '.'); }); }
  function loadText(text, fileName) {
    return files().then(function (f) { return f.loadText(text, fileName); },
      function () { return {problems: ['the page could not load its answer-file reader. Nothing was changed.']}; });
  }
  function pickFile() {
    var inp = el('input', {type: 'file', accept: '.yaml,.yml,text/yaml,text/plain', 'class': 'sc-visually-hidden', 'aria-hidden': 'true', tabindex: '-1'});
    document.body.appendChild(inp);
    inp.addEventListener('change', function () {
      var f = inp.files && inp.files[0];
      inp.remove();
      if (!f) return;
      if (f.size > 2000000) { notice('"' + f.name + '" is over 2 MB; an answer file is much smaller. Nothing was changed.'); return; }
      f.text().then(function (text) { return loadText(text, f.name); }).then(function (r) {
        var msg = r.set ? 'Loaded ' + r.loaded + ' answers into ' + r.set + ' from "' + f.name + '".' : 'Could not load "' + f.name + '": ';
        notice(msg + (r.problems.length ? ' ' + r.problems.join(' ') : ''));
      });
    });
    inp.click();
  }
  function reset() {
    if (!window.confirm('Reset: delete every answer, hint and result this browser keeps for this course? This cannot be undone. (Download your answers first to keep a copy.)')) return false;
    backend.remove(NS);
    state = empty();
    Object.keys(UI).forEach(function (k) {
      var ui = UI[k], h = ui.holder; build(h);
    });
    updateSummary();
    notice('All answers kept in this browser for this course were deleted.');
    return true;
  }

  // --- the progress panel (on every page)
  var panel = null;
  function fillPanel() {
    return files().then(function (f) { f.fillPanel(panel, download); }, function (e) { notice(failure(e, 'show your progress')); });
  }
  function buildPanel() {
    if (!IDX.sets.length) return;
    var btn = el('button', {type: 'button', 'class': 'sc-btn sc-progress-btn', 'aria-haspopup': 'dialog'}, 'My progress');
    var host = document.querySelector('.article-header-buttons') || document.querySelector('main') || document.body;
    if (host.classList && host.classList.contains('article-header-buttons')) host.insertBefore(btn, host.firstChild);
    else host.insertBefore(btn, host.firstChild);
    panel = el('dialog', {'class': 'sc-panel', 'aria-labelledby': 'sc-panel-title'});
    panel.appendChild(el('h2', {id: 'sc-panel-title'}, 'My progress'));
    panel.appendChild(el('div', {'class': 'sc-panel-body'}));
    var bar = el('div', {'class': 'sc-bar'});
    var load = el('button', {type: 'button', 'class': 'sc-btn'}, 'Load answers\u2026');
    var rst = el('button', {type: 'button', 'class': 'sc-btn'}, 'Reset\u2026');
    var close = el('button', {type: 'button', 'class': 'sc-btn sc-primary'}, 'Close');
    load.addEventListener('click', pickFile); rst.addEventListener('click', reset);
    close.addEventListener('click', function () { panel.close(); });
    bar.appendChild(load); bar.appendChild(rst); bar.appendChild(close);
    panel.appendChild(bar);
    panel.appendChild(el('p', {id: 'sc-notice-panel', 'class': 'sc-notice', 'aria-live': 'polite'}));
    document.body.appendChild(panel);
    btn.addEventListener('click', function () { fillPanel(); panel.showModal(); });
    panel.addEventListener('close', function () { btn.focus(); });
  }
  function buildSetTools() {
    document.querySelectorAll('.selfcheck-tools[data-set]').forEach(function (t) {
      var setId = t.getAttribute('data-set');
      t.textContent = '';
      t.appendChild(el('p', {'class': 'sc-summary', 'data-set': setId}));
      var bar = el('div', {'class': 'sc-bar'});
      var d = el('button', {type: 'button', 'class': 'sc-btn'}, 'Download my answers (' + setId + '.yaml)');
      var l = el('button', {type: 'button', 'class': 'sc-btn'}, 'Load answers\u2026');
      var r = el('button', {type: 'button', 'class': 'sc-btn'}, 'Reset\u2026');
      d.addEventListener('click', function () { download(setId); });
      l.addEventListener('click', pickFile); r.addEventListener('click', reset);
      bar.appendChild(d); bar.appendChild(l); bar.appendChild(r);
      t.appendChild(bar);
    });
  }

  // ----------------------------------------------------------------------------------------------
  function init() {
    G = window.CourseGrade || null; N = window.CourseNormalize || null;
    // once the grader is there: answers kept as written are shown again with its exact rules (the
    // learner has not touched those controls since), and the scores with its number format
    graderHooks.push(function () {
      Object.keys(UI).forEach(function (k) { var ui = UI[k]; if (ui.loaded !== null && ui.loaded !== undefined) restore(ui, ui.loaded); });
      document.querySelectorAll('.sc-hints .sc-error').forEach(function (e) { e.remove(); }); // an earlier failed load
      updateSummary();
    });
    collect();
    load();
    window.addEventListener('storage', function (e) { if (e.key === NS) { load(); updateSummary(); } });
    var n = el('p', {id: 'sc-notice', 'class': 'sc-notice', 'aria-live': 'polite'});
    var main = document.querySelector('main') || document.body;
    buildPanel();
    buildSetTools();
    var tools = document.querySelector('.selfcheck-tools');
    (tools ? tools : main).appendChild(n);
    document.querySelectorAll('.selfcheck[data-set][data-item]').forEach(build);
    updateSummary();
    window.courseSelfCheck = {
      version: IDX.version, courseId: IDX.courseId,
      sets: pageSets,
      onResult: function (cb) { if (typeof cb === 'function') listeners.push(cb); },
      exportAnswers: exportAnswers,
      importAnswers: function (obj, opts) { var p = importAnswers(obj, opts || {}); return p; },
      score: score,
      setStorage: function (adapter) {
        if (!adapter || typeof adapter.get !== 'function' || typeof adapter.set !== 'function') return false;
        backend = {get: adapter.get.bind(adapter), set: adapter.set.bind(adapter),
          remove: typeof adapter.remove === 'function' ? adapter.remove.bind(adapter) : function (k) { adapter.set(k, ''); }};
        load();
        Object.keys(UI).forEach(function (k) { build(UI[k].holder); });
        updateSummary();
        return true;
      },
      // for tests and the benchmark
      _grade: function (setId, itemId, value, level) { return needGrader().then(function () { return G.grade(ctxOf(setId), itemOf(setId, itemId), value, level || 0); }); },
      _needGrader: needGrader,
      _check: function (setId, itemId) { return runCheck(UI[setId + '/' + itemId], true); },
      _answerFile: answerFile,
      _loadText: loadText,
      _data: DATA
    };
    document.dispatchEvent(new CustomEvent('courseselfcheck:ready'));
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();

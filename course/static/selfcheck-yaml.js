/* Reading and writing answer files (answers/<set>.yaml) in the page: a small YAML reader for what
   `course start` writes and learners type (block mappings, block and flow lists, plain, quoted and
   block scalars, comments), and the writer used by "Download my answers". Mappings are Map objects.
   Plain JS, no dependencies. Errors are thrown as {line, message}. */
(function (g) {
  'use strict';

  function YamlError(line, message) { this.line = line; this.message = message; }

  // YAML 1.2 core schema resolution of a plain scalar (what ruamel's safe loader does).
  function resolvePlain(s) {
    if (/^(?:~|null|Null|NULL|)$/.test(s)) return null;
    if (/^(?:true|True|TRUE)$/.test(s)) return true;
    if (/^(?:false|False|FALSE)$/.test(s)) return false;
    if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
    if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
    if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) return parseFloat(s);
    if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s[0] === '-' ? -Infinity : Infinity;
    if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
    return s;
  }

  function unescapeDouble(body, line) {
    var map = {'0': '\0', 'a': '\x07', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r',
               'e': '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': '\x85', '_': '\xa0', 'L': '\u2028', 'P': '\u2029'};
    return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\n[ \t]*|.)/g, function (m, e) {
      if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
      if (e[0] === '\n') return '';
      if (e in map) return map[e];
      throw new YamlError(line, 'unknown escape \\' + e + ' in a "double-quoted" text');
    });
  }
  function foldLines(s) {
    // quoted scalars may run over lines: a single line break becomes a space, empty lines break
    return s.replace(/[ \t]*\n[ \t]*((?:\n[ \t]*)*)/g, function (m, empties) {
      var n = (empties.match(/\n/g) || []).length;
      return n ? '\n'.repeat(n) : ' ';
    });
  }

  function Parser(text) {
    this.src = text.replace(/\r\n?/g, '\n');
    if (this.src.charCodeAt(0) === 0xfeff) this.src = this.src.slice(1);
    this.lines = this.src.split('\n');
  }
  Parser.prototype.err = function (line, msg) { throw new YamlError(line + 1, msg); };

  // strip a comment that starts with " #" outside quotes
  function stripComment(s) {
    var q = null;
    for (var i = 0; i < s.length; i++) {
      var c = s[i];
      if (q) { if (c === q) { if (q === "'" && s[i + 1] === "'") { i++; continue; } q = null; } else if (c === '\\' && q === '"') i++; continue; }
      if ((c === '"' || c === "'") && (i === 0 || /[\s\[{,:]/.test(s[i - 1]))) q = c;
      else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) return s.slice(0, i);
    }
    return s;
  }
  function indentOf(line) { var m = /^ */.exec(line); return m[0].length; }
  function isBlankLine(line) { return /^\s*(?:#.*)?$/.test(line); }

  Parser.prototype.parse = function () {
    var i = 0;
    while (i < this.lines.length && (isBlankLine(this.lines[i]) || /^(?:---|%)/.test(this.lines[i]))) {
      if (/^---\s*\S/.test(this.lines[i])) break;
      i++;
    }
    if (i >= this.lines.length) return null;
    // a tab in the indentation of a line, or at the start of any line (even a blank or comment line,
    // as the terminal's YAML reader refuses it too)
    for (var j = 0; j < this.lines.length; j++) if (/^\t/.test(this.lines[j]) || (/\t/.test(this.lines[j].match(/^\s*/)[0]) && !isBlankLine(this.lines[j]))) this.err(j, 'a tab is used for indentation; YAML needs spaces');
    var r = this.block(i, indentOf(this.lines[i]));
    for (var k = r[1]; k < this.lines.length; k++) {
      if (!isBlankLine(this.lines[k]) && !/^(?:\.\.\.|---)\s*$/.test(this.lines[k])) this.err(k, 'this line is not part of the answers above it (check its indentation)');
    }
    return r[0];
  };

  // a block node starting at line i with indentation ind -> [value, next line]
  Parser.prototype.block = function (i, ind) {
    var line = this.lines[i].slice(ind);
    if (/^- |^-$/.test(line)) return this.seq(i, ind);
    if (this.keyOf(line, i) !== null) return this.map(i, ind);
    return this.flowOrScalar(i, ind, line);
  };

  Parser.prototype.keyOf = function (s, i) {
    var m;
    if ((m = /^"((?:[^"\\]|\\.)*)"\s*:(?:\s|$)/.exec(s))) return [unescapeDouble(m[1], i + 1), m[0].length];
    if ((m = /^'((?:[^']|'')*)'\s*:(?:\s|$)/.exec(s))) return [m[1].replace(/''/g, "'"), m[0].length];
    if (/^[\[{"'|>&*!%@`]/.test(s)) return null;
    if ((m = /^([^#\s][^:#]*?|[^#\s]*?)\s*:(?:\s|$)/.exec(s))) {
      if (/^-\s/.test(s)) return null;
      return [resolvePlain(m[1]), m[0].length];
    }
    return null;
  };

  Parser.prototype.map = function (i, ind) {
    var out = new Map();
    while (i < this.lines.length) {
      if (isBlankLine(this.lines[i])) { i++; continue; }
      var li = indentOf(this.lines[i]);
      if (li < ind) break;
      if (li > ind) this.err(i, 'this line is indented more than the line before it expects');
      var s = this.lines[i].slice(ind), k = this.keyOf(s, i);
      if (!k) {
        if (/^- /.test(s)) this.err(i, "a list item '- ' here, where an 'item-id: answer' line is expected");
        this.err(i, "this line has no 'key: value' form (a colon and a space after the key)");
      }
      var key = k[0];
      if (key !== null && typeof key === 'object') this.err(i, 'a key cannot be a list or mapping');
      if (out.has(key)) this.err(i, "'" + key + "' appears twice; keep one of them");
      var rest = stripComment(s.slice(k[1])).trim();
      var r;
      if (rest === '') {
        var j = i + 1;
        while (j < this.lines.length && isBlankLine(this.lines[j])) j++;
        if (j < this.lines.length && (indentOf(this.lines[j]) > ind || (indentOf(this.lines[j]) === ind && /^- |^-$/.test(this.lines[j].slice(ind))))) {
          r = this.block(j, indentOf(this.lines[j]));
        } else r = [null, i + 1];
      } else if (/^[|>]/.test(rest)) r = this.blockScalar(i, ind, rest);
      else r = this.inline(i, ind, s.slice(k[1]).replace(/^\s+/, ''));
      out.set(key, r[0]);
      i = r[1];
    }
    return [out, i];
  };

  Parser.prototype.seq = function (i, ind) {
    var out = [];
    while (i < this.lines.length) {
      if (isBlankLine(this.lines[i])) { i++; continue; }
      var li = indentOf(this.lines[i]);
      if (li < ind) break;
      var s = this.lines[i].slice(ind);
      if (li > ind || !/^- |^-$/.test(s)) this.err(i, "expected a list item ('- ' at the same indentation)");
      var rest = s.slice(1).replace(/^ +/, ''), restInd = ind + s.length - s.slice(1).replace(/^ +/, '').length;
      var r;
      if (stripComment(rest).trim() === '') {
        var j = i + 1;
        while (j < this.lines.length && isBlankLine(this.lines[j])) j++;
        if (j < this.lines.length && indentOf(this.lines[j]) > ind) r = this.block(j, indentOf(this.lines[j]));
        else r = [null, i + 1];
      } else if (this.keyOf(rest, i) !== null) {
        this.lines[i] = ' '.repeat(restInd) + rest;
        r = this.map(i, restInd);
      } else if (/^[|>]/.test(stripComment(rest).trim())) r = this.blockScalar(i, ind, stripComment(rest).trim());
      else r = this.inline(i, restInd, rest);
      out.push(r[0]);
      i = r[1];
    }
    return [out, i];
  };

  Parser.prototype.flowOrScalar = function (i, ind, s) { return this.inline(i, ind, s); };

  // a value on the rest of line i (may continue on more-indented lines for flow/quoted/plain)
  Parser.prototype.inline = function (i, ind, s) {
    var text = s, j = i + 1;
    var t = stripComment(s).trim();
    if (/^[\[{]/.test(t) || /^"/.test(t) || /^'/.test(t)) {
      // gather lines until the construct closes
      for (;;) {
        var st = this.scanFlow(text, i);
        if (st.done) {
          var after = stripComment(text.slice(st.end)).trim();
          if (after) this.err(j - 1, "unexpected text after the closing bracket or quote: '" + after.slice(0, 30) + "'");
          return [st.value, j];
        }
        if (j >= this.lines.length || (indentOf(this.lines[j]) <= ind && !isBlankLine(this.lines[j]) && !/^\s*[\]}]/.test(this.lines[j]))) {
          this.err(i, st.open === '[' ? "a '[' list opened on this line is never closed with ']'"
            : st.open === '{' ? "a '{' mapping opened on this line is never closed with '}'"
              : 'a quoted text opened on this line is never closed (' + st.open + ')');
        }
        text += '\n' + this.lines[j];
        j++;
      }
    }
    if (/^[&*!%@`]/.test(t)) this.err(i, "'" + t[0] + "' at the start of a value: quote the value (the page reads only plain answers)");
    // plain scalar, possibly continued on more-indented lines
    var parts = [t];
    while (j < this.lines.length && !isBlankLine(this.lines[j]) && indentOf(this.lines[j]) > ind && this.keyOf(this.lines[j].trim(), j) === null && !/^\s*- /.test(this.lines[j])) {
      parts.push(stripComment(this.lines[j]).trim()); j++;
    }
    if (/:\s/.test(t) && parts.length === 1) this.err(i, "': ' inside a value: put the value in quotes");
    return [resolvePlain(parts.join(' ')), j];
  };

  // flow collections and quoted scalars -> {done, value, end, open}
  Parser.prototype.scanFlow = function (text, line) {
    var pos = 0, self = this;
    function ws() {
      for (;;) {
        var m = /^[ \t\n]+/.exec(text.slice(pos)); if (m) pos += m[0].length;
        if (text[pos] === '#' && (pos === 0 || /\s/.test(text[pos - 1]))) { var e = text.indexOf('\n', pos); if (e < 0) { pos = text.length; return; } pos = e; continue; }
        return;
      }
    }
    function Incomplete(open) { this.open = open; }
    function value(inFlow) {
      ws();
      var c = text[pos];
      if (c === undefined) throw new Incomplete('?');
      if (c === '[') {
        pos++; var arr = [];
        for (;;) {
          ws();
          if (pos >= text.length) throw new Incomplete('[');
          if (text[pos] === ']') { pos++; return arr; }
          var v = value(true);
          ws();
          if (text[pos] === ':' && /[\s,\]]/.test(text[pos + 1] || ' ')) { pos++; var mv = value(true); var mm = new Map(); mm.set(v, mv); v = mm; ws(); }
          arr.push(v);
          if (pos >= text.length) throw new Incomplete('[');
          if (text[pos] === ',') { pos++; continue; }
          if (text[pos] === ']') { pos++; return arr; }
          self.err(line, "expected ',' or ']' in a list, found '" + text[pos] + "'");
        }
      }
      if (c === '{') {
        pos++; var mp = new Map();
        for (;;) {
          ws();
          if (pos >= text.length) throw new Incomplete('{');
          if (text[pos] === '}') { pos++; return mp; }
          var k = value(true);
          ws();
          var val = null;
          if (text[pos] === ':') { pos++; val = value(true); ws(); }
          if (k !== null && typeof k === 'object') self.err(line, 'a key cannot be a list or mapping');
          mp.set(k, val);
          if (pos >= text.length) throw new Incomplete('{');
          if (text[pos] === ',') { pos++; continue; }
          if (text[pos] === '}') { pos++; return mp; }
          self.err(line, "expected ',' or '}' in a mapping, found '" + text[pos] + "'");
        }
      }
      if (c === '"') {
        var m = /^"((?:[^"\\]|\\[\s\S])*)"/.exec(text.slice(pos));
        if (!m) throw new Incomplete('"');
        pos += m[0].length;
        return unescapeDouble(foldLines(m[1]), line + 1);
      }
      if (c === "'") {
        var m2 = /^'((?:[^']|'')*)'/.exec(text.slice(pos));
        if (!m2) throw new Incomplete("'");
        pos += m2[0].length;
        return foldLines(m2[1]).replace(/''/g, "'");
      }
      // plain scalar inside a flow collection
      var m3 = inFlow ? /^(?:[^,\[\]{}#:\n]|:(?=[^\s,\[\]{}])|#(?<!\s#))+/.exec(text.slice(pos)) : /^[^\n]*/.exec(text.slice(pos));
      if (!m3 || !m3[0].trim()) {
        if (inFlow && (c === ',' || c === ']' || c === '}')) return null;
        self.err(line, "unexpected '" + c + "'");
      }
      pos += m3[0].length;
      return resolvePlain(m3[0].trim());
    }
    try {
      var v = value(false);
      return {done: true, value: v, end: pos};
    } catch (e) {
      if (e instanceof Incomplete) return {done: false, open: e.open};
      throw e;
    }
  };

  Parser.prototype.blockScalar = function (i, ind, head) {
    var m = /^([|>])([+-]?)([1-9]?)([+-]?)\s*$/.exec(head);
    if (!m) this.err(i, "after '" + head[0] + "' nothing may follow on the same line but a comment");
    var folded = m[1] === '>', chomp = m[2] || m[4], explicit = m[3] ? parseInt(m[3], 10) : 0;
    var j = i + 1, lines = [], blockInd = explicit ? ind + explicit : -1;
    while (j < this.lines.length) {
      var l = this.lines[j];
      if (/^\s*$/.test(l)) { lines.push(''); j++; continue; }
      var li = indentOf(l);
      if (blockInd < 0) { if (li <= ind) break; blockInd = li; }
      if (li < blockInd) break;
      lines.push(l.slice(blockInd)); j++;
    }
    var trailing = 0;
    while (lines.length && lines[lines.length - 1] === '') { lines.pop(); trailing++; }
    var body;
    if (folded) {
      body = '';
      for (var k = 0; k < lines.length; k++) {
        if (k === 0) body = lines[0];
        else if (lines[k] === '' || /^\s/.test(lines[k]) || /^\s/.test(lines[k - 1]) || lines[k - 1] === '') body += '\n' + lines[k];
        else body += ' ' + lines[k];
      }
      body = body.replace(/\n(?=\n)/g, '\n');
    } else body = lines.join('\n');
    if (!lines.length) body = '';
    else if (chomp === '-') { /* strip */ } else if (chomp === '+') body += '\n'.repeat(trailing + 1);
    else body += '\n';
    return [body, j];
  };

  function parse(text) { return new Parser(String(text)).parse(); }

  // ----------------------------------------------------------------------------------------------
  // Per-item recovery (issue 13), the rule of course/exercises/recovery.py: when the whole file cannot
  // be read, split it into top-level blocks (a 'key:' line at column 0, up to the next one) and read
  // each on its own; keep what reads, report each broken block at the line where it starts. A file
  // that cannot be split this way keeps the whole-file error. Keep the patterns identical to Python's.
  var MAX_BLOCKS = 500, MAX_CHARS = 256 * 1024;
  var BLOCK_START = /^(?![ \t#\[\]{},?:|>&*!%@`])(?!-(?:[ \t]|$))(?!---|\.\.\.)("(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\n]|'')*'|[^"'\n][^\n]*?)[ \t]*:(?:[ \t]|$)/;
  var PREAMBLE_OK = /^(?:[ \t]*(?:#[^\n]*)?|---(?:[ \t]+(?:#[^\n]*)?)?)$/;
  var DOC_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;
  function blockKey(line) {
    var m = BLOCK_START.exec(line);
    if (!m) return null;
    var k = m[1];
    if (k[0] === '"' || k[0] === "'") return k.slice(1, -1);
    if (/[ \t]#/.test(k)) return null;
    return k;
  }
  function splitBlocks(text) {
    if (text.length > MAX_CHARS) return null;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    var lines = text.split(/\r\n|\r|\n/), starts = [];
    for (var i = 0; i < lines.length; i++) {
      var k = blockKey(lines[i]);
      if (k !== null) { starts.push([i, k]); if (starts.length > MAX_BLOCKS) return null; }
      else if (!starts.length) { if (!PREAMBLE_OK.test(lines[i])) return null; }
      else if (DOC_MARKER.test(lines[i]) || lines[i][0] === '%') return null;
    }
    if (!starts.length) return null;
    return starts.map(function (s, n) {
      var b = n + 1 < starts.length ? starts[n + 1][0] : lines.length;
      return {line: s[0] + 1, key: s[1], text: lines.slice(s[0], b).join('\n')};  // line numbers: + line - 1
    });
  }
  function recover(text) {
    var blocks = splitBlocks(text);
    if (!blocks) return null;
    var seen = new Map(), data = new Map(), broken = [];
    blocks.forEach(function (b) { seen.set(b.key, (seen.get(b.key) || []).concat([b.line])); });
    blocks.forEach(function (b) {
      var lines = seen.get(b.key);
      if (lines.length > 1) {
        broken.push({line: b.line, key: b.key, message: "'" + b.key + "' appears twice (also at line " +
          lines.filter(function (n) { return n !== b.line; }).join(', ') + '); keep one and delete the other'});
        return;
      }
      var v;
      try { v = new Parser(b.text).parse(); } catch (e) {
        broken.push({line: b.line, key: b.key, message: e instanceof YamlError ? e.message : 'it cannot be read',
          at: e instanceof YamlError ? e.line + b.line - 1 : b.line});
        return;
      }
      if (v instanceof Map) v.forEach(function (x, k) { data.set(k, x); });
      else broken.push({line: b.line, key: b.key, message: "it is not an 'item-id: answer' entry"});
    });
    return broken.length ? {data: data, broken: broken} : null;
  }
  // An answer file: {data, broken: []} when it reads whole, {data, broken: [{line, key, message}]} when
  // only some items read; throws the whole-file YamlError when recovery does not apply.
  function readAnswers(text) {
    text = String(text);
    try { return {data: parse(text), broken: []}; } catch (e) {
      if (!(e instanceof YamlError)) throw e;
      var rec = recover(text);
      if (rec) return rec;
      throw e;
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Writing
  var SPECIAL = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i;
  var PRINTABLE = /^[\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
  function plainOK(s) {
    return /^[\p{L}][\p{L}\p{M}\p{N} .,'\u02bf\u02be()\-]*$/u.test(s) && !/[ ]$/.test(s) && !SPECIAL.test(s) &&
      !/ #|: /.test(s) && PRINTABLE.test(s);
  }
  function quote(s) {
    var out = '"';
    for (var c of s) {
      var cp = c.codePointAt(0);
      if (c === '"') out += '\\"';
      else if (c === '\\') out += '\\\\';
      else if (c === '\n') out += '\\n';
      else if (c === '\t') out += '\\t';
      else if (!PRINTABLE.test(c) || (cp >= 0xd800 && cp <= 0xdfff)) out += cp > 0xffff ? '\\U' + cp.toString(16).padStart(8, '0') : '\\u' + cp.toString(16).padStart(4, '0');
      else out += c;
    }
    return out + '"';
  }
  function scalar(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return isFinite(v) ? (Number.isInteger(v) ? String(v) : g.CourseGrade.pyStr(v)) : quote(String(v));
    var s = String(v);
    return plainOK(s) ? s : quote(s);
  }
  // a block literal when the text allows it, else a double-quoted scalar
  function text(s, indent) {
    s = String(s);
    var body = s.replace(/\n+$/, '');
    if (body.indexOf('\n') < 0 && !/^\s|\s$/.test(body)) return ' ' + scalar(body);
    if (!body || /^[ \t]/.test(body) || /\r/.test(body) || !PRINTABLE.test(body.replace(/[\n\t]/g, ''))) return ' ' + quote(s);
    return ' |\n' + body.split('\n').map(function (l) { return l ? indent + l : ''; }).join('\n');
  }
  // any value in flow style: [a, [1, 2], {k: v}] (scalars quoted when a flow character is in them)
  function flow(v) {
    if (v instanceof Map) { var p = []; v.forEach(function (x, k) { p.push(flow(k) + ': ' + flow(x)); }); return '{' + p.join(', ') + '}'; }
    if (Array.isArray(v)) return '[' + v.map(flow).join(', ') + ']';
    if (v === null || v === undefined) return 'null';
    var s = scalar(v);
    return /[,\[\]{}]/.test(s) && s[0] !== '"' ? quote(String(v)) : s;
  }
  function flowList(v) { return flow(v); }

  g.CourseYaml = {parse: parse, readAnswers: readAnswers, splitBlocks: splitBlocks, YamlError: YamlError, scalar: scalar, quote: quote, text: text, flowList: flowList, flow: flow,
    resolvePlain: resolvePlain};
})(typeof window !== 'undefined' ? window : globalThis);

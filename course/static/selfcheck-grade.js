/* The in-page grader: a port of course/exercises/grading.py working on the page's item data (keys
   as salted SHA-256 tags, see course/exercises/selfcheck.py). tests/test_selfcheck_conformance.py
   runs the Python grader's conformance corpus through it. Plain JS, no dependencies, no network. */
(function (g) {
  'use strict';
  var N = g.CourseNormalize;
  var WS = N.WS;

  // ---------------------------------------------------------------------------------------------
  // SHA-256 (our own, so the checker works where Web Crypto is missing: plain http, old readers)
  var K = new Uint32Array([0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
    0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138,
    0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70,
    0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa,
    0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  function sha256(bytes) {
    var l = bytes.length, nb = ((l + 9 + 63) >> 6) << 6, m = new Uint8Array(nb), w = new Uint32Array(64);
    m.set(bytes); m[l] = 0x80;
    var bits = l * 8;
    m[nb - 4] = bits >>> 24; m[nb - 3] = bits >>> 16; m[nb - 2] = bits >>> 8; m[nb - 1] = bits;
    m[nb - 5] = Math.floor(l / 0x20000000);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for (var o = 0; o < nb; o += 64) {
      for (var i = 0; i < 16; i++) w[i] = (m[o + 4 * i] << 24) | (m[o + 4 * i + 1] << 16) | (m[o + 4 * i + 2] << 8) | m[o + 4 * i + 3];
      for (i = 16; i < 64; i++) {
        var x = w[i - 15], y = w[i - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], gg = h[6], hh = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (hh + S1 + ((e & f) ^ (~e & gg)) + K[i] + w[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = gg; gg = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + gg) | 0; h[7] = (h[7] + hh) | 0;
    }
    var out = new Uint8Array(32);
    for (i = 0; i < 8; i++) { out[4 * i] = h[i] >>> 24; out[4 * i + 1] = h[i] >>> 16; out[4 * i + 2] = h[i] >>> 8; out[4 * i + 3] = h[i]; }
    return out;
  }
  var enc = new TextEncoder();
  function cat() {
    var n = 0, i; for (i = 0; i < arguments.length; i++) n += arguments[i].length;
    var out = new Uint8Array(n), o = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], o); o += arguments[i].length; }
    return out;
  }
  function H() { return sha256(enc.encode(Array.prototype.join.call(arguments, '\x1f'))); }
  function b64d(s) { var bin = atob(s), out = new Uint8Array(bin.length); for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i); return out; }
  function b64e(b) { var s = ''; for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]); return btoa(s); }
  function stream(key, n) {
    var out = new Uint8Array(n), i = 0, o = 0;
    while (o < n) {
      var blk = sha256(cat(key, new Uint8Array([i >>> 24, i >>> 16, i >>> 8, i])));
      out.set(blk.subarray(0, Math.min(32, n - o)), o); o += 32; i++;
    }
    return out;
  }
  function xor(a, b) { var o = new Uint8Array(a.length); for (var i = 0; i < a.length; i++) o[i] = a[i] ^ b[i]; return o; }
  function inflate(bytes) {
    var ds = new DecompressionStream('deflate-raw');
    return new Response(new Blob([bytes]).stream().pipeThrough(ds)).text();
  }
  var ENC = enc.encode('enc'), MAC = enc.encode('mac');
  // decrypt(key, blob, deflated) -> Promise<text>, or null when the key is not the right one
  function decrypt(key, blob, deflated) {
    var raw = b64d(blob), tag = raw.subarray(0, 8), ct = raw.subarray(8);
    var mac = sha256(cat(key, MAC, ct));
    for (var i = 0; i < 8; i++) if (mac[i] !== tag[i]) return null;
    var pt = xor(ct, stream(cat(key, ENC), ct.length));
    return deflated ? inflate(pt) : Promise.resolve(new TextDecoder().decode(pt));
  }
  function unmask(salt, id, blob) {
    var raw = b64d(blob);
    return inflate(xor(raw, stream(H(salt, id, 'mask'), raw.length))).then(JSON.parse);
  }

  // ---------------------------------------------------------------------------------------------
  // Python value helpers (answers are JSON-like values; mappings are Map objects)
  function isMap(v) { return v instanceof Map; }
  function isList(v) { return Array.isArray(v); }
  function isStr(v) { return typeof v === 'string'; }
  function isNum(v) { return typeof v === 'number'; }
  function isBlank(v) {
    if (v === null || v === undefined) return true;
    if (isStr(v)) return !N.pyStrip(v);
    if (isList(v)) return v.every(isBlank);
    if (isMap(v)) { for (var x of v.values()) if (!isBlank(x)) return false; return true; }
    return false;
  }
  function cps(s) { return Array.from(s); }
  function floatRepr(x) {
    if (!isFinite(x)) return isNaN(x) ? 'nan' : (x > 0 ? 'inf' : '-inf');
    if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x) + '.0';
    var e = x.toExponential(), m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e);
    var sign = m[1], digits = m[2] + (m[3] || ''), exp = parseInt(m[4], 10);
    if (exp >= -5 && exp < 16) {
      if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
      var intp = digits.slice(0, exp + 1).padEnd(exp + 1, '0'), frac = digits.slice(exp + 1);
      return sign + intp + '.' + (frac || '0');
    }
    var mant = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '');
    return sign + mant + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  }
  function numStr(x) {
    if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
    if (Number.isInteger(x)) return BigInt(x).toString();
    return floatRepr(x);
  }
  function pyRepr(v) {
    if (isStr(v)) {
      var q = (v.indexOf("'") >= 0 && v.indexOf('"') < 0) ? '"' : "'";
      var out = q;
      for (var c of v) {
        var cp = c.codePointAt(0);
        if (c === '\\') out += '\\\\';
        else if (c === q) out += '\\' + q;
        else if (c === '\n') out += '\\n';
        else if (c === '\r') out += '\\r';
        else if (c === '\t') out += '\\t';
        else if (c !== ' ' && /[\p{C}\p{Z}]/u.test(c)) {
          out += cp < 0x100 ? '\\x' + cp.toString(16).padStart(2, '0')
            : cp < 0x10000 ? '\\u' + cp.toString(16).padStart(4, '0') : '\\U' + cp.toString(16).padStart(8, '0');
        } else out += c;
      }
      return out + q;
    }
    return pyStr(v);
  }
  function pyStr(v) {
    if (v === null || v === undefined) return 'None';
    if (v === true) return 'True';
    if (v === false) return 'False';
    if (isNum(v)) return numStr(v);
    if (isStr(v)) return v;
    if (isList(v)) return '[' + v.map(pyRepr).join(', ') + ']';
    if (isMap(v)) { var p = []; v.forEach(function (x, k) { p.push(pyRepr(k) + ': ' + pyRepr(x)); }); return '{' + p.join(', ') + '}'; }
    return String(v);
  }
  function show(v, limit) {
    limit = limit || 60;
    var s;
    if (isStr(v)) s = N.pyStrip(v);
    else if (typeof v === 'boolean') s = v ? 'true' : 'false';
    else if (isList(v)) s = '[' + v.map(function (x) { return show(x, 20); }).join(', ') + ']';
    else if (isMap(v)) { var p = []; v.forEach(function (x, k) { p.push(show(k, 20) + ': ' + show(x, 20)); }); s = '{' + p.join(', ') + '}'; }
    else s = pyStr(v);
    var c = cps(s);
    return c.length <= limit ? s : c.slice(0, limit - 1).join('') + '\u2026';
  }
  function kind(v) {
    if (v === null || v === undefined) return 'nothing (an empty value)';
    if (typeof v === 'boolean') return 'true/false';
    if (isNum(v)) return 'a number';
    if (isStr(v)) return 'text';
    if (isList(v)) return 'a list';
    if (isMap(v)) return 'a mapping';
    return typeof v;
  }
  function fmtG(x) {
    if (x === 0) return Object.is(x, -0) ? '-0' : '0';
    var m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential(5)), exp = parseInt(m[4], 10);
    if (exp >= -4 && exp < 6) {
      var s = x.toFixed(Math.max(0, 5 - exp));
      return s.indexOf('.') >= 0 ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
    }
    var mant = (m[2] + '.' + (m[3] || '')).replace(/0+$/, '').replace(/\.$/, '');
    return m[1] + mant + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  }
  function fmt(x) { return Number.isInteger(x) ? numStr(x) : fmtG(x); }
  // round(x, nd) as Python does it: to the nearest, exact ties to even.
  function pyRound(x, nd) {
    if (!isFinite(x)) return x;
    var ax = Math.abs(x), full = ax.toFixed(nd + 40), dot = full.indexOf('.');
    var head = full.slice(0, dot + 1 + nd), rest = full.slice(dot + 1 + nd), v;
    if (/^50*$/.test(rest)) {
      v = parseFloat(head);
      if (parseInt(head.slice(-1), 10) % 2) v = parseFloat((v + Math.pow(10, -nd)).toFixed(nd));
    } else v = parseFloat(ax.toFixed(nd));
    return x < 0 ? -v : v;
  }
  function pyLower(s) { return s.toLowerCase(); }
  function lowerFirst(s) { var c = cps(s); return c.length ? c[0].toLowerCase() + c.slice(1).join('') : s; }
  function words(text) {
    return N.pySplit(text).filter(function (t) { return /[\p{L}\p{N}_]/u.test(t); }).length;
  }
  var digitsToAscii = N.digitsToAscii;  // one definition, in the normaliser
  function pyInt(s) { return parseInt(digitsToAscii(s), 10); }

  function Bad(msg) { this.msg = msg; }
  // safe.py safe_text: control and bidi characters shown as visible escapes (newlines kept)
  var UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
  function safeText(s) {
    return String(s).replace(UNSAFE, function (c) {
      if (c === '\t') return ' ';
      var o = c.charCodeAt(0);
      return o < 0x100 ? '\\x' + o.toString(16).padStart(2, '0') : '\\u' + o.toString(16).padStart(4, '0');
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Item keys
  function entries(item) {
    if (!item._entries) {
      var raw = b64d(item.tags || ''), map = new Map();
      for (var o = 0; o + 10 <= raw.length; o += 10) map.set(b64e(raw.subarray(o, o + 3)), [raw[o + 3] - 1, raw.subarray(o + 4, o + 10)]);
      item._entries = map;
      item._ct = item.ct ? b64d(item.ct) : null;
    }
    return item._entries;
  }
  // look(item, value) -> [slot, share] when value is an accepted element, else null
  function look(ctx, item, value) {
    var h = H(ctx.salt, item.id, value), e = entries(item).get(b64e(h.subarray(0, 3)));
    if (!e) return null;
    return [e[0], xor(e[1], h.subarray(16, 22))];
  }
  // the feedback written for the first (in the set file's order) of ``values`` that has one
  function feedbackFor(ctx, item, values) {
    if (!item.fb) return null;
    var best = null;
    (Array.isArray(values) ? values : [values]).forEach(function (v) {
      var h = H(ctx.salt, item.id, 'fb', v), e = item.fb[b64e(h.subarray(0, 3))];
      if (e && (!best || e[0] < best[0])) best = [e[0], e[1], h];
    });
    return best ? decrypt(best[2], best[1], true) : null;
  }
  function keyIn(item, k) { return item.keys.indexOf(k) >= 0; }
  function keysList(keys) { return keys.join(', '); }
  function pyKey(v) {
    if (typeof v === 'boolean' || v === null || v === undefined || isList(v) || isMap(v)) throw new Bad(show(v) + ' is not a choice key');
    var s = pyLower(N.pyStrip(pyStr(v)));
    return s.replace(/^[\(\[]?([a-z0-9]+)[\)\].:]?$/, '$1');
  }
  var HAS_WS = new RegExp('[' + WS + ']'), SPLIT_LIST = new RegExp('[,' + WS + ']+');
  function asList(answer) {
    if (isList(answer)) return answer.slice();
    if (isStr(answer) && (answer.indexOf(',') >= 0 || HAS_WS.test(N.pyStrip(answer)))) {
      return N.pyStrip(answer).replace(/^[\[\]]+|[\[\]]+$/g, '').split(SPLIT_LIST).filter(function (p) { return p; });
    }
    return [answer];
  }
  function choiceByText(ctx, item, raw) {
    if (!isStr(raw) || cps(N.pyStrip(raw)).length < 3) return null;
    entries(item);
    var mine = N.matchKeys(raw).map(function (k) { return H(ctx.salt, item.id, 'text', k).subarray(0, 3); });
    for (var i = 0; i < item.keys.length; i++) {
      for (var slot = 0; slot < 2; slot++) {
        var o = 6 * i + 3 * slot;
        if (!(item._ct[o] | item._ct[o + 1] | item._ct[o + 2])) continue;
        for (var m = 0; m < mine.length; m++) {
          if (mine[m][0] === item._ct[o] && mine[m][1] === item._ct[o + 1] && mine[m][2] === item._ct[o + 2]) return item.keys[i];
        }
      }
    }
    return null;
  }
  function choiceKeys(ctx, item, answer) {
    var keys = [], unknown = [];
    asList(answer).forEach(function (raw) {
      if (isBlank(raw)) return;
      var k;
      try { k = pyKey(raw); } catch (e) { if (e instanceof Bad) { unknown.push(show(raw)); return; } throw e; }
      if (keyIn(item, k)) keys.push(k);
      else { var t = choiceByText(ctx, item, raw); if (t) keys.push(t); else unknown.push(show(raw)); }
    });
    return [keys, unknown];
  }
  function unknownMsg(unknown, item) {
    return unknown.map(pyRepr).join(', ') + ' ' + (unknown.length === 1 ? 'is' : 'are') +
      ' not among the choices. Allowed: ' + keysList(item.keys);
  }

  // ---------------------------------------------------------------------------------------------
  // Per type: each returns {score, fb (string or Promise), shares}
  async function single(ctx, item, answer) {
    if (isList(answer)) {
      var vals = answer.filter(function (a) { return !isBlank(a); });
      if (vals.length !== 1) throw new Bad('pick exactly one choice; you gave ' + vals.length + '. Write just its key, e.g. ' + item.keys[0]);
      answer = vals[0];
    }
    var k;
    try { k = pyKey(answer); } catch (e) { if (e instanceof Bad) throw new Bad('write one choice key (' + keysList(item.keys) + '), not ' + kind(answer)); throw e; }
    if (!keyIn(item, k)) {
      var k2 = choiceByText(ctx, item, answer);
      if (!k2) throw new Bad("'" + show(answer) + "' is not one of the choices. Allowed: " + keysList(item.keys));
      k = k2;
    }
    var hit = look(ctx, item, k);
    if (hit) return {score: 1, fb: 'Right: ' + k + '.', shares: [hit]};
    var fb = await feedbackFor(ctx, item, k);
    return {score: 0, fb: "'" + k + "' is not the best answer." + (fb ? ' ' + fb : '')};
  }

  async function multiple(ctx, item, answer) {
    if (isMap(answer)) throw new Bad('write a list of choice keys such as [' + item.keys.slice(0, 2).join(', ') + ']');
    var r = choiceKeys(ctx, item, answer), keys = r[0], unknown = r[1];
    if (unknown.length) throw new Bad(unknownMsg(unknown, item));
    var picked = Array.from(new Set(keys)), nRight = item.slots, nWrong = item.keys.length - item.slots;
    var hits = 0, misses = 0, shares = [], wrongPicked = [];
    var parts = {};
    picked.forEach(function (k) { var h = look(ctx, item, k); parts[k] = !!h; if (h) { hits++; shares.push(h); } else { misses++; wrongPicked.push(k); } });
    var score = hits / nRight - (nWrong ? misses / nWrong : 0);
    score = Math.max(0, Math.min(1, score));
    if (hits === nRight && misses === 0) return {score: 1, fb: 'Right: you picked every right choice and nothing else.', shares: shares, parts: parts};
    var said = ['You picked ' + hits + ' of the ' + nRight + ' right choice' + (nRight !== 1 ? 's' : '')];
    if (misses) said.push('and ' + misses + ' that ' + (misses === 1 ? 'is' : 'are') + ' not right (each wrong pick costs credit)');
    var fbs = [];
    for (var i = 0; i < wrongPicked.length; i++) { var f = await feedbackFor(ctx, item, wrongPicked[i]); if (f) fbs.push(f); }
    var fb = fbs.join(' ');
    return {score: score, fb: said.join(' ') + '.' + (fb ? ' ' + fb : ''), parts: parts};
  }

  async function ordering(ctx, item, answer) {
    if (isMap(answer)) throw new Bad('write a list of all the choice keys in order, e.g. [?, ?, ?]');
    var r = choiceKeys(ctx, item, answer), keys = r[0], unknown = r[1];
    if (unknown.length) throw new Bad(unknownMsg(unknown, item));
    var notes = [], seen = [];
    keys.forEach(function (k) {
      if (seen.indexOf(k) >= 0) { notes.push("'" + k + "' appears more than once (only its first place counts)"); return; }
      seen.push(k);
    });
    var n = item.n, missing = n - seen.length;
    if (missing) notes.push('your list leaves out ' + missing + ' of the ' + n + ' choices; place every choice once');
    var pairs = n * (n - 1) / 2, good = 0, shares = [];
    for (var i = 0; i < seen.length; i++) for (var j = i + 1; j < seen.length; j++) {
      var h = look(ctx, item, seen[i] + '<' + seen[j]);
      if (h) { good++; shares.push(h); }
    }
    if (seen.length === n && good === pairs) return {score: 1, fb: 'Right: the order is correct.', shares: shares};
    var score = pairs ? good / pairs : 0;
    var text = 'Pairs in the right relative order: ' + good + ' of ' + pairs + '.';
    if (notes.length) text += ' Also: ' + notes.join('; ') + '.';
    return {score: score, fb: text};
  }

  async function matching(ctx, item, answer) {
    if (!isMap(answer)) throw new Bad("write one 'left: right' pair per line, e.g. " + item.left[0] + ': ' + item.keys[0] + '; you wrote ' + kind(answer));
    var pairs = new Map(), ul = [], ur = [];
    answer.forEach(function (v, k) {
      if (isBlank(v)) return;
      var lk, rv;
      try { lk = pyKey(k); } catch (e) { if (e instanceof Bad) { ul.push(show(k)); return; } throw e; }
      if (item.left.indexOf(lk) < 0) { ul.push(show(k)); return; }
      try { rv = pyKey(v); } catch (e) { if (e instanceof Bad) { ur.push(show(v)); return; } throw e; }
      if (!keyIn(item, rv)) {
        var t = choiceByText(ctx, item, v);
        if (!t) { ur.push(show(v)); return; }
        rv = t;
      }
      pairs.set(lk, rv);
    });
    var problems = [];
    if (ul.length) problems.push(ul.map(pyRepr).join(', ') + ' not on the left (allowed: ' + keysList(item.left) + ')');
    if (ur.length) problems.push(ur.map(pyRepr).join(', ') + ' not on the right (allowed: ' + keysList(item.keys) + ')');
    if (problems.length && !pairs.size) throw new Bad(problems.join('; '));
    var right = 0, shares = [], parts = {};
    pairs.forEach(function (v, k) { var h = look(ctx, item, k + '=' + v); parts[k] = !!h; if (h) { right++; shares.push(h); } });
    var n = item.slots;
    if (right === n) return {score: 1, fb: 'Right: every pair matches.', shares: shares, parts: parts};
    var text = 'Pairs right: ' + right + ' of ' + n + '.';
    var missing = item.left.filter(function (k) { return !pairs.has(k); });
    if (missing.length) text += ' Not yet paired: ' + keysList(missing) + '.';
    if (problems.length) text += ' Ignored: ' + problems.join('; ') + '.';
    return {score: right / n, fb: text, parts: parts};
  }

  function number(item, answer) {
    var unitIn = item.unit ? ' (in ' + item.unit + ')' : '', x;
    if (typeof answer === 'boolean' || answer === null || answer === undefined || isList(answer) || isMap(answer))
      throw new Bad('write a number' + unitIn + '; you wrote ' + kind(answer));
    if (isNum(answer)) x = answer;
    else {
      var parsed = N.parseNumber(pyStr(answer));
      if (parsed === null) throw new Bad("'" + show(answer) + "' is not a number. Write digits only" + unitIn);
      x = parsed[0];
      var rest = parsed[1];
      if (rest) {
        var unit = N.unitKey(item.unit || ''), got = N.unitKey(rest);
        var eraOnly = !unit && got === 'ce';
        if (!eraOnly && got !== unit) {
          var expected = item.unit ? 'in ' + item.unit : 'with no unit';
          if (unit === 'ce' && got === 'ah') throw new Bad("'" + rest + "' is the Hijri calendar; give the year in " + item.unit + ' (the Common Era)');
          throw new Bad("'" + rest + "' after the number is not understood; write the number only, " + expected);
        }
      }
    }
    if (!isFinite(x)) throw new Bad('write a finite number');
    return x;
  }
  async function numeric(ctx, item, answer) {
    var x = number(item, answer), key = await unmask(ctx.salt, item.id, item.num), canon = key[0], ans = Number(canon), tol = key[1];
    var unit = item.unit ? ' ' + item.unit : '';
    var ok = [ans].concat(key[2] || []).some(function (v) { return Math.abs(x - v) <= tol + 1e-9 * Math.max(1.0, Math.abs(v)); });
    if (ok) return {score: 1, fb: 'Right: ' + fmt(x) + unit + '.', shares: [look(ctx, item, canon)]};
    return {score: 0, fb: fmt(x) + unit + ' is ' + (x > ans ? 'too high' : 'too low') + '.'};
  }

  async function short(ctx, item, answer) {
    if (isList(answer) || isMap(answer) || typeof answer === 'boolean') throw new Bad('write a short text answer, not ' + kind(answer));
    var text = N.pyStrip(pyStr(answer));
    if (cps(text).length > 300) throw new Bad('the answer is a short text (a name, a term, a few words); yours is over 300 characters');
    var keys = N.matchKeys(text), hit = null;
    for (var i = 0; i < keys.length && !hit; i++) hit = look(ctx, item, keys[i]);
    if (hit) return {score: 1, fb: "Right: '" + text + "'.", shares: [hit]};
    var fb = await feedbackFor(ctx, item, keys);
    if (fb) return {score: 0, fb: "'" + show(text) + "' is not right. " + fb};
    var near = await unmask(ctx.salt, item.id, item.near);
    if (N.closestNormalized(text, near)[1] >= 0.85) return {score: 0, fb: "'" + show(text) + "' is close, but not quite: check the spelling."};
    return {score: 0, fb: "'" + show(text) + "' is not an accepted answer."};
  }

  var PARA_RE = new RegExp('^(?:([a-z0-9][a-z0-9-]*[a-z0-9])[' + WS + ']*(?::[' + WS + ']*|[' + WS + ']+)(?:\u00b6[' + WS + ']*)?)?(\\p{Nd}+)(?:[' + WS + ']*[-\u2013][' + WS + ']*(\\p{Nd}+))?$', 'iu');
  var LETTER_REF = new RegExp('^(?:reading[' + WS + ']+)?([a-z])(?:[' + WS + ']*[:,][' + WS + ']*|[' + WS + ']+)(?:\u00b6|\u00a7|#|para(?:graph)?\\.?)?[' + WS + ']*(\\p{Nd}+(?:[' + WS + ']*[-\u2013][' + WS + ']*\\p{Nd}+)?)$', 'iu');
  function readingLetter(ctx, rid) { var L = ctx.letters || {}; for (var k in L) if (L[k] === rid) return k; return null; }
  function readingName(ctx, rid) { var l = readingLetter(ctx, rid); return l ? 'Reading ' + l + ' (' + rid + ')' : "reading '" + rid + "'"; }
  function paragraphNumbers(ctx, item, raw, allowRange) {
    if (typeof raw === 'boolean' || raw === null || raw === undefined || isList(raw) || isMap(raw)) throw new Bad(show(raw) + ' is not a paragraph number');
    if (isNum(raw)) {
      if (!Number.isInteger(raw)) throw new Bad(pyStr(raw) + ' is not a paragraph number');
      return [raw];
    }
    var s = N.pyStrip(pyStr(raw));
    if (cps(s).length > 200) throw new Bad("'" + show(raw) + "' is not a paragraph id; write a number such as 12");
    var own = readingName(ctx, item.reading), bl = LETTER_REF.exec(s);
    if (bl) {
      var letter = bl[1].toUpperCase(), lrid = (ctx.letters || {})[letter];
      if (lrid === undefined) throw new Bad('there is no Reading ' + letter + '; this question is about ' + own);
      if (lrid !== item.reading) throw new Bad("'" + show(raw) + "' is in " + readingName(ctx, lrid) + ', but this question is about ' + own);
      s = bl[2];
    }
    s = N.pyStrip(s.replace(/^[\u00b6\u00a7#]+/, ''));
    var m = PARA_RE.exec(s);
    if (!m || m[2].length > 9 || (m[3] || '').length > 9) throw new Bad("'" + show(raw) + "' is not a paragraph id; write a number such as 12, or " + (readingLetter(ctx, item.reading) || item.reading) + ':12 for paragraph 12 of ' + own);
    var rid = m[1], a = pyInt(m[2]);
    if (rid && rid.toLowerCase() !== item.reading) throw new Bad("'" + show(raw) + "' is in " + readingName(ctx, rid.toLowerCase()) + ', but this question is about ' + own);
    if (m[3] === undefined) return [a];
    var b = pyInt(m[3]);
    if (!allowRange) throw new Bad("'" + show(raw) + "': give one paragraph per line, not a range");
    if (b < a || b - a > 200) throw new Bad("'" + show(raw) + "' is not a valid range of paragraphs");
    var out = []; for (var i = a; i <= b; i++) out.push(i);
    return out;
  }
  function exists(ctx, rid, n) { var l = ctx.readings[rid]; return l !== undefined && n >= 1 && n <= l; }

  async function locate(ctx, item, answer) {
    if (isMap(answer)) throw new Bad('write a list of paragraph numbers, e.g. [12, 14] or [' + item.reading + ':12]');
    var got = [];
    asList(answer).forEach(function (raw) { if (!isBlank(raw)) got = got.concat(paragraphNumbers(ctx, item, raw, true)); });
    var length = ctx.readings[item.reading];
    if (length !== undefined) {
      var bad = Array.from(new Set(got.filter(function (n) { return !exists(ctx, item.reading, n); }))).sort(function (a, b) { return a - b; });
      if (bad.length) throw new Bad(item.reading + ' has no paragraph ' + bad.join(', ') + (length ? '; it has paragraphs 1\u2013' + length : ''));
    }
    var chosen = Array.from(new Set(got)), tp = 0, extra = 0, counted = 0, shares = [], parts = {};
    chosen.forEach(function (n) {
      var o = look(ctx, item, 'o:' + n);
      if (o && o[0] < 0) return;
      counted++;
      var h = look(ctx, item, String(n));
      parts[n] = !!(h && h[0] >= 0);
      if (h && h[0] >= 0) { tp++; shares.push(h); } else extra++;
    });
    var nreq = item.slots;
    if (!counted) return {score: 0, fb: 'None of your paragraphs is one of the ' + nreq + ' needed (the ones you gave are neither right nor wrong).'};
    var precision = tp / counted, recall = tp / nreq;
    var score = tp === 0 ? 0 : 2 * precision * recall / (precision + recall);
    if (tp === nreq && extra === 0) return {score: 1, fb: 'Right: you found every paragraph needed, and no others.', shares: shares, parts: parts};
    var text = 'You found ' + tp + ' of the ' + nreq + ' paragraph' + (nreq !== 1 ? 's' : '') + ' needed';
    if (extra) text += '; ' + extra + ' of yours ' + (extra === 1 ? 'is' : 'are') + ' not among them';
    return {score: score, fb: text + '.', parts: parts};
  }

  // the label spellings of a taxonomy: ids and names (as taxonomy.py indexes them), then the rest
  function lookupOf(taxo) {
    if (!taxo.lookup) {
      var l = {};
      taxo.labels.forEach(function (x) { if (x[0] !== taxo.none) { l[N.labelKey(x[0])] = x[0]; l[N.labelKey(x[1])] = x[0]; } });
      Object.keys(taxo.extra || {}).forEach(function (k) { l[k] = taxo.extra[k]; });
      taxo.lookup = l;
    }
    return taxo.lookup;
  }
  function resolve(taxo, label) {
    if (label === null || label === undefined || typeof label === 'boolean' || isList(label) || isMap(label)) return null;
    var id = lookupOf(taxo)[N.labelKey(pyStr(label))];
    return id === undefined ? null : id;
  }
  // an annotate answer's label and justification: "label | why" or {label: ..., why: ...}
  function labelAndWhy(v) {
    if (isMap(v)) {
      var low = new Map(); v.forEach(function (x, k) { low.set(pyLower(N.pyStrip(pyStr(k))), x); });
      var why = low.has('why') ? low.get('why') : (low.has('justification') ? low.get('justification') : null);
      return [low.has('label') ? low.get('label') : null, why === null || why === undefined ? null : pyStr(why)];
    }
    if (isStr(v) && v.indexOf('|') >= 0) {
      var i = v.indexOf('|');
      return [N.pyStrip(v.slice(0, i)), N.pyStrip(v.slice(i + 1))];
    }
    return [v, null];
  }
  var QUOTED = /"([^"]{2,200})"|\u201c([^\u201d]{2,200})\u201d|\u00ab([^\u00bb]{2,200})\u00bb|(?:^|(?<=[\s(]))['\u2018]([^'\u2019]{2,200})['\u2019](?=[^\p{L}\p{N}_]|$)/gu;
  function justificationOk(item, n, why) {
    if (words(why) < 3) return false;
    var target = item.paraTokens ? item.paraTokens[String(n)] : undefined;
    if (target === undefined) return true;
    QUOTED.lastIndex = 0;
    var m;
    while ((m = QUOTED.exec(why)) !== null) {
      var g = m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2] : m[3] !== undefined ? m[3] : m[4];
      var quoted = N.textTokens(g).join(' ');
      if (quoted && target.indexOf(' ' + quoted + ' ') >= 0) return true;
    }
    return false;
  }
  async function annotate(ctx, item, answer) {
    var taxo = ctx.taxonomies[item.taxonomy];
    if (!isMap(answer)) throw new Bad("write one 'paragraph: label' line per paragraph, e.g. " + item.paras[0] + ': loaded-language; you wrote ' + kind(answer));
    var given = new Map(), problems = [], whys = new Map();
    answer.forEach(function (v, k) {
      if (isBlank(v)) return;
      var nums;
      try { nums = paragraphNumbers(ctx, item, k, false); } catch (e) { if (e instanceof Bad) { problems.push(e.msg); return; } throw e; }
      var n = nums[0];
      if (item.paras.indexOf(n) < 0) { problems.push('paragraph ' + n + ' is not one of those to label (' + item.paras.join(', ') + ')'); return; }
      var lw = labelAndWhy(v); v = lw[0];
      if (lw[1] !== null) whys.set(n, lw[1]);
      if (isList(v)) {
        var vals = v.filter(function (x) { return !isBlank(x); });
        if (vals.length !== 1) { problems.push('paragraph ' + n + ': give one label, not a list'); return; }
        v = vals[0];
      }
      var r = resolve(taxo, v);
      if (r === null) {
        problems.push("'" + show(v) + "' (paragraph " + n + ') is not a label of ' + taxo.id + '; use a technique or category id from data/taxonomies/' + taxo.id + '.yaml, e.g. ' + taxo.first + ', or ' + taxo.none);
        return;
      }
      given.set(n, r);
    });
    if (problems.length && !given.size) throw new Bad(problems.join('; '));
    var right = 0, shares = [], parts = {};
    item.paras.forEach(function (n) {
      if (!given.has(n)) return;
      var h = look(ctx, item, n + '=' + given.get(n));
      parts[n] = !!h;
      if (h) { right++; shares.push(h); }
    });
    var n = item.paras.length, whyText = '';
    if (item.justify) {
      var okN = item.paras.filter(function (p) { return given.has(p) && justificationOk(item, p, whys.has(p) ? whys.get(p) : ''); }).length;
      whyText = okN === n ? ' Justifications that quote the paragraph: ' + okN + ' of ' + n + ' (your instructor marks them).'
        : ' Justifications that quote the paragraph: ' + okN + ' of ' + n + '; for the others, add | and a line quoting the words that carry the label (your instructor marks them).';
    }
    if (right === n && !problems.length) return {score: 1, fb: 'Right: every paragraph has a label of the right category.' + whyText, shares: shares, parts: parts};
    var text = 'Paragraphs labelled with the right category: ' + right + ' of ' + n + '.' + whyText;
    var missing = item.paras.filter(function (p) { return !given.has(p); });
    if (missing.length) text += ' Not yet labelled: ' + missing.join(', ') + " (use '" + taxo.none + "' for no technique).";
    if (problems.length) text += ' Ignored: ' + problems.join('; ') + '.';
    return {score: right / n, fb: text, shares: right === n ? shares : null, parts: parts};
  }

  var VERDICTS = ['accurate', 'inaccurate', 'misleading', 'unverifiable'];
  var REF = new RegExp('(?<![\\p{L}\\p{N}_-])([a-z][a-z0-9]*(?:-[a-z0-9]+)*)[' + WS + ']*:[' + WS + ']*(\\p{Nd}+)(?:[' + WS + ']*[-\u2013][' + WS + ']*(\\p{Nd}+))?', 'gu');
  function citations(ctx, text) {
    var good = [], bad = [], m;
    REF.lastIndex = 0;
    while ((m = REF.exec(text)) !== null) {
      var rid = m[1], a = pyInt(m[2]), b = m[3] !== undefined ? pyInt(m[3]) : a;
      var ref = rid + ':' + a + (b !== a ? '-' + b : '');
      if (good.indexOf(ref) >= 0 || bad.indexOf(ref) >= 0) continue;
      if (b >= a && exists(ctx, rid, a) && exists(ctx, rid, b)) good.push(ref);
      else if (rid.indexOf('-') >= 0 || exists(ctx, rid, 1)) bad.push(ref);
    }
    return [good, bad];
  }
  async function verdict(ctx, item, answer) {
    var evidence = '', v0;
    if (isMap(answer)) {
      var low = new Map();
      answer.forEach(function (v, k) { low.set(pyLower(N.pyStrip(pyStr(k))), v); });
      var unknown = []; low.forEach(function (v, k) { if (k !== 'verdict' && k !== 'evidence') unknown.push(k); });
      if (unknown.length) throw new Bad('the answer has the keys verdict and evidence; ' + unknown.map(pyRepr).join(', ') + ' is not one');
      v0 = low.has('verdict') ? low.get('verdict') : null;
      var ev = low.has('evidence') ? low.get('evidence') : null;
      if (ev !== null && ev !== undefined && !isStr(ev)) ev = isList(ev) ? ev.map(pyStr).join(' ') : pyStr(ev);
      evidence = ev || '';
    } else if (isStr(answer)) v0 = answer;
    else throw new Bad('write verdict: (one of ' + VERDICTS.join(', ') + ') and evidence: (your reasons); you wrote ' + kind(answer));
    if (isBlank(v0)) throw new Bad('the verdict is missing: write one of ' + VERDICTS.join(', '));
    if (!isStr(v0)) throw new Bad('the verdict must be one of ' + VERDICTS.join(', '));
    var v = pyLower(N.pyStrip(v0));
    if (VERDICTS.indexOf(v) < 0) throw new Bad("'" + show(v0) + "' is not a verdict. Allowed: " + VERDICTS.join(', '));
    var hit = look(ctx, item, v);
    if (!hit) return {score: 0, fb: "The verdict '" + v + "' is not the best fit for this claim."};
    // what the evidence must cite and name, readable once the verdict is right (evidence_shortfalls)
    var hk = H(ctx.salt, item.id, 'ev', v), req = JSON.parse(await decrypt(hk, item.ev, true));
    var rel = req[0], src = req[1], shortOf = [];
    var good = citations(ctx, evidence)[0];
    if (rel.length) {
      var cited = {};
      good.forEach(function (ref) {
        var i = ref.lastIndexOf(':'), rid = ref.slice(0, i), rng = ref.slice(i + 1).split('-');
        var a = parseInt(rng[0], 10), b = rng[1] ? parseInt(rng[1], 10) : a;
        for (var n = a; n <= b; n++) cited[rid + ':' + n] = 1;
      });
      if (!rel.some(function (r) { return cited[r]; })) shortOf.push('a citation of a paragraph the claim rests on (one of ' + rel.slice(0, 4).join(', ') + (rel.length > 4 ? ' ...' : '') + ')');
    }
    if (src.length) {
      var toks = N.textTokens(evidence), grams = {};
      for (var len = 1; len <= 4; len++) for (var i = 0; i + len <= toks.length; i++) grams[toks.slice(i, i + len).join('')] = 1;
      if (!src.some(function (k) { return grams[k]; })) shortOf.push('the name of a source you checked the claim against (an author, a work or an institution from the lesson)');
    }
    if (item.minCitations && good.length < item.minCitations) shortOf.push('at least ' + item.minCitations + ' paragraph id' + (item.minCitations !== 1 ? 's' : '') + ' such as al-waie-472:12 (you cited ' + good.length + ')');
    var nWords = words(evidence);
    if (nWords < item.minWords) shortOf.push('at least ' + item.minWords + ' words (you wrote ' + nWords + ')');
    if (shortOf.length) return {score: 0.5, fb: "The verdict '" + v + "' is right; now support it: the evidence needs " + shortOf.join(' and ') + '.'};
    return {score: 1, fb: "Right: '" + v + "', with evidence.", shares: [hit]};
  }

  var BY_TYPE = {single: single, multiple: multiple, ordering: ordering, matching: matching, numeric: numeric,
                 short: short, locate: locate, annotate: annotate, verdict: verdict};

  // grade(ctx, item, answer, hintLevel) -> Promise<result> with the fields of grading.Result
  // ctx: {salt, readings: {id: length}, taxonomies: {id: data}}
  async function grade(ctx, item, answer, hintLevel) {
    // the hint texts arrive with the set's "later" data; without them the number is still right
    var hints = item.hints ? await unmask(ctx.salt, item.id, item.hints) : null;
    var number = Math.min(Math.max(1, hintLevel || 0), item.nh);
    var res = {item: item.id, type: item.type, status: 'not-attempted', score: 0, max_points: item.points,
               feedback: 'Not attempted yet.', hint: hints ? hints[number - 1] : null, hint_number: number, hints_total: item.nh,
               answer_error: false, points: 0, shares: null};
    if (isBlank(answer)) return res;
    var r;
    try {
      r = await BY_TYPE[item.type](ctx, item, answer);
    } catch (e) {
      if (!(e instanceof Bad)) {
        if (e instanceof RangeError) { res.status = 'failed'; res.answer_error = true; res.feedback = 'Your answer cannot be read: it is nested too deeply.'; return res; }
        throw e;
      }
      res.status = 'failed'; res.answer_error = true;
      var msg = safeText(e.msg);
      res.feedback = 'Your answer cannot be read: ' + lowerFirst(msg) + '.';
      return res;
    }
    var score = Math.max(0, Math.min(1, r.score));
    res.score = score > 1 - 1e-9 ? 1.0 : score;
    res.points = pyRound(res.score * item.points, 4);
    res.status = res.score === 1 ? 'passed' : (res.score > 0 ? 'partial' : 'failed');
    var fb = r.fb;
    if (res.status === 'partial') {
      if (item.points) fb += ' Partial credit: ' + fmt(pyRound(res.points, 2)) + ' of ' + fmt(item.points) + ' points.';
      else fb += ' Partly right; this worked example carries no marks.';
    }
    res.feedback = safeText(fb);
    res.parts = r.parts || null; // which elements are right (for the page's marks; not in Python)
    if (res.status === 'passed') { res.hint = null; res.shares = r.shares; }
    return res;
  }

  // The explanation, once every slot's share is known (a right answer); null otherwise.
  function explanation(ctx, item, shares) {
    if (!shares || shares.length !== item.slots) return Promise.resolve(null);
    var bySlot = [];
    shares.forEach(function (s) { bySlot[s[0]] = s[1]; });
    for (var i = 0; i < item.slots; i++) if (!bySlot[i]) return Promise.resolve(null);
    var key = sha256(cat.apply(null, bySlot));
    return decrypt(key, item.explanation, true) || Promise.resolve(null);
  }
  function hints(ctx, item) { return unmask(ctx.salt, item.id, item.hints); }

  g.CourseGrade = {grade: grade, explanation: explanation, hints: hints, sha256: sha256, words: words,
    citations: citations, resolve: resolve, fmt: fmt, pyRound: pyRound, show: show, isBlank: isBlank,
    VERDICTS: VERDICTS, pyStr: pyStr};
})(typeof window !== 'undefined' ? window : globalThis);

/* Normalisation of short answers: a step-by-step port of course/exercises/normalize.py (and the
   Python string helpers it relies on). Keep the two in step: tests/test_selfcheck_conformance.py
   compares them on every case of the conformance corpus. Plain JS, no dependencies. */
(function (g) {
  'use strict';
  // Python's str.isspace() characters (used by str.split(), str.strip() and re's \s).
  var WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
  // Characters with a non-zero canonical combining class (unicodedata.combining), Unicode 14.
  var COMBINING = new RegExp('[\u{300}-\u{34e}\u{350}-\u{36f}\u{483}-\u{487}\u{591}-\u{5bd}\u{5bf}\u{5c1}-\u{5c2}\u{5c4}-\u{5c5}\u{5c7}\u{610}-\u{61a}\u{64b}-\u{65f}\u{670}\u{6d6}-\u{6dc}\u{6df}-\u{6e4}\u{6e7}-\u{6e8}\u{6ea}-\u{6ed}\u{711}\u{730}-\u{74a}\u{7eb}-\u{7f3}\u{7fd}\u{816}-\u{819}\u{81b}-\u{823}\u{825}-\u{827}\u{829}-\u{82d}\u{859}-\u{85b}\u{898}-\u{89f}\u{8ca}-\u{8e1}\u{8e3}-\u{8ff}\u{93c}\u{94d}\u{951}-\u{954}\u{9bc}\u{9cd}\u{9fe}\u{a3c}\u{a4d}\u{abc}\u{acd}\u{b3c}\u{b4d}\u{bcd}\u{c3c}\u{c4d}\u{c55}-\u{c56}\u{cbc}\u{ccd}\u{d3b}-\u{d3c}\u{d4d}\u{dca}\u{e38}-\u{e3a}\u{e48}-\u{e4b}\u{eb8}-\u{eba}\u{ec8}-\u{ecb}\u{f18}-\u{f19}\u{f35}\u{f37}\u{f39}\u{f71}-\u{f72}\u{f74}\u{f7a}-\u{f7d}\u{f80}\u{f82}-\u{f84}\u{f86}-\u{f87}\u{fc6}\u{1037}\u{1039}-\u{103a}\u{108d}\u{135d}-\u{135f}\u{1714}-\u{1715}\u{1734}\u{17d2}\u{17dd}\u{18a9}\u{1939}-\u{193b}\u{1a17}-\u{1a18}\u{1a60}\u{1a75}-\u{1a7c}\u{1a7f}\u{1ab0}-\u{1abd}\u{1abf}-\u{1ace}\u{1b34}\u{1b44}\u{1b6b}-\u{1b73}\u{1baa}-\u{1bab}\u{1be6}\u{1bf2}-\u{1bf3}\u{1c37}\u{1cd0}-\u{1cd2}\u{1cd4}-\u{1ce0}\u{1ce2}-\u{1ce8}\u{1ced}\u{1cf4}\u{1cf8}-\u{1cf9}\u{1dc0}-\u{1dff}\u{20d0}-\u{20dc}\u{20e1}\u{20e5}-\u{20f0}\u{2cef}-\u{2cf1}\u{2d7f}\u{2de0}-\u{2dff}\u{302a}-\u{302f}\u{3099}-\u{309a}\u{a66f}\u{a674}-\u{a67d}\u{a69e}-\u{a69f}\u{a6f0}-\u{a6f1}\u{a806}\u{a82c}\u{a8c4}\u{a8e0}-\u{a8f1}\u{a92b}-\u{a92d}\u{a953}\u{a9b3}\u{a9c0}\u{aab0}\u{aab2}-\u{aab4}\u{aab7}-\u{aab8}\u{aabe}-\u{aabf}\u{aac1}\u{aaf6}\u{abed}\u{fb1e}\u{fe20}-\u{fe2f}\u{101fd}\u{102e0}\u{10376}-\u{1037a}\u{10a0d}\u{10a0f}\u{10a38}-\u{10a3a}\u{10a3f}\u{10ae5}-\u{10ae6}\u{10d24}-\u{10d27}\u{10eab}-\u{10eac}\u{10f46}-\u{10f50}\u{10f82}-\u{10f85}\u{11046}\u{11070}\u{1107f}\u{110b9}-\u{110ba}\u{11100}-\u{11102}\u{11133}-\u{11134}\u{11173}\u{111c0}\u{111ca}\u{11235}-\u{11236}\u{112e9}-\u{112ea}\u{1133b}-\u{1133c}\u{1134d}\u{11366}-\u{1136c}\u{11370}-\u{11374}\u{11442}\u{11446}\u{1145e}\u{114c2}-\u{114c3}\u{115bf}-\u{115c0}\u{1163f}\u{116b6}-\u{116b7}\u{1172b}\u{11839}-\u{1183a}\u{1193d}-\u{1193e}\u{11943}\u{119e0}\u{11a34}\u{11a47}\u{11a99}\u{11c3f}\u{11d42}\u{11d44}-\u{11d45}\u{11d97}\u{16af0}-\u{16af4}\u{16b30}-\u{16b36}\u{16ff0}-\u{16ff1}\u{1bc9e}\u{1d165}-\u{1d169}\u{1d16d}-\u{1d172}\u{1d17b}-\u{1d182}\u{1d185}-\u{1d18b}\u{1d1aa}-\u{1d1ad}\u{1d242}-\u{1d244}\u{1e000}-\u{1e006}\u{1e008}-\u{1e018}\u{1e01b}-\u{1e021}\u{1e023}-\u{1e024}\u{1e026}-\u{1e02a}\u{1e130}-\u{1e136}\u{1e2ae}\u{1e2ec}-\u{1e2ef}\u{1e8d0}-\u{1e8d6}\u{1e944}-\u{1e94a}]', 'gu');
  // _DROP: \u02bfayn, hamza and the apostrophes learners type for them.
  var DROP = /[\u02bf\u02be\u02bc\u02bb\u2018\u2019\u201b\u0060\u00b4\u2032']/g;
  // _MAP: letters that do not decompose under NFKD.
  var MAP = {'\u0131': 'i', '\u0142': 'l', '\u00f8': 'o', '\u0111': 'd', '\u0127': 'h', '\u00e6': 'ae', '\u0153': 'oe', '&': ' and '};
  var MAP_RE = /[\u0131\u0142\u00f8\u0111\u0127\u00e6\u0153&]/g;
  // str.casefold() where it differs from lower-casing (the cases that survive NFKD).
  var FOLD = {'\u00df': 'ss', '\u1e9e': 'ss', '\u03c2': '\u03c3', '\u03d0': '\u03b2', '\u03d1': '\u03b8', '\u03d5': '\u03c6', '\u03d6': '\u03c0', '\u03f0': '\u03ba', '\u03f1': '\u03c1',
              '\u03f5': '\u03b5', '\u017f': 's', '\u00b5': '\u03bc', '\u0345': '\u03b9', '\u03b9': '\u03b9'};
  var FOLD_RE = /[\u00df\u1e9e\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u017f\u00b5\u0345\u03b9\u13f8-\u13fd\uab70-\uabbf]/g;
  var ARTICLE_HYPHEN = new RegExp('(?:^|(?<=[' + WS + '\\-]))(?:a|e|u|i)(?:l|n|d|s|t|r|z|sh|dh|th|zh)-(?=[a-z])', 'g');
  var SEP = new RegExp('[' + WS + '\\-\u2010\u2011\u2012\u2013\u2014\u2015_/\u00b7.,;:!?"\u201c\u201d\u00ab\u00bb()\\[\\]{}]+', 'u');
  var DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015_]/g;
  var STRIP_RE = new RegExp('^[' + WS + ']+|[' + WS + ']+$', 'g');
  var SPLIT_RE = new RegExp('[' + WS + ']+');

  function pyStrip(s) { return String(s).replace(STRIP_RE, ''); }
  function pySplit(s) { return pyStrip(s).split(SPLIT_RE).filter(function (t) { return t; }); }

  function casefold(s) {
    return s.replace(FOLD_RE, function (c) {
      var cp = c.codePointAt(0);
      if ((cp >= 0x13f8 && cp <= 0x13fd)) return String.fromCodePoint(cp - 8);
      if (cp >= 0xab70 && cp <= 0xabbf) return String.fromCodePoint(cp - 0xab70 + 0x13a0);
      return FOLD[c];
    }).toLowerCase().replace(FOLD_RE, function (c) {
      var cp = c.codePointAt(0);
      if ((cp >= 0x13f8 && cp <= 0x13fd)) return String.fromCodePoint(cp - 8);
      if (cp >= 0xab70 && cp <= 0xabbf) return String.fromCodePoint(cp - 0xab70 + 0x13a0);
      return FOLD[c];
    });
  }

  // strip_marks: drop \u02bfayn/hamza marks, NFKD, drop combining marks, map undecomposable letters.
  function stripMarks(text) {
    var s = String(text).replace(DROP, '');
    s = s.normalize('NFKD').replace(COMBINING, '');
    return s.replace(MAP_RE, function (c) { return MAP[c]; });
  }

  // Step 7 and 9 word lists (normalize.py INNER_ARTICLES, TITLES)
  var ARTICLE_FREE = {al: 1, el: 1};
  var INNER = {};
  'ul ut un ud us ur uz ush udh uth an ad as at ar az ash adh ath'.split(' ').forEach(function (w) { INNER[w] = 1; });
  var TITLES = {};
  ('shaykh sheikh shaikh sheik shaich imam mawlana maulana molana maulvi mawlawi sayyid sayed syed hazrat ' +
   'hadrat hadhrat hajji haji hajj mulla mullah mufti ayatollah ayatullah caliph khalif sultan sir dr prof ' +
   'professor ustadh ustaz allama allamah').split(' ').forEach(function (w) { TITLES[w] = 1; });
  var BRACKETS = /\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}/g;

  // step 1: strip_glosses
  function stripGlosses(text) {
    var s = text;
    for (var i = 0; i < 10; i++) {
      var t = s.replace(BRACKETS, ' ');
      if (t === s) break;
      s = t;
    }
    return pyStrip(s) ? s : text;
  }

  // steps 1-9: _tokens
  function tokens(text, dropArticles, glosses) {
    var s = glosses === false ? String(text) : stripGlosses(String(text));
    s = casefold(stripMarks(s));
    s = s.replace(DASHES, '-');
    if (dropArticles) s = s.replace(ARTICLE_HYPHEN, '');
    var t = s.split(SEP).filter(function (x) { return x; });
    if (dropArticles) {
      var n = t.length;
      t = t.filter(function (x, i) { return !ARTICLE_FREE[x] && !(INNER[x] && i > 0 && i < n - 1); });
    }
    if (t.length > 1 && t[0] === 'the') t = t.slice(1);
    while (t.length > 1 && TITLES[t[0]]) t = t.slice(1);
    return t;
  }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  ARTICLE_FREE = Object.assign(Object.create(null), ARTICLE_FREE);
  INNER = Object.assign(Object.create(null), INNER);
  TITLES = Object.assign(Object.create(null), TITLES);

  // normalize_text: steps 1-9, articles dropped, one space between tokens
  function normalizeText(text) { return tokens(text, true).join(' '); }
  // text_tokens: for longer texts, brackets kept
  function textTokens(text) { return tokens(text, true, false); }
  // match_keys: the two keys (articles dropped / kept), tokens joined without spaces
  function matchKeys(text) {
    var a = tokens(text, true).join(''), b = tokens(text, false).join(''), out = [];
    if (a) out.push(a);
    if (b && b !== a) out.push(b);
    return out;
  }
  function same(a, b) {
    var ka = matchKeys(a), kb = matchKeys(b);
    return ka.some(function (k) { return kb.indexOf(k) >= 0; });
  }

  // label_key: normal form of a taxonomy label.
  function labelKey(text) {
    var s = pyStrip(casefold(stripMarks(text)));
    s = s.replace(new RegExp('[' + WS + '_\\-\u2010\u2011\u2012\u2013\u2014/]+', 'g'), '-');
    return s.replace(/^-+|-+$/g, '');
  }

  // difflib.SequenceMatcher(None, a, b).ratio(), with its "autojunk" rule for long b.
  function ratio(a, b) {
    a = Array.from(a); b = Array.from(b);
    var la = a.length, lb = b.length;
    if (!la && !lb) return 1.0;
    var b2j = new Map(), i, j;
    for (j = 0; j < lb; j++) { if (!b2j.has(b[j])) b2j.set(b[j], []); b2j.get(b[j]).push(j); }
    if (lb >= 200) {
      var ntest = Math.floor(lb / 100) + 1;
      b2j.forEach(function (idxs, elt) { if (idxs.length > ntest) b2j.delete(elt); });
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var newj2len = new Map(), idxs = b2j.get(a[i]) || [];
        for (var k = 0; k < idxs.length; k++) {
          var j = idxs[k];
          if (j < blo) continue;
          if (j >= bhi) break;
          var kk = (j2len.get(j - 1) || 0) + 1;
          newj2len.set(j, kk);
          if (kk > bestsize) { besti = i - kk + 1; bestj = j - kk + 1; bestsize = kk; }
        }
        j2len = newj2len;
      }
      while (besti > alo && bestj > blo && !b2jJunk(b[bestj - 1]) && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && !b2jJunk(b[bestj + bestsize]) && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
      return [besti, bestj, bestsize];
    }
    // isjunk is None, so only "popular" elements are junk; the extension loops skip them (bpopular
    // is not consulted there in CPython: isbjunk only covers isjunk), so nothing counts as junk.
    function b2jJunk() { return false; }
    var queue = [[0, la, 0, lb]], matches = 0;
    while (queue.length) {
      var q = queue.pop(), r = longest(q[0], q[1], q[2], q[3]), k2 = r[2];
      if (k2) {
        matches += k2;
        if (q[0] < r[0] && q[2] < r[1]) queue.push([q[0], r[0], q[2], r[1]]);
        if (r[0] + k2 < q[1] && r[1] + k2 < q[3]) queue.push([r[0] + k2, q[1], r[1] + k2, q[3]]);
      }
    }
    return 2.0 * matches / (la + lb);
  }

  function matches(answer, variants) {
    if (!matchKeys(answer).length) return null;
    for (var i = 0; i < variants.length; i++) if (same(answer, variants[i])) return variants[i];
    return null;
  }

  // ---- numbers: parse_number and unit_key
  var UNIT_SYNONYMS = {'ce': 'ce', 'ad': 'ce', 'c e': 'ce', 'a d': 'ce', 'ah': 'ah', 'a h': 'ah'};
  function unitKey(text) {
    var n = normalizeText(text);
    if (own(UNIT_SYNONYMS, n)) return UNIT_SYNONYMS[n];
    return (n.length > 2 && n[n.length - 1] === 's') ? n.slice(0, -1) : n;
  }
  var D = '\\p{Nd}';
  var THOUSANDS = new RegExp('^[1-9]' + D + '{0,2}(?:([,\\u202f\\u00a0 _])' + D + '{3})(?:\\1' + D + '{3})*(?:\\.' + D + '+)?$', 'u');
  var NUMBER_HEAD = new RegExp('^[' + WS + ']*([+-]?(?:' + D + '[' + '\\p{Nd},\\u202f\\u00a0 _]*' + D + '|' + D + ')(?:\\.' + D + '+)?|[+-]?\\.' + D + '+)[' + WS + ']*([^\\n]*?)[' + WS + ']*\\n?$', 'u');
  var ERA_FIRST = new RegExp('^(a\\.?[' + WS + ']?d\\.?|c\\.?[' + WS + ']?e\\.?)[' + WS + ']+(?=' + D + ')', 'iu');
  function digitsToAscii(s) {
    return s.replace(/\p{Nd}/gu, function (c) {
      var cp = c.codePointAt(0);
      if (cp < 128) return c;
      var start = cp; while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
      return String((cp - start) % 10);
    });
  }
  function parseNumber(text) {
    var s = pyStrip(String(text)), prefix = '', m = ERA_FIRST.exec(s);
    if (m) { prefix = m[1]; s = s.slice(m[0].length); }
    m = NUMBER_HEAD.exec(s);
    if (!m) return null;
    var num = m[1], rest = m[2], sign = '';
    if (num[0] === '+' || num[0] === '-') { sign = num[0]; num = num.slice(1); }
    if (/[\u202f\u00a0 _]/.test(num) && !THOUSANDS.test(num)) {
      var head = new RegExp('^' + D + '+', 'u').exec(num)[0];
      rest = pyStrip(num.slice(head.length) + ' ' + rest);
      num = head;
    }
    if (THOUSANDS.test(num)) num = num.replace(/[,\u202f\u00a0 _]/g, '');
    else if (num.split(',').length === 2 && num.indexOf('.') < 0 && new RegExp('^' + D + '+,' + D + '+$', 'u').test(num)) num = num.replace(',', '.');
    if (!new RegExp('^(?:' + D + '+(?:\\.' + D + '+)?|\\.' + D + '+)$', 'u').test(num)) return null;
    if (prefix && rest) return null;
    return [parseFloat(sign + digitsToAscii(num)), pyStrip(prefix || rest)];
  }

  // closest, on variants that are already normalised (the page holds them in that form).
  function closestNormalized(answer, normVariants) {
    var norm = normalizeText(answer), best = null, bestRatio = 0.0;
    for (var i = 0; i < normVariants.length; i++) {
      var r = ratio(norm, normVariants[i]);
      if (r > bestRatio) { best = normVariants[i]; bestRatio = r; }
    }
    return [best, bestRatio];
  }

  g.CourseNormalize = {digitsToAscii: digitsToAscii, stripMarks: stripMarks, normalizeText: normalizeText, labelKey: labelKey,
    textTokens: textTokens, matchKeys: matchKeys, same: same, parseNumber: parseNumber, unitKey: unitKey,
    stripGlosses: stripGlosses, matches: matches, closestNormalized: closestNormalized, ratio: ratio, pyStrip: pyStrip,
    pySplit: pySplit, WS: WS};
})(typeof window !== 'undefined' ? window : globalThis);

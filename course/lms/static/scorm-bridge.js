/* The SCORM 1.2 bridge of Reading the Caliphate: loaded only in the pages of a SCORM package
 * (`course export scorm`), after the page's self-check. It uses only the self-check's public API
 * (window.courseSelfCheck: onResult, exportAnswers, importAnswers, score, setStorage, sets and the
 * `courseselfcheck:ready` event) and the LMS's SCORM 1.2 runtime API (window.API, found as the
 * SCORM 1.2 RTE's FindAPI does: up the parent frames, then the opener).
 *
 * The package's launcher page (scorm-launch.html) owns the LMS session, so moving between the
 * pages of a module inside its frame never ends it: LMSInitialize when the launcher opens,
 * LMSFinish when it closes. Pages in the frame attach their self-check to that session. A page
 * that an LMS opens directly, without the launcher, runs a session of its own. Without an LMS
 * nothing changes: the self-check keeps its answers in localStorage as in the plain book.
 *
 * What the LMS receives: cmi.core.lesson_status (incomplete, then passed/failed against the
 * package's mastery share, or completed when nothing is auto-checked), cmi.core.score.raw/min/max
 * (the auto-checked points as the self-check's score() gives them; scaled to 0-100 when the package
 * is worth more than 100 points, as SCORM 1.2 requires), cmi.suspend_data (the learner's answers,
 * compact, within 4,096 characters: what does not fit is never dropped silently), and one
 * cmi.interactions.n record per Check where the LMS supports interactions. LMSCommit follows each
 * Check (debounced) and the page being hidden.
 */
(function () {
  "use strict";
  var CFG = window.courseScormConfig || null;
  if (!CFG) { return; }
  var root = document.documentElement;
  var IS_LAUNCHER = root.getAttribute("data-scorm-role") === "launcher";
  var COMMIT_DELAY = 800; // ms after the last Check
  var LIMIT = CFG.suspendLimit || 4096;

  // ------------------------------------------------------------------------------------------
  // Finding the API (SCORM 1.2 RTE, section 3.3.6.1: at most 7 parents, then the opener)

  function readAPI(win) {
    try { return win.API || null; } catch (e) { return null; } // a cross-origin frame throws
  }
  function scanForAPI(win) {
    var tries = 0;
    while (win) {
      var api = readAPI(win);
      if (api) { return api; }
      var parent = null;
      try { parent = win.parent; } catch (e) { parent = null; }
      if (!parent || parent === win) { return null; }
      tries += 1;
      if (tries > 7) { return null; }
      win = parent;
    }
    return null;
  }
  function findAPI(win) {
    var api = scanForAPI(win);
    if (!api) {
      var op = null;
      try { op = win.opener; } catch (e) { op = null; }
      if (op) { api = scanForAPI(op); }
    }
    if (!api) {
      var top = null;
      try { top = win.top && win.top.opener; } catch (e) { top = null; }
      if (top) { api = scanForAPI(top); }
    }
    return api;
  }

  // ------------------------------------------------------------------------------------------
  // Compact answers for cmi.suspend_data

  var SETS = Object.keys(CFG.sets || {});
  function itemOrder(setId) { return (CFG.itemOrder && CFG.itemOrder[setId]) || []; }

  function encodeState(state, dropped) {
    // "R1|<fingerprint>|" + JSON, or "R2|<fingerprint>|" + the JSON packed (when shorter):
    // [time, answers as flat (set, item, value) triples, the points of each checked auto-checked item
    //  as flat (set, item, points) triples, not-kept items as "s.i"]; sets and items by position
    var a = [], s = [], x = [];
    SETS.forEach(function (setId, si) {
      var ans = state.a[setId] || {};
      itemOrder(setId).forEach(function (itemId, ii) {
        if (!Object.prototype.hasOwnProperty.call(ans, itemId)) { return; }
        if (dropped && dropped[setId + "\u0000" + itemId]) { x.push(si + "." + ii); return; }
        a.push(si, ii, ans[itemId]);
      });
      var pts = state.r[setId] || {};
      itemOrder(setId).forEach(function (itemId, ii) {
        if (Object.prototype.hasOwnProperty.call(pts, itemId)) { s.push(si, ii, pts[itemId]); }
      });
    });
    var body = [state.t || 0, a, s];
    if (x.length) { body.push(x); }
    // packed when shorter, and always when the text has characters outside printable ASCII (the
    // packed form is ASCII only, which every LMS's database keeps as it is)
    var json = JSON.stringify(body), packed = lzwPack(json);
    return packed.length < json.length || /[^\x20-\x7e]/.test(json)
      ? "R2|" + CFG.fingerprint + "|" + packed : "R1|" + CFG.fingerprint + "|" + json;
  }

  // LZW with variable-width codes, written as 6-bit characters (A-Z a-z 0-9 - _): learners' texts
  // take about half the room. Code 0: a new character follows (16 bits); code 1: the end; codes from
  // 2: the dictionary. Both sides read and write each code in width(entries the decoder knows + 1).
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function width(n) { var b = 1; while ((1 << b) <= n) { b++; } return b; }
  // Both sides start from the same dictionary, built from words learners' answers are made of, so
  // that even short answers pack well.
  var SEED = ("the of and to in a is that it for as was with by on not this his their which from are be " +
    "but they an or have had has were its at he who all one would been there more than also only " +
    "what when because does how claim text reading paragraph evidence source sources verse scripture " +
    "caliph caliphate caliphs khilafa khilafat ottoman ottomans umayyad abbasid fatimid sultan empire " +
    "muslim muslims islam islamic islamist islamism jihad jihadist movement movements party state " +
    "brotherhood hizb ut-tahrir ahmadiyya isis authority legitimacy history historians scholars " +
    "century centuries 1924 1919 argument because however therefore accurate inaccurate misleading " +
    "unverifiable writer author audience propaganda technique appeal fear loaded language community " +
    "al-waie-472: khilafat-web: critique-ht-foreign-policy: \"verdict\":\"evidence\":\" \",\" ,[\" \"],[");
  var primedDict = null;
  function prime() {
    if (primedDict) { return primedDict; }
    var dict = new Map(), next = 2, w = "";
    for (var i = 0; i < SEED.length; i++) {
      var c = SEED.charAt(i);
      if (!dict.has(c)) { w = ""; dict.set(c, next++); continue; }
      var wc = w + c;
      if (dict.has(wc)) { w = wc; continue; }
      dict.set(wc, next++);
      w = c;
    }
    primedDict = dict;
    return dict;
  }
  function lzwPack(s) {
    var out = "", acc = 0, nacc = 0;
    function put(v, bits) {
      for (var i = bits - 1; i >= 0; i--) {
        acc = (acc << 1) | ((v >> i) & 1); nacc++;
        if (nacc === 6) { out += B64.charAt(acc); acc = 0; nacc = 0; }
      }
    }
    var primed = prime(), dict = new Map(primed), next = primed.size + 2, pending = 0, w = "";
    function emit(code) { put(code, width(next - pending + 1)); }
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      if (!dict.has(c)) {
        if (w) { emit(dict.get(w)); pending = 0; w = ""; }
        emit(0); put(c.charCodeAt(0), 16);
        dict.set(c, next++); pending = 0;
        continue;
      }
      var wc = w + c;
      if (dict.has(wc)) { w = wc; continue; }
      emit(dict.get(w));
      dict.set(wc, next++); pending = 1;
      w = c;
    }
    if (w) { emit(dict.get(w)); pending = 0; }
    emit(1);
    if (nacc) { put(0, 6 - nacc); }
    return out;
  }
  function lzwUnpack(t) {
    var pos = 0, acc = 0, nacc = 0;
    function get(bits) {
      var v = 0;
      for (var i = 0; i < bits; i++) {
        if (nacc === 0) {
          if (pos >= t.length) { throw new Error("truncated"); }
          acc = B64.indexOf(t.charAt(pos++));
          if (acc < 0) { throw new Error("bad character"); }
          nacc = 6;
        }
        nacc--;
        v = (v << 1) | ((acc >> nacc) & 1);
      }
      return v;
    }
    var dict = [null, null], out = [], prev = null;
    prime().forEach(function (code, str) { dict[code] = str; });
    for (;;) {
      var k = get(width(dict.length + 1));
      if (k === 1) { break; }
      if (k === 0) {
        var c = String.fromCharCode(get(16));
        dict.push(c); out.push(c); prev = null;
        continue;
      }
      var entry;
      if (k < dict.length) { entry = dict[k]; } else if (k === dict.length && prev !== null) {
        entry = prev + prev.charAt(0);
      } else { throw new Error("bad code"); }
      out.push(entry);
      if (prev !== null) { dict.push(prev + entry.charAt(0)); }
      prev = entry;
    }
    return out.join("");
  }

  function decodeState(text) {
    // -> {state, notKept: [[set, item]...]} or {error}
    if (!text) { return null; }
    var parts = /^R([12])\|([^|]*)\|(.*)$/.exec(text);
    if (!parts) { return {error: "saved answers in an unknown format"}; }
    if (parts[2] !== CFG.fingerprint) {
      return {error: "saved answers belong to another version of this package"};
    }
    var body;
    try { body = JSON.parse(parts[1] === "2" ? lzwUnpack(parts[3]) : parts[3]); } catch (e) {
      return {error: "saved answers could not be read"};
    }
    var state = {t: body[0] || 0, a: {}, r: {}};
    var a = body[1] || [], s = body[2] || [], x = body[3] || [];
    for (var i = 0; i + 2 < a.length; i += 3) {
      var setId = SETS[a[i]], itemId = setId && itemOrder(setId)[a[i + 1]];
      if (!itemId) { continue; }
      (state.a[setId] = state.a[setId] || {})[itemId] = a[i + 2];
    }
    for (var j = 0; j + 2 < s.length; j += 3) {
      var sid = SETS[s[j]], iid = sid && itemOrder(sid)[s[j + 1]];
      if (iid && typeof s[j + 2] === "number") { (state.r[sid] = state.r[sid] || {})[iid] = s[j + 2]; }
    }
    var notKept = [];
    x.forEach(function (ref) {
      var p = String(ref).split("."), setId = SETS[+p[0]], itemId = setId && itemOrder(setId)[+p[1]];
      if (itemId) { notKept.push([setId, itemId]); }
    });
    return {state: state, notKept: notKept};
  }

  function textSize(v) {
    if (typeof v === "string") { return v.length; }
    if (v && typeof v === "object") {
      var n = 0;
      Object.keys(v).forEach(function (k) { n += textSize(v[k]); });
      return n;
    }
    return 0;
  }

  // The suspend_data text within LIMIT: everything if it fits; else open responses (never scored
  // in the LMS) are left out first, then the longest other answers, each one recorded as not kept.
  function fitState(state) {
    var dropped = {}, order = [];
    var full = encodeState(state, null);
    if (full.length <= LIMIT) { return {text: full, dropped: []}; }
    SETS.forEach(function (setId) {
      var ans = state.a[setId] || {}, types = (CFG.itemTypes || {})[setId] || {};
      Object.keys(ans).forEach(function (itemId) {
        order.push({setId: setId, itemId: itemId, open: types[itemId] === "open", size: textSize(ans[itemId])});
      });
    });
    order.sort(function (p, q) { return (q.open - p.open) || (q.size - p.size); });
    var text = full, out = [];
    for (var k = 0; k < order.length && text.length > LIMIT; k++) {
      dropped[order[k].setId + "\u0000" + order[k].itemId] = true;
      out.push([order[k].setId, order[k].itemId]);
      text = encodeState(state, dropped);
    }
    return {text: text, dropped: out};
  }

  // ------------------------------------------------------------------------------------------
  // localStorage (the newest full state, per learner and package)

  function safeStorage() {
    try {
      var ls = window.localStorage, k = "__scorm_probe__";
      ls.setItem(k, "1"); ls.removeItem(k);
      return ls;
    } catch (e) { return null; }
  }
  var memory = {};
  function storageAdapter(prefix) {
    var ls = safeStorage();
    return {
      get: function (key) {
        if (ls) { try { return ls.getItem(prefix + key); } catch (e) { /* fall through */ } }
        return Object.prototype.hasOwnProperty.call(memory, prefix + key) ? memory[prefix + key] : null;
      },
      set: function (key, value) {
        memory[prefix + key] = String(value);
        if (ls) { try { ls.setItem(prefix + key, String(value)); } catch (e) { /* quota: memory only */ } }
      },
      remove: function (key) {
        delete memory[prefix + key];
        if (ls) { try { ls.removeItem(prefix + key); } catch (e) { /* ignore */ } }
      }
    };
  }

  // ------------------------------------------------------------------------------------------
  // The session

  function Session(win) {
    this.win = win;
    this.api = findAPI(win);
    this.active = false;
    this.finished = false;
    this.state = {t: 0, a: {}, r: {}};
    this.setPoints = {}; // set -> points from the self-check's score(), when it knows every checked item
    this.notKept = [];
    this.interactions = false;
    this.nInteractions = 0;
    this.timer = null;
    this.errors = [];
    this.log = [];
  }

  Session.prototype.call = function (name, a, b) {
    var r;
    try { r = b === undefined ? this.api[name](a) : this.api[name](a, b); } catch (e) {
      this.errors.push(name + " threw " + e);
      return "";
    }
    return r;
  };
  Session.prototype.lastError = function () {
    var e = this.call("LMSGetLastError", "");
    return String(e === undefined || e === null ? "0" : e);
  };
  Session.prototype.get = function (el) {
    var v = this.call("LMSGetValue", el);
    return this.lastError() === "0" ? String(v === undefined || v === null ? "" : v) : "";
  };
  Session.prototype.set = function (el, value) {
    var ok = String(this.call("LMSSetValue", el, String(value))) === "true";
    var err = this.lastError();
    if (!ok || err !== "0") {
      this.errors.push("LMSSetValue(" + el + ") failed: error " + err);
      return false;
    }
    return true;
  };

  Session.prototype.start = function () {
    if (!this.api) { return false; }
    if (String(this.call("LMSInitialize", "")) !== "true") {
      this.errors.push("LMSInitialize failed: error " + this.lastError());
      return false;
    }
    this.active = true;
    this.t0 = Date.now();
    var prefix = "course-scorm:" + CFG.courseId + ":" + CFG["package"] + ":" +
                 (this.get("cmi.core.student_id") || "learner") + ":";
    this.storage = storageAdapter(prefix + "bridge:");
    this.checkerStorage = storageAdapter(prefix + "checker:");
    var status = this.get("cmi.core.lesson_status");
    if (!status || status === "not attempted") {
      this.set("cmi.core.lesson_status", "incomplete");
    }
    var count = this.call("LMSGetValue", "cmi.interactions._count");
    this.interactions = this.lastError() === "0" && /^\d+$/.test(String(count));
    this.nInteractions = this.interactions ? parseInt(count, 10) : 0;
    this.location = this.get("cmi.core.lesson_location");
    this.restore();
    this.call("LMSCommit", "");
    return true;
  };

  Session.prototype.restore = function () {
    var fromLms = decodeState(this.get("cmi.suspend_data"));
    var local = null;
    var raw = this.storage.get("state");
    if (raw) { try { local = JSON.parse(raw); } catch (e) { local = null; } }
    var lmsState = fromLms && fromLms.state;
    if (fromLms && fromLms.error) { this.notify("Your saved answers could not be restored from the LMS (" + fromLms.error + ")."); }
    if (local && local.t && local.r && (!lmsState || local.t >= lmsState.t)) {
      this.state = local;
      this.restoredFrom = "browser";
    } else if (lmsState) {
      this.state = lmsState;
      this.restoredFrom = "lms";
      if (fromLms.notKept.length) {
        this.notKept = fromLms.notKept;
        this.notify("Some of your answers from an earlier session were too long for the LMS to keep, " +
                    "and this browser has no copy of them: " + this.describe(fromLms.notKept) +
                    ". The rest of your answers are restored.");
      }
    }
  };

  Session.prototype.describe = function (pairs) {
    return pairs.map(function (p) { return p[1]; }).join(", ");
  };

  Session.prototype.notify = function (msg) {
    this.log.push(msg);
    var doc = this.win.document, self = this;
    if (doc.readyState === "loading") { // the launcher's head: show it once the page is there
      if (!this.waiting) {
        this.waiting = true;
        doc.addEventListener("DOMContentLoaded", function () { self.notify(self.log.join(" ")); self.log.pop(); });
      }
      return;
    }
    var el = doc.getElementById("scorm-notice");
    if (!el && doc.body) {
      el = doc.createElement("p");
      el.id = "scorm-notice";
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      el.style.cssText = "position:sticky;top:0;z-index:2000;margin:0;padding:.5rem 1rem;background:#fff4ce;" +
                         "color:#3b2e00;border-bottom:1px solid #b58a00";
      doc.body.insertBefore(el, doc.body.firstChild);
    }
    if (el) { el.textContent = msg; el.hidden = false; }
    try { console.info("[SCORM] " + msg); } catch (e) { /* no console */ }
  };

  Session.prototype.attach = function (cs, pageWin) {
    if (!this.active || !cs) { return; }
    var self = this;
    try { cs.setStorage(this.checkerStorage); } catch (e) { this.errors.push("setStorage threw " + e); }
    var onPage = {};
    try { (cs.sets() || []).forEach(function (s) { onPage[s] = true; }); } catch (e) { /* none */ }
    var give = {}, any = false;
    Object.keys(this.state.a).forEach(function (setId) {
      if (onPage[setId]) { give[setId] = self.state.a[setId]; any = true; }
    });
    if (any) {
      var problems = [];
      try { problems = cs.importAnswers(give, {source: "scorm"}) || []; } catch (e) { problems = [String(e)]; }
      if (problems.length) {
        this.notify("Some saved answers could not be put back: " + problems.slice(0, 3).join("; "));
      }
    }
    cs.onResult(function (r) { self.onResult(r, cs); });
    // answers typed without a Check (open responses) reach the LMS when the page is left or hidden,
    // and every 20 seconds
    var sync = function () { self.sync(cs); };
    pageWin.addEventListener("pagehide", sync);
    pageWin.document.addEventListener("visibilitychange", function () {
      if (pageWin.document.visibilityState === "hidden") { sync(); }
    });
    pageWin.setInterval(sync, 20000);
    (this.pages = this.pages || []).push(pageWin);
  };

  Session.prototype.sync = function (cs) {
    if (!this.active || this.finished) { return; }
    var exported, onPage, changed = false, self = this;
    try { exported = cs.exportAnswers() || {}; onPage = cs.sets() || []; } catch (e) { return; }
    onPage.forEach(function (setId) {
      var merged = Object.assign({}, self.state.a[setId] || {}, exported[setId] || {});
      if (JSON.stringify(merged) !== JSON.stringify(self.state.a[setId] || {})) {
        self.state.a[setId] = merged;
        changed = true;
      }
    });
    if (changed) {
      this.state.t = Date.now();
      this.save();
      this.scheduleCommit();
    }
  };

  Session.prototype.onResult = function (r, cs) {
    if (!this.active || this.finished) { return; }
    this.checks = (this.checks || 0) + 1;
    var setId = r.setId;
    var exported = {};
    try { exported = cs.exportAnswers() || {}; } catch (e) { exported = {}; }
    var mine = Object.assign({}, this.state.a[setId] || {}, exported[setId] || {});
    if (!exported[setId] || !Object.prototype.hasOwnProperty.call(exported[setId], r.itemId)) {
      delete mine[r.itemId];
    }
    this.state.a[setId] = mine;
    var known = this.state.r[setId] = this.state.r[setId] || {};
    if (r.type !== "open" && r.status !== "neutral") { known[r.itemId] = +r.points || 0; }
    // The score is the self-check's score(): the points of the set's auto-checked items as
    // `course check` computes them. On a computer where the self-check has not seen the learner's
    // earlier Checks (answers restored from the LMS are not checked again), it counts fewer items
    // than the LMS already holds; then the points of each item's latest Check, kept with the
    // answers, are added up instead.
    try {
      var sc = cs.score(setId), expected = CFG.sets[setId];
      if (expected !== undefined && Math.abs((+sc.maxPoints || 0) - expected) > 1e-6) {
        this.errors.push("score(" + setId + ").maxPoints is " + sc.maxPoints + ", the package expects " + expected);
      }
      if ((+sc.attempted || 0) >= Object.keys(known).length) {
        this.setPoints[setId] = +sc.points || 0;
      } else {
        delete this.setPoints[setId];
      }
    } catch (e) { this.errors.push("score threw " + e); delete this.setPoints[setId]; }
    this.state.t = Date.now();
    this.record(r);
    this.report();
    this.save();
    this.scheduleCommit();
  };

  Session.prototype.record = function (r) {
    if (!this.interactions) { return; }
    var n = this.nInteractions;
    var p = "cmi.interactions." + n + ".";
    var result = {right: "correct", wrong: "wrong", invalid: "unanticipated"}[r.status];
    if (!result) {
      result = r.status === "partial" && r.maxPoints > 0 ? (r.points / r.maxPoints).toFixed(2) : "neutral";
    }
    if (r.type === "open") { result = "neutral"; }
    var id = String(r.itemId).replace(/[^A-Za-z0-9_.:-]/g, "-").slice(0, 255);
    if (!this.set(p + "id", id)) {
      this.interactions = false; // the LMS does not take interactions: stop trying
      return;
    }
    this.nInteractions = n + 1;
    this.set(p + "type", (CFG.interactionTypes || {})[r.type] || "performance");
    var d = new Date();
    var pad = function (x) { return (x < 10 ? "0" : "") + x; };
    this.set(p + "time", pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()));
    if (r.maxPoints > 0 && r.maxPoints <= 100) { this.set(p + "weighting", String(r.maxPoints)); }
    this.set(p + "student_response", String(r.response || "").replace(/[\r\n]+/g, " ").slice(0, 255));
    this.set(p + "result", result);
  };

  Session.prototype.totals = function () {
    var points = 0, max = 0, attempted = 0, complete = true, self = this;
    SETS.forEach(function (setId) {
      max += CFG.sets[setId];
      var known = self.state.r[setId] || {}, types = (CFG.itemTypes || {})[setId] || {};
      var sum = 0, n = 0;
      Object.keys(known).forEach(function (k) { sum += known[k]; n += 1; });
      points += Object.prototype.hasOwnProperty.call(self.setPoints, setId) ? self.setPoints[setId] : sum;
      attempted += n;
      var auto = Object.keys(types).filter(function (k) { return types[k] !== "open"; }).length;
      if (n < auto) { complete = false; }
    });
    return {points: Math.round(points * 10000) / 10000, max: max, attempted: attempted, complete: complete};
  };

  // points as reported: as they are up to 100, else a percentage (SCORM 1.2 scores lie in 0..100);
  // rounded to 2 decimals (course.lms.scorm.reported_score does the same)
  function reported(points, max) {
    var x = max > 100 ? points * 100 / max : points;
    return Math.round(x * 100) / 100;
  }

  Session.prototype.report = function () {
    var t = this.totals();
    this.set("cmi.core.score.min", "0");
    this.set("cmi.core.score.max", String(reported(t.max, t.max)));
    this.set("cmi.core.score.raw", String(reported(t.points, t.max)));
    var status;
    if (t.max <= 0) {
      status = t.attempted > 0 ? "completed" : "incomplete";
    } else if (t.points / t.max >= CFG.mastery - 1e-9) {
      status = "passed";
    } else {
      status = t.complete ? "failed" : "incomplete";
    }
    this.set("cmi.core.lesson_status", status);
    this.status = status;
  };

  Session.prototype.save = function () {
    var fit = fitState(this.state);
    this.storage.set("state", JSON.stringify(this.state));
    if (!this.set("cmi.suspend_data", fit.text)) {
      this.notify("The LMS did not accept your saved answers. They are kept in this browser; " +
                  "use Download my answers to keep a copy.");
    }
    var key = fit.dropped.map(function (p) { return p[1]; }).join(",");
    if (fit.dropped.length && key !== this.lastDropped) {
      this.notify("Your answer" + (fit.dropped.length > 1 ? "s to " : " to ") + this.describe(fit.dropped) +
                  (fit.dropped.length > 1 ? " are" : " is") + " too long for the LMS to keep between sessions " +
                  "(SCORM 1.2 allows 4,096 characters of saved answers). " +
                  (safeStorage() ? "They are kept in this browser on this computer. " : "") +
                  "To keep a copy, use Download my answers.");
    }
    this.lastDropped = key;
    this.notKept = fit.dropped;
    this.suspendLength = fit.text.length;
  };

  Session.prototype.scheduleCommit = function () {
    var self = this;
    if (this.timer) { clearTimeout(this.timer); }
    this.timer = setTimeout(function () { self.timer = null; self.commit(); }, COMMIT_DELAY);
  };
  Session.prototype.commit = function () {
    if (!this.active || this.finished) { return false; }
    return String(this.call("LMSCommit", "")) === "true";
  };

  Session.prototype.setLocation = function (path) {
    if (this.active && !this.finished && path && path.length <= 255 && path !== this.location) {
      this.location = path;
      this.set("cmi.core.lesson_location", path);
    }
  };

  Session.prototype.finish = function () {
    if (!this.active || this.finished) { return; }
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    var secs = Math.max(0, Math.round((Date.now() - this.t0) / 1000));
    var h = Math.floor(secs / 3600), m = Math.floor(secs / 60) % 60, s = secs % 60;
    var two = function (x) { return (x < 10 ? "0" : "") + x; };
    this.set("cmi.core.session_time", (h < 10 ? "000" : h < 100 ? "00" : h < 1000 ? "0" : "") + h + ":" + two(m) + ":" + two(s));
    this.set("cmi.core.exit", "suspend"); // keep suspend_data for the next launch
    this.call("LMSCommit", "");
    this.call("LMSFinish", "");
    this.finished = true;
  };

  // ------------------------------------------------------------------------------------------
  // Wiring

  function whenChecker(win, cb) {
    if (win.courseSelfCheck) { cb(win.courseSelfCheck); return; }
    win.document.addEventListener("courseselfcheck:ready", function () {
      if (win.courseSelfCheck) { cb(win.courseSelfCheck); }
    }, {once: true});
  }

  function ownSession(win) {
    var session = new Session(win);
    if (!session.start()) { return null; }
    var end = function () { session.finish(); };
    win.addEventListener("pagehide", end);
    win.addEventListener("beforeunload", end);
    win.document.addEventListener("visibilitychange", function () {
      if (win.document.visibilityState === "hidden") { session.commit(); }
    });
    return session;
  }

  function packageRoot() {
    // the launcher sits at the package root; its URL's folder is the root of every page path
    return window.location.href.replace(/[#?].*$/, "").replace(/[^/]*$/, "");
  }

  if (IS_LAUNCHER) {
    var session = ownSession(window);
    window.courseScormSession = session; // pages in the frame attach here (null: no LMS)
    var base = packageRoot();
    document.addEventListener("DOMContentLoaded", function () {
      var frame = document.getElementById("scorm-frame");
      if (!frame) { return; }
      var target = frame.getAttribute("data-start") || CFG.start;
      if (session && session.location && /^[A-Za-z0-9_\/.-]+\.html(#[A-Za-z0-9_.:-]*)?$/.test(session.location) &&
          session.location.indexOf("..") < 0) {
        target = session.location; // resume where the learner left off
      }
      frame.addEventListener("load", function () {
        var href = "";
        try { href = frame.contentWindow.location.href; } catch (e) { return; }
        if (session && href.indexOf(base) === 0) { session.setLocation(href.slice(base.length).replace(/[?].*$/, "")); }
      });
      frame.setAttribute("src", target);
    });
  } else {
    var parentSession;
    try { parentSession = window.parent !== window ? window.parent.courseScormSession : undefined; } catch (e) { parentSession = undefined; }
    var s = parentSession !== undefined ? parentSession : ownSession(window);
    if (s) {
      whenChecker(window, function (cs) { s.attach(cs, window); });
      window.addEventListener("pagehide", function () { s.commit(); });
    }
  }

  window.courseScormBridge = {findAPI: findAPI, encodeState: encodeState, decodeState: decodeState,
                              fitState: fitState, pack: lzwPack, unpack: lzwUnpack, config: CFG};
}());

/* TEST DOUBLE ONLY (tests/data/scorm/): a stand-in for the in-page self-check's public API
 * (window.courseSelfCheck, see the browser self-check contract) used by tests/test_scorm_runtime.py
 * while the real checker is not in the built pages. It grades NOTHING: the test computes every
 * result with the Python grader (course.exercises.grading) and hands it over with
 * window.__fakeSelfCheck.check(setId, itemId, value, result). It keeps answers and results in the
 * storage adapter (localStorage unless setStorage replaced it), like the real checker.
 * Configured by window.__FAKE_SELFCHECK_CONFIG = {pages: {"<path suffix>": [setIds]},
 *                                               items: {setId: {itemId: {type, points, auto}}}}.
 */
(function () {
  "use strict";
  var CFG = window.__FAKE_SELFCHECK_CONFIG;
  if (!CFG) { return; }
  var path = window.location.pathname, sets = null;
  Object.keys(CFG.pages).forEach(function (suffix) {
    if (path.slice(-suffix.length) === suffix) { sets = CFG.pages[suffix]; }
  });
  if (!sets) { return; }
  var storage = {
    get: function (k) { return window.localStorage.getItem("fake-selfcheck:" + k); },
    set: function (k, v) { window.localStorage.setItem("fake-selfcheck:" + k, v); },
    remove: function (k) { window.localStorage.removeItem("fake-selfcheck:" + k); }
  };
  var callbacks = [];
  function read(key) { var v = storage.get(key); return v ? JSON.parse(v) : {}; }
  function write(key, v) { storage.set(key, JSON.stringify(v)); }
  var STATUS = {passed: "right", failed: "wrong", partial: "partial"};

  var api = {
    version: "test-double",
    courseId: "reading-the-caliphate",
    sets: function () { return sets.slice(); },
    onResult: function (cb) { callbacks.push(cb); },
    exportAnswers: function () { return read("answers"); },
    importAnswers: function (obj) {
      var answers = read("answers"), problems = [];
      Object.keys(obj || {}).forEach(function (setId) {
        if (!CFG.items[setId]) { problems.push("unknown set " + setId); return; }
        answers[setId] = Object.assign(answers[setId] || {}, obj[setId]);
      });
      write("answers", answers);
      api.imported = (api.imported || 0) + 1;
      return problems;
    },
    score: function (setId) {
      var results = read("results"), out = {points: 0, maxPoints: 0, attempted: 0, right: 0, total: 0};
      (setId ? [setId] : sets).forEach(function (sid) {
        var items = CFG.items[sid] || {};
        Object.keys(items).forEach(function (iid) {
          if (!items[iid].auto) { return; }
          out.total += 1; out.maxPoints += items[iid].points;
          var r = (results[sid] || {})[iid];
          if (r) { out.attempted += 1; out.points += r.points; if (r.status === "right") { out.right += 1; } }
        });
      });
      out.points = Math.round(out.points * 10000) / 10000;
      return out;
    },
    setStorage: function (adapter) { storage = adapter; api.storageReplaced = true; }
  };
  window.__fakeSelfCheck = {
    check: function (setId, itemId, value, result) {
      var answers = read("answers"), results = read("results");
      (answers[setId] = answers[setId] || {})[itemId] = value;
      var status = STATUS[result.status] || (result.status === "needs-review" ? "neutral" : "invalid");
      if (CFG.items[setId][itemId].auto) {
        (results[setId] = results[setId] || {})[itemId] = {points: result.points, status: status};
      }
      write("answers", answers); write("results", results);
      var event = {setId: setId, itemId: itemId, type: CFG.items[setId][itemId].type, status: status,
                   points: result.points, maxPoints: result.max_points, response: result.response};
      callbacks.forEach(function (cb) { cb(event); });
      return event;
    }
  };
  window.courseSelfCheck = undefined;
  document.addEventListener("DOMContentLoaded", function () {
    window.courseSelfCheck = api;
    document.dispatchEvent(new CustomEvent("courseselfcheck:ready"));
  });
}());

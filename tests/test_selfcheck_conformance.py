"""One grader: the in-page checker (course/static/selfcheck-*.js) against the Python grader.

The conformance corpus is generated here, at test time, from the current Python grader
(:func:`course.exercises.selfcheck.corpus`): the reference answer of every item, every single wrong
choice, partial answers of every partial-credit type, accepted variants and near misses of short
answers, malformed values, plus normaliser cases. Every case runs through the JavaScript checker in
headless Chromium, from a file:// page; any difference in status, points, score, feedback, error
flag or hint fails the test. So a change to the Python grader that the JS does not follow fails.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from browser_helpers import chromium
from conftest import IN_CI, ROOT

from course import __version__
from course.exercises import load_all_sets
from course.exercises.selfcheck import _plain, corpus
from course.sphinxext.selfcheck_html import lean_js, ship_js

pytestmark = pytest.mark.browser

STATIC = ROOT / "course" / "static"
SCRIPTS = ["selfcheck-normalize.js", "selfcheck-grade.js", "selfcheck-yaml.js"]

RUN_CORPUS = r"""
async (C) => {
  const revive = (v) => (v && typeof v === 'object' && !Array.isArray(v))
    ? ('$map' in v ? new Map(v['$map'].map(([k, x]) => [revive(k), revive(x)])) : v)
    : (Array.isArray(v) ? v.map(revive) : v);
  const N = window.CourseNormalize, G = window.CourseGrade;
  const bad = [];
  for (const [t, n, l] of C.normalize) {
    const a = N.normalizeText(t), b = N.labelKey(t);
    if (a !== n || b !== l) bad.push({normalize: t, python: [n, l], js: [a, b]});
  }
  const items = {};
  for (const s of Object.values(C.sets)) for (const it of s.items) items[it.id] = [s, it];
  let ran = 0, explained = 0;
  for (const c of C.cases) {
    const [s, it] = items[c.item];
    const ctx = {salt: s.salt, readings: C.readings, letters: C.letters, taxonomies: s.taxonomies};
    let r;
    try { r = await G.grade(ctx, it, revive(c.answer), c.hint_level); }
    catch (e) { bad.push({item: c.item, answer: c.answer, error: String(e)}); continue; }
    ran++;
    const diffs = {};
    for (const f of ['status', 'feedback', 'answer_error', 'hint', 'hint_number', 'points'])
      if (r[f] !== c[f]) diffs[f] = {python: c[f], js: r[f]};
    if (G.pyRound(r.score, 4) !== c.score) diffs.score = {python: c.score, js: r.score};
    if (r.status === 'passed') {
      const ex = await G.explanation(ctx, it, r.shares);
      if (ex === C.explanations[c.item]) explained++;
      else diffs.explanation = {python: C.explanations[c.item], js: ex};
    }
    if (Object.keys(diffs).length) bad.push({item: c.item, answer: c.answer, diffs});
  }
  return {ran, explained, bad: bad.slice(0, 30), nbad: bad.length};
}
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    d = tmp_path_factory.mktemp("selfcheck")
    # the scripts as the book ships them (minified), not only as written
    for s in SCRIPTS:
        (d / s).write_text(ship_js((STATIC / s).read_text(encoding="utf-8")), encoding="utf-8")
    tags = "".join(f'<script src="{s}"></script>' for s in SCRIPTS)
    (d / "index.html").write_text(
        f"<!doctype html><html lang=en><title>t</title>{tags}<body></body></html>", encoding="utf-8"
    )
    with chromium() as b:
        pg = b.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto((d / "index.html").as_uri())
        pg.wait_for_function("window.CourseGrade !== undefined")
        pg.errors = errors
        yield pg


@pytest.fixture(scope="module")
def sets():
    return load_all_sets(ROOT)


def _corpus(sets) -> dict:
    c = corpus(sets, __version__)
    c["explanations"] = {it.id: _plain(it.explanation) for s in sets for it in s.items}
    return c


def test_corpus_covers_every_item_and_type(sets):
    c = corpus(sets, __version__)
    cases = c["cases"]
    assert len(cases) >= 3000, f"only {len(cases)} conformance cases"
    assert len(c["normalize"]) >= 200
    ids = {it.id for s in sets for it in s.items if it.type != "open"}
    assert ids == {x["item"] for x in cases}, "some auto-checked item has no case"
    by_type: dict[str, set] = {}
    types = {it.id: it.type for s in sets for it in s.items}
    for x in cases:
        by_type.setdefault(types[x["item"]], set()).add(x["status"])
    for t, statuses in by_type.items():
        assert {"passed", "failed"} <= statuses, f"{t}: no right or no wrong case"
        if t not in ("single", "numeric", "short"):
            assert "partial" in statuses, f"{t}: no partial-credit case"
    assert any(x["answer_error"] for x in cases), "no malformed value"


def test_js_checker_agrees_with_python_grader_on_the_whole_corpus(page, sets):
    c = _corpus(sets)
    res = page.evaluate(RUN_CORPUS, c)
    assert res["ran"] + res["nbad"] >= len(c["cases"])
    assert res["nbad"] == 0, (
        f"{res['nbad']} differences between the JS checker and the Python grader "
        f"(first ones):\n" + "\n".join(json.dumps(b, ensure_ascii=False)[:600] for b in res["bad"])
    )
    passed = sum(1 for x in c["cases"] if x["status"] == "passed")
    assert res["explained"] == passed, "an explanation did not unlock with a right answer"
    assert not page.errors, page.errors


def test_the_conformance_run_catches_a_grader_change(page, sets, monkeypatch):
    """The same run fails when the Python grader changes and the JS does not follow."""
    from course.items import for_type

    numeric = for_type("numeric")
    orig = numeric.grade

    def changed(item, answer, exists, root):
        out = orig(item, answer, exists, root)
        out.feedback = out.feedback.replace("too high", "above the answer")
        return out

    monkeypatch.setattr(numeric, "grade", changed)
    c = _corpus([s for s in sets if any(it.type == "numeric" for it in s.items)][:1])
    res = page.evaluate(RUN_CORPUS, c)
    assert res["nbad"] > 0 and any("feedback" in b.get("diffs", {}) for b in res["bad"])


def test_js_sha256_matches_python_and_file_urls_are_secure(page):
    texts = ["", "abc", "ʿayn", "x" * 55, "y" * 56, "z" * 64, "w" * 1000, "مرحبا\u202e"]
    got = page.evaluate(
        """(ts) => ts.map(t => Array.from(CourseGrade.sha256(new TextEncoder().encode(t)))
                              .map(b => b.toString(16).padStart(2, '0')).join(''))""",
        texts,
    )
    assert got == [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    # Chromium counts file:// as a secure context, so Web Crypto would be there too; the page uses
    # its own SHA-256 anyway, so plain-http hosts (not secure) work as well.
    assert page.evaluate("window.isSecureContext && !!crypto.subtle") is True


def test_explanation_stays_locked_without_the_right_answer(page, sets):
    """Shares of a partly right answer do not open the explanation; a wrong key is refused."""
    c = _corpus(sets)
    items = {it["id"]: (s, it) for s in c["sets"].values() for it in s["items"]}
    partial = next(x for x in c["cases"] if x["status"] == "partial" and items[x["item"]][1]["type"] == "multiple")
    s, it = items[partial["item"]]
    res = page.evaluate(
        """async ([s, it, readings, answer]) => {
        const ctx = {salt: s.salt, readings, taxonomies: s.taxonomies};
        const r = await CourseGrade.grade(ctx, it, answer, 0);
        const forged = [[0, new Uint8Array(8)]];
        return [r.status, r.shares, await CourseGrade.explanation(ctx, it, forged)];
    }""",
        [s, it, c["readings"], partial["answer"]],
    )
    assert res == ["partial", None, None]


# ------------------------------------------------------------------------------------------------
# Answer files with a YAML error (issue 13): the page's reader (CourseYaml.readAnswers) and the
# terminal's (course/exercises/recovery.py) read the same items, with the same values, and report the
# same broken blocks at the same lines, on a corpus of broken files (tests/answer_recovery_corpus.py).

READ_ANSWERS = r"""
(C) => {
  const Y = window.CourseYaml;
  const js = (v) => v instanceof Map ? {'$map': Array.from(v, ([k, x]) => [js(k), js(x)])}
    : Array.isArray(v) ? v.map(js) : v;
  const out = {};
  for (const [name, text] of Object.entries(C)) {
    try {
      const r = Y.readAnswers(text);
      out[name] = {data: js(r.data), broken: r.broken.map((b) => [b.line, b.key])};
    } catch (e) { out[name] = e instanceof Y.YamlError ? {error: true} : {exception: String(e)}; }
  }
  return out;
}
"""


def _recovery_differences(page, cases: dict[str, str]) -> list[str]:
    from answer_recovery_corpus import python_read

    got = page.evaluate(READ_ANSWERS, cases)
    return [
        f"{name}:\n  python {json.dumps(python_read(text), ensure_ascii=False)}\n"
        f"  page   {json.dumps(got[name], ensure_ascii=False)}"
        for name, text in cases.items()
        if got[name] != python_read(text)
    ]


def test_page_and_terminal_recover_the_same_items_from_broken_answer_files(page):
    from answer_recovery_corpus import BASE, CASES, NOT_SPLIT

    assert len(CASES) - len(NOT_SPLIT) >= 30
    diffs = _recovery_differences(page, {"base": BASE, **CASES})
    assert not diffs, f"{len(diffs)} of {len(CASES) + 1} files read differently:\n" + "\n".join(diffs[:10])
    assert not page.errors, page.errors


def test_the_recovery_comparison_catches_a_difference(page):
    """The same comparison fails when the page's reader drifts (here: it stops recovering)."""
    from answer_recovery_corpus import CASES

    page.evaluate(
        "() => { window.__readAnswers = CourseYaml.readAnswers; "
        "CourseYaml.readAnswers = (t) => ({data: CourseYaml.parse(t), broken: []}); }"
    )
    try:
        diffs = _recovery_differences(page, {k: CASES[k] for k in ("unclosed-list-middle", "duplicate-top-level")})
    finally:
        page.evaluate("() => { CourseYaml.readAnswers = window.__readAnswers; }")
    assert len(diffs) == 2


def test_the_book_ships_the_scripts_minified():
    """Issue #13 (weight): the scripts are minified in the build (rjsmin, from Python), and what is
    minified is what the conformance run above checks."""
    try:
        import rjsmin  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("rjsmin, a dependency in pyproject.toml, is not installed")
        pytest.skip("rjsmin is not installed here: the build ships lean_js")
    for s in [*SCRIPTS, "selfcheck.js", "selfcheck-files.js"]:
        src = (STATIC / s).read_text(encoding="utf-8")
        assert len(ship_js(src)) < 0.95 * len(lean_js(src)), s

"""Answering in the browser: the in-page checker on the built student book, in headless Chromium.

What a learner with only a browser must be able to do: answer every auto-checkable item of every
set, get the score `course check` gives on the downloaded answer files, reload and find everything
kept (also from file://), load answer files written in the terminal, and never have their text run
as HTML. Plus the API other scripts use (window.courseSelfCheck), the practice items in lessons,
and axe-core on the exercise pages before and after answering, light and dark, phone and desktop.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_helpers import chromium, serve
from conftest import IN_CI, ROOT, built

from course.exercises import grade_set, load_all_sets
from course.exercises.answers import load_answers
from course.exercises.grading import reference_answers
from course.exercises.selfcheck import _cases_for, _json_safe, item_data, salt_for
from course.exercises.templates import render_template

pytestmark = pytest.mark.browser
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def site():
    html = built("html", "student").output.parent
    with serve(html) as base:
        yield html, base


@pytest.fixture(scope="module")
def sets():
    return {s.id: s for s in load_all_sets(ROOT)}


def _page(browser, url: str, width: int = 1280, scheme: str = "light", context=None):
    ctx = context or browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, service_workers="block"
    )
    pg = ctx.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(url)
    pg.wait_for_function("window.courseSelfCheck !== undefined")
    return ctx, pg


def _set_page(s) -> str:
    return f"modules/{s.module}/exercises.html"


def _practised() -> dict[str, str]:
    from course.sphinxext.selfcheck_html import scan_practice

    return scan_practice(ROOT)


def _check_all(pg, set_id: str) -> None:
    pg.evaluate(
        """async (sid) => {
        const holders = document.querySelectorAll('.selfcheck[data-set="' + sid + '"]');
        for (const h of holders) { if (h.querySelector('button[type=submit]')) await courseSelfCheck._check(sid, h.dataset.item); }
    }""",
        set_id,
    )


# ------------------------------------------------------------------------------------------------


def test_every_item_has_its_checker_and_each_lesson_a_practice_item(browser, site, sets):
    html, base = site
    practised = _practised()
    ctx = browser.new_context()
    try:
        for s in sets.values():
            _, pg = _page(browser, base + _set_page(s), context=ctx)
            holders = pg.evaluate(
                "Array.from(document.querySelectorAll('.selfcheck')).map(h => [h.dataset.item, "
                "!!h.querySelector('form'), !!h.querySelector('button[type=submit]')])"
            )
            want = [it.id for it in s.items if it.id not in practised]
            assert [h[0] for h in holders] == want, s.id
            assert all(h[1] for h in holders)
            assert all(
                h[2] for h, it in zip(holders, [i for i in s.items if i.id not in practised]) if it.type != "open"
            )
            links = pg.evaluate("document.querySelectorAll('.practice-link a').length")
            assert links == sum(1 for it in s.items if it.id in practised)
            assert not pg.errors
            pg.close()
        lessons = sorted(ROOT.glob("modules/*/0*.md"))
        assert len(lessons) >= 27
        for md in lessons:
            rel = md.relative_to(ROOT).with_suffix(".html").as_posix()
            _, pg = _page(browser, base + rel, context=ctx)
            assert pg.evaluate("document.querySelectorAll('.practice .selfcheck form').length") >= 1, rel
            pg.close()
    finally:
        ctx.close()


def _mixed_answers(s) -> dict:
    """Right answers, wrong or partial ones, malformed ones and blanks, item by item."""
    import random

    rng = random.Random(7)
    out = {}
    for i, it in enumerate(s.items):
        if it.type == "open":
            out[it.id] = "My own answer, in my words: al-waie-472:12."
            continue
        if i % 4 == 3:
            continue
        if i % 4 == 0:
            out[it.id] = _json_safe(reference_answers(it))
        else:
            cases = [c for c, _ in _cases_for(it, rng) if c is not None]
            out[it.id] = _json_safe(cases[rng.randrange(len(cases))])
    return out


def test_score_reload_and_download_match_course_check(browser, site, sets, tmp_path):
    html, base = site
    ctx = browser.new_context()
    try:
        for s in sets.values():
            _, pg = _page(browser, base + _set_page(s), context=ctx)
            empty = pg.evaluate("(sid) => courseSelfCheck._answerFile(sid)", s.id)
            assert empty == render_template(s), "the empty download differs from the course start template"
            answers = _mixed_answers(s)
            problems = pg.evaluate(
                "([sid, a]) => courseSelfCheck.importAnswers({[sid]: a}, {source: 'test'})", [s.id, answers]
            )
            assert problems == []
            for p in sorted(_practised().items()):
                if any(it.id == p[0] for it in s.items) and p[0] in answers:
                    _, lp = _page(browser, base + p[1] + ".html", context=ctx)
                    lp.evaluate("([sid, id]) => courseSelfCheck._check(sid, id)", [s.id, p[0]])
                    lp.close()
            _check_all(pg, s.id)
            page_score = pg.evaluate("(sid) => courseSelfCheck.score(sid)", s.id)
            # the Python grader on the same answers
            res = grade_set(s, answers)
            auto = [r for r in res.results if r.type != "open"]
            assert page_score["points"] == pytest.approx(sum(r.points for r in auto if r.status != "not-attempted"))
            assert page_score["right"] == sum(1 for r in auto if r.status == "passed")
            assert page_score["total"] == len(auto)
            # reload: everything kept
            pg.reload()
            pg.wait_for_function("window.courseSelfCheck !== undefined")
            assert pg.evaluate("(sid) => courseSelfCheck.score(sid)", s.id) == page_score
            exported = pg.evaluate("() => courseSelfCheck.exportAnswers()")[s.id]
            assert set(exported) == {k for k, v in answers.items() if v not in (None, "", [], {})}
            # download -> the terminal's loader and grader give the same score
            text = pg.evaluate("(sid) => courseSelfCheck._answerFile(sid)", s.id)
            f = tmp_path / "answers" / f"{s.id}.yaml"
            f.parent.mkdir(exist_ok=True)
            f.write_text(text, encoding="utf-8")
            af = load_answers(f, s)
            res2 = grade_set(s, af.answers)
            got = {r.item_id: (r.status, r.points) for r in res2.results if r.type != "open"}
            want = {r.item_id: (r.status, r.points) for r in auto}
            assert got == want, f"{s.id}: the downloaded file grades differently"
            assert not pg.errors, pg.errors
            pg.close()
    finally:
        ctx.close()


def _fill(pg, box, it, answer) -> None:
    """Answer ``it`` through its controls, as a learner would (clicks, keys, selects)."""
    t = it.type
    if t in ("single", "multiple"):
        keys = answer if isinstance(answer, list) else [answer]
        for k in keys:
            box.locator(f"input[value='{k}']").check()
    elif t == "ordering":
        for pos, key in enumerate(answer):
            for _ in range(10):
                texts = box.locator(".sc-order li .sc-order-text").all_text_contents()
                cur = next(i for i, x in enumerate(texts) if x.startswith(f"{key}."))
                if cur == pos:
                    break
                btn = box.locator(".sc-order li").nth(cur).locator("button").first
                btn.focus()
                pg.keyboard.press("Enter")
    elif t in ("matching", "annotate"):
        sels = box.locator(".sc-map select")
        for i in range(sels.count()):
            s = sels.nth(i)
            s.select_option(
                str(answer[s.get_attribute("data-key") if t == "matching" else int(s.get_attribute("data-key"))])
            )
    elif t in ("numeric", "short"):
        box.locator("input[type=text]").fill(str(answer))
    elif t == "locate":
        for n in answer:
            box.locator(f"input[value='{n}']").check()
    elif t == "verdict":
        box.locator("select").select_option(answer["verdict"])
        box.locator("textarea").fill(answer["evidence"])


def test_every_item_type_answered_with_the_keyboard_and_mouse_is_right(browser, site, sets):
    html, base = site
    practised = _practised()
    done = set()
    ctx = browser.new_context()
    try:
        for s in sets.values():
            _, pg = _page(browser, base + _set_page(s), context=ctx)
            for it in s.items:
                if it.type in done or it.type == "open" or it.id in practised:
                    continue
                box = pg.locator(f".selfcheck[data-item='{it.id}']")
                _fill(pg, box, it, reference_answers(it))
                box.locator("button[type=submit]").focus()
                pg.keyboard.press("Enter")
                fb = box.locator(".sc-feedback")
                fb.locator(".sc-why").wait_for(timeout=5000)
                assert fb.locator(".sc-status").inner_text().startswith("Right"), (it.id, fb.inner_text())
                assert pg.evaluate("document.activeElement.classList.contains('sc-feedback')"), (
                    "focus did not move to the feedback"
                )
                assert fb.get_attribute("aria-live") == "polite"
                done.add(it.type)
            assert not pg.errors
            pg.close()
    finally:
        ctx.close()
    assert done == {"single", "multiple", "ordering", "matching", "numeric", "short", "locate", "annotate", "verdict"}


def test_hint_and_wrong_answer_feedback(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    it = next(i for i in s.items if i.type == "single" and i.feedback and i.id not in _practised())
    wrong = next(k for k in it.choices if k != it.answer and k in it.feedback)
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        box = pg.locator(f".selfcheck[data-item='{it.id}']")
        box.locator(f"input[value='{wrong}']").check()
        box.locator("button[type=submit]").click()
        box.locator(".sc-status").wait_for()  # the first Check loads the grader first
        text = box.locator(".sc-feedback").inner_text()
        assert "Not right" in text and "is not the best answer" in text
        assert box.locator(".sc-why").count() == 0, "the explanation showed for a wrong answer"
        box.get_by_role("button", name="Hint").click()
        box.locator(".sc-hint").wait_for()
        assert box.locator(".sc-hints").inner_text().startswith(f"Hint 1 of {len(it.hints)}: ")
        assert "is not the best answer" in box.locator(".sc-feedback").inner_text(), "the hint hid the feedback"
        box.get_by_role("button", name="Hint").click()
        n = min(2, len(it.hints))
        pg.wait_for_function(
            f"document.querySelector(\".selfcheck[data-item='{it.id}'] .sc-hint\").textContent.startsWith('Hint {n} ')"
        )
    finally:
        ctx.close()


def test_learner_text_is_never_html_and_bad_input_breaks_nothing(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    short = next(i for i in s.items if i.type == "short" and i.id not in _practised())
    verdict = next(i for i in s.items if i.type == "verdict" and i.id not in _practised())
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        before = pg.evaluate("document.querySelectorAll('img, iframe, script:not([src*=_static])').length")
        box = pg.locator(f".selfcheck[data-item='{short.id}']")
        evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'
        box.locator("input").fill(evil)
        box.locator("button[type=submit]").click()
        box.locator(".sc-status").wait_for()  # the first Check loads the grader first
        fb = box.locator(".sc-feedback")
        assert "cannot be read" in fb.inner_text() or "not" in fb.inner_text()
        box.locator("input").fill("\u202eﺍﻟﺒﻨﺎ \u0000 \ud83d\ude00 ʿ")
        box.locator("button[type=submit]").click()
        vbox = pg.locator(f".selfcheck[data-item='{verdict.id}']")
        vbox.locator("select").select_option("accurate")
        vbox.locator("textarea").fill(("<b>x</b> " * 200000)[:1_000_000])
        vbox.locator("button[type=submit]").click()
        pg.wait_for_timeout(400)
        assert "only the first" in vbox.locator(".sc-message").inner_text()
        assert pg.evaluate("window.__pwned") is None
        assert pg.evaluate("document.querySelectorAll('img, iframe, script:not([src*=_static])').length") == before
        assert not pg.errors, pg.errors
        pg.reload()
        pg.wait_for_function("window.courseSelfCheck !== undefined")
        assert not pg.errors
    finally:
        ctx.close()


def test_load_answers_from_the_terminal_and_a_bad_file_loses_nothing(browser, site, sets):
    html, base = site
    s = sets["m0-orientation"]
    terminal = ROOT / "tests" / "data" / "class" / "submissions" / "amira-k" / "answers" / "m0-orientation.yaml"
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        # something typed first
        first = next(i for i in s.items if i.type == "single" and i.id not in _practised())
        pg.locator(f".selfcheck[data-item='{first.id}'] input[value='{first.answer}']").check()
        pg.wait_for_timeout(400)
        kept = pg.evaluate("() => courseSelfCheck.exportAnswers()")
        # a file with a YAML error in one answer (issue 13): the rest loads, the broken item keeps what was typed
        short = next(i for i in s.items if i.type == "short" and i.id not in _practised())
        bad = f"# my answers\n{first.id}: [b\n\n{short.id}: ayn\n"
        r = pg.evaluate("(t) => courseSelfCheck._loadText(t, 'm0-orientation.yaml')", bad)
        assert r["set"] == s.id and r["loaded"] == 1 and r["unread"] == [first.id], r
        assert r["problems"][0].startswith(
            f"m0-orientation.yaml, line 2: the answer to '{first.id}' could not be read"
        ), r["problems"]
        now = pg.evaluate("() => courseSelfCheck.exportAnswers()")
        assert now[s.id][first.id] == kept[s.id][first.id] and now[s.id][short.id] == "ayn"
        assert pg.locator(f".selfcheck[data-item='{first.id}'] input[value='{first.answer}']").is_checked()
        kept = now
        # a file that cannot be split into answers changes nothing
        r = pg.evaluate("(t) => courseSelfCheck._loadText(t, 'm0-orientation.yaml')", "- [a, b\n- c\n")
        assert r["problems"] and re.search(r"line \d+", r["problems"][0]) and "Nothing was changed" in r["problems"][0]
        assert pg.evaluate("() => courseSelfCheck.exportAnswers()") == kept
        r = pg.evaluate("(t) => courseSelfCheck._loadText(t, 'x.yaml')", "\u0000\u0001binary")
        assert r["problems"] and pg.evaluate("() => courseSelfCheck.exportAnswers()") == kept
        # a file written in the terminal
        r = pg.evaluate(
            "(t) => courseSelfCheck._loadText(t, 'm0-orientation.yaml')", terminal.read_text(encoding="utf-8")
        )
        assert r["set"] == "m0-orientation" and r["problems"] == [], r
        _check_all(pg, s.id)
        score = pg.evaluate("(sid) => courseSelfCheck.score(sid)", s.id)
        af = load_answers(terminal, s)
        auto = [x for x in grade_set(s, af.answers).results if x.type != "open"]
        practised = set(_practised())
        # items placed in lessons are checked there; count them from the Python side here
        want = sum(x.points for x in auto if x.status != "not-attempted" and x.item_id not in practised)
        got_practised = [x for x in auto if x.item_id in practised and x.status != "not-attempted"]
        assert score["points"] == pytest.approx(want + sum(0 for _ in got_practised))
    finally:
        ctx.close()


def test_file_url_works_offline_and_keeps_progress(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    it = next(i for i in s.items if i.type == "numeric" and i.id not in _practised())
    url = (html / _set_page(s)).as_uri()
    ctx = browser.new_context(service_workers="block")
    requests: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))
    try:
        _, pg = _page(browser, url, context=ctx)
        box = pg.locator(f".selfcheck[data-item='{it.id}']")
        box.locator("input").fill(str(reference_answers(it)))
        assert _grader_scripts(pg) == {"elements": 0, "loaded": False}, "the grader came before the first Check"
        box.locator("button[type=submit]").click()
        box.locator(".sc-why").wait_for()
        assert _grader_scripts(pg) == {"elements": 2, "loaded": True}, "the first Check did not load the grader"
        pg.reload()
        pg.wait_for_function("window.courseSelfCheck !== undefined")
        assert box.locator("input").input_value() == str(reference_answers(it))
        assert box.locator(".sc-status").inner_text().startswith("Right")
        assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), [
            u for u in requests if not u.startswith("file:")
        ]
    finally:
        ctx.close()


def test_the_api_contract(browser, site, sets):
    html, base = site
    s = sets["m2-movements"]
    it = next(i for i in s.items if i.type == "multiple" and i.id not in _practised())
    ctx = browser.new_context()
    try:
        pg = ctx.new_page()
        pg.add_init_script("document.addEventListener('courseselfcheck:ready', () => { window.__ready = true; });")
        pg.goto(base + _set_page(s))
        pg.wait_for_function("window.__ready === true")
        api = pg.evaluate("""() => { const c = courseSelfCheck; return {version: c.version, courseId: c.courseId,
            sets: c.sets(), fns: ['onResult','exportAnswers','importAnswers','score','setStorage'].map(f => typeof c[f])}; }""")
        assert api["version"] and api["courseId"] == "reading-the-caliphate"
        assert api["sets"] == ["m2-movements"] and set(api["fns"]) == {"function"}
        pg.evaluate("""() => { window.__mem = {}; window.__results = [];
            courseSelfCheck.setStorage({get: k => window.__mem[k] ?? null, set: (k, v) => { window.__mem[k] = v; }, remove: k => { delete window.__mem[k]; }});
            courseSelfCheck.onResult(r => window.__results.push(r)); }""")
        wrong = [k for k in it.choices if k not in it.answer][:1] + list(it.answer)[:1]
        pg.evaluate("([sid, id, a]) => courseSelfCheck.importAnswers({[sid]: {[id]: a}})", [s.id, it.id, wrong])
        pg.evaluate("([sid, id]) => courseSelfCheck._check(sid, id)", [s.id, it.id])
        r = pg.evaluate("window.__results")[0]
        py = grade_set(s, {it.id: wrong}).results[[i.id for i in s.items].index(it.id)]
        assert r == {
            "setId": s.id,
            "itemId": it.id,
            "type": "multiple",
            "status": {"passed": "right", "partial": "partial", "failed": "wrong"}[py.status],
            "points": py.points,
            "maxPoints": py.max_points,
            "response": ",".join(wrong),
        }
        assert pg.evaluate("Object.keys(window.__mem).length") == 1, "the storage adapter was not used"
        assert pg.evaluate("() => courseSelfCheck.exportAnswers()") == {s.id: {it.id: wrong}}
        problems = pg.evaluate("() => courseSelfCheck.importAnswers({'no-such-set': {}, 'm2-movements': {'nope': 1}})")
        assert len(problems) == 2
        assert pg.evaluate("() => courseSelfCheck.importAnswers(null)")
        sc = pg.evaluate("(sid) => courseSelfCheck.score(sid)", s.id)
        assert set(sc) == {"points", "maxPoints", "attempted", "right", "total"} and sc["attempted"] == 1
    finally:
        ctx.close()


def test_keys_are_not_in_the_page_data_in_plain_text(sets):
    """The item data holds no reference answer, explanation, hint or model evidence as text."""
    # ("id" is printed on the page anyway; an id such as m1-nass-term names its answer, which is
    # the item author's choice, not the checker's)
    opaque = {"id", "tags", "ct", "fb", "explanation", "hints", "num", "near"}
    for s in sets.values():
        salt = salt_for(s.id, "test")
        for it in s.items:
            d = item_data(it, salt)
            public = json.dumps({k: v for k, v in d.items() if k not in opaque}, ensure_ascii=False).casefold()
            blob = json.dumps(d, ensure_ascii=False).casefold()
            for secret in [
                it.explanation,
                *it.hints,
                getattr(it, "model_evidence", None) or "",
                getattr(it, "model_answer", None) or "",
            ]:
                words = re.sub(r"\W+", " ", secret).strip().casefold()
                assert not words or words[:40] not in re.sub(r"\W+", " ", blob), (it.id, secret[:40])
            if it.type == "short":
                for v in it.answer:
                    assert v.casefold() not in public, (it.id, v)
            if it.type == "numeric":
                assert f"{it.answer:g}" not in public, it.id
            if it.type in ("matching",):
                assert "answer" not in d


def test_axe_on_exercise_pages_before_and_after_answering(browser, site, sets):
    from browser_helpers import axe_path

    axe = axe_path()
    if axe is None:
        msg = "axe-core is not installed (set COURSE_AXE_JS)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    html, base = site
    found = []
    for scheme in ("light", "dark"):
        for width in (390, 1280):
            ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            ctx.add_init_script(path=str(axe))
            try:
                for s in sets.values():
                    pg = ctx.new_page()
                    pg.goto(base + _set_page(s))
                    pg.wait_for_function("window.courseSelfCheck !== undefined")
                    for state in ("before", "wrong", "right"):
                        if state != "before":
                            ans = {
                                it.id: (_json_safe(reference_answers(it)) if state == "right" else "zzz")
                                for it in s.items
                                if it.type != "open"
                            }
                            pg.evaluate("([sid, a]) => courseSelfCheck.importAnswers({[sid]: a})", [s.id, ans])
                            _check_all(pg, s.id)
                            pg.wait_for_timeout(300)
                        res = pg.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
                            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))""")
                        found += [f"{s.id} {scheme} {width}px {state}: {v}" for v in res]
                    pg.close()
            finally:
                ctx.close()
    assert not found, "axe-core:\n  " + "\n  ".join(found[:30])


def _mini_book(tmp_path: Path, self_check: bool | None) -> Path:
    """A one-page book with the demo set (one item of every type), built with the course extension."""
    import os
    import subprocess
    import sys

    root = tmp_path / ("on" if self_check is None else "off")
    (root / "exercises").mkdir(parents=True)
    for d in ("readings", "data"):
        (root / d).symlink_to(ROOT / d)
    (root / "pyproject.toml").write_text("")
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "course.sphinxext"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
        'include_patterns = ["index.md", "readings/**"]\nproject = "Mini"\n'
    )
    demo = (ROOT / "tests" / "data" / "exercises" / "demo.yaml").read_text(encoding="utf-8")
    if self_check is not None:
        demo = demo.replace("\nitems:\n", f"\nself_check: {str(self_check).lower()}\nitems:\n", 1)
    (root / "exercises" / "demo.yaml").write_text(demo, encoding="utf-8")
    (root / "index.md").write_text("# Mini\n\n```{exercise-set} demo\n```\n", encoding="utf-8")
    env = {**os.environ, "COURSE_ROOT": str(root)}
    res = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(root), str(root / "_b")],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return root / "_b"


def test_self_check_false_in_the_set_file_turns_the_checker_off(tmp_path):
    on = _mini_book(tmp_path, None)
    page = (on / "index.html").read_text(encoding="utf-8")
    assert page.count('class="selfcheck"') == 10 and (on / "_static" / "selfcheck" / "demo.js").exists()
    off = _mini_book(tmp_path, False)
    page = (off / "index.html").read_text(encoding="utf-8")
    assert 'class="selfcheck' not in page, "self_check: false still placed the checker"
    assert "Exercise" in page and "demo-abolition-body" in page, "the items must still be shown"
    assert not (off / "_static" / "selfcheck" / "demo.js").exists()
    assert '"sets":[]' in (off / "_static" / "selfcheck-index.js").read_text(encoding="utf-8")


def test_marks_show_which_parts_are_right(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    it = next(i for i in s.items if i.type == "matching" and i.id not in _practised())
    answer = dict(it.answer)
    first = next(iter(answer))
    answer[first] = next(r for r in it.right if r != answer[first])
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        box = pg.locator(f".selfcheck[data-item='{it.id}']")
        _fill(pg, box, it, answer)
        box.locator("button[type=submit]").click()
        box.locator(".sc-mark").first.wait_for()
        assert box.locator(".sc-mark-no").count() == 1 and box.locator(".sc-mark-ok").count() == len(answer) - 1
        assert "not right" in box.locator(".sc-row").first.inner_text()
        assert box.locator(".sc-status").inner_text().startswith("Partly right")
    finally:
        ctx.close()


def test_leak_scan_covers_the_self_check_data(site):
    """course.verify's scan reads the checker's data files, and would find a key written in plain."""
    from course.verify import instructor_only_strings, output_texts, scan_outputs

    html, _ = site
    files = {Path(f).name for f, _ in output_texts(html / "_static" / "selfcheck")}
    assert {"m1-history.js", "m1-history.later.js", "m1-history.tpl.js"} <= files
    markers = instructor_only_strings(ROOT)
    assert not scan_outputs([html / "_static"], markers), "instructor-only text in the self-check data"
    s = next(x for x in load_all_sets(ROOT) if x.id == "m1-history")
    leak = (html / "_static" / "selfcheck" / "m1-history.later.js").read_text(encoding="utf-8")
    fake = Path(html.parent / "leaktest")
    fake.mkdir(exist_ok=True)
    (fake / "x.js").write_text(leak + f"\n// {s.items[0].explanation}\n", encoding="utf-8")
    assert scan_outputs([fake], markers), "the scan does not see a plain explanation in a data file"


def test_a_lesson_loads_only_the_data_of_its_own_items(browser, site, sets):
    """Issue #13 (weight): a lesson loads the data of the items it places (<set>--<lesson>.js), not
    its whole set's, and a set's page not that of the items placed in lessons; on a lesson the item
    still checks, its explanation still unlocks, and the progress panel and the answer file still
    cover the whole set."""
    html, base = site
    by_page: dict[str, set[str]] = {}
    for item_id, doc in _practised().items():
        by_page.setdefault(doc, set()).add(item_id)
    for s in sets.values():
        page = (html / _set_page(s)).read_text(encoding="utf-8")
        assert re.findall(r'_static/selfcheck/([^"?]+)\.js', page) == [s.id], s.id
    doc, ids = next(
        (d, i)
        for d, i in sorted(by_page.items())
        if any(it.id in i and it.type == "numeric" for x in sets.values() for it in x.items)
    )
    s = next(x for x in sets.values() if ids & {i.id for i in x.items})
    it = next(i for i in s.items if i.id in ids and i.type == "numeric")
    page = (html / f"{doc}.html").read_text(encoding="utf-8")
    parts = re.findall(r'_static/selfcheck/([^"?]+)\.js', page)
    assert parts and all(p.startswith(f"{s.id}--") for p in parts), parts
    ctx, pg = _page(browser, base + doc + ".html")
    try:
        assert sorted(pg.evaluate("(sid) => courseSelfCheck._data[sid].items.map(i => i.id)", s.id)) == sorted(ids)
        pg.evaluate(
            "([sid, id, a]) => courseSelfCheck.importAnswers({[sid]: {[id]: a}})",
            [s.id, it.id, _json_safe(reference_answers(it))],
        )
        r = pg.evaluate("([sid, id]) => courseSelfCheck._check(sid, id)", [s.id, it.id])
        assert r["status"] == "passed"
        pg.locator(f".selfcheck[data-item='{it.id}'] .sc-why").wait_for(timeout=5000)
        fetched = _fetched(pg)
        assert f"{parts[0]}.later.js" in fetched and not fetched & {f"{s.id}.js", f"{s.id}.later.js"}, fetched
        pg.get_by_role("button", name="My progress").click()
        row = pg.locator(".sc-panel tbody tr").filter(has=pg.locator(f"a[href$='{_set_page(s)}']"))
        row.wait_for(timeout=5000)
        total = sum(1 for i in s.items if i.type != "open")
        assert f"1 of {total}" in row.inner_text()
        text = pg.evaluate("(sid) => courseSelfCheck._answerFile(sid)", s.id)
        f = html.parent / "lesson-answers" / f"{s.id}.yaml"
        f.parent.mkdir(exist_ok=True)
        f.write_text(text, encoding="utf-8")

        def blank(v) -> bool:
            return v in (None, "", [], {}) or (isinstance(v, dict) and all(map(blank, v.values())))

        got = {k: v for k, v in load_answers(f, s).answers.items() if not blank(v)}
        assert got == {it.id: _json_safe(reference_answers(it))}
        assert not pg.errors, pg.errors
    finally:
        ctx.close()


def test_reset_asks_first(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    it = next(i for i in s.items if i.type == "numeric" and i.id not in _practised())
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        box = pg.locator(f".selfcheck[data-item='{it.id}']")
        box.locator("input").fill("1000")
        pg.wait_for_timeout(400)
        reset = pg.locator(".selfcheck-tools").get_by_role("button", name="Reset…")
        pg.once("dialog", lambda d: d.dismiss())
        reset.click()
        assert pg.evaluate("() => courseSelfCheck.exportAnswers()") == {s.id: {it.id: 1000}}
        pg.once("dialog", lambda d: d.accept())
        reset.click()
        # the first click blurred the field, so a save of "1000" was still pending: it must not
        # bring the deleted answer back once it runs
        pg.wait_for_timeout(600)
        assert pg.evaluate("() => courseSelfCheck.exportAnswers()") == {}
        assert pg.locator(f".selfcheck[data-item='{it.id}'] input").input_value() == ""
    finally:
        ctx.close()


# ------------------------------------------------------------------------------------------------
# The grader is loaded on first use (issue #13: weight per page), not with the page

GRADER = ("selfcheck-normalize.js", "selfcheck-grade.js")


def _grader_scripts(pg) -> dict:
    """How many <script> elements load the grader, and whether it has run."""
    return pg.evaluate("""() => ({elements: document.querySelectorAll(
        'script[src*="selfcheck-grade.js"], script[src*="selfcheck-normalize.js"]').length,
        loaded: !!(window.CourseGrade && window.CourseNormalize)})""")


def _fetched(pg) -> set[str]:
    """The file names the page has downloaded so far (Resource Timing)."""
    return set(pg.evaluate("performance.getEntriesByType('resource').map(e => e.name.split('?')[0].split('/').pop())"))


def test_the_grader_is_loaded_on_first_check_not_with_the_page(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    practised = _practised()
    it = next(i for i in s.items if i.type == "short" and i.id not in practised)
    for page in (base + _set_page(s), base + practised[next(iter(practised))] + ".html"):
        ctx, pg = _page(browser, page)
        try:
            assert pg.locator(".selfcheck form").count() >= 1, "the controls were not built without the grader"
            assert _grader_scripts(pg) == {"elements": 0, "loaded": False}, page
            assert not set(GRADER) & _fetched(pg), page
            assert "selfcheck-index.js" in _fetched(pg), "the resource list is not what it seems"
            html_text = pg.content()
            assert not any(g in html_text for g in GRADER), "a grader script is in the page's markup"
        finally:
            ctx.close()
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        box = pg.locator(f".selfcheck[data-item='{it.id}']")
        # typing (and the answer being kept) needs no grader
        box.locator("input").fill(it.answer[0])
        pg.wait_for_timeout(400)
        assert pg.evaluate("() => courseSelfCheck.exportAnswers()") == {s.id: {it.id: it.answer[0]}}
        assert _grader_scripts(pg)["elements"] == 0 and not set(GRADER) & _fetched(pg)
        box.locator("button[type=submit]").click()
        box.locator(".sc-status").wait_for()
        assert box.locator(".sc-status").inner_text().startswith("Right")
        assert _grader_scripts(pg) == {"elements": 2, "loaded": True}
        assert set(GRADER) <= _fetched(pg)
        # versioned like the scripts in <head>, so a cached grader of an older build is not used
        srcs = pg.evaluate("Array.from(document.querySelectorAll('script[src*=\"selfcheck-grade.js\"]'), s => s.src)")
        assert len(srcs) == 1 and re.search(r"selfcheck-grade\.js\?v=[0-9a-f]{10}$", srcs[0]), srcs
        # a reload with a checked answer kept: its feedback is shown again, so the grader comes along
        pg.reload()
        pg.wait_for_function("window.courseSelfCheck !== undefined")
        assert box.locator(".sc-status").inner_text().startswith("Right")
        assert not pg.errors, pg.errors
    finally:
        ctx.close()
    # Hint on a fresh page loads it too
    other = next(i for i in s.items if i.type == "single" and i.id not in practised and i.hints)
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        ob = pg.locator(f".selfcheck[data-item='{other.id}']")
        assert _grader_scripts(pg) == {"elements": 0, "loaded": False}
        ob.get_by_role("button", name="Hint").click()
        ob.locator(".sc-hint").wait_for()
        assert ob.locator(".sc-hints").inner_text().startswith(f"Hint 1 of {len(other.hints)}: ")
        assert _grader_scripts(pg) == {"elements": 2, "loaded": True}
        assert not pg.errors, pg.errors
    finally:
        ctx.close()


def test_two_quick_checks_while_the_grader_loads_give_one_result_and_keep_the_text(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    it = next(i for i in s.items if i.type == "short" and i.id not in _practised())
    ctx, pg = _page(browser, base + _set_page(s))
    try:
        pg.evaluate("() => { window.__results = []; courseSelfCheck.onResult(r => window.__results.push(r)); }")
        box = pg.locator(f".selfcheck[data-item='{it.id}']")
        box.locator("input").fill("  my answer, not theirs  ")
        # two clicks in one task: the second comes while the first is still loading the grader
        state = pg.evaluate(
            """(id) => { const b = document.querySelector('.selfcheck[data-item="' + id + '"] button[type=submit]');
            b.click(); const during = {loaded: !!window.CourseGrade, text: b.form.querySelector('.sc-feedback').textContent};
            b.click(); return during; }""",
            it.id,
        )
        assert state == {"loaded": False, "text": "Loading the checker\u2026"}
        box.locator(".sc-status").wait_for()
        pg.wait_for_timeout(500)
        assert pg.evaluate("window.__results.length") == 1, pg.evaluate("window.__results")
        assert box.locator(".sc-status").count() == 1
        assert box.locator(".sc-status").inner_text().startswith("Not right")
        assert box.locator("input").input_value() == "  my answer, not theirs  "
        assert _grader_scripts(pg) == {"elements": 2, "loaded": True}, "the grader was loaded twice"
        # changed between two quick clicks: one result, for what the field holds last
        pg.evaluate(
            """(id) => { const b = document.querySelector('.selfcheck[data-item="' + id + '"] button[type=submit]');
            b.click(); const f = b.form.querySelector('input'); f.value = 'something else'; b.click(); }""",
            it.id,
        )
        pg.wait_for_function("window.__results.length >= 2")
        pg.wait_for_timeout(500)
        assert [r["response"] for r in pg.evaluate("window.__results")] == ["my answer, not theirs", "something else"]
        assert pg.evaluate("() => courseSelfCheck.exportAnswers()")[s.id][it.id] == "something else"
        assert not pg.errors, pg.errors
    finally:
        ctx.close()


def test_a_missing_grader_file_says_so_in_the_page_and_keeps_the_text(browser, site, sets):
    html, base = site
    s = sets["m1-history"]
    it = next(i for i in s.items if i.type == "verdict" and i.id not in _practised())
    ctx = browser.new_context(service_workers="block")
    ctx.route("**/selfcheck-grade.js*", lambda route: route.fulfill(status=404, body="not found"))
    try:
        _, pg = _page(browser, base + _set_page(s), context=ctx)
        box = pg.locator(f".selfcheck[data-item='{it.id}']")
        box.locator("select").select_option("misleading")
        box.locator("textarea").fill("My evidence, in my words (al-waie-472:12).")
        box.locator("button[type=submit]").click()
        err = box.locator(".sc-feedback .sc-error")
        err.wait_for()
        msg = err.inner_text()
        assert "_static/selfcheck-grade.js" in msg and "kept" in msg and "Reload" in msg, msg
        assert pg.evaluate("document.activeElement.classList.contains('sc-feedback')")
        assert box.locator("textarea").input_value() == "My evidence, in my words (al-waie-472:12)."
        assert box.locator("select").input_value() == "misleading"
        kept = pg.evaluate("() => courseSelfCheck.exportAnswers()")[s.id][it.id]
        assert kept == {"verdict": "misleading", "evidence": "My evidence, in my words (al-waie-472:12)."}
        # Hint says so too; the failed <script> is gone, so a later try can load it
        box.get_by_role("button", name="Hint").click()
        box.locator(".sc-hints .sc-error").wait_for()
        assert pg.evaluate("document.querySelectorAll('script[src*=\"selfcheck-grade.js\"]').length") == 0
        ctx.unroute("**/selfcheck-grade.js*")
        box.locator("button[type=submit]").click()
        box.locator(".sc-status").wait_for()
        assert box.locator(".sc-error").count() == 0
        assert box.locator("textarea").input_value() == "My evidence, in my words (al-waie-472:12)."
        assert not pg.errors, pg.errors
    finally:
        ctx.close()


def test_the_page_reads_blank_answers_as_the_grader_does():
    """selfcheck.js reads the controls without the grader: its whitespace class is the normaliser's."""
    static = ROOT / "course" / "static"
    ws = [
        re.search(r"^\s*var WS = '[^']*';", (static / f).read_text(encoding="utf-8"), re.MULTILINE)
        for f in ("selfcheck.js", "selfcheck-normalize.js")
    ]
    assert all(ws) and ws[0].group().strip() == ws[1].group().strip()

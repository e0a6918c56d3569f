"""The SCORM packages inside a real SCORM 1.2 runtime: scorm-again's Scorm12API (npm), the kind of
runtime LMSs embed, plays the LMS in headless Chromium. A test LMS page provides window.API and
opens the package's launch page in a frame; the unzipped package is served from 127.0.0.1 by the
test itself.

Covered: launch (LMSInitialize, status incomplete, no request leaves the package); answers →
score and status in the runtime's CMI, interactions; close (LMSFinish) and relaunch with the saved
CMI → answers restored from suspend_data; the 4,096-character limit with the largest plausible
answers; wrong, partial and right answers → the same raw score as `course grade` on the same
answers written as answers/<set>.yaml; no LMS → nothing changes; the API found through the opener.

The self-check: when the built pages carry the real in-page checker (window.courseSelfCheck), the
tests use it and answer real items (importAnswers, then the item's Check button). Until then they
use the test double tests/data/scorm/fake-selfcheck.js, which grades nothing: each result it
reports comes from the Python grader (course.exercises.grading.grade_item).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_helpers import chromium, is_local, serve
from conftest import ROOT
from scorm_helpers import FAKE_SELFCHECK, OUT, package, real_checker, scorm_again_js, unpacked

from course.content.exercise_sets import load_all_sets
from course.exercises.grading import grade_item
from course.lms.scorm import reported_score

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETS = {s.id: s for s in load_all_sets(ROOT)}
LIMIT = 4096

LMS_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS (scorm-again)</title><link rel="icon" href="data:,">
<script src="scorm12.min.js"></script></head>
<body><iframe id="sco" title="SCORM content" style="width:1280px;height:860px;border:0"></iframe></body></html>
"""


# ------------------------------------------------------------------------------------------------
# Fixtures: browser, served folder (the test LMS page, scorm-again, the unzipped packages)


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def site():
    js = scorm_again_js()
    root = OUT / "runtime-site"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "lms.html").write_text(LMS_HTML, encoding="utf-8")
    shutil.copy(js, root / "scorm12.min.js")
    for name in ("m0-orientation", "m1-history", "m2-movements", "m3-analysis", "m4-capstone", "course"):
        shutil.copytree(unpacked(name), root / name)
    with serve(root) as base:
        yield base, root


@pytest.fixture(scope="module")
def uses_real_checker(site) -> bool:
    real = real_checker(site[1] / "m1-history")
    # the in-page checker is part of the course now: a package without it is a regression, not a
    # reason to fall back to the test double
    if (ROOT / "course" / "static" / "selfcheck.js").is_file():
        assert real, "the m1 SCORM package does not carry the in-page self-check (course/static/selfcheck.js)"
        # no page names the grader in its markup (selfcheck.js loads it on the first Check): the
        # package must still carry it, or Check would fail inside the LMS
        for name in ("selfcheck-normalize.js", "selfcheck-grade.js"):
            assert (site[1] / "m1-history" / "_static" / name).is_file(), f"the m1 SCORM package lacks _static/{name}"
    return real


def _fake_config() -> dict:
    pages = {f"/modules/{s.module}/exercises.html": [s.id] for s in SETS.values()}
    items = {
        s.id: {i.id: {"type": i.type, "points": i.points, "auto": i.auto_graded} for i in s.items}
        for s in SETS.values()
    }
    return {"pages": pages, "items": items}


class Lms:
    """One learner's browser (context) with the test LMS page and the package in its frame."""

    def __init__(self, browser, base: str, real: bool, ctx=None, site_dir: Path | None = None):
        self.base = base
        self.site_dir = site_dir
        self.real = real
        self.own_ctx = ctx is None
        self.ctx = ctx or browser.new_context(viewport={"width": 1300, "height": 900}, service_workers="block")
        if not real and self.own_ctx:
            self.ctx.add_init_script(script="window.__FAKE_SELFCHECK_CONFIG = " + json.dumps(_fake_config()) + ";")
            self.ctx.add_init_script(path=str(FAKE_SELFCHECK))
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(120_000)  # the machines that run this are often busy
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

    def open(self, pkg: str, cmi: dict | None = None, student: str = "s-001"):
        self.pkg = pkg
        self.page.goto(self.base + "lms.html", wait_until="load")
        self.page.evaluate(
            """([cmi, student, src]) => {
            window.API = new Scorm12API({autocommit: false, logLevel: 4});
            const start = cmi || {core: {student_id: student, student_name: 'Learner, Test'}};
            API.loadFromJSON(start, '');
            document.getElementById('sco').src = src;
        }""",
            [cmi, student, f"{pkg}/scorm-launch.html"],
        )
        self.launcher.wait_for_function("document.readyState === 'complete'")
        return self

    @property
    def launcher(self):
        return self._frame(r"/scorm-launch\.html")

    @property
    def content(self):
        return self._frame(rf"/{re.escape(self.pkg)}/(?!scorm-launch).*\.html")

    def _frame(self, pattern: str):
        for _ in range(200):
            for f in self.page.frames:
                if re.search(pattern, f.url):
                    return f
            self.page.wait_for_timeout(50)
        raise AssertionError(f"no frame matches {pattern}: {[f.url for f in self.page.frames]}")

    def go(self, path: str):
        """Show a page of the package in the launcher's frame, and wait until its checker is attached."""
        self.launcher.evaluate("p => { document.getElementById('scorm-frame').src = p; }", path)
        for _ in range(200):
            f = self.content
            if f.url.endswith(path):
                break
            self.page.wait_for_timeout(50)
        f = self.content
        f.wait_for_function(
            "() => document.readyState === 'complete' && window.courseSelfCheck && "
            "window.parent.courseScormSession && "
            "(window.parent.courseScormSession.pages || []).indexOf(window) >= 0"
        )
        return f

    def cmi(self, element: str) -> str:
        return self.page.evaluate("el => String(el.split('.').reduce((o, k) => o[k], API))", element)

    def answer(self, set_id: str, item_id: str, value) -> dict:
        """Answer one item as a learner would and press Check; returns the Python grader's result."""
        item = SETS[set_id].item(item_id)
        res = grade_item(item, value)
        result = {
            "status": res.status,
            "points": res.points,
            "max_points": res.max_points,
            "response": json.dumps(value, ensure_ascii=False)[:250],
        }
        before = self.session("s.checks || 0")
        if self.real:
            page = _page_of(self.site_dir / self.pkg, item_id)
            frame = self.content
            if not frame.url.endswith("/" + page):
                frame = self.go(page)
            if not _answer_real(frame, set_id, item_id, value):
                return result  # no Check for an open response: it is kept as typed
        else:
            self.content.evaluate(
                "([s, i, v, r]) => window.__fakeSelfCheck.check(s, i, v, r)", [set_id, item_id, value, result]
            )
        # a Check may finish after the click (the real checker hashes answers asynchronously)
        self.launcher.wait_for_function("n => (window.courseScormSession.checks || 0) > n", arg=before)
        return result

    def leave_page(self, set_id: str, item_ids):
        """Leave the current page (the bridge picks up answers typed without a Check) and wait until
        the session holds every one of ``item_ids``."""
        self.launcher.evaluate(
            "p => { document.getElementById('scorm-frame').src = p; }", f"modules/{SETS[set_id].module}/index.html"
        )
        self.launcher.wait_for_function(
            "([s, ids]) => ids.every(i => (window.courseScormSession.state.a[s] || {}).hasOwnProperty(i))",
            arg=[set_id, list(item_ids)],
        )

    def wait_commit(self):
        self.page.wait_for_timeout(1000)  # the bridge commits 0.8 s after the last Check

    def close_sco(self) -> dict:
        """The learner closes the activity: the frame goes, the bridge calls LMSFinish. Returns the
        CMI an LMS would keep for the next launch."""
        self.page.evaluate("document.getElementById('sco').remove()")
        self.page.wait_for_function("API.isTerminated()")
        return self.page.evaluate("""() => {
            const c = JSON.parse(API.renderCMIToJSONString()).cmi;
            return {core: {student_id: c.core.student_id, student_name: c.core.student_name,
                           lesson_location: c.core.lesson_location, lesson_status: c.core.lesson_status,
                           entry: c.core.exit === 'suspend' ? 'resume' : '',
                           score: {raw: c.core.score.raw, min: c.core.score.min, max: c.core.score.max}},
                    suspend_data: c.suspend_data};
        }""")

    def session(self, expr: str):
        return self.launcher.evaluate(f"() => {{ const s = window.courseScormSession; return {expr}; }}")

    def close(self):
        if self.own_ctx:
            self.ctx.close()
        else:
            self.page.close()

    def assert_clean(self):
        outside = [u for u in self.requests if not is_local(u)]
        assert outside == [], f"requests left the package: {outside[:5]}"
        assert self.failed == [], self.failed[:5]
        assert self.errors == [], self.errors[:5]
        assert self.session("s ? s.errors : ['no session']") == []


_PAGES: dict[tuple[Path, str], str] = {}


def _page_of(pkg_dir: Path, item_id: str) -> str:
    """The package page that holds an item's controls (its set's exercise page, or the lesson where
    the item is practised)."""
    key = (pkg_dir, item_id)
    if key not in _PAGES:
        for page in sorted(pkg_dir.rglob("*.html")):
            if re.search(rf'data-item="{re.escape(item_id)}"', page.read_text(encoding="utf-8")):
                _PAGES[key] = page.relative_to(pkg_dir).as_posix()
                break
        else:
            raise AssertionError(f"no page of {pkg_dir.name} holds item {item_id}")
    return _PAGES[key]


OPEN_ITEMS = sorted(i.id for s in SETS.values() for i in s.items if i.type == "open")


def _answer_real(frame, set_id: str, item_id: str, value) -> bool:
    """Answer a real item: put the answer into its controls through the checker's importAnswers,
    then press the item's Check button (the self-check's markup: .selfcheck[data-set][data-item]).
    If the real checker's markup changes, adapt this function."""
    found = frame.evaluate(
        """([s, i, v]) => {
        const cs = window.courseSelfCheck;
        const problems = cs.importAnswers({[s]: {[i]: v}}, {source: 'test'});
        const box = document.querySelector(`.selfcheck[data-set="${s}"][data-item="${i}"]`)
                    || document.querySelector(`[data-item="${i}"]`);
        if (!box) return 'no element for item ' + i;
        const btn = [...box.querySelectorAll('button')].find(b => /^\\s*check\\b/i.test(b.textContent));
        if (problems.length) return 'importAnswers: ' + problems.join('; ');
        if (!btn) return SETS_OPEN.includes(i) ? 'open' : 'no Check button for item ' + i;
        btn.click();
        return '';
    }""".replace("SETS_OPEN", json.dumps(OPEN_ITEMS)),
        [set_id, item_id, value],
    )
    if found == "open":
        return False
    assert not found, f"real checker: {found} (adapt _answer_real in tests/test_scorm_runtime.py)"
    return True


@contextmanager
def lms(browser, site, real, pkg, **kw):
    m = Lms(browser, site[0], real, kw.pop("ctx", None), site[1]).open(pkg, **kw)
    try:
        yield m
    finally:
        m.close()


# ------------------------------------------------------------------------------------------------
# Answers: right, wrong, partial, and the largest plausible


def _other(keys, not_these):
    return next((k for k in keys if k not in not_these), None)


def answer_for(item, mode: str):
    t = item.type
    if t == "single":
        return item.answer if mode == "right" else _other(item.choices, [item.answer])
    if t == "multiple":
        wrong = [k for k in item.choices if k not in item.answer]
        if mode == "right":
            return list(item.answer)
        if mode == "partial":
            return list(item.answer[:1]) if len(item.answer) > 1 else list(item.answer) + wrong[:1]
        return wrong[:1] or list(item.answer[:1])
    if t == "ordering":
        a = list(item.answer)
        if mode == "right":
            return a
        return [a[1], a[0], *a[2:]] if mode == "partial" else a[::-1]
    if t == "matching":
        a = dict(item.answer)
        if mode == "right":
            return a
        keys = list(a)
        rights = list(item.right)
        if mode == "partial":
            a[keys[0]] = _other(rights, [a[keys[0]]]) or a[keys[0]]
            return a
        return {k: (_other(rights, [v]) or v) for k, v in a.items()}
    if t == "numeric":
        return item.answer if mode == "right" else item.answer + 1000 + 10 * item.tolerance
    if t == "short":
        return item.answer[0] if mode == "right" else "not this at all"
    if t == "locate":
        req = list(item.required)
        if mode == "right":
            return req
        if mode == "partial":
            other = [p for p in range(1, 40) if p not in req and p not in item.optional]
            return req[:1] if len(req) > 1 else req + other[:1]
        return [p for p in range(1, 40) if p not in req and p not in item.optional][:1]
    if t == "annotate":
        labels = {str(k): v for k, v in item.labels.items()}
        if mode == "right":
            return labels
        alt = "none" if list(labels.values())[0] != "none" else "loaded-language"
        if mode == "partial":
            first = next(iter(labels))
            return {**labels, first: alt}
        return {k: ("none" if v != "none" else "loaded-language") for k, v in labels.items()}
    if t == "verdict":
        if mode == "wrong":
            return {"verdict": "accurate" if item.answer != "accurate" else "inaccurate", "evidence": "No."}
        words = max(item.evidence_min_words, 5) + 5 if mode == "right" else 2
        cites = " ".join(f"al-waie-472:{n}" for n in range(1, item.evidence_min_citations + 1))
        return {"verdict": item.answer, "evidence": " ".join(["source"] * words) + " " + cites}
    raise ValueError(t)


def scenario(set_id: str, mode: str) -> dict:
    """Answers to every auto-checked item of a set; "mixed" cycles right, partial, wrong."""
    out = {}
    for n, item in enumerate(i for i in SETS[set_id].items if i.auto_graded):
        m = ("right", "partial", "wrong")[n % 3] if mode == "mixed" else mode
        out[item.id] = answer_for(item, m)
    return out


def _prose(n_words: int, offset: int) -> str:
    """n words of real English prose (the course's own lessons, markup removed), from ``offset``."""
    text = " ".join(
        (ROOT / "modules" / m / f).read_text(encoding="utf-8")
        for m, f in (("m1-history", "03-theories.md"), ("m2-movements", "07-comparison.md"))
    )
    words = re.sub(r"[{}`*#\[\]()<>|_]+|:[a-z-]+:", " ", text).split()
    start = (offset * 97) % max(1, len(words) - n_words)
    return " ".join(words[start : start + n_words])


def largest_plausible(set_id: str) -> dict:
    """The longest answers a diligent learner could plausibly give to every item of a set: every
    choice picked, every paragraph ticked, evidence twice the required length (at least 40 words),
    essays at their maximum length, in real prose."""
    out = {}
    for item in SETS[set_id].items:
        t = item.type
        if t in ("multiple", "ordering"):
            out[item.id] = list(item.choices)
        elif t == "single":
            out[item.id] = max(item.choices, key=len)
        elif t == "matching":
            out[item.id] = {k: max(item.right, key=len) for k in item.left}
        elif t == "numeric":
            out[item.id] = -123456.789
        elif t == "short":
            out[item.id] = "a considered short answer of some eighty characters, names and dates given"
        elif t == "locate":
            out[item.id] = sorted(set(item.required) | set(item.optional) | set(range(10, 22)))
        elif t == "annotate":
            longest = max([*item.labels.values(), *(x for v in item.accept.values() for x in v)], key=len)
            out[item.id] = {str(k): longest for k in item.labels}
        elif t == "verdict":
            n = max(2 * item.evidence_min_words, 40)
            cites = " ".join(f"al-waie-472:{p}" for p in range(1, max(item.evidence_min_citations, 2) + 1))
            out[item.id] = {"verdict": "unverifiable", "evidence": _prose(n, len(out)) + " " + cites}
        elif t == "open":
            out[item.id] = _prose(item.max_words or 600, len(out))
    return out


def interactions(m) -> list[list[str]]:
    """(id, type, result, student_response) of every cmi.interactions.n the runtime holds (read as
    the LMS would store them; a SCO cannot read them back)."""
    return m.page.evaluate("""() => {
        const data = JSON.parse(API.renderCMIToJSONString()).cmi.interactions;
        const list = Array.isArray(data) ? data : (data.childArray || Object.values(data));
        return list.map(i => [i.id, i.type, i.result, i.student_response]);
    }""")


def course_grade(tmp_path: Path, set_id: str, answers: dict) -> float:
    """Points `course grade` gives for these answers, written as answers/<set>.yaml."""
    sub = tmp_path / "subs" / "learner-1" / "answers"
    sub.mkdir(parents=True, exist_ok=True)
    (sub / f"{set_id}.yaml").write_text(json.dumps(answers, ensure_ascii=False, indent=1), encoding="utf-8")
    out = tmp_path / "grades.csv"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "course",
            "grade",
            str(tmp_path / "subs"),
            "--csv",
            str(out),
            "--json",
            str(tmp_path / "grades.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr + r.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 1 and not rows[0]["problems"], rows
    learner = json.loads((tmp_path / "grades.json").read_text(encoding="utf-8"))["learners"][0]
    assert abs(learner["points"] - float(rows[0][f"total {set_id}"])) <= 0.005
    return learner["points"]  # the sheet shows it to 2 decimals; the report keeps 4


# ------------------------------------------------------------------------------------------------
# The tests


def test_launch_initialises_and_stays_inside_the_package(browser, site, uses_real_checker):
    with lms(browser, site, uses_real_checker, "m1-history") as m:
        assert m.session("s && s.active") is True
        assert m.cmi("cmi.core.lesson_status") == "incomplete"
        assert m.content.url.endswith("/m1-history/modules/m1-history/index.html")
        # move through the module: a lesson, a reading, the exercises
        for path in ("modules/m1-history/01-origins.html", "readings/al-waie-472.html"):
            m.launcher.evaluate("p => { document.getElementById('scorm-frame').src = p; }", path)
            m.page.wait_for_timeout(300)
            m.content.wait_for_load_state("load")
        m.go("modules/m1-history/exercises.html")
        assert m.session("s.finished") is False, "moving between pages must not end the LMS session"
        assert m.cmi("cmi.core.lesson_location") == "modules/m1-history/exercises.html"
        m.assert_clean()


def test_answers_give_score_status_and_interactions(browser, site, uses_real_checker):
    set_id = "m0-orientation"
    answers = scenario(set_id, "right")
    total = sum(i.points for i in SETS[set_id].items if i.auto_graded)
    with lms(browser, site, uses_real_checker, set_id) as m:
        m.go(f"modules/{set_id}/exercises.html")
        first = next(iter(answers))
        results = [m.answer(set_id, first, answers[first])]
        assert m.cmi("cmi.core.lesson_status") == "incomplete"
        for item_id, value in answers.items():
            results.append(m.answer(set_id, item_id, value))
        m.wait_commit()
        # the Python grader's points for the latest answer to each item
        expected = sum({i: r["points"] for i, r in zip([first, *answers], results)}.values())
        assert sum(r["status"] == "passed" for r in results) >= len(answers) * 0.8, (
            "the 'right' answers are mostly right"
        )
        assert float(m.cmi("cmi.core.score.raw")) == round(expected, 2)
        assert float(m.cmi("cmi.core.score.max")) == total and m.cmi("cmi.core.score.min") == "0"
        assert m.cmi("cmi.core.lesson_status") == ("passed" if expected / total >= 0.6 else "failed")
        rec = interactions(m)
        assert len(rec) == len(answers) + 1
        assert {r[0] for r in rec} == set(answers)
        want = {"passed": "correct", "failed": "wrong"}
        for (item_id, typ, result, response), r in zip(rec, results):
            assert result == want.get(r["status"], f"{r['points'] / r['max_points']:.2f}"), (item_id, r)
            assert typ in ("choice", "sequencing", "matching", "numeric", "fill-in", "performance")
            assert 0 < len(response) <= 255
        m.assert_clean()


def test_all_wrong_fails_and_partial_attempt_stays_incomplete(browser, site, uses_real_checker):
    set_id = "m0-orientation"
    with lms(browser, site, uses_real_checker, set_id) as m:
        m.go(f"modules/{set_id}/exercises.html")
        wrong = scenario(set_id, "wrong")
        items = list(wrong)
        for item_id in items[:3]:
            m.answer(set_id, item_id, wrong[item_id])
        assert m.cmi("cmi.core.lesson_status") == "incomplete"
        for item_id in items[3:]:
            m.answer(set_id, item_id, wrong[item_id])
        assert m.cmi("cmi.core.lesson_status") == "failed"
        assert "wrong" in {r[2] for r in interactions(m)}


def test_close_and_relaunch_restores_answers(browser, site, uses_real_checker, tmp_path):
    set_id = "m1-history"
    answers = scenario(set_id, "mixed")
    with lms(browser, site, uses_real_checker, set_id) as m:
        m.go(f"modules/{set_id}/exercises.html")
        for item_id, value in answers.items():
            m.answer(set_id, item_id, value)
        raw = m.cmi("cmi.core.score.raw")
        saved = m.close_sco()
    assert saved["suspend_data"].startswith(("R1|", "R2|")) and len(saved["suspend_data"]) <= LIMIT
    assert saved["core"]["entry"] == "resume"
    # a new browser (nothing in localStorage): everything comes from the LMS's CMI
    with lms(browser, site, uses_real_checker, set_id, cmi=saved) as m:
        assert m.cmi("cmi.core.lesson_location") == f"modules/{set_id}/exercises.html"
        f = m.go(f"modules/{set_id}/exercises.html")
        restored = f.evaluate("() => window.courseSelfCheck.exportAnswers()")
        assert restored.get(set_id) == json.loads(json.dumps(answers))
        assert m.cmi("cmi.core.score.raw") == raw
        assert m.session("s.restoredFrom") == "lms"
        # on this computer the self-check has no record of the earlier Checks: one more Check must
        # still give the LMS the score of all the answers
        changed = next(k for k, v in answers.items() if v != answer_for(SETS[set_id].item(k), "right"))
        answers[changed] = answer_for(SETS[set_id].item(changed), "right")
        m.answer(set_id, changed, answers[changed])
        assert float(m.cmi("cmi.core.score.raw")) == reported_score(
            course_grade(tmp_path, set_id, answers), package(set_id).max_points
        )
        m.assert_clean()


def test_suspend_data_limit_with_the_largest_answers(browser, site, uses_real_checker, tmp_path):
    # 1. every module package: the largest plausible answers fit, except open responses
    sizes = {}
    for s in SETS.values():
        big = largest_plausible(s.id)
        with lms(browser, site, uses_real_checker, s.module) as m:
            fit = m.launcher.evaluate(
                """([sid, a]) => {
                const f = courseScormBridge.fitState({t: Date.now(), a: {[sid]: a}, r: {}});
                return {len: f.text.length, dropped: f.dropped.map(p => p[1]),
                        full: courseScormBridge.encodeState({t: Date.now(), a: {[sid]: a}, r: {}}).length};
            }""",
                [s.id, big],
            )
        open_ids = {i.id for i in s.items if i.type == "open"}
        sizes[s.id] = fit
        assert fit["len"] <= LIMIT, (s.id, fit)
        assert set(fit["dropped"]) <= open_ids, f"{s.id}: auto-checked answers left out: {fit}"
    print("suspend_data, largest plausible answers:", sizes)
    # 2. end to end on the set with the most to keep
    set_id = max(sizes, key=lambda k: sizes[k]["full"])
    assert sizes[set_id]["full"] > LIMIT, "the largest set should exceed the limit, to test it"
    big = largest_plausible(set_id)
    module = SETS[set_id].module
    ctx = browser.new_context(service_workers="block")
    if not uses_real_checker:
        ctx.add_init_script(script="window.__FAKE_SELFCHECK_CONFIG = " + json.dumps(_fake_config()) + ";")
        ctx.add_init_script(path=str(FAKE_SELFCHECK))
    try:
        with lms(browser, site, uses_real_checker, module, ctx=ctx) as m:
            m.go(f"modules/{module}/exercises.html")
            for item_id, value in big.items():
                m.answer(set_id, item_id, value)
            m.leave_page(set_id, big)
            sd = m.cmi("cmi.suspend_data")
            assert len(sd) <= LIMIT
            notice = m.launcher.evaluate("document.getElementById('scorm-notice').textContent")
            dropped = sizes[set_id]["dropped"]
            assert dropped and all(d in notice for d in dropped) and "4,096" in notice
            assert not m.launcher.evaluate("document.getElementById('scorm-notice').hidden")
            saved = m.close_sco()
        # relaunch in the same browser: the full state comes back from localStorage, essays too
        with lms(browser, site, uses_real_checker, module, cmi=saved, ctx=ctx) as m:
            m.content.wait_for_load_state("load")
            f = m.go(f"modules/{module}/exercises.html")
            assert f.evaluate("() => window.courseSelfCheck.exportAnswers()")[set_id] == json.loads(json.dumps(big))
            assert m.session("s.restoredFrom") == "browser"
    finally:
        ctx.close()
    # relaunch elsewhere (no localStorage): the auto-checked answers come back, the learner is told
    # which answers the LMS could not keep
    with lms(browser, site, uses_real_checker, module, cmi=saved) as m:
        f = m.go(f"modules/{module}/exercises.html")
        restored = f.evaluate("() => window.courseSelfCheck.exportAnswers()")[set_id]
        expect = {k: v for k, v in json.loads(json.dumps(big)).items() if k not in dropped}
        assert restored == expect
        notice = m.launcher.evaluate("document.getElementById('scorm-notice').textContent")
        assert all(d in notice for d in dropped)


@pytest.mark.parametrize(
    "set_id, mode",
    [
        ("m1-history", "wrong"),
        ("m1-history", "partial"),
        ("m1-history", "right"),
        ("m1-history", "mixed"),
        ("m2-movements", "mixed"),
        ("m3-analysis", "partial"),
    ],
)
def test_lms_raw_score_equals_course_grade(browser, site, uses_real_checker, tmp_path, set_id, mode):
    answers = scenario(set_id, mode)
    module = SETS[set_id].module
    statuses = set()
    with lms(browser, site, uses_real_checker, module) as m:
        m.go(f"modules/{module}/exercises.html")
        for item_id, value in answers.items():
            statuses.add(m.answer(set_id, item_id, value)["status"])
        m.wait_commit()
        raw = float(m.cmi("cmi.core.score.raw"))
        reported_max = float(m.cmi("cmi.core.score.max"))
        m.assert_clean()
    if mode == "mixed":
        assert {"passed", "failed"} <= statuses, statuses
    if mode == "partial":
        assert "partial" in statuses, statuses
    points = course_grade(tmp_path, set_id, answers)
    pkg = package(module)
    assert raw == reported_score(points, pkg.max_points), (raw, points, pkg.max_points)
    if pkg.scale == 1:
        assert abs(raw - points) <= 0.005
    assert reported_max == pkg.reported_max


def test_without_an_lms_nothing_changes(browser, site, uses_real_checker):
    base, _ = site
    ctx = browser.new_context(service_workers="block")
    if not uses_real_checker:
        ctx.add_init_script(script="window.__FAKE_SELFCHECK_CONFIG = " + json.dumps(_fake_config()) + ";")
        ctx.add_init_script(path=str(FAKE_SELFCHECK))
    try:
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for url in ("m1-history/scorm-launch.html", "m1-history/modules/m1-history/exercises.html"):
            page.goto(base + url, wait_until="load")
            page.wait_for_timeout(200)
        assert page.evaluate("!!window.courseScormBridge && !window.courseScormSession")
        if not uses_real_checker:
            assert page.evaluate("window.courseSelfCheck.storageReplaced") is None
        assert errors == []
    finally:
        ctx.close()


def test_api_found_through_the_opener(browser, site, uses_real_checker):
    base, _ = site
    ctx = browser.new_context(service_workers="block")
    try:
        page = ctx.new_page()
        page.goto(base + "lms.html", wait_until="load")
        page.evaluate(
            "window.API = new Scorm12API({autocommit: false, logLevel: 4});"
            "API.loadFromJSON({core: {student_id: 'p-1'}}, '');"
        )
        with ctx.expect_page() as popup_info:
            page.evaluate("window.open('m0-orientation/scorm-launch.html', 'sco')")
        popup = popup_info.value
        popup.wait_for_load_state("load")
        assert popup.evaluate("window.courseScormSession && window.courseScormSession.active") is True
        assert page.evaluate("API.cmi.core.lesson_status") == "incomplete"
        popup.close()
        page.wait_for_function("API.isTerminated()")
    finally:
        ctx.close()


def test_suspend_data_encoding_round_trips(browser, site, uses_real_checker):
    """Every answer shape, any text (Arabic, emoji, quotes, newlines), packed or not, comes back as it
    was, and what the LMS stores is printable ASCII whenever the answers are not."""
    set_id = "m1-history"
    items = [i for i in SETS[set_id].items]
    texts = ["", "a", 'ʿAbbāsid خلافة “quoted” \\ "x" 😀\nnew line', "word " * 300, "\u0000\u001f|R1|"]
    states = []
    for n, t in enumerate(texts):
        answers = {
            it.id: answer_for(it, ("right", "partial", "wrong")[k % 3]) if it.auto_graded else t
            for k, it in enumerate(items[: 5 + 7 * n])
        }
        answers[items[0].id] = t or "a"
        states.append(answers)
    with lms(browser, site, uses_real_checker, "m1-history") as m:
        out = m.launcher.evaluate(
            """([sid, states]) => states.map(a => {
            const st = {t: 1767225600000, a: {[sid]: a}, r: {[sid]: {[Object.keys(a)[0]]: 0.5}}};
            const text = courseScormBridge.encodeState(st, null);
            const back = courseScormBridge.decodeState(text);
            return {text, a: back.state.a[sid], r: back.state.r[sid], t: back.state.t};
        })""",
            [set_id, states],
        )
    for answers, got in zip(states, out):
        assert got["a"] == json.loads(json.dumps(answers))
        assert got["r"] == {next(iter(answers)): 0.5} and got["t"] == 1767225600000
        if any(ord(c) > 126 or ord(c) < 32 for c in json.dumps(answers, ensure_ascii=False)):
            assert got["text"].startswith("R2|") and all(32 <= ord(c) <= 126 for c in got["text"])

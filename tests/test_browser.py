"""The book in a real browser: Debian's headless Chromium, driven by Playwright, on every page of
both editions, served from 127.0.0.1 by the test itself.

Per page: no console error, no failed request, no request to any host but 127.0.0.1, no serious or
critical axe-core violation, every Arabic run marked lang="ar" dir="rtl"; in the student edition,
no reference answer anywhere in the DOM. Then: search finds glossary terms; a lesson, a reading and
an exercise page are photographed at desktop and phone width (tests/artifacts/screenshots/), and no
student page is wider than a phone; the course's own colours pass contrast in dark mode too.

Each edition is surveyed once (one browser, one context, one reused tab) and the tests below assert
on that survey. Run just these with ``pytest -m browser``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_helpers import AXE_INSTALL, PageReport, Surveyor, axe_path, chromium, html_pages, is_local, serve
from conftest import IN_CI, ROOT, built

from course.content.yaml import load_data
from course.verify import instructor_only_strings, scan_outputs

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
DOMS = ARTIFACTS / "dom"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERIOUS = {"serious", "critical"}

# axe-core rules allowed to report serious/critical violations, with the reason. Keep it short:
# everything that can be fixed in this project is fixed instead (course/templates/, course.css):
#   label-content-name-mismatch  the theme's search buttons (aria-label "Search" vs visible
#                                "Search Ctrl+K"): fixed in course/templates/search-button-field.html
#   summary-name                 the navigation's expand/collapse chevrons had no name: fixed in
#                                course/templates/sbt-sidebar-nav.html
#   aria-required-children       the bibliography's role="list" held role="doc-biblioentry"
#                                entries: fixed in course/templates/layout.html
#   color-contrast               links in exercise items and course boxes, light and dark: course.css
# Rule id -> (CSS selector fragment the violation must be confined to, note).
AXE_ALLOW: dict[str, tuple[str, str]] = {}


# ------------------------------------------------------------------------------------------------
# The browser, the servers and the surveys (once per session)


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def axe_js() -> Path:
    p = axe_path()
    if p is None:
        msg = f"axe-core is not installed; run: {AXE_INSTALL} (or set COURSE_AXE_JS to axe.min.js)"
        if IN_CI:
            pytest.fail(f"CI must not skip: {msg}")
        pytest.skip(msg)
    return p


class Site:
    """One built edition, served on 127.0.0.1 for the whole module."""

    def __init__(self, html_dir: Path, base: str):
        self.dir = html_dir
        self.base = base
        self.pages = html_pages(html_dir)
        self.reports: list[PageReport] | None = None


@pytest.fixture(scope="module")
def sites():
    from contextlib import ExitStack

    cache: dict[str, Site] = {}
    with ExitStack() as stack:

        def get(edition: str) -> Site:
            if edition not in cache:
                html_dir = built("html", edition).output.parent
                cache[edition] = Site(html_dir, stack.enter_context(serve(html_dir)))
            return cache[edition]

        yield get


@pytest.fixture(scope="module")
def survey(browser, sites):
    """Visit every page of an edition once (desktop width, axe-core injected when installed: only
    the axe test needs it) and keep the reports; each page's DOM, as the browser holds it after its
    scripts ran, goes to tests/artifacts/dom/."""
    axe_js = axe_path()

    def run(edition: str) -> Site:
        site = sites(edition)
        if site.reports is None:
            dom_dir = DOMS / edition
            shutil.rmtree(dom_dir, ignore_errors=True)
            s = Surveyor(browser, site.base, axe_js, **DESKTOP, keep_dom=True)
            site.reports = []
            try:
                for path in site.pages:
                    rep = s.visit(path)
                    out = dom_dir / path
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_text(rep.dom, encoding="utf-8")
                    rep.dom = ""
                    site.reports.append(rep)
            finally:
                s.close()
        return site

    return run


EDITIONS = ["student", "instructor"]


def _listing(items: list[str], limit: int = 30) -> str:
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return "\n  " + "\n  ".join(items[:limit]) + more


# ------------------------------------------------------------------------------------------------
# Every page of both editions


def test_the_survey_covers_the_whole_book(survey):
    """Every page Sphinx wrote is visited, in both editions (a guard against a survey of nothing)."""
    for edition in EDITIONS:
        site = survey(edition)
        assert len(site.reports) == len(site.pages) >= 10, f"{edition}: only {len(site.reports)} pages"
        for must in ("index.html", "glossary.html", "search.html"):
            assert must in site.pages, f"{edition}: {must} was not built"
        assert any(p.startswith("readings/") for p in site.pages)
        assert any(re.match(r"modules/[^/]+/\d\d-", p) for p in site.pages), "no lesson page"


@pytest.mark.parametrize("edition", EDITIONS)
def test_pages_load_without_console_errors_or_failed_requests(survey, edition):
    site = survey(edition)
    problems = [f"{r.path}: console: {e}" for r in site.reports for e in r.console_errors]
    problems += [f"{r.path}: failed: {f}" for r in site.reports for f in r.failed]
    assert not problems, f"{edition} edition:" + _listing(problems)


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_request_leaves_localhost(survey, edition):
    site = survey(edition)
    total = sum(len(r.requests) for r in site.reports)
    assert total >= 2 * len(site.reports), "requests were not recorded"
    outside = sorted(
        {
            (re.sub(r"^[a-z]+://([^/]+).*$", r"\1", u), r.path)
            for r in site.reports
            for u in r.requests
            if not is_local(u)
        }
    )
    hosts = sorted({h for h, _ in outside})
    assert not outside, f"{edition} edition: requests to {', '.join(hosts)}:" + _listing(
        [f"{h} from {p}" for h, p in outside]
    )


def _serious(reports: list[PageReport]) -> list[str]:
    found = []
    for r in reports:
        for v in r.axe:
            if v["impact"] not in SERIOUS:
                continue
            allowed = AXE_ALLOW.get(v["id"])
            nodes = [n for n in v["nodes"] if not (allowed and allowed[0] in n["target"])]
            for n in nodes:
                found.append(
                    f"{r.path}: {v['id']} ({v['impact']}): {v['help']} at {n['target']}\n"
                    f"      {n['summary'].replace(chr(10), ' ')}"
                )
    return found


@pytest.mark.parametrize("edition", EDITIONS)
def test_axe_finds_no_serious_or_critical_violation(axe_js, survey, edition):
    site = survey(edition)
    found = _serious(site.reports)
    assert not found, f"{edition} edition, axe-core:" + _listing(found, 20)


def test_axe_is_really_running(browser, axe_js, sites, tmp_path):
    """A page with a known critical problem (an image without alt text) must be reported: the
    survey's clean result means something."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#aaa;background:#fff">low contrast text</p></main></body></html>'
    )
    with serve(tmp_path) as base:
        s = Surveyor(browser, base, axe_js)
        try:
            rep = s.visit("bad.html")
        finally:
            s.close()
    ids = {v["id"] for v in rep.axe if v["impact"] in SERIOUS}
    assert {"image-alt", "color-contrast"} <= ids, ids


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_arabic_run_is_marked(survey, edition):
    site = survey(edition)
    problems = [f"{r.path}: {a}" for r in site.reports for a in r.arabic]
    assert not problems, f'{edition} edition, Arabic text without lang="ar" dir="rtl":' + _listing(problems)
    # the check saw Arabic at all (the glossary gives every term with an Arabic form in script)
    assert sum(r.arabic_checked for r in site.reports) >= 5, "no Arabic text was found in the whole book"


def test_student_dom_holds_no_reference_answer(survey):
    """The DOM the student's browser builds (after every script ran) holds none of the
    instructor-only strings; the same scan finds them in the instructor edition's DOM."""
    markers = instructor_only_strings(ROOT)
    assert len(markers) >= 10, "too few instructor-only strings for a meaningful scan"
    survey("student")
    survey("instructor")
    hits = scan_outputs([DOMS / "student"], markers)
    assert not hits, "instructor-only text in the student DOM:" + _listing(
        [f"{Path(f).relative_to(DOMS)}: {o}" for f, o in hits]
    )
    seen = {o for _, o in scan_outputs([DOMS / "instructor"], markers)}
    missing = [o for o, _ in markers if o not in seen]
    assert len(missing) <= len(markers) // 10, (
        "the DOM scan does not see the markers in the instructor edition:" + _listing(missing)
    )


# ------------------------------------------------------------------------------------------------
# Search


def _glossary_terms(n: int = 3) -> list[str]:
    """A few glossary headwords that make a clean search query (one plain ASCII word)."""
    heads = []
    for y in sorted((ROOT / "glossary").glob("*.yaml")):
        for entry in load_data(y) or []:
            if isinstance(entry, dict) and isinstance(entry.get("term"), str):
                heads.append(entry["term"])
    words = sorted({h for h in heads if re.fullmatch(r"[A-Za-z]{6,}", h)})
    assert words, f"no single-word ASCII glossary term to search for among {heads[:10]}"
    step = max(1, len(words) // n)
    return words[::step][:n]


def _search(page, base: str, query: str) -> list[str]:
    page.goto(f"{base}search.html?q={query}", wait_until="load")
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary, #search-results p');"
        " return s && /found|did not match/i.test(s.textContent); }",
        timeout=20000,
    )
    return page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.getAttribute('href'))")


def test_search_finds_glossary_terms(browser, sites):
    site = sites("student")
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        for term in _glossary_terms():
            hrefs = _search(page, site.base, term)
            assert any(h.split("#")[0].endswith("glossary.html") for h in hrefs), (
                f"searching for the glossary term {term!r} does not return the glossary page: {hrefs[:10]}"
            )
        # and the check can fail: a word in no page returns nothing
        assert _search(page, site.base, "qqxzvjw") == []
    finally:
        ctx.close()
    assert not errors, errors


# ------------------------------------------------------------------------------------------------
# Layout: screenshots, phone width, dark mode


def _sample_pages(site: Site) -> dict[str, str]:
    lessons = [p for p in site.pages if re.match(r"modules/[^/]+/\d\d-[^/]+\.html$", p)]

    # prefer the lesson that shows most of the course's markup (Arabic, paragraph links, citations)
    def markup(p: str) -> tuple[int, int]:
        html = (site.dir / p).read_text(encoding="utf-8")
        counts = [
            html.count(m)
            for m in ('lang="ar"', 'class="para-ref"', 'class="reference internal" href="../../bibliography')
        ]
        return (sum(1 for c in counts if c), sum(counts))

    lessons = sorted(lessons, key=markup, reverse=True)
    readings = [
        p
        for p in site.pages
        if p.startswith("readings/") and (ROOT / "readings" / Path(p).stem / "reading.yaml").exists()
    ]
    exercises = [p for p in site.pages if re.match(r"modules/[^/]+/exercises\.html$", p)]
    assert lessons and readings and exercises, "need a lesson, a reading and an exercise page"
    return {"lesson": lessons[0], "reading": readings[0], "exercises": exercises[0]}


def test_screenshots_and_no_overflow_at_phone_width(browser, sites):
    """Screenshots of a lesson, a reading and an exercise page at 1280 and 390 px, saved under
    tests/artifacts/screenshots/; at 390 px no page of the student edition is wider than the
    screen (wide tables and code scroll inside their own box)."""
    site = sites("student")
    SHOTS.mkdir(parents=True, exist_ok=True)
    samples = _sample_pages(site)
    overflow = []
    for label, vp in (("desktop", DESKTOP), ("phone", PHONE)):
        s = Surveyor(browser, site.base, None, **vp)
        try:
            for name, path in samples.items():
                s.visit(path)
                shot = SHOTS / f"{name}-{label}-{vp['width']}.png"
                s.page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000, f"{shot} looks empty"
            if label == "phone":
                for path in site.pages:
                    rep = s.visit(path)
                    o = rep.overflow
                    if o["document"] > o["viewport"] + 1:
                        overflow.append(
                            f"{path}: {o['document']}px wide in a {o['viewport']}px screen; "
                            f"sticking out: {', '.join(o['culprits']) or '?'}"
                        )
        finally:
            s.close()
    assert not overflow, "horizontal overflow at phone width:" + _listing(overflow)


def test_dark_mode_contrast(browser, axe_js, sites):
    """The theme follows the reader's system setting; the course's own boxes must stay readable in
    dark mode too (axe color-contrast and every other serious rule on the sample pages)."""
    site = sites("student")
    s = Surveyor(browser, site.base, axe_js, **DESKTOP, color_scheme="dark")
    reports = []
    try:
        for name, path in {**_sample_pages(site), "glossary": "glossary.html"}.items():
            reports.append(s.visit(path))
            assert s.page.evaluate("document.documentElement.dataset.theme") == "dark"
            if name == "exercises":
                SHOTS.mkdir(parents=True, exist_ok=True)
                s.page.screenshot(path=str(SHOTS / "exercises-dark-1280.png"), full_page=False)
    finally:
        s.close()
    found = _serious(reports)
    assert not found, "dark mode, axe-core:" + _listing(found, 20)

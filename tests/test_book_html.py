"""Lean pages and previews: no icon-font script (inline SVG icons instead), the search files only
on the search page, the theme's stylesheet purged of unused rules, one search box on a desktop
page, and keyboard/screen-reader accessible previews of paragraphs, terms and references."""

from __future__ import annotations

import re

import pytest
from conftest import require

from course.sphinxext.lean import icon_svg, purge_css


def _lesson(html_dir):
    return html_dir / "modules" / "m1-history" / "01-origins.html"


@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_no_icon_font_and_search_files_only_on_the_search_page(edition, html_student, html_instructor):
    html_dir = (html_student if edition == "student" else html_instructor).output.parent
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fontawesome" not in text, page
        # any element still waiting for the icon font (theme switch, download menu) shows an empty box
        left = re.search(r'<(i|span) class="[^"]*\b(fa-solid|fas|far|fab)\b[^"]*"', text)
        assert not left, f"{page}: an icon left for the icon font: {left.group(0) if left else ''}"
        if page != html_dir / "search.html":
            assert "searchindex.js" not in text, page
    assert "searchindex.js" in (html_dir / "search.html").read_text(encoding="utf-8")
    lesson = _lesson(html_dir).read_text(encoding="utf-8")
    assert lesson.count('<svg class="course-icon') >= 5
    assert not (html_dir / "_static" / "scripts" / "fontawesome.js").exists()
    css = (html_dir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert len(css) < 200_000 and "fa-solid-900" not in css and "--course-icon-info-circle" in css


def test_icon_svg_reads_the_theme_icons():
    svg = icon_svg("magnifying-glass")
    assert svg and svg.startswith("<svg") and 'viewBox="0 0 512 512"' in svg and "<path d=" in svg
    assert icon_svg("no-such-icon-xyz") is None


def test_purge_css_keeps_what_pages_use():
    css = (
        "/*! licence */.a{x:1}.b{x:2}.a,.b{x:3}@media (min-width:1px){.b{x:4}.a .c{x:5}}"
        ".a:not(.zz){x:6}@font-face{font-family:X;src:url(fontawesome/a.woff2)}[data-x]{x:7}"
    )
    out = purge_css(css, {"a", "c"})
    assert out.startswith("/*! licence */")
    assert ".a{x:1}" in out and ".b{x:2}" not in out and ".a{x:3}" in out
    assert "@media (min-width:1px){.a .c{x:5}}" in out
    assert ".a:not(.zz){x:6}" in out and "[data-x]{x:7}" in out and "fontawesome" not in out


def test_purge_css_keeps_selector_lists_inside_is_whole():
    # the instructor edition uses .fas (download buttons): purging must not cut ':is(.fas,.far)' at its
    # inner comma, which left an unclosed '(' that swallowed the rest of the theme's stylesheet
    css = ":is(.fas,.far,.fa-solid)::before{content:var(--fa)}.zz,.a{x:1}"
    out = purge_css(css, {"fas", "a"})
    assert ":is(.fas,.far,.fa-solid)::before{content:var(--fa)}" in out and ".a{x:1}" in out


@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_purged_theme_css_is_well_formed(edition, html_student, html_instructor):
    html_dir = (html_student if edition == "student" else html_instructor).output.parent
    css = (html_dir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    # data URLs and strings may hold any bracket: drop them first
    body = re.sub(r"""url\("[^"]*"\)|url\('[^']*'\)|url\([^)"']*\)|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""", "", css)
    for prelude in re.findall(r"(?:^|[{}])([^{}]+)\{", body):
        assert prelude.count("(") == prelude.count(")"), f"{edition}: unbalanced selector {prelude[:80]!r}"
    assert ".bd-sidebar-primary" in css and ".bd-main" in css


def test_links_carry_their_previews(html_student):
    html_dir = html_student.output.parent
    lesson = _lesson(html_dir).read_text(encoding="utf-8")
    m = re.search(r'href="[^"]*glossary\.html#term-umma" data-preview="([^"]+)"', lesson)
    assert m and len(m.group(1)) > 30
    # a {para} link: its label and the paragraph's first sentences, more than the title's few words
    page = (html_dir / "modules" / "m3-analysis" / "02-taxonomy.html").read_text(encoding="utf-8")
    m = re.search(r'#al-waie-472-p79" title="([^"]*)" data-preview="([^"]*)"', page)
    assert m and m.group(2).startswith("Reading B, ¶79: However, this small group")
    assert len(m.group(2)) > len(m.group(1)) + 50


@pytest.mark.browser
def test_one_search_box_and_accessible_previews(html_student):
    require("chromium")
    from browser_helpers import launch, serve
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, serve(html_student.output.parent) as base:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "modules/m1-history/01-origins.html", wait_until="networkidle")
        visible = page.locator(".search-button-field:visible, .search-button:visible").count()
        assert visible == 1, f"{visible} search boxes on a desktop page"
        # icons are drawn (inline SVG with a size), not empty boxes
        box = page.locator("svg.course-icon:visible").first.bounding_box()
        assert box and 8 <= box["height"] <= 40
        # a glossary link: focus shows its definition, tied to it with aria-describedby
        link = page.locator('a[href*="glossary.html#term-umma"]').first
        link.focus()
        tip = page.locator("#course-preview")
        assert tip.is_visible() and tip.get_attribute("role") == "tooltip"
        assert link.get_attribute("aria-describedby") == "course-preview"
        assert len(tip.inner_text()) > 30
        page.keyboard.press("Escape")
        assert not tip.is_visible()
        # a citation: hover shows the reference
        cite = page.locator('a[href*="bibliography.html#"]').first
        cite.hover()
        shown = tip.inner_text()
        assert tip.is_visible() and re.search(r"\b(1[5-9]|20)\d\d\b", shown) and len(shown) > 30, shown
        # a paragraph link (on a page that has one)
        page.goto(base + "modules/m3-analysis/02-taxonomy.html", wait_until="networkidle")
        para = page.locator("a:has(.para-ref)").first
        para.focus()
        tip = page.locator("#course-preview")
        assert tip.is_visible() and "Reading" in tip.inner_text()
        phone = browser.new_page(viewport={"width": 390, "height": 800})
        phone.goto(base + "modules/m1-history/01-origins.html", wait_until="networkidle")
        assert phone.locator(".search-button:visible, .search-button-field:visible").count() >= 1
        browser.close()

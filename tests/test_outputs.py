"""The book in every format and both editions: instructor-only material never leaks, Arabic is marked
and shaped, the PDF has its parts and fonts, the EPUB validates, and the HTML is offline."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, built, require

from course.content.readings import ARABIC_RE
from course.verify import instructor_only_strings, scan_outputs

# ------------------------------------------------------------------------------------------------
# Editions: the leak scan


@pytest.fixture(scope="session")
def markers():
    m = instructor_only_strings(ROOT)
    assert len(m) >= 10, "too few instructor-only strings to make a meaningful leak scan"
    return m


def _present(paths, markers):
    found = {origin for _, origin in scan_outputs(paths, markers)}
    return found


def test_instructor_edition_contains_the_markers(html_instructor, markers):
    """The scan can see the markers at all: the instructor edition must contain (nearly) all."""
    found = _present([html_instructor.output.parent], markers)
    missing = sorted({o for o, _ in markers} - found)
    assert len(missing) <= len(markers) // 20, f"markers not found in the instructor HTML: {missing[:10]}"


def test_student_html_leaks_nothing(html_student, markers):
    hits = scan_outputs([html_student.output.parent], markers)
    assert not hits, "instructor-only text in the student HTML:\n" + "\n".join(f"{f}: {o}" for f, o in hits[:20])
    html_dir = html_student.output.parent
    sources = html_dir / "_sources"
    assert not sources.exists() or not any(sources.rglob("*.*")), "the student edition ships raw sources"
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "_sources/" not in text, f"{page} links raw sources"
        assert "instructor-note" not in text and "exercise-key" not in text, page


def test_student_epub_and_pdf_leak_nothing(markers):
    require("pdftotext")
    outputs = [built("epub", "student").output, built("pdf", "student").output]
    hits = scan_outputs(outputs, markers)
    assert not hits, "instructor-only text in student EPUB/PDF:\n" + "\n".join(f"{f}: {o}" for f, o in hits[:20])


def test_instructor_pdf_and_epub_contain_the_markers(markers):
    require("pdftotext")
    for out in (built("pdf", "instructor").output, built("epub", "instructor").output):
        found = _present([out], markers)
        origins = {o for o, _ in markers}
        assert len(found) >= len(origins) * 0.9, f"{out}: only {len(found)} of {len(origins)} marker origins"


def test_leak_scan_fails_on_a_single_leak(html_student, markers, tmp_path):
    """Plant one marker in a copy of a student page: the scan must report it."""
    page = next(html_student.output.parent.rglob("modules/*/index.html"))
    origin, marker = markers[0]
    leaked = tmp_path / "leaked.html"
    leaked.write_text(page.read_text(encoding="utf-8") + f"<p>{marker}</p>", encoding="utf-8")
    assert scan_outputs([leaked.parent], [(origin, marker)]) == [(str(leaked), origin)]


# ------------------------------------------------------------------------------------------------
# Arabic


class _ArabicAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.bad: list[str] = []
        self.runs = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        a = dict(attrs)
        self.stack.append((tag, a.get("lang") == "ar" and a.get("dir") == "rtl"))
        if a.get("lang") == "ar":
            self.runs += 1

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if ARABIC_RE.search(data) and not any(ok for _, ok in self.stack):
            if not any(t in ("script", "style", "title") for t, _ in self.stack):
                self.bad.append(data.strip()[:40])


def test_every_arabic_run_is_marked_in_html_and_epub(html_student):
    total = 0
    for page in html_student.output.parent.rglob("*.html"):
        audit = _ArabicAudit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert not audit.bad, f"{page}: Arabic without lang=ar dir=rtl: {audit.bad[:3]}"
        total += audit.runs
    assert total >= 5
    epub = built("epub", "student").output
    with zipfile.ZipFile(epub) as z:
        names = [n for n in z.namelist() if n.endswith(".xhtml")]
        runs = 0
        for n in names:
            audit = _ArabicAudit()
            audit.feed(z.read(n).decode("utf-8"))
            assert not audit.bad, f"{n}: Arabic without lang=ar dir=rtl: {audit.bad[:3]}"
            runs += audit.runs
    assert runs >= 5


def test_unmarked_arabic_fails_the_build_with_file_and_line(tmp_path):
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "course.sphinxext"]\nexclude_patterns = ["_build"]\n'
    )
    (tmp_path / "index.md").write_text("# T\n\nMarked: {ar}`خلافة`.\n\nUnmarked: خلافة here.\n", encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(tmp_path), str(tmp_path / "_b")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode != 0
    assert "index.md:5" in res.stderr and "Arabic script outside Arabic markup" in res.stderr


def test_pdf_arabic_fonts_and_glyphs():
    require("pdftotext")
    require("pdffonts")
    res = built("pdf", "student")
    fonts = subprocess.run(["pdffonts", str(res.output)], capture_output=True, text=True, check=True).stdout
    amiri = [l for l in fonts.splitlines() if "Amiri" in l]
    assert amiri and all(" yes " in l for l in amiri), fonts
    text = subprocess.run(["pdftotext", str(res.output), "-"], capture_output=True, text=True, check=True).stdout
    assert "العالم اليوم لا يحتاج" in text, "Arabic does not extract in logical order"
    # transliteration with diacritics
    for word in ("ʿ", "ā", "ī", "ū", "ḥ"):
        assert word in text, f"{word!r} missing from the PDF text"
    log = res.output.parent.parent / "latex" / "reading-the-caliphate.log"
    assert log.exists() and "Missing character" not in log.read_text(errors="replace")


# ------------------------------------------------------------------------------------------------
# PDF structure


def test_pdf_has_the_parts_of_a_book():
    require("pdftotext")
    res = built("pdf", "student")
    info = subprocess.run(["pdfinfo", str(res.output)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 20
    text = subprocess.run(
        ["pdftotext", "-layout", str(res.output), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Reading the Caliphate" in text.split("\f")[0]  # title page
    front = "\n".join(text.split("\f")[:4])
    assert re.search(r"Glossary\s*\.*\s*\d+", front)  # table of contents, with pages
    assert "Glossary" in text and "Index" in text  # glossary chapter and index
    # figure captions read left to right (a right-to-left leak once printed "Fig. :1 … .1924–632")
    assert not re.search(r"(Fig\.|Figure)\s*:\s*\d", text)
    tex = (res.output.parent.parent / "latex" / "reading-the-caliphate.tex").read_text()
    assert "\\chapter{Bibliography}" not in tex  # no empty bibliography chapter
    assert "sphinxthebibliography" in tex  # the real bibliography is there
    assert res.output.relative_to(res.output.parents[2]) == Path("student/pdf/reading-the-caliphate.pdf")


# ------------------------------------------------------------------------------------------------
# EPUB


@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_epubcheck_reports_no_errors(edition):
    require("epubcheck")
    res = built("epub", edition)
    out = subprocess.run(
        ["java", "-jar", "/usr/share/java/epubcheck.jar", str(res.output)], capture_output=True, text=True
    )
    summary = out.stdout + out.stderr
    assert out.returncode == 0 and "0 fatals / 0 errors" in summary, summary[-3000:]


# ------------------------------------------------------------------------------------------------
# Offline HTML


def test_html_makes_no_request_to_another_host(html_student, html_instructor):
    pattern = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', re.I)
    for res in (html_student, html_instructor):
        for page in res.output.parent.rglob("*.html"):
            remote = pattern.findall(page.read_text(encoding="utf-8"))
            assert not remote, f"{page} loads {remote[:3]}"

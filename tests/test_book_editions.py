"""The two editions can't be mistaken: the instructor edition says so in the HTML title, in a banner
on every page, on the PDF's title page and metadata, and in its own file names."""

from __future__ import annotations

import re
import subprocess

from conftest import built, require

from course.build import edition_name


def test_edition_file_names():
    assert edition_name("reading-the-caliphate.pdf", "student") == "reading-the-caliphate.pdf"
    assert edition_name("reading-the-caliphate.pdf", "instructor") == "reading-the-caliphate-instructor.pdf"
    assert edition_name("reading-the-caliphate.epub", "instructor") == "reading-the-caliphate-instructor.epub"


def _pages(res):
    return [p for p in res.output.parent.rglob("*.html") if "_static" not in p.parts]


def test_instructor_html_title_and_banner_on_every_page(html_instructor):
    pages = _pages(html_instructor)
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
        assert "Instructor edition" in title, f"{page}: title {title!r}"
        banner = re.search(r'<div class="bd-header-announcement[^"]*"[^>]*>(.*?)</div>', text, re.S)
        assert banner and "Instructor edition" in banner.group(1) and "students" in banner.group(1), page


def test_student_html_says_nothing_of_the_instructor_edition(html_student):
    for page in _pages(html_student):
        text = page.read_text(encoding="utf-8")
        assert "Instructor edition" not in text, page
        assert "bd-header-announcement" not in text or "Instructor" not in text, page


def _first_pages(pdf, n=2):
    return subprocess.run(["pdftotext", "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _info(pdf):
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_pdf_and_epub_names_title_pages_and_metadata():
    require("pdftotext")
    student, instructor = built("pdf", "student").output, built("pdf", "instructor").output
    assert student.name == "reading-the-caliphate.pdf"
    assert instructor.name == "reading-the-caliphate-instructor.pdf"
    s_front, i_front = _first_pages(student), _first_pages(instructor)
    assert "Student edition" in s_front and "Instructor edition" not in s_front
    assert "Instructor edition" in i_front and "Do not give it to students" in i_front
    assert "(Student edition)" in _info(student) and "(Instructor edition)" in _info(instructor)
    assert built("epub", "instructor").output.name == "reading-the-caliphate-instructor.epub"
    assert built("epub", "student").output.name == "reading-the-caliphate.epub"

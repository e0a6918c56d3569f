"""The PDF as a book: title and copyright pages, contents down to lesson level with parts, running
heads with chapter and section titles, a text face that has every transliteration glyph, answer
space under printed exercises, an index in the text face, and PDF metadata. The same for the
reader pack."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import built, require

from course.sphinxext.latexbook import fold_index

GLYPHS = "ʿʾḥṣṭẓāīūḤṢĀ"  # the list, and the capitals the book uses


def _text(pdf, *args):
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pdf_objects(pdf) -> bytes:
    """The PDF's bytes with every Flate stream inflated (object streams hide the catalogue)."""
    import zlib

    raw = pdf.read_bytes()
    parts = [raw]
    for m in re.finditer(rb"stream\r?\n", raw):
        end = raw.find(b"endstream", m.end())
        try:
            parts.append(zlib.decompress(raw[m.end() : end]))
        except zlib.error:
            pass
    return b"\n".join(parts)


def _pdfinfo(pdf):
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def student_pdf():
    require("pdftotext")
    return built("pdf", "student")


def test_title_and_copyright_pages(student_pdf):
    pages = _text(student_pdf.output, "-l", "2").split("\f")
    title, copyright_ = pages[0], pages[1]
    for want in ("Reading the Caliphate", "A critical course", "Student edition", "Version 0.1.0"):
        assert want in title, want
    assert re.search(
        r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|"
        r"October|November|December) 20\d\d\b",
        title,
    ), "no British-style date"
    assert "Release" not in title
    assert "CC BY 4.0" in copyright_ and "How to cite" in copyright_
    assert re.search(r"20\d\d-\d\d-\d\d", copyright_), "no ISO date on the copyright page"


def test_contents_to_lesson_level_with_parts(student_pdf):
    front = "\n".join(_text(student_pdf.output, "-layout", "-l", "6").split("\f")[2:5])
    for part in ("Course", "Primary readings", "Reference"):
        assert re.search(rf"^\s*(I|II|III)\s+{part}\b", front, re.M), f"part {part} not in the contents"
    # lessons, not only modules
    assert re.search(r"^\s*2\.1\s+Origins and the Rashidun", front, re.M)
    assert len(re.findall(r"^\s*\d+\.\d+\s+\S", front, re.M)) >= 30


def test_running_heads_name_chapter_and_section(student_pdf):
    text = _text(student_pdf.output, "-layout")
    assert "Release 0.1.0" not in text
    pages = text.split("\f")
    heads = [p.strip().splitlines()[0].strip() for p in pages[10:60] if p.strip()]
    # even pages: page number and chapter; odd pages: section (lesson) and page number
    assert sum(bool(re.match(r"^\d+\s+\d+\. Module", h)) for h in heads) >= 5, heads[:10]
    assert any("Origins and the Rashidun" in h for h in heads), heads[:20]


def test_text_face_covers_the_transliteration(student_pdf):
    fonts = subprocess.run(["pdffonts", str(student_pdf.output)], capture_output=True, text=True, check=True).stdout
    assert "LinLibertineO" in fonts and "Amiri" in fonts
    text = _text(student_pdf.output)
    for g in GLYPHS:
        assert g in text, f"{g!r} (U+{ord(g):04X}) is not in the PDF text"
    log = student_pdf.output.parent.parent / "latex" / "reading-the-caliphate.log"
    assert "Missing character" not in log.read_text(errors="replace")


def test_answer_space_under_exercises_sized_by_type(student_pdf):
    tex = (student_pdf.output.parent.parent / "latex" / "reading-the-caliphate.tex").read_text()
    spaces = re.findall(r"\\courseanswerspace\{([^}]*)\}\{(\d+)\}", tex)
    assert len(spaces) > 50
    lines = {label: int(n) for label, n in spaces}
    assert lines["Your answer (key):"] < lines["Verdict and evidence:"] < lines["Your response:"]
    instructor = built("pdf", "instructor")
    itex = (instructor.output.parent.parent / "latex" / "reading-the-caliphate-instructor.tex").read_text()
    assert "\\courseanswerspace{" not in itex.split("\\begin{document}")[1]


def test_index_in_the_text_face_and_metadata(student_pdf):
    info = _pdfinfo(student_pdf.output)
    assert re.search(r"Title:\s+Reading the Caliphate \(Student edition\)", info)
    assert re.search(r"Author:\s+The Reading the Caliphate authors", info)
    assert re.search(r"Subject:\s+A critical course", info)
    assert re.search(rb"/Lang\s*\(en-GB\)", _pdf_objects(student_pdf.output)), "no /Lang in the catalogue"
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    last = subprocess.run(
        ["pdffonts", "-f", str(pages - 1), "-l", str(pages), str(student_pdf.output)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "LinLibertine" in last and "Mono" not in last, last


def test_fold_index_keys():
    tex = r"\index{ʿulamāʾ@\spxentry{ʿulamāʾ}|spxpagem}\index{ḥizb@\spxentry{ḥizb}!al-Taḥrīr@\spxentry{al-Taḥrīr}}"
    out = fold_index(tex)
    assert r"\index{ulama@\spxentry{ʿulamāʾ}|spxpagem}" in out
    assert r"\index{hizb@\spxentry{ḥizb}!al-tahrir@\spxentry{al-Taḥrīr}}" in out


def test_reader_pack_is_a_book_too():
    require("pdftotext")
    res = built("reader", "student")
    info = _pdfinfo(res.output)
    assert "Reader pack" in info and "Subject:" in info
    text = _text(res.output)
    title = text.split("\f")[0]
    assert "Reader pack" in title and "Student edition" in title
    # the reader pack holds no lessons; it must not claim that none cite the readings
    assert "No lesson or exercise cites this reading" not in text

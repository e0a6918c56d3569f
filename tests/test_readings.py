"""The primary readings: verbatim (from the built HTML), checksums, paragraph addressing, backlinks,
excerpts mode, and the reader pack."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, built, require

from course.content import Course
from course.content.readings import ReadingRefError, diff_tokens, parse_ref, segments
from course.content.yaml import load_data
from course.verify import reference_tokens, rendered_reading_tokens

READINGS = ["khilafat-web", "al-waie-472", "critique-ht-foreign-policy"]


def test_the_three_readings_are_there():
    assert Course.find().reading_ids == sorted(READINGS)
    letters = {Course.find().reading(r).letter for r in READINGS}
    assert letters == {"A", "B", "C"}


@pytest.mark.parametrize("rid", READINGS)
def test_reference_copy_checksum_matches_metadata(rid):
    r = Course.find().reading(rid)
    assert hashlib.sha256(r.source_path.read_bytes()).hexdigest() == r.meta["sha256"]
    r.check_checksum()


def test_reference_copies_match_the_shared_sources_when_present():
    shared = ROOT.parent / "shared" / "sources" / "sources.yaml"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout; the committed copies are checked above")
    entries = load_data(shared)
    by_id = {e["suggested_id"]: e for e in entries}
    for rid in READINGS:
        assert Course.find().reading(rid).sha256 == by_id[rid]["sha256"], rid


@pytest.mark.parametrize("rid", READINGS)
def test_layout_keeps_every_token_in_order(rid):
    r = Course.find().reading(rid)
    laid_out = [t for p in r.paragraphs for t in p.text.split()]
    assert laid_out == r.source_tokens()


def test_paragraph_counts_and_page_break_joins():
    counts = {rid: len(Course.find().reading(rid)) for rid in READINGS}
    assert counts == {"khilafat-web": 42, "al-waie-472": 87, "critique-ht-foreign-policy": 10}
    b = Course.find().reading("al-waie-472")
    joined = {p.n for p in b.paragraphs if p.joined_after}
    assert joined == {24, 44, 53, 65}
    assert "Saudi Arabia, and Sudan" in b.paragraph(24).text


def test_segments_round_trip_and_mark_arabic():
    b = Course.find().reading("al-waie-472")
    for p in b.paragraphs:
        rebuilt = "".join(f"**{c}**" if s.startswith("strong") else c for s, c in segments(p.text))
        assert rebuilt.replace("****", "") == p.text.replace("****", "")
    styles = {s for p in b.paragraphs for s, _ in segments(p.text)}
    assert {"ar", "strong"} <= styles


def test_parse_and_resolve_refs():
    assert parse_ref("al-waie-472:17") == ("al-waie-472", 17, 17)
    assert parse_ref("al-waie-472:17-19") == ("al-waie-472", 17, 19)
    reading, paras = Course.find().resolve_ref("critique-ht-foreign-policy:2-3")
    assert [p.n for p in paras] == [2, 3] and reading.letter == "C"
    with pytest.raises(ReadingRefError, match=r"Nearest valid ids: al-waie-472:85, al-waie-472:86, al-waie-472:87"):
        Course.find().resolve_ref("al-waie-472:88")
    with pytest.raises(ReadingRefError, match="Did you mean al-waie-472:3"):
        Course.find().resolve_ref("al-waie-427:3")
    with pytest.raises(ReadingRefError, match="not a paragraph id"):
        parse_ref("al-waie-472 17")


def test_search_api():
    hits = Course.find().reading("al-waie-472").search("Rumsfeld", "12 May 2005")
    assert [p.n for p in hits] == [21]


def _page_tokens(html_dir: Path, rid: str):
    html = (html_dir / "readings" / f"{rid}.html").read_text(encoding="utf-8")
    return rendered_reading_tokens(html, rid)


@pytest.mark.parametrize("rid", READINGS)
def test_rendered_reading_is_verbatim(html_student, rid):
    html_dir = html_student.output.parent
    rendered = _page_tokens(html_dir, rid)
    # the student edition withholds the listed movement web addresses, and changes nothing else
    problems = diff_tokens(reference_tokens(rid, redacted=True), rendered)
    assert not problems, f"{rid} differs from its reference copy:\n" + "\n".join(problems)
    assert {n for _, n in rendered} == set(range(1, len(Course.find().reading(rid)) + 1))


@pytest.mark.parametrize("rid", READINGS)
def test_instructor_reading_is_verbatim_without_redaction(html_instructor, rid):
    rendered = _page_tokens(html_instructor.output.parent, rid)
    problems = diff_tokens(reference_tokens(rid), rendered)
    assert not problems, f"{rid} (instructor) differs from its reference copy:\n" + "\n".join(problems)


def test_verbatim_check_catches_a_one_word_change(html_student):
    """The same check, run on the built page with one word changed, names the paragraph and word."""
    html_dir = html_student.output.parent
    html = (html_dir / "readings" / "al-waie-472.html").read_text(encoding="utf-8")
    assert "Donald Rumsfeld" in html
    tampered = html.replace("Donald Rumsfeld", "Donald Rumsfield", 1)
    problems = diff_tokens(
        reference_tokens("al-waie-472", redacted=True), rendered_reading_tokens(tampered, "al-waie-472")
    )
    first = Course.find().reading("al-waie-472").search("Donald Rumsfeld")[0].n
    assert problems and problems[0].startswith(f"¶{first}:") and "Rumsfield" in problems[0]
    # a lost word and a lost Arabic letter are caught too
    target = '<span class="paranum">2</span> (Translated)'
    assert target in html
    lost = html.replace(target, '<span class="paranum">2</span> ', 1)
    assert any(
        "lost" in p
        for p in diff_tokens(
            reference_tokens("al-waie-472", redacted=True), rendered_reading_tokens(lost, "al-waie-472")
        )
    )
    from course.content.readings import ARABIC_RE

    para = next(p for p in Course.find().reading("al-waie-472").paragraphs if ARABIC_RE.search(p.text))
    word = next(t for t in para.text.split() if ARABIC_RE.match(t) and len(t) > 3)
    assert word in html
    arabic = html.replace(word, word[1:], 1)  # one Arabic letter lost
    assert any(
        f"¶{para.n}" in p
        for p in diff_tokens(
            reference_tokens("al-waie-472", redacted=True), rendered_reading_tokens(arabic, "al-waie-472")
        )
    )


def test_reading_pages_have_their_frame(html_student):
    html_dir = html_student.output.parent
    for rid in READINGS:
        html = (html_dir / "readings" / f"{rid}.html").read_text(encoding="utf-8")
        for needle in (
            "reading-provenance",
            "Content note",
            "How this text is built",
            "Before you read",
            "After you read",
            "Where the course cites this reading",
        ):
            assert needle in html, (rid, needle)
        # the frame comes before the text
        assert html.index("Before you read") < html.index('class="reading-text')
        # no link to a movement site, and no images in reading pages
        assert 'href="https://www.al-waie.org' not in html and "<img" not in html.split('class="reading-text')[1]


def test_para_links_and_backlinks(html_student):
    html_dir = html_student.output.parent
    html = (html_dir / "readings" / "khilafat-web.html").read_text(encoding="utf-8")
    # a {para} link with its hover preview, from the frame
    m = re.search(r'<a class="reference internal" href="#khilafat-web-p12" title="([^"]+)"', html)
    assert m and m.group(1).startswith("Reading A, ¶12: Khilafat has historically been")
    # backlinks: at least one page outside the readings cites each reading (the modules do)
    for rid in READINGS:
        page = (html_dir / "readings" / f"{rid}.html").read_text(encoding="utf-8")
        section = page.split('id="where-the-course-cites-this-reading"')[1]
        links = re.findall(r'href="(\.\./modules/[^"#]+)#cite-', section)
        assert links, f"no lesson or exercise backlink on the {rid} page"


def _tiny_project(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    (tmp_path / "conf.py").write_text(
        textwrap.dedent("""
        extensions = ["myst_parser", "course.sphinxext"]
        exclude_patterns = ["_build"]
        myst_enable_extensions = ["colon_fence"]
    """)
    )
    (tmp_path / "index.md").write_text(body, encoding="utf-8")
    # the book reads the readings of the folder it builds (their data only, not their pages)
    for meta in (ROOT / "readings").glob("*/reading.yaml"):
        (tmp_path / "readings").mkdir(exist_ok=True)
        (tmp_path / "readings" / meta.parent.name).symlink_to(meta.parent)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "--keep-going",
            "-q",
            str(tmp_path),
            str(tmp_path / "_build"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_dangling_para_id_fails_the_build_with_file_line_and_nearest_ids(tmp_path):
    res = _tiny_project(tmp_path, "# T\n\nFirst line.\n\nSee {para}`al-waie-472:99`.\n")
    assert res.returncode != 0
    assert "index.md:5" in res.stderr
    assert "al-waie-472:86, al-waie-472:87" in res.stderr


def test_excerpts_mode_prints_only_cited_paragraphs_verbatim():
    res = built("html", "student", readings="excerpts")
    html_dir = res.output.parent
    omitted_somewhere = False
    for rid in READINGS:
        html = (html_dir / "readings" / f"{rid}.html").read_text(encoding="utf-8")
        rendered = _page_tokens(html_dir, rid)
        printed = {n for _, n in rendered}
        assert printed, f"{rid}: nothing printed in excerpts mode"
        problems = diff_tokens(reference_tokens(rid, printed, redacted=True), rendered)
        assert not problems, "\n".join(problems)
        if len(printed) < len(Course.find().reading(rid)):
            omitted_somewhere = True
            assert "omitted in this excerpts edition" in html
            # links into omitted paragraphs still land: the note carries their anchors
            missing = set(range(1, len(Course.find().reading(rid)) + 1)) - printed
            assert all(f'id="{rid}-p{n}"' in html for n in missing)
    assert omitted_somewhere


def test_reader_pack_pdf():
    require("pdftotext")
    res = built("reader")
    text = subprocess.run(["pdftotext", str(res.output), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("Reviving Khilafat for Justice", "Strategic Alternative", "Before you read", "Editorial policy"):
        assert title in text
    assert "Learning objectives" not in text  # readings only
    assert res.output.name == "reading-the-caliphate-reader.pdf"


def test_excerpts_mode_builds_as_pdf_and_epub():
    """Both modes build in every format; the omission notes reach print and e-book too."""
    require("pdftotext")
    pdf = built("pdf", "student", readings="excerpts").output
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "omitted in this excerpts edition" in text
    import zipfile

    epub = built("epub", "student", readings="excerpts").output
    with zipfile.ZipFile(epub) as z:
        page = next(n for n in z.namelist() if n.endswith("al-waie-472.xhtml"))
        assert "omitted in this excerpts edition" in z.read(page).decode("utf-8")

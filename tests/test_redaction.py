"""Movement web addresses are withheld from every student output (the one documented exception to the
verbatim rule), kept in the instructor edition; the verbatim check accepts exactly that redaction;
editorial margin notes ("call to action") and notes render in every format; the excerpts edition
states how much of each reading it prints."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, built, require

from course.content import Course
from course.content.readings import WEB_ADDRESS_RE, diff_tokens
from course.errors import CourseInputError
from course.verify import address_hits, reference_tokens, rendered_reading_tokens, student_output_addresses

B = "al-waie-472"


def _page(html_dir: Path, rid: str) -> str:
    return (html_dir / "readings" / f"{rid}.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# The data


def test_the_addresses_to_withhold_are_listed():
    addresses = student_output_addresses(ROOT)
    domains = {a.split("/")[0] for a in addresses}
    assert domains == {"al-waie.org", "muznagroup.com"}


def test_every_web_address_in_a_reading_is_withheld():
    """A web address added to a reading's text must be listed in its redact list, or this fails."""
    for rid in Course.find().reading_ids:
        r = Course.find().reading(rid)
        listed = {(x.paragraph, x.text) for x in r.redactions}
        for p in r.paragraphs:
            for m in re.finditer(r"(?:[a-z]+://|www\.)[^\s]+", p.text, re.I):
                token = next(t for t in p.text.split() if m.group(0) in t)
                assert (p.n, token) in listed, f"{rid}:{p.n} prints {token!r}, which no redact entry lists"


def _copy_reading(tmp_path: Path, rid: str, edit) -> Path:
    src = ROOT / "readings" / rid
    dst = tmp_path / "readings" / rid
    shutil.copytree(src, dst)
    meta = dst / "reading.yaml"
    meta.write_text(edit(meta.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "edit, message",
    [
        # only a web address may be withheld: redacting a word is refused
        (
            lambda t: t.replace('text: "<https://www.al-waie.org/archives/article/20069>"', 'text: "Rumsfeld"').replace(
                "paragraph: 3", "paragraph: 21"
            ),
            "is not a web address",
        ),
        # the replacement must be a bracketed editorial phrase
        (
            lambda t: t.replace('replacement: "[web address withheld]"', 'replacement: "see the website"'),
            "bracketed editorial phrase",
        ),
        # the address must stand, exactly once, in the paragraph named
        (lambda t: t.replace("paragraph: 3", "paragraph: 4"), "contains '<https://www.al-waie.org"),
        # no other keys (for instance a different edition rule) are accepted
        (
            lambda t: t.replace(
                'replacement: "[web address withheld]"',
                'replacement: "[web address withheld]"\n    editions: [instructor]',
            ),
            "exactly the keys",
        ),
    ],
)
def test_a_redaction_that_is_not_exactly_a_web_address_is_refused(tmp_path, edit, message):
    root = _copy_reading(tmp_path, B, edit)
    with pytest.raises(CourseInputError, match=re.escape(message)):
        Course.of(root).reading(B)


def test_web_address_pattern():
    for ok in ("<https://www.al-waie.org/archives/article/20069>", "muznagroup.com/about", "www.example.org"):
        assert WEB_ADDRESS_RE.fullmatch(ok.strip("<>")), ok
    for no in ("Donald Rumsfeld", "e.g.", "(Translated)", "1447 AH"):
        assert not WEB_ADDRESS_RE.fullmatch(no), no


# ------------------------------------------------------------------------------------------------
# The verbatim check accepts exactly this redaction


def test_verbatim_accepts_exactly_the_listed_redaction(html_student):
    html = _page(html_student.output.parent, B)
    rendered = rendered_reading_tokens(html, B)
    # against the redacted reference: identical
    assert diff_tokens(reference_tokens(B, redacted=True), rendered) == []
    # against the reference as received: the one difference is the listed address, in ¶3
    problems = diff_tokens(reference_tokens(B), rendered)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        "¶3: changed '<https://www.al-waie.org/archives/article/20069>' → '[web address withheld]'"
    )


def test_verbatim_refuses_any_other_change(html_student, html_instructor):
    html = _page(html_student.output.parent, B)
    ref = reference_tokens(B, redacted=True)
    # the same editorial phrase put anywhere else is a change, and is caught
    elsewhere = html.replace("Donald Rumsfeld", "[web address withheld]", 1)
    assert "Donald Rumsfeld" in html and elsewhere != html
    problems = diff_tokens(ref, rendered_reading_tokens(elsewhere, B))
    assert problems and "Rumsfeld" in problems[0]
    # a different wording of the withheld address is caught
    reworded = html.replace("[web address withheld]", "[address removed]", 1)
    assert diff_tokens(ref, rendered_reading_tokens(reworded, B))
    # printing the address in a student page (the instructor page's ¶3) fails the student check
    instr = _page(html_instructor.output.parent, B)
    problems = diff_tokens(ref, rendered_reading_tokens(instr, B))
    assert problems and problems[0].startswith("¶3:")


# ------------------------------------------------------------------------------------------------
# Student outputs contain no movement address; the instructor edition does


def _no_addresses(paths):
    hits = address_hits(paths, student_output_addresses(ROOT))
    assert not hits, "movement web address in a student output:\n" + "\n".join(f"{f}: {a}" for f, a in hits[:20])


def test_student_html_and_search_index_contain_no_movement_address(html_student):
    html_dir = html_student.output.parent
    assert (html_dir / "searchindex.js").exists()
    _no_addresses([html_dir])
    # the withheld paragraph says so, and the provenance has no web-address row
    page = _page(html_dir, B)
    assert "[web address withheld]" in page and "Web address (instructor edition only)" not in page


def test_instructor_edition_keeps_the_addresses(html_instructor):
    html_dir = html_instructor.output.parent
    hits = {a for _, a in address_hits([html_dir / "readings"], student_output_addresses(ROOT))}
    assert {a.split("/")[0] for a in hits} == {"al-waie.org", "muznagroup.com"}
    b, a = _page(html_dir, B), _page(html_dir, "khilafat-web")
    assert "&lt;https://www.al-waie.org/archives/article/20069&gt;" in b  # ¶3 as received
    assert "Web address (instructor edition only)" in b and "muznagroup.com/about" in a
    assert 'href="https://www.al-waie.org' not in b and 'href="https://muznagroup' not in a  # never linked


def test_the_scan_finds_an_address_planted_in_a_student_page(html_student, tmp_path):
    """The scan can fail: one address planted in a copy of a page, split by markup, is reported."""
    page = _page(html_student.output.parent, "khilafat-web")
    planted = tmp_path / "planted.html"
    planted.write_text(page + "<p>see muzna<b>group</b>.com</p>", encoding="utf-8")
    assert address_hits([tmp_path], student_output_addresses(ROOT))


def test_excerpts_html_contains_no_movement_address():
    _no_addresses([built("html", "student", readings="excerpts").output.parent])


def test_student_pdf_epub_and_reader_pack_contain_no_movement_address():
    require("pdftotext")
    _no_addresses([built("pdf", "student").output, built("epub", "student").output, built("reader", "student").output])


def test_excerpts_pdf_and_epub_contain_no_movement_address():
    require("pdftotext")
    _no_addresses(
        [built("pdf", "student", readings="excerpts").output, built("epub", "student", readings="excerpts").output]
    )


def test_instructor_pdf_keeps_the_addresses():
    require("pdftotext")
    hits = {
        a.split("/")[0] for _, a in address_hits([built("pdf", "instructor").output], student_output_addresses(ROOT))
    }
    assert hits == {"al-waie.org", "muznagroup.com"}


# ------------------------------------------------------------------------------------------------
# Margin notes and editorial notes


def test_calls_to_action_have_margin_notes_beside_their_paragraphs(html_student):
    html_dir = html_student.output.parent
    expected = {"khilafat-web": [(13, 18)], B: [(66, 67), (81, 81)]}
    for rid, ranges in expected.items():
        page = _page(html_dir, rid)
        for a, b in ranges:
            where = f"¶{a}" if a == b else f"¶{a}–{b}"
            m = re.search(
                r'<aside class="margin reading-margin-note[^"]*">\s*<p class="sidebar-title">'
                rf'Call to action \({where}\)</p>(.*?)</aside>\s*<p class="reading-para[^"]*" '
                rf'id="{rid}-p(\d+)"',
                page,
                re.S,
            )
            assert m, f"{rid}: no call-to-action note for {where} before its first paragraph"
            assert int(m.group(2)) == a and len(m.group(1)) > 80


def test_margin_notes_reach_pdf_and_epub():
    require("pdftotext")
    text = subprocess.run(
        ["pdftotext", str(built("pdf", "student").output), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count("Call to action") >= 3
    with zipfile.ZipFile(built("epub", "student").output) as z:
        page = next(n for n in z.namelist() if n.endswith("khilafat-web.xhtml"))
        assert "Call to action (¶13–18)" in z.read(page).decode("utf-8")


def test_margin_note_in_excerpts_goes_before_the_first_printed_paragraph_of_its_range():
    html_dir = built("html", "student", readings="excerpts").output.parent
    page = _page(html_dir, "khilafat-web")
    printed = {n for _, n in rendered_reading_tokens(page, "khilafat-web")}
    if printed & set(range(13, 19)):
        first = min(printed & set(range(13, 19)))
        assert re.search(
            rf'Call to action \(¶13–18\)</p>.*?</aside>\s*<p class="reading-para[^"]*" '
            rf'id="khilafat-web-p{first}"',
            page,
            re.S,
        )
    else:
        assert "Call to action (¶13–18)" not in page


def test_editorial_notes_end_with_one_full_stop(html_student):
    for rid in Course.find().reading_ids:
        page = _page(html_student.output.parent, rid)
        notes = re.findall(r'<p class="apparatus reading-note">(.*?)</p>', page, re.S)
        assert notes, rid
        for note in notes:
            text = re.sub(r"<[^>]+>", "", note).strip()
            assert text.endswith(".") and not re.search(r"\.\s*\.", text), f"{rid}: {text!r}"


# ------------------------------------------------------------------------------------------------
# The excerpts edition states its coverage


def test_excerpts_build_reports_coverage_that_matches_the_printed_pages():
    res = built("html", "student", readings="excerpts")
    html_dir = res.output.parent
    assert len(res.coverage) == len(Course.find().reading_ids)
    for line in res.coverage:
        m = re.match(r"Reading ([A-C]): ([\d,]+) of ([\d,]+) words \((\d+) %\), (\d+) of (\d+) paragraphs$", line)
        assert m, line
        r = next(
            Course.find().reading(x) for x in Course.find().reading_ids if Course.find().reading(x).letter == m.group(1)
        )
        printed = {n for _, n in rendered_reading_tokens(_page(html_dir, r.id), r.id)}
        words = sum(r.paragraph(n).word_count for n in printed)
        assert int(m.group(2).replace(",", "")) == words
        assert int(m.group(3).replace(",", "")) == r.word_count
        assert int(m.group(4)) == round(100 * words / r.word_count)
        assert int(m.group(5)) == len(printed) and int(m.group(6)) == len(r)
    # the full build reports nothing
    assert built("html", "student").coverage == []


def test_coverage_is_shown_where_the_excerpts_edition_is_offered(html_student, html_instructor):
    """The same figures the build prints stand in the instructor guide, the editorial policy and the
    readings index, computed at build time so they cannot go stale."""
    lines = built("html", "student", readings="excerpts").coverage
    assert lines
    pages = [
        html_instructor.output.parent / "instructor" / "guide.html",
        html_student.output.parent / "readings" / "editorial-policy.html",
    ]
    for page in pages:
        text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        for line in lines:
            assert line in text, (page.name, line)
    index = (html_student.output.parent / "readings" / "index.html").read_text(encoding="utf-8")
    assert "Words in those paragraphs" in index


def test_margin_note_quotations_are_in_their_paragraphs():
    """A margin note that quotes its paragraphs quotes them word for word."""
    from test_quotations import check

    checked = 0
    for rid in Course.find().reading_ids:
        r = Course.find().reading(rid)
        for m in r.margin_notes:
            ref = f"{rid}:{m.start}" if m.start == m.end else f"{rid}:{m.start}-{m.end}"
            for q in re.findall(r"“([^”]+)”", m.text):
                assert check(q, [ref]) is None, (rid, m.label, q)
                checked += 1
    assert checked >= 3


def test_link_previews_withhold_the_address_in_student_editions(tmp_path):
    """A {para} link's hover preview quotes the paragraph's opening: in a student edition it shows
    the editorial phrase, in the instructor edition the text as received."""
    import sys
    import textwrap

    (tmp_path / "conf.py").write_text(
        textwrap.dedent("""
        extensions = ["myst_parser", "course.sphinxext"]
        exclude_patterns = ["_build"]
    """)
    )
    (tmp_path / "index.md").write_text(
        "# T\n\nSee {para}`al-waie-472:3`.\n\n```{toctree}\nreadings/al-waie-472\n```\n", encoding="utf-8"
    )
    (tmp_path / "readings").mkdir()
    (tmp_path / "readings" / "al-waie-472.md").write_text(
        "# B\n\n```{reading-text} al-waie-472\n```\n", encoding="utf-8"
    )
    # the book reads the readings of the folder it builds
    for meta in (ROOT / "readings").glob("*/reading.yaml"):
        (tmp_path / "readings" / meta.parent.name).symlink_to(meta.parent)
    pages = {}
    for edition in ("student", "instructor"):
        out = tmp_path / f"_build_{edition}"
        res = subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-b",
                "html",
                "-q",
                "-D",
                f"course_edition={edition}",
                str(tmp_path),
                str(out),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert res.returncode == 0, res.stderr
        pages[edition] = (out / "index.html").read_text(encoding="utf-8") + (
            out / "readings" / "al-waie-472.html"
        ).read_text(encoding="utf-8")
    assert 'title="Reading B, ¶3: [web address withheld]"' in pages["student"]
    assert "al-waie.org" not in pages["student"]
    assert 'title="Reading B, ¶3: &lt;https://www.al-waie.org/archives/article/20069&gt;"' in pages["instructor"]

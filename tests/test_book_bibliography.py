"""The bibliography: one author–year style in the text and the list (the course's pybtex style),
a/b for same-author same-year works, titles as written, no date twice, and no TeX left-overs in the
built HTML or PDF."""

from __future__ import annotations

import html
import re
import subprocess

import pytest
from conftest import built, require
from pybtex.database import parse_string

from course.sphinxext.bibstyle import CourseStyle, tex_quotes

# what TeX markup looks like when it leaks: quotes, braces, backslash commands, ties, -- and ---
RESIDUE = re.compile(r"`|''|[{}\\~]|(?<!-)--(?!-)|---|\\[a-zA-Z]+")

BIB = r"""
@article{a1, author = {Smith, Ann and Jones, Bo and Lee, Cy}, title = {The Virtual `Caliphate': {Islamic} Superstate}, journal = {J}, year = {2023}}
@article{a2, author = {Smith, Ann and Brown, Di and Lee, Cy}, title = {Another Study}, journal = {J}, year = {2023}}
@article{a3, author = {Smith, Ann}, title = {Alone}, journal = {J}, year = {2023}}
@misc{n1, author = {{Gulf News}}, title = {Rise and Fall}, year = {2019}, month = mar, howpublished = {Gulf News, 23 March 2019}}
@book{b1, author = {Qureshi, M. Naeem}, title = {The {ʿUlamāʾ} of {British India}}, publisher = {P}, year = {1979}}
"""


@pytest.fixture(scope="module")
def formatted():
    entries = parse_string(BIB, "bibtex").entries
    style = CourseStyle()
    return {e.key: (e.label, e.text.render_as("text")) for e in style.format_entries(entries.values())}


def test_labels_are_author_year_and_disambiguated(formatted):
    labels = {k: lab for k, (lab, _) in formatted.items()}
    assert labels["a3"] == "Smith, 2023"
    assert sorted([labels["a1"], labels["a2"]]) == ["Smith et al., 2023a", "Smith et al., 2023b"]
    assert labels["n1"] == "Gulf News, 2019"
    assert len(set(labels.values())) == len(labels)


def test_titles_keep_capitals_quotes_are_typographic_and_dates_not_repeated(formatted):
    text = formatted["a1"][1]
    assert "The Virtual ‘Caliphate’: Islamic Superstate" in text
    assert "ʿUlamāʾ of British India" in formatted["b1"][1]
    gulf = formatted["n1"][1]
    assert gulf.count("2019") == 1 and "March 2019, March" not in gulf, gulf
    for _, t in formatted.values():
        assert not RESIDUE.search(t), t


def test_tex_quotes():
    assert tex_quotes("``Linkage-Based'' Approach") == "“Linkage-Based” Approach"
    assert tex_quotes("Acheson's `Present at the Creation' Reminds") == "Acheson's ‘Present at the Creation’ Reminds"
    assert tex_quotes(r"Mawsu{\textquoteleft}at, 1990\textendash 1995") == "Mawsu‘at, 1990–1995"
    assert tex_quotes(r"about \$4.0 trillion") == "about $4.0 trillion"


def _bibliography_items(html_dir):
    page = (html_dir / "bibliography.html").read_text(encoding="utf-8")
    items = re.findall(r'<div class="citation" id="[^"]+"[^>]*>(.*?)</div>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", i)).split()) for i in items]


def test_built_html_bibliography_has_no_tex_residue_and_matches_the_text(html_student):
    html_dir = html_student.output.parent
    items = _bibliography_items(html_dir)
    assert len(items) > 50
    labels = []
    for item in items:
        m = re.match(r"\[([^\]]+)\]", item)
        assert m, item[:80]
        labels.append(m.group(1))
        body = item[m.end() :]
        bad = RESIDUE.search(re.sub(r"https?://\S+|doi:\S+", "", body))
        assert not bad, f"TeX residue {bad.group(0)!r} in: {item[:160]}"
        assert not re.search(r"\b(\w+ \d{4}), \1\b", body), f"date twice: {item[:160]}"
    for lab in labels:
        assert re.fullmatch(r".+, (\d{4}|n\.d\.)[a-z]?", lab), f"label not author–year: {lab!r}"
    assert len(set(labels)) == len(labels), "two entries with the same label"
    # every citation in a page's text is one of the list's labels (same style in both)
    cited = set()
    for page in html_dir.rglob("modules/*/*.html"):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(
            r'<a class="reference internal" href="[^"]*bibliography\.html#[^"]+"[^>]*>(.*?)</a>', text, re.S
        ):
            cited.add(" ".join(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split()))
    years = {re.search(r"(\d{4}|n\.d\.)[a-z]?$", lab).group(0) for lab in labels}
    assert cited and all(
        re.search(r"(\d{4}|n\.d\.)[a-z]?$", c).group(0) in years for c in cited if re.search(r"\d{4}", c)
    )
    pisk = [lab for lab in labels if lab.startswith("Piskorski et al., 2023")]
    assert len(pisk) == len(set(pisk)) >= 2 and all(p[-1] in "abc" for p in pisk)


def test_built_pdf_bibliography_has_no_tex_residue():
    require("pdftotext")
    pdf = built("pdf", "student").output
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # the pages of the bibliography: those with several "[Author, year]" entries
    bib = "\n".join(
        p for p in text.split("\f") if len(re.findall(r"^\[[^\]]+, (?:\d{4}|n\.d\.)[a-z]?\]", p, re.M)) >= 3
    )
    assert len(bib) > 5000, "bibliography not found in the PDF text"
    bib = re.sub(r"https?://\S+|doi:\S+", "", bib)
    for bad in ("`", "''", "{", "}", "\\", "~"):
        assert bad not in bib, f"TeX residue {bad!r} in the PDF bibliography"
    assert "GovernmentoPakistan" not in bib and "[Pis+23" not in bib


def test_every_entry_of_references_bib_formats_without_tex_residue(root):
    """The whole references.bib (new entries included) through the course style, no build needed."""
    from pybtex.database import parse_file

    entries = parse_file(str(root / "references.bib")).entries
    bad = []
    for e in CourseStyle().format_entries(entries.values()):
        text = re.sub(r"https?://\S+|doi:\S+", "", e.text.render_as("text"))
        if RESIDUE.search(text):
            bad.append(f"{e.key}: {RESIDUE.search(text).group(0)!r} in {text[:120]}")
    assert not bad, "\n".join(bad[:10])
    assert tex_quotes(r"Ma{\d{h}}m{\=u}d") == r"Maḥm{\=u}d"


def test_strings_the_codec_would_not_change_are_the_only_ones_it_skips(root):
    """The build skips latexcodec for strings it would return unchanged (most of the bibliography).
    Every field and name of references.bib, and strings with each thing the codec does change."""
    import codecs

    import latexcodec  # noqa: F401
    from pybtex.database import parse_file

    from course.sphinxext.bibstyle import plain_latex

    strings = []
    for e in parse_file(str(root / "references.bib")).entries.values():
        strings += e.fields.values()
        for person in (p for people in e.persons.values() for p in people):
            strings += [str(person), *person.first_names, *person.middle_names, *person.prelast_names]
            strings += [*person.last_names, *person.lineage_names]
    tricky = ["a--b", "a---b", "``x''", "a~b", "a  b", "a\nb", "x \\& y", " lead", "100% sure", "{A}", "$x$"]
    tricky += ["!`Hola", "?`Qué", ",,x", "a\tb", "\\'e"]
    skipped = [s for s in strings + tricky if plain_latex(s)]
    assert len(skipped) > len(strings) / 2  # the point of it: most strings need no decoding
    wrong = [s for s in skipped if codecs.decode(s, "ulatex") != s]
    assert wrong == []
    assert not any(plain_latex(t) for t in tricky)

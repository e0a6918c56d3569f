"""Every quotation the course attributes to a reading paragraph is in that paragraph.

A quotation is a run of text in double quotation marks ("…" or “…”) followed directly by a paragraph
citation, with or without a bracket: ``"the Pharaoh" ({para}`al-waie-472:67-68`)``. After folding
quotation marks, punctuation, letter case and spacing, the quotation must appear in the cited
paragraph or range; an ellipsis (… or ...) or a bracketed insertion ([…]) marks an omission, and the
parts must then appear in order. Lessons, readings' frames, the instructor's kit, the glossary and
every exercise field are searched.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from conftest import ROOT

from course.content import Course
from course.content.readings import ReadingRefError
from course.content.yaml import load_data


def fold(text: str) -> str:
    """Fold for comparison: Unicode compatibility forms, no markup, no punctuation, one case."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\{[a-z:-]+\}`([^`]*)`", r"\1", text)  # MyST roles keep their text
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.casefold().split())


def parts(quotation: str) -> list[str]:
    """The pieces of a quotation between omission marks."""
    pieces = re.split(r"\[[^\]]*\]|…|\.\.\.", quotation)
    return [fold(p) for p in pieces if fold(p)]


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _sources() -> list[tuple[str, str]]:
    out = []
    for md in sorted(
        [*ROOT.glob("modules/**/*.md"), *ROOT.glob("readings/*.md"), *ROOT.glob("instructor/*.md"), ROOT / "index.md"]
    ):
        out.append((str(md.relative_to(ROOT)), md.read_text(encoding="utf-8")))
    for y in sorted([*ROOT.glob("exercises/*.yaml"), *ROOT.glob("glossary/*.yaml")]):
        for i, s in enumerate(_strings(load_data(y))):
            out.append((f"{y.relative_to(ROOT)} (string {i + 1})", s))
    return out


def quotations(text: str):
    """(quotation, paragraph reference) for every quotation directly followed by a citation.
    Straight quotation marks are paired in order within a block (text between blank lines)."""
    for block in re.split(r"\n\s*\n", text):
        for m in QUOTED.finditer(block):
            refs = re.findall(r"\{para\}`([^`]+)`", m.group("refs1") or m.group("refs2"))
            yield (m.group("c") or m.group("s")), refs


# one citation, or several separated by commas or semicolons: the quotation may be in any of them
REFS = r"\s*\(?\s*(?P<refs{n}>\{{para\}}`[^`]+`(?:\s*[,;]\s*\{{para\}}`[^`]+`)*)"
QUOTED = re.compile(
    r"“(?P<c>[^”]{1,400})”"
    + REFS.format(n=1)
    + r"|\"(?P<s>[^\"\n]{1,400}(?:\n[^\"\n]{1,400}){0,3})\""
    + REFS.format(n=2)
)


def check(quotation: str, refs: list[str]) -> str | None:
    """None if the quotation is in one of the cited paragraphs or ranges, else what is wrong."""
    problem = None
    for ref in refs:
        try:
            _, paras = Course.find().resolve_ref(ref)
        except ReadingRefError as exc:
            return str(exc)
        haystack = fold(" ".join(p.text for p in paras))
        pos = 0
        for piece in parts(quotation):
            i = haystack.find(piece, pos)
            if i < 0:
                problem = f"“{quotation}” is not in {', '.join(refs)} (looked for “{piece}”)"
                break
            pos = i + len(piece)
        else:
            return None
    return problem


def test_every_quotation_is_verbatim_in_its_cited_paragraph():
    found = 0
    problems = []
    for where, text in _sources():
        for quotation, ref in quotations(text):
            found += 1
            problem = check(quotation, ref)
            if problem:
                problems.append(f"{where}: {problem}")
    assert found >= 40, f"only {found} quotations with citations found: is the pattern still right?"
    assert not problems, "quotations that do not match their paragraph:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "text, ok",
    [
        ('C says they "will simply kill you" ({para}`critique-ht-foreign-policy:8`).', True),
        ('C says they "will simply be killed" ({para}`critique-ht-foreign-policy:8`).', False),
        ('"Pharaoh" ({para}`al-waie-472:67-68`)', True),
        ('"the Pharaoh" ({para}`al-waie-472:67-68`)', False),
        ("“How can I join?” ({para}`khilafat-web:13`)", True),
        ("“How can I join?” ({para}`khilafat-web:14`)", False),
        ('"The historical moment … grants the Ummah the opportunity" ({para}`al-waie-472:80`)', True),
        ('"grants the Ummah … The historical moment" ({para}`al-waie-472:80`)', False),  # order matters
        ('"current of Islam" ({para}`al-waie-472:52-53`, {para}`al-waie-472:60`)', True),  # any of several
        ('"current of Islam" ({para}`al-waie-472:52-53`; {para}`al-waie-472:18`)', False),
        ('"Donald  Rumsfeld,\n said" {para}`al-waie-472:21`', None),  # only checks the pattern is found
    ],
)
def test_the_check_catches_misquotations(text, ok):
    found = list(quotations(text))
    assert len(found) == 1, found
    if ok is not None:
        assert (check(*found[0]) is None) is ok, check(*found[0])

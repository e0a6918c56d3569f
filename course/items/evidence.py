"""Paragraph ids and sources in learners' answers: shared by the locate, annotate, verdict and open types.

- which paragraphs exist (:func:`default_paragraph_check`, :func:`reading_length`), and the readings'
  letters (Reading A, B, C);
- paragraph references in free text (:func:`citations`) and in one answer entry
  (:func:`paragraph_numbers`);
- what the evidence of a verdict must cite and name (:func:`relevant_paragraphs`,
  :func:`accepted_sources`, :func:`named_sources`, :func:`evidence_shortfalls`,
  :func:`reference_evidence`), and sections of an open response (:func:`section_present`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from course.content import Course, normalize
from course.content.exercise_sets import words
from course.items.answers import show
from course.items.base import AnswerError, ParagraphCheck


def _known_readings() -> frozenset[str] | None:
    """The reading ids of the current course (None if the readings are not available)."""
    return _known_readings_of(Course.current())


@lru_cache(maxsize=8)
def _known_readings_of(course: Course) -> frozenset[str] | None:
    """Listed once per course."""
    try:
        return frozenset(course.reading_ids)
    except Exception:  # noqa: BLE001 - readings not available
        return None


def reading_length(reading_id: str) -> int | None:
    """How many paragraphs the current course's reading ``reading_id`` has (None: no such reading)."""
    return _reading_length_of(Course.current(), reading_id)


@lru_cache(maxsize=256)
def _reading_length_of(course: Course, reading_id: str) -> int | None:
    known = _known_readings_of(course)
    if known is not None and reading_id not in known:
        return None  # not a reading: no disk lookup (evidence may cite thousands of made-up ids)
    try:
        return len(course.reading(reading_id))
    except Exception:  # noqa: BLE001 - unknown reading, or readings not available
        return None


def default_paragraph_check(reading_id: str, n: int) -> bool:
    length = reading_length(reading_id)
    return length is not None and 1 <= n <= length


_REF = re.compile(r"(?<![\w-])([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\s*:\s*(\d+)(?:\s*[-–]\s*(\d+))?")


def citations(text: str, exists: ParagraphCheck | None = None) -> tuple[list[str], list[str]]:
    """Paragraph references ``<reading-id>:<n>`` (or ranges) in ``text``: (existing, not existing)."""
    exists = exists or default_paragraph_check
    good, bad = [], []
    seen: set[str] = set()
    for m in _REF.finditer(text):
        if len(m.group(2)) > 9 or len(m.group(3) or "") > 9:
            continue  # not a paragraph number
        rid, a, b = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
        ref = f"{rid}:{a}" + (f"-{b}" if b != a else "")
        if ref in seen:
            continue
        seen.add(ref)
        if b >= a and exists(rid, a) and exists(rid, b):
            good.append(ref)
        elif "-" in rid or exists(rid, 1):  # looks like a reading id: report it
            bad.append(ref)
    return good, bad


def _plain_number(raw: Any) -> list[int] | None:
    """A number entry (12, 12.0) as a list; None for text; :class:`AnswerError` for anything else."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, (list, dict, tuple)):
        raise AnswerError(f"{show(raw)} is not a paragraph number")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise AnswerError(f"{raw} is not a paragraph number")
        raw = int(raw)
    if isinstance(raw, int):
        return [raw]
    return None


def _without_letter(item, raw: Any, s: str, own: str) -> str:
    """``s`` without a leading reading letter (C:5, C 5, Reading C ¶5, reading C, para 5)."""
    by_letter = _LETTER_REF.match(s)
    if not by_letter:
        return s
    letter = by_letter.group(1).upper()
    rid = reading_letters().get(letter)
    if rid is None:
        raise AnswerError(f"there is no Reading {letter}; this question is about {own}")
    if rid != item.reading:
        raise AnswerError(f"'{show(raw)}' is in {_reading_name(rid)}, but this question is about {own}")
    return by_letter.group(2)


_PARA_ID = re.compile(
    r"^(?:([a-z0-9][a-z0-9-]*[a-z0-9])\s*(?::\s*|\s+)(?:¶\s*)?)?(\d+)(?:\s*[-–]\s*(\d+))?$", re.IGNORECASE
)


def paragraph_numbers(item, raw: Any, *, allow_range: bool) -> list[int]:
    """Paragraph numbers in one entry of a locate or annotate answer: 12, '12', '12-14',
    'al-waie-472:12', '¶12'."""
    plain = _plain_number(raw)
    if plain is not None:
        return plain
    s = str(raw).strip()
    if len(s) > 200:
        raise AnswerError(f"'{show(raw)}' is not a paragraph id; write a number such as 12")
    own = _reading_name(item.reading)
    s = _without_letter(item, raw, s, own).lstrip("¶§#").strip()
    m = _PARA_ID.match(s)
    if not m or len(m.group(2)) > 9 or len(m.group(3) or "") > 9:
        raise AnswerError(
            f"'{show(raw)}' is not a paragraph id; write a number such as 12, or "
            f"{_reading_letter(item.reading) or item.reading}:12 for paragraph 12 of {own}"
        )
    rid, a, b = m.group(1), int(m.group(2)), m.group(3)
    if rid and rid.lower() != item.reading:
        raise AnswerError(f"'{show(raw)}' is in {_reading_name(rid.lower())}, but this question is about {own}")
    if b is None:
        return [a]
    b = int(b)
    if not allow_range:
        raise AnswerError(f"'{show(raw)}': give one paragraph per line, not a range")
    if b < a or b - a > 200:
        raise AnswerError(f"'{show(raw)}' is not a valid range of paragraphs")
    return list(range(a, b + 1))


_LETTER_REF = re.compile(
    r"^(?:reading\s+)?([a-z])(?:\s*[:,]\s*|\s+)(?:¶|§|#|para(?:graph)?\.?)?\s*"
    r"(\d+(?:\s*[-–]\s*\d+)?)$",
    re.IGNORECASE,
)


def reading_letters() -> dict[str, str]:
    """Reading letter (A, B, C) → reading id, from the current course's readings' metadata."""
    return _reading_letters_of(Course.current())


@lru_cache(maxsize=8)
def _reading_letters_of(course: Course) -> dict[str, str]:
    out = {}
    for rid in _known_readings_of(course) or ():
        try:
            letter = str(course.reading(rid).letter).upper()
            out.setdefault(letter, rid)
        except Exception:  # noqa: BLE001, S112 - a reading without a letter is referred to by its id
            continue
    return out


def _reading_letter(reading_id: str) -> str | None:
    return next((k for k, v in reading_letters().items() if v == reading_id), None)


def _reading_name(reading_id: str) -> str:
    letter = _reading_letter(reading_id)
    return f"Reading {letter} ({reading_id})" if letter else f"reading '{reading_id}'"


def check_exist(item, numbers: Iterable[int], exists: ParagraphCheck) -> None:
    if reading_length(item.reading) is None and exists is default_paragraph_check:
        return  # reading not available: cannot check, do not penalise
    bad = sorted({n for n in numbers if not exists(item.reading, n)})
    if bad:
        length = reading_length(item.reading)
        have = f"; it has paragraphs 1–{length}" if length else ""
        raise AnswerError(f"{item.reading} has no paragraph {', '.join(map(str, bad))}{have}")


_PARA_ROLE = re.compile(r"\{para\}`([a-z0-9-]+):(\d+)(?:-(\d+))?`")
_CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")


def relevant_paragraphs(item) -> list[str]:
    """The paragraph ids the evidence of a verdict item must cite one of (``evidence_paragraphs``, or
    the ``{para}`` ids in its prompt, claim and explanation; ranges expanded)."""
    if item.evidence_paragraphs is not None:
        return list(item.evidence_paragraphs)
    out: list[str] = []
    for text in (item.prompt, item.claim, item.explanation):
        for m in _PARA_ROLE.finditer(text):
            a = int(m.group(2))
            b = int(m.group(3) or a)
            for n in range(a, min(b, a + 50) + 1):
                ref = f"{m.group(1)}:{n}"
                if ref not in out:
                    out.append(ref)
    return out


def accepted_sources(item) -> list[str]:
    """Source names accepted in evidence: the item's list, the bibliography keys cited in its
    explanation (and model evidence), and each key's author part (the letters before the year)."""
    if getattr(item, "evidence_sources", None) == []:
        return []  # a claim about what a reading says: its paragraphs are the source
    names = list(getattr(item, "evidence_sources", None) or getattr(item, "sources", None) or [])
    texts = [item.explanation, getattr(item, "model_evidence", None) or ""]
    for text in texts:
        for m in _CITE_ROLE.finditer(text):
            for key in (k.strip() for k in m.group(1).split(",")):
                if not key:
                    continue
                names.append(key)
                author = re.match(r"^[a-z]+", key)
                if author and author.group(0) != key and len(author.group(0)) >= 3:
                    names.append(author.group(0))
    return list(dict.fromkeys(names))


def named_sources(text: str, sources: Iterable[str]) -> list[str]:
    """The ``sources`` named in ``text``. A source is named when its normal form (see
    :mod:`course.content.normalize`), with spaces removed, equals one to four consecutive tokens of
    the text's normal form joined without spaces (``Taji-Farouki`` = ``tajifarouki``)."""
    tokens = normalize.text_tokens(text)
    grams = {"".join(tokens[i : i + n]) for n in range(1, 5) for i in range(len(tokens) - n + 1)}
    found = []
    for src in sources:
        key = normalize.normalize_text(src).replace(" ", "")
        if key and key in grams:
            found.append(src)
    return found


def evidence_shortfalls(item, evidence: str, exists: ParagraphCheck | None = None) -> list[str]:
    """What the evidence of a verdict lacks (empty when it earns the evidence half of the points):
    a relevant paragraph id, an accepted source, the paragraph-id count, the word floor."""
    exists = exists or default_paragraph_check
    short = []
    good, _ = citations(evidence, exists)
    relevant = relevant_paragraphs(item)
    if relevant:
        cited = set()
        for ref in good:
            rid, rng = ref.split(":")
            a, _, b = rng.partition("-")
            cited.update(f"{rid}:{n}" for n in range(int(a), int(b or a) + 1))
        if not cited & set(relevant):
            shown = ", ".join(relevant[:4]) + (" ..." if len(relevant) > 4 else "")
            short.append(f"a citation of a paragraph the claim rests on (one of {shown})")
    sources = accepted_sources(item)
    if sources and not named_sources(evidence, sources):
        short.append(
            "the name of a source you checked the claim against (an author, a work or an institution from the lesson)"
        )
    if item.evidence_min_citations and len(good) < item.evidence_min_citations:
        short.append(
            f"at least {item.evidence_min_citations} paragraph id"
            f"{'s' if item.evidence_min_citations != 1 else ''} such as al-waie-472:12 "
            f"(you cited {len(good)})"
        )
    n_words = words(evidence)
    if n_words < item.evidence_min_words:
        short.append(f"at least {item.evidence_min_words} words (you wrote {n_words})")
    return short


def section_present(text: str, name: str) -> bool:
    """A line that starts with the section name (after optional ``#`` and ``**``/``__``), followed by
    ``:``, ``.``, a dash or the end of the line. Line by line, so linear in the text."""
    want = name.strip().casefold()
    for line in text.splitlines():
        s = line.lstrip()
        s = s.lstrip("#").lstrip()
        if s[:2] in ("**", "__"):
            s = s[2:].lstrip()
        if s[: len(want)].casefold() != want:
            continue
        rest = s[len(want) :].lstrip()
        if rest[:2] in ("**", "__"):
            rest = rest[2:].lstrip()
        if not rest or rest[0] in ":.-—–":
            return True
    return False


def reference_evidence(item) -> str:
    """The model evidence; without one, the explanation, preceded by the claim's paragraph ids when
    the explanation cites none of them."""
    if item.model_evidence:
        return item.model_evidence
    relevant = relevant_paragraphs(item)
    good, _ = citations(item.explanation)
    if relevant and not good:
        return f"The claim is at {', '.join(relevant)}. {item.explanation}"
    return item.explanation

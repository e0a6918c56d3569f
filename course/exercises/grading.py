"""Scoring every item type, with feedback written for the learner.

:func:`grade_item` never raises on a learner's answer, whatever its shape: a malformed answer is
reported in the message ("what is off") and scores 0. Scoring rules (CONTRIBUTING.md):

``single``   right choice → 1.
``multiple`` share of right choices picked minus share of wrong choices picked, floored at 0
             (picking everything scores 0).
``ordering`` share of pairs of choices in the right relative order (Kendall-style).
``matching`` share of right pairs.
``numeric``  within ``tolerance`` of ``answer``; a unit may be written after the number.
``short``    any accepted variant after normalisation (:mod:`course.content.normalize`).
``locate``   F1 of precision and recall against ``required``; ``optional`` ids are ignored.
``annotate`` share of paragraphs whose label has the reference label's category, is in ``accept``,
             or forms a ``confusable`` pair with the reference; ``none`` is a label like any other.
``verdict``  the verdict is half the points, the evidence the other half: the evidence must cite
             one of the claim's relevant paragraphs, name an accepted source (an author, a
             bibliography key or an institution) and reach ``evidence_min_words`` (a floor only).
``open``     never scored: structure is checked (length, citations of existing paragraphs,
             sections) and the item is always "needs-review".

Status: ``passed`` (score 1), ``partial`` (0 < score < 1), ``failed`` (0), ``not-attempted``
(blank), ``needs-review`` (open responses).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable

from course.content import Course
from course.content import normalize
from course.content.yaml import describe_kind
from course.exercises.safe import safe_text
from course.content.exercise_sets import (VERDICTS, AnnotateItem, ExerciseSet, ItemBase, LocateItem, MatchingItem,
                                     MultipleItem, NumericItem, OpenItem, OrderingItem, ShortItem, SingleItem,
                                     VerdictItem, _fmt, words)

PASSED, FAILED, PARTIAL, NOT_ATTEMPTED, NEEDS_REVIEW = "passed", "failed", "partial", "not-attempted", "needs-review"
STATUSES = (PASSED, PARTIAL, FAILED, NOT_ATTEMPTED, NEEDS_REVIEW)

#: Signature of the paragraph-existence check: (reading id, paragraph number) → exists?
ParagraphCheck = Callable[[str, int], bool]


@dataclass
class Result:
    """The outcome of one item."""

    item_id: str
    type: str
    status: str
    score: float  # 0..1 (open responses: 0 until an instructor marks them)
    max_points: float
    feedback: str  # what is right or off, for the learner
    hint: str | None = None  # the hint to show next (None when passed)
    hint_number: int = 0  # 1-based number of ``hint`` among the item's hints
    hints_total: int = 0
    checks: list[tuple[str, bool]] = field(default_factory=list)  # open responses: structure checks
    answer_error: bool = False  # the answer could not be read as this type expects

    @property
    def points(self) -> float:
        return round(self.score * self.max_points, 4)

    @property
    def message(self) -> str:
        """Feedback plus the next hint: the text a learner sees for this item."""
        text = self.feedback
        if self.hint and self.status in (FAILED, PARTIAL):
            more = self.hints_total - self.hint_number
            text += f"\nHint {self.hint_number} of {self.hints_total}: {self.hint}"
            if more:
                text += f"\n(More help: `course hint {self.item_id}`.)"
        return text

    def to_dict(self) -> dict:
        return {"item": self.item_id, "type": self.type, "status": self.status, "score": round(self.score, 4),
                "points": self.points, "max_points": self.max_points, "message": self.message,
                "answer_error": self.answer_error}


@dataclass
class SetResult:
    set_id: str
    title: str
    results: list[Result]
    problems: list[str] = field(default_factory=list)  # answer-file problems (one paragraph each)

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.results), 4)

    @property
    def max_points(self) -> float:
        return round(sum(r.max_points for r in self.results), 4)

    @property
    def auto_max_points(self) -> float:
        return round(sum(r.max_points for r in self.results if r.type != "open"), 4)

    @property
    def review_points(self) -> float:
        return round(sum(r.max_points for r in self.results if r.status == NEEDS_REVIEW), 4)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def score(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


# --------------------------------------------------------------------------------------------------
# Helpers


def is_blank(answer: Any) -> bool:
    """True for an unanswered item: nothing, empty text, or a list/mapping of blanks."""
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, (list, tuple)):
        return all(is_blank(a) for a in answer)
    if isinstance(answer, dict):
        return all(is_blank(v) for v in answer.values())
    return False


def _show(value: Any, limit: int = 60) -> str:
    if isinstance(value, str):
        s = value.strip()
    elif isinstance(value, bool):
        s = "true" if value else "false"
    elif isinstance(value, (list, tuple)):
        s = "[" + ", ".join(_show(v, 20) for v in value) + "]"
    elif isinstance(value, dict):
        s = "{" + ", ".join(f"{_show(k, 20)}: {_show(v, 20)}" for k, v in value.items()) + "}"
    else:
        s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


_kind = describe_kind  # one wording for value kinds, shared with the loader


class _Bad(Exception):
    """The answer cannot be read as this item type expects; the message says how to write it."""


def _key(v: Any) -> str:
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict, tuple)):
        raise _Bad(f"{_show(v)} is not a choice key")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip().lower()
    s = re.sub(r"^[\(\[]?([a-z0-9]+)[\)\].:]?$", r"\1", s)
    return s


def _as_list(answer: Any) -> list:
    if isinstance(answer, (list, tuple)):
        return list(answer)
    if isinstance(answer, str) and ("," in answer or re.search(r"\s", answer.strip())):
        return [p for p in re.split(r"[,\s]+", answer.strip().strip("[]")) if p]
    return [answer]


def _choice_keys(answer: Any, choices: dict[str, str], example: str) -> tuple[list[str], list[str]]:
    """Keys of a list answer, and the entries that are not choices."""
    keys, unknown = [], []
    for raw in _as_list(answer):
        if len(unknown) >= 5:  # enough to say what is wrong; the rest is not looked at (linear time)
            unknown.append("…")
            break
        if is_blank(raw):
            continue
        try:
            k = _key(raw)
        except _Bad:
            unknown.append(_show(raw))
            continue
        if k in choices:
            keys.append(k)
        else:
            by_text = _choice_by_text(raw, choices)
            if by_text:
                keys.append(by_text)
            else:
                unknown.append(_show(raw))
    return keys, unknown


def _choice_by_text(raw: Any, choices: dict[str, str]) -> str | None:
    if not isinstance(raw, str) or len(raw.strip()) < 3:
        return None
    keys = normalize.match_keys(raw)
    for k, text in choices.items():
        if keys & _normal_choice(text):
            return k
    return None


@lru_cache(maxsize=4096)
def _normal_choice(text: str) -> frozenset[str]:
    """The match keys of a choice's text (computed once per text, not once per answer entry)."""
    return normalize.match_keys(text)


def _keys_list(keys: Iterable[str]) -> str:
    return ", ".join(keys)


# --------------------------------------------------------------------------------------------------
# Paragraph existence (readings)


@lru_cache(maxsize=1)
def _known_readings() -> frozenset[str] | None:
    """The reading ids on disk, listed once (None if the readings are not available)."""
    try:
        return frozenset(Course.find().reading_ids)
    except Exception:  # noqa: BLE001 - readings not available
        return None


@lru_cache(maxsize=64)
def _reading_length(reading_id: str) -> int | None:
    known = _known_readings()
    if known is not None and reading_id not in known:
        return None  # not a reading: no disk lookup (evidence may cite thousands of made-up ids)
    try:
        return len(Course.find().reading(reading_id))
    except Exception:  # noqa: BLE001 - unknown reading, or readings not available
        return None


def default_paragraph_check(reading_id: str, n: int) -> bool:
    length = _reading_length(reading_id)
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


# --------------------------------------------------------------------------------------------------
# Per-type scoring: each returns (score, feedback); raise _Bad for an unreadable answer.


def _single(item: SingleItem, answer: Any) -> tuple[float, str]:
    if isinstance(answer, (list, tuple)):
        vals = [a for a in answer if not is_blank(a)]
        if len(vals) != 1:
            raise _Bad(f"pick exactly one choice; you gave {len(vals)}. Write just its key, e.g. "
                       f"{next(iter(item.choices))}")
        answer = vals[0]
    try:
        k = _key(answer)
    except _Bad:
        raise _Bad(f"write one choice key ({_keys_list(item.choices)}), not {_kind(answer)}") from None
    if k not in item.choices:
        k2 = _choice_by_text(answer, item.choices)
        if not k2:
            raise _Bad(f"'{_show(answer)}' is not one of the choices. Allowed: {_keys_list(item.choices)}")
        k = k2
    if k == item.answer:
        return 1.0, f"Right: {k}."
    fb = item.feedback.get(k)
    return 0.0, f"'{k}' is not the best answer." + (f" {fb}" if fb else "")


def _multiple(item: MultipleItem, answer: Any) -> tuple[float, str]:
    if isinstance(answer, dict):
        raise _Bad(f"write a list of choice keys such as [{', '.join(list(item.choices)[:2])}]")
    keys, unknown = _choice_keys(answer, item.choices, "[a, c]")
    if unknown:
        raise _Bad(f"{', '.join(repr(u) for u in unknown)} {'is' if len(unknown) == 1 else 'are'} not among the "
                   f"choices. Allowed: {_keys_list(item.choices)}")
    picked = list(dict.fromkeys(keys))
    right = set(item.answer)
    wrong_pool = [k for k in item.choices if k not in right]
    hits = sum(1 for k in picked if k in right)
    misses = sum(1 for k in picked if k not in right)
    score = hits / len(right) - (misses / len(wrong_pool) if wrong_pool else 0)
    score = max(0.0, min(1.0, score))
    if hits == len(right) and misses == 0:
        return 1.0, "Right: you picked every right choice and nothing else."
    parts = [f"You picked {hits} of the {len(right)} right choice{'s' if len(right) != 1 else ''}"]
    if misses:
        parts.append(f"and {misses} that {'is' if misses == 1 else 'are'} not right (each wrong pick costs credit)")
    fb = " ".join(item.feedback[k] for k in picked if k not in right and k in item.feedback)
    return score, " ".join(parts) + "." + (f" {fb}" if fb else "")


def _ordering(item: OrderingItem, answer: Any) -> tuple[float, str]:
    if isinstance(answer, dict):
        raise _Bad("write a list of all the choice keys in order, e.g. [?, ?, ?]")
    keys, unknown = _choice_keys(answer, item.choices, "")
    if unknown:
        raise _Bad(f"{', '.join(repr(u) for u in unknown)} {'is' if len(unknown) == 1 else 'are'} not among the "
                   f"choices. Allowed: {_keys_list(item.choices)}")
    notes = []
    seen: list[str] = []
    seen_set: set[str] = set()
    repeated: list[str] = []
    for k in keys:
        if k in seen_set:
            if k not in repeated:
                repeated.append(k)
            continue
        seen_set.add(k)
        seen.append(k)
    for k in repeated:
        notes.append(f"'{k}' appears more than once (only its first place counts)")
    missing = [k for k in item.answer if k not in seen]
    if missing:
        notes.append(f"your list leaves out {len(missing)} of the {len(item.answer)} choices; place every choice once")
    pos = {k: i for i, k in enumerate(seen)}
    ref = item.answer
    pairs = len(ref) * (len(ref) - 1) // 2
    good = 0
    for i in range(len(ref)):
        for j in range(i + 1, len(ref)):
            a, b = ref[i], ref[j]
            if a in pos and b in pos and pos[a] < pos[b]:
                good += 1
    if seen == list(ref):
        return 1.0, "Right: the order is correct."
    score = good / pairs if pairs else 0.0
    text = f"Pairs in the right relative order: {good} of {pairs}."
    if notes:
        text += " Also: " + "; ".join(notes) + "."
    return score, text


def _matching(item: MatchingItem, answer: Any) -> tuple[float, str]:
    if not isinstance(answer, dict):
        raise _Bad(f"write one 'left: right' pair per line, e.g. {next(iter(item.left))}: {next(iter(item.right))}; "
                   f"you wrote {_kind(answer)}")
    pairs: dict[str, str] = {}
    unknown_left, unknown_right = [], []
    for k, v in answer.items():
        if is_blank(v):
            continue
        try:
            lk = _key(k)
        except _Bad:
            unknown_left.append(_show(k))
            continue
        if lk not in item.left:
            unknown_left.append(_show(k))
            continue
        try:
            rv = _key(v)
        except _Bad:
            unknown_right.append(_show(v))
            continue
        if rv not in item.right:
            by_text = _choice_by_text(v, item.right)
            if not by_text:
                unknown_right.append(_show(v))
                continue
            rv = by_text
        pairs[lk] = rv
    problems = []
    if unknown_left:
        problems.append(f"{', '.join(map(repr, unknown_left))} not on the left (allowed: {_keys_list(item.left)})")
    if unknown_right:
        problems.append(f"{', '.join(map(repr, unknown_right))} not on the right (allowed: {_keys_list(item.right)})")
    if problems and not pairs:
        raise _Bad("; ".join(problems))
    right = sum(1 for k, v in item.answer.items() if pairs.get(k) == v)
    n = len(item.answer)
    if right == n:
        return 1.0, "Right: every pair matches."
    text = f"Pairs right: {right} of {n}."
    missing = [k for k in item.left if k not in pairs]
    if missing:
        text += f" Not yet paired: {_keys_list(missing)}."
    if problems:
        text += " Ignored: " + "; ".join(problems) + "."
    return right / n, text


def _number(item: NumericItem, answer: Any) -> float:
    if isinstance(answer, bool) or answer is None or isinstance(answer, (list, dict, tuple)):
        raise _Bad(f"write a number{f' (in {item.unit})' if item.unit else ''}; you wrote {_kind(answer)}")
    too_large = _Bad("the number is too large; write the number asked for, in digits")
    if isinstance(answer, (int, float)):
        try:
            x = float(answer)
        except OverflowError:
            raise too_large from None
    else:
        parsed = normalize.parse_number(str(answer))
        if parsed is None:
            raise _Bad(f"'{_show(answer)}' is not a number. Write digits only"
                       f"{f' (in {item.unit})' if item.unit else ''}")
        x, rest = parsed
        if rest:
            unit = normalize.unit_key(item.unit or "")
            got = normalize.unit_key(rest)
            era_only = not unit and got == "ce"
            if not era_only and got != unit:
                expected = f"in {item.unit}" if item.unit else "with no unit"
                if unit == "ce" and got == "ah":
                    raise _Bad(f"'{rest}' is the Hijri calendar; give the year in {item.unit} (the Common Era)")
                raise _Bad(f"'{rest}' after the number is not understood; write the number only, {expected}")
    if not math.isfinite(x):
        raise _Bad("write a finite number")
    return x


def _numeric(item: NumericItem, answer: Any) -> tuple[float, str]:
    x = _number(item, answer)
    unit = f" {item.unit}" if item.unit else ""
    if any(abs(x - v) <= item.tolerance + 1e-9 * max(1.0, abs(v)) for v in [item.answer, *item.accept]):
        return 1.0, f"Right: {_fmt(x)}{unit}."
    direction = "too high" if x > item.answer else "too low"
    return 0.0, f"{_fmt(x)}{unit} is {direction}."


def _short(item: ShortItem, answer: Any) -> tuple[float, str]:
    if isinstance(answer, (list, dict, tuple)) or isinstance(answer, bool):
        raise _Bad(f"write a short text answer, not {_kind(answer)}")
    text = str(answer).strip()
    if len(text) > 300:
        raise _Bad("the answer is a short text (a name, a term, a few words); yours is over 300 characters")
    hit = normalize.matches(text, item.answer)
    if hit is not None:
        return 1.0, f"Right: '{text}'."
    for wrong, fb in item.feedback.items():
        if normalize.same(wrong, text):
            return 0.0, f"'{_show(text)}' is not right. {fb}"
    _, ratio = normalize.closest(text, item.answer)
    if ratio >= 0.85:
        return 0.0, f"'{_show(text)}' is close, but not quite: check the spelling."
    return 0.0, f"'{_show(text)}' is not an accepted answer."


def _paragraph_numbers(item: LocateItem | AnnotateItem, raw: Any, *, allow_range: bool) -> list[int]:
    """Paragraph numbers in one entry: 12, '12', '12-14', 'al-waie-472:12', '¶12'."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, (list, dict, tuple)):
        raise _Bad(f"{_show(raw)} is not a paragraph number")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise _Bad(f"{raw} is not a paragraph number")
        raw = int(raw)
    if isinstance(raw, int):
        return [raw]
    s = str(raw).strip()
    if len(s) > 200:
        raise _Bad(f"'{_show(raw)}' is not a paragraph id; write a number such as 12")
    own = _reading_name(item.reading)
    by_letter = _LETTER_REF.match(s)  # C:5, C 5, Reading C ¶5, reading C, para 5
    if by_letter:
        letter = by_letter.group(1).upper()
        rid = _reading_letters().get(letter)
        if rid is None:
            raise _Bad(f"there is no Reading {letter}; this question is about {own}")
        if rid != item.reading:
            raise _Bad(f"'{_show(raw)}' is in {_reading_name(rid)}, but this question is about {own}")
        s = by_letter.group(2)
    s = s.lstrip("¶§#").strip()
    m = re.match(r"^(?:([a-z0-9][a-z0-9-]*[a-z0-9])\s*(?::\s*|\s+)(?:¶\s*)?)?(\d+)(?:\s*[-–]\s*(\d+))?$", s, re.I)
    if not m or len(m.group(2)) > 9 or len(m.group(3) or "") > 9:
        raise _Bad(f"'{_show(raw)}' is not a paragraph id; write a number such as 12, or "
                   f"{_reading_letter(item.reading) or item.reading}:12 for paragraph 12 of {own}")
    rid, a, b = m.group(1), int(m.group(2)), m.group(3)
    if rid and rid.lower() != item.reading:
        raise _Bad(f"'{_show(raw)}' is in {_reading_name(rid.lower())}, but this question is about {own}")
    if b is None:
        return [a]
    b = int(b)
    if not allow_range:
        raise _Bad(f"'{_show(raw)}': give one paragraph per line, not a range")
    if b < a or b - a > 200:
        raise _Bad(f"'{_show(raw)}' is not a valid range of paragraphs")
    return list(range(a, b + 1))


_LETTER_REF = re.compile(r"^(?:reading\s+)?([a-z])(?:\s*[:,]\s*|\s+)(?:¶|§|#|para(?:graph)?\.?)?\s*"
                         r"(\d+(?:\s*[-–]\s*\d+)?)$", re.I)


@lru_cache(maxsize=1)
def _reading_letters() -> dict[str, str]:
    """Reading letter (A, B, C) → reading id, from the readings' metadata."""
    out = {}
    for rid in _known_readings() or ():
        try:
            letter = str(Course.find().reading(rid).letter).upper()
            out.setdefault(letter, rid)
        except Exception:  # noqa: BLE001 - a reading without a letter is referred to by its id
            continue
    return out


def _reading_letter(reading_id: str) -> str | None:
    return next((k for k, v in _reading_letters().items() if v == reading_id), None)


def _reading_name(reading_id: str) -> str:
    letter = _reading_letter(reading_id)
    return f"Reading {letter} ({reading_id})" if letter else f"reading '{reading_id}'"


def _check_exist(item, numbers: Iterable[int], exists: ParagraphCheck) -> None:
    if _reading_length(item.reading) is None and exists is default_paragraph_check:
        return  # reading not available: cannot check, do not penalise
    bad = sorted({n for n in numbers if not exists(item.reading, n)})
    if bad:
        length = _reading_length(item.reading)
        have = f"; it has paragraphs 1–{length}" if length else ""
        raise _Bad(f"{item.reading} has no paragraph {', '.join(map(str, bad))}{have}")


def _locate(item: LocateItem, answer: Any, exists: ParagraphCheck) -> tuple[float, str]:
    if isinstance(answer, dict):
        raise _Bad(f"write a list of paragraph numbers, e.g. [12, 14] or [{item.reading}:12]")
    got: list[int] = []
    for raw in _as_list(answer):
        if is_blank(raw):
            continue
        got.extend(_paragraph_numbers(item, raw, allow_range=True))
    _check_exist(item, got, exists)
    chosen = set(got)
    required, optional = set(item.required), set(item.optional)
    counted = chosen - optional
    tp = len(counted & required)
    extra = len(counted - required)
    if not counted:
        return 0.0, (f"None of your paragraphs is one of the {len(required)} needed"
                     " (the ones you gave are neither right nor wrong).")
    precision = tp / len(counted)
    recall = tp / len(required)
    score = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
    if tp == len(required) and extra == 0:
        return 1.0, "Right: you found every paragraph needed, and no others."
    text = f"You found {tp} of the {len(required)} paragraph{'s' if len(required) != 1 else ''} needed"
    if extra:
        text += f"; {extra} of yours {'is' if extra == 1 else 'are'} not among them"
    return score, text + "."


def _annotate(item: AnnotateItem, answer: Any, exists: ParagraphCheck, root) -> tuple[float, str]:
    taxo = Course.of(root).taxonomy(item.taxonomy)
    if not isinstance(answer, dict):
        first = next(iter(item.labels))
        raise _Bad(f"write one 'paragraph: label' line per paragraph, e.g. {first}: loaded-language; "
                   f"you wrote {_kind(answer)}")
    given: dict[int, str] = {}
    whys: dict[int, str] = {}
    problems = []
    for k, v in answer.items():
        if is_blank(v):
            continue
        try:
            nums = _paragraph_numbers(item, k, allow_range=False)
        except _Bad as exc:
            problems.append(str(exc))
            continue
        n = nums[0]
        if n not in item.labels:
            problems.append(f"paragraph {n} is not one of those to label ({_keys_list(map(str, item.labels))})")
            continue
        v, why = _label_and_justification(v)
        if why is not None:
            whys[n] = why
        if isinstance(v, (list, tuple)):
            vals = [x for x in v if not is_blank(x)]
            if len(vals) != 1:
                problems.append(f"paragraph {n}: give one label, not a list")
                continue
            v = vals[0]
        resolved = taxo.resolve(v)
        if resolved is None:
            problems.append(f"'{_show(v)}' (paragraph {n}) is not a label of {taxo.id}; use a technique or "
                            f"category id from data/taxonomies/{taxo.id}.yaml, e.g. {taxo.techniques[0].id}, "
                            f"or {taxo.none_label}")
            continue
        given[n] = resolved
    if problems and not given:
        raise _Bad("; ".join(problems))
    right = 0
    for n, ref in item.labels.items():
        got = given.get(n)
        if got is None:
            continue
        ref_id = taxo.resolve(ref) or ref
        ok_categories = {taxo.category_of(ref_id)} | {taxo.category_of(taxo.resolve(a) or a)
                                                      for a in item.accept.get(n, [])}
        if taxo.category_of(got) in ok_categories or taxo.confusable_with(got, ref_id):
            right += 1
    n = len(item.labels)
    why_text = ""
    if item.justify:
        ok = [p for p in item.labels if p in given and justification_ok(item, p, whys.get(p, ""))]
        why_text = (f" Justifications that quote the paragraph: {len(ok)} of {n} (your instructor marks them)."
                    if len(ok) == n else
                    f" Justifications that quote the paragraph: {len(ok)} of {n}; for the others, add "
                    "| and a line quoting the words that carry the label (your instructor marks them).")
    if right == n and not problems:
        return 1.0, "Right: every paragraph has a label of the right category." + why_text
    text = f"Paragraphs labelled with the right category: {right} of {n}." + why_text
    missing = [str(p) for p in item.labels if p not in given]
    if missing:
        text += f" Not yet labelled: {', '.join(missing)} (use '{taxo.none_label}' for no technique)."
    if problems:
        text += " Ignored: " + "; ".join(problems) + "."
    return right / n, text


def _label_and_justification(v: Any) -> tuple[Any, str | None]:
    """An annotate answer's label and justification: ``label | why`` or ``{label: ..., why: ...}``."""
    if isinstance(v, dict):
        low = {str(k).strip().lower(): x for k, x in v.items()}
        why = low.get("why", low.get("justification"))
        return low.get("label"), (None if why is None else str(why))
    if isinstance(v, str) and "|" in v:
        label, _, why = v.partition("|")
        return label.strip(), why.strip()
    return v, None


_QUOTED = re.compile(r'"([^"]{2,200})"|“([^”]{2,200})”|«([^»]{2,200})»|(?:^|(?<=[\s(]))[\'‘]([^\'’]{2,200})[\'’](?=\W|$)')


def justification_ok(item: AnnotateItem, n: int, why: str) -> bool:
    """Structure check of a justification: at least three words, and a quotation (in quotation
    marks) of words that stand in paragraph ``n`` of the reading (compared after normalisation)."""
    if words(why) < 3:
        return False
    try:
        para = Course.find().reading(item.reading).paragraphs[n - 1].text
    except Exception:  # noqa: BLE001 - without the reading, only the length can be checked
        return True
    target = " " + " ".join(normalize.text_tokens(para)) + " "
    for m in _QUOTED.finditer(why):
        quoted = " ".join(normalize.text_tokens(next(g for g in m.groups() if g)))
        if quoted and f" {quoted} " in target:
            return True
    return False


def _verdict(item: VerdictItem, answer: Any, exists: ParagraphCheck) -> tuple[float, str]:
    evidence = ""
    if isinstance(answer, dict):
        low = {str(k).strip().lower(): v for k, v in answer.items()}
        unknown = [k for k in low if k not in ("verdict", "evidence")]
        if unknown:
            raise _Bad(f"the answer has the keys verdict and evidence; {', '.join(map(repr, unknown))} is not one")
        verdict = low.get("verdict")
        ev = low.get("evidence")
        if ev is not None and not isinstance(ev, str):
            if isinstance(ev, (list, tuple)):
                ev = " ".join(str(x) for x in ev)
            else:
                ev = str(ev)
        evidence = ev or ""
    elif isinstance(answer, str):
        verdict = answer
    else:
        raise _Bad(f"write verdict: (one of {', '.join(VERDICTS)}) and evidence: (your reasons); "
                   f"you wrote {_kind(answer)}")
    if is_blank(verdict):
        raise _Bad(f"the verdict is missing: write one of {', '.join(VERDICTS)}")
    if not isinstance(verdict, str):
        raise _Bad(f"the verdict must be one of {', '.join(VERDICTS)}")
    v = verdict.strip().lower()
    if v not in VERDICTS:
        raise _Bad(f"'{_show(verdict)}' is not a verdict. Allowed: {', '.join(VERDICTS)}")
    if v != item.answer:
        return 0.0, f"The verdict '{v}' is not the best fit for this claim."
    short = evidence_shortfalls(item, evidence, exists)
    if short:
        return 0.5, f"The verdict '{v}' is right; now support it: the evidence needs {' and '.join(short)}."
    return 1.0, f"Right: '{v}', with evidence."


_PARA_ROLE = re.compile(r"\{para\}`([a-z0-9-]+):(\d+)(?:-(\d+))?`")
_CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")


def relevant_paragraphs(item: VerdictItem) -> list[str]:
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


def accepted_sources(item: VerdictItem | OpenItem) -> list[str]:
    """Source names accepted in evidence: the item's list, the bibliography keys cited in its
    explanation (and model evidence), and each key's author part (the letters before the year)."""
    if isinstance(item, VerdictItem) and item.evidence_sources == []:
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
    grams = {"".join(tokens[i:i + n]) for n in range(1, 5) for i in range(len(tokens) - n + 1)}
    found = []
    for src in sources:
        key = normalize.normalize_text(src).replace(" ", "")
        if key and key in grams:
            found.append(src)
    return found


def evidence_shortfalls(item: VerdictItem, evidence: str, exists: ParagraphCheck | None = None) -> list[str]:
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
        short.append("the name of a source you checked the claim against (an author, a work or an institution "
                     "from the lesson)")
    if item.evidence_min_citations and len(good) < item.evidence_min_citations:
        short.append(f"at least {item.evidence_min_citations} paragraph id"
                     f"{'s' if item.evidence_min_citations != 1 else ''} such as al-waie-472:12 "
                     f"(you cited {len(good)})")
    n_words = words(evidence)
    if n_words < item.evidence_min_words:
        short.append(f"at least {item.evidence_min_words} words (you wrote {n_words})")
    return short


def _section_present(text: str, name: str) -> bool:
    """A line that starts with the section name (after optional ``#`` and ``**``/``__``), followed by
    ``:``, ``.``, a dash or the end of the line. Line by line, so linear in the text."""
    want = name.strip().casefold()
    for line in text.splitlines():
        s = line.lstrip()
        s = s.lstrip("#").lstrip()
        if s[:2] in ("**", "__"):
            s = s[2:].lstrip()
        if not s[: len(want)].casefold() == want:
            continue
        rest = s[len(want):].lstrip()
        if rest[:2] in ("**", "__"):
            rest = rest[2:].lstrip()
        if not rest or rest[0] in ":.-—–":
            return True
    return False


def _open(item: OpenItem, answer: Any, exists: ParagraphCheck) -> tuple[list[tuple[str, bool]], str]:
    if isinstance(answer, (list, tuple)):
        answer = "\n".join(str(a) for a in answer if a is not None)
    elif isinstance(answer, dict):
        answer = "\n".join(f"{k}: {v}" for k, v in answer.items())
    text = str(answer)
    checks: list[tuple[str, bool]] = []
    n = words(text)
    if item.min_words is not None or item.max_words is not None:
        lo = item.min_words or 0
        hi = item.max_words
        rng = f"{lo}–{hi}" if hi else f"at least {lo}"
        checks.append((f"length: {n} words ({rng} asked)", n >= lo and (hi is None or n <= hi)))
    if item.min_citations:
        good, bad = citations(text, exists)
        named = named_sources(text, item.sources) if item.sources else []
        label = f"citations: {len(good)} existing paragraph id{'s' if len(good) != 1 else ''}"
        if item.sources:
            label += f" and {len(named)} named source{'s' if len(named) != 1 else ''}"
        label += f" ({item.min_citations} asked)"
        if bad:
            label += f"; not found: {', '.join(bad[:5])}"
        checks.append((label, len(good) + len(named) >= item.min_citations))
    for s in item.sections:
        checks.append((f"section '{s}'", _section_present(text, s)))
    return checks, ""


# --------------------------------------------------------------------------------------------------
# Public entry points


def grade_item(item: ItemBase, answer: Any, *, hint_level: int = 0,
               paragraph_exists: ParagraphCheck | None = None, root=None) -> Result:
    """Grade one answer. ``hint_level`` is how many hints the learner has already asked for: the
    message shows hint ``max(1, hint_level)``. Never raises on any ``answer``."""
    exists = paragraph_exists or default_paragraph_check
    hints = list(item.hints)
    number = min(max(1, hint_level), len(hints))
    res = Result(item_id=item.id, type=item.type, status=NOT_ATTEMPTED, score=0.0, max_points=float(item.points),
                 feedback="Not attempted yet.", hint=hints[number - 1], hint_number=number, hints_total=len(hints))
    if is_blank(answer):
        return res
    try:
        if isinstance(item, OpenItem):
            checks, _ = _open(item, answer, exists)
            res.checks = checks
            res.status = NEEDS_REVIEW
            ok = all(c for _, c in checks)
            marks = "; ".join(f"{'✓' if c else '✗'} {label}" for label, c in checks)
            rubric = "; ".join(f"{c.criterion} ({_fmt(c.points)})" for c in item.rubric)
            head = ("Structure looks complete." if ok else "Fix the structure before you submit.")
            res.feedback = (f"{head} {('Checks: ' + marks + '.') if marks else ''} An instructor will mark this "
                            f"answer against the rubric ({_fmt(item.points)} points: {rubric}). It is never "
                            "marked automatically.").replace("  ", " ")
            res.hint = None if ok else res.hint
            return res
        if isinstance(item, SingleItem):
            score, fb = _single(item, answer)
        elif isinstance(item, MultipleItem):
            score, fb = _multiple(item, answer)
        elif isinstance(item, OrderingItem):
            score, fb = _ordering(item, answer)
        elif isinstance(item, MatchingItem):
            score, fb = _matching(item, answer)
        elif isinstance(item, NumericItem):
            score, fb = _numeric(item, answer)
        elif isinstance(item, ShortItem):
            score, fb = _short(item, answer)
        elif isinstance(item, LocateItem):
            score, fb = _locate(item, answer, exists)
        elif isinstance(item, AnnotateItem):
            score, fb = _annotate(item, answer, exists, root)
        elif isinstance(item, VerdictItem):
            score, fb = _verdict(item, answer, exists)
        else:  # pragma: no cover - the schema admits no other type
            raise _Bad(f"unknown item type {item.type}")
    except _Bad as exc:
        msg = safe_text(str(exc))
        res.status = FAILED
        res.answer_error = True
        res.feedback = f"Your answer cannot be read: {msg[0].lower() + msg[1:]}."
        return res
    except RecursionError:
        res.status, res.answer_error, res.feedback = FAILED, True, "Your answer cannot be read: it is nested too deeply."
        return res
    except Exception as exc:  # noqa: BLE001 - a learner's answer never stops a check (issue 16)
        res.status, res.answer_error = FAILED, True
        res.feedback = (f"Your answer could not be checked ({type(exc).__name__}); it scores 0. Write it in the "
                        "form the template shows; if it already is, tell your instructor.")
        return res
    score = max(0.0, min(1.0, float(score)))
    res.score = 1.0 if score > 1 - 1e-9 else score
    res.status = PASSED if res.score == 1.0 else (PARTIAL if res.score > 0 else FAILED)
    if res.status == PARTIAL:
        if item.points:
            fb += f" Partial credit: {_fmt(round(res.points, 2))} of {_fmt(item.points)} points."
        else:  # a worked example: the lesson works through it, so it carries no marks
            fb += " Partly right; this worked example carries no marks."
    res.feedback = safe_text(fb)  # learner text in feedback never acts on a terminal
    if res.status == PASSED:
        res.hint = None
    return res


def grade_set(exercise_set: ExerciseSet, answers: dict[str, Any] | None, *,
              hint_levels: dict[str, int] | None = None, problems: list[str] | None = None,
              paragraph_exists: ParagraphCheck | None = None, root=None) -> SetResult:
    """Grade every item of a set; items missing from ``answers`` are not attempted."""
    answers = answers or {}
    hint_levels = hint_levels or {}
    results = [grade_item(it, answers.get(it.id), hint_level=hint_levels.get(it.id, 0),
                          paragraph_exists=paragraph_exists, root=root) for it in exercise_set.items]
    return SetResult(exercise_set.id, exercise_set.title, results, list(problems or []))


def reference_answers(item: ItemBase) -> Any:
    """The answer, in answer-file form, that scores 100 % (open responses: the model answer or None)."""
    if isinstance(item, (SingleItem,)):
        return item.answer
    if isinstance(item, (MultipleItem, OrderingItem)):
        return list(item.answer)
    if isinstance(item, MatchingItem):
        return dict(item.answer)
    if isinstance(item, NumericItem):
        return int(item.answer) if float(item.answer).is_integer() else item.answer
    if isinstance(item, ShortItem):
        return item.answer[0]
    if isinstance(item, LocateItem):
        return list(item.required)
    if isinstance(item, AnnotateItem):
        return dict(item.labels)
    if isinstance(item, VerdictItem):
        return {"verdict": item.answer, "evidence": reference_evidence(item)}
    if isinstance(item, OpenItem):
        return item.model_answer
    raise TypeError(f"unknown item type {item.type}")  # pragma: no cover


def reference_evidence(item: VerdictItem) -> str:
    """The model evidence; without one, the explanation, preceded by the claim's paragraph ids when
    the explanation cites none of them."""
    if item.model_evidence:
        return item.model_evidence
    relevant = relevant_paragraphs(item)
    good, _ = citations(item.explanation)
    if relevant and not good:
        return f"The claim is at {', '.join(relevant)}. {item.explanation}"
    return item.explanation


def reference_answer_file(exercise_set: ExerciseSet) -> dict[str, Any]:
    """A whole answer file (item id → reference answer) for a set."""
    return {it.id: reference_answers(it) for it in exercise_set.items}

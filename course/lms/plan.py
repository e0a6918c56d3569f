"""What each exercise item becomes in a learning platform: one format-neutral plan for both exports.

| course type | LMS question(s)                                  | scoring in the LMS                   |
|-------------|--------------------------------------------------|--------------------------------------|
| single      | multiple choice, one answer                      | as in the course                     |
| multiple    | multiple choice, several answers                 | +1/k per right pick, −1/w per wrong  |
| ordering    | matching: each element → its position            | share of elements in the right place |
| matching    | matching (extra right-hand options kept)         | share of right pairs                 |
| numeric     | numerical, with the tolerance (unit in the text) | as in the course                     |
| short       | short answer, every variant (plus unaccented)    | exact text, case ignored             |
| verdict     | multiple choice on the verdict (half the points) | verdict auto-marked                  |
|             | + essay for the evidence (the other half)        | evidence marked by hand              |
| open        | essay; rubric and model answer as grader info    | marked by hand                       |
| locate      | not held (listed); with ``include_manual``: essay | marked by hand                      |
| annotate    | not held (listed); with ``include_manual``: essay | marked by hand                      |

Nothing is dropped silently: every item is either in ``Plan.questions`` or in ``Plan.skipped`` with a
reason, and every change in scoring is in ``Plan.notes``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from course.content import Course
from course.content.exercise_sets import ExerciseSet
from course.items import for_item
from course.lms.render import para_text, to_html, to_text

NOTES = {
    "ordering": "ordering items are exported as matching questions (each element → its position): the LMS "
    "gives credit for each element in the right position, the course for each pair of elements "
    "in the right relative order, so partly right answers can score differently.",
    "short": "short-answer items list every accepted variant, each also without diacritics and ʿayn/hamza "
    "marks; the LMS compares text exactly (ignoring case), the course's checker also ignores "
    "hyphens, articles and spacing, so check the LMS's marking of near misses.",
    "verdict": "claim-verdict items become two questions: a multiple-choice question on the verdict (half "
    "the points, marked automatically) and an essay for the evidence (half the points, marked by "
    "hand). The course gives half the points for a right verdict whose evidence falls short and none "
    "for a wrong verdict, so give the evidence essay no credit when the verdict was wrong.",
    "multiple": "multiple-select items give +1/k of the points for each of the k right choices and −1/w for "
    "each of the w wrong ones, with a floor of zero, as the course does.",
    "manual": "locate and annotate items were included as essays marked by hand (--include-manual); the "
    "answer key is in the grader information.",
}


@dataclass
class Choice:
    key: str
    html: str
    text: str
    fraction: float = 0.0  # -1 .. 1
    feedback_html: str = ""


@dataclass
class Question:
    ident: str
    set_id: str
    item_id: str
    item_type: str
    kind: str  # single, multiple, matching, numeric, short, essay
    title: str
    text_html: str
    points: float
    objective: str = ""
    choices: list[Choice] = field(default_factory=list)
    left: list[Choice] = field(default_factory=list)  # matching: left-hand elements
    right: list[Choice] = field(default_factory=list)  # matching: right-hand options
    pairs: dict[str, str] = field(default_factory=dict)  # matching: left key → right key
    answer: float | None = None
    tolerance: float = 0.0
    variants: list[str] = field(default_factory=list)
    feedback_html: str = ""  # general feedback after the attempt (the explanation)
    grader_html: str = ""  # essays: rubric, model answer, requirements (never shown to learners)
    template_text: str = ""  # essays: a response template (required sections)
    min_words: int | None = None
    max_words: int | None = None
    hints_html: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    set_id: str
    item_id: str
    item_type: str
    reason: str


@dataclass
class Plan:
    sets: list[tuple[ExerciseSet, list[Question]]]
    skipped: list[Skipped]
    notes: list[str]

    @property
    def questions(self) -> list[Question]:
        return [q for _, qs in self.sets for q in qs]

    def report(self) -> str:
        """A plain-text account of what was exported, what was changed and what was not held."""
        lines = []
        for s, qs in self.sets:
            n_items = len({q.item_id for q in qs})
            lines.append(f"{s.id}: {n_items} of {len(s.items)} items exported as {len(qs)} questions")
        if self.skipped:
            lines.append("Not exported (an LMS cannot hold them; use `course grade` for these):")
            lines += [f"  - {k.set_id} / {k.item_id} ({k.item_type}): {k.reason}" for k in self.skipped]
        if self.notes:
            lines.append("Differences in scoring:")
            lines += [f"  - {n}" for n in self.notes]
        return "\n".join(lines)


def _grader(parts: list[tuple[str, str]]) -> str:
    return "".join(f"<p><strong>{html.escape(h)}</strong></p>{b}" for h, b in parts if b)


class _Context:
    """What an item type's :meth:`~course.items.base.ItemType.lms_questions` needs from the plan: the
    MyST renderers for the set's module, the item's common fields and its title and explanation."""

    choice = Choice
    grader = staticmethod(_grader)

    def __init__(self, root: Path, base: str, include_manual: bool):
        self.root, self.base, self.include_manual = root, base, include_manual
        self.common: dict = {}
        self.title = self.expl = ""
        self.item = None

    def html(self, text: str | None) -> str:
        return to_html(text, self.root, self.base)

    def text(self, text: str | None) -> str:
        return to_text(text, self.root, self.base)

    def choices(self, texts: dict[str, str], weight=None, feedback: dict | None = None) -> list[Choice]:
        """A :class:`Choice` per key of ``texts`` (MyST): its fraction ``weight(key)`` (default 0) and
        its ``feedback``, both rendered."""
        feedback = feedback or {}
        return [
            Choice(k, self.html(v), self.text(v), weight(k) if weight else 0.0, self.html(feedback.get(k)))
            for k, v in texts.items()
        ]

    def para_text(self, ref: str) -> str:
        return para_text(ref, self.root)

    def question(self, ident: str | None = None, **fields) -> Question:
        """One LMS question of the current item: its id, title and points are the item's unless given
        (an item the LMS holds as two questions names each part)."""
        fields.setdefault("title", self.title)
        fields.setdefault("points", self.item.points)
        return Question(ident or self.item.id, **fields, **self.common)

    def for_item(self, set_id: str, n: int, it) -> _Context:
        self.item = it
        self.common = dict(
            set_id=set_id,
            item_id=it.id,
            item_type=it.type,
            objective=it.objective,
            hints_html=[self.html(h) for h in it.hints],
        )
        self.title = f"{set_id} {n}: {it.id}"
        self.expl = self.html(it.explanation)
        return self


def _skip_reason(it, include_manual: bool) -> str | None:
    """Why an item stays out of the export (None: it goes in)."""
    if getattr(it, "worked_example", None):
        return f"a worked example in {it.worked_example} (no marks); learners practise it in the book"
    kind = for_item(it)
    if kind.lms_not_held and not include_manual:
        return kind.lms_not_held
    return None


def plan(sets: list[ExerciseSet], include_manual: bool = False, root: Path | None = None) -> Plan:
    """The export plan of ``sets``: each item's questions come from its type
    (:meth:`course.items.base.ItemType.lms_questions`). ``root``: the course's folder, whose readings
    the questions quote (default: the current course)."""
    course = Course(root) if root is not None else Course.current()
    with course.using():
        return _plan(sets, include_manual, course.root)


def _plan(sets: list[ExerciseSet], include_manual: bool, root: Path) -> Plan:
    out: list[tuple[ExerciseSet, list[Question]]] = []
    skipped: list[Skipped] = []
    used: set[str] = set()
    for s in sets:
        x = _Context(root, f"modules/{s.module}", include_manual)
        qs: list[Question] = []
        for n, it in enumerate(s.items, 1):
            reason = _skip_reason(it, include_manual)
            if reason:
                skipped.append(Skipped(s.id, it.id, it.type, reason))
                continue
            kind = for_item(it)
            qs += kind.lms_questions(it, x.for_item(s.id, n, it))
            if kind.lms_note:
                used.add(kind.lms_note)
        out.append((s, qs))
    notes = [NOTES[k] for k in ("ordering", "multiple", "short", "verdict", "manual") if k in used]
    return Plan(out, skipped, notes)

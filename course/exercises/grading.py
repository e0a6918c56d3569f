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

from dataclasses import dataclass, field
from typing import Any

from course.content.exercise_sets import ExerciseSet, ItemBase, _fmt
from course.exercises.safe import safe_text
from course.items import AnswerError, Outcome, for_item, for_type
from course.items.answers import is_blank, show
from course.items.base import ParagraphCheck
from course.items.evidence import (  # noqa: F401 - re-exported
    accepted_sources,
    citations,
    default_paragraph_check,
    evidence_shortfalls,
    named_sources,
    reading_length,
    reading_letters,
    reference_evidence,
    relevant_paragraphs,
)

PASSED, FAILED, PARTIAL, NOT_ATTEMPTED, NEEDS_REVIEW = "passed", "failed", "partial", "not-attempted", "needs-review"
STATUSES = (PASSED, PARTIAL, FAILED, NOT_ATTEMPTED, NEEDS_REVIEW)


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
        return {
            "item": self.item_id,
            "type": self.type,
            "status": self.status,
            "score": round(self.score, 4),
            "points": self.points,
            "max_points": self.max_points,
            "message": self.message,
            "answer_error": self.answer_error,
        }


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
        return round(sum(r.max_points for r in self.results if for_type(r.type).auto_graded), 4)

    @property
    def review_points(self) -> float:
        return round(sum(r.max_points for r in self.results if r.status == NEEDS_REVIEW), 4)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def score(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


# --------------------------------------------------------------------------------------------------
# Reading answers, paragraph ids and sources: in course.items (one module per item type), named here
# for the callers of this module.

_Bad = AnswerError
_show = show
_reading_length = reading_length
_reading_letters = reading_letters


# --------------------------------------------------------------------------------------------------
# Public entry points


def grade_item(
    item: ItemBase, answer: Any, *, hint_level: int = 0, paragraph_exists: ParagraphCheck | None = None, root=None
) -> Result:
    """Grade one answer. ``hint_level`` is how many hints the learner has already asked for: the
    message shows hint ``max(1, hint_level)``. Never raises on any ``answer``. The scoring itself is
    the item type's (:meth:`course.items.base.ItemType.grade`)."""
    exists = paragraph_exists or default_paragraph_check
    hints = list(item.hints)
    number = min(max(1, hint_level), len(hints))
    res = Result(
        item_id=item.id,
        type=item.type,
        status=NOT_ATTEMPTED,
        score=0.0,
        max_points=float(item.points),
        feedback="Not attempted yet.",
        hint=hints[number - 1],
        hint_number=number,
        hints_total=len(hints),
    )
    if is_blank(answer):
        return res
    try:
        out = for_item(item).grade(item, answer, exists, root)
    except AnswerError as exc:
        msg = safe_text(str(exc))
        res.status = FAILED
        res.answer_error = True
        res.feedback = f"Your answer cannot be read: {msg[0].lower() + msg[1:]}."
        return res
    except RecursionError:
        res.status, res.answer_error, res.feedback = (
            FAILED,
            True,
            "Your answer cannot be read: it is nested too deeply.",
        )
        return res
    except Exception as exc:  # noqa: BLE001 - a learner's answer never stops a check (issue 16)
        res.status, res.answer_error = FAILED, True
        res.feedback = (
            f"Your answer could not be checked ({type(exc).__name__}); it scores 0. Write it in the "
            "form the template shows; if it already is, tell your instructor."
        )
        return res
    if out.checks is not None:
        return _needs_review(res, out)
    return _scored(res, item, out.score, out.feedback)


def _needs_review(res: Result, out: Outcome) -> Result:
    """An answer an instructor marks: its structure checks, and the next hint while one fails."""
    res.checks = out.checks
    res.status = NEEDS_REVIEW
    res.feedback = out.feedback
    if all(c for _, c in out.checks):
        res.hint = None
    return res


def _scored(res: Result, item: ItemBase, score: float, fb: str) -> Result:
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


def grade_set(
    exercise_set: ExerciseSet,
    answers: dict[str, Any] | None,
    *,
    hint_levels: dict[str, int] | None = None,
    problems: list[str] | None = None,
    paragraph_exists: ParagraphCheck | None = None,
    root=None,
) -> SetResult:
    """Grade every item of a set; items missing from ``answers`` are not attempted."""
    answers = answers or {}
    hint_levels = hint_levels or {}
    results = [
        grade_item(
            it, answers.get(it.id), hint_level=hint_levels.get(it.id, 0), paragraph_exists=paragraph_exists, root=root
        )
        for it in exercise_set.items
    ]
    return SetResult(exercise_set.id, exercise_set.title, results, list(problems or []))


def reference_answers(item: ItemBase) -> Any:
    """The answer, in answer-file form, that scores 100 % (open responses: the model answer or None)."""
    return for_item(item).reference_answer(item)


def reference_answer_file(exercise_set: ExerciseSet) -> dict[str, Any]:
    """A whole answer file (item id → reference answer) for a set."""
    return {it.id: reference_answers(it) for it in exercise_set.items}

"""The base class of the item types, and the registry it fills.

An item type is one subclass of :class:`ItemType` in its own module of ``course/items/``, with
``name`` set to the ``type`` value of its model. Defining the class registers it (see
:func:`course.items.for_item`). The hooks are grouped by the view that calls them:

- grading (``course check``, ``course grade``): :meth:`grade`, :meth:`reference_answer`;
- the answer template (``course start``): :meth:`template_lines`;
- the book (the ``exercise-set`` directive): :meth:`book_body`, :meth:`book_key`,
  :meth:`book_key_extras`; the printed book's answer space: :attr:`print_answer_lines`,
  :attr:`print_answer_label`;
- the LMS exports (Moodle XML, QTI): :meth:`lms_questions`;
- the in-page self-check: :meth:`selfcheck_data`, :meth:`conformance_cases`, :meth:`normalizer_texts`;
- the quality rules (``course validate``): :meth:`quality_problems`, :meth:`reading_paragraphs`,
  :meth:`right_choices`, :meth:`key_choice`, :meth:`lesson_claim`, :meth:`technique_keys`.

Hooks that need a view's own tools (its MyST renderer, its hash primitives) get them as an
argument (``kit``, ``x``): this package imports nothing above the content layer. Book hooks return
plain data (:data:`Piece`), which the directive turns into docutils nodes: parsing MyST needs the
directive's state machine, which only the view has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

#: Signature of the paragraph-existence check: (reading id, paragraph number) → exists?
ParagraphCheck = Callable[[str, int], bool]

#: A piece of an item's book rendering, turned into nodes by the ``exercise-set`` directive:
#: ``("text", s)`` a plain paragraph; ``("myst", s)`` MyST parsed in place; ``("strong", s)`` a
#: paragraph in bold; ``("choices", {key: myst}, css class)``; ``("quote", myst, css class)``;
#: ``("list", [myst, ...], css class or "")`` a bullet list.
Piece = tuple

_REGISTRY: dict[str, ItemType] = {}


class AnswerError(Exception):
    """The answer cannot be read as this item type expects; the message says how to write it."""


@dataclass
class Outcome:
    """What :meth:`ItemType.grade` found: a score 0..1 and feedback, or (``checks`` not None) the
    structure checks of an answer that an instructor marks."""

    score: float
    feedback: str
    checks: list[tuple[str, bool]] | None = field(default=None)


class ItemType:
    """One item type. Subclasses set ``name`` and ``model`` and implement :data:`REQUIRED_HOOKS`."""

    name: ClassVar[str] = ""
    #: The content-layer model of this type (a pydantic model with ``type: Literal[name]``).
    model: ClassVar[type]
    #: Short label in the book ("single choice").
    label: ClassVar[str] = ""
    #: Scored by the grader (False: an instructor marks it; the grader checks its structure).
    auto_graded: ClassVar[bool] = True
    #: Appended to the item's heading line in the answer template.
    template_tag: ClassVar[str] = ""
    #: Assesses more than recall (an objective with a higher-order verb needs such an item).
    higher_order: ClassVar[bool] = False
    #: Key of the LMS scoring note this type adds to an export (``course.lms.plan.NOTES``).
    lms_note: ClassVar[str | None] = None
    #: Why no LMS question type can hold this type (None: it can).
    lms_not_held: ClassVar[str | None] = None
    #: What an instructor's marks on the marking sheet do (``course grade --marks``): "points" (they
    #: replace "review" and count towards the item's points) or "justification" (a gradebook
    #: column of their own, beside the automatically scored answer).
    marks_count_as: ClassVar[str] = "points"
    #: The printed book (student edition): lines of answer space under the exercise (one for a key,
    #: a number or a phrase; more for a list of paragraphs, a verdict with evidence, an open response)
    print_answer_lines: ClassVar[int] = 1
    #: ... and the label above them.
    print_answer_label: ClassVar[str] = "Your answer:"

    REQUIRED_HOOKS: ClassVar[tuple[str, ...]] = (
        "grade",
        "reference_answer",
        "template_lines",
        "book_body",
        "book_key",
        "lms_questions",
        "selfcheck_data",
        "conformance_cases",
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if not name:
            return
        old = _REGISTRY.get(name)
        if old is not None and (type(old).__module__, type(old).__qualname__) != (cls.__module__, cls.__qualname__):
            raise TypeError(f"item type '{name}' is defined twice: in {type(old).__module__} and {cls.__module__}")
        _REGISTRY[name] = cls()

    # -- grading ------------------------------------------------------------------------------
    def grade(self, item, answer: Any, exists: ParagraphCheck, root) -> Outcome:
        """Score a non-blank ``answer``; raise :class:`AnswerError` when it cannot be read."""
        raise NotImplementedError

    def reference_answer(self, item) -> Any:
        """The answer, in answer-file form, that scores 100 %."""
        raise NotImplementedError

    # -- answer template ----------------------------------------------------------------------
    def template_lines(self, item, kit, root) -> tuple[list[str], str, list[str]]:
        """(comment lines after the prompt, text after ``<id>:``, lines after that). ``kit`` is the
        template view's toolbox: ``comment``, ``choices``, ``plain``, ``reading_label``, ``placeholders``."""
        raise NotImplementedError

    # -- book ---------------------------------------------------------------------------------
    def book_body(self, item, course) -> list[Piece]:
        """What the student edition shows after the prompt (``course``: the book's :class:`Course`)."""
        raise NotImplementedError

    def book_key(self, item) -> str:
        """The answer in the instructor's key (MyST, after "Answer:")."""
        raise NotImplementedError

    def book_key_extras(self, item) -> tuple[list[Piece], list[Piece]]:
        """Pieces of the key before the explanation and after the hints."""
        return [], []

    # -- LMS exports --------------------------------------------------------------------------
    def lms_questions(self, item, x) -> list:
        """The plan's questions for the item; ``x`` is the plan's context (``html``, ``text``,
        ``question``, ``choice``, ``title``, ``expl``, ``grader``, ``para_text``, ``root``, ``base``)."""
        raise NotImplementedError

    # -- self-check ---------------------------------------------------------------------------
    def selfcheck_data(self, item, d: dict, keys, fb: dict, x) -> None:
        """Add the page's data for the item to ``d``, its answer elements to ``keys`` and its
        encrypted feedback to ``fb``; ``x`` gives the salted primitives of the self-check view."""
        raise NotImplementedError

    def conformance_cases(self, item, ref: Any, rng) -> list:
        """Answers (besides ``ref`` and the malformed ones) for the conformance corpus."""
        raise NotImplementedError

    def normalizer_texts(self, item) -> list[str]:
        """Texts of the item for the normaliser's conformance cases."""
        out: list[str] = []
        for attr in ("choices", "left", "right"):
            out += list((getattr(item, attr, None) or {}).values())
        return out

    # -- quality rules ------------------------------------------------------------------------
    def quality_problems(self, item, here: str, root, grade: Callable) -> list[str]:
        """Problems of this item only (``grade``: the grader's ``grade_item``)."""
        return []

    def reading_paragraphs(self, item) -> tuple[str, list[int]] | None:
        """(reading id, paragraph numbers the key uses), for the cross-file checks."""
        return None

    def right_choices(self, item) -> set[str] | None:
        """The right choices of a choice item whose wrong choices should carry feedback."""
        return None

    def key_choice(self, item) -> str | None:
        """The one right choice, for the balance of key letters and positions."""
        return None

    def technique_keys(self, item) -> tuple[str, str, dict[int, str]] | None:
        """(reading id, taxonomy, paragraph → keyed label) of an item that keys techniques."""
        return None

    def lesson_claim(self, item) -> tuple[set[str], str] | None:
        """(paragraph refs of the claim, answer) of an item a lesson must not give away."""
        return None

    # -- rubric marking (``course marking``, ``course grade --marks``) -----------------------------

    def marking_criteria(self, item) -> list[tuple[str, float]]:
        """(criterion, points) an instructor marks for ``item`` on the marking sheet; none (the
        default) if the item is not marked by hand."""
        return []

    def marking_checks(self, result) -> str:
        """The automatic checks of a response, as the marking sheet shows them."""
        return "; ".join(f"{'ok' if ok else 'MISSING'} {label}" for label, ok in result.checks or [])

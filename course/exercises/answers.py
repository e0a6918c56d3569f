"""A learner's answer files (``answers/<set>.yaml``): read safely, item ids checked against the set.

Reading goes through :mod:`course.content.yaml` (size cap, UTF-8, no aliases/tags, node cap);
fatal problems raise :class:`~course.errors.CourseInputError` (one paragraph, file and line), while
problems with single answers are collected on :class:`AnswerFile` so the rest can still be graded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.content.exercise_sets import ExerciseSet
from course.content.yaml import (
    MAX_ANSWER_BYTES,
    YamlDoc,
    _where,
    decode_bytes,
    describe_kind,
    parse_yaml,
    read_text,
)
from course.errors import CourseInputError
from course.exercises.recovery import (
    clip,
    locate_broken_block,
    recover,
    unread_feedback,
)

_kind = describe_kind


@dataclass
class AnswerFile:
    """A learner's answers to one set: item id → raw answer, plus the problems found while reading."""

    path: str
    answers: dict[str, Any]
    problems: list[str] = field(default_factory=list)  # one-paragraph messages, each with file and line
    unknown: list[str] = field(default_factory=list)  # item ids not in the set
    doc: YamlDoc | None = None
    unread: dict[str, str] = field(default_factory=dict)  # item id → "could not be read: line N" (recovery.py)
    broken: list = field(default_factory=list)  # recovery.Broken: the unread blocks (line, key, message)

    def line_of(self, item_id: str) -> int | None:
        return self.doc.line_of((item_id,), key=True) if self.doc else None

    def unreadable(self, set_result) -> list[str]:
        """One-paragraph messages (file, line) for answers that could not be read as their type
        expects, e.g. a choice that does not exist."""
        return [
            f"{_where(self.path, self.line_of(r.item_id))}: item '{r.item_id}': {r.feedback}"
            for r in set_result.results
            if r.answer_error
        ]


def parse_answers(doc: YamlDoc, exercise_set: ExerciseSet | None = None) -> AnswerFile:
    data = doc.data
    if data is None:
        return AnswerFile(doc.where, {}, doc=doc)
    if not isinstance(data, dict):
        raise CourseInputError(
            f"{_where(doc.where, doc.line_of(()))}: the top level is {_kind(data)}, but an answer file must be a "
            "mapping of item ids to answers (one 'item-id: answer' line per item). Run 'course start' to get "
            "a fresh template."
        )
    answers: dict[str, Any] = {}
    af = AnswerFile(doc.where, answers, doc=doc)
    known = {it.id for it in exercise_set.items} if exercise_set else None
    for key, value in data.items():
        if not isinstance(key, str):
            line = doc.line_of((key,), key=True)
            af.problems.append(
                f"{_where(doc.where, line)}: '{clip(key)}' is not an item id; item ids are text such "
                "as m1-rashidun-order. This line was ignored."
            )
            continue
        if known is not None and key not in known:
            from difflib import get_close_matches

            line = doc.line_of((key,), key=True)
            close = (
                get_close_matches(key, sorted(known), n=1, cutoff=0.6)
                if len(af.unknown) < 50 and len(key) <= 200
                else []
            )
            did = f" Did you mean '{close[0]}'?" if close else ""
            af.unknown.append(key)
            af.problems.append(
                f"{_where(doc.where, line)}: '{clip(key)}' is not an item of set "
                f"'{exercise_set.id}'.{did} This answer was ignored; the set's items are listed "
                "in the template ('course start')."
            )
            continue
        answers[key] = value
    return af


def load_answers(path: Path | str, exercise_set: ExerciseSet | None = None, *, recover: bool = False) -> AnswerFile:
    """Read a learner's answer file. A missing file means nothing attempted. Fatal problems (not YAML,
    binary, too big, aliases, duplicate keys, not a mapping) raise :class:`CourseInputError`; with
    ``recover``, a YAML error leaves only the broken items unread (see :mod:`course.exercises.recovery`)."""
    p = Path(path)
    if not p.exists():
        if p.is_symlink():
            raise CourseInputError(
                f"{p}: is a symbolic link to '{_link_target(p)}', which does not exist (or links back to itself). "
                "Delete the link and run 'course start' to create a real answer file."
            )
        return AnswerFile(str(p), {})
    return parse_answer_text(
        read_text(p, max_bytes=MAX_ANSWER_BYTES, what="answer file"), str(p), exercise_set, recover=recover
    )


def _link_target(p: Path) -> str:
    import os

    try:
        return os.readlink(p)
    except OSError:
        return "?"


def load_answers_bytes(
    raw: bytes, where: str, exercise_set: ExerciseSet | None = None, *, recover: bool = False
) -> AnswerFile:
    text = decode_bytes(raw, where, max_bytes=MAX_ANSWER_BYTES, what="answer file")
    return parse_answer_text(text, where, exercise_set, recover=recover)


def parse_answer_text(
    text: str, where: str, exercise_set: ExerciseSet | None = None, *, recover: bool = False
) -> AnswerFile:
    """Parse an answer file. A YAML syntax error is reported at the line where the broken answer
    *starts* (an unclosed ``[`` on line 19 is reported at line 19, not where the parser gave up)."""
    try:
        doc = parse_yaml(text, where, what="answer file")
    except CourseInputError as exc:
        # per-item recovery (issue 13): see course/exercises/recovery.py
        return _recover_or_raise(text, where, exc, exercise_set, recover_items=recover)
    return parse_answers(doc, exercise_set)


def _recover_or_raise(text: str, where: str, exc: CourseInputError, exercise_set=None, *, recover_items: bool):
    """The hook in the answer-file loader, called when the whole file failed to load with ``exc``.

    With ``recover_items``: an :class:`AnswerFile` of what could be read, with each unread block in
    ``problems`` and its item in ``unread``. Without (or when recovery does not apply): raise the
    whole-file error, reported where the broken answer starts."""
    rec = recover(text, where) if recover_items else None
    if rec is None:
        better = locate_broken_block(text, where, str(exc))
        raise CourseInputError(better or str(exc)) from None
    af = parse_answers(YamlDoc(data=rec.data, text=text, where=where), exercise_set)
    af.problems[:0] = [b.message for b in rec.broken]
    af.unread = {b.key: unread_feedback(b) for b in rec.broken}
    af.broken = rec.broken
    return af

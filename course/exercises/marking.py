"""Rubric marking of open responses: the marking sheet (``course marking``) and merging the
instructor's marks into the gradebook (``course grade --marks marks.csv``).

The sheet has one row per learner and open item (and per annotate item that collects one-line
justifications, ``justify: true``, marked with one criterion worth a point per paragraph): ``learner``, ``submission``, ``set``, ``item``,
``max_points``, ``checks`` (the automatic structure checks), ``response``, ``rubric`` (what each
column ``c1`` ... ``cN`` is, with its points), the empty columns ``c1`` ... ``cN`` for the marks,
and ``comment``. The instructor writes a number in each criterion column (0 up to that criterion's
points; halves allowed) and keeps the file as CSV. ``--marks`` reads it back: a row whose criterion
cells are all filled gives the item those points, replacing "review"; a row left blank stays
"review"; anything else (a number over the criterion's points, text, an unknown learner or item)
is reported with the file and line, and the row is ignored.

Marks for open responses replace "review" and count towards the points. Marks for justifications
are recorded in their own gradebook column ("justification marks") and do not change the
automatically scored labels; weigh them as your course requires.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from course.content.exercise_sets import _fmt
from course.errors import CourseInputError
from course.exercises.grading import NEEDS_REVIEW, NOT_ATTEMPTED
from course.items import for_item, for_type

FIXED = ["learner", "submission", "set", "item", "max_points", "checks", "response", "rubric"]


def _criteria(it) -> list[tuple[str, float]]:
    """(criterion, points) the instructor marks for an item (its type's ``marking_criteria``: an open
    item's rubric; an annotate item's justifications, one point per paragraph)."""
    return for_item(it).marking_criteria(it)


def _marked(it) -> bool:
    return bool(_criteria(it))


def _cell(value):
    from course.exercises.gradebook import _cell as neutralise

    return neutralise(value)


def response_text(lg, set_id: str, item_id: str) -> str:
    """A learner's response as the marking sheet shows it: a mapping one ``key: value`` per line, a
    list one entry per line."""
    value = lg.answers.get(set_id, {}).get(item_id)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def marking_rows(report, answers_text) -> list[list]:
    """Rows of the marking sheet. ``answers_text(lg, set_id, item_id)`` returns the response text."""
    open_items = [(s, it) for s in report.sets for it in s.items if _marked(it)]
    width = max((len(_criteria(it)) for _, it in open_items), default=0)
    header = FIXED + [f"c{i}" for i in range(1, width + 1)] + ["comment"]
    rows = [header]
    for lg in report.learners:
        results = {res.item_id: res for _, r in lg.sets for res in r.results}
        for s, it in open_items:
            res = results.get(it.id)
            if res is None or res.status == NOT_ATTEMPTED:
                continue
            checks = for_item(it).marking_checks(res)
            crits = _criteria(it)
            rubric = " | ".join(f"c{i}: {name} (0-{_fmt(pts)})" for i, (name, pts) in enumerate(crits, 1))
            top = sum(p for _, p in crits)
            rows.append(
                [
                    _cell(lg.learner),
                    _cell(lg.source),
                    s.id,
                    it.id,
                    _fmt(top),
                    _cell(checks),
                    _cell(answers_text(lg, s.id, it.id)),
                    _cell(rubric),
                ]
                + [""] * width
                + [""]
            )
    return rows


def write_marking_sheet(rows: list[list], path: Path | str) -> Path:
    from course.content.files import atomic_write

    path = Path(path)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buf.getvalue())
    return path


def read_marks(path: Path | str, report) -> tuple[dict[tuple[str, str], float], list[str]]:
    """``{(learner, item): points}`` from a filled marking sheet, and the problems found."""
    path = Path(path)
    reader, col = _open_sheet(path)
    items = {it.id: it for s in report.sets for it in s.items if _marked(it)}
    learners = {lg.learner for lg in report.learners}
    marks: dict[tuple[str, str], float] = {}
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue

        def get(name: str, row: list[str] = row) -> str:
            return row[col[name]].strip() if name in col and col[name] < len(row) else ""

        learner, item_id = get("learner").lstrip("'"), get("item")
        it = items.get(item_id)
        if it is None:
            problems.append(
                f"{path}, line {line}: '{item_id}' is not an instructor-marked item (open response, or "
                "annotation with justifications) of the graded sets; row ignored."
            )
            continue
        if learner not in learners:
            problems.append(f"{path}, line {line}: no submission from '{learner}'; row ignored.")
            continue
        cells = [get(f"c{i}") for i in range(1, len(_criteria(it)) + 1)]
        if not any(cells):
            continue  # not marked yet: stays "review"
        total, bad = _row_total(cells, _criteria(it))
        if bad:
            problems.append(
                f"{path}, line {line}: {learner}, {item_id}: {'; '.join(bad)}. Row ignored; fix it "
                "and run course grade again."
            )
            continue
        if (learner, item_id) in marks:
            problems.append(f"{path}, line {line}: {learner}, {item_id} is marked twice; the later row wins.")
        marks[(learner, item_id)] = total
    return marks, problems


def _open_sheet(path: Path):
    """The sheet's rows after the header, and the header's columns by name; a missing or unusable
    sheet is a CourseInputError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CourseInputError(
            f"{path}: no such marks file. Make one with 'course marking SUBMISSIONS --out "
            f"{path.name}' and fill in the c1, c2 ... columns."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseInputError(f"{path}: cannot be read as UTF-8 CSV ({exc}).") from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise CourseInputError(f"{path}: the marks file is empty.") from None
    missing = [c for c in ("learner", "item") if c not in header]
    if missing:
        raise CourseInputError(
            f"{path}, line 1: the header has no {' or '.join(missing)} column; use the sheet "
            "that 'course marking' writes."
        )
    return reader, {name: i for i, name in enumerate(header)}


def _row_total(cells: list[str], crits) -> tuple[float, list[str]]:
    """The points of one row's criterion cells, and what is wrong with them (not a number, out of range)."""
    total, bad = 0.0, []
    for i, (cell, (crit_name, crit_points)) in enumerate(zip(cells, crits), 1):
        try:
            value = float(cell.replace(",", "."))
        except ValueError:
            bad.append(f"c{i} is '{cell or 'empty'}', not a number")
            continue
        if not 0 <= value <= crit_points or (value * 2) != int(value * 2):
            bad.append(f"c{i} ({crit_name[:40]}) is {cell}; allowed 0 to {_fmt(crit_points)} in halves")
            continue
        total += value
    return total, bad


def apply_marks(report, marks: dict[tuple[str, str], float]) -> int:
    """Put the marks into the report's learners; returns how many were applied."""
    n = 0
    for lg in report.learners:
        for _, r in lg.sets:
            for res in r.results:
                key = (lg.learner, res.item_id)
                if key not in marks:
                    continue
                counts_as = for_type(res.type).marks_count_as
                if counts_as == "points" and res.status == NEEDS_REVIEW:
                    lg.marks[res.item_id] = marks[key]
                    n += 1
                elif counts_as == "justification":
                    lg.justification_marks[res.item_id] = marks[key]
                    n += 1
    return n

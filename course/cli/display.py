"""How the learner commands show results in the terminal: the status symbols, the score bar, the
per-set table and strip, feedback blocks, the next step, reference answers as a learner writes them,
and the discernment lines. Display only: the grading happened in course.exercises.
"""

from __future__ import annotations

import re

from rich.console import Group
from rich.padding import Padding
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from course.cli._common import err_console
from course.content.exercise_sets import (
    AnnotateItem,
    ExerciseSet,
    MatchingItem,
    MultipleItem,
    OpenItem,
    OrderingItem,
    SingleItem,
    _fmt,
)
from course.content.text import plain
from course.exercises.grading import FAILED, NEEDS_REVIEW, NOT_ATTEMPTED, PARTIAL, PASSED, SetResult
from course.exercises.safe import safe_text

SYMBOL = {
    PASSED: ("✓", "green"),
    PARTIAL: ("◐", "yellow"),
    FAILED: ("✗", "red"),
    NOT_ATTEMPTED: ("·", "dim"),
    NEEDS_REVIEW: ("⚑", "cyan"),
}
PROBLEMS_SHOWN = 20  # per answer file in `course check`; per learner in `course grade`
LABEL = {
    PASSED: "right",
    PARTIAL: "partly right",
    FAILED: "not yet",
    NOT_ATTEMPTED: "not attempted",
    NEEDS_REVIEW: "for review",
}


def bar(points: float, total: float, width: int = 40) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column()
    grid.add_column()
    pct = 100 * points / total if total else 0
    grid.add_row(
        ProgressBar(total=max(total, 1e-9), completed=points, width=width),
        f"{_fmt(round(points, 2))} / {_fmt(total)} points ({pct:.0f} %)",
    )
    return grid


def set_table(s: ExerciseSet, r: SetResult) -> Table:
    t = Table(title=f"{s.id}: {plain(s.title)}", title_justify="left")
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("item", overflow="fold")
    t.add_column("type", no_wrap=True)
    t.add_column("result", no_wrap=True)
    t.add_column("points", justify="right", no_wrap=True)
    for n, (it, res) in enumerate(zip(s.items, r.results), 1):
        sym, style = SYMBOL[res.status]
        pts = "review" if res.status == NEEDS_REVIEW else f"{_fmt(round(res.points, 2))}/{_fmt(res.max_points)}"
        t.add_row(str(n), res.item_id, it.type, Text(f"{sym} {LABEL[res.status]}", style=style), pts)
    return t


def feedback_blocks(s: ExerciseSet, r: SetResult, af=None) -> list:
    """Feedback blocks for attempted items that are not right yet (and open responses), each with the
    file and line of the answer when known."""
    out = []
    for n, res in enumerate(r.results, 1):
        if res.status in (PASSED, NOT_ATTEMPTED):
            continue
        sym, style = SYMBOL[res.status]
        head = Text(f"{sym} {n}. {res.item_id}", style=f"bold {style}")
        line = af.line_of(res.item_id) if af is not None else None
        if line:
            head.append(f"  ({safe_text(af.path, newlines=False)}, line {line})", style="dim")
        out.append(Group(head, Padding(Text(safe_text(res.message)), (0, 0, 0, 3))))
    return out


def strip(r: SetResult) -> Text:
    """Every item on one or two lines: its number and a status symbol (the compact summary)."""
    t = Text()
    for n, res in enumerate(r.results, 1):
        sym, style = SYMBOL[res.status]
        t.append(f"{n}", style="dim")
        t.append(sym + " ", style=style)
    return t


def first_sentence(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    m = re.search(r"(?<=[.!?])\s", flat)
    first = flat[: m.start()] if m else flat
    return first if len(first) <= limit else first[: limit - 1] + "…"


def next_step(s: ExerciseSet, r: SetResult) -> Text:
    wrong = [res.item_id for res in r.results if res.status in (FAILED, PARTIAL)]
    todo = r.count(NOT_ATTEMPTED)
    if wrong:
        return Text(
            f"Next: fix {wrong[0]} (more help: course hint {wrong[0]})"
            + (f"; {len(wrong) - 1} more not right yet" if len(wrong) > 1 else "")
            + ".",
            style="bold",
        )
    if todo:
        return Text(f"Next: {todo} item(s) to answer; course next {s.id} shows the first.", style="bold")
    return Text(
        "Every item is answered and right"
        + (" (open responses await an instructor)." if r.count(NEEDS_REVIEW) else "."),
        style="bold green",
    )


def counts(r: SetResult) -> str:
    parts = [f"{r.count(s)} {LABEL[s]}" for s in (PASSED, PARTIAL, FAILED, NOT_ATTEMPTED, NEEDS_REVIEW) if r.count(s)]
    return " · ".join(parts)


def format_answer(item, value) -> str:
    """A reference answer as a learner would write it, with choice texts for readability."""
    if isinstance(item, SingleItem):
        return f"{value} = {plain(item.choices[value])}"
    if isinstance(item, (MultipleItem, OrderingItem)):
        return "[" + ", ".join(value) + "]\n" + "\n".join(f"  {k} = {plain(item.choices[k])}" for k in value)
    if isinstance(item, MatchingItem):
        return "\n".join(f"{k}: {v}   ({plain(item.left[k])} → {plain(item.right[v])})" for k, v in value.items())
    if isinstance(item, AnnotateItem):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(item, OpenItem):
        rubric = "\n".join(f"  - {plain(c.criterion)} ({_fmt(c.points)})" for c in item.rubric)
        model = f"\nModel answer:\n{plain(value)}" if value else "\n(No model answer is given for this item.)"
        return f"Open response, marked by an instructor against the rubric:\n{rubric}{model}"
    if isinstance(value, dict):
        return "\n".join(f"{k}: {plain(str(v))}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def state_warning(state) -> None:
    if state.warning:
        err_console().print(Text("warning: ", style="yellow") + Text(safe_text(state.warning)), soft_wrap=True)


def print_discernment(con, results, always: bool = False) -> None:
    """The discernment lines for ``course progress`` / ``course check`` / ``course diagnostic``."""
    if not results and not always:
        return
    con.print(Text("Discernment check (never marked)", style="bold"))
    if not results:
        con.print(
            "No form answered yet: run [bold]course diagnostic a[/bold] (start of the course) or "
            "[bold]course diagnostic b[/bold] (end)."
        )
        return
    from course.exercises.diagnostic import change, describe

    for fid in sorted(results):
        res = results[fid]
        con.print("  " + describe(res), soft_wrap=True)
        for p in res.problems:
            con.print(Text("  problem: ", style="bold red") + Text(p), soft_wrap=True)
    d = change(results.get("a"), results.get("b"))
    if d is not None:
        con.print(
            f"  change from form A to form B: {d:+.2f} discernment "
            "(hit rate minus false-alarm rate; 0 means no discernment)."
        )


def discernment_results(answers_dir) -> dict:
    """The diagnostic forms answered in ``answers_dir``, scored; {} without reading the diagnostic
    (nor importing its statistics) when no form file is there, as for most ``course check`` runs."""
    if not any(answers_dir.glob("diagnostic-*.yaml")):  # the stems of diagnostic.FORM_FILES
        return {}
    from course.exercises.diagnostic import score_answers_dir

    return score_answers_dir(answers_dir)

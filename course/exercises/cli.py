"""Learner and instructor commands of the exercise engine (added to ``course`` by course/cli.py).

Learners: ``course start [SET]``, ``course check [SET]``, ``course hint ITEM``, ``course reveal ITEM``,
``course progress``. Instructors: ``course grade SUBMISSIONS --csv grades.csv``. Authors:
``course schema``, ``course validate``.

Exit codes: 0 success; 1 bad input (a one-paragraph message on stderr, never a traceback);
2 wrong usage (click).
"""

from __future__ import annotations

import functools
import json
import re
import sys
import time
from pathlib import Path

import click
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from course.content import Course
from course.errors import CourseInputError
from course.exercises.grading import (FAILED, NEEDS_REVIEW, NOT_ATTEMPTED, PARTIAL, PASSED, SetResult, grade_set,
                                      reference_answers)
from course.content.exercise_sets import exercises_dir, load_all_sets
from course.exercises.answers import load_answers
from course.exercises.recovery import mark_unread
from course.exercises.safe import safe_text
from course.content.exercise_sets import (AnnotateItem, ExerciseSet, MatchingItem, MultipleItem, OpenItem, OrderingItem,
                                     SingleItem, _fmt, json_schema)
from course.exercises.state import load_state
from course.content.text import plain

SYMBOL = {PASSED: ("✓", "green"), PARTIAL: ("◐", "yellow"), FAILED: ("✗", "red"),
          NOT_ATTEMPTED: ("·", "dim"), NEEDS_REVIEW: ("⚑", "cyan")}
PROBLEMS_SHOWN = 20  # per answer file in `course check`; per learner in `course grade`
LABEL = {PASSED: "right", PARTIAL: "partly right", FAILED: "not yet", NOT_ATTEMPTED: "not attempted",
         NEEDS_REVIEW: "for review"}

_answers_opt = click.option("--answers", "answers_dir", default="answers", show_default=True,
                            type=click.Path(file_okay=False, path_type=Path), help="Folder of your answer files.")
_exercises_opt = click.option("--exercises", "exercises_path", default=None,
                              type=click.Path(path_type=Path),
                              help="Folder of exercise sets (default: the course's exercises/).")


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _err_console() -> Console:
    return Console(stderr=True, highlight=False)


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so temporary files are removed and nothing is half-written."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        def stop(signum, frame):
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, stop)


def handle_errors(fn):
    """Print CourseInputError as one paragraph on stderr and exit 1 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _exit_cleanly_on_sigterm()
        try:
            return fn(*args, **kwargs)
        except CourseInputError as exc:
            _err_console().print(Text("error: ", style="bold red") + Text(safe_text(str(exc))), soft_wrap=True)
            sys.exit(1)
        except OSError as exc:  # a read or write the command did not expect to fail: still one paragraph
            from course.content.files import write_error

            where = exc.filename or "a file"
            msg = str(write_error(where, exc, what="read or write")) if exc.errno else f"{where}: {exc}"
            _err_console().print(Text("error: ", style="bold red") + Text(safe_text(msg)), soft_wrap=True)
            sys.exit(1)

    return wrapper


# --------------------------------------------------------------------------------------------------
# Finding sets and items


def _sets_root(exercises_path: Path | None):
    return exercises_path if exercises_path is not None else None


def _all_sets(exercises_path: Path | None) -> list[ExerciseSet]:
    sets = load_all_sets(_sets_root(exercises_path))
    if not sets:
        raise CourseInputError(f"{exercises_dir(_sets_root(exercises_path))}: no exercise sets (*.yaml) found. "
                               "Run the command from the course folder, or pass --exercises FOLDER.")
    return sets


def _select(sets: list[ExerciseSet], names: tuple[str, ...]) -> list[ExerciseSet]:
    if not names:
        return sets
    by_id = {s.id: s for s in sets}
    chosen = []
    for n in names:
        n = Path(n).stem if n.endswith((".yaml", ".yml")) else n
        if n not in by_id:
            from difflib import get_close_matches

            close = get_close_matches(n, list(by_id), n=1)
            did = f" Did you mean '{close[0]}'?" if close else ""
            raise CourseInputError(f"'{n}' is not an exercise set.{did} Sets: {', '.join(by_id)}.")
        chosen.append(by_id[n])
    return chosen


def _find_item(sets: list[ExerciseSet], item_id: str):
    for s in sets:
        for n, it in enumerate(s.items, 1):
            if it.id == item_id:
                return s, n, it
    from difflib import get_close_matches

    ids = [it.id for s in sets for it in s.items]
    close = get_close_matches(item_id, ids, n=3)
    did = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise CourseInputError(f"'{item_id}' is not an item of any exercise set.{did} Item ids are printed in the "
                           "book and in your answer files (run 'course start').")


def _root_for_sets(exercises_path: Path | None):
    """The course root for taxonomies and readings: always the project root (not the sets' folder)."""
    return None


# --------------------------------------------------------------------------------------------------
# Rendering


def _bar(points: float, total: float, width: int = 40) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column()
    grid.add_column()
    pct = 100 * points / total if total else 0
    grid.add_row(ProgressBar(total=max(total, 1e-9), completed=points, width=width),
                 f"{_fmt(round(points, 2))} / {_fmt(total)} points ({pct:.0f} %)")
    return grid


def _set_table(s: ExerciseSet, r: SetResult) -> Table:
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


def _feedback(s: ExerciseSet, r: SetResult, af=None) -> list:
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


def _strip(r: SetResult) -> Text:
    """Every item on one or two lines: its number and a status symbol (the compact summary)."""
    t = Text()
    for n, res in enumerate(r.results, 1):
        sym, style = SYMBOL[res.status]
        t.append(f"{n}", style="dim")
        t.append(sym + " ", style=style)
    return t


def _first_sentence(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    m = re.search(r"(?<=[.!?])\s", flat)
    first = flat[: m.start()] if m else flat
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _next_step(s: ExerciseSet, r: SetResult) -> Text:
    wrong = [res.item_id for res in r.results if res.status in (FAILED, PARTIAL)]
    todo = r.count(NOT_ATTEMPTED)
    if wrong:
        return Text(f"Next: fix {wrong[0]} (more help: course hint {wrong[0]})"
                    + (f"; {len(wrong) - 1} more not right yet" if len(wrong) > 1 else "") + ".", style="bold")
    if todo:
        return Text(f"Next: {todo} item(s) to answer; course next {s.id} shows the first.", style="bold")
    return Text("Every item is answered and right" + (" (open responses await an instructor)."
                                                       if r.count(NEEDS_REVIEW) else "."), style="bold green")


def _counts(r: SetResult) -> str:
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


def _state_warning(state) -> None:
    if state.warning:
        _err_console().print(Text("warning: ", style="yellow") + Text(safe_text(state.warning)), soft_wrap=True)


# --------------------------------------------------------------------------------------------------
# Commands


@click.command()
@click.argument("sets", nargs=-1)
@_answers_opt
@_exercises_opt
@handle_errors
def start(sets, answers_dir, exercises_path):
    """Write answer templates into answers/ (one file per SET; all sets if none given).

    Existing answers are never overwritten: new questions are appended to existing files."""
    from course.exercises.templates import start as start_set

    con = _console()
    chosen = _select(_all_sets(exercises_path), sets)
    root = _root_for_sets(exercises_path)
    t = Table(title="Answer files", title_justify="left")
    t.add_column("set")
    t.add_column("file")
    t.add_column("what happened")
    for s in chosen:
        rep = start_set(s, answers_dir, root)
        what = {"created": f"created ({len(rep.added)} questions)",
                "added": f"added {len(rep.added)} new question(s) at the end; your answers are unchanged",
                "unchanged": "already complete; left unchanged"}[rep.action]
        t.add_row(s.id, str(rep.path), what)
    con.print(t)
    con.print(f"Next: open a file in {answers_dir}/, write your answers, then run [bold]course check[/bold].")


@click.command()
@click.argument("sets", nargs=-1)
@_answers_opt
@_exercises_opt
@click.option("--explain", "--explanations", "explanations", is_flag=True,
              help="Show the full explanation of every right item (by default, newly right items get one line).")
@click.option("--table", "table", is_flag=True, help="Show every item in a table, not the compact summary.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write results (Exercism results.json v3 with points) to this file.")
@handle_errors
def check(sets, answers_dir, exercises_path, explanations, json_path, table=False):
    """Check your answers: score, what is not right yet (with hints), what to do next.

    With no SET, checks every set that has an answer file in answers/."""
    from course.exercises.results import results_document, write_json

    con = _console()
    all_sets = _all_sets(exercises_path)
    chosen = _select(all_sets, sets)
    if not sets:
        chosen = [s for s in chosen if (answers_dir / f"{s.id}.yaml").exists()
                  or (answers_dir / f"{s.id}.yaml").is_symlink()]
        if not chosen:
            raise CourseInputError(f"{answers_dir}/: no answer files yet. Run 'course start' to create them, "
                                   "or 'course check SET' to check one set.")
    state = load_state(answers_dir)
    _state_warning(state)
    root = _root_for_sets(exercises_path)
    graded = []
    t0 = time.perf_counter()
    for s in chosen:
        path = answers_dir / f"{s.id}.yaml"
        problems: list[str] = []
        answers = {}
        af = None
        if not path.exists() and not path.is_symlink():
            con.print(f"[yellow]{path} does not exist yet;[/yellow] run [bold]course start {s.id}[/bold]. "
                      "Every item counts as not attempted.")
        else:
            try:
                af = load_answers(path, s, recover=True)
                answers, problems = af.answers, af.problems
            except CourseInputError as exc:
                problems = [str(exc)]
        r = grade_set(s, answers, hint_levels=state.hint_levels(), problems=problems, root=root)
        if af is not None:
            mark_unread(r, af)  # items of a broken YAML block: "could not be read: line N" (issue 13)
            r.problems.extend(af.unreadable(r))
            problems = r.problems
        graded.append((s, r))
        new_right = []
        for res in r.results:
            if res.status != NOT_ATTEMPTED:
                if state.record(res.item_id, res.status, res.score):
                    new_right.append(res.item_id)
        if table:
            con.print(_set_table(s, r))
        else:
            con.print(Text(f"{s.id}: {plain(s.title)}", style="bold"))
            con.print(_strip(r))
        con.print(_bar(r.points, r.max_points))
        tail = _counts(r)
        if r.review_points:
            tail += f" · {_fmt(r.review_points)} point(s) await an instructor"
        elif r.max_points > r.auto_max_points:
            tail += f" · {_fmt(r.max_points - r.auto_max_points)} point(s) are marked by an instructor"
        con.print(tail)
        for block in _feedback(s, r, af):
            con.print(block)
        shown_above = set(af.unreadable(r)) if af is not None else set()  # already in the feedback blocks
        problems = [p for p in problems if p not in shown_above]
        for p in problems[:PROBLEMS_SHOWN]:
            con.print(Text("problem: ", style="bold red") + Text(safe_text(p, newlines=False)), soft_wrap=True)
        if len(problems) > PROBLEMS_SHOWN:
            con.print(Text(f"problem: {len(problems) - PROBLEMS_SHOWN} more problem(s) in this file not shown; "
                           "fix the ones above first.", style="bold red"), soft_wrap=True)
        show = [it for it, res in zip(s.items, r.results)
                if res.status == PASSED and (explanations or it.id in new_right)]
        for it in show:
            if explanations:
                con.print(Panel(escape(plain(it.explanation)), title=f"Why {it.id} is right", title_align="left",
                                border_style="green"))
            else:
                con.print(Text(f"Why {it.id} is right: ", style="green") + Text(_first_sentence(plain(it.explanation))))
        if show and not explanations:
            con.print(f"[dim](Full explanations: course check {s.id} --explain)[/dim]")
        con.print(_next_step(s, r))
        con.print()
    try:
        state.save()
    except OSError as exc:
        _err_console().print(f"[yellow]warning:[/yellow] progress not saved ({escape(str(exc))}).")
    if json_path:
        write_json(json_path, results_document(graded))
        con.print(f"Results written to {json_path}.")
    from course.exercises.diagnostic import score_answers_dir

    _print_discernment(con, score_answers_dir(answers_dir, root))
    elapsed = time.perf_counter() - t0
    con.print(f"[dim]Checked {sum(len(s.items) for s, _ in graded)} items in {elapsed:.2f} s.[/dim]")
    if any(r.problems for _, r in graded):
        sys.exit(1)


@click.command()
@click.argument("item_id")
@_answers_opt
@_exercises_opt
@handle_errors
def hint(item_id, answers_dir, exercises_path):
    """Show the next hint for ITEM (hints get more specific each time)."""
    con = _console()
    s, n, it = _find_item(_all_sets(exercises_path), item_id)
    state = load_state(answers_dir)
    _state_warning(state)
    st = state.item(it.id)
    total = len(it.hints)
    if st.hints_shown < total:
        st.hints_shown += 1
    k = max(1, st.hints_shown)
    con.print(Panel(escape(plain(it.hints[k - 1])), title=f"{it.id}: hint {k} of {total}", title_align="left",
                    border_style="yellow"))
    if k >= total:
        con.print(f"That is the last hint. To see the answer and why it is right: course reveal {it.id}")
    try:
        state.save()
    except OSError:
        pass


@click.command()
@click.argument("item_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_answers_opt
@_exercises_opt
@handle_errors
def reveal(item_id, yes, answers_dir, exercises_path):
    """Show the reference answer and explanation for ITEM."""
    con = _console()
    s, n, it = _find_item(_all_sets(exercises_path), item_id)
    if not yes:
        if not sys.stdin.isatty():
            raise CourseInputError("reveal asks for confirmation; run it in a terminal or add --yes.")
        if not click.confirm(f"Reveal the answer to {it.id}? Trying once more first usually teaches more", default=False):
            con.print("Not revealed. Try 'course hint ITEM' for a nudge.")
            return
    state = load_state(answers_dir)
    _state_warning(state)
    state.item(it.id).revealed = True
    ref = reference_answers(it)
    con.print(Panel(escape(format_answer(it, ref)), title=f"{it.id}: answer", title_align="left", border_style="cyan"))
    con.print(Panel(escape(plain(it.explanation)), title="Why", title_align="left", border_style="green"))
    try:
        state.save()
    except OSError:
        pass


@click.command()
@_answers_opt
@_exercises_opt
@handle_errors
def progress(answers_dir, exercises_path):
    """Show your progress over every set."""
    con = _console()
    sets = _all_sets(exercises_path)
    state = load_state(answers_dir)
    root = _root_for_sets(exercises_path)
    t = Table(title="Progress", title_justify="left",
              caption="✓ right  ◐ partly right  ✗ not yet  · not attempted  ⚑ for review", caption_justify="left")
    t.add_column("set", no_wrap=True)
    t.add_column("progress", no_wrap=True)
    t.add_column("points", justify="right", no_wrap=True)
    t.add_column("items", no_wrap=True)
    t.add_column("hints", justify="right", no_wrap=True)
    t.add_column("revealed", justify="right", no_wrap=True)
    tot_pts = tot_max = 0.0
    for s in sets:
        path = answers_dir / f"{s.id}.yaml"
        answers = {}
        if path.exists():
            try:
                answers = load_answers(path, s, recover=True).answers
            except CourseInputError as exc:
                _err_console().print(Text("problem: ", style="bold red") + Text(safe_text(str(exc))), soft_wrap=True)
        r = grade_set(s, answers, root=root)
        ids = [it.id for it in s.items]
        hints = sum(state.items[i].hints_shown for i in ids if i in state.items)
        revealed = sum(1 for i in ids if i in state.items and state.items[i].revealed)
        counts = " ".join(f"{SYMBOL[st][0]}{r.count(st)}" for st in (PASSED, PARTIAL, FAILED, NOT_ATTEMPTED, NEEDS_REVIEW))
        t.add_row(s.id, ProgressBar(total=max(r.max_points, 1e-9), completed=r.points, width=12),
                  f"{_fmt(round(r.points, 2))}/{_fmt(r.max_points)}", counts, str(hints), str(revealed))
        tot_pts += r.points
        tot_max += r.max_points
    con.print(t)
    con.print(Group(Text("Overall"), _bar(tot_pts, tot_max)))
    from course.exercises.diagnostic import score_answers_dir

    _print_discernment(con, score_answers_dir(answers_dir, root), always=True)


@click.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--csv", "csv_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the grade sheet (one row per learner, one column per item).")
@click.option("--json", "json_path", is_flag=False, flag_value="__auto__", default=None,
              help="Also write a detailed JSON report (default path: next to the CSV).")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write one results JSON per learner into this folder.")
@click.option("--strict", is_flag=True, help="Exit 1 if any submission had a problem.")
@click.option("--set", "assigned", multiple=True,
              help="An assigned set (repeatable): grade and compute percentages over these sets only.")
@click.option("--marks", "marks_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A filled marking sheet (from 'course marking') whose rubric marks go into the gradebook.")
@click.option("--timeout", "timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds allowed to read and grade one submission; a slower one is reported and scored 0.")
@click.option("--jobs", "jobs", type=click.IntRange(min=0), default=None,
              help="Grading processes (default: one per CPU, up to 4; 0: grade in this process, without the "
                   "time and memory limits).")
@_exercises_opt
@handle_errors
def grade(submissions, csv_path, json_path, feedback_dir, strict, assigned, marks_path, timeout, jobs,
          exercises_path):
    """Grade every submission in SUBMISSIONS (a folder or .zip per learner) into a CSV."""
    from course.exercises.gradebook import grade_all, write_csv, write_feedback, write_json_report

    con = _console()
    sets = _select(_all_sets(exercises_path), assigned)
    t0 = time.perf_counter()
    report = grade_all(submissions, sets, _root_for_sets(exercises_path), jobs=jobs, timeout=timeout)
    if marks_path:
        from course.exercises.marking import apply_marks, read_marks

        marks, mark_problems = read_marks(marks_path, report)
        applied = apply_marks(report, marks)
        con.print(f"Rubric marks merged: {applied} open response(s) from {marks_path}.")
        for p in mark_problems:
            con.print(Text("problem: ", style="bold red") + Text(safe_text(p, newlines=False)), soft_wrap=True)
    write_csv(report, csv_path)
    outputs = [str(csv_path)]
    if json_path:
        jp = csv_path.with_suffix(".json") if json_path == "__auto__" else Path(json_path)
        write_json_report(report, jp)
        outputs.append(str(jp))
    if feedback_dir:
        write_feedback(report, feedback_dir)
        outputs.append(f"{feedback_dir}/ ({len(report.learners)} files)")
    elapsed = time.perf_counter() - t0
    n = len(report.learners)
    avg = (sum(lg.points / lg.max_points for lg in report.learners if lg.max_points) / n * 100) if n else 0
    review = sum(lg.review_items for lg in report.learners)
    con.print(f"Graded {n} submission(s) over {len(sets)} set(s) ({', '.join(s.id for s in sets)}) in "
              f"{elapsed:.2f} s; mean score {avg:.1f} %; {review} open response(s) marked 'review'.")
    con.print("Wrote " + ", ".join(outputs) + ".")
    bad = [lg for lg in report.learners if lg.rejected or lg.problems]
    if bad or report.skipped:
        con.print(Text("Submissions with problems (graded as far as possible):", style="bold"))
        for lg in bad:
            issues = ([lg.rejected] if lg.rejected else []) + lg.problems
            for p in issues[:PROBLEMS_SHOWN // 4]:
                con.print(Text(f"- {safe_text(lg.learner, newlines=False)}: ", style="bold red")
                          + Text(safe_text(p, newlines=False)), soft_wrap=True)
            if len(issues) > PROBLEMS_SHOWN // 4:
                more = len(issues) - PROBLEMS_SHOWN // 4
                where = " (all of them in the JSON report and the feedback file)" if (json_path or feedback_dir) else \
                    " (add --json or --feedback to see all of them)"
                con.print(Text(f"- {safe_text(lg.learner, newlines=False)}: ", style="bold red")
                          + Text(f"{more} more problem(s){where}."), soft_wrap=True)
        for p in report.skipped:
            con.print(Text("- skipped: ", style="bold yellow") + Text(safe_text(p, newlines=False)), soft_wrap=True)
        if strict:
            sys.exit(1)


@click.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the schema to this file instead of printing it.")
@handle_errors
def schema(out):
    """Print the JSON Schema of exercise-set files (for editor autocompletion)."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out:
        from course.content.files import atomic_write

        atomic_write(out, text)
        click.echo(f"Wrote {out}.")
    else:
        click.echo(text, nl=False)


@click.command()
@click.argument("sets", nargs=-1)
@_exercises_opt
@click.option("--strict", is_flag=True,
              help="Treat the item-quality rules (key balance, feedback, objective levels, model answers, "
                   "minutes) as errors, as CI does.")
@handle_errors
def validate(sets, exercises_path, strict):
    """Check exercise sets for authors: schema, objectives, readings, paragraph ids, citations, and the
    item-quality rules (warnings; errors with --strict)."""
    from course.exercises.validate import feedback_coverage, key_distribution, quality_problems, validate_references

    con = _console()
    all_sets = _all_sets(exercises_path)
    chosen = _select(all_sets, sets)
    root = _root_for_sets(exercises_path)
    problems = []
    for s in chosen:
        problems += validate_references(s, root)
    quality = quality_problems(chosen, root)
    for p in problems:
        con.print(Text("problem: ", style="bold red") + Text(p), soft_wrap=True)
    for p in quality:
        label = ("problem: ", "bold red") if strict else ("warning: ", "bold yellow")
        con.print(Text(label[0], style=label[1]) + Text(p), soft_wrap=True)
    dist = key_distribution(chosen)
    n = dist["n_letter"]["course"]
    letters = ", ".join(f"{k} {v}" for k, v in sorted(dist["letters"]["course"].items()))
    have, total, _ = feedback_coverage(chosen)
    con.print(f"Key letters of {n} letter-keyed single-choice items: {letters or 'none'}. "
              f"Wrong choices with feedback: {have} of {total}.")
    n_items = sum(len(s.items) for s in chosen)
    if problems or (strict and quality):
        con.print(f"{len(problems) + (len(quality) if strict else 0)} problem(s) in {len(chosen)} set(s).")
        sys.exit(1)
    if quality:
        con.print(f"{len(chosen)} set(s), {n_items} items: references good; {len(quality)} item-quality "
                  "warning(s) (errors under --strict).")
        return
    con.print(f"{len(chosen)} set(s), {n_items} items: all good.")


@click.command()
@click.argument("form", required=False, type=click.Choice(["a", "b", "A", "B"]))
@_answers_opt
@handle_errors
def diagnostic(form, answers_dir):
    """The discernment check (never marked): write form A or B to answers/, or score what you wrote.

    Form A is for the start of the course (Module 0), form B for the end (Module 4). With no FORM,
    shows the results of the forms you have answered, and the change from A to B."""
    from course.exercises.diagnostic import score_answers_dir, template
    from course.content.files import atomic_write

    con = _console()
    diag = Course.find().diagnostic
    if form:
        f = diag.forms[form.lower()]
        path = answers_dir / f"{f.answer_stem}.yaml"
        if not path.exists():
            answers_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(path, template(f, diag.instructions) + "\n")
            con.print(f"Wrote {path} ({len(f.passages)} passages). Answer each, then run "
                      f"[bold]course diagnostic {f.id}[/bold] again to see your result.")
            return
    results = score_answers_dir(answers_dir)
    _print_discernment(con, results, always=True)
    if any(r.problems for r in results.values()):
        sys.exit(1)


def _print_discernment(con, results, always: bool = False) -> None:
    """The discernment lines for ``course progress`` / ``course check`` / ``course diagnostic``."""
    from course.exercises.diagnostic import change, describe

    if not results and not always:
        return
    con.print(Text("Discernment check (never marked)", style="bold"))
    if not results:
        con.print("No form answered yet: run [bold]course diagnostic a[/bold] (start of the course) or "
                  "[bold]course diagnostic b[/bold] (end).")
        return
    for fid in sorted(results):
        res = results[fid]
        con.print("  " + describe(res), soft_wrap=True)
        for p in res.problems:
            con.print(Text("  problem: ", style="bold red") + Text(p), soft_wrap=True)
    d = change(results.get("a"), results.get("b"))
    if d is not None:
        con.print(f"  change from form A to form B: {d:+.2f} discernment "
                  "(hit rate minus false-alarm rate; 0 means no discernment).")


@click.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the marking sheet (CSV: one row per learner and open response).")
@click.option("--set", "assigned", multiple=True, help="An assigned set (repeatable).")
@_exercises_opt
@handle_errors
def marking(submissions, out_path, assigned, exercises_path):
    """Write the rubric marking sheet for the open responses in SUBMISSIONS.

    Fill in the c1, c2 ... columns (each criterion's points), then run
    course grade SUBMISSIONS --csv grades.csv --marks SHEET."""
    from course.exercises.gradebook import grade_all
    from course.exercises.marking import marking_rows, write_marking_sheet

    con = _console()
    sets = _select(_all_sets(exercises_path), assigned)
    report = grade_all(submissions, sets, _root_for_sets(exercises_path))

    def text(lg, set_id, item_id):
        value = lg.answers.get(set_id, {}).get(item_id)
        if isinstance(value, dict):
            return "\n".join(f"{k}: {v}" for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return "\n".join(str(v) for v in value)
        return "" if value is None else str(value)

    rows = marking_rows(report, text)
    write_marking_sheet(rows, out_path)
    con.print(f"Wrote {out_path}: {len(rows) - 1} open response(s) from {len(report.learners)} submission(s). "
              "Fill in the c1, c2 ... columns, then run course grade ... --marks " + str(out_path) + ".")


@click.command(name="next")
@click.argument("sets", nargs=-1)
@_answers_opt
@_exercises_opt
@handle_errors
def next_item(sets, answers_dir, exercises_path):
    """Show the next unanswered item (in SET, or in the first set with one), and where to answer it."""
    con = _console()
    chosen = _select(_all_sets(exercises_path), sets)
    root = _root_for_sets(exercises_path)
    not_right = 0
    for s in chosen:
        path = answers_dir / f"{s.id}.yaml"
        af = None
        if path.exists():
            try:
                af = load_answers(path, s, recover=True)
            except CourseInputError as exc:
                raise CourseInputError(f"{exc} Fix this first: 'course next' reads your answers to know what is "
                                       "left.") from None
        r = grade_set(s, af.answers if af else {}, root=root)
        not_right += sum(1 for res in r.results if res.status in (FAILED, PARTIAL))
        for n, (it, res) in enumerate(zip(s.items, r.results), 1):
            if res.status != NOT_ATTEMPTED:
                continue
            where = f"{path}, line {af.line_of(it.id)}" if af and af.line_of(it.id) else \
                (str(path) if path.exists() else f"{path} (run 'course start {s.id}' first)")
            pts = f"{_fmt(it.points)} point{'s' if it.points != 1 else ''}"
            con.print(Text(f"Next: {s.id} #{n} {it.id}  ·  {it.type}  ·  {pts}", style="bold"))
            con.print(Padding(Text(plain(it.prompt)), (0, 0, 0, 2)))
            if af is not None and it.id in af.unread:  # its answer is there but has a YAML error (issue 13)
                con.print(Text(af.unread[it.id], style="yellow"))
            con.print(f"Answer in {escape(where)}, then run [bold]course check {s.id}[/bold].")
            return
    tail = f" {not_right} item(s) are not right yet: run 'course check' to see which." if not_right else ""
    con.print(f"Every item{'' if len(chosen) > 1 else ' of ' + chosen[0].id} has an answer.{tail}")


@click.command()
@_answers_opt
@_exercises_opt
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The zip to write (default: answers-<date>-<time>.zip in this folder).")
@handle_errors
def submit(answers_dir, exercises_path, out):
    """Zip your answer files for hand-in, with a manifest (what is in it, and your current points).

    The zip holds answers/<set>.yaml for every set you have a file for, exactly as saved, and
    answers/MANIFEST.json. Hand it in as your instructor asks; they grade it with `course grade`."""
    import hashlib
    import zipfile
    from datetime import datetime, timezone

    from course.content.files import atomic_replace, write_error

    con = _console()
    sets = _all_sets(exercises_path)
    root = _root_for_sets(exercises_path)
    now = datetime.now(timezone.utc)
    out = out or Path(f"answers-{now.strftime('%Y%m%d-%H%M')}.zip")
    files, problems = [], []
    for s in sets:
        path = answers_dir / f"{s.id}.yaml"
        if path.is_symlink():
            problems.append(f"{path}: a symbolic link; not included (submit the file itself).")
            continue
        if not path.is_file():
            continue
        raw = path.read_bytes()
        entry = {"set": s.id, "file": f"answers/{s.id}.yaml", "bytes": len(raw),
                 "sha256": hashlib.sha256(raw).hexdigest()}
        try:
            af = load_answers(path, s, recover=True)
            r = grade_set(s, af.answers, root=root)
            entry.update(points=r.points, max_points=r.max_points, review_points=r.review_points,
                         answered=sum(1 for x in r.results if x.status != NOT_ATTEMPTED), items=len(r.results))
            problems += af.problems + af.unreadable(r)
        except CourseInputError as exc:
            entry["problem"] = safe_text(str(exc))
            problems.append(str(exc))
        files.append((path, raw, entry))
    if not files:
        raise CourseInputError(f"{answers_dir}/: no answer files to submit. Run 'course start' and answer some "
                               "items first.")
    manifest = {"kind": "course-answers", "version": 1, "created": now.isoformat(timespec="seconds"),
                "files": [e for _, _, e in files]}
    try:
        if out.parent != Path(""):
            out.parent.mkdir(parents=True, exist_ok=True)

        def write_zip(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for path, raw, e in files:
                    zf.writestr(e["file"], raw)
                zf.writestr("answers/MANIFEST.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        atomic_replace(out, write_zip)
    except OSError as exc:
        raise write_error(out, exc) from None
    t = Table(title=f"Submission: {out}", title_justify="left")
    for col in ("set", "answered", "points (so far)"):
        t.add_column(col)
    for _, _, e in files:
        t.add_row(e["set"], f"{e.get('answered', '?')}/{e.get('items', '?')}",
                  f"{_fmt(round(e['points'], 2))}/{_fmt(e['max_points'])}" if "points" in e else "unreadable")
    con.print(t)
    for p in problems[:PROBLEMS_SHOWN]:
        con.print(Text("problem: ", style="bold red") + Text(safe_text(p, newlines=False)), soft_wrap=True)
    if problems:
        con.print("The zip was written, but fix the problems above before you hand it in if you can.")
    con.print(f"Hand in {out} as your instructor asks.")


@click.command()
@click.argument("sets", nargs=-1)
@_answers_opt
@_exercises_opt
@click.option("--stop-after", type=int, default=None, hidden=True, help="Stop after this many checks (tests).")
@click.pass_context
@handle_errors
def watch(ctx, sets, answers_dir, exercises_path, stop_after):
    """Check your answers again every time you save an answer file (Ctrl+C to stop)."""
    from watchfiles import watch as watch_files

    con = _console()
    chosen = _select(_all_sets(exercises_path), sets)
    wanted = {f"{s.id}.yaml": s.id for s in chosen}
    if not answers_dir.is_dir():
        raise CourseInputError(f"{answers_dir}/: no such folder. Run 'course start' first.")
    runs = 0

    def run(ids):
        nonlocal runs
        runs += 1
        try:
            ctx.invoke(check, sets=tuple(ids), answers_dir=answers_dir, exercises_path=exercises_path,
                       explanations=False, json_path=None)
        except SystemExit:
            pass
        con.print(f"[dim]Watching {answers_dir}/ for saves (Ctrl+C to stop).[/dim]")

    first = [sid for name, sid in wanted.items() if (answers_dir / name).exists()]
    if first:
        run(first)
    else:
        con.print(f"[dim]Watching {answers_dir}/ for saves (Ctrl+C to stop).[/dim]")
    if stop_after is not None and runs >= stop_after:
        return
    try:
        for changes in watch_files(answers_dir, debounce=300, recursive=False, raise_interrupt=False):
            ids = sorted({wanted[Path(p).name] for _, p in changes if Path(p).name in wanted})
            if ids:
                run(ids)
                if stop_after is not None and runs >= stop_after:
                    return
    except KeyboardInterrupt:
        pass


COMMANDS = [start, check, hint, reveal, progress, grade, schema, validate, diagnostic, marking, next_item,
            submit, watch]


@click.group()
def main():
    """Exercise commands (standalone entry point; normally reached through `course`)."""


for _cmd in COMMANDS:
    main.add_command(_cmd)

if __name__ == "__main__":
    main()

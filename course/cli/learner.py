"""Learner commands: ``start``, ``check``, ``next``, ``hint``, ``reveal``, ``progress``, ``watch``,
``submit``, ``diagnostic``.

Each command reads the sets and the learner's answers through course.exercises, grades with it, and
shows the result (course.cli.display); nothing here grades or parses.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC
from pathlib import Path

import click
from rich.console import Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from course.cli._common import (
    EXIT_FINDINGS,
    all_sets,
    answers_option,
    console,
    err_console,
    exercises_option,
    find_item,
    handle_errors,
    select,
)
from course.cli.display import (
    PROBLEMS_SHOWN,
    SYMBOL,
    bar,
    counts,
    discernment_results,
    feedback_blocks,
    first_sentence,
    format_answer,
    next_step,
    print_discernment,
    set_table,
    state_warning,
    strip,
)
from course.content.exercise_sets import _fmt
from course.content.text import plain
from course.errors import CourseInputError
from course.exercises.answers import load_answers
from course.exercises.grading import FAILED, NEEDS_REVIEW, NOT_ATTEMPTED, PARTIAL, PASSED, grade_set, reference_answers
from course.exercises.recovery import mark_unread
from course.exercises.safe import safe_text
from course.exercises.state import load_state


@click.command()
@click.argument("sets", nargs=-1)
@answers_option
@exercises_option
@handle_errors
def start(sets, answers_dir, exercises_path):
    """Write answer templates into answers/ (one file per SET; all sets if none given).

    Existing answers are never overwritten: new questions are appended to existing files."""
    from course.exercises.templates import start as start_set

    con = console()
    chosen = select(all_sets(exercises_path), sets)
    t = Table(title="Answer files", title_justify="left")
    t.add_column("set")
    t.add_column("file")
    t.add_column("what happened")
    for s in chosen:
        rep = start_set(s, answers_dir)
        what = {
            "created": f"created ({len(rep.added)} questions)",
            "added": f"added {len(rep.added)} new question(s) at the end; your answers are unchanged",
            "unchanged": "already complete; left unchanged",
        }[rep.action]
        t.add_row(s.id, str(rep.path), what)
    con.print(t)
    con.print(f"Next: open a file in {answers_dir}/, write your answers, then run [bold]course check[/bold].")


@click.command()
@click.argument("sets", nargs=-1)
@answers_option
@exercises_option
@click.option(
    "--explain",
    "--explanations",
    "explanations",
    is_flag=True,
    help="Show the full explanation of every right item (by default, newly right items get one line).",
)
@click.option("--table", "table", is_flag=True, help="Show every item in a table, not the compact summary.")
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write results (Exercism results.json v3 with points) to this file.",
)
@handle_errors
def check(sets, answers_dir, exercises_path, explanations, json_path, table=False):
    """Check your answers: score, what is not right yet (with hints), what to do next.

    With no SET, checks every set that has an answer file in answers/. Exit code 1 while an answer
    is wrong or partly right, or an answer file has a problem; 0 otherwise."""
    con = console()
    chosen = _sets_to_check(select(all_sets(exercises_path), sets), bool(sets), answers_dir)
    state = load_state(answers_dir)
    state_warning(state)
    graded = []
    t0 = time.perf_counter()
    for s in chosen:
        r, af, problems = _check_set(con, s, answers_dir, state)
        new_right = [
            res.item_id
            for res in r.results
            if res.status != NOT_ATTEMPTED and state.record(res.item_id, res.status, res.score)
        ]
        graded.append((s, r))
        _show_result(con, s, r, af, problems, table)
        _show_explanations(con, s, r, explanations, new_right)
        con.print(next_step(s, r))
        con.print()
    try:
        state.save()
    except OSError as exc:
        err_console().print(f"[yellow]warning:[/yellow] progress not saved ({escape(str(exc))}).")
    if json_path:
        from course.exercises.results import results_document, write_json

        write_json(json_path, results_document(graded))
        con.print(f"Results written to {json_path}.")
    print_discernment(con, discernment_results(answers_dir))
    elapsed = time.perf_counter() - t0
    con.print(f"[dim]Checked {sum(len(s.items) for s, _ in graded)} items in {elapsed:.2f} s.[/dim]")
    if any(r.problems or r.count(FAILED) or r.count(PARTIAL) for _, r in graded):
        sys.exit(EXIT_FINDINGS)


def _sets_to_check(chosen: list, named: bool, answers_dir: Path) -> list:
    """The sets named on the command line, or else every set with an answer file."""
    if named:
        return chosen
    chosen = [
        s for s in chosen if (answers_dir / f"{s.id}.yaml").exists() or (answers_dir / f"{s.id}.yaml").is_symlink()
    ]
    if not chosen:
        raise CourseInputError(
            f"{answers_dir}/: no answer files yet. Run 'course start' to create them, "
            "or 'course check SET' to check one set."
        )
    return chosen


def _check_set(con, s, answers_dir: Path, state):
    """Read one answer file (a missing file: every item not attempted) and grade it.
    Returns (SetResult, AnswerFile or None, problems with the file)."""
    path = answers_dir / f"{s.id}.yaml"
    problems: list[str] = []
    answers = {}
    af = None
    if not path.exists() and not path.is_symlink():
        con.print(
            f"[yellow]{path} does not exist yet;[/yellow] run [bold]course start {s.id}[/bold]. "
            "Every item counts as not attempted."
        )
    else:
        try:
            af = load_answers(path, s, recover=True)
            answers, problems = af.answers, af.problems
        except CourseInputError as exc:
            problems = [str(exc)]
    r = grade_set(s, answers, hint_levels=state.hint_levels(), problems=problems)
    if af is not None:
        mark_unread(r, af)  # items of a broken YAML block: "could not be read: line N" (issue 13)
        r.problems.extend(af.unreadable(r))
        problems = r.problems
    return r, af, problems


def _show_result(con, s, r, af, problems: list[str], table: bool) -> None:
    """The summary (strip or table), the score bar and counts, feedback blocks and file problems."""
    if table:
        con.print(set_table(s, r))
    else:
        con.print(Text(f"{s.id}: {plain(s.title)}", style="bold"))
        con.print(strip(r))
    con.print(bar(r.points, r.max_points))
    tail = counts(r)
    if r.review_points:
        tail += f" · {_fmt(r.review_points)} point(s) await an instructor"
    elif r.max_points > r.auto_max_points:
        tail += f" · {_fmt(r.max_points - r.auto_max_points)} point(s) are marked by an instructor"
    con.print(tail)
    for block in feedback_blocks(s, r, af):
        con.print(block)
    shown_above = set(af.unreadable(r)) if af is not None else set()  # already in the feedback blocks
    problems = [p for p in problems if p not in shown_above]
    for p in problems[:PROBLEMS_SHOWN]:
        con.print(Text("problem: ", style="bold red") + Text(safe_text(p, newlines=False)), soft_wrap=True)
    if len(problems) > PROBLEMS_SHOWN:
        con.print(
            Text(
                f"problem: {len(problems) - PROBLEMS_SHOWN} more problem(s) in this file not shown; "
                "fix the ones above first.",
                style="bold red",
            ),
            soft_wrap=True,
        )


def _show_explanations(con, s, r, explanations: bool, new_right: list[str]) -> None:
    """Why an item is right: in full with --explain, else one line for the newly right ones."""
    show = [it for it, res in zip(s.items, r.results) if res.status == PASSED and (explanations or it.id in new_right)]
    for it in show:
        if explanations:
            con.print(
                Panel(
                    escape(plain(it.explanation)),
                    title=f"Why {it.id} is right",
                    title_align="left",
                    border_style="green",
                )
            )
        else:
            con.print(Text(f"Why {it.id} is right: ", style="green") + Text(first_sentence(plain(it.explanation))))
    if show and not explanations:
        con.print(f"[dim](Full explanations: course check {s.id} --explain)[/dim]")


@click.command()
@click.argument("item_id")
@answers_option
@exercises_option
@handle_errors
def hint(item_id, answers_dir, exercises_path):
    """Show the next hint for ITEM (hints get more specific each time)."""
    con = console()
    s, n, it = find_item(all_sets(exercises_path), item_id)
    state = load_state(answers_dir)
    state_warning(state)
    st = state.item(it.id)
    total = len(it.hints)
    if st.hints_shown < total:
        st.hints_shown += 1
    k = max(1, st.hints_shown)
    con.print(
        Panel(
            escape(plain(it.hints[k - 1])),
            title=f"{it.id}: hint {k} of {total}",
            title_align="left",
            border_style="yellow",
        )
    )
    if k >= total:
        con.print(f"That is the last hint. To see the answer and why it is right: course reveal {it.id}")
    try:
        state.save()
    except OSError:
        pass


@click.command()
@click.argument("item_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@answers_option
@exercises_option
@handle_errors
def reveal(item_id, yes, answers_dir, exercises_path):
    """Show the reference answer and explanation for ITEM."""
    con = console()
    s, n, it = find_item(all_sets(exercises_path), item_id)
    if not yes:
        if not sys.stdin.isatty():
            raise CourseInputError("reveal asks for confirmation; run it in a terminal or add --yes.")
        if not click.confirm(
            f"Reveal the answer to {it.id}? Trying once more first usually teaches more", default=False
        ):
            con.print("Not revealed. Try 'course hint ITEM' for a nudge.")
            return
    state = load_state(answers_dir)
    state_warning(state)
    state.item(it.id).revealed = True
    ref = reference_answers(it)
    con.print(Panel(escape(format_answer(it, ref)), title=f"{it.id}: answer", title_align="left", border_style="cyan"))
    con.print(Panel(escape(plain(it.explanation)), title="Why", title_align="left", border_style="green"))
    try:
        state.save()
    except OSError:
        pass


@click.command()
@answers_option
@exercises_option
@handle_errors
def progress(answers_dir, exercises_path):
    """Show your progress over every set."""
    con = console()
    sets = all_sets(exercises_path)
    state = load_state(answers_dir)
    t = Table(
        title="Progress",
        title_justify="left",
        caption="✓ right  ◐ partly right  ✗ not yet  · not attempted  ⚑ for review",
        caption_justify="left",
    )
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
                err_console().print(Text("problem: ", style="bold red") + Text(safe_text(str(exc))), soft_wrap=True)
        r = grade_set(s, answers)
        ids = [it.id for it in s.items]
        hints = sum(state.items[i].hints_shown for i in ids if i in state.items)
        revealed = sum(1 for i in ids if i in state.items and state.items[i].revealed)
        counts = " ".join(
            f"{SYMBOL[st][0]}{r.count(st)}" for st in (PASSED, PARTIAL, FAILED, NOT_ATTEMPTED, NEEDS_REVIEW)
        )
        t.add_row(
            s.id,
            ProgressBar(total=max(r.max_points, 1e-9), completed=r.points, width=12),
            f"{_fmt(round(r.points, 2))}/{_fmt(r.max_points)}",
            counts,
            str(hints),
            str(revealed),
        )
        tot_pts += r.points
        tot_max += r.max_points
    con.print(t)
    con.print(Group(Text("Overall"), bar(tot_pts, tot_max)))
    print_discernment(con, discernment_results(answers_dir), always=True)


@click.command()
@click.argument("form", required=False, type=click.Choice(["a", "b", "A", "B"]))
@answers_option
@handle_errors
def diagnostic(form, answers_dir):
    """The discernment check (never marked): write form A or B to answers/, or score what you wrote.

    Form A is for the start of the course (Module 0), form B for the end (Module 4). With no FORM,
    shows the results of the forms you have answered, and the change from A to B."""
    from course.content import Course
    from course.content.files import atomic_write
    from course.exercises.diagnostic import score_answers_dir, template

    con = console()
    diag = Course.find().diagnostic
    if form:
        f = diag.forms[form.lower()]
        path = answers_dir / f"{f.answer_stem}.yaml"
        if not path.exists():
            answers_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(path, template(f, diag.instructions) + "\n")
            con.print(
                f"Wrote {path} ({len(f.passages)} passages). Answer each, then run "
                f"[bold]course diagnostic {f.id}[/bold] again to see your result."
            )
            return
    results = score_answers_dir(answers_dir)
    print_discernment(con, results, always=True)
    if any(r.problems for r in results.values()):
        sys.exit(1)


@click.command(name="next")
@click.argument("sets", nargs=-1)
@answers_option
@exercises_option
@handle_errors
def next_item(sets, answers_dir, exercises_path):
    """Show the next unanswered item (in SET, or in the first set with one), and where to answer it."""
    con = console()
    chosen = select(all_sets(exercises_path), sets)
    not_right = 0
    for s in chosen:
        path = answers_dir / f"{s.id}.yaml"
        af = None
        if path.exists():
            try:
                af = load_answers(path, s, recover=True)
            except CourseInputError as exc:
                raise CourseInputError(
                    f"{exc} Fix this first: 'course next' reads your answers to know what is left."
                ) from None
        r = grade_set(s, af.answers if af else {})
        not_right += sum(1 for res in r.results if res.status in (FAILED, PARTIAL))
        for n, (it, res) in enumerate(zip(s.items, r.results), 1):
            if res.status != NOT_ATTEMPTED:
                continue
            where = (
                f"{path}, line {af.line_of(it.id)}"
                if af and af.line_of(it.id)
                else (str(path) if path.exists() else f"{path} (run 'course start {s.id}' first)")
            )
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
@answers_option
@exercises_option
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The zip to write (default: answers-<date>-<time>.zip in this folder).",
)
@handle_errors
def submit(answers_dir, exercises_path, out):
    """Zip your answer files for hand-in, with a manifest (what is in it, and your current points).

    The zip holds answers/<set>.yaml for every set you have a file for, exactly as saved, and
    answers/MANIFEST.json. Hand it in as your instructor asks; they grade it with `course grade`."""
    from datetime import datetime

    from course.exercises.handin import default_name, write_hand_in

    con = console()
    now = datetime.now(UTC)
    hand_in = write_hand_in(all_sets(exercises_path), answers_dir, out or default_name(now), now)
    out, problems = hand_in.path, hand_in.problems
    t = Table(title=f"Submission: {out}", title_justify="left")
    for col in ("set", "answered", "points (so far)"):
        t.add_column(col)
    for e in hand_in.entries:
        t.add_row(
            e["set"],
            f"{e.get('answered', '?')}/{e.get('items', '?')}",
            f"{_fmt(round(e['points'], 2))}/{_fmt(e['max_points'])}" if "points" in e else "unreadable",
        )
    con.print(t)
    for p in problems[:PROBLEMS_SHOWN]:
        con.print(Text("problem: ", style="bold red") + Text(safe_text(p, newlines=False)), soft_wrap=True)
    if problems:
        con.print("The zip was written, but fix the problems above before you hand it in if you can.")
    con.print(f"Hand in {out} as your instructor asks.")


@click.command()
@click.argument("sets", nargs=-1)
@answers_option
@exercises_option
@click.option("--stop-after", type=int, default=None, hidden=True, help="Stop after this many checks (tests).")
@click.pass_context
@handle_errors
def watch(ctx, sets, answers_dir, exercises_path, stop_after):
    """Check your answers again every time you save an answer file (Ctrl+C to stop)."""
    from watchfiles import watch as watch_files

    con = console()
    chosen = select(all_sets(exercises_path), sets)
    wanted = {f"{s.id}.yaml": s.id for s in chosen}
    if not answers_dir.is_dir():
        raise CourseInputError(f"{answers_dir}/: no such folder. Run 'course start' first.")
    runs = 0

    def run(ids):
        nonlocal runs
        runs += 1
        try:
            ctx.invoke(
                check,
                sets=tuple(ids),
                answers_dir=answers_dir,
                exercises_path=exercises_path,
                explanations=False,
                json_path=None,
            )
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


COMMANDS = {c.name: c for c in (start, check, next_item, hint, reveal, progress, watch, submit, diagnostic)}

"""Instructor commands: ``grade`` (the gradebook), ``marking`` (the rubric sheet for open
responses) and ``export`` (Moodle XML, QTI 1.2, SCORM 1.2).

The grading is course.exercises.gradebook's and the exports are course.lms's; these commands choose
the sets, call them and report what was written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from course.cli._common import EXIT_FINDINGS, all_sets, console, exercises_option, handle_errors, select
from course.cli.display import PROBLEMS_SHOWN
from course.exercises.safe import safe_text


@click.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--csv",
    "csv_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the grade sheet (one row per learner, one column per item).",
)
@click.option(
    "--json",
    "json_path",
    is_flag=False,
    flag_value="__auto__",
    default=None,
    help="Also write a detailed JSON report (default path: next to the CSV).",
)
@click.option(
    "--feedback",
    "feedback_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write one results JSON per learner into this folder.",
)
@click.option("--strict", is_flag=True, help="Exit 1 if any submission had a problem.")
@click.option(
    "--set",
    "assigned",
    multiple=True,
    help="An assigned set (repeatable): grade and compute percentages over these sets only.",
)
@click.option(
    "--marks",
    "marks_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A filled marking sheet (from 'course marking') whose rubric marks go into the gradebook.",
)
@click.option(
    "--timeout",
    "timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds allowed to read and grade one submission; a slower one is reported and scored 0.",
)
@click.option(
    "--jobs",
    "jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Grading processes (default: one per CPU, up to 4; 0: grade in this process, without the "
    "time and memory limits).",
)
@exercises_option
@handle_errors
def grade(submissions, csv_path, json_path, feedback_dir, strict, assigned, marks_path, timeout, jobs, exercises_path):
    """Grade every submission in SUBMISSIONS (a folder or .zip per learner) into a CSV."""
    from course.exercises.gradebook import grade_all

    con = console()
    sets = select(all_sets(exercises_path), assigned)
    t0 = time.perf_counter()
    report = grade_all(submissions, sets, jobs=jobs, timeout=timeout)
    if marks_path:
        _merge_marks(con, report, marks_path)
    outputs = _write_outputs(report, csv_path, json_path, feedback_dir)
    elapsed = time.perf_counter() - t0
    n = len(report.learners)
    avg = (sum(lg.points / lg.max_points for lg in report.learners if lg.max_points) / n * 100) if n else 0
    review = sum(lg.review_items for lg in report.learners)
    con.print(
        f"Graded {n} submission(s) over {len(sets)} set(s) ({', '.join(s.id for s in sets)}) in "
        f"{elapsed:.2f} s; mean score {avg:.1f} %; {review} open response(s) marked 'review'."
    )
    con.print("Wrote " + ", ".join(outputs) + ".")
    bad = [lg for lg in report.learners if lg.rejected or lg.problems]
    if bad or report.skipped:
        _show_problems(con, bad, report.skipped, full_elsewhere=bool(json_path or feedback_dir))
        if strict:
            sys.exit(EXIT_FINDINGS)


def _merge_marks(con, report, marks_path: Path) -> None:
    from course.exercises.marking import apply_marks, read_marks

    marks, mark_problems = read_marks(marks_path, report)
    applied = apply_marks(report, marks)
    con.print(f"Rubric marks merged: {applied} open response(s) from {marks_path}.")
    for p in mark_problems:
        con.print(Text("problem: ", style="bold red") + Text(safe_text(p, newlines=False)), soft_wrap=True)


def _write_outputs(report, csv_path: Path, json_path, feedback_dir) -> list[str]:
    """The grade sheet, and the JSON report and feedback files if asked for; returns what was written."""
    from course.exercises.gradebook import write_csv, write_feedback, write_json_report

    write_csv(report, csv_path)
    outputs = [str(csv_path)]
    if json_path:
        jp = csv_path.with_suffix(".json") if json_path == "__auto__" else Path(json_path)
        write_json_report(report, jp)
        outputs.append(str(jp))
    if feedback_dir:
        write_feedback(report, feedback_dir)
        outputs.append(f"{feedback_dir}/ ({len(report.learners)} files)")
    return outputs


def _show_problems(con, bad: list, skipped: list[str], full_elsewhere: bool) -> None:
    """The submissions with problems, a few lines per learner, and the files skipped."""
    per_learner = PROBLEMS_SHOWN // 4
    con.print(Text("Submissions with problems (graded as far as possible):", style="bold"))
    for lg in bad:
        who = Text(f"- {safe_text(lg.learner, newlines=False)}: ", style="bold red")
        issues = ([lg.rejected] if lg.rejected else []) + lg.problems
        for p in issues[:per_learner]:
            con.print(who + Text(safe_text(p, newlines=False)), soft_wrap=True)
        if len(issues) > per_learner:
            where = (
                " (all of them in the JSON report and the feedback file)"
                if full_elsewhere
                else " (add --json or --feedback to see all of them)"
            )
            con.print(who + Text(f"{len(issues) - per_learner} more problem(s){where}."), soft_wrap=True)
    for p in skipped:
        con.print(Text("- skipped: ", style="bold yellow") + Text(safe_text(p, newlines=False)), soft_wrap=True)


@click.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the marking sheet (CSV: one row per learner and open response).",
)
@click.option("--set", "assigned", multiple=True, help="An assigned set (repeatable).")
@exercises_option
@handle_errors
def marking(submissions, out_path, assigned, exercises_path):
    """Write the rubric marking sheet for the open responses in SUBMISSIONS.

    Fill in the c1, c2 ... columns (each criterion's points), then run
    course grade SUBMISSIONS --csv grades.csv --marks SHEET."""
    from course.exercises.gradebook import grade_all
    from course.exercises.marking import marking_rows, response_text, write_marking_sheet

    con = console()
    sets = select(all_sets(exercises_path), assigned)
    report = grade_all(submissions, sets)

    rows = marking_rows(report, response_text)
    write_marking_sheet(rows, out_path)
    con.print(
        f"Wrote {out_path}: {len(rows) - 1} open response(s) from {len(report.learners)} submission(s). "
        "Fill in the c1, c2 ... columns, then run course grade ... --marks " + str(out_path) + "."
    )


DEFAULT_DIR = Path("_build") / "lms"

_set_opt = click.option(
    "--set",
    "set_ids",
    multiple=True,
    metavar="SET",
    help="Export only this exercise set (repeat for several; default: every set).",
)
_manual_opt = click.option(
    "--include-manual", is_flag=True, help="Also export locate and annotate items, as essays marked by hand."
)


def _report_export(con: Console, p, out: Path, what: str, adjustments=()) -> None:
    n_items = sum(len({q.item_id for q in qs}) for _, qs in p.sets)
    total = sum(len(s.items) for s, _ in p.sets)
    con.print(
        f"Wrote {out} ({what}): {len(p.questions)} questions from {n_items} of {total} items in {len(p.sets)} set(s)."
    )
    if p.skipped:
        con.print(
            f"[yellow]Not exported ({len(p.skipped)}):[/yellow] an LMS question cannot hold these; "
            "grade them with `course grade`, or add --include-manual to export them as essays "
            "marked by hand."
        )
        for k in p.skipped:
            con.print(f"  - {k.set_id} / {k.item_id} ({k.item_type})", highlight=False)
    for n in p.notes:
        con.print(f"[dim]Note:[/dim] {escape(n)}", highlight=False)
    for a in adjustments:
        con.print(f"[dim]Adjusted:[/dim] {escape(a)}", highlight=False)


@click.group()
def export():
    """Export to a learning platform: the exercise sets (Moodle XML, QTI 1.2) or the book as SCORM 1.2 packages."""


@export.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The XML file to write (default: _build/lms/reading-the-caliphate-moodle.xml).",
)
@_set_opt
@_manual_opt
@exercises_option
@handle_errors
def moodle(out, set_ids, include_manual, exercises_path):
    """Moodle XML: import it in Question bank → Import → Moodle XML format."""
    from course.lms import export_moodle

    sets = select(all_sets(exercises_path), tuple(set_ids))
    out = out or DEFAULT_DIR / "reading-the-caliphate-moodle.xml"
    path, p, adjustments = export_moodle(sets, out, include_manual=include_manual)
    _report_export(Console(highlight=False), p, path, "Moodle XML", adjustments)


@export.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The zip file to write (default: _build/lms/reading-the-caliphate-qti.zip).",
)
@_set_opt
@_manual_opt
@exercises_option
@handle_errors
def qti(out, set_ids, include_manual, exercises_path):
    """IMS QTI 1.2 package (zip): import it in Canvas with Import course content → QTI .zip file."""
    from course.lms import export_qti

    sets = select(all_sets(exercises_path), tuple(set_ids))
    out = out or DEFAULT_DIR / "reading-the-caliphate-qti.zip"
    if out.suffix.lower() != ".zip":
        raise click.BadParameter(
            f"{out}: a QTI package is a .zip file; give a name ending in .zip.", param_hint="--out"
        )
    path, p = export_qti(sets, out, include_manual=include_manual)
    _report_export(Console(highlight=False), p, path, "QTI 1.2 package")


@export.command()
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    help="The folder to write the packages to (one zip per module).",
)
@click.option(
    "--module",
    "modules",
    multiple=True,
    metavar="MODULE",
    help="Export only this module (repeat for several; default: every module).",
)
@click.option("--whole-course", is_flag=True, help="Also write one package (one SCO) for the whole course.")
@click.option(
    "--edition",
    type=click.Choice(["student"]),
    default="student",
    show_default=True,
    help="Only the student edition: a package goes to learners.",
)
@click.option(
    "--readings",
    type=click.Choice(["full", "excerpts"]),
    default=None,
    help="Print the readings in full (default) or only the cited paragraphs.",
)
@click.option(
    "--mastery",
    type=float,
    default=0.6,
    show_default=True,
    help="Share of the auto-checked points that passes (lesson_status passed/failed).",
)
@click.option(
    "--html",
    "html_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Use this existing student HTML build instead of building one.",
)
@click.option("--force", is_flag=True, help="Replace packages that already exist in --output.")
@handle_errors
def scorm(output, modules, whole_course, edition, readings, mastery, html_dir, force):
    """SCORM 1.2 packages (zip), one per module: upload them as a SCORM activity in Moodle,
    Canvas, Blackboard or Brightspace; scores and answers go to the LMS gradebook."""
    from course.lms.scorm import MAX_PACKAGE_BYTES, export_scorm

    con = Console(highlight=False)
    if html_dir is None:
        con.print("Building the student HTML once, then the packages …")
    res = export_scorm(
        output,
        modules=tuple(modules),
        whole_course=whole_course,
        edition=edition,
        readings=readings,
        mastery=mastery,
        force=force,
        html_dir=html_dir,
    )
    for p in res.packages:
        unit = "points" if p.scale == 1 else f"(a percentage: {p.max_points:g} points scaled to 0-100)"
        size = f"{p.bytes / 1e6:.2f} MB"
        if p.name != "course" and p.bytes > MAX_PACKAGE_BYTES:
            size = f"[red]{size}[/red]"
        con.print(
            f"Wrote {p.path} ({size}, {p.files} files, {len(p.pages)} pages): "
            f"score out of {p.reported_max:g} {unit}; set the LMS activity's maximum grade to "
            f"{p.reported_max:g}."
        )
    con.print(f"[dim]HTML build {res.build_seconds:.1f} s, packages {res.assemble_seconds:.1f} s.[/dim]")
    for n in res.notes:
        con.print(f"[yellow]Note:[/yellow] {escape(n)}")


COMMANDS = {c.name: c for c in (grade, marking, export)}

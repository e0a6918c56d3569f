"""``course export moodle|qti``: the exercise sets as an LMS question bank (registered by course/cli.py)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from course.exercises.cli import _all_sets, _select, handle_errors

DEFAULT_DIR = Path("_build") / "lms"

_set_opt = click.option("--set", "set_ids", multiple=True, metavar="SET",
                        help="Export only this exercise set (repeat for several; default: every set).")
_manual_opt = click.option("--include-manual", is_flag=True,
                           help="Also export locate and annotate items, as essays marked by hand.")
_exercises_opt = click.option("--exercises", "exercises_path", default=None, type=click.Path(path_type=Path),
                              help="Folder of exercise sets (default: the course's exercises/).")


def _report(con: Console, p, out: Path, what: str, adjustments=()) -> None:
    n_items = sum(len({q.item_id for q in qs}) for _, qs in p.sets)
    total = sum(len(s.items) for s, _ in p.sets)
    con.print(f"Wrote {out} ({what}): {len(p.questions)} questions from {n_items} of {total} items "
              f"in {len(p.sets)} set(s).")
    if p.skipped:
        con.print(f"[yellow]Not exported ({len(p.skipped)}):[/yellow] an LMS question cannot hold these; "
                  "grade them with `course grade`, or add --include-manual to export them as essays "
                  "marked by hand.")
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
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The XML file to write (default: _build/lms/reading-the-caliphate-moodle.xml).")
@_set_opt
@_manual_opt
@_exercises_opt
@handle_errors
def moodle(out, set_ids, include_manual, exercises_path):
    """Moodle XML: import it in Question bank → Import → Moodle XML format."""
    from course.lms import export_moodle

    sets = _select(_all_sets(exercises_path), tuple(set_ids))
    out = out or DEFAULT_DIR / "reading-the-caliphate-moodle.xml"
    path, p, adjustments = export_moodle(sets, out, include_manual=include_manual)
    _report(Console(highlight=False), p, path, "Moodle XML", adjustments)


@export.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The zip file to write (default: _build/lms/reading-the-caliphate-qti.zip).")
@_set_opt
@_manual_opt
@_exercises_opt
@handle_errors
def qti(out, set_ids, include_manual, exercises_path):
    """IMS QTI 1.2 package (zip): import it in Canvas with Import course content → QTI .zip file."""
    from course.lms import export_qti

    sets = _select(_all_sets(exercises_path), tuple(set_ids))
    out = out or DEFAULT_DIR / "reading-the-caliphate-qti.zip"
    if out.suffix.lower() != ".zip":
        raise click.BadParameter(f"{out}: a QTI package is a .zip file; give a name ending in .zip.",
                                 param_hint="--out")
    path, p = export_qti(sets, out, include_manual=include_manual)
    _report(Console(highlight=False), p, path, "QTI 1.2 package")


@export.command()
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="The folder to write the packages to (one zip per module).")
@click.option("--module", "modules", multiple=True, metavar="MODULE",
              help="Export only this module (repeat for several; default: every module).")
@click.option("--whole-course", is_flag=True,
              help="Also write one package (one SCO) for the whole course.")
@click.option("--edition", type=click.Choice(["student"]), default="student", show_default=True,
              help="Only the student edition: a package goes to learners.")
@click.option("--readings", type=click.Choice(["full", "excerpts"]), default=None,
              help="Print the readings in full (default) or only the cited paragraphs.")
@click.option("--mastery", type=float, default=0.6, show_default=True,
              help="Share of the auto-checked points that passes (lesson_status passed/failed).")
@click.option("--html", "html_dir", type=click.Path(path_type=Path), default=None,
              help="Use this existing student HTML build instead of building one.")
@click.option("--force", is_flag=True, help="Replace packages that already exist in --output.")
@handle_errors
def scorm(output, modules, whole_course, edition, readings, mastery, html_dir, force):
    """SCORM 1.2 packages (zip), one per module: upload them as a SCORM activity in Moodle,
    Canvas, Blackboard or Brightspace; scores and answers go to the LMS gradebook."""
    from course.lms.scorm import MAX_PACKAGE_BYTES, export_scorm

    con = Console(highlight=False)
    if html_dir is None:
        con.print("Building the student HTML once, then the packages …")
    res = export_scorm(output, modules=tuple(modules), whole_course=whole_course, edition=edition,
                       readings=readings, mastery=mastery, force=force, html_dir=html_dir)
    for p in res.packages:
        unit = "points" if p.scale == 1 else f"(a percentage: {p.max_points:g} points scaled to 0-100)"
        size = f"{p.bytes / 1e6:.2f} MB"
        if p.name != "course" and p.bytes > MAX_PACKAGE_BYTES:
            size = f"[red]{size}[/red]"
        con.print(f"Wrote {p.path} ({size}, {p.files} files, {len(p.pages)} pages): "
                  f"score out of {p.reported_max:g} {unit}; set the LMS activity's maximum grade to "
                  f"{p.reported_max:g}.")
    con.print(f"[dim]HTML build {res.build_seconds:.1f} s, packages {res.assemble_seconds:.1f} s.[/dim]")
    for n in res.notes:
        con.print(f"[yellow]Note:[/yellow] {escape(n)}")


COMMANDS = [export]

"""Author commands: ``build``, ``preview``, ``validate``, ``schema``, ``doctor``.

``build`` runs the book build (course.build), ``validate`` the authors' checks of the exercise sets
(course.exercises.validate), ``doctor`` the toolchain check (course.doctor).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from course.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    all_sets,
    console,
    err_console,
    exercises_option,
    handle_errors,
    select,
)


def stdout_console() -> Console:
    return Console()


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["html", "pdf", "epub", "reader", "all"]))
@click.option(
    "--edition",
    type=click.Choice(["student", "instructor"]),
    default="student",
    show_default=True,
    help="instructor adds answers, explanations, teaching notes and timing",
)
@click.option(
    "--readings",
    type=click.Choice(["full", "excerpts"]),
    default=None,
    help="print the readings in full (default) or only the cited paragraphs",
)
@click.option(
    "--builddir",
    type=click.Path(path_type=Path),
    default=None,
    help="where to write (default: _build in the course folder)",
)
@click.option("--open", "open_", is_flag=True, help="open the result when done")
@handle_errors
def build(fmt, edition, readings, builddir, open_):
    """Build the book as HTML, PDF, EPUB, the readings-only reader pack, or all four."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from course.build import build as do_build

    bar_con, out = err_console(), stdout_console()
    formats = ["html", "pdf", "epub", "reader"] if fmt == "all" else [fmt]
    results = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[phase]}"),
        TimeElapsedColumn(),
        console=bar_con,
        transient=True,
    ) as progress:
        for f in formats:
            task = progress.add_task(f"{f.upper()} ({edition})", total=100, phase="starting")

            def report(label, phase, pct, _task=task):
                progress.update(_task, completed=pct, phase=f"{label}: {phase}")

            res = do_build(f, edition=edition, builddir=builddir, readings=readings, progress=report)
            progress.update(task, completed=100, phase="done")
            results.append(res)
    for res in results:
        out.print(f"[green]✓[/green] {res.fmt.upper()} ({res.edition}) in {res.seconds:.1f} s: {res.output}")
    if results and results[-1].coverage:
        out.print("The excerpts edition prints the paragraphs lessons and exercises cite:")
        for line in results[-1].coverage:
            out.print(f"  {line}")
    if open_ and results:
        import webbrowser

        target = results[0].output
        if not webbrowser.open(target.resolve().as_uri()):
            out.print(f"Open this in your browser: {target.resolve().as_uri()}")


@click.command()
@handle_errors
def doctor():
    """Check the toolchain; for anything missing, print the exact command that installs it."""
    from course.doctor import run_doctor

    ok = run_doctor(stdout_console())
    sys.exit(EXIT_OK if ok else EXIT_FINDINGS)


@click.command()
@click.option("--port", default=8000, show_default=True)
@click.option("--edition", type=click.Choice(["student", "instructor"]), default="student", show_default=True)
@handle_errors
def preview(port, edition):
    """Live-reloading preview for authors, on http://127.0.0.1:PORT (rebuilds on save)."""
    import shutil
    import subprocess

    from course.content import Course

    root = Course.find().root
    exe = shutil.which("sphinx-autobuild") or str(Path(sys.executable).with_name("sphinx-autobuild"))
    outdir = root / "_build" / edition / "preview"
    cmd = [
        exe,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "-n",
        "--keep-going",
        "--ignore",
        str(root / "_build"),
        "--ignore",
        str(root / "answers"),
        "--watch",
        str(root / "exercises"),
        "--watch",
        str(root / "glossary"),
        "--watch",
        str(root / "readings"),
        "--watch",
        str(root / "data"),
        "-d",
        str(root / "_build" / edition / "doctrees" / "preview"),
        str(root),
        str(outdir),
    ]
    if edition == "instructor":
        cmd += ["-t", "instructor"]
    stdout_console().print(f"Preview on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    sys.exit(subprocess.call(cmd))


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to this file instead of printing it.",
)
@handle_errors
def schema(out):
    """Print the JSON Schema of exercise-set files (for editor autocompletion)."""
    from course.content.exercise_sets import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out:
        from course.content.files import atomic_write

        atomic_write(out, text)
        click.echo(f"Wrote {out}.")
    else:
        click.echo(text, nl=False)


@click.command()
@click.argument("sets", nargs=-1)
@exercises_option
@click.option(
    "--strict",
    is_flag=True,
    help="Treat the item-quality rules (key balance, feedback, objective levels, model answers, "
    "minutes) as errors, as CI does.",
)
@handle_errors
def validate(sets, exercises_path, strict):
    """Check exercise sets for authors: schema, objectives, readings, paragraph ids, citations, and the
    item-quality rules (warnings; errors with --strict)."""
    from course.exercises.validate import feedback_coverage, key_distribution, quality_problems, validate_references

    con = console()
    chosen = select(all_sets(exercises_path), sets)
    problems = []
    for s in chosen:
        problems += validate_references(s)
    quality = quality_problems(chosen)
    for p in problems:
        con.print(Text("problem: ", style="bold red") + Text(p), soft_wrap=True)
    for p in quality:
        label = ("problem: ", "bold red") if strict else ("warning: ", "bold yellow")
        con.print(Text(label[0], style=label[1]) + Text(p), soft_wrap=True)
    dist = key_distribution(chosen)
    n = dist["n_letter"]["course"]
    letters = ", ".join(f"{k} {v}" for k, v in sorted(dist["letters"]["course"].items()))
    have, total, _ = feedback_coverage(chosen)
    con.print(
        f"Key letters of {n} letter-keyed single-choice items: {letters or 'none'}. "
        f"Wrong choices with feedback: {have} of {total}."
    )
    n_items = sum(len(s.items) for s in chosen)
    if problems or (strict and quality):
        con.print(f"{len(problems) + (len(quality) if strict else 0)} problem(s) in {len(chosen)} set(s).")
        sys.exit(EXIT_FINDINGS)
    if quality:
        con.print(
            f"{len(chosen)} set(s), {n_items} items: references good; {len(quality)} item-quality "
            "warning(s) (errors under --strict)."
        )
        return
    con.print(f"{len(chosen)} set(s), {n_items} items: all good.")


COMMANDS = {c.name: c for c in (build, preview, validate, schema, doctor)}

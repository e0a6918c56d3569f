"""The ``course`` command (also ``python -m course``).

Authors and readers: ``build``, ``doctor``, ``preview``. Learners and instructors: the exercise
commands (``start``, ``check``, ``hint``, ``reveal``, ``progress``, ``grade``, ``schema``) and the LMS
export, registered from their own modules. Errors are one paragraph and a non-zero exit, never a
traceback (set COURSE_DEBUG=1 to see one).
"""

from __future__ import annotations

import importlib
import os
import sys
import webbrowser
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from course import __version__
from course.errors import CourseInputError

console = Console(stderr=True)
out = Console()

# Modules that contribute commands: each has a COMMANDS list of click commands.
COMMAND_MODULES = ("course.exercises.cli", "course.lms.cli")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def cli():
    """Reading the Caliphate: build the book, check exercises, grade and export."""


@cli.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["html", "pdf", "epub", "reader", "all"]))
@click.option("--edition", type=click.Choice(["student", "instructor"]), default="student", show_default=True,
              help="instructor adds answers, explanations, teaching notes and timing")
@click.option("--readings", type=click.Choice(["full", "excerpts"]), default=None,
              help="print the readings in full (default) or only the cited paragraphs")
@click.option("--builddir", type=click.Path(path_type=Path), default=None,
              help="where to write (default: _build in the course folder)")
@click.option("--open", "open_", is_flag=True, help="open the result when done")
def build(fmt, edition, readings, builddir, open_):
    """Build the book as HTML, PDF, EPUB, the readings-only reader pack, or all four."""
    from course.build import build as do_build

    formats = ["html", "pdf", "epub", "reader"] if fmt == "all" else [fmt]
    results = []
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[phase]}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
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
        target = results[0].output
        if not webbrowser.open(target.resolve().as_uri()):
            out.print(f"Open this in your browser: {target.resolve().as_uri()}")


@cli.command()
def doctor():
    """Check the toolchain; for anything missing, print the exact command that installs it."""
    from course.doctor import run_doctor

    ok = run_doctor(out)
    sys.exit(0 if ok else 1)


@cli.command()
@click.option("--port", default=8000, show_default=True)
@click.option("--edition", type=click.Choice(["student", "instructor"]), default="student", show_default=True)
def preview(port, edition):
    """Live-reloading preview for authors, on http://127.0.0.1:PORT (rebuilds on save)."""
    import shutil
    import subprocess

    from course.content import Course

    root = Course.find().root
    exe = shutil.which("sphinx-autobuild") or str(Path(sys.executable).with_name("sphinx-autobuild"))
    outdir = root / "_build" / edition / "preview"
    cmd = [exe, "--host", "127.0.0.1", "--port", str(port), "-n", "--keep-going",
           "--ignore", str(root / "_build"), "--ignore", str(root / "answers"),
           "--watch", str(root / "exercises"), "--watch", str(root / "glossary"),
           "--watch", str(root / "readings"), "--watch", str(root / "data"),
           "-d", str(root / "_build" / edition / "doctrees" / "preview"), str(root), str(outdir)]
    if edition == "instructor":
        cmd += ["-t", "instructor"]
    out.print(f"Preview on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    sys.exit(subprocess.call(cmd))


def _register_optional_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part of the package is not there (yet)
            raise
        for cmd in getattr(mod, "COMMANDS", []):
            cli.add_command(cmd)


def main(argv: list[str] | None = None) -> int:
    _register_optional_commands()
    try:
        cli.main(args=argv, prog_name="course", standalone_mode=False)
    except CourseInputError as exc:
        console.print(f"[bold red]error:[/bold red] {exc}", highlight=False, soft_wrap=True)
        return 2
    except click.exceptions.Abort:
        console.print("aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for people; COURSE_DEBUG=1 for developers
        if os.environ.get("COURSE_DEBUG"):
            raise
        console.print(f"[bold red]internal error:[/bold red] {type(exc).__name__}: {exc}\n"
                      "This is a bug in the course package. Run again with COURSE_DEBUG=1 to see the "
                      "details, and report them.", highlight=False)
        return 70
    return 0


if __name__ == "__main__":
    sys.exit(main())

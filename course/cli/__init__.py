"""The ``course`` command (also ``python -m course``): one command tree for learners, instructors
and authors.

    course/cli/__init__.py    the group, ``main`` and the exit-code policy
    course/cli/learner.py     start, check, next, hint, reveal, progress, watch, submit, diagnostic
    course/cli/instructor.py  grade, marking, export moodle|qti|scorm
    course/cli/author.py      build, preview, validate, schema, doctor
    course/cli/display.py     how results look in the terminal
    course/cli/_common.py     consoles, the error guard, shared options, finding sets and items

A command module is imported only when one of its commands runs (or for ``--help``), so
``course check`` loads neither the book build, nor the exports, nor the bulk grader. The commands
call the views (course.exercises, course.lms, course.build); they hold no grading or data logic.

Exit codes, the same for every command:

    0   ok
    1   findings or wrong input: wrong answers remain (check), a bad data, answer or marks file,
        problems found (validate, doctor, grade --strict), a file that cannot be read or written
    2   usage: unknown command or option, a bad argument value (click's UsageError)

Wrong input is one paragraph on stderr, never a traceback. A bug in the package exits 70 with a
one-line message (COURSE_DEBUG=1 shows the traceback); Ctrl+C exits 130.
"""

from __future__ import annotations

import importlib
import os

import click

from course import __version__
from course.cli._common import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    err_console,
    print_error,
)
from course.errors import CourseInputError

# (section title in `course --help`, module, command names in the order shown)
SECTIONS = (
    (
        "Learners",
        "course.cli.learner",
        ("start", "check", "next", "hint", "reveal", "progress", "watch", "submit", "diagnostic"),
    ),
    ("Instructors", "course.cli.instructor", ("grade", "marking", "export")),
    ("Authors", "course.cli.author", ("build", "preview", "validate", "schema", "doctor")),
)

EPILOG = """\b
Exit codes: 0 ok; 1 findings or wrong input (wrong answers remain, a bad data or
answer file, problems found); 2 usage (unknown command or option, bad value).
Errors are one paragraph, never a traceback (COURSE_DEBUG=1 shows one for bugs)."""


class CourseGroup(click.Group):
    """A group whose commands live in the section modules, imported on first use, and whose help
    lists them under "Learners", "Instructors" and "Authors"."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for _, _, names in SECTIONS for name in names]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for _, module, names in SECTIONS:
            if cmd_name in names:
                return importlib.import_module(module).COMMANDS[cmd_name]
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections = [(title, [(name, self.get_command(ctx, name)) for name in names]) for title, _, names in SECTIONS]
        width = max(len(name) for _, cmds in sections for name, _ in cmds)
        limit = formatter.width - 6 - width
        for title, cmds in sections:
            rows = [
                (name.ljust(width), cmd.get_short_help_str(limit))
                for name, cmd in cmds
                if cmd is not None and not cmd.hidden
            ]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


@click.group(cls=CourseGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def cli():
    """Reading the Caliphate: check exercises, grade and export, build the book."""


def main(argv: list[str] | None = None) -> int:
    """Run ``course`` and return its exit code (the policy above)."""
    try:
        cli.main(args=argv, prog_name="course", standalone_mode=False)
    except CourseInputError as exc:  # the commands catch this themselves; a safety net
        print_error(str(exc))
        return EXIT_FINDINGS
    except click.exceptions.Abort:
        err_console().print("aborted")
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_FINDINGS)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # never a traceback for people; COURSE_DEBUG=1 for developers
        if os.environ.get("COURSE_DEBUG"):
            raise
        err_console().print(
            f"[bold red]internal error:[/bold red] {type(exc).__name__}: {exc}\n"
            "This is a bug in the course package. Run again with COURSE_DEBUG=1 to see the "
            "details, and report them."
        )
        return EXIT_INTERNAL
    return EXIT_OK

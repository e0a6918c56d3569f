"""What every command shares: the consoles, the error guard (the exit-code policy), the common
options, and finding sets and items by name.

Nothing here is heavy to import: ``course check`` loads this, ``learner.py`` and the engine, and
nothing of the book, the exports or the bulk grader.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from course.errors import CourseInputError

# The exit-code policy (documented in `course --help`, README.md and CONTRIBUTING.md).
EXIT_OK = 0  # done, nothing to report
EXIT_FINDINGS = 1  # findings or wrong input: wrong answers remain, a bad data or answer file, problems found
EXIT_USAGE = 2  # wrong usage: unknown command or option, bad argument value (click's UsageError)
EXIT_INTERNAL = 70  # a bug in the course package (EX_SOFTWARE); COURSE_DEBUG=1 shows the traceback
EXIT_INTERRUPTED = 130  # Ctrl+C

answers_option = click.option(
    "--answers",
    "answers_dir",
    default="answers",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of your answer files.",
)
exercises_option = click.option(
    "--exercises",
    "exercises_path",
    default=None,
    type=click.Path(path_type=Path),
    help="Folder of exercise sets (default: the course's exercises/).",
)


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def print_error(message: str) -> None:
    """One paragraph on stderr: ``error: <what is wrong and how to fix it>``."""
    from course.exercises.safe import safe_text

    err_console().print(Text("error: ", style="bold red") + Text(safe_text(message)), soft_wrap=True)


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so temporary files are removed and nothing is half-written."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:

        def stop(signum, frame):
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, stop)


def handle_errors(fn):
    """Wrong input (CourseInputError, an unexpected read or write failure) becomes one paragraph on
    stderr and exit 1, never a traceback. Every command of the tree wears it."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _exit_cleanly_on_sigterm()
        try:
            return fn(*args, **kwargs)
        except CourseInputError as exc:
            print_error(str(exc))
            sys.exit(EXIT_FINDINGS)
        except OSError as exc:  # a read or write the command did not expect to fail: still one paragraph
            from course.content.files import write_error

            where = exc.filename or "a file"
            print_error(str(write_error(where, exc, what="read or write")) if exc.errno else f"{where}: {exc}")
            sys.exit(EXIT_FINDINGS)

    return wrapper


# --------------------------------------------------------------------------------------------------
# Finding sets and items


def all_sets(exercises_path: Path | None):
    """The course's exercise sets (``Course.find()``, each loaded and validated once per process), or
    those in the folder given with --exercises."""
    from course.content import Course
    from course.content.exercise_sets import exercises_dir, load_all_sets

    if exercises_path is None:
        course = Course.find()
        sets, where = course.exercise_sets, course.exercises_dir
    else:
        sets, where = load_all_sets(exercises_path), exercises_dir(exercises_path)
    if not sets:
        raise CourseInputError(
            f"{where}: no exercise sets (*.yaml) found. "
            "Run the command from the course folder, or pass --exercises FOLDER."
        )
    return sets


def select(sets: list, names: tuple[str, ...]) -> list:
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


def find_item(sets: list, item_id: str):
    for s in sets:
        for n, it in enumerate(s.items, 1):
            if it.id == item_id:
                return s, n, it
    from difflib import get_close_matches

    ids = [it.id for s in sets for it in s.items]
    close = get_close_matches(item_id, ids, n=3)
    did = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise CourseInputError(
        f"'{item_id}' is not an item of any exercise set.{did} Item ids are printed in the "
        "book and in your answer files (run 'course start')."
    )

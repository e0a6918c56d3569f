"""Where the course is, and writing files safely: small helpers every layer may use.

:func:`find_root` locates the course (``$COURSE_ROOT``, else the nearest folder above the start folder
holding conf.py, pyproject.toml and readings/); :class:`course.content.Course` is built on it.
"""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("conf.py", "pyproject.toml")


def find_root(start: Path | str | None = None) -> Path:
    """$COURSE_ROOT, else the nearest folder above ``start`` (default: the current folder, then this
    package) holding conf.py, pyproject.toml and readings/."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    package = Path(__file__).resolve().parent.parent
    for base in (Path(start) if start else Path.cwd(), package):
        for d in [base, *base.resolve().parents]:
            if all((d / m).exists() for m in _MARKERS) and (d / "readings").is_dir():
                return d
    return package.parent

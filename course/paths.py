"""Where the course lives on disk."""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("conf.py", "pyproject.toml")


def project_root(start: Path | None = None) -> Path:
    """The course's root folder: $COURSE_ROOT, else the nearest folder above ``start`` (default: the
    current directory, then this package) that holds conf.py and pyproject.toml."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    candidates = [start or Path.cwd(), Path(__file__).resolve().parent]
    for base in candidates:
        for d in [base, *base.resolve().parents]:
            if all((d / m).exists() for m in _MARKERS) and (d / "readings").is_dir():
                return d
    return Path(__file__).resolve().parent.parent

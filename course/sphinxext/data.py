"""The course's data as the book sees it, and where a data error is.

The book reads its data through one :class:`course.content.Course` on Sphinx's source folder
(:func:`course.sphinxext.domain.course_data`), so each data file is read once per build and always
from the folder being built (never from wherever the ``course`` package was installed from). A data
error names the file and line to fix; :func:`where` finds them, for the warning's location.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from course.content import Course

__all__ = ["Course", "Where", "where"]


# ------------------------------------------------------------------------------------------------
# Where a data error is

_WHERE = re.compile(r"^(?P<path>[^\n,:]+?\.(?:ya?ml|txt|bib))(?:, line (?P<line>\d+)|:(?P<line2>\d+))?:\s*")


@dataclass(frozen=True)
class Where:
    """A data error's file (``path``, as the message names it), its line (or None) and the message
    without that prefix."""

    path: str | None
    line: int | None
    message: str

    @property
    def location(self) -> str | None:
        """``path:line`` (or ``path``) for ``logger.warning(location=...)``."""
        if not self.path:
            return None
        return f"{self.path}:{self.line}" if self.line else f"{self.path}:"


def where(exc: Exception) -> Where:
    """File, line and message of a data error: from the error's ``path``/``line`` when it has them,
    else from the "<file>, line <n>: …" prefix every content error message starts with."""
    text = str(exc)
    path, line = getattr(exc, "path", None), getattr(exc, "line", None)
    m = _WHERE.match(text)
    if m:
        path = path or m.group("path")
        line = line or int(m.group("line") or m.group("line2") or 0) or None
        text = text[m.end() :]
    return Where(os.path.abspath(path) if path else None, line, text)

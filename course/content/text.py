"""Course text in data files (MyST) as plain text, for terminals, answer-file comments, exports and
the self-check data. The one MyST-to-text converter: every view that needs plain text calls :func:`plain`.
"""

from __future__ import annotations

import re

from course.content.bibliography import Bibliography


def _course_bibliography() -> Bibliography:
    from course.content.course import Course

    return Course.current().bibliography


_ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")


def plain(myst: str, bibliography: Bibliography | None = None) -> str:
    """MyST → plain text for comments, terminals and the page's checker data: roles unwrapped (a
    citation becomes its short author–year label from ``bibliography``, by default the course's),
    emphasis, links and code fences dropped."""

    def role(m: re.Match) -> str:
        name, body = m.group(1), m.group(2)
        if name.startswith("cite"):
            bib = bibliography if bibliography is not None else _course_bibliography()
            return "(" + "; ".join(bib.short_cite(k.strip()) for k in body.split(",")) + ")"
        inner = re.match(r"^(.*?)\s*<[^>]*>$", body)  # {term}`text <target>`
        return inner.group(1) if inner else body

    s = _ROLE.sub(role, myst)
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)  # links
    s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"\1", s)
    s = re.sub(r"`([^`]+)`", r"\1", s)
    s = re.sub(r"^```.*$", "", s, flags=re.M)
    return s.strip()

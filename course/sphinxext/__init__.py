"""The course's Sphinx extension: ``extensions = [..., "course.sphinxext"]`` in conf.py.

It adds the course's markup (Arabic, paragraph links, reading pages, objectives, key points,
instructor notes, glossary, exercise sets, figures) and the output fixes for PDF and EPUB.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from course import __version__
from course.sphinxext import arabic, glossary, output, pedagogy, readingpages

# Parts written as their own small extensions; each is loaded when present.
OPTIONAL_PARTS = ("course.sphinxext.exercises", "course.sphinxext.timeline",
                  "course.sphinxext.taxonomy", "course.sphinxext.syllabus",
                  # the book (issue 17): PDF design, bibliography style, search folding, lean pages
                  "course.sphinxext.latexbook", "course.sphinxext.bibstyle",
                  "course.sphinxext.folding", "course.sphinxext.lean", "course.sphinxext.previews")

STATIC = Path(__file__).resolve().parent.parent / "static"


def setup(app):
    for part in (arabic, readingpages, pedagogy, glossary, output):
        part.setup(app)
    for name in OPTIONAL_PARTS:
        if importlib.util.find_spec(name) is not None:
            app.setup_extension(name)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 3}

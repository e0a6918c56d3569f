"""Output settings and fixes: static files, editions, LaTeX (XeLaTeX + Amiri) and EPUB."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes

STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

LATEX_PREAMBLE = r"""
\setlength{\headheight}{14pt}
\setotherlanguage{arabic}
\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}
\newfontfamily\arabicfont[Script=Arabic,Scale=1.15]{Amiri}
\newfontfamily\arabicfontsf[Script=Arabic,Scale=1.15]{Amiri}
\newfontfamily\arabicfonttt[Script=Arabic]{Amiri}
% reading paragraph numbers, set in the left margin
\expandafter\def\csname DUroleparanum\endcsname#1{\leavevmode\llap{\footnotesize\sffamily\bfseries #1\hspace{0.7em}}}
\expandafter\def\csname DUroleapparatus\endcsname#1{{\small\itshape #1}}
"""


def edition_settings(tags) -> dict:
    """conf.py settings that differ between the student and instructor editions.

    Raw sources (``_sources/``) and the theme's download button would ship instructor-only text,
    so both exist only in the instructor edition.
    """
    instructor = tags.has("instructor")
    suffix = "-instructor" if instructor else ""
    return {
        "course_edition": "instructor" if instructor else "student",
        "edition_label": "Instructor edition" if instructor else "Student edition",
        # its own file names, so that nobody hands students the instructor's PDF by mistake
        "basename": BASENAME + suffix,
        "reader_basename": BASENAME + "-reader" + suffix,  # the reader pack (-t reader)
        "html_title": "Reading the Caliphate — Instructor edition" if instructor else "Reading the Caliphate",
        # a banner on every page of the instructor edition (the theme's announcement bar)
        "announcement": INSTRUCTOR_BANNER if instructor else "",
        "html_copy_source": instructor,
        "html_show_sourcelink": instructor,
        "use_download_button": instructor,
        # whole instructor-only pages (the instructor's kit) are not even read for students
        "exclude_extra": [] if instructor else [INSTRUCTOR_DIR],
    }


INSTRUCTOR_DIR = "instructor"
BASENAME = "reading-the-caliphate"
INSTRUCTOR_BANNER = (
    "Instructor edition: contains answer keys, marking notes and timing. "
    "Do not give it to students; they use the student edition."
)


def add_instructor_toctree(app, docname, source):
    """In the instructor edition, the root page also lists the instructor's kit (instructor/index).
    The student edition never reads those pages, so it cannot link them."""
    if (
        app.config.course_edition == "instructor"
        and docname == app.config.root_doc
        and not app.tags.has("reader")
        and (app.srcdir / INSTRUCTOR_DIR / "index.md").exists()
    ):
        source[0] += f"\n\n```{{toctree}}\n:caption: Instructor's kit\n:maxdepth: 1\n\n{INSTRUCTOR_DIR}/index\n```\n"


READER_PREAMBLE = (
    LATEX_PREAMBLE
    + r"""
\linespread{1.45}
"""
)


def add_static(app, config):
    config.html_static_path = [str(STATIC), *config.html_static_path]
    # accessibility fixes over the theme's templates (searched before the theme's own)
    if TEMPLATES.is_dir():
        config.templates_path = [str(TEMPLATES), *config.templates_path]


def drop_empty_bibliography_chapter(app, doctree, docname):
    """LaTeX moves every citation to one bibliography at the end of the book, which leaves the
    bibliography page as an empty chapter; remove that page from the PDF."""
    if app.builder.format != "latex":
        return
    for sof in list(doctree.findall(addnodes.start_of_file)):
        if sof.get("docname") == "bibliography" and not list(sof.findall(nodes.citation)):
            sof.parent.remove(sof)


def register_pybtex_backend() -> None:
    """sphinxcontrib-bibtex looks the plaintext backend up for every citation, and each lookup scans
    the installed entry points (about 6 ms): register it once, up front (about 2 s per build)."""
    try:
        import pybtex.plugin
        from pybtex.backends.plaintext import Backend
    except ImportError:  # pragma: no cover - pybtex comes with sphinxcontrib-bibtex
        return
    pybtex.plugin.register_plugin("pybtex.backends", "plaintext", Backend, force=True)

"""The book's per-document state, kept the Sphinx way: a small domain (as ``sphinx.ext.todo`` does).

Everything the extension remembers between reading a page and writing the book lives in
``env.domaindata["course"]``, keyed by the page that produced it, so that Sphinx can forget a page
(``clear_doc``, when it is re-read or removed) and merge what parallel readers found
(``merge_domaindata``, under ``-j N``). Nothing is stored as a loose ``env.course_*`` attribute.

- ``listings``: per page, the data folders whose *list of files* the page shows (the glossary lists
  every ``glossary/*.yaml``; the syllabus every module and exercise set). Edits of those files are
  ordinary Sphinx dependencies (``env.note_dependency``); adding a file is not, so
  :func:`outdated_listings` compares each recorded list with the folder at the start of a build.
- ``set_pages``: exercise set id -> the page that shows the whole set (and its self-check tools).
- ``para_cites``: per page, its ``{para}`` citations (for backlinks and the excerpts edition).
- ``citation_tables``: pages showing figures computed from every citation.
- ``timelines``: per page, its timeline figures (so that a builder needing a format that an earlier
  builder did not draw reads the page again).
- ``practice``: item id -> the lesson that places it with ``{practice}``. It is not one page's
  finding but a scan of every lesson's source, made in the main process before reading (so parallel
  readers inherit it); ``clear_doc`` leaves it alone.

The course's data comes from one :class:`course.content.Course` on Sphinx's source folder
(:attr:`CourseDomain.content`), never from wherever the ``course`` package is installed: it loads
each data file once and again only when the file changes, so a build reads each file once, forked
parallel readers share what the main process loaded (``builder-inited`` already reads every
exercise set), and the next build sees an edit. It is an attribute of the domain object, which
Sphinx creates for every build and never pickles; only ``self.data`` is saved with the environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any, ClassVar

from sphinx.domains import Domain
from sphinx.util import logging

from course.sphinxext.data import Course

logger = logging.getLogger(__name__)


class CourseDomain(Domain):
    name = "course"
    label = "Reading the Caliphate course"
    data_version = 2
    initial_data: ClassVar[dict[str, Any]] = {
        "listings": {},  # docname -> {glob pattern (relative to srcdir): [files, sorted]}
        "set_pages": {},  # set id -> docname
        "para_cites": {},  # docname -> [citation dicts]
        "citation_tables": {},  # docname -> True
        "practice": {},  # item id -> docname (scanned from sources, not per page)
        "timelines": {},  # docname -> [figure paths without suffix]
    }

    #: the figure formats the current builder shows (set at builder-inited; not saved)
    image_formats: tuple[str, ...] = ("svg", "pdf")

    # --------------------------------------------------------------------------------------------
    # the course's data, once per build

    @property
    def content(self) -> Course:
        course = getattr(self, "_content", None)
        if course is None:
            course = self._content = Course(Path(self.env.srcdir))
        return course

    # --------------------------------------------------------------------------------------------
    # per-page state

    @property
    def listings(self) -> dict[str, dict[str, list[str]]]:
        return self.data.setdefault("listings", {})

    @property
    def set_pages(self) -> dict[str, str]:
        return self.data.setdefault("set_pages", {})

    @property
    def para_cites(self) -> dict[str, list[dict]]:
        return self.data.setdefault("para_cites", {})

    @property
    def citation_tables(self) -> dict[str, bool]:
        return self.data.setdefault("citation_tables", {})

    @property
    def practice(self) -> dict[str, str]:
        return self.data.setdefault("practice", {})

    @property
    def timelines(self) -> dict[str, list[str]]:
        return self.data.setdefault("timelines", {})

    def note_timeline(self, docname: str, base: str) -> None:
        self.timelines.setdefault(docname, []).append(base)

    def note_listing(self, docname: str, pattern: str) -> None:
        """``docname`` shows the list of files matching ``pattern`` (relative to the source folder):
        read it again when a file is added or removed there."""
        self.listings.setdefault(docname, {})[pattern] = list_files(Path(self.env.srcdir), pattern)

    def note_set_page(self, docname: str, set_id: str) -> None:
        self.set_pages[set_id] = docname

    def note_citations(self, docname: str, items: list[dict], table: bool) -> None:
        self.para_cites.pop(docname, None)
        self.citation_tables.pop(docname, None)
        if items:
            self.para_cites[docname] = items
        if table:
            self.citation_tables[docname] = True

    def clear_doc(self, docname: str) -> None:
        self.listings.pop(docname, None)
        self.timelines.pop(docname, None)
        self.para_cites.pop(docname, None)
        self.citation_tables.pop(docname, None)
        for set_id in [s for s, doc in self.set_pages.items() if doc == docname]:
            del self.set_pages[set_id]

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        for key in ("listings", "para_cites", "citation_tables", "timelines"):
            for doc, value in otherdata[key].items():
                if doc in docnames:
                    self.data[key][doc] = value
        for set_id, doc in otherdata["set_pages"].items():
            if doc in docnames:
                self.set_pages[set_id] = doc

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode) -> list:
        return []  # the domain holds state only; it defines no cross-reference roles


def course_domain(env) -> CourseDomain:
    return env.domains["course"]


def course_data(env) -> Course:
    """The course's data for this build (loaded once, from Sphinx's source folder)."""
    return course_domain(env).content


def use_source_course(app, config) -> None:
    """The book is the course in Sphinx's source folder, for every part of the code the build runs
    (the item types and the self-check data ask for ``Course.current()``), whichever checkout the
    code was installed from and whatever the current folder."""
    Course(Path(app.srcdir)).use()


def freeze_loaded(app, *args) -> None:
    """Once the builder is set up (last of ``builder-inited``), everything alive lives until the build
    ends: Sphinx, the theme and the course's modules, the configuration, the course's data; so does,
    once every page is read (``env-updated``), what reading made (the environment, the libraries
    and data a page needed). Move it out of the garbage collector's view (``gc.freeze``) so that
    each full collection scans only what the pages create, not all of that again: a full build
    makes about ten full collections, and the course's data and libraries (pydantic, matplotlib,
    pybtex) had doubled their cost."""
    import gc

    gc.freeze()


def unfreeze(app, exc) -> None:
    """The build is over: hand the frozen objects back to the collector (a process that runs more
    builds, such as the tests, would otherwise keep every earlier build's leftovers), and the
    course it declared current."""
    import gc

    gc.unfreeze()
    Course(Path(app.srcdir)).stop_using()  # a process that runs more builds, or other code, next


def list_files(srcdir: Path, pattern: str) -> list[str]:
    return sorted(p.relative_to(srcdir).as_posix() for p in srcdir.glob(pattern) if p.is_file())


def outdated_listings(env, docnames: Iterable[str]) -> list[str]:
    """The pages whose recorded file lists no longer match their folders (a data file added or
    removed since they were read)."""
    srcdir = Path(env.srcdir)
    domain = course_domain(env)
    now: dict[str, list[str]] = {}
    out = []
    for doc in docnames:
        for pattern, files in domain.listings.get(doc, {}).items():
            if pattern not in now:
                now[pattern] = list_files(srcdir, pattern)
            if now[pattern] != files:
                out.append(doc)
                break
    return out


def setup(app):
    app.add_domain(CourseDomain)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

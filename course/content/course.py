"""``Course``: the course on disk, loaded once, on demand, handed out as typed data.

``Course(root)`` is one object per course root in the process (asking again for the same root gives
the same object), so every view shares one cache. Each data file is loaded the first time it is asked
for and kept, keyed by its path, modification time and size: a long-lived process (``course watch``,
sphinx-autobuild, a Sphinx build) sees an edit the next time it asks, and never reads an unchanged
file twice. ``Course.find()`` locates the course: ``$COURSE_ROOT``, else the nearest folder above the
start folder (default: the current folder) that holds conf.py, pyproject.toml and readings/.

Code below the views (the item types, the checker, the self-check data, plain text) asks for
``Course.current()``: the course the running view declared with ``use()`` (the book declares
``Course(app.srcdir)``, an export the root it was given), else the one ``find()`` locates (the
terminal commands). So a book built with the code of another checkout, or from another folder,
shows its own readings in every part, not some of them.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.content.files import find_root
from course.errors import CourseInputError

if TYPE_CHECKING:
    import course.content.diagnostic as _diagnostic
    import course.content.exercise_sets as _sets
    import course.content.glossary as _glossary
    import course.content.modules as _modules
    import course.content.readings as _readings
    import course.content.taxonomy as _taxonomy
    import course.content.timeline as _timeline
    from course.content.bibliography import Bibliography


class _OnFirstUse:
    """A data module, imported the first time one of its names is used (``course check`` needs the
    exercise sets only, not the readings, taxonomies, glossary, timelines or diagnostic). Every use
    looks the name up in the module itself, so a test that patches the module is seen."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        mod = sys.modules.get(self._name) or importlib.import_module(self._name)
        return getattr(mod, attr)


if not TYPE_CHECKING:
    _diagnostic = _OnFirstUse("course.content.diagnostic")
    _sets = _OnFirstUse("course.content.exercise_sets")
    _glossary = _OnFirstUse("course.content.glossary")
    _modules = _OnFirstUse("course.content.modules")
    _readings = _OnFirstUse("course.content.readings")
    _taxonomy = _OnFirstUse("course.content.taxonomy")
    _timeline = _OnFirstUse("course.content.timeline")
    _bibliography = _OnFirstUse("course.content.bibliography")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class Course:
    """The course rooted at ``root``; see the module docstring."""

    _instances: dict[Path, Course] = {}
    _lock = threading.Lock()
    _current: Course | None = None

    def __new__(cls, root: Path | str):
        key = Path(root).resolve()
        with cls._lock:
            inst = cls._instances.get(key)
            if inst is None:
                inst = super().__new__(cls)
                inst.root = key
                inst._files = {}
                inst.reads = 0
                cls._instances[key] = inst
        return inst

    def __init__(self, root: Path | str) -> None:  # state is set once, in __new__
        pass

    def __repr__(self) -> str:
        return f"Course({str(self.root)!r})"

    # -- finding the course -------------------------------------------------------------------

    @staticmethod
    def find_root(start: Path | str | None = None) -> Path:
        """The course's root folder (see :func:`course.content.files.find_root`)."""
        return find_root(start)

    @classmethod
    def find(cls, start: Path | str | None = None) -> Course:
        return cls(cls.find_root(start))

    @classmethod
    def of(cls, root: Path | str | None = None) -> Course:
        """``Course(root)``, or the course found from the current folder when ``root`` is None."""
        return cls(root) if root is not None else cls.find()

    @classmethod
    def current(cls) -> Course:
        """The course of the running view: the one declared with :meth:`use`, else :meth:`find`'s."""
        return cls._current if cls._current is not None else cls.find()

    def use(self) -> Course:
        """Declare this the course of the running view (for the rest of the process, as a book
        build does: its source folder)."""
        Course._current = self
        return self

    def stop_using(self) -> None:
        """This course is no longer the current one (if it was): the run that declared it is over."""
        if Course._current is self:
            Course._current = None

    @contextmanager
    def using(self) -> Iterator[Course]:
        """This course is the current one inside the block (an export given a root)."""
        before = Course._current
        Course._current = self
        try:
            yield self
        finally:
            Course._current = before

    @classmethod
    def forget_all(cls) -> None:
        """Drop every Course object and its cache, and the current course (tests)."""
        with cls._lock:
            cls._instances.clear()
            Course._current = None

    # -- the per-file cache -------------------------------------------------------------------

    def _load(self, key: Any, paths: tuple[Path, ...], load: Callable[[], Any]) -> Any:
        stamp = tuple(_stamp(p) for p in paths)
        hit = self._files.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = load()
        self.reads += 1
        self._files[key] = (stamp, value)
        return value

    # -- modules ------------------------------------------------------------------------------

    @property
    def modules(self) -> list[_modules.Module]:
        """Every module, in number order."""
        paths = sorted(_modules.modules_dir(self.root).glob("*/module.yaml"))
        return sorted((self.module(p.parent.name) for p in paths), key=lambda m: m.number)

    def module(self, module_id: str) -> _modules.Module:
        path = _modules.modules_dir(self.root) / module_id / "module.yaml"
        return self._load(("module", module_id), (path,), lambda: _modules.load_module(module_id, self.root))

    @property
    def objectives(self) -> dict[str, _modules.Objective]:
        return {o.id: o for m in self.modules for o in m.objectives}

    # -- readings -----------------------------------------------------------------------------

    @property
    def reading_ids(self) -> list[str]:
        return _readings.list_readings(self.root)

    @property
    def readings(self) -> list[_readings.Reading]:
        return [self.reading(rid) for rid in self.reading_ids]

    def reading(self, reading_id: str) -> _readings.Reading:
        d = _readings.readings_dir(self.root) / reading_id
        return self._load(
            ("reading", reading_id),
            (d / "reading.yaml", d / "source.txt"),
            lambda: _readings.load_reading(reading_id, self.root),
        )

    def resolve_ref(self, ref: str) -> tuple[_readings.Reading, list[_readings.Paragraph]]:
        """A paragraph reference (``<reading>:<n>`` or ``<reading>:<n>-<m>``) → reading, paragraphs."""
        return _readings.resolve_ref(ref, self.root, load=self.reading)

    # -- taxonomies, glossary, timelines, diagnostic, bibliography ----------------------------

    def taxonomy_path(self, name: str) -> Path:
        return _taxonomy.taxonomy_path(name, self.root)

    def taxonomy(self, name: str) -> _taxonomy.Taxonomy:
        return self._load(
            ("taxonomy", name), (self.taxonomy_path(name),), lambda: _taxonomy.load_taxonomy(name, self.root)
        )

    @property
    def taxonomy_names(self) -> list[str]:
        return _taxonomy.available_taxonomies(self.root)

    @property
    def glossary(self) -> list[dict]:
        """Every glossary entry (``term``, ``definition``, optional ``arabic``, ``see``; ``_file``):
        the glossary files' entries, then a term for every technique of every taxonomy."""
        entries: list[dict] = []
        for path in _glossary.glossary_paths(self.root):
            entries += self._load(
                ("glossary", path.name), (path,), lambda path=path: _glossary.load_glossary_file(path, self.root)
            )
        for name in self.taxonomy_names:
            entries += _glossary.technique_entries(self.taxonomy(name), self.taxonomy_path(name), self.root)
        return entries

    def glossary_files(self) -> list[Path]:
        return _glossary.glossary_paths(self.root) + [self.taxonomy_path(n) for n in self.taxonomy_names]

    def timeline_path(self, name: str) -> Path:
        """``name``: a path relative to the root (``data/timeline-caliphates.yaml``, a leading ``/``
        allowed) or a short name (``caliphates``)."""
        if "/" in name or name.endswith(".yaml"):
            return (self.root / name.lstrip("/")).resolve()
        return self.root / "data" / f"timeline-{name}.yaml"

    def timeline(self, name: str) -> dict[str, Any]:
        path = self.timeline_path(name)
        return self._load(("timeline", str(path)), (path,), lambda: _timeline.load_timeline(path))

    @property
    def diagnostic_path(self) -> Path:
        return _diagnostic.diagnostic_path(self.root)

    @property
    def diagnostic(self) -> _diagnostic.Diagnostic:
        return self._load(("diagnostic",), (self.diagnostic_path,), lambda: _diagnostic.load_diagnostic(self.root))

    @property
    def bibliography_path(self) -> Path:
        return self.root / "references.bib"

    @property
    def bibliography(self) -> Bibliography:
        path = self.bibliography_path
        return self._load(("bibliography",), (path,), lambda: _bibliography.load_bibliography(path))

    # -- exercise sets ------------------------------------------------------------------------

    @property
    def exercises_dir(self) -> Path:
        return _sets.exercises_dir(self.root)

    def set_paths(self) -> list[Path]:
        return _sets.set_paths(self.root)

    def exercise_set(self, set_id: str) -> _sets.ExerciseSet:
        path = self.exercises_dir / f"{set_id}.yaml"
        if not path.is_file():
            known = ", ".join(p.stem for p in self.set_paths()) or "none"
            raise CourseInputError(f"{path}: no such exercise set '{set_id}'. Known sets: {known}.")
        return self._load(("set", set_id), (path,), lambda: _sets.load_set(path, self.root))

    @property
    def exercise_sets(self) -> list[_sets.ExerciseSet]:
        """Every exercise set, in file-name order; item ids are unique course-wide."""
        sets = [self.exercise_set(p.stem) for p in self.set_paths()]
        _sets.check_unique_item_ids(sets, self.exercises_dir)
        return sets

    # -- for dependency tracking --------------------------------------------------------------

    def data_files(self) -> list[Path]:
        """Every data file the course reads (for Sphinx's dependency tracking and watchers)."""
        r = self.root
        out = sorted((r / "modules").glob("*/module.yaml"))
        for rid in self.reading_ids:
            out += [r / "readings" / rid / "reading.yaml", r / "readings" / rid / "source.txt"]
        out += self.set_paths() + self.glossary_files()
        out += sorted((r / "data").glob("timeline-*.yaml"))
        out += [p for p in (self.diagnostic_path, self.bibliography_path) if p.exists()]
        return out

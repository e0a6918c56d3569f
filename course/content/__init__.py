"""The course's data layer: every data file of the course, read once and handed out as typed data.

The course is data (``modules/*/module.yaml``, ``readings/*/reading.yaml`` + ``source.txt``,
``exercises/*.yaml``, ``glossary/*.yaml``, ``data/taxonomies/*.yaml``, ``data/timeline-*.yaml``,
``data/diagnostic.yaml``, ``references.bib``). This package is the only code that finds the course
(:meth:`Course.find`) and opens those files: one safe YAML reader (:mod:`course.content.yaml`), one
typed model per file kind, and :class:`Course`, which loads each file on demand, keeps it until the
file changes, and is what the views (the book in ``course.sphinxext``, the checker in
``course.exercises``, the exports in ``course.lms``, the CLI) read. Errors are
:class:`~course.errors.CourseInputError` naming the file and line. It imports nothing of the
``course`` package but ``course.errors``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from course.content.bibliography import Bibliography
    from course.content.course import Course
    from course.content.diagnostic import Diagnostic, Form, Passage
    from course.content.exercise_sets import ITEM_MODELS, ITEM_TYPES, ExerciseSet, ItemBase
    from course.content.modules import Lesson, Module, Objective
    from course.content.readings import MarginNote, Paragraph, Reading, ReadingRefError, Redaction
    from course.content.taxonomy import Category, Taxonomy, Technique
    from course.content.yaml import YamlDoc

#: Where each public name lives. The names load on first use (PEP 562), so importing one data module
#: (``course.content.exercise_sets`` for ``course check``) does not import all the others.
_HOME = {
    "Bibliography": "bibliography",
    "Course": "course",
    "Diagnostic": "diagnostic",
    "Form": "diagnostic",
    "Passage": "diagnostic",
    "ITEM_MODELS": "exercise_sets",
    "ITEM_TYPES": "exercise_sets",
    "ExerciseSet": "exercise_sets",
    "ItemBase": "exercise_sets",
    "Lesson": "modules",
    "Module": "modules",
    "Objective": "modules",
    "MarginNote": "readings",
    "Paragraph": "readings",
    "Reading": "readings",
    "ReadingRefError": "readings",
    "Redaction": "readings",
    "Category": "taxonomy",
    "Taxonomy": "taxonomy",
    "Technique": "taxonomy",
    "YamlDoc": "yaml",
}

_SUBMODULES = {
    "bibliography",
    "course",
    "diagnostic",
    "exercise_sets",
    "files",
    "glossary",
    "modules",
    "normalize",
    "readings",
    "taxonomy",
    "text",
    "timeline",
    "yaml",
}

__all__ = [
    "Bibliography",
    "Category",
    "Course",
    "Diagnostic",
    "ExerciseSet",
    "Form",
    "ITEM_MODELS",
    "ITEM_TYPES",
    "ItemBase",
    "Lesson",
    "MarginNote",
    "Module",
    "Objective",
    "Paragraph",
    "Passage",
    "Reading",
    "ReadingRefError",
    "Redaction",
    "Taxonomy",
    "Technique",
    "YamlDoc",
]


def __getattr__(name: str):
    home = _HOME.get(name)
    if home is None:
        if name not in _SUBMODULES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return import_module(f"{__name__}.{name}")  # ``course.content.readings`` after ``import course.content``
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

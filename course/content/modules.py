"""Modules as data: ``modules/<id>/module.yaml`` declares lessons, minutes and learning objectives.

Used by the book (objectives blocks, syllabus), the exercise engine (objective ids) and exports,
always through :class:`course.content.Course` (``course.modules``, ``course.module(id)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course.content.yaml import MAX_DATA_BYTES, YamlDoc, load_yaml
from course.errors import CourseInputError


@dataclass(frozen=True)
class Objective:
    id: str
    lesson: str
    text: str


@dataclass(frozen=True)
class Lesson:
    doc: str
    title: str
    learner_minutes: int
    teaching_minutes: int


@dataclass(frozen=True)
class Module:
    id: str
    number: int
    title: str
    lessons: tuple[Lesson, ...]
    objectives: tuple[Objective, ...]
    exercise_sets: tuple[str, ...]
    path: Path

    def objectives_for(self, lesson: str) -> list[Objective]:
        return [o for o in self.objectives if o.lesson == lesson]

    @property
    def docname(self) -> str:
        return f"modules/{self.id}/index"


def modules_dir(root: Path) -> Path:
    return Path(root) / "modules"


def list_modules(root: Path) -> list[Module]:
    mods = [load_module(p.parent.name, root) for p in sorted(modules_dir(root).glob("*/module.yaml"))]
    return sorted(mods, key=lambda m: m.number)


def load_module(module_id: str, root: Path) -> Module:
    path = modules_dir(root) / module_id / "module.yaml"
    if not path.exists():
        raise CourseInputError(
            f"{path}: no such module file. Each module folder needs a module.yaml (see CONTRIBUTING.md, 'module.yaml')."
        )
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _load(path_s: str, _mtime: int) -> Module:
    path = Path(path_s)
    doc = load_yaml(path, max_bytes=MAX_DATA_BYTES, what="module file")
    data = doc.data
    if not isinstance(data, dict):
        raise CourseInputError(
            f"{doc.at()}: the top level must be a mapping with id, number, title, lessons, objectives."
        )
    lessons = tuple(_lesson(doc, i, entry) for i, entry in enumerate(_list(doc, data, "lessons")))
    objectives = tuple(_objective(doc, i, entry) for i, entry in enumerate(_list(doc, data, "objectives")))
    docs = {les.doc for les in lessons}
    for i, o in enumerate(objectives):
        if o.lesson not in docs:
            raise CourseInputError(
                f"{doc.at(('objectives', i, 'lesson'))}: objective '{o.id}' names lesson "
                f"'{o.lesson}', which is not in lessons ({', '.join(sorted(docs)) or 'none'})."
            )
    return Module(
        id=str(_need(doc, data, "id", ())),
        number=_int(doc, data, "number", 99, ()),
        title=str(_need(doc, data, "title", ())),
        lessons=lessons,
        objectives=objectives,
        exercise_sets=tuple(data.get("exercise_sets") or ()),
        path=path,
    )


def _need(doc: YamlDoc, d: dict, key: str, loc: tuple):
    if key not in d:
        what = f"{loc[0][:-1]} {loc[1] + 1}" if loc else "the module"
        raise CourseInputError(f"{doc.at(loc)}: {what} has no '{key}'. See CONTRIBUTING.md, 'module.yaml'.")
    return d[key]


def _int(doc: YamlDoc, d: dict, key: str, default: int, loc: tuple) -> int:
    value = d.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CourseInputError(f"{doc.at(loc + (key,))}: '{key}' must be a whole number, not {value!r}.") from None


def _list(doc: YamlDoc, data: dict, key: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise CourseInputError(
            f"{doc.at((key,))}: {key} must be a list of mappings (- key: value). See CONTRIBUTING.md, 'module.yaml'."
        )
    return value


def _lesson(doc: YamlDoc, i: int, entry: dict) -> Lesson:
    loc = ("lessons", i)
    return Lesson(
        str(_need(doc, entry, "doc", loc)),
        str(_need(doc, entry, "title", loc)),
        _int(doc, entry, "learner_minutes", 0, loc),
        _int(doc, entry, "teaching_minutes", 0, loc),
    )


def _objective(doc: YamlDoc, i: int, entry: dict) -> Objective:
    loc = ("objectives", i)
    return Objective(
        str(_need(doc, entry, "id", loc)), str(_need(doc, entry, "lesson", loc)), str(_need(doc, entry, "text", loc))
    )

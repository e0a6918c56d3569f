"""Modules as data: ``modules/<id>/module.yaml`` declares lessons, minutes and learning objectives.

Used by the book (objectives blocks, syllabus), the exercise engine (objective ids) and exports,
always through :class:`course.content.Course` (``course.modules``, ``course.module(id)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course.content.yaml import load_data
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
        raise CourseInputError(f"{path}: no such module file. Each module folder needs a module.yaml "
                               "(see CONTRIBUTING.md, 'module.yaml').")
    return _load(str(path), path.stat().st_mtime_ns)


def all_objectives(root: Path) -> dict[str, Objective]:
    return {o.id: o for m in list_modules(root) for o in m.objectives}


@lru_cache(maxsize=64)
def _load(path_s: str, _mtime: int) -> Module:
    path = Path(path_s)
    data = load_data(path, what="module file")
    if not isinstance(data, dict):
        raise CourseInputError(f"{path}: the top level must be a mapping with id, number, title, lessons, objectives.")

    def need(d: dict, key: str, where: str):
        if key not in d:
            raise CourseInputError(f"{path}: {where} has no '{key}'. See CONTRIBUTING.md, 'module.yaml'.")
        return d[key]

    try:
        lessons = tuple(Lesson(str(need(l, "doc", f"lesson {i + 1}")), str(need(l, "title", f"lesson {i + 1}")),
                               int(l.get("learner_minutes", 0)), int(l.get("teaching_minutes", 0)))
                        for i, l in enumerate(data.get("lessons") or []))
        objectives = tuple(Objective(str(need(o, "id", f"objective {i + 1}")), str(need(o, "lesson", f"objective {i + 1}")),
                                     str(need(o, "text", f"objective {i + 1}")))
                           for i, o in enumerate(data.get("objectives") or []))
    except (TypeError, AttributeError, ValueError) as exc:
        raise CourseInputError(f"{path}: lessons and objectives must be lists of mappings ({exc}).") from None
    docs = {l.doc for l in lessons}
    for o in objectives:
        if o.lesson not in docs:
            raise CourseInputError(f"{path}: objective '{o.id}' names lesson '{o.lesson}', which is not in "
                                   f"lessons ({', '.join(sorted(docs)) or 'none'}).")
    return Module(id=str(need(data, "id", "the module")), number=int(data.get("number", 99)),
                  title=str(need(data, "title", "the module")), lessons=lessons, objectives=objectives,
                  exercise_sets=tuple(data.get("exercise_sets") or ()), path=path)

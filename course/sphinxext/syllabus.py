"""The ``syllabus`` directive: the course's syllabus and schedules, generated from data.

Sources: every ``modules/*/module.yaml`` (lessons, learner and teaching minutes, objectives) and every
exercise set (which items assess which objective). Nothing is typed twice: change a module.yaml or an
exercise set and the syllabus follows.

Usage (MyST), one part per call so that the page keeps its own headings::

    ```{syllabus} overview
    ```
    ```{syllabus} modules
    ```
    ```{syllabus} schedule
    :weeks: 12
    ```

- ``overview``: one row per module: lessons, learner hours, class hours, exercise items and points.
- ``modules``: per module, a table of its lessons and, per lesson, its objectives with the items that
  assess each (count, points and item types), and any objective no item assesses.
- ``schedule``: the lessons, in course order and never split, shared out over ``:weeks:`` weeks so
  that the busiest week has as little class time as possible (an optimal contiguous partition); per
  week the lessons, class time, independent study time and the exercise sets that fall due.

Output is plain docutils (tables, rubrics, bullet lists), readable in HTML, PDF and EPUB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList

from course.errors import CourseInputError
from course.sphinxext.base import CourseDirective
from course.sphinxext.data import Course

PARTS = ("overview", "modules", "schedule")


# --------------------------------------------------------------------------------------------------
# Data


@dataclass
class ObjectiveRow:
    id: str
    text: str
    items: list = field(default_factory=list)  # exercise items assessing it

    @property
    def points(self) -> float:
        return sum(it.points for it in self.items)


@dataclass
class LessonRow:
    module_id: str
    module_number: int
    module_title: str
    doc: str
    title: str
    learner_minutes: int
    teaching_minutes: int
    objectives: list[ObjectiveRow]

    @property
    def docname(self) -> str:
        return f"modules/{self.module_id}/{self.doc}"

    @property
    def label(self) -> str:
        return f"{self.module_number}.{self.index}"

    index: int = 0


@dataclass
class ModuleRow:
    id: str
    number: int
    title: str
    lessons: list[LessonRow]
    exercise_sets: list[str]

    @property
    def learner_minutes(self) -> int:
        return sum(l.learner_minutes for l in self.lessons)

    @property
    def teaching_minutes(self) -> int:
        return sum(l.teaching_minutes for l in self.lessons)

    @property
    def items(self) -> list:
        return [it for l in self.lessons for o in l.objectives for it in o.items]


@dataclass
class Syllabus:
    modules: list[ModuleRow]
    unassigned: list  # items whose objective no module declares
    paths: list[Path]  # files read, for Sphinx's dependency tracking

    @property
    def lessons(self) -> list[LessonRow]:
        return [l for m in self.modules for l in m.lessons]


def syllabus_data(course: Course | Path) -> Syllabus:
    """The syllabus of ``course`` (the book's :class:`Course`, or a course root folder)."""
    if not isinstance(course, Course):
        course = Course(Path(course))
    mods = course.modules
    sets = course.exercise_sets
    by_objective: dict[str, list] = {}
    for s in sets:
        for it in s.items:
            by_objective.setdefault(it.objective, []).append(it)
    declared = {o.id for m in mods for o in m.objectives}
    unassigned = [it for oid, its in by_objective.items() if oid not in declared for it in its]
    out = []
    for m in mods:
        lessons = []
        for i, l in enumerate(m.lessons, 1):
            objs = [ObjectiveRow(o.id, o.text, by_objective.get(o.id, [])) for o in m.objectives_for(l.doc)]
            row = LessonRow(m.id, m.number, m.title, l.doc, l.title, l.learner_minutes, l.teaching_minutes, objs)
            row.index = i
            lessons.append(row)
        out.append(ModuleRow(m.id, m.number, m.title, lessons, list(m.exercise_sets)))
    paths = [m.path for m in mods] + list(course.set_paths())
    return Syllabus(out, unassigned, paths)


def partition(loads: list[int], weeks: int) -> list[list[int]]:
    """Split ``loads`` (in order) into at most ``weeks`` contiguous, non-empty groups; returns the
    groups as lists of indices.

    The busiest group is first made as light as possible (the minimal maximum group sum, M); among
    the splits that achieve M, the one with the most even groups (the least sum of squared group
    sums) is chosen. With fewer items than weeks, each item gets a week of its own. Ties are broken
    towards earlier breaks, so the result is deterministic.
    """
    n = len(loads)
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    if n == 0:
        return []
    k = min(weeks, n)
    prefix = [0]
    for x in loads:
        prefix.append(prefix[-1] + x)
    inf = float("inf")

    def solve(cost, limit=inf):
        # best[j][i]: the best cost of splitting the first i items into j groups, no group over limit
        best = [[inf] * (n + 1) for _ in range(k + 1)]
        cut = [[0] * (n + 1) for _ in range(k + 1)]
        best[0][0] = 0
        for j in range(1, k + 1):
            for i in range(j, n + 1):
                for p in range(j - 1, i):
                    g = prefix[i] - prefix[p]
                    if g > limit or best[j - 1][p] == inf:
                        continue
                    c = cost(best[j - 1][p], g)
                    if c < best[j][i]:
                        best[j][i], cut[j][i] = c, p
        return best, cut

    best, _ = solve(lambda prev, g: max(prev, g))
    limit = best[k][n]
    _, cut = solve(lambda prev, g: prev + g * g, limit)
    groups, i = [], n
    for j in range(k, 0, -1):
        p = cut[j][i]
        groups.append(list(range(p, i)))
        i = p
    return groups[::-1]


@dataclass
class Week:
    number: int
    lessons: list[LessonRow]
    due: list[str]  # exercise sets whose module ends this week

    @property
    def teaching_minutes(self) -> int:
        return sum(l.teaching_minutes for l in self.lessons)

    @property
    def learner_minutes(self) -> int:
        return sum(l.learner_minutes for l in self.lessons)


def schedule(syl: Syllabus, weeks: int) -> list[Week]:
    lessons = syl.lessons
    last_of_module = {m.lessons[-1].docname: m for m in syl.modules if m.lessons}
    out = []
    for n, group in enumerate(partition([l.teaching_minutes for l in lessons], weeks), 1):
        ls = [lessons[i] for i in group]
        due = [s for l in ls if l.docname in last_of_module for s in last_of_module[l.docname].exercise_sets]
        out.append(Week(n, ls, due))
    return out


# --------------------------------------------------------------------------------------------------
# Rendering


def hours(minutes: float) -> str:
    h, m = divmod(int(round(minutes)), 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def _pts(x: float) -> str:
    return f"{x:g}"


def _esc(s: str) -> str:
    return s.replace("|", "\\|")


def _list_table(header: list[str], rows: list[list[str]], widths: list[int], cls: str = "") -> list[str]:
    lines = ["```{list-table}", ":header-rows: 1", f":widths: {' '.join(map(str, widths))}"]
    if cls:
        lines.append(f":class: {cls}")
    lines.append("")
    for row in [header, *rows]:
        first = True
        for cell in row:
            lines.append(("* - " if first else "  - ") + (cell if cell.strip() else "–"))
            first = False
    lines.append("```")
    return lines


def overview_myst(syl: Syllabus) -> list[str]:
    rows = []
    for m in syl.modules:
        rows.append(
            [
                f"{{doc}}`{m.number}: {_esc(m.title)} </modules/{m.id}/index>`",
                str(len(m.lessons)),
                hours(m.learner_minutes),
                hours(m.teaching_minutes),
                str(len(m.items)),
                _pts(sum(it.points for it in m.items)),
            ]
        )
    total = [
        "**Total**",
        str(len(syl.lessons)),
        hours(sum(m.learner_minutes for m in syl.modules)),
        hours(sum(m.teaching_minutes for m in syl.modules)),
        str(sum(len(m.items) for m in syl.modules)),
        _pts(sum(it.points for m in syl.modules for it in m.items)),
    ]
    return _list_table(
        ["Module", "Lessons", "Independent study", "Class time", "Exercise items", "Points"],
        [*rows, total],
        [40, 10, 14, 14, 12, 10],
    )


def _types(items) -> str:
    counts: dict[str, int] = {}
    for it in items:
        counts[it.type] = counts.get(it.type, 0) + 1
    return ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))


def modules_myst(syl: Syllabus) -> list[str]:
    out: list[str] = []
    for m in syl.modules:
        out += ["```{rubric} " + f"Module {m.number}: {m.title}", "```", ""]
        rows = [
            [
                l.label,
                f"{{doc}}`{_esc(l.title)} </{l.docname}>`",
                str(l.learner_minutes),
                str(l.teaching_minutes),
                str(sum(len(o.items) for o in l.objectives)),
            ]
            for l in m.lessons
        ]
        out += _list_table(["#", "Lesson", "Study (min)", "Class (min)", "Items"], rows, [8, 56, 12, 12, 12])
        out.append("")
        sets = ", ".join(f"`{s}`" for s in m.exercise_sets) or "none"
        out.append(f"Exercise sets: {sets}. Objectives and the items that assess them:")
        out.append("")
        for l in m.lessons:
            out.append(f"- **{l.label} {l.title}**")
            for o in l.objectives:
                if o.items:
                    what = (
                        f"{len(o.items)} item{'s' if len(o.items) != 1 else ''}, {_pts(o.points)} "
                        f"point{'s' if o.points != 1 else ''} ({_types(o.items)})"
                    )
                else:
                    what = "*not assessed by any exercise item*"
                out.append(f"  - {o.text} — {what}")
        out.append("")
    if syl.unassigned:
        ids = ", ".join(f"`{it.id}`" for it in syl.unassigned)
        out += [
            "```{rubric} Items without a declared objective",
            "```",
            "",
            f"These items name an objective that no module.yaml declares: {ids}.",
            "",
        ]
    return out


def schedule_myst(syl: Syllabus, weeks: int) -> list[str]:
    ws = schedule(syl, weeks)
    rows = []
    for w in ws:
        lessons = "; ".join(f"{l.label} {l.title}" for l in w.lessons)
        due = ", ".join(f"`{s}`" for s in w.due)
        rows.append([str(w.number), _esc(lessons), hours(w.teaching_minutes), hours(w.learner_minutes), due])
    heaviest = max((w.teaching_minutes for w in ws), default=0)
    out = [
        f"{len(ws)} weeks; class time per week at most {hours(heaviest)}, "
        f"{hours(sum(w.teaching_minutes for w in ws) / max(len(ws), 1))} on average.",
        "",
    ]
    out += _list_table(
        ["Week", "Lessons", "Class time", "Independent study", "Exercises due"],
        rows,
        [7, 47, 13, 17, 16],
        cls="longtable",
    )
    return out


class SyllabusDirective(CourseDirective):
    required_arguments = 1
    option_spec = {"weeks": directives.positive_int}
    subtype = "syllabus"

    def run(self):
        part = self.arguments[0].strip()
        if part not in PARTS:
            return self.usage_error(f"part '{part}' is unknown; use one of: {', '.join(PARTS)}.")
        if part == "schedule" and "weeks" not in self.options:
            return self.usage_error("syllabus schedule needs :weeks: (for example 6 or 12).")
        for pattern in ("modules/*/module.yaml", "exercises/*.yaml"):
            self.domain.note_listing(self.env.docname, pattern)
        try:
            syl = syllabus_data(self.course)
        except CourseInputError as exc:
            return self.data_error(exc)
        self.note_data(*syl.paths)
        if part == "overview":
            lines = overview_myst(syl)
        elif part == "modules":
            lines = modules_myst(syl)
        else:
            lines = schedule_myst(syl, self.options["weeks"])
        box = nodes.container(classes=["course-syllabus", f"course-syllabus-{part}"])
        self.state.nested_parse(StringList(lines, source=f"syllabus {part}"), self.content_offset, box)
        return [box]

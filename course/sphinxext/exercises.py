"""The ``exercise-set`` directive: an exercise set (or chosen items) rendered in a module page.

```{exercise-set} m1-history
:items: m1-rashidun-order, m1-capitals    (optional: only these, in this order)
```

Each item is numbered ("Exercise 1.3"), has its own anchor and a label (``{ref}`ex-<item id>```),
shows its prompt and choices readably and the command that checks it. The instructor edition adds the
reference answer, the explanation, the hints and the rubric's level descriptors; the student edition
contains none of them (the directive never creates those nodes there). Only standard docutils nodes
are produced, so every builder (HTML, LaTeX, EPUB, text, gettext) handles them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging

from course.errors import CourseInputError
from course.items import ITEM_TYPES, for_item
from course.sphinxext import selfcheck_html as sc
from course.sphinxext.base import CourseDirective, warn
from course.sphinxext.data import Where
from course.sphinxext.domain import course_data
from course.sphinxext.pedagogy import is_instructor

logger = logging.getLogger(__name__)


class _TypeLabels(Mapping):
    """Item type → its label in the book ("single choice"), read live from :mod:`course.items`."""

    def __getitem__(self, name: str) -> str:
        return ITEM_TYPES[name].label

    def __iter__(self):
        return iter(ITEM_TYPES)

    def __len__(self) -> int:
        return len(ITEM_TYPES)


TYPE_LABELS = _TypeLabels()


def _pts(x: float) -> str:
    return f"{x:g} point" + ("" if x == 1 else "s")


class ExerciseSetDirective(CourseDirective):
    required_arguments = 1
    option_spec = {"items": directives.unchanged}
    subtype = "exercises"

    def run(self):
        set_id = self.arguments[0].strip()
        path = self.course.exercises_dir / f"{set_id}.yaml"
        self.note_data(path)  # also when it is wrong or missing
        if not path.is_file():
            known = ", ".join(p.stem for p in self.course.set_paths()) or "none"
            return self.usage_error(
                f"exercise set '{set_id}' not found (exercises/{set_id}.yaml). Known sets: {known}."
            )
        try:
            exset = self.course.exercise_set(set_id)
        except CourseInputError as exc:
            return self.data_error(exc)
        self._use_set(exset)
        numbers = {it.id: i for i, it in enumerate(exset.items, 1)}
        items = self._chosen(exset)
        if items is None:
            return []
        out: list[nodes.Node] = [self._howto(items)]
        if exset.intro:
            box = nodes.container(classes=["exercise-set-intro"])
            self._parse(exset.intro, box)
            out.append(box)
        checker = sc.enabled(exset)
        if checker and "items" not in self.options:
            self.domain.note_set_page(self.env.docname, set_id)
            out.append(sc.tools_node(set_id))
        instructor = is_instructor(self.env.config)
        practised = self.domain.practice
        for it in items:
            where = practised.get(it.id)
            if where and where != self.env.docname:
                self.note_data(self.env.doc2path(where))
                out.append(self._practice_link(it, numbers[it.id]))
            else:
                out.append(self._item(it, numbers[it.id], self.module_number, instructor, self.env, checker=checker))
        return out

    def _use_set(self, exset) -> None:
        """Remember the set being rendered (its file, id and module number) and depend on its files."""
        self.path = self.course.exercises_dir / f"{exset.id}.yaml"
        self.set_id = exset.id
        self.note_data(self.path)
        try:
            module = self.course.module(exset.module)
        except CourseInputError:
            self.module_number = None
        else:
            self.module_number = module.number
            self.note_data(module.path)

    def _chosen(self, exset) -> list | None:
        """The items to show: all, or those ``:items:`` names, in its order (None: a wrong id)."""
        items = list(exset.items)
        if "items" not in self.options:
            return items
        wanted = [s.strip() for s in self.options["items"].replace(",", " ").split() if s.strip()]
        by_id = {it.id: it for it in items}
        missing = [w for w in wanted if w not in by_id]
        if missing:
            self.usage_error(f"{exset.id} has no item {', '.join(missing)}.")
            return None
        return [by_id[w] for w in wanted]

    def _howto(self, items) -> nodes.Node:
        intro = nodes.admonition(classes=["exercise-howto"])
        intro += nodes.title("", "Checking your answers")
        total = sum(it.points for it in items)
        set_id = self.set_id
        self._parse(
            f"{len(items)} exercises, {total:g} points. In the web version of the book you can answer and check "
            "each exercise in the page (your answers stay in your browser). To check them on your computer, run "
            f"`course start {set_id}` (it writes a template to `answers/{set_id}.yaml` and never "
            f"overwrites your answers), fill it in, then run `course check {set_id}`. "
            "`course hint ITEM` gives the next hint for an item; explanations appear once an item is right.",
            intro,
        )
        return intro

    def _practice_link(self, it, number: int) -> nodes.Node:
        module_number = self.module_number
        num = f"{module_number}.{number}" if module_number is not None else str(number)
        box = nodes.container(classes=["exercise-item", "practice-link"])
        self._parse(
            f"**Exercise {num}** ({TYPE_LABELS[it.type]}, {_pts(it.points)}) is placed in a lesson: "
            f"answer it there, {{ref}}`ex-{it.id}`. It counts once, in this set.",
            box,
        )
        return box

    # -----------------------------------------------------------------------------------------
    def _parse(self, text: str, parent: nodes.Element) -> None:
        lines = StringList(str(text).strip("\n").splitlines(), source=str(self.path))
        self.state.nested_parse(lines, 0, parent)

    def _item(self, it, number: int, module_number, instructor: bool, env, checker: bool = False) -> nodes.Node:
        label = f"ex-{it.id}"
        num = f"{module_number}.{number}" if module_number is not None else str(number)
        box = nodes.container(classes=["exercise-item", f"exercise-{it.type}"], ids=[label], exercise_id=it.id)
        title = f"Exercise {num}"
        head = nodes.paragraph(classes=["exercise-title"])
        head += nodes.strong("", title)
        meta = f" · {TYPE_LABELS[it.type]} · " + ("worked example, no marks" if it.worked_example else _pts(it.points))
        if it.minutes:
            meta += f" · about {it.minutes:g} min"
        head += nodes.inline("", meta, classes=["exercise-meta"])
        box += head
        std = env.domains.standard_domain if hasattr(env.domains, "standard_domain") else env.get_domain("std")
        std.note_hyperlink_target(label, env.docname, label, f"{title} ({it.id})")

        if it.worked_example:
            mod, _, doc = it.worked_example.partition("/")
            self._parse(
                f"*Worked example:* {{doc}}`/modules/{mod}/{doc}` works through this claim. Try it "
                "yourself, then compare; it carries no marks.",
                box,
            )
        self._parse(it.prompt, box)
        self._body(it, box)
        check = nodes.paragraph(classes=["exercise-check"])
        check += nodes.Text("Item id ")
        check += nodes.literal("", it.id)
        check += nodes.Text(" · check with ")
        check += nodes.literal("", f"course check {self.set_id}")
        check += nodes.Text(", hint with ")
        check += nodes.literal("", f"course hint {it.id}")
        box += check
        if checker:
            box += sc.item_node(self.set_id, it.id)
        if instructor:
            box += self._key(it)
        return box

    def _choices(self, choices: dict, box, enum="loweralpha", cls="exercise-choices"):
        lst = nodes.bullet_list(classes=[cls])
        for key, text in choices.items():
            li = nodes.list_item()
            p = nodes.container()
            self._parse(f"**{key}.** {text}", p)
            li += p.children
            lst += li
        box += lst

    def _pieces(self, pieces, parent) -> None:
        """Turn an item type's book pieces (:data:`course.items.base.Piece`) into nodes in ``parent``."""
        for kind, *args in pieces:
            if kind == "text":
                parent += nodes.paragraph("", args[0])
            elif kind == "myst":
                self._parse(args[0], parent)
            elif kind == "strong":
                parent += nodes.paragraph("", "", nodes.strong("", args[0]))
            elif kind == "choices":
                self._choices(args[0], parent, cls=args[1])
            elif kind == "quote":
                q = nodes.block_quote(classes=[args[1]])
                self._parse(args[0], q)
                parent += q
            elif kind == "list":
                lst = nodes.bullet_list(classes=[args[1]] if args[1] else [])
                for text in args[0]:
                    li = nodes.list_item()
                    self._parse(text, li)
                    lst += li
                parent += lst
            else:  # pragma: no cover - the item types produce only the pieces above
                raise ValueError(f"unknown book piece {kind!r}")

    def _body(self, it, box):
        self._pieces(for_item(it).book_body(it, self.course), box)

    def _key(self, it) -> nodes.Node:
        kind = for_item(it)
        key = nodes.admonition(classes=["exercise-key", "instructor-only"])
        key += nodes.title("", "Answer key (instructor edition)")
        p = nodes.container()
        self._parse(f"**Answer:** {kind.book_key(it)}", p)
        key += p.children
        before, after = kind.book_key_extras(it)
        self._pieces(before, key)
        key += nodes.paragraph("", "", nodes.strong("", "Explanation:"))
        self._parse(it.explanation, key)
        key += nodes.paragraph("", "", nodes.strong("", "Hints, in order:"))
        hints = nodes.enumerated_list()
        for h in it.hints:
            li = nodes.list_item()
            self._parse(h, li)
            hints += li
        key += hints
        self._pieces(after, key)
        return key


def item_quality(app) -> None:
    """Show the item-quality rules of `course validate` as build warnings (errors under -W, as in
    `course build`; `course validate --strict` is the same check without a build)."""
    from course.exercises.validate import quality_problems

    course = course_data(app.env)
    try:
        sets = course.exercise_sets
    except CourseInputError:
        return  # a set that does not load is reported by the exercise-set directive
    for problem in quality_problems(sets, course.root):
        warn(f"item quality: {problem}", _item_location(course, sets, problem), "item-quality")


_ITEM_NAMED = re.compile(r"item '([^']+)'")


def _item_location(course, sets, problem: str) -> str | None:
    """``file:line`` of the item a quality problem names (None if it names none)."""
    from course.content.exercise_sets import item_line

    m = _ITEM_NAMED.search(problem)
    exset = m and next((s for s in sets if any(it.id == m.group(1) for it in s.items)), None)
    if not exset:
        return None
    path = course.exercises_dir / f"{exset.id}.yaml"
    try:
        line = item_line(path, m.group(1))
    except CourseInputError:
        line = None
    return Where(str(path), line, problem).location


class PracticeDirective(ExerciseSetDirective):
    """``{practice} ITEM-ID``: one item of a module's exercise set, with its checker, in a lesson.
    The set's page then shows the item as a link to the lesson, so it appears and counts once."""

    required_arguments = 1
    option_spec: dict = {}

    def run(self):
        item_id = self.arguments[0].strip()
        try:
            sets = self.course.exercise_sets
        except CourseInputError as exc:
            return self.data_error(exc)
        self.domain.note_listing(self.env.docname, "exercises/*.yaml")  # the item may move to another set
        found = [(exset, i) for exset in sets for i, it in enumerate(exset.items) if it.id == item_id]
        if not found:
            return self.usage_error(f"no exercise item '{item_id}' in exercises/*.yaml.")
        exset, index = found[0]
        self._use_set(exset)
        box = nodes.container(classes=["practice"])
        box += nodes.paragraph(
            "",
            f"Practice: this exercise is part of the {exset.id} set and counts there once.",
            classes=["practice-title"],
        )
        box += self._item(
            exset.items[index],
            index + 1,
            self.module_number,
            is_instructor(self.env.config),
            self.env,
            checker=sc.enabled(exset),
        )
        return [box]

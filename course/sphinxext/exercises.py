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

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging

from course.errors import CourseInputError
from course.sphinxext import selfcheck_html as sc
from course.sphinxext.base import CourseDirective
from course.sphinxext.domain import course_data
from course.sphinxext.pedagogy import is_instructor

logger = logging.getLogger(__name__)

TYPE_LABELS = {
    "single": "single choice", "multiple": "select all that apply", "ordering": "put in order",
    "matching": "match the pairs", "numeric": "number", "short": "short answer",
    "locate": "find the paragraphs", "annotate": "label the paragraphs", "verdict": "claim verdict",
    "open": "open response (marked by an instructor)",
}


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
            return self.usage_error(f"exercise set '{set_id}' not found (exercises/{set_id}.yaml). "
                                    f"Known sets: {known}.")
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
                out.append(self._item(it, numbers[it.id], self.module_number, instructor, self.env,
                                      checker=checker))
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
            intro)
        return intro

    def _practice_link(self, it, number: int) -> nodes.Node:
        module_number = self.module_number
        num = f"{module_number}.{number}" if module_number is not None else str(number)
        box = nodes.container(classes=["exercise-item", "practice-link"])
        self._parse(f"**Exercise {num}** ({TYPE_LABELS[it.type]}, {_pts(it.points)}) is placed in a lesson: "
                    f"answer it there, {{ref}}`ex-{it.id}`. It counts once, in this set.", box)
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
            self._parse(f"*Worked example:* {{doc}}`/modules/{mod}/{doc}` works through this claim. Try it "
                        "yourself, then compare; it carries no marks.", box)
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

    def _body(self, it, box):
        t = it.type
        if t in ("single", "multiple"):
            self._choices(it.choices, box)
        elif t == "ordering":
            box += nodes.paragraph("", "Give the keys in the right order, for example [c, a, b]:")
            self._choices(it.choices, box)
        elif t == "matching":
            box += nodes.paragraph("", "Match each item on the left with one on the right:")
            self._choices(it.left, box, cls="exercise-left")
            self._choices(it.right, box, cls="exercise-right")
        elif t == "numeric":
            unit = f" ({it.unit})" if it.unit else ""
            box += nodes.paragraph("", f"Answer with a number{unit}.")
        elif t == "short":
            box += nodes.paragraph("", "Answer with a word or short phrase; spelling variants of "
                                   "transliterated names are accepted.")
        elif t == "locate":
            self._parse(f"Answer with paragraph numbers of {{doc}}`/readings/{it.reading}`, "
                        "for example [12, 14].", box)
        elif t == "annotate":
            paras = ", ".join(f"{{para}}`{it.reading}:{n}`" for n in it.labels)
            self._parse(f"Label each of these paragraphs with a technique or a category "
                        f"({self.course.taxonomy(it.taxonomy).title}, Module 3, lesson 2), or `none` if it uses no "
                        f"technique"
                        + (", and after `|` a one-line justification that quotes the words carrying the label "
                           "(your instructor marks the justifications)" if it.justify else "")
                        + f": {paras}.", box)
        elif t == "verdict":
            q = nodes.block_quote(classes=["exercise-claim"])
            self._parse(it.claim, q)
            box += q
            need = "cite a paragraph the claim rests on and name a source you checked it against"
            if it.evidence_min_citations > 1:
                need += f", with at least {it.evidence_min_citations} paragraph ids"
            need += f"; at least {it.evidence_min_words} words"
            box += nodes.paragraph("", "Give a verdict (accurate, inaccurate, misleading or unverifiable) "
                                   f"and your evidence ({need}).")
        elif t == "open":
            reqs = []
            if it.min_words or it.max_words:
                reqs.append(f"{it.min_words or 0}–{it.max_words or '…'} words")
            if it.min_citations:
                reqs.append(f"cite at least {it.min_citations} paragraph ids (for example al-waie-472:17)")
            if it.sections:
                reqs.append("sections headed " + ", ".join(f"“{s}”" for s in it.sections))
            if reqs:
                box += nodes.paragraph("", "Requirements: " + "; ".join(reqs) + ".")
            box += nodes.paragraph("", "Marked by an instructor against this published rubric; the checker only "
                                   "confirms the structure.")
            rub = nodes.bullet_list(classes=["exercise-rubric"])
            for c in it.rubric:
                li = nodes.list_item()
                levels = c.levels
                desc = ("; ".join(f"{k}: {v}" for k, v in levels.items()) if isinstance(levels, dict)
                        else "; ".join(levels) if levels else "")
                self._parse(f"**{c.criterion}** ({_pts(c.points)})" + (f": {desc}" if desc else ""), li)
                rub += li
            box += rub

    def _key(self, it) -> nodes.Node:
        from course.exercises import reference_answers

        key = nodes.admonition(classes=["exercise-key", "instructor-only"])
        key += nodes.title("", "Answer key (instructor edition)")
        ans = reference_answers(it)
        t = it.type
        if t == "single":
            text = f"**{ans}.** {it.choices[ans]}"
        elif t in ("multiple", "ordering"):
            text = "; ".join(f"**{k}.** {it.choices[k]}" for k in ans)
        elif t == "matching":
            text = "; ".join(f"{it.left[a]} → {it.right[b]}" for a, b in ans.items())
        elif t == "numeric":
            text = f"{ans:g}" if isinstance(ans, float) else str(ans)
            if it.tolerance:
                text += f" (± {it.tolerance:g})"
            if it.unit:
                text += f" {it.unit}"
        elif t == "short":
            text = "Accepted: " + "; ".join(f"“{a}”" for a in it.answer)
        elif t == "locate":
            text = "Required: " + ", ".join(f"{{para}}`{it.reading}:{n}`" for n in it.required)
            if it.optional:
                text += "; also accepted: " + ", ".join(f"¶{n}" for n in it.optional)
        elif t == "annotate":
            text = "; ".join(f"¶{n}: `{lab}`" + (f" (also accepted: {', '.join(it.accept.get(n, []))})"
                                                 if it.accept.get(n) else "") for n, lab in it.labels.items())
        elif t == "verdict":
            text = f"**{it.answer}**"
        else:
            text = "Needs instructor review against the rubric below."
        p = nodes.container()
        self._parse(f"**Answer:** {text}", p)
        key += p.children
        if t == "open" and getattr(it, "model_answer", None):
            key += nodes.paragraph("", "", nodes.strong("", "Model answer:"))
            self._parse(it.model_answer, key)
        key += nodes.paragraph("", "", nodes.strong("", "Explanation:"))
        self._parse(it.explanation, key)
        key += nodes.paragraph("", "", nodes.strong("", "Hints, in order:"))
        hints = nodes.enumerated_list()
        for h in it.hints:
            li = nodes.list_item()
            self._parse(h, li)
            hints += li
        key += hints
        if t == "open":
            key += nodes.paragraph("", "", nodes.strong("", "Rubric:"))
            rub = nodes.bullet_list()
            for c in it.rubric:
                li = nodes.list_item()
                levels = c.levels
                if isinstance(levels, dict):
                    desc = "; ".join(f"{k}: {v}" for k, v in levels.items())
                elif levels:
                    desc = "; ".join(levels)
                else:
                    desc = ""
                self._parse(f"**{c.criterion}** ({_pts(c.points)})" + (f": {desc}" if desc else ""), li)
                rub += li
            key += rub
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
        logger.warning(f"item quality: {problem}", type="course", subtype="item-quality")


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
        box += nodes.paragraph("", f"Practice: this exercise is part of the {exset.id} set and counts there once.",
                               classes=["practice-title"])
        box += self._item(exset.items[index], index + 1, self.module_number, is_instructor(self.env.config),
                          self.env, checker=sc.enabled(exset))
        return [box]

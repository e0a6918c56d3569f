"""One place per item type (course/items/): the registry is complete, every type implements every hook,
and a new type is one module that every view's dispatcher finds."""

from __future__ import annotations

import importlib
import random
import sys
import textwrap

import pytest
from conftest import ROOT

import course.items
from course.content import Course
from course.content.exercise_sets import ITEM_MODELS, ExerciseSet
from course.content.exercise_sets import ITEM_TYPES as SCHEMA_TYPES
from course.exercises import load_all_sets
from course.items import ITEM_TYPES, discover, for_item
from course.items.base import ItemType

PIECES = {"text", "myst", "strong", "choices", "quote", "list"}


@pytest.fixture(scope="module")
def sample():
    """One item of each type from the course's own sets (type name → (set, item))."""
    out = {}
    for s in load_all_sets(ROOT):
        for it in s.items:
            out.setdefault(it.type, (s, it))
    return out


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_type_of_the_schema_has_exactly_one_registered_class():
    assert set(ITEM_TYPES) == set(SCHEMA_TYPES)
    names = [
        c.name for c in _all_subclasses(ItemType) if c.__dict__.get("name") and c.__module__.startswith("course.items.")
    ]
    for name in SCHEMA_TYPES:
        assert names.count(name) == 1, f"{name}: {names.count(name)} classes"
        kind = ITEM_TYPES[name]
        assert kind.model is ITEM_MODELS[name], f"{name}: model is {kind.model}"
        assert type(kind).__module__ == f"course.items.{name}", "one module per type, named after it"
        assert kind.label


def test_a_second_class_for_a_type_is_refused():
    with pytest.raises(TypeError, match="defined twice"):
        type("AnotherSingle", (ItemType,), {"name": "single", "__module__": "tests.elsewhere"})
    assert type(ITEM_TYPES["single"]).__module__ == "course.items.single"


@pytest.mark.parametrize("name", SCHEMA_TYPES)
def test_each_type_overrides_every_required_hook(name):
    kind = type(ITEM_TYPES[name])
    for hook in ItemType.REQUIRED_HOOKS:
        assert getattr(kind, hook) is not getattr(ItemType, hook), f"{name} does not implement {hook}"
    # the printed book's answer space: each type sizes its own (a new type may take the default)
    assert "print_answer_lines" in kind.__dict__ and "print_answer_label" in kind.__dict__, name
    assert isinstance(kind.print_answer_lines, int) and kind.print_answer_lines >= 1
    assert isinstance(kind.print_answer_label, str) and kind.print_answer_label.strip()


def test_the_course_has_an_item_of_every_type(sample):
    assert set(sample) == set(SCHEMA_TYPES)


@pytest.mark.parametrize("name", SCHEMA_TYPES)
def test_every_hook_of_every_type_runs_on_a_real_item(name, sample):
    """Each hook through the view that calls it (no NotImplementedError anywhere)."""
    from course import __version__
    from course.exercises.grading import grade_item, reference_answers
    from course.exercises.selfcheck import _cases_for, item_data, salt_for
    from course.exercises.templates import item_block
    from course.exercises.validate import feedback_coverage, key_distribution, quality_problems
    from course.lms.plan import plan

    s, it = sample[name]
    kind = for_item(it)
    ref = reference_answers(it)
    res = grade_item(it, ref, root=ROOT)
    assert res.status == ("needs-review" if name == "open" else "passed"), res.feedback
    assert grade_item(it, "zzz-not-an-answer", root=ROOT).status in ("failed", "needs-review")
    assert f"{it.id}:" in item_block(it, 1, ROOT)
    d = item_data(it, salt_for(s.id, __version__), taxonomies={})
    assert d["type"] == name and ("tags" in d) == kind.auto_graded
    assert len(_cases_for(it, random.Random(1))) > 20
    body = kind.book_body(it, Course.of(ROOT))
    before, after = kind.book_key_extras(it)
    assert body and {p[0] for p in body + before + after} <= PIECES
    assert isinstance(kind.book_key(it), str) and kind.book_key(it)
    one = ExerciseSet.model_construct(id=s.id, title=s.title, module=s.module, items=[it])
    p = plan([one], include_manual=True, root=ROOT)
    assert p.questions or p.skipped
    assert all(q.item_type == name for q in p.questions)
    assert isinstance(kind.normalizer_texts(it), list)
    quality_problems([one], ROOT)
    key_distribution([one])
    feedback_coverage([one])


FAKE = '''
"""``fake``: a test type. Model: FakeItem (defined here for the test; a real type's model lives in the
content layer's exercise-set schema)."""
from typing import Literal

from course.content.exercise_sets import ItemBase
from course.items.base import AnswerError, ItemType, Outcome


class FakeItem(ItemBase):
    type: Literal["fake"]
    answer: str


class Fake(ItemType):
    name = "fake"
    model = FakeItem
    label = "say the word"

    def grade(self, item, answer, exists, root):
        if not isinstance(answer, str):
            raise AnswerError("write the word")
        right = answer.strip().lower() == item.answer
        return Outcome(1.0 if right else 0.0, "Right." if right else "Not the word.")

    def reference_answer(self, item):
        return item.answer

    def template_lines(self, item, kit, root):
        return ["# Answer: the word."], "", []

    def book_body(self, item, course):
        return [("text", "Say the word.")]

    def book_key(self, item):
        return f"**{item.answer}**"

    def lms_questions(self, item, x):
        return [x.question(item.id, kind="short", title=x.title, text_html=x.html(item.prompt),
                           points=item.points, variants=[item.answer], feedback_html=x.expl)]

    def selfcheck_data(self, item, d, keys, fb, x):
        keys.accept(keys.slot(item.answer), item.answer)

    def conformance_cases(self, item, ref, rng):
        return [ref.upper(), "other", 3]
'''


@pytest.fixture
def fake_type(tmp_path, monkeypatch):
    (tmp_path / "fake.py").write_text(textwrap.dedent(FAKE), encoding="utf-8")
    monkeypatch.setattr(course.items, "__path__", [*course.items.__path__, str(tmp_path)])
    discover()
    try:
        yield sys.modules["course.items.fake"]
    finally:
        ITEM_TYPES.pop("fake", None)
        sys.modules.pop("course.items.fake", None)
        importlib.invalidate_caches()


def test_a_new_type_is_one_module_and_every_dispatcher_finds_it(fake_type):
    from course import __version__
    from course.exercises.grading import grade_item, reference_answers
    from course.exercises.selfcheck import _cases_for, item_data, salt_for
    from course.exercises.templates import item_block
    from course.exercises.validate import quality_problems
    from course.lms.moodle import moodle_xml
    from course.lms.plan import plan
    from course.lms.qti import qti_zip
    from course.sphinxext.exercises import TYPE_LABELS

    assert "fake" in ITEM_TYPES and len(ITEM_TYPES) == len(SCHEMA_TYPES) + 1
    it = fake_type.FakeItem(
        id="x-fake",
        type="fake",
        prompt="Say it.",
        points=1,
        objective="o",
        hints=["h"],
        explanation="Because.",
        answer="word",
    )
    assert grade_item(it, "WORD").status == "passed"
    assert grade_item(it, "other").status == "failed"
    assert grade_item(it, ["a"]).answer_error
    assert reference_answers(it) == "word"
    assert "# 1. x-fake  ·  fake  ·  1 point" in item_block(it, 1) and "# Answer: the word." in item_block(it, 1)
    d = item_data(it, salt_for("s", __version__))
    assert d["type"] == "fake" and d["slots"] == 1 and d["explanation"]
    assert [c for c, _ in _cases_for(it, random.Random(1))][:3] == ["word", "WORD", "other"]
    assert TYPE_LABELS["fake"] == "say the word"
    s = ExerciseSet.model_construct(id="s", title="S", module="m1-history", items=[it])
    p = plan([s], root=ROOT)
    assert [(q.item_type, q.kind, q.variants) for q in p.questions] == [("fake", "short", ["word"])]
    assert b"x-fake" in moodle_xml(p)[0] and qti_zip(p)
    assert isinstance(quality_problems([s], ROOT), list)


def _answer_space(type_name: str, edition: str = "student") -> list[str]:
    """The LaTeX that the book's answer-space transform adds under an exercise of ``type_name``."""
    from types import SimpleNamespace

    from docutils import nodes

    from course.sphinxext.latexbook import add_answer_space

    app = SimpleNamespace(builder=SimpleNamespace(format="latex"), config=SimpleNamespace(course_edition=edition))
    doc = nodes.section()
    doc += nodes.container(classes=["exercise-item", f"exercise-{type_name}"])
    add_answer_space(app, doc, "modules/x/index")
    return [n.astext().strip() for n in doc.findall(nodes.raw)]


@pytest.mark.parametrize("name", SCHEMA_TYPES)
def test_the_printed_answer_space_comes_from_the_type(name, monkeypatch):
    kind = type(ITEM_TYPES[name])
    lines, label = kind.print_answer_lines, kind.print_answer_label
    assert _answer_space(name) == [f"\\courseanswerspace{{{label}}}{{{lines}}}{{{2 * min(lines, 4) + 2}}}"]
    monkeypatch.setattr(kind, "print_answer_lines", lines + 3)
    monkeypatch.setattr(kind, "print_answer_label", "Other label:")
    assert _answer_space(name) == [f"\\courseanswerspace{{Other label:}}{{{lines + 3}}}{{{2 * min(lines + 3, 4) + 2}}}"]
    assert _answer_space(name, edition="instructor") == []
    assert _answer_space("no-such-type") == []


def test_a_new_type_gets_the_default_answer_space_in_the_printed_book(fake_type):
    lines, label = ItemType.print_answer_lines, ItemType.print_answer_label
    assert _answer_space("fake") == [f"\\courseanswerspace{{{label}}}{{{lines}}}{{{2 * min(lines, 4) + 2}}}"]


def test_removing_the_fake_type_leaves_the_ten(fake_type):
    ITEM_TYPES.pop("fake")
    assert set(ITEM_TYPES) == set(SCHEMA_TYPES)


def test_the_item_types_import_only_the_content_layer():
    """course/items/ sits between the data layer and the views: no exercises/, lms/ or sphinxext/."""
    import ast

    folder = ROOT / "course" / "items"
    bad = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            bad += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] == "course"
                and n.split(".")[:2] not in (["course", "content"], ["course", "errors"], ["course", "items"])
            ]
    assert len(list(folder.glob("*.py"))) >= 13 and not bad, bad

"""The syllabus directive and its data: totals from module.yaml and exercise sets, optimal schedules."""

from __future__ import annotations

import itertools
import random
import textwrap
from pathlib import Path

import pytest

from course.sphinxext.syllabus import modules_myst, overview_myst, partition, schedule, schedule_myst, syllabus_data

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------------
# partition(): an optimal contiguous split


def _brute(loads, weeks):
    """Every split of loads into at most `weeks` contiguous non-empty groups: (max, sum of squares)."""
    n = len(loads)
    k = min(weeks, n)
    best = None
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = [0, *cuts, n]
        sums = [sum(loads[a:b]) for a, b in zip(bounds, bounds[1:])]
        key = (max(sums), sum(s * s for s in sums))
        best = key if best is None or key < best else best
    return best


@pytest.mark.parametrize("seed", range(40))
def test_partition_is_optimal(seed):
    rng = random.Random(seed)
    loads = [rng.choice([20, 25, 30, 45, 60, 75, 90]) for _ in range(rng.randint(1, 9))]
    weeks = rng.randint(1, 7)
    groups = partition(loads, weeks)
    # contiguous, in order, every item exactly once, no empty group, no more groups than weeks
    assert [i for g in groups for i in g] == list(range(len(loads)))
    assert all(g and g == list(range(g[0], g[-1] + 1)) for g in groups)
    assert len(groups) == min(weeks, len(loads))
    sums = [sum(loads[i] for i in g) for g in groups]
    assert (max(sums), sum(s * s for s in sums)) == _brute(loads, weeks)


def test_partition_edge_cases():
    assert partition([], 6) == []
    assert partition([90, 90], 12) == [[0], [1]]
    assert partition([10, 10, 10, 30], 2) == [[0, 1, 2], [3]]
    with pytest.raises(ValueError):
        partition([10], 0)


# --------------------------------------------------------------------------------------------------
# syllabus_data() on a small synthetic course


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture()
def tiny_course(tmp_path):
    _write(
        tmp_path / "modules" / "m1-a" / "module.yaml",
        """
        id: m1-a
        number: 1
        title: "Module A"
        lessons:
          - {doc: 01-x, title: "Lesson X", learner_minutes: 30, teaching_minutes: 60}
          - {doc: 02-y, title: "Lesson Y", learner_minutes: 40, teaching_minutes: 90}
        objectives:
          - {id: m1-x-one, lesson: 01-x, text: "Do the first thing."}
          - {id: m1-y-one, lesson: 02-y, text: "Do the second thing."}
          - {id: m1-y-two, lesson: 02-y, text: "Do a thing nobody tests."}
        exercise_sets: [m1-a]
        """,
    )
    _write(
        tmp_path / "modules" / "m2-b" / "module.yaml",
        """
        id: m2-b
        number: 2
        title: "Module B"
        lessons:
          - {doc: 01-z, title: "Lesson Z", learner_minutes: 50, teaching_minutes: 45}
        objectives:
          - {id: m2-z-one, lesson: 01-z, text: "Do the third thing."}
        exercise_sets: [m2-b]
        """,
    )
    item = """
          - id: {id}
            type: numeric
            prompt: "How many?"
            points: {points}
            objective: {obj}
            hints: ["Count."]
            explanation: "Because."
            answer: 3
        """
    _write(
        tmp_path / "exercises" / "m1-a.yaml",
        "set: m1-a\ntitle: A\nmodule: m1-a\nitems:\n"
        + textwrap.dedent(item.format(id="a-one", points=2, obj="m1-x-one"))
        + textwrap.dedent(item.format(id="a-two", points=3, obj="m1-y-one"))
        + textwrap.dedent(item.format(id="a-three", points=1, obj="m1-y-one")),
    )
    _write(
        tmp_path / "exercises" / "m2-b.yaml",
        "set: m2-b\ntitle: B\nmodule: m2-b\nitems:\n"
        + textwrap.dedent(item.format(id="b-one", points=4, obj="m2-z-one"))
        + textwrap.dedent(item.format(id="b-stray", points=1, obj="m9-nowhere")),
    )
    return tmp_path


def test_syllabus_data_counts(tiny_course):
    syl = syllabus_data(tiny_course)
    assert [m.id for m in syl.modules] == ["m1-a", "m2-b"]
    a, b = syl.modules
    assert (a.learner_minutes, a.teaching_minutes) == (70, 150)
    assert [len(o.items) for l in a.lessons for o in l.objectives] == [1, 2, 0]
    assert [o.points for l in a.lessons for o in l.objectives] == [2, 4, 0]
    assert [it.id for it in syl.unassigned] == ["b-stray"]
    assert [l.label for l in syl.lessons] == ["1.1", "1.2", "2.1"]
    text = "\n".join(modules_myst(syl))
    assert "not assessed by any exercise item" in text  # m1-y-two
    assert "b-stray" in text  # items with an undeclared objective are listed, not lost
    assert "1 item, 2 points (1 numeric)" in text and "2 items, 4 points (2 numeric)" in text
    over = "\n".join(overview_myst(syl))
    assert "2 h 30 min" in over and "**Total**" in over and "3 h 15 min" in over  # 150 + 45 minutes


def test_schedule_covers_every_lesson_once(tiny_course):
    syl = syllabus_data(tiny_course)
    for weeks in (1, 2, 3, 12):
        ws = schedule(syl, weeks)
        assert [l.docname for w in ws for l in w.lessons] == [l.docname for l in syl.lessons]
        due = {s: w.number for w in ws for s in w.due}
        last = {m.exercise_sets[0]: next(w.number for w in ws if m.lessons[-1] in w.lessons) for m in syl.modules}
        assert due == last
    two = schedule(syl, 2)
    assert [w.teaching_minutes for w in two] == [60, 135]
    assert "at most 2 h 15 min" in "\n".join(schedule_myst(syl, 2))


# --------------------------------------------------------------------------------------------------
# The course's own data


def test_course_syllabus_accounts_for_every_item():
    from course.exercises import load_all_sets

    syl = syllabus_data(ROOT)
    sets = load_all_sets(ROOT)
    counted = sum(len(o.items) for l in syl.lessons for o in l.objectives) + len(syl.unassigned)
    assert counted == sum(len(s.items) for s in sets)
    assert syl.unassigned == []  # every item names an objective its module declares
    for weeks in (6, 12):
        ws = schedule(syl, weeks)
        assert len(ws) == weeks
        assert sum(w.teaching_minutes for w in ws) == sum(m.teaching_minutes for m in syl.modules)


@pytest.mark.slow
def test_syllabus_page_in_instructor_edition_only(html_instructor, html_student):
    from bs4 import BeautifulSoup

    page = html_instructor.output.parent / "instructor" / "syllabus.html"
    raw = page.read_text(encoding="utf-8")
    text = " ".join(BeautifulSoup(raw, "lxml").get_text(" ").split())
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(a, b)
    syl = syllabus_data(ROOT)
    for lesson in syl.lessons:
        assert lesson.title in text, lesson.title
    assert raw.count("course-syllabus-schedule") == 2
    assert not (html_student.output.parent / "instructor").exists()
    index = (html_student.output.parent / "index.html").read_text(encoding="utf-8")
    assert "instructor/index" not in index and "Instructor's kit" not in index

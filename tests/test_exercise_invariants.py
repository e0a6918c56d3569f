"""Invariants over every exercise set of the course (exercises/*.yaml) and the demonstration set.

- every set loads (schema, taxonomy labels) and item ids are unique course-wide;
- the reference answers score 100 % of the automatically checked points;
- the blank template scores 0, with every item "not attempted";
- a wrong answer to every item fails;
- every objective exists in the module's module.yaml, every {para} id and every paragraph number
  exists in its reading, every {cite} key is in references.bib, and every explanation cites a source;
- every item has an explanation and at least one hint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import Course
from course.content.exercise_sets import (
    VERDICTS,
    AnnotateItem,
    LocateItem,
    MatchingItem,
    MultipleItem,
    NumericItem,
    OpenItem,
    OrderingItem,
    ShortItem,
    SingleItem,
    VerdictItem,
)
from course.exercises import (
    NEEDS_REVIEW,
    NOT_ATTEMPTED,
    PASSED,
    grade_item,
    grade_set,
    load_all_sets,
    load_set,
    parse_yaml,
    reference_answer_file,
    reference_answers,
    render_template,
    validate_references,
)

ROOT = Path(__file__).resolve().parent.parent
COURSE_SETS = sorted((ROOT / "exercises").glob("*.yaml"))
DEMO = ROOT / "tests" / "data" / "exercises" / "demo.yaml"
ALL = COURSE_SETS + [DEMO]


def ids(paths):
    return [p.stem for p in paths]


@pytest.fixture(scope="module", params=ALL, ids=ids(ALL))
def exset(request):
    return load_set(request.param)


def test_course_has_sets():
    assert COURSE_SETS, "no exercise sets in exercises/"


def test_ids_unique_course_wide():
    sets = load_all_sets(ROOT)
    all_ids = [it.id for s in sets for it in s.items] + [it.id for it in load_set(DEMO).items]
    dupes = sorted({i for i in all_ids if all_ids.count(i) > 1})
    assert not dupes, f"item ids used more than once: {dupes}"
    assert len({s.id for s in sets}) == len(sets)


def test_reference_answers_score_full_marks(exset):
    result = grade_set(exset, reference_answer_file(exset))
    wrong = [(r.item_id, r.status, r.feedback) for r in result.results if r.type != "open" and r.status != PASSED]
    assert not wrong, f"reference answers that do not pass: {wrong}"
    assert result.points == pytest.approx(result.auto_max_points)
    for it, r in zip(exset.items, result.results):
        if isinstance(it, OpenItem):
            assert r.points == 0 and r.status in (NEEDS_REVIEW, NOT_ATTEMPTED)
            if it.model_answer:  # a model answer may be an outline, so only its status is checked
                assert r.status == NEEDS_REVIEW


def test_blank_template_scores_zero(exset):
    data = parse_yaml(render_template(exset), f"template for {exset.id}").data
    assert list(data) == [it.id for it in exset.items]
    result = grade_set(exset, data)
    assert result.points == 0
    assert [r.status for r in result.results] == [NOT_ATTEMPTED] * len(exset.items)


def wrong_answer(item):
    """An answer that must not pass (None when no wrong answer exists for this item)."""
    if isinstance(item, SingleItem):
        return next(k for k in item.choices if k != item.answer)
    if isinstance(item, MultipleItem):
        others = [k for k in item.choices if k not in item.answer]
        return others or item.answer[:-1] or None
    if isinstance(item, OrderingItem):
        return list(reversed(item.answer))
    if isinstance(item, MatchingItem):
        rights = list(item.right)
        if len(rights) < 2:
            return None
        return {k: next(r for r in rights if r != v) for k, v in item.answer.items()}
    if isinstance(item, NumericItem):
        return item.answer + item.tolerance + max(1.0, abs(item.answer) * 0.5)
    if isinstance(item, ShortItem):
        return "zzqx not an answer"
    if isinstance(item, LocateItem):
        used = set(item.required) | set(item.optional)
        free = [n for n in range(1, len(Course.find().reading(item.reading)) + 1) if n not in used]
        if free:
            return [free[0]]
        return list(item.optional) or item.required[:-1] or None
    if isinstance(item, AnnotateItem):
        taxo = Course.find().taxonomy(item.taxonomy)
        out = {}
        for p, ref in item.labels.items():
            ok = {taxo.category_of(taxo.resolve(ref))} | {
                taxo.category_of(taxo.resolve(a)) for a in item.accept.get(p, [])
            }
            ref_id = taxo.resolve(ref)
            out[p] = next(
                lab
                for lab in taxo.labels()
                if taxo.category_of(lab) not in ok and not taxo.confusable_with(lab, ref_id)
            )
        return out
    if isinstance(item, VerdictItem):
        return {
            "verdict": next(v for v in VERDICTS if v != item.answer),
            "evidence": "A long enough piece of evidence for the wrong verdict, written only for the test.",
        }
    if isinstance(item, OpenItem):
        return "Claim: anything at all.\nEvidence: whatever."
    raise AssertionError(item.type)


def test_wrong_answers_fail(exset):
    for it in exset.items:
        answer = wrong_answer(it)
        if answer is None:
            continue
        res = grade_item(it, answer)
        assert res.status != PASSED and res.score < 1, f"{it.id}: wrong answer {answer!r} passed"
        if isinstance(it, OpenItem):
            assert res.status == NEEDS_REVIEW
        assert not res.answer_error, f"{it.id}: the generated wrong answer was unreadable: {res.feedback}"


def test_every_item_has_explanation_and_hints(exset):
    for it in exset.items:
        assert it.explanation.strip(), it.id
        assert it.hints and all(h.strip() for h in it.hints), it.id


@pytest.mark.parametrize("path", COURSE_SETS, ids=ids(COURSE_SETS))
def test_references_resolve(path):
    """Objectives, readings, paragraph numbers, {para} ids, {cite} keys, explanations citing a source."""
    problems = validate_references(load_set(path), ROOT)
    assert not problems, "\n" + "\n".join(problems)


def test_reference_answers_are_yaml_round_trippable(exset):
    from io import StringIO

    from ruamel.yaml import YAML

    buf = StringIO()
    YAML(typ="safe").dump(reference_answer_file(exset), buf)
    again = parse_yaml(buf.getvalue(), "round trip").data
    result = grade_set(exset, again)
    assert all(r.status == PASSED for r in result.results if r.type != "open")


def test_reference_answers_helper_matches_file(exset):
    ref = reference_answer_file(exset)
    for it in exset.items:
        assert ref[it.id] == reference_answers(it)

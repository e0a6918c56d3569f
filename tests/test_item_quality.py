"""Item validity: the item-quality rules of `course validate`, verdict evidence checked for substance,
and the validator run in strict mode on the course itself (as CI does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course.exercises import PARTIAL, PASSED, grade_item, load_all_sets
from course.exercises.validate import MAX_KEY_SHARE, feedback_coverage, key_distribution, quality_problems

ROOT = Path(__file__).resolve().parent.parent
SETS = load_all_sets(ROOT)
ITEMS = {it.id: it for s in SETS for it in s.items}


def test_validate_strict_passes_on_the_course():
    """`course validate --strict` is what CI runs; it must pass on the course's own sets."""
    r = subprocess.run(
        [sys.executable, "-m", "course", "validate", "--strict"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "all good" in r.stdout


def test_no_key_letter_above_35_percent():
    dist = key_distribution(SETS)
    n = dist["n_letter"]["course"]
    assert n >= 20
    for letter, count in dist["letters"]["course"].items():
        assert count / n <= MAX_KEY_SHARE, f"key letter {letter}: {count} of {n}"
    for pos, count in dist["positions"]["course"].items():
        assert count / dist["n_single"]["course"] <= MAX_KEY_SHARE, f"key position {pos}: {count}"


def test_every_wrong_choice_has_feedback():
    have, total, missing = feedback_coverage(SETS)
    assert total > 100 and have == total, missing


def _clone(item, **changes):
    return item.model_copy(update=changes)


def test_unbalanced_keys_are_reported():
    s = next(s for s in SETS if s.id == "m1-history")
    items = [
        (
            _clone(
                it,
                answer="b",
                choices={"a": "x", "b": "y", "c": "z", "d": "w"},
                feedback={"a": "no", "c": "no", "d": "no"},
            )
            if it.type == "single"
            else it
        )
        for it in s.items
    ]
    bad = s.model_copy(update={"items": items})
    problems = quality_problems([bad], ROOT)
    assert any("key letter 'b'" in p for p in problems), problems
    assert any("key position 2" in p for p in problems), problems


def test_missing_feedback_and_scripture_key_are_reported():
    s = next(s for s in SETS if s.id == "m4-capstone")
    items = []
    for it in s.items:
        if it.id == "m4-annotate-c":
            it = _clone(it, labels={**it.labels, 7: "appeal-to-authority"})
        if it.type == "multiple":
            it = _clone(it, feedback={})
        items.append(it)
    problems = quality_problems([s.model_copy(update={"items": items})], ROOT)
    assert any("critique-ht-foreign-policy:7 consists only of scripture" in p for p in problems), problems
    assert any("has no feedback" in p for p in problems)


def test_no_auto_checked_key_labels_a_scripture_only_paragraph():
    from course.exercises.validate import scripture_only

    verses = {r: scripture_only(ROOT, r) for r in ("critique-ht-foreign-policy", "al-waie-472", "khilafat-web")}
    assert 7 in verses["critique-ht-foreign-policy"]
    for it in ITEMS.values():
        if it.type == "annotate":
            for n, label in it.labels.items():
                if n in verses[it.reading]:
                    assert label == "none" and not it.accept.get(n), f"{it.id} keys {it.reading}:{n} as {label}"


# ---------------------------------------------------------------- verdict evidence

FILLER = (
    "This is my evidence and I think that it is quite clearly the case here as anyone can see if "
    "they read it carefully enough khilafat-web:12"
)
REAL = (
    "khilafat-web:12 says 1400 years, but Kennedy dates the caliphate from 632 to its abolition in 1924, "
    "only 1,292 years."
)


def test_filler_with_a_paragraph_id_earns_no_evidence_points():
    it = ITEMS["m1-verdict-1400"]
    res = grade_item(it, {"verdict": it.answer, "evidence": FILLER})
    assert res.status == PARTIAL and res.points == it.points / 2  # the verdict only
    assert "source" in res.feedback


def test_a_real_short_answer_citing_a_source_earns_full_points():
    it = ITEMS["m1-verdict-1400"]
    assert len(REAL.split()) < 25
    res = grade_item(it, {"verdict": it.answer, "evidence": REAL})
    assert res.status == PASSED and res.points == it.points


def test_evidence_must_cite_a_relevant_paragraph():
    it = ITEMS["m1-verdict-1400"]
    wrong_para = REAL.replace("khilafat-web:12", "khilafat-web:30")
    res = grade_item(it, {"verdict": it.answer, "evidence": wrong_para})
    assert res.status == PARTIAL and "paragraph the claim rests on" in res.feedback


def test_wrong_verdict_scores_nothing_whatever_the_evidence():
    it = ITEMS["m1-verdict-1400"]
    assert grade_item(it, {"verdict": "accurate", "evidence": REAL}).points == 0


@pytest.mark.parametrize("item_id", [i for i, it in ITEMS.items() if it.type == "verdict"])
def test_every_verdict_item_names_sources_or_paragraphs(item_id):
    from course.exercises.grading import accepted_sources, relevant_paragraphs

    it = ITEMS[item_id]
    assert accepted_sources(it) or relevant_paragraphs(it), f"{item_id}: evidence is checked only for length"


def test_answers_in_lessons_rule_knows_worked_examples():
    """The lesson works through the m3 claims: their items are worked examples (no marks); unmarking
    them makes the rule report the leak."""
    from course.exercises.validate import lesson_answer_problems

    s = next(s for s in SETS if s.id == "m3-analysis")
    verdicts = [it for it in s.items if it.type == "verdict"]
    assert verdicts and all(it.worked_example and it.points == 0 for it in verdicts)
    assert not lesson_answer_problems(SETS, ROOT)
    unmarked = [
        it.model_copy(update={"worked_example": None, "points": 2}) if it.type == "verdict" else it for it in s.items
    ]
    problems = lesson_answer_problems([s.model_copy(update={"items": unmarked})], ROOT)
    assert any("m3-verdict-rumsfeld" in p and "04-checking-claims" in p for p in problems), problems


def test_worked_example_needs_zero_points():
    from course.content.exercise_sets import validate_set_data
    from course.content.yaml import parse_yaml
    from course.errors import CourseInputError

    it = ITEMS["m3-verdict-wealth"]
    data = {
        "set": "x",
        "title": "x",
        "module": "m3-analysis",
        "items": [{**it.model_dump(exclude_none=True), "points": 2}],
    }
    import json

    doc = parse_yaml(json.dumps(data), "x.yaml")
    with pytest.raises(CourseInputError, match="worked example"):
        validate_set_data(doc)


def test_filler_scores_no_evidence_points_on_a_marked_item():
    it = ITEMS["m2-readinga-not-1919"]
    assert it.points == 3 and not it.worked_example
    filler = (
        "This is my evidence and I think that it is quite clearly the case here as anyone can see "
        "if they read it carefully enough khilafat-web:2"
    )
    res = grade_item(it, {"verdict": it.answer, "evidence": filler})
    assert res.points == 1.5  # the verdict only: 0 evidence points
    real = (
        "khilafat-web:2 calls it a global movement with no history; Minault shows the 1919 movement "
        "defended the existing Ottoman caliph."
    )
    assert len(real.split()) < 25
    assert grade_item(it, {"verdict": it.answer, "evidence": real}).points == 3


def test_claims_about_a_reading_need_no_secondary_source():
    it = ITEMS["m2-readinga-mb"]
    ev = "Paragraph khilafat-web:32 says revivalists work through education, politics and charity."
    assert grade_item(it, {"verdict": it.answer, "evidence": ev}).status == PASSED


def test_annotation_keys_carry_no_fact_check_verdict():
    s = next(s for s in SETS if s.id == "m4-capstone")
    items = [
        (
            _clone(it, explanation=it.explanation + " The aside about 1924 is accurate and not loaded.")
            if it.id == "m4-annotate-c"
            else it
        )
        for it in s.items
    ]
    problems = quality_problems([s.model_copy(update={"items": items})], ROOT)
    assert any("m4-annotate-c" in p and "fact-check verdict" in p for p in problems), problems

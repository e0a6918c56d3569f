"""Scoring of every item type: right answers pass, wrong ones fail, partial credit is computed as
CONTRIBUTING.md says, and malformed answers are reported (never raised)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import Course
from course.content.normalize import normalize_text
from course.exercises import (
    FAILED,
    ITEM_TYPES,
    NEEDS_REVIEW,
    NOT_ATTEMPTED,
    PARTIAL,
    PASSED,
    grade_item,
    grade_set,
    load_set,
    reference_answer_file,
    reference_answers,
)

DEMO = Path(__file__).parent / "data" / "exercises" / "demo.yaml"


@pytest.fixture(scope="module")
def demo():
    return load_set(DEMO)


def item(demo, type_):
    return next(it for it in demo.items if it.type == type_)


def test_demo_covers_every_type(demo):
    assert sorted({it.type for it in demo.items}) == sorted(ITEM_TYPES)


# A wrong answer for every type: each must fail (score 0, status failed).
WRONG = {
    "single": "a",
    "multiple": ["c"],
    "ordering": ["c", "a", "d", "b"],  # reverse of the right order b, d, a, c
    "matching": {"a": "w", "b": "x", "c": "y"},
    "numeric": 1923,
    "short": "Hasan al-Banna",
    "locate": [2, 20],
    "annotate": {12: "none", 16: "none", 22: "loaded-language"},
    "verdict": {"verdict": "inaccurate", "evidence": "The dates are given wrongly by the page in this paragraph."},
}


@pytest.mark.parametrize("type_", sorted(WRONG))
def test_wrong_answer_fails(demo, type_):
    res = grade_item(item(demo, type_), WRONG[type_])
    assert res.status == FAILED, res.feedback
    assert res.score == 0 and res.points == 0
    assert not res.answer_error
    assert "Hint 1 of" in res.message  # the next hint is offered


def test_wrong_answer_table_covers_every_auto_type():
    assert set(WRONG) == set(ITEM_TYPES) - {"open"}


@pytest.mark.parametrize("type_", ITEM_TYPES)
def test_reference_answer_is_right(demo, type_):
    it = item(demo, type_)
    res = grade_item(it, reference_answers(it))
    if type_ == "open":
        assert res.status == NEEDS_REVIEW and res.score == 0
        assert all(ok for _, ok in res.checks), res.checks
    else:
        assert res.status == PASSED and res.score == 1 and res.points == it.points


@pytest.mark.parametrize("blank", [None, "", "   ", [], {}, {"verdict": None, "evidence": ""}, [None, ""]])
def test_blank_is_not_attempted(demo, blank):
    for it in demo.items:
        res = grade_item(it, blank)
        assert res.status == NOT_ATTEMPTED and res.score == 0


def test_open_is_never_marked_correct(demo):
    it = item(demo, "open")
    for answer in (reference_answers(it), "Claim: x\nEvidence: y", "word " * 500):
        res = grade_item(it, answer)
        assert res.status == NEEDS_REVIEW and res.points == 0
        assert "instructor" in res.message


def test_open_structure_checks(demo):
    it = item(demo, "open")
    res = grade_item(it, "Claim: too short. khilafat-web:12 and khilafat-web:999")
    checks = dict(res.checks)
    assert any(label.startswith("length: 6 words") and not ok for label, ok in res.checks)
    cit = next(label for label in checks if label.startswith("citations"))
    assert "1 existing" in cit and "khilafat-web:999" in cit and not checks[cit]
    assert checks["section 'Claim'"] is True and checks["section 'Evidence'"] is False
    assert "Fix the structure" in res.feedback


# --- partial credit -------------------------------------------------------------------------------


def test_multiple_partial_and_penalty(demo):
    it = item(demo, "multiple")  # right: a, b, d; wrong pool: c
    assert grade_item(it, ["a", "b"]).score == pytest.approx(2 / 3)
    assert grade_item(it, ["a", "b"]).status == PARTIAL
    # one wrong pick out of one wrong choice cancels all credit from right picks up to 1
    assert grade_item(it, ["a", "b", "c"]).score == pytest.approx(0)
    assert grade_item(it, ["a", "b", "c", "d"]).score == 0  # picking everything earns nothing
    assert grade_item(it, "a, b, d").status == PASSED  # a comma-separated string is read as a list


def test_ordering_pairs(demo):
    it = item(demo, "ordering")  # b, d, a, c
    assert grade_item(it, ["b", "d", "c", "a"]).score == pytest.approx(5 / 6)
    assert grade_item(it, ["c", "a", "d", "b"]).score == 0
    res = grade_item(it, ["b", "d"])  # incomplete: only the one pair present counts
    assert res.score == pytest.approx(1 / 6) and "leaves out 2" in res.feedback


def test_matching_share(demo):
    it = item(demo, "matching")
    res = grade_item(it, {"a": "x", "b": "z"})
    assert res.score == pytest.approx(1 / 3) and res.status == PARTIAL
    assert "Not yet paired: c" in res.feedback


def test_numeric_tolerance_units_and_format(demo):
    it = item(demo, "numeric")
    assert grade_item(it, "1924").status == PASSED
    assert grade_item(it, "1,924").status == PASSED
    assert grade_item(it, "1924 CE").status == PASSED
    assert grade_item(it, 1924.0).status == PASSED
    low = grade_item(it, 1923)
    assert low.status == FAILED and "too low" in low.feedback
    bad = grade_item(it, "1924 AH")
    assert bad.answer_error and "'AH'" in bad.feedback
    tol = it.model_copy(update={"tolerance": 2, "unit": "years"})
    assert grade_item(tol, 1922).status == PASSED
    assert grade_item(tol, "1926 years").status == PASSED
    assert grade_item(tol, 1927).status == FAILED


def test_short_variants_and_feedback(demo):
    it = item(demo, "short")
    for answer in (
        "al-Nabhani",
        "an-Nabhani",
        "Nabhānī",
        "al-Nabhānī",
        "NABHANI",
        "Taqī al-Dīn al-Nabhānī",
        "taqi ad-din an-nabhani",
    ):
        assert grade_item(it, answer).status == PASSED, answer
    banna = grade_item(it, "Ḥasan al-Bannāʾ")
    assert banna.status == FAILED and "Muslim Brotherhood" in banna.feedback
    close = grade_item(it, "Nabhanni")
    assert close.status == FAILED and "spelling" in close.feedback


def test_locate_precision_recall(demo):
    it = item(demo, "locate")  # required 14, 18; optional 16
    assert grade_item(it, [14, 18, 16]).status == PASSED  # optional ids are ignored
    assert grade_item(it, ["khilafat-web:14", "khilafat-web:18"]).status == PASSED
    res = grade_item(it, [14])
    assert res.score == pytest.approx(2 * 1 * 0.5 / 1.5) and res.status == PARTIAL
    res = grade_item(it, [14, 18, 2])
    assert res.score == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert grade_item(it, [16]).score == 0
    other = grade_item(it, ["al-waie-472:14"])
    assert other.answer_error and "khilafat-web" in other.feedback
    missing = grade_item(it, [14, 999])
    assert missing.answer_error and "no paragraph 999" in missing.feedback


def test_annotate_category_level_accept_confusable_and_none(demo):
    it = item(demo, "annotate")  # 12: exaggeration (MW), accept appeal-to-values; 16: appeal-to-values (J); 22: none
    right = {12: "repetition", 16: "flag-waving", 22: "none"}  # same categories as the reference
    assert grade_item(it, right).status == PASSED
    assert (
        grade_item(it, {12: "appeal_to_authority", 16: "Appeal to values", 22: "NONE"}).status == PASSED
    )  # accept → J
    assert (
        grade_item(it, {12: "Loaded_Language", 16: "justification", 22: "none"}).status == PASSED
    )  # labels, category ids
    res = grade_item(it, {12: "none", 16: "appeal-to-values", 22: "doubt"})
    assert res.score == pytest.approx(1 / 3)
    # confusable pairs count across categories: loaded-language (MW) for name-calling (AR)
    taxo = Course.find().taxonomy("semeval2023")
    assert taxo.category_of("loaded-language") != taxo.category_of("name-calling-labeling")
    conf = it.model_copy(
        update={"labels": {12: "name-calling-labeling", 16: "appeal-to-values", 22: "none"}, "accept": {}}
    )
    assert grade_item(conf, {12: "loaded-language", 16: "appeal-to-values", 22: "none"}).status == PASSED
    assert grade_item(conf, {12: "repetition", 16: "appeal-to-values", 22: "none"}).status == PARTIAL


def test_taxonomy_has_the_verified_semeval_labels():
    # The 23 label strings of SemEval-2023 Task 3 subtask 3 (kinit-sk/semeval2023-task3-persuasion-
    # techniques, techniques_subtask3.txt).
    expected = {
        "Appeal_to_Authority",
        "Appeal_to_Popularity",
        "Appeal_to_Values",
        "Appeal_to_Fear-Prejudice",
        "Flag_Waving",
        "Causal_Oversimplification",
        "False_Dilemma-No_Choice",
        "Consequential_Oversimplification",
        "Straw_Man",
        "Red_Herring",
        "Whataboutism",
        "Slogans",
        "Appeal_to_Time",
        "Conversation_Killer",
        "Loaded_Language",
        "Repetition",
        "Exaggeration-Minimisation",
        "Obfuscation-Vagueness-Confusion",
        "Name_Calling-Labeling",
        "Doubt",
        "Guilt_by_Association",
        "Appeal_to_Hypocrisy",
        "Questioning_the_Reputation",
    }
    taxo = Course.find().taxonomy("semeval2023")
    assert {t.label for t in taxo.techniques} == expected
    assert len(taxo.categories) == 6
    for label in expected:
        assert taxo.resolve(label) is not None


def test_verdict_evidence(demo):
    it = item(demo, "verdict")
    assert grade_item(it, "accurate").status == PARTIAL  # right verdict, no evidence
    res = grade_item(it, {"verdict": "accurate", "evidence": "yes"})
    assert res.score == 0.5 and "at least 8 words" in res.feedback
    # evidence is checked for substance: a relevant paragraph and a named source (issue 15)
    good = "Muʿāwiya took power in 661 and the Umayyads fell in 750 (Kennedy; khilafat-web:25)."
    assert grade_item(it, {"verdict": "Accurate ", "evidence": good}).status == PASSED
    no_source = "Muʿāwiya took power in 661 and the Umayyads fell in 750, as khilafat-web:25 says."
    assert grade_item(it, {"verdict": "accurate", "evidence": no_source}).status == PARTIAL
    no_para = "Muʿāwiya took power in 661 and the Umayyads fell in 750, as Kennedy shows."
    assert grade_item(it, {"verdict": "accurate", "evidence": no_para}).status == PARTIAL
    bad = grade_item(it, {"verdict": "true", "evidence": "x"})
    assert bad.answer_error and "accurate, inaccurate, misleading, unverifiable" in bad.feedback
    cited = it.model_copy(update={"evidence_min_citations": 2})
    assert grade_item(cited, {"verdict": "accurate", "evidence": good}).status == PARTIAL
    assert grade_item(cited, {"verdict": "accurate", "evidence": good + " See khilafat-web:26."}).status == PASSED


def test_single_accepts_key_variants_and_choice_text(demo):
    it = item(demo, "single")
    for answer in ("b", "B", " b ", "(b)", "b)", ["b"], "The Grand National Assembly of Turkey"):
        assert grade_item(it, answer).status == PASSED, answer
    res = grade_item(it, "e")
    assert res.answer_error and "Allowed: a, b, c, d" in res.feedback
    assert "Khilafat Conference" in grade_item(it, "c").feedback  # per-choice feedback


@pytest.mark.parametrize(
    "junk", [True, 3.5, {"x": [1, {"y": None}]}, [[["deep"]]], "\u202e\u0000", -1, 10**30, float("nan"), float("inf")]
)
def test_junk_answers_never_raise(demo, junk):
    for it in demo.items:
        res = grade_item(it, junk)
        assert res.status in (FAILED, PARTIAL, NEEDS_REVIEW, NOT_ATTEMPTED, PASSED)
        assert 0 <= res.score <= 1
        assert isinstance(res.message, str) and res.message


def test_hints_progress_with_hint_level(demo):
    it = item(demo, "single")
    assert "Hint 1 of 2" in grade_item(it, "a").message
    assert "Hint 2 of 2" in grade_item(it, "a", hint_level=2).message
    assert "Hint 2 of 2" in grade_item(it, "a", hint_level=9).message
    assert "Hint" not in grade_item(it, "b").message  # no hint once right


def test_grade_set_totals(demo):
    ref = grade_set(demo, reference_answer_file(demo))
    open_points = sum(it.points for it in demo.items if it.type == "open")
    assert ref.points == pytest.approx(demo.max_points - open_points)
    assert ref.review_points == open_points
    blank = grade_set(demo, {})
    assert blank.points == 0 and blank.count(NOT_ATTEMPTED) == len(demo.items)


@pytest.mark.parametrize(
    "a,b",
    [
        ("al-Nabhani", "an-Nabhani"),
        ("Nabhānī", "al-Nabhānī"),
        ("Hizb ut-Tahrir", "Ḥizb al-Taḥrīr"),
        ("bayʿa", "bay'a"),
        ("Bay’a", "BAYA"),
        ("ʿUthmān", "Uthman"),
        ("The Khilafat Movement", "khilafat movement"),
        ("as-Sīsī", "Sisi"),
        ("Abū  Bakr.", "abu bakr"),
        ("ad-Dawla", "al-Dawla"),
    ],
)
def test_normalize_equal(a, b):
    assert normalize_text(a) == normalize_text(b)


@pytest.mark.parametrize("a,b", [("Abu Bakr", "Umar"), ("Nabhani", "Banna"), ("1924", "1922"), ("Ottoman", "Umayyad")])
def test_normalize_different(a, b):
    assert normalize_text(a) != normalize_text(b)


def test_partly_right_worked_example_says_it_carries_no_marks():
    """A worked example (points: 0) that is half right must not report "0 of 0 points"."""
    from course.exercises import load_set as _load_set

    m3 = _load_set(Path(__file__).resolve().parents[1] / "exercises" / "m3-analysis.yaml")
    worked = [it for it in m3.items if it.type == "verdict" and it.worked_example]
    assert worked, "m3 has worked-example verdict items"
    it = worked[0]
    res = grade_item(it, {"verdict": it.answer, "evidence": "I think so because it is so and that is my view here."})
    assert res.status == "partial" and res.points == 0
    assert "0 of 0" not in res.feedback and "carries no marks" in res.feedback

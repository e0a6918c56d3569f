"""The short-answer normaliser accepts what careful people write, and nothing it should not.

The corpus is tests/data/answer-variants.yaml: for real items of the course, correct variants
(titles, bracketed glosses, spaces/hyphens/nothing inside names, diacritics and ʿ/'/` marks,
transliteration variants in the item's accept list, era words, decimal commas, thousands separators)
and wrong answers that must stay wrong. Each entry is graded by the real grader against the real item.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content.normalize import match_keys, normalize_text, parse_number, same
from course.exercises import PASSED, grade_item, load_all_sets, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = parse_yaml(
    (ROOT / "tests" / "data" / "answer-variants.yaml").read_text(encoding="utf-8"), "answer-variants.yaml"
).data
ITEMS = {it.id: it for s in load_all_sets(ROOT) for it in s.items}
RIGHT = [(i, a) for i, e in CORPUS.items() for a in e["right"]]
WRONG = [(i, a) for i, e in CORPUS.items() for a in e["wrong"]]


def acceptance() -> tuple[int, int, int, int]:
    """(correct variants accepted, correct variants, wrong answers rejected, wrong answers)."""
    ok = sum(grade_item(ITEMS[i], a).status == PASSED for i, a in RIGHT)
    rej = sum(grade_item(ITEMS[i], a).status != PASSED for i, a in WRONG)
    return ok, len(RIGHT), rej, len(WRONG)


def test_corpus_items_exist():
    missing = [i for i in CORPUS if i not in ITEMS]
    assert not missing, missing
    assert len(RIGHT) >= 60 and len(WRONG) >= 30


@pytest.mark.parametrize("item_id,answer", RIGHT, ids=[f"{i}:{a}" for i, a in RIGHT])
def test_correct_variant_accepted(item_id, answer):
    res = grade_item(ITEMS[item_id], answer)
    assert res.status == PASSED, f"{answer!r} rejected: {res.feedback}"


@pytest.mark.parametrize("item_id,answer", WRONG, ids=[f"{i}:{a}" for i, a in WRONG])
def test_wrong_answer_stays_wrong(item_id, answer):
    res = grade_item(ITEMS[item_id], answer)
    assert res.status != PASSED, f"{answer!r} accepted"


@pytest.mark.parametrize(
    "a,b",
    [
        ("Hizb ut Tahrir", "Hizb-ut-Tahrir"),
        ("Hizbut Tahrir", "Hizb ut-Tahrir"),
        ("HizbutTahrir", "Hizb ut-Tahrir"),
        ("Hizb ut Tahrir", "Ḥizb al-Taḥrīr"),
        ("Abu Bakr", "Abubakr"),
        ("Sheikh Ahmad Yasin", "Ahmad Yasin"),
        ("Baybars (Mamluk sultan)", "Baybars"),
    ],
)
def test_same(a, b):
    assert same(a, b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("Imam", "Shaykh"),
        ("Abu Bakr", "Abu Bakar Umar"),
        ("Sultan", "Sultan Selim"),
        ("(only a gloss)", "something else"),
    ],
)
def test_not_same(a, b):
    assert not same(a, b)


def test_titles_and_glosses_never_empty_an_answer():
    assert normalize_text("Imam") == "imam"
    assert normalize_text("(ayn)") == "ayn"  # a gloss alone is kept
    assert match_keys("   ") == frozenset()


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("1,292", 1292, ""),
        ("1 292 years", 1292, "years"),
        ("0,342", 0.342, ""),
        ("3,5", 3.5, ""),
        ("AD 680", 680, "AD"),
        ("12,345,678", 12345678, ""),
        ("-4", -4, ""),
    ],
)
def test_parse_number(text, value, unit):
    assert parse_number(text) == (pytest.approx(value), unit)


def test_parse_number_rejects_text():
    assert parse_number("about six hundred") is None
    assert parse_number("AD 680 CE") is None

"""Property tests: whatever a learner (or an author) writes, the checker answers with a result or a
one-paragraph CourseInputError, never an uncaught exception."""

from __future__ import annotations

import copy
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from course.content.exercise_sets import validate_set_data
from course.content.yaml import YamlDoc, parse_yaml
from course.errors import CourseInputError
from course.exercises import STATUSES, grade_item, grade_set, load_set
from course.exercises.answers import load_answers_bytes

DEMO_PATH = Path(__file__).parent / "data" / "exercises" / "demo.yaml"
DEMO = load_set(DEMO_PATH)
IDS = [it.id for it in DEMO.items]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "a",
            "b",
            "c",
            "d",
            "x",
            "w",
            "none",
            "loaded-language",
            "accurate",
            "1924",
            "14",
            "¶14",
            "khilafat-web:14",
            "khilafat-web:14-18",
            "al-waie-472:3",
            "Claim:",
            "an-Nabhānī",
            "12-1",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(
            st.one_of(
                st.text(max_size=12),
                st.integers(-5, 40),
                st.sampled_from(["verdict", "evidence", "a", "b", "c", 12, 16, 22]),
            ),
            children,
            max_size=6,
        ),
    ),
    max_leaves=20,
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_result(res, item):
    assert res.status in STATUSES
    assert 0.0 <= res.score <= 1.0
    assert 0.0 <= res.points <= item.points
    assert isinstance(res.message, str) and res.message.strip()
    if item.type == "open":
        assert res.status != "passed"


@SETTINGS
@given(item_index=st.integers(0, len(DEMO.items) - 1), answer=values)
def test_grade_item_never_raises(item_index, answer):
    item = DEMO.items[item_index]
    check_result(grade_item(item, answer), item)


def _dump(data) -> bytes:
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    return buf.getvalue().encode("utf-8")


@SETTINGS
@given(answers=st.dictionaries(st.one_of(st.sampled_from(IDS), st.text(max_size=20)), values, max_size=12))
def test_random_answer_files_never_crash_the_checker(answers):
    try:
        raw = _dump(answers)
    except Exception:  # noqa: BLE001 - not every random structure is representable; nothing to test then
        return
    try:
        af = load_answers_bytes(raw, "answers/demo.yaml", DEMO)
    except CourseInputError as exc:
        assert "answers/demo.yaml" in str(exc)
        return
    result = grade_set(DEMO, af.answers)
    for it, res in zip(DEMO.items, result.results):
        check_result(res, it)
    af.unreadable(result)  # locating lines for problems must not fail either


@SETTINGS
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))))
def test_random_bytes_as_answer_file(raw):
    try:
        af = load_answers_bytes(raw, "answers/demo.yaml", DEMO)
    except CourseInputError as exc:
        msg = str(exc)
        assert msg.startswith("answers/demo.yaml") and "Traceback" not in msg
        return
    grade_set(DEMO, af.answers)


BASE = parse_yaml(DEMO_PATH.read_text(encoding="utf-8"), str(DEMO_PATH)).data
FIELDS = [
    "id",
    "type",
    "prompt",
    "points",
    "objective",
    "difficulty",
    "hints",
    "explanation",
    "choices",
    "answer",
    "left",
    "right",
    "tolerance",
    "unit",
    "reading",
    "required",
    "optional",
    "labels",
    "accept",
    "taxonomy",
    "claim",
    "evidence_min_words",
    "min_words",
    "max_words",
    "min_citations",
    "sections",
    "rubric",
    "extra",
]


@SETTINGS
@given(
    item_index=st.integers(0, len(DEMO.items) - 1), field=st.sampled_from(FIELDS), value=values, delete=st.booleans()
)
def test_mutated_sets_give_course_errors_only(item_index, field, value, delete):
    data = copy.deepcopy(BASE)
    entry = data["items"][item_index]
    if delete:
        entry.pop(field, None)
    else:
        entry[field] = value
    text = _dump(data).decode("utf-8")
    doc = YamlDoc(data=parse_yaml(text, "exercises/demo.yaml").data, text=text, where="exercises/demo.yaml")
    try:
        validate_set_data(doc, expected_id="demo")
    except CourseInputError as exc:
        msg = str(exc)
        assert msg.startswith("exercises/demo.yaml") and "\n" not in msg

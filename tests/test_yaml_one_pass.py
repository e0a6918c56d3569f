"""The one-pass YAML reader (course.content.yaml._fast_load) builds exactly what the checked two-pass
reader builds, and reports exactly the same problems (it hands every file it does not take to that
reader), on the course's own files, hand-picked edge cases and the hostile answer-file corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_corpus import answer_files, dump

import course.content.yaml as cy
from course.errors import CourseInputError

ROOT = Path(__file__).resolve().parent.parent

EDGE_CASES = [
    "",
    "# only a comment\n",
    "a: 1\na: 2\n",
    "<<: {a: 1}\nb: 2\n",
    "[C:5, C:6]\n",
    "a: &x 1\nb: *x\n",
    "a: *missing\n",
    "a: !!str 5\n",
    "a: !!python/object:os.system x\n",
    "--- 1\n--- 2\n",
    "%YAML 1.1\n---\na: yes\n",
    "? [1]\n: 2\n",
    "a: 2024-13-45\n",
    "a: 2024-02-29\nb: 2024-02-29 10:00:00\n",
    "{1: a, 1.0: b}\n",
    "1: a\ntrue: b\nnull: c\n~: d\n",
    "a: '1'\nb: \"x\"\nc: |\n  t\nd: >\n  u\n  v\n",
    "a: 1_000\nb: .inf\nc: -.inf\nd: ~\ne: yes\nf: 0x1F\ng: 0o17\nh: 1e3\ni: 0b101\nj: -0\nk: +12\n",
    "a: .nan\n",
    "- - - 1\n",
    "a:\n  - b: c\n    d: [1, {e: f}]\n",
    "= : 1\n",
    "a: !!binary aGk=\n",
    "[" * 41 + "]" * 41,
    "[" * 40 + "]" * 40,
    "a: 'unterminated\n",
    "a:\n\t- b\n",
    "just text\n",
    "12\n",
]


def _outcome(text: str, what: str) -> tuple:
    try:
        return ("data", repr(cy.parse_yaml(text, "f.yaml", what=what).data))
    except CourseInputError as exc:
        return ("error", str(exc))


def _checked_outcome(text: str, what: str, monkeypatch) -> tuple:
    def no_fast_path(*args):
        raise cy._NotPlain

    with monkeypatch.context() as m:
        m.setattr(cy, "_fast_load", no_fast_path)
        return _outcome(text, what)


def _course_files() -> list[Path]:
    return sorted(
        p for d in ("exercises", "modules", "readings", "data", "glossary") for p in (ROOT / d).rglob("*.yaml")
    )


def test_course_files_are_read_in_one_pass_with_the_same_data(monkeypatch):
    files = _course_files()
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = repr(cy._fast_load(text, None))  # a plain course file never needs the checked reader
        assert ("data", fast) == _checked_outcome(text, "course file", monkeypatch), path


@pytest.mark.parametrize("text", EDGE_CASES)
@pytest.mark.parametrize("what", ["course file", "answer file"])
def test_edge_cases_same_as_checked_reader(text, what, monkeypatch):
    assert _outcome(text, what) == _checked_outcome(text, what, monkeypatch)


def test_node_cap_and_depth_go_to_the_checked_reader():
    with pytest.raises(cy._NotPlain):
        cy._fast_load("[" + ", ".join(["a"] * 30) + "]\n", 20)
    with pytest.raises(cy._NotPlain):
        cy._fast_load("[" * (cy.MAX_DEPTH + 1) + "]" * (cy.MAX_DEPTH + 1), None)
    assert cy._fast_load("[" * cy.MAX_DEPTH + "]" * cy.MAX_DEPTH, None) is not None


def test_hostile_answer_files_same_as_checked_reader(monkeypatch):
    reference = {f"item-{i}": ["a", "b"] if i % 2 else "x" for i in range(30)}
    checked = 0
    for name, raw in answer_files("s", list(reference), dump(reference), reference, 120, seed=7):
        try:
            text = cy.decode_bytes(raw, name, max_bytes=cy.MAX_ANSWER_BYTES, what="answer file")
        except CourseInputError:
            continue
        assert _outcome(text, "answer file") == _checked_outcome(text, "answer file", monkeypatch), name
        checked += 1
    assert checked > 50

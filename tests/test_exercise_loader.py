"""Bad input: every malformed set or answer file gives a one-paragraph error naming the file and the
line, and the commands exit non-zero without a traceback. Nothing in a file is ever executed."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import cli
from course.content.exercise_sets import MAX_SET_BYTES
from course.content.yaml import MAX_ANSWER_BYTES, parse_yaml
from course.errors import CourseInputError
from course.exercises import load_answers, load_set

DATA = Path(__file__).parent / "data" / "exercises"
BAD_SETS = DATA / "bad"
BAD_ANSWERS = DATA / "bad-answers"

# fixture → (line the error must name, words the message must contain)
SET_CASES = {
    "alias-bomb": (5, "anchors"),
    "binary": (3, "binary"),
    "duplicate-keys": (14, "'answer' appears twice"),
    "id-mismatch": (1, "file is named"),
    "invalid-yaml": (9, "not valid YAML"),
    "latin1": (2, "UTF-8"),
    "not-mapping": (1, "must be a mapping"),
    "python-tag": (4, "tag"),
    "tabs": (5, "tab character"),
    "unknown-choice": (13, "not a choice. Allowed: a, b"),
    "unknown-type": (6, "unknown item type 'essay'. Allowed types: single"),
    "wrong-types": (8, "expected a number"),
}
ANSWER_CASES = {
    "alias-bomb": (1, "anchors"),
    "binary": (3, "binary"),
    "duplicate-keys": (3, "'demo-abolition-body' appears twice"),
    "invalid-yaml": (2, "not valid YAML"),  # where the unclosed [ starts (issue 13)
    "list-top": (1, "must be a mapping"),
}


def assert_one_paragraph(msg: str, path: Path, line: int | None, words: str) -> None:
    assert str(path) in msg or path.name in msg, msg
    if line is not None:
        assert f"line {line}:" in msg, msg
    assert words in msg, msg
    assert "\n" not in msg.strip(), msg
    assert "Traceback" not in msg


@pytest.fixture(scope="module")
def demo():
    return load_set(DATA / "demo.yaml")


def test_every_bad_set_fixture_is_covered():
    assert {p.stem for p in BAD_SETS.glob("*.yaml")} == set(SET_CASES)
    assert {p.stem for p in BAD_ANSWERS.glob("*.yaml")} == set(ANSWER_CASES) | {"unknown-ids", "unknown-choice"}


@pytest.mark.parametrize("name", sorted(SET_CASES))
def test_bad_set(name):
    path = BAD_SETS / f"{name}.yaml"
    line, words = SET_CASES[name]
    with pytest.raises(CourseInputError) as exc:
        load_set(path)
    assert_one_paragraph(str(exc.value), path, line, words)


@pytest.mark.parametrize("name", sorted(SET_CASES))
def test_bad_set_cli_exits_nonzero_without_traceback(name, tmp_path):
    folder = tmp_path / "exercises"
    folder.mkdir()
    shutil.copy(BAD_SETS / f"{name}.yaml", folder / f"{name}.yaml")
    result = CliRunner().invoke(cli, ["check", "--exercises", str(folder), "--answers", str(tmp_path / "answers")])
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and f"line {SET_CASES[name][0]}" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("name", sorted(ANSWER_CASES))
def test_bad_answer_file(name, demo):
    path = BAD_ANSWERS / f"{name}.yaml"
    line, words = ANSWER_CASES[name]
    with pytest.raises(CourseInputError) as exc:
        load_answers(path, demo)
    assert_one_paragraph(str(exc.value), path, line, words)


@pytest.mark.parametrize("name", sorted(ANSWER_CASES) + ["unknown-ids", "unknown-choice"])
def test_bad_answer_file_cli(name, tmp_path):
    answers = tmp_path / "answers"
    answers.mkdir()
    shutil.copy(BAD_ANSWERS / f"{name}.yaml", answers / "demo.yaml")
    result = CliRunner().invoke(cli, ["check", "demo", "--exercises", str(DATA), "--answers", str(answers)])
    assert result.exit_code == 1, result.output
    assert "answers/demo.yaml, line" in result.output.replace("\n", "")
    assert "Traceback" not in result.output


def test_unknown_item_ids_are_reported_with_line_and_suggestion(demo):
    af = load_answers(BAD_ANSWERS / "unknown-ids.yaml", demo)
    assert af.unknown == ["demo-abolition-yaer"]
    assert len(af.problems) == 1
    assert_one_paragraph(af.problems[0], BAD_ANSWERS / "unknown-ids.yaml", 2, "Did you mean 'demo-abolition-year'?")
    assert af.answers == {"demo-abolition-body": "b"}


def test_unknown_choices_are_reported_with_line(demo):
    from course.exercises import grade_set

    af = load_answers(BAD_ANSWERS / "unknown-choice.yaml", demo)
    problems = af.unreadable(grade_set(demo, af.answers))
    assert len(problems) == 2
    assert_one_paragraph(problems[0], BAD_ANSWERS / "unknown-choice.yaml", 1, "'e' is not one of the choices")
    assert_one_paragraph(problems[1], BAD_ANSWERS / "unknown-choice.yaml", 2, "'z' is not among the choices")


def _big_file(path: Path, size: int) -> Path:
    chunk = b"# padding line for a very large file\n" * 1024
    with path.open("wb") as fh:
        written = 0
        while written < size:
            fh.write(chunk)
            written += len(chunk)
    return path


def test_fifty_megabyte_files_are_refused_quickly(tmp_path, demo):
    big = _big_file(tmp_path / "big.yaml", 50 * 1024 * 1024)
    t0 = time.perf_counter()
    with pytest.raises(CourseInputError) as exc:
        load_set(big)
    assert "larger than the 5 MB" in str(exc.value) and str(big) in str(exc.value)
    with pytest.raises(CourseInputError) as exc:
        load_answers(big, demo)
    assert "larger than the 1 MB" in str(exc.value)
    assert time.perf_counter() - t0 < 2  # refused from its size, not parsed
    answers = tmp_path / "answers"
    answers.mkdir()
    big.rename(answers / "demo.yaml")
    result = CliRunner().invoke(cli, ["check", "demo", "--exercises", str(DATA), "--answers", str(answers)])
    assert result.exit_code == 1 and "1 MB" in result.output and "Traceback" not in result.output


def test_limits_are_the_documented_ones():
    assert MAX_SET_BYTES == 5 * 1024 * 1024 and MAX_ANSWER_BYTES == 1024 * 1024


@pytest.mark.parametrize(
    "text,words",
    [
        ("a: " + "[" * 5000 + "]" * 5000, "nested more than"),
        ("a: !!python/object/apply:os.system ['touch PWNED']\n", "tag"),
        ("a: !custom 3\n", "tag"),
        ("a: *missing\n", "alias"),
        ("a: 1\n\u0007b: 2\n", "control character"),
    ],
)
def test_dangerous_or_odd_yaml(text, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from course.content.yaml import decode_bytes

    with pytest.raises(CourseInputError) as exc:
        parse_yaml(decode_bytes(text.encode(), "answers/x.yaml", max_bytes=MAX_ANSWER_BYTES), "answers/x.yaml")
    assert words in str(exc.value) and "answers/x.yaml" in str(exc.value)
    assert not (tmp_path / "PWNED").exists()


def test_schema_errors_collect_several_problems_in_one_paragraph():
    with pytest.raises(CourseInputError) as exc:
        load_set(BAD_SETS / "wrong-types.yaml")
    msg = str(exc.value)
    assert "line 8" in msg and "line 10" in msg and "line 12" in msg
    assert "field 'hints'" in msg and "field 'choices'" in msg


def test_unknown_field_lists_allowed_fields(tmp_path):
    text = (DATA / "demo.yaml").read_text(encoding="utf-8").replace("    difficulty: 1\n", "    dificulty: 1\n", 1)
    p = tmp_path / "demo.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CourseInputError) as exc:
        load_set(p)
    msg = str(exc.value)
    assert "'dificulty' is not a field of a single item" in msg and "difficulty" in msg and "line 15:" in msg


def test_unknown_annotate_label_is_an_error(tmp_path):
    text = (DATA / "demo.yaml").read_text(encoding="utf-8").replace("16: appeal-to-values", "16: appeal-to-vallues")
    p = tmp_path / "demo.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CourseInputError) as exc:
        load_set(p)
    assert "'appeal-to-vallues' is not a label of the taxonomy 'semeval2023'" in str(exc.value)
    assert "line " in str(exc.value)


def test_load_set_is_cached_and_sees_changes(tmp_path):
    p = tmp_path / "demo.yaml"
    shutil.copy(DATA / "demo.yaml", p)
    a, b = load_set(p), load_set(p)
    assert a is b
    text = p.read_text(encoding="utf-8").replace('title: "Demonstration', 'title: "Changed demonstration')
    p.write_text(text, encoding="utf-8")
    c = load_set(p)
    assert c is not a and c.title.startswith("Changed")


def test_missing_answer_file_means_nothing_attempted(tmp_path, demo):
    af = load_answers(tmp_path / "nope.yaml", demo)
    assert af.answers == {} and af.problems == []


def test_empty_and_comment_only_answer_files(tmp_path, demo):
    for text in ("", "# nothing yet\n", "\n\n"):
        p = tmp_path / "demo.yaml"
        p.write_text(text, encoding="utf-8")
        assert load_answers(p, demo).answers == {}

"""A YAML error never hides the rest of an answer file (issue 13).

The terminal's reader (course/exercises/recovery.py) keeps every item whose top-level block reads and
reports each broken block at the line where it starts; its items count as not checked, exactly as a
missing answer. Same rule in course check (--table, --explain), next, watch, grade and the pytest
plugin; the file is never rewritten. The page's reader is compared with this one in
test_selfcheck_conformance.py on the same corpus (tests/answer_recovery_corpus.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from answer_recovery_corpus import BASE, CASES, ITEMS, NOT_SPLIT, jsonable, line_of, python_read
from click.testing import CliRunner

from course.cli import cli
from course.content.yaml import parse_yaml
from course.errors import CourseInputError
from course.exercises import grade_set, load_all_sets, load_answers
from course.exercises.answers import parse_answer_text
from course.exercises.grading import NOT_ATTEMPTED
from course.exercises.recovery import MAX_BLOCKS, block_key, split_blocks

ROOT = Path(__file__).resolve().parent.parent
AMIRA = ROOT / "tests" / "data" / "class" / "submissions" / "amira-k" / "answers" / "m0-orientation.yaml"

# case → the keys of the blocks that must be left unread, in file order (None: whole-file error)
EXPECTED = {
    "unclosed-list-first": ["m0-a"],
    "unclosed-list-middle": ["m0-c"],
    "unclosed-list-last": ["m0-i"],
    "unclosed-list-continued": ["m0-c"],
    "unclosed-list-in-block": ["m0-b"],
    "unclosed-mapping": ["m0-c"],
    "unclosed-mapping-last": ["m0-i"],
    "unclosed-double-quote": ["m0-e"],
    "unclosed-single-quote": ["m0-e"],
    "unclosed-quote-last": ["m0-i"],
    "unclosed-quote-in-block": ["m0-b"],
    "unclosed-quote-in-flow": ["m0-g"],
    "extra-closing-bracket": ["m0-c"],
    "block-indented-3": ["m0-b"],
    "block-dedented-1": ["m0-f"],
    "list-items-misaligned": ["m0-g"],
    "key-indented-1": ["m0-c"],
    "tab-in-block": ["m0-b"],
    "tab-in-verdict": ["m0-f"],
    "tab-at-column-0": ["m0-d"],
    "duplicate-top-level": ["m0-d", "m0-d"],
    "duplicate-top-level-three": ["m0-a", "m0-a", "m0-a"],
    "duplicate-nested": ["m0-b"],
    "duplicate-one-broken": ["m0-c", "m0-c"],
    "colon-space-in-value": ["m0-i"],
    "stray-text-column-0": ["m0-d"],
    "stray-closing-bracket-column-0": ["m0-d"],
    "missing-space-after-colon": ["m0-c"],
    "bad-block-indicator": ["m0-h"],
    "alias": ["m0-d"],
    "anchor": ["m0-d"],
    "python-tag": ["m0-d"],
    "quoted-key-broken": ["m0-c"],
    "two-broken-list-and-quote": ["m0-a", "m0-i"],
    "two-broken-tab-and-mapping": ["m0-b", "m0-c"],
    "two-broken-adjacent": ["m0-c", "m0-d"],
    "most-items-broken": ["m0-a", "m0-c", "m0-d", "m0-e", "m0-g", "m0-i"],
    "crlf-unclosed-list": ["m0-c"],
    "bom-unclosed-list": ["m0-a"],
    "no-comments-unclosed": ["m0-c"],
    "open-answer-dedented": ["m0-h"],
    "list-at-column-0-and-a-broken-item": ["m0-d"],
    **{k: None for k in NOT_SPLIT},
}


@pytest.fixture(scope="module")
def m0():
    return next(s for s in load_all_sets(ROOT) if s.id == "m0-orientation")


def _broken_amira() -> tuple[str, int]:
    """Amira's all-right answer file with the ordering answer's list left open (and its line)."""
    text = AMIRA.read_text(encoding="utf-8")
    assert "m0-self-study-order: [b, d, a, c]\n" in text
    return text.replace("m0-self-study-order: [b, d, a, c]\n", "m0-self-study-order: [b, d, a, c\n"), line_of(
        "m0-self-study-order", text
    )


def _answers(tmp_path: Path, text: str) -> Path:
    ans = tmp_path / "answers"
    ans.mkdir(exist_ok=True)
    (ans / "m0-orientation.yaml").write_text(text, encoding="utf-8")
    return ans


# ------------------------------------------------------------------------------------------------
# The reader


def test_corpus_is_large_and_every_case_is_expected():
    assert len(CASES) >= 30 and set(EXPECTED) == set(CASES)
    assert sum(1 for k in CASES if k not in NOT_SPLIT) >= 30


def test_the_base_file_reads_whole():
    data = parse_yaml(BASE, "x", what="answer file").data
    assert list(data) == ITEMS


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_broken_file_keeps_what_can_be_read(name):
    text = CASES[name]
    base = parse_yaml(BASE, "x", what="answer file").data
    with pytest.raises(CourseInputError):  # every case really is broken as a whole
        parse_yaml(text, "x", what="answer file")
    got = python_read(text)
    want = EXPECTED[name]
    if want is None:
        assert got == {"error": True}
        return
    assert [k for _, k in got["broken"]] == want
    lines = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    for line, key in got["broken"]:  # reported where the block starts
        assert lines[line - 1].lstrip('"').startswith(key), (line, key)
    data = {k: v for k, v in got["data"]["$map"]}
    for k in ITEMS:  # every other item is read, with the value it has in the whole file
        if k not in want and any(block_key(ln) == k for ln in lines):
            assert k in data, (name, k)
            assert data[k] == jsonable(base[k]), (name, k, data[k])
    assert not set(want) & set(data), "an unread item was read"


def test_strict_reading_is_unchanged():
    """Without recover=True (course start, the diagnostic) a YAML error still stops the read."""
    with pytest.raises(CourseInputError) as exc:
        parse_answer_text(CASES["unclosed-list-middle"], "answers/x.yaml")
    assert f"line {line_of('m0-c')}: the answer to 'm0-c'" in str(exc.value)


def test_messages_name_the_start_line_and_say_what_was_kept():
    af = parse_answer_text(CASES["two-broken-list-and-quote"], "answers/x.yaml", recover=True)
    assert len(af.problems) == 2
    a, i = af.problems
    assert a.startswith(
        f"answers/x.yaml, line {line_of('m0-a')}: the answer to 'm0-a', which starts on this line, is not valid YAML"
    )
    assert i.startswith(f"answers/x.yaml, line {line_of('m0-i')}: the answer to 'm0-i'")
    for p in af.problems:
        assert "\n" not in p and "the other answers were" in p and "Traceback" not in p
    assert af.unread["m0-a"].startswith(f"Could not be read: line {line_of('m0-a')}")
    dup = parse_answer_text(CASES["duplicate-top-level"], "answers/x.yaml", recover=True)
    assert "appears twice at the top level (also at line" in dup.problems[0]
    tag = parse_answer_text(CASES["python-tag"], "answers/x.yaml", recover=True)
    assert "the answer to 'm0-d'" in tag.problems[0] and "tag" in tag.problems[0]


def test_a_file_that_cannot_be_split_keeps_the_whole_file_error():
    for name in NOT_SPLIT:
        with pytest.raises(CourseInputError) as exc:
            parse_answer_text(CASES[name], "answers/x.yaml", recover=True)
        assert "answers/x.yaml" in str(exc.value)
    too_many = "".join(f"k{n}: 1\n" for n in range(MAX_BLOCKS + 1)) + "k: [\n"
    assert split_blocks(too_many) is None
    with pytest.raises(CourseInputError):
        parse_answer_text(too_many, "answers/x.yaml", recover=True)


def test_unread_items_score_as_missing_never_lower(m0):
    text, _ = _broken_amira()
    af = parse_answer_text(text, "answers/m0-orientation.yaml", m0, recover=True)
    assert "m0-self-study-order" not in af.answers and "m0-self-study-order" in af.unread
    full = parse_answer_text(AMIRA.read_text(encoding="utf-8"), "a", m0).answers
    missing = {k: v for k, v in full.items() if k != "m0-self-study-order"}
    r, r_missing = grade_set(m0, af.answers), grade_set(m0, missing)
    assert r.points == r_missing.points > 0
    res = next(x for x in r.results if x.item_id == "m0-self-study-order")
    assert res.status == NOT_ATTEMPTED and res.score == 0


# ------------------------------------------------------------------------------------------------
# The commands


def test_check_grades_the_rest_and_names_the_line(tmp_path, m0):
    text, line = _broken_amira()
    ans = _answers(tmp_path, text)
    path = ans / "m0-orientation.yaml"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    runner = CliRunner()
    for extra in ([], ["--table"], ["--explain"]):
        r = runner.invoke(
            cli,
            ["check", "m0-orientation", "--answers", str(ans), "--json", str(tmp_path / "r.json"), *extra],
            env={"COLUMNS": "200"},
        )
        out = " ".join(r.output.split())
        assert r.exit_code == 1, r.output  # a problem in the file
        assert f"m0-orientation.yaml, line {line}: the answer to 'm0-self-study-order'" in out, out
        assert "Traceback" not in r.output
        doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        tests = (
            {t["item"]: t for t in doc["sets"][0]["tests"]} if "sets" in doc else {t["item"]: t for t in doc["tests"]}
        )
        assert tests["m0-self-study-order"]["message"].startswith(f"Could not be read: line {line}")
        assert tests["m0-which-command-checks"]["status"] == "pass"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never rewritten


def test_start_and_check_leave_a_broken_file_byte_identical(tmp_path):
    raw = CASES["two-broken-list-and-quote"].replace("\n", "\r\n").encode("utf-8")
    ans = tmp_path / "answers"
    ans.mkdir()
    path = ans / "m0-orientation.yaml"
    path.write_bytes(raw)
    runner = CliRunner()
    r = runner.invoke(cli, ["start", "m0-orientation", "--answers", str(ans)])
    assert r.exit_code == 1 and "left untouched" in r.output
    assert path.read_bytes() == raw
    runner.invoke(cli, ["check", "m0-orientation", "--answers", str(ans)])
    assert path.read_bytes() == raw


def test_next_points_at_the_unread_item(tmp_path):
    ans = _answers(tmp_path, "m0-which-command-checks: [c\nm0-commands-match: {a: x}\n")
    r = CliRunner().invoke(cli, ["next", "m0-orientation", "--answers", str(ans)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "Next: m0-orientation #1 m0-which-command-checks" in r.output
    assert "Could not be read: line 1" in r.output


def test_progress_and_submit_read_the_rest(tmp_path, m0):
    text, _ = _broken_amira()
    ans = _answers(tmp_path, text)
    r = CliRunner().invoke(
        cli, ["submit", "--answers", str(ans), "--out", str(tmp_path / "a.zip")], env={"COLUMNS": "200"}
    )
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        manifest = json.loads(zf.read("answers/MANIFEST.json"))
        assert zf.read("answers/m0-orientation.yaml") == text.encode("utf-8")
    entry = manifest["files"][0]
    assert entry["answered"] == len(m0.items) - 1 and entry["points"] > 0


def test_watch_checks_a_partly_broken_file(tmp_path):
    ans = _answers(tmp_path, "m0-which-command-checks: c\nm0-self-study-order: [b, d\n")
    r = CliRunner().invoke(
        cli, ["watch", "m0-orientation", "--answers", str(ans), "--stop-after", "1"], env={"COLUMNS": "200"}
    )
    out = " ".join(r.output.split())
    assert "line 2: the answer to 'm0-self-study-order'" in out and "1 right" in out, out


def test_grade_marks_the_file_partly_unreadable_and_grades_the_rest(tmp_path, m0):
    text, line = _broken_amira()
    subs = tmp_path / "subs"
    (subs / "lee" / "answers").mkdir(parents=True)
    (subs / "lee" / "answers" / "m0-orientation.yaml").write_text(text, encoding="utf-8")
    r = CliRunner().invoke(
        cli,
        [
            "grade",
            str(subs),
            "--set",
            "m0-orientation",
            "--jobs",
            "0",
            "--csv",
            str(tmp_path / "g.csv"),
            "--json",
            str(tmp_path / "g.json"),
        ],
        env={"COLUMNS": "250"},
    )
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    lee = doc["learners"][0]
    problem = next(p for p in lee["problems"] if "partly unreadable" in p)
    assert f"line {line}: the answer to 'm0-self-study-order'" in problem
    missing = {
        k: v
        for k, v in parse_answer_text(AMIRA.read_text(encoding="utf-8"), "a", m0).answers.items()
        if k != "m0-self-study-order"
    }
    assert lee["points"] == pytest.approx(grade_set(m0, missing).points) and lee["points"] > 0


def test_pytest_plugin_runs_the_readable_items(tmp_path):
    ans = _answers(tmp_path, "m0-which-command-checks: c\nm0-self-study-order: [b, d\nm0-verdict-format: a\n")
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(tmp_path),
        "-rA",
        "--answers",
        str(ans),
    ]
    out = subprocess.run(
        cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=dict(os.environ, COURSE_ROOT=str(ROOT))
    )
    text = out.stdout
    assert "2 passed" in text, text
    assert "m0-self-study-order: Could not be read: line 2" in text, text
    assert "line 2: the answer to 'm0-self-study-order'" in " ".join(text.split())


def test_load_answers_recovers_from_a_file(tmp_path, m0):
    text, line = _broken_amira()
    path = _answers(tmp_path, text) / "m0-orientation.yaml"
    af = load_answers(path, m0, recover=True)
    assert af.broken[0].line == line and len(af.answers) == len(m0.items) - 1
    with pytest.raises(CourseInputError):
        load_answers(path, m0)

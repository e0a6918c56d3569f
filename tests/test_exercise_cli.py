"""The learner commands: start (templates that never lose answers), check, hint, reveal, progress,
and the author commands schema and validate."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import cli
from course.content.yaml import parse_yaml
from course.errors import CourseInputError
from course.exercises import NOT_ATTEMPTED, grade_set, load_set, reference_answer_file, render_template, start
from course.exercises.state import load_state

DATA = Path(__file__).parent / "data" / "exercises"


@pytest.fixture()
def env(tmp_path):
    ex = tmp_path / "exercises"
    ex.mkdir()
    shutil.copy(DATA / "demo.yaml", ex / "demo.yaml")
    return tmp_path, ex, tmp_path / "answers"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def demo():
    return load_set(DATA / "demo.yaml")


# --- templates ------------------------------------------------------------------------------------


def test_template_is_valid_yaml_and_blank(demo):
    text = render_template(demo)
    data = parse_yaml(text, "template").data
    assert list(data) == [it.id for it in demo.items]
    result = grade_set(demo, data)
    assert all(r.status == NOT_ATTEMPTED for r in result.results)
    # every question is shown as a comment, with its choices
    for it in demo.items:
        assert f"# {demo.items.index(it) + 1}. {it.id}" in text
    assert "#   b = The Grand National Assembly of Turkey" in text
    assert "accurate, inaccurate, misleading, unverifiable" in text
    # no reference answers leak into the template
    assert "[b, d, a, c]" not in text and "1924\n" not in text.split("demo-abolition-year:")[1][:20]


def test_start_creates_and_never_overwrites(env, demo):
    _, ex, answers = env
    r = run("start", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 0, r.output
    path = answers / "demo.yaml"
    assert path.exists() and "created (10 questions)" in r.output
    # the learner answers some items and adds a comment
    text = path.read_text(encoding="utf-8")
    text = text.replace("demo-abolition-body:\n", "demo-abolition-body: b   # my guess\n")
    text = text.replace("demo-rashidun-order: []\n", "demo-rashidun-order: [b, d, a, c]\n")
    text = text.replace("demo-history-use: |\n\n", "demo-history-use: |\n  Claim: my essay.\n\n")
    path.write_text(text, encoding="utf-8")
    r = run("start", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 0 and "already complete" in r.output
    assert path.read_text(encoding="utf-8") == text  # byte for byte


def test_start_appends_new_items_and_keeps_everything(env):
    _, ex, answers = env
    run("start", "--exercises", ex, "--answers", answers)
    path = answers / "demo.yaml"
    text = path.read_text(encoding="utf-8").replace("demo-abolition-year:\n", "demo-abolition-year: 1924  # sure\n")
    path.write_text(text, encoding="utf-8")
    # the author adds an item to the set
    set_text = (ex / "demo.yaml").read_text(encoding="utf-8")
    new_item = """
  - id: demo-new-item
    type: numeric
    prompt: "How many Rashidun caliphs were there?"
    points: 1
    objective: demo-history-dates
    hints: ["Count them."]
    explanation: "Four {cite:p}`kennedy2016caliphate`."
    answer: 4
"""
    (ex / "demo.yaml").write_text(set_text + new_item, encoding="utf-8")
    r = run("start", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 0 and "added 1 new question" in r.output, r.output
    merged = path.read_text(encoding="utf-8")
    assert merged.startswith(text)
    assert "# 11. demo-new-item" in merged
    data = parse_yaml(merged, "x").data
    assert data["demo-abolition-year"] == 1924 and data["demo-new-item"] is None


def test_start_leaves_a_broken_file_untouched(env):
    _, ex, answers = env
    answers.mkdir()
    path = answers / "demo.yaml"
    broken = "demo-abolition-body: [b\n"
    path.write_text(broken, encoding="utf-8")
    r = run("start", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 1 and "left untouched" in r.output
    assert path.read_text(encoding="utf-8") == broken


def test_start_refuses_flow_style_file(env, demo):
    _, ex, answers = env
    answers.mkdir()
    path = answers / "demo.yaml"
    path.write_text("{demo-abolition-body: b}\n", encoding="utf-8")
    with pytest.raises(CourseInputError) as exc:
        start(demo, answers)
    assert "left untouched" in str(exc.value)
    assert path.read_text(encoding="utf-8") == "{demo-abolition-body: b}\n"


def test_atomic_write_keeps_old_file_on_failure(env, demo, monkeypatch):
    _, ex, answers = env
    start(demo, answers)
    path = answers / "demo.yaml"
    path.write_text("demo-abolition-body: b\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    from course.content import files

    monkeypatch.setattr(os, "replace", boom)
    monkeypatch.setattr(files, "_exchange", boom)  # the rename that checks for an editor's save
    with pytest.raises(OSError):
        start(demo, answers)
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in answers.iterdir()] == ["demo.yaml"]  # no temporary file left behind


# --- check, hint, reveal, progress ----------------------------------------------------------------


def _write_answers(answers: Path, data: dict) -> None:
    from ruamel.yaml import YAML

    answers.mkdir(exist_ok=True)
    with (answers / "demo.yaml").open("w", encoding="utf-8") as fh:
        YAML(typ="safe").dump(data, fh)


def test_check_blank_template(env):
    _, ex, answers = env
    run("start", "--exercises", ex, "--answers", answers)
    r = run("check", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 0, r.output
    assert "10 not attempted" in r.output and "0 / 21 points" in r.output


def test_check_reference_answers_and_explanations_once(env, demo):
    _, ex, answers = env
    _write_answers(answers, reference_answer_file(demo))
    r = run("check", "--exercises", ex, "--answers", answers, "--json", answers / "out.json")
    assert r.exit_code == 0, r.output
    assert "9 right" in r.output and "1 for review" in r.output and "17 / 21 points" in r.output
    assert "Why demo-abolition-body is right" in r.output  # explanation shown once right
    doc = json.loads((answers / "out.json").read_text())
    assert doc["version"] == 3 and doc["points"] == 17
    r2 = run("check", "--exercises", ex, "--answers", answers)
    assert "Why demo-abolition-body is right" not in r2.output  # only when newly right
    r3 = run("check", "--exercises", ex, "--answers", answers, "--explanations")
    assert "Why demo-abolition-body is right" in r3.output
    st = load_state(answers)
    assert st.items["demo-abolition-body"].checks == 3 and st.items["demo-abolition-body"].passed_at


def test_check_wrong_answer_shows_feedback_and_hint(env):
    _, ex, answers = env
    _write_answers(answers, {"demo-abolition-body": "c", "demo-abolition-year": 1923})
    r = run("check", "demo", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 1  # wrong answers remain: 1 (the exit-code policy in `course --help`)
    assert "Khilafat Conference" in r.output and "Hint 1 of 2" in r.output and "too low" in r.output


def test_check_without_answer_files(env):
    _, ex, answers = env
    r = run("check", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 1 and "course start" in r.output
    r = run("check", "nosuchset", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 1 and "'nosuchset' is not an exercise set" in r.output


def test_hint_progresses_and_check_follows(env):
    _, ex, answers = env
    r1 = run("hint", "demo-abolition-body", "--exercises", ex, "--answers", answers)
    assert r1.exit_code == 0 and "hint 1 of 2" in r1.output and "sultanate" in r1.output
    r2 = run("hint", "demo-abolition-body", "--exercises", ex, "--answers", answers)
    assert "hint 2 of 2" in r2.output and "Ankara" in r2.output and "last hint" in r2.output
    _write_answers(answers, {"demo-abolition-body": "a"})
    r3 = run("check", "--exercises", ex, "--answers", answers)
    assert "Hint 2 of 2" in r3.output
    r4 = run("hint", "demo-abolitoin-body", "--exercises", ex, "--answers", answers)
    assert r4.exit_code == 1 and "Did you mean 'demo-abolition-body'" in r4.output


def test_reveal(env):
    _, ex, answers = env
    r = run("reveal", "demo-rashidun-order", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 1 and "--yes" in r.output  # not a terminal: confirmation needed
    r = run("reveal", "demo-rashidun-order", "--yes", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 0 and "[b, d, a, c]" in r.output and "Saqīfa" not in r.output
    assert "Abū Bakr (632–634)" in r.output  # the explanation
    assert load_state(answers).items["demo-rashidun-order"].revealed
    r = run("reveal", "demo-history-use", "--yes", "--exercises", ex, "--answers", answers)
    assert "rubric" in r.output and "Model answer" in r.output


def test_progress(env, demo):
    _, ex, answers = env
    ref = reference_answer_file(demo)
    _write_answers(answers, {k: ref[k] for k in list(ref)[:3]})
    run("hint", "demo-abolition-year", "--exercises", ex, "--answers", answers)
    r = run("progress", "--exercises", ex, "--answers", answers)
    assert r.exit_code == 0, r.output
    row = next(line for line in r.output.splitlines() if line.startswith("│ demo"))
    assert "5/21" in row
    cells = [c.strip() for c in row.split("│")]
    assert cells[4:7] == ["✓3 ◐0 ✗0 ·7 ⚑0", "1", "0"], cells


def test_state_file_damage_is_not_fatal(env):
    _, ex, answers = env
    answers.mkdir()
    (answers / ".course-state.json").write_text("{not json", encoding="utf-8")
    _write_answers(answers, {"demo-abolition-body": "b"})
    r = CliRunner().invoke(cli, ["check", "--exercises", str(ex), "--answers", str(answers)])
    assert r.exit_code == 0 and "could not be read" in r.output
    assert json.loads((answers / ".course-state.json").read_text())["version"] == 1


# --- author commands --------------------------------------------------------------------------------


def test_schema_command(tmp_path):
    r = run("schema")
    assert r.exit_code == 0
    schema = json.loads(r.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "set" in schema["properties"] and "items" in schema["required"]
    item_schema = schema["properties"]["items"]["items"]
    assert item_schema["discriminator"]["propertyName"] == "type"
    assert set(item_schema["discriminator"]["mapping"]) == {
        "single",
        "multiple",
        "ordering",
        "matching",
        "numeric",
        "short",
        "locate",
        "annotate",
        "verdict",
        "open",
    }
    out = tmp_path / "schema.json"
    assert run("schema", "--out", out).exit_code == 0 and json.loads(out.read_text()) == schema


def test_validate_command_reports_missing_module(env):
    _, ex, _ = env
    r = run("validate", "--exercises", ex)
    assert r.exit_code == 1 and "module 'm0-demo' has no modules/m0-demo/module.yaml" in r.output


def test_course_cli_exposes_the_commands(env):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "course", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for name in ("start", "check", "hint", "reveal", "progress", "grade", "schema"):
        assert f"  {name} " in out.stdout, out.stdout
    _, ex, answers = env
    out = subprocess.run(
        [sys.executable, "-m", "course", "check", "--exercises", str(ex), "--answers", str(answers)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "course start" in out.stderr and "Traceback" not in out.stderr


def test_terminal_citations_are_author_year():
    """Explanations and hints shown in the terminal turn {cite} keys into readable references."""
    from course.content.text import plain

    text = plain("As {cite:t}`kennedy2016caliphate` and {cite:p}`crone2004gods,tajifarouki1996fundamental` show.")
    assert text == "As (Kennedy 2016) and (Crone 2004; Taji-Farouki 1996) show."
    assert "(unknownkey2099)" in plain("{cite:p}`unknownkey2099`")

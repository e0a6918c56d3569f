"""`pytest --answers answers/`: one test per item, learner-facing failures, results.json v3 with
points. Each case runs pytest in a subprocess, as a learner or GitHub Classroom would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from course.exercises import load_set, reference_answer_file

DATA = Path(__file__).parent / "data" / "exercises"


@pytest.fixture(scope="module")
def demo():
    return load_set(DATA / "demo.yaml")


def write_answers(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "demo.yaml").open("w", encoding="utf-8") as fh:
        YAML(typ="safe").dump(data, fh)
    return folder


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(cwd),
        "-rA",
        "--exercises",
        str(DATA),
        *args,
    ]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_reference_answers_pass(tmp_path, demo):
    write_answers(tmp_path / "answers", reference_answer_file(demo))
    out = run_pytest(tmp_path, "--answers", "answers", "--results-json", "results.json")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "9 passed, 1 skipped" in out.stdout
    assert "needs instructor review" in out.stdout
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["version"] == 3 and doc["status"] == "pass" and doc["message"] is None
    assert [t["item"] for t in doc["tests"]] == [it.id for it in demo.items]  # file order
    assert [t["task_id"] for t in doc["tests"]] == list(range(1, 11))
    for t in doc["tests"]:
        assert set(t) >= {
            "name",
            "status",
            "message",
            "test_code",
            "output",
            "task_id",
            "points",
            "max_points",
            "score",
        }
        assert t["status"] in ("pass", "fail")
    assert doc["points"] == 17 and doc["max_points"] == 21 and doc["max_score"] == 21 and doc["review_points"] == 4
    assert sum(t["score"] for t in doc["tests"]) == doc["points"]


def test_blank_answers_are_skipped_not_attempted(tmp_path):
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "demo.yaml").write_text("# nothing yet\n", encoding="utf-8")
    out = run_pytest(tmp_path, "--answers", "answers")
    assert out.returncode == 0, out.stdout
    assert "10 skipped" in out.stdout and "not attempted" in out.stdout
    doc = json.loads((tmp_path / "answers" / ".results.json").read_text())  # the default path
    assert doc["status"] == "fail" and doc["points"] == 0
    assert {t["outcome"] for t in doc["tests"]} == {"not-attempted"}


def test_wrong_and_partial_answers_fail_with_learner_messages(tmp_path, demo):
    ref = reference_answer_file(demo)
    ref["demo-abolition-body"] = "c"
    ref["demo-rashidun-order"] = ["b", "d", "c", "a"]
    write_answers(tmp_path / "answers", ref)
    out = run_pytest(tmp_path, "--answers", "answers", "--results-json", "r.json")
    assert out.returncode == 1
    assert "2 failed, 7 passed, 1 skipped" in out.stdout
    assert "Khilafat Conference campaigned in India" in out.stdout  # per-choice feedback
    assert "Hint 1 of 2" in out.stdout
    assert "Partial credit: 1.67 of 2 points" in out.stdout
    assert "Traceback" not in out.stdout and "def runtest" not in out.stdout
    assert "exercise points" in out.stdout and "demo: 15.67 / 21 points" in out.stdout
    doc = json.loads((tmp_path / "r.json").read_text())
    by_item = {t["item"]: t for t in doc["tests"]}
    assert by_item["demo-rashidun-order"]["outcome"] == "partial"
    assert by_item["demo-rashidun-order"]["points"] == pytest.approx(5 / 3, abs=1e-3)
    assert by_item["demo-abolition-body"]["status"] == "fail" and "Hint" in by_item["demo-abolition-body"]["message"]


def test_unreadable_answer_file_is_one_failing_test(tmp_path):
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "demo.yaml").write_text("demo-abolition-body: [b\n", encoding="utf-8")
    out = run_pytest(tmp_path, "--answers", "answers")
    assert out.returncode == 1
    assert "1 failed, 10 skipped" in out.stdout
    assert "demo.yaml, line 1: the answer to 'demo-abolition-body'" in out.stdout  # where the [ opens
    assert "Traceback" not in out.stdout


def test_missing_answers_folder_is_a_usage_error(tmp_path):
    out = run_pytest(tmp_path, "--answers", "nope")
    assert out.returncode == 4 and "course start" in out.stderr and "Traceback" not in out.stderr


def test_plugin_does_nothing_without_answers(tmp_path):
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and "1 passed" in out.stdout
    assert "exercise points" not in out.stdout
    assert not list(tmp_path.rglob("*.json"))


def test_set_option_selects_sets(tmp_path, demo):
    write_answers(tmp_path / "answers", reference_answer_file(demo))
    out = run_pytest(tmp_path, "--answers", "answers", "--exercise-set", "nosuch")
    assert out.returncode == 4 and "no such exercise set" in out.stderr
    out = run_pytest(tmp_path, "--answers", "answers", "--exercise-set", "demo", "-k", "abolition")
    assert out.returncode == 0 and "2 passed" in out.stdout

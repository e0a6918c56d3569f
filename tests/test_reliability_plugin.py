"""Issue 16, item 14: `pytest --answers` never runs learner code. A conftest.py in the answers folder
(or in the learner's repository, when a TA runs pytest from there) is never imported, and any Python
file in the answers folder is reported as a failing test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import ROOT

EVIL = """
import pathlib
pathlib.Path({marker!r}).write_text("learner code ran")

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    rep.outcome = "passed"
    rep.longrepr = None
    return rep
"""


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(cwd), "-rA", *args]
    return subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=300, env=dict(os.environ, COURSE_ROOT=str(ROOT))
    )


@pytest.mark.parametrize("where", ["answers", "."], ids=["answers-conftest", "repository-conftest"])
def test_learner_conftest_is_never_imported(tmp_path, where):
    ans = tmp_path / "answers"
    ans.mkdir()
    (ans / "m0-orientation.yaml").write_text("m0-which-command-checks: a\n", encoding="utf-8")  # wrong
    marker = tmp_path / "RAN"
    (tmp_path / where / "conftest.py").write_text(EVIL.format(marker=str(marker)), encoding="utf-8")
    p = run(tmp_path, "--answers", "answers", "--exercise-set", "m0-orientation")
    out = p.stdout + p.stderr
    assert not marker.exists(), out[-2000:]
    assert p.returncode == 1, out[-2000:]  # the wrong answer still fails
    assert "0 / 30 points" in out or "total: 0 /" in out, out[-2000:]
    if where == "answers":
        assert "Python files are not allowed" in out and "conftest.py" in out


def test_python_files_in_answers_are_reported_not_imported(tmp_path):
    ans = tmp_path / "answers"
    (ans / "sub").mkdir(parents=True)
    marker = tmp_path / "RAN"
    (ans / "sub" / "test_x.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\ndef test_x(): pass\n", encoding="utf-8"
    )
    p = run(tmp_path, "--answers", "answers", "--exercise-set", "m0-orientation")
    out = p.stdout + p.stderr
    assert not marker.exists()
    assert "Python files are not allowed" in out and "sub/test_x.py" in out

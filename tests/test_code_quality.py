"""The house's habits, checked on every run (issue 12): ruff lint and format, the import contracts in
pyproject.toml (layers, no circles) and no function rated D or worse by radon.

Each test runs the real tool; a finding fails the test with the tool's own report, which says what to fix.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON_TREES = ["course", "tests", "bench", "conf.py"]


def _run(*cmd: str) -> subprocess.CompletedProcess:
    tool = BIN / cmd[0]
    if not tool.exists():
        pytest.fail(f"{cmd[0]} is not installed in {BIN}; install the test tools: pip install -e '.[test]'")
    return subprocess.run([str(tool), *cmd[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint_is_clean():
    got = _run("ruff", "check", "--no-cache", *PYTHON_TREES)
    assert got.returncode == 0, got.stdout[-4000:] + got.stderr[-2000:]


def test_ruff_format_is_applied():
    got = _run("ruff", "format", "--check", "--no-cache", *PYTHON_TREES)
    assert got.returncode == 0, (
        "run `.venv/bin/ruff format` to apply the house style:\n" + got.stdout[-4000:] + got.stderr[-2000:]
    )


def test_import_contracts_hold():
    got = _run("lint-imports", "--no-cache")
    assert got.returncode == 0, got.stdout[-6000:] + got.stderr[-2000:]
    assert "0 broken" in got.stdout, got.stdout[-3000:]


def test_import_contracts_can_fail(tmp_path):
    """The contracts are live: a module of the data layer that imports a view breaks them."""
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(ROOT / "course", copy / "course", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "course" / "content" / "zz_bad.py").write_text("import course.sphinxext\n")
    got = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert got.returncode != 0, got.stdout[-3000:]
    assert "course.content.zz_bad -> course.sphinxext" in got.stdout, got.stdout[-3000:]


def test_no_function_is_rated_d_or_worse():
    from radon.complexity import cc_rank, cc_visit

    worst = []
    for path in sorted((ROOT / "course").rglob("*.py")):
        blocks = cc_visit(path.read_text(encoding="utf-8"))
        for block in [m for b in blocks for m in getattr(b, "methods", None) or [b]]:
            if cc_rank(block.complexity) >= "D":
                worst.append(
                    f"{path.relative_to(ROOT)}:{block.lineno} {block.fullname} "
                    f"{cc_rank(block.complexity)} ({block.complexity})"
                )
    assert not worst, "split these into smaller steps (radon cc -s course):\n" + "\n".join(worst)

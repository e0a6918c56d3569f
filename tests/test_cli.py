"""The `course` command: clear errors, never a traceback; doctor prints install commands."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import IN_CI, ROOT


def course(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "course", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def test_help_lists_the_commands():
    res = course("--help")
    assert res.returncode == 0
    for cmd in ("build", "doctor", "preview"):
        assert cmd in res.stdout


def test_bad_format_is_a_clear_error_without_traceback():
    res = course("build", "docx")
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "docx" in res.stderr


def test_pdf_without_tex_names_the_apt_line(tmp_path):
    # hide TeX from PATH: the build must stop with the exact install command
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    res = course("build", "pdf", "--builddir", str(tmp_path / "b"), env={"PATH": str(bin_dir)})
    assert res.returncode == 1, res.stderr  # wrong input (a missing tool), not wrong usage: 1
    assert "apt-get install" in res.stderr and "texlive-xetex" in res.stderr and "fonts-hosny-amiri" in res.stderr
    assert "Traceback" not in res.stderr


def test_doctor_reports_and_exits_by_state():
    res = course("doctor")
    assert "course doctor" in res.stdout
    if IN_CI:
        assert res.returncode == 0, res.stdout
    elif res.returncode != 0:
        assert "To install what is missing" in res.stdout

"""Shared test fixtures: each book output is built once per test session and shared.

Outputs go to ``_build/test/`` so they can be inspected after a run. A test that needs a system tool
(XeLaTeX, poppler, epubcheck, Chromium) is skipped with the install command when the tool is
missing, except under CI (``CI=true``), where a missing tool is a failure: CI never skips silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from course.build import TEX_INSTALL, build, missing_tex

ROOT = Path(__file__).resolve().parent.parent
# COURSE_TEST_BUILD lets two test runs on one machine build into different folders.
BUILD = Path(os.environ.get("COURSE_TEST_BUILD", ROOT / "_build" / "test")).resolve()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

INSTALL = {
    "tex": TEX_INSTALL,
    "pdftotext": "sudo apt-get install -y poppler-utils",
    "pdffonts": "sudo apt-get install -y poppler-utils",
    "epubcheck": "sudo apt-get install -y --no-install-recommends epubcheck",
    "chromium": "sudo apt-get install -y --no-install-recommends chromium",
}


def require(tool: str) -> None:
    """Skip (locally) or fail (under CI) when a system tool is missing."""
    if tool == "tex":
        missing = missing_tex()
        ok = not missing
        what = ", ".join(missing)
    elif tool == "epubcheck":
        ok = Path("/usr/share/java/epubcheck.jar").exists() and shutil.which("java") is not None
        what = "epubcheck"
    elif tool == "chromium":
        ok = Path("/usr/bin/chromium").exists()
        what = "chromium"
    else:
        ok = shutil.which(tool) is not None
        what = tool
    if not ok:
        msg = f"{what} is not installed; install it with: {INSTALL.get(tool, tool)}"
        if IN_CI:
            pytest.fail(f"CI must not skip: {msg}")
        pytest.skip(msg)


_cache: dict[tuple, object] = {}


def built(fmt: str, edition: str = "student", readings: str | None = None):
    """Build (once per session) and return the BuildResult; a failed build fails the test."""
    key = (fmt, edition, readings)
    if key not in _cache:
        if fmt in ("pdf", "reader"):
            require("tex")
        try:
            _cache[key] = build(fmt, edition=edition, builddir=BUILD, readings=readings, root=ROOT)
        except Exception as exc:  # keep the failure for every test that needs this output
            _cache[key] = exc
    res = _cache[key]
    if isinstance(res, Exception):
        pytest.fail(f"build {key} failed: {res}")
    return res


@pytest.fixture(scope="session")
def html_student():
    return built("html", "student")


@pytest.fixture(scope="session")
def html_instructor():
    return built("html", "instructor")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

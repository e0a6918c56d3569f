"""Shared by the SCORM tests: the packages (exported once per test session from the session's
student HTML build), scorm-again's SCORM 1.2 runtime, and whether the real self-check is in the
built pages (else the runtime tests use the test double in tests/data/scorm/)."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import BUILD, IN_CI, ROOT, built

SCORM_AGAIN_DEFAULT = ROOT / ".ci" / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
SCORM_AGAIN_INSTALL = "cd .ci && npm install --prefix . scorm-again@2 (or set COURSE_SCORM_AGAIN_JS to scorm12.min.js)"
FAKE_SELFCHECK = ROOT / "tests" / "data" / "scorm" / "fake-selfcheck.js"
OUT = BUILD / "scorm"

_cache: dict = {}


def packages():
    """ExportResult of `course export scorm --whole-course` over the session's student HTML build."""
    if "res" not in _cache:
        from course.lms.scorm import export_scorm

        html = built("html", "student").output.parent
        try:
            _cache["res"] = export_scorm(OUT, whole_course=True, html_dir=html, force=True, root=ROOT)
        except Exception as exc:  # every test that needs the packages fails with the reason
            _cache["res"] = exc
    res = _cache["res"]
    if isinstance(res, Exception):
        pytest.fail(f"course export scorm failed: {res}")
    return res


def package(name: str):
    for p in packages().packages:
        if p.name == name:
            return p
    raise KeyError(name)


def unpacked(name: str) -> Path:
    """The package, unzipped (once) under _build/test/scorm/unzipped/<name>/."""
    dest = OUT / "unzipped" / name
    if ("unzipped", name) not in _cache:
        if dest.exists():
            shutil.rmtree(dest)
        with zipfile.ZipFile(package(name).path) as zf:
            zf.extractall(dest)
        _cache[("unzipped", name)] = dest
    return dest


def scorm_again_js() -> Path:
    p = Path(os.environ.get("COURSE_SCORM_AGAIN_JS") or SCORM_AGAIN_DEFAULT)
    if not p.is_file():
        msg = f"scorm-again is not installed; run: {SCORM_AGAIN_INSTALL}"
        if IN_CI:
            pytest.fail(f"CI must not skip: {msg}")
        pytest.skip(msg)
    return p


def real_checker(pkg_dir: Path) -> bool:
    """True when the package's pages carry the real in-page self-check (a script of the package,
    other than the SCORM bridge, that defines window.courseSelfCheck)."""
    for js in pkg_dir.rglob("*.js"):
        if js.name.startswith("scorm-") or js.name == "searchindex.js":
            continue
        if "courseSelfCheck" in js.read_text(encoding="utf-8", errors="replace"):
            return True
    return False

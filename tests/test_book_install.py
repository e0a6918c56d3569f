"""Install and doctor: `make book` installs the runtime only and `make test` adds the test extra;
`course doctor` reports every tool the tests use and does not call a machine complete when tests
would skip; an interrupted build is detected and redone from scratch."""

from __future__ import annotations

import re

from conftest import ROOT
from rich.console import Console

from course import doctor
from course.build import _marker, recover_interrupted


def _recipe(makefile: str, target: str) -> str:
    m = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert m, f"no rule for {target}"
    return m.group(1)


def test_make_book_installs_runtime_only_and_make_test_the_extra():
    mk = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^book: \$\(STAMP\)", mk, re.M)
    assert re.search(r"^test: \$\(TEST_STAMP\)", mk, re.M)
    runtime = _recipe(mk, "$(STAMP)")
    assert "pip install -q -e .\n" in runtime and "[test]" not in runtime
    assert "'.[test]'" in _recipe(mk, "$(TEST_STAMP)")


def test_doctor_lists_every_test_tool_and_says_when_tests_would_skip(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_AXE_JS", str(tmp_path / "missing-axe.min.js"))
    monkeypatch.setattr(doctor, "_axe_path", lambda: None)
    rows = doctor.checks()
    names = " | ".join(r[0] for r in rows)
    for tool in (
        "axe-core",
        "Chromium",
        "epubcheck",
        "pdftotext",
        "node",
        "playwright",
        "pytest",
        "Linux Libertine",
        "Amiri",
        "xelatex",
    ):
        assert tool in names, tool
    console = Console(record=True, width=120)
    doctor.run_doctor(console)
    out = console.export_text()
    assert "Everything is installed" not in out
    assert "axe-core" in out and "npm install" in out


def test_an_interrupted_build_is_redone_from_scratch(tmp_path):
    out, doctrees = tmp_path / "html", tmp_path / "doctrees"
    out.mkdir()
    doctrees.mkdir()
    (out / "searchindex.js").write_text('Search.setIndex({"docnames": ["index"]})', encoding="utf-8")
    assert recover_interrupted(out, doctrees) is None and out.exists()
    (out / "searchindex.js").write_text('Search.setIndex({"docnames": ["ind', encoding="utf-8")  # killed mid-write
    msg = recover_interrupted(out, doctrees)
    assert msg and "damaged" in msg and not out.exists() and not doctrees.exists()
    out.mkdir()
    _marker(out).write_text("", encoding="utf-8")
    assert _marker(out).parent == out.parent  # beside the output, never packed into it
    msg = recover_interrupted(out, doctrees)
    assert msg and "interrupted" in msg and not out.exists() and not _marker(out).exists()

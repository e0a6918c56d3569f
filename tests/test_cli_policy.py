"""One exit-code policy for every command of ``course`` (documented in ``course --help``):

    0 ok · 1 findings or wrong input · 2 usage (click's UsageError)

Every command runs with (a) good input, (b) wrong input and (c) a usage error; each run must give
its code and never a traceback. The commands run in this process through ``course.cli.main`` (the
console script's entry point), which turns even a bug into a message and exit 70 rather than a
traceback, so an unexpected code shows up here as a failure. The few back ends that would take
minutes or start a server (the book build, the live preview, the SCORM packager, the toolchain
probe) are replaced by stand-ins in the good case: what is tested is the command's mapping of
their outcome to an exit code. Two runs through ``python -m course`` check the real process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT
from ruamel.yaml import YAML

from course.cli import main
from course.exercises import load_all_sets, reference_answer_file

SET = "m0-orientation"
ITEM = "m0-which-command-checks"


@pytest.fixture(scope="module")
def m0():
    return next(s for s in load_all_sets(ROOT) if s.id == SET)


def _dump(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        YAML(typ="safe").dump(data, fh)
    return path


@pytest.fixture
def w(tmp_path, m0, monkeypatch):
    """A working folder: answers/ with the reference answers of one set, answers-wrong/ with a wrong
    one, subs/ with one learner's submission, empty/ with nothing, and a broken exercise set."""
    monkeypatch.chdir(tmp_path)
    ref = reference_answer_file(m0)
    _dump(tmp_path / "answers" / f"{SET}.yaml", ref)
    wrong = dict(ref)
    single = next(it for it in m0.items if it.type == "single")
    wrong[single.id] = next(k for k in single.choices if k != ref[single.id])
    _dump(tmp_path / "answers-wrong" / f"{SET}.yaml", wrong)
    _dump(tmp_path / "subs" / "alice" / f"{SET}.yaml", ref)
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken" / "exercises").mkdir(parents=True)
    (tmp_path / "broken" / "exercises" / "x.yaml").write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    return tmp_path


def fake_build(fmt, edition="student", builddir=None, readings=None, progress=None, **_):
    progress("html", "writing", 50)
    return SimpleNamespace(fmt=fmt, edition=edition, seconds=0.1, output=Path("_build/index.html"), coverage=[])


def fake_scorm(output, **_):
    return SimpleNamespace(packages=[], build_seconds=0.0, assemble_seconds=0.0, notes=[])


def doctor_finds_a_gap(con) -> bool:
    con.print("xelatex: missing")
    return False


def no_tex(monkeypatch, w):
    bin_dir = w / "bin"
    bin_dir.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(bin_dir))


def no_autobuild(monkeypatch, w):
    monkeypatch.setattr("shutil.which", lambda *_: None)
    monkeypatch.setattr(sys, "executable", str(w / "no-such-python"))


# command: (good args, wrong-input args, usage-error args); a callable sets up that case first
CASES = {
    "start": (["start", SET, "--answers", "new"], ["start", "no-such-set"], ["start", "--no-such-option"]),
    "check": (["check"], ["check", "--answers", "answers-wrong"], ["check", "--no-such-option"]),
    "next": (["next", SET, "--answers", "empty"], ["next", "no-such-set"], ["next", "--no-such-option"]),
    "hint": (["hint", ITEM], ["hint", "no-such-item"], ["hint"]),
    "reveal": (["reveal", ITEM, "--yes"], ["reveal", "no-such-item", "--yes"], ["reveal", "--yes"]),
    "progress": (["progress"], ["progress", "--exercises", "empty"], ["progress", "extra-argument"]),
    "watch": (
        ["watch", SET, "--stop-after", "1"],
        ["watch", "--answers", "no-such-folder"],
        ["watch", "--stop-after", "many"],
    ),
    "submit": (["submit", "--out", "hand-in.zip"], ["submit", "--answers", "empty"], ["submit", "--no-such-option"]),
    "diagnostic": (
        ["diagnostic", "a", "--answers", "empty"],
        ["diagnostic", "--answers", "answers-diag"],
        ["diagnostic", "c"],
    ),
    "grade": (["grade", "subs", "--csv", "g.csv"], ["grade", "no-such-folder", "--csv", "g.csv"], ["grade", "subs"]),
    "marking": (
        ["marking", "subs", "--out", "m.csv"],
        ["marking", "no-such-folder", "--out", "m.csv"],
        ["marking", "subs"],
    ),
    "export moodle": (
        ["export", "moodle", "--set", SET, "--out", "m.xml"],
        ["export", "moodle", "--set", "no-such-set", "--out", "m.xml"],
        ["export", "moodle", "--no-such-option"],
    ),
    "export qti": (
        ["export", "qti", "--set", SET, "--out", "q.zip"],
        ["export", "qti", "--set", "no-such-set"],
        ["export", "qti", "--out", "q.xml"],
    ),
    "export scorm": (
        ["export", "scorm", "--output", "pkg", "--html", "."],
        ["export", "scorm", "--output", "pkg", "--html", "no-such-build"],
        ["export", "scorm", "--output", "pkg", "--mastery", "most"],
    ),
    "build": (["build", "html", "--builddir", "b"], ["build", "pdf", "--builddir", "b"], ["build", "docx"]),
    "preview": (["preview"], ["preview"], ["preview", "--port", "http"]),
    "validate": (["validate", SET], ["validate", "--exercises", "broken/exercises"], ["validate", "--no-such-option"]),
    "schema": (["schema", "--out", "schema.json"], ["schema", "--out", "a-file/schema.json"], ["schema", "extra"]),
    "doctor": (["doctor"], ["doctor"], ["doctor", "--no-such-option"]),
    "(no command)": (["--version"], None, ["no-such-command"]),
}

# stand-ins for back ends that take minutes or start a server (see the module docstring)
GOOD_SETUP = {
    "build": lambda mp, w: mp.setattr("course.build.build", fake_build),
    "preview": lambda mp, w: mp.setattr("subprocess.call", lambda cmd: 0),
    "export scorm": lambda mp, w: mp.setattr("course.lms.scorm.export_scorm", fake_scorm),
    "doctor": lambda mp, w: mp.setattr("course.doctor.run_doctor", lambda con: True),
}
WRONG_SETUP = {
    "build": no_tex,  # the PDF needs TeX: the message names the install command
    "preview": no_autobuild,  # sphinx-autobuild is not installed
    "doctor": lambda mp, w: mp.setattr("course.doctor.run_doctor", doctor_finds_a_gap),  # something is missing
    "diagnostic": lambda mp, w: _dump(w / "answers-diag" / "diagnostic-a.yaml", {"p1": "perhaps"}),
}


def run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "internal error" not in err, err
    return code, out, err


@pytest.mark.parametrize("name", list(CASES))
def test_good_input_exits_0(name, w, capsys, monkeypatch):
    if name in GOOD_SETUP:
        GOOD_SETUP[name](monkeypatch, w)
    code, out, err = run(CASES[name][0], capsys)
    assert code == 0, out + err


@pytest.mark.parametrize("name", [n for n in CASES if CASES[n][1] is not None])
def test_wrong_input_exits_1_with_one_message(name, w, capsys, monkeypatch):
    if name in WRONG_SETUP:
        WRONG_SETUP[name](monkeypatch, w)
    code, out, err = run(CASES[name][1], capsys)
    assert code == 1, out + err
    assert (err + out).strip(), "exit 1 without saying why"


@pytest.mark.parametrize("name", list(CASES))
def test_usage_error_exits_2(name, w, capsys):
    code, out, err = run(CASES[name][2], capsys)
    assert code == 2, out + err
    assert "Usage:" in err or "Error:" in err, err


def test_check_exits_1_only_while_an_answer_is_wrong(w, capsys):
    assert run(["check", "--answers", "answers"], capsys)[0] == 0
    assert run(["check", "--answers", "answers-wrong"], capsys)[0] == 1
    _dump(w / "blank" / f"{SET}.yaml", {})  # nothing answered yet is not wrong
    assert run(["check", "--answers", "blank"], capsys)[0] == 0


def test_help_documents_the_policy_and_groups_the_commands(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    assert "Exit codes: 0 ok; 1 findings or wrong input" in flat and "2 usage" in flat
    sections = [out.index(f"{title}:") for title in ("Learners", "Instructors", "Authors")]
    assert sections == sorted(sections)
    learners, instructors, authors = out[sections[0] : sections[1]], out[sections[1] : sections[2]], out[sections[2] :]
    assert "  check " in learners and "  grade " in instructors and "  build " in authors
    assert "  build " not in learners and "  check " not in authors


@pytest.mark.parametrize("args, code", [(["check", "--answers", "no-such-folder"], 1), (["build", "docx"], 2)])
def test_the_real_process_has_the_same_codes(w, args, code):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COURSE_ROOT": str(ROOT)}
    p = subprocess.run(
        [sys.executable, "-m", "course", *args], capture_output=True, text=True, cwd=w, env=env, timeout=120
    )
    assert p.returncode == code, p.stderr
    assert "Traceback" not in p.stderr and p.stderr.strip()


def test_check_loads_neither_the_book_nor_the_exports(w):
    """`course check` imports only what it needs: no Sphinx, docutils, matplotlib or lxml, none of the
    author or instructor commands, the book build or the LMS exports (bench/bench_book.py P3 times it)."""
    probe = (
        "import runpy, sys\nsys.argv = ['course', 'check']\n"
        "try:\n    runpy.run_module('course', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print('MODULES=' + ' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COURSE_ROOT": str(ROOT)}
    p = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=w, env=env, timeout=120)
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("MODULES=")), "MODULES=")
    loaded = set(line.removeprefix("MODULES=").split())
    assert "course.cli.learner" in loaded, p.stdout[-2000:] + p.stderr
    heavy = sorted(
        m
        for m in loaded
        if m.split(".")[0] in ("sphinx", "docutils", "matplotlib", "lxml")
        or m.startswith(
            (
                "course.cli.author",
                "course.cli.instructor",
                "course.build",
                "course.lms",
                "course.sphinxext",
                "course.exercises.gradebook",
            )
        )
    )
    assert heavy == [], heavy

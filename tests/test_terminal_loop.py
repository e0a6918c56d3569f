"""Issue 13, the terminal loop: `course next`, `course submit` (a zip with a manifest that `course
grade` reads) and `course watch` (re-checks on every save)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile

from click.testing import CliRunner
from reliability_helpers import ROOT, dump

from course.cli import cli
from course.exercises import load_all_sets, reference_answer_file
from course.exercises.gradebook import grade_all


def _answers(tmp_path, text):
    ans = tmp_path / "answers"
    ans.mkdir()
    (ans / "m0-orientation.yaml").write_text(text, encoding="utf-8")
    return ans


def test_next_shows_the_first_unanswered_item_and_its_line(tmp_path):
    runner = CliRunner()
    ans = tmp_path / "answers"
    assert runner.invoke(cli, ["start", "m0-orientation", "--answers", str(ans)]).exit_code == 0
    path = ans / "m0-orientation.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("m0-which-command-checks:\n", "m0-which-command-checks: b\n"),
        encoding="utf-8",
    )
    r = runner.invoke(cli, ["next", "m0-orientation", "--answers", str(ans)])
    assert r.exit_code == 0, r.output
    assert "m0-commands-match" in r.output and "#2" in r.output
    line = next(
        i
        for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ln.startswith("m0-commands-match:")
    )
    assert f"line {line}" in r.output.replace("\n", " ")


def test_next_when_everything_is_answered(tmp_path):
    s = next(x for x in load_all_sets(ROOT) if x.id == "m0-orientation")
    ans = _answers(tmp_path, dump(reference_answer_file(s)))
    r = CliRunner().invoke(cli, ["next", "m0-orientation", "--answers", str(ans)])
    assert r.exit_code == 0 and "has an answer" in r.output


def test_submit_writes_a_zip_that_course_grade_reads(tmp_path):
    sets = load_all_sets(ROOT)
    s = next(x for x in sets if x.id == "m0-orientation")
    ans = _answers(tmp_path, dump(reference_answer_file(s)))
    subs = tmp_path / "subs"
    subs.mkdir()
    r = CliRunner().invoke(cli, ["submit", "--answers", str(ans), "--out", str(subs / "amira.zip")])
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(subs / "amira.zip") as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("answers/MANIFEST.json"))
        assert zf.read("answers/m0-orientation.yaml") == (ans / "m0-orientation.yaml").read_bytes()
    assert names == ["answers/m0-orientation.yaml", "answers/MANIFEST.json"]
    (entry,) = manifest["files"]
    assert entry["set"] == "m0-orientation" and entry["points"] == s.max_points and len(entry["sha256"]) == 64
    (lg,) = grade_all(subs, sets).learners
    assert lg.learner == "amira" and not lg.problems and lg.points == s.max_points


def test_submit_without_answers_is_an_error(tmp_path):
    (tmp_path / "answers").mkdir()
    r = CliRunner().invoke(cli, ["submit", "--answers", str(tmp_path / "answers"), "--out", str(tmp_path / "x.zip")])
    assert r.exit_code == 1 and "no answer files" in r.output and not (tmp_path / "x.zip").exists()


def test_watch_checks_again_after_a_save(tmp_path):
    ans = _answers(tmp_path, "m0-which-command-checks: a\n")
    p = subprocess.Popen(
        [sys.executable, "-m", "course", "watch", "m0-orientation", "--answers", str(ans), "--stop-after", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, COLUMNS="120", NO_COLOR="1"),
    )
    try:
        deadline = time.time() + 60
        out = ""
        while "Watching" not in out and time.time() < deadline:
            out += p.stdout.readline()
        assert "Watching" in out, out
        time.sleep(0.5)
        (ans / "m0-orientation.yaml").write_text("m0-which-command-checks: b\n", encoding="utf-8")
        rest, _ = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    out += rest
    assert p.returncode == 0, out
    assert out.count("m0-orientation: Module 0") == 2, out


def test_yaml_error_is_reported_where_the_broken_answer_starts(tmp_path):
    from course.errors import CourseInputError
    from course.exercises.answers import load_answers_bytes

    s = next(x for x in load_all_sets(ROOT) if x.id == "m0-orientation")
    lines = ["# a comment"] * 18 + ["m0-self-study-order: [a, b"] + ["#"] * 17 + ["m0-byline-paragraph: 12"]
    try:
        load_answers_bytes("\n".join(lines).encode(), "answers/m0-orientation.yaml", s)
    except CourseInputError as exc:
        msg = str(exc)
    assert msg.startswith("answers/m0-orientation.yaml, line 19: the answer to 'm0-self-study-order'"), msg
    assert "noticed it at line 37" in msg


def test_paragraph_references_in_the_forms_people_write():
    from course.exercises.grading import grade_item

    it = next(
        i
        for s in load_all_sets(ROOT)
        for i in s.items
        if i.type == "locate" and i.reading == "critique-ht-foreign-policy"
    )
    n = it.required[0]
    for form in (
        f"C:{n}",
        f"C {n}",
        f"Reading C ¶{n}",
        f"reading c, ¶{n}",
        f"critique-ht-foreign-policy:{n}",
        f"critique-ht-foreign-policy {n}",
        f"¶{n}",
        n,
    ):
        got = grade_item(it, [form] + [r for r in it.required[1:]])
        assert got.status == "passed", (form, got.feedback)
    wrong = grade_item(it, ["B:3"])
    assert wrong.answer_error and "Reading B (al-waie-472)" in wrong.feedback and "Reading C" in wrong.feedback
    bad = grade_item(it, ["xyz"])
    assert "C:12" in bad.feedback  # the example names this question's reading


def test_paragraph_references_unquoted_in_a_flow_list_are_read():
    """`[C:5, C:6]` is YAML 1.2 (and what the page's reader accepts) but the C parser's YAML 1.1 refuses
    a ':' inside a flow-list scalar; the answer file must still read it, as the page does."""
    from course.exercises.answers import load_answers_bytes
    from course.exercises.grading import grade_item

    s = next(
        x
        for x in load_all_sets(ROOT)
        if any(i.type == "locate" and i.reading == "critique-ht-foreign-policy" for i in x.items)
    )
    it = next(i for i in s.items if i.type == "locate" and i.reading == "critique-ht-foreign-policy")
    refs = ", ".join(f"C:{n}" for n in it.required)
    af = load_answers_bytes(f"{it.id}: [{refs}]\n".encode(), f"answers/{s.id}.yaml", s)
    assert af.answers[it.id] == [f"C:{n}" for n in it.required]
    assert grade_item(it, af.answers[it.id]).status == "passed"

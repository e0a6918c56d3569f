"""`course grade`: folders and zips of submissions, a CSV with one row per learner and one column
per item, malformed submissions reported without stopping the run, and zip safety."""

from __future__ import annotations

import csv
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from course.cli import cli
from course.exercises import load_set, reference_answer_file
from course.exercises.gradebook import MAX_UNPACKED, grade_all, read_zip

DATA = Path(__file__).parent / "data" / "exercises"


@pytest.fixture(scope="module")
def demo():
    return load_set(DATA / "demo.yaml")


def dump(data) -> str:
    import io

    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    return buf.getvalue()


@pytest.fixture()
def subs(tmp_path, demo):
    """A submissions folder with good, partial, empty, broken and hostile submissions."""
    root = tmp_path / "submissions"
    root.mkdir()
    ref = reference_answer_file(demo)
    # alice: a cloned repository, all right
    (root / "alice" / "answers").mkdir(parents=True)
    (root / "alice" / "answers" / "demo.yaml").write_text(dump(ref), encoding="utf-8")
    # bob: a zip with a top folder (as GitHub's "Download ZIP" makes), two items wrong
    wrong = dict(ref, **{"demo-abolition-body": "a", "demo-abolition-year": 1900})
    with zipfile.ZipFile(root / "bob.zip", "w") as zf:
        zf.writestr("repo-main/answers/demo.yaml", dump(wrong))
        zf.writestr("repo-main/README.md", "hello")
    # carol: nothing answered
    (root / "carol").mkdir()
    # dave: invalid YAML
    (root / "dave").mkdir()
    (root / "dave" / "demo.yaml").write_text("demo-abolition-body: [b\n", encoding="utf-8")
    # eve: zip slip attempt
    with zipfile.ZipFile(root / "eve.zip", "w") as zf:
        zf.writestr("../../evil.yaml", "x: 1")
        zf.writestr("answers/demo.yaml", dump(ref))
    # frank: not a zip at all
    (root / "frank.zip").write_bytes(b"this is not a zip file")
    # a stray file
    (root / "notes.txt").write_text("instructor notes", encoding="utf-8")
    # "=cmd": a learner name that would be a spreadsheet formula
    (root / "=cmd").mkdir()
    (root / "=cmd" / "demo.yaml").write_text(dump({"demo-abolition-body": "b"}), encoding="utf-8")
    return root


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_grade_command_end_to_end(subs, tmp_path, demo):
    out = tmp_path / "out"
    r = CliRunner().invoke(
        cli,
        [
            "grade",
            str(subs),
            "--csv",
            str(out / "grades.csv"),
            "--json",
            "--feedback",
            str(out / "feedback"),
            "--exercises",
            str(DATA),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    rows = {row["learner"]: row for row in read_csv(out / "grades.csv")}
    assert set(rows) == {"alice", "bob", "carol", "dave", "eve", "frank", "'=cmd"}
    header = list(read_csv(out / "grades.csv")[0])
    assert header[:2] == ["learner", "submission"]
    assert header[2:12] == [it.id for it in demo.items]  # one column per item
    assert {"total demo", "points", "max_points", "percent", "review_items", "status", "problems"} <= set(header)

    a = rows["alice"]
    assert a["points"] == "17" and a["max_points"] == "21" and a["demo-history-use"] == "review"
    assert a["review_items"] == "1" and a["status"] == "ok"
    b = rows["bob"]
    assert b["demo-abolition-body"] == "0" and b["demo-abolition-year"] == "0" and b["points"] == "15"
    assert rows["carol"]["points"] == "0" and rows["carol"]["demo-history-use"] == "0"
    d = rows["dave"]
    assert d["status"] == "problems" and "dave/demo.yaml, line 1" in d["problems"] and d["points"] == "0"
    e = rows["eve"]
    assert e["status"] == "rejected" and "contains '..'" in e["problems"] and e["points"] == "0"
    assert rows["frank"]["status"] == "rejected" and "not a readable zip" in rows["frank"]["problems"]
    assert "notes.txt" in r.output  # the stray file is reported in the summary
    assert not (tmp_path / "evil.yaml").exists() and not (subs.parent / "evil.yaml").exists()

    report = json.loads((out / "grades.json").read_text())
    alice = next(lg for lg in report["learners"] if lg["learner"] == "alice")
    assert alice["results"]["version"] == 3 and alice["results"]["points"] == 17
    fb = sorted(p.name for p in (out / "feedback").iterdir())
    assert "alice.json" in fb and "cmd.json" in fb and all("/" not in n for n in fb)


def test_strict_mode_exits_nonzero(subs, tmp_path):
    r = CliRunner().invoke(
        cli, ["grade", str(subs), "--csv", str(tmp_path / "g.csv"), "--strict", "--exercises", str(DATA)]
    )
    assert r.exit_code == 1 and (tmp_path / "g.csv").exists()


def _zip(path: Path, entries: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    "entries,link,why",
    [
        ({"/abs/demo.yaml": b"x: 1"}, None, "absolute path"),
        ({"C:/Windows/demo.yaml": b"x: 1"}, None, "absolute path"),
        ({"a/../../demo.yaml": b"x: 1"}, None, "'..'"),
        ({"answers/demo.yaml": b"x: 1"}, "answers/link.yaml", "symbolic link"),
    ],
)
def test_unsafe_zip_entries_reject_the_archive(tmp_path, entries, link, why):
    sub = read_zip(_zip(tmp_path / "s.zip", entries, symlink=link), {"demo"})
    assert sub.rejected and why in sub.rejected and not sub.files


def test_zip_bomb_is_rejected_by_declared_size(tmp_path):
    big = b"0" * (MAX_UNPACKED + 1)  # compresses to a few kilobytes
    path = _zip(tmp_path / "bomb.zip", {"answers/demo.yaml": big})
    assert path.stat().st_size < 1024 * 1024
    sub = read_zip(path, {"demo"})
    assert sub.rejected and "over the" in sub.rejected


def test_oversized_member_is_refused_but_others_graded(tmp_path, demo):
    root = tmp_path / "subs"
    root.mkdir()
    _zip(root / "zed.zip", {"answers/demo.yaml": b"#" * (2 * 1024 * 1024)})
    report = grade_all(root, [demo])
    lg = report.learners[0]
    assert not lg.rejected and any("larger than the 1 MB" in p for p in lg.problems)
    assert lg.points == 0


def test_folder_symlinks_are_not_followed(tmp_path, demo):
    root = tmp_path / "subs"
    (root / "mallory").mkdir(parents=True)
    secret = tmp_path / "secret.yaml"
    secret.write_text(dump(reference_answer_file(demo)), encoding="utf-8")
    os.symlink(secret, root / "mallory" / "demo.yaml")
    os.symlink(tmp_path, root / "linked-learner")
    report = grade_all(root, [demo])
    assert [lg.learner for lg in report.learners] == ["mallory"]
    assert report.learners[0].points == 0
    assert any("symbolic link" in p for p in report.learners[0].problems)
    assert any("linked-learner" in s for s in report.skipped)


def test_answers_folder_preferred_over_other_copies(tmp_path, demo):
    root = tmp_path / "subs"
    (root / "pat" / "answers").mkdir(parents=True)
    (root / "pat" / "backup").mkdir()
    (root / "pat" / "answers" / "demo.yaml").write_text("demo-abolition-body: b\n", encoding="utf-8")
    (root / "pat" / "backup" / "demo.yaml").write_text("demo-abolition-body: a\n", encoding="utf-8")
    lg = grade_all(root, [demo]).learners[0]
    assert lg.points == 1 and not lg.problems


def test_nothing_written_outside_output_paths(subs, tmp_path):
    before = {p for p in tmp_path.rglob("*")}
    out = tmp_path / "out"
    CliRunner().invoke(
        cli, ["grade", str(subs), "--csv", str(out / "g.csv"), "--feedback", str(out / "fb"), "--exercises", str(DATA)]
    )
    after = {p for p in tmp_path.rglob("*")}
    new = after - before
    assert new and all(out in p.parents or p == out for p in new), sorted(map(str, new - {out}))


def test_missing_submissions_folder(tmp_path):
    r = CliRunner().invoke(
        cli, ["grade", str(tmp_path / "nope"), "--csv", str(tmp_path / "g.csv"), "--exercises", str(DATA)]
    )
    assert r.exit_code == 1 and "not a folder" in r.output and "Traceback" not in r.output

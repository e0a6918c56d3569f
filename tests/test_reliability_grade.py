"""Issue 16, items 1-9: one hostile submission never stops `course grade`, never hangs it, never
reaches the instructor's terminal or spreadsheet, and wrongly packaged or duplicate work is
reported, not silently scored 0 "ok"."""

from __future__ import annotations

import csv
import json
import os
import resource
import unicodedata
import zipfile
from pathlib import Path

import pytest
from reliability_helpers import ROOT, bounded, course, dump

from course.exercises import load_all_sets, reference_answer_file
from course.exercises.gradebook import grade_all

DATA = Path(__file__).parent / "data" / "reliability"
CONTROL = (
    [chr(c) for c in range(0x20) if c not in (0x0A,)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
)


@pytest.fixture(scope="module")
def sets():
    return load_all_sets(ROOT)


@pytest.fixture(scope="module")
def m0_ref(sets):
    return reference_answer_file(next(s for s in sets if s.id == "m0-orientation"))


def good(root: Path, name: str, ref: dict) -> Path:
    d = root / name / "answers"
    d.mkdir(parents=True)
    (d / "m0-orientation.yaml").write_text(dump(ref), encoding="utf-8")
    return root / name


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def grade_cli(subs: Path, out: Path, *extra) -> tuple:
    p = course("grade", subs, "--csv", out / "grades.csv", "--json", "--feedback", out / "fb", *extra, timeout=300)
    return p, (out / "grades.csv")


# --------------------------------------------------------------------------------------------------
# Item 1: an error while grading one submission never stops the class


def test_overflowing_answer_does_not_stop_the_class(tmp_path, m0_ref):
    subs = tmp_path / "subs"
    good(subs, "alice", m0_ref)
    bad = subs / "mallory" / "answers"
    bad.mkdir(parents=True)
    (bad / "m0-orientation.yaml").write_text("m0-byline-paragraph: 1" + "0" * 310 + "\n", encoding="utf-8")
    good(subs, "zed", m0_ref)
    p, csvp = grade_cli(subs, tmp_path)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "internal error" not in out
    rows = {r["learner"]: r for r in read_csv(csvp)}
    assert set(rows) == {"alice", "mallory", "zed"}
    assert rows["alice"]["points"] == rows["zed"]["points"] != "0"
    assert rows["mallory"]["m0-byline-paragraph"] == "0" and rows["mallory"]["status"] == "problems"
    assert (tmp_path / "grades.json").exists() and len(list((tmp_path / "fb").iterdir())) == 3


def test_unexpected_exception_in_one_submission_is_contained(tmp_path, m0_ref, sets, monkeypatch):
    import course.exercises.gradebook as GR

    subs = tmp_path / "subs"
    good(subs, "alice", m0_ref)
    good(subs, "bob", m0_ref)
    real = GR.grade_set

    def flaky(s, answers, **kw):
        if answers and "bob" in str(flaky.current):
            raise MemoryError("simulated")
        return real(s, answers, **kw)

    flaky.current = None
    real_grade_submission = GR.grade_submission

    def spy(sub, *a, **kw):
        flaky.current = sub.source
        return real_grade_submission(sub, *a, **kw)

    monkeypatch.setattr(GR, "grade_set", flaky)
    monkeypatch.setattr(GR, "grade_submission", spy)
    report = grade_all(subs, sets, jobs=0)
    by = {lg.learner: lg for lg in report.learners}
    assert by["alice"].points > 0 and not by["alice"].problems
    assert by["bob"].points == 0 and any("could not be graded" in p for p in by["bob"].problems)


# --------------------------------------------------------------------------------------------------
# Item 2: a FIFO named *.zip


def test_fifo_named_zip_is_skipped_not_opened(tmp_path, sets, m0_ref):
    subs = tmp_path / "subs"
    good(subs, "alice", m0_ref)
    os.mkfifo(subs / "pipe.zip")

    def run():
        r = grade_all(subs, sets)
        return [lg.learner for lg in r.learners], r.skipped

    (learners, skipped), _ = bounded(run, limit=30)
    assert learners == ["alice"]
    assert any("pipe.zip" in s and "not a regular file" in s for s in skipped)


# --------------------------------------------------------------------------------------------------
# Item 3: decompression bombs through bzip2 and LZMA members


def _peak_rss_grading(folder: str) -> tuple[int, list]:
    """Grade ``folder`` in this (forked) process; return the peak RSS in MB of it and its children."""
    r = grade_all(Path(folder), load_all_sets(ROOT))
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    return peak // 1024, [(lg.learner, lg.rejected, lg.problems) for lg in r.learners]


@pytest.mark.parametrize("bomb", ["bomb-bzip2.zip", "bomb-lzma.zip"])
def test_decompression_bomb_is_rejected_with_bounded_memory(tmp_path, bomb):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / bomb).write_bytes((DATA / bomb).read_bytes())
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    (peak, learners), _ = bounded(_peak_rss_grading, str(subs), limit=60)
    ((name, rejected, problems),) = learners
    assert rejected and ("bzip2" in rejected or "LZMA" in rejected) and "compression" in rejected
    assert peak < max(base, 200) + 150, f"peak {peak} MB (test process before: {base} MB)"


# --------------------------------------------------------------------------------------------------
# Item 4: a per-submission time budget


def test_slow_submission_is_reported_and_the_class_goes_on(tmp_path, sets, m0_ref, monkeypatch):
    import time

    import course.exercises.gradebook as GR

    subs = tmp_path / "subs"
    good(subs, "alice", m0_ref)
    good(subs, "slowpoke", m0_ref)
    good(subs, "zed", m0_ref)
    real = GR.grade_submission

    def slow(sub, *a, **kw):
        if sub.learner == "slowpoke":
            time.sleep(60)
        return real(sub, *a, **kw)

    monkeypatch.setattr(GR, "grade_submission", slow)

    def run():
        r = GR.grade_all(subs, sets, jobs=2, timeout=2)
        return [(lg.learner, lg.points, lg.problems) for lg in r.learners]

    learners, secs = bounded(run, limit=30)
    by = {n: (pts, probs) for n, pts, probs in learners}
    assert list(by) == ["alice", "slowpoke", "zed"]
    assert by["alice"][0] == by["zed"][0] > 0
    assert by["slowpoke"][0] == 0 and any("too slow" in p for p in by["slowpoke"][1])


# --------------------------------------------------------------------------------------------------
# Item 5: CSV formula injection


def test_csv_cannot_be_split_by_a_carriage_return_in_a_folder_name(tmp_path, m0_ref):
    subs = tmp_path / "subs"
    good(subs, "alice", m0_ref)
    good(subs, "x\r=cmd|' -C calc'!A0", m0_ref)
    good(subs, "@SUM(1+1)", m0_ref)
    good(subs, "+thing", m0_ref)
    p, csvp = grade_cli(subs, tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    with open(csvp, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 5, rows
    width = len(rows[0])
    for row in rows:
        assert len(row) == width
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
            assert not any(c in cell for c in CONTROL), repr(cell)
    raw = csvp.read_bytes().decode("utf-8")
    assert "\r\n" in raw and raw.count('"') >= 2 * width * 5  # every field quoted


# --------------------------------------------------------------------------------------------------
# Item 6: terminal escape sequences


def test_escape_sequences_never_reach_the_terminal(tmp_path, m0_ref):
    subs = tmp_path / "subs"
    good(subs, "alice", m0_ref)
    evil = subs / "eve\x1b[1A\x1b[2K\u202eevil" / "answers"
    evil.mkdir(parents=True)
    (evil / "m0-orientation.yaml").write_text(
        'm0-which-command-checks: "\\e[1A\\e[2K\\x9b2J\u202e"\nm0-which-command-typo: 1\n', encoding="utf-8"
    )
    p, csvp = grade_cli(subs, tmp_path)
    for stream in (p.stdout, p.stderr):
        assert "\x1b" not in stream and "\u202e" not in stream and "\x9b" not in stream, repr(stream)
    assert "eve" in p.stdout
    for f in [tmp_path / "grades.json", *(tmp_path / "fb").iterdir()]:
        text = f.read_text(encoding="utf-8")
        assert "\u202e" not in text and "\\u001b" not in text and "\x9b" not in text, f


def test_escape_sequences_in_answers_never_reach_the_learners_terminal(tmp_path):
    ans = tmp_path / "answers"
    ans.mkdir()
    (ans / "m0-orientation.yaml").write_text(
        'm0-which-command-checks: "\\e[1A\\e[2K\u202ex"\nm0-letter-name: "\\e]0;owned\\a"\n', encoding="utf-8"
    )
    p = course("check", "m0-orientation", "--answers", ans)
    out = p.stdout + p.stderr
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out, repr(out)


# --------------------------------------------------------------------------------------------------
# Item 7: wrongly packaged work


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_wrongly_packaged_work_is_reported_never_ok(tmp_path, sets, m0_ref):
    subs = tmp_path / "subs"
    subs.mkdir()
    text = dump(m0_ref).encode()
    inner = tmp_path / "inner.zip"
    _zip(inner, {"answers/m0-orientation.yaml": text})
    _zip(subs / "zipinzip.zip", {"answers.zip": inner.read_bytes()})
    _zip(subs / "emptyzip.zip", {})
    (subs / "txt" / "answers").mkdir(parents=True)
    (subs / "txt" / "answers" / "m0-orientation.yaml.txt").write_bytes(text)
    deep = subs / "deep" / "a" / "b" / "c" / "d" / "e" / "f" / "g" / "h" / "i" / "answers"
    deep.mkdir(parents=True)
    (deep / "m0-orientation.yaml").write_bytes(text)
    (subs / "linked").mkdir()
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "m0-orientation.yaml").write_bytes(text)
    (subs / "linked" / "answers").symlink_to(real)
    (subs / "hidden" / "answers").mkdir(parents=True)
    (subs / "hidden" / "answers" / ".m0-orientation.yaml").write_bytes(text)
    (subs / "empty").mkdir()
    (subs / "upper" / "answers").mkdir(parents=True)
    (subs / "upper" / "answers" / "M0-Orientation.yaml").write_bytes(text)
    report = grade_all(subs, sets)
    by = {lg.learner: lg for lg in report.learners}
    expect = {
        "zipinzip": "zip inside",
        "emptyzip": "empty",
        "txt": "did you mean m0-orientation.yaml",
        "deep": "deep",
        "linked": "symbolic link",
        "hidden": "hidden",
        "empty": "no answer file",
    }
    for name, words in expect.items():
        lg = by[name]
        text_ = " ".join(([lg.rejected] if lg.rejected else []) + lg.problems)
        assert words.lower() in text_.lower(), (name, text_)
    # letter case is a safe near-miss: accepted, with a note
    up = by["upper"]
    assert up.points == by["upper"].max_points - up.review_points or up.points > 0
    assert any("M0-Orientation.yaml" in p for p in up.problems)


# --------------------------------------------------------------------------------------------------
# Item 8: duplicate learner ids


def test_duplicate_learner_ids_are_flagged(tmp_path, sets, m0_ref):
    subs = tmp_path / "subs"
    subs.mkdir()
    text = dump(m0_ref).encode()
    good(subs, "dup-amira", m0_ref)
    _zip(subs / "dup-amira.zip", {"answers/m0-orientation.yaml": text})
    _zip(subs / "x.zip", {"answers/m0-orientation.yaml": text})
    _zip(subs / "x.ZIP", {"answers/m0-orientation.yaml": text})
    good(subs, "Dup-Case", m0_ref)
    good(subs, "dup-case", m0_ref)
    good(subs, unicodedata.normalize("NFC", "zoë"), m0_ref)
    good(subs, unicodedata.normalize("NFD", "zoë"), m0_ref)
    good(subs, "solo", m0_ref)
    report = grade_all(subs, sets)
    flagged = {
        lg.source.rsplit("/", 1)[-1] for lg in report.learners if any("duplicate" in p.lower() for p in lg.problems)
    }
    assert len(flagged) == 8, flagged
    assert not any("duplicate" in p.lower() for lg in report.learners if lg.learner == "solo" for p in lg.problems)


# --------------------------------------------------------------------------------------------------
# Item 9: huge problems cell


def test_problems_cell_is_capped_and_the_full_list_goes_to_feedback(tmp_path, m0_ref):
    subs = tmp_path / "subs"
    d = subs / "noisy" / "answers"
    d.mkdir(parents=True)
    (d / "m0-orientation.yaml").write_text(
        "".join(f"unknown-key-number-{i:05d}: x\n" for i in range(9000)), encoding="utf-8"
    )
    p, csvp = grade_cli(subs, tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    (row,) = read_csv(csvp)
    assert 1000 < len(row["problems"]) <= 32_000 and "more" in row["problems"]
    fb = json.loads(next((tmp_path / "fb").iterdir()).read_text(encoding="utf-8"))
    assert len(fb["problems"]) >= 9000
    assert len(p.stdout) < 200_000

"""Issue 16, items 11 and 12: `course start` never undoes an editor's save and leaves no temporary
file behind; a full disk, a read-only disk or a read-only folder is a one-paragraph error (exit 1),
never "internal error" (exit 70).

Disk-full and read-only cases use a real tmpfs when the tests run as root (as in CI's container);
otherwise the same failures are injected at the system-call boundary."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_helpers import ROOT, course

from course.cli import cli
from course.exercises import load_all_sets
from course.exercises import templates as T
from course.exercises.answers import load_answers


@pytest.fixture(scope="module")
def m0():
    return next(s for s in load_all_sets(ROOT) if s.id == "m0-orientation")


def _partial_template(s, upto: int = 3) -> str:
    return T.header(s) + "".join(T.item_block(it, n) for n, it in enumerate(s.items[:upto], 1))


# --------------------------------------------------------------------------------------------------
# Item 11: editor races and temporary files


def test_start_does_not_undo_a_save_made_while_it_runs(tmp_path, m0, monkeypatch):
    ans = tmp_path / "answers"
    ans.mkdir()
    path = ans / "m0-orientation.yaml"
    path.write_text(
        _partial_template(m0).replace("m0-which-command-checks:", "m0-which-command-checks: a"), encoding="utf-8"
    )
    real = T.item_block
    saved = []

    def editor_saves_meanwhile(item, number, root=None):
        if not saved:  # the learner saves while `start` is preparing its merge
            time.sleep(0.01)
            path.write_text(
                path.read_text(encoding="utf-8").replace("m0-which-command-checks: a", "m0-which-command-checks: b"),
                encoding="utf-8",
            )
            saved.append(True)
        return real(item, number, root)

    monkeypatch.setattr(T, "item_block", editor_saves_meanwhile)
    rep = T.start(m0, ans)
    assert rep.action == "added"
    af = load_answers(path, m0)
    assert af.answers["m0-which-command-checks"] == "b"  # the save survived
    assert set(af.answers) >= {it.id for it in m0.items}  # and the new questions were added


def test_start_refuses_when_the_file_keeps_changing(tmp_path, m0, monkeypatch):
    ans = tmp_path / "answers"
    ans.mkdir()
    path = ans / "m0-orientation.yaml"
    path.write_text(_partial_template(m0), encoding="utf-8")
    real = T.item_block
    n = [0]

    def always_saving(item, number, root=None):
        n[0] += 1
        path.write_text(path.read_text(encoding="utf-8") + f"# save {n[0]}\n", encoding="utf-8")
        return real(item, number, root)

    monkeypatch.setattr(T, "item_block", always_saving)
    with pytest.raises(T.CourseInputError, match="kept changing"):
        T.start(m0, ans)
    assert path.read_text(encoding="utf-8").endswith(f"# save {n[0]}\n")  # the last save is intact


@pytest.mark.parametrize("saves", [1, 2])
def test_a_save_between_the_check_and_the_rename_is_kept(tmp_path, monkeypatch, saves):
    """The narrowest race, made certain: the editor saves right after the file was checked and just
    before the new text is swapped in (and, with 2, once more before it is swapped back)."""
    from course.content import files

    path = tmp_path / "answers.yaml"
    path.write_text("q1: a\n", encoding="utf-8")
    expect = os.stat(path)
    real = files._exchange
    calls = []

    def editor_saves_first(a, b):
        calls.append(1)
        if len(calls) <= saves:
            tmp = tmp_path / f".editor-{len(calls)}.swp"
            tmp.write_text(f"q1: a\n# editor save {len(calls)}\n", encoding="utf-8")
            os.replace(tmp, path)
        return real(a, b)

    monkeypatch.setattr(files, "_exchange", editor_saves_first)
    with pytest.raises(files.FileChanged):
        files.atomic_write(path, "q1: a\nq2: new\n", expect=expect)
    assert path.read_text(encoding="utf-8") == f"q1: a\n# editor save {saves}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]


def test_start_under_a_saving_editor_loses_no_save(tmp_path, m0):
    """A real race: an editor thread saves (write-and-rename, as editors do) while `start` runs."""
    ans = tmp_path / "answers"
    ans.mkdir()
    path = ans / "m0-orientation.yaml"
    lost = 0
    for round_ in range(15):
        path.write_text(_partial_template(m0, upto=2 + round_ % 5), encoding="utf-8")
        stop = threading.Event()
        last = {}

        def editor(stop=stop, round_=round_, last=last):
            k = 0
            while not stop.is_set():
                k += 1
                text = path.read_text(encoding="utf-8")
                marker = f"# editor save {round_}-{k}\n"
                tmp = path.with_name(f".editor-{k}.swp")
                tmp.write_text(text + marker, encoding="utf-8")
                os.replace(tmp, path)
                last["marker"] = marker
                time.sleep(0.001)

        t = threading.Thread(target=editor)
        t.start()
        try:
            T.start(m0, ans)
        except T.CourseInputError:
            pass  # refusing is allowed; undoing a save is not
        finally:
            stop.set()
            t.join()
        if last and last["marker"] not in path.read_text(encoding="utf-8"):
            lost += 1
    assert lost == 0
    assert not [p for p in ans.iterdir() if p.name.endswith(".tmp")]


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_temporary_file_of_a_killed_start_is_removed_by_the_next_run(tmp_path, m0):
    ans = tmp_path / "answers"
    ans.mkdir()
    stale = ans / f".m0-orientation.yaml.{_dead_pid()}.k2j4h.tmp"
    stale.write_bytes(b"x" * 853_000)
    mine = ans / f".m0-orientation.yaml.{os.getpid()}.zz9.tmp"  # a live writer's: kept
    mine.write_bytes(b"y")
    T.start(m0, ans)
    assert not stale.exists() and mine.exists()


def test_sigkill_during_start_loses_nothing_and_next_run_cleans_up(tmp_path, m0):
    ans = tmp_path / "answers"
    ans.mkdir()
    path = ans / "m0-orientation.yaml"
    original = _partial_template(m0).replace("m0-which-command-checks:", "m0-which-command-checks: c")
    for delay in (0.3, 0.6, 0.9, 1.2, 1.6):
        path.write_text(original, encoding="utf-8")
        p = subprocess.Popen(
            [sys.executable, "-m", "course", "start", "m0-orientation", "--answers", str(ans)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        p.kill()
        p.wait()
        text = path.read_text(encoding="utf-8")
        assert text == original or (
            text.startswith(original) and load_answers(path, m0).answers["m0-which-command-checks"] == "c"
        )
    T.start(m0, ans)
    assert not [q for q in ans.iterdir() if q.name.endswith(".tmp")]
    assert load_answers(path, m0).answers["m0-which-command-checks"] == "c"


# --------------------------------------------------------------------------------------------------
# Item 12: write failures


@contextmanager
def tmpfs(path: Path, size: str, *, readonly: bool = False):
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the injected-failure tests cover this case")
    opts = f"size={size}" + (",ro" if readonly else "")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()}); the injected-failure tests cover this case")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _fill(folder: Path) -> None:
    try:
        with open(folder / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC


def _no_internal_error(p: subprocess.CompletedProcess) -> str:
    out = p.stdout + p.stderr
    assert "internal error" not in out and "Traceback" not in out, out
    assert p.returncode == 1, (p.returncode, out)
    return out


def test_start_on_a_full_disk_is_a_clear_error(tmp_path):
    with tmpfs(tmp_path / "disk", "64k") as disk:
        _fill(disk)
        p = course("start", "m0-orientation", "--answers", disk / "answers")
        out = _no_internal_error(p)
        assert "disk is full" in out
        assert (
            not [q for q in (disk / "answers").iterdir() if q.name.endswith(".tmp")]
            if (disk / "answers").exists()
            else True
        )


def test_start_on_a_read_only_disk_is_a_clear_error(tmp_path):
    with tmpfs(tmp_path / "ro", "1m", readonly=True) as disk:
        out = _no_internal_error(course("start", "m0-orientation", "--answers", disk / "answers"))
        assert "read-only" in out


def test_check_json_on_a_read_only_disk_is_a_clear_error(tmp_path):
    ans = tmp_path / "answers"
    ans.mkdir()
    (ans / "m0-orientation.yaml").write_text("m0-which-command-checks: b\n", encoding="utf-8")
    with tmpfs(tmp_path / "ro", "1m", readonly=True) as disk:
        out = _no_internal_error(course("check", "m0-orientation", "--answers", ans, "--json", disk / "r.json"))
        assert "r.json" in out and "read-only" in out


def test_grade_csv_on_a_full_disk_is_a_clear_error(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    with tmpfs(tmp_path / "disk", "64k") as disk:
        _fill(disk)
        out = _no_internal_error(course("grade", subs, "--csv", disk / "grades.csv"))
        assert "grades.csv" in out and "disk is full" in out


@pytest.mark.parametrize(
    "code, words", [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission")]
)
def test_injected_write_failures_are_one_paragraph(tmp_path, monkeypatch, code, words):
    ans = tmp_path / "answers"

    def fail(*a, **k):
        raise OSError(code, os.strerror(code))

    from course.content import files

    monkeypatch.setattr(T.os, "replace", fail)
    monkeypatch.setattr(files, "_exchange", fail)  # the rename that checks for an editor's save
    r = CliRunner().invoke(cli, ["start", "m0-orientation", "--answers", str(ans)])
    assert r.exit_code == 1, r.output
    assert words in r.output and "m0-orientation.yaml" in r.output
    assert not [q for q in ans.iterdir() if q.name.endswith(".tmp")]

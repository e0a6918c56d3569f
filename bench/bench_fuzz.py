"""Reliability campaign of the exercise engine (issue 16): the R1, R2 and R3 figures.

    .venv/bin/python bench/bench_fuzz.py [--files 2000] [--class-size 1000] [--hostile 100] [--kills 60]
                                         [--saves 120] [--only R1,R2,R3] [--seed 16]

R1  malformed answer files (tests/fuzz_corpus.py, every set): each is loaded and graded in-process,
    checked with `course check` (in-process CLI), and merged by `course start` (which must keep every
    answer, and leave an unreadable file byte for byte as it was); a sample also goes
    through `pytest --answers` and the real `course check` command. Counts internal errors, inputs
    slower than 2 s, exit 0 on a file reported as broken, messages without file or line, and answers
    changed by `start`.
R2  a class of --class-size submissions, --hostile of them hostile (every kind in fuzz_corpus,
    in turn): the real `course grade` command. Reports whether it finished, how many valid learners
    were graded exactly as the engine grades them alone, hostile submissions not reported, CSV cells
    that start a formula or hold a control character, peak memory of any one process, and the time;
    with --overhead, the same class is also graded in-process (jobs 0) and with 1 and 2 workers.
R3  --kills SIGKILLs of `course start` at random moments, --saves editor saves made while `course
    start` runs, and `start` / `check --json` / `grade --csv` on a full and on a read-only tmpfs
    (needs root; skipped otherwise). Counts answers lost, saves undone, temporary files left, and
    "internal error" exits.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import fuzz_corpus as F  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from course.cli import cli  # noqa: E402
from course.errors import CourseInputError  # noqa: E402
from course.exercises import load_all_sets, reference_answer_file  # noqa: E402
from course.exercises.answers import load_answers, load_answers_bytes  # noqa: E402
from course.exercises.grading import grade_set  # noqa: E402
from course.exercises.safe import safe_text  # noqa: E402
from course.exercises.templates import header, item_block, render_template  # noqa: E402

WHOLE_FILE = ("UTF-16", "larger than", "bytes,")
ENV = dict(os.environ, COLUMNS="200", NO_COLOR="1")


def course(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course", *map(str, args)], cwd=ROOT, env=ENV, capture_output=True, text=True, **kw
    )


# --------------------------------------------------------------------------------------------------
# R1


def r1(n_files: int, seed: int, tmp: Path) -> dict:
    sets = load_all_sets(ROOT)
    runner = CliRunner()
    out = {
        "inputs": 0,
        "internal": 0,
        "slow_over_2s": 0,
        "exit0_on_garbage": 0,
        "no_file_or_line": 0,
        "start_changed_answers": 0,
        "max_s": 0.0,
        "broken": 0,
    }
    per_set = max(1, n_files // len(sets))
    examples = []
    for s in sets:
        ans = tmp / f"r1-{s.id}"
        ans.mkdir()
        path = ans / f"{s.id}.yaml"
        for name, raw in F.answer_files(
            s.id, [it.id for it in s.items], render_template(s), reference_answer_file(s), per_set, seed=seed
        ):
            out["inputs"] += 1
            where = str(path)
            t0 = time.perf_counter()
            broken, messages = False, []
            try:
                af = load_answers_bytes(raw, where, s)
                r = grade_set(s, af.answers)
                messages = af.problems + af.unreadable(r)
                broken = bool(messages)
                if any("could not be checked" in x.feedback for x in r.results):
                    out["internal"] += 1
                    examples.append(("internal", name))
            except CourseInputError as exc:
                broken, messages = True, [str(exc)]
            except Exception as exc:  # noqa: BLE001
                out["internal"] += 1
                examples.append(("internal", name, repr(exc)[:120]))
            secs = time.perf_counter() - t0
            out["max_s"] = max(out["max_s"], secs)
            out["slow_over_2s"] += secs > 2
            out["broken"] += broken
            for m in messages:
                if not m.startswith(where) or (
                    not m.startswith(f"{where}, line ") and not any(w in m for w in WHOLE_FILE)
                ):
                    out["no_file_or_line"] += 1
                    examples.append(("no line", name, m[:120]))
            path.write_bytes(raw)
            res = runner.invoke(cli, ["check", s.id, "--answers", str(ans)])
            if res.exception is not None and not isinstance(res.exception, SystemExit):
                out["internal"] += 1
                examples.append(("check internal", name, repr(res.exception)[:120]))
            elif broken and res.exit_code == 0:
                out["exit0_on_garbage"] += 1
                examples.append(("exit 0", name))
            # start must never change what the learner wrote: the file is kept, or only appended to
            path.write_bytes(raw)
            res = runner.invoke(cli, ["start", s.id, "--answers", str(ans)])
            if res.exception is not None and not isinstance(res.exception, SystemExit):
                out["internal"] += 1
                examples.append(("start internal", name, repr(res.exception)[:120]))
            after = path.read_bytes()
            try:
                before_answers = load_answers_bytes(raw, where, s).answers
            except CourseInputError:
                before_answers = None  # unreadable: `start` must leave the file exactly as it is
            if before_answers is None:
                changed = after != raw
            else:
                try:
                    now = load_answers_bytes(after, where, s).answers
                    changed = any(now.get(k) != v for k, v in before_answers.items())
                except CourseInputError:
                    changed = True
            if changed:
                out["start_changed_answers"] += 1
                examples.append(("start changed", name))
            for p in ans.iterdir():
                if p.name != path.name and not p.name.startswith(".course-state"):
                    p.unlink()
    # a sample through the real commands: `course check` and `pytest --answers`
    sample = list(
        F.answer_files(
            "m0-orientation",
            [it.id for it in sets[0].items],
            render_template(sets[0]),
            reference_answer_file(sets[0]),
            14,
            seed=seed + 7,
        )
    )
    ans = tmp / "r1-real" / "answers"
    ans.mkdir(parents=True)
    real = {"check_runs": 0, "check_exit_70": 0, "pytest_runs": 0, "pytest_internal": 0}
    for i, (_name, raw) in enumerate(sample):
        (ans / "m0-orientation.yaml").write_bytes(raw)
        p = course("check", "m0-orientation", "--answers", ans, timeout=60)
        real["check_runs"] += 1
        real["check_exit_70"] += p.returncode == 70 or "internal error" in p.stdout + p.stderr
        if i % 2 == 0:
            q = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-p",
                    "no:cacheprovider",
                    "-q",
                    "--answers",
                    str(ans),
                    "--exercise-set",
                    "m0-orientation",
                ],
                cwd=ans.parent,
                capture_output=True,
                text=True,
                timeout=120,
                env=dict(ENV, COURSE_ROOT=str(ROOT)),
            )
            real["pytest_runs"] += 1
            real["pytest_internal"] += "INTERNALERROR" in q.stdout + q.stderr or "Traceback" in q.stdout + q.stderr
    out.update(real)
    out["examples"] = examples[:10]
    return out


# --------------------------------------------------------------------------------------------------
# R2


def _peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def r2(size: int, hostile_n: int, seed: int, tmp: Path, overhead: bool = False) -> dict:
    sets = load_all_sets(ROOT)
    refs = {s.id: reference_answer_file(s) for s in sets}
    rng = random.Random(seed)
    folder = tmp / "class"
    folder.mkdir()
    valid = {}
    every = max(1, size // max(1, hostile_n))
    hostile = []
    for i in range(size):
        if len(hostile) < hostile_n and i % every == every - 1:
            hostile.append(F.hostile_submission(folder, len(hostile), refs, rng))
        else:
            name = f"learner-{i:04d}"
            valid[name] = F.valid_submission(folder, name, refs, rng)
    out_dir = tmp / "out"
    # the real command, in a child whose peak memory we read
    t0 = time.perf_counter()
    code = (
        "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stdout.write(p.stdout + p.stderr); "
        "print('\\nPEAK_MB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); sys.exit(p.returncode)"
    )
    p = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            sys.executable,
            "-m",
            "course",
            "grade",
            str(folder),
            "--csv",
            str(out_dir / "grades.csv"),
            "--json",
            "--feedback",
            str(out_dir / "fb"),
        ],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    secs = time.perf_counter() - t0
    text = p.stdout + p.stderr
    peak = float(text.rsplit("PEAK_MB", 1)[1].split()[0]) if "PEAK_MB" in text else float("nan")
    res = {
        "submissions": size,
        "hostile": len(hostile),
        "finished": (out_dir / "grades.csv").exists(),
        "exit": p.returncode,
        "internal_error": "internal error" in text,
        "seconds": round(secs, 1),
        "peak_mb_any_process": round(peak),
    }
    rows = list(csv.reader(open(out_dir / "grades.csv", newline="", encoding="utf-8"))) if res["finished"] else [[]]
    head, body = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(head)}
    res["csv_rows"] = len(body)
    res["csv_bad_cells"] = sum(
        1
        for r in rows
        for c in r
        if c.startswith(("=", "+", "-", "@")) or any(ch in c for ch in F.CONTROL + ["\r", "\n"])
    )
    by = {}
    for r in body:
        by.setdefault(r[col["learner"]], []).append(r)
    graded_right = 0
    for name, answers in valid.items():
        want = sum(grade_set(s, answers[s.id]).points for s in sets)
        rs = by.get(name, [])
        if len(rs) == 1 and rs[0][col["status"]] == "ok" and abs(float(rs[0][col["points"]]) - want) < 0.02:
            graded_right += 1
    res["valid_graded_right"] = f"{graded_right}/{len(valid)}"
    unreported = []
    for entry, kind in hostile:
        stem = safe_text(entry[:-4] if entry.lower().endswith(".zip") else entry, newlines=False)
        mine = [
            r
            for r in body
            if r[col["learner"]] in (stem, "'" + stem) or r[col["learner"]].casefold() == stem.casefold()
        ]
        if kind == "fifo-zip":
            ok = "not a regular file" in text and entry in text
        elif kind == "slow-sections":
            ok = bool(mine)  # a readable (odd) open answer: graded and left for review
        else:
            ok = bool(mine) and all(r[col["status"]] != "ok" for r in mine)
        if not ok:
            unreported.append((entry, kind))
    res["hostile_not_reported"] = len(unreported)
    res["unreported_examples"] = unreported[:5]
    # the cost of the worker processes: the same class in-process, and with workers, timed in-process
    from course.exercises.gradebook import grade_all

    for jobs in (0, 1, 2) if overhead else ():
        t0 = time.perf_counter()
        grade_all(folder, sets, jobs=jobs)
        res[f"library_seconds_jobs_{jobs}"] = round(time.perf_counter() - t0, 1)
    return res


# --------------------------------------------------------------------------------------------------
# R3


def _partial(s, upto: int) -> str:
    """The first ``upto`` items of the template, with the learner's answers filled in."""
    from course.exercises.grading import reference_answers

    text = header(s) + "".join(item_block(it, n) for n, it in enumerate(s.items[:upto], 1))
    lines = text.split("\n")
    for it in s.items[:upto]:
        ref = reference_answers(it)
        if isinstance(ref, (str, int)) and f"{it.id}:" in lines:
            lines[lines.index(f"{it.id}:")] = f"{it.id}: {ref}"
    return "\n".join(lines)


def _lost(before_text: str, path: Path, s) -> bool:
    """True if an answer present in ``before_text`` is missing or different in the file now."""
    from course.content.yaml import parse_yaml
    from course.exercises.answers import parse_answers

    before = parse_answers(parse_yaml(before_text, "before", what="answer file"), s).answers
    try:
        now = load_answers(path, s).answers
    except CourseInputError:
        return True
    return any(now.get(k) != v for k, v in before.items() if v not in (None, "", []))


def r3(kills: int, saves: int, seed: int, tmp: Path) -> dict:
    rng = random.Random(seed)
    s = next(x for x in load_all_sets(ROOT) if x.id == "m1-history")
    res = {
        "kills": 0,
        "answers_lost": 0,
        "temp_files_left": 0,
        "saves": 0,
        "saves_undone": 0,
        "disk_cases": 0,
        "disk_internal_errors": 0,
        "disk_answers_lost": 0,
    }
    ans = tmp / "r3" / "answers"
    ans.mkdir(parents=True)
    path = ans / f"{s.id}.yaml"
    for _ in range(kills):
        original = _partial(s, rng.randint(1, 10))
        path.write_text(original, encoding="utf-8")
        p = subprocess.Popen(
            [sys.executable, "-m", "course", "start", s.id, "--answers", str(ans)],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 2.0))
        p.kill()
        p.wait()
        res["kills"] += 1
        if not path.read_text(encoding="utf-8").startswith(original) or _lost(original, path, s):
            res["answers_lost"] += 1
        subprocess.run(
            [sys.executable, "-m", "course", "start", s.id, "--answers", str(ans)],
            cwd=ROOT,
            env=ENV,
            capture_output=True,
        )
        res["temp_files_left"] += sum(1 for q in ans.iterdir() if q.name.endswith(".tmp"))
    # editor saves while `course start` runs
    while res["saves"] < saves:
        path.write_text(_partial(s, rng.randint(1, 10)), encoding="utf-8")
        p = subprocess.Popen(
            [sys.executable, "-m", "course", "start", s.id, "--answers", str(ans)],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        markers = []
        while p.poll() is None and res["saves"] < saves:
            marker = f"# editor save {res['saves']}\n"
            text = path.read_text(encoding="utf-8")
            tmpf = path.with_name(".editor.swp")
            tmpf.write_text(text + marker, encoding="utf-8")
            os.replace(tmpf, path)
            markers.append(marker)
            res["saves"] += 1
            time.sleep(rng.uniform(0.005, 0.1))
        p.wait()
        final = path.read_text(encoding="utf-8")
        if markers and markers[-1] not in final:
            res["saves_undone"] += 1
        res["temp_files_left"] += sum(1 for q in ans.iterdir() if q.name.endswith(".tmp"))
    # full and read-only disks
    if os.geteuid() == 0:
        for size_k, ro in [(8, False), (32, False), (64, False), (128, False), (256, False), (1024, True)]:
            mnt = tmp / f"disk-{size_k}-{ro}"
            mnt.mkdir()
            if (
                subprocess.run(
                    ["mount", "-t", "tmpfs", "-o", f"size={size_k}k" + (",ro" if ro else ""), "tmpfs", str(mnt)],
                    capture_output=True,
                ).returncode
                != 0
            ):
                break
            try:
                if not ro:
                    d = mnt / "answers"
                    d.mkdir()
                    original = _partial(s, 3)
                    (d / f"{s.id}.yaml").write_text(original, encoding="utf-8")
                    try:
                        with open(mnt / "filler", "wb") as fh:
                            while True:
                                fh.write(b"\0" * 1024)
                    except OSError:
                        pass
                cases = [
                    ("start", s.id, "--answers", mnt / "answers"),
                    ("check", s.id, "--answers", mnt / "answers", "--json", mnt / "r.json"),
                    ("grade", ROOT / "tests" / "data" / "class" / "submissions", "--csv", mnt / "g.csv"),
                ]
                for args in cases:
                    p = course(*args, timeout=300)
                    res["disk_cases"] += 1
                    if p.returncode == 70 or "internal error" in p.stdout + p.stderr:
                        res["disk_internal_errors"] += 1
                if not ro:
                    if _lost(original, mnt / "answers" / f"{s.id}.yaml", s):
                        res["disk_answers_lost"] += 1
                    res["temp_files_left"] += sum(1 for q in (mnt / "answers").iterdir() if q.name.endswith(".tmp"))
            finally:
                subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
    else:
        res["disk_cases"] = "skipped (needs root to mount a tmpfs)"
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--class-size", type=int, default=1000)
    ap.add_argument("--hostile", type=int, default=100)
    ap.add_argument("--kills", type=int, default=60)
    ap.add_argument("--saves", type=int, default=120)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--only", default="R1,R2,R3")
    ap.add_argument(
        "--overhead",
        action="store_true",
        help="R2: also time the class in-process and with 1 and 2 workers (library calls)",
    )
    a = ap.parse_args()
    only = set(a.only.upper().split(","))
    tmp = Path(tempfile.mkdtemp(prefix="bench-fuzz-"))
    try:
        if "R1" in only:
            t0 = time.perf_counter()
            print("R1", r1(a.files, a.seed, tmp), f"({time.perf_counter() - t0:.0f} s)", flush=True)
        if "R2" in only:
            print("R2", r2(a.class_size, a.hostile, a.seed, tmp, a.overhead), flush=True)
        if "R3" in only:
            t0 = time.perf_counter()
            print("R3", r3(a.kills, a.saves, a.seed, tmp), f"({time.perf_counter() - t0:.0f} s)", flush=True)
    finally:
        for fifo in tmp.rglob("*fifo*"):  # rmtree would open a FIFO (and wait for a writer)
            try:
                fifo.unlink()
            except OSError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

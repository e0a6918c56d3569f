"""Benchmark of the exercise engine.

Times ``course grade`` on synthetic classes of 100 and 1,000 submissions (generated into a temporary
folder: four in five are folders, one in five zips; answers are the reference answers with random
mistakes and blanks; one submission in fifty is malformed), and ``course check`` over every exercise
set of the course. Prints a table.

    .venv/bin/python bench/bench_grade.py [--sizes 100 1000] [--repeat 3]

Each timing is the best of ``--repeat`` runs. ``grade (CLI)`` and ``check (CLI)`` run the real
command in a fresh interpreter (start-up included); the other rows time the library calls.
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.exercises import load_all_sets, reference_answer_file  # noqa: E402
from course.exercises.gradebook import grade_all, write_csv  # noqa: E402
from course.exercises.templates import render_template  # noqa: E402


def dump(data) -> str:
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    return buf.getvalue()


def perturb(ref: dict, rng: random.Random) -> dict:
    out = {}
    for k, v in ref.items():
        r = rng.random()
        if r < 0.15:
            out[k] = None  # not attempted
        elif r < 0.35:
            out[k] = "zz" if not isinstance(v, (list, dict)) else (list(reversed(v)) if isinstance(v, list) else {})
        else:
            out[k] = v
    return out


def make_class(folder: Path, sets, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    refs = {s.id: reference_answer_file(s) for s in sets}
    for i in range(n):
        name = f"learner-{i:04d}"
        files = {f"answers/{sid}.yaml": dump(perturb(ref, rng)) for sid, ref in refs.items()}
        if i % 50 == 7:
            files[f"answers/{sets[0].id}.yaml"] = "this: is: not: yaml: [\n"
        if i % 5 == 0:
            with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for rel, text in files.items():
                    zf.writestr(f"{name}-main/{rel}", text)
        else:
            for rel, text in files.items():
                p = folder / name / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text, encoding="utf-8")


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    sets = load_all_sets(ROOT)
    n_items = sum(len(s.items) for s in sets)
    rows = []
    course = [sys.executable, "-m", "course"]
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        tmp = Path(tmp)
        for n in args.sizes:
            subs = tmp / f"class-{n}"
            subs.mkdir()
            make_class(subs, sets, n)
            out = tmp / f"grades-{n}.csv"

            def lib(subs=subs, out=out):
                write_csv(grade_all(subs, sets), out)

            t = best(lib, args.repeat)
            rows.append((f"grade {n:,} submissions (library)", t, f"{t / n * 1000:.1f} ms per submission"))
            t = best(
                lambda subs=subs, out=out: subprocess.run(
                    course + ["grade", str(subs), "--csv", str(out)], cwd=ROOT, check=True, capture_output=True
                ),
                args.repeat,
            )
            rows.append((f"grade {n:,} submissions (CLI)", t, f"{t / n * 1000:.1f} ms per submission"))

        answers = tmp / "answers"
        answers.mkdir()
        for s in sets:
            (answers / f"{s.id}.yaml").write_text(dump(reference_answer_file(s)), encoding="utf-8")

        def check_lib():
            from course.exercises import grade_set, load_answers

            for s in sets:
                grade_set(s, load_answers(answers / f"{s.id}.yaml", s).answers)

        t = best(check_lib, args.repeat)
        rows.append(("check all sets (library)", t, f"{len(sets)} sets, {n_items} items"))
        t = best(
            lambda: subprocess.run(course + ["check", "--answers", str(answers)], cwd=ROOT, capture_output=True),
            args.repeat,
        )
        rows.append(("check all sets (CLI)", t, "start-up included"))
        t = best(lambda: [render_template(s) for s in sets], args.repeat)
        rows.append(("render all answer templates", t, ""))

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'seconds':>8}  note")
    print("-" * (width + 30))
    for what, secs, note in rows:
        print(f"{what:<{width}}  {secs:>8.3f}  {note}")


if __name__ == "__main__":
    main()

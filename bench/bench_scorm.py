"""Benchmark of ``course export scorm``: export time vs the HTML build, and package sizes.

    .venv/bin/python bench/bench_scorm.py               # best of 3
    .venv/bin/python bench/bench_scorm.py --repeat 1    # quicker, noisier

S1  ``course export scorm --whole-course`` (builds the student HTML into an empty staging folder,
    then writes a package per module and one for the whole course, each checked: manifest and
    leak scan) vs ``course build html`` into an empty folder. Target <= 2.0x.
S2  Size of each module package (zip bytes). Target <= 5 MB each. The whole-course package is shown
    too (no target).

As in bench_book.py, the course is copied to a temporary folder (COURSE_ROOT points there), each run
starts from empty build folders in a fresh interpreter, and ratios are of CPU time (user + system
of the child processes; the wall time is shown beside it). Results also go to
``bench/results/scorm.json`` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = [sys.executable, "-m", "course"]
MB = 1024 * 1024


def _copy_course(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(
        ".venv",
        "_build",
        ".git",
        "node_modules",
        "bench",
        "tests",
        "answers",
        "__pycache__",
        ".pytest_cache",
        ".hypothesis",
    )
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def _run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds of the children, wall seconds) of one command; fails loudly."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, COURSE_ROOT=str(cwd)))
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stdout}\n{res.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scorm-") as tmp:
        tree = _copy_course(Path(tmp) / "course")
        html, export = [], []
        for _ in range(args.repeat):
            for d in ("_build", "out"):
                shutil.rmtree(tree / d, ignore_errors=True)
            html.append(_run([*COURSE, "build", "html", "--builddir", str(tree / "_build" / "plain")], tree))
            shutil.rmtree(tree / "_build", ignore_errors=True)
            export.append(_run([*COURSE, "export", "scorm", "--whole-course", "--output", str(tree / "out")], tree))
        sizes = {p.name: p.stat().st_size for p in sorted((tree / "out").glob("*.zip"))}
    h, e = min(html), min(export)
    ratio = e[0] / h[0]
    print(f"{'row':4} {'measured':44} {'value':>22} {'target':>10}")
    print(
        f"S1   export (build + {len(sizes)} packages) vs HTML build  "
        f"{e[0]:6.1f} s / {h[0]:5.1f} s = {ratio:4.2f}x   <= 2.0x   "
        f"(wall {e[1]:.1f} s / {h[1]:.1f} s)"
    )
    worst = 0
    for name, size in sizes.items():
        module = "-course-" not in name
        worst = max(worst, size) if module else worst
        print(f"S2   {name:56} {size / MB:6.2f} MB   {'<= 5 MB' if module else '(whole course)'}")
    ok = ratio <= 2.0 and worst <= 5 * MB
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scorm.json").write_text(
        json.dumps(
            {
                "html_build_cpu": h[0],
                "html_build_wall": h[1],
                "export_cpu": e[0],
                "export_wall": e[1],
                "ratio": ratio,
                "sizes": sizes,
                "ok": ok,
            },
            indent=1,
        )
    )
    print("all targets met" if ok else "TARGET MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

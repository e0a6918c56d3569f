"""Benchmark of the in-page self-check (targets: issue "Answer in the browser").

1. Weight: what the checker adds to a page, gzipped (level 6, as a web server would send it):
   the checker code (selfcheck*.js + selfcheck.css + the course index), and on an exercise page
   or a lesson with a practice item, the set's item data. Target: <= 30 KB per page.
2. Latency: time from Check to the feedback shown (grading, storing the result, rendering the
   feedback and marks), per item type, in headless Chromium. Target: p95 <= 50 ms.

    .venv/bin/python bench/bench_selfcheck.py [--repeat 40] [--build _build/student/html]

It builds the student HTML book first when --build does not exist yet (`course build html`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from course.exercises import load_all_sets  # noqa: E402
from course.exercises.grading import reference_answers  # noqa: E402
from course.exercises.selfcheck import _cases_for, _json_safe  # noqa: E402

CODE = ["selfcheck.js", "selfcheck.css", "selfcheck-index.js"]  # every page
ITEM_CODE = ["selfcheck-normalize.js", "selfcheck-grade.js"]      # pages that hold items
# loaded only on demand: the answer-file reader/writer, templates, explanations and hints
LAZY = ["selfcheck-yaml.js", "selfcheck-files.js"]


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def weight(html: Path) -> list[tuple[str, int, int]]:
    static = html / "_static"
    code = sum(gz(static / f) for f in CODE)
    rows = [("checker code on every page (panel, storage, API)", code, code)]
    item = sum(gz(static / f) for f in ITEM_CODE)
    rows.append(("+ the grader, on pages with items", item, code + item))
    for data in sorted((static / "selfcheck").glob("*.js")):
        if data.name.endswith((".tpl.js", ".later.js")):
            continue
        d = gz(data)
        rows.append((f"+ {data.stem} item data (set page, lessons placing its items)", d, code + item + d))
    rows.append(("loaded on demand (not on page view):", 0, 0))
    for f in LAZY:
        rows.append((f"  {f} (Download / Load answers)", gz(static / f), 0))
    for extra in sorted((static / "selfcheck").glob("*.*.js")):
        why = "Download my answers" if extra.name.endswith(".tpl.js") else "first right answer or Hint"
        rows.append((f"  {extra.name} ({why})", gz(extra), 0))
    return rows


def latency(html: Path, repeat: int) -> dict[str, list[float]]:
    from browser_helpers import launch, serve
    from playwright.sync_api import sync_playwright
    import random

    rng = random.Random(1)
    sets = load_all_sets(ROOT)
    times: dict[str, list[float]] = {}
    with serve(html) as base, sync_playwright() as pw:
        b = launch(pw)
        pg = b.new_page()
        for s in sets:
            pg.goto(f"{base}modules/{s.module}/exercises.html")
            pg.wait_for_function("window.courseSelfCheck !== undefined")
            for it in s.items:
                if it.type == "open":
                    continue
                answers = [_json_safe(reference_answers(it))] + [_json_safe(c) for c, _ in _cases_for(it, rng)][:6]
                ms = pg.evaluate("""async ([sid, id, answers, n]) => {
                    const out = [];
                    const onPage = !!document.querySelector('.selfcheck[data-item="' + id + '"] form');
                    for (let i = 0; i < n; i++) {
                      const a = answers[i % answers.length];
                      if (onPage) courseSelfCheck.importAnswers({[sid]: {[id]: a}});
                      // a learner's typing is laid out before they press Check: do that first
                      document.body.getBoundingClientRect();
                      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                      const t0 = performance.now();
                      // the Check button's whole path where the item is on the page (grade, store,
                      // render the feedback); the grader alone for items placed in lessons
                      if (onPage) await courseSelfCheck._check(sid, id);
                      else await courseSelfCheck._grade(sid, id, a, 0);
                      out.push(performance.now() - t0);
                    }
                    return out; }""", [s.id, it.id, answers, repeat])
                times.setdefault(it.type, []).extend(ms)
        b.close()
    return times


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--build", default=str(ROOT / "_build" / "student" / "html"))
    a = ap.parse_args()
    html = Path(a.build)
    if not (html / "_static" / "selfcheck-index.js").exists():
        subprocess.run([sys.executable, "-m", "course", "build", "html"], cwd=ROOT, check=True)
    print("Weight, gzipped (target: checker code + item data <= 30 KB per page)")
    for label, size, total in weight(html):
        tail = f"   page total {total / 1024:5.1f} KB {'OK' if total <= 30 * 1024 else 'OVER'}" if total else ""
        print(f"  {label:<66} {size / 1024:5.1f} KB{tail}" if size else f"  {label}")
    print(f"\nCheck latency in headless Chromium, {a.repeat} checks per item (target: p95 <= 50 ms)")
    times = latency(html, a.repeat)
    print(f"  {'type':<10} {'checks':>6} {'median ms':>10} {'p95 ms':>8}")
    for t, xs in sorted(times.items()):
        print(f"  {t:<10} {len(xs):>6} {statistics.median(xs):>10.2f} {p95(xs):>8.2f} {'OK' if p95(xs) <= 50 else 'OVER'}")
    print(json.dumps({t: round(p95(xs), 2) for t, xs in times.items()}))


if __name__ == "__main__":
    main()

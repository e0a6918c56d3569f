"""Benchmark of the in-page self-check (targets: issue "Answer in the browser", #13).

1. Weight, per page: what the checker adds to every exercise-set page and every lesson with a
   practice item, gzipped (level 6, as a web server would send it), read from the built pages'
   own <script>/<link> elements, per page and per page kind (set pages, lessons):
   - *on page view* (eager): what the page loads before the learner acts: selfcheck.js,
     selfcheck.css, the course index and the item data of the items on the page (<set>.js on a
     set's page, <set>--<lesson>.js in a lesson).
   - *+ first Check*: the grader and normaliser, which selfcheck.js loads on the first Check or
     Hint (or when the progress panel or an answer file needs them); the total after it.
     Target: <= 30 KB per page after the first Check.
   - *+ first right answer or Hint*: the explanations and hints of the page's items
     (<part>.later.js).
   - answer files (Download / Load answers / progress panel): selfcheck-yaml.js,
     selfcheck-files.js and <set>.tpl.js, listed on their own.
2. Latency: time from Check to the feedback shown (grading, storing the result, rendering the
   feedback and marks), per item type, in headless Chromium, with the grader already loaded.
   Target: p95 <= 50 ms. And the *first* Check of a page, grader load included, in a fresh
   browser context (empty cache), from a local web server and from file://.

    .venv/bin/python bench/bench_selfcheck.py [--repeat 40] [--build _build/student/html]

It builds the student HTML book first when --build does not exist yet (`course build html`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
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
from course.sphinxext.selfcheck_html import scan_practice  # noqa: E402

GRADER = ["selfcheck-normalize.js", "selfcheck-grade.js"]  # loaded on the first Check or Hint
FILES = ["selfcheck-yaml.js", "selfcheck-files.js"]  # loaded for answer files, the panel
LIMIT = 30 * 1024
_REF = re.compile(r"""<(?:script|link)\b[^>]*?(?:src|href)="([^"?]*_static/([^"?]*))(?:\?[^"]*)?"[^>]*>""")


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def page_files(page: Path) -> list[str]:
    """The self-check files a page's markup loads (paths under _static/)."""
    return sorted(
        {m.group(2) for m in _REF.finditer(page.read_text(encoding="utf-8")) if m.group(2).startswith("selfcheck")}
    )


def checker_pages(html: Path) -> list[Path]:
    """Every exercise-set page and every lesson holding a practice item."""
    out = []
    for p in sorted(html.glob("modules/*/*.html")):
        if 'class="selfcheck"' in p.read_text(encoding="utf-8"):
            out.append(p)
    return out


def weight(html: Path) -> list[dict]:
    static = html / "_static"
    grader = sum(gz(static / f) for f in GRADER)
    rows = []
    for page in checker_pages(html):
        eager_files = page_files(page)
        assert not set(GRADER) & {Path(f).name for f in eager_files}, f"{page}: the grader is loaded eagerly"
        eager = sum(gz(static / f) for f in eager_files)
        parts = [Path(f).stem for f in eager_files if f.startswith("selfcheck/")]
        later = sum(gz(static / "selfcheck" / f"{p}.later.js") for p in parts)
        rows.append(
            {
                "page": page.relative_to(html).as_posix(),
                "kind": kind(page),
                "eager": eager,
                "grader": grader,
                "later": later,
                "parts": parts,
            }
        )
    return rows


def kind(page: Path) -> str:
    return "set page" if page.name == "exercises.html" else "lesson"


def _stats(xs: list[int]) -> str:
    return f"median {statistics.median(xs) / 1024:.1f}, max {max(xs) / 1024:.1f}"


def print_weight(html: Path) -> dict:
    rows = weight(html)
    static = html / "_static"
    print("Weight per page, gzipped KB (target: <= 30 KB in all after the first Check)")
    print(f"  {'page':<52} {'on view':>8} {'+1st Check':>10} {'= total':>8} {'+right/Hint':>11} {'= total':>8}")
    for r in rows:
        t1 = r["eager"] + r["grader"]
        print(
            f"  {r['page']:<52} {r['eager'] / 1024:>8.1f} {r['grader'] / 1024:>10.1f} {t1 / 1024:>8.1f} "
            f"{r['later'] / 1024:>11.1f} {(t1 + r['later']) / 1024:>8.1f}  {'OK' if t1 <= LIMIT else 'OVER'}"
        )
    common = {f: gz(static / f) for f in ("selfcheck.js", "selfcheck-index.js", "selfcheck.css", *GRADER)}
    print(
        "  files every page loads (eager) and the grader (first Check): "
        + ", ".join(f"{k} {v / 1024:.1f}" for k, v in common.items())
    )
    files = {f: gz(static / f) for f in FILES}
    tpl = {p.name: gz(p) for p in sorted((static / "selfcheck").glob("*.tpl.js"))}
    print(
        "  answer files, progress panel (on demand, with the grader): "
        + ", ".join(f"{k} {v / 1024:.1f}" for k, v in {**files, **tpl}.items())
    )
    summary: dict = {"pages": len(rows)}
    for k in ("set page", "lesson", "all"):
        rs = [r for r in rows if k in ("all", r["kind"])]
        if not rs:
            continue
        eager = [r["eager"] for r in rs]
        after = [r["eager"] + r["grader"] for r in rs]
        hint = [a + r["later"] for a, r in zip(after, rs)]
        print(
            f"  {k + 's' if k != 'all' else 'all pages'} ({len(rs)}): on view {_stats(eager)}; after the first "
            f"Check {_stats(after)}; after a right answer or Hint {_stats(hint)}"
        )
        summary[k.replace(" ", "_")] = {
            "pages": len(rs),
            "on_view_kb": {"median": round(statistics.median(eager) / 1024, 1), "max": round(max(eager) / 1024, 1)},
            "after_first_check_kb": {
                "median": round(statistics.median(after) / 1024, 1),
                "max": round(max(after) / 1024, 1),
            },
            "after_right_or_hint_kb": {
                "median": round(statistics.median(hint) / 1024, 1),
                "max": round(max(hint) / 1024, 1),
            },
        }
    summary["over_after_first_check"] = [r["page"] for r in rows if r["eager"] + r["grader"] > LIMIT]
    print(
        f"  over {LIMIT // 1024} KB after the first Check: {len(summary['over_after_first_check'])} of {len(rows)} pages"
    )
    return summary


def latency(html: Path, repeat: int) -> dict[str, list[float]]:
    import random

    from browser_helpers import launch, serve
    from playwright.sync_api import sync_playwright

    rng = random.Random(1)
    sets = load_all_sets(ROOT)
    times: dict[str, list[float]] = {}
    with serve(html) as base, sync_playwright() as pw:
        b = launch(pw)
        pg = b.new_page()
        practised = scan_practice(ROOT)
        for s in sets:
            for it in s.items:
                if it.type == "open":
                    continue
                # each page holds the data of its own items: an item placed in a lesson is graded there
                url = (
                    f"{base}{practised[it.id]}.html"
                    if it.id in practised
                    else f"{base}modules/{s.module}/exercises.html"
                )
                if pg.url != url:
                    pg.goto(url)
                    pg.wait_for_function("window.courseSelfCheck !== undefined")
                    pg.evaluate("() => courseSelfCheck._needGrader()")  # its load is measured on its own (first_check)
                answers = [_json_safe(reference_answers(it))] + [_json_safe(c) for c, _ in _cases_for(it, rng)][:6]
                ms = pg.evaluate(
                    """async ([sid, id, answers, n]) => {
                    const out = [];
                    const onPage = !!document.querySelector('.selfcheck[data-item="' + id + '"] form');
                    for (let i = 0; i < n; i++) {
                      const a = answers[i % answers.length];
                      if (onPage) courseSelfCheck.importAnswers({[sid]: {[id]: a}});
                      // a learner's typing is laid out before they press Check: do that first
                      document.body.getBoundingClientRect();
                      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                      const t0 = performance.now();
                      // the Check button's whole path (grade, store, render the feedback); every
                      // item is graded on the page that holds it (and its data)
                      if (onPage) await courseSelfCheck._check(sid, id);
                      else await courseSelfCheck._grade(sid, id, a, 0);
                      out.push(performance.now() - t0);
                    }
                    return out; }""",
                    [s.id, it.id, answers, repeat],
                )
                times.setdefault(it.type, []).extend(ms)
        b.close()
    return times


def first_check(html: Path, rounds: int) -> dict[str, list[float]]:
    """The first Check of a page in a fresh browser context (empty cache): grader load, grading,
    rendering, from a local web server and from file://. On each set page, its first auto-checked
    item, with the reference answer put in its controls (importAnswers needs no grader)."""
    from browser_helpers import launch, serve
    from playwright.sync_api import sync_playwright

    sets = load_all_sets(ROOT)
    out: dict[str, list[float]] = {"http": [], "file": []}
    js = """async ([sid, id, a]) => {
        if (window.CourseGrade) throw new Error('the grader was there before the first Check');
        courseSelfCheck.importAnswers({[sid]: {[id]: a}});
        document.body.getBoundingClientRect();
        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
        const t0 = performance.now();
        const r = await courseSelfCheck._check(sid, id);
        if (!r || r.status !== 'passed') throw new Error('the first Check did not give Right');
        return performance.now() - t0; }"""
    with serve(html) as base, sync_playwright() as pw:
        b = launch(pw)
        for _ in range(rounds):
            for s in sets:
                for scheme, url in (
                    ("http", f"{base}modules/{s.module}/exercises.html"),
                    ("file", (html / "modules" / s.module / "exercises.html").as_uri()),
                ):
                    ctx = b.new_context(service_workers="block")
                    pg = ctx.new_page()
                    pg.goto(url, wait_until="load")
                    pg.wait_for_function("window.courseSelfCheck !== undefined")
                    ids = pg.evaluate(
                        "Array.from(document.querySelectorAll('.selfcheck button[type=submit]'))"
                        ".map(b => b.closest('.selfcheck').dataset.item)"
                    )
                    it = next(i for i in s.items if i.id in ids)
                    out[scheme].append(pg.evaluate(js, [s.id, it.id, _json_safe(reference_answers(it))]))
                    ctx.close()
        b.close()
    return out


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--first-rounds", type=int, default=4, help="fresh page loads per set page and scheme")
    ap.add_argument("--build", default=str(ROOT / "_build" / "student" / "html"))
    a = ap.parse_args()
    html = Path(a.build).resolve()
    if not (html / "_static" / "selfcheck-index.js").exists():
        subprocess.run([sys.executable, "-m", "course", "build", "html"], cwd=ROOT, check=True)
    summary = print_weight(html)
    print(f"\nCheck latency in headless Chromium, grader loaded, {a.repeat} checks per item (target: p95 <= 50 ms)")
    times = latency(html, a.repeat)
    print(f"  {'type':<10} {'checks':>6} {'median ms':>10} {'p95 ms':>8}")
    for t, xs in sorted(times.items()):
        print(
            f"  {t:<10} {len(xs):>6} {statistics.median(xs):>10.2f} {p95(xs):>8.2f} {'OK' if p95(xs) <= 50 else 'OVER'}"
        )
    first = first_check(html, a.first_rounds)
    print(f"\nFirst Check of a page, grader load included (fresh context, empty cache; {a.first_rounds} per set page)")
    for scheme, xs in first.items():
        print(
            f"  {scheme:<5} {len(xs):>3} checks: median {statistics.median(xs):6.1f} ms, p95 {p95(xs):6.1f} ms, "
            f"max {max(xs):6.1f} ms"
        )
    print(
        json.dumps(
            {
                "weight": summary,
                "p95_ms": {t: round(p95(xs), 2) for t, xs in times.items()},
                "first_check_ms": {
                    k: {"median": round(statistics.median(v), 1), "p95": round(p95(v), 1)} for k, v in first.items()
                },
            }
        )
    )


if __name__ == "__main__":
    main()

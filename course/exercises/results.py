"""Results as JSON: Exercism's ``results.json`` version 3, extended with points.

The core follows the Exercism test-runner interface (exercism/docs,
building/tooling/test-runners/interface.md): top level ``version`` (3), ``status``
(``pass``/``fail``/``error``), ``message`` (only for ``error``) and ``tests`` in file order, each with
``name``, ``status``, ``message``, ``test_code``, ``output`` (at most 500 characters) and ``task_id``.

Extensions (ignored by tools that do not know them):

- per test: ``item`` (item id), ``set``, ``type``, ``outcome`` (passed, partial, failed,
  not-attempted, needs-review), ``points``, ``max_points``, and ``score`` (= points, the field the
  GitHub Classroom grading reporter sums);
- top level: ``points``, ``max_points``, ``max_score`` (= max_points, read by the Classroom
  reporter), ``review_points`` (points awaiting an instructor) and ``counts`` per outcome.

Exercism's per-test status has no "skipped": not-attempted, partial, failed and needs-review
items are all ``fail`` there (they have not earned full marks yet); ``outcome`` says which. The
top-level status is ``pass`` when every automatically checked item is right: open responses, which
only an instructor can mark, do not hold it back (their points are in ``review_points``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from course.content.exercise_sets import ExerciseSet
from course.exercises.grading import NEEDS_REVIEW, PASSED, STATUSES, Result, SetResult


def _test_code(item, number: int) -> str:
    from course.content.text import plain

    prompt = plain(item.prompt).strip()
    if len(prompt) > 400:
        prompt = prompt[:399] + "…"
    return f"{item.id} ({item.type}, {item.points:g} point{'s' if item.points != 1 else ''}): {prompt}"


def test_entry(result: Result, item, set_id: str, number: int) -> dict:
    return {
        "name": f"{set_id} · {number}. {item.id}",
        "status": "pass" if result.status == PASSED else "fail",
        "message": None if result.status == PASSED else result.message,
        "test_code": _test_code(item, number),
        "output": None,
        "task_id": number,
        "item": item.id,
        "set": set_id,
        "type": item.type,
        "outcome": result.status,
        "points": result.points,
        "max_points": result.max_points,
        "score": result.points,
    }


def results_document(pairs: Iterable[tuple[ExerciseSet, SetResult]], *, error: str | None = None) -> dict:
    """The results.json document for one or more graded sets."""
    tests: list[dict] = []
    for exercise_set, set_result in pairs:
        for number, (item, res) in enumerate(zip(exercise_set.items, set_result.results), 1):
            tests.append(test_entry(res, item, exercise_set.id, number))
    return document_from_entries(tests, error=error)


def document_from_entries(tests: list[dict], *, error: str | None = None) -> dict:
    """Wrap per-test entries (from :func:`test_entry`) into a results.json document with totals."""
    points = round(sum(t["points"] for t in tests), 4)
    max_points = round(sum(t["max_points"] for t in tests), 4)
    review = round(sum(t["max_points"] for t in tests if t["outcome"] == NEEDS_REVIEW), 4)
    if error:
        status = "error"
    else:
        auto = [t for t in tests if t["outcome"] != NEEDS_REVIEW and t.get("type") != "open"]
        status = "pass" if auto and all(t["status"] == "pass" for t in auto) else "fail"
    return {
        "version": 3,
        "status": status,
        "message": error,
        "tests": tests,
        "points": points,
        "max_points": max_points,
        "max_score": max_points,
        "review_points": review,
        "counts": {s: sum(1 for t in tests if t["outcome"] == s) for s in STATUSES},
    }


def write_json(path: Path | str, document: dict) -> Path:
    """Write ``document`` atomically (temp file + rename)."""
    from course.content.files import atomic_write

    path = Path(path)
    atomic_write(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return path

"""Exporting the exercise sets to learning platforms: Moodle XML and IMS QTI 1.2 (Canvas and others).

``course export moodle [--out FILE] [--set SET]`` and ``course export qti [--out FILE.zip] [--set SET]``.
The same format-neutral plan (:mod:`course.lms.plan`) feeds both writers, so both exports hold the
same questions. Items that no LMS question type can hold (``locate``, ``annotate``) are listed in the
report, never dropped silently; ``--include-manual`` exports them as essays marked by hand.

Public API:

- :func:`plan(sets, include_manual=False) <course.lms.plan.plan>` → :class:`Plan`
- :func:`export_moodle(sets, out, include_manual=False)` → (path, plan, adjustments)
- :func:`export_qti(sets, out, include_manual=False)` → (path, plan)
- :func:`moodle_xml(plan) <course.lms.moodle.moodle_xml>`, :func:`qti_zip(plan) <course.lms.qti.qti_zip>`
"""

from __future__ import annotations

from pathlib import Path

from course.content.files import atomic_write_bytes
from course.lms.moodle import moodle_xml
from course.lms.plan import Plan, Question, Skipped, plan
from course.lms.qti import qti_zip

__all__ = [
    "Plan",
    "Question",
    "Skipped",
    "plan",
    "moodle_xml",
    "qti_zip",
    "export_moodle",
    "export_qti",
    "objective_texts",
]


def objective_texts(root: Path | None = None) -> dict[str, str]:
    """Objective id → text, from every module.yaml (empty if the modules cannot be read)."""
    try:
        from course.content import Course

        return {k: o.text for k, o in Course.of(root).objectives.items()}
    except Exception:  # noqa: BLE001 - objectives are a courtesy in the export
        return {}


def export_moodle(sets, out: Path, include_manual: bool = False, root: Path | None = None):
    p = plan(sets, include_manual=include_manual, root=root)
    data, adjustments = moodle_xml(p)
    return atomic_write_bytes(out, data), p, adjustments


def export_qti(sets, out: Path, include_manual: bool = False, root: Path | None = None):
    p = plan(sets, include_manual=include_manual, root=root)
    return atomic_write_bytes(out, qti_zip(p, objective_texts(root))), p

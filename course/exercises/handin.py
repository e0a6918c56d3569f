"""A learner's hand-in: ``course submit`` zips the answer files, exactly as saved, with a manifest
(``answers/MANIFEST.json``: each file's size, SHA-256 and the points so far) that ``course grade``
ignores and an instructor can read.

The zip is written to a temporary name and renamed when complete (content.files.atomic_replace),
so an interrupted hand-in never leaves a half-written zip under the final name.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from course.errors import CourseInputError
from course.exercises.answers import load_answers
from course.exercises.grading import NOT_ATTEMPTED, grade_set
from course.exercises.safe import safe_text


@dataclass
class HandIn:
    path: Path
    entries: list[dict]  # one per answer file, as in the manifest
    problems: list[str] = field(default_factory=list)  # with the answer files; the zip is written anyway


def default_name(now: datetime) -> Path:
    return Path(f"answers-{now.strftime('%Y%m%d-%H%M')}.zip")


def write_hand_in(sets, answers_dir: Path, out: Path, now: datetime) -> HandIn:
    """Zip ``answers_dir/<set>.yaml`` for every set with a file, and the manifest, into ``out``.
    No answer file at all is a CourseInputError; a symbolic link is left out (a problem)."""
    from course.content.files import write_error

    files, problems = [], []
    for s in sets:
        path = answers_dir / f"{s.id}.yaml"
        if path.is_symlink():
            problems.append(f"{path}: a symbolic link; not included (submit the file itself).")
            continue
        if path.is_file():
            raw = path.read_bytes()
            files.append((raw, _entry(s, path, raw, problems)))
    if not files:
        raise CourseInputError(
            f"{answers_dir}/: no answer files to submit. Run 'course start' and answer some items first."
        )
    manifest = {
        "kind": "course-answers",
        "version": 1,
        "created": now.isoformat(timespec="seconds"),
        "files": [e for _, e in files],
    }
    try:
        _write_zip(out, files, manifest)
    except OSError as exc:
        raise write_error(out, exc) from None
    return HandIn(out, [e for _, e in files], problems)


def _entry(s, path: Path, raw: bytes, problems: list[str]) -> dict:
    """The manifest entry of one answer file: what it is, and its points so far (if it can be read)."""
    entry = {"set": s.id, "file": f"answers/{s.id}.yaml", "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    try:
        af = load_answers(path, s, recover=True)
        r = grade_set(s, af.answers)
        entry.update(
            points=r.points,
            max_points=r.max_points,
            review_points=r.review_points,
            answered=sum(1 for x in r.results if x.status != NOT_ATTEMPTED),
            items=len(r.results),
        )
        problems += af.problems + af.unreadable(r)
    except CourseInputError as exc:
        entry["problem"] = safe_text(str(exc))
        problems.append(str(exc))
    return entry


def _write_zip(out: Path, files: list[tuple[bytes, dict]], manifest: dict) -> None:
    from course.content.files import atomic_replace

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for raw, e in files:
                zf.writestr(e["file"], raw)
            zf.writestr("answers/MANIFEST.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    atomic_replace(out, write)

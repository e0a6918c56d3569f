"""Bulk grading for instructors: ``course grade SUBMISSIONS --csv grades.csv [--json] [--feedback DIR]``.

``SUBMISSIONS`` is a folder with one entry per learner: a folder (e.g. a cloned GitHub Classroom
repository) or a ``.zip`` of one. In it, ``<set>.yaml`` (or ``.yml``) files anywhere are that
learner's answers; a file inside an ``answers/`` folder wins over others of the same name.

Safety:

- zip archives are never extracted: members are read into memory, and only answer files are read;
- an archive is rejected whole if any entry has an absolute path, a ``..`` component or a drive
  letter, is a symbolic link, is encrypted, or if it declares more than :data:`MAX_UNPACKED` bytes
  or :data:`MAX_ENTRIES` entries; each member read is capped at the answer-file limit (1 MB),
  whatever size it claims;
- folders are walked without following symbolic links;
- outputs are written only to the paths given (CSV, JSON) and inside the feedback folder, with
  learner names reduced to safe file names; spreadsheet formulas in text cells are neutralised.

A malformed submission is reported in the summary and never stops the run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from course.errors import CourseInputError
from course.exercises.grading import NEEDS_REVIEW, NOT_ATTEMPTED, SetResult, grade_set
from course.exercises.loader import MAX_ANSWER_BYTES, load_answers_bytes
from course.exercises.results import results_document
from course.exercises.schema import ExerciseSet, _fmt

MAX_ZIP_BYTES = 50 * 1024 * 1024  # the archive file itself
MAX_UNPACKED = 20 * 1024 * 1024  # total declared unpacked size
MAX_ENTRIES = 5000
MAX_DEPTH = 8
SUFFIXES = (".yaml", ".yml")


@dataclass
class Submission:
    learner: str
    source: str
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # set id → (where, raw bytes)
    problems: list[str] = field(default_factory=list)
    rejected: str | None = None


@dataclass
class LearnerGrade:
    learner: str
    source: str
    sets: list[tuple[ExerciseSet, SetResult]]
    problems: list[str]
    rejected: str | None = None
    diagnostic: dict = field(default_factory=dict)  # form id → DiagnosticResult (never marked)
    marks: dict = field(default_factory=dict)  # item id → instructor's points for an open response
    answers: dict = field(default_factory=dict)  # set id → {item id: raw answer} (for the marking sheet)
    justification_marks: dict = field(default_factory=dict)  # annotate item id → instructor's points

    @property
    def points(self) -> float:
        return round(sum(r.points for _, r in self.sets) + sum(self.marks.values()), 4)

    @property
    def max_points(self) -> float:
        return round(sum(r.max_points for _, r in self.sets), 4)

    @property
    def review_items(self) -> int:
        return sum(1 for _, r in self.sets for res in r.results
                   if res.status == NEEDS_REVIEW and res.item_id not in self.marks)

    @property
    def review_points(self) -> float:
        return round(sum(res.max_points for _, r in self.sets for res in r.results
                         if res.status == NEEDS_REVIEW and res.item_id not in self.marks), 4)


@dataclass
class GradeReport:
    sets: list[ExerciseSet]
    learners: list[LearnerGrade]
    skipped: list[str] = field(default_factory=list)  # entries of SUBMISSIONS that are not submissions

    @property
    def problem_count(self) -> int:
        return sum(1 for lg in self.learners if lg.problems or lg.rejected) + len(self.skipped)


# --------------------------------------------------------------------------------------------------
# Reading submissions


def _pick(candidates: dict[str, list[tuple[str, Any]]], sub: Submission) -> dict[str, tuple[str, Any]]:
    chosen = {}
    for set_id, found in candidates.items():
        if len(found) > 1:
            in_answers = [f for f in found if "answers" in PurePosixPath(f[0]).parts[:-1]]
            if len(in_answers) >= 1:
                found = in_answers
        found = sorted(found, key=lambda f: (len(PurePosixPath(f[0]).parts), f[0]))
        if len(found) > 1:
            sub.problems.append(f"{sub.source}: several answer files for set '{set_id}' "
                                f"({', '.join(f[0] for f in found[:4])}); used {found[0][0]}.")
        chosen[set_id] = found[0]
    return chosen


def read_folder(path: Path, set_ids: set[str]) -> Submission:
    sub = Submission(learner=path.name, source=str(path))
    candidates: dict[str, list[tuple[str, Any]]] = {}
    count = 0
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        rel_dir = Path(dirpath).relative_to(path)
        depth = len(rel_dir.parts)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and depth < MAX_DEPTH)
        for name in sorted(filenames):
            count += 1
            if count > MAX_ENTRIES:
                sub.problems.append(f"{path}: more than {MAX_ENTRIES} files; the rest were not looked at.")
                return _finish_folder(sub, candidates)
            stem, suffix = os.path.splitext(name)
            if suffix.lower() not in SUFFIXES or stem not in set_ids or name.startswith("."):
                continue
            full = Path(dirpath) / name
            rel = str((rel_dir / name).as_posix())
            try:
                st = os.lstat(full)
            except OSError as exc:
                sub.problems.append(f"{full}: cannot be read ({exc.strerror}).")
                continue
            if stat.S_ISLNK(st.st_mode):
                sub.problems.append(f"{full}: is a symbolic link; links are not followed, so it was ignored.")
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            candidates.setdefault(stem, []).append((rel, full))
    return _finish_folder(sub, candidates)


def _finish_folder(sub: Submission, candidates) -> Submission:
    for set_id, (rel, full) in _pick(candidates, sub).items():
        try:
            size = full.stat().st_size
            if size > MAX_ANSWER_BYTES:
                sub.problems.append(f"{full}: {size:,} bytes, larger than the {MAX_ANSWER_BYTES // (1024 * 1024)} MB "
                                    "allowed for an answer file; set not graded.")
                continue
            with open(full, "rb") as fh:
                sub.files[set_id] = (str(full), fh.read(MAX_ANSWER_BYTES + 1))
        except OSError as exc:
            sub.problems.append(f"{full}: cannot be read ({exc.strerror}).")
    return sub


def _unsafe_name(name: str) -> str | None:
    if "\0" in name:
        return "contains a NUL character"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    parts = re.split(r"[\\/]+", name)
    if ".." in parts:
        return "contains '..'"
    return None


def read_zip(path: Path, set_ids: set[str]) -> Submission:
    sub = Submission(learner=path.stem, source=str(path))
    try:
        size = path.stat().st_size
    except OSError as exc:
        sub.rejected = f"{path}: cannot be read ({exc.strerror})."
        return sub
    if size > MAX_ZIP_BYTES:
        sub.rejected = f"{path}: the archive is {size:,} bytes, over the {MAX_ZIP_BYTES // (1024 * 1024)} MB limit."
        return sub
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        sub.rejected = f"{path}: not a readable zip archive ({exc})."
        return sub
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            sub.rejected = f"{path}: {len(infos):,} entries, over the limit of {MAX_ENTRIES:,}; archive rejected."
            return sub
        total = 0
        for info in infos:
            why = _unsafe_name(info.filename)
            mode = (info.external_attr >> 16) & 0o170000
            if why is None and mode == stat.S_IFLNK:
                why = "is a symbolic link"
            if why is None and info.flag_bits & 0x1:
                why = "is encrypted"
            if why:
                sub.rejected = (f"{path}: entry '{info.filename[:120]}' {why}; archives with such entries are "
                                "rejected whole. Ask the learner to zip the answers folder again.")
                return sub
            total += max(0, info.file_size)
        if total > MAX_UNPACKED:
            sub.rejected = (f"{path}: would unpack to {total:,} bytes, over the {MAX_UNPACKED // (1024 * 1024)} MB "
                            "limit; archive rejected.")
            return sub
        candidates: dict[str, list[tuple[str, Any]]] = {}
        for info in infos:
            if info.is_dir():
                continue
            p = PurePosixPath(info.filename.replace("\\", "/"))
            if any(part.startswith(".") or part == "__MACOSX" for part in p.parts):
                continue
            if p.suffix.lower() in SUFFIXES and p.stem in set_ids:
                candidates.setdefault(p.stem, []).append((str(p), info))
        for set_id, (rel, info) in _pick(candidates, sub).items():
            where = f"{path}!{rel}"
            try:
                with zf.open(info) as fh:
                    raw = fh.read(MAX_ANSWER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
                sub.problems.append(f"{where}: cannot be read from the archive ({exc}).")
                continue
            if len(raw) > MAX_ANSWER_BYTES:
                sub.problems.append(f"{where}: larger than the {MAX_ANSWER_BYTES // (1024 * 1024)} MB allowed for an "
                                    "answer file; set not graded.")
                continue
            sub.files[set_id] = (where, raw)
    return sub


def discover(submissions: Path, set_ids: set[str]) -> tuple[list[Submission], list[str]]:
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise CourseInputError(f"{submissions}: not a folder. Give a folder holding one folder or .zip per learner.")
    subs, skipped = [], []
    for entry in sorted(submissions.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            skipped.append(f"{entry}: a symbolic link; not followed.")
        elif entry.is_dir():
            subs.append(read_folder(entry, set_ids))
        elif entry.suffix.lower() == ".zip":
            subs.append(read_zip(entry, set_ids))
        else:
            skipped.append(f"{entry}: neither a folder nor a .zip file; ignored.")
    return subs, skipped


# --------------------------------------------------------------------------------------------------
# Grading


def grade_submission(sub: Submission, sets: list[ExerciseSet], root=None) -> LearnerGrade:
    graded = []
    all_answers: dict = {}
    problems = list(sub.problems)
    for s in sets:
        answers: dict = {}
        af = None
        if sub.rejected is None and s.id in sub.files:
            where, raw = sub.files[s.id]
            try:
                af = load_answers_bytes(raw, where, s)
                answers = af.answers
                problems.extend(af.problems)
            except CourseInputError as exc:
                problems.append(f"{exc} (Set '{s.id}' scored 0.)")
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the run
                problems.append(f"{where}: could not be graded ({type(exc).__name__}: {exc}); set '{s.id}' scored 0.")
        result = grade_set(s, answers, root=root)
        all_answers[s.id] = answers
        if af is not None:
            problems.extend(af.unreadable(result))
        graded.append((s, result))
    diag = _score_diagnostic(sub, root, problems)
    if sub.rejected is None and not any(s.id in sub.files for s in sets):
        problems.append(f"{sub.source}: empty submission: no answer file for "
                        f"{'the assigned set' if len(sets) == 1 else 'any of the ' + str(len(sets)) + ' sets'} "
                        f"({', '.join(s.id for s in sets[:6])}{' ...' if len(sets) > 6 else ''}).")
    elif sub.rejected is None and all(r.count(NOT_ATTEMPTED) == len(r.results) for _, r in graded):
        problems.append(f"{sub.source}: empty submission: the answer files contain no answers.")
    return LearnerGrade(sub.learner, sub.source, graded, problems, sub.rejected, diagnostic=diag,
                        answers=all_answers)


def _score_diagnostic(sub: Submission, root, problems: list[str]) -> dict:
    """The discernment check's forms found in a submission (never marked)."""
    from course.exercises.diagnostic import FORM_FILES, load_diagnostic, score_form
    from course.exercises.loader import load_answers_bytes as _load

    out = {}
    if sub.rejected is not None or not any(stem in sub.files for stem in FORM_FILES.values()):
        return out
    try:
        diag = load_diagnostic(root)
    except CourseInputError as exc:
        problems.append(str(exc))
        return out
    for fid, stem in FORM_FILES.items():
        if stem in sub.files and fid in diag.forms:
            where, raw = sub.files[stem]
            try:
                answers = _load(raw, where).answers
            except CourseInputError as exc:
                problems.append(f"{exc} (discernment form {fid.upper()} not scored.)")
                continue
            res = score_form(diag.forms[fid], answers, where)
            problems.extend(res.problems)
            out[fid] = res
    return out


def grade_all(submissions: Path, sets: list[ExerciseSet], root=None) -> GradeReport:
    from course.exercises.diagnostic import FORM_FILES

    subs, skipped = discover(submissions, {s.id for s in sets} | set(FORM_FILES.values()))
    learners = [grade_submission(sub, sets, root) for sub in subs]
    return GradeReport(sets, learners, skipped)


# --------------------------------------------------------------------------------------------------
# Output


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_rows(report: GradeReport) -> list[list[Any]]:
    header = ["learner", "submission"]
    for s in report.sets:
        header += [it.id for it in s.items]
    header += [f"total {s.id}" for s in report.sets]
    header += ["points", "max_points", "percent", "review_items", "review_points", "status", "problems"]
    header += ["justification marks", "discernment pre (A)", "discernment post (B)", "discernment change",
               "bias pre (A)", "bias post (B)"]
    rows = [header]
    for lg in report.learners:
        row: list[Any] = [_cell(lg.learner), _cell(lg.source)]
        for s, r in lg.sets:
            for res in r.results:
                if res.item_id in lg.marks:
                    row.append(_fmt(round(lg.marks[res.item_id], 2)))
                elif res.status == NEEDS_REVIEW:
                    row.append("review")
                else:
                    row.append(_fmt(round(res.points, 2)))
        row += [_fmt(round(r.points + sum(lg.marks.get(res.item_id, 0) for res in r.results), 2)) for _, r in lg.sets]
        pct = 100 * lg.points / lg.max_points if lg.max_points else 0
        status = "rejected" if lg.rejected else ("problems" if lg.problems else "ok")
        issues = ([lg.rejected] if lg.rejected else []) + lg.problems
        row += [_fmt(round(lg.points, 2)), _fmt(lg.max_points), f"{pct:.1f}", lg.review_items,
                _fmt(lg.review_points), status, _cell(" | ".join(issues))]
        row += [_fmt(round(sum(lg.justification_marks.values()), 2)) if lg.justification_marks else ""]
        row += _discernment_cells(lg)
        rows.append(row)
    return rows


def _discernment_cells(lg: LearnerGrade) -> list[str]:
    from course.exercises.diagnostic import change

    pre, post = lg.diagnostic.get("a"), lg.diagnostic.get("b")
    f = lambda x: "" if x is None else f"{x:.2f}"  # noqa: E731
    return [f(pre.discernment if pre else None), f(post.discernment if post else None), f(change(pre, post)),
            f(pre.bias if pre else None), f(post.bias if post else None)]


def write_csv(report: GradeReport, path: Path | str) -> Path:
    from course.exercises.templates import atomic_write

    path = Path(path)
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows(csv_rows(report))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buf.getvalue())
    return path


def json_report(report: GradeReport) -> dict:
    return {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sets": [{"id": s.id, "title": s.title, "max_points": s.max_points,
                  "items": [{"id": it.id, "type": it.type, "max_points": it.points} for it in s.items]}
                 for s in report.sets],
        "learners": [{
            "learner": lg.learner, "submission": lg.source, "points": lg.points, "max_points": lg.max_points,
            "review_items": lg.review_items, "review_points": lg.review_points, "rejected": lg.rejected,
            "problems": lg.problems, "results": results_document(lg.sets),
            "marks": lg.marks, "justification_marks": lg.justification_marks, "discernment": {k: v.to_dict() for k, v in lg.diagnostic.items()},
        } for lg in report.learners],
        "skipped": report.skipped,
    }


def write_json_report(report: GradeReport, path: Path | str) -> Path:
    from course.exercises.templates import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(json_report(report), ensure_ascii=False, indent=1) + "\n")
    return path


def safe_name(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "learner"
    return s[:100]


def write_feedback(report: GradeReport, folder: Path | str) -> list[Path]:
    """One Exercism-style results JSON per learner, inside ``folder`` only."""
    from course.exercises.templates import atomic_write

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    base = folder.resolve()
    written, used = [], set()
    for lg in report.learners:
        name = safe_name(lg.learner)
        stem, n = name, 2
        while name in used:
            name, n = f"{stem}-{n}", n + 1
        used.add(name)
        target = (base / f"{name}.json").resolve()
        if target.parent != base:  # belt and braces: never outside the folder
            continue
        doc = results_document(lg.sets)
        doc["learner"] = lg.learner
        doc["problems"] = ([lg.rejected] if lg.rejected else []) + lg.problems
        atomic_write(target, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        written.append(target)
    return written


def not_attempted_count(lg: LearnerGrade) -> int:
    return sum(r.count(NOT_ATTEMPTED) for _, r in lg.sets)

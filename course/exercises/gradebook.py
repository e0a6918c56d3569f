"""Bulk grading for instructors: ``course grade SUBMISSIONS --csv grades.csv [--json] [--feedback DIR]``.

``SUBMISSIONS`` is a folder with one entry per learner: a folder (e.g. a cloned GitHub Classroom
repository) or a ``.zip`` of one. In it, ``<set>.yaml`` (or ``.yml``) files anywhere are that
learner's answers; a file inside an ``answers/`` folder wins over others of the same name.

Safety:

- zip archives are never extracted: members are read into memory, and only answer files are read;
- an archive is rejected whole if any entry has an absolute path, a ``..`` component or a drive
  letter, is a symbolic link, is encrypted, uses a compression other than stored or deflated
  (bzip2 and LZMA members can be decompression bombs that ignore their declared size), or if it
  declares more than :data:`MAX_UNPACKED` bytes or :data:`MAX_ENTRIES` entries; each member read is
  capped at the answer-file limit (1 MB), whatever size it claims, and deflate is read in bounded
  chunks;
- only folders and regular files are opened (a FIFO named ``x.zip`` is skipped, never opened);
  folders are walked without following symbolic links;
- each submission is read and graded in a worker process with a time budget (``timeout``) and a
  memory cap (:data:`WORKER_MEMORY`): a submission that is too slow, too big or crashes its worker is
  reported and scored 0, and the class goes on;
- outputs are written only to the paths given (CSV, JSON) and inside the feedback folder, with
  learner names reduced to safe file names; every CSV field is quoted, control characters are
  escaped, spreadsheet formulas are neutralised and cells are capped (the full list of problems is
  in the JSON report and the feedback files); text printed to the terminal is escaped the same way.

A malformed submission is reported in the summary and never stops the run: submissions without a
readable answer file are reported with the reason (and the likely fix), and two submissions that
look like the same learner (``x/`` and ``x.zip``, ``X`` and ``x``, NFC and NFD spellings) are
flagged as duplicates.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from course.content import Course
from course.content.exercise_sets import ExerciseSet, _fmt
from course.content.yaml import MAX_ANSWER_BYTES
from course.errors import CourseInputError
from course.exercises.answers import load_answers_bytes
from course.exercises.grading import NEEDS_REVIEW, NOT_ATTEMPTED, SetResult, grade_set
from course.exercises.recovery import partly_unreadable
from course.exercises.results import results_document
from course.exercises.safe import csv_cell, join_capped, safe_text

MAX_ZIP_BYTES = 50 * 1024 * 1024  # the archive file itself
MAX_UNPACKED = 20 * 1024 * 1024  # total declared unpacked size
MAX_ENTRIES = 5000
MAX_DEPTH = 8
SUFFIXES = (".yaml", ".yml")
ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
ZIP_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64", 93: "Zstandard", 98: "PPMd"}
DEFAULT_TIMEOUT = 30.0  # seconds to read and grade one submission
WORKER_MEMORY = 512 * 1024 * 1024  # address space a worker may add while grading one submission


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
        return sum(
            1 for _, r in self.sets for res in r.results if res.status == NEEDS_REVIEW and res.item_id not in self.marks
        )

    @property
    def review_points(self) -> float:
        return round(
            sum(
                res.max_points
                for _, r in self.sets
                for res in r.results
                if res.status == NEEDS_REVIEW and res.item_id not in self.marks
            ),
            4,
        )


@dataclass
class GradeReport:
    sets: list[ExerciseSet]
    learners: list[LearnerGrade]
    skipped: list[str] = field(default_factory=list)  # entries of SUBMISSIONS that are not submissions


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
            sub.problems.append(
                f"{sub.source}: several answer files for set '{set_id}' "
                f"({', '.join(f[0] for f in found[:4])}); used {found[0][0]}."
            )
        chosen[set_id] = found[0]
    return chosen


class _Misses:
    """Why a submission has no (or fewer) answer files than expected: files that nearly match."""

    def __init__(self, set_ids: set[str]):
        self.by_fold = {sid.casefold(): sid for sid in set_ids}
        self.notes: list[str] = []  # one sentence each, reported as problems

    def consider(self, rel: str, name: str) -> str | None:
        """The set id ``name`` answers (exact, or a letter-case near miss), else None; notes near misses."""
        stem, suffix = os.path.splitext(name)
        hidden = name.startswith(".")
        if hidden:
            stem2, suffix2 = os.path.splitext(name.lstrip("."))
            if suffix2.lower() in SUFFIXES and stem2.casefold() in self.by_fold:
                self.notes.append(
                    f"'{rel}' is a hidden file (its name starts with '.'), so it was not read; "
                    f"rename it {self.by_fold[stem2.casefold()]}.yaml."
                )
            return None
        low = name.casefold()
        if suffix.lower() in SUFFIXES and stem.casefold() in self.by_fold:
            sid = self.by_fold[stem.casefold()]
            if stem != sid:
                self.notes.append(f"'{rel}' was read as {sid}.yaml (file names are lower case); rename it {sid}.yaml.")
            return sid
        if low.endswith(".zip"):
            self.notes.append(
                f"'{rel}' is a zip inside the submission; archives inside archives or folders are "
                "not opened. Submit the answers folder itself (or one zip of it)."
            )
            return None
        for fold, sid in self.by_fold.items():
            if fold in low:
                self.notes.append(
                    f"'{rel}' looks like an answer file but is not named exactly; did you mean {sid}.yaml?"
                )
                return None
        if suffix.lower() in SUFFIXES and len(stem) <= 100:
            from difflib import get_close_matches

            close = get_close_matches(stem.casefold(), list(self.by_fold), n=1, cutoff=0.85)
            if close:
                self.notes.append(
                    f"'{rel}' is not the name of an answer file; did you mean {self.by_fold[close[0]]}.yaml?"
                )
        return None


def read_folder(path: Path, set_ids: set[str]) -> Submission:
    sub = Submission(learner=path.name, source=str(path))
    candidates: dict[str, list[tuple[str, Any]]] = {}
    misses = _Misses(set_ids)
    count = 0
    too_deep: list[str] = []
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        rel_dir = Path(dirpath).relative_to(path)
        depth = len(rel_dir.parts)
        for d in dirnames:
            if os.path.islink(os.path.join(dirpath, d)):
                misses.notes.append(
                    f"'{(rel_dir / d).as_posix()}/' is a symbolic link to a folder; links are not "
                    "followed, so nothing in it was read. Submit the folder itself."
                )
        if depth >= MAX_DEPTH and dirnames:
            too_deep.append((rel_dir / dirnames[0]).as_posix())
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and depth < MAX_DEPTH)
        for name in sorted(filenames):
            count += 1
            if count > MAX_ENTRIES:
                sub.problems.append(f"{path}: more than {MAX_ENTRIES} files; the rest were not looked at.")
                return _finish_folder(sub, candidates, misses)
            rel = str((rel_dir / name).as_posix())
            sid = misses.consider(rel, name)
            if sid is None:
                continue
            stem = sid
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
                sub.problems.append(f"{full}: is not a regular file; ignored.")
                continue
            candidates.setdefault(stem, []).append((rel, full))
    if too_deep:
        misses.notes.append(
            f"folders more than {MAX_DEPTH} levels deep were not looked at (e.g. '{too_deep[0]}'); "
            "put the answers folder near the top of the submission."
        )
    return _finish_folder(sub, candidates, misses)


def _read_regular(full: Path) -> bytes:
    """Read at most the answer-file limit from ``full``, refusing anything but a regular file
    (opened without following links and without blocking, so a FIFO put in its place cannot hang)."""
    fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            return fh.read(MAX_ANSWER_BYTES + 1)
    finally:
        if fd >= 0:
            os.close(fd)


def _finish_folder(sub: Submission, candidates, misses: _Misses | None = None) -> Submission:
    for set_id, (_rel, full) in _pick(candidates, sub).items():
        try:
            size = full.stat().st_size
            if size > MAX_ANSWER_BYTES:
                sub.problems.append(
                    f"{full}: {size:,} bytes, larger than the {MAX_ANSWER_BYTES // (1024 * 1024)} MB "
                    "allowed for an answer file; set not graded."
                )
                continue
            raw = _read_regular(full)
            if len(raw) > MAX_ANSWER_BYTES:
                sub.problems.append(
                    f"{full}: larger than the {MAX_ANSWER_BYTES // (1024 * 1024)} MB allowed for an "
                    "answer file; set not graded."
                )
                continue
            sub.files[set_id] = (str(full), raw)
        except OSError as exc:
            sub.problems.append(f"{full}: cannot be read ({exc.strerror or exc}).")
    _report_misses(sub, misses)
    return sub


def _report_misses(sub: Submission, misses: _Misses | None, *, empty: bool = False) -> None:
    """Add the near misses (misnamed, hidden, nested, linked files) to the submission's problems. A
    submission with no answer file at all is reported by :func:`grade_submission` ("empty submission")."""
    notes = misses.notes if misses else []
    sub.problems.extend(f"{sub.source}: {n}" for n in notes)
    if empty and sub.rejected is None:
        sub.problems.append(f"{sub.source}: the archive is empty.")


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
        sub.rejected = _zip_rejection(path, infos)
        if sub.rejected:
            return sub
        misses = _Misses(set_ids)
        candidates = _zip_candidates(infos, misses)
        for set_id, (rel, info) in _pick(candidates, sub).items():
            _read_member(zf, info, f"{path}!{rel}", set_id, sub)
        _report_misses(sub, misses, empty=not any(not i.is_dir() for i in infos))
    return sub


def _zip_rejection(path: Path, infos: list[zipfile.ZipInfo]) -> str | None:
    """Why the whole archive is rejected (too many entries, an unsafe entry, too big unpacked), or None."""
    if len(infos) > MAX_ENTRIES:
        return f"{path}: {len(infos):,} entries, over the limit of {MAX_ENTRIES:,}; archive rejected."
    total = 0
    for info in infos:
        why = _unsafe_entry(info)
        if why:
            return (
                f"{path}: entry '{info.filename[:120]}' {why}; archives with such entries are "
                "rejected whole. Ask the learner to zip the answers folder again."
            )
        total += max(0, info.file_size)
    if total > MAX_UNPACKED:
        return (
            f"{path}: would unpack to {total:,} bytes, over the {MAX_UNPACKED // (1024 * 1024)} MB "
            "limit; archive rejected."
        )
    return None


def _unsafe_entry(info: zipfile.ZipInfo) -> str | None:
    why = _unsafe_name(info.filename)
    if why:
        return why
    if ((info.external_attr >> 16) & 0o170000) == stat.S_IFLNK:
        return "is a symbolic link"
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.compress_type not in ZIP_METHODS:
        method = ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        return (
            f"uses {method} compression; only stored and deflated (standard) compression is accepted, "
            "because other methods can hide a decompression bomb. Make the zip with the usual "
            "'Compress' or 'Send to > Compressed folder' command"
        )
    return None


def _zip_candidates(infos: list[zipfile.ZipInfo], misses: _Misses) -> dict[str, list[tuple[str, Any]]]:
    """The entries that may be answer files, by set id (hidden folders, __MACOSX and deep entries skipped)."""
    candidates: dict[str, list[tuple[str, Any]]] = {}
    for info in infos:
        if info.is_dir():
            continue
        p = PurePosixPath(info.filename.replace("\\", "/"))
        if any(part == "__MACOSX" for part in p.parts) or any(part.startswith(".") for part in p.parts[:-1]):
            continue
        if len(p.parts) > MAX_DEPTH + 1:
            misses.notes.append(f"'{str(p)[:120]}' is more than {MAX_DEPTH} folders deep and was not looked at.")
            continue
        sid = misses.consider(str(p), p.name)
        if sid is not None:
            candidates.setdefault(sid, []).append((str(p), info))
    return candidates


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, set_id: str, sub: Submission) -> None:
    """One answer file from the archive into ``sub.files`` (at most MAX_ANSWER_BYTES), or a problem."""
    try:
        with zf.open(info) as fh:
            raw = fh.read(MAX_ANSWER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
        sub.problems.append(f"{where}: cannot be read from the archive ({exc}).")
        return
    if len(raw) > MAX_ANSWER_BYTES:
        sub.problems.append(
            f"{where}: larger than the {MAX_ANSWER_BYTES // (1024 * 1024)} MB allowed for an "
            "answer file; set not graded."
        )
        return
    sub.files[set_id] = (where, raw)


_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", "__MACOSX"}


def list_entries(submissions: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """The submissions in ``submissions`` as (kind, path), kind "folder" or "zip", in name order; and
    the entries skipped, each with the reason. Nothing is opened here: entries are classified with
    ``lstat``, so a FIFO, socket or device is skipped, never read."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise CourseInputError(f"{submissions}: not a folder. Give a folder holding one folder or .zip per learner.")
    entries, skipped = [], []
    try:
        names = sorted(os.listdir(submissions))
    except OSError as exc:
        raise CourseInputError(f"{submissions}: cannot be listed ({exc.strerror or exc}).") from None
    for name in names:
        entry = submissions / name
        try:
            mode = os.lstat(entry).st_mode
        except OSError as exc:
            skipped.append(f"{entry}: cannot be read ({exc.strerror or exc}).")
            continue
        if name in _IGNORED_NAMES:
            continue
        if name.startswith("."):
            skipped.append(
                f"{entry}: a hidden name (starting with '.'); not graded. Rename it if it is a learner's submission."
            )
        elif stat.S_ISLNK(mode):
            skipped.append(f"{entry}: a symbolic link; not followed.")
        elif stat.S_ISDIR(mode):
            entries.append(("folder", entry))
        elif name.lower().endswith(".zip"):
            if stat.S_ISREG(mode):
                entries.append(("zip", entry))
            else:
                skipped.append(f"{entry}: named .zip but not a regular file (a pipe, socket or device); not opened.")
        else:
            skipped.append(f"{entry}: neither a folder nor a .zip file; ignored.")
    return entries, skipped


def read_entry(kind: str, path: Path, set_ids: set[str]) -> Submission:
    return read_folder(path, set_ids) if kind == "folder" else read_zip(path, set_ids)


def learner_key(name: str) -> str:
    """The identity of a learner name: NFC, letter case ignored, a trailing .zip dropped."""
    n = unicodedata.normalize("NFC", name).casefold()
    return n[:-4] if n.endswith(".zip") else n


def duplicates(entries: list[tuple[str, Path]]) -> dict[Path, list[Path]]:
    """Entries that look like the same learner: ``x/`` and ``x.zip``, ``x.zip`` and ``x.ZIP``, ``X`` and
    ``x``, NFC and NFD spellings. Maps each such entry to the others."""
    groups: dict[str, list[Path]] = {}
    for _, path in entries:
        groups.setdefault(learner_key(path.name), []).append(path)
    return {p: [q for q in g if q != p] for g in groups.values() if len(g) > 1 for p in g}


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
                af = load_answers_bytes(raw, where, s, recover=True)
                answers = af.answers
                problems.extend(partly_unreadable(af, s.id))  # issue 13: a YAML error hides only its items
            except CourseInputError as exc:
                problems.append(f"{exc} (Set '{s.id}' scored 0.)")
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the run
                problems.append(f"{where}: could not be graded ({type(exc).__name__}: {exc}); set '{s.id}' scored 0.")
        try:
            result = grade_set(s, answers, root=root)
            if af is not None:
                problems.extend(af.unreadable(result))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the run (issue 16)
            problems.append(
                f"{sub.files.get(s.id, (sub.source,))[0]}: could not be graded "
                f"({type(exc).__name__}); set '{s.id}' scored 0."
            )
            result = grade_set(s, {}, root=root)
        all_answers[s.id] = answers
        graded.append((s, result))
    diag = _score_diagnostic(sub, root, problems)
    if sub.rejected is None and not any(s.id in sub.files for s in sets):
        problems.append(
            f"{sub.source}: empty submission: no answer file for "
            f"{'the assigned set' if len(sets) == 1 else 'any of the ' + str(len(sets)) + ' sets'} "
            f"({', '.join(s.id for s in sets[:6])}{' ...' if len(sets) > 6 else ''})."
        )
    elif sub.rejected is None and all(r.count(NOT_ATTEMPTED) == len(r.results) for _, r in graded):
        problems.append(f"{sub.source}: empty submission: the answer files contain no answers.")
    return LearnerGrade(sub.learner, sub.source, graded, problems, sub.rejected, diagnostic=diag, answers=all_answers)


def _score_diagnostic(sub: Submission, root, problems: list[str]) -> dict:
    """The discernment check's forms found in a submission (never marked)."""
    from course.exercises.answers import load_answers_bytes as _load
    from course.exercises.diagnostic import FORM_FILES, score_form

    out = {}
    if sub.rejected is not None or not any(stem in sub.files for stem in FORM_FILES.values()):
        return out
    try:
        diag = Course.of(root).diagnostic
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


def _failed(kind: str, path: Path, sets: list[ExerciseSet], why: str, root=None) -> LearnerGrade:
    """A submission that could not be graded at all: every item 0, the reason as its problem."""
    name = path.stem if kind == "zip" else path.name
    return LearnerGrade(
        name, str(path), [(s, grade_set(s, {}, root=root)) for s in sets], [f"{path}: {why}; everything scored 0."]
    )


def _grade_entry(kind: str, path: Path, sets: list[ExerciseSet], root=None) -> LearnerGrade:
    """Read and grade one submission; never raises (the error becomes the submission's problem)."""
    try:
        from course.exercises.diagnostic import FORM_FILES

        sub = read_entry(kind, path, {s.id for s in sets} | set(FORM_FILES.values()))
        return grade_submission(sub, sets, root)
    except MemoryError:
        return _failed(kind, path, sets, "grading it needed more memory than allowed", root)
    except Exception as exc:  # noqa: BLE001
        return _failed(kind, path, sets, f"could not be graded ({type(exc).__name__})", root)


def grade_all(
    submissions: Path, sets: list[ExerciseSet], root=None, *, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT
) -> GradeReport:
    """Grade every submission. Each is read and graded in a worker process (``jobs`` of them; default:
    up to 4, one per CPU) with ``timeout`` seconds and :data:`WORKER_MEMORY` bytes of memory;
    ``jobs=0`` grades in this process, without those limits. Never raises on a submission."""
    entries, skipped = list_entries(submissions)
    if jobs is None:
        jobs = min(4, os.cpu_count() or 1)
    if jobs > 0 and entries and _can_fork():
        learners = _grade_in_workers(entries, sets, root, jobs, timeout)
    else:
        learners = [_grade_entry(kind, path, sets, root) for kind, path in entries]
    dups = duplicates(entries)
    for (_kind, path), lg in zip(entries, learners):
        if path in dups:
            others = ", ".join(q.name for q in dups[path])
            lg.problems.insert(
                0,
                f"{path}: possible duplicate of {others} (the same learner id once letter case, "
                "Unicode form and .zip are ignored); both were graded: keep the right one.",
            )
    for lg in learners:  # whatever a learner wrote, it is shown escaped
        if safe_text(lg.learner, newlines=False) != lg.learner:
            lg.problems.insert(
                0,
                f"{lg.source}: the name holds control or text-direction characters (shown "
                "escaped, e.g. \\x1b); rename the submission so the gradebook shows it plainly.",
            )
        lg.learner = safe_text(lg.learner, newlines=False)
        lg.source = safe_text(lg.source, newlines=False)
        lg.problems = [safe_text(p, newlines=False) for p in lg.problems]
        lg.rejected = safe_text(lg.rejected, newlines=False) if lg.rejected else lg.rejected
    return GradeReport(sets, learners, [safe_text(s, newlines=False) for s in skipped])


# --------------------------------------------------------------------------------------------------
# Worker processes: a time budget and a memory cap per submission


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"


def _worker_main(conn, sets, root, memory: int) -> None:
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = current + memory
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        pass  # no cap on this system; the time budget still applies
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, kind, path = task
        lg = _grade_entry(kind, path, sets, root)
        lg.sets = [(s.id, r) for s, r in lg.sets]  # the sets themselves stay in the parent
        try:
            conn.send((index, lg, None))
        except MemoryError:
            conn.send((index, None, "the results were too large to return"))


class _Worker:
    def __init__(self, ctx, sets, root):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, sets, root, WORKER_MEMORY), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple | None = None
        self.deadline = 0.0

    def give(self, task: tuple, timeout: float) -> None:
        self.task = task
        self.deadline = time.monotonic() + timeout
        self.conn.send(task)

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
            self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _grade_in_workers(entries, sets, root, jobs: int, timeout: float) -> list[LearnerGrade]:
    import multiprocessing

    pool = _Pool(multiprocessing.get_context("fork"), entries, sets, root, timeout, min(jobs, len(entries)))
    try:
        pool.run()
    finally:
        pool.close()
    return [
        r if r is not None else _failed(kind, path, sets, "it was not graded (internal error)", root)
        for r, (kind, path) in zip(pool.results, entries)
    ]


class _Pool:
    """Worker processes that grade one submission at a time. A worker that crashes or overruns its
    deadline is replaced, and its submission is scored 0 with the reason."""

    def __init__(self, ctx, entries, sets, root, timeout: float, n: int):
        self.ctx, self.sets, self.root, self.timeout = ctx, sets, root, timeout
        self.by_id = {s.id: s for s in sets}
        self.results: list[LearnerGrade | None] = [None] * len(entries)
        self.todo = list(reversed([(i, kind, path) for i, (kind, path) in enumerate(entries)]))
        self.workers = [_Worker(ctx, sets, root) for _ in range(n)]

    def run(self) -> None:
        from multiprocessing.connection import wait

        for w in self.workers:
            self._feed(w)
        while any(w.task for w in self.workers):
            busy = [w for w in self.workers if w.task]
            wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.conn for w in busy], timeout=wait_for + 0.01))
            for n, w in enumerate(self.workers):
                if not w.task:
                    continue
                if w.conn in ready:
                    self._receive(n)
                elif time.monotonic() > w.deadline:
                    self._replace(
                        n,
                        f"too slow: reading and grading it took more than {self.timeout:g} s, so it "
                        "was stopped. Look at its answer files (a very long or unusual answer?) and "
                        "grade it alone with a larger --timeout if needed",
                    )

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.task is not None)

    def _fail(self, task, why: str) -> None:
        i, kind, path = task
        self.results[i] = _failed(kind, path, self.sets, why, self.root)

    def _feed(self, w: _Worker) -> None:
        if self.todo:
            w.give(self.todo.pop(), self.timeout)
        else:
            w.task = None

    def _replace(self, n: int, why: str) -> None:
        self._fail(self.workers[n].task, why)
        self.workers[n].stop(kill=True)
        self.workers[n] = _Worker(self.ctx, self.sets, self.root)
        self._feed(self.workers[n])

    def _receive(self, n: int) -> None:
        w = self.workers[n]
        try:
            i, lg, error = w.conn.recv()
        except (EOFError, OSError):
            self._replace(n, "its grading process stopped (it ran out of memory or crashed)")
            return
        if lg is None:
            self._fail(w.task, error)
        else:
            lg.sets = [(self.by_id[sid], r) for sid, r in lg.sets]
            self.results[i] = lg
        self._feed(w)


# --------------------------------------------------------------------------------------------------
# Output


def _cell(value: Any) -> Any:
    """A safe CSV cell: formulas neutralised, control characters escaped, length capped (issue 16)."""
    return csv_cell(value)


def csv_rows(report: GradeReport) -> list[list[Any]]:
    header = ["learner", "submission"]
    for s in report.sets:
        header += [it.id for it in s.items]
    header += [f"total {s.id}" for s in report.sets]
    header += ["points", "max_points", "percent", "review_items", "review_points", "status", "problems"]
    header += [
        "justification marks",
        "discernment pre (A)",
        "discernment post (B)",
        "discernment change",
        "bias pre (A)",
        "bias post (B)",
    ]
    rows = [header]
    for lg in report.learners:
        row: list[Any] = [_cell(lg.learner), _cell(lg.source)]
        for _s, r in lg.sets:
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
        row += [
            _fmt(round(lg.points, 2)),
            _fmt(lg.max_points),
            f"{pct:.1f}",
            lg.review_items,
            _fmt(lg.review_points),
            status,
            _cell(
                join_capped(
                    [safe_text(i, newlines=False) for i in issues],
                    more=" problem(s): see the JSON report or the feedback file",
                )
            ),
        ]
        row += [_fmt(round(sum(lg.justification_marks.values()), 2)) if lg.justification_marks else ""]
        row += _discernment_cells(lg)
        rows.append(row)
    return rows


def _discernment_cells(lg: LearnerGrade) -> list[str]:
    from course.exercises.diagnostic import change

    pre, post = lg.diagnostic.get("a"), lg.diagnostic.get("b")
    f = lambda x: "" if x is None else f"{x:.2f}"  # noqa: E731
    return [
        f(pre.discernment if pre else None),
        f(post.discernment if post else None),
        f(change(pre, post)),
        f(pre.bias if pre else None),
        f(post.bias if post else None),
    ]


def write_csv(report: GradeReport, path: Path | str) -> Path:
    from course.content.files import atomic_write

    path = Path(path)
    buf = io.StringIO()
    # Every field quoted and rows ended by CRLF (RFC 4180): no learner text can split a row.
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(csv_rows(report))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buf.getvalue())
    return path


def json_report(report: GradeReport) -> dict:
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "sets": [
            {
                "id": s.id,
                "title": s.title,
                "max_points": s.max_points,
                "items": [{"id": it.id, "type": it.type, "max_points": it.points} for it in s.items],
            }
            for s in report.sets
        ],
        "learners": [
            {
                "learner": lg.learner,
                "submission": lg.source,
                "points": lg.points,
                "max_points": lg.max_points,
                "review_items": lg.review_items,
                "review_points": lg.review_points,
                "rejected": lg.rejected,
                "problems": lg.problems,
                "results": results_document(lg.sets),
                "marks": lg.marks,
                "justification_marks": lg.justification_marks,
                "discernment": {k: v.to_dict() for k, v in lg.diagnostic.items()},
            }
            for lg in report.learners
        ],
        "skipped": report.skipped,
    }


def write_json_report(report: GradeReport, path: Path | str) -> Path:
    from course.content.files import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, _json_report_chunks(report))
    return path


def _json_report_chunks(report: GradeReport):
    """:func:`json_report` as text, one learner at a time: the whole document is never held in memory
    (for a class of 1,000 it would be several hundred megabytes)."""
    marker = "__LEARNERS__"
    head = json_report(GradeReport(report.sets, [], report.skipped))
    head["learners"] = marker
    before, after = json.dumps(head, ensure_ascii=False, indent=1).split(json.dumps(marker), 1)
    yield before + "["
    for n, lg in enumerate(report.learners):
        (doc,) = json_report(GradeReport(report.sets, [lg], []))["learners"]
        yield ("," if n else "") + "\n" + json.dumps(doc, ensure_ascii=False, indent=1)
    yield "\n]" + after + "\n"


def safe_name(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "learner"
    return s[:100]


def write_feedback(report: GradeReport, folder: Path | str) -> list[Path]:
    """One Exercism-style results JSON per learner, inside ``folder`` only."""
    from course.content.files import atomic_write

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

"""Answer templates (``course start``): one YAML file per set in ``answers/``.

Each item appears as a block of comments (number, id, type, points, the question in plain text,
the choices and the answer format) followed by an empty answer. Running ``course start`` again
never overwrites or loses anything: items missing from an existing file are appended at its end,
and the file's existing text (answers and comments) is kept byte for byte. Writes are atomic
(temporary file in the same folder, then ``os.replace``), so an interrupted run leaves either the
old file or the new one. Before the rename, ``start`` checks that the file has not changed since it
was read (size, modification time, inode): if an editor saved it in between, the merge is done again
from the new text, so a save is never undone. Temporary files carry the writer's process id; one
left behind by a killed run is removed by the next run. A failed write (disk full, read-only disk,
no permission) is a one-paragraph :class:`WriteError`: what failed, where, and what to do.
"""

from __future__ import annotations

import os
import re
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from course.content import Course
from course.content.exercise_sets import ExerciseSet, ItemBase, _fmt
from course.content.files import FileChanged, atomic_write, clean_stale_temps, write_error
from course.content.text import plain
from course.errors import CourseInputError
from course.items import for_item

WIDTH = 92
RULE = "# " + "─" * (WIDTH - 2)


def _comment(text: str, indent: str = "", hang: str = "") -> list[str]:
    out: list[str] = []
    # Reflow: join hard-wrapped lines; keep blank lines and list items as breaks.
    paras: list[str] = []
    for line in plain(text).split("\n"):
        if not line.strip():
            paras.append("")
        elif paras and paras[-1] and not re.match(r"^\s*(?:[-*]|\d+\.)\s+", line):
            paras[-1] += " " + line.strip()
        else:
            paras.append(line.rstrip())
    for para in paras:
        if not para.strip():
            out.append("#")
            continue
        lead = re.match(r"^\s*(?:[-*]|\d+\.)\s+", para)
        sub = " " * len(lead.group(0)) if lead else hang
        wrapped = textwrap.wrap(
            para.strip(),
            width=WIDTH - 2 - len(indent),
            subsequent_indent=sub,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
        out.extend(f"# {indent}{w}".rstrip() for w in wrapped)
    while out and out[-1] == "#":
        out.pop()
    return out


def _reading_label(reading_id: str) -> str:
    try:
        r = Course.current().reading(reading_id)
        return f"{r.label}, {reading_id}"
    except Exception:  # noqa: BLE001 - a label is a courtesy
        return reading_id


def _choices(choices: dict[str, str], indent: str = "  ") -> list[str]:
    out = []
    for k, v in choices.items():
        lines = _comment(v, indent=indent + " " * (len(k) + 3))
        first = lines[0][2 + len(indent) + len(k) + 3 :] if lines else ""
        out.append(f"# {indent}{k} = {first}".rstrip())
        out.extend(lines[1:])
    return out


def _placeholders(n: int) -> str:
    return "[" + ", ".join("?" for _ in range(n)) + "]"


class _Kit:
    """The template view's tools, for the item types' :meth:`~course.items.base.ItemType.template_lines`."""

    comment = staticmethod(_comment)
    choices = staticmethod(_choices)
    plain = staticmethod(plain)
    reading_label = staticmethod(_reading_label)
    placeholders = staticmethod(_placeholders)


def item_block(item: ItemBase, number: int, root=None) -> str:
    """The template text for one item (comments + empty answer), ending with a newline."""
    kind = for_item(item)
    pts = f"{_fmt(item.points)} point{'s' if item.points != 1 else ''}"
    lines = [RULE, f"# {number}. {item.id}  ·  {item.type}  ·  {pts}" + kind.template_tag, "#"]
    lines += _comment(item.prompt)
    more, value, extra = kind.template_lines(item, _Kit, root)
    out = "\n".join(lines + more) + "\n" + f"{item.id}:{value}\n"
    if extra:
        out += "\n".join(extra) + "\n"
    return out + "\n"


def header(exercise_set: ExerciseSet) -> str:
    return "\n".join(
        [
            f'# Answers to "{plain(exercise_set.title)}" (exercise set {exercise_set.id})',
            "#",
            "# Write each answer after its colon (or on the indented lines below it) and save the file.",
            "# Lines starting with # are comments. Leave an answer empty if you have not tried it yet.",
            f"#   Check your answers:  course check {exercise_set.id}      (or: pytest --answers answers/)",
            "#   Get a hint:          course hint ITEM-ID",
            "# `course start` only ever adds new questions to this file; it never changes your answers.",
            "",
            "",
        ]
    )


def render_template(exercise_set: ExerciseSet, root=None) -> str:
    return header(exercise_set) + "".join(item_block(it, n, root) for n, it in enumerate(exercise_set.items, 1))


@dataclass
class StartReport:
    path: Path
    action: str  # created | added | unchanged
    added: list[str] = field(default_factory=list)


def start(exercise_set: ExerciseSet, answers_dir: Path | str, root=None) -> StartReport:
    """Create ``answers/<set>.yaml``, or append the items it lacks. Never changes existing text."""
    answers_dir = Path(answers_dir)
    if answers_dir.exists() and not answers_dir.is_dir():
        raise CourseInputError(f"{answers_dir}: exists but is not a folder; answers need a folder.")
    try:
        answers_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(answers_dir, exc, what="create the folder for") from None
    path = answers_dir / f"{exercise_set.id}.yaml"
    clean_stale_temps(answers_dir)
    if path.is_symlink() and not path.exists():
        raise CourseInputError(
            f"{path}: is a symbolic link to a file that does not exist (or to itself). Delete "
            "the link and run 'course start' again."
        )
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            pass  # created meanwhile (an editor?): merge into it below
        except OSError as exc:
            raise write_error(path, exc, what="create") from None
        else:
            os.close(fd)
            try:
                atomic_write(path, render_template(exercise_set, root), expect=os.stat(path))
            except FileChanged:
                pass  # written meanwhile: merge into it below
            except BaseException:
                try:
                    if os.stat(path).st_size == 0:
                        os.unlink(path)
                except OSError:
                    pass
                raise
            else:
                return StartReport(path, "created", [it.id for it in exercise_set.items])
    for _attempt in range(5):
        try:
            return _append_missing(exercise_set, path, root)
        except FileChanged:
            time.sleep(0.05)
    raise CourseInputError(
        f"{path}: the file kept changing while new questions were being added (is an editor "
        "saving it?), so it was left as it is. Save your work, then run 'course start' again."
    )


def _existing_answers(path: Path, text: str) -> tuple[dict, bool]:
    """(the answers already in an answer file, whether they are written as one {...} mapping), or a
    one-paragraph error that leaves the file alone."""
    from course.content.yaml import parse_yaml

    try:
        doc = parse_yaml(text, str(path), what="answer file")
    except CourseInputError as exc:
        raise CourseInputError(
            f"{exc} The file was left untouched; fix it (or move it away) and run 'course start' again."
        ) from None
    data = doc.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CourseInputError(
            f"{path}: the top level is not a mapping of item ids to answers, so new questions "
            "cannot be added safely. The file was left untouched."
        )
    stripped = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return data, bool(stripped and stripped[0].lstrip().startswith("{"))


def _merged(exercise_set: ExerciseSet, text: str, missing: list, root) -> str:
    """The file's text with the blocks of the ``missing`` (number, item) appended."""
    addition = "".join(item_block(it, n, root) for n, it in missing)
    if not text.strip():
        return header(exercise_set) + addition
    return text + ("" if text.endswith("\n") else "\n") + "\n" + addition


def _append_missing(exercise_set: ExerciseSet, path: Path, root) -> StartReport:
    from course.content.yaml import MAX_ANSWER_BYTES, parse_yaml, read_text

    before = os.stat(path)
    text = read_text(path, max_bytes=MAX_ANSWER_BYTES, what="answer file")
    data, flow = _existing_answers(path, text)
    missing = [(n, it) for n, it in enumerate(exercise_set.items, 1) if it.id not in data]
    if not missing:
        return StartReport(path, "unchanged")
    if flow:
        raise CourseInputError(
            f"{path}, line 1: the answers are written as one {{...}} mapping, so new questions "
            "cannot be appended safely. Rewrite it one 'item-id: answer' per line, or move it "
            "away and run 'course start' again. The file was left untouched."
        )
    merged = _merged(exercise_set, text, missing, root)
    # Prove that nothing was lost before replacing the file.
    check = parse_yaml(merged, str(path), what="answer file").data or {}
    lost = [k for k in data if k not in check or check[k] != data[k]]
    if lost:
        raise CourseInputError(
            f"{path}: adding the new questions would change the answers to "
            f"{', '.join(map(str, lost))}, so the file was left untouched. Add these items by "
            f"hand: {', '.join(it.id for _, it in missing)}."
        )
    atomic_write(path, merged, expect=before)
    return StartReport(path, "added", [it.id for _, it in missing])

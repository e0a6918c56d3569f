"""Safe YAML loading for the course's own data files (readings, modules, glossary, figures).

Safe loading only (nothing in a file is ever executed), duplicate keys rejected, anchors and aliases
rejected (no alias bombs), a size cap, and errors that name the file and line.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from course.errors import CourseInputError

MAX_BYTES = 5 * 1024 * 1024


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=False)  # the C parser where available: same data, ~6x faster
    y.allow_duplicate_keys = False
    return y


def load_yaml_text(text: str, where: str) -> object:
    y = _yaml()
    try:
        for ev in y.parse(text):
            if isinstance(ev, AliasEvent):
                line = ev.start_mark.line + 1 if ev.start_mark else "?"
                raise CourseInputError(
                    f"{where}, line {line}: YAML aliases (*name) are not allowed in course files. "
                    "Write the value out in full."
                )
        return y.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        what = (exc.problem or "invalid YAML").strip()
        if "duplicate key" in str(exc):
            what = "a key appears twice in the same mapping; keep one"
        raise CourseInputError(f"{where}{line}: {what}. Check the indentation and quoting near that line.") from None
    except YAMLError as exc:
        raise CourseInputError(f"{where}: not valid YAML ({str(exc).splitlines()[0]}).") from None


def load_yaml_file(path: Path, max_bytes: int = MAX_BYTES) -> object:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CourseInputError(f"{path}: cannot read ({exc.strerror}).") from None
    if size > max_bytes:
        raise CourseInputError(f"{path}: {size:,} bytes is larger than the {max_bytes:,}-byte limit for a course file.")
    raw = path.read_bytes()
    if b"\0" in raw:
        raise CourseInputError(f"{path}: contains NUL bytes; this is a binary file, not YAML text.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CourseInputError(f"{path}, line {line}: not valid UTF-8 text. Save the file as UTF-8.") from None
    return load_yaml_text(text, str(path))

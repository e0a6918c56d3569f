"""The discernment diagnostic's data (``data/diagnostic.yaml``): two parallel forms of passages, each
keyed ``technique`` or ``none``. Scoring is the exercise engine's (``course.exercises.diagnostic``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course.content.yaml import MAX_DATA_BYTES, load_yaml
from course.errors import CourseInputError

LABELS = ("technique", "none")
SIGNAL = "technique"
FORM_FILES = {"a": "diagnostic-a", "b": "diagnostic-b"}  # answer-file stems


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    key: str
    strand: str
    pair: str | None = None
    techniques: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Form:
    id: str  # "a" or "b"
    title: str
    passages: tuple[Passage, ...]

    @property
    def answer_stem(self) -> str:
        return FORM_FILES[self.id]


@dataclass(frozen=True)
class Diagnostic:
    title: str
    instructions: str
    forms: dict[str, Form]


def diagnostic_path(root: Path | str) -> Path:
    return Path(root) / "data" / "diagnostic.yaml"


def load_diagnostic(root: Path | str) -> Diagnostic:
    path = diagnostic_path(root)
    if not path.exists():
        raise CourseInputError(f"{path}: the diagnostic's data file is missing.")
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> Diagnostic:
    doc = load_yaml(path, max_bytes=MAX_DATA_BYTES, what="diagnostic file")
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("forms"), dict):
        raise CourseInputError(f"{doc.at(('forms',))}: expected a mapping with 'forms: {{a: ..., b: ...}}'.")
    forms = {}
    seen: set[str] = set()
    for fid, fd in data["forms"].items():
        if fid not in FORM_FILES or not isinstance(fd, dict):
            raise CourseInputError(
                f"{path}, line {doc.line_of(('forms', fid), key=True)}: form '{fid}': forms are "
                f"{', '.join(FORM_FILES)}, each a mapping with title and passages."
            )
        ps = []
        for i, p in enumerate(fd.get("passages") or []):
            line = doc.line_of(("forms", fid, "passages", i))
            if not isinstance(p, dict) or not {"id", "text", "key", "strand"} <= set(p):
                raise CourseInputError(f"{path}, line {line}: a passage needs id, text, key and strand.")
            if p["key"] not in LABELS:
                raise CourseInputError(
                    f"{path}, line {line}: passage '{p['id']}': key '{p['key']}' is not one of {', '.join(LABELS)}."
                )
            if p["id"] in seen:
                raise CourseInputError(f"{path}, line {line}: passage id '{p['id']}' is used twice.")
            seen.add(p["id"])
            ps.append(
                Passage(
                    id=str(p["id"]),
                    text=" ".join(str(p["text"]).split()),
                    key=p["key"],
                    strand=str(p["strand"]),
                    pair=p.get("pair"),
                    techniques=tuple(p.get("techniques") or ()),
                    note=str(p.get("note") or ""),
                )
            )
        forms[fid] = Form(id=fid, title=str(fd.get("title") or f"Form {fid.upper()}"), passages=tuple(ps))
    return Diagnostic(
        title=str(data.get("title", "Discernment check")), instructions=str(data.get("instructions", "")), forms=forms
    )

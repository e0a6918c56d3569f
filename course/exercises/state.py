"""The learner's small progress file, ``answers/.course-state.json``.

It records, per item: how many hints were shown, whether the answer was revealed, how many checks
were run, the best score and the last status. Answers themselves live only in the answer files.
A missing or damaged state file is never fatal: the learner's progress is recomputed from the
answers, and only hint and reveal counts are lost. A damaged file is reported, kept as
``.course-state.json.damaged-<time>`` (so nothing is thrown away) and replaced by a fresh one.
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

STATE_NAME = ".course-state.json"
VERSION = 1


@dataclass
class ItemState:
    hints_shown: int = 0
    revealed: bool = False
    checks: int = 0
    best_score: float = 0.0
    status: str = "not-attempted"
    passed_at: str | None = None

    @classmethod
    def from_dict(cls, d: dict) -> ItemState:
        def num(v, default, kind):
            try:
                x = kind(v)
            except (TypeError, ValueError, OverflowError):
                return default
            if kind is float and not math.isfinite(x):
                return default
            return min(x, 10**6) if kind is int else x

        return cls(
            hints_shown=max(0, num(d.get("hints_shown"), 0, int)),
            revealed=bool(d.get("revealed", False)),
            checks=max(0, num(d.get("checks"), 0, int)),
            best_score=min(1.0, max(0.0, num(d.get("best_score"), 0.0, float))),
            status=str(d.get("status", "not-attempted")),
            passed_at=d.get("passed_at") if isinstance(d.get("passed_at"), str) else None,
        )


@dataclass
class State:
    path: Path
    items: dict[str, ItemState] = field(default_factory=dict)
    warning: str | None = None

    def item(self, item_id: str) -> ItemState:
        return self.items.setdefault(item_id, ItemState())

    def hint_levels(self) -> dict[str, int]:
        return {k: v.hints_shown for k, v in self.items.items()}

    def record(self, item_id: str, status: str, score: float) -> bool:
        """Record a check; True when the item is passed for the first time."""
        st = self.item(item_id)
        st.checks += 1
        first = status == "passed" and st.passed_at is None
        if first:
            st.passed_at = datetime.now(UTC).isoformat(timespec="seconds")
        st.best_score = max(st.best_score, score)
        st.status = status
        return first

    def save(self) -> None:
        from course.content.files import atomic_write

        doc = {"version": VERSION, "items": {k: vars(v) for k, v in sorted(self.items.items())}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _why(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"it is not valid JSON (line {exc.lineno})"
    if isinstance(exc, OSError):
        return exc.strerror or "it cannot be read"
    text = str(exc)
    return text[:100] if text else type(exc).__name__


def _keep_copy(path: Path) -> Path | None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    copy = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        if not copy.exists():
            shutil.copyfile(path, copy)
        return copy
    except OSError:
        return None


def load_state(answers_dir: Path | str) -> State:
    """The learner's progress. Never raises: a damaged file is reported in ``warning``, copied aside
    and replaced by a fresh state (issue 16: a bad progress file must not stop a check)."""
    path = Path(answers_dir) / STATE_NAME
    state = State(path)
    try:
        if not path.exists():
            return state
        if not path.is_file():
            raise ValueError("it is not a regular file")
        if path.stat().st_size > 2 * 1024 * 1024:
            raise ValueError("it is larger than 2 MB")
        doc = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("it is not a JSON object")
        items = doc.get("items", {})
        if not isinstance(items, dict):
            raise ValueError("its 'items' is not a JSON object")
        for k, v in items.items():
            if isinstance(k, str) and isinstance(v, dict):
                state.items[k] = ItemState.from_dict(v)
        bad = {"hints_shown", "checks", "best_score"} & {
            f for v in items.values() if isinstance(v, dict) for f, x in v.items() if _damaged_number(x)
        }
        if bad:
            raise ValueError(f"it holds impossible numbers ({', '.join(sorted(bad))})")
    except Exception as exc:  # noqa: BLE001 - never fatal, whatever is in the file
        state.items.clear()
        copy = _keep_copy(path) if path.is_file() else None
        kept = f" A copy of the damaged file was kept as {copy.name}." if copy else ""
        state.warning = (
            f"{path}: the progress file could not be read ({_why(exc)}); starting a fresh one.{kept} "
            "Your answers are safe; only the record of hints and reveals was reset."
        )
    return state


def _damaged_number(x) -> bool:
    if isinstance(x, bool):
        return False
    if isinstance(x, float):
        return not math.isfinite(x) or abs(x) > 1e9
    if isinstance(x, int):
        return abs(x) > 10**9
    return False

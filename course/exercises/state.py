"""The learner's small progress file, ``answers/.course-state.json``.

It records, per item: how many hints were shown, whether the answer was revealed, how many checks
were run, the best score and the last status. Answers themselves live only in the answer files.
A missing or damaged state file is never fatal: the learner's progress is recomputed from the
answers, and only hint and reveal counts are lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
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
    def from_dict(cls, d: dict) -> "ItemState":
        def num(v, default, kind):
            try:
                return kind(v)
            except (TypeError, ValueError):
                return default

        return cls(hints_shown=max(0, num(d.get("hints_shown"), 0, int)),
                   revealed=bool(d.get("revealed", False)),
                   checks=max(0, num(d.get("checks"), 0, int)),
                   best_score=min(1.0, max(0.0, num(d.get("best_score"), 0.0, float))),
                   status=str(d.get("status", "not-attempted")),
                   passed_at=d.get("passed_at") if isinstance(d.get("passed_at"), str) else None)


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
            st.passed_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        st.best_score = max(st.best_score, score)
        st.status = status
        return first

    def save(self) -> None:
        from course.exercises.templates import atomic_write

        doc = {"version": VERSION, "items": {k: vars(v) for k, v in sorted(self.items.items())}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def load_state(answers_dir: Path | str) -> State:
    path = Path(answers_dir) / STATE_NAME
    state = State(path)
    if not path.exists():
        return state
    try:
        if path.stat().st_size > 2 * 1024 * 1024:
            raise ValueError("too large")
        doc = json.loads(path.read_text(encoding="utf-8"))
        items = doc.get("items", {}) if isinstance(doc, dict) else {}
        if not isinstance(items, dict):
            raise ValueError("no items")
        for k, v in items.items():
            if isinstance(k, str) and isinstance(v, dict):
                state.items[k] = ItemState.from_dict(v)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        state.warning = (f"{path}: the progress file could not be read ({exc}); starting a fresh one. "
                         "Your answers are safe; only the record of hints and reveals was reset.")
        state.items.clear()
    return state

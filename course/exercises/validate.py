"""Cross-file checks of an exercise set (what the loader cannot see from the set file alone).

:func:`validate_references` returns a list of one-paragraph problems (empty when all is well):

- the set's module has ``modules/<module>/module.yaml`` and every item's objective is declared there;
- every reading named by ``locate``/``annotate`` exists and every paragraph number it uses exists;
- every ``{para}`` reference in any text field (prompt, explanation, hints, choices, claim, model
  answers) resolves (via :mod:`course.readings`);
- every ``{cite:*}`` key exists in ``references.bib``;
- every explanation cites a source (``{cite:...}`` or ``{para}``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from course.exercises.schema import AnnotateItem, ExerciseSet, ItemBase, LocateItem

PARA_ROLE = re.compile(r"\{para\}`([^`]*)`")
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")


def _root(root) -> Path:
    if root is None:
        from course.paths import project_root

        return project_root()
    return Path(root)


def text_fields(item: ItemBase) -> list[tuple[str, str]]:
    """(field name, text) for every MyST text of an item."""
    out = [("prompt", item.prompt), ("explanation", item.explanation)]
    out += [(f"hints[{i}]", h) for i, h in enumerate(item.hints)]
    for name in ("choices", "left", "right", "feedback"):
        value = getattr(item, name, None)
        if isinstance(value, dict):
            out += [(f"{name}.{k}", v) for k, v in value.items() if isinstance(v, str)]
    for name in ("claim", "model_evidence", "model_answer"):
        value = getattr(item, name, None)
        if isinstance(value, str):
            out.append((name, value))
    for i, c in enumerate(getattr(item, "rubric", []) or []):
        out.append((f"rubric[{i}].criterion", c.criterion))
    return out


@lru_cache(maxsize=8)
def _bib_keys(path: str, _mtime: int) -> frozenset[str]:
    text = Path(path).read_text(encoding="utf-8")
    return frozenset(m.group(1).strip() for m in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,", text))


def bib_keys(root: Path) -> frozenset[str] | None:
    bib = root / "references.bib"
    if not bib.exists():
        return None
    return _bib_keys(str(bib), bib.stat().st_mtime_ns)


def module_objectives(root: Path, module: str) -> set[str] | None:
    from course.exercises.loader import MAX_SET_BYTES, load_yaml

    path = root / "modules" / module / "module.yaml"
    if not path.exists():
        return None
    data = load_yaml(path, max_bytes=MAX_SET_BYTES, what="module file").data
    objs = data.get("objectives", []) if isinstance(data, dict) else []
    return {o["id"] for o in objs if isinstance(o, dict) and isinstance(o.get("id"), str)}


def validate_references(exercise_set: ExerciseSet, root=None, *, where: str | None = None) -> list[str]:
    from course.readings import ReadingRefError, load_reading, resolve_ref

    root = _root(root)
    where = where or f"exercises/{exercise_set.id}.yaml"
    problems: list[str] = []
    objectives = module_objectives(root, exercise_set.module)
    if objectives is None:
        problems.append(f"{where}: module '{exercise_set.module}' has no modules/{exercise_set.module}/module.yaml, "
                        "so the items' objectives cannot be checked. Set 'module' to an existing module id.")
    keys = bib_keys(root)
    for item in exercise_set.items:
        here = f"{where}, item '{item.id}'"
        if objectives is not None and item.objective not in objectives:
            known = ", ".join(sorted(objectives)) or "none"
            problems.append(f"{here}: objective '{item.objective}' is not declared in "
                            f"modules/{exercise_set.module}/module.yaml. Declared: {known}.")
        if isinstance(item, (LocateItem, AnnotateItem)):
            try:
                reading = load_reading(item.reading, root)
            except (ReadingRefError, Exception) as exc:  # noqa: BLE001
                problems.append(f"{here}: reading '{item.reading}': {exc}")
            else:
                nums = (list(item.required) + list(item.optional)) if isinstance(item, LocateItem) \
                    else list(item.labels) + list(item.accept)
                bad = sorted({n for n in nums if not 1 <= n <= len(reading)})
                if bad:
                    problems.append(f"{here}: {item.reading} has paragraphs 1–{len(reading)}; "
                                    f"{', '.join(map(str, bad))} do(es) not exist.")
        for field, text in text_fields(item):
            for m in PARA_ROLE.finditer(text):
                try:
                    resolve_ref(m.group(1), root)
                except (ReadingRefError, Exception) as exc:  # noqa: BLE001
                    problems.append(f"{here}, {field}: {{para}}`{m.group(1)}`: {exc}")
            if keys is not None:
                for m in CITE_ROLE.finditer(text):
                    for key in (k.strip() for k in m.group(1).split(",")):
                        if key and key not in keys:
                            problems.append(f"{here}, {field}: citation key '{key}' is not in references.bib. "
                                            "Check the spelling with grep -n '@.*{KEY,' references.bib.")
        if not (CITE_ROLE.search(item.explanation) or PARA_ROLE.search(item.explanation)):
            problems.append(f"{here}: the explanation cites no source; add {{cite:p}}`key` or a {{para}} "
                            "reference (CONTRIBUTING.md: 'why the answer is right ... cite a source').")
    return problems

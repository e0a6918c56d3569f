"""Cross-file checks of an exercise set (what the loader cannot see from the set file alone).

:func:`validate_references` returns a list of one-paragraph problems (empty when all is well):

- the set's module has ``modules/<module>/module.yaml`` and every item's objective is declared there;
- every reading named by ``locate``/``annotate`` exists and every paragraph number it uses exists;
- every ``{para}`` reference in any text field (prompt, explanation, hints, choices, claim, model
  answers) resolves (via :class:`course.content.Course`);
- every ``{cite:*}`` key exists in ``references.bib``;
- every explanation cites a source (``{cite:...}`` or ``{para}``).
"""

from __future__ import annotations

import re
from pathlib import Path

from course.content import Course
from course.content.exercise_sets import ExerciseSet, ItemBase
from course.items import ITEM_TYPES, for_item

PARA_ROLE = re.compile(r"\{para\}`([^`]*)`")
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")


def _root(root) -> Path:
    if root is None:
        return Course.current().root
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


def bib_keys(root: Path) -> frozenset[str] | None:
    bib = Course(root).bibliography
    return bib.keys if bib.exists else None


def module_objectives(root: Path, module: str) -> set[str] | None:
    if not (root / "modules" / module / "module.yaml").exists():
        return None
    return {o.id for o in Course(root).module(module).objectives}


def _reading_problems(item, here: str, root) -> list[str]:
    """The reading a locate/annotate item names exists and has the paragraphs its key uses."""
    from course.content.readings import ReadingRefError

    used = for_item(item).reading_paragraphs(item)
    if used is None:
        return []
    reading_id, nums = used
    try:
        reading = Course.of(root).reading(reading_id)
    except (ReadingRefError, Exception) as exc:  # noqa: BLE001
        return [f"{here}: reading '{reading_id}': {exc}"]
    bad = sorted({n for n in nums if not 1 <= n <= len(reading)})
    if bad:
        return [f"{here}: {reading_id} has paragraphs 1–{len(reading)}; {', '.join(map(str, bad))} do(es) not exist."]
    return []


def _text_problems(item, here: str, root, keys) -> list[str]:
    """Every {para} reference of the item's texts resolves, and every {cite} key is in references.bib."""
    from course.content.readings import ReadingRefError

    problems = []
    for field, text in text_fields(item):
        for m in PARA_ROLE.finditer(text):
            try:
                Course.of(root).resolve_ref(m.group(1))
            except (ReadingRefError, Exception) as exc:  # noqa: BLE001
                problems.append(f"{here}, {field}: {{para}}`{m.group(1)}`: {exc}")
        if keys is None:
            continue
        for m in CITE_ROLE.finditer(text):
            for key in (k.strip() for k in m.group(1).split(",")):
                if key and key not in keys:
                    problems.append(
                        f"{here}, {field}: citation key '{key}' is not in references.bib. "
                        "Check the spelling with grep -n '@.*{KEY,' references.bib."
                    )
    return problems


def validate_references(exercise_set: ExerciseSet, root=None, *, where: str | None = None) -> list[str]:
    root = _root(root)
    where = where or f"exercises/{exercise_set.id}.yaml"
    problems: list[str] = []
    objectives = module_objectives(root, exercise_set.module)
    if objectives is None:
        problems.append(
            f"{where}: module '{exercise_set.module}' has no modules/{exercise_set.module}/module.yaml, "
            "so the items' objectives cannot be checked. Set 'module' to an existing module id."
        )
    keys = bib_keys(root)
    for item in exercise_set.items:
        here = f"{where}, item '{item.id}'"
        if objectives is not None and item.objective not in objectives:
            known = ", ".join(sorted(objectives)) or "none"
            problems.append(
                f"{here}: objective '{item.objective}' is not declared in "
                f"modules/{exercise_set.module}/module.yaml. Declared: {known}."
            )
        problems += _reading_problems(item, here, root)
        problems += _text_problems(item, here, root, keys)
        if not (CITE_ROLE.search(item.explanation) or PARA_ROLE.search(item.explanation)):
            problems.append(
                f"{here}: the explanation cites no source; add {{cite:p}}`key` or a {{para}} "
                "reference (CONTRIBUTING.md: 'why the answer is right ... cite a source')."
            )
    return problems


# --------------------------------------------------------------------------------------------------
# Item-quality rules (``course validate`` prints them; ``--strict`` and the build make them errors)

#: No key letter (or key position) may hold more than this share of the single-choice items.
MAX_KEY_SHARE = 0.35
#: Verbs of objectives that ask for more than recall; such an objective needs at least one item of
#: a type whose ``higher_order`` is true (course/items/), or a verb that says what the items really assess.
HIGHER_VERBS = frozenset(
    {
        "compare",
        "contrast",
        "distinguish",
        "plan",
        "evaluate",
        "assess",
        "analyse",
        "analyze",
        "justify",
        "critique",
        "argue",
        "annotate",
        "test",
        "judge",
        "design",
    }
)
LETTER_KEY = re.compile(r"^[a-z]$")


def _share_limit(n: int, options: int) -> int:
    """Most items one key letter (or position) may have among ``n``: 35 %, or an even spread when
    ``n`` is too small for 35 % (5 items with 4 choices: 2)."""
    return max(int(MAX_KEY_SHARE * n), -(-n // max(options, 1)))


def key_distribution(sets) -> dict:
    """Key letters and key positions of the single-choice items, per set and course-wide.

    Returns ``{"letters": {set id | "course": Counter}, "positions": {...}, "n_letter": {...},
    "n_single": {...}, "options": {...}}``; positions are 1-based."""
    from collections import Counter

    out = {"letters": {}, "positions": {}, "n_letter": {}, "n_single": {}, "options": {}}
    all_l, all_p = Counter(), Counter()
    n_l = n_s = 0
    opts_all: list[int] = []
    for s in sets:
        letters, positions = Counter(), Counter()
        opts = []
        for it in s.items:
            key = for_item(it).key_choice(it)
            if key is None:
                continue
            positions[list(it.choices).index(key) + 1] += 1
            opts.append(len(it.choices))
            if LETTER_KEY.match(key) and all(LETTER_KEY.match(k) for k in it.choices):
                letters[key] += 1
        out["letters"][s.id], out["positions"][s.id] = letters, positions
        out["n_letter"][s.id], out["n_single"][s.id] = sum(letters.values()), sum(positions.values())
        out["options"][s.id] = min(opts) if opts else 4
        all_l += letters
        all_p += positions
        n_l += sum(letters.values())
        n_s += sum(positions.values())
        opts_all += opts
    out["letters"]["course"], out["positions"]["course"] = all_l, all_p
    out["n_letter"]["course"], out["n_single"]["course"] = n_l, n_s
    out["options"]["course"] = min(opts_all) if opts_all else 4
    return out


def feedback_coverage(sets) -> tuple[int, int, list[str]]:
    """(wrong choices with feedback, wrong choices, '<item>:<choice>' without) over single/multiple items."""
    have = total = 0
    missing = []
    for s in sets:
        for it in s.items:
            right = for_item(it).right_choices(it)
            if right is None:
                continue
            for k in it.choices:
                if k in right:
                    continue
                total += 1
                if k in it.feedback and it.feedback[k].strip():
                    have += 1
                else:
                    missing.append(f"{it.id}:{k}")
    return have, total, missing


def _module_data(root: Path, module: str) -> dict | None:
    """The module's objectives and lessons as mappings (learner_minutes None when not given)."""
    if not (root / "modules" / module / "module.yaml").exists():
        return None
    m = Course(root).module(module)
    return {
        "objectives": [{"id": o.id, "lesson": o.lesson, "text": o.text} for o in m.objectives],
        "lessons": [{"doc": les.doc, "learner_minutes": les.learner_minutes or None} for les in m.lessons],
    }


def scripture_only(root: Path, reading_id: str) -> set[int]:
    """Paragraphs a reading's reading.yaml marks as consisting only of scripture (``scripture_only``)."""
    from course.items.annotate import scripture_only as of_reading

    return of_reading(root, reading_id)


def _higher_types() -> frozenset[str]:
    """Item types that assess more than recall (:attr:`course.items.base.ItemType.higher_order`)."""
    return frozenset(name for name, kind in ITEM_TYPES.items() if kind.higher_order)


def _key_balance_problems(sets: list) -> list[str]:
    problems = []
    dist = key_distribution(sets)
    scopes = [s.id for s in sets] + (["course"] if len(sets) > 1 else [])
    for scope in scopes:
        where = "the course" if scope == "course" else f"exercises/{scope}.yaml"
        for kind, n_key in (("letters", "n_letter"), ("positions", "n_single")):
            n = dist[n_key][scope]
            if not n:
                continue
            limit = int(MAX_KEY_SHARE * n) if scope == "course" else _share_limit(n, dist["options"][scope])
            for key, count in sorted(dist[kind][scope].items(), key=lambda kv: str(kv[0])):
                if count > limit:
                    what = f"key letter '{key}'" if kind == "letters" else f"key position {key}"
                    problems.append(
                        f"{where}: {what} is the answer of {count} of {n} single-choice items "
                        f"({100 * count / n:.0f} %); at most {limit} allowed ({int(MAX_KEY_SHARE * 100)} %). "
                        "Reorder the choices of some items (move the right answer and its feedback together)."
                    )
    return problems


def _objective_level_problems(s, module: dict) -> list[str]:
    """Objectives whose verb asks for more than recall have an item of a higher-order type."""
    problems = []
    by_obj: dict[str, list] = {}
    for it in s.items:
        if not it.worked_example:  # a worked example carries no marks, so it assesses nothing
            by_obj.setdefault(it.objective, []).append(it)
    higher = _higher_types()
    for o in module.get("objectives") or []:
        if not isinstance(o, dict) or o.get("id") not in by_obj:
            continue
        verb = str(o.get("text", "")).split(" ", 1)[0].strip(",.").lower()
        types = {it.type for it in by_obj[o["id"]]}
        if verb in HIGHER_VERBS and not types & higher:
            problems.append(
                f"modules/{s.module}/module.yaml: objective '{o['id']}' asks learners to {verb}, but "
                f"its items are only {', '.join(sorted(types))}. Add an item of type "
                f"{', '.join(sorted(higher))}, or change the verb to what the items assess."
            )
    return problems


def _minutes_problems(s, module: dict) -> list[str]:
    """The items of a lesson take no more minutes than the lesson's learner_minutes."""
    problems = []
    lesson_of = {o.get("id"): o.get("lesson") for o in module.get("objectives") or [] if isinstance(o, dict)}
    minutes = {
        les.get("doc"): les.get("learner_minutes") for les in module.get("lessons") or [] if isinstance(les, dict)
    }
    spent: dict[str, float] = {}
    for it in s.items:
        spent[lesson_of.get(it.objective)] = spent.get(lesson_of.get(it.objective), 0) + (it.minutes or 0)
    for lesson, used in spent.items():
        have = minutes.get(lesson)
        if isinstance(have, (int, float)) and used > have:
            problems.append(
                f"exercises/{s.id}.yaml: the items for lesson '{lesson}' take {used:g} minutes, more "
                f"than the lesson's learner_minutes ({have:g}) in modules/{s.module}/module.yaml. Trim "
                "the items' minutes or raise learner_minutes."
            )
    return problems


def quality_problems(sets, root=None) -> list[str]:
    """The item-quality rules over ``sets`` (normally every set of the course): key letters and key
    positions balanced, feedback for every wrong choice, objectives assessed at their stated level,
    model answers that pass their own checks, item minutes within the lesson minutes, no
    scripture-only paragraph keyed as a technique, verdict evidence requirements that exist (the
    rules of one item are its type's: :meth:`course.items.base.ItemType.quality_problems`)."""
    from course.exercises.grading import grade_item

    root = _root(root)
    sets = list(sets)
    problems = _key_balance_problems(sets)
    _, _, missing = feedback_coverage(sets)
    for m in missing:
        item_id, key = m.rsplit(":", 1)
        problems.append(
            f"item '{item_id}': wrong choice '{key}' has no feedback. Add feedback: {{{key}: "
            '"why this choice is not the best answer"}.'
        )
    for s in sets:
        module = _module_data(root, s.module)
        if module:
            problems += _objective_level_problems(s, module)
            problems += _minutes_problems(s, module)
        for it in s.items:
            here = f"exercises/{s.id}.yaml, item '{it.id}'"
            problems += for_item(it).quality_problems(it, here, root, grade_item)
    problems += lesson_answer_problems(sets, root)
    return problems


_VERDICT_IN_LESSON = re.compile(r"verdict[^.]{0,120}?\*\*(accurate|inaccurate|misleading|unverifiable)\*\*", re.I)


def lesson_answer_problems(sets, root=None) -> list[str]:
    """Answers given away in the student lessons ("answers in the lessons" rule).

    A lesson may work through a claim and give its verdict; the item on that claim must then be a
    worked example (``worked_example: module/lesson``, no marks). For every *marked* verdict item, no
    paragraph of a student page of its module may cite one of the claim's paragraphs and state that
    verdict ("Verdict: **misleading**"); and a worked example must name a lesson that exists."""
    root = _root(root)
    problems = []
    for s in sets:
        mod_dir = root / "modules" / s.module
        pages = sorted(mod_dir.glob("*.md")) if mod_dir.is_dir() else []
        blocks = []
        for page in pages:
            text = re.sub(r"```\{instructor-note\}.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
            parts = [b for b in re.split(r"\n\s*\n|\n(?=[-*] |\d+\. |#)", text) if b.strip()]
            # a claim and its verdict may sit in consecutive paragraphs: look at each with the next
            blocks += [
                (
                    page,
                    parts[i] + "\n" + (parts[i + 1] if i + 1 < len(parts) and not parts[i + 1].startswith("#") else ""),
                )
                for i in range(len(parts))
            ]
        for it in s.items:
            if it.worked_example:
                mod, _, doc = it.worked_example.partition("/")
                if not (root / "modules" / mod / f"{doc}.md").exists():
                    problems.append(
                        f"exercises/{s.id}.yaml, item '{it.id}': worked_example names "
                        f"modules/{mod}/{doc}.md, which does not exist."
                    )
                continue
            claim = for_item(it).lesson_claim(it)
            if claim is None or not claim[0]:
                continue
            refs, answer = claim
            for page, block in blocks:
                cited = {m.group(1) for m in PARA_ROLE.finditer(block)}
                said = {m.group(1).lower() for m in _VERDICT_IN_LESSON.finditer(block)}
                if cited & refs and answer in said:
                    problems.append(
                        f"modules/{s.module}/{page.name} gives the verdict of item '{it.id}' "
                        f"('{answer}' for {', '.join(sorted(cited & refs))}). Either work the "
                        "lesson through another claim, or mark the item as a worked example "
                        f"(worked_example: {s.module}/{page.stem}, points: 0)."
                    )
                    break
    return problems


def lesson_label_overlap(sets, root=None) -> list[tuple[str, int, str, str]]:
    """(item, paragraph, keyed technique, lesson page) for annotate keys that a student lesson states:
    a lesson paragraph or list item that cites the paragraph and names the keyed technique. Reported by
    bench/item_quality.py (not an error: the taxonomy lesson teaches with the readings' paragraphs)."""
    root = _root(root)
    pages = {
        p: re.sub(r"```\{instructor-note\}.*?```", "", p.read_text(encoding="utf-8"), flags=re.S)
        for p in sorted((root / "modules").glob("*/*.md"))
    }
    out = []
    for s in sets:
        for it in s.items:
            keyed = None if it.worked_example else for_item(it).technique_keys(it)
            if keyed is None:
                continue
            reading_id, taxonomy, labels = keyed
            taxo = Course.of(root).taxonomy(taxonomy)
            names = {t.id: t.name for c in taxo.categories for t in c.techniques}
            for n, label in labels.items():
                if label == "none":
                    continue
                ref = f"{{para}}`{reading_id}:{n}`"
                name = names.get(label, label).split(" or ")[0].lower()
                for page, text in pages.items():
                    blocks = re.split(r"\n(?=- )|\n\s*\n", text)
                    if any(ref in b and name in b.lower() for b in blocks):
                        out.append((it.id, n, label, f"{page.parent.name}/{page.name}"))
                        break
    return out

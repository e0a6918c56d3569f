"""``matching``: pair each left-hand entry with a right-hand one. Model: ``MatchingItem`` in the content
layer's exercise-set schema. Score: share of right pairs."""

from __future__ import annotations

from typing import Any

from course.content.exercise_sets import MatchingItem
from course.items.answers import choice_by_text, choice_key, is_blank, keys_list, kind, show
from course.items.base import AnswerError, ItemType, Outcome


def _right_key(item, v: Any) -> str | None:
    """The right-hand key an answer value names (by key or by text), or None."""
    try:
        rv = choice_key(v)
    except AnswerError:
        return None
    if rv not in item.right:
        return choice_by_text(v, item.right)
    return rv


def _left_key(item, k: Any) -> str | None:
    try:
        lk = choice_key(k)
    except AnswerError:
        return None
    return lk if lk in item.left else None


def _pairs(item, answer: dict) -> tuple[dict[str, str], list[str]]:
    """The readable pairs of an answer, and what could not be read (one phrase per side)."""
    pairs: dict[str, str] = {}
    unknown_left, unknown_right = [], []
    for k, v in answer.items():
        if is_blank(v):
            continue
        lk = _left_key(item, k)
        if lk is None:
            unknown_left.append(show(k))
            continue
        rv = _right_key(item, v)
        if rv is None:
            unknown_right.append(show(v))
            continue
        pairs[lk] = rv
    problems = []
    if unknown_left:
        problems.append(f"{', '.join(map(repr, unknown_left))} not on the left (allowed: {keys_list(item.left)})")
    if unknown_right:
        problems.append(f"{', '.join(map(repr, unknown_right))} not on the right (allowed: {keys_list(item.right)})")
    return pairs, problems


class Matching(ItemType):
    name = "matching"
    model = MatchingItem
    label = "match the pairs"
    print_answer_lines = 2
    print_answer_label = "Your pairs:"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        if not isinstance(answer, dict):
            raise AnswerError(
                f"write one 'left: right' pair per line, e.g. {next(iter(item.left))}: "
                f"{next(iter(item.right))}; you wrote {kind(answer)}"
            )
        pairs, problems = _pairs(item, answer)
        if problems and not pairs:
            raise AnswerError("; ".join(problems))
        right = sum(1 for k, v in item.answer.items() if pairs.get(k) == v)
        n = len(item.answer)
        if right == n:
            return Outcome(1.0, "Right: every pair matches.")
        text = f"Pairs right: {right} of {n}."
        missing = [k for k in item.left if k not in pairs]
        if missing:
            text += f" Not yet paired: {keys_list(missing)}."
        if problems:
            text += " Ignored: " + "; ".join(problems) + "."
        return Outcome(right / n, text)

    def reference_answer(self, item) -> Any:
        return dict(item.answer)

    def template_lines(self, item, kit, root):
        lines = ["#", "# Left:"] + kit.choices(item.left) + ["# Right:"] + kit.choices(item.right)
        lines.append("# Answer: after each left key, the key of the right-hand entry that matches it.")
        extra = []
        for k, v in item.left.items():
            label = kit.plain(v).replace("\n", " ")
            label = label if len(label) <= 60 else label[:59] + "…"
            extra.append(f"  {k}:    # {label}")
        return lines, "", extra

    def book_body(self, item, course):
        return [
            ("text", "Match each item on the left with one on the right:"),
            ("choices", item.left, "exercise-left"),
            ("choices", item.right, "exercise-right"),
        ]

    def book_key(self, item) -> str:
        return "; ".join(f"{item.left[a]} → {item.right[b]}" for a, b in item.answer.items())

    def lms_questions(self, item, x) -> list:
        left, right = x.choices(item.left), x.choices(item.right)
        return [
            x.question(
                kind="matching",
                text_html=x.html(item.prompt),
                left=left,
                right=right,
                pairs=dict(item.answer),
                feedback_html=x.expl,
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        d["left"] = list(item.left)
        d["keys"] = list(item.right)
        d["ct"] = x.text_tags(item.right)
        for a, b in item.answer.items():
            v = f"{a}={b}"
            keys.accept(keys.slot(v), v)

    def conformance_cases(self, item, ref, rng) -> list:
        rights = list(item.right)
        cases: list = []
        for a, b in item.answer.items():
            for r in rights:
                if r != b:
                    x = dict(item.answer)
                    x[a] = r
                    cases.append(x)
            x = dict(item.answer)
            del x[a]
            cases.append(x)
        x = dict(item.answer)
        x["zz"] = rights[0]
        cases.append(x)
        x = dict(item.answer)
        x[next(iter(x))] = "zz"
        cases.append(x)
        cases += [
            {"zz": "yy"},
            list(item.answer),
            {k: [v] for k, v in item.answer.items()},
            {k: item.right[v] for k, v in item.answer.items()},
        ]
        for _ in range(4):
            cases.append({k: rng.choice(rights) for k in item.left})
        return cases

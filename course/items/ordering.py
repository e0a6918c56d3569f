"""``ordering``: put every choice in order. Model: ``OrderingItem`` in the content layer's exercise-set
schema. Score: share of pairs of choices in the right relative order (Kendall-style)."""

from __future__ import annotations

from typing import Any

from course.content.exercise_sets import OrderingItem
from course.items.answers import known_choice_keys
from course.items.base import AnswerError, ItemType, Outcome


def _first_places(keys: list[str]) -> tuple[list[str], list[str]]:
    """(each key once, at its first place; the keys given more than once)."""
    seen: list[str] = []
    repeated: list[str] = []
    for k in keys:
        if k in seen:
            if k not in repeated:
                repeated.append(k)
            continue
        seen.append(k)
    return seen, repeated


def _pairs_in_order(ref: list[str], seen: list[str]) -> int:
    pos = {k: i for i, k in enumerate(seen)}
    good = 0
    for i in range(len(ref)):
        for j in range(i + 1, len(ref)):
            a, b = ref[i], ref[j]
            if a in pos and b in pos and pos[a] < pos[b]:
                good += 1
    return good


class Ordering(ItemType):
    name = "ordering"
    model = OrderingItem
    label = "put in order"
    lms_note = "ordering"
    print_answer_lines = 1
    print_answer_label = "Your order:"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        if isinstance(answer, dict):
            raise AnswerError("write a list of all the choice keys in order, e.g. [?, ?, ?]")
        seen, repeated = _first_places(known_choice_keys(answer, item.choices))
        notes = [f"'{k}' appears more than once (only its first place counts)" for k in repeated]
        missing = [k for k in item.answer if k not in seen]
        if missing:
            notes.append(
                f"your list leaves out {len(missing)} of the {len(item.answer)} choices; place every choice once"
            )
        ref = item.answer
        pairs = len(ref) * (len(ref) - 1) // 2
        good = _pairs_in_order(ref, seen)
        if seen == list(ref):
            return Outcome(1.0, "Right: the order is correct.")
        score = good / pairs if pairs else 0.0
        text = f"Pairs in the right relative order: {good} of {pairs}."
        if notes:
            text += " Also: " + "; ".join(notes) + "."
        return Outcome(score, text)

    def reference_answer(self, item) -> Any:
        return list(item.answer)

    def template_lines(self, item, kit, root):
        lines = ["#"] + kit.choices(item.choices)
        lines.append(f"# Answer: every key once, in order from first to last: {kit.placeholders(len(item.choices))}")
        return lines, " []", []

    def book_body(self, item, course):
        return [
            ("text", "Give the keys in the right order, for example [c, a, b]:"),
            ("choices", item.choices, "exercise-choices"),
        ]

    def book_key(self, item) -> str:
        return "; ".join(f"**{k}.** {item.choices[k]}" for k in item.answer)

    def lms_questions(self, item, x) -> list:
        left = x.choices(item.choices)
        right = [x.choice(f"p{i}", f"<p>Position {i}</p>", f"Position {i}") for i in range(1, len(item.answer) + 1)]
        pairs = {k: f"p{item.answer.index(k) + 1}" for k in item.choices}
        text = x.html(item.prompt) + "<p>Give each element its position in the order (Position 1 comes first).</p>"
        return [
            x.question(
                kind="matching",
                text_html=text,
                left=left,
                right=right,
                pairs=pairs,
                feedback_html=x.expl,
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        d["keys"] = list(item.choices)
        d["ct"] = x.text_tags(item.choices)
        ref = list(item.answer)
        for i in range(len(ref)):
            for j in range(i + 1, len(ref)):
                v = f"{ref[i]}<{ref[j]}"
                keys.accept(keys.slot(v), v)
        d["n"] = len(ref)

    def conformance_cases(self, item, ref, rng) -> list:
        ref = list(item.answer)
        cases: list = []
        for i in range(len(ref) - 1):
            x = ref[:]
            x[i], x[i + 1] = x[i + 1], x[i]
            cases.append(x)
        cases += [ref[::-1], ref[:-1], ref + [ref[0]], ref[:-1] + ["zz"], ", ".join(ref), ref[1:] + ref[:1]]
        for _ in range(8):
            x = ref[:]
            rng.shuffle(x)
            cases.append(x)
        return cases

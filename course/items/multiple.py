"""``multiple``: select every right choice. Model: ``MultipleItem`` in the content layer's exercise-set
schema. Score: share of right choices picked minus share of wrong choices picked, floored at 0."""

from __future__ import annotations

from typing import Any

from course.content.exercise_sets import MultipleItem
from course.items.answers import known_choice_keys
from course.items.base import AnswerError, ItemType, Outcome


class Multiple(ItemType):
    name = "multiple"
    model = MultipleItem
    label = "select all that apply"
    lms_note = "multiple"
    print_answer_lines = 1
    print_answer_label = "Your answer (keys):"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        if isinstance(answer, dict):
            raise AnswerError(f"write a list of choice keys such as [{', '.join(list(item.choices)[:2])}]")
        picked = list(dict.fromkeys(known_choice_keys(answer, item.choices)))
        right = set(item.answer)
        wrong_pool = [k for k in item.choices if k not in right]
        hits = sum(1 for k in picked if k in right)
        misses = sum(1 for k in picked if k not in right)
        score = hits / len(right) - (misses / len(wrong_pool) if wrong_pool else 0)
        score = max(0.0, min(1.0, score))
        if hits == len(right) and misses == 0:
            return Outcome(1.0, "Right: you picked every right choice and nothing else.")
        parts = [f"You picked {hits} of the {len(right)} right choice{'s' if len(right) != 1 else ''}"]
        if misses:
            parts.append(f"and {misses} that {'is' if misses == 1 else 'are'} not right (each wrong pick costs credit)")
        fb = " ".join(item.feedback[k] for k in picked if k not in right and k in item.feedback)
        return Outcome(score, " ".join(parts) + "." + (f" {fb}" if fb else ""))

    def reference_answer(self, item) -> Any:
        return list(item.answer)

    def template_lines(self, item, kit, root):
        lines = ["#"] + kit.choices(item.choices)
        lines.append("# Answer: the keys of EVERY right choice, as a list in square brackets: [?, ?, ...].")
        lines.append("# Wrong picks cost credit.")
        return lines, " []", []

    def book_body(self, item, course):
        return [("choices", item.choices, "exercise-choices")]

    def book_key(self, item) -> str:
        return "; ".join(f"**{k}.** {item.choices[k]}" for k in item.answer)

    def lms_questions(self, item, x) -> list:
        right = set(item.answer)
        wrong = [k for k in item.choices if k not in right]
        ch = x.choices(item.choices, lambda k: 1.0 / len(right) if k in right else -1.0 / len(wrong), item.feedback)
        return [
            x.question(
                kind="multiple",
                text_html=x.html(item.prompt),
                choices=ch,
                feedback_html=x.expl,
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        d["keys"] = list(item.choices)
        d["ct"] = x.text_tags(item.choices)
        for c in item.answer:
            keys.accept(keys.slot(c), c)
        for c, text in item.feedback.items():
            if c not in item.answer:
                tag, enc = x.fb(c, text)
                fb[tag] = enc

    def conformance_cases(self, item, ref, rng) -> list:
        keys = list(item.choices)
        right = list(item.answer)
        wrong = [c for c in keys if c not in right]
        cases: list = [[c] for c in keys]
        cases += [[c for c in right if c != x] for x in right]
        cases += [right + [w] for w in wrong]
        cases += [keys, ", ".join(right), " ".join(right), right + right, [x.upper() for x in right]]
        for _ in range(6):
            cases.append(rng.sample(keys, rng.randint(1, len(keys))))
        cases.append(right[:1] + ["zz"])
        return cases

    def right_choices(self, item) -> set[str]:
        return set(item.answer)

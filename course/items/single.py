"""``single``: one right choice among several. Model: ``SingleItem`` in the content layer's exercise-set
schema. Right choice → 1; a wrong choice may carry feedback for the learner who picks it."""

from __future__ import annotations

from typing import Any

from course.content.exercise_sets import SingleItem
from course.items.answers import choice_by_text, choice_key, is_blank, keys_list, kind, show
from course.items.base import AnswerError, ItemType, Outcome


class Single(ItemType):
    name = "single"
    model = SingleItem
    label = "single choice"
    print_answer_lines = 1
    print_answer_label = "Your answer (key):"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        k = self._picked(item, answer)
        if k == item.answer:
            return Outcome(1.0, f"Right: {k}.")
        fb = item.feedback.get(k)
        return Outcome(0.0, f"'{k}' is not the best answer." + (f" {fb}" if fb else ""))

    @staticmethod
    def _picked(item, answer: Any) -> str:
        if isinstance(answer, (list, tuple)):
            vals = [a for a in answer if not is_blank(a)]
            if len(vals) != 1:
                raise AnswerError(
                    f"pick exactly one choice; you gave {len(vals)}. Write just its key, e.g. "
                    f"{next(iter(item.choices))}"
                )
            answer = vals[0]
        try:
            k = choice_key(answer)
        except AnswerError:
            raise AnswerError(f"write one choice key ({keys_list(item.choices)}), not {kind(answer)}") from None
        if k not in item.choices:
            k2 = choice_by_text(answer, item.choices)
            if not k2:
                raise AnswerError(f"'{show(answer)}' is not one of the choices. Allowed: {keys_list(item.choices)}")
            k = k2
        return k

    def reference_answer(self, item) -> Any:
        return item.answer

    def template_lines(self, item, kit, root):
        lines = ["#"] + kit.choices(item.choices)
        lines.append(f"# Answer: the key of ONE choice ({', '.join(item.choices)}).")
        return lines, "", []

    def book_body(self, item, course):
        return [("choices", item.choices, "exercise-choices")]

    def book_key(self, item) -> str:
        return f"**{item.answer}.** {item.choices[item.answer]}"

    def lms_questions(self, item, x) -> list:
        ch = x.choices(item.choices, lambda k: 1.0 if k == item.answer else 0.0, item.feedback)
        return [
            x.question(
                kind="single",
                text_html=x.html(item.prompt),
                choices=ch,
                feedback_html=x.expl,
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        d["keys"] = list(item.choices)
        d["ct"] = x.text_tags(item.choices)
        keys.accept(keys.slot(item.answer), item.answer)
        for c, text in item.feedback.items():
            tag, enc = x.fb(c, text)
            fb[tag] = enc

    def conformance_cases(self, item, ref, rng) -> list:
        keys = list(item.choices)
        cases: list = keys + [f"({k})" for k in keys] + [k.upper() + "." for k in keys]
        return cases + [item.choices[keys[0]], [item.answer], [keys[0], keys[-1]], "a b"]

    def right_choices(self, item) -> set[str]:
        return {item.answer}

    def key_choice(self, item) -> str:
        return item.answer

"""``locate``: find the paragraphs of a reading that answer the question. Model: ``LocateItem`` in the
content layer's exercise-set schema. Score: F1 of precision and recall against ``required``;
``optional`` paragraphs are neither rewarded nor penalised."""

from __future__ import annotations

import html
from typing import Any

from course.content.exercise_sets import LocateItem
from course.items.answers import as_list, is_blank
from course.items.base import AnswerError, ItemType, Outcome
from course.items.evidence import check_exist, paragraph_numbers, reading_length


class Locate(ItemType):
    name = "locate"
    model = LocateItem
    label = "find the paragraphs"
    higher_order = True
    lms_note = "manual"
    lms_not_held = (
        "it is scored by precision and recall over the reading's paragraph numbers, with paragraphs "
        "that are neither rewarded nor penalised; no LMS question type can hold that"
    )
    print_answer_lines = 2
    print_answer_label = "Paragraphs:"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        if isinstance(answer, dict):
            raise AnswerError(f"write a list of paragraph numbers, e.g. [12, 14] or [{item.reading}:12]")
        got: list[int] = []
        for raw in as_list(answer):
            if not is_blank(raw):
                got.extend(paragraph_numbers(item, raw, allow_range=True))
        check_exist(item, got, exists)
        required = set(item.required)
        counted = set(got) - set(item.optional)
        tp = len(counted & required)
        extra = len(counted - required)
        if not counted:
            return Outcome(
                0.0,
                f"None of your paragraphs is one of the {len(required)} needed"
                " (the ones you gave are neither right nor wrong).",
            )
        precision = tp / len(counted)
        recall = tp / len(required)
        score = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
        if tp == len(required) and extra == 0:
            return Outcome(1.0, "Right: you found every paragraph needed, and no others.")
        text = f"You found {tp} of the {len(required)} paragraph{'s' if len(required) != 1 else ''} needed"
        if extra:
            text += f"; {extra} of yours {'is' if extra == 1 else 'are'} not among them"
        return Outcome(score, text + ".")

    def reference_answer(self, item) -> Any:
        return list(item.required)

    def template_lines(self, item, kit, root):
        return (
            [
                f"# Reading: {kit.reading_label(item.reading)}. Paragraph numbers are printed in the book.",
                "# Answer: a list of paragraph numbers in square brackets, separated by commas;",
                f"# ids such as {item.reading}:N are also accepted.",
            ],
            " []",
            [],
        )

    def book_body(self, item, course):
        return [("myst", f"Answer with paragraph numbers of {{doc}}`/readings/{item.reading}`, for example [12, 14].")]

    def book_key(self, item) -> str:
        text = "Required: " + ", ".join(f"{{para}}`{item.reading}:{n}`" for n in item.required)
        if item.optional:
            text += "; also accepted: " + ", ".join(f"¶{n}" for n in item.optional)
        return text

    def lms_questions(self, item, x) -> list:
        key = (
            "<p>Required: " + ", ".join(html.escape(x.para_text(f"{item.reading}:{p}")) for p in item.required) + "</p>"
        )
        if item.optional:
            key += "<p>Neither rewarded nor penalised: " + ", ".join(map(str, item.optional)) + "</p>"
        ask = f"<p>Answer with paragraph ids of the reading, for example {item.reading}:{item.required[0]}.</p>"
        return [
            x.question(
                kind="essay",
                text_html=x.html(item.prompt) + ask,
                grader_html=x.grader([("Answer key", key), ("Explanation", x.expl)]),
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        d["reading"] = item.reading
        x.note_openings(item.reading)
        for n in item.required:
            keys.accept(keys.slot(str(n)), str(n))
        for n in item.optional:
            keys.accept(-1, f"o:{n}")

    def conformance_cases(self, item, ref, rng) -> list:
        req, opt = list(item.required), list(item.optional)
        length = reading_length(item.reading) or 40
        cases = [
            req[:-1],
            req + [n for n in range(1, length + 1) if n not in req][:1],
            req + opt,
            opt,
            [f"{item.reading}:{n}" for n in req],
            [f"¶{n}" for n in req],
            ", ".join(map(str, req)),
            [f"{req[0]}-{req[0] + 2}"],
            [9999],
            ["other-reading:3"],
            [f"{req[0]}-{req[0] + 300}"],
            {"a": 1},
            ["abc"],
            [str(n) for n in req],
            req + req,
            [0],
        ]
        for x in req:
            cases.append([n for n in req if n != x])
        for _ in range(5):
            cases.append(rng.sample(range(1, length + 1), min(length, rng.randint(1, 5))))
        return cases

    def reading_paragraphs(self, item) -> tuple[str, list[int]]:
        return item.reading, list(item.required) + list(item.optional)

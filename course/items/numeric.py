"""``numeric``: a number, within ``tolerance`` of ``answer`` (or of a value in ``accept``); a unit may be
written after the number. Model: ``NumericItem`` in the content layer's exercise-set schema."""

from __future__ import annotations

import html
import math
from typing import Any

from course.content import normalize
from course.content.exercise_sets import NumericItem, _fmt
from course.items.answers import kind, show
from course.items.base import AnswerError, ItemType, Outcome


def _unit_after(item, rest: str) -> None:
    """Accept the text after the number only when it is the item's unit (or the era, for a year)."""
    unit = normalize.unit_key(item.unit or "")
    got = normalize.unit_key(rest)
    era_only = not unit and got == "ce"
    if not era_only and got != unit:
        expected = f"in {item.unit}" if item.unit else "with no unit"
        if unit == "ce" and got == "ah":
            raise AnswerError(f"'{rest}' is the Hijri calendar; give the year in {item.unit} (the Common Era)")
        raise AnswerError(f"'{rest}' after the number is not understood; write the number only, {expected}")


def _number(item, answer: Any) -> float:
    if isinstance(answer, bool) or answer is None or isinstance(answer, (list, dict, tuple)):
        raise AnswerError(f"write a number{f' (in {item.unit})' if item.unit else ''}; you wrote {kind(answer)}")
    if isinstance(answer, (int, float)):
        try:
            x = float(answer)
        except OverflowError:
            raise AnswerError("the number is too large; write the number asked for, in digits") from None
    else:
        parsed = normalize.parse_number(str(answer))
        if parsed is None:
            raise AnswerError(
                f"'{show(answer)}' is not a number. Write digits only{f' (in {item.unit})' if item.unit else ''}"
            )
        x, rest = parsed
        if rest:
            _unit_after(item, rest)
    if not math.isfinite(x):
        raise AnswerError("write a finite number")
    return x


class Numeric(ItemType):
    name = "numeric"
    model = NumericItem
    label = "number"
    print_answer_lines = 1
    print_answer_label = "Your answer:"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        x = _number(item, answer)
        unit = f" {item.unit}" if item.unit else ""
        if any(abs(x - v) <= item.tolerance + 1e-9 * max(1.0, abs(v)) for v in [item.answer, *item.accept]):
            return Outcome(1.0, f"Right: {_fmt(x)}{unit}.")
        direction = "too high" if x > item.answer else "too low"
        return Outcome(0.0, f"{_fmt(x)}{unit} is {direction}.")

    def reference_answer(self, item) -> Any:
        return int(item.answer) if float(item.answer).is_integer() else item.answer

    def template_lines(self, item, kit, root):
        unit = f" (in {item.unit})" if item.unit else ""
        return [f"# Answer: a number{unit}, digits only."], "", []

    def book_body(self, item, course):
        unit = f" ({item.unit})" if item.unit else ""
        return [("text", f"Answer with a number{unit}.")]

    def book_key(self, item) -> str:
        ans = self.reference_answer(item)
        text = f"{ans:g}" if isinstance(ans, float) else str(ans)
        if item.tolerance:
            text += f" (± {item.tolerance:g})"
        if item.unit:
            text += f" {item.unit}"
        return text

    def lms_questions(self, item, x) -> list:
        text = x.html(item.prompt) + (f"<p>Answer in {html.escape(item.unit)}, as a number.</p>" if item.unit else "")
        return [
            x.question(
                kind="numeric",
                text_html=text,
                answer=item.answer,
                tolerance=item.tolerance,
                feedback_html=x.expl,
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        ans = item.answer
        canon = repr(int(ans)) if float(ans).is_integer() else repr(ans)
        d["unit"] = item.unit
        d["num"] = x.mask([canon, item.tolerance, list(getattr(item, "accept", []) or [])])
        keys.accept(keys.slot(canon), canon)

    def conformance_cases(self, item, ref, rng) -> list:
        a = ref
        unit = item.unit or ""
        cases = [
            a + 1,
            a - 1,
            str(a),
            f"{a} {unit}".strip(),
            f"{a} CE",
            f"{a} AD",
            f"{a}s",
            f" {a} ",
            f"{a} banana",
            "1,000",
            "1 000",
            "12.5",
            "-5",
            "+7",
            ".5",
            "abc",
            "1e3",
            "inf",
            "nan",
            [a],
            {"n": a},
            f"{a}{unit}",
            f"{a} {unit}s".strip(),
            f"{a}.",
            f"AD {a}",
            f"CE {a}",
            f"{a} AH",
            f"{a} A.D.",
            f"{a} C.E.",
            "0,342",
            "3,5",
            "1,292",
            "12 500",
            "1 2",
            f"AD {a} years",
            "c.e. 5",
        ]
        cases += [v for v in getattr(item, "accept", [])] + [str(v) for v in getattr(item, "accept", [])]
        if item.tolerance:
            cases += [a + item.tolerance, a - item.tolerance, a + 2 * item.tolerance, str(a + item.tolerance / 2)]
        return cases

    def normalizer_texts(self, item) -> list[str]:
        return super().normalizer_texts(item) + ([item.unit] if item.unit else [])

"""``short``: a short text (a name, a term), right when it matches an accepted variant after
normalisation (``normalize``). Model: ``ShortItem`` in the content layer's exercise-set schema."""

from __future__ import annotations

from typing import Any

from course.content import normalize
from course.content.exercise_sets import ShortItem
from course.items.answers import kind, show
from course.items.base import AnswerError, ItemType, Outcome


def lms_variants(answers: list[str]) -> list[str]:
    """Accepted short answers, each also without marks and in the checker's normal form; no duplicates
    (case-insensitively)."""
    out: list[str] = []
    seen: set[str] = set()
    for a in answers:
        for v in (a.strip(), normalize.strip_marks(a.strip()), normalize.normalize_text(a)):
            if v and v.casefold() not in seen:
                seen.add(v.casefold())
                out.append(v)
    return out


def _variants_text(s: str) -> list[str]:
    return [
        s,
        s.upper(),
        s.lower(),
        f"  {s}  ",
        s.replace(" ", "-"),
        s.replace("-", " "),
        normalize.strip_marks(s),
        f"the {s}",
        f"“{s}”",
        s.replace("a", "á", 1),
        s + ".",
        s.replace(" ", "_"),
    ]


def _near(s: str, rng) -> list[str]:
    out = []
    if len(s) > 3:
        i = rng.randrange(1, len(s) - 1)
        out.append(s[:i] + s[i + 1 :])  # one letter dropped
        out.append(s[:i] + s[i] * 2 + s[i + 1 :])  # one letter doubled
        out.append(s[:i] + s[i + 1] + s[i] + s[i + 2 :] if i + 2 <= len(s) else s + "x")  # swapped
        out.append(s[: len(s) // 2])  # half
        out.append(s + "zq")
    return out


class Short(ItemType):
    name = "short"
    model = ShortItem
    label = "short answer"
    lms_note = "short"
    print_answer_lines = 1
    print_answer_label = "Your answer:"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        if isinstance(answer, (list, dict, tuple, bool)):
            raise AnswerError(f"write a short text answer, not {kind(answer)}")
        text = str(answer).strip()
        if len(text) > 300:
            raise AnswerError("the answer is a short text (a name, a term, a few words); yours is over 300 characters")
        hit = normalize.matches(text, item.answer)
        if hit is not None:
            return Outcome(1.0, f"Right: '{text}'.")
        for wrong, fb in item.feedback.items():
            if normalize.same(wrong, text):
                return Outcome(0.0, f"'{show(text)}' is not right. {fb}")
        _, ratio = normalize.closest(text, item.answer)
        if ratio >= 0.85:
            return Outcome(0.0, f"'{show(text)}' is close, but not quite: check the spelling.")
        return Outcome(0.0, f"'{show(text)}' is not an accepted answer.")

    def reference_answer(self, item) -> Any:
        return item.answer[0]

    def template_lines(self, item, kit, root):
        return (
            [
                "# Answer: a short text (a name or a few words). Case, hyphens and diacritics do not",
                "# matter: Nabhānī, Nabhani and an-Nabhani are all read the same way.",
            ],
            "",
            [],
        )

    def book_body(self, item, course):
        return [("text", "Answer with a word or short phrase; spelling variants of transliterated names are accepted.")]

    def book_key(self, item) -> str:
        return "Accepted: " + "; ".join(f"“{a}”" for a in item.answer)

    def lms_questions(self, item, x) -> list:
        return [
            x.question(
                kind="short",
                text_html=x.html(item.prompt),
                variants=lms_variants(item.answer),
                feedback_html=x.expl,
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        s = keys.slot("|".join(sorted(normalize.match_keys(item.answer[0]))))
        for v in item.answer:
            for key in sorted(normalize.match_keys(v)):
                keys.accept(s, key)
        d["near"] = x.mask([normalize.normalize_text(v) for v in item.answer])
        for i, (wrong, text) in enumerate(item.feedback.items()):
            for key in sorted(normalize.match_keys(wrong)):
                tag, enc = x.fb(key, text, i)
                fb.setdefault(tag, enc)

    def conformance_cases(self, item, ref, rng) -> list:
        cases: list = []
        for v in item.answer:
            cases += _variants_text(v)
            cases += _near(normalize.strip_marks(v), rng)
        for w in item.feedback:
            cases += [w, w.upper()]
        return cases + ["x" * 301, ["a"], {"a": 1}, 12, "al-", "the", "the the"]

    def normalizer_texts(self, item) -> list[str]:
        return super().normalizer_texts(item) + list(item.answer) + list(item.feedback)

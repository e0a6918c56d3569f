"""``open``: an open response, never scored automatically. Model: ``OpenItem`` in the content layer's
exercise-set schema. Its structure is checked (length, citations of existing paragraphs or named
sources, sections) and the item is always "needs-review": an instructor marks it against the rubric."""

from __future__ import annotations

import html
from typing import Any

from course.content.exercise_sets import OpenItem, _fmt, words
from course.items.base import ItemType, Outcome
from course.items.evidence import citations, named_sources, section_present


def _text(answer: Any) -> str:
    if isinstance(answer, (list, tuple)):
        return "\n".join(str(a) for a in answer if a is not None)
    if isinstance(answer, dict):
        return "\n".join(f"{k}: {v}" for k, v in answer.items())
    return str(answer)


def _citation_check(item, text: str, exists) -> tuple[str, bool]:
    good, bad = citations(text, exists)
    named = named_sources(text, item.sources) if item.sources else []
    label = f"citations: {len(good)} existing paragraph id{'s' if len(good) != 1 else ''}"
    if item.sources:
        label += f" and {len(named)} named source{'s' if len(named) != 1 else ''}"
    label += f" ({item.min_citations} asked)"
    if bad:
        label += f"; not found: {', '.join(bad[:5])}"
    return label, len(good) + len(named) >= item.min_citations


def structure_checks(item, answer: Any, exists) -> list[tuple[str, bool]]:
    """(label, passed) for each structure check of an open response."""
    text = _text(answer)
    checks: list[tuple[str, bool]] = []
    n = words(text)
    if item.min_words is not None or item.max_words is not None:
        lo = item.min_words or 0
        hi = item.max_words
        rng = f"{lo}–{hi}" if hi else f"at least {lo}"
        checks.append((f"length: {n} words ({rng} asked)", n >= lo and (hi is None or n <= hi)))
    if item.min_citations:
        checks.append(_citation_check(item, text, exists))
    for s in item.sections:
        checks.append((f"section '{s}'", section_present(text, s)))
    return checks


def _pts(x: float) -> str:
    return f"{x:g} point" + ("" if x == 1 else "s")


def _rubric_lines(item) -> list[str]:
    """One MyST line per rubric criterion, with its level descriptors."""
    out = []
    for c in item.rubric:
        levels = c.levels
        if isinstance(levels, dict):
            desc = "; ".join(f"{k}: {v}" for k, v in levels.items())
        else:
            desc = "; ".join(levels) if levels else ""
        out.append(f"**{c.criterion}** ({_pts(c.points)})" + (f": {desc}" if desc else ""))
    return out


def _requirements(item) -> list[str]:
    req = []
    if item.min_words or item.max_words:
        lo = item.min_words or 0
        req.append(f"Length: {lo}–{item.max_words} words." if item.max_words else f"Length: at least {lo} words.")
    if item.min_citations:
        req.append(f"Cites at least {item.min_citations} paragraph ids of the readings (for example al-waie-472:12).")
    if item.sections:
        req.append("Sections, in this order: " + ", ".join(item.sections) + ".")
    return req


def _rubric_html(item, x) -> str:
    rows = []
    for c in item.rubric:
        levels = ""
        if isinstance(c.levels, dict):
            levels = (
                "<ul>"
                + "".join(f"<li><strong>{html.escape(str(k))}</strong>: {x.html(v)}</li>" for k, v in c.levels.items())
                + "</ul>"
            )
        elif isinstance(c.levels, list):
            levels = "<ul>" + "".join(f"<li>{x.html(v)}</li>" for v in c.levels) + "</ul>"
        rows.append(f"<li>{x.html(c.criterion)} ({_fmt(c.points)} points){levels}</li>")
    return "<p><strong>Rubric</strong></p><ol>" + "".join(rows) + "</ol>"


class Open(ItemType):
    name = "open"
    model = OpenItem
    label = "open response (marked by an instructor)"
    auto_graded = False
    template_tag = "  ·  needs instructor review"
    higher_order = True
    print_answer_lines = 16
    print_answer_label = "Your response:"

    def marking_criteria(self, item) -> list[tuple[str, float]]:
        return [(c.criterion, c.points) for c in item.rubric]

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        checks = structure_checks(item, answer, exists)
        ok = all(c for _, c in checks)
        marks = "; ".join(f"{'✓' if c else '✗'} {label}" for label, c in checks)
        rubric = "; ".join(f"{c.criterion} ({_fmt(c.points)})" for c in item.rubric)
        head = "Structure looks complete." if ok else "Fix the structure before you submit."
        feedback = (
            f"{head} {('Checks: ' + marks + '.') if marks else ''} An instructor will mark this "
            f"answer against the rubric ({_fmt(item.points)} points: {rubric}). It is never "
            "marked automatically."
        ).replace("  ", " ")
        return Outcome(0.0, feedback, checks)

    def reference_answer(self, item) -> Any:
        return item.model_answer

    def template_lines(self, item, kit, root):
        need = []
        if item.min_words is not None or item.max_words is not None:
            lo, hi = item.min_words or 0, item.max_words
            need.append(f"{lo}–{hi} words" if hi else f"at least {lo} words")
        if item.min_citations:
            need.append(f"cite at least {item.min_citations} paragraph(s) as <reading-id>:<n>, e.g. al-waie-472:12")
        if item.sections:
            need.append("sections, each starting its own line: " + ", ".join(f"'{s}:'" for s in item.sections))
        lines = (["#"] + kit.comment("Asked for: " + "; ".join(need) + ".")) if need else []
        lines.append("# Rubric: " + "; ".join(f"{kit.plain(c.criterion)} ({_fmt(c.points)})" for c in item.rubric))
        lines.append(f"# Answer: your text on the lines below '{item.id}: |', every line indented by two spaces.")
        return lines, " |", [""]

    def book_body(self, item, course):
        reqs = []
        if item.min_words or item.max_words:
            reqs.append(f"{item.min_words or 0}–{item.max_words or '…'} words")
        if item.min_citations:
            reqs.append(f"cite at least {item.min_citations} paragraph ids (for example al-waie-472:17)")
        if item.sections:
            reqs.append("sections headed " + ", ".join(f"“{s}”" for s in item.sections))
        out: list = [("text", "Requirements: " + "; ".join(reqs) + ".")] if reqs else []
        out.append(
            (
                "text",
                ("Marked by an instructor against this published rubric; the checker only confirms the structure."),
            )
        )
        out.append(("list", _rubric_lines(item), "exercise-rubric"))
        return out

    def book_key(self, item) -> str:
        return "Needs instructor review against the rubric below."

    def book_key_extras(self, item):
        before = [("strong", "Model answer:"), ("myst", item.model_answer)] if item.model_answer else []
        return before, [("strong", "Rubric:"), ("list", _rubric_lines(item), "")]

    def lms_questions(self, item, x) -> list:
        req = "".join(f"<li>{html.escape(r)}</li>" for r in _requirements(item))
        return [
            x.question(
                kind="essay",
                text_html=x.html(item.prompt),
                min_words=item.min_words,
                max_words=item.max_words,
                template_text="\n\n".join(f"{sec}:" for sec in item.sections),
                grader_html=x.grader(
                    [
                        ("Requirements", f"<ul>{req}</ul>" if req else ""),
                        ("Rubric", _rubric_html(item, x)),
                        ("Model answer", x.html(item.model_answer)),
                        ("Explanation", x.expl),
                    ]
                ),
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        d["rubric"] = [[x.plain(c.criterion), c.points] for c in item.rubric]
        d["minWords"], d["maxWords"] = item.min_words, item.max_words
        d["minCitations"] = item.min_citations

    def conformance_cases(self, item, ref, rng) -> list:
        return []  # never scored, so nothing for the page's grader to agree on

    def quality_problems(self, item, here: str, root, grade) -> list[str]:
        if not item.model_answer:
            return []
        res = grade(item, item.model_answer, root=root)
        failed = [label for label, ok in res.checks if not ok]
        if res.status == "needs-review" and failed:
            return [
                (
                    f"{here}: the model answer fails its own checks ({'; '.join(failed)}). "
                    "Fix the model answer or the checks."
                )
            ]
        return []

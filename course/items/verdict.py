"""``verdict``: judge a claim (accurate, inaccurate, misleading, unverifiable) and give evidence. Model:
``VerdictItem`` in the content layer's exercise-set schema. The verdict is half the points, the
evidence the other half: it must cite one of the claim's relevant paragraphs, name an accepted
source and reach ``evidence_min_words`` (a floor only)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from course.content import normalize
from course.content.exercise_sets import VERDICTS, VerdictItem
from course.items.answers import is_blank, kind, show
from course.items.base import AnswerError, ItemType, Outcome
from course.items.evidence import accepted_sources, evidence_shortfalls, reference_evidence, relevant_paragraphs

_PARA_ROLE = re.compile(r"\{para\}`([^`]*)`")


def _evidence_text(ev: Any) -> str:
    if ev is not None and not isinstance(ev, str):
        ev = " ".join(str(x) for x in ev) if isinstance(ev, (list, tuple)) else str(ev)
    return ev or ""


def _parts(answer: Any) -> tuple[Any, str]:
    """(verdict, evidence) of an answer: a mapping with those keys, or the verdict alone."""
    if isinstance(answer, dict):
        low = {str(k).strip().lower(): v for k, v in answer.items()}
        unknown = [k for k in low if k not in ("verdict", "evidence")]
        if unknown:
            raise AnswerError(
                f"the answer has the keys verdict and evidence; {', '.join(map(repr, unknown))} is not one"
            )
        return low.get("verdict"), _evidence_text(low.get("evidence"))
    if isinstance(answer, str):
        return answer, ""
    raise AnswerError(
        f"write verdict: (one of {', '.join(VERDICTS)}) and evidence: (your reasons); you wrote {kind(answer)}"
    )


def _requirements(item) -> list[str]:
    req = [f"At least {item.evidence_min_words} words of evidence."]
    if item.evidence_min_citations:
        req.append(f"Cites at least {item.evidence_min_citations} paragraph id(s) (for example khilafat-web:12).")
    return req


class Verdict(ItemType):
    name = "verdict"
    model = VerdictItem
    label = "claim verdict"
    higher_order = True
    lms_note = "verdict"
    print_answer_lines = 7
    print_answer_label = "Verdict and evidence:"

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        verdict, evidence = _parts(answer)
        if is_blank(verdict):
            raise AnswerError(f"the verdict is missing: write one of {', '.join(VERDICTS)}")
        if not isinstance(verdict, str):
            raise AnswerError(f"the verdict must be one of {', '.join(VERDICTS)}")
        v = verdict.strip().lower()
        if v not in VERDICTS:
            raise AnswerError(f"'{show(verdict)}' is not a verdict. Allowed: {', '.join(VERDICTS)}")
        if v != item.answer:
            return Outcome(0.0, f"The verdict '{v}' is not the best fit for this claim.")
        short = evidence_shortfalls(item, evidence, exists)
        if short:
            return Outcome(
                0.5, f"The verdict '{v}' is right; now support it: the evidence needs {' and '.join(short)}."
            )
        return Outcome(1.0, f"Right: '{v}', with evidence.")

    def reference_answer(self, item) -> Any:
        return {"verdict": item.answer, "evidence": reference_evidence(item)}

    def template_lines(self, item, kit, root):
        lines = ["#", "# Claim:"] + kit.comment(item.claim, indent="  ")
        lines.append(f"# Answer: verdict is one of {', '.join(VERDICTS)}.")
        need = f"at least {item.evidence_min_words} words"
        if item.evidence_min_citations:
            need += f", citing at least {item.evidence_min_citations} paragraph(s) as <reading-id>:<n>"
        lines.append(f"# Evidence: your reasons ({need}), on lines indented by four spaces under 'evidence: |'.")
        return lines, "", ["  verdict:", "  evidence: |", ""]

    def book_body(self, item, course):
        need = "cite a paragraph the claim rests on and name a source you checked it against"
        if item.evidence_min_citations > 1:
            need += f", with at least {item.evidence_min_citations} paragraph ids"
        need += f"; at least {item.evidence_min_words} words"
        return [
            ("quote", item.claim, "exercise-claim"),
            (
                "text",
                (f"Give a verdict (accurate, inaccurate, misleading or unverifiable) and your evidence ({need})."),
            ),
        ]

    def book_key(self, item) -> str:
        return f"**{item.answer}**"

    def lms_questions(self, item, x) -> list:
        half = item.points / 2
        claim = f"<p><strong>Claim:</strong></p><blockquote>{x.html(item.claim)}</blockquote>"
        ch = [x.choice(v, f"<p>{v}</p>", v, 1.0 if v == item.answer else 0.0) for v in VERDICTS]
        req = "".join(f"<li>{html.escape(r)}</li>" for r in _requirements(item))
        model = x.html(item.model_evidence) if item.model_evidence else x.expl
        return [
            x.question(
                f"{item.id}-verdict",
                kind="single",
                title=f"{x.title} (verdict)",
                text_html=x.html(item.prompt) + claim + "<p>Choose the verdict.</p>",
                points=half,
                choices=ch,
                feedback_html=x.expl,
            ),
            x.question(
                f"{item.id}-evidence",
                kind="essay",
                title=f"{x.title} (evidence)",
                text_html=claim + "<p>Give the evidence for your verdict, citing paragraph ids "
                "such as khilafat-web:12.</p>",
                points=half,
                min_words=item.evidence_min_words or None,
                grader_html=x.grader(
                    [
                        ("Right verdict", f"<p>{item.answer}</p>"),
                        ("Requirements", f"<ul>{req}</ul>" if req else ""),
                        ("Model evidence", model),
                    ]
                ),
            ),
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        keys.accept(keys.slot(item.answer), item.answer)
        d["minWords"] = item.evidence_min_words
        d["minCitations"] = item.evidence_min_citations
        # what the evidence must cite and name: shown once the verdict is right, so under its hash
        rel = relevant_paragraphs(item)
        src = [normalize.normalize_text(s).replace(" ", "") for s in accepted_sources(item)]
        h = x.h("ev", item.answer)
        d["ev"] = x.encrypt(h, json.dumps([rel, [s for s in src if s]], ensure_ascii=False))

    def conformance_cases(self, item, ref, rng) -> list:
        ev = item.model_evidence or item.explanation
        cases: list = []
        for v in VERDICTS:
            cases += [{"verdict": v, "evidence": ev}, {"verdict": v.upper(), "evidence": "too short"}]
        cases += [
            item.answer,
            {"verdict": item.answer},
            {"verdict": item.answer, "evidence": "one two three"},
            {"verdict": item.answer, "evidence": " ".join(["word"] * 40)},
            {"verdict": item.answer, "evidence": " ".join(["word"] * 40) + " al-waie-472:12 khilafat-web:3"},
            {"verdict": item.answer, "evidence": ["a list", "of reasons"] * 12},
            {"verdict": item.answer, "evidence": 12},
            {"verdict": item.answer, "why": "x"},
            {"verdict": ""},
            {"verdict": ["accurate"]},
            {"Verdict": item.answer, "EVIDENCE": ev},
            "maybe",
            {"verdict": item.answer, "evidence": ev + " nonexistent-reading:4 al-waie-472:99999"},
        ]
        rel = relevant_paragraphs(item)
        srcs = accepted_sources(item)
        filler = " ".join(["because"] * 40)
        if rel:
            cases += [
                {"verdict": item.answer, "evidence": f"{filler} {rel[0]}"},
                {"verdict": item.answer, "evidence": f"{filler} {rel[-1]} {srcs[0] if srcs else ''}"},
            ]
        for src in srcs[:3]:
            cases += [
                {"verdict": item.answer, "evidence": f"{filler} {src} {rel[0] if rel else ''}"},
                {"verdict": item.answer, "evidence": f"{filler} {src.upper().replace('-', ' ')}"},
            ]
        return cases

    def quality_problems(self, item, here: str, root, grade) -> list[str]:
        res = grade(item, {"verdict": item.answer, "evidence": reference_evidence(item)}, root=root)
        if res.status != "passed":
            return [f"{here}: the model evidence does not pass the item's own evidence checks ({res.feedback})"]
        return []

    def lesson_claim(self, item) -> tuple[set[str], str]:
        return {m.group(1) for m in _PARA_ROLE.finditer(item.prompt + item.claim)}, item.answer

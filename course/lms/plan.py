"""What each exercise item becomes in a learning platform: one format-neutral plan for both exports.

| course type | LMS question(s)                                  | scoring in the LMS                   |
|-------------|--------------------------------------------------|--------------------------------------|
| single      | multiple choice, one answer                      | as in the course                     |
| multiple    | multiple choice, several answers                 | +1/k per right pick, −1/w per wrong  |
| ordering    | matching: each element → its position            | share of elements in the right place |
| matching    | matching (extra right-hand options kept)         | share of right pairs                 |
| numeric     | numerical, with the tolerance (unit in the text) | as in the course                     |
| short       | short answer, every variant (plus unaccented)    | exact text, case ignored             |
| verdict     | multiple choice on the verdict (half the points) | verdict auto-marked                  |
|             | + essay for the evidence (the other half)        | evidence marked by hand              |
| open        | essay; rubric and model answer as grader info    | marked by hand                       |
| locate      | not held (listed); with ``include_manual``: essay | marked by hand                      |
| annotate    | not held (listed); with ``include_manual``: essay | marked by hand                      |

Nothing is dropped silently: every item is either in ``Plan.questions`` or in ``Plan.skipped`` with a
reason, and every change in scoring is in ``Plan.notes``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from course.content.normalize import normalize_text, strip_marks
from course.content.exercise_sets import (VERDICTS, AnnotateItem, ExerciseSet, LocateItem, MatchingItem, MultipleItem,
                                     NumericItem, OpenItem, OrderingItem, ShortItem, SingleItem, VerdictItem, _fmt)
from course.lms.render import para_text, to_html, to_text
from course.content import Course

AUTO_TYPES = ("single", "multiple", "ordering", "matching", "numeric", "short")
NOT_HELD = {
    "locate": "it is scored by precision and recall over the reading's paragraph numbers, with paragraphs "
              "that are neither rewarded nor penalised; no LMS question type can hold that",
    "annotate": "it labels paragraphs from a taxonomy, with accepted alternatives and credit at category "
                "level; no LMS question type can hold that",
}
NOTES = {
    "ordering": "ordering items are exported as matching questions (each element → its position): the LMS "
                "gives credit for each element in the right position, the course for each pair of elements "
                "in the right relative order, so partly right answers can score differently.",
    "short": "short-answer items list every accepted variant, each also without diacritics and ʿayn/hamza "
             "marks; the LMS compares text exactly (ignoring case), the course's checker also ignores "
             "hyphens, articles and spacing, so check the LMS's marking of near misses.",
    "verdict": "claim-verdict items become two questions: a multiple-choice question on the verdict (half "
               "the points, marked automatically) and an essay for the evidence (half the points, marked by "
               "hand). The course gives half the points for a right verdict whose evidence falls short and none "
               "for a wrong verdict, so give the evidence essay no credit when the verdict was wrong.",
    "multiple": "multiple-select items give +1/k of the points for each of the k right choices and −1/w for "
                "each of the w wrong ones, with a floor of zero, as the course does.",
    "manual": "locate and annotate items were included as essays marked by hand (--include-manual); the "
              "answer key is in the grader information.",
}


@dataclass
class Choice:
    key: str
    html: str
    text: str
    fraction: float = 0.0  # -1 .. 1
    feedback_html: str = ""


@dataclass
class Question:
    ident: str
    set_id: str
    item_id: str
    item_type: str
    kind: str  # single, multiple, matching, numeric, short, essay
    title: str
    text_html: str
    points: float
    objective: str = ""
    choices: list[Choice] = field(default_factory=list)
    left: list[Choice] = field(default_factory=list)  # matching: left-hand elements
    right: list[Choice] = field(default_factory=list)  # matching: right-hand options
    pairs: dict[str, str] = field(default_factory=dict)  # matching: left key → right key
    answer: float | None = None
    tolerance: float = 0.0
    variants: list[str] = field(default_factory=list)
    feedback_html: str = ""  # general feedback after the attempt (the explanation)
    grader_html: str = ""  # essays: rubric, model answer, requirements (never shown to learners)
    template_text: str = ""  # essays: a response template (required sections)
    min_words: int | None = None
    max_words: int | None = None
    hints_html: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    set_id: str
    item_id: str
    item_type: str
    reason: str


@dataclass
class Plan:
    sets: list[tuple[ExerciseSet, list[Question]]]
    skipped: list[Skipped]
    notes: list[str]

    @property
    def questions(self) -> list[Question]:
        return [q for _, qs in self.sets for q in qs]

    def report(self) -> str:
        """A plain-text account of what was exported, what was changed and what was not held."""
        lines = []
        for s, qs in self.sets:
            n_items = len({q.item_id for q in qs})
            lines.append(f"{s.id}: {n_items} of {len(s.items)} items exported as {len(qs)} questions")
        if self.skipped:
            lines.append("Not exported (an LMS cannot hold them; use `course grade` for these):")
            lines += [f"  - {k.set_id} / {k.item_id} ({k.item_type}): {k.reason}" for k in self.skipped]
        if self.notes:
            lines.append("Differences in scoring:")
            lines += [f"  - {n}" for n in self.notes]
        return "\n".join(lines)


def _variants(answers: list[str]) -> list[str]:
    """Accepted short answers, each also without marks and in the checker's normal form; no duplicates
    (case-insensitively)."""
    out: list[str] = []
    seen: set[str] = set()
    for a in answers:
        for v in (a.strip(), strip_marks(a.strip()), normalize_text(a)):
            if v and v.casefold() not in seen:
                seen.add(v.casefold())
                out.append(v)
    return out


def _requirements(item) -> list[str]:
    req = []
    if isinstance(item, OpenItem):
        if item.min_words or item.max_words:
            lo = item.min_words or 0
            req.append(f"Length: {lo}–{item.max_words} words." if item.max_words else f"Length: at least {lo} words.")
        if item.min_citations:
            req.append(f"Cites at least {item.min_citations} paragraph ids of the readings (for example al-waie-472:12).")
        if item.sections:
            req.append("Sections, in this order: " + ", ".join(item.sections) + ".")
    if isinstance(item, VerdictItem):
        req.append(f"At least {item.evidence_min_words} words of evidence.")
        if item.evidence_min_citations:
            req.append(f"Cites at least {item.evidence_min_citations} paragraph id(s) (for example khilafat-web:12).")
    return req


def _rubric_html(item: OpenItem, root: Path, base: str) -> str:
    rows = []
    for c in item.rubric:
        levels = ""
        if isinstance(c.levels, dict):
            levels = "<ul>" + "".join(f"<li><strong>{html.escape(str(k))}</strong>: {to_html(v, root, base)}</li>"
                                      for k, v in c.levels.items()) + "</ul>"
        elif isinstance(c.levels, list):
            levels = "<ul>" + "".join(f"<li>{to_html(v, root, base)}</li>" for v in c.levels) + "</ul>"
        rows.append(f"<li>{to_html(c.criterion, root, base)} ({_fmt(c.points)} points){levels}</li>")
    return "<p><strong>Rubric</strong></p><ol>" + "".join(rows) + "</ol>"


def _grader(parts: list[tuple[str, str]]) -> str:
    return "".join(f"<p><strong>{html.escape(h)}</strong></p>{b}" for h, b in parts if b)


def plan(sets: list[ExerciseSet], include_manual: bool = False, root: Path | None = None) -> Plan:
    root = root or Course.find().root
    out: list[tuple[ExerciseSet, list[Question]]] = []
    skipped: list[Skipped] = []
    used: set[str] = set()
    for s in sets:
        base = f"modules/{s.module}"
        qs: list[Question] = []
        for n, it in enumerate(s.items, 1):
            H = lambda t: to_html(t, root, base)  # noqa: E731
            common = dict(set_id=s.id, item_id=it.id, item_type=it.type, objective=it.objective,
                          hints_html=[H(h) for h in it.hints])
            title = f"{s.id} {n}: {it.id}"
            expl = H(it.explanation)
            if getattr(it, "worked_example", None):
                skipped.append(Skipped(s.id, it.id, it.type, f"a worked example in {it.worked_example} (no marks); "
                                       "learners practise it in the book"))
                continue
            if isinstance(it, SingleItem):
                ch = [Choice(k, H(v), to_text(v, root, base), 1.0 if k == it.answer else 0.0, H(it.feedback.get(k)))
                      for k, v in it.choices.items()]
                qs.append(Question(it.id, kind="single", title=title, text_html=H(it.prompt), points=it.points,
                                   choices=ch, feedback_html=expl, **common))
            elif isinstance(it, MultipleItem):
                right = set(it.answer)
                wrong = [k for k in it.choices if k not in right]
                ch = [Choice(k, H(v), to_text(v, root, base),
                             1.0 / len(right) if k in right else -1.0 / len(wrong), H(it.feedback.get(k)))
                      for k, v in it.choices.items()]
                qs.append(Question(it.id, kind="multiple", title=title, text_html=H(it.prompt), points=it.points,
                                   choices=ch, feedback_html=expl, **common))
                used.add("multiple")
            elif isinstance(it, OrderingItem):
                left = [Choice(k, H(v), to_text(v, root, base)) for k, v in it.choices.items()]
                right = [Choice(f"p{i}", f"<p>Position {i}</p>", f"Position {i}") for i in range(1, len(it.answer) + 1)]
                pairs = {k: f"p{it.answer.index(k) + 1}" for k in it.choices}
                text = H(it.prompt) + "<p>Give each element its position in the order (Position 1 comes first).</p>"
                qs.append(Question(it.id, kind="matching", title=title, text_html=text, points=it.points,
                                   left=left, right=right, pairs=pairs, feedback_html=expl, **common))
                used.add("ordering")
            elif isinstance(it, MatchingItem):
                left = [Choice(k, H(v), to_text(v, root, base)) for k, v in it.left.items()]
                right = [Choice(k, H(v), to_text(v, root, base)) for k, v in it.right.items()]
                qs.append(Question(it.id, kind="matching", title=title, text_html=H(it.prompt), points=it.points,
                                   left=left, right=right, pairs=dict(it.answer), feedback_html=expl, **common))
            elif isinstance(it, NumericItem):
                text = H(it.prompt) + (f"<p>Answer in {html.escape(it.unit)}, as a number.</p>" if it.unit else "")
                qs.append(Question(it.id, kind="numeric", title=title, text_html=text, points=it.points,
                                   answer=it.answer, tolerance=it.tolerance, feedback_html=expl, **common))
            elif isinstance(it, ShortItem):
                qs.append(Question(it.id, kind="short", title=title, text_html=H(it.prompt), points=it.points,
                                   variants=_variants(it.answer), feedback_html=expl, **common))
                used.add("short")
            elif isinstance(it, VerdictItem):
                half = it.points / 2
                claim = f"<p><strong>Claim:</strong></p><blockquote>{H(it.claim)}</blockquote>"
                ch = [Choice(v, f"<p>{v}</p>", v, 1.0 if v == it.answer else 0.0) for v in VERDICTS]
                qs.append(Question(f"{it.id}-verdict", kind="single", title=f"{title} (verdict)",
                                   text_html=H(it.prompt) + claim + "<p>Choose the verdict.</p>", points=half,
                                   choices=ch, feedback_html=expl, **common))
                req = "".join(f"<li>{html.escape(r)}</li>" for r in _requirements(it))
                model = H(it.model_evidence) if it.model_evidence else expl
                qs.append(Question(f"{it.id}-evidence", kind="essay", title=f"{title} (evidence)",
                                   text_html=claim + "<p>Give the evidence for your verdict, citing paragraph ids "
                                                     "such as khilafat-web:12.</p>",
                                   points=half, min_words=it.evidence_min_words or None,
                                   grader_html=_grader([("Right verdict", f"<p>{it.answer}</p>"),
                                                        ("Requirements", f"<ul>{req}</ul>" if req else ""),
                                                        ("Model evidence", model)]),
                                   **common))
                used.add("verdict")
            elif isinstance(it, OpenItem):
                req = "".join(f"<li>{html.escape(r)}</li>" for r in _requirements(it))
                qs.append(Question(it.id, kind="essay", title=title, text_html=H(it.prompt), points=it.points,
                                   min_words=it.min_words, max_words=it.max_words,
                                   template_text="\n\n".join(f"{sec}:" for sec in it.sections),
                                   grader_html=_grader([("Requirements", f"<ul>{req}</ul>" if req else ""),
                                                        ("Rubric", _rubric_html(it, root, base)),
                                                        ("Model answer", H(it.model_answer)),
                                                        ("Explanation", expl)]),
                                   **common))
            elif isinstance(it, (LocateItem, AnnotateItem)):
                if not include_manual:
                    skipped.append(Skipped(s.id, it.id, it.type, NOT_HELD[it.type]))
                    continue
                if isinstance(it, LocateItem):
                    key = "<p>Required: " + ", ".join(html.escape(para_text(f"{it.reading}:{p}", root))
                                                      for p in it.required) + "</p>"
                    if it.optional:
                        key += "<p>Neither rewarded nor penalised: " + ", ".join(map(str, it.optional)) + "</p>"
                    ask = f"<p>Answer with paragraph ids of the reading, for example {it.reading}:{it.required[0]}.</p>"
                else:
                    key = "<ul>" + "".join(
                        f"<li>¶{p}: {html.escape(lab)}"
                        + (f" (also accepted: {html.escape(', '.join(it.accept[p]))})" if p in it.accept else "")
                        + "</li>" for p, lab in it.labels.items()) + "</ul>"
                    ask = (f"<p>Give a label from the {html.escape(it.taxonomy)} taxonomy for each paragraph "
                           "(or none).</p>")
                qs.append(Question(it.id, kind="essay", title=title, text_html=H(it.prompt) + ask, points=it.points,
                                   grader_html=_grader([("Answer key", key), ("Explanation", expl)]), **common))
                used.add("manual")
        out.append((s, qs))
    notes = [NOTES[k] for k in ("ordering", "multiple", "short", "verdict", "manual") if k in used]
    return Plan(out, skipped, notes)

"""Moodle XML ("Moodle XML format" question import) from an export plan.

One ``<quiz>`` document; each exercise set becomes a question-bank category
(``$course$/top/Reading the Caliphate/<set title>``) followed by its questions. Element names follow
Moodle's XML format: ``multichoice`` (``single`` true/false), ``matching`` (``subquestion``),
``numerical`` (``tolerance``), ``shortanswer`` (``usecase``), ``essay`` (``graderinfo``,
``responsetemplate``, word limits). Answer fractions are percentages from the list Moodle accepts on
import (100, 90, 83.33333, …, 5, 0 and their negatives); a fraction that is not on the list is set to
the nearest one and reported.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from course.lms.plan import Plan, Question

# Moodle's grade options (question_bank::fraction_options_full), as fractions of 1.
MOODLE_FRACTIONS = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
    0.0,
)
ALLOWED = sorted({*MOODLE_FRACTIONS, *(-f for f in MOODLE_FRACTIONS)})
CATEGORY_ROOT = "$course$/top/Reading the Caliphate"


def snap(fraction: float) -> float:
    return min(ALLOWED, key=lambda a: abs(a - fraction))


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.7g}"


def _text(parent: ET.Element, tag: str, content: str, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    ET.SubElement(el, "text").text = content
    return el


def _simple(parent: ET.Element, tag: str, value) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = str(value)
    return el


def _num(x: float) -> str:
    return f"{x:.7g}"


def _head(q: Question, qtype: str) -> ET.Element:
    el = ET.Element("question", {"type": qtype})
    name = ET.SubElement(el, "name")
    ET.SubElement(name, "text").text = q.title
    _text(el, "questiontext", q.text_html)
    _text(el, "generalfeedback", q.feedback_html)
    _simple(el, "defaultgrade", _num(q.points))
    _simple(el, "penalty", "0.3333333" if qtype != "essay" else "0")
    _simple(el, "hidden", "0")
    _simple(el, "idnumber", q.ident)
    return el


def _tail(el: ET.Element, q: Question) -> None:
    for h in q.hints_html:
        _text(el, "hint", h)
    tags = ET.SubElement(el, "tags")
    for t in (f"set:{q.set_id}", f"item:{q.item_id}", f"type:{q.item_type}", f"objective:{q.objective}"):
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = t


def _combined_feedback(el: ET.Element) -> None:
    _text(el, "correctfeedback", "<p>Right.</p>")
    _text(el, "partiallycorrectfeedback", "<p>Partly right.</p>")
    _text(el, "incorrectfeedback", "<p>Not yet right.</p>")
    ET.SubElement(el, "shownumcorrect")


def _choice_question(q: Question, snapped: list[str]) -> ET.Element:
    el = _head(q, "multichoice")
    _simple(el, "single", "true" if q.kind == "single" else "false")
    _simple(el, "shuffleanswers", "true")
    _simple(el, "answernumbering", "abc")
    _simple(el, "showstandardinstruction", "1")
    _combined_feedback(el)
    for c in q.choices:
        f = snap(c.fraction)
        if abs(f - c.fraction) > 1e-6:
            snapped.append(f"{q.ident}, choice {c.key}: fraction {c.fraction:.4f} set to {f:.4f}")
        a = ET.SubElement(el, "answer", {"fraction": _pct(f), "format": "html"})
        ET.SubElement(a, "text").text = c.html
        _text(a, "feedback", c.feedback_html)
    return el


def _matching_question(q: Question, snapped: list[str]) -> ET.Element:
    el = _head(q, "matching")
    _simple(el, "shuffleanswers", "true")
    _combined_feedback(el)
    right = {c.key: c for c in q.right}
    for c in q.left:
        sub = _text(el, "subquestion", c.html)
        ET.SubElement(ET.SubElement(sub, "answer"), "text").text = right[q.pairs[c.key]].text
    used = set(q.pairs.values())
    for c in q.right:  # right-hand options that match nothing: subquestions without text
        if c.key not in used:
            sub = _text(el, "subquestion", "")
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = c.text
    return el


def _numeric_question(q: Question, snapped: list[str]) -> ET.Element:
    el = _head(q, "numerical")
    a = ET.SubElement(el, "answer", {"fraction": "100", "format": "moodle_auto_format"})
    ET.SubElement(a, "text").text = _num(q.answer)
    _simple(a, "tolerance", _num(q.tolerance))
    _text(a, "feedback", "")
    _simple(el, "unitgradingtype", "0")
    _simple(el, "unitpenalty", "0.1000000")
    _simple(el, "showunits", "3")  # no unit input: the unit is stated in the question text
    _simple(el, "unitsleft", "0")
    return el


def _short_question(q: Question, snapped: list[str]) -> ET.Element:
    el = _head(q, "shortanswer")
    _simple(el, "usecase", "0")
    for v in q.variants:
        a = ET.SubElement(el, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        ET.SubElement(a, "text").text = v
        _text(a, "feedback", "")
    return el


def _essay_question(q: Question, snapped: list[str]) -> ET.Element:
    el = _head(q, "essay")
    _simple(el, "responseformat", "editor")
    _simple(el, "responserequired", "1")
    _simple(el, "responsefieldlines", "15")
    if q.min_words:
        _simple(el, "minwordlimit", q.min_words)
    if q.max_words:
        _simple(el, "maxwordlimit", q.max_words)
    _simple(el, "attachments", "0")
    _simple(el, "attachmentsrequired", "0")
    _text(el, "graderinfo", q.grader_html)
    template = "".join(f"<p>{html.escape(line)}</p><p></p>" for line in q.template_text.split("\n\n") if line)
    _text(el, "responsetemplate", template)
    return el


#: LMS question kind (``Question.kind``) → the function that writes its Moodle question.
KINDS = {
    "single": _choice_question,
    "multiple": _choice_question,
    "matching": _matching_question,
    "numeric": _numeric_question,
    "short": _short_question,
    "essay": _essay_question,
}


def question_element(q: Question, snapped: list[str]) -> ET.Element:
    try:
        write = KINDS[q.kind]
    except KeyError:  # pragma: no cover - plan() produces only the kinds above
        raise ValueError(q.kind) from None
    el = write(q, snapped)
    _tail(el, q)
    return el


def moodle_xml(p: Plan) -> tuple[bytes, list[str]]:
    """The Moodle XML document and a list of adjustments (fractions set to Moodle's grade list)."""
    quiz = ET.Element("quiz")
    snapped: list[str] = []
    quiz.append(
        ET.Comment(
            " Reading the Caliphate: exercise sets exported by `course export moodle`.\n"
            + _comment_safe(p.report())
            + "\n"
        )
    )
    for s, qs in p.sets:
        cat = ET.SubElement(quiz, "question", {"type": "category"})
        ET.SubElement(ET.SubElement(cat, "category"), "text").text = f"{CATEGORY_ROOT}/{s.title}"
        _text(cat, "info", f"<p>Exercise set {s.id}.</p>")
        _simple(cat, "idnumber", f"set-{s.id}")
        for q in qs:
            quiz.append(question_element(q, snapped))
    ET.indent(quiz, space="  ")
    body = ET.tostring(quiz, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), snapped


def _comment_safe(text: str) -> str:
    return text.replace("--", "–")

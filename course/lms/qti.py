"""IMS QTI 1.2 (ASI, version 1.2.1) content package from an export plan, for Canvas and other LMSs.

The package is a zip: ``imsmanifest.xml`` (IMS Content Packaging 1.1) at the top, listing one
resource of type ``imsqti_xmlv1p2`` per exercise set, and ``<set>/<set>.xml``, a ``questestinterop``
document holding one ``assessment`` with one ``section`` of ``item`` elements.

Each item follows the QTI 1.2 content model (``itemmetadata``, ``objectives``, ``rubric``,
``presentation``, ``resprocessing``, ``itemfeedback``, in that order) and carries Canvas's item
metadata (``question_type``, ``points_possible``), so Canvas imports it as the matching question type:

- single → ``response_lid`` (Single) + ``render_choice``; ``multiple_choice_question``
- multiple → ``response_lid`` (Multiple); +100/k per right pick and −100/w per wrong pick,
  ``SCORE`` bounded to 0..100 (Canvas applies its own partial credit); ``multiple_answers_question``
- matching → one ``response_lid`` per left-hand element; ``matching_question``
- numeric → ``response_str`` + ``render_fib fibtype="Decimal"``, ``vargte``/``varlte`` bounds;
  ``numerical_question``
- short → ``response_str`` + ``render_fib``, one ``varequal`` per variant; ``short_answer_question``
- essay → ``response_str`` + ``render_fib``, no score; ``essay_question``; the rubric and model
  answer go in ``rubric view="Scorer"``, which learners are not shown

``SCORE`` is a percentage of the item's points (``points_possible``).
"""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET
import zipfile

from course.lms.plan import Plan, Question

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
RESOURCE_TYPE = "imsqti_xmlv1p2"
CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "matching": "matching_question",
    "numeric": "numerical_question",
    "short": "short_answer_question",
    "essay": "essay_question",
}
FIXED_DATE = (2026, 1, 1, 0, 0, 0)  # reproducible zips


def _sub(parent: ET.Element, tag: str, attrs: dict | None = None, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: str(v) for k, v in (attrs or {}).items()})
    if text is not None:
        el.text = text
    return el


def _material(parent: ET.Element, html_text: str, texttype: str = "text/html") -> ET.Element:
    mat = _sub(parent, "material")
    _sub(mat, "mattext", {"texttype": texttype}, html_text)
    return mat


def _num(x: float) -> str:
    return f"{x:.10g}"


def _shares(n: int) -> list[str]:
    """``n`` decimal shares of 100 that add up to exactly 100 (the last takes the remainder)."""
    from decimal import Decimal

    each = (Decimal(100) / n).quantize(Decimal("0.0000001"))
    return [str(each)] * (n - 1) + [str(Decimal(100) - each * (n - 1))]


class _Ids:
    """Numeric response-label idents, unique within the package (Canvas keeps them as answer ids)."""

    def __init__(self):
        self._n = itertools.count(1000)

    def next(self) -> str:
        return str(next(self._n))


def _metadata(item: ET.Element, q: Question, answer_ids: list[str]) -> None:
    md = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in (
        ("question_type", CANVAS_TYPES[q.kind]),
        ("points_possible", _num(q.points)),
        ("original_answer_ids", ",".join(answer_ids)),
        ("assessment_question_identifierref", f"ref-{q.ident}"),
    ):
        f = _sub(md, "qtimetadatafield")
        _sub(f, "fieldlabel", text=label)
        _sub(f, "fieldentry", text=entry)


def _condition(resp: ET.Element, cont: str = "No") -> tuple[ET.Element, ET.Element]:
    rc = _sub(resp, "respcondition", {"continue": cont})
    return rc, _sub(rc, "conditionvar")


def _setvar(rc: ET.Element, value: float, action: str = "Set") -> None:
    _sub(rc, "setvar", {"action": action, "varname": "SCORE"}, _num(value))


def _labels(q: Question, ids: _Ids) -> dict[str, str]:
    """Choice key → response_label ident (choice questions: the choices; matching: the right-hand options)."""
    if q.kind in ("single", "multiple"):
        return {c.key: ids.next() for c in q.choices}
    if q.kind == "matching":
        return {c.key: ids.next() for c in q.right}
    return {}


# --- presentation, one function per LMS question kind ---------------------------------------------


def _present_choice(pres: ET.Element, q: Question, labels: dict[str, str]) -> None:
    lid = _sub(
        pres, "response_lid", {"ident": "response1", "rcardinality": "Single" if q.kind == "single" else "Multiple"}
    )
    rch = _sub(lid, "render_choice", {"shuffle": "Yes"})
    for c in q.choices:
        _material(_sub(rch, "response_label", {"ident": labels[c.key]}), c.html)


def _present_matching(pres: ET.Element, q: Question, labels: dict[str, str]) -> None:
    for c in q.left:
        lid = _sub(pres, "response_lid", {"ident": f"response_{c.key}", "rcardinality": "Single"})
        _material(lid, c.text, "text/plain")
        rch = _sub(lid, "render_choice", {"shuffle": "Yes"})
        for r in q.right:
            _material(_sub(rch, "response_label", {"ident": labels[r.key]}), r.text, "text/plain")


def _present_text(pres: ET.Element, q: Question, labels: dict[str, str]) -> None:
    rs = _sub(pres, "response_str", {"ident": "response1", "rcardinality": "Single"})
    attrs = {"fibtype": "Decimal"} if q.kind == "numeric" else {"fibtype": "String"}
    if q.kind == "essay":
        attrs["rows"] = "15"
    fib = _sub(rs, "render_fib", attrs)
    _sub(fib, "response_label", {"ident": "answer1", "rshuffle": "No"})


# --- response processing, one function per LMS question kind ---------------------------------------


def _score_single(resp: ET.Element, q: Question, labels: dict[str, str]) -> None:
    for c in q.choices:
        if c.fraction >= 1.0:
            rc, cv = _condition(resp, "No")
            _sub(cv, "varequal", {"respident": "response1"}, labels[c.key])
            _setvar(rc, 100)


def _score_multiple(resp: ET.Element, q: Question, labels: dict[str, str]) -> None:
    right = [c for c in q.choices if c.fraction > 0]
    wrong = [c for c in q.choices if c.fraction <= 0]
    amounts = dict(zip([c.key for c in right], _shares(len(right))))
    amounts.update(zip([c.key for c in wrong], _shares(len(wrong)) if wrong else []))
    for c in q.choices:
        rc, cv = _condition(resp, "Yes")
        _sub(cv, "varequal", {"respident": "response1"}, labels[c.key])
        _sub(rc, "setvar", {"action": "Add" if c.fraction > 0 else "Subtract", "varname": "SCORE"}, amounts[c.key])


def _score_matching(resp: ET.Element, q: Question, labels: dict[str, str]) -> None:
    for c, share in zip(q.left, _shares(len(q.left))):
        rc, cv = _condition(resp, "Yes")
        _sub(cv, "varequal", {"respident": f"response_{c.key}"}, labels[q.pairs[c.key]])
        _sub(rc, "setvar", {"action": "Add", "varname": "SCORE"}, share)


def _score_numeric(resp: ET.Element, q: Question, labels: dict[str, str]) -> None:
    rc, cv = _condition(resp, "No")
    alt = _sub(cv, "or")
    _sub(alt, "varequal", {"respident": "response1"}, _num(q.answer))
    both = _sub(alt, "and")
    _sub(both, "vargte", {"respident": "response1"}, _num(q.answer - q.tolerance))
    _sub(both, "varlte", {"respident": "response1"}, _num(q.answer + q.tolerance))
    _setvar(rc, 100)


def _score_short(resp: ET.Element, q: Question, labels: dict[str, str]) -> None:
    rc, cv = _condition(resp, "No")
    alt = _sub(cv, "or")
    for v in q.variants:
        _sub(alt, "varequal", {"respident": "response1", "case": "No"}, v)
    _setvar(rc, 100)


def _score_essay(resp: ET.Element, q: Question, labels: dict[str, str]) -> None:
    rc, cv = _condition(resp, "No")
    _sub(cv, "other")


#: LMS question kind (``Question.kind``) → (presentation, response processing).
KINDS = {
    "single": (_present_choice, _score_single),
    "multiple": (_present_choice, _score_multiple),
    "matching": (_present_matching, _score_matching),
    "numeric": (_present_text, _score_numeric),
    "short": (_present_text, _score_short),
    "essay": (_present_text, _score_essay),
}


def item_element(q: Question, ids: _Ids, objective_text: str = "") -> ET.Element:
    """One QTI ``item`` (the parts that depend on the question kind: :data:`KINDS`)."""
    present, score = KINDS[q.kind]
    item = ET.Element("item", {"ident": q.ident, "title": q.title})
    labels = _labels(q, ids)
    _metadata(item, q, list(labels.values()))
    if objective_text:
        _material(_sub(item, "objectives", {"view": "All"}), objective_text, "text/plain")
    if q.grader_html:
        _material(_sub(item, "rubric", {"view": "Scorer"}), q.grader_html)

    pres = _sub(item, "presentation")
    _material(pres, q.text_html)
    present(pres, q, labels)

    resp = _sub(item, "resprocessing")
    _sub(
        _sub(resp, "outcomes"), "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"}
    )
    if q.feedback_html:
        rc, cv = _condition(resp, "Yes")
        _sub(cv, "other")
        _sub(rc, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    score(resp, q, labels)

    if q.feedback_html:
        fb = _sub(item, "itemfeedback", {"ident": "general_fb"})
        _sub(_sub(fb, "flow_mat"), "material")
        fb.find("flow_mat/material").append(_mattext(q.feedback_html))
    if q.hints_html:
        fb = _sub(item, "itemfeedback", {"ident": "hints", "view": "Candidate"})
        for h in q.hints_html:
            _material(_sub(_sub(fb, "hint"), "hintmaterial"), h)
    return item


def _mattext(html_text: str) -> ET.Element:
    el = ET.Element("mattext", {"texttype": "text/html"})
    el.text = html_text
    return el


def assessment_xml(
    set_id: str, title: str, questions: list[Question], ids: _Ids, objectives: dict[str, str], comment: str = ""
) -> bytes:
    root = ET.Element(
        "questestinterop", {"xmlns": QTI_NS, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{QTI_NS} {QTI_XSD}"}
    )
    if comment:
        _sub(root, "qticomment", text=comment)
    ass = _sub(root, "assessment", {"ident": set_id, "title": title})
    md = _sub(ass, "qtimetadata")
    f = _sub(md, "qtimetadatafield")
    _sub(f, "fieldlabel", text="qmd_assessmenttype")
    _sub(f, "fieldentry", text="Exercise")
    sec = _sub(ass, "section", {"ident": "root_section"})
    for q in questions:
        sec.append(item_element(q, ids, objectives.get(q.objective, "")))
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode()


def manifest_xml(entries: list[tuple[str, str]]) -> bytes:
    """``entries``: (set id, path of its assessment file inside the zip)."""
    man = ET.Element(
        "manifest",
        {
            "identifier": "MANIFEST-reading-the-caliphate",
            "xmlns": CP_NS,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": f"{CP_NS} {CP_XSD}",
        },
    )
    md = _sub(man, "metadata")
    _sub(md, "schema", text="IMS Content")
    _sub(md, "schemaversion", text="1.1.3")
    _sub(man, "organizations")
    res = _sub(man, "resources")
    for set_id, path in entries:
        r = _sub(res, "resource", {"identifier": f"RES-{set_id}", "type": RESOURCE_TYPE, "href": path})
        _sub(r, "file", {"href": path})
    ET.indent(man, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(man, encoding="unicode") + "\n").encode()


def qti_zip(p: Plan, objectives: dict[str, str] | None = None) -> bytes:
    """The QTI 1.2 package as zip bytes."""
    objectives = objectives or {}
    ids = _Ids()
    files: list[tuple[str, bytes]] = []
    entries = []
    skipped_by_set: dict[str, list[str]] = {}
    for k in p.skipped:
        skipped_by_set.setdefault(k.set_id, []).append(f"{k.item_id} ({k.item_type}): {k.reason}")
    for s, qs in p.sets:
        path = f"{s.id}/{s.id}.xml"
        comment = ""
        if s.id in skipped_by_set:
            comment = "Not exported (an LMS cannot hold them): " + "; ".join(skipped_by_set[s.id])
        files.append((path, assessment_xml(s.id, s.title, qs, ids, objectives, comment)))
        entries.append((s.id, path))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("imsmanifest.xml", manifest_xml(entries)), *files]:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()

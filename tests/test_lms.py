"""LMS export: Moodle XML and IMS QTI 1.2.

Both exports are checked three ways: the XML is well formed and uses the format's element names,
attributes and (for QTI) the content model of the QTI 1.2 DTD; the counts of items, choices and answers
match the exercise sets; and the scoring round-trips: the answer the export marks as right scores
100 % in the course's own checker, and for QTI a small interpreter of ``resprocessing`` gives the same
score as the course for random answers.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from course.content.exercise_sets import (
    AnnotateItem,
    LocateItem,
    MatchingItem,
    MultipleItem,
    NumericItem,
    OpenItem,
    OrderingItem,
    ShortItem,
    SingleItem,
    VerdictItem,
)
from course.content.normalize import normalize_text
from course.exercises import grade_item, load_all_sets, reference_answers
from course.lms import moodle_xml, plan, qti_zip
from course.lms.moodle import ALLOWED
from course.lms.render import to_text

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "data" / "exercises"
Q = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


def _sets(which):
    return load_all_sets(DEMO if which == "demo" else None)


@pytest.fixture(scope="module", params=["demo", "course"])
def sets(request):
    return _sets(request.param)


# --------------------------------------------------------------------------------------------------
# The plan: nothing is dropped silently


def test_demo_set_has_every_item_type():
    types = {it.type for s in _sets("demo") for it in s.items}
    assert types == {
        "single",
        "multiple",
        "ordering",
        "matching",
        "numeric",
        "short",
        "locate",
        "annotate",
        "verdict",
        "open",
    }


@pytest.mark.parametrize("manual", [False, True])
def test_every_item_is_exported_or_listed(sets, manual):
    p = plan(sets, include_manual=manual)
    exported = {q.item_id for q in p.questions}
    skipped = {k.item_id for k in p.skipped}
    for s in sets:
        for it in s.items:
            assert (it.id in exported) != (it.id in skipped), it.id
            if it.type in ("locate", "annotate"):
                assert (it.id in exported) == manual
                if not manual:
                    reason = next(k.reason for k in p.skipped if k.item_id == it.id)
                    assert "no LMS question type" in reason
    assert "Not exported" in p.report() or not p.skipped


def test_points_are_preserved(sets):
    p = plan(sets, include_manual=True)
    for s, qs in p.sets:
        for it in s.items:
            assert sum(q.points for q in qs if q.item_id == it.id) == pytest.approx(it.points), it.id


# --------------------------------------------------------------------------------------------------
# Moodle XML

MOODLE_REQUIRED = {
    "multichoice": [
        "name",
        "questiontext",
        "generalfeedback",
        "defaultgrade",
        "penalty",
        "hidden",
        "idnumber",
        "single",
        "shuffleanswers",
        "answernumbering",
        "correctfeedback",
        "partiallycorrectfeedback",
        "incorrectfeedback",
        "answer",
    ],
    "matching": [
        "name",
        "questiontext",
        "generalfeedback",
        "defaultgrade",
        "penalty",
        "hidden",
        "idnumber",
        "shuffleanswers",
        "correctfeedback",
        "partiallycorrectfeedback",
        "incorrectfeedback",
        "subquestion",
    ],
    "numerical": [
        "name",
        "questiontext",
        "generalfeedback",
        "defaultgrade",
        "penalty",
        "hidden",
        "idnumber",
        "answer",
        "unitgradingtype",
        "unitpenalty",
        "showunits",
        "unitsleft",
    ],
    "shortanswer": [
        "name",
        "questiontext",
        "generalfeedback",
        "defaultgrade",
        "penalty",
        "hidden",
        "idnumber",
        "usecase",
        "answer",
    ],
    "essay": [
        "name",
        "questiontext",
        "generalfeedback",
        "defaultgrade",
        "penalty",
        "hidden",
        "idnumber",
        "responseformat",
        "responserequired",
        "responsefieldlines",
        "attachments",
        "graderinfo",
        "responsetemplate",
    ],
}
MOODLE_ALLOWED = {
    t: set(req)
    | {
        "hint",
        "tags",
        "shownumcorrect",
        "showstandardinstruction",
        "minwordlimit",
        "maxwordlimit",
        "attachmentsrequired",
    }
    for t, req in MOODLE_REQUIRED.items()
}
TEXT_FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown"}


def _moodle(sets, manual=True):
    p = plan(sets, include_manual=manual)
    data, adjustments = moodle_xml(p)
    return p, etree.fromstring(data), adjustments


def _by_idnumber(doc):
    return {q.findtext("idnumber"): q for q in doc.findall("question") if q.get("type") != "category"}


def test_moodle_is_well_formed_and_structured(sets):
    p, doc, adjustments = _moodle(sets)
    assert doc.tag == "quiz"
    assert adjustments == []  # every fraction the course needs is on Moodle's list
    cats = [q for q in doc.findall("question") if q.get("type") == "category"]
    assert [c.findtext("category/text").rsplit("/", 1)[-1] for c in cats] == [s.title for s in sets]
    for q in doc.findall("question"):
        t = q.get("type")
        if t == "category":
            assert q.findtext("category/text").startswith("$course$/top/")
            continue
        assert t in MOODLE_REQUIRED, t
        names = [c.tag for c in q if isinstance(c.tag, str)]
        for req in MOODLE_REQUIRED[t]:
            assert req in names, f"{q.findtext('idnumber')}: <{t}> lacks <{req}>"
        assert set(names) <= MOODLE_ALLOWED[t], set(names) - MOODLE_ALLOWED[t]
        for el in q.iter():
            if el.get("format") is not None:
                assert el.get("format") in TEXT_FORMATS, (el.tag, el.get("format"))
                assert el.find("text") is not None, el.tag
        for a in q.findall("answer"):
            assert float(a.get("fraction")) / 100 in [pytest.approx(x, abs=1e-6) for x in ALLOWED]
        assert float(q.findtext("defaultgrade")) > 0
    # one Moodle question per planned question, in order, with unique idnumbers
    ids = [q.findtext("idnumber") for q in doc.findall("question") if q.get("type") != "category"]
    assert ids == [q.ident for q in p.questions]
    assert len(ids) == len(set(ids))


def test_moodle_counts_match_the_sets(sets):
    p, doc, _ = _moodle(sets)
    qs = _by_idnumber(doc)
    for s in sets:
        for it in s.items:
            if it.worked_example:  # worked examples carry no marks and are not exported (issue 15)
                continue
            if isinstance(it, (SingleItem, MultipleItem)):
                q = qs[it.id]
                assert q.get("type") == "multichoice"
                assert q.findtext("single") == ("true" if isinstance(it, SingleItem) else "false")
                assert len(q.findall("answer")) == len(it.choices)
                right = [a for a in q.findall("answer") if float(a.get("fraction")) > 0]
                assert len(right) == (1 if isinstance(it, SingleItem) else len(it.answer))
                assert sum(float(a.get("fraction")) for a in right) == pytest.approx(100, abs=0.01)
            elif isinstance(it, MatchingItem):
                q = qs[it.id]
                subs = q.findall("subquestion")
                with_text = [sq for sq in subs if sq.findtext("text")]
                assert len(with_text) == len(it.left)
                assert {sq.findtext("answer/text") for sq in subs} == {to_text(v) for v in it.right.values()}
            elif isinstance(it, OrderingItem):
                q = qs[it.id]
                assert q.get("type") == "matching"
                assert len(q.findall("subquestion")) == len(it.choices)
            elif isinstance(it, NumericItem):
                q = qs[it.id]
                assert q.get("type") == "numerical"
                assert float(q.findtext("answer/text")) == it.answer
                assert float(q.findtext("answer/tolerance")) == it.tolerance
            elif isinstance(it, ShortItem):
                q = qs[it.id]
                texts = [a.findtext("text") for a in q.findall("answer")]
                assert {a.casefold() for a in it.answer} <= {t.casefold() for t in texts}
                assert len(texts) == len({t.casefold() for t in texts})
            elif isinstance(it, VerdictItem):
                v, e = qs[f"{it.id}-verdict"], qs[f"{it.id}-evidence"]
                assert [a.findtext("text") for a in v.findall("answer")] == [
                    "<p>accurate</p>",
                    "<p>inaccurate</p>",
                    "<p>misleading</p>",
                    "<p>unverifiable</p>",
                ]
                assert e.get("type") == "essay" and it.answer in e.findtext("graderinfo/text")
            elif isinstance(it, OpenItem):
                q = qs[it.id]
                assert q.get("type") == "essay"
                grader = q.findtext("graderinfo/text")
                for c in it.rubric:
                    assert to_text(c.criterion).split()[0] in grader
                if it.min_words:
                    assert int(q.findtext("minwordlimit")) == it.min_words
            elif isinstance(it, (LocateItem, AnnotateItem)):
                q = qs[it.id]  # included with include_manual
                assert q.get("type") == "essay"


def _key_by_text(options: dict, text_html: str) -> str:
    for k, v in options.items():
        if text_html in (v, f"<p>{v}</p>") or to_text(v) == re.sub("<[^>]+>", "", text_html):
            return k
    raise KeyError(text_html)


def test_moodle_round_trip_scores_full_marks(sets):
    """Rebuild each item's answer from the Moodle XML alone; the course's checker gives it 100 %."""
    p, doc, _ = _moodle(sets)
    qs = _by_idnumber(doc)
    checked = 0
    for s in sets:
        for it in s.items:
            if it.worked_example:  # worked examples carry no marks and are not exported (issue 15)
                continue
            if isinstance(it, (SingleItem, MultipleItem)):
                answers = qs[it.id].findall("answer")
                keys = list(it.choices)  # answers are written in the order of the choices
                right = [keys[i] for i, a in enumerate(answers) if float(a.get("fraction")) > 0]
                answer = right[0] if isinstance(it, SingleItem) else right
                wrong = [keys[i] for i, a in enumerate(answers) if float(a.get("fraction")) <= 0]
                if isinstance(it, SingleItem):
                    assert grade_item(it, wrong[0]).score == 0
            elif isinstance(it, MatchingItem):
                subs = [sq for sq in qs[it.id].findall("subquestion") if sq.findtext("text")]
                right_by_text = {to_text(v): k for k, v in it.right.items()}
                answer = {k: right_by_text[sq.findtext("answer/text")] for k, sq in zip(it.left, subs)}
            elif isinstance(it, OrderingItem):
                subs = qs[it.id].findall("subquestion")
                pos = {k: int(sq.findtext("answer/text").split()[-1]) for k, sq in zip(it.choices, subs)}
                answer = sorted(it.choices, key=pos.get)
            elif isinstance(it, NumericItem):
                answer = float(qs[it.id].findtext("answer/text"))
            elif isinstance(it, ShortItem):
                answer = qs[it.id].findall("answer")[-1].findtext("text")  # the most stripped variant
            elif isinstance(it, VerdictItem):
                v = qs[f"{it.id}-verdict"]
                verdict = next(
                    re.sub("<[^>]+>", "", a.findtext("text"))
                    for a in v.findall("answer")
                    if float(a.get("fraction")) == 100
                )
                answer = {"verdict": verdict, "evidence": reference_answers(it)["evidence"]}
            else:
                continue
            res = grade_item(it, answer)
            assert res.score == pytest.approx(1.0), (it.id, answer, res.message)
            checked += 1
    assert checked > 0


# --------------------------------------------------------------------------------------------------
# QTI 1.2

# Children allowed by the QTI 1.2.1 ASI DTD (ims_qtiasiv1p2p1.dtd) for the elements the export writes.
_CONDITIONS = {
    "not",
    "and",
    "or",
    "unanswered",
    "other",
    "varequal",
    "varlt",
    "varlte",
    "vargt",
    "vargte",
    "varsubset",
    "varinside",
    "varsubstring",
    "durequal",
    "durlt",
    "durlte",
    "durgt",
    "durgte",
    "var_extension",
}
QTI_CHILDREN = {
    "questestinterop": {"qticomment", "objectbank", "assessment", "section", "item"},
    "assessment": {
        "qticomment",
        "duration",
        "qtimetadata",
        "objectives",
        "assessmentcontrol",
        "rubric",
        "presentation_material",
        "outcomes_processing",
        "assessproc_extension",
        "assessfeedback",
        "selection_ordering",
        "reference",
        "sectionref",
        "section",
    },
    "section": {
        "qticomment",
        "duration",
        "qtimetadata",
        "objectives",
        "sectioncontrol",
        "sectionprecondition",
        "sectionpostcondition",
        "rubric",
        "presentation_material",
        "outcomes_processing",
        "sectionproc_extension",
        "sectionfeedback",
        "selection_ordering",
        "reference",
        "itemref",
        "item",
        "sectionref",
        "section",
    },
    "itemmetadata": {"qtimetadata"},
    "qtimetadata": {"vocabulary", "qtimetadatafield"},
    "qtimetadatafield": {"fieldlabel", "fieldentry"},
    "objectives": {"qticomment", "material", "flow_mat"},
    "rubric": {"qticomment", "material", "flow_mat"},
    "presentation": {
        "qticomment",
        "flow",
        "material",
        "response_lid",
        "response_xy",
        "response_str",
        "response_num",
        "response_grp",
        "response_extension",
    },
    "material": {
        "qticomment",
        "mattext",
        "matemtext",
        "matimage",
        "mataudio",
        "matvideo",
        "matapplet",
        "matapplication",
        "matref",
        "matbreak",
        "mat_extension",
        "altmaterial",
    },
    "response_lid": {"material", "render_choice", "render_hotspot", "render_slider", "render_fib", "render_extension"},
    "response_str": {"material", "render_choice", "render_hotspot", "render_slider", "render_fib", "render_extension"},
    "render_choice": {"material", "material_ref", "response_label", "flow_label", "response_na"},
    "render_fib": {"material", "material_ref", "response_label", "flow_label", "response_na"},
    "response_label": {"qticomment", "material", "material_ref", "flow_mat"},
    "resprocessing": {"qticomment", "outcomes", "respcondition", "itemproc_extension"},
    "outcomes": {"qticomment", "decvar", "interpretvar"},
    "respcondition": {"qticomment", "conditionvar", "setvar", "displayfeedback", "respcond_extension"},
    "conditionvar": _CONDITIONS,
    "and": _CONDITIONS,
    "or": _CONDITIONS,
    "not": _CONDITIONS,
    "itemfeedback": {"flow_mat", "material", "solution", "hint"},
    "hint": {"qticomment", "hintmaterial"},
    "hintmaterial": {"flow_mat", "material"},
    "flow_mat": {"qticomment", "flow_mat", "material", "material_ref"},
}
ITEM_ORDER = [
    "qticomment",
    "duration",
    "itemmetadata",
    "objectives",
    "itemcontrol",
    "itemprecondition",
    "itempostcondition",
    "rubric",
    "presentation",
    "resprocessing",
    "itemproc_extension",
    "itemfeedback",
    "reference",
]
ENUMS = {
    ("response_lid", "rcardinality"): {"Single", "Multiple", "Ordered"},
    ("response_str", "rcardinality"): {"Single", "Multiple", "Ordered"},
    ("render_fib", "fibtype"): {"String", "Integer", "Decimal", "Scientific"},
    ("render_choice", "shuffle"): {"Yes", "No"},
    ("setvar", "action"): {"Set", "Add", "Subtract", "Multiply", "Divide"},
    ("respcondition", "continue"): {"Yes", "No"},
    ("displayfeedback", "feedbacktype"): {"Response", "Solution", "Hint"},
    ("decvar", "vartype"): {"Integer", "String", "Decimal", "Scientific", "Boolean", "Enumerated", "Set"},
    ("varequal", "case"): {"Yes", "No"},
}
VIEWS = {
    "All",
    "Administrator",
    "AdminAuthority",
    "Assessor",
    "Author",
    "Candidate",
    "InvigilatorProctor",
    "Psychometrician",
    "Scorer",
    "Tutor",
}
REQUIRED_ATTRS = {
    "assessment": ["ident"],
    "section": ["ident"],
    "item": ["ident"],
    "response_lid": ["ident"],
    "response_str": ["ident"],
    "response_label": ["ident"],
    "itemfeedback": ["ident"],
    "varequal": ["respident"],
    "vargte": ["respident"],
    "varlte": ["respident"],
    "mattext": ["texttype"],
}


def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]


def _package(sets, manual=True):
    p = plan(sets, include_manual=manual)
    zf = zipfile.ZipFile(io.BytesIO(qti_zip(p)))
    return p, zf


def test_qti_package_and_manifest(sets):
    p, zf = _package(sets)
    names = zf.namelist()
    assert names[0] == "imsmanifest.xml"
    man = etree.fromstring(zf.read("imsmanifest.xml"))
    assert man.tag == f"{CP}manifest" and man.get("identifier")
    assert man.find(f"{CP}organizations") is not None
    resources = man.findall(f"{CP}resources/{CP}resource")
    assert len(resources) == len(sets)
    hrefs = []
    for r in resources:
        assert r.get("type") == "imsqti_xmlv1p2" and r.get("identifier")
        files = [f.get("href") for f in r.findall(f"{CP}file")]
        assert r.get("href") in files
        for f in files:
            assert f in names, f
        hrefs += files
    assert sorted(hrefs) == sorted(n for n in names if n != "imsmanifest.xml")
    for info in zf.infolist():
        assert not info.filename.startswith("/") and ".." not in info.filename.split("/")


def _check_qti_element(el, path=""):
    name = _local(el.tag)
    assert el.tag.startswith(Q), f"{path}/{name} is not in the QTI namespace"
    kids = [_local(c.tag) for c in el if isinstance(c.tag, str)]
    if name in QTI_CHILDREN:
        bad = set(kids) - QTI_CHILDREN[name]
        assert not bad, f"{path}/{name} may not contain {bad}"
    for attr in REQUIRED_ATTRS.get(name, []):
        assert el.get(attr), f"{path}/{name} lacks @{attr}"
    for (tag, attr), allowed in ENUMS.items():
        if name == tag and el.get(attr) is not None:
            assert el.get(attr) in allowed, (tag, attr, el.get(attr))
    if el.get("view") is not None:
        assert el.get("view") in VIEWS
    if name == "item":
        idx = [ITEM_ORDER.index(k) for k in kids]
        assert idx == sorted(idx), f"item {el.get('ident')}: children out of DTD order: {kids}"
    for c in el:
        if isinstance(c.tag, str):
            _check_qti_element(c, f"{path}/{name}")


def _assessments(zf):
    return {n.split("/")[0]: etree.fromstring(zf.read(n)) for n in zf.namelist() if n != "imsmanifest.xml"}


def test_qti_follows_the_content_model(sets):
    p, zf = _package(sets)
    docs = _assessments(zf)
    labels_seen = []
    for s, qs in p.sets:
        doc = docs[s.id]
        assert doc.tag == f"{Q}questestinterop"
        _check_qti_element(doc)
        ass = doc.findall(f"{Q}assessment")
        assert len(ass) == 1 and ass[0].get("ident") == s.id and ass[0].get("title") == s.title
        items = doc.findall(f".//{Q}item")
        assert [i.get("ident") for i in items] == [q.ident for q in qs]
        for item in items:
            resp_ids = {r.get("ident") for r in item.iter(f"{Q}response_lid", f"{Q}response_str")}
            for v in item.iter(f"{Q}varequal", f"{Q}vargte", f"{Q}varlte"):
                assert v.get("respident") in resp_ids
            fb_ids = {f.get("ident") for f in item.findall(f"{Q}itemfeedback")}
            for d in item.iter(f"{Q}displayfeedback"):
                assert d.get("linkrefid") in fb_ids
            labels_seen += [
                lab.get("ident")
                for lab in item.iter(f"{Q}response_label")
                if lab.getparent().tag == f"{Q}render_choice"
            ]
            meta = {
                f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry") for f in item.iter(f"{Q}qtimetadatafield")
            }
            assert meta["question_type"] in {
                "multiple_choice_question",
                "multiple_answers_question",
                "matching_question",
                "numerical_question",
                "short_answer_question",
                "essay_question",
            }
            assert float(meta["points_possible"]) > 0
    # choice labels are unique across the package; a matching question offers the same options to
    # each of its left-hand elements
    owner: dict[str, str] = {}
    for doc in docs.values():
        for item in doc.iter(f"{Q}item"):
            lids = item.findall(f".//{Q}response_lid")
            options = [tuple(lab.get("ident") for lab in lid.iter(f"{Q}response_label")) for lid in lids]
            assert len(set(options)) <= 1, item.get("ident")
            for ident in options[0] if options else ():
                assert owner.setdefault(ident, item.get("ident")) == item.get("ident"), ident
    assert set(labels_seen) == set(owner)


def test_qti_counts_match_the_sets(sets):
    p, zf = _package(sets)
    docs = _assessments(zf)
    for s in sets:
        items = {i.get("ident"): i for i in docs[s.id].iter(f"{Q}item")}
        for it in s.items:
            if it.worked_example:  # worked examples carry no marks and are not exported (issue 15)
                continue
            if isinstance(it, (SingleItem, MultipleItem)):
                labels = items[it.id].findall(f".//{Q}response_label")
                assert len(labels) == len(it.choices)
                card = items[it.id].find(f".//{Q}response_lid").get("rcardinality")
                assert card == ("Single" if isinstance(it, SingleItem) else "Multiple")
            elif isinstance(it, MatchingItem):
                lids = items[it.id].findall(f".//{Q}response_lid")
                assert len(lids) == len(it.left)
                assert all(len(lid.findall(f".//{Q}response_label")) == len(it.right) for lid in lids)
            elif isinstance(it, OrderingItem):
                lids = items[it.id].findall(f".//{Q}response_lid")
                assert len(lids) == len(it.choices)
            elif isinstance(it, ShortItem):
                vals = [v.text for v in items[it.id].iter(f"{Q}varequal")]
                assert {a.casefold() for a in it.answer} <= {v.casefold() for v in vals}
            elif isinstance(it, NumericItem):
                assert items[it.id].find(f".//{Q}render_fib").get("fibtype") == "Decimal"
            elif isinstance(it, VerdictItem):
                assert len(items[f"{it.id}-verdict"].findall(f".//{Q}response_label")) == 4
                assert items[f"{it.id}-evidence"].find(f"{Q}rubric").get("view") == "Scorer"
            elif isinstance(it, OpenItem):
                rubric = items[it.id].find(f"{Q}rubric")
                assert rubric is not None and rubric.get("view") == "Scorer"
                text = rubric.findtext(f".//{Q}mattext")
                for c in it.rubric:
                    assert to_text(c.criterion).split()[0] in text


# A small interpreter of QTI 1.2 response processing, enough for the conditions the export writes.


def _true(cond, responses) -> bool:
    name = _local(cond.tag)
    if name in ("conditionvar", "and"):
        return all(_true(c, responses) for c in cond if isinstance(c.tag, str))
    if name == "or":
        return any(_true(c, responses) for c in cond if isinstance(c.tag, str))
    if name == "not":
        return not all(_true(c, responses) for c in cond if isinstance(c.tag, str))
    if name == "other":
        return True
    given = responses.get(cond.get("respident"))
    if given is None:
        return False
    want = (cond.text or "").strip()
    if name == "varequal":
        if isinstance(given, set):
            return want in given
        try:
            return float(given) == float(want)
        except ValueError:
            if cond.get("case", "No") == "No":
                return str(given).strip().casefold() == want.casefold()
            return str(given).strip() == want
    value = float(given)
    return value >= float(want) if name == "vargte" else value <= float(want)


def qti_score(item, responses) -> float:
    resp = item.find(f"{Q}resprocessing")
    dv = resp.find(f"{Q}outcomes/{Q}decvar")
    score = float(dv.get("defaultval", 0))
    for rc in resp.findall(f"{Q}respcondition"):
        if _true(rc.find(f"{Q}conditionvar"), responses):
            for sv in rc.findall(f"{Q}setvar"):
                x = float(sv.text)
                score = {"Set": lambda s, x=x: x, "Add": lambda s, x=x: s + x, "Subtract": lambda s, x=x: s - x}[
                    sv.get("action")
                ](score)
            if rc.get("continue", "No") == "No":
                break
    return max(float(dv.get("minvalue")), min(float(dv.get("maxvalue")), score))


def _label_map(item, question_choices):
    """choice key → response_label ident, in document order."""
    return dict(
        zip(question_choices, [lab.get("ident") for lab in item.find(f".//{Q}response_lid").iter(f"{Q}response_label")])
    )


def test_qti_scoring_agrees_with_the_course(sets):
    p, zf = _package(sets)
    docs = _assessments(zf)
    rng = random.Random(1924)
    checked = 0
    for s in sets:
        items = {i.get("ident"): i for i in docs[s.id].iter(f"{Q}item")}
        for it in s.items:
            if it.worked_example:  # worked examples carry no marks and are not exported (issue 15)
                continue
            if isinstance(it, (SingleItem, MultipleItem)):
                item = items[it.id]
                lab = _label_map(item, list(it.choices))
                ref = reference_answers(it)
                tries = [ref] + [rng.sample(list(it.choices), rng.randint(1, len(it.choices))) for _ in range(8)]
                for ans in tries:
                    if isinstance(it, SingleItem):
                        ans = ans if isinstance(ans, str) else ans[0]
                        got = qti_score(item, {"response1": {lab[ans]}})
                    else:
                        got = qti_score(item, {"response1": {lab[k] for k in ans}})
                    assert got == pytest.approx(100 * grade_item(it, ans).score, abs=0.01), (it.id, ans)
                    checked += 1
            elif isinstance(it, MatchingItem):
                item = items[it.id]
                lab = _label_map(item, list(it.right))
                for ans in [dict(it.answer)] + [{k: rng.choice(list(it.right)) for k in it.left} for _ in range(8)]:
                    got = qti_score(item, {f"response_{k}": {lab[v]} for k, v in ans.items()})
                    assert got == pytest.approx(100 * grade_item(it, ans).score, abs=0.01), (it.id, ans)
                    checked += 1
            elif isinstance(it, OrderingItem):
                item = items[it.id]
                n = len(it.answer)
                lab = _label_map(item, [f"p{i}" for i in range(1, n + 1)])
                ref = {f"response_{k}": {lab[f"p{it.answer.index(k) + 1}"]} for k in it.choices}
                assert qti_score(item, ref) == pytest.approx(100)
                swapped = list(it.answer)
                swapped[0], swapped[1] = swapped[1], swapped[0]
                wrong = {f"response_{k}": {lab[f"p{swapped.index(k) + 1}"]} for k in it.choices}
                assert qti_score(item, wrong) < 100
            elif isinstance(it, NumericItem):
                item = items[it.id]
                assert qti_score(item, {"response1": str(it.answer)}) == 100
                assert qti_score(item, {"response1": str(it.answer + it.tolerance + 1)}) == 0
                assert grade_item(it, it.answer + it.tolerance + 1).score == 0
            elif isinstance(it, ShortItem):
                item = items[it.id]
                for v in it.answer:
                    assert qti_score(item, {"response1": v.upper()}) == 100
                assert qti_score(item, {"response1": "certainly not this"}) == 0
            elif isinstance(it, VerdictItem):
                item = items[f"{it.id}-verdict"]
                lab = _label_map(item, ["accurate", "inaccurate", "misleading", "unverifiable"])
                for v in lab:
                    assert qti_score(item, {"response1": {lab[v]}}) == (100 if v == it.answer else 0)
    assert checked > 0


def test_short_answer_variants_cover_unaccented_spellings():
    p = plan(_sets("demo"))
    short = next(q for q in p.questions if q.kind == "short")
    item = next(it for s in _sets("demo") for it in s.items if it.id == short.item_id)
    for v in item.answer:
        assert normalize_text(v) in {normalize_text(x) for x in short.variants}
        assert all(ord(ch) < 0x2B0 for ch in short.variants[-1])  # the last variant has no marks


def test_html_of_roles():
    from course.lms.render import to_html

    out = to_html("See {para}`al-waie-472:17-19`, {ar}`خلافة`, {term}`bayʿa` and {cite:p}`kennedy2016caliphate`.")
    assert "Reading B, ¶17–19 (al-waie-472:17-19)" in out
    assert '<span lang="ar" dir="rtl">خلافة</span>' in out
    assert "bayʿa" in out and "{term}" not in out
    assert "(Kennedy 2016)" in out
    assert to_html("- one\n- *two*") == "<ul><li>one</li><li><em>two</em></li></ul>"
    assert "&lt;script&gt;" in to_html("<script>alert(1)</script>")


# --------------------------------------------------------------------------------------------------
# The commands


def test_cli_exports(tmp_path):
    from course.cli import main

    xml = tmp_path / "m0.xml"
    assert main(["export", "moodle", "--set", "m0-orientation", "--out", str(xml)]) == 0
    doc = etree.parse(str(xml)).getroot()
    assert {q.findtext("idnumber") for q in doc.findall("question")} >= {"m0-which-command-checks"}
    z = tmp_path / "all.zip"
    assert main(["export", "qti", "--out", str(z)]) == 0
    assert "imsmanifest.xml" in zipfile.ZipFile(z).namelist()
    assert main(["export", "qti", "--out", str(tmp_path / "not-a-zip.xml")]) != 0
    assert main(["export", "moodle", "--set", "no-such-set", "--out", str(xml)]) != 0

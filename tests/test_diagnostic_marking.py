"""The discernment diagnostic (forms, signal-detection scoring, reporting) and rubric marking
(`course marking`, `course grade --marks`, `--set`, empty submissions)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from course.content import Course
from course.exercises.diagnostic import score_form

ROOT = Path(__file__).resolve().parent.parent
DIAG = Course.of(ROOT).diagnostic
CLASS = ROOT / "tests" / "data" / "class" / "submissions"


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "course", *args], cwd=cwd or ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("fid", ["a", "b"])
def test_forms_are_parallel_and_balanced(fid):
    form = DIAG.forms[fid]
    ps = form.passages
    assert len(ps) >= 16
    keys = Counter(p.key for p in ps)
    assert keys["technique"] == keys["none"]  # so labelling everything alike gives d′ = 0
    strands = Counter((p.strand, p.key) for p in ps)
    for strand in ("movement", "state", "critic", "everyday"):
        assert strands[(strand, "technique")] >= 2 and strands[(strand, "none")] >= 2, strand
    pairs = Counter(p.pair for p in ps if p.pair)
    assert len(pairs) >= 4 and all(n == 2 for n in pairs.values())
    for pair in pairs:
        assert {p.key for p in ps if p.pair == pair} == {"technique", "none"}  # a minimal pair
    assert all(p.techniques for p in ps if p.key == "technique")
    assert len(DIAG.forms["a"].passages) == len(DIAG.forms["b"].passages)


def test_no_passage_quotes_a_reading():
    texts = " ".join(
        Course.of(ROOT).reading(r).source_text for r in ("khilafat-web", "al-waie-472", "critique-ht-foreign-policy")
    )
    for form in DIAG.forms.values():
        for p in form.passages:
            words = p.text.split()
            for i in range(len(words) - 7):
                assert " ".join(words[i : i + 8]) not in texts, f"{p.id} repeats a reading"


def test_everything_technique_gives_zero_discernment_and_strong_bias():
    form = DIAG.forms["a"]
    res = score_form(form, {p.id: "technique 4" for p in form.passages})
    assert res.discernment == 0 and res.d_prime == pytest.approx(0)
    assert res.bias < -1  # strongly suspicious
    res = score_form(form, {p.id: {"label": "none", "confidence": 1} for p in form.passages})
    assert res.discernment == 0 and res.bias > 1  # strongly trusting


def test_perfect_and_inverted_answers():
    form = DIAG.forms["b"]
    perfect = score_form(form, {p.id: [p.key, 4] for p in form.passages})
    assert perfect.discernment == 1 and perfect.d_prime > 2 and abs(perfect.bias) < 1e-9
    assert perfect.confidence_right == 4 and perfect.confidence_wrong is None
    flipped = score_form(form, {p.id: ("none" if p.key == "technique" else "technique") for p in form.passages})
    assert flipped.discernment == -1 and flipped.d_prime < -2


def test_bad_answers_are_reported_not_raised():
    form = DIAG.forms["a"]
    res = score_form(form, {"a01": "maybe", "a02": "technique 9", "zz": "none", "a03": {"label": None}}, "f.yaml")
    assert res.answered == 1 and len(res.problems) == 3
    assert not res.complete


def test_course_diagnostic_progress_and_grade(tmp_path):
    r = run("diagnostic", "a", "--answers", str(tmp_path / "answers"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    path = tmp_path / "answers" / "diagnostic-a.yaml"
    form = DIAG.forms["a"]
    text = path.read_text(encoding="utf-8")
    for p in form.passages:
        text = text.replace(f"{p.id}: \n", f"{p.id}: technique 3\n")
    path.write_text(text, encoding="utf-8")
    r = run("progress", "--answers", str(tmp_path / "answers"), cwd=tmp_path)
    assert r.returncode == 0 and "discernment +0.00" in r.stdout and "technique" in r.stdout
    # course grade: pre column filled, never counted in points
    subs = tmp_path / "subs"
    (subs / "lee").mkdir(parents=True)
    shutil.copy(path, subs / "lee" / "diagnostic-a.yaml")
    shutil.copy(CLASS / "amira-k" / "answers" / "m0-orientation.yaml", subs / "lee" / "m0-orientation.yaml")
    r = run("grade", str(subs), "--csv", str(tmp_path / "g.csv"), "--set", "m0-orientation")
    assert r.returncode == 0, r.stdout + r.stderr
    row = next(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert row["discernment pre (A)"] == "0.00" and row["discernment post (B)"] == ""
    assert float(row["percent"]) == 100.0  # the assigned set only; the diagnostic adds no points


def test_assigned_set_percentages_and_empty_submission_warning(tmp_path):
    r = run("grade", str(CLASS), "--csv", str(tmp_path / "g.csv"), "--set", "m0-orientation")
    assert r.returncode == 0
    rows = {row["learner"]: row for row in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    assert float(rows["amira-k"]["percent"]) == 100.0
    assert "m2-open-not-one-thing" not in rows["amira-k"]
    empty = tmp_path / "empty"
    (empty / "zoe").mkdir(parents=True)
    (empty / "zoe" / "m0-orientation.yaml").write_text("m0-which-command-checks:\n", encoding="utf-8")
    (empty / "yan").mkdir()
    r = run("grade", str(empty), "--csv", str(tmp_path / "e.csv"), "--set", "m0-orientation")
    rows = {row["learner"]: row for row in csv.DictReader((tmp_path / "e.csv").open(encoding="utf-8"))}
    assert rows["zoe"]["status"] == "problems" and "empty submission" in rows["zoe"]["problems"]
    assert rows["yan"]["status"] == "problems" and "empty submission" in rows["yan"]["problems"]
    assert "empty submission" in r.stdout


def test_marking_sheet_and_marks_round_trip(tmp_path):
    sheet = tmp_path / "sheet.csv"
    r = run("marking", str(CLASS), "--out", str(sheet))
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(sheet.open(encoding="utf-8")))
    header = rows[0]
    assert {"learner", "item", "response", "rubric", "c1", "comment"} <= set(header)
    body = [row for row in rows[1:] if row[header.index("item")] == "m2-open-not-one-thing"]
    assert body and "Claim" in body[0][header.index("response")]
    for row in body:
        for c, v in zip(("c1", "c2", "c3", "c4"), ("3", "2.5", "2", "1")):
            row[header.index(c)] = v
    bad = list(body[0])
    bad[header.index("c1")] = "7"  # over the criterion's 3 points
    with (tmp_path / "marks.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *body, bad])
    r = run("grade", str(CLASS), "--csv", str(tmp_path / "g.csv"), "--marks", str(tmp_path / "marks.csv"))
    assert "allowed 0 to 3" in r.stdout and "line 3" in r.stdout
    grades = {row["learner"]: row for row in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    amira = grades["amira-k"]
    assert amira["m2-open-not-one-thing"] == "8.5" and amira["review_items"] == "0"
    totals = sum(float(v) for k, v in amira.items() if k.startswith("total "))
    assert float(amira["total m2-movements"]) >= 8.5 and totals == pytest.approx(float(amira["points"]))


def test_annotate_justifications_are_checked_and_marked(tmp_path):
    from course.exercises import grade_item, load_all_sets
    from course.items.annotate import justification_ok

    it = next(i for s in load_all_sets(ROOT) for i in s.items if i.id == "m4-annotate-b")
    assert it.justify
    assert justification_ok(it, 40, "'massive volcano' makes the crisis sound unstoppable")
    assert not justification_ok(it, 40, "it is scary")  # no quotation
    assert not justification_ok(it, 40, '"a phrase that is not there" says it all')
    answer = {
        17: 'none | a plain "historical" narrative',
        25: {"label": "conversation-killer", "why": "“There is no doubt that” shuts the question"},
        33: "none",
        40: "appeal-to-fear-prejudice",
        52: "false-dilemma-no-choice",
        67: "guilt-by-association",
        72: "appeal-to-time",
    }
    res = grade_item(it, answer)
    assert res.points == it.points  # labels are scored as before; justifications never change the score
    assert "quote the paragraph: 1 of 7" in res.feedback or "quote the paragraph: 2 of 7" in res.feedback

    subs = tmp_path / "subs"
    (subs / "kim").mkdir(parents=True)
    lines = ["m4-annotate-b:"] + [
        f"  {k}: {v!r}" if isinstance(v, str) else f"  {k}: {{label: {v['label']}, why: '{v['why']}'}}"
        for k, v in answer.items()
    ]
    (subs / "kim" / "m4-capstone.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    assert run("marking", str(subs), "--out", str(sheet), "--set", "m4-capstone").returncode == 0
    rows = list(csv.reader(sheet.open(encoding="utf-8")))
    header, body = rows[0], [r for r in rows[1:] if r[rows[0].index("item")] == "m4-annotate-b"]
    assert body and "There is no doubt" in body[0][header.index("response")]
    body[0][header.index("c1")] = "5"
    with (tmp_path / "marks.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, body[0]])
    r = run(
        "grade",
        str(subs),
        "--csv",
        str(tmp_path / "g.csv"),
        "--set",
        "m4-capstone",
        "--marks",
        str(tmp_path / "marks.csv"),
    )
    assert r.returncode == 0, r.stdout
    row = next(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert row["justification marks"] == "5" and float(row["m4-annotate-b"]) == it.points

"""Item-validity figures for the exercise sets (issue 15's closing note).

    .venv/bin/python bench/item_quality.py

Prints the key letters and key positions of the single-choice items per set and course-wide, the
share of wrong choices with their own feedback, the acceptance of the short-answer variant corpus
(correct variants accepted; wrong answers that stay wrong), the size and balance of each form of the
discernment check, and the worked examples. The same rules are enforced by `course validate --strict`
and the tests (tests/test_item_quality.py, tests/test_answer_variants.py, tests/test_diagnostic_marking.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from course.content import Course
from course.exercises import PASSED, grade_item, load_all_sets, parse_yaml
from course.exercises.validate import feedback_coverage, key_distribution, lesson_label_overlap

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sets = load_all_sets(ROOT)
    d = key_distribution(sets)
    print("Key letters (letter-keyed single-choice items) and key positions (all single-choice items):")
    for scope in [s.id for s in sets] + ["course"]:
        print(
            f"  {scope:16s} letters {dict(sorted(d['letters'][scope].items()))} of {d['n_letter'][scope]}; "
            f"positions {dict(sorted(d['positions'][scope].items()))} of {d['n_single'][scope]}"
        )
    have, total, _ = feedback_coverage(sets)
    print(f"Wrong choices with their own feedback: {have} of {total}")
    corpus = parse_yaml(
        (ROOT / "tests" / "data" / "answer-variants.yaml").read_text(encoding="utf-8"), "answer-variants.yaml"
    ).data
    items = {it.id: it for s in sets for it in s.items}
    right = [(i, a) for i, e in corpus.items() for a in e["right"]]
    wrong = [(i, a) for i, e in corpus.items() for a in e["wrong"]]
    ok = sum(grade_item(items[i], a).status == PASSED for i, a in right)
    rej = sum(grade_item(items[i], a).status != PASSED for i, a in wrong)
    print(
        f"Variant corpus: {ok} of {len(right)} correct variants accepted; {rej} of {len(wrong)} wrong answers stay wrong"
    )
    for fid, form in Course.of(ROOT).diagnostic.forms.items():
        keys = Counter(p.key for p in form.passages)
        strands = Counter(p.strand for p in form.passages)
        pairs = len({p.pair for p in form.passages if p.pair})
        print(
            f"Discernment form {fid.upper()}: {len(form.passages)} passages ({keys['technique']} technique, "
            f"{keys['none']} legitimate), strands {dict(sorted(strands.items()))}, {pairs} minimal pairs"
        )
    worked = [it for s in sets for it in s.items if it.worked_example]
    verdicts = [it for s in sets for it in s.items if it.type == "verdict"]
    print(
        f"Worked examples (no marks): {len(worked)}; verdict items marked: "
        f"{sum(1 for it in verdicts if not it.worked_example)} of {len(verdicts)}"
    )
    overlap = lesson_label_overlap(sets, ROOT)
    keyed = sum(
        1
        for it in (i for s in sets for i in s.items)
        if it.type == "annotate" and not it.worked_example
        for lab in it.labels.values()
        if lab != "none"
    )
    print(f"Annotate technique keys that a lesson states next to the same paragraph: {len(overlap)} of {keyed}")
    for item_id, n, label, page in overlap:
        print(f"  {item_id} ¶{n} {label} <- {page}")


if __name__ == "__main__":
    main()

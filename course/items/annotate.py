"""``annotate``: label paragraphs of a reading with techniques of a taxonomy. Model: ``AnnotateItem`` in
the content layer's exercise-set schema. Score: share of paragraphs whose label has the reference
label's category, is in ``accept``, or forms a ``confusable`` pair with the reference; ``none`` is a
label like any other. With ``justify``, each label carries a one-line justification whose structure
is checked (an instructor marks it)."""

from __future__ import annotations

import html
import re
from typing import Any

from course.content import Course, normalize
from course.content.exercise_sets import AnnotateItem, words
from course.items.answers import is_blank, keys_list, kind, show
from course.items.base import AnswerError, ItemType, Outcome
from course.items.evidence import paragraph_numbers


def _taxonomy(name: str, root=None):
    return Course.of(root).taxonomy(name)


def _reading(reading_id: str, root=None):
    return Course.of(root).reading(reading_id)


def _label_and_justification(v: Any) -> tuple[Any, str | None]:
    """An annotate answer's label and justification: ``label | why`` or ``{label: ..., why: ...}``."""
    if isinstance(v, dict):
        low = {str(k).strip().lower(): x for k, x in v.items()}
        why = low.get("why", low.get("justification"))
        return low.get("label"), (None if why is None else str(why))
    if isinstance(v, str) and "|" in v:
        label, _, why = v.partition("|")
        return label.strip(), why.strip()
    return v, None


_QUOTED = re.compile(
    r'"([^"]{2,200})"|“([^”]{2,200})”|«([^»]{2,200})»|(?:^|(?<=[\s(]))[\'‘]([^\'’]{2,200})[\'’](?=\W|$)'
)
_VERDICT_WORD = re.compile(r"\b(?:accurate|inaccurate|misleading|unverifiable)\b", re.IGNORECASE)


def justification_ok(item, n: int, why: str) -> bool:
    """Structure check of a justification: at least three words, and a quotation (in quotation
    marks) of words that stand in paragraph ``n`` of the reading (compared after normalisation)."""
    if words(why) < 3:
        return False
    try:
        para = _reading(item.reading).paragraphs[n - 1].text
    except Exception:  # noqa: BLE001 - without the reading, only the length can be checked
        return True
    target = " " + " ".join(normalize.text_tokens(para)) + " "
    for m in _QUOTED.finditer(why):
        quoted = " ".join(normalize.text_tokens(next(g for g in m.groups() if g)))
        if quoted and f" {quoted} " in target:
            return True
    return False


def _entry(item, taxo, k: Any, v: Any, whys: dict[int, str]) -> tuple[int | None, str]:
    """(paragraph, label id) of one answer line, or (None, what is wrong with it)."""
    try:
        n = paragraph_numbers(item, k, allow_range=False)[0]
    except AnswerError as exc:
        return None, str(exc)
    if n not in item.labels:
        return None, f"paragraph {n} is not one of those to label ({keys_list(map(str, item.labels))})"
    v, why = _label_and_justification(v)
    if why is not None:
        whys[n] = why
    if isinstance(v, (list, tuple)):
        vals = [x for x in v if not is_blank(x)]
        if len(vals) != 1:
            return None, f"paragraph {n}: give one label, not a list"
        v = vals[0]
    resolved = taxo.resolve(v)
    if resolved is None:
        return None, (
            f"'{show(v)}' (paragraph {n}) is not a label of {taxo.id}; use a technique or "
            f"category id from data/taxonomies/{taxo.id}.yaml, e.g. {taxo.techniques[0].id}, "
            f"or {taxo.none_label}"
        )
    return n, resolved


def _accepted(item, taxo, n: int, label: str, ref: str) -> bool:
    ref_id = taxo.resolve(ref) or ref
    ok_categories = {taxo.category_of(ref_id)} | {
        taxo.category_of(taxo.resolve(a) or a) for a in item.accept.get(n, [])
    }
    return taxo.category_of(label) in ok_categories or taxo.confusable_with(label, ref_id)


def _why_text(item, given: dict[int, str], whys: dict[int, str]) -> str:
    if not item.justify:
        return ""
    n = len(item.labels)
    ok = [p for p in item.labels if p in given and justification_ok(item, p, whys.get(p, ""))]
    if len(ok) == n:
        return f" Justifications that quote the paragraph: {len(ok)} of {n} (your instructor marks them)."
    return (
        f" Justifications that quote the paragraph: {len(ok)} of {n}; for the others, add "
        "| and a line quoting the words that carry the label (your instructor marks them)."
    )


def scripture_only(root, reading_id: str) -> set[int]:
    """Paragraphs a reading's reading.yaml marks as consisting only of scripture (``scripture_only``)."""
    try:
        meta = _reading(reading_id, root).meta
    except Exception:  # noqa: BLE001 - a missing reading is reported elsewhere
        return set()
    return {int(n) for n in (meta.get("scripture_only") or [])}


def _para_tokens(item) -> dict:
    """Paragraphs' text in normal form (" tok tok "), for the justification check of annotate items."""
    try:
        paras = _reading(item.reading).paragraphs
    except Exception:  # noqa: BLE001 - without the reading the grader checks only the length
        return {}
    return {
        str(n): " " + " ".join(normalize.text_tokens(paras[n - 1].text)) + " "
        for n in item.labels
        if 1 <= n <= len(paras)
    }


def _label_ids(taxo) -> list[str]:
    return [taxo.none_label] + [c.id for c in taxo.categories] + [t.id for t in taxo.techniques]


class Annotate(ItemType):
    name = "annotate"
    marks_count_as = "justification"
    model = AnnotateItem
    label = "label the paragraphs"
    higher_order = True
    lms_note = "manual"
    lms_not_held = (
        "it labels paragraphs from a taxonomy, with accepted alternatives and credit at category "
        "level; no LMS question type can hold that"
    )
    print_answer_lines = 4
    print_answer_label = "Labels:"

    def marking_criteria(self, item) -> list[tuple[str, float]]:
        """With ``justify``, the one-line justifications: one point per labelled paragraph."""
        if not item.justify:
            return []
        text = "Justifications quote and explain the words that carry each label (one point per paragraph)"
        return [(text, float(len(item.labels)))]

    def marking_checks(self, result) -> str:
        return result.feedback

    def grade(self, item, answer: Any, exists, root) -> Outcome:
        taxo = _taxonomy(item.taxonomy, root)
        if not isinstance(answer, dict):
            first = next(iter(item.labels))
            raise AnswerError(
                f"write one 'paragraph: label' line per paragraph, e.g. {first}: loaded-language; "
                f"you wrote {kind(answer)}"
            )
        given: dict[int, str] = {}
        whys: dict[int, str] = {}
        problems = []
        for k, v in answer.items():
            if is_blank(v):
                continue
            n, got = _entry(item, taxo, k, v, whys)
            if n is None:
                problems.append(got)
            else:
                given[n] = got
        if problems and not given:
            raise AnswerError("; ".join(problems))
        right = sum(1 for n, ref in item.labels.items() if n in given and _accepted(item, taxo, n, given[n], ref))
        n = len(item.labels)
        why_text = _why_text(item, given, whys)
        if right == n and not problems:
            return Outcome(1.0, "Right: every paragraph has a label of the right category." + why_text)
        text = f"Paragraphs labelled with the right category: {right} of {n}." + why_text
        missing = [str(p) for p in item.labels if p not in given]
        if missing:
            text += f" Not yet labelled: {', '.join(missing)} (use '{taxo.none_label}' for no technique)."
        if problems:
            text += " Ignored: " + "; ".join(problems) + "."
        return Outcome(right / n, text)

    def reference_answer(self, item) -> Any:
        return dict(item.labels)

    def template_lines(self, item, kit, root):
        lines = [
            "#",
            f"# Reading: {kit.reading_label(item.reading)}. Label each paragraph below with ONE label:",
            "# a technique id, a category id, or none (no technique). Scoring is by category.",
        ]
        if item.justify:
            lines.append("# After the label, write | and one line that quotes the words carrying it, e.g.")
            lines.append('#   17: loaded-language | "massive volcano" makes the crisis sound unstoppable')
        try:
            taxo = _taxonomy(item.taxonomy, root)
            for c in taxo.categories:
                lines += kit.comment(f"{c.id}: " + ", ".join(t.id for t in c.techniques), indent="  ", hang="    ")
        except Exception:  # noqa: BLE001
            lines.append(f"# (Labels: see data/taxonomies/{item.taxonomy}.yaml.)")
        return lines, "", [f"  {p}:" for p in item.labels]

    def book_body(self, item, course):
        paras = ", ".join(f"{{para}}`{item.reading}:{n}`" for n in item.labels)
        return [
            (
                "myst",
                f"Label each of these paragraphs with a technique or a category "
                f"({course.taxonomy(item.taxonomy).title}, Module 3, lesson 2), or `none` if it uses no "
                f"technique"
                + (
                    ", and after `|` a one-line justification that quotes the words carrying the label "
                    "(your instructor marks the justifications)"
                    if item.justify
                    else ""
                )
                + f": {paras}.",
            )
        ]

    def book_key(self, item) -> str:
        return "; ".join(
            f"¶{n}: `{lab}`" + (f" (also accepted: {', '.join(item.accept.get(n, []))})" if item.accept.get(n) else "")
            for n, lab in item.labels.items()
        )

    def lms_questions(self, item, x) -> list:
        key = (
            "<ul>"
            + "".join(
                f"<li>¶{p}: {html.escape(lab)}"
                + (f" (also accepted: {html.escape(', '.join(item.accept[p]))})" if p in item.accept else "")
                + "</li>"
                for p, lab in item.labels.items()
            )
            + "</ul>"
        )
        ask = f"<p>Give a label from the {html.escape(item.taxonomy)} taxonomy for each paragraph (or none).</p>"
        return [
            x.question(
                kind="essay",
                text_html=x.html(item.prompt) + ask,
                grader_html=x.grader([("Answer key", key), ("Explanation", x.expl)]),
            )
        ]

    def selfcheck_data(self, item, d, keys, fb, x) -> None:
        taxo = _taxonomy(item.taxonomy)
        x.note_taxonomy(item.taxonomy, taxo)
        d["reading"] = item.reading
        d["taxonomy"] = item.taxonomy
        d["paras"] = list(item.labels)
        if getattr(item, "justify", False):
            d["justify"] = True
            d["paraTokens"] = _para_tokens(item)
        ids = _label_ids(taxo)
        for n, ref in item.labels.items():
            ref_id = taxo.resolve(ref) or ref
            s = keys.slot(f"{n}={ref_id}")
            for g in ids:
                if _accepted(item, taxo, n, g, ref):
                    keys.accept(s, f"{n}={g}")

    def conformance_cases(self, item, ref, rng) -> list:
        taxo = _taxonomy(item.taxonomy)
        labels = _label_ids(taxo)
        names = [t.name for t in taxo.techniques[:3]]
        cases: list = []
        for n in item.labels:
            for lab in labels:
                x = dict(item.labels)
                x[n] = lab
                cases.append(x)
            x = dict(item.labels)
            del x[n]
            cases.append(x)
        x = dict(item.labels)
        x[next(iter(x))] = "not-a-label"
        cases.append(x)
        if getattr(item, "justify", False):
            cases += self._justification_cases(item)
        cases += [
            {9999: "none"},
            {"1-3": "none"},
            {f"{item.reading}:{next(iter(item.labels))}": "none"},
            {k: [v] for k, v in item.labels.items()},
            {k: [v, v] for k, v in item.labels.items()},
            {k: n for k, n in zip(item.labels, names * 10)},
            ["none"],
            "none",
            {str(k): v.replace("-", " ").upper() for k, v in item.labels.items()},
            {"other-reading:3": "none"},
        ]
        return cases

    @staticmethod
    def _justification_cases(item) -> list:
        paras = _reading(item.reading).paragraphs
        cases: list = []
        for n, lab in item.labels.items():
            quote = " ".join(paras[n - 1].text.replace("**", "").split()[:4])
            for why in (
                f'the words "{quote}" carry it',
                f"“{quote}” is the point",
                "too short",
                "it says 'nothing of the kind' here",
                f"'{quote}' shows it",
            ):
                x = dict(item.labels)
                x[n] = f"{lab} | {why}"
                cases.append(x)
            x = dict(item.labels)
            x[n] = {"label": lab, "why": f'because "{quote}" says so'}
            cases.append(x)
        cases.append({n: f'{lab} | "{" ".join(paras[n - 1].text.split()[:3])}" here' for n, lab in item.labels.items()})
        return cases

    def quality_problems(self, item, here: str, root, grade) -> list[str]:
        problems = []
        verdicts = sorted({m.group(0).lower() for m in _VERDICT_WORD.finditer(item.explanation)})
        if verdicts:
            problems.append(
                f"{here}: the annotation key's explanation gives a fact-check verdict "
                f"({', '.join(verdicts)}). Labels record techniques, not accuracy (Module 3, "
                "lesson 2): move the verdict to a verdict item or the lesson."
            )
        verses = scripture_only(root, item.reading)
        for n, label in item.labels.items():
            if n in verses and (label != "none" or item.accept.get(n)):
                problems.append(
                    f"{here}: {item.reading}:{n} consists only of scripture (scripture_only in "
                    f"readings/{item.reading}/reading.yaml), but the key labels it "
                    f"'{label}'{' or ' + ', '.join(item.accept[n]) if item.accept.get(n) else ''}. "
                    "The course never keys a verse as a technique: drop the paragraph from "
                    "the item or key it none."
                )
        return problems

    def reading_paragraphs(self, item) -> tuple[str, list[int]]:
        return item.reading, list(item.labels) + list(item.accept)

    def technique_keys(self, item) -> tuple[str, str, dict[int, str]]:
        return item.reading, item.taxonomy, dict(item.labels)

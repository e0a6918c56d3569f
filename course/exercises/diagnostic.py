"""The discernment diagnostic: two parallel forms, scored by signal detection, never marked.

The forms are data (``data/diagnostic.yaml``). A learner answers form A in
``answers/diagnostic-a.yaml`` and form B in ``answers/diagnostic-b.yaml``, one line per passage::

    a01: {label: none, confidence: 3}
    a02: technique 4            # short form: label, then confidence
    a03: none                   # confidence may be left out

Scoring treats "technique" as the signal:

- hit rate H = hits / passages keyed technique; false-alarm rate F = false alarms / passages keyed none;
- **discernment** = H − F (−1..1; 0 = no discernment), and d′ = z(H′) − z(F′), with the log-linear
  correction H′ = (hits + 0.5) / (signal + 1), F′ = (false alarms + 0.5) / (noise + 1) (Hautus 1995);
- **bias** c = −(z(H′) + z(F′)) / 2: negative means a tendency to say "technique" (suspicion),
  positive a tendency to say "none" (credulity).

A learner who labels everything "technique" has H = F = 1, so discernment 0, d′ 0 (the forms have as
many technique passages as legitimate ones) and a strongly negative c. Unanswered passages are left
out of the rates and reported. Confidence is summarised (mean when right and when wrong) but not used
in the score. Nothing here ever adds to a learner's points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any

from course.content.diagnostic import FORM_FILES, LABELS, SIGNAL, Diagnostic, Form, Passage  # noqa: F401
from course.errors import CourseInputError

_Z = NormalDist().inv_cdf


# --------------------------------------------------------------------------------------------------
# Answers


def _read_one(value: Any) -> tuple[str | None, int | None, str | None]:
    """(label, confidence, problem) of one answer."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None, None
    label = conf = None
    if isinstance(value, dict):
        low = {str(k).strip().lower(): v for k, v in value.items()}
        label, conf = low.get("label"), low.get("confidence")
    elif isinstance(value, (list, tuple)) and value:
        label = value[0]
        conf = value[1] if len(value) > 1 else None
    elif isinstance(value, str):
        parts = value.replace(",", " ").split()
        label = parts[0]
        conf = parts[1] if len(parts) > 1 else None
    else:
        return None, None, f"'{value}' is not a label; write technique or none"
    if label is None or (isinstance(label, str) and not label.strip()):
        return None, None, None
    lab = str(label).strip().lower()
    lab = {"t": "technique", "yes": "technique", "n": "none", "no": "none", "legitimate": "none"}.get(lab, lab)
    if lab not in LABELS:
        return None, None, f"'{label}' is not a label; write technique or none"
    c = None
    if conf is not None and str(conf).strip():
        try:
            c = int(str(conf).strip())
        except ValueError:
            return lab, None, f"confidence '{conf}' is not 1, 2, 3 or 4"
        if not 1 <= c <= 4:
            return lab, None, f"confidence {c} is not 1, 2, 3 or 4"
    return lab, c, None


@dataclass
class DiagnosticResult:
    form: str
    answered: int
    total: int
    hits: int
    misses: int
    false_alarms: int
    correct_rejections: int
    problems: list[str] = field(default_factory=list)
    confidence_right: float | None = None
    confidence_wrong: float | None = None
    signal_total: int = 0
    noise_total: int = 0

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def hit_rate(self) -> float | None:
        n = self.hits + self.misses
        return self.hits / n if n else None

    @property
    def false_alarm_rate(self) -> float | None:
        n = self.false_alarms + self.correct_rejections
        return self.false_alarms / n if n else None

    @property
    def discernment(self) -> float | None:
        """Hit rate minus false-alarm rate (−1..1)."""
        if self.hit_rate is None or self.false_alarm_rate is None:
            return None
        return self.hit_rate - self.false_alarm_rate

    def _corrected(self) -> tuple[float, float] | None:
        s = self.hits + self.misses
        n = self.false_alarms + self.correct_rejections
        if not s or not n:
            return None
        return (self.hits + 0.5) / (s + 1), (self.false_alarms + 0.5) / (n + 1)

    @property
    def d_prime(self) -> float | None:
        c = self._corrected()
        return None if c is None else _Z(c[0]) - _Z(c[1])

    @property
    def bias(self) -> float | None:
        """Criterion c: negative = says "technique" readily, positive = says "none" readily."""
        c = self._corrected()
        return None if c is None else -(_Z(c[0]) + _Z(c[1])) / 2

    def to_dict(self) -> dict:
        r = lambda x: None if x is None else round(x, 3)  # noqa: E731
        return {
            "form": self.form,
            "answered": self.answered,
            "total": self.total,
            "hits": self.hits,
            "misses": self.misses,
            "false_alarms": self.false_alarms,
            "correct_rejections": self.correct_rejections,
            "hit_rate": r(self.hit_rate),
            "false_alarm_rate": r(self.false_alarm_rate),
            "discernment": r(self.discernment),
            "d_prime": r(self.d_prime),
            "bias": r(self.bias),
            "confidence_right": r(self.confidence_right),
            "confidence_wrong": r(self.confidence_wrong),
            "problems": self.problems,
        }


def score_form(form: Form, answers: dict[str, Any] | None, where: str = "") -> DiagnosticResult:
    """Score one form. Never raises on a learner's answers; problems are listed."""
    answers = answers or {}
    res = DiagnosticResult(
        form=form.id, answered=0, total=len(form.passages), hits=0, misses=0, false_alarms=0, correct_rejections=0
    )
    res.signal_total = sum(1 for p in form.passages if p.key == SIGNAL)
    res.noise_total = res.total - res.signal_total
    known = {p.id for p in form.passages}
    for k in answers:
        if str(k) not in known:
            res.problems.append(f"{where}: '{k}' is not a passage of form {form.id.upper()}; ignored.")
    right_conf, wrong_conf = [], []
    for p in form.passages:
        label, conf, problem = _read_one(answers.get(p.id))
        if problem:
            res.problems.append(f"{where}: {p.id}: {problem}.")
        if label is None:
            continue
        res.answered += 1
        if p.key == SIGNAL:
            if label == SIGNAL:
                res.hits += 1
            else:
                res.misses += 1
        elif label == SIGNAL:
            res.false_alarms += 1
        else:
            res.correct_rejections += 1
        if conf is not None:
            (right_conf if label == p.key else wrong_conf).append(conf)
    res.confidence_right = sum(right_conf) / len(right_conf) if right_conf else None
    res.confidence_wrong = sum(wrong_conf) / len(wrong_conf) if wrong_conf else None
    return res


def score_answers_dir(answers_dir: Path, root=None) -> dict[str, DiagnosticResult]:
    """Results for the forms that have an answer file in ``answers_dir`` (form id → result)."""
    from course.content import Course
    from course.exercises.answers import load_answers

    diag = Course.of(root).diagnostic
    out = {}
    for fid, form in diag.forms.items():
        path = Path(answers_dir) / f"{form.answer_stem}.yaml"
        if not path.exists():
            continue
        try:
            af = load_answers(path)
        except CourseInputError as exc:
            res = score_form(form, {})
            res.problems.append(str(exc))
        else:
            res = score_form(form, af.answers, str(path))
        out[fid] = res
    return out


def change(pre: DiagnosticResult | None, post: DiagnosticResult | None) -> float | None:
    """Post minus pre discernment (None unless both exist)."""
    if pre is None or post is None or pre.discernment is None or post.discernment is None:
        return None
    return post.discernment - pre.discernment


def describe(res: DiagnosticResult) -> str:
    """One line for learners: discernment, d′, bias in words."""
    if res.discernment is None:
        return f"form {res.form.upper()}: {res.answered} of {res.total} answered; not enough answers to score."
    b = res.bias or 0.0
    lean = (
        "leans to 'technique' (suspicious)" if b < -0.25 else "leans to 'none' (trusting)" if b > 0.25 else "balanced"
    )
    text = (
        f"form {res.form.upper()}: discernment {res.discernment:+.2f} (hits {res.hits}/{res.hits + res.misses}, "
        f"false alarms {res.false_alarms}/{res.false_alarms + res.correct_rejections}), d′ {res.d_prime:.2f}, "
        f"bias c {b:+.2f}, {lean}"
    )
    if not res.complete:
        text += f"; {res.total - res.answered} passage(s) unanswered"
    return text + "."


def template(form: Form, instructions: str) -> str:
    """The answer file a learner fills in (the passages are printed as comments)."""
    import textwrap

    lines = [
        f"# {form.title} of the discernment check (never marked).",
        *("# " + ln for ln in textwrap.wrap(" ".join(instructions.split()), 96)),
        "# Answer each passage as: technique 3   or   none 2   (label, then confidence 1-4).",
        "",
    ]
    for p in form.passages:
        lines += ["# " + ln for ln in textwrap.wrap(p.text, 96)]
        lines += [f"{p.id}: ", ""]
    return "\n".join(lines)

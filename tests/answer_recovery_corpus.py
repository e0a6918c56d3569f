"""Broken answer files for the recovery tests (issue 13): the terminal's (course/exercises/recovery.py)
and the page's (selfcheck-yaml.js, ``CourseYaml.readAnswers``) readers must agree on every one.

``BASE`` is written the way ``course start`` writes a file (comments, one top-level key per item,
scalars, flow lists, indented blocks, block scalars) with answers filled in. Each case breaks it in
one or more places; ``CASES`` maps a name to the broken text.
"""

from __future__ import annotations

from typing import Any

BASE = """\
# Answers to "Module 0: Orientation" (exercise set m0-orientation)
#
# Write each answer after its colon (or on the indented lines below it) and save the file.
# Lines starting with # are comments. Leave an answer empty if you have not tried it yet.

# ──────────────────────────────────────────────
# 1. m0-a  ·  single  ·  1 point
m0-a: c

# ──────────────────────────────────────────────
# 2. m0-b  ·  matching  ·  4 points
m0-b:
  a: x    # Abū Bakr
  b: w    # ʿUmar
  c:      # ʿUthmān
  d: y    # ʿAlī

# 3. m0-c  ·  ordering  ·  2 points
m0-c: [b, d, a, c]

# 4. m0-d  ·  numeric  ·  1 point
m0-d: 1924

# 5. m0-e  ·  short  ·  1 point
m0-e: "al-Baghdādī"

# 6. m0-f  ·  verdict  ·  3 points
m0-f:
  verdict: misleading
  evidence: |
    The claim at C:5 is
    not supported.

# 7. m0-g  ·  locate  ·  2 points
m0-g: ["A:3", "B:4"]

# 8. m0-h  ·  open  ·  review
m0-h: |
  An open answer
  over two lines.

# 9. m0-i  ·  short  ·  1 point
m0-i: khalīfa
"""

ITEMS = ["m0-a", "m0-b", "m0-c", "m0-d", "m0-e", "m0-f", "m0-g", "m0-h", "m0-i"]


def line_of(key: str, text: str = BASE) -> int:
    return next(n for n, ln in enumerate(text.split("\n"), 1) if ln.startswith(key + ":"))


def _sub(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _subs(*pairs: tuple[str, str]) -> str:
    t = BASE
    for old, new in pairs:
        t = _sub(t, old, new)
    return t


CASES: dict[str, str] = {
    # unclosed brackets and quotes, first / middle / last item
    "unclosed-list-first": _subs(("m0-a: c", "m0-a: [c")),
    "unclosed-list-middle": _subs(("m0-c: [b, d, a, c]", "m0-c: [b, d, a, c")),
    "unclosed-list-last": _subs(("m0-i: khalīfa", "m0-i: [khalīfa")),
    "unclosed-list-continued": _subs(("m0-c: [b, d, a, c]", "m0-c: [b, d,\n  a, c")),
    "unclosed-list-in-block": _subs(("  a: x    # Abū Bakr", "  a: [x    # Abū Bakr")),
    "unclosed-mapping": _subs(("m0-c: [b, d, a, c]", "m0-c: {a: 1, b: 2")),
    "unclosed-mapping-last": _subs(("m0-i: khalīfa", "m0-i: {x: khalīfa")),
    "unclosed-double-quote": _subs(('m0-e: "al-Baghdādī"', 'm0-e: "al-Baghdādī')),
    "unclosed-single-quote": _subs(('m0-e: "al-Baghdādī"', "m0-e: 'al-Baghdādī")),
    "unclosed-quote-last": _subs(("m0-i: khalīfa", 'm0-i: "khalīfa')),
    "unclosed-quote-in-block": _subs(("  b: w    # ʿUmar", '  b: "w    # ʿUmar')),
    "unclosed-quote-in-flow": _subs(('m0-g: ["A:3", "B:4"]', 'm0-g: ["A:3", "B:4]')),
    "extra-closing-bracket": _subs(("m0-c: [b, d, a, c]", "m0-c: [b, d, a, c]]")),
    # indentation
    "block-indented-3": _subs(("  b: w    # ʿUmar", "   b: w    # ʿUmar")),
    "block-dedented-1": _subs(("  evidence: |", " evidence: |")),
    "list-items-misaligned": _subs(('m0-g: ["A:3", "B:4"]', "m0-g:\n  - A 3\n - B 4")),
    "key-indented-1": _subs(("m0-d: 1924", " m0-d: 1924")),
    "tab-in-block": _subs(("  a: x    # Abū Bakr", "\ta: x    # Abū Bakr")),
    "tab-in-verdict": _subs(("  verdict: misleading", "\tverdict: misleading")),
    "tab-at-column-0": _subs(("m0-d: 1924", "m0-d: 1924\n\t")),
    # duplicates
    "duplicate-top-level": _subs(("m0-i: khalīfa", "m0-i: khalīfa\nm0-d: 1923")),
    "duplicate-top-level-three": _subs(("m0-a: c", "m0-a: c\nm0-a: b"), ("m0-i: khalīfa", "m0-i: khalīfa\nm0-a: d")),
    "duplicate-nested": _subs(("  d: y    # ʿAlī", "  d: y    # ʿAlī\n  a: z")),
    "duplicate-one-broken": _subs(("m0-i: khalīfa", "m0-i: khalīfa\nm0-c: [a, b")),
    # other syntax errors
    "colon-space-in-value": _subs(("m0-i: khalīfa", "m0-i: the title: khalīfa")),
    "stray-text-column-0": _subs(("m0-d: 1924", "m0-d: 1924\noops")),
    "stray-closing-bracket-column-0": _subs(("m0-d: 1924", "m0-d: 1924\n]")),
    "missing-space-after-colon": _subs(("m0-d: 1924", "m0-d:1924")),
    "bad-block-indicator": _subs(("m0-h: |", "m0-h: |x")),
    "alias": _subs(("m0-d: 1924", "m0-d: *year")),
    "anchor": _subs(("m0-d: 1924", "m0-d: &year 1924")),
    "python-tag": _subs(("m0-d: 1924", "m0-d: !!python/object:os.system x")),
    "quoted-key-broken": _subs(("m0-c: [b, d, a, c]", '"m0-c": [b, d, a, c')),
    # two broken items
    "two-broken-list-and-quote": _subs(("m0-a: c", "m0-a: [c"), ("m0-i: khalīfa", 'm0-i: "khalīfa')),
    "two-broken-tab-and-mapping": _subs(
        ("  a: x    # Abū Bakr", "\ta: x    # Abū Bakr"), ("m0-c: [b, d, a, c]", "m0-c: {a: 1")
    ),
    "two-broken-adjacent": _subs(("m0-c: [b, d, a, c]", "m0-c: [b, d"), ("m0-d: 1924", "m0-d: {1924")),
    "most-items-broken": _subs(
        *[(f"{k}: ", f"{k}: [") for k in ("m0-a", "m0-d", "m0-i")],
        ("m0-c: [b, d, a, c]", "m0-c: [b, d, a, c"),
        ('m0-e: "al-Baghdādī"', 'm0-e: "al-Baghdādī'),
        ('m0-g: ["A:3", "B:4"]', 'm0-g: ["A:3", "B:4"'),
    ),
    "open-answer-dedented": _subs(("  over two lines.", "over two lines.")),
    "list-at-column-0-and-a-broken-item": _subs(
        ('m0-g: ["A:3", "B:4"]', 'm0-g:\n- "A:3"\n- "B:4"'), ("m0-d: 1924", "m0-d: [1924")
    ),
    # line ends and byte-order mark
    "crlf-unclosed-list": _subs(("m0-c: [b, d, a, c]", "m0-c: [b, d, a, c")).replace("\n", "\r\n"),
    "bom-unclosed-list": "\ufeff" + _subs(("m0-a: c", "m0-a: [c")),
    "no-comments-unclosed": "m0-a: c\nm0-c: [b, d\nm0-i: khalīfa\n",
    # cannot be split sensibly: the whole-file error stands
    "not-split-top-level-list": "- m0-a\n- [b\n",
    "not-split-flow-mapping": "{m0-a: c, m0-c: [b, d}\n",
    "not-split-text-before": "hello there\nm0-a: [c\nm0-i: khalīfa\n",
    "not-split-two-documents": _subs(("m0-d: 1924", "m0-d: 1924\n---\nm0-x: [1")),
}

#: Cases where recovery does not apply (the file keeps its whole-file error).
NOT_SPLIT = {k for k in CASES if k.startswith("not-split")}


def jsonable(v: Any) -> Any:
    """A value in the form the page returns it (mappings as {"$map": [[key, value], ...]})."""
    if isinstance(v, dict):
        return {"$map": [[jsonable(k), jsonable(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


def python_read(text: str) -> dict:
    """The terminal's reading of ``text``: what was read, and the unread blocks (line, key)."""
    from course.errors import CourseInputError
    from course.exercises.answers import parse_answer_text

    try:
        af = parse_answer_text(text, "answers/m0-orientation.yaml", None, recover=True)
    except CourseInputError:
        return {"error": True}
    return {"data": jsonable(af.answers), "broken": [[b.line, b.key] for b in af.broken]}

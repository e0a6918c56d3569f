"""The course's bibliography style: one author–year form in the text and in the list.

* ``bibtex_default_style = "course"``: pybtex's ``unsrt`` entries, sorted by author, year and title;
  each entry is labelled as the text cites it ("Piskorski et al., 2023b"), not ``[Pis+23]``.
* ``bibtex_reference_style = "course"``: sphinxcontrib-bibtex's author–year citations whose year
  comes from that label, so works by the same authors in the same year read 2023a, 2023b in the text
  and in the list alike.
* Titles keep the capitals they are written with (pybtex would lower-case "Islamic"), TeX quotes
  (```word'``, ````word''``) become typographic quotes, and a date already given in
  ``howpublished`` or ``note`` is not repeated from ``month``/``year``.

New entries need nothing special; ``tests/test_book_bibliography.py`` scans the built bibliography
(HTML and PDF) for TeX left-overs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import Entry
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, node

from course.sphinxext.folding import fold

_MONTHS = {
    m[:3].lower(): m
    for m in (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
}
_YEAR_RE = re.compile(r"(\d{4}[a-z]?|n\.d\.[a-z]?)$")
_TEX_SINGLE = re.compile(r"(?<![`\w])`((?:[^`']|'(?=\w))+)'(?!')")


_TEXT_COMMANDS = {
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textendash": "–",
    "textemdash": "—",
    "textsubscript": "",
    "textellipsis": "…",
    "textasciigrave": "`",
}
_DOT_UNDER_RE = re.compile(r"\{\\d\{([A-Za-z])\}\}|\\d\{([A-Za-z])\}")
_CMDS = "|".join(_TEXT_COMMANDS)
_TEXT_COMMAND_RE = re.compile(r"\{\\(" + _CMDS + r")\}|\\(" + _CMDS + r")\b(?:\{\}| )?")


def tex_quotes(value: str) -> str:
    """``text'' → “text”, `text' → ‘text’ (an apostrophe inside a word stays), and the text-mode
    quote and dash commands ({\\textquoteleft}) as the characters they stand for."""
    value = _TEXT_COMMAND_RE.sub(lambda m: _TEXT_COMMANDS[m.group(1) or m.group(2)], value)
    value = value.replace(r"\$", "$")  # pybtex leaves an escaped dollar as it is
    # a dot under (\d{h}: ḥ), which pybtex's decoder knows for some letters only
    value = _DOT_UNDER_RE.sub(lambda m: unicodedata.normalize("NFC", (m.group(1) or m.group(2)) + "\u0323"), value)
    value = value.replace("``", "“").replace("''", "”")
    return _TEX_SINGLE.sub(lambda m: f"‘{m.group(1)}’", value)


_TEXT = TextBackend()


@lru_cache(maxsize=4096)
def _plain(latex: str) -> str:
    """LaTeX as plain text. One backend object, not ``render_as("text")``: that looks the alias
    "text" up among the installed entry points on every call (about 10 ms each, 750 calls a build)."""
    return Text.from_latex(latex).render(_TEXT)


def _who(entry: Entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor")
    if not people:
        return _plain(entry.fields.get("title", "Anon."))
    last = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
    if last[-1] == "others":  # "and others" in BibTeX
        return f"{last[0]} et al."
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


class CourseLabelStyle(BaseLabelStyle):
    """ "Author, year" with a, b, c for works that would otherwise share a label."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        bases = [f"{_who(e)}, {e.fields.get('year', 'n.d.')}" for e in entries]
        counts = Counter(bases)
        seen: dict[str, int] = defaultdict(int)
        for base in bases:
            if counts[base] > 1:
                seen[base] += 1
                yield base + "abcdefghijklmnopqrstuvwxyz"[seen[base] - 1]
            else:
                yield base


class CourseSortingStyle(BaseSortingStyle):
    """By the author as cited (accents, ʿ and ʾ ignored), then year and title."""

    def sorting_key(self, entry):
        return (fold(_who(entry)), entry.fields.get("year", ""), fold(_plain(entry.fields.get("title", ""))))


class CourseStyle(UnsrtStyle):
    default_sorting_style = CourseSortingStyle
    default_label_style = CourseLabelStyle

    def format_title(self, e, which_field, as_sentence=True):
        # as written (capitals protected), not sentence-cased
        title = field(which_field)
        return node_sentence(title) if as_sentence else title

    def format_entry(self, label, entry, bib_data=None):
        # sphinxcontrib-bibtex asks twice in a row for each entry, for the list and for its tooltip
        # (the same style, the same label): format it once
        key = (label, entry.key, bib_data)
        last = getattr(self, "_last", None)
        if last is not None and last[0] == key:
            return last[1]
        formatted = super().format_entry(label, clean_entry(entry), bib_data=bib_data)
        self._last = (key, formatted)
        return formatted


def node_sentence(part):
    from pybtex.style.template import sentence

    return sentence[part]


def clean_entry(entry: Entry) -> Entry:
    fields = {k: tex_quotes(v) for k, v in entry.fields.items()}
    year, month = fields.get("year"), _MONTHS.get(fields.get("month", "").strip().lower()[:3])
    if (
        entry.type.lower() == "misc"
        and year
        and month
        and any(f"{month} {year}" in fields.get(f, "") for f in ("howpublished", "note"))
    ):
        # "…, 23 March 2019" already dates it: no second "March 2019"
        fields.pop("month", None)
        fields.pop("year", None)
    new = Entry(entry.type, fields=fields, persons=entry.persons)
    new.key = entry.key
    return new


# ------------------------------------------------------------------------------------------------
# In-text citations: the year (with its a/b) from the entry's label


def _reference_styles():
    from sphinxcontrib.bibtex.style.referencing.author_year import (
        AuthorYearReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
        BasicAuthorYearParentheticalReferenceStyle,
        BasicAuthorYearTextualReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.referencing.extra_year import (
        ExtraYearReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.template import (
        join,
        join2,
        post_text,
        pre_text,
        reference,
    )
    from sphinxcontrib.bibtex.style.template import year as plain_year

    @node
    def labelled_year(children, data):
        assert not children
        entry = data.get("formatted_entry")
        m = _YEAR_RE.search(entry.label) if entry is not None else None
        return Text(m.group(1)) if m else plain_year.format_data(data)

    @dataclass
    class Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
        def inner(self, role_name):
            return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                pre_text,
                reference[
                    join(sep=self.author_year_sep)[
                        self.person.author_or_editor_or_title(full="s" in role_name), labelled_year
                    ]
                ],
                post_text,
            ]

    @dataclass
    class Textual(BasicAuthorYearTextualReferenceStyle):
        def inner(self, role_name):
            return join(sep=self.text_reference_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name),
                join[
                    self.bracket.left,
                    join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                        pre_text, reference[labelled_year], post_text
                    ],
                    self.bracket.right,
                ],
            ]

    @dataclass
    class Year(ExtraYearReferenceStyle):
        def inner(self, role_name):
            return reference[labelled_year]

    @dataclass
    class CourseReferenceStyle(AuthorYearReferenceStyle):
        def __post_init__(self):
            super().__post_init__()
            swap = {
                BasicAuthorYearParentheticalReferenceStyle: Parenthetical,
                BasicAuthorYearTextualReferenceStyle: Textual,
                ExtraYearReferenceStyle: Year,
            }
            for i, s in enumerate(self.styles):
                new = swap.get(type(s))
                if new is not None:
                    self.styles[i] = new(**{k: getattr(s, k) for k in s.__dataclass_fields__})
            # the group's role lookup, with the replacements
            self.role_style = {role: style for style in self.styles for role in style.role_names()}

    return CourseReferenceStyle


#: What the ``ulatex`` codec changes: commands, braces, math, comments, ties, the ligatures it knows
#: (``--``, ``---``, quotes, ``!`` and ``?`` inverted, ``,,``) and runs of white space. A string with
#: none of these decodes to itself (tests/test_bibliography.py checks this on every string of the
#: bibliography).
_NEEDS_DECODING = re.compile(r"[\\{}$%~]|--|``|''|!`|\?`|,,|\s\s|[^\S ]|^ ")


def plain_latex(latex: str) -> bool:
    """Whether ``latex`` decodes to itself, so the (slow, token by token) codec can be skipped."""
    return _NEEDS_DECODING.search(latex) is None


def _parse_latex_once() -> None:
    """Parse each LaTeX string of the bibliography once per build. pybtex parses a field or a name
    again every time a template reads it (``Text.from_latex``: about 2,500 parses of 1,000 distinct
    strings a build, for the list, the tooltips and every in-text citation). Its rich text is never
    changed after it is made (every operation returns a new object), so one parse can be shared.
    Strings with nothing to decode (most of them) skip the codec."""
    if getattr(Text.from_latex, "course_memoized", False):
        return
    import codecs

    import latexcodec  # noqa: F401  (registers the codec)
    from pybtex.markup import LaTeXParser

    parse = Text.from_latex.__func__

    @lru_cache(maxsize=16384)
    def parsed(latex):
        # pybtex's own from_latex, less the codec where it would change nothing
        return LaTeXParser(latex if plain_latex(latex) else codecs.decode(latex, "ulatex")).parse()

    def from_latex(cls, latex):
        return parsed(latex) if isinstance(latex, str) else parse(cls, latex)

    from_latex.course_memoized = True
    Text.from_latex = classmethod(from_latex)


def register_styles() -> None:
    """``bibtex_default_style = "course"`` and ``bibtex_reference_style = "course"``."""
    import pybtex.plugin
    from sphinxcontrib.bibtex.plugin import register_plugin

    _parse_latex_once()

    pybtex.plugin.register_plugin("pybtex.style.formatting", "course", CourseStyle, force=True)
    register_plugin("sphinxcontrib.bibtex.style.referencing", "course", _reference_styles(), force=True)

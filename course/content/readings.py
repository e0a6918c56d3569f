"""The primary readings: load, lay out, anchor and verify them.

A reading lives in ``readings/<id>/`` as two files:

``source.txt``
    the reference copy, byte for byte as received (its SHA-256 is recorded in ``reading.yaml``);
``reading.yaml``
    metadata (title, author, venue, date, ...) and the *layout*: how the received text is cut into
    numbered paragraphs. Layout is the only editing allowed: unwrapping hard-wrapped lines and joining
    paragraphs split by a page break. The words themselves are never touched here.

Every block of the laid-out text is a numbered paragraph, addressed ``<reading-id>:<n>``; ranges are
``<reading-id>:<n>-<m>``. The verbatim check compares token sequences (whitespace-separated runs, so
every word, number, punctuation mark and Arabic letter counts) of a rendering with the reference copy.

Two editorial apparatus lists live in ``reading.yaml`` beside the layout, as data:

``redact``
    movement web addresses withheld from every student output: the one documented exception to the
    verbatim rule (``readings/editorial-policy.md``). Each entry names a paragraph, the exact text
    (which must be a web address) and its replacement (a bracketed editorial phrase). The instructor
    edition prints the text as received; :meth:`Reading.display_text` applies the list.
``margin_notes``
    editorial notes set beside a run of paragraphs (for example "Call to action").

Public API: :func:`list_readings`, :func:`load_reading`, :class:`Reading`, :class:`Paragraph`,
:class:`Redaction`, :class:`MarginNote`, :func:`redact_text`, :func:`parse_ref`, :func:`resolve_ref`,
:func:`tokens`, :func:`diff_tokens`, :func:`segments`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from course.content.yaml import MAX_DATA_BYTES, YamlDoc, load_yaml
from course.errors import CourseInputError

#: Characters of the Arabic script blocks (letters, marks, digits, punctuation, presentation forms).
ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
ARABIC_RE = re.compile(f"[{ARABIC_CHARS}]")
# A run: Arabic characters, possibly separated by spaces or neutral punctuation, starting and ending
# on an Arabic character.
ARABIC_RUN_RE = re.compile(f"[{ARABIC_CHARS}](?:[{ARABIC_CHARS}\\s\u200c\u200d().:!]*[{ARABIC_CHARS}])?")

READING_MINUTES_WPM = 200  # a careful reading pace for argumentative prose

#: A web address: a scheme, a ``www.`` host or a bare host name ending in a top-level domain.
WEB_ADDRESS_RE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[^\s<>]*)?", re.I
)

KINDS = ("para", "title", "meta", "heading", "question", "image-description", "signature", "rating", "quote", "stray")


@dataclass(frozen=True)
class Paragraph:
    reading_id: str
    n: int
    text: str
    kind: str
    lines: tuple[int, int]  # first and last line of the reference copy (1-based)
    section: str | None = None
    joined_after: tuple[str, ...] = ()  # page-break splits joined into this paragraph (layout)

    @property
    def id(self) -> str:
        return f"{self.reading_id}:{self.n}"

    @property
    def anchor(self) -> str:
        return f"{self.reading_id}-p{self.n}"

    def opening(self, words: int = 12) -> str:
        toks = self.text.replace("**", "").split()
        more = "…" if len(toks) > words else ""
        return " ".join(toks[:words]) + more

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Redaction:
    """A web address withheld from student outputs (the one exception to the verbatim rule)."""

    paragraph: int
    text: str
    replacement: str


@dataclass(frozen=True)
class MarginNote:
    """An editorial note set beside paragraphs ``start``–``end`` of a reading."""

    start: int
    end: int
    label: str
    text: str


@dataclass
class Reading:
    id: str
    letter: str
    meta: dict
    paragraphs: list[Paragraph]
    source_path: Path
    source_text: str
    sha256: str
    redactions: tuple[Redaction, ...] = ()
    margin_notes: tuple[MarginNote, ...] = ()
    _by_n: dict[int, Paragraph] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_n = {p.n: p for p in self.paragraphs}

    @property
    def title(self) -> str:
        return self.meta.get("title", self.id)

    @property
    def label(self) -> str:
        return f"Reading {self.letter}"

    @property
    def docname(self) -> str:
        return f"readings/{self.id}"

    @property
    def word_count(self) -> int:
        return len(self.source_text.split())

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / READING_MINUTES_WPM))

    def __len__(self) -> int:
        return len(self.paragraphs)

    def paragraph(self, n: int) -> Paragraph:
        try:
            return self._by_n[int(n)]
        except (KeyError, ValueError):
            raise ReadingRefError(
                f"{self.label} ({self.id}) has no paragraph {n}; it has paragraphs 1–{len(self)}."
            ) from None

    def display_text(self, p: Paragraph, redact: bool) -> str:
        """The paragraph's text as an edition prints it: verbatim, or (``redact``, every student
        edition) with this reading's listed web addresses replaced by their editorial phrase."""
        return redact_text(p.text, [r for r in self.redactions if r.paragraph == p.n]) if redact else p.text

    @property
    def web_addresses(self) -> list[str]:
        """Every movement web address this reading's data knows of: the withheld texts and the
        instructor-only ``web_address`` field. None may appear in a student output."""
        out = [r.text for r in self.redactions]
        if self.meta.get("web_address"):
            out.append(str(self.meta["web_address"]))
        return out

    def search(self, *words: str) -> list[Paragraph]:
        """Paragraphs containing every one of ``words`` (case-insensitive substring match)."""
        wanted = [w.casefold() for w in words]
        return [p for p in self.paragraphs if all(w in p.text.casefold() for w in wanted)]

    def source_tokens(self) -> list[str]:
        return tokens(self.source_text)

    def check_checksum(self) -> None:
        expected = str(self.meta.get("sha256", "")).lower()
        if expected and expected != self.sha256:
            raise CourseInputError(
                f"{self.source_path}: SHA-256 is {self.sha256}, but reading.yaml records {expected}. "
                "The reference copy must stay byte for byte as received; restore it from "
                "../shared/sources/ or, if the source itself was replaced on purpose, update the checksum."
            )


class ReadingRefError(ValueError):
    """A paragraph reference that does not resolve; the message says why and what is valid."""


def readings_dir(root: Path) -> Path:
    return Path(root) / "readings"


def list_readings(root: Path) -> list[str]:
    d = readings_dir(root)
    return sorted(p.parent.name for p in d.glob("*/reading.yaml"))


def load_reading(reading_id: str, root: Path) -> Reading:
    d = readings_dir(root) / reading_id
    meta_path = d / "reading.yaml"
    src_path = d / "source.txt"
    if not meta_path.exists():
        known = ", ".join(list_readings(root)) or "none"
        raise ReadingRefError(f"unknown reading '{reading_id}'. Known readings: {known}.")
    return _load_cached(str(meta_path), meta_path.stat().st_mtime_ns, str(src_path), src_path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load_cached(meta_path: str, _m1: int, src_path: str, _m2: int) -> Reading:
    doc = load_yaml(meta_path, max_bytes=MAX_DATA_BYTES, what="reading file")
    meta = doc.data
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise CourseInputError(
            f"{doc.at()}: a reading.yaml is a mapping with at least 'id' (the reading's "
            "folder name), title, letter and layout."
        )
    raw = Path(src_path).read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    text = raw.decode("utf-8")
    rid = meta["id"]
    paragraphs = lay_out(rid, text, meta.get("layout", {}), doc.place(("layout",)))
    redactions = _redactions(meta.get("redact"), paragraphs, doc)
    margin_notes = _margin_notes(meta.get("margin_notes"), len(paragraphs), doc)
    return Reading(
        id=rid,
        letter=str(meta.get("letter", "?")),
        meta=meta,
        paragraphs=paragraphs,
        source_path=Path(src_path),
        source_text=text,
        sha256=sha,
        redactions=redactions,
        margin_notes=margin_notes,
    )


def redact_text(text: str, redactions) -> str:
    """``text`` with each redaction's exact text replaced by its replacement."""
    for r in redactions:
        text = text.replace(r.text, r.replacement)
    return text


def _redactions(spec, paragraphs: list[Paragraph], doc: YamlDoc) -> tuple[Redaction, ...]:
    """Validate ``redact``: only web addresses may be withheld, each exactly where the entry says,
    and each replaced by a bracketed editorial phrase that is not itself an address."""
    if not spec:
        return ()
    if not isinstance(spec, list):
        raise CourseInputError(
            f"{doc.at(('redact',))}: 'redact' must be a list of entries with paragraph, text and replacement."
        )
    out = []
    for i, entry in enumerate(spec, 1):
        where = doc.place(("redact", i - 1))
        if not isinstance(entry, dict) or set(entry) != {"paragraph", "text", "replacement"}:
            raise CourseInputError(
                f"{where}: redact entry {i} must have exactly the keys paragraph, text and replacement "
                f"(it has {sorted(entry) if isinstance(entry, dict) else entry!r})."
            )
        n, text, repl = entry["paragraph"], str(entry["text"]), str(entry["replacement"])
        if not isinstance(n, int) or not 1 <= n <= len(paragraphs):
            raise CourseInputError(
                f"{where}: redact entry {i}: paragraph {n!r} does not exist "
                f"(the reading has paragraphs 1–{len(paragraphs)})."
            )
        core = text.strip("<>()[] ")
        if not WEB_ADDRESS_RE.fullmatch(core):
            raise CourseInputError(
                f"{where}: redact entry {i}: {text!r} is not a web address. Only movement web "
                "addresses may be withheld from a reading (readings/editorial-policy.md); every other "
                "word is printed as received."
            )
        count = paragraphs[n - 1].text.count(text)
        if count != 1:
            raise CourseInputError(
                f"{where}: redact entry {i}: paragraph {n} contains {text!r} {count} times; it must "
                "contain it exactly once. Copy the address exactly as it stands in source.txt."
            )
        if not (repl.startswith("[") and repl.endswith("]")) or WEB_ADDRESS_RE.search(repl):
            raise CourseInputError(
                f"{where}: redact entry {i}: the replacement {repl!r} must be a bracketed editorial "
                'phrase, such as "[web address withheld]", and must not contain an address.'
            )
        out.append(Redaction(n, text, repl))
    return tuple(out)


def _margin_notes(spec, count: int, doc: YamlDoc) -> tuple[MarginNote, ...]:
    if not spec:
        return ()
    if not isinstance(spec, list):
        raise CourseInputError(
            f"{doc.at(('margin_notes',))}: 'margin_notes' must be a list of entries with paragraphs, label and text."
        )
    out = []
    for i, entry in enumerate(spec, 1):
        where = doc.place(("margin_notes", i - 1))
        if not isinstance(entry, dict) or set(entry) != {"paragraphs", "label", "text"}:
            raise CourseInputError(f"{where}: margin note {i} must have exactly the keys paragraphs, label and text.")
        numbers = _expand_numbers(entry["paragraphs"])
        a, b = min(numbers), max(numbers)
        if a < 1 or b > count or numbers != list(range(a, b + 1)):
            raise CourseInputError(
                f"{where}: margin note {i}: paragraphs {entry['paragraphs']!r} must be one paragraph "
                f'or a range such as "13-18" within 1–{count}.'
            )
        out.append(MarginNote(a, b, str(entry["label"]).strip(), str(entry["text"]).strip()))
    return tuple(out)


def _units(text: str, mode: str, where: str) -> list[tuple[str, int, int]]:
    """The text cut into units (text, first line, last line): one per line, or one per block of lines."""
    lines = text.split("\n")
    if mode == "lines":
        return [(line.strip(), i, i) for i, line in enumerate(lines, 1) if line.strip()]
    if mode != "blocks":
        raise CourseInputError(f"{where}: layout.mode is '{mode}'; allowed: lines, blocks.")
    units: list[tuple[str, int, int]] = []
    block: list[str] = []
    start = 0
    for i, line in enumerate(lines + [""], 1):
        if line.strip():
            if not block:
                start = i
            block.append(line.strip())
        elif block:
            units.append((" ".join(block), start, i - 1))
            block = []
    return units


def _join(units: list[tuple[str, int, int]], join_after: list[str], where: str):
    """Units split by a page break joined again (``join_after``: the exact ends of the first halves).
    Returns the joined units and, per joined unit index, the ends used."""
    joins = list(join_after)
    joined: list[tuple[str, int, int]] = []
    notes: dict[int, list[str]] = {}
    for unit in units:
        used = next((j for j in joins if joined and joined[-1][0].endswith(j)), None)
        if used is not None:
            prev = joined.pop()
            joins.remove(used)
            notes.setdefault(len(joined), []).append(used)
            unit = (prev[0] + " " + unit[0], prev[1], unit[2])
        joined.append(unit)
    if joins:
        raise CourseInputError(
            f"{where}: layout.join_after names {joins!r}, but no paragraph ends with that text. "
            "Each entry must be the exact end of a paragraph split by a page break."
        )
    return joined, notes


def _kinds(spec, where: str) -> dict[int, str]:
    kinds: dict[int, str] = {}
    for kind, numbers in (spec or {}).items():
        if kind not in KINDS:
            raise CourseInputError(f"{where}: layout.kinds has '{kind}'; allowed: {', '.join(KINDS)}.")
        for n in _expand_numbers(numbers):
            kinds[n] = kind
    return kinds


def lay_out(reading_id: str, text: str, layout: dict, where: object = "reading.yaml") -> list[Paragraph]:
    """Cut ``text`` into numbered paragraphs following ``layout`` (layout changes only)."""
    units = _units(text, layout.get("mode", "lines"), where)
    joined, join_notes = _join(units, layout.get("join_after", []), where)
    kinds = _kinds(layout.get("kinds"), where)
    out: list[Paragraph] = []
    section = None
    for n, (t, a, b) in enumerate(joined, 1):
        kind = kinds.get(n, "para")
        if kind == "heading":
            section = t
        out.append(Paragraph(reading_id, n, t, kind, (a, b), section, tuple(join_notes.get(n - 1, ()))))
    bad = [n for n in kinds if n > len(out)]
    if bad:
        raise CourseInputError(f"{where}: layout.kinds names paragraphs {bad}, but there are only {len(out)}.")
    return out


def _expand_numbers(spec) -> list[int]:
    out: list[int] = []
    for item in spec if isinstance(spec, list) else [spec]:
        if isinstance(item, str) and "-" in item:
            a, b = item.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(item))
    return out


REF_RE = re.compile(r"^\s*(?P<rid>[a-z0-9][a-z0-9-]*[a-z0-9])\s*:\s*(?P<a>\d+)\s*(?:[-–]\s*(?P<b>\d+))?\s*$")


def parse_ref(ref: str) -> tuple[str, int, int]:
    m = REF_RE.match(ref)
    if not m:
        raise ReadingRefError(
            f"'{ref}' is not a paragraph id. Write <reading-id>:<n> or <reading-id>:<n>-<m>, "
            "e.g. al-waie-472:17 or al-waie-472:17-19."
        )
    a = int(m["a"])
    b = int(m["b"]) if m["b"] else a
    if b < a:
        raise ReadingRefError(f"'{ref}': the range ends ({b}) before it starts ({a}).")
    return m["rid"], a, b


def resolve_ref(ref: str, root: Path, load=None) -> tuple[Reading, list[Paragraph]]:
    """Resolve a reference to its reading and paragraphs, or raise with the nearest valid ids.
    ``load``: how to get a reading by id (default: :func:`load_reading` under ``root``)."""
    rid, a, b = parse_ref(ref)
    try:
        reading = load(rid) if load else load_reading(rid, root)
    except ReadingRefError:
        close = difflib.get_close_matches(rid, list_readings(root), n=3, cutoff=0.3)
        hint = f" Did you mean {', '.join(c + ':' + str(a) for c in close)}?" if close else ""
        raise ReadingRefError(
            f"'{ref}': unknown reading '{rid}'.{hint} Known readings: {', '.join(list_readings(root))}."
        ) from None
    n = len(reading)
    if a < 1 or b > n:
        bad = a if (a < 1 or a > n) else b
        near = sorted(sorted(range(1, n + 1), key=lambda x: (abs(x - bad), x))[:3])
        raise ReadingRefError(
            f"'{ref}': {reading.label} ({rid}) has paragraphs 1–{n}, so {rid}:{bad} does not exist. "
            f"Nearest valid ids: {', '.join(f'{rid}:{x}' for x in near)}."
        )
    return reading, [reading.paragraph(i) for i in range(a, b + 1)]


def tokens(text: str) -> list[str]:
    """The verbatim-comparison units: maximal runs of non-whitespace characters."""
    return text.split()


def diff_tokens(expected: list[str], actual: list[tuple[str, int]], limit: int = 10) -> list[str]:
    """Compare reference tokens with rendered (token, paragraph number) pairs.

    Returns human-readable differences, each naming the paragraph and the differing words; an empty
    list means the rendering is verbatim.
    """
    act = [t for t, _ in actual]
    sm = difflib.SequenceMatcher(a=expected, b=act, autojunk=False)
    problems: list[str] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        para = actual[j1][1] if j1 < len(actual) else (actual[-1][1] if actual else 0)
        ctx = " ".join(expected[max(0, i1 - 4) : i1])
        if op == "replace":
            msg = f"changed {' '.join(expected[i1:i2])!r} → {' '.join(act[j1:j2])!r}"
        elif op == "delete":
            msg = f"lost {' '.join(expected[i1:i2])!r}"
        else:
            msg = f"added {' '.join(act[j1:j2])!r}"
        problems.append(f"¶{para}: {msg} (after “…{ctx}”)")
        if len(problems) >= limit:
            problems.append("… (more differences not shown)")
            break
    return problems


def segments(text: str) -> list[tuple[str, str]]:
    """Split a paragraph into display segments: ("text"|"strong"|"ar"|"strong-ar", chunk).

    ``**…**`` pairs of the original web formatting become bold; Arabic-script runs are marked for
    right-to-left display. Concatenating the chunks, with each bold chunk wrapped in ``**``, gives
    back ``text`` exactly.
    """
    parts: list[tuple[str, str]] = []
    pieces = text.split("**")
    # An odd number of markers leaves the last one unpaired: keep it as literal text.
    n_pairs = (len(pieces) - 1) // 2
    bold = False
    for i, piece in enumerate(pieces):
        if i > 0:
            if i <= 2 * n_pairs:
                bold = not bold
            else:
                piece = "**" + piece
        if not piece:
            continue
        style = "strong" if bold else "text"
        pos = 0
        for m in ARABIC_RUN_RE.finditer(piece):
            if m.start() > pos:
                parts.append((style, piece[pos : m.start()]))
            parts.append(("strong-ar" if bold else "ar", m.group(0)))
            pos = m.end()
        if pos < len(piece):
            parts.append((style, piece[pos:]))
    return parts


#: Where a finished book build records its excerpts coverage (beside its doctrees), for ``course build``
#: to print: the extension writes it, the build command reads it.
EXCERPTS_COVERAGE_FILE = "excerpts-coverage.json"


def coverage_line(row: dict) -> str:
    """'Reading B: 3,771 of 5,167 words (73 %)': as the build prints it and the pages show it."""
    return (
        f"{row['label']}: {row['words']:,} of {row['words_total']:,} words ({row['percent']} %), "
        f"{row['paragraphs']} of {row['paragraphs_total']} paragraphs"
    )

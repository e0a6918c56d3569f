"""Checks on built outputs: readings verbatim (from the built HTML) and instructor-only leaks.

- :func:`rendered_reading_tokens` reads a built reading page and returns its text as
  (token, paragraph number) pairs: the paragraph numbers and editorial apparatus are left out, and
  bold that came from the source's ``**`` markers is turned back into ``**``. Compared with the
  reference copy by :func:`course.content.readings.diff_tokens`.
- :func:`instructor_only_strings` lists text that must never appear in a student output: every
  exercise item's explanation, hints and reference answers in prose form, every rubric, and every
  instructor note. :func:`scan_outputs` searches built HTML/EPUB/PDF for them.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from course.content import Course
from course.content.readings import redact_text
from course.errors import CourseInputError


class _ReadingExtractor(HTMLParser):
    def __init__(self, reading_id: str):
        super().__init__(convert_charrefs=True)
        self.rid = reading_id
        self.stack: list[tuple[str, set[str]]] = []
        self.in_box = 0
        self.para: int | None = None
        self.skip = 0
        self.out: list[tuple[str, int]] = []
        self.buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr"):
            return
        self.stack.append((tag, classes))
        if "reading-text" in classes and f"reading-{self.rid}" in classes:
            self.in_box = len(self.stack)
        if not self.in_box:
            return
        if tag == "p" and "reading-para" in classes:
            self._flush()
            m = re.search(r"-p(\d+)$", a.get("id", ""))
            self.para = int(m.group(1)) if m else None
        if "paranum" in classes or "apparatus" in classes:
            self.skip += 1
        if tag == "strong" and "src-bold" in classes and not self.skip:
            self.buf.append("**")

    def handle_endtag(self, tag):
        if not self.stack:
            return
        t, classes = self.stack.pop()
        if self.in_box:
            if "paranum" in classes or "apparatus" in classes:
                self.skip -= 1
            if t == "strong" and "src-bold" in classes and not self.skip:
                self.buf.append("**")
            if t == "p" and "reading-para" in classes:
                self._flush()
                self.para = None
            if len(self.stack) < self.in_box:
                self.in_box = 0

    def handle_data(self, data):
        if self.in_box and self.para is not None and not self.skip:
            self.buf.append(data)

    def _flush(self):
        if self.para is not None and self.buf:
            for tok in "".join(self.buf).split():
                self.out.append((tok, self.para))
        self.buf = []


def rendered_reading_tokens(html: str, reading_id: str) -> list[tuple[str, int]]:
    p = _ReadingExtractor(reading_id)
    p.feed(html)
    p.close()
    return p.out


def reference_tokens(reading_id: str, paragraphs: set[int] | None = None, redacted: bool = False) -> list[str]:
    """Reference tokens of a reading: from the raw reference copy (independent of the layout code),
    or, when ``paragraphs`` is given, of those paragraphs' source lines only.

    ``redacted`` gives what a student edition must print: the reference with exactly the reading's
    ``redact`` list applied (each listed web address, in its listed paragraph, replaced by its
    bracketed phrase) and nothing else changed."""
    r = Course.current().reading(reading_id)
    if paragraphs is None and not redacted:
        return r.source_tokens()
    lines = r.source_text.split("\n")
    toks: list[str] = []
    for p in r.paragraphs:
        if paragraphs is None or p.n in paragraphs:
            text = " ".join(lines[p.lines[0] - 1 : p.lines[1]])
            if redacted:
                text = redact_text(text, [x for x in r.redactions if x.paragraph == p.n])
            toks += text.split()
    return toks


def student_output_addresses(root: Path | None = None) -> list[str]:
    """Every movement web address the readings' data lists (withheld texts and instructor-only
    ``web_address`` fields), as bare host-and-path strings. None may appear in a student output."""
    out = []
    for rid in Course.of(root).reading_ids:
        for addr in Course.of(root).reading(rid).web_addresses:
            bare = re.sub(r"^[a-z]+://", "", addr.strip("<>()[] "), flags=re.I)
            out.append(re.sub(r"^www\.", "", bare, flags=re.I))
    return out


def address_hits(paths: list[Path], addresses: list[str]) -> list[tuple[str, str]]:
    """(output file, address) for every listed address, or its bare domain, found in the outputs:
    searched both as written and folded (so ``al-waie.org`` split across a line or tags is still
    found), in HTML, search index, EPUB and PDF text alike."""
    needles = []
    for a in addresses:
        domain = a.split("/")[0].casefold()
        # a distinctive host label ("muznagroup") is searched on its own too: a search index stores
        # words, not addresses
        label = domain.split(".")[0]
        word = label if len(label) >= 8 and label.isalnum() else None
        needles.append((a, domain, _norm(domain), word))
    hits = []
    for p in paths:
        for fname, raw, folded in _output_texts_raw(p):
            low = raw.casefold()
            for a, domain, folded_domain, word in needles:
                if domain in low or folded_domain in folded or (word and word in low):
                    hits.append((fname, a))
    return hits


# ---------------------------------------------------------------------------------------------
# Instructor-only material


def _norm(s: str) -> str:
    """Fold text for leak search: drop markup, punctuation, spacing and hyphenation differences."""
    s = unicodedata.normalize("NFKD", s)
    s = re.sub(r"\{[a-z:-]+\}`([^`]*)`", r"\1", s)  # MyST roles: keep their text
    s = re.sub(r"[^\w]+", "", s.casefold())
    return s


_MARKUP = re.compile(r"\{[^}\n]+\}`[^`]*`|\*\*|\*|\[[^\]]*\]\([^)]*\)|`[^`]*`|\$")


def _marker(text: str) -> str:
    """The longest stretch of plain prose (no roles, links or code) in ``text``, folded: it survives
    rendering unchanged in every format, so it can be searched for."""
    pieces = _MARKUP.split(text)
    best = max(pieces, key=lambda p: len(_norm(p)), default="")
    return _norm(best)[:80]


def _md_sources(root: Path):
    for md in sorted(root.glob("**/*.md")):
        if any(part in (".venv", "_build", "node_modules", "tests") for part in md.parts) or md.name in (
            "README.md",
            "CONTRIBUTING.md",
        ):
            continue
        yield md


_NOTE_FENCE = re.compile(r"^(`{3,}|:{3,})\{instructor-note\}[^\n]*\n(.*?)^\1\s*$", re.S | re.M)


def public_text(root: Path | None = None) -> str:
    """Everything a student is meant to read, folded: every page source with its instructor notes
    removed (the instructor-only pages excluded). Text found here is not instructor-only."""
    root = root or Course.current().root
    parts = []
    for md in _md_sources(root):
        if md.relative_to(root).parts[0] == "instructor":
            continue
        parts.append(_NOTE_FENCE.sub("", md.read_text(encoding="utf-8")))
    return _norm("\n".join(parts))


def instructor_only_strings(root: Path | None = None, min_chars: int = 40) -> list[tuple[str, str]]:
    """(where, folded text) for every piece of instructor-only prose long enough to be distinctive:
    instructor notes, and each exercise item's explanation, hints and model answer. Open-response
    rubrics are published to learners (the capstone page prints its rubric), so they are not
    markers. A stretch that also stands in a student-visible page (a hint that repeats the lesson's
    own sentence) is not instructor-only either, and is left out."""
    root = root or Course.current().root
    public = public_text(root)
    found: list[tuple[str, str]] = []

    def add(where: str, raw: str) -> None:
        text = _marker(raw)
        if len(text) >= min_chars and text not in public:
            found.append((where, text))

    for md in _md_sources(root):
        for m in _NOTE_FENCE.finditer(md.read_text(encoding="utf-8")):
            for para in re.split(r"\n\s*\n", m.group(2)):
                add(f"{md.relative_to(root)} (instructor note)", re.sub(r"^[-*\d.]+\s+", "", para.strip(), flags=re.M))
    course = Course(root)
    for y in course.set_paths():
        try:
            exercise_set = course.exercise_set(y.stem)
        except CourseInputError:  # an invalid set is reported by the exercise tests, not here
            continue
        for item in exercise_set.items:
            where = f"{y.relative_to(root)} {item.id}"
            add(f"{where} explanation", str(item.explanation or ""))
            if getattr(item, "model_answer", None):
                add(f"{where} model answer", str(item.model_answer))
            for i, hint in enumerate(item.hints or []):
                add(f"{where} hint {i + 1}", str(hint))
    if course.diagnostic_path.exists():  # the discernment check's notes are the instructor's key
        for form in course.diagnostic.forms.values():
            for p in form.passages:
                add(f"data/diagnostic.yaml {p.id} note", p.note)
    return found


def output_texts(path: Path) -> list[tuple[str, str]]:
    """(file, folded text) for every text-bearing file of a build output: a folder (HTML, search
    index, _sources…), an EPUB (zip) or a PDF (via pdftotext)."""
    return [(f, folded) for f, _raw, folded in _output_texts_raw(path)]


def _output_texts_raw(path: Path) -> list[tuple[str, str, str]]:
    """(file, text with tags stripped, folded text) for every text-bearing file of an output."""
    path = Path(path)
    out: list[tuple[str, str, str]] = []
    text_ext = {".html", ".xhtml", ".js", ".txt", ".md", ".json", ".xml", ".ncx", ".opf", ".tex", ".inv"}

    def add(name: str, text: str) -> None:
        plain = _strip_tags(text)
        out.append((name, plain, _norm(plain)))

    if path.is_dir():
        for f in sorted(path.rglob("*")):
            if f.is_file() and f.suffix in text_ext:
                add(str(f), f.read_text(encoding="utf-8", errors="replace"))
            elif f.is_file() and f.suffix in (".pdf", ".epub"):
                out += _output_texts_raw(f)
    elif path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if Path(name).suffix in text_ext:
                    add(f"{path}!{name}", z.read(name).decode("utf-8", "replace"))
    elif path.suffix == ".pdf":
        res = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
        out.append((str(path), res.stdout, _norm(res.stdout)))
    return out


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def scan_outputs(paths: list[Path], markers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(output file, marker origin) for every marker found in the outputs."""
    hits = []
    for p in paths:
        for fname, text in output_texts(p):
            for origin, marker in markers:
                if marker and marker in text:
                    hits.append((fname, origin))
    return hits

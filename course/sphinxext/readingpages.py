"""Reading pages and paragraph links.

- ``{para}`al-waie-472:17``` links a lesson or exercise to a paragraph (or a range) of a reading:
  "Reading B, ¶17", with a hover preview of the paragraph's opening words in HTML and the page
  number in the PDF. A dangling id is a build warning (an error under -W) naming the file, line and
  nearest valid ids.
- ``reading-provenance``, ``reading-text``, ``reading-backlinks`` and ``readings-table`` directives
  build a reading page from ``readings/<id>/`` data: the frame's provenance box, the verbatim text
  with visible paragraph numbers, the list of every lesson and exercise citing each paragraph, and
  the side-by-side index of the readings.
- ``course_readings = "excerpts"`` prints only cited paragraphs and replaces each omitted run with a
  one-line bracketed editorial note; ``excerpts-coverage`` shows how much of each reading that is,
  and the build records the same figures for ``course build`` to print.
- Student editions withhold the movement web addresses a reading's ``redact`` list names (the
  instructor edition prints them as received); ``margin_notes`` are set beside their paragraphs.
"""

from __future__ import annotations

from collections import defaultdict

from docutils import nodes
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from course.content.readings import EXCERPTS_COVERAGE_FILE, ReadingRefError, coverage_line, redact_text, segments
from course.errors import CourseInputError
from course.sphinxext.arabic import ar_inline
from course.sphinxext.base import CourseDirective, warn
from course.sphinxext.domain import course_data, course_domain

logger = logging.getLogger(__name__)

KIND_LABELS = {"image-description": "Image description", "stray": "Stray character in the capture"}


class _reading_node(nodes.Element):
    """The nodes below: one walk of a page finds them all (a walk per kind would cost a walk each)."""


class para_ref(_reading_node, nodes.inline):
    """A pending link to reading paragraphs; resolved when the document is written."""


class reading_text(_reading_node, nodes.container):
    """The verbatim text of a reading (attribute ``reading``)."""


class reading_backlinks(_reading_node, nodes.container):
    """Placeholder filled, at write time, with every place citing the reading."""


class readings_table(_reading_node, nodes.container):
    """Placeholder for the readings index table."""


class excerpts_coverage(_reading_node, nodes.container):
    """Placeholder for the table of how much of each reading the excerpts edition prints."""


def _reading_nodes(doctree) -> dict[type, list]:
    """The page's reading nodes by kind, in document order, from one walk."""
    found: dict[type, list] = defaultdict(list)
    for node in doctree.findall(_reading_node):
        found[type(node)].append(node)
    return found


def _redact(env) -> bool:
    """Every edition but the instructor's withholds movement web addresses."""
    return env.config.course_edition != "instructor"


# --------------------------------------------------------------------------------------------
# {para} role


def para_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    try:
        reading, paras = course_data(env).resolve_ref(text)
    except ReadingRefError as exc:
        warn(str(exc), (env.docname, lineno), "para")
        return [nodes.inline(rawtext, text)], []
    _note_reading(env, reading)
    a, b = paras[0].n, paras[-1].n
    serial = env.new_serialno("course-para")
    node = para_ref(
        rawtext,
        _label(reading.letter, a, b),
        reading=reading.id,
        start=a,
        end=b,
        ids=[f"cite-{reading.id}-{a}-{serial}"],
        classes=["para-ref"],
    )
    node.line = lineno
    return [node], []


def _label(letter: str, a: int, b: int) -> str:
    return f"Reading {letter}, ¶{a}" if a == b else f"Reading {letter}, ¶{a}–{b}"


def _citation_label(env, node: nodes.Node) -> str:
    """What a backlink calls the citing place: 'Exercise <id>' or the page and section title."""
    p = node.parent
    section_title = None
    while p is not None:
        if p.get("exercise_id"):
            return f"Exercise {p['exercise_id']}"
        if isinstance(p, nodes.section) and section_title is None and p.children and isinstance(p[0], nodes.title):
            section_title = p[0].astext()
        p = p.parent
    page = env.titles.get(env.docname)
    page_title = page.astext() if page is not None else env.docname
    if section_title and section_title != page_title:
        return f"{page_title} › {section_title}"
    return page_title


def _note_reading(env, reading) -> None:
    """The page shows (or cites) this reading: read it again when the reading's files change."""
    folder = course_data(env).root / "readings" / reading.id
    for name in ("reading.yaml", "source.txt"):
        env.note_dependency(str(folder / name))


def collect_citations(app, doctree):
    env = app.env
    items = []
    found = _reading_nodes(doctree)
    for node in found[para_ref]:
        items.append(
            {
                "reading": node["reading"],
                "start": node["start"],
                "end": node["end"],
                "refid": node["ids"][0],
                "label": _citation_label(env, node),
                "instructor_only": _instructor_only(env.docname, node),
            }
        )
    # pages showing figures computed from every citation (readings table, excerpts coverage)
    table = bool(found[readings_table] or found[excerpts_coverage])
    course_domain(env).note_citations(env.docname, items, table)


INSTRUCTOR_ONLY_CLASSES = {"instructor-note", "instructor-only", "exercise-key"}


def _instructor_only(docname: str, node: nodes.Node) -> bool:
    """A citation that only the instructor edition contains (an instructor page, note or key)."""
    if docname.startswith("instructor/"):
        return True
    p = node.parent
    while p is not None:
        if INSTRUCTOR_ONLY_CLASSES & set(p.get("classes", []) if isinstance(p, nodes.Element) else []):
            return True
        p = p.parent
    return False


def _store(env) -> dict:
    return course_domain(env).para_cites


def outdated(app, env, added, changed, removed):
    """Reading pages show backlinks and (in excerpts mode) depend on every citation: re-read them
    whenever any other page changes."""
    if not (added or changed or removed):
        return []
    pages = [f"readings/{rid}" for rid in course_data(env).reading_ids if f"readings/{rid}" in env.found_docs]
    tables = course_domain(env).citation_tables
    return pages + sorted(d for d in tables if d in env.found_docs and d not in pages)


def cited_paragraphs(env, student: bool = False) -> dict[str, set[int]]:
    """Paragraphs cited by lessons and exercises (a reading page's own frame does not count);
    ``student``: only the citations the student edition contains."""
    out: dict[str, set[int]] = defaultdict(set)
    for doc, items in _store(env).items():
        for it in items:
            if student and it.get("instructor_only"):
                continue
            if doc != f"readings/{it['reading']}":
                out[it["reading"]].update(range(it["start"], it["end"] + 1))
    return out


# --------------------------------------------------------------------------------------------
# Reading page directives


class ReadingDirective(CourseDirective):
    """A directive showing one reading (the argument: its id)."""

    required_arguments = 1
    subtype = "reading"

    def reading(self):
        """The reading (None, with a warning at its data file, if it does not load)."""
        rid = self.arguments[0].strip()
        folder = self.course.root / "readings" / rid
        self.note_data(folder / "reading.yaml", folder / "source.txt")
        try:
            return self.course.reading(rid)
        except (ReadingRefError, CourseInputError) as exc:
            self.data_error(exc)
            return None


class ReadingProvenance(ReadingDirective):
    """The provenance box of a reading's frame, from readings/<id>/reading.yaml."""

    FIELDS = [
        ("Title", "title"),
        ("Author", "author"),
        ("Published by", "venue"),
        ("Date", "date"),
        ("Original location", "original_location"),
        ("Language", "language"),
        ("Kind of text", "kind"),
        ("Legal status", "legal_status"),
    ]

    def run(self):
        r = self.reading()
        if r is None:
            return []
        box = nodes.admonition(classes=["reading-provenance"])
        box += nodes.title("", f"{r.label}: provenance")
        fl = nodes.field_list()
        rows = [(label, r.meta[key]) for label, key in self.FIELDS if r.meta.get(key)]
        if r.meta.get("title_note"):
            rows[0] = ("Title", f"{r.meta['title']} ({r.meta['title_note']})")
        if r.meta.get("web_address") and not _redact(self.env):
            rows.insert(
                5, ("Web address (instructor edition only)", f"{r.meta['web_address']} (printed as text, never linked)")
            )
        rows += [
            (
                "Length",
                f"{r.word_count:,} words in {len(r)} numbered paragraphs; about "
                f"{r.reading_minutes} minutes at {200} words a minute",
            ),
            ("Reference copy", f"readings/{r.id}/source.txt, SHA-256 {r.sha256[:16]}…"),
        ]
        for label, value in rows:
            field = nodes.field()
            field += nodes.field_name("", label)
            body = nodes.field_body()
            body += nodes.paragraph("", str(value))
            field += body
            fl += field
        box += fl
        _no_smartquotes(box)
        return [box]


def _no_smartquotes(node: nodes.Element) -> None:
    node["support_smartquotes"] = False
    node.support_smartquotes = False


class ReadingText(ReadingDirective):
    """The verbatim text of a reading, one numbered paragraph per block."""

    def run(self):
        r = self.reading()
        if r is None:
            return []
        env = self.env
        redact = _redact(env)
        box = reading_text(classes=["reading-text", f"reading-{r.id}"], reading=r.id)
        _no_smartquotes(box)
        notes = {int(k): v for k, v in (r.meta.get("notes") or {}).items()}
        margin = {m.start: m for m in r.margin_notes}
        for p in r.paragraphs:
            if p.n in margin:
                box += _margin_note(margin[p.n])
            para = nodes.paragraph(classes=["reading-para", f"kind-{p.kind}"], ids=[p.anchor], n=p.n)
            para += nodes.raw(
                "", r"\phantomsection\label{\detokenize{%s:%s}}" % (env.docname, p.anchor), format="latex"
            )
            para += nodes.inline("", str(p.n), classes=["paranum"])
            para += nodes.Text(" ")
            if p.kind in KIND_LABELS:
                para += nodes.inline("", f"[{KIND_LABELS[p.kind]}] ", classes=["apparatus", "kind-label"])
            target = nodes.strong(classes=["reading-heading"]) if p.kind in ("heading", "title") else para
            for style, chunk in segments(r.display_text(p, redact)):
                if style == "text":
                    target += nodes.Text(chunk)
                elif style == "strong":
                    target += nodes.strong("", chunk, classes=["src-bold"])
                elif style == "ar":
                    target += ar_inline("", chunk, classes=["ar"])
                else:  # strong-ar
                    s = nodes.strong(classes=["src-bold"])
                    s += ar_inline("", chunk, classes=["ar"])
                    target += s
            if target is not para:
                para += target
            box += para
            remarks = [
                f"In the received text this paragraph is split by a page break after “{j}”; "
                "the two parts are joined here."
                for j in p.joined_after
            ]
            if p.n in notes:
                remarks.append(str(notes[p.n]).strip())
            if remarks:
                box += nodes.paragraph(
                    "",
                    f"Editorial note on ¶{p.n}: " + _sentences(remarks),
                    classes=["apparatus", "reading-note"],
                    note_for=p.n,
                )
        return [box]


def _sentences(remarks: list[str]) -> str:
    """Join editorial remarks as sentences, each ending in exactly one full stop (or other
    closing punctuation already there)."""
    out = []
    for rem in remarks:
        rem = rem.strip()
        if rem and rem[-1] not in ".!?…":
            rem += "."
        out.append(rem[:1].upper() + rem[1:])
    return " ".join(out)


def _margin_note(m) -> nodes.sidebar:
    """An editorial margin note (HTML: an aside in the margin; PDF and EPUB: a boxed note before the
    first paragraph it concerns). Marked as apparatus, so the verbatim check skips it."""
    where = f"¶{m.start}" if m.start == m.end else f"¶{m.start}–{m.end}"
    side = nodes.sidebar(classes=["margin", "reading-margin-note", "apparatus"], note_start=m.start, note_end=m.end)
    side += nodes.title("", f"{m.label} ({where})")
    side += nodes.paragraph("", m.text)
    _no_smartquotes(side)
    return side


class ReadingBacklinks(ReadingDirective):
    """Where the course cites this reading, paragraph by paragraph (filled at write time)."""

    def run(self):
        r = self.reading()
        if r is None:
            return []
        return [reading_backlinks(reading=r.id, classes=["reading-backlinks"])]


class AllReadingsDirective(CourseDirective):
    """A table filled at write time from every reading: the page depends on all their files."""

    subtype = "reading"

    def note_all_readings(self) -> None:
        self.domain.note_listing(self.env.docname, "readings/*/reading.yaml")
        for rid in self.course.reading_ids:
            folder = self.course.root / "readings" / rid
            self.note_data(folder / "reading.yaml", folder / "source.txt")


class ExcerptsCoverage(AllReadingsDirective):
    """How much of each reading the excerpts edition prints (filled at write time)."""

    def run(self):
        self.note_all_readings()
        return [excerpts_coverage(classes=["excerpts-coverage"])]


class ReadingsTable(AllReadingsDirective):
    """The three readings side by side (filled at write time, when citation counts are known)."""

    def run(self):
        self.note_all_readings()
        return [readings_table(classes=["readings-table"])]


# --------------------------------------------------------------------------------------------
# Resolution at write time


def resolve(app, doctree, fromdocname):
    env = app.env
    builder = app.builder
    course = course_data(env)
    found = _reading_nodes(doctree)  # none of the steps below adds or removes another's nodes
    for node in found[para_ref]:
        reading = course.reading(node["reading"])
        a, b = node["start"], node["end"]
        first = reading.paragraph(a)
        label = _label(reading.letter, a, b)
        inner = nodes.inline("", label, classes=["para-ref"])
        if reading.docname not in env.found_docs:
            # e.g. a build without the reading pages: keep the label, no link
            node.replace_self(nodes.inline("", label, ids=node["ids"], classes=["para-ref"]))
            continue
        opening = first.opening(14)
        if _redact(env):
            opening = redact_text(opening, reading.redactions)
        ref = make_refnode(builder, fromdocname, reading.docname, first.anchor, inner, title=f"{label}: {opening}")
        out = [nodes.inline("", "", ids=node["ids"])] if builder.format == "html" else []
        out.append(ref)
        if builder.format == "latex":
            out.append(
                nodes.raw("", r" (p.~\pageref{\detokenize{%s:%s}})" % (reading.docname, first.anchor), format="latex")
            )
        node.replace_self(out)

    cited = cited_paragraphs(env)
    mode = app.config.course_readings
    for box in found[reading_text]:
        if mode == "excerpts":
            _apply_excerpts(box, cited.get(box["reading"], set()), course)
    for box in found[reading_backlinks]:
        _fill_backlinks(app, box, fromdocname)
    for box in found[readings_table]:
        _fill_table(app, box, fromdocname, cited)
    for box in found[excerpts_coverage]:
        # what the *student* excerpts edition prints, in either edition's pages
        _fill_coverage(box, cited_paragraphs(env, student=True), course)


def coverage(cited: dict[str, set[int]], course) -> list[dict]:
    """Per reading: the paragraphs and words the excerpts edition prints (the cited paragraphs)
    against the whole reading."""
    rows = []
    for rid in course.reading_ids:
        r = course.reading(rid)
        keep = cited.get(rid, set())
        words = sum(p.word_count for p in r.paragraphs if p.n in keep)
        rows.append(
            {
                "reading": rid,
                "label": r.label,
                "paragraphs": len(keep & {p.n for p in r.paragraphs}),
                "paragraphs_total": len(r),
                "words": words,
                "words_total": r.word_count,
                "percent": round(100 * words / r.word_count) if r.word_count else 0,
            }
        )
    rows.sort(key=lambda x: x["label"])
    return rows


def _fill_coverage(box, cited, course):
    rows = coverage(cited, course)
    lst = nodes.bullet_list(classes=["excerpts-coverage"])
    for row in rows:
        lst += nodes.list_item("", nodes.paragraph("", coverage_line(row)))
    box.replace_self(lst)


def write_coverage(app, exc):
    """After a build, record the excerpts coverage beside the doctrees, for ``course build`` to
    print (it is computed from every citation, so only the finished build knows it)."""
    if exc is not None:
        return
    import json
    from pathlib import Path

    data = {"mode": app.config.course_readings, "readings": coverage(cited_paragraphs(app.env), course_data(app.env))}
    Path(app.doctreedir, EXCERPTS_COVERAGE_FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")


def _apply_excerpts(box: reading_text, keep: set[int], course) -> None:
    reading = course.reading(box["reading"])
    children = list(box.children)
    box.children = []
    run: list[int] = []

    def flush():
        if not run:
            return
        ps = [reading.paragraph(n) for n in run]
        words = sum(p.word_count for p in ps)
        where = f"¶{run[0]}" if len(run) == 1 else f"¶{run[0]}–{run[-1]}"
        sec = ps[0].section
        about = f" from the part headed “{sec}”" if sec and ps[0].kind != "heading" else ""
        # The note carries the anchors of the paragraphs it replaces, so no link breaks.
        box.append(
            nodes.paragraph(
                "",
                f"[{where} omitted in this excerpts edition: {len(run)} "
                f"paragraph{'s' if len(run) > 1 else ''}, {words:,} words{about}. "
                "The full text is in the full edition and the reader pack.]",
                classes=["apparatus", "omission"],
                ids=[p.anchor for p in ps],
            )
        )
        run.clear()

    notes: dict[int, list[nodes.Node]] = defaultdict(list)
    margins: list[nodes.Node] = []
    paras: list[nodes.Node] = []
    for child in children:
        if child.get("n") is not None:
            paras.append(child)
        elif child.get("note_for") is not None:
            notes[child["note_for"]].append(child)
        elif child.get("note_start") is not None:
            margins.append(child)
        else:  # anything else stays where it was, after the paragraph before it
            notes[paras[-1]["n"] if paras else 0].append(child)
    placed: set[int] = set()
    for child in notes.get(0, []):
        box.append(child)
    for child in paras:
        n = child["n"]
        if n in keep:
            flush()
            # a margin note goes before the first printed paragraph of its range
            for i, m in enumerate(margins):
                if i not in placed and m["note_start"] <= n <= m["note_end"]:
                    box.append(m)
                    placed.add(i)
            box.append(child)
            for extra in notes.get(n, []):
                box.append(extra)
        else:
            run.append(n)
    flush()


def _fill_backlinks(app, box, fromdocname):
    env = app.env
    rid = box["reading"]
    by_para: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    for doc in sorted(_store(env)):
        if doc == f"readings/{rid}":
            continue  # the reading's own frame
        for it in _store(env)[doc]:
            if it["reading"] != rid:
                continue
            for n in range(it["start"], it["end"] + 1):
                by_para[n].append((doc, it))
    if not by_para:
        if app.tags.has("reader"):
            # the reader pack holds no lessons, so it cannot list them (saying none cite the
            # reading would be false): point to the course book instead
            box.replace_self(
                nodes.paragraph(
                    "",
                    "The lessons and exercises that cite each paragraph "
                    "are listed on this reading's page in the course book.",
                )
            )
        else:
            box.replace_self(nodes.paragraph("", "No lesson or exercise cites this reading yet."))
        return
    reading = course_data(env).reading(rid)
    lst = nodes.bullet_list(classes=["backlinks"])
    for n in sorted(by_para):
        item = nodes.list_item()
        para = nodes.paragraph()
        para += make_refnode(
            app.builder, fromdocname, reading.docname, reading.paragraph(n).anchor, nodes.strong("", f"¶{n}")
        )
        para += nodes.Text(": ")
        seen = set()
        first = True
        for doc, it in by_para[n]:
            key = (doc, it["label"])
            if key in seen:
                continue
            seen.add(key)
            if not first:
                para += nodes.Text("; ")
            first = False
            para += make_refnode(app.builder, fromdocname, doc, it["refid"], nodes.Text(it["label"]))
        item += para
        lst += item
    box.replace_self(lst)


def _cited_words(r, cited) -> str:
    keep = cited.get(r.id, set())
    words = sum(p.word_count for p in r.paragraphs if p.n in keep)
    pct = round(100 * words / r.word_count) if r.word_count else 0
    return f"{words:,} of {r.word_count:,} ({pct} %)"


def _fill_table(app, box, fromdocname, cited):
    table = nodes.table(classes=["readings-side-by-side"])
    course = course_data(app.env)
    rids = course.reading_ids
    tgroup = nodes.tgroup(cols=len(rids) + 1)
    table += tgroup
    for _ in range(len(rids) + 1):
        tgroup += nodes.colspec(colwidth=1)
    readings = [course.reading(r) for r in rids]
    readings.sort(key=lambda r: r.letter)

    def row(cells, head=False):
        r = nodes.row()
        for c in cells:
            entry = nodes.entry()
            entry += c if isinstance(c, nodes.Node) else nodes.paragraph("", str(c))
            r += entry
        return r

    thead = nodes.thead()
    head_cells: list = [""]
    for r in readings:
        p = nodes.paragraph()
        if r.docname in app.env.found_docs:
            p += make_refnode(app.builder, fromdocname, r.docname, "", nodes.Text(r.label))
        else:
            p += nodes.Text(r.label)
        head_cells.append(p)
    thead += row(head_cells)
    tgroup += thead
    tbody = nodes.tbody()
    lines = [
        ("Title", lambda r: r.meta.get("short_title", r.title)),
        ("Kind of text", lambda r: r.meta.get("kind", "")),
        ("Author", lambda r: r.meta.get("author", "")),
        ("Date", lambda r: r.meta.get("date", "")),
        ("Length", lambda r: f"{r.word_count:,} words, {len(r)} paragraphs"),
        ("Reading time", lambda r: f"about {r.reading_minutes} min"),
        ("Paragraphs the course cites", lambda r: f"{len(cited.get(r.id, ()))} of {len(r)}"),
        ("Words in those paragraphs", lambda r: _cited_words(r, cited)),
        ("Used in the course for", lambda r: r.meta.get("used_for", "")),
    ]
    for label, fn in lines:
        tbody += row([nodes.paragraph("", "", nodes.strong("", label))] + [fn(r) for r in readings])
    tgroup += tbody
    _no_smartquotes(table)
    box.replace_self(table)


def check_mode(app, config):
    if config.course_readings not in ("full", "excerpts"):
        raise CourseInputError(
            f'conf.py: course_readings is {config.course_readings!r}; allowed: "full" or "excerpts".'
        )

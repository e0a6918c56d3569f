"""The ``timeline`` directive: a dated figure of periods (bars) and events (markers) drawn from data.

Usage in a MyST page::

    ```{timeline} data/timeline-caliphates.yaml
    :caption: Caliphates and claims to the caliphate, 632–1924
    ```

The argument is a path relative to the book's source directory (a leading ``/`` is allowed).
The YAML file holds ``title``, ``alt``, ``axis`` (``start``, ``end``, ``step``), ``periods`` (bars:
``id``, ``label``, ``start``, ``end``, ``kind``, ``source``, optional ``capital``) and ``events``
(markers: ``year``, ``label``, ``source``). ``load_timeline`` says exactly what is wrong with a
file that does not fit.

At build time the figure is drawn in the formats the builder shows: SVG for HTML and EPUB, written
directly by ``timeline_svg`` (no matplotlib import, which was most of an HTML build's cost for this
figure), and PDF (vector) for LaTeX, drawn with matplotlib (Agg, no display needed) to the same
layout. The image node's URI ends in ``.*`` so each builder picks the format it supports. Output is
deterministic (no dates in the metadata, DejaVu Sans, which ships with matplotlib) and cached by a
hash of the data file, the renderer version and matplotlib's version, so a rebuild with unchanged
data draws nothing. Every figure carries an alt text naming all periods and
events, followed by a list of the same data rendered as text for screen readers and print.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from course.content.files import atomic_replace, atomic_write_bytes
from course.content.timeline import load_timeline
from course.errors import CourseInputError
from course.sphinxext.base import warn, warn_data_error
from course.sphinxext.domain import course_domain

logger = logging.getLogger(__name__)

#: Bump when the drawing code changes, so cached figures are redrawn.
RENDER_VERSION = "8"

KINDS = {
    # kind: (legend label, face colour, hatch) -- hatches keep the kinds apart in greyscale print
    "caliphate": ("Caliphs ruling in their own name", "#1f4e79", ""),
    "eclipsed": ("Caliphs without effective power", "#9dbbd9", "////"),
    "claim": ("Caliphal title claimed by a sultan", "#e3c36b", "xx"),  # a dotted hatch is 270 KB of SVG
}


def marker_rows(years: list[int], start: int, end: int, gap_fraction: float = 0.05) -> list[int]:
    """A row for each event marker, lowest first, so that no two markers in one row are closer than
    ``gap_fraction`` of the axis (a marker's width, with a margin): close events stack instead of
    overlapping."""
    gap = (end - start) * gap_fraction
    last: list[float] = []  # the year of the last marker in each row
    rows = []
    for y in years:
        row = next((r for r, x in enumerate(last) if y - x >= gap), len(last))
        if row == len(last):
            last.append(y)
        else:
            last[row] = y
        rows.append(row)
    return rows


def period_text(p: dict[str, Any]) -> str:
    text = f"{p['label']}: {p['start']}–{p['end']}"
    extra = [KINDS[p["kind"]][0].lower()]
    if p.get("capital"):
        extra.append(f"seat: {p['capital']}")
    return f"{text} ({'; '.join(extra)})"


def alt_text(data: dict[str, Any]) -> str:
    """The alt text: the author's summary, then every period and every event with its date."""
    periods = "; ".join(f"{p['label']}, {p['start']}–{p['end']}" for p in data["periods"])
    events = "; ".join(f"{i}. {e['year']}: {e['label']}" for i, e in enumerate(data["events"], 1))
    alt = f"{data['alt'].strip()} Periods: {periods}."
    if events:
        alt += f" Events: {events}."
    return alt


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------


def lane_label(p: dict[str, Any]) -> str:
    return f"{p['label']}  {p['start']}–{p['end']}"


X_LABEL = "Year CE (numbered markers: events, listed below the figure)"


def data_hash(raw: bytes) -> str:
    from importlib.metadata import PackageNotFoundError, version  # not ``import matplotlib``

    try:
        mpl = version("matplotlib")  # draws the PDF; an HTML build never imports it
    except PackageNotFoundError:
        mpl = "none"
    h = hashlib.sha256()
    h.update(raw)
    h.update(f"|render={RENDER_VERSION}|mpl={mpl}".encode())
    return h.hexdigest()[:16]


def render_svg(data: dict[str, Any], target: Path) -> None:
    from course.sphinxext.timeline_svg import svg

    events = data["events"]
    rows = marker_rows([e["year"] for e in events], data["axis"]["start"], data["axis"]["end"])
    atomic_write_bytes(target, svg(data, KINDS, rows, lane_label, X_LABEL).encode("utf-8"))


#: the figure's formats: SVG for HTML and EPUB, PDF for LaTeX
FORMATS = ("svg", "pdf")
_MIME = {"svg": "image/svg+xml", "pdf": "application/pdf"}


def image_formats(supported_image_types) -> tuple[str, ...]:
    """The formats a builder can show (both when it shows neither, e.g. the text builder)."""
    return tuple(f for f in FORMATS if _MIME[f] in supported_image_types) or FORMATS


def render(data: dict[str, Any], base: Path, formats=FORMATS) -> tuple[Path, Path]:
    """Draw the timeline to ``base.svg`` and ``base.pdf`` (only the ``formats`` asked for); return
    both paths."""
    base.parent.mkdir(parents=True, exist_ok=True)
    svg, pdf = base.with_suffix(".svg"), base.with_suffix(".pdf")
    if "svg" in formats:
        render_svg(data, svg)
    if "pdf" in formats:
        render_pdf(data, pdf)
    return svg, pdf


def render_pdf(data: dict[str, Any], pdf: Path) -> None:
    """The figure as vector PDF, drawn with matplotlib."""
    # the figure and its canvas directly, not pyplot: no global figure manager or backend switch,
    # nothing to close (the layout is measured with Agg, as pyplot's Agg backend does)
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    rc = {
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "pdf.fonttype": 42,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    periods = data["periods"]
    events = data["events"]
    axis = data["axis"]
    with matplotlib.rc_context(rc):
        n = len(periods)
        rows = marker_rows([e["year"] for e in events], axis["start"], axis["end"])
        top = 0.45 * (max(rows, default=0) + 1) + 0.3  # room above the bars for the marker rows
        fig = Figure(figsize=(8, 1.2 + 0.4 * (n + top)))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        for lane, p in enumerate(periods):
            _label, colour, hatch = KINDS[p["kind"]]
            y = n - 1 - lane
            width = max(p["end"] - p["start"], 2)
            ax.barh(
                y, width, left=p["start"], height=0.6, color=colour, hatch=hatch, edgecolor="#333333", linewidth=0.6
            )
        ax.set_yticks(range(n))
        ax.set_yticklabels([lane_label(p) for p in reversed(periods)])
        ax.set_ylim(-0.8, n - 0.2 + top)
        for i, (e, row) in enumerate(zip(events, rows), 1):
            ax.axvline(e["year"], color="#8b0000", linewidth=0.5, alpha=0.6, zorder=0)
            level = n - 0.2 + 0.35 + 0.45 * row
            ax.annotate(
                str(i),
                (e["year"], level),
                ha="center",
                va="center",
                fontsize=6.5,
                color="white",
                bbox={"boxstyle": "circle,pad=0.2", "fc": "#8b0000", "ec": "none"},
            )
        ax.set_xlim(axis["start"], axis["end"])
        ax.set_xticks(range(axis["start"], axis["end"] + 1, axis["step"]))
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel(X_LABEL)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        kinds_used = [k for k in KINDS if any(p["kind"] == k for p in periods)]
        handles = [
            Patch(facecolor=KINDS[k][1], hatch=KINDS[k][2], edgecolor="#333333", label=KINDS[k][0]) for k in kinds_used
        ]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.3, -0.17), ncol=2, frameon=False, fontsize=8.5)
        fig.tight_layout()
        meta = {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}
        atomic_replace(
            pdf,
            lambda tmp: fig.savefig(tmp, format="pdf", bbox_inches="tight", pad_inches=0.1, metadata=meta),
            mode=0o644,
        )


def ensure_rendered(datafile: Path, cache_dir: Path, formats=FORMATS) -> tuple[Path, dict[str, Any]]:
    """Validate the data, draw the figure in ``formats`` unless a cached copy exists; return the base
    path and data."""
    raw = datafile.read_bytes()
    data = load_timeline(datafile)
    base = cache_dir / f"timeline-{data_hash(raw)}"
    missing = [f for f in formats if not base.with_suffix(f".{f}").is_file()]
    if missing:
        render(data, base, missing)
    return base, data


def choose_formats(app) -> None:
    """Draw only the formats this builder shows (an HTML build draws no PDF: half the drawing)."""
    course_domain(app.env).image_formats = image_formats(app.builder.supported_image_types)


def outdated(app, env, added, changed, removed):
    """Pages whose figure lacks a format this builder needs (read before by another builder that
    shares the doctrees): read them again, which draws it."""
    domain = course_domain(env)
    return [
        doc
        for doc, bases in domain.timelines.items()
        if doc in env.found_docs
        and any(not Path(f"{base}.{f}").is_file() for base in bases for f in domain.image_formats)
    ]


# --------------------------------------------------------------------------------------------
# Sphinx
# --------------------------------------------------------------------------------------------


class TimelineDirective(SphinxDirective):
    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = False
    option_spec = {"caption": directives.unchanged, "name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        arg = self.arguments[0].lstrip("/")
        datafile = (Path(self.env.srcdir) / arg).resolve()
        self.env.note_dependency(str(datafile))
        if not datafile.is_file():
            warn(
                f"timeline: no data file at {arg!r} (paths are relative to the book's source directory).",
                self.get_location(),
                "timeline",
            )
            return []
        cache_dir = Path(self.env.doctreedir) / "_timeline"
        domain = course_domain(self.env)
        try:
            base, data = ensure_rendered(datafile, cache_dir, domain.image_formats)
        except CourseInputError as exc:
            warn_data_error(exc, "timeline", fallback=self.get_location())
            return []
        domain.note_timeline(self.env.docname, str(base))

        docdir = Path(self.env.doc2path(self.env.docname)).parent
        uri = os.path.relpath(base, docdir).replace(os.sep, "/") + ".*"

        container = nodes.container(classes=["timeline"])
        figure = nodes.figure(classes=["timeline-figure"])
        image = nodes.image(uri=uri, alt=alt_text(data), candidates={})
        figure += image
        caption_text = self.options.get("caption") or data["title"]
        inline, messages = self.state.inline_text(caption_text, self.lineno)
        figure += nodes.caption(caption_text, "", *inline)
        self.add_name(figure)
        container += figure
        container += messages

        text = nodes.container(classes=["timeline-text"])
        text += nodes.rubric("", "", nodes.Text(f"Text version of the timeline: {data['title']}"))
        text += nodes.paragraph("", "", nodes.strong("", "Periods (bars, top to bottom)"))
        plist = nodes.bullet_list()
        for p in data["periods"]:
            plist += nodes.list_item("", nodes.paragraph("", period_text(p)))
        text += plist
        if data["events"]:
            text += nodes.paragraph("", "", nodes.strong("", "Events (numbered markers)"))
            elist = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
            for e in data["events"]:
                elist += nodes.list_item("", nodes.paragraph("", f"{e['year']}: {e['label']}"))
            text += elist
        container += text
        return [container]


def setup(app: Any) -> dict[str, Any]:
    """For a book that uses this directive alone (course.sphinxext registers it itself)."""
    app.setup_extension("course.sphinxext.domain")
    app.add_directive("timeline", TimelineDirective)
    app.connect("builder-inited", choose_formats)
    app.connect("env-get-outdated", outdated)
    return {"version": RENDER_VERSION, "parallel_read_safe": True, "parallel_write_safe": True}

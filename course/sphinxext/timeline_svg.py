"""The timeline figure as SVG, written directly: the same layout matplotlib draws for the PDF, without
importing matplotlib (and numpy) in an HTML build, where that import was most of the figure's cost.

Text stays text (searchable, sharp at any zoom). Label widths are measured with the advance widths
of DejaVu Sans, the font the figure names first and the one matplotlib draws the PDF with, read
from the TrueType file matplotlib ships (its ``hmtx`` and ``cmap`` tables; nothing is imported).
A reader whose device lacks DejaVu Sans sees a narrower sans-serif; labels are anchored at the axis,
so narrower text only leaves more margin. The output is plain SVG 1.1 with no DOCTYPE and no
external references, valid in EPUB 3, and byte-for-byte deterministic.
"""

from __future__ import annotations

import importlib.util
import math
import struct
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

FONT_FAMILY = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif"
#: the mean advance (em) used for a character the font file lacks, and when the file is missing
FALLBACK_ADVANCE = 0.62

# Sizes in points, as matplotlib's figure: 8 inches wide, font 10 pt, 0.4 inch per lane.
WIDTH = 576.0
PAD = 7.2
FONT = 10.0
TICK_FONT = 8.0
LEGEND_FONT = 8.5
MARKER_FONT = 6.5
LANE = 28.8
BAR_HEIGHT = 0.6  # of a lane
TICK = 3.5
TICK_PAD = 3.5
MARKER_R = 5.2
EDGE = "#333333"
EVENT = "#8b0000"
GRID = "#dddddd"


# --------------------------------------------------------------------------------------------
# Text widths
# --------------------------------------------------------------------------------------------


def _font_file() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")  # finds the package without importing it
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    return path if path.is_file() else None


def _tables(data: bytes) -> dict[bytes, tuple[int, int]]:
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = (offset, length)
    return tables


def _cmap(data: bytes, offset: int) -> dict[int, int]:
    """Code point → glyph from the Unicode BMP subtable (format 4), which every TrueType font has."""
    (n,) = struct.unpack_from(">H", data, offset + 2)
    for i in range(n):
        platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * i)
        start = offset + sub
        if (platform, encoding) in ((3, 1), (0, 3)) and struct.unpack_from(">H", data, start)[0] == 4:
            break
    else:
        return {}
    (seg2,) = struct.unpack_from(">H", data, start + 6)
    segs = seg2 // 2
    ends = struct.unpack_from(f">{segs}H", data, start + 14)
    starts = struct.unpack_from(f">{segs}H", data, start + 16 + seg2)
    deltas = struct.unpack_from(f">{segs}h", data, start + 16 + 2 * seg2)
    range_at = start + 16 + 3 * seg2
    ranges = struct.unpack_from(f">{segs}H", data, range_at)
    glyphs = {}
    for s, (first, last, delta, rng) in enumerate(zip(starts, ends, deltas, ranges)):
        for code in range(first, min(last, 0xFFFE) + 1):
            if rng == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_at + 2 * s + rng + 2 * (code - first)
                (glyph,) = struct.unpack_from(">H", data, at)
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                glyphs[code] = glyph
    return glyphs


@lru_cache(maxsize=1)
def advances() -> dict[int, float]:
    """Code point → advance width in em, for DejaVu Sans (empty if the font file is not there)."""
    path = _font_file()
    if path is None:
        return {}
    data = path.read_bytes()
    tables = _tables(data)
    (units,) = struct.unpack_from(">H", data, tables[b"head"][0] + 18)
    (metrics,) = struct.unpack_from(">H", data, tables[b"hhea"][0] + 34)
    widths = struct.unpack_from(f">{2 * metrics}H", data, tables[b"hmtx"][0])[::2]
    return {code: widths[min(glyph, metrics - 1)] / units for code, glyph in _cmap(data, tables[b"cmap"][0]).items()}


def text_width(text: str, size: float) -> float:
    table = advances()
    return size * sum(table.get(ord(c), FALLBACK_ADVANCE) for c in text)


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------


def _n(x: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(x: float, y: float, text: str, size: float, anchor: str = "start", fill: str = "#000000") -> str:
    """Text whose middle (of a capital letter) sits at ``y``."""
    baseline = y + 0.36 * size
    text = text.replace("  ", " \u00a0")  # SVG collapses spaces; a no-break space keeps the gap
    return (
        f'<text x="{_n(x)}" y="{_n(baseline)}" font-size="{_n(size)}" text-anchor="{anchor}"'
        f' fill="{fill}">{escape(text, quote=False)}</text>'
    )


def _patterns(kinds: dict[str, tuple[str, str, str]]) -> list[str]:
    """One fill pattern per hatched kind: its colour, with diagonal lines ("/") or a cross ("x")."""
    out = []
    for kind, (_label, colour, hatch) in kinds.items():
        if not hatch:
            continue
        size = 6 if "/" in hatch else 8
        lines = [f'<path d="M0 {size}L{size} 0M-1 1L1 -1M{size - 1} {size + 1}L{size + 1} {size - 1}"/>']
        if "x" in hatch:
            lines.append(f'<path d="M0 0L{size} {size}M-1 {size - 1}L1 {size + 1}M{size - 1} -1L{size + 1} 1"/>')
        out.append(
            f'<pattern id="hatch-{kind}" patternUnits="userSpaceOnUse" width="{size}" height="{size}">'
            f'<rect width="{size}" height="{size}" fill="{colour}"/>'
            f'<g stroke="{EDGE}" stroke-width="0.6">{"".join(lines)}</g></pattern>'
        )
    return out


def _fill(kind: str, kinds: dict[str, tuple[str, str, str]]) -> str:
    _label, colour, hatch = kinds[kind]
    return f"url(#hatch-{kind})" if hatch else colour


class _Frame:
    """Where things go: the plot area and the mapping from (year, lane value) to points."""

    def __init__(self, data: dict[str, Any], rows: list[int], labels: list[str]) -> None:
        axis = data["axis"]
        self.n = len(data["periods"])
        top = 0.45 * (max(rows, default=0) + 1) + 0.3  # lanes above the bars for the marker rows
        self.y_max = self.n - 0.2 + top
        self.ticks = list(range(axis["start"], axis["end"] + 1, axis["step"]))
        self.start, self.span = axis["start"], axis["end"] - axis["start"]
        self.left = PAD + max(text_width(t, FONT) for t in labels) + TICK + TICK_PAD
        self.right = WIDTH - max(PAD, text_width(str(self.ticks[-1]), TICK_FONT) / 2 + 2)
        self.top = PAD + 2
        self.bottom = self.top + (self.y_max + 0.8) * LANE  # the lane axis runs from -0.8

    def x(self, year: float) -> float:
        return self.left + (year - self.start) / self.span * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.top + (self.y_max - value) * LANE

    def lane_y(self, lane: int) -> float:
        """The middle of lane ``lane`` (0: the top one)."""
        return self.y(self.n - 1 - lane)


def _plot(f: _Frame, data: dict[str, Any], kinds, rows: list[int]) -> list[str]:
    """Event lines (under everything), the grid, the bars (top lane first), the numbered markers."""
    events = data["events"]
    out = [f'<g stroke="{EVENT}" stroke-opacity="0.6" stroke-width="0.5">']
    out += [f'<path d="M{_n(f.x(e["year"]))} {_n(f.top)}V{_n(f.bottom)}"/>' for e in events]
    out += ["</g>", f'<g stroke="{GRID}" stroke-width="0.5">']
    out += [f'<path d="M{_n(f.x(t))} {_n(f.top)}V{_n(f.bottom)}"/>' for t in f.ticks]
    out += ["</g>", f'<g stroke="{EDGE}" stroke-width="0.6">']
    for lane, p in enumerate(data["periods"]):
        x0, x1 = f.x(p["start"]), f.x(p["start"] + max(p["end"] - p["start"], 2))
        out.append(
            f'<rect x="{_n(x0)}" y="{_n(f.lane_y(lane) - BAR_HEIGHT * LANE / 2)}" width="{_n(x1 - x0)}"'
            f' height="{_n(BAR_HEIGHT * LANE)}" fill="{_fill(p["kind"], kinds)}"/>'
        )
    out.append("</g>")
    for i, (e, row) in enumerate(zip(events, rows), 1):
        cx, cy = f.x(e["year"]), f.y(f.n - 0.2 + 0.35 + 0.45 * row)
        out.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{MARKER_R}" fill="{EVENT}"/>')
        out.append(_text(cx, cy, str(i), MARKER_FONT, "middle", "#ffffff"))
    return out


def _axes(f: _Frame, labels: list[str], x_label: str) -> tuple[list[str], float]:
    """The left and bottom lines, ticks and their labels, the axis label; and the y below them."""
    out = [f'<path d="M{_n(f.left)} {_n(f.top)}V{_n(f.bottom)}H{_n(f.right)}" fill="none" stroke="#000000"/>']
    ticks = "".join(f"M{_n(f.x(t))} {_n(f.bottom)}v{TICK}" for t in f.ticks)
    ticks += "".join(f"M{_n(f.left)} {_n(f.lane_y(lane))}h-{TICK}" for lane in range(f.n))
    out.append(f'<path d="{ticks}" stroke="#000000" stroke-width="0.8"/>')
    out += [_text(f.left - TICK - TICK_PAD, f.lane_y(lane), label, FONT, "end") for lane, label in enumerate(labels)]
    y = f.bottom + TICK + TICK_PAD + TICK_FONT / 2
    out += [_text(f.x(t), y, str(t), TICK_FONT, "middle") for t in f.ticks]
    y += TICK_FONT / 2 + 4 + FONT / 2
    out.append(_text((f.left + f.right) / 2, y, x_label, FONT, "middle"))
    return out, y + FONT / 2


def _legend(f: _Frame, used: list[str], kinds, y: float) -> tuple[list[str], float]:
    """The kinds used, in two columns filled top to bottom (as matplotlib's), centred under the
    axis and kept inside the picture; and the y below the legend."""
    y += 14
    box_w, box_h, gap, line = 2 * LEGEND_FONT, 0.7 * LEGEND_FONT, 0.8 * LEGEND_FONT, 1.4 * LEGEND_FONT
    per_column = math.ceil(len(used) / 2)
    columns = [c for c in (used[:per_column], used[per_column:]) if c]
    widths = [max(box_w + gap + text_width(kinds[k][0], LEGEND_FONT) for k in col) for col in columns]
    total = sum(widths) + 2 * LEGEND_FONT * (len(columns) - 1)
    x = min(max(PAD, (f.left + f.right) / 2 - total / 2), WIDTH - PAD - total)
    out = []
    for col, w in zip(columns, widths):
        for r, k in enumerate(col):
            cy = y + r * line
            out.append(
                f'<rect x="{_n(x)}" y="{_n(cy - box_h / 2)}" width="{_n(box_w)}" height="{_n(box_h)}"'
                f' fill="{_fill(k, kinds)}" stroke="{EDGE}" stroke-width="0.6"/>'
            )
            out.append(_text(x + box_w + gap, cy, kinds[k][0], LEGEND_FONT))
        x += w + 2 * LEGEND_FONT
    return out, y + (max((len(c) for c in columns), default=1) - 1) * line + LEGEND_FONT / 2


def svg(data: dict[str, Any], kinds: dict[str, tuple[str, str, str]], rows: list[int], lane_label, x_label: str) -> str:
    """The figure. ``kinds`` maps a period's kind to (legend label, colour, hatch); ``rows`` is each
    event marker's row (``timeline.marker_rows``); ``lane_label(period)`` is a lane's label."""
    labels = [lane_label(p) for p in data["periods"]]
    frame = _Frame(data, rows, labels)
    used = [k for k in kinds if any(p["kind"] == k for p in data["periods"])]
    axes, y = _axes(frame, labels, x_label)
    legend, y = _legend(frame, used, kinds, y)
    height = math.ceil(y + PAD)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(WIDTH)}pt" height="{height}pt"'
        f' viewBox="0 0 {_n(WIDTH)} {height}" font-family="{escape(FONT_FAMILY, quote=False)}">',
        f"<title>{escape(data['title'], quote=False)}</title>",
    ]
    defs = _patterns({k: kinds[k] for k in used})
    if defs:
        parts += ["<defs>", *defs, "</defs>"]
    parts.append(f'<rect width="{_n(WIDTH)}" height="{height}" fill="#ffffff"/>')
    parts += _plot(frame, data, kinds, rows) + axes + legend
    return "\n".join([*parts, "</svg>", ""])

"""The Module 1 timeline: its data file, the drawing, and the ``timeline`` directive in a real build."""

from __future__ import annotations

import re
import textwrap
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from course.content import timeline as timeline_data
from course.errors import CourseInputError
from course.sphinxext import timeline as tl

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "timeline-caliphates.yaml"


def _bib_keys() -> set[str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M))


# ---------------------------------------------------------------- data -----------------------


def test_caliphate_data_validates_and_cites_known_works():
    data = timeline_data.load_timeline(DATA)
    keys = _bib_keys()
    cited = {p["source"] for p in data["periods"]} | {e["source"] for e in data["events"]}
    missing = sorted(cited - keys)
    assert not missing, f"timeline cites keys that are not in references.bib: {missing}"


def test_caliphate_data_has_the_overlapping_caliphates_and_the_end_points():
    data = timeline_data.load_timeline(DATA)
    by_id = {p["id"]: p for p in data["periods"]}
    assert by_id["rashidun"]["start"] == 632
    assert by_id["ottoman-claim"]["end"] == 1924
    # Three rival lines of caliphs at once in the tenth century: Abbasid, Fatimid, Córdoba.
    year = 950
    live = [p["id"] for p in data["periods"] if p["start"] <= year <= p["end"]]
    assert {"abbasid-eclipsed", "fatimid", "umayyad-cordoba"} <= set(live)
    assert by_id["umayyad-cordoba"]["start"] == 929


def _good() -> dict:
    return {
        "title": "T",
        "alt": "A",
        "axis": {"start": 600, "end": 1000, "step": 100},
        "periods": [{"id": "a", "label": "A", "start": 632, "end": 661, "kind": "caliphate", "source": "x"}],
        "events": [{"year": 632, "label": "E1", "source": "x"}, {"year": 661, "label": "E2", "source": "x"}],
    }


@pytest.mark.parametrize(
    "mutate, needle",
    [
        (lambda d: d["periods"][0].update(start=700, end=650), "after end"),
        (lambda d: d["periods"][0].update(kind="empire"), "kind 'empire'"),
        (lambda d: d["periods"].append(dict(d["periods"][0])), "used twice"),
        (lambda d: d["events"].reverse(), "date order"),
        (lambda d: d["periods"][0].update(end=1200), "outside the axis"),
        (lambda d: d["periods"][0].update(start="632"), "whole years"),
        (lambda d: d.update(colour="red"), "unknown top-level"),
        (lambda d: d["events"][0].pop("source"), "'source'"),
    ],
)
def test_validation_rejects_bad_data_with_a_useful_message(mutate, needle):
    d = _good()
    timeline_data.validate_timeline(d, "ok.yaml")  # the base case passes
    mutate(d)
    with pytest.raises(CourseInputError, match=re.escape(needle)):
        timeline_data.validate_timeline(d, "bad.yaml")


def test_alt_text_lists_every_period_and_event_with_dates():
    data = timeline_data.load_timeline(DATA)
    alt = tl.alt_text(data)
    for p in data["periods"]:
        assert f"{p['label']}, {p['start']}–{p['end']}" in alt
    for e in data["events"]:
        assert f"{e['year']}: {e['label']}" in alt


# ---------------------------------------------------------------- drawing --------------------


def test_render_writes_valid_deterministic_svg_and_pdf(tmp_path):
    data = timeline_data.load_timeline(DATA)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph in DejaVu Sans would warn
        svg1, pdf1 = tl.render(data, tmp_path / "one" / "fig")
        svg2, pdf2 = tl.render(data, tmp_path / "two" / "fig")
    root = ET.parse(svg1).getroot()
    assert root.tag.endswith("svg")
    assert pdf1.read_bytes().startswith(b"%PDF")
    assert svg1.read_bytes() == svg2.read_bytes(), "SVG output is not deterministic"
    assert pdf1.read_bytes() == pdf2.read_bytes(), "PDF output is not deterministic"
    assert b"CreationDate" not in pdf1.read_bytes()
    assert b"<dc:date>" not in svg1.read_bytes()
    assert b"<!DOCTYPE" not in svg1.read_bytes()  # EPUB 3 forbids the DTD's external entities


SVG = "{http://www.w3.org/2000/svg}"


def _svg_parts(path: Path):
    """The drawn SVG's bars (x, width, fill), markers (cx, number), x-axis grid (tick → x) and texts."""
    root = ET.parse(path).getroot()
    texts = [t.text for t in root.iter(f"{SVG}text")]
    bars = [
        (float(r.get("x")), float(r.get("width")), r.get("fill"))
        for g in root.iter(f"{SVG}g")
        for r in g.findall(f"{SVG}rect")
    ]
    markers = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]
    grid = [
        float(re.match(r"M([\d.]+) ", p.get("d")).group(1))
        for g in root.iter(f"{SVG}g")
        if g.get("stroke") == "#dddddd"
        for p in g.findall(f"{SVG}path")
    ]
    return root, texts, bars, markers, grid


def test_svg_draws_every_bar_and_marker_at_its_years(tmp_path):
    data = timeline_data.load_timeline(DATA)
    svg, _ = tl.render(data, tmp_path / "fig", ("svg",))
    _root, texts, bars, markers, grid = _svg_parts(svg)
    axis = data["axis"]
    ticks = list(range(axis["start"], axis["end"] + 1, axis["step"]))
    assert len(grid) == len(ticks)
    scale = (grid[-1] - grid[0]) / (ticks[-1] - ticks[0])

    def x_of(year):
        return grid[0] + (year - ticks[0]) * scale

    assert len(bars) == len(data["periods"])  # top to bottom, in the data's order
    for (x, width, fill), p in zip(bars, data["periods"]):
        assert x == pytest.approx(x_of(p["start"]), abs=0.01), p["id"]
        assert width == pytest.approx(max(p["end"] - p["start"], 2) * scale, abs=0.02), p["id"]
        colour, hatch = tl.KINDS[p["kind"]][1:]
        assert fill == (f"url(#hatch-{p['kind']})" if hatch else colour), p["id"]
    assert markers == pytest.approx([x_of(e["year"]) for e in data["events"]], abs=0.01)
    for i in range(1, len(data["events"]) + 1):
        assert str(i) in texts
    for p in data["periods"]:
        assert tl.lane_label(p).replace("  ", " \u00a0") in texts


def test_svg_and_pdf_figures_carry_the_same_words(tmp_path):
    """The HTML figure (written directly) and the PDF one (matplotlib) are one figure: the same lane
    labels, tick years, axis label, legend and marker numbers."""
    import subprocess

    from conftest import require

    require("pdftotext")
    data = timeline_data.load_timeline(DATA)
    svg, pdf = tl.render(data, tmp_path / "fig")
    _root, texts, *_ = _svg_parts(svg)
    svg_words = sorted(" ".join(t.replace("\u00a0", " ") for t in texts).split())
    pdf_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pdf_words = sorted(pdf_text.split())
    assert svg_words == pdf_words


def test_an_html_build_draws_the_figure_without_matplotlib(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from course.sphinxext import timeline as tl; "
        f"tl.ensure_rendered(Path({str(DATA)!r}), Path({str(tmp_path)!r}), ('svg',)); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    assert list(tmp_path.glob("timeline-*.svg")) and not list(tmp_path.glob("timeline-*.pdf"))


@pytest.fixture(scope="module")
def browser():
    from browser_helpers import chromium

    with chromium() as b:
        yield b


def test_svg_in_chromium_every_text_fits_and_none_overlaps(tmp_path, browser):
    """Drawn by a real browser: every text inside the picture, lane labels left of the axis, no text
    over another (a marker's number is inside its circle), and our widths are the browser's."""
    from course.sphinxext.timeline_svg import text_width

    data = timeline_data.load_timeline(DATA)
    svg, _ = tl.render(data, tmp_path / "fig", ("svg",))
    page = browser.new_page()
    page.goto(svg.as_uri())
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('text')].map(t => {
            const b = t.getBBox();
            return {text: t.textContent, size: +t.getAttribute('font-size'), length: t.getComputedTextLength(),
                    x: b.x, y: b.y, w: b.width, h: b.height};
        })"""
    )
    view = page.evaluate(
        "() => { const v = document.documentElement.viewBox.baseVal; return {width: v.width, height: v.height}; }"
    )
    circles = page.evaluate(
        "() => [...document.querySelectorAll('circle')].map(c => { const b = c.getBBox(); return {x: b.x, width: b.width}; })"
    )
    axis_x = page.evaluate("() => document.querySelector('path[fill=none]').getBBox().x")
    page.close()
    assert len(boxes) > 30
    for b in boxes:
        where = f"{b['text']!r} at ({b['x']:.1f}, {b['y']:.1f}) size {b['w']:.1f}x{b['h']:.1f}"
        assert 0 <= b["x"] and b["x"] + b["w"] <= view["width"], f"outside the picture: {where}"
        assert 0 <= b["y"] and b["y"] + b["h"] <= view["height"], f"outside the picture: {where}"
        assert b["length"] == pytest.approx(text_width(b["text"], b["size"]), rel=0.01), where
    lanes = [tl.lane_label(p).replace("  ", " \u00a0") for p in data["periods"]]
    for b in boxes:
        if b["text"] in lanes:
            assert b["x"] + b["w"] <= axis_x, f"lane label over the axis: {b['text']!r}"

    def overlap(a, b):
        return (
            a["x"] < b["x"] + b["w"]
            and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"]
            and b["y"] < a["y"] + a["h"]
        )

    numbers = [b for b in boxes if b["text"].isdigit() and b["size"] < 7]
    others = [b for b in boxes if b not in numbers]
    clashes = [(a["text"], b["text"]) for i, a in enumerate(others) for b in others[i + 1 :] if overlap(a, b)]
    assert clashes == []
    assert len(numbers) == len(circles) == len(data["events"])
    for n, c in zip(numbers, circles):
        inside = c["x"] <= n["x"] and n["x"] + n["w"] <= c["x"] + c["width"]
        assert inside, f"marker {n['text']} spills out of its circle"


def test_cache_skips_redrawing_unchanged_data(tmp_path, monkeypatch):
    base, _ = tl.ensure_rendered(DATA, tmp_path)
    calls = []
    monkeypatch.setattr(tl, "render", lambda *a, **k: calls.append(a))
    base2, _ = tl.ensure_rendered(DATA, tmp_path)
    assert base2 == base and calls == []
    changed = tmp_path / "changed.yaml"
    changed.write_text(DATA.read_text(encoding="utf-8").replace("Córdoba", "Cordoba"), encoding="utf-8")
    base3, _ = tl.ensure_rendered(changed, tmp_path)
    assert base3 != base and len(calls) == 1


# ---------------------------------------------------------------- directive ------------------


def _book(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "data").mkdir(parents=True)
    (src / "data" / "t.yaml").write_text(DATA.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "conf.py").write_text("extensions = ['course.sphinxext.timeline']\n", encoding="utf-8")
    (src / "index.rst").write_text("Book\n====\n\n.. toctree::\n\n   sub/page\n", encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "page.rst").write_text(
        textwrap.dedent("""\
        Page
        ====

        .. timeline:: data/t.yaml
           :caption: Caliphates at a glance
        """),
        encoding="utf-8",
    )
    return src


def _build(src: Path, out: Path, builder: str, expect_ok: bool = True) -> str:
    """Run sphinx-build in a fresh process (as the course does); return its warnings."""
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            builder,
            "-W",
            "--keep-going",
            "-q",
            "-d",
            str(out / "doctrees"),
            str(src),
            str(out / builder),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    if expect_ok:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode != 0
    return proc.stderr


def test_directive_builds_svg_for_html_with_alt_text_and_text_version(tmp_path):
    src = _book(tmp_path)
    _build(src, tmp_path / "out", "html")
    html = (tmp_path / "out" / "html" / "sub" / "page.html").read_text(encoding="utf-8")
    images = list((tmp_path / "out" / "html" / "_images").glob("timeline-*.svg"))
    assert len(images) == 1
    img = re.search(r'<img[^>]+src="([^"]+)"[^>]*>', html)
    assert img and img.group(1).endswith(".svg")
    alt = re.search(r'alt="([^"]*)"', img.group(0)).group(1)
    data = timeline_data.load_timeline(DATA)
    for p in data["periods"]:
        assert p["label"].replace("'", "&#x27;") in alt or p["label"] in alt
    assert "Caliphates at a glance" in html
    assert "Text version of the timeline" in html
    for e in data["events"]:
        assert str(e["year"]) in html


def test_directive_gives_latex_the_vector_pdf(tmp_path):
    src = _book(tmp_path)
    _build(src, tmp_path / "out", "latex")
    outdir = tmp_path / "out" / "latex"
    pdfs = list(outdir.glob("timeline-*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    tex = next(outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert re.search(r"\\sphinxincludegraphics[^{]*\{\{timeline-[0-9a-f]+\}\.pdf\}", tex)
    assert "Text version of the timeline" in tex


def test_directive_reports_a_missing_data_file(tmp_path):
    src = _book(tmp_path)
    (src / "sub" / "page.rst").write_text("Page\n====\n\n.. timeline:: data/nope.yaml\n", encoding="utf-8")
    warnings_text = _build(src, tmp_path / "out", "html", expect_ok=False)
    assert "no data file" in warnings_text and "data/nope.yaml" in warnings_text

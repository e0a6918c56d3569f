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

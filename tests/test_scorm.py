"""`course export scorm`: SCORM 1.2 packages of the student book, one per module and one for the
whole course. Every package passes the manifest check and the student-edition leak scan, stays
within 5 MB (modules), carries the bridge on every page and loads nothing from outside itself; the
manifest check and the leak scan can fail; bad input gets a clear error and overwrites nothing.
(The LMS side, with a real SCORM runtime in Chromium, is tests/test_scorm_runtime.py.)"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT, built
from scorm_helpers import package, packages, unpacked

from course.content import Course
from course.lms.scorm import LAUNCHER, MAX_PACKAGE_BYTES, check_manifest, leak_scan, manifest_xml, package_name
from course.verify import instructor_only_strings

pytestmark = pytest.mark.slow

MODULES = [m.id for m in Course.of(ROOT).modules]


def course(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True, cwd=cwd)


def test_a_package_per_module_and_one_for_the_course():
    names = [p.name for p in packages().packages]
    assert names == MODULES + ["course"]
    for p in packages().packages:
        assert p.path.name == package_name(p.name) and p.path.is_file()


@pytest.mark.parametrize("name", MODULES + ["course"])
def test_manifest_is_valid(name):
    assert check_manifest(package(name).path) == []


@pytest.mark.parametrize("name", MODULES + ["course"])
def test_leak_scan_finds_no_instructor_text(name):
    markers = instructor_only_strings(ROOT)
    assert markers, "the leak scan has nothing to look for"
    assert leak_scan(package(name).path, markers) == []


@pytest.mark.parametrize("name", MODULES)
def test_module_package_size(name):
    assert package(name).bytes <= MAX_PACKAGE_BYTES, f"{name}: {package(name).bytes / 1e6:.2f} MB"


@pytest.mark.parametrize("name", ["m1-history", "course"])
def test_pages_carry_the_bridge_and_load_nothing_from_outside(name):
    d = unpacked(name)
    pages = [p for p in d.rglob("*.html") if p.name != LAUNCHER]
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(d)
        assert "scorm-bridge.js" in html and "scorm-config.js" in html, rel
        # resources (not links) that would be fetched from another host
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html, re.I):
            for url in re.findall(r"""\b(?:src|href)=["']([^"']+)""", tag):
                assert not re.match(r"^(?:[a-z]+:)?//", url, re.I), f"{rel}: {tag[:120]}"
        # every local href/src resolves inside the package, or was unlinked
        for url in re.findall(r"""\b(?:src|href)=["']([^"'#?]+)""", html):
            if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
                continue
            target = (page.parent / url).resolve()
            assert target.is_relative_to(d.resolve()) and target.exists(), f"{rel}: {url} is not in the package"


def test_module_package_holds_its_pages_and_readings_only():
    d = unpacked("m1-history")
    pages = {p.relative_to(d).as_posix() for p in d.rglob("*.html")}
    mod = {p.stem for p in (ROOT / "modules" / "m1-history").glob("*.md")}
    assert {f"modules/m1-history/{s}.html" for s in mod} <= pages
    assert not any(p.startswith("modules/") and not p.startswith("modules/m1-history/") for p in pages)
    assert any(p.startswith("readings/") for p in pages)
    # the links to other modules are text now
    idx = (d / "modules/m1-history/index.html").read_text(encoding="utf-8")
    assert 'href="../m2-movements/' not in idx and "data-offpackage" in idx
    # the theme's assets once, at one place
    assert sorted(p.name for p in d.rglob("pydata-sphinx-theme.css")) == ["pydata-sphinx-theme.css"]


def test_score_scale_follows_scorm_range():
    for p in packages().packages:
        assert p.reported_max <= 100
        assert p.scale == 1 or p.max_points > 100


# ---------------------------------------------------------------------------------------------
# The checks can fail


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, b in files.items():
            zf.writestr(n, b)
    return buf.getvalue()


def test_manifest_check_reports_each_problem(tmp_path):
    good = {LAUNCHER: b"<html></html>", "a.html": b"<html></html>"}
    ok = tmp_path / "ok.zip"
    ok.write_bytes(_zip({"imsmanifest.xml": manifest_xml("t", "T", sorted(good), "1").encode(), **good}))
    assert check_manifest(ok) == []

    def problems(files, names=None):
        z = tmp_path / "bad.zip"
        z.write_bytes(_zip({"imsmanifest.xml": manifest_xml("t", "T", names or sorted(files), "1").encode(), **files}))
        return " | ".join(check_manifest(z))

    assert "not in the package" in problems(good, sorted(good) + ["missing.html"])
    assert "not listed" in problems({**good, "extra.js": b""}, sorted(good))
    assert "'..'" in problems(good, sorted(good) + ["../outside.html"])
    assert "absolute" in problems(good, sorted(good) + ["/etc/passwd"])
    dup = manifest_xml("t", "T", sorted(good), "1").replace('identifier="item-', 'identifier="res-')
    dup = dup.replace('identifierref="res-', 'identifierref="res-')
    z = tmp_path / "dup.zip"
    z.write_bytes(_zip({"imsmanifest.xml": dup.encode(), **good}))
    assert any("more than once" in p for p in check_manifest(z))
    z.write_bytes(_zip(good))
    assert any("imsmanifest.xml is missing" in p for p in check_manifest(z))
    z.write_bytes(
        _zip({"imsmanifest.xml": manifest_xml("t", "T", sorted(good), "1").replace(">1.2<", ">2004<").encode(), **good})
    )
    assert any("schemaversion" in p for p in check_manifest(z))


def test_leak_scan_finds_a_planted_answer(tmp_path):
    markers = instructor_only_strings(ROOT)
    origin, marker = markers[0]
    z = tmp_path / "leaky.zip"
    with zipfile.ZipFile(package("m1-history").path) as src, zipfile.ZipFile(z, "w") as dst:
        for n in src.namelist():
            data = src.read(n)
            if n == "modules/m1-history/index.html":
                data = data.replace(b"</body>", f"<p>{marker}</p></body>".encode())
            dst.writestr(n, data)
    assert [o for _, o in leak_scan(z, markers)] == [origin]


# ---------------------------------------------------------------------------------------------
# The command and bad input


def test_cli_exports_one_module(tmp_path):
    html = built("html", "student").output.parent
    r = course("export", "scorm", "--module", "m0-orientation", "--html", str(html), "--output", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr + r.stdout
    assert (tmp_path / "out" / package_name("m0-orientation")).is_file()
    assert "maximum grade to 30" in " ".join(r.stdout.split())


def test_cli_unknown_module(tmp_path):
    html = built("html", "student").output.parent
    r = course("export", "scorm", "--module", "m9-nothing", "--html", str(html), "--output", str(tmp_path))
    assert r.returncode == 1
    assert "unknown module 'm9-nothing'" in r.stderr and "m1-history" in r.stderr
    assert "Traceback" not in r.stderr and list(tmp_path.iterdir()) == []


def test_cli_missing_build(tmp_path):
    r = course("export", "scorm", "--html", str(tmp_path / "no-build"), "--output", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "no HTML build" in r.stderr and "course build html" in r.stderr
    assert not (tmp_path / "out").exists()


def test_cli_existing_output_needs_force(tmp_path):
    html = built("html", "student").output.parent
    out = tmp_path / "out"
    out.mkdir()
    target = out / package_name("m0-orientation")
    target.write_bytes(b"mine")
    args = ["export", "scorm", "--module", "m0-orientation", "--html", str(html), "--output", str(out)]
    r = course(*args)
    assert r.returncode == 1 and "already exists" in r.stderr and "--force" in r.stderr
    assert target.read_bytes() == b"mine"
    r = course(*args, "--force")
    assert r.returncode == 0, r.stderr
    assert zipfile.is_zipfile(target)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--mastery", "1.5"], "--mastery is 1.5"),
        (["--edition", "instructor"], "instructor"),
    ],
)
def test_cli_other_bad_input(tmp_path, args, message):
    html = built("html", "student").output.parent
    r = course("export", "scorm", "--html", str(html), "--output", str(tmp_path / "o"), *args)
    assert r.returncode != 0 and message in r.stderr
    assert not (tmp_path / "o").exists()

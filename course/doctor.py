"""``course doctor``: is everything the course needs installed? For each missing piece, the exact
command that installs it."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
from pathlib import Path

from rich.table import Table

from course.build import TEX_INSTALL

AXE_INSTALL = "cd .ci && npm install --prefix . axe-core@4   (or set COURSE_AXE_JS to axe.min.js)"

PY_DEPS = (
    "sphinx",
    "myst-parser",
    "sphinx-book-theme",
    "sphinx-design",
    "sphinxcontrib-bibtex",
    "pydantic",
    "ruamel.yaml",
    "rich",
    "click",
    "matplotlib",
    "sphinx-autobuild",
)
TEST_DEPS = ("pytest", "hypothesis", "beautifulsoup4", "lxml", "playwright")
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
CHROMIUM = Path("/usr/bin/chromium")


def scorm_again_path() -> Path:
    """scorm-again's SCORM 1.2 runtime: $COURSE_SCORM_AGAIN_JS, else .ci/node_modules/ (as .ci/run installs it)."""
    from course.content import Course

    env = os.environ.get("COURSE_SCORM_AGAIN_JS")
    return Path(env) if env else Course.find().root / ".ci" / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"


def _fc_has(family: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    res = subprocess.run(["fc-list", f":family={family}"], capture_output=True, text=True)
    return bool(res.stdout.strip())


def checks() -> list[tuple[str, bool, str, str]]:
    """(what, ok, found, how to install) for every piece."""
    rows = []
    for dist in PY_DEPS + TEST_DEPS:
        test = dist in TEST_DEPS
        fix = (
            "pip install -e '.[test]'   (or: make test, which installs the test extra)"
            if test
            else "pip install -e .   (or: make book, which creates .venv and installs)"
        )
        try:
            ver = importlib.metadata.version(dist)
            rows.append((f"Python: {dist}" + (" (tests)" if test else ""), True, ver, ""))
        except importlib.metadata.PackageNotFoundError:
            rows.append((f"Python: {dist} ({'tests' if test else 'building'})", False, "missing", fix))
    for tool in ("xelatex", "latexmk", "xindy"):
        path = shutil.which(tool)
        rows.append((f"PDF: {tool}", bool(path), path or "missing", TEX_INSTALL))
    rows.append(
        (
            "PDF: Amiri font (Arabic)",
            _fc_has("Amiri"),
            "fc-list :family=Amiri",
            "sudo apt-get install -y fonts-hosny-amiri",
        )
    )
    rows.append(
        (
            "PDF: FreeSerif font",
            _fc_has("FreeSerif"),
            "fc-list :family=FreeSerif",
            "sudo apt-get install -y fonts-freefont-otf",
        )
    )
    rows.append(
        (
            "PDF: Linux Libertine O font (text face)",
            _fc_has("Linux Libertine O"),
            "fc-list ':family=Linux Libertine O'",
            "sudo apt-get install -y fonts-linuxlibertine",
        )
    )
    rows.append(
        (
            "PDF tests: pdftotext, pdffonts",
            bool(shutil.which("pdftotext") and shutil.which("pdffonts")),
            shutil.which("pdftotext") or "missing",
            "sudo apt-get install -y poppler-utils",
        )
    )
    rows.append(
        (
            "EPUB tests: epubcheck",
            EPUBCHECK_JAR.exists() and bool(shutil.which("java")),
            str(EPUBCHECK_JAR) if EPUBCHECK_JAR.exists() else "missing",
            "sudo apt-get install -y --no-install-recommends epubcheck",
        )
    )
    rows.append(
        (
            "Browser tests: Chromium",
            CHROMIUM.exists(),
            str(CHROMIUM) if CHROMIUM.exists() else "missing",
            "sudo apt-get install -y --no-install-recommends chromium",
        )
    )
    node = shutil.which("npm")
    rows.append(("Browser tests: npm, for axe-core", bool(node), node or "missing", "sudo apt-get install -y npm"))
    node_js = shutil.which("node") or shutil.which("nodejs")
    rows.append(
        (
            "Search tests: node (runs the search box's folding)",
            bool(node_js),
            node_js or "missing",
            "sudo apt-get install -y nodejs",
        )
    )
    axe = _axe_path()
    rows.append(("Browser tests: axe-core", axe is not None, str(axe) if axe else "missing", AXE_INSTALL))
    scorm = scorm_again_path()
    rows.append(
        (
            "SCORM tests: scorm-again, the SCORM 1.2 runtime",
            scorm.is_file(),
            str(scorm) if scorm.is_file() else "missing",
            "cd .ci && npm install --prefix . scorm-again@2   (or set COURSE_SCORM_AGAIN_JS)",
        )
    )
    return rows


def _axe_path() -> Path | None:
    """axe.min.js as the browser tests find it: $COURSE_AXE_JS, else .ci/node_modules (see
    tests/browser_helpers.py)."""
    from course.content import Course

    env = os.environ.get("COURSE_AXE_JS")
    try:
        default = Course.find().root / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
    except Exception:  # noqa: BLE001 - outside a course folder there is no default
        default = None
    for p in (Path(env) if env else None, default):
        if p is not None and p.is_file():
            return p
    return None


def run_doctor(console) -> bool:
    rows = checks()
    table = Table(title="course doctor", show_lines=False)
    table.add_column("")
    table.add_column("what")
    table.add_column("found")
    for what, ok, found, _ in rows:
        table.add_row("[green]✓[/green]" if ok else "[red]✗[/red]", what, found)
    console.print(table)
    missing = [(w, fix) for w, ok, _, fix in rows if not ok]
    # the book needs the building rows; the tests need every row (they skip, or fail under CI)
    required_missing = [m for m in missing if "tests" not in m[0]]
    if not missing:
        console.print(
            "[green]Everything is installed: the book builds in every format and no test will be skipped.[/green]"
        )
        return True
    if not required_missing:
        console.print(
            "[green]Everything the book needs is installed.[/green] "
            f"[yellow]{len(missing)} tool(s) the tests use are missing: those tests will be "
            "skipped (under CI=true they fail).[/yellow]"
        )
    console.print("\n[bold]To install what is missing:[/bold]")
    for fix in dict.fromkeys(fix for _, fix in missing):
        console.print(f"  {fix}")
    return not required_missing

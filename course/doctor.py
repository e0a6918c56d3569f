"""``course doctor``: is everything the course needs installed? For each missing piece, the exact
command that installs it."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from pathlib import Path

from rich.table import Table

from course.build import TEX_INSTALL

PY_DEPS = ("sphinx", "myst-parser", "sphinx-book-theme", "sphinx-design", "sphinxcontrib-bibtex",
           "pydantic", "ruamel.yaml", "rich", "click", "matplotlib", "sphinx-autobuild")
TEST_DEPS = ("pytest", "hypothesis", "beautifulsoup4", "lxml", "playwright")
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
CHROMIUM = Path("/usr/bin/chromium")


def _fc_has(family: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    res = subprocess.run(["fc-list", f":family={family}"], capture_output=True, text=True)
    return bool(res.stdout.strip())


def checks() -> list[tuple[str, bool, str, str]]:
    """(what, ok, found, how to install) for every piece."""
    rows = []
    pip_fix = "pip install -e '.[test]'   (or: make book, which creates .venv and installs)"
    for dist in PY_DEPS + TEST_DEPS:
        try:
            ver = importlib.metadata.version(dist)
            rows.append((f"Python: {dist}", True, ver, ""))
        except importlib.metadata.PackageNotFoundError:
            need = "for tests" if dist in TEST_DEPS else "for building"
            rows.append((f"Python: {dist} ({need})", False, "missing", pip_fix))
    for tool in ("xelatex", "latexmk", "xindy"):
        path = shutil.which(tool)
        rows.append((f"PDF: {tool}", bool(path), path or "missing", TEX_INSTALL))
    rows.append(("PDF: Amiri font (Arabic)", _fc_has("Amiri"), "fc-list :family=Amiri",
                 "sudo apt-get install -y fonts-hosny-amiri"))
    rows.append(("PDF: FreeSerif font", _fc_has("FreeSerif"), "fc-list :family=FreeSerif",
                 "sudo apt-get install -y fonts-freefont-otf"))
    rows.append(("PDF tests: pdftotext, pdffonts", bool(shutil.which("pdftotext") and shutil.which("pdffonts")),
                 shutil.which("pdftotext") or "missing", "sudo apt-get install -y poppler-utils"))
    rows.append(("EPUB tests: epubcheck", EPUBCHECK_JAR.exists() and bool(shutil.which("java")),
                 str(EPUBCHECK_JAR) if EPUBCHECK_JAR.exists() else "missing",
                 "sudo apt-get install -y --no-install-recommends epubcheck"))
    rows.append(("Browser tests: Chromium (optional)", CHROMIUM.exists(), str(CHROMIUM) if CHROMIUM.exists() else "missing",
                 "sudo apt-get install -y --no-install-recommends chromium"))
    node = shutil.which("npm")
    rows.append(("Browser tests: npm, for axe-core (optional)", bool(node), node or "missing",
                 "sudo apt-get install -y npm"))
    return rows


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
    required_missing = [m for m in missing if "optional" not in m[0]]
    if not missing:
        console.print("[green]Everything is installed.[/green]")
        return True
    console.print("\n[bold]To install what is missing:[/bold]")
    for fix in dict.fromkeys(fix for _, fix in missing):
        console.print(f"  {fix}")
    return not required_missing

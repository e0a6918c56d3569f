"""Building the book: HTML, PDF (XeLaTeX), EPUB and the readings-only reader pack.

Every build wraps ``sphinx-build -W --keep-going -n`` (a warning is an error), writes under
``_build/<edition>/<format>/``, keeps Sphinx's full output in a log file beside it, shows progress,
and ends with the path of what it made.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from course.content import Course
from course.errors import CourseInputError

PDF_NAME = "reading-the-caliphate.pdf"
READER_NAME = "reading-the-caliphate-reader.pdf"
EPUB_NAME = "reading-the-caliphate.epub"


def edition_name(name: str, edition: str) -> str:
    """The instructor edition's files have their own names (…-instructor.pdf), so that nobody
    hands students the answer keys by mistake."""
    if edition == "instructor":
        stem, _, ext = name.rpartition(".")
        return f"{stem}-instructor.{ext}"
    return name


EDITIONS = ("student", "instructor")
FORMATS = ("html", "pdf", "epub", "reader")

TEX_PACKAGES = (
    "texlive-xetex texlive-latex-extra texlive-lang-arabic texlive-fonts-recommended "
    "latexmk xindy fonts-freefont-otf fonts-hosny-amiri fonts-linuxlibertine"
)
TEX_INSTALL = f"sudo apt-get install -y --no-install-recommends {TEX_PACKAGES}"

_PCT = re.compile(
    r"^(reading sources|writing output|copying assets|checking consistency|"
    r"resolving references|pickling environment)?.*?\[\s*(\d+)%\]"
)


@dataclass
class BuildResult:
    fmt: str
    edition: str
    output: Path
    seconds: float
    log: Path
    #: in an excerpts build, one line per reading: how much of it the edition prints
    coverage: list[str] = field(default_factory=list)


def out_dir(builddir: Path, edition: str, fmt: str) -> Path:
    return builddir / edition / fmt


def missing_tex() -> list[str]:
    return [t for t in ("xelatex", "latexmk", "xindy") if shutil.which(t) is None]


def _sphinx_cmd(builder: str, src: Path, out: Path, doctrees: Path, edition: str, extra: list[str]) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        builder,
        "-W",
        "--keep-going",
        "-n",
        "-d",
        str(doctrees),
        str(src),
        str(out),
    ]
    if edition == "instructor":
        cmd += ["-t", "instructor"]
    return cmd + extra


def _run(cmd: list[str], log: Path, label: str, progress, cwd: Path | None = None) -> int:
    """Run a command, stream its output to ``log``, and advance ``progress`` on Sphinx's
    percentage lines. Returns the exit code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"$ {' '.join(cmd)}\n")
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env=env,
            encoding="utf-8",
            errors="replace",
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            fh.write(line)
            m = _PCT.match(line)
            if m and progress is not None:
                phase = m.group(1) or "working"
                progress(label, phase, int(m.group(2)))
        return proc.wait()


def _problems(log: Path, limit: int = 25) -> list[str]:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    keep = [
        l
        for l in lines
        if ("WARNING" in l or "ERROR" in l or "Error" in l or l.startswith("! ") or "Missing character" in l)
    ]
    return keep[:limit] or [l for l in lines if l.strip()][-5:]


INTERRUPTED = ".build-in-progress"


def _marker(out: Path) -> Path:
    """Beside the output folder, not in it (the EPUB builder would pack it)."""
    return out.parent / f".{out.name}{INTERRUPTED}"


def _searchindex_ok(path: Path) -> bool:
    import json

    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text[text.index("(") + 1 : text.rindex(")")])
        return True
    except (OSError, ValueError):
        return False


def recover_interrupted(out: Path, doctrees: Path) -> str | None:
    """A build killed part-way leaves a half-written search index or environment, and the next
    build fails ("search index couldn't be loaded"). Detect it (the marker this module writes before
    a build and removes after it, or an unreadable search index) and start that output afresh.
    Returns what was done, for the log, or None."""
    marker = _marker(out)
    index = out / "searchindex.js"
    why = None
    if marker.exists():
        why = "the previous build of this output was interrupted"
    elif index.exists() and not _searchindex_ok(index):
        why = f"{index} is damaged"
    if why is None:
        return None
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(doctrees, ignore_errors=True)
    marker.unlink(missing_ok=True)
    return f"{why}; rebuilding it from scratch ({out} and {doctrees} removed)."


def build(
    fmt: str,
    edition: str = "student",
    builddir: Path | None = None,
    readings: str | None = None,
    progress=None,
    root: Path | None = None,
) -> BuildResult:
    _check_arguments(fmt, edition, readings)
    root = root or Course.find().root
    builddir = (builddir or root / "_build").resolve()
    extra = ["-D", f"course_readings={readings}"] if readings else []
    suffix = "" if not readings or readings == "full" else f"-{readings}"
    base = out_dir(builddir, edition + suffix, fmt)
    log = base.parent / f"{fmt}.log"
    if log.exists():
        log.unlink()
    start = time.perf_counter()
    doctrees = builddir / (edition + suffix) / "doctrees" / fmt
    if fmt in ("pdf", "reader") and missing_tex():
        raise CourseInputError(
            f"the PDF needs XeLaTeX, latexmk and xindy, and {', '.join(missing_tex())} "
            f"{'is' if len(missing_tex()) == 1 else 'are'} not installed. On Debian or Ubuntu run:\n  "
            f"{TEX_INSTALL}\nthen build again ('course doctor' checks everything)."
        )
    marker_dir = base if fmt in ("html", "epub") else _latex_dir(base, fmt)
    _start_marked(marker_dir, doctrees, log, progress)
    if fmt in ("html", "epub"):
        builder, label = ("html", "HTML") if fmt == "html" else ("epub", "EPUB")
        rc = _run(_sphinx_cmd(builder, root, base, doctrees, edition, extra), log, label, progress)
        output = base / ("index.html" if fmt == "html" else edition_name(EPUB_NAME, edition))
    else:
        rc, output = _build_pdf(fmt, root, base, doctrees, edition, extra, log, progress)
    seconds = time.perf_counter() - start
    _marker(marker_dir).unlink(missing_ok=True)  # finished (well or not), not interrupted
    if rc != 0 or not output.exists():
        problems = "\n  ".join(_problems(log)) or "(no warning lines; see the log)"
        raise BuildFailed(
            f"the {fmt.upper()} build of the {edition} edition failed.\n  {problems}\n"
            f"Full log: {log}\nIf the output looks damaged, delete {base.parent} and build "
            "again (a build that was interrupted is detected and redone from scratch)."
        )
    return BuildResult(
        fmt, edition, output, seconds, log, coverage=excerpts_coverage(doctrees) if readings == "excerpts" else []
    )


def _check_arguments(fmt: str, edition: str, readings: str | None) -> None:
    if fmt not in FORMATS:
        raise CourseInputError(f"unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}, all.")
    if edition not in EDITIONS:
        raise CourseInputError(f"unknown edition '{edition}'; choose student or instructor.")
    if readings and readings not in ("full", "excerpts"):
        raise CourseInputError(f"--readings is '{readings}'; choose full or excerpts.")


def _latex_dir(base: Path, fmt: str) -> Path:
    return base.parent / ("latex" if fmt == "pdf" else "reader-latex")


def _start_marked(marker_dir: Path, doctrees: Path, log: Path, progress) -> None:
    """Start afresh after an interrupted build (noted in the log), then mark this build as running."""
    recovered = recover_interrupted(marker_dir, doctrees)
    if recovered:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"course: {recovered}\n")
        if progress is not None:
            progress("recovering", recovered, 0)
    _marker(marker_dir).parent.mkdir(parents=True, exist_ok=True)
    _marker(marker_dir).write_text("a build started and has not finished\n", encoding="utf-8")


def _build_pdf(
    fmt: str, root: Path, base: Path, doctrees: Path, edition: str, extra: list[str], log: Path, progress
) -> tuple[int, Path]:
    """LaTeX, then XeLaTeX; a PDF with missing characters fails. Returns (exit code, the PDF's path)."""
    texdir = _latex_dir(base, fmt)
    tags = ["-t", "reader"] if fmt == "reader" else []
    rc = _run(_sphinx_cmd("latex", root, texdir, doctrees, edition, extra + tags), log, "LaTeX", progress)
    if rc == 0:
        if progress:
            progress("PDF", "XeLaTeX (3 passes and the index)", 0)
        rc = _run(
            ["make", "-C", str(texdir), "all-pdf", "LATEXMKOPTS=-silent -interaction=nonstopmode"], log, "PDF", progress
        )
    name = edition_name(PDF_NAME if fmt == "pdf" else READER_NAME, edition)
    produced = texdir / name
    output = base.parent / "pdf" / name
    if rc != 0:
        return rc, output
    texlog = produced.with_suffix(".log")
    if texlog.exists() and "Missing character" in texlog.read_text(errors="replace"):
        with log.open("a") as fh:
            fh.write(
                "".join(
                    line + "\n"
                    for line in texlog.read_text(errors="replace").splitlines()
                    if "Missing character" in line
                )
            )
        return 1, output
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(produced, output)
    return rc, output


def excerpts_coverage(doctrees: Path) -> list[str]:
    """The lines 'Reading B: 3,771 of 5,167 words (73 %), 52 of 87 paragraphs' that the finished
    build recorded beside its doctrees."""
    import json

    from course.content.readings import EXCERPTS_COVERAGE_FILE, coverage_line

    f = Path(doctrees) / EXCERPTS_COVERAGE_FILE
    if not f.exists():
        return []
    return [coverage_line(row) for row in json.loads(f.read_text(encoding="utf-8"))["readings"]]


class BuildFailed(CourseInputError):
    """A build that ended with warnings or errors (the message lists them and names the log)."""

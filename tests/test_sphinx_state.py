"""The book's Sphinx state: parallel and incremental builds, the course the book is built from, and
where data errors are reported (issue 12, "Sphinx done the Sphinx way").

Each test builds a small copy of the course (the glossary, one exercise set, the syllabus overview
and the readings index, from the real data files) in a temporary folder, with ``sphinx-build``
in a subprocess, as ``course build`` does. The code under test is the ``course`` package this test
imports (so the same file can be run against another checkout with ``PYTHONPATH``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import course
from course.content import Course

CODE = Path(course.__file__).resolve().parent.parent  # the checkout whose code is under test

pytestmark = pytest.mark.slow

INDEX = """\
# Small course

```{toctree}
glossary
modules/m1-history/exercises
modules/syllabus
readings/index
```
"""

SYLLABUS = """\
# Syllabus

```{syllabus} overview
```
"""

NEW_TERM = """\
- term: zzyzx-new-term
  definition: >
    A term added after the first build, to see the glossary page follow.
"""


def small_course(dest: Path, code_from: Path = CODE) -> Path:
    """A reduced copy of the course: its data files, the glossary page, Module 1's exercise page,
    a syllabus overview page and the readings index."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("conf.py", "pyproject.toml", "references.bib", "glossary.md", "bibliography.md"):
        shutil.copy(code_from / name, dest / name)
    for folder in ("glossary", "data", "exercises"):
        shutil.copytree(code_from / folder, dest / folder)
    for module_yaml in (code_from / "modules").glob("*/module.yaml"):
        target = dest / module_yaml.relative_to(code_from)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(module_yaml, target)
    shutil.copy(code_from / "modules" / "m1-history" / "exercises.md", dest / "modules" / "m1-history")
    for reading in (code_from / "readings").glob("*/reading.yaml"):
        shutil.copytree(reading.parent, dest / reading.parent.relative_to(code_from))
    shutil.copy(code_from / "readings" / "index.md", dest / "readings")
    (dest / "index.md").write_text(INDEX, encoding="utf-8")
    (dest / "modules" / "syllabus.md").write_text(SYLLABUS, encoding="utf-8")
    return dest


def sphinx(
    src: Path, out: Path, *extra: str, pythonpath: Path = CODE, course_root: bool = True, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """``sphinx-build -b html`` of ``src`` into ``out`` (doctrees in ``out/.doctrees``), with the
    ``course`` package from ``pythonpath`` and ``COURSE_ROOT`` set to ``src`` (unless ``course_root``
    is false). No -W: the small copy links to pages it leaves out."""
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "PYTHONPATH")}
    env["PYTHONPATH"] = str(pythonpath)
    if course_root:
        env["COURSE_ROOT"] = str(src)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(out / ".doctrees"), *extra, str(src), str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or src.parent, env=env)


def built(res: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert res.returncode == 0, res.stderr[-3000:]
    return res


# The self-check's data scripts are written when the build finishes, after the pages. Sphinx adds a
# checksum (?v=...) to a script's link only if the file already exists when the page is written: so
# a rebuild links them with a checksum (of the previous build's file) and a fresh build without.
# That query string, on those scripts only, is the one thing the comparisons ignore.
_LATE_SCRIPT_CHECKSUM = re.compile(r'(_static/selfcheck(?:-index|/[a-z0-9-]+)\.js)\?v=[0-9a-f]+"')


def html_files(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): _LATE_SCRIPT_CHECKSUM.sub(r'\1"', p.read_text(encoding="utf-8"))
        for p in sorted(out.rglob("*.html"))
    }


def assert_same_html(a: Path, b: Path) -> None:
    pa, pb = html_files(a), html_files(b)
    assert sorted(pa) == sorted(pb)
    differ = [name for name in pa if pa[name] != pb[name]]
    assert not differ, f"these pages differ: {differ}"


def glossary_html(out: Path) -> str:
    return (out / "glossary.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# a. an added glossary file reaches the glossary page after a parallel build


def test_glossary_file_added_after_a_parallel_build_is_shown(tmp_path):
    src = small_course(tmp_path / "src")
    out = tmp_path / "out"
    built(sphinx(src, out, "-j", "2"))
    assert "zzyzx-new-term" not in glossary_html(out)
    (src / "glossary" / "zz.yaml").write_text(NEW_TERM, encoding="utf-8")
    built(sphinx(src, out, "-j", "2"))
    assert "zzyzx-new-term" in glossary_html(out)


# ------------------------------------------------------------------------------------------------
# b. the book shows the course in the folder being built, whatever checkout the code comes from


def test_book_shows_the_glossary_of_the_source_folder_not_of_the_code_checkout(tmp_path):
    other = tmp_path / "other"  # another checkout: the same code, a different glossary
    small_course(other)
    shutil.copytree(CODE / "course", other / "course", ignore=shutil.ignore_patterns("__pycache__"))
    (other / "glossary" / "zz.yaml").write_text(
        NEW_TERM.replace("zzyzx-new-term", "term-of-the-other-checkout"), encoding="utf-8"
    )
    src = small_course(tmp_path / "src")
    (src / "glossary" / "zz.yaml").write_text(
        NEW_TERM.replace("zzyzx-new-term", "term-of-the-source-folder"), encoding="utf-8"
    )
    elsewhere = tmp_path / "elsewhere"  # neither checkout: the build must not guess from here
    elsewhere.mkdir()
    out = tmp_path / "out"
    built(sphinx(src, out, pythonpath=other, course_root=False, cwd=elsewhere))
    page = glossary_html(out)
    assert "term-of-the-source-folder" in page
    assert "term-of-the-other-checkout" not in page


def test_page_checker_data_comes_from_the_source_folder_not_the_code_checkout(tmp_path):
    """The self-check data (paragraph openings of the readings a locate item asks about) is made by
    the item types, below the book: they too read the course being built."""
    other = tmp_path / "other"  # another checkout, which lacks one of the readings
    small_course(other)
    shutil.copytree(CODE / "course", other / "course", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(other / "readings" / "al-waie-472")
    src = small_course(tmp_path / "src")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    built(sphinx(src, out, pythonpath=other, course_root=False, cwd=elsewhere))
    data = "\n".join(p.read_text(encoding="utf-8") for p in (out / "_static").rglob("selfcheck*/*.js"))
    data += "\n".join(p.read_text(encoding="utf-8") for p in (out / "_static").glob("selfcheck*.js"))
    first_words = " ".join(Course(src).reading("al-waie-472").paragraphs[0].text.split()[:3])
    assert first_words in data, "the locate item on Reading B has no paragraph list"


def test_a_build_declares_its_course_current_and_releases_it_at_the_end(tmp_path):
    """In one process (sphinx-autobuild, a script), code that runs after a build must not keep
    seeing that build's course. The build runs in a process of its own: Sphinx in-process would
    register its node classes again in this one (another test builds in-process and wants no
    warnings)."""
    src = small_course(tmp_path / "src")
    script = (
        "import sys; from sphinx.application import Sphinx; from course.content import Course\n"
        "src, out = sys.argv[1], sys.argv[2]\n"
        "app = Sphinx(src, src, out + '/html', out + '/dt', 'html', status=None, warning=None)\n"
        "print('during', Course._current is Course(src))\n"
        "app.build()\n"
        "print('after', Course._current is None)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "PYTHONPATH")}
    env["PYTHONPATH"] = str(CODE)
    res = subprocess.run(
        [sys.executable, "-c", script, str(src), str(tmp_path / "out")], capture_output=True, text=True, env=env
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.split() == ["during", "True", "after", "True"]


# ------------------------------------------------------------------------------------------------
# c. a data error is reported at the YAML file and line, not at the page that shows the data


def test_bad_exercise_type_is_reported_at_the_yaml_line(tmp_path):
    src = small_course(tmp_path / "src")
    path = src / "exercises" / "m1-history.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines, 1) if re.match(r"\s+type: ", line))
    lines[n - 1] = re.sub(r"type: \S+", "type: orderin", lines[n - 1])
    path.write_text("".join(lines), encoding="utf-8")
    res = sphinx(src, tmp_path / "out", "-W", "--keep-going")
    assert res.returncode != 0
    assert f"exercises/m1-history.yaml:{n}:" in res.stderr, res.stderr[-3000:]
    assert "orderin" in res.stderr
    assert "Traceback" not in res.stderr and "Extension error" not in res.stderr, res.stderr[-3000:]
    assert "exercises.md:9" not in res.stderr, res.stderr[-3000:]


def test_item_quality_problem_is_reported_at_the_item_in_its_yaml_file(tmp_path):
    src = small_course(tmp_path / "src")
    path = src / "exercises" / "m1-history.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines, 1) if line.strip() == "- id: m1-sunni-shii")
    feedback = next(i for i in range(n, len(lines)) if lines[i].strip() == "feedback:")
    gone = next(i for i in range(feedback, len(lines)) if lines[i].strip().startswith("d: "))
    del lines[gone]  # a wrong choice without feedback
    path.write_text("".join(lines), encoding="utf-8")
    res = sphinx(src, tmp_path / "out", "-W", "--keep-going")
    assert res.returncode != 0
    warning = next(line for line in res.stderr.splitlines() if "item quality" in line)
    assert f"exercises/m1-history.yaml:{n}: WARNING: item quality: item 'm1-sunni-shii'" in warning, warning


# ------------------------------------------------------------------------------------------------
# d. a parallel build writes the same pages as a serial one


def test_parallel_build_gives_the_same_html_as_a_serial_one(tmp_path):
    src = small_course(tmp_path / "src")
    built(sphinx(src, tmp_path / "serial", "-j", "1"))
    built(sphinx(src, tmp_path / "parallel", "-j", "2"))
    assert_same_html(tmp_path / "serial", tmp_path / "parallel")


# ------------------------------------------------------------------------------------------------
# e. an incremental rebuild after data files are added, edited and removed equals a fresh build


def _new_module(src: Path) -> None:
    """A module added after the first build (a copy of Module 0 under another id and number)."""
    text = (src / "modules" / "m0-orientation" / "module.yaml").read_text(encoding="utf-8")
    text = text.replace("id: m0-orientation", "id: m9-added").replace("number: 0", "number: 9")
    text = text.replace('title: "Orientation"', 'title: "A module added later"')
    text = re.sub(r"id: m0-", "id: m9-", text)
    (src / "modules" / "m9-added").mkdir()
    (src / "modules" / "m9-added" / "module.yaml").write_text(text, encoding="utf-8")


def _edit_set(src: Path) -> None:
    path = src / "exercises" / "m1-history.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "Put the four Rashidun caliphs in the order",
            "Put the four Rashidun caliphs (an edited prompt) in the order",
            1,
        ),
        encoding="utf-8",
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_incremental_rebuild_after_data_changes_equals_a_fresh_build(tmp_path, jobs):
    src = small_course(tmp_path / "src")
    inc = tmp_path / "incremental"
    built(sphinx(src, inc, "-j", jobs))

    # added: a glossary file and a module (pages that list them: the glossary and the syllabus)
    (src / "glossary" / "zz.yaml").write_text(NEW_TERM, encoding="utf-8")
    _new_module(src)
    built(sphinx(src, inc, "-j", jobs))
    built(sphinx(src, tmp_path / "fresh1", "-j", jobs))
    assert "zzyzx-new-term" in glossary_html(inc)
    assert "A module added later" in (inc / "modules" / "syllabus.html").read_text(encoding="utf-8")
    assert_same_html(tmp_path / "fresh1", inc)

    # edited (an exercise set) and removed (the same two files again)
    _edit_set(src)
    (src / "glossary" / "zz.yaml").unlink()
    shutil.rmtree(src / "modules" / "m9-added")
    built(sphinx(src, inc, "-j", jobs))
    built(sphinx(src, tmp_path / "fresh2", "-j", jobs))
    assert "zzyzx-new-term" not in glossary_html(inc)
    assert "(an edited prompt)" in (inc / "modules" / "m1-history" / "exercises.html").read_text(encoding="utf-8")
    assert_same_html(tmp_path / "fresh2", inc)

"""The data layer (course/content): one Course per root, each file read once and again after an edit,
errors naming the file and the line for every kind of data file, and one taxonomy rule everywhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course.content import Course
from course.content import yaml as content_yaml
from course.errors import CourseInputError

FILES = {
    "conf.py": "",
    "pyproject.toml": "",
    "references.bib": "@book{kennedy2016caliphate,\n  author = {Kennedy, Hugh},\n  title = {The Caliphate},\n"
    "  year = {2016},\n}\n",
    "modules/m1/module.yaml": """\
        id: m1
        number: 1
        title: One
        lessons:
          - {doc: l1, title: Lesson one, learner_minutes: 10}
        objectives:
          - {id: m1-o1, lesson: l1, text: Explain the order.}
        """,
    "readings/r1/reading.yaml": """\
        id: r1
        letter: A
        title: A reading
        layout: {mode: blocks}
        redact:
          - {paragraph: 2, text: "www.example.org", replacement: "[web address withheld]"}
        """,
    "readings/r1/source.txt": "First paragraph.\n\nSecond paragraph, see www.example.org today.\n",
    "data/taxonomies/t.yaml": """\
        id: t
        title: Toy
        categories:
          - id: c1
            name: Category one
            definition: A category.
            techniques:
              - {id: t1, name: Technique one, definition: A technique.}
        """,
    "glossary/g.yaml": """\
        - term: Alpha
          definition: The first letter.
        """,
    "data/timeline-x.yaml": """\
        title: X
        alt: A timeline.
        axis: {start: 600, end: 700, step: 50}
        periods:
          - {id: p1, label: P one, start: 632, end: 661, kind: caliphate, source: kennedy2016caliphate}
        events:
          - {year: 650, label: E, source: kennedy2016caliphate}
        """,
    "data/diagnostic.yaml": """\
        title: Check
        instructions: Label each passage.
        forms:
          a:
            title: Form A
            passages:
              - {id: a01, text: Some text., key: none, strand: s}
        """,
    "exercises/s1.yaml": """\
        set: s1
        title: Set one
        module: m1
        items:
          - id: s1-q1
            type: single
            prompt: Which?
            points: 1
            objective: m1-o1
            hints: [Think.]
            explanation: Because.
            choices: {a: Yes, b: No}
            answer: a
          - id: s1-q2
            type: annotate
            prompt: Label the paragraphs.
            points: 1
            objective: m1-o1
            hints: [Look.]
            explanation: Because.
            reading: r1
            taxonomy: t
            labels: {1: t1, 2: none}
        """,
}


def _course(tmp_path: Path) -> Course:
    for rel, text in FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return Course(tmp_path)


def _everything(c: Course) -> None:
    assert [m.id for m in c.modules] == ["m1"]
    assert c.reading("r1").paragraphs[1].text.startswith("Second")
    assert [s.id for s in c.exercise_sets] == ["s1"]
    assert {e["term"] for e in c.glossary} == {"Alpha", "Technique one"}
    assert c.taxonomy("t").resolve("Technique One") == "t1"
    assert c.timeline("x")["periods"][0]["id"] == "p1"
    assert list(c.diagnostic.forms) == ["a"]
    assert c.bibliography.short_cite("kennedy2016caliphate") == "Kennedy 2016"
    assert set(c.objectives) == {"m1-o1"}


def test_one_course_object_per_root(tmp_path):
    c = _course(tmp_path)
    assert Course(tmp_path) is c and Course(str(tmp_path / ".")) is c
    assert Course.of(tmp_path) is c


def test_the_current_course_is_the_declared_one_until_released(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path / "found"))
    found, a, b = Course(tmp_path / "found"), Course(tmp_path / "a"), Course(tmp_path / "b")
    assert Course.current() is found  # nothing declared: the one find() locates
    a.use()
    try:
        assert Course.current() is a
        with b.using():
            assert Course.current() is b
        assert Course.current() is a  # the block gives back what was current before it
        b.stop_using()  # not current: changes nothing
        assert Course.current() is a
    finally:
        a.stop_using()
    assert Course.current() is found


def test_each_file_is_read_once(tmp_path, monkeypatch):
    c = _course(tmp_path)
    reads: dict[str, int] = {}
    real = content_yaml.read_text

    def counting(path, **kw):
        reads[str(path)] = reads.get(str(path), 0) + 1
        return real(path, **kw)

    monkeypatch.setattr(content_yaml, "read_text", counting)
    for _ in range(3):
        _everything(c)
    yaml_files = {str(tmp_path / rel) for rel in FILES if rel.endswith(".yaml")}
    assert set(reads) == yaml_files, "every YAML data file is read, and nothing else"
    assert all(n == 1 for n in reads.values()), reads
    # data_files() lists every data file the course reads (for Sphinx's dependency tracking)
    listed = {str(p) for p in c.data_files()}
    assert yaml_files | {str(tmp_path / "readings/r1/source.txt"), str(tmp_path / "references.bib")} == listed


def test_an_edited_file_is_read_again(tmp_path):
    c = _course(tmp_path)
    _everything(c)
    before = c.reads
    path = tmp_path / "modules/m1/module.yaml"
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("title: One", "title: One, revised"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert c.module("m1").title == "One, revised"
    _everything(c)
    assert c.reads == before + 1, "only the edited file is read again"


# kind, file, the broken text (its line of the problem is marked «), how the course is asked for it
BROKEN = [
    (
        "module",
        "modules/m1/module.yaml",
        "id: m1\nnumber: 1\ntitle: One\nlessons:\n  - {doc: l1, title: L}\nobjectives:\n  - {id: m1-o1, lesson: l1}«\n",
        lambda c: c.module("m1"),
        "has no 'text'",
    ),
    (
        "reading",
        "readings/r1/reading.yaml",
        "id: r1\nletter: A\nlayout: {mode: blocks}\nredact:\n"
        '  - {paragraph: 2, text: today, replacement: "[withheld]"}«\n',
        lambda c: c.reading("r1"),
        "not a web address",
    ),
    (
        "exercise set",
        "exercises/s1.yaml",
        "set: s1\ntitle: Set one\nmodule: m1\nitems:\n  - id: s1-q1\n    type: essay«\n    prompt: P\n",
        lambda c: c.exercise_set("s1"),
        "unknown item type 'essay'",
    ),
    (
        "glossary",
        "glossary/g.yaml",
        "- term: Alpha\n  definition: The first letter.\n- term: Beta«\n",
        lambda c: c.glossary,
        "needs 'term' and 'definition'",
    ),
    (
        "taxonomy",
        "data/taxonomies/t.yaml",
        "id: t\ntitle: Toy\ncategories:\n  - id: c1«\n    name: C\n    techniques:\n"
        "      - {id: t1, name: T, definition: D}\n",
        lambda c: c.taxonomy("t"),
        "'definition' is missing",
    ),
    (
        "timeline",
        "data/timeline-x.yaml",
        "title: X\nalt: A.\naxis: {start: 600, end: 700, step: 50}\nperiods:\n"
        "  - {id: p1, label: P, start: 632, end: 661, kind: empire, source: k}«\nevents: []\n",
        lambda c: c.timeline("x"),
        "kind 'empire'",
    ),
    (
        "diagnostic",
        "data/diagnostic.yaml",
        "title: C\nforms:\n  a:\n    title: A\n    passages:\n      - {id: a01, text: T.}«\n",
        lambda c: c.diagnostic,
        "needs id, text, key and strand",
    ),
    (
        "YAML syntax",
        "modules/m1/module.yaml",
        "id: m1\ntitle: One\ntitle: Two«\n",
        lambda c: c.module("m1"),
        "appears twice",
    ),
]


@pytest.mark.parametrize("kind, rel, text, ask, needle", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_file_is_reported_at_its_file_and_line(tmp_path, kind, rel, text, ask, needle):
    c = _course(tmp_path)
    line = text.split("«")[0].count("\n") + 1
    (tmp_path / rel).write_text(text.replace("«", ""), encoding="utf-8")
    with pytest.raises(CourseInputError) as err:
        ask(c)
    message = str(err.value)
    assert re.match(rf"{re.escape(str(tmp_path / rel))}, line {line}[:,]", message), message
    assert needle in message
    assert "Traceback" not in message and "\n" not in message


TAXONOMY_WITHOUT_DEFINITION = """\
    id: t
    title: Toy
    categories:
      - id: c1
        name: Category one
        techniques:
          - {id: t1, name: Technique one, definition: A technique.}
    """


def test_a_category_without_definition_fails_in_the_engine(tmp_path):
    c = _course(tmp_path)
    (tmp_path / "data/taxonomies/t.yaml").write_text(textwrap.dedent(TAXONOMY_WITHOUT_DEFINITION), encoding="utf-8")
    with pytest.raises(CourseInputError, match=r"t\.yaml, line 4: .*'definition' is missing"):
        c.exercise_set("s1")  # the annotate item's labels are checked against the taxonomy
    with pytest.raises(CourseInputError, match="'definition' is missing"):
        _ = c.glossary


def test_a_category_without_definition_fails_in_the_book(tmp_path):
    src = tmp_path / "book"
    (src / "data" / "taxonomies").mkdir(parents=True)
    (src / "data" / "taxonomies" / "t.yaml").write_text(textwrap.dedent(TAXONOMY_WITHOUT_DEFINITION), encoding="utf-8")
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "course.sphinxext.taxonomy"]\nproject = "t"\nexclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text("# T\n\n```{taxonomy-table} t\n```\n", encoding="utf-8")
    # a separate process: Sphinx registers node classes process-wide, which would warn in later builds
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", str(src), str(src / "_build")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert re.search(r"t\.yaml(:|, line )4\b", run.stderr) and "'definition' is missing" in run.stderr, run.stderr
    assert "Category one" not in (src / "_build" / "index.html").read_text(encoding="utf-8")

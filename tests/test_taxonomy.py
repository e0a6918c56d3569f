"""The propaganda taxonomy: the data file's shape, and the ``taxonomy-table`` directive's output."""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import pytest

from course.content import Course
from course.errors import CourseInputError
from course.sphinxext.taxonomy import technique_index

ROOT = Course.find().root


def load_taxonomy(root: Path, name: str) -> dict:
    """The taxonomy as the book renders it (the typed model, dumped)."""
    return Course(root).taxonomy(name).model_dump()


# The SemEval-2023 Task 3 scheme: 6 categories, 23 techniques (Piskorski et al. 2023). These counts
# come from the published scheme, not from the file, so a lost or duplicated technique fails here.
SEMEVAL_CATEGORIES = {
    "attack-on-reputation": 5,
    "justification": 5,
    "simplification": 3,
    "distraction": 3,
    "call": 3,
    "manipulative-wording": 4,
}


# --- the data file ---------------------------------------------------------------------------


def test_semeval2023_has_the_published_shape():
    tax = load_taxonomy(ROOT, "semeval2023")
    counts = {c["id"]: len(c["techniques"]) for c in tax["categories"]}
    assert counts == SEMEVAL_CATEGORIES
    assert tax["source"] == "piskorski2023semeval"


def test_every_technique_has_definition_and_example_in_prose():
    tax = load_taxonomy(ROOT, "semeval2023")
    for tech, _cat in technique_index(tax).values():
        for key in ("definition", "example"):
            text = " ".join(str(tech.get(key, "")).split())
            assert len(text.split()) >= 4, f"{tech['id']}: {key} is missing or too short"
        # an example must not just repeat the definition
        assert tech["example"].strip() != tech["definition"].strip()
    names = [t["name"] for t, _ in technique_index(tax).values()]
    assert len(names) == len(set(names)), "technique names are glossary headwords and must be unique"


def test_source_is_in_the_bibliography():
    tax = load_taxonomy(ROOT, "semeval2023")
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    assert f"{{{tax['source']}," in bib


def test_confusable_pairs_name_existing_techniques_and_include_the_published_ones():
    tax = load_taxonomy(ROOT, "semeval2023")
    pairs = {frozenset(p) for p in tax["confusable"]}
    # the two most-confused pairs reported by Stefanovitch & Piskorski (2023)
    assert frozenset({"loaded-language", "name-calling-labeling"}) in pairs
    assert frozenset({"doubt", "questioning-the-reputation"}) in pairs
    index = technique_index(tax)
    for p in pairs:
        assert len(p) == 2 and all(t in index for t in p)


def _write_tax(root: Path, body: str) -> None:
    (root / "data" / "taxonomies").mkdir(parents=True, exist_ok=True)
    (root / "data" / "taxonomies" / "toy.yaml").write_text(textwrap.dedent(body), encoding="utf-8")


def test_loader_rejects_a_confusable_pair_with_an_unknown_id(tmp_path):
    _write_tax(
        tmp_path,
        """\
        id: toy
        categories:
          - id: c1
            name: "One"
            definition: "d"
            techniques:
              - {id: t1, name: "T one", definition: "x"}
        confusable:
          - [t1, t9]
        """,
    )
    with pytest.raises(CourseInputError, match="t9"):
        load_taxonomy(tmp_path, "toy")


def test_loader_rejects_a_technique_without_definition(tmp_path):
    _write_tax(
        tmp_path,
        """\
        id: toy
        categories:
          - id: c1
            name: "One"
            definition: "d"
            techniques:
              - {id: t1, name: "T one"}
        """,
    )
    with pytest.raises(CourseInputError, match="definition"):
        load_taxonomy(tmp_path, "toy")


# --- the directive -----------------------------------------------------------------------------


def _build(src: Path, builder: str = "html") -> tuple[Path, str]:
    from sphinx.application import Sphinx

    out = src / "_build" / builder
    warnings = io.StringIO()
    app = Sphinx(
        str(src),
        str(src),
        str(out),
        str(src / "_build" / "doctrees"),
        builder,
        status=None,
        warning=warnings,
        freshenv=True,
    )
    app.build()
    return out, warnings.getvalue()


def _project(tmp_path: Path, page: str, with_real_taxonomy: bool = False) -> Path:
    src = tmp_path / "proj"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "course.sphinxext.taxonomy"]\n'
        'project = "t"\nroot_doc = "index"\nexclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(textwrap.dedent(page), encoding="utf-8")
    if with_real_taxonomy:
        (src / "data" / "taxonomies").mkdir(parents=True)
        shutil.copy(ROOT / "data" / "taxonomies" / "semeval2023.yaml", src / "data" / "taxonomies")
    return src


def test_directive_renders_every_category_technique_and_example(tmp_path):
    src = _project(
        tmp_path,
        """\
        # T

        ```{taxonomy-table} semeval2023
        ```
        """,
        with_real_taxonomy=True,
    )
    out, warnings = _build(src)
    assert "ERROR" not in warnings and "WARNING" not in warnings, warnings
    html = (out / "index.html").read_text(encoding="utf-8")
    tax = load_taxonomy(src, "semeval2023")
    for cat in tax["categories"]:
        assert cat["name"] in html
        for tech in cat["techniques"]:
            assert f'id="technique-{tech["id"]}"' in html
            assert tech["name"] in html
            # apostrophes are escaped by the HTML writer; compare a stretch without them
            stretch = tech["example"].split("'")[0][:30]
            assert stretch in html, tech["id"]
    assert "<table" not in html, "the taxonomy must not be a wide table"
    assert html.count('class="rubric"') == len(tax["categories"])


def test_category_option_filters_to_one_category(tmp_path):
    src = _project(
        tmp_path,
        """\
        # T

        ```{taxonomy-table} semeval2023
        :category: call
        ```
        """,
        with_real_taxonomy=True,
    )
    out, warnings = _build(src)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Appeal to time" in html and "Slogans" in html
    assert "Loaded language" not in html and "Straw man" not in html
    assert html.count('class="rubric"') == 1


def test_confusable_flag_lists_pairs_with_their_categories(tmp_path):
    src = _project(
        tmp_path,
        """\
        # T

        ```{taxonomy-table} semeval2023
        :confusable:
        ```
        """,
        with_real_taxonomy=True,
    )
    out, _ = _build(src)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Loaded language" in html and "Name calling or labelling" in html
    assert "(Manipulative wording)" in html and "(Attack on reputation)" in html


def test_unknown_category_is_reported_with_the_valid_ones(tmp_path):
    src = _project(
        tmp_path,
        """\
        # T

        ```{taxonomy-table} semeval2023
        :category: nonsense
        ```
        """,
        with_real_taxonomy=True,
    )
    _, warnings = _build(src)
    assert "no category 'nonsense'" in warnings
    assert "attack-on-reputation" in warnings


def test_unknown_taxonomy_is_reported(tmp_path):
    src = _project(
        tmp_path,
        """\
        # T

        ```{taxonomy-table} nosuch
        ```
        """,
        with_real_taxonomy=True,
    )
    _, warnings = _build(src)
    assert "no taxonomy 'nosuch'" in warnings and "semeval2023" in warnings


def test_same_category_twice_on_a_page_keeps_ids_unique(tmp_path):
    src = _project(
        tmp_path,
        """\
        # T

        ```{taxonomy-table} semeval2023
        :category: call
        ```

        ```{taxonomy-table} semeval2023
        :category: call
        ```
        """,
        with_real_taxonomy=True,
    )
    out, warnings = _build(src)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count('id="technique-slogans"') == 1
    assert "Duplicate" not in warnings


def test_latex_output_uses_headings_and_description_lists_not_tables(tmp_path):
    src = _project(
        tmp_path,
        """\
        # T

        ```{taxonomy-table} semeval2023
        :category: simplification
        ```
        """,
        with_real_taxonomy=True,
    )
    out, warnings = _build(src, "latex")
    tex = next(out.glob("*.tex")).read_text(encoding="utf-8")
    assert "Causal oversimplification" in tex
    assert "\\begin{description}" in tex
    assert "tabular" not in tex.split("\\begin{document}")[1]

"""The ``taxonomy-table`` directive: a propaganda taxonomy rendered from its one data file.

Usage in a lesson (MyST)::

    ```{taxonomy-table} semeval2023
    :category: attack-on-reputation
    ```

The argument names ``data/taxonomies/<id>.yaml``. Without ``:category:`` every category is shown; with
it, only that one. ``:confusable:`` (a flag) shows the taxonomy's confusable pairs instead.

The output is built for reading and printing alike: per category a rubric (an unnumbered heading in
HTML, EPUB and LaTeX), the category's definition, then a definition list in which each term is a
technique's name and its body the definition and the example. There is no wide table, so nothing is
cut off in the PDF. Definitions and examples are parsed as inline MyST, so they may cite sources.
Each technique gets the anchor ``technique-<id>`` on the first page that renders it.

The same data file feeds the glossary (course.sphinxext.glossary) and the ``annotate`` exercise
type; this module only renders it.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives

from course.errors import CourseInputError
from course.sphinxext.base import CourseDirective


def technique_index(tax: dict) -> dict[str, tuple[dict, dict]]:
    """technique id → (technique, its category)."""
    return {t["id"]: (t, c) for c in tax["categories"] for t in c["techniques"]}


class TaxonomyTable(CourseDirective):
    required_arguments = 1
    subtype = "taxonomy"
    has_content = False
    option_spec = {"category": directives.unchanged_required, "confusable": directives.flag}

    def _inline(self, text: str) -> list[nodes.Node]:
        parsed, messages = self.state.inline_text(" ".join(str(text).split()), self.lineno)
        return [*parsed, *messages]

    def _claim_id(self, ident: str) -> list[str]:
        """Give an anchor only the first time it appears in a document (ids must be unique)."""
        doc = self.state.document
        used = doc.__dict__.setdefault("_course_taxonomy_ids", set())
        if ident in used:
            return []
        used.add(ident)
        return [ident]

    def run(self):
        tax_id = self.arguments[0].strip()
        self.note_data(self.course.taxonomy_path(tax_id))
        try:
            tax = self.course.taxonomy(tax_id).model_dump()
        except CourseInputError as exc:
            return self.data_error(exc)

        if "confusable" in self.options:
            return [self._confusable(tax)]

        cats = tax["categories"]
        wanted = self.options.get("category")
        if wanted:
            cats = [c for c in cats if c["id"] == wanted]
            if not cats:
                valid = ", ".join(c["id"] for c in tax["categories"])
                return self.usage_error(f"taxonomy '{tax_id}' has no category '{wanted}'. Valid categories: {valid}.")

        box = nodes.container(classes=["taxonomy-table", f"taxonomy-{tax_id}"])
        for cat in cats:
            section = nodes.container(
                classes=["taxonomy-category"], ids=self._claim_id(f"taxonomy-{tax_id}-{cat['id']}")
            )
            n = len(cat["techniques"])
            rubric = nodes.rubric("", f"{cat['name']} ({n} technique{'s' if n != 1 else ''})")
            section += rubric
            section += nodes.paragraph("", "", *self._inline(cat["definition"]))
            dl = nodes.definition_list(classes=["taxonomy-techniques"])
            for tech in cat["techniques"]:
                item = nodes.definition_list_item()
                term = nodes.term("", "", ids=self._claim_id(f"technique-{tech['id']}"))
                term += nodes.strong("", tech["name"])
                item += term
                body = nodes.definition()
                body += nodes.paragraph("", "", *self._inline(tech["definition"]))
                if tech.get("example"):
                    ex = nodes.paragraph(classes=["taxonomy-example"])
                    ex += nodes.emphasis("", "Example: ")
                    ex += nodes.Text("“")
                    ex.extend(self._inline(tech["example"]))
                    ex += nodes.Text("”")
                    body += ex
                item += body
                dl += item
            section += dl
            box += section
        return [box]

    def _confusable(self, tax: dict) -> nodes.Node:
        index = technique_index(tax)
        pairs = tax.get("confusable") or []
        if not pairs:
            self.usage_error(f"taxonomy '{tax['id']}' lists no confusable pairs.")
            return nodes.container()
        lst = nodes.bullet_list(classes=["taxonomy-confusable"])
        for a, b in pairs:
            (ta, ca), (tb, cb) = index[a], index[b]
            para = nodes.paragraph()
            para += nodes.strong("", ta["name"])
            para += nodes.Text(f" ({ca['name']}) and ")
            para += nodes.strong("", tb["name"])
            para += nodes.Text(f" ({cb['name']})")
            item = nodes.list_item()
            item += para
            lst += item
        return lst


def setup(app):
    """For a book that uses this directive alone (course.sphinxext registers it itself)."""
    app.setup_extension("course.sphinxext.domain")
    app.add_directive("taxonomy-table", TaxonomyTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""The glossary page, generated from data: ``glossary/*.yaml`` and the propaganda taxonomy.

Each entry becomes a Sphinx glossary term, so ``{term}`bayʿa``` links to it from any page and the PDF
index lists it. A term is defined once in the whole course; a duplicate is a build error.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList

from course.errors import CourseInputError
from course.sphinxext.base import CourseDirective
from course.sphinxext.folding import fold


class CourseGlossary(CourseDirective):
    has_content = False
    subtype = "glossary"

    def run(self):
        try:
            entries = self.course.glossary
        except CourseInputError as exc:
            return self.data_error(exc)
        self.note_data(*self.course.glossary_files())
        for pattern in DATA_FILES:
            self.domain.note_listing(self.env.docname, pattern)
        # sorted by the folded form (ʿulamāʾ with the U's, ḥizb with the H's), not by code point
        lines = ["```{glossary}"]
        for e in sorted(entries, key=lambda e: (fold(str(e["term"])), str(e["term"]))):
            lines.append(str(e["term"]).strip())
            body = " ".join(str(e["definition"]).split())
            if e.get("arabic"):
                body = f"({{ar}}`{str(e['arabic']).strip()}`) " + body
            if e.get("see"):
                body += " See also: " + ", ".join(f"{{term}}`{s}`" for s in e["see"]) + "."
            lines.append("   " + body)
            lines.append("")
        lines.append("```")
        box = nodes.container(classes=["course-glossary"])
        self.state.nested_parse(StringList(lines, source="glossary"), 0, box)
        return list(box.children)


#: the data folders whose files the glossary lists (a file added there re-reads the glossary page)
DATA_FILES = ("glossary/*.yaml", "data/taxonomies/*.yaml")


def setup(app):
    app.add_directive("course-glossary", CourseGlossary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

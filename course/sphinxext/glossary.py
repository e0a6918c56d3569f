"""The glossary page, generated from data: ``glossary/*.yaml`` and the propaganda taxonomy.

Each entry becomes a Sphinx glossary term, so ``{term}`bayʿa``` links to it from any page and the PDF
index lists it. A term is defined once in the whole course; a duplicate is a build error.
"""

from __future__ import annotations

from pathlib import Path

from docutils.parsers.rst import Directive
from docutils.statemachine import StringList

from course.errors import CourseInputError
from course.sphinxext.folding import fold
from course.content import Course


class CourseGlossary(Directive):
    has_content = False

    def run(self):
        env = self.state.document.settings.env
        course = Course.find()
        root = course.root
        try:
            entries = course.glossary
        except CourseInputError as exc:
            raise self.error(str(exc)) from None
        for f in {e["_file"] for e in entries}:
            env.note_dependency(str(root / f))
        env.course_glossary_files = _data_files(root)
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
        container = []
        from docutils import nodes
        box = nodes.container(classes=["course-glossary"])
        self.state.nested_parse(StringList(lines, source="glossary"), 0, box)
        container.extend(box.children)
        return container


def _data_files(root: Path) -> list[str]:
    return sorted(str(p) for p in Course(root).glossary_files())


def _outdated(app, env, added, changed, removed):
    """A glossary file added or removed: rebuild the glossary page (edits are tracked as
    dependencies of the page; folders cannot be, since Sphinx treats them as always changed)."""
    known = getattr(env, "course_glossary_files", None)
    if known is not None and known != _data_files(Course.find().root):
        return [d for d in env.found_docs if d == "glossary"]
    return []


def setup(app):
    app.add_directive("course-glossary", CourseGlossary)
    app.connect("env-get-outdated", _outdated)

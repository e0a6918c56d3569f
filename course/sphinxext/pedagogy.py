"""Lesson structure: learning objectives (from module.yaml), key points, instructor notes.

Instructor notes exist only in the instructor edition: in the student edition the directive returns
nothing, so the text is absent from every output (HTML, search index, EPUB, PDF), not hidden.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from course.errors import CourseInputError
from course.sphinxext.base import CourseDirective


def is_instructor(config) -> bool:
    return config.course_edition == "instructor"


class Objectives(CourseDirective):
    """The learning objectives module.yaml declares for the current lesson."""

    has_content = False
    subtype = "objectives"

    def run(self):
        parts = self.env.docname.split("/")
        if len(parts) != 3 or parts[0] != "modules":
            return self.usage_error("it belongs in a lesson page modules/<module>/<lesson>.md.")
        self.note_data(self.course.root / "modules" / parts[1] / "module.yaml")
        try:
            module = self.course.module(parts[1])
        except CourseInputError as exc:
            return self.data_error(exc)
        objs = module.objectives_for(parts[2])
        if not objs:
            return self.usage_error(
                f"modules/{parts[1]}/module.yaml declares no objective for lesson "
                f"'{parts[2]}'; add one there (objectives: … lesson: {parts[2]})."
            )
        box = nodes.admonition(classes=["objectives"])
        box += nodes.title("", "Learning objectives")
        box += nodes.paragraph("", "By the end of this lesson you will be able to:")
        lst = nodes.bullet_list()
        for o in objs:
            item = nodes.list_item(ids=[f"objective-{o.id}"])
            item += nodes.paragraph("", o.text)
            lst += item
        box += lst
        return [box]


class KeyPoints(SphinxDirective):
    has_content = True

    def run(self):
        box = nodes.admonition(classes=["keypoints"])
        box += nodes.title("", "Key points")
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


class InstructorNote(SphinxDirective):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self):
        if not is_instructor(self.env.config):
            return []
        box = nodes.admonition(classes=["instructor-note"])
        title = "Instructor note" + (f": {self.arguments[0]}" if self.arguments else "")
        box += nodes.title("", title)
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]

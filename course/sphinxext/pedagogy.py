"""Lesson structure: learning objectives (from module.yaml), key points, instructor notes.

Instructor notes exist only in the instructor edition: in the student edition the directive returns
nothing, so the text is absent from every output (HTML, search index, EPUB, PDF), not hidden.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.util import logging

from course.errors import CourseInputError
from course.content import Course

logger = logging.getLogger(__name__)


def is_instructor(config) -> bool:
    return config.course_edition == "instructor"


class Objectives(Directive):
    """The learning objectives module.yaml declares for the current lesson."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        parts = env.docname.split("/")
        if len(parts) != 3 or parts[0] != "modules":
            raise self.error("{objectives} belongs in a lesson page modules/<module>/<lesson>.md.")
        try:
            module = Course.find().module(parts[1])
        except CourseInputError as exc:
            raise self.error(str(exc)) from None
        env.note_dependency(str(module.path))
        objs = module.objectives_for(parts[2])
        if not objs:
            raise self.error(f"modules/{parts[1]}/module.yaml declares no objective for lesson '{parts[2]}'.")
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


class KeyPoints(Directive):
    has_content = True

    def run(self):
        box = nodes.admonition(classes=["keypoints"])
        box += nodes.title("", "Key points")
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


class InstructorNote(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self):
        env = self.state.document.settings.env
        if not is_instructor(env.config):
            return []
        box = nodes.admonition(classes=["instructor-note"])
        title = "Instructor note" + (f": {self.arguments[0]}" if self.arguments else "")
        box += nodes.title("", title)
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


def setup(app):
    app.add_config_value("course_edition", "student", "env", [str])
    app.add_directive("objectives", Objectives)
    app.add_directive("keypoints", KeyPoints)
    app.add_directive("instructor-note", InstructorNote)

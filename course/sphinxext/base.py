"""What every directive of the book shares: the course's data, and one way to report a problem.

Every problem is a Sphinx warning (an error under ``-W``, as ``course build`` runs it) of type
``course``, with a location: the course's YAML file and line when the data is wrong, the page and
line of the directive when its use is wrong. The directive then renders nothing.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from course.sphinxext.data import Course, where
from course.sphinxext.domain import CourseDomain, course_domain

logger = logging.getLogger("course.sphinxext")


def warn(message: str, location, subtype: str) -> None:
    logger.warning(message, location=location, type="course", subtype=subtype)


def warn_data_error(exc: Exception, subtype: str = "data", fallback=None) -> None:
    """A data file is wrong: report it at that file and line (or at ``fallback``, a page location,
    when the error names no file)."""
    w = where(exc)
    if w.location:
        warn(w.message, w.location, subtype)
    else:
        warn(str(exc), fallback, subtype)


class CourseDirective(SphinxDirective):
    """A directive of the course's book (``self.course``: the course's data for this build)."""

    #: the warning subtype of this directive's problems
    subtype = "directive"

    @property
    def domain(self) -> CourseDomain:
        return course_domain(self.env)

    @property
    def course(self) -> Course:
        return self.domain.content

    def usage_error(self, message: str) -> list[nodes.Node]:
        """The directive is used wrongly: warn at the directive's page and line; render nothing."""
        warn(f"{self.name}: {message}", self.get_location(), self.subtype)
        return []

    def data_error(self, exc: Exception) -> list[nodes.Node]:
        """The data behind the directive is wrong: warn at the data file and line; render nothing."""
        warn_data_error(exc, self.subtype, fallback=self.get_location())
        return []

    def note_data(self, *paths) -> None:
        """This page shows these data files: read it again when one of them changes."""
        for p in paths:
            self.env.note_dependency(str(p))

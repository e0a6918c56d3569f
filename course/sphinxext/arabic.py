"""Arabic script: the {ar} role, the ``arabic`` block, and the unmarked-Arabic check.

HTML and EPUB get ``lang="ar" dir="rtl"``; LaTeX gets ``\\textarabic{…}`` or the
``otherlanguage`` environment (polyglossia, Amiri font). myst-parser drops ``lang``/``dir``
attributes, hence these nodes. Any Arabic-script character outside this markup is a build warning
(an error under ``-W``) naming the file and line, because XeLaTeX would print it in the wrong order
with unjoined letters and no warning of its own.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from course.content.readings import ARABIC_RE

logger = logging.getLogger(__name__)


class ar_inline(nodes.inline):
    """An inline run of Arabic script."""


class ar_block(nodes.container):
    """A block of Arabic script (one or more paragraphs)."""


def ar_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [ar_inline(rawtext, text, classes=["ar"])], []


class ArabicDirective(SphinxDirective):
    """```{arabic}``` — the content is Arabic text, kept as written (no markup inside)."""

    has_content = True

    def run(self):
        block = ar_block(classes=["ar"])
        self.add_name(block)
        para_lines: list[str] = []
        for line in list(self.content) + [""]:
            if line.strip():
                para_lines.append(line.strip())
            elif para_lines:
                block += nodes.paragraph("", " ".join(para_lines))
                para_lines = []
        block.source, block.line = self.state_machine.get_source_and_line(self.lineno)
        return [block]


def visit_ar_inline_html(self, node):
    self.body.append(self.starttag(node, "span", "", lang="ar", dir="rtl"))


def depart_ar_inline_html(self, node):
    self.body.append("</span>")


def visit_ar_block_html(self, node):
    self.body.append(self.starttag(node, "div", "", lang="ar", dir="rtl"))


def depart_ar_block_html(self, node):
    self.body.append("</div>\n")


def visit_ar_inline_latex(self, node):
    # \textarabic, not \foreignlanguage: the latter leaks right-to-left state into the next float
    # (figure captions then print reversed in Amiri).
    self.body.append(r"\textarabic{")


def depart_ar_inline_latex(self, node):
    self.body.append("}")


def visit_ar_block_latex(self, node):
    self.body.append("\n\\begin{otherlanguage}{arabic}\n")


def depart_ar_block_latex(self, node):
    self.body.append("\n\\end{otherlanguage}\n")


def _noop(self, node):
    pass


def _inside_arabic(node: nodes.Node) -> bool:
    p = node.parent
    while p is not None:
        if isinstance(p, (ar_inline, ar_block)):
            return True
        p = p.parent
    return False


def check_unmarked_arabic(app, doctree: nodes.document) -> None:
    for text in doctree.findall(nodes.Text):
        if ARABIC_RE.search(text.astext()) and not _inside_arabic(text):
            node = text.parent
            while node is not None and not node.line and node.parent is not None:
                node = node.parent
            snippet = text.astext().strip()[:40]
            logger.warning(
                "Arabic script outside Arabic markup: %r. Wrap inline Arabic in {ar}`…` and blocks in "
                "```{arabic}```, or XeLaTeX prints it in the wrong order with unjoined letters.",
                snippet,
                location=node,
                type="course",
                subtype="unmarked-arabic",
            )


#: the builders' visitors of the two nodes, for ``app.add_node(node, **VISITORS)``
AR_INLINE_VISITORS = {
    "html": (visit_ar_inline_html, depart_ar_inline_html),
    "latex": (visit_ar_inline_latex, depart_ar_inline_latex),
    "text": (_noop, _noop),
    "man": (_noop, _noop),
    "texinfo": (_noop, _noop),
}
AR_BLOCK_VISITORS = {
    "html": (visit_ar_block_html, depart_ar_block_html),
    "latex": (visit_ar_block_latex, depart_ar_block_latex),
    "text": (_noop, _noop),
    "man": (_noop, _noop),
    "texinfo": (_noop, _noop),
}

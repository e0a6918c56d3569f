"""The PDF as a book: title and copyright pages, parts, running heads, answer space under printed
exercises, an index sorted by the folded form and set in the text face, and PDF metadata.

Everything here acts on the LaTeX builder only. The words on the title page come from conf.py
(``project``, ``author``, ``version``, ``course_subtitle``, ``course_licence``) and the edition.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from course.items import ITEM_TYPES
from course.sphinxext.folding import fold

# Text face (transliteration: ʿ ʾ ḥ ṣ ṭ ẓ ā ī ū and capitals; checked by tests/test_book_pdf.py),
# sans for headings, FreeMono for code; Amiri for Arabic is set in output.LATEX_PREAMBLE.
FONTPKG = r"""
\setmainfont{Linux Libertine O}[Ligatures=TeX, Numbers=OldStyle]
\setsansfont{Linux Biolinum O}[Ligatures=TeX]
\setmonofont{FreeMono}[Scale=MatchLowercase]
% symbols the text face lacks (the analysis sheet's ballot boxes), from FreeSerif
\newfontfamily\coursesymbolfont{FreeSerif}
\usepackage{newunicodechar}
\newunicodechar{☐}{{\coursesymbolfont ☐}}
"""

BOOK_PREAMBLE = r"""
\makeatletter
% Running heads: chapter title on the left (even) page, section (lesson) title on the right (odd).
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyhead[LE]{{\py@HeaderFamily\small\thepage\hspace{1.5em}\nouppercase{\leftmark}}}%
  \fancyhead[RO]{{\py@HeaderFamily\small\nouppercase{\rightmark}\hspace{1.5em}\thepage}}%
  \if@twoside\else
    \fancyhead[R]{{\py@HeaderFamily\small\nouppercase{\rightmark}\hspace{1.5em}\thepage}}%
  \fi
  \renewcommand{\headrulewidth}{0.3pt}%
  \renewcommand{\footrulewidth}{0pt}%
}
\fancypagestyle{plain}{\fancyhf{}\fancyfoot[C]{{\py@HeaderFamily\small\thepage}}%
  \renewcommand{\headrulewidth}{0pt}\renewcommand{\footrulewidth}{0pt}}
\@ifundefined{chaptermark}{}{%
  \renewcommand{\chaptermark}[1]{\markboth{\ifnum\c@secnumdepth>\m@ne\thechapter.\ \fi#1}{}}}
\renewcommand{\sectionmark}[1]{\markright{#1}}
% Answer space under a printed exercise: a label and N ruled lines
\newcommand{\courseanswerspace}[3]{\par\needspace{#3\baselineskip}\smallskip\noindent{\small\sffamily\color{black!65}#1}\par
  \nopagebreak\begingroup\color{black!40}\count@=#2\relax
  \loop\ifnum\count@>0 \noindent\rule{0pt}{1.9em}\hrulefill\par\advance\count@\m@ne\repeat
  \endgroup\medskip}
\makeatother
% The index in the text face (Sphinx sets entries in typewriter type)
\protected\def\sphinxstyleindexentry#1{#1}
\protected\def\sphinxstyleindexpageref#1{#1}
"""


def tex_escape(text: str) -> str:
    repl = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
    return "".join(repl.get(c, c) for c in text)


def build_date() -> datetime.date:
    """The date on the title page: today, or SOURCE_DATE_EPOCH for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def british(d: datetime.date) -> str:
    return f"{d.day} {d:%B %Y}"


def citation(config, edition_label: str, year: int) -> str:
    return (
        f"{config.author} ({year}). {config.project}: {config.course_subtitle}. "
        f"{edition_label}, version {config.version}."
    )


def title_page(config, edition: str, reader: bool) -> str:
    """The LaTeX of the title page and the copyright page."""
    d = build_date()
    label = "Instructor edition" if edition == "instructor" else "Student edition"
    title = config.project + (": Reader pack" if reader else "")
    subtitle = "The three primary readings, with their frames" if reader else config.course_subtitle
    warning = ""
    if edition == "instructor":
        warning = (
            r"\vspace{1.2em}\fbox{\parbox{0.72\textwidth}{\centering\small\sffamily "
            r"This edition contains the answer keys, marking notes and timing.\\ "
            r"Do not give it to students: they use the student edition.}}\par"
        )
    cite = tex_escape(citation(config, label + (", reader pack" if reader else ""), d.year))
    e = tex_escape
    return rf"""
\begin{{titlepage}}
\thispagestyle{{empty}}
\begingroup\centering
\vspace*{{0.16\textheight}}
{{\sffamily\fontsize{{30}}{{36}}\selectfont {e(title)}\par}}
\vspace{{1.4em}}
{{\Large\itshape {e(subtitle)}\par}}
\vspace{{2.5em}}
\rule{{0.35\textwidth}}{{0.4pt}}\par
\vspace{{1.5em}}
{{\large\scshape {e(label)}\par}}
{warning}
\vfill
{{\large {e(config.author)}\par}}
\vspace{{0.8em}}
{{\sffamily Version {e(config.version)}\quad\textperiodcentered\quad {e(british(d))}\par}}
\endgroup
\end{{titlepage}}
\clearpage
\thispagestyle{{empty}}
\vspace*{{\fill}}
{{\small\setlength{{\parskip}}{{0.6em}}\setlength{{\parindent}}{{0pt}}
\textit{{{e(title)}}}. {e(label)}, version {e(config.version)}, {e(d.isoformat())}.

\copyright\ {d.year} {e(config.author)}. {e(config.course_licence)}

\textbf{{How to cite.}} {cite}

Set in Linux Libertine and Linux Biolinum, with Arabic in Amiri; typeset with XeLaTeX from the
course's sources.
\par}}
\clearpage
"""


def configure_latex(app, config):
    """Fill latex_elements for the book (and the reader pack); conf.py stays a list of options."""
    edition = config.course_edition
    reader = app.tags.has("reader")
    el = dict(config.latex_elements)
    el.setdefault("fontpkg", FONTPKG)
    el["preamble"] = el.get("preamble", "") + BOOK_PREAMBLE + metadata(config, edition, reader)
    el.setdefault("maketitle", title_page(config, edition, reader))
    # (the marks cleared after the contents: the book's opening page has no running head)
    el.setdefault(
        "tableofcontents",
        r"\setcounter{tocdepth}{1}\sphinxtableofcontents\markboth{}{}"
        if not reader
        else r"\setcounter{tocdepth}{1}\tableofcontents\clearpage",
    )
    el.setdefault("extraclassoptions", "openany,twoside" if not reader else "oneside")
    config.latex_elements = el


def metadata(config, edition: str, reader: bool) -> str:
    label = "Instructor edition" if edition == "instructor" else "Student edition"
    title = config.project + (": Reader pack" if reader else "") + f" ({label})"
    subject = config.course_subtitle
    keywords = "caliphate, Islamic history, propaganda analysis, Hizb ut-Tahrir, Khilafat Movement"
    e = tex_escape
    return (
        r"\AtBeginDocument{\hypersetup{pdftitle={"
        + e(title)
        + "}, pdfauthor={"
        + e(config.author)
        + "}, pdfsubject={"
        + e(subject)
        + "}, pdfkeywords={"
        + keywords
        + "}, pdflang={en-GB}}}\n"
        # the document language in the catalogue (hyperref's pdflang does not reach xdvipdfmx)
        + r"\AtBeginDocument{\special{pdf:put @catalog <</Lang (en-GB)>>}}"
        + "\n"
    )


# ------------------------------------------------------------------------------------------------
# Parts and answer space (doctree level)


def add_parts(app, doctree, docname):
    """Open a part (Course, Readings, Reference) at each toctree of the root page, named by its
    caption."""
    if app.builder.format != "latex" or app.tags.has("reader"):
        return
    if docname != app.config.root_doc:
        return
    firsts = {}
    for toctree in app.env.get_doctree(docname).findall(addnodes.toctree):
        entries = [doc for _, doc in toctree["entries"]]
        if toctree.get("caption") and entries:
            firsts[entries[0]] = toctree["caption"]
    for sof in list(doctree.findall(addnodes.start_of_file)):
        caption = firsts.pop(sof.get("docname"), None)
        if caption:
            sof.parent.insert(
                sof.parent.index(sof), nodes.raw("", "\n\\part{%s}\n" % tex_escape(caption), format="latex")
            )


def _inside_included_file(node) -> bool:
    p = node.parent
    while p is not None:
        if isinstance(p, addnodes.start_of_file):
            return True
        p = p.parent
    return False


def add_answer_space(app, doctree, docname):
    """Under each printed exercise of the student edition, ruled lines sized to the item type (its
    ``print_answer_lines`` and ``print_answer_label`` in course/items/)."""
    if app.builder.format != "latex" or app.config.course_edition == "instructor":
        return
    for box in doctree.findall(nodes.container):
        if "exercise-item" not in box["classes"]:
            continue
        kind = next(
            (
                ITEM_TYPES[c[len("exercise-") :]]
                for c in box["classes"]
                if c.startswith("exercise-") and c[len("exercise-") :] in ITEM_TYPES
            ),
            None,
        )
        if kind:
            lines = kind.print_answer_lines
            # keep the label with its first lines (up to four) on one page
            box += nodes.raw(
                "",
                "\n\\courseanswerspace{%s}{%d}{%d}\n" % (kind.print_answer_label, lines, 2 * min(lines, 4) + 2),
                format="latex",
            )


# ------------------------------------------------------------------------------------------------
# Index: sort keys folded (ʿulamāʾ under U, ḥizb under H, not "Non-alphabetical")

_INDEX_RE = re.compile(r"\\index\{")


def _fold_index_keys(entry: str) -> str:
    """``key@display!key@display|…`` with each sort key folded."""
    out, depth = [], 0
    parts, cur = [], []
    # split at top-level '!' (sub-entries), keeping '|…' with the last part
    for ch in entry:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "!" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    for p in parts:
        depth = 0
        for j, ch in enumerate(p):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "@" and depth == 0:
                key = fold(re.sub(r"\\sphinxhyphen\{\}", "-", p[:j]))
                key = re.sub(r"[\\{}]", "", key).strip() or p[:j]
                p = key + p[j:]
                break
        out.append(p)
    return "!".join(out)


def fold_index(tex: str) -> str:
    res, pos = [], 0
    for m in _INDEX_RE.finditer(tex):
        if m.start() < pos:
            continue
        depth, j = 1, m.end()
        while j < len(tex) and depth:
            if tex[j] == "{" and tex[j - 1] != "\\":
                depth += 1
            elif tex[j] == "}" and tex[j - 1] != "\\":
                depth -= 1
            j += 1
        res.append(tex[pos : m.end()])
        res.append(_fold_index_keys(tex[m.end() : j - 1]))
        res.append("}")
        pos = j
    res.append(tex[pos:])
    return "".join(res)


def fold_index_in_tex(app, exc):
    if exc is not None or app.builder.format != "latex":
        return
    for tex in Path(app.outdir).glob("*.tex"):
        text = tex.read_text(encoding="utf-8")
        folded = fold_index(text)
        if folded != text:
            tex.write_text(folded, encoding="utf-8")

# Sphinx configuration for Reading the Caliphate. Thin on purpose: the machinery lives in the
# `course` package (course.sphinxext); this file only chooses options.
from course import __version__
from course.sphinxext.output import LATEX_PREAMBLE, READER_PREAMBLE, edition_settings

project = "Reading the Caliphate"
author = "The Reading the Caliphate authors"
copyright = "2026, the Reading the Caliphate authors (text CC BY 4.0, code MIT)"
version = release = __version__
language = "en"

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "course.sphinxext",
]

# Editions: `-t instructor` builds the instructor edition (answers, notes, timing).
_edition = edition_settings(tags)  # noqa: F821 (tags is provided by Sphinx)
course_edition = _edition["course_edition"]
html_copy_source = _edition["html_copy_source"]
html_show_sourcelink = _edition["html_show_sourcelink"]

# Title and copyright pages of the PDF (course/sphinxext/latexbook.py adds edition, version, date)
course_subtitle = "A critical course on the caliphate in history, its modern revivals, and propaganda analysis"
course_licence = "Text licensed under CC BY 4.0; code under the MIT licence."

# Readings: "full" (default) or "excerpts" (only the paragraphs lessons and exercises cite).
course_readings = "full"

root_doc = "index"
# The book is these files only (an allow-list, so no stray README can slip in).
include_patterns = ["index.md", "glossary.md", "bibliography.md", "modules/**", "readings/**", "instructor/**"]
exclude_patterns = ["**/README.md", *_edition["exclude_extra"]]
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block"]
myst_heading_anchors = 3
nitpicky = True
smartquotes = True

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "course"  # author–year, see course/sphinxext/bibstyle.py
bibtex_reference_style = "course"  # author–year, year with its a/b from the list label

# HTML: sphinx-book-theme, fully offline (no CDN, no fonts from the web).
html_theme = "sphinx_book_theme"
html_title = _edition["html_title"]  # "… — Instructor edition" in that edition
html_last_updated_fmt = None
html_theme_options = {
    "use_download_button": _edition["use_download_button"],
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_source_button": False,
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "announcement": _edition["announcement"],  # the instructor edition's banner on every page
    "navbar_persistent": [],  # one search box: the sidebar's (upstream sbt 1.4 + PST 0.20 shows two)
}

# PDF: XeLaTeX with polyglossia; Arabic in Amiri.
latex_engine = "xelatex"
latex_documents = [
    ("index", _edition["basename"] + ".tex", "Reading the Caliphate", "The Reading the Caliphate authors", "manual")
]
latex_elements = {"papersize": "a4paper", "pointsize": "11pt", "preamble": LATEX_PREAMBLE}
latex_show_urls = "no"

# EPUB
epub_basename = _edition["basename"]
epub_title = _edition["html_title"]
epub_identifier = epub_uid = _edition["basename"] + "-2026"  # each edition its own publication
epub_publisher = author
epub_show_urls = "no"
epub_exclude_files = [".buildinfo.bak"]  # Sphinx keeps the old build info there after a config change

# The reader pack (`course build reader`, i.e. `-t reader`): its own root page, the three readings
# only, wide margins and generous line spacing for annotation. Every other build leaves its root page out.
if tags.has("reader"):  # noqa: F821
    root_doc = "readings/reader-pack"
    exclude_patterns += ["index.md", "modules", "glossary.md", "bibliography.md", "instructor", "readings/index.md"]
    latex_documents = [
        (root_doc, _edition["reader_basename"] + ".tex", "Reading the Caliphate: Reader pack", author, "howto")
    ]
    latex_elements |= {"preamble": READER_PREAMBLE, "sphinxsetup": "hmargin={4cm,4cm}, vmargin={3cm,3cm}"}
else:
    exclude_patterns += ["readings/reader-pack.md"]

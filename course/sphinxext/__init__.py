"""The course's Sphinx extension: ``extensions = [..., "course.sphinxext"]`` in conf.py.

It adds the course's markup (Arabic, paragraph links, reading pages, objectives, key points,
instructor notes, glossary, exercise sets, self-check, diagnostic, syllabus, timeline, taxonomy
tables) and the output fixes for HTML, PDF and EPUB. :func:`setup` below is the table of contents:
everything the extension registers, in the order Sphinx uses it. The parts:

- ``domain``: the per-page state (``CourseDomain``) and the course's data, loaded once per build
  from Sphinx's source folder (``data.Course``); ``base``: what every directive shares (data access,
  warnings at the YAML file and line).
- ``arabic``, ``readingpages``, ``pedagogy``, ``glossary``, ``exercises`` (+ ``selfcheck_html``,
  ``diagnostic``), ``syllabus``, ``timeline``, ``taxonomy``: the markup.
- ``output`` (editions, static files), ``latexbook`` (the PDF), ``bibstyle`` (author–year),
  ``folding`` (search that folds transliteration), ``lean`` and ``previews`` (lighter HTML pages).
"""

from __future__ import annotations

from course import __version__
from course.sphinxext import (
    arabic,
    bibstyle,
    diagnostic,
    exercises,
    folding,
    glossary,
    latexbook,
    lean,
    output,
    pedagogy,
    previews,
    readingpages,
    selfcheck_html,
    syllabus,
    taxonomy,
    timeline,
)
from course.sphinxext.domain import (
    CourseDomain,
    freeze_loaded,
    outdated_listings,
    unfreeze,
    use_source_course,
)


def data_files_outdated(app, env, added, changed, removed):
    """Pages that list a data folder (the glossary, the syllabus...) when a file was added to it
    or removed from it. Edits of data files are ordinary dependencies (``env.note_dependency``)."""
    return outdated_listings(env, sorted(set(env.found_docs) - added - changed))


def setup(app):
    # Plug-ins of other packages, replaced before anything is read
    output.register_pybtex_backend()
    bibstyle.register_styles()
    folding.register_search_language()

    # Configuration (conf.py)
    app.add_config_value("course_edition", "student", "env", [str])  # set by the -t instructor tag
    app.add_config_value("course_readings", "full", "env", [str])  # "full" or "excerpts"
    app.add_config_value("course_subtitle", "", "env")  # PDF title page
    app.add_config_value("course_licence", "", "env")

    # Nodes
    app.add_node(arabic.ar_inline, **arabic.AR_INLINE_VISITORS)
    app.add_node(arabic.ar_block, **arabic.AR_BLOCK_VISITORS)
    for node in (
        readingpages.para_ref,
        readingpages.reading_text,
        readingpages.reading_backlinks,
        readingpages.readings_table,
        readingpages.excerpts_coverage,
    ):
        app.add_node(node)
    app.add_node(selfcheck_html.selfcheck, **selfcheck_html.VISITORS["selfcheck"])
    app.add_node(selfcheck_html.selfcheck_tools, **selfcheck_html.VISITORS["selfcheck_tools"])

    # Roles and directives
    app.add_role("ar", arabic.ar_role)
    app.add_role("para", readingpages.para_role)
    app.add_directive("arabic", arabic.ArabicDirective)
    app.add_directive("reading-provenance", readingpages.ReadingProvenance)
    app.add_directive("reading-text", readingpages.ReadingText)
    app.add_directive("reading-backlinks", readingpages.ReadingBacklinks)
    app.add_directive("readings-table", readingpages.ReadingsTable)
    app.add_directive("excerpts-coverage", readingpages.ExcerptsCoverage)
    app.add_directive("objectives", pedagogy.Objectives)
    app.add_directive("keypoints", pedagogy.KeyPoints)
    app.add_directive("instructor-note", pedagogy.InstructorNote)
    app.add_directive("course-glossary", glossary.CourseGlossary)
    app.add_directive("exercise-set", exercises.ExerciseSetDirective)
    app.add_directive("practice", exercises.PracticeDirective)
    app.add_directive("discernment-check", diagnostic.DiscernmentCheckDirective)
    app.add_directive("syllabus", syllabus.SyllabusDirective)
    app.add_directive("timeline", timeline.TimelineDirective)
    app.add_directive("taxonomy-table", taxonomy.TaxonomyTable)

    # The per-page state (purged and merged by Sphinx, so -j N and incremental builds are right)
    app.add_domain(CourseDomain)

    # Static files (before the builder's own)
    app.add_css_file("course.css")
    app.add_css_file("course-book.css")

    # Events, in the order Sphinx emits them
    app.connect("config-inited", use_source_course, priority=100)  # first: what the rest reads
    app.connect("config-inited", readingpages.check_mode)
    app.connect("config-inited", output.add_static)
    app.connect("config-inited", latexbook.configure_latex, priority=800)
    app.connect("builder-inited", timeline.choose_formats)
    app.connect("builder-inited", exercises.item_quality)
    app.connect("builder-inited", selfcheck_html._builder_inited)
    app.connect("builder-inited", previews.add_script)
    app.connect("builder-inited", freeze_loaded, priority=900)  # last: after the data is loaded
    app.connect("env-get-outdated", readingpages.outdated)
    app.connect("env-get-outdated", data_files_outdated)
    app.connect("env-get-outdated", selfcheck_html.practice_outdated)
    app.connect("env-get-outdated", timeline.outdated)
    app.connect("env-before-read-docs", selfcheck_html.forget_moving_labels)
    app.connect("source-read", output.add_instructor_toctree)
    app.connect("doctree-read", arabic.check_unmarked_arabic)
    app.connect("doctree-read", readingpages.collect_citations)
    app.connect("env-updated", freeze_loaded, priority=900)  # what reading made, before writing
    app.connect("doctree-resolved", readingpages.resolve)
    app.connect("doctree-resolved", output.drop_empty_bibliography_chapter)
    app.connect("doctree-resolved", selfcheck_html._drop_elsewhere)
    app.connect("doctree-resolved", latexbook.add_parts)
    app.connect("doctree-resolved", latexbook.add_answer_space)
    app.connect("html-page-context", selfcheck_html._page_context)
    app.connect("build-finished", readingpages.write_coverage)
    app.connect("build-finished", selfcheck_html._build_finished)
    app.connect("build-finished", latexbook.fold_index_in_tex)
    app.connect("build-finished", lean.make_lean)
    app.connect("build-finished", previews.write_previews)
    app.connect("build-finished", unfreeze, priority=900)

    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 4}

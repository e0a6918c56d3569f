"""The in-page self-check in the HTML book: placeholders in the pages, the scripts, and the data files.

- Each exercise item (in its set's page, or placed in a lesson with ``{practice}``) gets a
  ``selfcheck`` node; the set's page gets a ``selfcheck_tools`` node (score, download, load, reset).
  In HTML they become empty ``<div>`` placeholders that ``course/static/selfcheck.js`` fills with
  controls; every other builder (LaTeX, EPUB, text...) drops them, so the PDF and EPUB stay static.
- After the build, ``_static/selfcheck/<set>.js`` holds the item data (keys hashed, see
  :mod:`course.exercises.selfcheck`) of the items on the set's page, and ``<set>--<lesson>.js`` that
  of the practice items one lesson holds (a page loads only the data of its own items: :func:`part_name`);
  ``<part>.later.js`` their encrypted explanations and masked hints (loaded on the first right answer
  or Hint), ``<set>.tpl.js`` the ``course start`` template for "Download
  my answers" (loaded on demand), and ``_static/selfcheck-index.js`` the course index behind the
  progress panel on every page. A set with ``self_check: false`` gets none of this.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from docutils import nodes

from course.errors import CourseInputError
from course.sphinxext.domain import course_data, course_domain

# Every page: the progress panel and the API. Pages with items add their sets' data. The grader
# (ITEM_SCRIPTS) and the answer-file code (LAZY_SCRIPTS) are not in any page's <head>: selfcheck.js
# inserts them as <script> elements when first needed (Check, Hint, progress panel, answer files),
# which works from file:// too. They are only copied to _static/ here.
SCRIPTS = ("selfcheck-index.js", "selfcheck.js")
ITEM_SCRIPTS = ("selfcheck-normalize.js", "selfcheck-grade.js")
LAZY_SCRIPTS = ("selfcheck-yaml.js", "selfcheck-files.js")
_PRACTICE = re.compile(r"^\s*(`{3,}|:{3,})\{practice\}\s+([a-z0-9][a-z0-9-]*)\s*$", re.M)


class selfcheck(nodes.General, nodes.Element):
    """Placeholder for one item's controls."""


class selfcheck_tools(nodes.General, nodes.Element):
    """Placeholder for a set's score line and its answer-file buttons."""


def enabled(exset) -> bool:
    return bool(getattr(exset, "self_check", True))


def item_node(set_id: str, item_id: str) -> nodes.Node:
    return selfcheck("", set_id=set_id, item_id=item_id)


def tools_node(set_id: str) -> nodes.Node:
    return selfcheck_tools("", set_id=set_id)


def _wants_checker(builder) -> bool:
    return builder.format == "html" and not builder.name.startswith("epub") and builder.name != "singlehtml"


# ------------------------------------------------------------------------------------------------
# Where items are practised (the course domain keeps it, and which page holds each set)


def scan_practice(srcdir: Path) -> dict[str, str]:
    """item id → docname of the lesson that places it with ``{practice}`` (scanned from sources)."""
    out: dict[str, str] = {}
    for md in sorted((srcdir / "modules").glob("**/*.md")):
        for m in _PRACTICE.finditer(md.read_text(encoding="utf-8")):
            out.setdefault(m.group(2), md.relative_to(srcdir).with_suffix("").as_posix())
    return out


def _rescan_practice(env) -> bool:
    """Scan the lessons again (in the main process, before reading, so parallel readers inherit
    it); True if they place other items than last time."""
    practice = course_domain(env).practice
    new = scan_practice(Path(env.srcdir))
    changed = new != practice
    practice.clear()
    practice.update(new)
    return changed


def practice_outdated(app, env, added, changed, removed):
    """When lessons place other items than last time, the set pages must be read again."""
    if _rescan_practice(env):
        return sorted(set(course_domain(env).set_pages.values()) & set(env.found_docs))
    return []


def forget_moving_labels(app, env, docnames):
    """An item's label moves between a lesson and its set page; Sphinx clears each page's labels
    only just before reading it, so clear them all now to avoid a false "duplicate label"."""
    _rescan_practice(env)
    std = env.domains.standard_domain
    for docname in docnames:
        std.clear_doc(docname)


# ------------------------------------------------------------------------------------------------
# Rendering


def _drop_elsewhere(app, doctree, docname):
    if _wants_checker(app.builder):
        return
    for node in list(doctree.findall(lambda n: isinstance(n, (selfcheck, selfcheck_tools)))):
        node.parent.remove(node)


def _visit_item(self, node):
    self.body.append(
        f'<div class="selfcheck" data-set="{self.attval(node["set_id"])}" '
        f'data-item="{self.attval(node["item_id"])}"></div>'
    )
    raise nodes.SkipNode


def _visit_tools(self, node):
    self.body.append(f'<div class="selfcheck-tools" data-set="{self.attval(node["set_id"])}"></div>')
    raise nodes.SkipNode


def _skip(self, node):
    raise nodes.SkipNode


def _builder_inited(app):
    if not _wants_checker(app.builder):
        return
    app.add_css_file("selfcheck.css")
    for name in SCRIPTS:
        app.add_js_file(name)


def part_name(set_id: str, docname: str | None, set_page: str) -> str:
    """The data file (under ``_static/selfcheck/``, without ``.js``) of a set's items that page
    ``docname`` holds: ``<set>`` for the set's page, ``<set>--<lesson>`` for a lesson."""
    if not docname or docname == set_page:
        return set_id
    folder = set_page.rsplit("/", 1)[0] + "/" if "/" in set_page else ""
    rest = docname[len(folder) :] if folder and docname.startswith(folder) else docname
    return f"{set_id}--" + re.sub(r"[^A-Za-z0-9_-]+", "-", rest)


def _part_of(env, set_id: str, item_id: str) -> str:
    """The data file holding one item: the lesson that places it, or else the set's page."""
    dom = course_domain(env)
    page = dom.set_pages.get(set_id, "")
    return part_name(set_id, dom.practice.get(item_id, page), page)


def _page_context(app, pagename, templatename, context, doctree):
    if doctree is None or not _wants_checker(app.builder):
        return
    parts = sorted({_part_of(app.env, n["set_id"], n["item_id"]) for n in doctree.findall(selfcheck)})
    for part in parts:
        app.add_js_file(f"selfcheck/{part}.js")


def _build_finished(app, exception):
    if exception is not None or not _wants_checker(app.builder):
        return
    write_data(app)


def _js(var_push: str, data) -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"(window.{var_push}=window.{var_push}||[]).push({payload});\n"


def lean_js(text: str) -> str:
    """The script without its comments and indentation (line breaks kept, so nothing else changes):
    about a tenth less to send. Only for our own scripts, which keep comments on lines of their own."""
    text = re.sub(r"\A\s*/\*.*?\*/\s*\n", "", text, flags=re.S)
    lines = (ln.strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln and not ln.startswith("//")) + "\n"


def ship_js(text: str) -> str:
    """The script as the book ships it: minified with rjsmin (comments and needless white space out,
    names kept: about 7% less gzipped than :func:`lean_js`), or :func:`lean_js` where rjsmin is not
    installed. The source in course/static stays as written; the conformance test runs this form."""
    try:
        import rjsmin
    except ImportError:  # an older environment: still correct, a little heavier
        return lean_js(text)
    return rjsmin.jsmin(text) + "\n"


def ship_css(text: str) -> str:
    """The style sheet as the book ships it (rcssmin where installed)."""
    try:
        import rcssmin
    except ImportError:
        return text
    return rcssmin.cssmin(text) + "\n"


def _readings(course) -> list:
    out = []
    for rid in course.reading_ids:
        try:
            out.append(course.reading(rid))
        except Exception:  # noqa: BLE001, S112 - an unreadable reading is reported by its page
            continue
    return out


def write_data(app) -> None:
    from course.exercises.selfcheck import set_data, template_data

    env = app.env
    version = str(app.config.version or "0")
    static = Path(app.outdir) / "_static"
    # the files selfcheck.js loads by itself get a version, as Sphinx gives the files in <head>
    # (?v=...), so a browser never runs a cached grader from an older build with a newer page; the
    # data files under selfcheck/ share one (of them all: one short entry in the index, not ~70)
    versions: dict[str, str] = {}
    data_hash = hashlib.sha256()

    def put(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        rel = path.relative_to(static).as_posix()
        if rel.startswith("selfcheck/"):
            data_hash.update(rel.encode("utf-8") + b"\0" + text.encode("utf-8"))
        else:
            versions[rel] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]

    for name in (*SCRIPTS, *ITEM_SCRIPTS, *LAZY_SCRIPTS):
        src = Path(__file__).resolve().parent.parent / "static" / name
        if src.exists():
            put(static / name, ship_js(src.read_text(encoding="utf-8")))
    css = Path(__file__).resolve().parent.parent / "static" / "selfcheck.css"
    if css.exists():  # Sphinx copied it as written; <link> keeps the version Sphinx gave it
        (static / "selfcheck.css").write_text(ship_css(css.read_text(encoding="utf-8")), encoding="utf-8")
    out = static / "selfcheck"
    out.mkdir(parents=True, exist_ok=True)
    course = course_data(env)
    try:
        sets = course.exercise_sets
    except CourseInputError:
        return  # reported at the YAML line by the page that shows the set; no checker data to write
    pages = course_domain(env).set_pages
    practised = course_domain(env).practice
    index_sets = []
    for exset in sets:
        if exset.id not in pages or not enabled(exset):
            continue
        groups: dict[str, set[str]] = {}
        for it in exset.items:
            groups.setdefault(_part_of(env, exset.id, it.id), set()).add(it.id)
        for part, ids in sorted(groups.items()):
            now, later = set_data(exset, version, split=True, only=ids, part=part if part != exset.id else None)
            (out / f"{part}.js").write_text(_js("courseSelfCheckData", now), encoding="utf-8")
            put(out / f"{part}.later.js", _js("courseSelfCheckLater", later))
        put(out / f"{exset.id}.tpl.js", _js("courseSelfCheckTemplates", template_data(exset)))
        index_sets.append(
            {
                "id": exset.id,
                "title": re.sub(r"[*`]", "", exset.title),
                "page": pages[exset.id],
                "items": [
                    [it.id, it.type, it.points] + ([practised[it.id]] if it.id in practised else [])
                    for it in exset.items
                ],
            }
        )
    course_id = re.sub(r"[^a-z0-9]+", "-", str(app.config.project).lower()).strip("-") or "course"
    readings = _readings(course)
    letters: dict[str, str] = {}
    for r in readings:
        letters.setdefault(str(r.letter).upper(), r.id)
    from course.content.exercise_sets import VERDICTS

    index = {
        "courseId": course_id,
        "version": version,
        "readings": {r.id: len(r) for r in readings},
        "letters": dict(sorted(letters.items())),
        "verdicts": list(VERDICTS),
        "sets": index_sets,
        "v": {**{k: v for k, v in versions.items() if k not in SCRIPTS}, "selfcheck/": data_hash.hexdigest()[:10]},
    }
    (static / "selfcheck-index.js").write_text(
        "window.courseSelfCheckIndex=" + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n",
        encoding="utf-8",
    )


#: the builders' visitors of the two placeholders (HTML: an empty <div>; elsewhere: nothing)
VISITORS = {
    "selfcheck": {
        "html": (_visit_item, None),
        "latex": (_skip, None),
        "text": (_skip, None),
        "man": (_skip, None),
        "texinfo": (_skip, None),
    },
    "selfcheck_tools": {
        "html": (_visit_tools, None),
        "latex": (_skip, None),
        "text": (_skip, None),
        "man": (_skip, None),
        "texinfo": (_skip, None),
    },
}

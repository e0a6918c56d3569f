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
from course.paths import project_root
from course.yamlio import load_yaml_file


def glossary_entries(root: Path | None = None) -> list[dict]:
    root = root or project_root()
    entries: list[dict] = []
    for path in sorted((root / "glossary").glob("*.yaml")):
        data = load_yaml_file(path) or []
        if not isinstance(data, list):
            raise CourseInputError(f"{path}: the top level must be a list of entries (- term: …).")
        for i, e in enumerate(data, 1):
            if not isinstance(e, dict) or not e.get("term") or not e.get("definition"):
                raise CourseInputError(f"{path}: entry {i} needs 'term' and 'definition'.")
            entries.append({**e, "_file": str(path.relative_to(root))})
    for path in sorted((root / "data" / "taxonomies").glob("*.yaml")):
        tax = load_yaml_file(path) or {}
        for cat in tax.get("categories", []):
            for t in cat.get("techniques", []):
                if t.get("name") and t.get("definition"):
                    entries.append({"term": t["name"],
                                    "definition": f"{t['definition'].strip()} A technique of the category "
                                                  f"“{cat.get('name', cat.get('id'))}” in the {tax.get('title', tax.get('id'))} taxonomy.",
                                    "_file": str(path.relative_to(root))})
    return entries


class CourseGlossary(Directive):
    has_content = False

    def run(self):
        env = self.state.document.settings.env
        root = project_root()
        try:
            entries = glossary_entries(root)
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
    return sorted(str(p) for d in ("glossary", "data/taxonomies") for p in (root / d).glob("*.yaml"))


def _outdated(app, env, added, changed, removed):
    """A glossary file added or removed: rebuild the glossary page (edits are tracked as
    dependencies of the page; folders cannot be, since Sphinx treats them as always changed)."""
    known = getattr(env, "course_glossary_files", None)
    if known is not None and known != _data_files(project_root()):
        return [d for d in env.found_docs if d == "glossary"]
    return []


def setup(app):
    app.add_directive("course-glossary", CourseGlossary)
    app.connect("env-get-outdated", _outdated)

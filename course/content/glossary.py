"""The glossary's data: ``glossary/*.yaml`` (lists of ``- term: … definition: …``) plus every technique
of the propaganda taxonomies, so a technique's name is a glossary term too.

The book's glossary page renders :attr:`course.content.Course.glossary`; nothing else reads these files.
"""

from __future__ import annotations

from pathlib import Path

from course.content.taxonomy import Taxonomy
from course.content.yaml import MAX_DATA_BYTES, load_yaml
from course.errors import CourseInputError


def glossary_paths(root: Path) -> list[Path]:
    return sorted((Path(root) / "glossary").glob("*.yaml"))


def load_glossary_file(path: Path, root: Path) -> list[dict]:
    """The entries of one glossary file, each with ``_file`` (its path relative to ``root``)."""
    doc = load_yaml(path, max_bytes=MAX_DATA_BYTES, what="glossary file")
    data = doc.data or []
    if not isinstance(data, list):
        raise CourseInputError(f"{doc.at()}: the top level must be a list of entries (- term: …).")
    entries = []
    for i, e in enumerate(data, 1):
        if not isinstance(e, dict) or not e.get("term") or not e.get("definition"):
            raise CourseInputError(f"{doc.at((i - 1,))}: entry {i} needs 'term' and 'definition'.")
        entries.append({**e, "_file": str(Path(path).relative_to(root))})
    return entries


def technique_entries(tax: Taxonomy, path: Path, root: Path) -> list[dict]:
    """A glossary entry for every technique of ``tax`` (loaded from ``path``)."""
    rel = str(Path(path).relative_to(root))
    return [
        {
            "term": t.name,
            "definition": f"{t.definition.strip()} A technique of the category “{c.name}” in the {tax.title} taxonomy.",
            "_file": rel,
        }
        for c in tax.categories
        for t in c.techniques
    ]

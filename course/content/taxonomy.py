"""Propaganda-technique taxonomies (``data/taxonomies/<name>.yaml``), used by ``annotate`` exercises.

Shape of a taxonomy file::

    id: semeval2023
    title: "..."
    source: piskorski2023semeval          # a references.bib key
    categories:
      - id: attack-on-reputation
        name: "Attack on reputation"
        definition: "..."
        techniques:
          - {id: name-calling-labeling, label: Name_Calling-Labeling, name: "...", definition: "...", example: "..."}
    confusable:                            # pairs accepted for each other when scoring
      - [loaded-language, name-calling-labeling]

The special label ``none`` ("no technique") always exists. A learner may write a technique id, its
original ``label``, its ``name``, a category id or name, or ``none``; case, spaces, ``_`` and ``-``
are ignored (:meth:`Taxonomy.resolve`).

Every category and every technique needs a ``definition`` (the book prints them and the glossary
lists the techniques), ``none`` is reserved, and confusable pairs name two technique ids. This is the
one loader: the book, the glossary and the exercise engine all get their taxonomy from here
(through :meth:`course.content.Course.taxonomy`).

Public API: :func:`load_taxonomy`, :func:`taxonomy_path`, :func:`available_taxonomies`, :class:`Taxonomy`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from course.content.normalize import label_key
from course.content.yaml import MAX_DATA_BYTES, load_yaml
from course.errors import CourseInputError

_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NONE_LABEL = "none"
_NONE_SPELLINGS = {"none", "no-technique", "no-label", "nothing", "no"}


class Technique(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=_ID)]
    name: str
    label: str | None = None
    definition: Annotated[str, Field(min_length=1)]
    example: str | None = None
    category: str = ""  # filled in by the taxonomy


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=_ID)]
    name: str
    definition: Annotated[str, Field(min_length=1)]
    techniques: Annotated[list[Technique], Field(min_length=1)]


class Taxonomy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=_ID)]
    title: str = ""
    source: str | None = None
    categories: Annotated[list[Category], Field(min_length=1)]
    confusable: list[tuple[str, str]] = Field(default_factory=list)
    _lookup: dict = PrivateAttr(default_factory=dict)
    _pairs: set = PrivateAttr(default_factory=set)

    @model_validator(mode="after")
    def _index(self):
        if not self.title:
            self.title = self.id
        seen: set[str] = {NONE_LABEL}
        for c in self.categories:
            if c.id in seen:
                raise ValueError(f"id '{c.id}' is used twice")
            seen.add(c.id)
            for t in c.techniques:
                if t.id in seen:
                    raise ValueError(f"id '{t.id}' is used twice")
                seen.add(t.id)
                t.category = c.id
        techniques = {t.id for t in self.techniques}
        for a, b in self.confusable:
            for x in (a, b):
                if x not in techniques:
                    raise ValueError(f"the confusable pair [{a}, {b}] names '{x}', which is not a technique id")
        return self

    def model_post_init(self, __context) -> None:
        lookup: dict[str, str] = {}
        for c in self.categories:
            for spelling in (c.id, c.name):
                lookup[label_key(spelling)] = c.id
            for t in c.techniques:
                for spelling in (t.id, t.name, t.label):
                    if spelling:
                        lookup[label_key(spelling)] = t.id
        for s in sorted(_NONE_SPELLINGS):
            lookup[s] = NONE_LABEL
        self._lookup = lookup
        self._pairs = {frozenset(p) for p in self.confusable}

    # -- queries ---------------------------------------------------------------------------------

    @property
    def none_label(self) -> str:
        return NONE_LABEL

    @property
    def techniques(self) -> list[Technique]:
        return [t for c in self.categories for t in c.techniques]

    def resolve(self, label: object) -> str | None:
        """The canonical id (technique, category or ``none``) a learner's label stands for, or None."""
        if label is None or isinstance(label, (bool, list, dict)):
            return None
        return self._lookup.get(label_key(label))

    def category_of(self, label_id: str) -> str | None:
        if label_id == NONE_LABEL:
            return NONE_LABEL
        for c in self.categories:
            if c.id == label_id:
                return c.id
            for t in c.techniques:
                if t.id == label_id:
                    return c.id
        return None

    def confusable_with(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self._pairs

    def labels(self) -> list[str]:
        """Every valid canonical label: technique ids, category ids and ``none``."""
        return [t.id for t in self.techniques] + [c.id for c in self.categories] + [NONE_LABEL]


def taxonomy_path(name: str, root: Path | str) -> Path:
    return Path(root) / "data" / "taxonomies" / f"{name}.yaml"


def available_taxonomies(root: Path | str) -> list[str]:
    return sorted(p.stem for p in (Path(root) / "data" / "taxonomies").glob("*.yaml"))


def load_taxonomy(name: str, root: Path | str) -> Taxonomy:
    """Load ``data/taxonomies/<name>.yaml`` under the course root (cached by modification time)."""
    path = taxonomy_path(name, root)
    if not path.is_file():
        known = ", ".join(available_taxonomies(root)) or "none"
        raise CourseInputError(
            f"{path}: there is no taxonomy '{name}'. Known taxonomies: {known} (files in {path.parent})."
        )
    st = path.stat()
    return _load(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _load(path: str, _mtime: int, _size: int) -> Taxonomy:
    doc = load_yaml(path, max_bytes=MAX_DATA_BYTES, what="taxonomy file")
    if not isinstance(doc.data, dict):
        raise CourseInputError(f"{path}: a taxonomy file must be a mapping with id, title and categories.")
    try:
        return Taxonomy.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err.get("loc", ()))
        line = doc.line_of(loc)
        field = ".".join(map(str, loc)) or "top level"
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        if err.get("type") == "missing":
            msg = f"the required field '{loc[-1]}' is missing"
        raise CourseInputError(
            f"{path}, line {line}: {field}: {msg}. Every category and technique needs an id, "
            "a name and a definition; see the shape in course/content/taxonomy.py."
        ) from None

"""One place per item type: each module of this package is one exercise item type.

``course/items/single.py`` ... ``open.py`` each hold one :class:`~course.items.base.ItemType`
subclass that knows, for its type: the content model, grading, the answer-template block, the
book's student body and instructor key, the LMS export plan, the in-page self-check data and its
conformance cases, and its quality rules. The views (``course/exercises``, ``course/lms``,
``course/sphinxext``) keep their public functions and dispatch through :func:`for_item`.

Adding an item type: add its model to the content layer's exercise-set schema (and to its ``Item``
union), then add one module here with one ``ItemType`` subclass. Nothing else: the package imports
every module in it, and defining the class registers it.

Layering: this package imports the content layer (models, readings, taxonomies, text normal forms)
and ``course.errors`` only; never ``exercises``, ``lms`` or ``sphinxext``.
"""

from __future__ import annotations

import importlib
import pkgutil

from course.items.base import _REGISTRY, AnswerError, ItemType, Outcome

#: type name → its :class:`ItemType` (filled when the modules are imported).
ITEM_TYPES = _REGISTRY

_HELPERS = frozenset({"base", "answers", "evidence"})


def discover(paths=None) -> None:
    """Import every item-type module of the package (and of ``paths``, for tests)."""
    for m in pkgutil.iter_modules(paths or __path__):
        if m.name not in _HELPERS and not m.name.startswith("_"):
            importlib.import_module(f"{__name__}.{m.name}")


def for_type(name: str) -> ItemType:
    try:
        return ITEM_TYPES[name]
    except KeyError:
        raise KeyError(f"no item type '{name}' in course/items/ (known: {', '.join(ITEM_TYPES)})") from None


def for_item(item) -> ItemType:
    """The :class:`ItemType` of an item (a content-layer model)."""
    return for_type(item.type)


discover()

__all__ = ["ITEM_TYPES", "AnswerError", "ItemType", "Outcome", "discover", "for_item", "for_type"]

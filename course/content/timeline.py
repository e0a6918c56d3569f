"""Timeline data (``data/timeline-*.yaml``): the periods (bars) and events (markers) of a dated figure.

A file holds ``title``, ``alt``, ``axis`` (``start``, ``end``, ``step``), ``periods`` (``id``,
``label``, ``start``, ``end``, ``kind``, ``source``, optional ``capital``) and ``events`` (``year``,
``label``, ``source``, in date order). :func:`validate_timeline` says exactly what is wrong with a
file that does not fit. The drawing is the book's (``course.sphinxext.timeline``).
"""

from __future__ import annotations

import os
from typing import Any

from course.content.yaml import MAX_DATA_BYTES, YamlDoc, load_yaml
from course.errors import CourseInputError

#: The kinds of period; the book gives each a colour and a hatch.
PERIOD_KINDS = ("caliphate", "eclipsed", "claim")

_TOP_KEYS = {"title", "alt", "axis", "periods", "events"}
_PERIOD_KEYS = {"id", "label", "start", "end", "kind", "source", "capital"}
_EVENT_KEYS = {"year", "label", "source"}


def _need(cond: bool, where: Any, msg: str) -> None:
    if not cond:
        raise CourseInputError(f"{where}: {msg}")


def _is_year(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _texts(d: dict, keys: tuple[str, ...], where: str) -> None:
    for key in keys:
        _need(isinstance(d.get(key), str) and d[key].strip() != "", where, f"'{key}' must be a non-empty text.")


def _mapping(d: object, allowed: set[str], where: str, what: str) -> dict:
    _need(isinstance(d, dict), where, f"each {what} must be a mapping.")
    assert isinstance(d, dict)
    extra = set(d) - allowed
    _need(not extra, where, f"unknown key(s) {sorted(extra)}; allowed: {sorted(allowed)}.")
    return d


def _check_axis(axis: object, where: str) -> dict:
    _need(
        isinstance(axis, dict) and set(axis) == {"start", "end", "step"},
        where,
        "'axis' must be a mapping with exactly start, end and step (years).",
    )
    assert isinstance(axis, dict)
    _need(
        all(_is_year(axis[k]) for k in ("start", "end", "step")), where, "axis start, end and step must be whole years."
    )
    _need(axis["start"] < axis["end"] and axis["step"] > 0, where, "axis start must be before end, and step positive.")
    return axis


def _check_period(p: object, axis: dict, seen: set[str], w: str) -> None:
    p = _mapping(p, _PERIOD_KEYS, w, "period")
    _texts(p, ("id", "label", "kind", "source"), w)
    _need(p["id"] not in seen, w, f"id '{p['id']}' is used twice; ids must be unique.")
    seen.add(p["id"])
    _need(p["kind"] in PERIOD_KINDS, w, f"kind '{p['kind']}' is not one of {sorted(PERIOD_KINDS)}.")
    _need(_is_year(p.get("start")) and _is_year(p.get("end")), w, "start and end must be whole years.")
    _need(p["start"] <= p["end"], w, f"start {p['start']} is after end {p['end']}.")
    _need(
        axis["start"] <= p["start"] and p["end"] <= axis["end"],
        w,
        f"{p['start']}–{p['end']} lies outside the axis {axis['start']}–{axis['end']}.",
    )
    if "capital" in p:
        _need(isinstance(p["capital"], str), w, "'capital' must be text.")


def _check_event(e: object, axis: dict, last: int | None, w: str) -> int:
    e = _mapping(e, _EVENT_KEYS, w, "event")
    _need(_is_year(e.get("year")), w, "'year' must be a whole year.")
    _texts(e, ("label", "source"), w)
    _need(axis["start"] <= e["year"] <= axis["end"], w, f"year {e['year']} lies outside the axis.")
    _need(last is None or e["year"] >= last, w, f"events must be in date order ({e['year']} comes after {last}).")
    return e["year"]


def validate_timeline(data: object, where: str, doc: YamlDoc | None = None) -> dict[str, Any]:
    """Check a loaded timeline mapping; return it unchanged or raise ``CourseInputError``. With ``doc``
    (the loaded file), messages name the line too."""

    def at(loc: tuple, label: str = "") -> Any:
        if doc is None:
            return f"{where}, {label}" if label else where
        place = doc.place(loc)
        return _Labelled(place, label)

    _need(isinstance(data, dict), where, "the file must be a mapping with title, alt, axis, periods and events.")
    assert isinstance(data, dict)
    unknown = set(data) - _TOP_KEYS
    _need(
        not unknown, where, f"unknown top-level key(s) {sorted(unknown)}; allowed: title, alt, axis, periods, events."
    )
    _texts(data, ("title", "alt"), at(()))
    axis = _check_axis(data.get("axis"), at(("axis",)))
    periods = data.get("periods")
    _need(isinstance(periods, list) and periods, at(("periods",)), "'periods' must be a non-empty list.")
    seen: set[str] = set()
    for i, p in enumerate(periods, 1):
        _check_period(p, axis, seen, at(("periods", i - 1), f"period {i}"))
    events = data.get("events")
    _need(isinstance(events, list), at(("events",)), "'events' must be a list (it may be empty).")
    last = None
    for i, e in enumerate(events, 1):
        last = _check_event(e, axis, last, at(("events", i - 1), f"event {i}"))
    return data


class _Labelled:
    """``"<file>, line N, period 3"``, the line looked up only when printed."""

    def __init__(self, place: Any, label: str) -> None:
        self.place, self.label = place, label

    def __str__(self) -> str:
        return f"{self.place}, {self.label}" if self.label else str(self.place)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def load_timeline(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load and check a timeline data file."""
    doc = load_yaml(path, max_bytes=MAX_DATA_BYTES, what="timeline file")
    return validate_timeline(doc.data, str(path), doc)

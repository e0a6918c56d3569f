"""The one safe YAML reader for every course file (data files, exercise sets, answer files).

Every problem becomes a :class:`~course.errors.CourseInputError` whose message is one paragraph:
the file, the line, what is wrong and what is allowed. Nothing in a file is ever executed:

- a size cap is checked before reading (5 MB for a data file, 1 MB for an answer file);
- NUL bytes (binary files), UTF-16 and text that is not UTF-8 are refused, and so are control characters;
- anchors, aliases (``*name``, the "billion laughs" alias bomb), explicit tags (``!!python/object``)
  and nesting deeper than 40 levels are refused (and, for answer files, more than 20,000 values);
- duplicate keys are refused;
- values are built with the safe loader's own resolver and constructors (C-accelerated when available).

A plain file (no tags, anchors, aliases, duplicate keys or merge keys; nothing nested too deeply) is
read in one pass over the C parser's event stream, building the data as the events arrive
(:func:`_fast_load`). Anything else, including every file with a problem, is read by the checked
two-pass reader (:func:`_checked_load`: scan the events for what is refused, then load), so the rules,
messages and line numbers are those of that reader.

Line numbers for later (schema) errors are found lazily by :meth:`YamlDoc.line_of` (the text is
composed again only when something is wrong), so loading a good file costs one fast parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.docinfo import DocInfo
from ruamel.yaml.docinfo import version as _version
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from course.errors import CourseInputError

#: The size cap of a course data file (module, reading, taxonomy, glossary, exercise set, ...).
MAX_DATA_BYTES = 5 * 1024 * 1024
MAX_ANSWER_BYTES = 1 * 1024 * 1024
MAX_DEPTH = 40
#: Values (YAML nodes) an answer file may hold. A complete answer file has a few hundred; the cap keeps
#: loading under a second for any file under the size limit (building a node costs ~30 µs).
MAX_ANSWER_NODES = 20_000
_STANDARD_TAGS = {
    None,
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!seq",
    "!!map",
}


def _safe_yaml() -> YAML:
    y = YAML(typ="safe")  # the C parser when installed; pure Python otherwise
    y.allow_duplicate_keys = False
    return y


def _pure_yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.allow_duplicate_keys = False
    return y


def _a(what: str) -> str:
    return ("an " if what[:1] in "aeiou" else "a ") + what


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


# --------------------------------------------------------------------------------------------------
# Reading bytes and YAML text


def read_text(path: Path | str, *, max_bytes: int, what: str = "file") -> str:
    """The text of ``path``, refusing missing, oversized, binary and non-UTF-8 files."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise CourseInputError(f"{path}: no such file.") from None
    except OSError as exc:
        raise CourseInputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not path.is_file():
        raise CourseInputError(f"{path}: is not a regular file; {_a(what)} must be a YAML text file.")
    if st.st_size > max_bytes:
        raise CourseInputError(
            f"{path}: the file is {st.st_size:,} bytes, larger than the {_mb(max_bytes)} allowed for {_a(what)}. "
            f"{_a(what)[0].upper() + _a(what)[1:]} is a short YAML text file; check that this is the right file."
        )
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise CourseInputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    return decode_bytes(raw, str(path), max_bytes=max_bytes, what=what)


# C0 controls (but tab, newline, carriage return), DEL, C1 controls (but NEL, which YAML allows) and
# the non-characters: YAML refuses them without a line number, so they are reported here.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _utf16(raw: bytes) -> bool:
    """A UTF-16 text file: a byte-order mark, or NUL as every other byte of mostly-ASCII text."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = raw[:400]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.8 * len(even) or odd.count(0) > 0.8 * len(odd)


def decode_bytes(raw: bytes, where: str, *, max_bytes: int, what: str = "file") -> str:
    if len(raw) > max_bytes:
        raise CourseInputError(f"{where}: larger than the {_mb(max_bytes)} allowed for {_a(what)}.")
    if _utf16(raw):
        raise CourseInputError(
            f"{where}: the file is saved as UTF-16 text, but {_a(what)} must be UTF-8. Save it again with the "
            "encoding UTF-8 (in Notepad: Save as → Encoding: UTF-8; in most editors: 'Save with encoding')."
        )
    nul = raw.find(b"\0")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        raise CourseInputError(
            f"{where}, line {line}: the file contains NUL bytes, so it is binary data, not YAML text. "
            f"{_a(what)[0].upper() + _a(what)[1:]} must be plain UTF-8 text."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CourseInputError(
            f"{where}, line {line}: byte {raw[exc.start]:#04x} is not valid UTF-8 text. "
            "Save the file as UTF-8 (any editor can: 'Save with encoding UTF-8')."
        ) from None
    m = _CONTROL.search(text)
    bad = m.start() if m else None
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        raise CourseInputError(
            f"{where}, line {line}: control character U+{ord(text[bad]):04X} is not allowed in {_a(what)}. "
            "Delete it, or retype the line."
        )
    return text


@dataclass
class YamlDoc:
    """Loaded YAML data plus what is needed to point at a line later."""

    data: Any
    text: str
    where: str
    _root: Any = field(default=None, repr=False)
    _top: dict | None = field(default=None, repr=False)  # top-level key text → line, built once
    _index: dict | None = field(default=None, repr=False)  # top-level key → (key node, value node)

    def _top_keys(self) -> dict[str, int]:
        """Lines of the keys written at the start of a line (top-level keys), in one pass."""
        if self._top is None:
            top: dict[str, int] = {}
            for n, line in enumerate(self.text.split("\n"), 1):
                if not line or line[0] in " \t#-[{":
                    continue
                i = line.find(":")
                if i <= 0:
                    continue
                k = line[:i].rstrip()
                if len(k) >= 2 and k[0] == k[-1] and k[0] in "\"'":
                    k = k[1:-1]
                top.setdefault(k, n)
            self._top = top
        return self._top

    def line_of(self, loc: Iterable[Any], *, key: bool = False) -> int | None:
        """1-based line of the node at ``loc`` (keys and indexes); the deepest node found."""
        loc = tuple(loc)
        if key and len(loc) == 1 and isinstance(loc[0], (str, int)) and not isinstance(loc[0], bool):
            # Fast path for top-level keys (item ids in answer files): one scan of the text, then lookups.
            line = self._top_keys().get(str(loc[0]))
            if line:
                return line
        node = self._composed()
        if node is None:
            return None
        line = node.start_mark.line + 1
        for depth, part in enumerate(loc):
            found = self._child(node, part, depth == 0)
            if found is None:
                continue  # e.g. a discriminator tag in a pydantic location: skip it
            k, v = found
            node = k if key and k is not None else v
            line = node.start_mark.line + 1
        return line

    def at(self, loc: Iterable[Any] = (), *, key: bool = False) -> str:
        """``"<file>, line N"`` for the node at ``loc`` (just the file when no line is known)."""
        return _where(self.where, self.line_of(loc, key=key))

    def place(self, loc: Iterable[Any] = (), *, key: bool = False) -> _Place:
        """Like :meth:`at`, but the line is looked up only when the place is printed (in an error
        message), so a good file is never composed a second time."""
        return _Place(self, tuple(loc), key)

    def _composed(self):
        """The node tree of the text (composed once, on the first call; None when it cannot be)."""
        if self._root is None:
            for make in (_safe_yaml, _pure_yaml):
                try:
                    self._root = make().compose(self.text)
                    break
                except Exception:  # noqa: BLE001 - a line number is a courtesy, never a crash
                    continue
        return self._root

    def _child(self, node, part: Any, top: bool):
        """(key node, value node) of ``part`` under ``node`` (key node None in a sequence), or None."""
        if isinstance(node, MappingNode):
            if top:  # the top mapping can hold thousands of keys: index it once
                if self._index is None:
                    self._index = {}
                    for k, v in node.value:
                        if isinstance(k, ScalarNode):
                            self._index.setdefault(k.value, (k, v))
                return self._index.get(str(part))
            return next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(part)), None)
        if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            return None, node.value[part]
        return None


class _Place:
    """A place in a YAML file, formatted ``"<file>, line N"`` when printed (see :meth:`YamlDoc.place`)."""

    def __init__(self, doc: YamlDoc, loc: tuple, key: bool) -> None:
        self.doc, self.loc, self.key = doc, loc, key

    def __str__(self) -> str:
        return self.doc.at(self.loc, key=self.key)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _where(where: str, line: int | None) -> str:
    return f"{where}, line {line}" if line else where


def _checked_load(y: YAML, text: str, where: str, what: str, max_nodes: int | None) -> Any:
    """Scan the event stream for what course files may not hold, then load ``text`` with ``y``."""
    depth = 0
    nodes = 0
    for ev in y.parse(text):
        if max_nodes is not None and isinstance(ev, NodeEvent):
            nodes += 1
            if nodes > max_nodes:
                raise CourseInputError(
                    f"{_where(where, ev.start_mark.line + 1)}: the file holds more than {max_nodes:,} values "
                    f"(list entries, keys and answers); {_a(what)} needs a few hundred at most. Check that this "
                    "is the right file, and remove the extra entries."
                )
        if isinstance(ev, AliasEvent):
            raise CourseInputError(
                f"{_where(where, ev.start_mark.line + 1)}: YAML aliases (*{ev.anchor}) are not allowed "
                f"in {_a(what)}; they can be used to blow a tiny file up to gigabytes. Write the value out in full."
            )
        if isinstance(ev, NodeEvent) and ev.anchor is not None:
            raise CourseInputError(
                f"{_where(where, ev.start_mark.line + 1)}: YAML anchors (&{ev.anchor}) are not allowed "
                f"in {_a(what)}. Remove the anchor and write each value out in full."
            )
        tag = getattr(ev, "tag", None)
        if tag not in _STANDARD_TAGS:
            raise CourseInputError(
                f"{_where(where, ev.start_mark.line + 1)}: the YAML tag '{tag}' is not allowed in {_a(what)}; "
                "only plain text, numbers, lists and mappings are. Remove the tag."
            )
        if isinstance(ev, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise CourseInputError(
                    f"{_where(where, ev.start_mark.line + 1)}: the data is nested more than {MAX_DEPTH} "
                    f"levels deep; {_a(what)} needs only a few levels."
                )
        elif isinstance(ev, (MappingEndEvent, SequenceEndEvent)):
            depth -= 1
    return y.load(text)


class _NotPlain(Exception):
    """The text holds something :func:`_fast_load` leaves to the checked reader."""


_STR = "tag:yaml.org,2002:str"
#: Implicit scalar types the one-pass reader builds (with the safe loader's own constructors).
_FAST_SCALARS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class _MapFrame:
    """A mapping being built by :class:`_OnePass`: the dict, and the key read last (if its value is
    still to come)."""

    __slots__ = ("data", "key", "has_key")

    def __init__(self, data: dict) -> None:
        self.data, self.key, self.has_key = data, None, False


class _OnePass:
    """The data of a text built from the C parser's events as they arrive (see :func:`_fast_load`)."""

    def __init__(self, loader: Any, max_nodes: int | None) -> None:
        self.resolve, self.construct = loader.resolve, loader.construct_object
        # The implicit resolvers of the loader's YAML version, looked up once (resolve() looks them up for
        # every scalar). Without a path resolver or a catch-all (None) resolver, a scalar that is quoted, or
        # plain and matched by none of the resolvers for its first character, is a string: resolve()'s logic.
        self.table = loader.versioned_resolver
        self.shortcut = not loader.yaml_path_resolvers and None not in self.table
        self.max_nodes = max_nodes
        self.stack: list[Any] = []  # open containers: a list, or a _MapFrame
        self.result: Any = None
        self.nodes = self.docs = 0

    def scalar(self, ev: ScalarEvent) -> Any:
        if ev.anchor is not None or ev.tag is not None:
            raise _NotPlain
        sv = ev.value
        if self.shortcut and not (ev.implicit[0] and any(rx.match(sv) for _, rx in self.table.get(sv[:1], ()))):
            return sv  # what resolve() gives when no implicit resolver matches: a string
        tag = self.resolve(ScalarNode, sv, ev.implicit)
        name = str(tag)  # a ruamel Tag
        if name == _STR:
            return sv
        if name not in _FAST_SCALARS:
            raise _NotPlain  # a merge key (<<), a value key (=), ...
        try:
            return self.construct(ScalarNode(tag, sv, ev.start_mark, ev.end_mark, style=ev.style))
        except Exception:  # noqa: BLE001 - the checked reader reports it
            raise _NotPlain from None

    def add(self, value: Any, frame: Any) -> None:
        """Put ``value`` (a scalar, or the new container of ``frame``) in the open container."""
        if self.max_nodes is not None:
            self.nodes += 1
            if self.nodes > self.max_nodes:
                raise _NotPlain
        stack = self.stack
        if not stack:
            self.result = value
        else:
            top = stack[-1]
            if top.__class__ is list:
                top.append(value)
            elif not top.has_key:
                if frame is not None or value in top.data:
                    raise _NotPlain  # a non-scalar key, or a duplicate key
                top.key, top.has_key = value, True
            else:
                top.data[top.key] = value
                top.has_key = False
        if frame is not None:
            stack.append(frame)

    def event(self, ev: Any) -> None:
        cls = type(ev)
        if cls is ScalarEvent:
            self.add(self.scalar(ev), None)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if ev.anchor is not None or ev.tag is not None or len(self.stack) >= MAX_DEPTH:
                raise _NotPlain
            if cls is MappingStartEvent:
                value: Any = {}
                self.add(value, _MapFrame(value))
            else:
                value = []
                self.add(value, value)
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            self.stack.pop()
        elif cls is DocumentStartEvent:
            self.docs += 1
            if self.docs > 1 or ev.version is not None or ev.tags:
                raise _NotPlain
        elif cls is AliasEvent:
            raise _NotPlain
        # stream start/end and document end: nothing to do


def _fast_load(text: str, max_nodes: int | None) -> Any:
    """The data of ``text`` in one pass over the C parser's events, or :class:`_NotPlain`.

    Builds exactly what ``YAML(typ="safe").load`` builds (scalars are resolved and constructed by the
    same loader object), for plain files only: anything the checked reader refuses or treats
    specially (an anchor, alias or explicit tag; nesting deeper than MAX_DEPTH; too many values; a
    duplicate, merge or non-scalar key; a directive; a second document; a value that cannot be
    built) raises :class:`_NotPlain`, and the caller reads the text with :func:`_checked_load`.
    """
    y = _safe_yaml()
    if getattr(y, "Parser", None) is None or y.Parser.__name__ != "CParser":
        raise _NotPlain  # the pure-Python parser: the checked reader is as fast
    y.doc_infos.append(DocInfo(requested_version=_version(y.version)))
    y.tags = {}
    loader, parser = y.get_constructor_parser(text)
    build = _OnePass(loader, max_nodes)
    try:
        while parser.check_event():
            build.event(parser.get_event())
    finally:
        parser.dispose()
    return build.result


def parse_yaml(text: str, where: str, *, what: str = "file") -> YamlDoc:
    """Load YAML ``text`` safely (see the module docstring for what is refused)."""
    max_nodes = MAX_ANSWER_NODES if what == "answer file" else None
    try:
        return YamlDoc(data=_fast_load(text, max_nodes), text=text, where=where)
    except Exception:  # noqa: BLE001 - _NotPlain, a YAML error, ...: the checked reader reads it again
        pass  # and reports what is wrong (or builds what is special)
    try:
        try:
            data = _checked_load(_safe_yaml(), text, where, what, max_nodes)
        except MarkedYAMLError as exc:
            # The C parser follows YAML 1.1, which refuses a ':' inside a plain scalar in a flow list, so a
            # learner's `[C:5, C:6]` (paragraph references as the course writes them) would be an error.
            # YAML 1.2, which the pure-Python parser and the page's reader follow, allows it: read the text
            # again with that parser; if it fails too, report the first parser's error.
            try:
                data = _checked_load(_pure_yaml(), text, where, what, max_nodes)
            except YAMLError:
                raise exc from None
    except CourseInputError:
        raise
    except MarkedYAMLError as exc:
        raise CourseInputError(_yaml_error_message(exc, where, what, text)) from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CourseInputError(f"{where}: not valid YAML ({first}). Check the quoting and indentation.") from None
    except RecursionError:
        raise CourseInputError(f"{where}: the data is nested too deeply to read.") from None
    except (ValueError, TypeError, OverflowError, IndexError):  # e.g. a malformed timestamp or number, an empty !!float
        raise CourseInputError(_bad_value_message(text, where)) from None
    return YamlDoc(data=data, text=text, where=where)


_DATE = re.compile(
    r"^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$"
)
_INT = re.compile(r"^[-+]?[0-9_]+$")


def _bad_value_message(text: str, where: str) -> str:
    """A plain-words message, with the line, for an unquoted value YAML cannot build (an impossible date,
    a whole number too long to read)."""
    try:
        for ev in _safe_yaml().parse(text):
            if type(ev).__name__ != "ScalarEvent" or ev.style not in (None, ""):
                continue
            v = ev.value
            line = ev.start_mark.line + 1
            if ev.tag is not None:
                tag = str(ev.tag)
                if tag.startswith(("tag:yaml.org,2002:", "!!")) and not tag.endswith(":str"):
                    shown = (tag.replace("tag:yaml.org,2002:", "!!") + " " + v).strip()[:30]
                    return (
                        f"{_where(where, line)}: '{shown}' asks YAML for a typed value it cannot build. "
                        "Delete the '!!' tag and write the answer itself."
                    )
                continue
            shown = v if len(v) <= 30 else v[:29] + "…"
            if _DATE.match(v):
                from datetime import date

                try:
                    y, m, d = (int(x) for x in v[:10].split("-"))
                    date(y, m, d)
                except ValueError:
                    return (
                        f"{_where(where, line)}: '{shown}' looks like a date, but there is no such date. "
                        "Correct it, or put it in quotes to keep it as text."
                    )
            if _INT.match(v) and sum(ch.isdigit() for ch in v) > 4000:
                return (
                    f"{_where(where, line)}: the number '{shown}' has {sum(ch.isdigit() for ch in v):,} digits, "
                    "too many to read. Write the number asked for, or put it in quotes to keep it as text."
                )
    except Exception:  # noqa: BLE001 - fall through to the general message
        pass
    return f"{where}: a value cannot be read (an impossible date or number). Put it in quotes to keep it as text."


def _duplicate_key_message(exc: MarkedYAMLError, where: str, what: str, line: int | None) -> str:
    problem = (exc.problem or "").strip()
    key = ""
    for token in ('"', "'"):
        parts = problem.split(token)
        if len(parts) >= 3:
            key = parts[1]
            break
    keytxt = f" '{key}'" if key else ""
    dup_line = exc.problem_mark.line + 1 if exc.problem_mark else line
    first_line = exc.context_mark.line + 1 if exc.context_mark else None
    first = f" (the mapping that starts at line {first_line})" if first_line and first_line != dup_line else ""
    return (
        f"{_where(where, dup_line)}: the key{keytxt} appears twice in the same mapping{first}. "
        f"Each key may appear only once in {_a(what)}; keep one and delete the other."
    )


def _line_text(text: str, mark) -> str:
    lines = text.split("\n") if mark is not None and text else []
    return lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""


def _yaml_error_message(exc: MarkedYAMLError, where: str, what: str, text: str = "") -> str:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = (exc.problem or "").strip()
    if "duplicate key" in str(exc) or "found duplicate key" in problem:
        return _duplicate_key_message(exc, where, what, line)
    bad_line = _line_text(text, mark)
    indent = bad_line[: len(bad_line) - len(bad_line.lstrip(" \t"))]
    if "\t" in indent or "'\\t'" in problem:
        return (
            f"{_where(where, line)}: a tab character is used for indentation. YAML allows only "
            "spaces; replace the tab with spaces."
        )
    detail = problem or (exc.context or "").strip() or "invalid YAML"
    return (
        f"{_where(where, line)}: not valid YAML ({detail}). Check the indentation (spaces only) and "
        "put text containing ': ' or '#' in quotes."
    )


def load_yaml(path: Path | str, *, max_bytes: int, what: str = "file") -> YamlDoc:
    return parse_yaml(read_text(path, max_bytes=max_bytes, what=what), str(path), what=what)


def describe_kind(v: Any) -> str:
    """How a learner would name the kind of a YAML value ("a list", "text", ...)."""
    if v is None:
        return "nothing (an empty value)"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, (list, tuple)):
        return "a list"
    if isinstance(v, dict):
        return "a mapping"
    return type(v).__name__


_kind = describe_kind


def _short(v: Any) -> str:
    s = repr(v)
    return f"({s[:40]}…)" if len(s) > 41 else f"({s})"


def format_problems(where: str, problems: list[tuple[int | None, str]], *, limit: int = 5) -> str:
    """One paragraph: the first problem in full, then up to ``limit - 1`` more."""
    problems = sorted(problems, key=lambda p: (p[0] is None, p[0] or 0))
    first_line, first = problems[0]
    text = f"{_where(where, first_line)}: {first}."
    more = problems[1:limit]
    if more:
        text += " Also: " + "; ".join(f"line {ln}: {m}" if ln else m for ln, m in more) + "."
    if len(problems) > limit:
        text += f" ({len(problems) - limit} more problem(s) not shown.)"
    return text.replace("..", ".")


def load_data(path: Path | str, *, what: str = "course file", max_bytes: int = MAX_DATA_BYTES) -> Any:
    """The data of a course YAML file (no line numbers kept); see :func:`load_yaml`."""
    return load_yaml(path, max_bytes=max_bytes, what=what).data

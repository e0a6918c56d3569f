"""Per-item recovery for answer files with a YAML error (issue 13).

One YAML error must never hide the rest of a learner's answer file. When the whole file cannot be
read, its text is split into top-level blocks (a line at column 0 that starts a ``key:`` entry, up to
the next such line) and each block is read on its own, with the same safe loader and limits as the
whole file. Every item whose block reads is kept; each block that does not is reported once, at the
line where it *starts*, with the loader's clear message; its item counts as not checked (exactly as a
missing answer: never a penalty beyond that). Two blocks with the same key are both left unread (which
one the learner meant is unknown).

A file that cannot be split sensibly (no ``key:`` line, text before the first one, several YAML
documents, more than :data:`MAX_BLOCKS` blocks or :data:`MAX_CHARS` characters), or whose blocks all
read on their own, keeps today's whole-file error.

Recovery only reads: the learner's file is never rewritten. The in-page reader
(``course/static/selfcheck-yaml.js``, ``CourseYaml.readAnswers``) applies the same rule with the same
block pattern; ``tests/test_selfcheck_conformance.py`` compares the two on a corpus of broken files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from course.content.yaml import _where, parse_yaml
from course.errors import CourseInputError

MAX_BLOCKS = 500
MAX_CHARS = 256 * 1024

#: A line that starts a top-level ``key: value`` entry; group 1 is the key as written. The same pattern
#: is in selfcheck-yaml.js (BLOCK_START): keep them identical.
BLOCK_START = re.compile(
    r"^(?![ \t#\[\]{},?:|>&*!%@`])(?!-(?:[ \t]|$))(?!---|\.\.\.)"
    r"(\"(?:[^\"\\\n]|\\[^\n])*\"|'(?:[^'\n]|'')*'|[^\"'\n][^\n]*?)[ \t]*:(?:[ \t]|$)"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PREAMBLE_OK = re.compile(r"^(?:[ \t]*(?:#[^\n]*)?|---(?:[ \t]+(?:#[^\n]*)?)?)$")  # also in the JS
_UNREAD_TAIL = "the other answers were."  # every unread-block message ends so (see partly_unreadable)
_DOC_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)")


def block_key(line: str) -> str | None:
    """The key of a line that starts a top-level entry (quotes removed), or None."""
    m = BLOCK_START.match(line)
    if not m:
        return None
    k = m.group(1)
    if k[0] in "\"'":
        return k[1:-1]
    if re.search(r"[ \t]#", k):  # 'a #b: c' is the value-less key 'a' and a comment
        return None
    return k


@dataclass
class Block:
    line: int  # 1-based line where the block starts
    key: str  # the key as written on that line (quotes removed)
    text: str  # the block's text (its lines only)
    end: int = 0  # 1-based last line

    def parse(self, where: str):
        """The block read on its own (a YamlDoc); errors name the file's lines, not the block's."""
        try:
            return parse_yaml(self.text, where, what="answer file")
        except CourseInputError as exc:
            raise CourseInputError(_shift_lines(str(exc), where, self.line - 1)) from None


def split_blocks(text: str) -> list[Block] | None:
    """The file's top-level blocks, or None when it cannot be split sensibly."""
    if len(text) > MAX_CHARS:
        return None
    text = text.removeprefix("\ufeff")
    lines = _LINE_BREAK.split(text)
    starts: list[tuple[int, str]] = []
    for i, ln in enumerate(lines):
        k = block_key(ln)
        if k is not None:
            starts.append((i, k))
            if len(starts) > MAX_BLOCKS:
                return None
        elif not starts:
            if not _PREAMBLE_OK.match(ln):
                return None  # the top level is not a mapping written one key per line
        elif _DOC_MARKER.match(ln) or ln.startswith("%"):
            return None  # several YAML documents
    if not starts:
        return None
    out = []
    for n, (a, k) in enumerate(starts):
        b = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        out.append(Block(a + 1, k, "\n".join(lines[a:b]), b))
    return out


@dataclass
class Broken:
    line: int  # where the unread block starts
    key: str
    message: str  # one paragraph: file, line, what is wrong, how to fix


@dataclass
class Recovered:
    data: dict[Any, Any]  # what could be read, in file order
    broken: list[Broken] = field(default_factory=list)  # by line


def _shift_lines(message: str, where: str, offset: int) -> str:
    """A loader message about a block, with its line numbers made the file's (parsing the block alone,
    not after thousands of blank lines, keeps recovery linear)."""
    if not offset:
        return message
    if message.startswith(where + ", line "):
        message = re.sub(
            r"^, line (\d+):", lambda m: f", line {int(m.group(1)) + offset}:", message[len(where) :], count=1
        )
        message = where + message
    return re.sub(
        r"\(the mapping that starts at line (\d+)\)",
        lambda m: f"(the mapping that starts at line {int(m.group(1)) + offset})",
        message,
    )


def _strip_where(message: str, where: str) -> tuple[int | None, str]:
    """Split "<where>, line N: rest" into (N, rest)."""
    if message.startswith(where):
        rest = message[len(where) :]
        m = re.match(r"^, line (\d+): ", rest)
        if m:
            return int(m.group(1)), rest[m.end() :]
        return None, rest.lstrip(":, ")
    return None, message


def _block_message(where: str, blk: Block, message: str) -> str:

    line, rest = _strip_where(message, where)
    key = clip(blk.key)
    if "not valid YAML" in rest:
        detail = rest.split("not valid YAML", 1)[1].strip()
        detail = detail.lstrip("(").split(")", 1)[0] if detail.startswith("(") else "a syntax error"
        noticed = f" (the YAML reader noticed it at line {line})" if line and blk.line < line <= blk.end else ""
        return (
            f"{_where(where, blk.line)}: the answer to '{key}', which starts on this line, is not valid "
            f"YAML{noticed}: {detail}. Close every [ and {{, and every quote, on the line where it opens (or "
            "indent the lines that continue it); put text containing ': ' or '#' in quotes. This answer could "
            "not be read, so it was not checked; the other answers were."
        )
    at = f" (at line {line})" if line and blk.line < line <= blk.end else ""
    return (
        f"{_where(where, blk.line)}: the answer to '{key}', which starts on this line, could not be read{at}: "
        f"{rest.rstrip()} This answer was not checked; the other answers were."
    )


def recover(text: str, where: str) -> Recovered | None:
    """Read ``text`` block by block (see the module docstring); None when it cannot be split, or when no
    block is at fault (then the whole-file error stands)."""

    blocks = split_blocks(text)
    if blocks is None:
        return None
    counts: dict[str, list[int]] = {}
    for blk in blocks:
        counts.setdefault(blk.key, []).append(blk.line)
    data: dict[Any, Any] = {}
    broken: list[Broken] = []
    for blk in blocks:
        lines = counts[blk.key]
        if len(lines) > 1:
            also = ", ".join(str(n) for n in lines if n != blk.line)
            broken.append(
                Broken(
                    blk.line,
                    blk.key,
                    (
                        f"{_where(where, blk.line)}: the key '{clip(blk.key)}' appears twice at the top level (also at "
                        f"line{'s' if len(lines) > 2 else ''} {also}). Each key may appear only once in an answer file; "
                        "keep one and delete the other. Neither answer was read, so this item was not checked; the other "
                        "answers were."
                    ),
                )
            )
            continue
        try:
            doc = blk.parse(where)
        except CourseInputError as exc:
            if "more than" in str(exc) and "values" in str(exc):
                return None  # the node cap: not a learner's slip, keep the whole-file error
            broken.append(Broken(blk.line, blk.key, _block_message(where, blk, str(exc))))
            continue
        if not isinstance(doc.data, dict):  # pragma: no cover - a key line always makes a mapping
            broken.append(
                Broken(
                    blk.line,
                    blk.key,
                    f"{_where(where, blk.line)}: '{clip(blk.key)}' could not be read as 'item-id: answer'.",
                )
            )
            continue
        data.update(doc.data)
    if not broken:
        return None
    return Recovered(data, broken)


def unread_feedback(b: Broken) -> str:
    """What a learner sees for an item whose answer could not be read."""
    why = "its key appears twice" if "appears twice" in b.message else "see the problem reported for the file"
    return f"Could not be read: line {b.line} ({why}). Not checked yet; fix that line and check again."


def locate_broken_block(text: str, where: str, message: str) -> str | None:
    """For a "not valid YAML" error: the same error, reported at the first line of the first top-level
    entry that cannot be read on its own (None when that changes nothing)."""

    if "not valid YAML" not in message:
        return None
    blocks = split_blocks(text)
    if not blocks:
        return None
    for blk in blocks:
        try:
            blk.parse(where)
        except CourseInputError as exc:
            first = str(exc)
            if "not valid YAML" not in first:
                return None
            detail = first.split("not valid YAML", 1)[1].strip()
            m = re.match(r"^.*?, line (\d+):", message)
            noticed = f" (the YAML reader noticed it at line {m.group(1)})" if m and int(m.group(1)) != blk.line else ""
            return (
                f"{_where(where, blk.line)}: the answer to '{clip(blk.key)}', which starts on this "
                f"line, is not valid YAML{noticed}: {detail.lstrip('(').split(')', 1)[0]}. Close every [ and {{, "
                "and every quote, on the line where it opens (or indent the lines that continue it); put text "
                "containing ': ' or '#' in quotes."
            )
    return None


def mark_unread(set_result, af) -> None:
    """Give the not-attempted results of unread items their "could not be read: line N" feedback."""
    unread = getattr(af, "unread", None) or {}
    for r in set_result.results:
        if r.item_id in unread and r.status == "not-attempted":
            r.feedback = unread[r.item_id]


def partly_unreadable(af, set_id: str) -> list[str]:
    """The file's problems for the gradebook: each unread block marks the file "partly unreadable"."""
    return [
        f"{p} (Set '{set_id}' partly unreadable: this item scored 0, as if not attempted; the other answers "
        "were graded.)"
        if p.endswith(_UNREAD_TAIL)
        else p
        for p in af.problems
    ]


def clip(value: Any, limit: int = 60) -> str:
    """``value`` as text, cut to ``limit`` characters (a learner's key or answer quoted in a message)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Learner text made safe to print and to write (issue 16, items 5, 6 and 9).

Anything a learner controls (answers, item keys, folder and file names) can hold terminal escape
sequences (``ESC [ 1 A`` moves the cursor up and can rewrite what an instructor reads), C1 controls
(``U+009B`` is a one-character escape) or bidirectional overrides (``U+202E`` shows text reversed).
:func:`safe_text` shows each such character as a visible escape (``\\x1b``, ``\\u202e``), so the
text stays readable and nothing acts on the terminal or the editor. :func:`csv_cell` also keeps a
spreadsheet from reading a cell as a formula, and caps its length.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, bidirectional marks/embeddings/overrides/isolates, line and
# paragraph separators, the BOM/zero-width no-break space.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE_KEEP_NL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)

#: Excel's limit is 32,767 characters a cell; Python's csv reader's default field limit is 131,072.
CELL_LIMIT = 32_000
FORMULA_START = ("=", "+", "-", "@")


def _escape(m: re.Match) -> str:
    c = m.group(0)
    if c == "\t":
        return " "
    o = ord(c)
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def safe_text(text: object, *, newlines: bool = True) -> str:
    """``text`` with every control and bidi character shown as a visible escape. With
    ``newlines=False``, line breaks are escaped too (one-line contexts: CSV cells, list entries)."""
    s = str(text)
    return (_UNSAFE_KEEP_NL if newlines else _UNSAFE).sub(_escape, s)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def csv_cell(value: object, *, limit: int = CELL_LIMIT) -> object:
    """A CSV cell: numbers as they are; text on one line, escaped, capped, and never a formula."""
    if not isinstance(value, str):
        return value
    s = clip(safe_text(value, newlines=False), limit)
    if s.lstrip()[:1] in FORMULA_START:
        s = "'" + s
    return s


def join_capped(parts: list[str], *, sep: str = " | ", limit: int = CELL_LIMIT, more: str = "") -> str:
    """``parts`` joined by ``sep`` while they fit in ``limit`` characters, then "(N more ...)"."""
    out: list[str] = []
    size = 0
    for i, p in enumerate(parts):
        tail = f"{sep}({len(parts) - i} more{more})"
        if size + len(sep) + len(p) + len(tail) + 40 > limit:
            out.append(f"({len(parts) - i} more{more})")
            break
        out.append(p)
        size += len(sep) + len(p)
    return sep.join(out)

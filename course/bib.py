"""Short author–year labels for citation keys, for terminal output (``course check``, hints).

The book itself uses sphinxcontrib-bibtex; this is a small, fast reader of references.bib for
places where Sphinx is not running.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from course.paths import project_root

_ENTRY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", re.S)
_FIELD = r"\b{name}\s*=\s*[{{\"](.*?)[}}\"]\s*,?\s*\n"


def short_cite(key: str, root: Path | None = None) -> str:
    """'Kennedy 2016' for kennedy2016caliphate; the key itself when unknown."""
    path = (root or project_root()) / "references.bib"
    try:
        table = _table(str(path), path.stat().st_mtime_ns)
    except OSError:
        return key
    return table.get(key, key)


@lru_cache(maxsize=4)
def _table(path: str, _mtime: int) -> dict[str, str]:
    text = Path(path).read_text(encoding="utf-8")
    out = {}
    for m in _ENTRY.finditer(text):
        key, body = m.group(1), m.group(2)
        author = re.search(_FIELD.format(name="author"), body, re.S | re.I) or \
            re.search(_FIELD.format(name="editor"), body, re.S | re.I) or \
            re.search(_FIELD.format(name="organization"), body, re.S | re.I)
        year = re.search(r"\byear\s*=\s*[{\"]?(\d{4})", body, re.I)
        if not author:
            continue
        names = [n.strip() for n in re.split(r"\s+and\s+", author.group(1)) if n.strip()]
        surnames = [(n.split(",")[0] if "," in n else n.split()[-1]).strip("{} ") for n in names]
        who = surnames[0] if len(surnames) == 1 else (
            f"{surnames[0]} and {surnames[1]}" if len(surnames) == 2 else f"{surnames[0]} et al.")
        out[key] = f"{who} {year.group(1)}" if year else who
    return out

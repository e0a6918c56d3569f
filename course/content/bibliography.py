"""The bibliography (``references.bib``): the one reader of it outside Sphinx.

The book itself cites through sphinxcontrib-bibtex; everything else (``course check``, hints, the
LMS export, the exercise validator) gets the citation keys and short author–year labels from here,
through :attr:`course.content.Course.bibliography`. Parsing is a small, fast regular-expression pass
(no BibTeX library to import); :meth:`Bibliography.entries` parses fully with pybtex, on demand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_ENTRY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", re.S)
_KEY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,")
_FIELD = r"\b{name}\s*=\s*[{{\"](.*?)[}}\"]\s*,?\s*\n"


@dataclass(frozen=True)
class Bibliography:
    """The citation keys and short labels of ``references.bib`` (empty when the file is missing)."""

    path: Path
    text: str = ""
    keys: frozenset[str] = frozenset()
    _labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def short_cite(self, key: str) -> str:
        """'Kennedy 2016' for kennedy2016caliphate; the key itself when unknown."""
        return self._labels.get(key, key)

    def entries(self):
        """The entries parsed by pybtex (``pybtex.database.BibliographyData``); imported on demand."""
        return _pybtex(str(self.path), self.text)


def load_bibliography(path: Path) -> Bibliography:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return Bibliography(path)
    keys = frozenset(m.group(1).strip() for m in _KEY.finditer(text))
    return Bibliography(path, text, keys, _labels(text))


def _surname(name: str) -> str:
    return (name.split(",")[0] if "," in name else name.split()[-1]).strip("{} ")


def _who(surnames: list[str]) -> str:
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    return f"{surnames[0]} et al."


def _labels(text: str) -> dict[str, str]:
    out = {}
    for m in _ENTRY.finditer(text):
        key, body = m.group(1), m.group(2)
        author = None
        for name in ("author", "editor", "organization"):
            author = re.search(_FIELD.format(name=name), body, re.S | re.I)
            if author:
                break
        if not author:
            continue
        year = re.search(r"\byear\s*=\s*[{\"]?(\d{4})", body, re.I)
        names = [n.strip() for n in re.split(r"\s+and\s+", author.group(1)) if n.strip()]
        who = _who([_surname(n) for n in names])
        out[key] = f"{who} {year.group(1)}" if year else who
    return out


@lru_cache(maxsize=2)
def _pybtex(path: str, _text: str):
    from pybtex.database import parse_file

    return parse_file(path, bib_format="bibtex")

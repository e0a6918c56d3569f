"""Normalisation of short free-text answers.

Two answers match when their normal forms are equal. The normal form ignores what a learner cannot
be expected to type consistently:

- letter case, surrounding quotes, punctuation, and runs of spaces;
- hyphens, dashes and underscores (``Hizb-ut-Tahrir`` = ``Hizb ut Tahrir``);
- diacritics and transliteration marks: ``ā ī ū ḥ ṣ ḍ ṭ ẓ`` → ``a i u h s d t z``; ʿayn (U+02BF),
  hamza (U+02BE), the modifier apostrophe (U+02BC), straight and curly apostrophes and backticks are
  dropped (``Bayʿa`` = ``Bay'a`` = ``baya``);
- the Arabic article in all its assimilated spellings, which is dropped: ``al- an- ad- as- at- ar-
  az- ash- adh- ath- ul- ut- un- ud- us- el-`` before a word (``al-Nabhānī`` = ``an-Nabhani`` =
  ``Nabhani``), and a free-standing ``al``/``el``;
- a leading English article (``the``).

The normal form is used only for comparison; learners always see their own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Marks that transliterations use for ʿayn and hamza, plus the apostrophes learners type for them.
_DROP = dict.fromkeys(map(ord, "\u02bf\u02be\u02bc\u02bb\u2018\u2019\u201b\u0060\u00b4\u2032'"), None)
# Letters that do not decompose under NFKD.
_MAP = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "&": " and "})

# The article, with sun-letter assimilation, written with a hyphen and glued to the next word.
# Only at the start of a token (start of text, after a space or a hyphen).
_ARTICLE_HYPHEN = re.compile(
    r"(?:^|(?<=[\s\-]))(?:a|e|u|i)(?:l|n|d|s|t|r|z|sh|dh|th|zh)-(?=[a-z])"
)
_ARTICLE_FREE = {"al", "el"}
_SEP = re.compile(r"[\s\-‐‑‒–—―_/·.,;:!?\"“”«»()\[\]{}]+")


def strip_marks(text: str) -> str:
    """Remove diacritics and ʿayn/hamza marks; keep base letters (``Nabhānī`` → ``Nabhani``)."""
    text = text.translate(_DROP)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_MAP)


def normalize_text(text: object) -> str:
    """The comparison form of a short answer (see the module docstring)."""
    s = strip_marks(str(text)).casefold()
    # Treat every kind of dash as a hyphen before looking for articles.
    s = re.sub(r"[‐‑‒–—―_]", "-", s)
    s = _ARTICLE_HYPHEN.sub("", s)
    tokens = [t for t in _SEP.split(s) if t]
    tokens = [t for t in tokens if t not in _ARTICLE_FREE]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


def matches(answer: object, variants: list[str]) -> str | None:
    """The accepted variant ``answer`` matches, or None."""
    norm = normalize_text(answer)
    if not norm:
        return None
    for v in variants:
        if normalize_text(v) == norm:
            return v
    return None


def closest(answer: object, variants: list[str]) -> tuple[str | None, float]:
    """The variant most similar to ``answer`` (after normalisation) and the similarity 0..1."""
    norm = normalize_text(answer)
    best, best_ratio = None, 0.0
    for v in variants:
        ratio = SequenceMatcher(None, norm, normalize_text(v)).ratio()
        if ratio > best_ratio:
            best, best_ratio = v, ratio
    return best, best_ratio


def label_key(text: object) -> str:
    """Normal form of a taxonomy label: ``Loaded_Language`` / ``loaded language`` → ``loaded-language``."""
    s = strip_marks(str(text)).casefold().strip()
    return re.sub(r"[\s_\-‐‑‒–—/]+", "-", s).strip("-")

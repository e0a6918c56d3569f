"""Normalisation of short free-text answers (and of the numbers learners write).

Two short answers match when they share a *match key* (:func:`match_keys`). The steps are pure
string transforms, applied in this order (a port must apply them in the same order):

1. **Bracketed glosses** are removed: ``Baybars (the Mamluk sultan)`` → ``Baybars``; round, square
   and curly brackets, innermost first; skipped if nothing would be left.
2. **Marks** (:func:`strip_marks`): ʿayn (U+02BF), hamza (U+02BE), the modifier apostrophe
   (U+02BC, U+02BB), straight and curly apostrophes, backtick, acute accent and prime are dropped;
   then NFKD decomposition and removal of combining marks (``ā ḥ ṣ`` → ``a h s``); then the letters
   that do not decompose: ``ı ł ø đ ħ æ œ`` → ``i l o d h ae oe``, and ``&`` → `` and ``.
3. **Case**: ``str.casefold``.
4. **Dashes** ``‐ ‑ ‒ – — ―`` and ``_`` become ``-``.
5. **Hyphenated article** (only when articles are dropped, see the keys below): at the start of
   the text or after a space or hyphen, ``[aeiu]`` + one of ``l n d s t r z sh dh th zh`` + ``-``
   before a letter is removed (``al-`` ``an-`` ``ad-`` ``ash-`` ``ul-`` ``ut-`` ``el-`` ...).
6. **Tokens**: the text is split on runs of spaces, hyphens, ``/ · . , ; : ! ?``, quotes and
   brackets; empty tokens are dropped.
7. **Free-standing articles** (only when articles are dropped): ``al`` and ``el`` anywhere; the
   assimilated forms in :data:`INNER_ARTICLES` only between two other tokens (``Hizb ut Tahrir``).
8. **A leading English article** ``the`` is dropped when another token follows.
9. **Leading titles and honorifics** in :data:`TITLES` (``Sheikh``, ``Imam``, ``Mawlana`` ...) are
   dropped from the start while another token remains (``Imam`` alone stays ``imam``).

:func:`normalize_text` is steps 1–9 with articles dropped, tokens joined by one space: the form used
for display-free comparisons (choices by text, feedback for wrong answers, the LMS export).

:func:`match_keys` gives two keys, each the tokens joined with *no* space (so ``Abu Bakr`` =
``Abubakr``): one with articles dropped (steps 5 and 7 applied), one with them kept. Two answers
match when the key sets intersect: ``Hizb-ut-Tahrir`` = ``Hizb ut Tahrir`` = ``Hizbut Tahrir`` =
``Hizb al-Tahrir``. Other spellings (``Rasool``, ``Nabahani``) are accepted only through the item's
own list of variants in its exercise set: the normaliser does not guess transliterations.

Numbers (:func:`parse_number`): a thousands separator is a comma, space, thin or no-break space or
underscore between groups of exactly three digits after a first group of 1–3 digits not starting
with 0 (``1,292`` = ``1 292`` = 1292); any other single comma between digits is a decimal comma
(``0,342`` = 0.342, ``3,5`` = 3.5). Era words ``CE`` / ``AD`` / ``C.E.`` / ``A.D.`` are one unit,
written before or after the number; ``AH`` is a different unit.

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
_ARTICLE_HYPHEN = re.compile(r"(?:^|(?<=[\s\-]))(?:a|e|u|i)(?:l|n|d|s|t|r|z|sh|dh|th|zh)-(?=[a-z])")
_ARTICLE_FREE = {"al", "el"}
#: Assimilated article forms dropped only between two other tokens (step 7).
INNER_ARTICLES = frozenset(
    {
        "ul",
        "ut",
        "un",
        "ud",
        "us",
        "ur",
        "uz",
        "ush",
        "udh",
        "uth",
        "an",
        "ad",
        "as",
        "at",
        "ar",
        "az",
        "ash",
        "adh",
        "ath",
    }
)
#: Titles and honorifics dropped from the start of an answer (step 9), in normal form.
TITLES = frozenset(
    {
        "shaykh",
        "sheikh",
        "shaikh",
        "sheik",
        "shaich",
        "imam",
        "mawlana",
        "maulana",
        "molana",
        "maulvi",
        "mawlawi",
        "sayyid",
        "sayed",
        "syed",
        "hazrat",
        "hadrat",
        "hadhrat",
        "hajji",
        "haji",
        "hajj",
        "mulla",
        "mullah",
        "mufti",
        "ayatollah",
        "ayatullah",
        "caliph",
        "khalif",
        "sultan",
        "sir",
        "dr",
        "prof",
        "professor",
        "ustadh",
        "ustaz",
        "allama",
        "allamah",
    }
)
_SEP = re.compile(r"[\s\-‐‑‒–—―_/·.,;:!?\"“”«»()\[\]{}]+")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")


def strip_marks(text: str) -> str:
    """Remove diacritics and ʿayn/hamza marks; keep base letters (``Nabhānī`` → ``Nabhani``)."""
    text = text.translate(_DROP)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_MAP)


def strip_glosses(text: str) -> str:
    """Step 1: remove bracketed glosses, innermost first, unless nothing would be left."""
    s = text
    for _ in range(10):  # nesting is shallow in practice; bounded for safety
        t = _BRACKETS.sub(" ", s)
        if t == s:
            break
        s = t
    return s if s.strip() else text


def _tokens(text: object, *, drop_articles: bool, glosses: bool = True) -> list[str]:
    s = strip_glosses(str(text)) if glosses else str(text)
    s = strip_marks(s).casefold()
    s = re.sub(r"[‐‑‒–—―_]", "-", s)
    if drop_articles:
        s = _ARTICLE_HYPHEN.sub("", s)
    tokens = [t for t in _SEP.split(s) if t]
    if drop_articles:
        tokens = [
            t
            for i, t in enumerate(tokens)
            if t not in _ARTICLE_FREE and not (t in INNER_ARTICLES and 0 < i < len(tokens) - 1)
        ]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return tokens


def normalize_text(text: object) -> str:
    """The comparison form of a short answer: steps 1–9, articles dropped, one space between tokens."""
    return " ".join(_tokens(text, drop_articles=True))


def text_tokens(text: object) -> list[str]:
    """Tokens of a longer text (evidence, a response): steps 2–9 with articles dropped, but bracketed
    text kept (in prose, brackets hold citations such as "(Kennedy 2016)")."""
    return _tokens(text, drop_articles=True, glosses=False)


def match_keys(text: object) -> frozenset[str]:
    """The two match keys of an answer (tokens joined without spaces; articles dropped / kept)."""
    keys = {"".join(_tokens(text, drop_articles=True)), "".join(_tokens(text, drop_articles=False))}
    keys.discard("")
    return frozenset(keys)


def same(a: object, b: object) -> bool:
    """True when two answers share a match key."""
    return bool(match_keys(a) & match_keys(b))


def matches(answer: object, variants: list[str]) -> str | None:
    """The accepted variant ``answer`` matches, or None."""
    keys = match_keys(answer)
    if not keys:
        return None
    for v in variants:
        if keys & match_keys(v):
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


# --------------------------------------------------------------------------------------------------
# Numbers

_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:([,\u202f\u00a0 _])\d{3})(?:\1\d{3})*(?:\.\d+)?$")
# Only the number is matched; the rest of the text is taken as it is (a lazy ``(.*?)\s*$`` tail
# backtracks quadratically on long runs of spaces: issue 16).
_NUMBER_HEAD = re.compile(r"\s*([+-]?(?:\d[\d,\u202f\u00a0 _]*\d|\d)(?:\.\d+)?|[+-]?\.\d+)")
#: Unit words that mean the same unit (normal form → canonical unit).
UNIT_SYNONYMS = {"ce": "ce", "ad": "ce", "c e": "ce", "a d": "ce", "ah": "ah", "a h": "ah"}


def unit_key(text: str) -> str:
    """Canonical form of a unit word: ``A.D.`` → ``ce``; ``years`` → ``year``."""
    n = normalize_text(text)
    if n in UNIT_SYNONYMS:
        return UNIT_SYNONYMS[n]
    return n[:-1] if n.endswith("s") and len(n) > 2 else n


def parse_number(text: str) -> tuple[float, str] | None:
    """``(value, unit text)`` of a number as learners write it, or None. See the module docstring."""
    s = str(text).strip()
    # An era word may come first: "AD 680", "CE 680".
    m = re.match(r"^(a\.?\s?d\.?|c\.?\s?e\.?)\s+(?=\d)", s, re.I)
    prefix = ""
    if m:
        prefix, s = m.group(1), s[m.end() :]
    m = _NUMBER_HEAD.match(s)
    if not m:
        return None
    num, rest = m.group(1), s[m.end() :].strip()
    sign = ""
    if num[:1] in "+-":
        sign, num = num[0], num[1:]
    # A space-separated run is a number only if it is a thousands grouping; otherwise the rest is a unit.
    if re.search(r"[\u202f\u00a0 _]", num) and not _THOUSANDS.match(num):
        head = re.match(r"^\d+", num).group(0)
        rest = (num[len(head) :] + " " + rest).strip()
        num = head
    if _THOUSANDS.match(num):
        num = re.sub(r"[,\u202f\u00a0 _]", "", num)
    elif num.count(",") == 1 and "." not in num and re.fullmatch(r"\d+,\d+", num):
        num = num.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", num):
        return None
    if prefix and rest:
        return None
    return float(sign + num), (prefix or rest).strip()

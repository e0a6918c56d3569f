"""Transliteration-insensitive search and sorting.

Readers type "Nabhani", "nusra", "baya" or "ulama"; the book writes Nabhānī, nuṣra, bayʿa, ʿulamāʾ.
``fold`` maps both to the same key: accents and dots dropped (ā → a, ṣ → s), ʿayn and hamza
(ʿ ʾ and the apostrophes often typed for them) removed, lower case. The search index and the
search box's query both go through it (a folding English search language: the Python side builds
the index, the same folding in JavaScript runs on the query), and the glossary and the PDF index
sort by it.
"""

from __future__ import annotations

import re
import unicodedata

# ʿayn and hamza as written (modifier letters), and the look-alikes people type for them
MARKS = "\u02bf\u02be\u02bb\u02bc\u2018\u2019'`\u00b4"
_MARKS_RE = re.compile(f"[{re.escape(MARKS)}]")


def fold(text: str) -> str:
    """The sort and search key of ``text``: no diacritics, no ʿ/ʾ, lower case."""
    if text.isascii():  # most words: nothing to decompose, only the ASCII look-alikes to drop
        return text.replace("'", "").replace("`", "").casefold()
    text = _MARKS_RE.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


# The same folding in JavaScript (for the search box): NFD, drop combining marks (U+0300–U+036F)
# and the ʿ/ʾ look-alikes, lower case.
JS_FOLD = (
    "function courseFold(w) { return w.normalize('NFKD')"
    ".replace(/[\\u0300-\\u036f\\u02bf\\u02be\\u02bb\\u02bc\\u2018\\u2019'`\\u00b4]/g, '')"
    ".toLowerCase(); }\n"
)


def _search_language():
    from sphinx.search import _MINIFIED_JS_PATH
    from sphinx.search.en import SearchEnglish

    base = (_MINIFIED_JS_PATH / "base-stemmer.js").read_text(encoding="utf-8")
    english = (_MINIFIED_JS_PATH / SearchEnglish.js_stemmer_rawcode).read_text(encoding="utf-8")

    class SearchEnglishFolded(SearchEnglish):
        """English search whose index words and query words are folded before stemming."""

        js_stemmer_rawcode = ""
        js_stemmer_code = "\n".join(
            (
                base,
                english,
                JS_FOLD,
                "window.Stemmer = function () {\n"
                "  const inner = new EnglishStemmer();\n"
                "  this.stemWord = (w) => inner.stemWord(courseFold(w));\n"
                "};",
            )
        )

        def __init__(self, options: dict[str, str]) -> None:
            super().__init__(options)
            self._stems: dict[str, str] = {}

        def stem(self, word: str) -> str:
            # Sphinx remembers stems page by page only; across the book's pages, stem each word once
            stem = self._stems.get(word)
            if stem is None:
                stem = self._stems[word] = super().stem(fold(word))
            return stem

    return SearchEnglishFolded


def register_search_language() -> None:
    """English search that folds transliteration (Sphinx's search languages are a module table)."""
    import sphinx.search

    sphinx.search.languages["en"] = _search_language()

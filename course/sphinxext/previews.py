"""Hover and focus previews, built offline: a reading paragraph's first sentence for ``{para}``
links, the glossary definition for ``{term}`` links, the full reference for citations.

The paragraph and citation links already carry their preview as ``title`` (written by the reading
pages and by sphinxcontrib-bibtex); after the HTML build this module gives each glossary link a
``data-preview`` with the term's definition, read from the built glossary page. The small script
``course-previews.js`` (no third-party code) shows the preview in one ``role="tooltip"`` element on
mouse hover and on keyboard focus, ties it to the link with ``aria-describedby``, keeps it open
while the pointer is over it, and closes it with Escape (WCAG 1.4.13).
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

_TERM_RE = re.compile(r'<dt id="(term-[^"]+)">.*?</dt>\s*<dd>(.*?)</dd>', re.S)
_LINK_RE = re.compile(r'<a class="reference internal" href="([^"#]*glossary\.html)#(term-[^"]+)"')
MAX_CHARS = 320


def plain(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", "", fragment)
    return " ".join(htmllib.unescape(text).split())


def first_sentences(text: str, limit: int = MAX_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > 80 else cut.rsplit(" ", 1)[0] + "…"


def glossary_previews(outdir: Path) -> dict[str, str]:
    page = outdir / "glossary.html"
    if not page.exists():
        return {}
    return {tid: first_sentences(plain(dd)) for tid, dd in _TERM_RE.findall(page.read_text(encoding="utf-8"))}


def add_term_previews(html: str, terms: dict[str, str]) -> str:
    def repl(m):
        text = terms.get(m.group(2))
        if not text:
            return m.group(0)
        return m.group(0) + f' data-preview="{htmllib.escape(text, quote=True)}"'

    html = re.sub(
        r'(<a class="reference internal" href="[^"#]*glossary\.html#term-[^"]+") data-preview="[^"]*"', r"\1", html
    )  # idempotent
    return _LINK_RE.sub(repl, html)


_PARA_RE = re.compile(r'<p class="reading-para[^"]*" id="([^"]+-p\d+)">(.*?)</p>', re.S)
_PARA_LINK_RE = re.compile(
    r'(<a class="reference internal" href="[^"#]*readings/[^"#/]+\.html#([^"]+-p\d+)")'
    r'( title="([^"]*)")?'
)


def paragraph_previews(outdir: Path) -> dict[str, str]:
    """anchor → the paragraph's first sentences, read from the built reading pages."""
    out: dict[str, str] = {}
    for page in (outdir / "readings").glob("*.html"):
        for anchor, body in _PARA_RE.findall(page.read_text(encoding="utf-8")):
            body = re.sub(r'<span class="paranum">.*?</span>', "", body, count=1)
            out[anchor] = first_sentences(plain(body))
    return out


def add_paragraph_previews(html: str, paras: dict[str, str]) -> str:
    """A {para} link's preview: its label ("Reading B, ¶79") and the paragraph's first sentences
    (the ``title`` the link already has keeps only the first words)."""

    def repl(m):
        text = paras.get(m.group(2))
        if not text or 'data-preview="' in html[m.end() : m.end() + 15]:
            return m.group(0)
        label = (m.group(4) or "").split(":", 1)[0]
        preview = f"{htmllib.unescape(label)}: {text}" if label else text
        return m.group(0) + f' data-preview="{htmllib.escape(preview, quote=True)}"'

    return _PARA_LINK_RE.sub(repl, html)


def write_previews(app, exc):
    if exc is not None or app.builder.name not in ("html", "dirhtml"):
        return
    outdir = Path(app.outdir)
    terms = glossary_previews(outdir)
    paras = paragraph_previews(outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = add_paragraph_previews(add_term_previews(text, terms), paras)
        if new != text:
            page.write_text(new, encoding="utf-8")


def add_script(app):
    if app.builder.name in ("html", "dirhtml"):  # not the EPUB (no scripts there)
        app.add_js_file("course-previews.js", loading_method="defer")

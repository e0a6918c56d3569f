"""Lean HTML pages: the theme's icon script out, its icons inline, search files only on the search
page, and the theme's stylesheet without the rules no page uses.

sphinx-book-theme (through pydata-sphinx-theme 0.20) makes every page download ``fontawesome.js``
(1.5 MB) to draw about ten icons, and ``searchindex.js`` with the search scripts although its
search box just opens the search page. After the HTML build this module

* replaces each ``<i class="fa-solid fa-NAME">`` with the icon as inline SVG (the path data is read
  from the theme's own ``fontawesome.js``, so it follows theme upgrades; Font Awesome Free icons,
  CC BY 4.0) and drops the script;
* keeps ``searchtools.js``, ``language_data.js`` and ``searchindex.js`` on ``search.html`` only;
* removes from ``pydata-sphinx-theme.css`` every rule whose selectors all name a class that
  appears neither in a built page nor in a shipped script (the icon-font rules, unused Bootstrap
  components).

bench/bench_book.py row P5 measures the result. Nothing here touches the EPUB.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

_ICON_RE = re.compile(r'<(i|span) class="fa-solid fa-([a-z0-9-]+)((?: [\w-]+)*)"(?: aria-hidden="true")?></\1>')
_FA_SCRIPT_RE = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
_SEARCH_SCRIPTS_RE = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>')


def _theme_static() -> Path:
    import pydata_sphinx_theme
    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


@functools.lru_cache(maxsize=1)
def _fontawesome_source() -> str:
    path = _theme_static() / "scripts" / "fontawesome.js"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@functools.lru_cache(maxsize=1)
def _solid_icons() -> dict[str, tuple[str, str, list[str]]]:
    """unicode code point (hex) → (width, height, paths) of every solid icon in the theme's script."""
    src = _fontawesome_source()
    icons: dict[str, tuple[str, str, list[str]]] = {}
    pat = re.compile(r'[{,]"?[\w-]+"?:\[(\d+),(\d+),\[[^\]]*\],"([0-9a-f]+)",("[^"]+"|\[[^\]]*\])\]')
    packs = [(m.start(), m.group(1)) for m in re.finditer(r'\b[\w$]+\(\s*"(fa[a-z]+)"\s*,', src)]
    for m in pat.finditer(src):
        pack = next((name for pos, name in packs if pos > m.end()), None)
        if pack == "fas":
            icons.setdefault(m.group(3), (m.group(1), m.group(2), re.findall(r'"([^"]+)"', m.group(4))))
    return icons


def _mask_url(width: str, height: str, paths: list[str]) -> str:
    from urllib.parse import quote
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
           + "".join(f"<path d='{d}'/>" for d in paths) + "</svg>")
    return 'url("data:image/svg+xml,' + quote(svg, safe="/:=' ,.-") + '")'


_MASK = ("background-color:currentColor;-webkit-mask:var(--course-icon) no-repeat center/contain;"
         "mask:var(--course-icon) no-repeat center/contain;display:inline-block;width:1em;height:1em;"
         "vertical-align:-0.125em")


def icon_font_free(css: str) -> str:
    """The theme's pseudo-element icons (admonition titles, breadcrumbs, external links) drawn with
    a CSS mask of the same icon, instead of the icon font: ``content: var(--pst-icon-X)`` becomes
    ``--course-icon: var(--course-icon-X)`` and ``font: var(--fa-font-solid)`` the mask."""
    defs = dict(re.findall(r'--pst-icon-([a-z-]+):"([^"]*)"', css))
    aliases = dict(re.findall(r'--pst-icon-([a-z-]+):var\(--pst-icon-([a-z-]+)\)', css))
    bc = re.search(r'--pst-breadcrumb-divider:"([^"]*)"', css)
    if bc:
        defs["breadcrumb-divider"] = bc.group(1)
    icons = _solid_icons()
    root = []
    for name, char in defs.items():
        if len(char) == 1 and f"{ord(char):x}" in icons:
            root.append(f"--course-icon-{name}:{_mask_url(*icons[f'{ord(char):x}'])}")
    for name, target in aliases.items():
        root.append(f"--course-icon-{name}:var(--course-icon-{target})")
    css = re.sub(r"content:var\(--pst-icon-([a-z-]+)\)", r'content:"";--course-icon:var(--course-icon-\1)', css)
    css = css.replace('content:var(--pst-breadcrumb-divider)',
                      'content:"";--course-icon:var(--course-icon-breadcrumb-divider)')
    css = css.replace("font:var(--fa-font-solid)", _MASK)
    return ":root{" + ";".join(root) + "}" + css


@functools.lru_cache(maxsize=64)
def icon_svg(name: str) -> str | None:
    """The solid icon ``name`` as SVG markup, or None when the theme's script does not have it."""
    src = _fontawesome_source()
    pat = re.compile(r'[{,]"?' + re.escape(name) + r'"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+",("[^"]+"|\[[^\]]*\])\]')
    for m in pat.finditer(src):
        pack = re.search(r'\b[\w$]+\(\s*"(fa[a-z]+)"\s*,', src[m.end():])
        if pack and pack.group(1) == "fas":
            width, height = m.group(1), m.group(2)
            paths = re.findall(r'"([^"]+)"', m.group(3))
            body = "".join(f'<path d="{d}"/>' for d in paths if d)
            return (f'<svg class="course-icon fa-{name}{{extra}}" aria-hidden="true" focusable="false" '
                    f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{body}</svg>')
    return None


def inline_icons(html: str) -> str:
    def repl(m):
        svg = icon_svg(m.group(2))
        if svg is None:
            return m.group(0)
        return svg.replace("{extra}", m.group(3))
    return _ICON_RE.sub(repl, html)


def lean_page(html: str, is_search_page: bool) -> str:
    html = _FA_SCRIPT_RE.sub("", html)
    if not is_search_page:
        html = _SEARCH_SCRIPTS_RE.sub("", html)
    return inline_icons(html)


# ------------------------------------------------------------------------------------------------
# The theme's stylesheet, purged

_CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def _split_rules(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, block) pairs; a block of an @-rule keeps its braces' content."""
    out, i, n = [], 0, len(css)
    while i < n:
        j = css.find("{", i)
        if j < 0:
            break
        prelude = css[i:j]
        depth, k = 1, j + 1
        while k < n and depth:
            if css[k] == "{":
                depth += 1
            elif css[k] == "}":
                depth -= 1
            k += 1
        out.append((prelude, css[j + 1:k - 1]))
        i = k
    return out


def _selector_used(selector: str, known: set[str]) -> bool:
    # classes inside :not()/:is()/:where()/:has() and attribute selectors don't decide (keep the rule)
    plain = re.sub(r"\[[^\]]*\]", "", selector)
    plain = re.sub(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)", "", plain)
    return all(c in known for c in _CLASS_RE.findall(plain))


def purge_css(css: str, known: set[str]) -> str:
    out = []
    # keep the licence comments at the top
    head = re.match(r"\s*(/\*.*?\*/\s*)*", css, re.S)
    out.append(head.group(0) if head else "")
    for prelude, block in _split_rules(css[head.end() if head else 0:]):
        p = prelude.strip()
        if p.startswith("@media") or p.startswith("@supports") or p.startswith("@layer") or p.startswith("@container"):
            inner = purge_css(block, known)
            if inner.strip():
                out.append(f"{p}{{{inner}}}")
        elif p.startswith("@font-face"):
            if "fontawesome" not in block and "Font Awesome" not in block:
                out.append(f"{p}{{{block}}}")
        elif p.startswith("@"):
            out.append(f"{p}{{{block}}}")
        else:
            p = re.sub(r"/\*.*?\*/", "", p, flags=re.S).strip()
            sels = [s for s in p.split(",") if _selector_used(s, known)]
            if sels:
                out.append(f"{','.join(sels)}{{{block}}}")
    return "".join(out)


def _known_classes(outdir: Path) -> set[str]:
    known: set[str] = set()
    for page in outdir.rglob("*.html"):
        for attr in re.findall(r'class="([^"]*)"', page.read_text(encoding="utf-8", errors="replace")):
            known.update(attr.split())
    # classes that scripts add (Bootstrap's show/collapsing, the theme's own): any word-like token
    for js in (outdir / "_static").rglob("*.js"):
        if js.name == "fontawesome.js":
            continue
        known.update(re.findall(r"[A-Za-z_][\w-]*", js.read_text(encoding="utf-8", errors="replace")))
    return known


def make_lean(app, exc):
    if exc is not None or app.builder.name not in ("html", "dirhtml"):
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lean = lean_page(text, page.name == "search.html" and page.parent == outdir)
        if lean != text:
            page.write_text(lean, encoding="utf-8")
    theme_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    source = _theme_static() / "styles" / "pydata-sphinx-theme.css"  # the full sheet, every build
    if theme_css.exists() and source.exists():
        css = source.read_text(encoding="utf-8")
        purged = icon_font_free(purge_css(css, _known_classes(outdir)))
        if purged != css:
            theme_css.write_text(purged, encoding="utf-8")
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (outdir / "_static" / "scripts" / name).unlink(missing_ok=True)


def setup(app):
    app.connect("build-finished", make_lean)
    app.add_css_file("course-book.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

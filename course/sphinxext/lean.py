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

# an icon element: other classes before and after (the theme switch's "theme-switch"), and its own
# attributes (data-mode, title), all kept on the SVG that replaces it
_ICON_RE = re.compile(
    r'<(i|span) class="((?:[\w-]+ )*)(?:fa-solid|fas) fa-([a-z0-9-]+)((?: [\w-]+)*)"'
    r'((?: (?!aria-hidden)[\w-]+="[^"<>]*")*)(?: aria-hidden="true")?></\1>'
)
_FA_SCRIPT_RE = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
_SEARCH_SCRIPTS_RE = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>'
)


def _theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def _fontawesome_path() -> Path:
    return _theme_static() / "scripts" / "fontawesome.js"


_CACHE_DIR: Path | None = None  # set at build time: the doctree folder keeps the extracted icons


@functools.lru_cache(maxsize=1)
def _icon_index() -> dict:
    """The solid icons of the theme's script, by name and alias (``names``) and by code point
    (``codes``): [width, height, [paths]]. Reading the 1.5 MB script takes seconds, so the index is
    kept in a small JSON file in the doctree folder, keyed by the script's size and date."""
    import json

    path = _fontawesome_path()
    if not path.exists():
        return {"names": {}, "codes": {}}
    st = path.stat()
    key = f"{st.st_size}-{st.st_mtime_ns}"
    cache = _CACHE_DIR / "course-icons.json" if _CACHE_DIR else None
    if cache is not None and cache.exists():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("key") == key:
                return data
        except ValueError:
            pass
    src = path.read_text(encoding="utf-8")
    # a pack's call, name("fas", ...): a lookbehind for the name is twice as fast over 1.5 MB as
    # matching the name itself (which the regex engine tries at every position)
    packs = [(m.start(), m.group(1)) for m in re.finditer(r'(?<=[\w$])\(\s*"(fa[a-z]+)"\s*,', src)]
    pat = re.compile(r'[{,]"?([\w-]+)"?:\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)",("[^"]+"|\[[^\]]*\])\]')
    names: dict[str, list] = {}
    codes: dict[str, list] = {}
    for m in pat.finditer(src):
        pack = next((name for pos, name in packs if pos > m.end()), None)
        if pack != "fas":
            continue
        icon = [m.group(2), m.group(3), re.findall(r'"([^"]+)"', m.group(6))]
        for alias in [m.group(1), *re.findall(r'"([\w-]+)"', m.group(4))]:
            names.setdefault(alias, icon)
        codes.setdefault(m.group(5), icon)
    data = {"key": key, "names": names, "codes": codes}
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(data), encoding="utf-8")
        except OSError:
            pass
    return data


def _solid_icons() -> dict:
    return _icon_index()["codes"]


def _mask_url(width: str, height: str, paths: list[str]) -> str:
    from urllib.parse import quote

    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
        + "".join(f"<path d='{d}'/>" for d in paths)
        + "</svg>"
    )
    return 'url("data:image/svg+xml,' + quote(svg, safe="/:=' ,.-") + '")'


_MASK = (
    "background-color:currentColor;-webkit-mask:var(--course-icon) no-repeat center/contain;"
    "mask:var(--course-icon) no-repeat center/contain;display:inline-block;width:1em;height:1em;"
    "vertical-align:-0.125em"
)


def icon_font_free(css: str) -> str:
    """The theme's pseudo-element icons (admonition titles, breadcrumbs, external links) drawn with
    a CSS mask of the same icon, instead of the icon font: ``content: var(--pst-icon-X)`` becomes
    ``--course-icon: var(--course-icon-X)`` and ``font: var(--fa-font-solid)`` the mask."""
    defs = dict(re.findall(r'--pst-icon-([a-z-]+):"([^"]*)"', css))
    aliases = dict(re.findall(r"--pst-icon-([a-z-]+):var\(--pst-icon-([a-z-]+)\)", css))
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
    css = css.replace(
        "content:var(--pst-breadcrumb-divider)", 'content:"";--course-icon:var(--course-icon-breadcrumb-divider)'
    )
    css = css.replace("font:var(--fa-font-solid)", _MASK)
    return ":root{" + ";".join(root) + "}" + css


@functools.lru_cache(maxsize=64)
def icon_svg(name: str) -> str | None:
    """The solid icon ``name`` as SVG markup, or None when the theme's script does not have it."""
    icon = _icon_index()["names"].get(name)
    if icon is None:
        return None
    width, height, paths = icon
    body = "".join(f'<path d="{d}"/>' for d in paths if d)
    return (
        f'<svg class="course-icon fa-{name}{{extra}}" aria-hidden="true" focusable="false" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def inline_icons(html: str) -> str:
    def repl(m):
        svg = icon_svg(m.group(3))
        if svg is None:
            return m.group(0)
        svg = svg.replace("{extra}", m.group(4) + (" " + m.group(2).strip() if m.group(2) else ""))
        return svg.replace(' aria-hidden="true"', m.group(5) + ' aria-hidden="true"', 1)

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
        out.append((prelude, css[j + 1 : k - 1]))
        i = k
    return out


def split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas only: ``:is(.a,.b)::before`` stays whole."""
    out, cur, depth = [], [], 0
    for ch in prelude:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
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
    for prelude, block in _split_rules(css[head.end() if head else 0 :]):
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
            sels = [s for s in split_selectors(p) if _selector_used(s, known)]
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
    global _CACHE_DIR
    if exc is not None or app.builder.name not in ("html", "dirhtml"):
        return
    if getattr(app, "doctreedir", None):
        _CACHE_DIR = Path(app.doctreedir)
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "fontawesome.js" not in text and 'class="fa-solid' not in text:
            continue  # written by an earlier build and already lean
        lean = lean_page(text, page.name == "search.html" and page.parent == outdir)
        if lean != text:
            page.write_text(lean, encoding="utf-8")
    theme_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    source = _theme_static() / "styles" / "pydata-sphinx-theme.css"  # the full sheet, every build
    if theme_css.exists() and source.exists():
        import hashlib

        known = _known_classes(outdir)
        key = hashlib.sha256(
            (f"{source.stat().st_size}-{source.stat().st_mtime_ns}|" + " ".join(sorted(known))).encode()
        ).hexdigest()
        cache = (_CACHE_DIR / f"course-theme-{key[:16]}.css") if _CACHE_DIR else None
        if cache is not None and cache.exists():
            purged = cache.read_text(encoding="utf-8")
        else:
            purged = icon_font_free(purge_css(source.read_text(encoding="utf-8"), known))
            if cache is not None:
                for old in cache.parent.glob("course-theme-*.css"):
                    old.unlink(missing_ok=True)
                cache.write_text(purged, encoding="utf-8")
        if theme_css.read_text(encoding="utf-8") != purged:
            theme_css.write_text(purged, encoding="utf-8")
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (outdir / "_static" / "scripts" / name).unlink(missing_ok=True)

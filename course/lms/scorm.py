"""SCORM 1.2 packages for an LMS: ``course export scorm``.

The student HTML book is built once (``course.build``) into a staging folder, and each package is
assembled from it:

- one package (zip) per module, one SCO: the module's pages (landing page, lessons, exercise page),
  the reading pages they link to, the glossary and bibliography when linked, and only the theme
  assets those pages load (one ``_static/`` per package, nothing twice);
- or, with ``whole_course``, one package for the whole book.

Each package gets a launcher page (``scorm-launch.html``, the manifest's launch file) that holds the
LMS session and shows the module's landing page in a full-size frame, so that moving between the
pages of the module does not end the LMS session. Every page also loads ``scorm-config.js`` and
``scorm-bridge.js`` after the page's own scripts: the bridge connects the in-page self-check
(``window.courseSelfCheck``) to the SCORM 1.2 runtime API. Links to pages that are not in the package
lose their target (the text stays, marked as "in another part of the course").

Every package is checked before it is kept: :func:`check_manifest` (every href exists, identifiers
unique, no path escapes the package, every file listed) and the student-edition leak scan
(:mod:`course.verify`) over its text files. A package that fails is not written.

Scores: SCORM 1.2 allows ``cmi.core.score.raw/min/max`` only within 0–100. A package whose
auto-checked items are worth at most 100 points reports points; a larger one reports a percentage
(the ``scale`` in the package's ``scorm-config.js``; the export's report says which).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import posixpath
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from course.content.files import atomic_write_bytes
from course.errors import CourseInputError

STATIC = Path(__file__).resolve().parent / "static"  # not the book's static folder: SCORM packages only
BRIDGE_JS = "scorm-bridge.js"
LAUNCHER = "scorm-launch.html"
COURSE_ID = "reading-the-caliphate"
MAX_PACKAGE_BYTES = 5 * 1024 * 1024
SCORE_CEILING = 100.0  # SCORM 1.2: score.raw, min and max lie in 0..100

NS_CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
NS_ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

# SCORM 1.2 interaction types for the course's item types (cmi.interactions.n.type)
INTERACTION_TYPES = {
    "single": "choice",
    "multiple": "choice",
    "ordering": "sequencing",
    "matching": "matching",
    "numeric": "numeric",
    "short": "fill-in",
    "locate": "choice",
    "annotate": "matching",
    "verdict": "performance",
    "open": "performance",
}

_REF = re.compile(r"""(?P<attr>\b(?:href|src))=(?P<q>["'])(?P<url>[^"']*)(?P=q)""")
_ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)|@import\s+(["'])([^"']+)\3""")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def reported_score(points: float, max_points: float) -> float:
    """The cmi.core.score.raw the bridge reports for ``points`` out of ``max_points``: the points
    when the package is worth at most 100, else a percentage; rounded to 2 decimals as JavaScript's
    Math.round does (halves up)."""
    x = points * 100 / max_points if max_points > SCORE_CEILING else points
    return math.floor(x * 100 + 0.5) / 100


@dataclass
class Package:
    name: str  # module id, or "course"
    title: str
    path: Path
    files: int
    bytes: int
    unpacked: int
    pages: list[str]
    sets: dict[str, float]  # set id -> points of its auto-checked items
    scale: float

    @property
    def max_points(self) -> float:
        return sum(self.sets.values())

    @property
    def reported_max(self) -> float:
        return reported_score(self.max_points, self.max_points)


@dataclass
class ExportResult:
    packages: list[Package]
    html_dir: Path
    build_seconds: float
    assemble_seconds: float
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# Choosing what goes into a package


def _rel(from_page: str, target: str) -> str:
    """Relative URL from a page (posix path in the package) to a package file."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def _resolve(page: str, url: str) -> tuple[str | None, str]:
    """(package path or None for external/data/anchor-only URLs, the URL's #fragment or ?query tail)."""
    if not url or url.startswith(("#", "//")) or _EXTERNAL.match(url):
        return None, ""
    m = re.match(r"^([^#?]*)(.*)$", url)
    path, tail = m.group(1), m.group(2)
    if not path:
        return None, tail
    if path.startswith("/"):
        return "\x00escape", tail  # absolute paths would leave the package
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if joined.startswith("../") or joined == "..":
        return "\x00escape", tail
    return joined, tail


def _html_pages(html_dir: Path) -> list[str]:
    return sorted(
        p.relative_to(html_dir).as_posix()
        for p in html_dir.rglob("*.html")
        if not {"_static", "_sources", "_images", "_downloads"} & set(p.relative_to(html_dir).parts)
    )


def _page_refs(text: str, page: str) -> list[str]:
    out = []
    for m in _REF.finditer(text):
        target, _ = _resolve(page, m.group("url"))
        if target and target != "\x00escape":
            out.append(target)
    return out


def select_pages(html_dir: Path, module_id: str | None, all_pages: list[str]) -> list[str]:
    """The pages of a package: the module's own pages, the reading pages they link to, and the
    glossary and bibliography if linked (``module_id`` None: every page of the book)."""
    if module_id is None:
        return list(all_pages)
    prefix = f"modules/{module_id}/"
    pages = [p for p in all_pages if p.startswith(prefix)]
    if f"{prefix}index.html" not in pages:
        raise CourseInputError(
            f"the HTML build in {html_dir} has no page {prefix}index.html for module "
            f"'{module_id}'. Rebuild the HTML ('course build html') and export again."
        )
    linked: set[str] = set()
    for p in pages:
        text = (html_dir / p).read_text(encoding="utf-8")
        for m in _ANCHOR.finditer(text):
            tag = m.group(0)
            if "toctree-l" in tag:  # navigation entries do not pull pages in
                continue
            href = re.search(r"""\bhref=(["'])([^"']*)\1""", tag)
            if href:
                target, _ = _resolve(p, href.group(2))
                if target and target.endswith(".html"):
                    linked.add(target)
    extra = sorted(t for t in linked if t.startswith("readings/") or t in ("glossary.html", "bibliography.html"))
    return pages + [t for t in extra if t in all_pages and t not in pages]


# --------------------------------------------------------------------------------------------------
# Rewriting pages


def _rewrite_page(text: str, page: str, pages: set[str]) -> str:
    """Off-package links lose their href; external links open in a new tab (outside the LMS frame);
    the SCORM stylesheet and scripts are added."""

    def anchor(m: re.Match) -> str:
        tag = m.group(0)
        href = re.search(r"""\bhref=(["'])([^"']*)\1""", tag)
        if not href:
            return tag
        url = href.group(2)
        target, _ = _resolve(page, url)
        if target is None:
            if _EXTERNAL.match(url) and url.split(":", 1)[0].lower() in ("http", "https") and "target=" not in tag:
                return tag[:-1].rstrip("/") + ' target="_blank" rel="noopener">'
            return tag
        if target == "\x00escape" or (target.endswith(".html") and target not in pages):
            return (
                tag[: href.start()] + 'data-offpackage="true" title="In another part of the course '
                '(not in this package)"' + tag[href.end() :]
            )
        return tag

    def link(m: re.Match) -> str:
        tag = m.group(0)
        href = re.search(r"""\bhref=(["'])([^"']*)\1""", tag)
        if href:
            target, _ = _resolve(page, href.group(2))
            if target == "\x00escape" or (target and target.endswith(".html") and target not in pages):
                return ""  # <link rel="index|search|next|prev"> to a page that is not here
        return tag

    text = _ANCHOR.sub(anchor, text)
    text = re.sub(r"<link\b[^>]*>", link, text, flags=re.IGNORECASE)
    up = _rel(page, "_static/")
    up = "" if up == "." else up.rstrip("/") + "/"
    head = f'<link rel="stylesheet" type="text/css" href="{up}scorm.css" />\n'
    tail = f'<script src="{up}scorm-config.js"></script>\n<script src="{up}{BRIDGE_JS}"></script>\n'
    text = text.replace("</head>", head + "</head>", 1) if "</head>" in text else head + text
    text = text.replace("</body>", tail + "</body>", 1) if "</body>" in text else text + tail
    return text


def _css_refs(text: str, css_path: str) -> list[str]:
    out = []
    for m in _CSS_URL.finditer(text):
        url = m.group(2) or m.group(4)
        if url.startswith("data:"):
            continue
        target, _ = _resolve(css_path, url)
        if target and target != "\x00escape":
            out.append(target)
    return out


def _loaded_by_pages(html_dir: Path, page_texts: dict[str, str]) -> list[str]:
    """The non-page files the pages' href/src attributes point at."""
    return [
        t
        for page, text in page_texts.items()
        for t in _page_refs(text, page)
        if not t.endswith(".html") and (html_dir / t).is_file()
    ]


def _static_by_name(html_dir: Path) -> dict[str, list[str]]:
    """File name -> its paths under ``_static/``; source maps and licence notes are left out."""
    static: dict[str, list[str]] = {}
    for p in (html_dir / "_static").rglob("*"):
        if p.is_file() and p.suffix not in (".map", ".txt"):
            static.setdefault(p.name, []).append(p.relative_to(html_dir).as_posix())
    return static


def _refs_of_asset(html_dir: Path, t: str, static: dict[str, list[str]]) -> list[str]:
    """What an asset loads in turn: a stylesheet's url()s and @imports, the _static/ files a script
    names."""
    if t.endswith(".css"):
        css = (html_dir / t).read_text(encoding="utf-8", errors="replace")
        return [r for r in _css_refs(css, t) if (html_dir / r).is_file()]
    if t.endswith(".js") and t.startswith("_static/"):
        js = (html_dir / t).read_text(encoding="utf-8", errors="replace")
        return [r for name in _file_names(js) for r in static.get(name, ())]
    return []


def _follow_assets(html_dir: Path, todo: list[str], static: dict[str, list[str]]) -> set[str]:
    """``todo`` and everything it loads, transitively."""
    assets: set[str] = set()
    while todo:
        t = todo.pop()
        if t not in assets:
            assets.add(t)
            todo.extend(_refs_of_asset(html_dir, t, static))
    return assets


def collect_assets(html_dir: Path, page_texts: dict[str, str], set_ids: tuple[str, ...] = ()) -> set[str]:
    """Every non-page file the pages load (scripts, styles, images, fonts), following CSS url()s;
    files that scripts load by name; and the per-set files of the package's exercise sets
    (``_static/**/<set>.*``, which a script may build the name of, such as an answer-file template)."""
    # files a script loads by itself (fetch, dynamic <script>): any other _static/ file whose name an
    # included page or script mentions
    static = _static_by_name(html_dir)
    assets = _follow_assets(html_dir, _loaded_by_pages(html_dir, page_texts), static)
    for text in page_texts.values():
        assets.update(r for name in _file_names(text) if name.endswith((".js", ".json")) for r in static.get(name, ()))
    for name, rels in static.items():
        if any(name.startswith(f"{sid}.") for sid in set_ids):
            assets.update(rels)
    return assets


_TOKEN = re.compile(r"[\w.-]+")
_ASSET_EXT = (".js", ".json", ".css", ".png", ".svg", ".gif", ".jpg", ".jpeg", ".webp", ".woff", ".woff2", ".ttf")
_names_cache: dict[int, set[str]] = {}


def _file_names(text: str) -> set[str]:
    """Every word in ``text`` that looks like a file name (name.ext); remembered per text."""
    key = hash(text)
    if key not in _names_cache:
        _names_cache[key] = {t for t in set(_TOKEN.findall(text)) if t.endswith(_ASSET_EXT)}
    return _names_cache[key]


# --------------------------------------------------------------------------------------------------
# The package's own files: launcher, config, stylesheet, manifest


def _launcher_html(title: str, start: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en" data-scorm-role="launcher">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="icon" href="data:," />
<title>{xml_escape(title)}</title>
<style>
html, body {{ margin: 0; padding: 0; height: 100%; overflow: hidden; font-family: system-ui, sans-serif; }}
body {{ display: flex; flex-direction: column; }}
#scorm-notice {{ flex: none; margin: 0; padding: 0.5rem 1rem; background: #fff4ce; color: #3b2e00;
  border-bottom: 1px solid #b58a00; font-size: 0.95rem; }}
#scorm-notice[hidden] {{ display: none; }}
#scorm-frame {{ flex: 1 1 auto; width: 100%; border: 0; }}
</style>
<script src="_static/scorm-config.js"></script>
<script src="_static/{BRIDGE_JS}"></script>
</head>
<body>
<p id="scorm-notice" role="status" aria-live="polite" hidden></p>
<iframe id="scorm-frame" title="{xml_escape(title)}" data-start="{xml_escape(start)}"></iframe>
<script>/* the bridge opens the start page, or the page the learner left off at; without it: */
if (!window.courseScormBridge) {{ document.getElementById("scorm-frame").src = {json.dumps(start)}; }}</script>
</body>
</html>
"""


SCORM_CSS = """/* SCORM packages only: links to pages outside the package are plain text. */
a[data-offpackage] { color: inherit; text-decoration: none; cursor: default; }
.bd-sidebar-primary li:has(> a[data-offpackage]) { display: none; }
"""
SCORM_CSS_MODULE = """/* A module package has no search page of its own. */
.search-button, .search-button-field, .search-button__wrapper, form.bd-search { display: none !important; }
"""


def _config_js(
    name: str,
    title: str,
    sets: dict[str, float],
    scale: float,
    mastery: float,
    item_types: dict[str, dict[str, str]],
    start: str,
) -> str:
    order = {s: list(items) for s, items in item_types.items()}
    fingerprint = hashlib.sha1(json.dumps(order, sort_keys=True).encode()).hexdigest()[:8]
    cfg = {
        "fingerprint": fingerprint,
        "itemOrder": order,
        "courseId": COURSE_ID,
        "package": name,
        "title": title,
        "start": start,
        "mastery": mastery,
        "scale": scale,
        "sets": sets,
        "itemTypes": item_types,
        "interactionTypes": INTERACTION_TYPES,
        "suspendLimit": 4096,
    }
    return (
        "// Written by `course export scorm`: what the SCORM bridge reports for this package.\n"
        f"window.courseScormConfig = {json.dumps(cfg, ensure_ascii=False, sort_keys=True)};\n"
    )


def manifest_xml(name: str, title: str, files: list[str], version: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_.-]", "-", f"{COURSE_ID}-{name}")
    file_lines = "\n".join(f"      <file href={quoteattr(f)}/>" for f in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{ident}" version="{xml_escape(version)}"
          xmlns="{NS_CP}"
          xmlns:adlcp="{NS_ADLCP}"
          xmlns:xsi="{NS_XSI}"
          xsi:schemaLocation="{NS_CP} imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd {NS_ADLCP} adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org-{ident}">
    <organization identifier="org-{ident}">
      <title>{xml_escape(title)}</title>
      <item identifier="item-{ident}" identifierref="res-{ident}" isvisible="true">
        <title>{xml_escape(title)}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-{ident}" type="webcontent" adlcp:scormtype="sco" href="{LAUNCHER}">
{file_lines}
    </resource>
  </resources>
</manifest>
"""


# --------------------------------------------------------------------------------------------------
# Checks on a finished package


def _unsafe(name: str) -> str | None:
    if not name or name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "has a '..' component"
    return None


_CP = f"{{{NS_CP}}}"


def _open_manifest(zip_path: Path) -> tuple[list[str], list[str], ET.Element | None]:
    """(problems, the zip's file names, the parsed imsmanifest.xml or None when it cannot be read)."""
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{zip_path}: not a zip file ({exc})"], [], None
    with zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        problems = [f"zip entry {n!r} {why}" for n in names if (why := _unsafe(n))]
        if "imsmanifest.xml" not in names:
            return problems + ["imsmanifest.xml is missing from the root of the package"], names, None
        try:
            return problems, names, ET.fromstring(zf.read("imsmanifest.xml"))
        except ET.ParseError as exc:
            return problems + [f"imsmanifest.xml is not well-formed XML: {exc}"], names, None


def _header_problems(root: ET.Element) -> list[str]:
    """The root element, the SCORM 1.2 metadata, and identifiers used once."""
    problems = []
    if root.tag != f"{_CP}manifest":
        problems.append(f"the root element is {root.tag}, not the IMS CP 1.1.2 manifest")
    if (root.findtext(f"{_CP}metadata/{_CP}schema") or "").strip() != "ADL SCORM":
        problems.append("metadata/schema is not 'ADL SCORM'")
    if (root.findtext(f"{_CP}metadata/{_CP}schemaversion") or "").strip() != "1.2":
        problems.append("metadata/schemaversion is not 1.2")
    ids = [el.get("identifier") for el in root.iter() if el.get("identifier") is not None]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        problems.append(f"identifiers used more than once: {', '.join(dupes)}")
    return problems


def _organization_problems(orgs: ET.Element, res_ids: set[str | None]) -> list[str]:
    """The default organization exists, and every item refers to an existing resource."""
    problems = []
    if orgs.get("default") not in {o.get("identifier") for o in orgs.findall(f"{_CP}organization")}:
        problems.append(f"organizations/@default {orgs.get('default')!r} names no organization")
    for item in orgs.iter(f"{_CP}item"):
        ref = item.get("identifierref")
        if ref is not None and ref not in res_ids:
            problems.append(f"item {item.get('identifier')} refers to resource {ref!r}, which does not exist")
    return problems


def _resource_problems(res: ET.Element, names: list[str], listed: set[str]) -> list[str]:
    """A resource's SCORM type, and each of its hrefs safe and present in the zip (added to ``listed``)."""
    problems = []
    if res.get(f"{{{NS_ADLCP}}}scormtype") not in ("sco", "asset"):
        problems.append(f"resource {res.get('identifier')} has no adlcp:scormtype sco/asset")
    hrefs = ([res.get("href")] if res.get("href") else []) + [f.get("href") for f in res.findall(f"{_CP}file")]
    for h in hrefs:
        path = (h or "").split("#")[0].split("?")[0]
        why = _unsafe(path)
        if why:
            problems.append(f"href {h!r} {why}")
            continue
        norm = posixpath.normpath(path)
        if norm not in names:
            problems.append(f"href {h!r} is not in the package")
        listed.add(norm)
    return problems


def check_manifest(zip_path: Path) -> list[str]:
    """Problems with a SCORM 1.2 package (empty when valid): imsmanifest.xml at the root, SCORM 1.2
    metadata and namespaces, organizations and resources, unique identifiers, every href present in
    the zip, no path escaping the package, and every file of the zip listed."""
    problems, names, root = _open_manifest(zip_path)
    if root is None:
        return problems
    problems += _header_problems(root)
    orgs = root.find(f"{_CP}organizations")
    resources = root.find(f"{_CP}resources")
    if orgs is None or not orgs.findall(f"{_CP}organization"):
        problems.append("no organization")
    if resources is None or not resources.findall(f"{_CP}resource"):
        problems.append("no resource")
        return problems
    if orgs is not None:
        problems += _organization_problems(orgs, {r.get("identifier") for r in resources.findall(f"{_CP}resource")})
    listed: set[str] = set()
    for res in resources.findall(f"{_CP}resource"):
        problems += _resource_problems(res, names, listed)
    unlisted = sorted(set(names) - listed - {"imsmanifest.xml"})
    if unlisted:
        problems.append(
            f"{len(unlisted)} file(s) in the package are not listed in the manifest, e.g. " + ", ".join(unlisted[:5])
        )
    return problems


def leak_scan(zip_path: Path, markers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The student-edition leak scan (course.verify) over every text file of a package."""
    from course.verify import _norm, _strip_tags

    text_ext = {".html", ".js", ".txt", ".md", ".json", ".xml", ".css"}
    hits = []
    with zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():
            if posixpath.splitext(name)[1] in text_ext:
                data = zf.read(name)
                key = (hashlib.sha1(data).digest(), id(markers))  # the theme's files recur in every package
                if key not in _scan_cache:
                    text = _norm(_strip_tags(data.decode("utf-8", "replace")))
                    _scan_cache[key] = [origin for origin, m in markers if m and m in text]
                hits += [(f"{zip_path.name}!{name}", origin) for origin in _scan_cache[key]]
    return hits


_scan_cache: dict[tuple[bytes, int], list[str]] = {}


# --------------------------------------------------------------------------------------------------
# The export


def package_name(name: str) -> str:
    return f"{COURSE_ID}-{name}-scorm12.zip"


def assemble(
    html_dir: Path,
    name: str,
    module_id: str | None,
    title: str,
    start: str,
    sets: dict[str, float],
    item_types: dict[str, dict[str, str]],
    mastery: float,
    version: str,
    all_pages: list[str],
) -> tuple[bytes, list[str], list[str]]:
    """The zip bytes of one package, its file list and its pages."""
    pages = select_pages(html_dir, module_id, all_pages)
    page_set = set(pages)
    raw = {p: (html_dir / p).read_text(encoding="utf-8") for p in pages}
    assets = collect_assets(html_dir, raw, tuple(sets))
    total = sum(sets.values())
    scale = 1.0 if total <= SCORE_CEILING else SCORE_CEILING / total
    files: dict[str, bytes] = {}
    for p in pages:
        files[p] = _rewrite_page(raw[p], p, page_set).encode("utf-8")
    for a in sorted(assets):
        files[a] = (html_dir / a).read_bytes()
    files[LAUNCHER] = _launcher_html(title, start).encode("utf-8")
    files["_static/scorm-config.js"] = _config_js(name, title, sets, scale, mastery, item_types, start).encode()
    files[f"_static/{BRIDGE_JS}"] = (STATIC / BRIDGE_JS).read_bytes()
    files["_static/scorm.css"] = (SCORM_CSS + ("" if module_id is None else SCORM_CSS_MODULE)).encode()
    names = sorted(files)
    manifest = manifest_xml(name, title, names, version).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(_zinfo("imsmanifest.xml"), manifest)
        for n in names:
            zf.writestr(_zinfo(n), files[n])
    return buf.getvalue(), names, pages


def _zinfo(name: str) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible packages
    # fonts and images are compressed already
    stored = name.endswith((".woff2", ".woff", ".png", ".jpg", ".jpeg", ".gif", ".webp"))
    zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    zi.external_attr = 0o644 << 16
    return zi


def _check_options(edition: str, mastery: float) -> None:
    if edition != "student":
        raise CourseInputError(
            f"--edition is '{edition}': a SCORM package goes to learners, so only the "
            "student edition can be exported (the instructor edition holds the answers)."
        )
    if not (0 < mastery <= 1):
        raise CourseInputError(
            f"--mastery is {mastery}: give the share of points that passes, between 0 and 1 (e.g. 0.6 for 60%)."
        )


def _targets(modules: tuple[str, ...], mods: dict, whole_course: bool) -> list[tuple[str | None, str]]:
    """(module id, or None for the whole course; package file name) of each package to write."""
    unknown = [m for m in modules if m not in mods]
    if unknown:
        raise CourseInputError(
            f"unknown module{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"choose from: {', '.join(mods)}."
        )
    chosen = list(dict.fromkeys(modules)) if modules else list(mods)
    return [(m, package_name(m)) for m in chosen] + ([(None, package_name("course"))] if whole_course else [])


def _check_output(output: Path, targets: list[tuple[str | None, str]], force: bool) -> None:
    """Refuse an --output that is a file, and packages that exist already (unless ``force``)."""
    if output.exists() and not output.is_dir():
        raise CourseInputError(f"--output {output} is a file; give a folder for the packages.")
    existing = [output / n for _, n in targets if (output / n).exists()]
    if existing and not force:
        raise CourseInputError(
            f"{existing[0]} already exists"
            + (f" (and {len(existing) - 1} more package(s))" if len(existing) > 1 else "")
            + "; nothing was written. Add --force to replace them, or choose another --output."
        )


def _student_html(
    html_dir: Path | None, readings: str | None, edition: str, root: Path, progress
) -> tuple[Path, float]:
    """(the student HTML build the packages are made from, the seconds spent building it): the
    given ``html_dir``, checked, or a build made now."""
    from course.build import build

    if html_dir is not None and readings:
        raise CourseInputError(
            "--readings chooses how the export builds the HTML; with --html the build "
            "is already made. Build it with 'course build html --readings "
            f"{readings}' and pass that, or leave out --html."
        )
    if html_dir is not None:
        html_dir = Path(html_dir)
        if not (html_dir / "index.html").is_file() or not (html_dir / "modules").is_dir():
            raise CourseInputError(
                f"no HTML build in {html_dir} (index.html or modules/ is missing). Build it "
                "with 'course build html', or leave out --html to build it now."
            )
        return html_dir, 0.0
    res = build(
        "html",
        edition=edition,
        builddir=root / "_build" / "scorm-staging",
        readings=readings,
        progress=progress,
        root=root,
    )
    return res.output.parent, res.seconds


def _package_content(mid: str | None, mods: dict, sets_all) -> tuple[str, str, str, list]:
    """(name, title, start page, exercise sets) of the package of module ``mid`` (None: the course)."""
    if mid is None:
        return "course", "Reading the Caliphate", "index.html", list(sets_all)
    m = mods[mid]
    title = f"Reading the Caliphate, Module {m.number}: {m.title}"
    return mid, title, f"modules/{mid}/index.html", [s for s in sets_all if s.module == mid]


def _check_package(data: bytes, fname: str, name: str, markers: list[tuple[str, str]]) -> None:
    """The manifest check and the leak scan on the package's bytes (in a temporary folder); raise
    when either finds something, so the package is not written."""
    tmp = Path(tempfile.mkdtemp(prefix="scorm-check-"))
    try:
        probe = tmp / fname
        probe.write_bytes(data)
        problems = check_manifest(probe)
        leaks = leak_scan(probe, markers)
    finally:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    if problems:
        raise CourseInputError(
            f"the package for {name} failed its manifest check, so it was not written:\n  " + "\n  ".join(problems[:10])
        )
    if leaks:
        raise CourseInputError(
            f"the package for {name} holds instructor-only text, so it was not written:\n  "
            + "\n  ".join(f"{f}: {o}" for f, o in leaks[:10])
        )


def _export_one(
    html_dir: Path,
    output: Path,
    mid: str | None,
    fname: str,
    mods: dict,
    sets_all,
    markers: list[tuple[str, str]],
    mastery: float,
    version: str,
    all_pages: list[str],
    notes: list[str],
) -> Package:
    """Assemble, check and write one package; a note when a module package is too large."""
    name, title, start, sets = _package_content(mid, mods, sets_all)
    set_points = {s.id: float(sum(i.points for i in s.items if i.auto_graded)) for s in sets}
    item_types = {s.id: {i.id: i.type for i in s.items} for s in sets}
    data, names, pages = assemble(
        html_dir, name, mid, title, start, set_points, item_types, mastery, version, all_pages
    )
    _check_package(data, fname, name, markers)
    dest = output / fname
    atomic_write_bytes(dest, data)
    with zipfile.ZipFile(dest) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    total = sum(set_points.values())
    scale = 1.0 if total <= SCORE_CEILING else SCORE_CEILING / total
    if mid is not None and len(data) > MAX_PACKAGE_BYTES:
        notes.append(f"{fname} is {len(data) / 1e6:.1f} MB, over the 5 MB a module package should stay under.")
    return Package(name, title, dest, len(names) + 1, len(data), unpacked, pages, set_points, scale)


def export_scorm(
    output: Path,
    modules: tuple[str, ...] = (),
    whole_course: bool = False,
    edition: str = "student",
    readings: str | None = None,
    mastery: float = 0.6,
    force: bool = False,
    html_dir: Path | None = None,
    root: Path | None = None,
    progress=None,
) -> ExportResult:
    from course import __version__
    from course.content import Course
    from course.verify import instructor_only_strings

    root = root or Course.current().root
    _check_options(edition, mastery)
    mods = {m.id: m for m in Course.of(root).modules}
    targets = _targets(modules, mods, whole_course)
    output = Path(output)
    _check_output(output, targets, force)

    t0 = time.perf_counter()
    html_dir, build_seconds = _student_html(html_dir, readings, edition, root, progress)
    t1 = time.perf_counter()

    sets_all = Course(root).exercise_sets
    markers = instructor_only_strings(root)
    all_pages = _html_pages(html_dir)
    notes: list[str] = []
    packages = [
        _export_one(html_dir, output, mid, fname, mods, sets_all, markers, mastery, __version__, all_pages, notes)
        for mid, fname in targets
    ]
    t2 = time.perf_counter()
    return ExportResult(packages, html_dir, build_seconds or (t1 - t0), t2 - t1, notes)

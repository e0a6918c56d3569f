"""MyST text of exercise items → the small HTML subset that learning platforms accept.

Prompts, choices, hints and explanations are MyST with the course's roles. An LMS knows none of
them, so each role becomes text a learner can use without the book:

- ``{para}`al-waie-472:17-19``` → "Reading B, ¶17–19 (al-waie-472:17-19)": the paragraph id stays
  visible, because learners cite it in their own answers;
- ``{ar}`…``` → ``<span lang="ar" dir="rtl">…</span>``;
- ``{term}`bayʿa``` → the term; ``{doc}`x``` → the page's title;
- ``{cite:p}`k1,k2``` → "(Author Year; Author Year)", ``{cite:t}`k``` → "Author (Year)", from
  references.bib.

Block markup handled: paragraphs, ``-``/``*`` and numbered lists, fenced ``{arabic}`` blocks and
other fences (as preformatted text). Inline: ``**bold**``, ``*italic*``, ```code```, ``[text](url)``
(the text only: exports carry no links).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

from course.content import Course

_ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
_FENCE = re.compile(r"^```\s*(\{[a-z-]+\})?.*$")


# --------------------------------------------------------------------------------------------------
# Citations


def _clean_bib(s: str) -> str:
    s = re.sub(r"\\[a-zA-Z]+\s*", "", s)  # TeX commands such as \& or \textit
    return s.replace("{", "").replace("}", "").replace("--", "–").strip()


@lru_cache(maxsize=4)
def _bib(root: str) -> dict[str, tuple[str, str]]:
    """citation key → (authors for an author–year label, year)."""
    bib = Course(root).bibliography
    if not bib.exists:
        return {}
    data = bib.entries()
    out = {}
    for key, entry in data.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = []
        for p in people:
            last = " ".join(p.prelast_names + p.last_names) or " ".join(p.first_names)
            names.append(_clean_bib(last))
        if not names:
            names = [_clean_bib(entry.fields.get("title", key))]
        if len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        out[key.lower()] = (who, _clean_bib(entry.fields.get("year", "n.d.")))
    return out


def cite(keys: str, style: str, root: Path) -> str:
    bib = _bib(str(root))
    parts = []
    for key in (k.strip() for k in keys.split(",") if k.strip()):
        who, year = bib.get(key.lower(), (key, ""))
        parts.append(f"{who} ({year})" if style == "t" else f"{who} {year}".strip())
    if style == "t":
        return "; ".join(parts)
    return "(" + "; ".join(parts) + ")"


# --------------------------------------------------------------------------------------------------
# Roles


@lru_cache(maxsize=16)
def _reading_label(reading_id: str, root: str) -> str:
    try:
        return Course(root).reading(reading_id).label
    except Exception:  # noqa: BLE001 - a label is a courtesy; the id stays visible anyway
        return reading_id


def para_text(ref: str, root: Path) -> str:
    """``al-waie-472:17-19`` → ``Reading B, ¶17–19 (al-waie-472:17-19)``."""
    rid, _, nums = ref.partition(":")
    label = _reading_label(rid.strip(), str(root))
    return f"{label}, ¶{nums.strip().replace('-', '–')} ({ref.strip()})"


def _doc_title(target: str, base: str, root: Path) -> str:
    target = target.strip()
    rel = target.lstrip("/") if target.startswith("/") else f"{base}/{target}" if base else target
    path = root / f"{rel}.md"
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    except OSError:
        pass
    return target


def _role(name: str, body: str, root: Path, base: str, to_html: bool) -> str:
    esc = html.escape if to_html else (lambda s: s)
    explicit = re.match(r"^(.*?)\s*<([^>]*)>$", body, flags=re.S)
    if name == "para":
        return esc(para_text(body, root))
    if name == "ar":
        return f'<span lang="ar" dir="rtl">{esc(body)}</span>' if to_html else body
    if name.startswith("cite"):
        style = "t" if name.endswith(":t") else "p"
        return esc(cite(body, style, root))
    if name == "doc":
        return esc(explicit.group(1) if explicit else _doc_title(body, base, root))
    # term, ref and anything else: the visible text
    return esc(explicit.group(1) if explicit else body)


def _inline(text: str, root: Path, base: str, to_html: bool) -> str:
    """Inline markup of one block of text."""
    out, pos = [], 0
    # split on roles and code spans first, so their contents are never touched by emphasis rules
    token = re.compile(r"\{([a-z:]+)\}`([^`]*)`|`([^`]+)`")
    for m in token.finditer(text):
        out.append(_emphasis(text[pos : m.start()], to_html))
        if m.group(1):
            out.append(_role(m.group(1), m.group(2), root, base, to_html))
        else:
            out.append(f"<code>{html.escape(m.group(3))}</code>" if to_html else m.group(3))
        pos = m.end()
    out.append(_emphasis(text[pos:], to_html))
    return "".join(out)


def _emphasis(s: str, to_html: bool) -> str:
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
    if not to_html:
        s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
        return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"\1", s)
    s = html.escape(s, quote=False)
    s = re.sub(r"(\*\*|__)(.+?)\1", r"<strong>\2</strong>", s)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"<em>\1</em>", s)


# --------------------------------------------------------------------------------------------------
# Blocks


def _blocks(myst: str) -> list[tuple[str, list[str]]]:
    """Split MyST into (kind, lines) blocks: para, ul, ol, arabic, pre."""
    lines = myst.strip("\n").splitlines()
    blocks: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line.strip())
        if fence:
            kind = "arabic" if fence.group(1) == "{arabic}" else "pre"
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append((kind, body))
            i += 1
            continue
        if not line.strip():
            i += 1
            continue
        if re.match(r"^\s*[-*]\s+", line):
            kind, pat = "ul", r"^\s*[-*]\s+"
        elif re.match(r"^\s*\d+[.)]\s+", line):
            kind, pat = "ol", r"^\s*\d+[.)]\s+"
        else:
            kind, pat = "para", None
        if kind == "para":
            body = []
            while (
                i < len(lines)
                and lines[i].strip()
                and not _FENCE.match(lines[i].strip())
                and not re.match(r"^\s*([-*]|\d+[.)])\s+", lines[i])
            ):
                body.append(lines[i].strip())
                i += 1
            blocks.append(("para", [" ".join(body)]))
            continue
        items: list[str] = []
        while i < len(lines) and lines[i].strip():
            if re.match(pat, lines[i]):
                items.append(re.sub(pat, "", lines[i]).strip())
            elif items:
                items[-1] += " " + lines[i].strip()
            i += 1
        blocks.append((kind, items))
    return blocks


def to_html(myst: str | None, root: Path | None = None, base: str = "") -> str:
    """MyST → HTML fragment (``base``: the module folder, for relative ``{doc}`` targets)."""
    if not myst:
        return ""
    root = root or Course.current().root
    out = []
    for kind, lines in _blocks(str(myst)):
        if kind == "para":
            out.append(f"<p>{_inline(lines[0], root, base, True)}</p>")
        elif kind in ("ul", "ol"):
            items = "".join(f"<li>{_inline(t, root, base, True)}</li>" for t in lines)
            out.append(f"<{kind}>{items}</{kind}>")
        elif kind == "arabic":
            out.append(f'<p lang="ar" dir="rtl">{html.escape(" ".join(l.strip() for l in lines))}</p>')
        else:
            out.append(f"<pre>{html.escape(chr(10).join(lines))}</pre>")
    return "".join(out)


def to_text(myst: str | None, root: Path | None = None, base: str = "") -> str:
    """MyST → plain text on one line (for drop-down menus and names, which take no markup)."""
    if not myst:
        return ""
    root = root or Course.current().root
    parts = []
    for kind, lines in _blocks(str(myst)):
        if kind in ("para", "ul", "ol"):
            parts.extend(_inline(t, root, base, False) for t in lines)
        else:
            parts.append(" ".join(l.strip() for l in lines))
    return " ".join(p.strip() for p in parts if p.strip())

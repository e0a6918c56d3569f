"""Headless Chromium for the browser tests and the benchmarks: Debian's /usr/bin/chromium driven by
Playwright for Python (never ``playwright install``), a threaded local HTTP server, axe-core injected
from the npm file, and one survey pass per page that collects everything the tests assert on.

Nothing here talks to the network: the server binds 127.0.0.1 on a free port and Chromium's host
resolver refuses every other name, so a page that tries to reach another host fails loudly in the
test (the request is still recorded, with its host) instead of silently reaching the internet.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_DEFAULT = ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "cd .ci && npm install --prefix . axe-core@4"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # belt and braces: no name other than the local server resolves
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}
# folders of a Sphinx HTML build that hold assets, not pages
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads"}


def axe_path() -> Path | None:
    p = Path(os.environ.get("COURSE_AXE_JS") or AXE_DEFAULT)
    return p if p.is_file() else None


def html_pages(html_dir: Path) -> list[str]:
    """Every page of a built book, as URL paths relative to its root (index.html first)."""
    pages = sorted(
        str(p.relative_to(html_dir).as_posix())
        for p in html_dir.rglob("*.html")
        if not ASSET_DIRS.intersection(p.relative_to(html_dir).parts)
    )
    pages.sort(key=lambda p: (p != "index.html", p))
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        pass


@contextmanager
def serve(directory: Path):
    """Serve ``directory`` on http://127.0.0.1:<free port>/ from a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


@contextmanager
def chromium():
    """The system Chromium under Playwright, for a module-scoped fixture: skips (fails under CI) when
    Chromium or Playwright for Python is missing."""
    import pytest
    from conftest import IN_CI, require

    require("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        msg = "Playwright for Python is not installed: .venv/bin/pip install playwright (never `playwright install`)"
        if IN_CI:
            pytest.fail(f"CI must not skip: {msg}")
        pytest.skip(msg)
    with sync_playwright() as pw:
        b = launch(pw)
        try:
            yield b
        finally:
            b.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


# In-page checks, run after axe-core (when injected). Arabic: every text node that holds
# Arabic-script characters must sit inside an element whose nearest lang is "ar" and whose nearest
# dir is "rtl"; and every element marked as an Arabic run (class "ar") must carry both attributes.
# Overflow: the document must not be wider than the viewport, and the elements that stick out (not
# clipped by a scrolling ancestor) are named.
_PAGE_CHECKS_JS = r"""
async ([runAxe]) => {
  const out = {arabic: [], arabicChecked: 0, overflow: null, axe: null};
  // let colour transitions finish (the theme switches light/dark after load), so that contrast is
  // measured on the final colours
  await Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition)
                    .map(a => a.finished.catch(() => null)));
  const AR = /[\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList && el.classList.length) s += '.' + [...el.classList].slice(0, 3).join('.');
    return s;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!AR.test(n.data)) continue;
    const el = n.parentElement;
    if (!el || el.closest('script,style,noscript,template')) continue;
    out.arabicChecked++;
    const langEl = el.closest('[lang]'), dirEl = el.closest('[dir]');
    const lang = langEl ? langEl.getAttribute('lang') : '';
    const dir = dirEl ? dirEl.getAttribute('dir') : '';
    if (!(lang === 'ar' || lang.startsWith('ar-')) || dir !== 'rtl')
      out.arabic.push(`${describe(el)} lang=${JSON.stringify(lang)} dir=${JSON.stringify(dir)}: ${n.data.trim().slice(0, 60)}`);
  }
  for (const el of document.querySelectorAll('.ar')) {
    if (el.getAttribute('lang') !== 'ar' || el.getAttribute('dir') !== 'rtl')
      out.arabic.push(`${describe(el)} is marked as Arabic but has lang=${JSON.stringify(el.getAttribute('lang'))} dir=${JSON.stringify(el.getAttribute('dir'))}`);
  }
  const vw = document.documentElement.clientWidth;
  const sw = document.documentElement.scrollWidth;
  const culprits = [];
  if (sw > vw + 1) {
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > vw + 1 && !clipped(el)) culprits.push(`${describe(el)} (right edge ${Math.round(r.right)}px)`);
      if (culprits.length >= 8) break;
    }
  }
  out.overflow = {viewport: vw, document: sw, culprits};
  if (runAxe) {
    const r = await axe.run(document, {resultTypes: ['violations']});
    out.axe = r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300)}))}));
  }
  return out;
}
"""


@dataclass
class PageReport:
    path: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    arabic: list[str] = field(default_factory=list)
    arabic_checked: int = 0
    axe: list[dict] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)
    dom: str = ""
    bytes: int = 0


class Surveyor:
    """One browser context (one edition, one viewport) and one reused tab; ``visit(path)`` loads a
    page and returns its :class:`PageReport`."""

    def __init__(
        self,
        browser,
        base_url: str,
        axe_js: Path | None = None,
        width: int = 1280,
        height: int = 900,
        keep_dom: bool = False,
        color_scheme: str = "light",
    ):
        self.base = base_url
        self.keep_dom = keep_dom
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme, service_workers="block"
        )
        if axe_js is not None:
            # injected into every page before its own scripts; no network request involved
            self.context.add_init_script(path=str(axe_js))
        self.has_axe = axe_js is not None
        self.page = self.context.new_page()
        self._current: PageReport | None = None
        p = self.page
        p.on("console", self._on_console)
        p.on("pageerror", lambda exc: self._note("console_errors", f"uncaught exception: {exc}"))
        p.on("request", lambda req: self._note("requests", req.url))
        p.on("requestfailed", lambda req: self._note("failed", f"{req.url} ({req.failure})"))
        p.on("response", self._on_response)

    def _note(self, what: str, text: str) -> None:
        if self._current is not None:
            getattr(self._current, what).append(text)

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            self._note("console_errors", f"{msg.text} [{loc.get('url', '')}:{loc.get('lineNumber', '')}]")

    def _on_response(self, resp) -> None:
        if resp.status >= 400:
            self._note("failed", f"{resp.url} (HTTP {resp.status})")

    def visit(self, path: str, query: str = "") -> PageReport:
        rep = PageReport(path)
        self._current = rep
        self.page.goto(self.base + path + query, wait_until="load")
        res = self.page.evaluate(_PAGE_CHECKS_JS, [self.has_axe])
        rep.arabic = res["arabic"]
        rep.arabic_checked = res["arabicChecked"]
        rep.overflow = res["overflow"]
        rep.axe = res["axe"] or []
        if self.keep_dom:
            rep.dom = self.page.content()
        self._current = None
        return rep

    def close(self) -> None:
        self.context.close()


def transferred_bytes(browser, url: str) -> tuple[int, int]:
    """(bytes, requests) a fresh browser context downloads to show ``url`` (bodies plus headers, as
    the browser's network stack reports them; no cache)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = ctx.new_page()
    reqs = []
    page.on("requestfinished", lambda r: reqs.append(r))
    page.goto(url, wait_until="networkidle")
    total = 0
    for r in reqs:
        s = r.sizes()
        total += max(s["responseBodySize"], 0) + max(s["responseHeadersSize"], 0)
    ctx.close()
    return total, len(reqs)

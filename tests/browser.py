"""Browser, server and checking helpers for the accessibility tests.

Load it from a test module with ``pytest_plugins = ["tests.browser"]``: it
provides session fixtures (a local HTTP server for the built site, one headless
Debian chromium for the whole session) and plain functions that check an open
page and return the problems they find as readable strings. The same functions
run on the real site and on deliberately broken pages (test_accessibility.py),
which is how we know they can fail.

Nothing here downloads anything: chromium is Debian's (/usr/bin/chromium),
axe-core and the Nu HTML Checker come from node_modules (``npm ci``), and the
browser may request nothing but the local server.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's own tags).
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe "best practice" rules that test what WCAG leaves to judgement but this site promises:
# landmarks, one h1, heading order, a working skip link, table headers.
BEST_PRACTICE_RULES = [
    "aria-allowed-role", "empty-heading", "empty-table-header", "heading-order", "image-redundant-alt",
    "label-title-only", "landmark-banner-is-top-level", "landmark-complementary-is-top-level",
    "landmark-contentinfo-is-top-level", "landmark-main-is-top-level", "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main", "landmark-one-main", "landmark-unique",
    "meta-viewport-large", "page-has-heading-one", "presentation-role-conflict", "region", "scope-attr-valid",
    "skip-link", "tabindex", "table-duplicate-name",
]
CONTRAST_RULES = ["color-contrast"]
ENHANCED_CONTRAST_RULES = ["color-contrast", "color-contrast-enhanced"]  # enhanced = WCAG 1.4.6, 7:1 (AAA)

# WCAG 1.4.12: what a user's own style sheet may set; no content may be lost.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""


def require_tool(path: Path, what: str) -> None:
    """Fail (never skip) when a test tool is missing."""
    if not Path(path).exists():
        pytest.fail(f"{what} is missing ({path}). Run `make test`: it installs the test tools "
                    f"(Debian chromium and Java, then `npm ci` for axe-core and vnu-jar).", pytrace=False)


def require_command(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"`{name}` is missing (Debian package {package}). Run `make test`, which installs it.", pytrace=False)
    return found


# --- pages of the built site -------------------------------------------------------


def page_url_path(relative: Path | str) -> str:
    """site-relative URL path of a built HTML file: reviews/bury/index.html -> reviews/bury/."""
    text = str(relative).replace("\\", "/")
    if text == "index.html":
        return ""
    if text.endswith("/index.html"):
        return text[: -len("index.html")]
    return text


STATIC_PAGES = ["", "404.html", "pages/about/", "pages/accessibility/", "search.html"]


def review_pages() -> list[str]:
    """The four output pages of every review in content/reviews."""
    from reviewpress.context import OUTPUTS

    from .conftest import review_slugs

    return [f"reviews/{slug}/{output.path}" for slug in review_slugs() for output in OUTPUTS]


def catalogue_pages() -> list[str]:
    """The pages across reviews (by theme, organisation type, region, year) and the data page, from the content."""
    from reviewpress.catalogue import review_rows
    from reviewpress.catalogue_pages import Catalogue, listings, read_theme_names
    from reviewpress.loading import read_reviews
    from reviewpress.organisations import read_organisations

    from .conftest import REVIEWS_DIR, ROOT

    directory = read_organisations(ROOT / "content/organisations.yaml")
    records = [{"catalogue": review_rows(item.review, directory)} for item in read_reviews(REVIEWS_DIR)]
    return [listing.path for listing in listings(Catalogue(records, read_theme_names(ROOT / "content/themes.yaml")))]


def expected_pages() -> list[str]:
    """Every page the site should have: tests check it equals what was built."""
    return STATIC_PAGES + review_pages() + catalogue_pages()


def built_pages(site: Path) -> list[str]:
    return sorted(page_url_path(p.relative_to(site)) for p in site.rglob("*.html"))


# --- local server ------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 at an ephemeral port from a background thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- browser -----------------------------------------------------------------------


@contextmanager
def launch_chromium() -> Iterator[object]:
    require_tool(CHROMIUM, "Debian chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python playwright is missing. Run `make test` (pip install -e '.[test]').", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class Session:
    """One browser for the whole test session, and the base URL pages are served from."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.outside_requests: list[str] = []

    @contextmanager
    def page(self, path: str = "", *, width: int = 1280, height: int = 900, javascript: bool = True,
             color_scheme: str = "light", reduced_motion: str = "no-preference", media: str = "screen"):
        """A fresh browser context showing one page; requests that leave the local server are blocked and recorded."""
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            bypass_csp=True,  # axe is injected as an inline script; the site's own CSP forbids that
            color_scheme=color_scheme,
            reduced_motion=reduced_motion,
            locale="en-GB",
        )
        local = urlsplit(self.base_url).netloc

        def gate(route):
            parts = urlsplit(route.request.url)
            if parts.scheme in ("data", "blob") or parts.netloc == local:
                route.continue_()
            else:
                self.outside_requests.append(route.request.url)
                route.abort()

        context.route("**/*", gate)
        page = context.new_page()
        page.emulate_media(media=media)
        try:
            if path is not None:
                response = page.goto(self.base_url + path, wait_until="load")
                assert response is not None and (response.ok or path.startswith("404")), f"{path}: HTTP {response and response.status}"
                page.evaluate("() => document.fonts.ready.then(() => true)")
            yield page
        finally:
            context.close()


@pytest.fixture(scope="session")
def chromium_browser():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def site_server(built_site) -> Iterator[str]:
    with serve_directory(built_site) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser_session(chromium_browser, site_server) -> Session:
    return Session(chromium_browser, site_server)


# --- axe ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def axe_source() -> str:
    require_tool(AXE_JS, "axe-core")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, tags: list[str] | None = WCAG_AA_TAGS, rules: list[str] = ()) -> list[str]:
    """axe-core's violations, one line per rule: 'rule-id: help [n elements: selectors]'."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    options: dict = {"resultTypes": ["violations", "incomplete"]}
    if tags:
        options["runOnly"] = {"type": "tag", "values": list(tags)}
        options["rules"] = {rule: {"enabled": True} for rule in rules}
    else:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    result = page.evaluate("(options) => axe.run(document, options)", options)
    problems = []
    for violation in result["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        summary = next((node.get("failureSummary", "") for node in violation["nodes"]), "").replace("\n", " ")
        problems.append(f"{violation['id']}: {violation['help']} [{len(targets)} element(s): {', '.join(targets[:5])}] {summary[:300]}")
    # axe files text it cannot be sure about under "incomplete" (needs review), among them text with
    # a 1:1 ratio, which it takes for deliberately hidden: nobody reviews by hand here, so contrast
    # results it could not settle count as failures.
    for unsure in result["incomplete"]:
        if unsure["id"] not in ("color-contrast", "color-contrast-enhanced"):
            continue
        nodes = [n for n in unsure["nodes"] if n.get("any")]
        if nodes:
            targets = [" ".join(map(str, n["target"])) for n in nodes]
            reason = nodes[0]["any"][0].get("message", "")
            problems.append(f"{unsure['id']} (axe could not decide): [{len(targets)} element(s): {', '.join(targets[:5])}] {reason[:300]}")
    return problems


def axe_rule_ids(problems: list[str]) -> set[str]:
    return {p.split(":", 1)[0] for p in problems}


# --- what axe cannot see ------------------------------------------------------------

_HELPERS_JS = r"""
const isHidden = (el) => {
  for (let e = el; e; e = e.parentElement) {
    if (e.hidden || e.getAttribute('aria-hidden') === 'true') return true;
    if (getComputedStyle(e).display === 'none') return true;
  }
  return getComputedStyle(el).visibility === 'hidden';
};
const describe = (el) => {
  let text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
  if (text.length > 50) text = text.slice(0, 47) + '...';
  const id = el.id ? '#' + el.id : '';
  const href = el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : '';
  return `<${el.tagName.toLowerCase()}${id}${href}> "${text}"`;
};
const parseColour = (value) => {
  const m = (value || '').match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const parts = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
  return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
};
const luminance = (c) => {
  const ch = [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
};
const contrast = (a, b) => { const la = luminance(a), lb = luminance(b); return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05); };
const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a), b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
const backgroundOf = (el) => {
  // The opaque colour behind an element: its own and its ancestors' backgrounds, composited.
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = parseColour(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  let colour = {r: 255, g: 255, b: 255, a: 1};
  for (const layer of layers.reverse()) colour = over(layer, colour);
  return colour;
};
"""

_STRUCTURE_JS = "() => {" + _HELPERS_JS + r"""
  const problems = [];
  const lang = document.documentElement.getAttribute('lang');
  if (lang !== 'en-GB') problems.push(`lang: <html lang> is ${JSON.stringify(lang)}, not "en-GB"`);
  if (!document.title.trim()) problems.push('title: the page has no <title>');
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
    .filter(h => !isHidden(h) && (h.getAttribute('role') || 'heading') === 'heading')
    .map(h => ({level: h.hasAttribute('aria-level') ? Number(h.getAttribute('aria-level')) : (/^H\d$/.test(h.tagName) ? Number(h.tagName[1]) : 2),
                text: (h.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60)}));
  const h1s = headings.filter(h => h.level === 1);
  if (h1s.length !== 1) problems.push(`headings: ${h1s.length} h1 elements, not exactly one (${h1s.map(h => '"' + h.text + '"').join(', ')})`);
  if (headings.length && headings[0].level !== 1) problems.push(`headings: the first heading is h${headings[0].level} "${headings[0].text}", not the h1`);
  for (let i = 1; i < headings.length; i++) {
    const [prev, cur] = [headings[i - 1], headings[i]];
    if (cur.level > prev.level + 1) problems.push(`headings: h${cur.level} "${cur.text}" follows h${prev.level} "${prev.text}" (skips a level)`);
  }
  for (const h of headings) if (!h.text) problems.push(`headings: an empty h${h.level}`);
  const landmarkCount = (selector, scoped) => [...document.querySelectorAll(selector)]
    .filter(el => !isHidden(el) && (!scoped || el.getAttribute('role') || !el.parentElement.closest('article, aside, main, nav, section'))).length;
  const mains = landmarkCount('main, [role=main]', false);
  if (mains !== 1) problems.push(`landmarks: ${mains} main landmarks, not exactly one`);
  if (landmarkCount('nav, [role=navigation]', false) < 1) problems.push('landmarks: no nav landmark');
  if (landmarkCount('header:not([role]), [role=banner]', true) !== 1) problems.push('landmarks: no single header (banner) landmark');
  if (landmarkCount('footer:not([role]), [role=contentinfo]', true) !== 1) problems.push('landmarks: no single footer (contentinfo) landmark');
  for (const el of document.querySelectorAll('[tabindex]')) {
    if (Number(el.getAttribute('tabindex')) > 0) problems.push(`focus order: positive tabindex on ${describe(el)}`);
  }
  return problems;
}"""


def structure_problems(page) -> list[str]:
    """lang, title, exactly one h1, no skipped heading levels, main/nav/header/footer landmarks, no positive tabindex."""
    return page.evaluate(_STRUCTURE_JS)


_FOCUS_SNAPSHOT_JS = "() => {" + _HELPERS_JS + r"""
  const style = (el) => { const s = getComputedStyle(el); return {
    outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, outlineStyle: s.outlineStyle,
    outlineWidth: parseFloat(s.outlineWidth) || 0, outlineColor: s.outlineColor, boxShadow: s.boxShadow,
    background: s.backgroundColor, border: `${s.borderTopColor} ${s.borderRightColor} ${s.borderBottomColor} ${s.borderLeftColor}`,
    borderWidth: Math.max(parseFloat(s.borderTopWidth) || 0, parseFloat(s.borderBottomWidth) || 0),
    borderColor: s.borderBottomColor, color: s.color, decoration: `${s.textDecorationLine} ${s.textDecorationThickness}` }; };
  window.__a11yStyle = style;
  window.__a11yBase = new Map();
  window.__a11yStops = 0;
  const candidates = document.querySelectorAll('a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]');
  for (const el of candidates) window.__a11yBase.set(el, {style: style(el), behind: backgroundOf(el.parentElement || el)});
  return window.__a11yBase.size;
}"""

_FOCUS_CHECK_JS = "() => {" + _HELPERS_JS + r"""
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const base = window.__a11yBase.get(el);
  if (!el.__a11yStop) el.__a11yStop = String(++window.__a11yStops);
  const info = {description: describe(el), problems: [], tag: el.tagName.toLowerCase(), href: el.getAttribute('href'),
                skipLink: null, key: el.__a11yStop};
  if (!base) { info.problems.push('focus: an element not known when the page loaded received focus: ' + describe(el)); return info; }
  const now = window.__a11yStyle(el);
  const was = base.style;
  const behind = base.behind;
  const shown = [];
  const colourOk = (value, against) => { const c = parseColour(value); return c && c.a > 0 && contrast(over(c, against), against) >= 3; };
  if (now.outlineStyle !== 'none' && now.outlineWidth >= 2 && colourOk(now.outlineColor, behind)) shown.push('outline');
  if (now.boxShadow !== 'none' && now.boxShadow !== was.boxShadow) {
    const colours = now.boxShadow.match(/rgba?\([^)]+\)/g) || [];
    if (colours.some(c => colourOk(c, behind))) shown.push('box-shadow');
  }
  if (now.background !== was.background) {
    const before = over(parseColour(was.background) || {r: 0, g: 0, b: 0, a: 0}, behind);
    const after = over(parseColour(now.background) || {r: 0, g: 0, b: 0, a: 0}, behind);
    if (contrast(before, after) >= 3) shown.push('background');
  }
  if (now.border !== was.border && now.borderWidth >= 2 && colourOk(now.borderColor, behind)) shown.push('border');
  if (!shown.length) info.problems.push(`focus indicator: no visible change (3:1 outline, shadow, border or background) when ${describe(el)} has keyboard focus`);
  const rect = el.getBoundingClientRect();
  if (rect.width < 1 || rect.height < 1) info.problems.push(`focus: ${describe(el)} receives focus but has no size on screen`);
  else if (rect.bottom < 0 || rect.top > innerHeight || rect.right < 0 || rect.left > innerWidth) {
    info.problems.push(`focus: ${describe(el)} receives focus but is off screen`);
  } else {
    const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    if (hit && !el.contains(hit) && !hit.contains(el)) info.problems.push(`focus not obscured: ${describe(el)} is covered by ${describe(hit)}`);
  }
  if (el.matches('a[href^="#"]')) {
    const id = decodeURIComponent(el.getAttribute('href').slice(1));
    const target = id ? document.getElementById(id) : null;
    const main = document.querySelector('main');
    info.skipLink = {text: (el.textContent || '').trim(), targetExists: !!target,
                     targetIsMain: !!(target && main && (target === main || main.contains(target) || target.contains(main))),
                     visible: rect.width >= 1 && rect.height >= 1 && rect.top >= 0 && rect.left >= 0 && rect.right <= innerWidth};
  }
  return info;
}"""


def focus_problems(page, max_stops: int | None = None) -> tuple[list[str], int]:
    """Tab through the page from the top as a keyboard user would.

    The first stop must be a visible skip link to the main content that moves focus
    there; every stop must show a visible focus indicator (a change of outline,
    shadow, border or background with at least 3:1 contrast) and be on screen and
    not covered. Returns the problems and how many stops were visited.
    """
    problems: list[str] = []
    known = page.evaluate(_FOCUS_SNAPSHOT_JS)
    page.evaluate("(source) => { window.__a11yFocusCheck = (0, eval)(source); }", _FOCUS_CHECK_JS)  # compiled once
    limit = max_stops or known + 5
    stops = 0
    first = None
    seen: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("() => window.__a11yFocusCheck()")
        if info is None:
            break
        key = info["key"]
        if key in seen:
            break
        seen.add(key)
        stops += 1
        if first is None:
            first = info
        problems += info["problems"]
    if first is None:
        problems.append("skip link: nothing on the page can be reached with the Tab key")
        return problems, stops
    skip = first.get("skipLink")
    if not skip or "skip" not in skip["text"].lower():
        problems.append(f"skip link: the first focusable element is {first['description']}, not a skip link")
    else:
        if not skip["targetExists"] or not skip["targetIsMain"]:
            problems.append(f"skip link: {first['description']} does not point at the main content")
        if not skip["visible"]:
            problems.append(f"skip link: {first['description']} is not visible when it has focus")
        # Activate it: focus must move to the main content.
        page.evaluate("() => { const a = document.querySelector('a[href^=\"#\"]'); a && a.focus(); }")
        page.keyboard.press("Enter")
        landed = page.evaluate("() => { const el = document.activeElement; const main = document.querySelector('main'); "
                               "return !!(el && main && (el === main || main.contains(el))); }")
        if not landed:
            problems.append("skip link: activating it does not move keyboard focus into the main content")
    return problems, stops


_OVERFLOW_JS = "(sideways) => {" + _HELPERS_JS + r"""
  const problems = [];
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const inScroller = (el) => { for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
    const s = getComputedStyle(e); if (['auto', 'scroll'].includes(s.overflowX)) return true; } return false; };
  const clipped = (el) => { for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e);
    if (s.clip !== 'auto' || (s.clipPath && s.clipPath !== 'none')) return true; } return false; };
  if (sideways) {
    if (doc.scrollWidth > width + 1) problems.push(`the page scrolls sideways: ${doc.scrollWidth} CSS px wide in a ${width} px viewport`);
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 1 || isHidden(el) || inScroller(el) || clipped(el)) continue;
      if (el.closest('.skip-link')) continue;
      offenders.push(describe(el) + ` (right edge at ${Math.round(r.right)} px)`);
    }
    if (offenders.length) problems.push(`content reaches past the ${width} px viewport: ${offenders.slice(0, 5).join('; ')}`);
    // WCAG lets a data table scroll on its own, but a table of two or three columns can fit, and a
    // scroll bar that phones hide makes its text look cut off.
    for (const el of document.body.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if (!['auto', 'scroll'].includes(s.overflowX) || el.scrollWidth <= el.clientWidth + 1 || isHidden(el)) continue;
      const table = el.querySelector('table');
      const columns = table ? Math.max(...[...table.rows].map(r => [...r.cells].reduce((n, c) => n + c.colSpan, 0))) : 0;
      if (!table || columns <= 3) problems.push(`${describe(el)} must be scrolled sideways (${el.scrollWidth} px of content in ${el.clientWidth} px)${table ? `, though its table has only ${columns} columns` : ''}`);
    }
  }
  // Text cut off by a box that hides its overflow.
  for (const el of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    const hides = (v) => v === 'hidden' || v === 'clip';
    if (!hides(s.overflowX) && !hides(s.overflowY)) continue;
    if (isHidden(el) || clipped(el) || !(el.innerText || '').trim()) continue;
    if (el.clientWidth <= 1 && el.clientHeight <= 1) continue;  // visually hidden text for screen readers
    if ((hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1) || (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`text is clipped in ${describe(el)} (${el.scrollWidth}x${el.scrollHeight} content in a ${el.clientWidth}x${el.clientHeight} box)`);
    }
  }
  return problems;
}"""


def overflow_problems(page, sideways: bool = True) -> list[str]:
    """Text clipped by overflow: hidden, and (sideways=True) sideways scrolling or content past the viewport edge."""
    return page.evaluate(_OVERFLOW_JS, sideways)


def reflow_problems(page) -> list[str]:
    """WCAG 1.4.10: at 320 CSS px wide nothing scrolls sideways except inside its own scroll box (tables)."""
    page.set_viewport_size({"width": 320, "height": 640})
    return [f"reflow at 320 px: {p}" for p in overflow_problems(page)]


def text_spacing_problems(page, width: int = 1280) -> list[str]:
    """WCAG 1.4.12: with the user's text spacing applied, no text is cut off or pushed out of view."""
    page.set_viewport_size({"width": width, "height": 900})
    page.add_style_tag(content=TEXT_SPACING_CSS)
    return [f"text spacing at {width} px: {p}" for p in overflow_problems(page, sideways=False)]


_LINE_LENGTH_JS = r"""(args) => {
  const [selector, limit] = args;
  const problems = [];
  const range = document.createRange();
  const blocks = [...document.querySelectorAll(selector)];
  let longest = 0;
  for (const block of blocks) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let line = 0, lastLeft = -Infinity, lastTop = -Infinity, node, lineText = '';
    const finish = () => { if (line > longest) longest = line; if (line > limit) problems.push(`${line} characters on one line: "${lineText.trim().slice(0, 80)}"`); };
    while ((node = walker.nextNode())) {
      // Text in a nested block (a list inside a list item) is measured with that block.
      const owner = node.parentElement.closest(selector);
      if (owner !== block) continue;
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const r = range.getClientRects()[0];
        if (!r || r.width === 0) continue;
        if (r.left < lastLeft - 1 && r.top > lastTop + 1) { finish(); line = 0; lineText = ''; }
        line += 1; lineText += node.data[i]; lastLeft = r.left; lastTop = r.top;
      }
    }
    finish();
  }
  return {problems, longest, blocks: blocks.length};
}"""


def line_length(page, selector: str, limit: int) -> tuple[list[str], int, int]:
    """Characters on the longest rendered line of each block matching selector."""
    result = page.evaluate(_LINE_LENGTH_JS, [selector, limit])
    return result["problems"], result["longest"], result["blocks"]


_MOTION_JS = r"""() => {
  const problems = [];
  if (document.getAnimations().length) problems.push(`${document.getAnimations().length} animations run`);
  for (const el of [document.documentElement, ...document.body.querySelectorAll('*')]) {
    const s = getComputedStyle(el);
    if (s.animationName !== 'none' && parseFloat(s.animationDuration) > 0.01) problems.push(`animation ${s.animationName} on <${el.tagName.toLowerCase()}>`);
    if (s.transitionDuration.split(',').some(d => parseFloat(d) > 0.01)) problems.push(`transition on <${el.tagName.toLowerCase()} class="${el.className}">`);
    if (s.scrollBehavior === 'smooth') problems.push(`smooth scrolling on <${el.tagName.toLowerCase()}>`);
  }
  return [...new Set(problems)].slice(0, 10);
}"""


def motion_problems(page) -> list[str]:
    """Animations, transitions or smooth scrolling (to be checked under prefers-reduced-motion: reduce)."""
    return page.evaluate(_MOTION_JS)


def main_text(page) -> str:
    return " ".join(page.evaluate("() => (document.querySelector('main') || document.body).innerText").split())


# --- Nu HTML Checker -----------------------------------------------------------------


def vnu_errors(paths: list[Path]) -> list[dict]:
    """Errors the Nu HTML Checker reports for these files (or folders)."""
    java = require_command("java", "default-jre-headless")
    require_tool(VNU_JAR, "The Nu HTML Checker (npm package vnu-jar)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html", *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )
    output = result.stderr.strip() or result.stdout.strip()
    try:
        messages = json.loads(output)["messages"] if output else []
    except json.JSONDecodeError:
        pytest.fail(f"vnu did not answer with JSON (exit {result.returncode}):\n{output[:2000]}", pytrace=False)
    if result.returncode not in (0, 1):
        pytest.fail(f"vnu failed with exit {result.returncode}:\n{output[:2000]}", pytrace=False)
    return [m for m in messages if m.get("type") in ("error", "non-document-error")]


# --- print, young people's pages ----------------------------------------------------

_PRINT_JS = "() => {" + _HELPERS_JS + r"""
  const problems = [];
  for (const el of document.querySelectorAll('.skip-link, nav, [role=navigation], body > header, body > footer, .site-header, .site-footer')) {
    if (!isHidden(el)) problems.push(`print: ${describe(el)} is printed (navigation and page furniture should not be)`);
  }
  const bg = backgroundOf(document.body);
  if (luminance(bg) < 0.95) problems.push(`print: the page background is not white (${JSON.stringify(bg)})`);
  const main = document.querySelector('main');
  for (const el of (main ? main.querySelectorAll('*') : [])) {
    if (isHidden(el) || ![...el.childNodes].some(n => n.nodeType === 3 && n.data.trim())) continue;
    const c = parseColour(getComputedStyle(el).color);
    if (c && contrast(over(c, {r: 255, g: 255, b: 255, a: 1}), {r: 255, g: 255, b: 255, a: 1}) < 12) {
      problems.push(`print: text in ${describe(el)} is ${getComputedStyle(el).color}, not black or near-black`);
    }
  }
  for (const a of (main ? main.querySelectorAll('a[href^="http:"], a[href^="https:"], a[href^="mailto:"]') : [])) {
    if (isHidden(a)) continue;
    const after = getComputedStyle(a, '::after').content || '';
    const href = a.getAttribute('href').replace(/^mailto:/, '');
    // A web address printed as the link's own text ("www.cqc.org.uk") is printed, with or without its scheme.
    const address = href.replace(/^https?:\/\//, '');
    if (!after.includes(href) && !(a.textContent || '').includes(href) && (a.textContent || '').trim() !== address) problems.push(`print: the address of ${describe(a)} is not printed`);
  }
  return [...new Set(problems)].slice(0, 20);
}"""


def print_problems(page) -> list[str]:
    """The print style sheet: no navigation, black text on white, web addresses of external links printed."""
    page.emulate_media(media="print")
    try:
        return page.evaluate(_PRINT_JS)
    finally:
        page.emulate_media(media="screen")


YOUNG_PEOPLE_BLOCKS = ".young-people p, .young-people li, .young-people dt, .young-people dd"
MAX_LINE_CHARACTERS = 70

_SPACING_JS = r"""(selector) => {
  const problems = [];
  const blocks = [...document.querySelectorAll(selector)].filter(el => !el.closest('nav, .page-intro'));
  for (const el of blocks) {
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const lineHeight = s.lineHeight === 'normal' ? 1.2 * size : parseFloat(s.lineHeight);
    const text = (el.textContent || '').trim().slice(0, 40);
    if (lineHeight < 1.5 * size - 0.5) problems.push(`spacing: line height ${(lineHeight / size).toFixed(2)} (under 1.5) in "${text}"`);
    if (s.textAlign === 'justify') problems.push(`spacing: justified text in "${text}"`);
    if (!/^"?Atkinson Hyperlegible/.test(s.fontFamily)) problems.push(`font: "${text}" is set in ${s.fontFamily}`);
    const next = el.nextElementSibling;
    if ((el.tagName === 'P' || el.tagName === 'LI') && next && next.tagName === el.tagName) {
      const gap = next.getBoundingClientRect().top - el.getBoundingClientRect().bottom;
      if (gap < 1.5 * size - 0.5) problems.push(`spacing: ${Math.round(gap)} px between paragraphs or points (under 1.5 times the ${size} px text) after "${text}"`);
    }
  }
  const loaded = [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Atkinson Hyperlegible' && f.status === 'loaded');
  if (!loaded.length) problems.push('font: the bundled Atkinson Hyperlegible font was not loaded');
  if (!blocks.length) problems.push(`no text found for ${selector}`);
  return [...new Set(problems)];
}"""


def young_people_problems(page) -> list[str]:
    """AAA where it matters (WCAG 1.4.8): lines of at most 70 characters at any window width,
    line height at least 1.5, space between paragraphs, no justified text, the bundled legible font."""
    problems: list[str] = []
    for width in (1280, 1920, 768):
        page.set_viewport_size({"width": width, "height": 900})
        long_lines, _, _ = line_length(page, YOUNG_PEOPLE_BLOCKS, MAX_LINE_CHARACTERS)
        problems += [f"line length at {width} px: {p}" for p in long_lines]
    problems += page.evaluate(_SPACING_JS, YOUNG_PEOPLE_BLOCKS)
    return problems


# --- everything about one page -------------------------------------------------------

ASPECTS = ("axe", "structure", "keyboard", "reflow", "text-spacing", "dark-contrast", "reduced-motion", "print",
           "no-javascript", "outside-requests")


_TEXT_WITHOUT_JS_CONTROLS = """(ids) => {
  const hidden = ids.map(id => document.getElementById(id)).filter(Boolean);
  const saved = hidden.map(el => el.style.display);
  hidden.forEach(el => { el.style.display = 'none'; });
  const text = (document.querySelector('main') || document.body).innerText;
  hidden.forEach((el, i) => { el.style.display = saved[i]; });
  return text;
}"""


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def audit_page(session: Session, path: str, young_people: bool = False) -> dict[str, list[str]]:
    """Every check on one page, with one page load (plus one without JavaScript).

    Returns the problems found under each aspect name (ASPECTS, plus "young-people-aaa").
    """
    result: dict[str, list[str]] = {}
    rules = BEST_PRACTICE_RULES + (["color-contrast-enhanced"] if young_people else [])
    contrast_rules = ENHANCED_CONTRAST_RULES if young_people else CONTRAST_RULES
    with session.page(path, javascript=False) as page:
        text_without_js = page.evaluate("() => (document.querySelector('main') || document.body).innerText")
        mentions_js = page.evaluate("() => !!document.querySelector('noscript')")
        # Controls that only work with JavaScript are in the HTML with the hidden attribute, and the script shows them.
        enhancements = page.evaluate("() => [...document.querySelectorAll('main [hidden]')].map(e => e.id)")
    with session.page(path) as page:
        result["axe"] = axe_violations(page, rules=rules)
        result["structure"] = structure_problems(page)
        text_with_js = page.evaluate(_TEXT_WITHOUT_JS_CONTROLS, enhancements)
        page.emulate_media(color_scheme="dark")
        result["dark-contrast"] = [f"dark colour scheme: {p}" for p in axe_violations(page, tags=None, rules=contrast_rules)]
        page.emulate_media(color_scheme="light")
        if young_people:
            result["young-people-aaa"] = young_people_problems(page)
            page.set_viewport_size({"width": 1280, "height": 900})
        page.emulate_media(reduced_motion="reduce")
        result["reduced-motion"] = [f"with prefers-reduced-motion: {p}" for p in motion_problems(page)]
        page.emulate_media(reduced_motion="no-preference")
        result["print"] = print_problems(page)
        result["keyboard"], _ = focus_problems(page)
        result["reflow"] = reflow_problems(page)
        result["text-spacing"] = text_spacing_problems(page, 320) + text_spacing_problems(page, 1280)
    without = set(_lines(text_without_js))
    missing = [line for line in _lines(text_with_js) if line not in without]
    result["no-javascript"] = [f"without JavaScript this text is missing: {line[:100]!r}" for line in missing[:10]]
    if "" in enhancements:
        result["no-javascript"].append("an element hidden until JavaScript shows it has no id, so this test cannot tell it apart")
    if mentions_js and "JavaScript" not in text_without_js:
        result["no-javascript"].append("the page has a <noscript> note, but it does not show when JavaScript is off")
    result["outside-requests"] = [f"the page asked for something outside this site: {url}" for url in session.outside_requests[:5]]
    session.outside_requests.clear()
    return result

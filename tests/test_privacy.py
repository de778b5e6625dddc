"""Issue 6, point 5: children's pages must not tell any other site who reads them.
A static check of every built page, style sheet and script: nothing is loaded from
another site (fonts, scripts, images, styles, frames), every page carries a
Content-Security-Policy that allows only the site's own files, and the referrer
policy is no-referrer. (Browser tests of the same live elsewhere.)"""

from __future__ import annotations

import re

from .html_safety import css_urls, is_own_url, leaves_the_site, scan_file

# Hosts that appear in the site's scripts only inside comments, or as the dummy
# base pagefind uses to parse relative URLs (new URL(path, "https://example.com")):
# none of them is ever contacted.
NEVER_CONTACTED = {"developer.mozilla.org", "lunrjs.com", "github.com", "tartarus.org", "example.com", "www.w3.org"}


def _policy(content: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (d.strip() for d in content.split(";"))):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def test_every_page_allows_only_the_sites_own_files(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        scan = scan_file(page)
        where = page.relative_to(built_site)
        assert len(scan.csp) == 1, f"{where}: expected one Content-Security-Policy, found {len(scan.csp)}"
        policy = _policy(scan.csp[0])
        assert policy.get("default-src") == ["'self'"], where
        for name, sources in policy.items():
            for source in sources:
                assert source in ("'self'", "'none'", "'wasm-unsafe-eval'"), f"{where}: {name} allows {source}"
        assert policy.get("object-src") == ["'none'"] and policy.get("base-uri") in (["'self'"], ["'none'"]), where
        assert scan.referrer == ["no-referrer"], f"{where}: referrer policy {scan.referrer}"


def test_no_page_loads_anything_from_another_site(built_site):
    problems = []
    for page in sorted(built_site.rglob("*.html")):
        scan = scan_file(page)
        problems += [f"{page.relative_to(built_site)}: <{t} {a}={u!r}>" for t, a, u in scan.urls if leaves_the_site(t, a, u)]
        problems += [f"{page.relative_to(built_site)}: {p}" for p in scan.problems]
    assert problems == [], "\n".join(problems[:30])


def test_style_sheets_load_only_the_sites_own_files(built_site):
    sheets = sorted(built_site.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        for url in css_urls(sheet.read_text(encoding="utf-8")):
            assert is_own_url(url) and not url.lower().startswith("data:"), f"{sheet.relative_to(built_site)}: url({url})"
            target = (sheet.parent / url.split("#")[0].split("?")[0]).resolve()
            assert target.is_file(), f"{sheet.relative_to(built_site)}: url({url}) is not in the site"


def test_scripts_name_no_other_site_they_could_contact(built_site):
    for script in sorted(built_site.rglob("*.js")):
        text = script.read_text(encoding="utf-8", errors="replace")
        hosts = set(re.findall(r"https?://([A-Za-z0-9.-]+)", text))
        assert hosts <= NEVER_CONTACTED, f"{script.relative_to(built_site)} names {sorted(hosts - NEVER_CONTACTED)}"


def test_every_own_file_a_page_loads_exists(built_site):
    """A missing file would tempt someone to 'fix' it with a CDN link."""
    missing = []
    for page in sorted(built_site.rglob("*.html")):
        for tag, attribute, url in scan_file(page).urls:
            if tag == "a" or not url or url.startswith(("#", "mailto:", "tel:")):
                continue
            path = url.split("#")[0].split("?")[0]
            target = (built_site / path.lstrip("/")) if path.startswith("/") else (page.parent / path).resolve()
            if not target.exists():
                missing.append(f"{page.relative_to(built_site)}: <{tag} {attribute}={url!r}>")
    assert missing == [], "\n".join(missing[:20])


def test_pdfs_load_nothing_from_another_site(built_site):
    """PDF readers fetch nothing by themselves except what a PDF asks for; ours only link (URI actions the reader clicks)."""
    for pdf in sorted(built_site.rglob("*.pdf")):
        data = pdf.read_bytes()
        for marker in (b"/Launch", b"/SubmitForm", b"/ImportData", b"/JavaScript", b"/JS ", b"/GoToR", b"/RichMedia"):
            assert marker not in data, f"{pdf.relative_to(built_site)} contains {marker!r}"

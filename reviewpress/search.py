"""Site search: a Pagefind index of the built pages, written to site/pagefind/.

mkdocs' built-in search (lunr) makes every visitor download one index of the
whole site's text, which grows with the catalogue (586 KB for 4 reviews). A
Pagefind index is split into chunks: one search downloads pagefind.js, its
WebAssembly, the index chunks for the words searched and one fragment per
result shown (templates/assets/js/search.js), all static files.

Each section of a page (every h2 or h3 with an id) is its own search record,
linked to its anchor: a result leads to the place in a long report, and a
fragment holds one section's text rather than a whole 50-page report (which
made one search of a 500-review catalogue download over 300 KB).

Pagefind's output depends only on the indexed pages, so it is cached under a
digest of them (.cache/search/<digest>/): a build that changes no page reuses
it instead of running the indexer again.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

OUTPUT_DIR = "pagefind"
# Records are small HTML files written by write_records(); only their <main> is indexed.
INDEX_ARGS = ("--glob", "**/*.html", "--root-selector", "main", "--force-language", "en")
# What the browser needs to search (templates/assets/js/search.js uses the JS API, not Pagefind's UI).
KEPT = ("pagefind.js", "pagefind-entry.json", "index", "fragment", "filter")
KEPT_SUFFIXES = (".pf_meta", ".pagefind")


_SPLIT_VERSION = 2  # bump when page_sections or write_records change what is indexed


class SearchIndexError(Exception):
    pass


def is_indexed(url: str) -> bool:
    """Whether a built page (site-relative URL such as 'reviews/bedford/') is searched.

    The home page, every review page and the pages of content/pages/; not search.html or 404.html.
    """
    return url in ("", "index.html") or url.startswith(("reviews/", "pages/"))


_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_NAV = re.compile(r"<nav\b.*?</nav>", re.S)  # output links and contents lists: not worth finding
_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(htmllib.unescape(_TAG.sub(" ", fragment)).split())


def page_sections(url: str, page_html: str) -> list[tuple[str, str, str]]:
    """(url with anchor, section title, section HTML) for each section of a page's <main>."""
    match = _MAIN.search(page_html)
    body = _NAV.sub("", match.group(1) if match else page_html)
    h1 = _H1.search(body)
    page_title = _text(h1.group(1)) if h1 else url
    sections = []
    start, title, anchor = 0, page_title, ""
    for heading in _HEADING.finditer(body):
        sections.append((f"{url}{anchor}", title, body[start:heading.start()]))
        start, title, anchor = heading.start(), _text(heading.group(3)), f"#{heading.group(2)}"
    sections.append((f"{url}{anchor}", title, body[start:]))
    return [(u, t, h) for u, t, h in sections if _text(h)]


def write_records(site_dir: Path | None, pages: "PageDigest", target: Path) -> int:
    """One small HTML file per section of every page, for Pagefind to index. Returns how many."""
    count = 0
    for url in pages.urls:
        if pages.html is not None:
            page_html = pages.html[url]
        else:
            path = site_dir / (url + "index.html" if url == "" or url.endswith("/") else url)
            page_html = path.read_text(encoding="utf-8")
        h1 = _H1.search(page_html)
        page_title = _text(h1.group(1)) if h1 else url
        for n, (record_url, title, section) in enumerate(page_sections(url, page_html)):
            count += 1
            meta = (f'<span data-pagefind-meta="title[data-title], page[data-page], url[data-url]" '
                    f'data-title="{htmllib.escape(title)}" data-page="{htmllib.escape(page_title)}" '
                    f'data-url="{htmllib.escape(record_url or "./")}"></span>')
            record = target / f"{count:06d}.html"
            record.write_text(
                f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{htmllib.escape(title)}</title></head>'
                f"<body><main>{meta}{section}</main></body></html>",
                encoding="utf-8",
            )
    return count


class PageDigest:
    """A digest of every indexed page's final HTML, fed as mkdocs writes them."""

    def __init__(self, keep_html: bool = False) -> None:
        self._pages: dict[str, str] = {}
        self.html: dict[str, str] | None = {} if keep_html else None  # serve indexes after the site moved on

    def add(self, url: str, html: str) -> None:
        if is_indexed(url):
            self._pages[url] = hashlib.sha1(html.encode("utf-8")).hexdigest()
            if self.html is not None:
                self.html[url] = html

    @property
    def urls(self) -> list[str]:
        return sorted(self._pages)

    def hexdigest(self) -> str:
        digest = hashlib.sha256(repr((pagefind_version(), INDEX_ARGS, KEPT, _SPLIT_VERSION)).encode())
        for url in sorted(self._pages):
            digest.update(f"{url}\0{self._pages[url]}\n".encode())
        return digest.hexdigest()[:32]


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "missing"


def _run_pagefind(records_dir: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(records_dir), "--output-path", str(output), "--quiet", *INDEX_ARGS]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        if "No module named pagefind" in detail:
            detail = "Pagefind is not installed; run `make setup` (pip install -e .)"
        raise SearchIndexError(f"Pagefind failed: {detail}")
    for child in output.iterdir():
        if child.name not in KEPT and not child.name.endswith(KEPT_SUFFIXES):
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def _link_tree(source: Path, target: Path) -> None:
    """Copy a folder, as hard links where the file system allows (index files are never modified in place)."""
    for folder, _, names in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            src, dst = Path(folder) / name, target / relative / name
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)


def build_index(site_dir: Path, cache_dir: Path, pages: PageDigest) -> tuple[bool, float]:
    """Put the search index of the pages into site_dir/pagefind/. Returns (reused from the cache, seconds)."""
    started = time.perf_counter()
    cached, reused = ensure_index(cache_dir, pages, site_dir)
    install_index(cached, site_dir)
    return reused, time.perf_counter() - started


def cached_index(cache_dir: Path, pages: PageDigest) -> Path | None:
    cached = cache_dir / pages.hexdigest()
    return cached if cached.is_dir() else None


def ensure_index(cache_dir: Path, pages: PageDigest, site_dir: Path | None = None) -> tuple[Path, bool]:
    """The cached index of these pages, made if missing. Returns (its folder, whether it was there)."""
    digest = pages.hexdigest()
    cached = cache_dir / digest
    reused = cached.is_dir()
    if not reused:
        cache_dir.mkdir(parents=True, exist_ok=True)
        scratch = cache_dir / f".{digest}-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            (scratch / "records").mkdir(parents=True)
            write_records(site_dir, pages, scratch / "records")
            _run_pagefind(scratch / "records", scratch / "index")
            try:
                os.replace(scratch / "index", cached)
            except OSError:  # another build wrote the same index meanwhile
                pass
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return cached, reused


def install_index(cached: Path, site_dir: Path) -> None:
    """Link a cached index into the site (replacing the one there, in one rename)."""
    target = site_dir / OUTPUT_DIR
    fresh = site_dir / f".{OUTPUT_DIR}-{os.getpid()}-{time.monotonic_ns()}"
    _link_tree(cached, fresh)
    old = site_dir / f".{OUTPUT_DIR}-old-{time.monotonic_ns()}"
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)

"""Site search: a Pagefind index of the built pages, written to site/pagefind/.

mkdocs' built-in search (lunr) makes every visitor download one index of the
whole site's text, which grows with the catalogue (586 KB for 4 reviews). A
Pagefind index is split into chunks: one search downloads pagefind.js, its
WebAssembly, the list of records, the index chunks for the words searched and
one fragment per result shown (templates/assets/js/search.js), all static files.

What is indexed: the home page, content/pages/, and each review's full report
and key points for young people. Not the recommendations page (the full report
holds the same recommendations) nor the CPD template (the same questions for
every review). A record is a run of whole sections (h2/h3 with an id) of about
RECORD_CHARS characters, so a result leads to the place in a long report (the
section that matched, through Pagefind's sub-results) and its fragment is a few
KB, not a whole report. Each record names, beside its section's title, the
review and the page it is from (results from different reviews share section
titles). Measured at 500 reviews: whole pages made one search download 314 KB
(5 fragments of 35 KB); one record per section made the record list alone 140 KB.

The catalogue is indexed in shards that the browser merges (pagefind/shards.json):
the first holds the pages that are not a review's (the home page, content/pages/),
and each of the others SHARD_REVIEWS reviews (a catalogue that small is one shard). Each shard is cached under a digest
of its pages (.cache/search/<digest>/): a build reuses every shard whose pages did
not change. Editing one review re-indexes its shard and the first (the home page
lists every review's title), which is small; before, the home page shared a shard
with the first reviews.

How big a shard is, from measured figures (copies of the seed reviews, 2 cores, Pagefind 1.5):
  - memory: an indexer's peak is about INDEXER_BASE_MB + INDEXER_MB_PER_REVIEW MB a review
    (109 MB for 26 reviews, 205 MB for 52, 310 MB for 80), its processor time about 45 ms a review;
  - bytes one search downloads: about 157 KB whatever the sharding (Pagefind's code 115 KB,
    the record lists 42 KB at N = 500), plus about 5.5 KB a shard (each shard's index chunk
    holding the word searched: 36 KB for 7 shards, 62 KB for 11), plus the fragments shown;
  - the rest of a build of 500 reviews holds about 600 MB while the index is made.
INDEXERS run at once (two shards at a time took 15.7 s against 22.4 s one after another), so
SHARD_REVIEWS is what keeps them within INDEXER_BUDGET_MB together (the 1 GiB target less the
rest of the build). Smaller shards would re-index an edit faster but cost every search more bytes;
larger ones, the opposite, and more memory.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .store import copy_into_site, report_damage, sha256_file, write_atomic

OUTPUT_DIR = "pagefind"
INDEXERS = 2  # Pagefind runs at once (each is one process; the machine this was measured on has 2 cores)
INDEXER_BASE_MB = 10  # measured, see above
INDEXER_MB_PER_REVIEW = 3.8
INDEXER_BUDGET_MB = 330  # for all INDEXERS together
SHARD_REVIEWS = int((INDEXER_BUDGET_MB / INDEXERS - INDEXER_BASE_MB) / INDEXER_MB_PER_REVIEW)  # 40
RECORD_CHARS = 8000
# Records are small HTML files written by write_records(); only their <main> is indexed.
INDEX_ARGS = ("--glob", "**/*.html", "--root-selector", "main", "--force-language", "en")
# What the browser needs to search (templates/assets/js/search.js uses the JS API, not Pagefind's UI).
KEPT = ("pagefind.js", "pagefind-entry.json", "index", "fragment", "filter")
KEPT_SUFFIXES = (".pf_meta", ".pagefind")
SHARD_KEPT = ("pagefind-entry.json", "index", "fragment", "filter")  # merged shards share the first one's code
SHARD_KEPT_SUFFIXES = (".pf_meta",)
_SPLIT_VERSION = 4  # bump when what is indexed, or how, changes

_REVIEW_PAGE = re.compile(r"reviews/([^/]+)/(young-people/)?\Z")


class SearchIndexError(Exception):
    pass


def is_indexed(url: str) -> bool:
    """Whether a built page (site-relative URL such as 'reviews/bedford/') is searched."""
    return url in ("", "index.html") or url.startswith("pages/") or bool(_REVIEW_PAGE.match(url))


def _review_of(url: str) -> str:
    match = _REVIEW_PAGE.match(url)
    return match.group(1) if match else ""


_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_NAV = re.compile(r"<nav\b.*?</nav>", re.S)  # output links and contents lists: not worth finding
_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")
# Pagefind joins the text of adjacent elements as written: "<dt>Children in care</dt><dd>Children who…"
# would be indexed, and shown in excerpts, as "Children in careChildren who". A record breaks the line
# after each block's end (the page itself is not changed).
_BLOCK_END = re.compile(r"(</(?:address|blockquote|dd|div|dt|figcaption|h[1-6]|li|p|td|th)>)(?=<)")
# A review's pages name the review and the output shown in their "This review" list: the current
# page's link reads "Full report", with " for Bedford Borough" for screen readers
# (templates/partials/page-intro.html). Search results are titled with both, since sections of
# different reviews share titles ("2. Children in need").
_CURRENT_OUTPUT = re.compile(
    r'<a\b[^>]*\baria-current="page"[^>]*>([^<]+)<span class="visually-hidden"> for ([^<]+)</span></a>')


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


def page_records(url: str, page_html: str) -> list[tuple[str, str, str]]:
    """Runs of whole sections of about RECORD_CHARS characters of text: (url of the first, its title, HTML)."""
    records: list[list] = []
    size = RECORD_CHARS
    for section_url, title, section in page_sections(url, page_html):
        if size >= RECORD_CHARS:
            records.append([section_url, title, []])
            size = 0
        records[-1][2].append(section)
        size += len(_text(section))
    return [(u, t, "".join(parts)) for u, t, parts in records]


def write_records(site_dir: Path | None, pages: PageDigest, urls: list[str], target: Path) -> int:
    """One small HTML file per record of the pages, for Pagefind to index. Returns how many."""
    count = 0
    for url in urls:
        if pages.html is not None:
            page_html = pages.html[url]
        else:
            if site_dir is None:  # the same TypeError as `None / ...`, saying what was missing
                raise TypeError("write_records needs site_dir when the pages were not kept as HTML")
            path = site_dir / (url + "index.html" if url == "" or url.endswith("/") else url)
            page_html = path.read_text(encoding="utf-8")
        h1 = _H1.search(page_html)
        page_title = _text(h1.group(1)) if h1 else url
        current = _CURRENT_OUTPUT.search(page_html) if _review_of(url) else None
        output, review = (_text(current.group(1)), _text(current.group(2))) if current else ("", "")
        for record_url, title, section in page_records(url, page_html):
            count += 1
            meta = (f'<span data-pagefind-meta="title[data-title], page[data-page], url[data-url], '
                    f'review[data-review], output[data-output]" '
                    f'data-title="{htmllib.escape(title)}" data-page="{htmllib.escape(page_title)}" '
                    f'data-url="{htmllib.escape(record_url or "./")}" data-review="{htmllib.escape(review)}" '
                    f'data-output="{htmllib.escape(output)}"></span>')
            body = _BLOCK_END.sub("\\1\n", section)
            record = target / f"{count:06d}.html"
            record.write_text(
                f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{htmllib.escape(title)}</title></head>'
                f"<body><main>{meta}{body}</main></body></html>",
                encoding="utf-8",
            )
    return count


class PageDigest:
    """The indexed pages' final HTML (its hash; in serve, the HTML too), fed as mkdocs writes them."""

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

    def shards(self) -> list[tuple[str, list[str]]]:
        """(digest, page urls) of each shard: first the pages that are not a review's, then SHARD_REVIEWS reviews each;
        a catalogue of at most SHARD_REVIEWS reviews is one shard (one search then fetches the least)."""
        reviews = sorted({_review_of(url) for url in self._pages} - {""})
        if len(reviews) <= SHARD_REVIEWS:
            groups = [["", *reviews]]
        else:
            groups = [[""]] + [reviews[i:i + SHARD_REVIEWS] for i in range(0, len(reviews), SHARD_REVIEWS)]
        shard_of = {slug: n for n, group in enumerate(groups) for slug in group}
        urls: list[list[str]] = [[] for _ in groups]
        for url in sorted(self._pages):
            urls[shard_of[_review_of(url)]].append(url)
        shards = []
        for n, shard_urls in enumerate(urls):
            digest = hashlib.sha256(repr((pagefind_version(), INDEX_ARGS, KEPT, SHARD_KEPT, _SPLIT_VERSION,
                                          RECORD_CHARS, n == 0)).encode())
            for url in shard_urls:
                digest.update(f"{url}\0{self._pages[url]}\n".encode())
            shards.append((digest.hexdigest()[:32], shard_urls))
        return shards


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "missing"


def _run_pagefind(records_dir: Path, output: Path, primary: bool) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(records_dir), "--output-path", str(output), "--quiet", *INDEX_ARGS]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        if "No module named pagefind" in detail:
            detail = "Pagefind is not installed; run `make setup` (pip install -e .)"
        raise SearchIndexError(f"Pagefind failed: {detail}")
    kept, suffixes = (KEPT, KEPT_SUFFIXES) if primary else (SHARD_KEPT, SHARD_KEPT_SUFFIXES)
    for child in output.iterdir():
        if child.name not in kept and not child.name.endswith(suffixes):
            shutil.rmtree(child) if child.is_dir() else child.unlink()


CHECKSUMS = ".checksums.json"


def _copy_tree(source: Path, target: Path, published=None, site_path: str = "") -> None:
    """The site's own copy of a cached shard (store.copy_into_site), without its checksum list.

    published (incremental.PublishedFiles): a file the site being replaced already holds, with the
    same bytes, at site_path/<its path>, is linked from there instead of copied again."""
    sums: dict = {}
    if published is not None:
        try:
            sums = json.loads((source / CHECKSUMS).read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            sums = {}
    for folder, _, names in os.walk(source):
        relative = os.path.relpath(folder, source)
        prefix = "" if relative == "." else f"{relative}/"
        into = os.path.join(target, prefix)
        os.makedirs(into, exist_ok=True)
        for name in names:
            if not prefix and name == CHECKSUMS:
                continue
            sha = sums.get(prefix + name, [None])[0]
            if sha is None:
                copy_into_site(Path(folder, name), Path(into, name))
                continue
            in_site = f"{site_path}{prefix}{name}"
            if not published.reuse(in_site, sha, into + name):
                copy_into_site(Path(folder, name), Path(into, name), sha)
                published.written(in_site, sha, into + name)


def _files_of(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file() and p.name != CHECKSUMS}


def _record_checksums(folder: Path) -> None:
    entries = {}
    for name, path in _files_of(folder).items():
        status = path.stat()
        entries[name] = [sha256_file(path), status.st_size, status.st_mtime_ns]
    write_atomic(folder / CHECKSUMS, json.dumps({"recorded": time.time_ns(), "files": entries}, sort_keys=True).encode())


def _intact(folder: Path) -> bool:
    """A cached shard is used only if every file it was made with is there, unchanged (checked by
    checksum when its size or time changed); otherwise it is reported, removed and indexed again."""
    if not folder.is_dir():
        return False
    if not (folder / CHECKSUMS).exists():  # indexed by an older version: indexed again, silently
        shutil.rmtree(folder, ignore_errors=True)
        return False
    try:
        checksums = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
        entries, recorded = checksums["files"], int(checksums["recorded"])
        files = _files_of(folder)
        if set(files) != set(entries):
            raise ValueError("files were added or removed")
        for name, (sha, size, mtime) in entries.items():
            status = files[name].stat()
            # A file whose time is within two seconds of the recording could have changed within the same tick.
            unchanged = [status.st_size, status.st_mtime_ns] == [size, mtime] and recorded - mtime > 2_000_000_000
            if not unchanged and sha256_file(files[name]) != sha:
                raise ValueError(f"{name} changed")
    except (OSError, ValueError, TypeError, KeyError) as exc:
        report_damage("search index shard", folder, str(exc) if isinstance(exc, ValueError) else "its checksums cannot be read")
        return False
    return True


class SearchIndex:
    """The cached shards that make up one version of the site's index."""

    def __init__(self, shards: list[Path], built: int):
        self.shards = shards
        self.built = built  # how many shards were indexed (not reused)


def cached_index(cache_dir: Path, pages: PageDigest) -> SearchIndex | None:
    shards = [cache_dir / digest for digest, _ in pages.shards()]
    return SearchIndex(shards, 0) if all(_intact(s) for s in shards) else None


def _index_shard(cache_dir: Path, digest: str, urls: list[str], pages: PageDigest, site_dir: Path | None, primary: bool) -> None:
    cached = cache_dir / digest
    scratch = cache_dir / f".{digest}-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        (scratch / "records").mkdir(parents=True)
        write_records(site_dir, pages, urls, scratch / "records")
        _run_pagefind(scratch / "records", scratch / "index", primary=primary)
        _record_checksums(scratch / "index")
        try:
            os.replace(scratch / "index", cached)
        except OSError:  # another build wrote the same shard meanwhile
            pass
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def ensure_index(cache_dir: Path, pages: PageDigest, site_dir: Path | None = None) -> SearchIndex:
    """The cached shards of these pages, indexing those missing (INDEXERS Pagefind runs at a time; while
    one runs, this process writes the next shard's record files)."""
    from concurrent.futures import ThreadPoolExecutor

    folders, todo = [], []
    for n, (digest, urls) in enumerate(pages.shards()):
        folders.append(cache_dir / digest)
        if not _intact(cache_dir / digest):
            todo.append((digest, urls, n == 0))
    if todo:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # The largest shards first, so that the last to finish is a small one.
        todo.sort(key=lambda shard: -len(shard[1]))
        with ThreadPoolExecutor(max_workers=min(INDEXERS, len(todo))) as pool:
            for future in [pool.submit(_index_shard, cache_dir, digest, urls, pages, site_dir, primary)
                           for digest, urls, primary in todo]:
                future.result()  # the first failure is raised (the others still finish)
    return SearchIndex(folders, len(todo))


def install_index(index: SearchIndex, site_dir: Path, published=None) -> None:
    """Link the shards into the site: pagefind/ (the first, with the code) and pagefind/shard-N/,
    listed in pagefind/shards.json; replaces what is there in one rename.

    published: see _copy_tree (a build of the whole site, which replaces an older one)."""
    target = site_dir / OUTPUT_DIR
    fresh = site_dir / f".{OUTPUT_DIR}-{os.getpid()}-{time.monotonic_ns()}"
    _copy_tree(index.shards[0], fresh, published, f"{OUTPUT_DIR}/")
    extra = []
    for n, shard in enumerate(index.shards[1:], 1):
        _copy_tree(shard, fresh / f"shard-{n}", published, f"{OUTPUT_DIR}/shard-{n}/")
        extra.append(f"shard-{n}/")
    (fresh / "shards.json").write_text(json.dumps(extra))
    old = site_dir / f".{OUTPUT_DIR}-old-{time.monotonic_ns()}"
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def build_index(site_dir: Path, cache_dir: Path, pages: PageDigest, published=None) -> tuple[SearchIndex, float]:
    """Put the search index of the pages into site_dir/pagefind/. Returns (the index, seconds)."""
    started = time.perf_counter()
    index = ensure_index(cache_dir, pages, site_dir)
    install_index(index, site_dir, published)
    return index, time.perf_counter() - started

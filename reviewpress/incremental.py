"""Incremental builds: each review's outputs are cached under a key of everything they depend on.

A review's key is a hash of
  - its YAML file's name and bytes, and the CPD template's bytes,
  - the code that reads, checks and renders it (reviewpress/*.py, not the importer or the CLI),
    the versions of the libraries that shape its output, and SOURCE_DATE_EPOCH (DOCX dates),
  - the templates its content is rendered with: templates/outputs/*.html, templates/pdf/layout.html
    and everything they include, import or extend (found by reading the templates; main.html,
    home.html, search.html and 404.html are not among them).

Under that key a record (.cache/build/records/<key>.json) holds what the build needs
from the review: its slug, warnings, page titles and home-page entry, and the hashes
of its print HTML (one per PDF), web page bodies and DOCX in a content-addressed
blob store (.cache/build/blobs/). A review with a record is not read, validated or
rendered again. Reviews without one are, in parallel processes when there are several.

PDFs are cached apart (pdf.py), under their HTML and every file it references
(pdf.css, the fonts): a change to main.html re-renders no PDF; a change to pdf.css
re-renders every PDF; a code change that leaves a PDF's HTML the same reuses it.
The web page bodies show each PDF's size and page count, so a record keeps its
bodies per "PDF signature" (those numbers, and the DOCX size).

The records never need cleaning for correctness; `make clean` (rm -rf .cache)
empties the cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .store import (
    DamagedCacheEntry,
    copy_into_site,
    read_verified,
    report_damage,
    write_atomic,
)

RECORD_VERSION = 2
PACKAGE_DIR = Path(__file__).resolve().parent
# Modules that do not shape any output (the importer, the command line, search, checks run by tests).
NOT_OUTPUT_CODE = {"cli.py", "importer.py", "schema_export.py", "fidelity.py", "search.py", "__main__.py", "preview.py", "site_files.py"}
NOT_OUTPUT_DIRS = {"importing", "__pycache__"}
OUTPUT_LIBRARIES = ("jinja2", "markdown", "nh3", "pydantic", "pyyaml", "textstat", "python-docx", "markupsafe", "xlsxwriter", "holidays")
CONTENT_TEMPLATE_ROOTS = (
    "outputs/report.html",
    "outputs/recommendations.html",
    "outputs/young-people.html",
    "outputs/cpd.html",
    "pdf/layout.html",
    "catalogue/item.html",
)
# A tag that names another template, and the expression that names it (up to `%}`).
_TEMPLATE_TAG = re.compile(r"""\{%[-+]?\s*(include|import|extends|from)\s+(.*?)\s*[-+]?%\}""", re.DOTALL)
# What may follow the name: `ignore missing`, `with context`, `as name` (import), `import a, b` (from).
_AFTER_NAME = re.compile(r"""\s+(?:ignore\s+missing|with(?:out)?\s+context|as\s|import\s).*\Z""", re.DOTALL)
_LITERAL = r"""(?:"[^"\\]*"|'[^'\\]*')"""
_LITERALS = re.compile(rf"""(?:{_LITERAL}|[\[\]()\s,])+""")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The code as this process loaded it (hashed once: `serve` keeps running the code it started with)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(f"record {RECORD_VERSION}\n".encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        relative = path.relative_to(PACKAGE_DIR)
        if relative.name in NOT_OUTPUT_CODE and len(relative.parts) == 1 or NOT_OUTPUT_DIRS & set(relative.parts):
            continue
        digest.update(f"{relative}\0".encode() + path.read_bytes())
    for name in OUTPUT_LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{name} missing\n".encode())
    return digest.hexdigest()


def template_closure(templates_dir: Path, roots: tuple[str, ...]) -> list[str]:
    """The templates that roots render, following include/import/extends/from.

    A name made when rendering is followed as far as it is written: `"blocks/" ~ kind ~ ".html"`
    could be any template under blocks/, so all of them (those added later too, since the closure
    is worked out at every build); a list of names, each; a variable, or anything else, could be
    any template: then all of them."""
    every = sorted(name for name in (p.relative_to(templates_dir).as_posix() for p in templates_dir.rglob("*") if p.is_file())
                   if not name.startswith("assets/"))  # fonts, styles, scripts: files a page links, not templates
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = (templates_dir / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a missing template is reported when rendering
        for _, expression in _TEMPLATE_TAG.findall(source):
            named = _named_templates(_AFTER_NAME.sub("", expression), every)
            if named is None:
                return every
            todo += named
    return sorted(seen)


def _named_templates(expression: str, every: list[str]) -> list[str] | None:
    """The templates a tag's expression can name, or None if it could name any."""
    if _LITERALS.fullmatch(expression) and re.search(_LITERAL, expression):  # "a.html", or ["a.html", "b.html"]
        return [literal[1:-1] for literal in re.findall(_LITERAL, expression)]
    prefix = re.match(rf"({_LITERAL})\s*[~+]", expression)  # "blocks/" ~ kind: every template under blocks/
    if prefix:
        start = prefix.group(1)[1:-1]
        under = [name for name in every if name.startswith(start)]
        return under or None  # a prefix that names no template here (assets/, a typo) could be anything
    return None


def templates_fingerprint(templates_dir: Path, names: list[str]) -> str:
    digest = hashlib.sha256()
    for name in names:
        path = templates_dir / name
        digest.update(f"{name}\0".encode() + (path.read_bytes() if path.is_file() else b"<missing>") + b"\0")
    return digest.hexdigest()


@dataclass
class Fingerprints:
    """What every review's key shares; computed once per build."""

    code: str
    templates: str
    cpd_template: str  # and the other inputs every review's outputs read: the organisations list, the site's address
    all_templates: str = ""  # every file of templates/ (for checks that concern them all)

    @classmethod
    def compute(cls, templates_dir: Path, cpd_template: Path, organisations: Path | None = None, site_url: str = "",
                themes: Path | None = None) -> Fingerprints:
        shared = []
        # content/young-people-words.yaml: the words the young people's pages may use unexplained
        # (readability.allow_list_path: the project's, else the one beside this package).
        allow_lists = tuple(folder / "content" / "young-people-words.yaml" for folder in (templates_dir.parent, PACKAGE_DIR.parent))
        for path in (cpd_template, organisations, themes, *allow_lists):
            try:
                shared.append(_sha(path.read_bytes()) if path else "none")
            except OSError:
                shared.append("missing")
        cpd = _sha(f"{shared}\n{site_url}".encode())
        templates = templates_fingerprint(templates_dir, template_closure(templates_dir, CONTENT_TEMPLATE_ROOTS))
        every = templates_fingerprint(templates_dir, sorted(str(p.relative_to(templates_dir)) for p in templates_dir.rglob("*.html")))
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()  # the DOCX's dates
        return cls(_sha(f"{code_fingerprint()}\nSOURCE_DATE_EPOCH={epoch}".encode()), templates, cpd, every)

    def review_key(self, data: bytes, name: str = "") -> str:
        """name: the file's name, which warnings and errors quote."""
        return _sha(f"{self.code}\n{self.templates}\n{self.cpd_template}\n{name}\n".encode() + data)[:40]


class BuildCache:
    """Records by review key, and blobs (HTML, DOCX, action plans) by the SHA-256 of their content.

    Both are checked when read (store.py): a record carries the checksum of its JSON on its first
    line; a blob's name is its checksum. A blob checked once is remembered by its size and
    modification time (checked-blobs.json), so a build that changes nothing does not read every
    stored page again; any write to a blob changes its time and it is checked again."""

    def __init__(self, root: Path):
        self.root = root
        self.records_dir = root / "records"
        self.blobs_dir = root / "blobs"
        self._checked: dict[str, list[int]] | None = None
        self._checked_changed = False

    def record(self, key: str) -> dict | None:
        path = self.records_dir / f"{key}.json"
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        checksum, _, body = raw.partition(b"\n")
        if raw.startswith(b"{"):
            return None  # written by an older version: made again, silently
        if checksum.decode("ascii", "replace") != _sha(body):
            report_damage("review record", path, "its checksum does not match")
            return None
        try:
            record = json.loads(body)
        except ValueError:
            report_damage("review record", path, "it is not JSON")
            return None
        return record if isinstance(record, dict) and record.get("version") == RECORD_VERSION else None

    def save_record(self, key: str, record: dict) -> None:
        record["version"] = RECORD_VERSION
        body = json.dumps(record, sort_keys=True).encode("utf-8")
        write_atomic(self.records_dir / f"{key}.json", _sha(body).encode() + b"\n" + body)

    def blob_path(self, sha: str) -> Path:
        return self.blobs_dir / sha[:2] / sha

    def put(self, data: bytes | str) -> str:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        sha = _sha(raw)
        path = self.blob_path(sha)
        if not self.has(sha):
            write_atomic(path, raw)
        return sha

    def get_bytes(self, sha: str) -> bytes:
        data = self.blob_path(sha).read_bytes()
        if _sha(data) != sha:
            report_damage("stored page or file", self.blob_path(sha), "its checksum does not match")
            raise DamagedCacheEntry(f"{self.blob_path(sha)} was damaged while the build ran")
        return data

    def get_text(self, sha: str) -> str:
        return self.get_bytes(sha).decode("utf-8")

    def _checked_stamps(self) -> dict[str, list[int]]:
        if self._checked is None:
            try:
                self._checked = json.loads((self.root / "checked-blobs.json").read_text(encoding="utf-8"))
                assert isinstance(self._checked, dict)
            except (OSError, ValueError, AssertionError):
                self._checked = {}
        return self._checked

    def has(self, sha: str) -> bool:
        """The blob is there and intact (a damaged one is reported, removed, and counts as missing)."""
        path = self.blob_path(sha)
        try:
            status = path.stat()
        except OSError:
            return False
        stamp = [status.st_size, status.st_mtime_ns]
        if self._checked_stamps().get(sha) == stamp:
            return True
        if read_verified(path, sha, "stored page or file") is None:
            return False
        # As git does for its index: a file changed within the file system's timestamp resolution of
        # being checked could change again unseen, so only files older than that are remembered.
        if time.time_ns() - status.st_mtime_ns > 2_000_000_000:
            self._checked_stamps()[sha] = stamp
            self._checked_changed = True
        return True

    def remember_checked(self) -> None:
        """Keep what this build checked, for the next one."""
        if self._checked_changed and self._checked is not None:
            write_atomic(self.root / "checked-blobs.json", json.dumps(self._checked, sort_keys=True).encode())
            self._checked_changed = False

    def copy_into_site(self, sha: str, destination: Path) -> None:
        copy_into_site(self.blob_path(sha), destination, sha)


def pdf_signature(infos: dict[str, Any], docx_size: int | None, action_plans: list[dict] | None = None) -> str:
    """What the web bodies show about the downloads: each PDF's page count and size, the DOCX's and action plans' sizes."""
    parts = {key: (None if info is None else [info.pages, info.size]) for key, info in sorted(infos.items())}
    plans = [[p["stem"], {fmt: f["size"] for fmt, f in sorted(p["files"].items())}] for p in action_plans or []]
    return _sha(json.dumps([parts, docx_size] + ([plans] if plans else [])).encode())[:16]


class PublishedFiles:
    """What a build put in the site, so that the next one writes only the files whose bytes changed.

    A build makes the new site in a folder beside the old one and swaps it in (cli.py), so a file
    that did not change is still a file to make. The record (a JSON file in the cache, with its
    checksum in front) holds each site file's SHA-256 and the size, modification time and inode it
    had when written. When the next build makes the same bytes for a path, and the old site's file
    there still has that size, time and inode, it is hard-linked into the new site instead of being
    written again: a link is a fraction of the cost of a write. Nothing ever writes into a linked
    file (a changed file is written as a new one), the old site is deleted once the new one is in
    place, so the site still shares no file with anything (not with the cache: the cache's own files
    are copied, as before). A file edited in the old site by hand has another time or inode, and
    is written afresh."""

    def __init__(self, record: Path, previous_site: Path | None):
        self.record = record
        self.previous = previous_site
        self._old: dict[str, list] = {}
        self._new: dict[str, list] = {}
        self._to_stat: dict[str, tuple[str, Path | str]] = {}
        self.linked = 0
        if previous_site is None:
            return
        try:
            raw = record.read_bytes()
        except OSError:
            return
        checksum, _, body = raw.partition(b"\n")
        if checksum.decode("ascii", "replace") != _sha(body):
            report_damage("record of the site's files", record, "its checksum does not match")
            return
        try:
            old = json.loads(body)
        except ValueError:
            return
        if isinstance(old, dict) and old.get("version") == 1 and isinstance(old.get("files"), dict):
            self._old = old["files"]

    def reuse(self, relative: str, sha: str, destination: Path | str) -> bool:
        """Link the old site's file at this path to destination if it holds these bytes; False if it must be written."""
        import stat as stat_module

        entry = self._old.get(relative)
        if entry is None or entry[0] != sha or self.previous is None:
            return False
        source = os.path.join(self.previous, relative)
        try:
            status = os.lstat(source)
            if not stat_module.S_ISREG(status.st_mode) or [status.st_size, status.st_mtime_ns, status.st_ino] != entry[1:]:
                return False
            try:
                os.link(source, destination)
            except FileNotFoundError:  # its folder is not made yet
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                os.link(source, destination)
        except OSError:
            return False
        self._new[relative] = entry
        self.linked += 1
        return True

    def will_write(self, relative: str, sha: str, destination: Path | str) -> None:
        """This file is being written (its size, time and inode are read once it is, by save())."""
        self._to_stat[relative] = (sha, destination)

    def written(self, relative: str, sha: str, destination: Path | str) -> None:
        try:
            status = os.lstat(destination)
        except OSError:
            return
        self._new[relative] = [sha, status.st_size, status.st_mtime_ns, status.st_ino]

    def save(self) -> None:
        for relative, (sha, destination) in self._to_stat.items():
            self.written(relative, sha, destination)
        self._to_stat = {}
        body = json.dumps({"version": 1, "files": self._new}, sort_keys=True).encode()
        write_atomic(self.record, _sha(body).encode() + b"\n" + body)


def previous_site(site_dir: Path) -> Path | None:
    """The site a build replaces: cli.py builds into `.<name>-building-<random>` beside `<name>`
    (None for any other folder: `mkdocs build` empties its site folder first, serve has its own)."""
    match = re.fullmatch(r"\.(.+)-building-[A-Za-z0-9_]+", site_dir.name)
    if match is None:
        return None
    final = site_dir.parent / match.group(1)
    return None if final.is_symlink() else final  # the first build has none yet: it records what it writes


# --- the work done for a review without a record (in a worker process when there are several) ---


@dataclass
class ReviewJob:
    path: Path
    key: str
    templates_dir: Path
    cpd_template: Path
    cache_root: Path
    pdf_cache_dir: Path | None  # None: PDFs are off (and so are the Word file and action plans), the web pages link to none
    organisations: Path | None = None
    site_url: str = ""
    themes: Path | None = None
    web: bool = True  # render the web bodies now if the PDFs they describe are known
    light: bool = False  # serve: the web bodies only, without PDF or Word links; a "partial" record, never saved


@dataclass
class ReviewResult:
    path: Path
    key: str
    record: dict | None = None
    errors: list = field(default_factory=list)  # ContentError
    problems: list[str] = field(default_factory=list)  # template mistakes, as messages
    slug: object = None  # checks.ReviewSlug, when the file is a readable review (with or without errors)
    seconds: float = 0.0


_worker: dict = {}


def _environment(templates_dir: Path, cpd_template: Path):
    """The Jinja environment and standard CPD questions, made once per process."""
    from .checks import read_cpd_questions
    from .rendering import template_environment

    state_key = (str(templates_dir), str(cpd_template), _contents(cpd_template))
    if _worker.get("key") != state_key:
        _worker.clear()
        _worker.update(key=state_key, env=template_environment(templates_dir), cpd=read_cpd_questions(cpd_template))
    return _worker["env"], _worker["cpd"]


def _read_once(kind: str, path: Path | None, read):
    """A list every review is checked against, read once per process and again when its file changes
    (None when the project has none configured)."""
    if path is None:
        return None
    state_key = (str(path), _contents(path))
    if _worker.get(f"{kind}_key") != state_key:
        _worker[kind] = read(path)
        _worker[f"{kind}_key"] = state_key
    return _worker[kind]


def organisation_directory(path: Path | None):
    from .organisations import read_organisations

    return _read_once("organisations", path, read_organisations)


def theme_list(path: Path | None):
    from .themes import read_themes

    return _read_once("themes", path, read_themes)


def _contents(path: Path) -> str:
    """What a process remembers a file by: its contents, not its name. serve's background thread and
    small builds run in the main process, which outlives edits to the file."""
    try:
        return _sha(path.read_bytes())
    except OSError:
        return "missing"


def home_entry(review) -> dict:
    from .context import long_date
    from .inline import plain

    m = review.metadata
    return {
        "title": plain(review.title),
        "short_name": review.area or plain(review.title),
        "area": review.area,
        "review_dates": f"{long_date(m.review_dates.start)} to {long_date(m.review_dates.end)}" if m.review_dates else None,
        "publication": long_date(m.publication_date) if m.publication_date else m.publication_month,
        "sort": [review.kind != "national-report", plain(review.title)],
    }


def _or_none(read, path: Path | None):
    """read(path), or None if the file is missing or broken: the build reports its mistakes once, itself."""
    from .errors import ContentErrors

    try:
        return read(path)
    except ContentErrors:
        return None


def checked_directory(path: Path | None):
    return _or_none(organisation_directory, path)


def theme_names(path: Path | None) -> dict[str, str]:
    themes = _or_none(theme_list, path)
    return {t.id: t.name for t in themes.themes} if themes else {}


def validated(path: Path, organisations: Path | None = None, themes: Path | None = None):
    """checks.validate_review, with the lists read once per process.

    A mistake in the organisations or themes list itself is reported once by the caller, not per review."""
    from .checks import validate_review

    return validate_review(path, checked_directory(organisations), _or_none(theme_list, themes))


def load_checked(path: Path, organisations: Path | None = None, themes: Path | None = None):
    """A review loaded, validated and cross-checked: (item, warnings, errors)."""
    result = validated(path, organisations, themes)
    return result.item, result.warnings, result.errors


def make_record(item, warnings: list[str], job: ReviewJob, env, cpd_defaults, light: bool = False) -> dict:
    from .catalogue import add_listing_html, review_rows
    from .checks import content_date
    from .context import OUTPUTS
    from .docx_export import cpd_document
    from .inline import plain
    from .outputs import print_key
    from .pdf import referenced_files
    from .rendering import pdf_title, render_print_document

    review = item.review
    cache = BuildCache(job.cache_root)
    docx = None
    action_plans = None
    # The Word file and the action plans are downloads like the PDFs: a web-only build (PDFs off,
    # or serve's quick pass) makes none of them.
    if not light and job.pdf_cache_dir is not None:
        with _styles_looked_up_once():
            docx = cpd_document(review, review.cpd_questions or cpd_defaults)
            action_plans = make_action_plans(review, job, cache)
    record = {
        "slug": review.slug,
        "slug_line": item.line(("slug",)),  # for the checks across reviews (checks.cross_review_errors)
        "file": item.path.name,
        "title": plain(review.title),
        "warnings": warnings,
        "home": home_entry(review),
        "content_date": content_date([review]),
        "titles": {o.key: pdf_title(review, o.key) for o in OUTPUTS},
        "docx": None if docx is None else {"sha": cache.put(docx), "size": len(docx)},
        "action_plans": action_plans,
        "catalogue": add_listing_html(review_rows(review, checked_directory(job.organisations)), env, theme_names(job.themes)),
        "print": {},
        "web": {},
    }
    if light:
        record["partial"] = True
    elif job.pdf_cache_dir is not None:
        for output in OUTPUTS:
            for edition in output.editions:
                html = render_print_document(env, review, output.key, cpd_defaults, edition)
                record["print"][print_key(output, edition)] = {
                    "sha": cache.put(html), "refs": referenced_files(html), "forms": output.key == "cpd"}
    return record


def make_action_plans(review, job: ReviewJob, cache: BuildCache) -> list[dict]:
    """Each organisation's action-plan files, in the blob store: [{organisation, stem, files: {format: {sha, size}}}]."""
    from .action_plan_files import WRITERS
    from .action_plans import action_plans
    from .docx_export import document_date

    directory = organisation_directory(job.organisations)
    if directory is None:
        return []
    when = document_date(review)
    made = []
    for plan in action_plans(review, directory, job.site_url):
        files = {}
        for fmt, write in WRITERS.items():
            data = write(plan, when)
            files[fmt] = {"sha": cache.put(data), "size": len(data)}
        made.append({"organisation": plan.organisation.name, "stem": plan.file_stem, "files": files})
    return made


_DOCX_LOCK = threading.Lock()


@contextmanager
def _styles_looked_up_once():
    """python-docx finds a style type's default style by scanning every style, each time a paragraph
    is given a style: 6 ms a paragraph, a third of an HTML-only build. Remember the answer while one
    document is made (it adds no default style); the file is the same."""
    from docx.oxml.styles import CT_Styles

    found: dict = {}

    def default_for(self, style_type):
        key = (id(self), style_type)
        if key not in found:
            found[key] = original(self, style_type)
        return found[key]

    with _DOCX_LOCK:  # one document at a time (serve makes them in a thread too)
        original = CT_Styles.default_for
        CT_Styles.default_for = default_for
        try:
            yield
        finally:
            CT_Styles.default_for = original


def render_web(item, record: dict, pdf_infos: dict, job: ReviewJob, env, cpd_defaults) -> None:
    """Render the review's web bodies for these PDF infos into the record."""
    from .context import OUTPUTS
    from .docx_export import DocxInfo
    from .rendering import render_content

    cache = BuildCache(job.cache_root)
    docx_size = record["docx"]["size"] if record["docx"] else None
    docx_info = None if docx_size is None else DocxInfo(docx_size)
    plans = record.get("action_plans") or []
    bodies = {
        o.key: cache.put(str(render_content(env, item.review, o.key, "web", cpd_defaults, pdf_infos, docx_info, plans)))
        for o in OUTPUTS
    }
    record["web"][pdf_signature(pdf_infos, docx_size, plans)] = bodies


def known_pdf_infos(record: dict, job: ReviewJob, assets: AssetFingerprints) -> dict | None:
    """The PDF infos the web bodies will show, if they are known now (PDFs off, or all cached)."""
    from .context import OUTPUTS
    from .pdf import cached_pdf

    if job.pdf_cache_dir is None:
        return {o.key: None for o in OUTPUTS}
    infos = {}
    for key, spec in record["print"].items():
        info = cached_pdf(job.pdf_cache_dir, assets.pdf_key(spec))
        if info is None:
            return None
        infos[key] = info
    return infos


class AssetFingerprints:
    """PDF cache keys: the print HTML plus a fingerprint of the files it references, computed once per set."""

    def __init__(self, templates_dir: Path):
        self.templates_dir = templates_dir
        self._by_refs: dict[tuple[str, ...], str] = {}

    def pdf_key(self, spec: dict) -> str:
        from .pdf import assets_fingerprint, pdf_cache_key

        refs = tuple(spec["refs"])
        if refs not in self._by_refs:
            self._by_refs[refs] = assets_fingerprint(self.templates_dir, refs)
        return pdf_cache_key(spec["sha"], spec["forms"], self._by_refs[refs])


def _kept_markdown(job: ReviewJob):
    """Markdown's results for this review's texts, kept in the build cache between builds (inline.kept_markdown)."""
    from .inline import kept_markdown

    return kept_markdown(job.cache_root / "markdown" / f"{job.path.name}.json")


def _remember_scores(job: ReviewJob) -> None:
    """The readability scorer keeps its scores by text in the build cache (readability.SCORES_DIR)."""
    from . import readability

    readability.SCORES_DIR = job.cache_root / "scores"


def build_review(job: ReviewJob) -> ReviewResult:
    """Load, check and render one review; the record is saved by the caller once the whole build is valid."""
    import time

    from .inline import remembering

    started = time.perf_counter()
    result = ReviewResult(job.path, job.key)
    _remember_scores(job)
    with remembering(), _kept_markdown(job):
        _build_review(job, result)
    result.seconds = time.perf_counter() - started
    return result


def _build_review(job: ReviewJob, result: ReviewResult) -> None:
    from .errors import ContentErrors
    from .template_errors import describe

    try:
        validation = validated(job.path, job.organisations, job.themes)
        item, warnings, result.slug = validation.item, validation.warnings, validation.slug
        if validation.errors or item is None:
            result.errors = validation.errors
            return
        try:
            env, cpd_defaults = _environment(job.templates_dir, job.cpd_template)
        except ContentErrors:  # the CPD template is wrong: the caller reports it once
            return
        record = make_record(item, warnings, job, env, cpd_defaults, light=job.light)
        if job.light:
            from .outputs import OUTPUTS

            render_web(item, record, {o.key: None for o in OUTPUTS}, job, env, cpd_defaults)
        elif job.web:
            infos = known_pdf_infos(record, job, AssetFingerprints(job.templates_dir))
            if infos is not None:
                render_web(item, record, infos, job, env, cpd_defaults)
        result.record = record
    except Exception as exc:
        message = describe(exc)
        if message is None:
            raise
        result.problems.append(message)


def build_web(args: tuple[ReviewJob, dict, dict]) -> ReviewResult:
    """Render the web bodies of a review whose PDFs were just rendered (its record exists)."""
    from .inline import remembering
    from .template_errors import describe

    job, record, pdf_infos = args
    _remember_scores(job)
    result = ReviewResult(job.path, job.key, record=record)
    env, cpd_defaults = _environment(job.templates_dir, job.cpd_template)
    try:
        item, _, errors = load_checked(job.path, job.organisations, job.themes)
        if item is None:
            result.errors = errors
            return result
        with remembering(), _kept_markdown(job):
            render_web(item, record, pdf_infos, job, env, cpd_defaults)
    except Exception as exc:
        message = describe(exc)
        if message is None:
            raise
        result.problems.append(message)
    return result


@dataclass
class EpubWork:
    """The EPUBs of one review still to make: (output key, cache key, the standard PDF for the page list or None)."""

    job: ReviewJob
    todo: list[tuple[str, str, str | None]]
    cache_dir: Path


def build_epubs(work: EpubWork) -> tuple[Path, dict, list[str]]:
    """Make a review's missing EPUBs into the EPUB cache: (review path, infos by output key, problems)."""
    from .epub import make_epub, pdf_page_map
    from .epub_files import store_epub
    from .errors import ContentErrors
    from .inline import remembering
    from .template_errors import describe

    job = work.job
    _remember_scores(job)
    env, cpd_defaults = _environment(job.templates_dir, job.cpd_template)
    item, _, errors = load_checked(job.path, job.organisations, job.themes)
    if item is None:
        return job.path, {}, [ContentErrors(errors).report()]
    made = {}
    try:
        with remembering(), _kept_markdown(job):
            for output_key, key, pdf_file in work.todo:
                page_map = pdf_page_map(Path(pdf_file).read_bytes()) if pdf_file else None
                data = make_epub(item.review, output_key, env, cpd_defaults, page_map=page_map,
                                 fonts_dir=job.templates_dir / "assets" / "fonts")
                made[output_key] = store_epub(work.cache_dir, key, data)
    except Exception as exc:
        message = describe(exc)
        if message is None:
            raise
        return job.path, made, [message]
    return job.path, made, []


def warm_up(everything: bool = False) -> None:
    """Load what checking and rendering a review need (the readability scorer's pronouncing dictionary,
    about a second; the models, Markdown, the templates' code) once, before forking workers, which then
    share it; with everything, what the downloads need too (serve does it while waiting for the first save)."""
    try:
        from . import context, integrity, loading, readability, rendering  # noqa: F401

        readability.warm_up()  # the scorer the checks use (readability._textstat), not textstat's shared one
        if everything:
            from . import action_plan_files, action_plans, docx_export  # noqa: F401
    except Exception:
        pass



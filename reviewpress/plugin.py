"""The mkdocs plugin: every review YAML becomes four pages and four PDFs.

mkdocs is the site engine (`mkdocs build` and `mkdocs serve` work on their own);
this plugin adds the review pages to its file list, replaces their bodies with
the rendered content templates, and copies the PDFs next to them.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from .checks import ReviewSlug, cross_review_errors, no_reviews_error, read_lists
from .epub_files import EPUB_OUTPUTS, epub_print_key
from .errors import ContentError, ContentErrors
from .incremental import (
    AssetFingerprints,
    BuildCache,
    Fingerprints,
    ReviewJob,
    build_review,
    build_web,
    pdf_signature,
    warm_up,
)
from .outputs import (
    OUTPUTS,
    action_plan_path,
    docx_path,
    epub_path,
    page_path,
    pdf_path,
    print_key,
)
from .pdf import (
    PdfJob,
    cached_pdf,
    copy_pdf,
    print_asset_problems,
    referenced_files,
    render_pdfs,
)
from .rendering import template_environment
from .search import (
    PageDigest,
    SearchIndexError,
    build_index,
    cached_index,
    ensure_index,
    install_index,
)
from .store import copy_into_site, report_damage, write_atomic
from .template_errors import check_syntax
from .template_errors import describe as describe_template_error
from .workers import run_jobs

# The review models (pydantic), Markdown, WeasyPrint, pikepdf and python-docx are imported
# only when something has to be checked or rendered: a build where every review and PDF
# comes from the cache (incremental.py) never loads them.

log = get_plugin_logger(__name__)
# Content warnings (a recommendation no finding cites, a young people's page above its reading-age
# target ...) are logged at WARNING, but not under "mkdocs": mkdocs' `strict: true` (mkdocs.yml)
# aborts on any warning logged there, and these are the staff's to weigh unless the build is asked
# to be strict about them too (`build.py build --strict`: the plugin's `strict` option).
content_log = logging.getLogger("reviewpress.content")


class CheckedBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept between builds, each file with the SHA-256 of its bytecode in front.

    Jinja's own cache unmarshals whatever the file holds: a damaged file raised UnpicklingError,
    and a flipped byte in the code crashed Python (marshal trusts its input). A file whose
    checksum does not match, or that is of another format, is compiled again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        import hashlib
        import io

        try:
            raw = Path(self._get_cache_filename(bucket)).read_bytes()
        except OSError:
            return
        digest, payload = raw[:32], raw[32:]
        if hashlib.sha256(payload).digest() != digest:
            return
        try:
            bucket.load_bytecode(io.BytesIO(payload))
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        import hashlib
        import io

        out = io.BytesIO()
        bucket.write_bytecode(out)
        payload = out.getvalue()
        try:
            write_atomic(Path(self._get_cache_filename(bucket)), hashlib.sha256(payload).digest() + payload)
        except OSError:
            pass  # a cache that cannot be written only costs time


class ReviewPluginConfig(base.Config):
    reviews_dir = c.Type(str, default="content/reviews")
    cpd_template = c.Type(str, default="content/cpd-template.yaml")
    organisations = c.Type(str, default="content/organisations.yaml")  # who the reviews ask to act (organisations.py)
    themes = c.Type(str, default="content/themes.yaml")  # what recommendations are grouped by across reviews (themes.py)
    templates_dir = c.Type(str, default="templates")
    cache_dir = c.Type(str, default=".cache/pdf")
    pdfs = c.Type(bool, default=True)
    drafts = c.Type(bool, default=False)  # build reviews marked `status: draft` too (build --draft; serve always does)
    search = c.Type(bool, default=True)  # the Pagefind index (reviewpress/search.py)
    search_cache_dir = c.Type(str, default=".cache/search")
    build_cache_dir = c.Type(str, default=".cache/build")  # reviews' records and rendered HTML (incremental.py)
    epub_cache_dir = c.Type(str, default=".cache/epub")  # EPUB files (epub_files.py)
    strict = c.Type(bool, default=False)  # any content warning fails the build (build --strict)


def _render_generated(page, title: str, config, files) -> None:
    """Page.render for the generated pages (home, review outputs): their body comes from
    on_page_content, so mkdocs' Markdown run over the stub ('# title') is skipped. It made a
    Markdown instance per page: 4 ms a page, 8 s of a 500-review build. Sets what
    mkdocs 1.6's Page.render sets."""
    from mkdocs.structure.toc import get_toc

    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = title
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def _docx_size(record: dict) -> int | None:
    return record["docx"]["size"] if record["docx"] else None


def _downloads_signature(infos: dict, record: dict) -> str:
    return pdf_signature(infos, _docx_size(record), record.get("action_plans"))


def _reporting_template_errors(method):
    """A mistake in a template stops the build with its template's file and line, not a traceback."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except PluginError:
            raise
        except Exception as exc:
            message = describe_template_error(exc)
            if message is None:
                raise
            raise PluginError(message) from None

    return wrapper


def _safe_page_content(method):
    """What a page's body may hold: review pages are built from sanitised text
    by autoescaping templates (Markup); any other page (content/pages/*.md) is
    cleaned here by the same kind of allow-list, since mkdocs' Markdown lets raw HTML through."""

    @functools.wraps(method)
    def wrapper(self, html, page, config, files):
        result = _reporting_template_errors(method)(self, html, page, config, files)
        if page.file.src_uri in getattr(self, "pages", {}):
            return Markup(result)
        return self._clean_page(result)

    return wrapper


class ReviewPlugin(BasePlugin[ReviewPluginConfig]):
    def on_startup(self, command, dirty):
        self.command = command  # "serve": PDFs and the search index follow the pages (see _start_pdfs_in_background)
        self.server = None
        self.background = None
        self._last_index = None
        if command == "serve":
            import threading

            from . import workers

            workers.START_METHOD = "spawn"  # threads from here on: see workers.START_METHOD
            workers.WORKER_NICENESS = 10  # background PDFs give way to rebuilds
            threading.Thread(target=warm_up, kwargs={"everything": True}, name="warm-up", daemon=True).start()

    def on_serve(self, server, config, builder):
        self.server = server
        server.watch(str(self._pdf_trigger()))  # written when background PDFs are ready
        return server

    def _pdf_trigger(self) -> Path:
        trigger = Path(self.pdf_cache_dir) / "ready"
        if not trigger.exists():
            trigger.parent.mkdir(parents=True, exist_ok=True)
            trigger.write_text("")
        return trigger

    def on_config(self, config):
        # `mkdocs build -f mkdocs.yml` (and ProperDocs, which asks for it) gives a relative path, while docs_dir
        # comes absolute: every content file compared with a folder made from root would seem outside it.
        root = Path(os.path.abspath(config.config_file_path)).parent
        self.root = root
        self.reviews_dir = root / self.config.reviews_dir
        self.templates_dir = root / self.config.templates_dir
        self.pdf_cache_dir = root / self.config.cache_dir
        self.cache = BuildCache(root / self.config.build_cache_dir)
        self.site_url = config.site_url or ""
        self.fingerprints = Fingerprints.compute(self.templates_dir, root / self.config.cpd_template,
                                                 self._organisations_file(), self.site_url, self._themes_file())
        self.env = template_environment(self.templates_dir)
        self.env.bytecode_cache = CheckedBytecodeCache(self._jinja_cache("content"))
        self.summary: list[SimpleNamespace] = []
        self.warnings: list[str] = []
        self.reviews: list[dict] = []
        self.rendered_pdfs = 0
        self.stats: dict = {}
        self.page_digest = PageDigest(keep_html=getattr(self, "command", "build") == "serve")
        self._newest_date = None
        return config

    def _organisations_file(self) -> Path | None:
        return self.root / self.config.organisations if self.config.organisations else None

    def _themes_file(self) -> Path | None:
        return self.root / self.config.themes if self.config.themes else None

    def _jinja_cache(self, which: str) -> str:
        """Compiled templates depend on the environment's settings (in the code) and Jinja's version (in .code)."""
        folder = self.cache.root / "jinja" / f"{which}-{self.fingerprints.code[:16]}"
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)

    def on_pre_build(self, config):
        started = time.perf_counter()
        self.stats = {"reviews": 0, "reviews_rendered": [], "web_rendered": [], "pdfs_rendered": [], "pdf_pages_rendered": 0,
                      "pdf_seconds": 0.0, "pdfs_pending": 0}
        self._dropped, file_errors = self._scan_sources(config)
        records, problems, stale_paths = self._review_records(file_errors)
        # The same template mistake stops every review that uses it: say it once.
        if problems := list(dict.fromkeys(self._template_problems(config) + problems)):
            raise PluginError("\n".join(problems))
        self._paths = sorted(records)
        self.reviews = [records[path] for path in self._paths]
        self.stats["reviews"] = len(self.reviews)
        self.warnings = [w for record in self.reviews for w in record["warnings"]]
        for warning in self.warnings:
            content_log.warning(warning)
        if self.warnings and self.config.strict:
            count = len(self.warnings)
            raise PluginError("\n".join([
                f"Found {count} warning{'' if count == 1 else 's'} in the content, and this build is strict (--strict): "
                "it fails on any warning. Nothing was published; the last good site/ is unchanged.", "",
                *(f"- warning: {w}" for w in self.warnings)]))
        self.pdf_infos = {}
        pending = self._render_pdfs() if self.config.pdfs else []
        if self.config.pdfs and not pending:
            self._make_epubs()
        changed = self._render_web_bodies() | {p for p in stale_paths if p in records}
        partial = [path for path in changed if records[path].get("partial")]
        for path in changed:
            if path not in partial:
                self.cache.save_record(self._keys[path], records[path])
        if pending or partial:
            self._start_pdfs_in_background(pending, partial)
        self.stats["prepare_seconds"] = time.perf_counter() - started
        log.info(f"Checked {len(self.reviews)} reviews ({len(self.stats['reviews_rendered'])} changed) "
                 f"and prepared PDFs in {time.perf_counter() - started:.1f} s")

    def _job(self, path: Path, light: bool = False) -> ReviewJob:
        return ReviewJob(path, self._keys[path], self.templates_dir, self.root / self.config.cpd_template,
                         self.cache.root, self.pdf_cache_dir if self.config.pdfs else None,
                         organisations=self._organisations_file(), site_url=self.site_url, themes=self._themes_file(),
                         light=light)

    def _review_records(self, file_errors: Sequence[ContentError] = ()) -> tuple[dict[Path, dict], list[str], list[Path]]:
        """Every review's record: from the cache when its key is unchanged, else loaded, checked and rendered.

        Raises PluginError listing every content problem in every file.
        """
        cpd_template = self.root / self.config.cpd_template
        fingerprints = self.fingerprints
        from .site_files import review_paths

        paths, misplaced = review_paths(self.reviews_dir, self.root)
        self._keys = {path: fingerprints.review_key(path.read_bytes(), path.name) for path in paths}
        records: dict[Path, dict] = {}
        stale = []
        for path in paths:
            record = self.cache.record(self._keys[path])
            if record is None or not self._complete(record):
                stale.append(path)
            else:
                records[path] = record
        errors: list[ContentError] = list(file_errors) + list(misplaced)
        if not self.config.drafts and getattr(self, "command", "build") != "serve":
            from .importing.drafts import (
                draft_errors,  # never publish an imported draft by accident
            )

            errors += draft_errors(paths)
        problems: list[str] = []
        slugs = {path: ReviewSlug(path, record["slug"], record.get("slug_line")) for path, record in records.items()}
        if stale:
            # The lists are read here too, so that a mistake in one is reported once, with the reviews'
            # problems (the workers read them for themselves and report none of their mistakes).
            errors += read_lists(cpd_template, self._organisations_file(), self._themes_file()).errors
            if len(stale) > 2:
                warm_up()  # load what every worker needs once, before they fork
            # serve, after its first build: a save shows quickest if only the web pages are made now;
            # print HTML, DOCX and PDFs follow in the background (_start_pdfs_in_background).
            light = getattr(self, "command", "build") == "serve" and getattr(self, "_served_once", False)
            for result in run_jobs(build_review, [self._job(path, light) for path in stale]):
                errors += result.errors
                problems += result.problems
                if result.slug is not None:
                    slugs[result.path] = result.slug
                if result.record is not None:
                    records[result.path] = result.record
                    self.stats["reviews_rendered"].append(result.record["slug"])
        if not paths:
            errors.append(no_reviews_error(self.reviews_dir))
        errors += cross_review_errors(list(slugs.values()))
        if errors:
            raise PluginError(ContentErrors(errors).report() + "".join(f"\n- {p}" for p in dict.fromkeys(problems)))
        return records, problems, stale

    def _complete(self, record: dict) -> bool:
        """A record is used only if everything it names is still in the cache (and it has print HTML when PDFs are on)."""
        if self.config.pdfs and (not record["print"] or record.get("action_plans") is None):
            return False
        shas = [spec["sha"] for spec in record["print"].values()]
        if record["docx"]:
            shas.append(record["docx"]["sha"])
        shas += [f["sha"] for plan in record.get("action_plans") or [] for f in plan["files"].values()]
        return all(self.cache.has(sha) for sha in shas)

    def _pdf_jobs(self) -> list[PdfJob]:
        assets = AssetFingerprints(self.templates_dir)
        return [
            PdfJob(f"{record['slug']}/{key}", "", spec["forms"], assets.pdf_key(spec))
            for record in self.reviews
            for key, spec in record["print"].items()
        ]

    @_reporting_template_errors
    def _render_pdfs(self) -> list[PdfJob]:
        """PDF infos for every output; the PDFs not in the cache are rendered now (or, in serve, returned to render later)."""
        jobs = self._pdf_jobs()
        todo = []
        for job in jobs:
            info = cached_pdf(self.pdf_cache_dir, job.cache_key)
            if info is None:
                todo.append(job)
            else:
                self.pdf_infos[job.key] = info
        if not todo:
            return []
        by_slug = {record["slug"]: record for record in self.reviews}
        for job in todo:
            slug, key = job.key.split("/")
            object.__setattr__(job, "html", self.cache.get_text(by_slug[slug]["print"][key]["sha"]))
        refs = sorted({ref for job in todo for ref in referenced_files(job.html)})
        if problems := print_asset_problems(self.templates_dir, refs):
            raise PluginError("The print layout's files have problems, so no PDF was made:\n" + "\n".join(f"- {p}" for p in problems))
        if getattr(self, "command", "build") == "serve":
            self.stats["pdfs_pending"] = len(todo)
            return todo  # the pages first; the PDFs follow (a reload when they are ready)

        def progress(done: int, total: int, key: str) -> None:
            log.info(f"PDF {done}/{total}: {key}")

        started = time.perf_counter()
        infos, errors, rendered = render_pdfs(todo, self.templates_dir, self.pdf_cache_dir, progress=progress)
        if errors:
            raise PluginError("PDF rendering failed:\n" + "\n".join(f"- {key}: {message}" for key, message in errors.items()))
        self.pdf_infos.update(infos)
        self.rendered_pdfs = rendered
        self.stats["pdfs_rendered"] = [job.key for job in todo]
        self.stats["pdf_pages_rendered"] = sum(infos[job.key].pages for job in todo)
        self.stats["pdf_seconds"] = time.perf_counter() - started
        return []

    def _start_pdfs_in_background(self, jobs: list[PdfJob], partial: Sequence[Path] = ()) -> None:
        """serve: after the pages are shown, make the reviews' print HTML and DOCX where only
        their web pages were made (partial), render the PDFs not in the cache, then rebuild
        (the pages then link to them, and the browser reloads). Until then the pages of the
        reviews concerned show no PDF or Word links."""
        import threading

        if self.background is not None and self.background.is_alive():
            return  # the running one triggers a rebuild when done, which starts the rest
        trigger = self._pdf_trigger()
        full_jobs = [self._job(path) for path in partial]
        assets = AssetFingerprints(self.templates_dir)

        def work() -> None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                make()
            except BrokenProcessPool:
                return  # serve is stopping, and stopped its workers (cli._stop_workers)

        def make() -> None:
            todo = list(jobs)
            for result in map(build_review, full_jobs):
                if result.record is None:
                    log.error("\n".join(result.problems) or ContentErrors(result.errors).report())
                    continue
                self.cache.save_record(result.key, result.record)
                for key, spec in result.record["print"].items():
                    job = PdfJob(f"{result.record['slug']}/{key}", self.cache.get_text(spec["sha"]), spec["forms"], assets.pdf_key(spec))
                    if cached_pdf(self.pdf_cache_dir, job.cache_key) is None:
                        todo.append(job)
            infos, errors, rendered = render_pdfs(todo, self.templates_dir, self.pdf_cache_dir) if todo else ({}, {}, 0)
            for key, message in errors.items():
                log.error(f"PDF rendering failed: {key}: {message}")
            log.info(f"{rendered - len(errors)} PDFs ready; reloading")
            trigger.write_text(str(time.time()))  # watched: mkdocs rebuilds, this time with the PDFs

        log.info(f"{len(jobs)} PDFs {f'and {len(partial)} reviews ' if partial else ''}are being rendered in the background; "
                 "the pages will reload when they are ready")
        self.background = threading.Thread(target=work, name="pdfs", daemon=True)
        self.background.start()

    def _render_web_bodies(self) -> set[Path]:
        """Every review's web bodies for its current PDF infos: from its record, else rendered now.

        Returns the paths of the reviews whose records gained bodies."""
        todo = []
        for path, record in zip(self._paths, self.reviews):
            infos = self._infos_for(record)
            bodies = record["web"].get(_downloads_signature(infos, record))
            if bodies is None or not all(self.cache.has(sha) for sha in bodies.values()):
                todo.append((self._job(path), record, infos))
        changed = set()
        for result in run_jobs(build_web, todo):
            if result.problems or result.errors:
                raise PluginError("\n".join(result.problems) or ContentErrors(result.errors).report())
            self.stats["web_rendered"].append(result.record["slug"])
            index = self._paths.index(result.path)
            self.reviews[index]["web"] = result.record["web"]
            changed.add(result.path)
        return changed

    def _infos_for(self, record: dict) -> dict:
        """What the review's web pages show about its downloads: each output's PDFs (each edition) and
        EPUB (a web-only build made no print HTML: then only the outputs, all without a download)."""
        keys = list(record["print"] or record["titles"])
        if record["print"]:
            keys += [epub_print_key(key) for key in EPUB_OUTPUTS]
        return {key: self.pdf_infos.get(f"{record['slug']}/{key}") for key in keys}

    def _make_epubs(self) -> None:
        """Every review's EPUBs: from the EPUB cache, else made now (after the PDFs: the full report's
        page list follows the standard PDF's pages)."""
        from .epub_files import (
            PAGE_LIST_OUTPUT,
            assets_fingerprint,
            cache_key,
            cached_epub,
        )
        from .incremental import EpubWork, build_epubs

        cache_dir = self.root / self.config.epub_cache_dir
        assets = assets_fingerprint(self.templates_dir)
        work = []
        for path, record in zip(self._paths, self.reviews):
            todo = []
            for output_key in EPUB_OUTPUTS:
                spec = record["print"].get(output_key)
                pdf = self.pdf_infos.get(f"{record['slug']}/{output_key}") if output_key == PAGE_LIST_OUTPUT else None
                if spec is None:
                    continue
                key = cache_key(self.fingerprints.code, assets, record["slug"], spec["sha"], pdf.sha256 if pdf else None)
                info = cached_epub(cache_dir, key)
                if info is None:
                    todo.append((output_key, key, str(pdf.path) if pdf else None))
                else:
                    self.pdf_infos[f"{record['slug']}/{epub_print_key(output_key)}"] = info
            if todo:
                work.append(EpubWork(self._job(path), todo, cache_dir))
        for path, made, problems in run_jobs(build_epubs, work):
            if problems:
                raise PluginError("EPUB: " + "\n".join(problems))
            slug = self.reviews[self._paths.index(path)]["slug"]
            for output_key, info in made.items():
                self.pdf_infos[f"{slug}/{epub_print_key(output_key)}"] = info
            self.stats.setdefault("epubs_made", []).extend(f"{slug}/{key}" for key in made)

    @staticmethod
    def _layout_templates(config) -> set[str]:
        """The templates mkdocs renders itself; every other one is rendered by this plugin."""
        return {"main.html", *(t for t in config.theme.static_templates if t.endswith(".html"))}

    def _template_problems(self, config) -> list[str]:
        return self._checked_once("content", lambda: check_syntax(self.env, self.templates_dir, skip=self._layout_templates(config)))

    def _checked_once(self, part: str, check) -> list[str]:
        """Run a template check only when a template changed since it last passed (compiling them all takes a while)."""
        marker = self.cache.root / "checked" / f"{part}-{self.fingerprints.all_templates}"
        if marker.exists():
            return []
        problems = check()
        if not problems:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("")
        return problems

    def _clean_page(self, html: str) -> str:
        """A Markdown page's HTML through inline.clean_page, remembered (so a build that changes nothing loads no Markdown)."""
        import hashlib

        key = hashlib.sha256(f"{self.fingerprints.code}\n{html}".encode()).hexdigest()
        cached = self.cache.root / "pages" / key
        try:
            raw = cached.read_bytes()
        except OSError:
            raw = b""
        checksum, _, body = raw.partition(b"\n")
        if raw and checksum.decode("ascii", "replace") == hashlib.sha256(body).hexdigest():
            return Markup(body.decode("utf-8"))
        if raw:
            report_damage("cleaned page", cached, "its checksum does not match")
        from .inline import clean_page

        result = clean_page(html)
        body = str(result).encode("utf-8")
        write_atomic(cached, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        return result

    def on_env(self, env, config, files):
        """mkdocs' own templates (main.html, search.html, 404.html) autoescape too, and report their mistakes by file and line."""
        env.autoescape = True
        base = env.template_class

        class ReportingTemplate(base):
            def render(self, *args, **kwargs):
                return _reporting_template_errors(base.render)(self, *args, **kwargs)

        env.template_class = ReportingTemplate
        if env.cache is not None:
            env.cache.clear()  # templates compiled from here on are ReportingTemplates
        env.bytecode_cache = CheckedBytecodeCache(self._jinja_cache("site"))  # compiled templates kept between builds
        if problems := self._checked_once("layout", lambda: check_syntax(env, self.templates_dir, only=self._layout_templates(config))):
            raise PluginError("\n".join(problems))
        return env

    def on_pre_page(self, page, config, files):
        """Reproducible builds: without SOURCE_DATE_EPOCH, mkdocs dates every page
        (sitemap lastmod, sitemap.xml.gz's timestamp) with the day of the build.
        Date each page from the content instead: a review's pages by its publication,
        the others by the newest review. SOURCE_DATE_EPOCH, when set, wins."""
        spec = getattr(self, "pages", {}).get(page.file.src_uri)
        if spec is not None:
            page.render = functools.partial(_render_generated, page, spec.title)
        if "SOURCE_DATE_EPOCH" not in os.environ:
            record = getattr(spec, "record", None)
            if self._newest_date is None:
                self._newest_date = max((r["content_date"] for r in self.reviews if r.get("content_date")), default="")
            page.update_date = (record.get("content_date") if record else None) or self._newest_date or "1970-01-01"
        return page

    def on_files(self, files: Files, config) -> Files:
        self._publish_only_what_is_meant(files, config)
        self.pages: dict[str, SimpleNamespace] = {}
        home = File.generated(config, "index.md", content="# Health review reports\n")
        self._replace(files, home)
        self.pages[home.src_uri] = SimpleNamespace(kind="home", title="Health review reports")
        for record in self.reviews:
            for output in OUTPUTS:
                uri = page_path(record["slug"], output) + "index.md"
                title = record["titles"][output.key]
                file = File.generated(config, uri, content=f"# {title}\n", inclusion=InclusionLevel.NOT_IN_NAV)
                self._replace(files, file)
                self.pages[uri] = SimpleNamespace(kind="output", record=record, output=output, title=title)
        self._add_catalogue(files, config)
        return files

    def _add_catalogue(self, files: Files, config) -> None:
        """The pages across reviews (catalogue_pages.py) and the open data they describe (open_data.py)."""
        from .catalogue_pages import Catalogue, listings, read_theme_names
        from .open_data import atom_feed, data_files, json_ld

        started = time.perf_counter()
        catalogue = self.catalogue = Catalogue(self.reviews, read_theme_names(self._themes_file()))
        self.data_files = {f"data/{name}": data for name, data in
                           data_files(catalogue, self.site_url, config.site_name).items()}
        self.data_files["feed.xml"] = atom_feed(catalogue, self.site_url, config.site_name, config.site_description)
        self.report_json_ld = {}
        for review in catalogue.reviews:
            self.report_json_ld[review["url"]] = json_ld(review, self.site_url)
        self.browse: dict[str, list[SimpleNamespace]] = {"regions": [], "years": []}
        for listing in listings(catalogue):
            first_page = (listing.context.get("pagination") or {}).get("current", 1) == 1
            if listing.context.get("kind") in ("region", "year") and first_page:
                self.browse[listing.context["kind"] + "s"].append(
                    SimpleNamespace(title=listing.title, href=listing.path, reviews=len(listing.context["reviews"])))
            if listing.path == "data/":
                listing.context["files"] = self._data_file_list(catalogue)
                listing.context["themes"] = catalogue.themes
            file = File.generated(config, listing.src_uri, content=f"# {listing.title}\n", inclusion=InclusionLevel.NOT_IN_NAV)
            self._replace(files, file)
            self.pages[listing.src_uri] = SimpleNamespace(kind="listing", listing=listing, title=listing.title)
        self.stats["catalogue_prepare_seconds"] = time.perf_counter() - started

    def _data_file_list(self, catalogue) -> list[SimpleNamespace]:
        from .outputs import size_label

        described = [
            ("recommendations.csv", "Recommendations", "CSV", "one row per recommendation: its review, number, text, the organisations asked to act and their types, its themes, the findings that cite it and its address."),
            ("findings.csv", "Findings", "CSV", "one row per numbered finding: its review, number, section, text, the recommendations it cites and its address."),
            ("reviews.csv", "Reviews", "CSV", "one row per review: title, area, region, dates, counts and the addresses of its pages."),
            ("reviews.json", "Reviews as JSON", "JSON", "the same as reviews.csv, described by the JSON Schema below."),
            ("datapackage.json", "Data package", "JSON", "a Frictionless data package describing the CSV files: each column, its type and meaning, the keys that join them, the themes and the licence."),
            ("reviews.schema.json", "JSON Schema for reviews.json", "JSON", "for checking reviews.json with any JSON Schema validator."),
        ]
        return [SimpleNamespace(name=name, title=title, format=fmt, description=about,
                                size_label=size_label(len(self.data_files[f"data/{name}"])))
                for name, title, fmt, about in described]

    def _scan_sources(self, config) -> tuple[set[str], list[ContentError]]:
        """The files of content/ and templates/ that must not be published (site_files.py), and an error
        for each that should not be there at all; found before anything is built, so they are reported
        with the reviews' problems."""
        from .site_files import docs_file_problem, theme_file_problem

        docs_dir = Path(config.docs_dir)
        sources = {p.resolve() for p in (self.root / self.config.cpd_template, self._organisations_file(), self._themes_file())
                   if p is not None}
        dropped: set[str] = set()
        errors: list[ContentError] = []
        for top in (docs_dir, self.templates_dir):
            for folder, subfolders, names in os.walk(top, followlinks=False):
                for name in sorted(names) + sorted(d for d in subfolders if Path(folder, d).is_symlink()):
                    path = Path(folder) / name
                    if top == docs_dir:
                        problem = docs_file_problem(path.relative_to(docs_dir).as_posix(), path, self.root, docs_dir,
                                                    self.reviews_dir, sources)
                    else:
                        problem = theme_file_problem(path, self.root, self.templates_dir)
                    if problem is not None:
                        dropped.add(os.path.normpath(path))
                        if problem:
                            errors.append(ContentError(path, None, None, problem))
        return dropped, errors

    def _publish_only_what_is_meant(self, files: Files, config) -> None:
        for file in list(files):
            # abspath: with `-f mkdocs.yml` the theme's files come with paths relative to the working folder.
            if file.abs_src_path is not None and os.path.abspath(file.abs_src_path) in self._dropped:
                files.remove(file)

    @staticmethod
    def _replace(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)

    @_safe_page_content
    def on_page_content(self, html, page, config, files):
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return html
        page.meta["generated"] = True
        if spec.kind == "home":
            page.meta["page_title"] = "Health review reports"
            page.meta["scripts"] = ["assets/js/review-filter.js"]
            return self.env.get_template("home.html").render(reviews=self._home_entries(), browse=self.browse)
        if spec.kind == "listing":
            started = time.perf_counter()
            listing = spec.listing
            page.meta["page_title"] = listing.title
            page.meta["breadcrumbs"] = listing.breadcrumbs
            if listing.path == "recommendations/" and self.config.search:
                page.meta["scripts"] = ["assets/js/recommendation-filter.js"]
            html = self.env.get_template(listing.template).render(root=listing.root, **listing.context)
            self.stats["catalogue_render_seconds"] = self.stats.get("catalogue_render_seconds", 0.0) + time.perf_counter() - started
            return html
        record, output = spec.record, spec.output
        page.meta["page_title"] = spec.title
        page.meta["breadcrumbs"] = [{"title": "All reviews", "url": "."}] + (
            [{"title": record["title"], "url": page_path(record["slug"], OUTPUTS[0])}] if output.key != "report" else []
        )
        if output.key == "report":
            page.meta["json_ld"] = Markup(self.report_json_ld.get(page_path(record["slug"], output), ""))
        if output.key == "young-people":
            page.meta["young_people"] = True
        if output.key == "cpd":
            page.meta["scripts"] = ["assets/js/cpd-form.js"] if (self.templates_dir / "assets/js/cpd-form.js").exists() else []
        bodies = record["web"][_downloads_signature(self._infos_for(record), record)]
        return self.cache.get_text(bodies[output.key])

    def _home_entries(self) -> list[SimpleNamespace]:
        entries = []
        for record in sorted(self.reviews, key=lambda r: r["home"]["sort"]):
            entry = {k: v for k, v in record["home"].items() if k != "sort"}
            facts = record["catalogue"]["review"]
            entries.append(
                SimpleNamespace(
                    **entry,
                    region=facts["region"],
                    year=str(facts["year"] or ""),
                    href=page_path(record["slug"], OUTPUTS[0]),
                    outputs=[SimpleNamespace(label=o.label, href=page_path(record["slug"], o)) for o in OUTPUTS],
                )
            )
        return entries

    def on_post_build(self, config):
        site = Path(config.site_dir)
        self.summary = []
        self.action_plan_files = 0
        self.epub_files = 0
        for record in self.reviews:
            if record["docx"]:
                self.cache.copy_into_site(record["docx"]["sha"], site / docx_path(record["slug"]))
            for plan in record.get("action_plans") or []:
                for fmt, spec in plan["files"].items():
                    self.cache.copy_into_site(spec["sha"], site / action_plan_path(record["slug"], plan["stem"], fmt))
                    self.action_plan_files += 1
            for output in OUTPUTS:
                for edition in output.editions:
                    info = self.pdf_infos.get(f"{record['slug']}/{print_key(output, edition)}")
                    if info is None:
                        continue
                    copy_pdf(info, site / pdf_path(record["slug"], output, edition))
                    self.summary.append(SimpleNamespace(slug=record["slug"], output=output, edition=edition, pdf=info))
                epub = self.pdf_infos.get(f"{record['slug']}/{epub_print_key(output.key)}")
                if epub is not None:
                    copy_into_site(epub.path, site / epub_path(record["slug"], output), epub.sha256)
                    self.epub_files += 1
        started = time.perf_counter()
        for name, data in self.data_files.items():
            write_atomic(site / name, data)
        if self.config.search:
            from . import recommendation_index

            recommendation_index.install(recommendation_index.index_files(self.catalogue), site)
        self.stats["catalogue_write_seconds"] = time.perf_counter() - started
        self._index_search(config)
        self.cache.remember_checked()
        self._served_once = True
        self._write_stats()

    def _write_stats(self) -> None:
        """For bench/run.py and the tests: what this build rendered (REVIEWPRESS_BUILD_STATS=path.json)."""
        target = os.environ.get("REVIEWPRESS_BUILD_STATS")
        if target:
            Path(target).write_text(json.dumps(self.stats, indent=1))

    def _index_search_in_background(self, site: Path, cache_dir: Path) -> None:
        """serve: the previous index now (searching finds the last version of the changed pages), the new one when Pagefind is done."""
        import threading

        install_index(self._last_index, site)
        pages = self.page_digest

        def work() -> None:
            try:
                cached = ensure_index(cache_dir, pages)
            except SearchIndexError as exc:
                log.error(f"Search index: {exc}")
                return
            self._last_index = cached
            if site.is_dir():  # still the served folder (mkdocs serve builds into the same one)
                install_index(cached, site)
            log.info("Search index updated")

        threading.Thread(target=work, name="search-index", daemon=True).start()

    def on_post_page(self, output, page, config):
        self.page_digest.add(page.url, output)
        self._write_only_if_changed(output, page, config)
        return output

    def _published_pages(self, config):
        """The record of the pages this build writes (incremental.PublishedFiles), made at its first page;
        None in serve (which builds into its own folder) and when no older site is being replaced."""
        if getattr(self, "_pages_published_for", None) != config.site_dir:
            from .incremental import PublishedFiles, previous_site

            previous = None if getattr(self, "command", "build") == "serve" else previous_site(Path(config.site_dir))
            self._pages_published = PublishedFiles(self.cache.root / "site-pages.json", previous)
            self._pages_published_for = config.site_dir
        return self._pages_published

    def _write_only_if_changed(self, output: str, page, config) -> None:
        """A page whose bytes are those the site being replaced holds is linked from it (PublishedFiles),
        and mkdocs, which writes every page, writes this one to os.devnull instead."""
        import hashlib

        published = self._published_pages(config)
        if published.previous is None or not output.strip():
            return
        sha = hashlib.sha256(output.encode("utf-8", errors="xmlcharrefreplace")).hexdigest()  # the bytes mkdocs writes
        destination = page.file.abs_dest_path
        if published.reuse(page.file.dest_uri, sha, destination):
            page.file.abs_dest_path = os.devnull
        else:
            published.will_write(page.file.dest_uri, sha, destination)

    def _index_search(self, config) -> None:
        published = self._published_pages(config)
        if published.previous is not None:
            published.save()  # every page is written by now
            self.stats["pages_linked"] = published.linked
        if not self.config.search:
            return
        cache_dir = self.root / self.config.search_cache_dir
        if getattr(self, "command", "build") == "serve" and self._last_index is not None and not cached_index(cache_dir, self.page_digest):
            self._index_search_in_background(Path(config.site_dir), cache_dir)
            return
        from .incremental import PublishedFiles

        search_files = PublishedFiles(cache_dir / "site-files.json", published.previous)
        try:
            index, seconds = build_index(Path(config.site_dir), cache_dir, self.page_digest, search_files)
        except SearchIndexError as exc:
            raise PluginError(f"Search index: {exc}") from None
        if search_files.previous is not None:
            search_files.save()
        shards, built = len(index.shards), index.built
        self._last_index = index
        self.stats["search_seconds"] = seconds
        self.stats["search_reused"] = built == 0
        self.stats["search_shards_indexed"] = built
        self.stats["search_files_linked"] = search_files.linked
        log.info(f"Search index: {built} of {shards} shards indexed, the rest reused, in {seconds:.1f} s")

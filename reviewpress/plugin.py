"""The mkdocs plugin: every review YAML becomes four pages and four PDFs.

mkdocs is the site engine (`mkdocs build` and `mkdocs serve` work on their own);
this plugin adds the review pages to its file list, replaces their bodies with
the rendered content templates, and copies the PDFs next to them.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from types import SimpleNamespace

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from markupsafe import Markup

from .context import OUTPUTS, docx_path, long_date, page_path, pdf_path, ordinal_date
from .docx_export import DocxInfo, cpd_document
from .errors import ContentError, ContentErrors
from .inline import clean_page, plain
from .integrity import check_review
from .loading import SourcedReview, load_reviews
from .model import CpdQuestion, check_cpd_questions
from .pdf import PdfJob, copy_pdf, render_pdfs
from .search import PageDigest, SearchIndexError, build_index
from .template_errors import check_syntax, describe as describe_template_error
from .rendering import pdf_title, render_content, render_print_document, template_environment

log = get_plugin_logger(__name__)


class ReviewPluginConfig(base.Config):
    reviews_dir = c.Type(str, default="content/reviews")
    cpd_template = c.Type(str, default="content/cpd-template.yaml")
    templates_dir = c.Type(str, default="templates")
    cache_dir = c.Type(str, default=".cache/pdf")
    pdfs = c.Type(bool, default=True)
    search = c.Type(bool, default=True)  # the Pagefind index (reviewpress/search.py)
    search_cache_dir = c.Type(str, default=".cache/search")


def read_cpd_questions(path: Path) -> list[CpdQuestion]:
    from pydantic import TypeAdapter

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return check_cpd_questions(TypeAdapter(list[CpdQuestion]).validate_python(data))
    except (OSError, yaml.YAMLError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise ContentErrors([ContentError(path, None, None, f"is not a valid list of CPD questions: {exc}")]) from None


def load_content(reviews_dir: Path, cpd_template: Path | None = None) -> tuple[list[SourcedReview], list[str], list[CpdQuestion]]:
    """Every review validated and cross-checked, and the standard CPD questions;
    or ContentErrors listing every problem in every file, all together."""
    reviews, errors = load_reviews(reviews_dir)
    warnings: list[str] = []
    for item in reviews:
        item_errors, item_warnings = check_review(item)
        errors += item_errors
        warnings += item_warnings
        errors += readability_errors(item, warnings)
    cpd_questions: list[CpdQuestion] = []
    if cpd_template is not None:
        try:
            cpd_questions = read_cpd_questions(cpd_template)
        except ContentErrors as exc:
            errors += exc.errors
    if errors:
        raise ContentErrors(errors)
    return reviews, warnings, cpd_questions


def load_and_check(reviews_dir: Path) -> tuple[list[SourcedReview], list[str]]:
    """Every review validated and cross-checked, or ContentErrors listing every problem."""
    reviews, warnings, _ = load_content(reviews_dir)
    return reviews, warnings


def readability_errors(item: SourcedReview, warnings: list[str]) -> list[ContentError]:
    try:
        from .readability import score_summary
    except ImportError:
        return []
    report = score_summary(item.review.young_people)
    warnings.extend(f"{item.path.name}: young_people: {w}" for w in report.warnings)
    return [item.error(("young_people",), problem) for problem in report.problems]


def _content_date(reviews) -> str | None:
    """The newest date printed in these reviews (publication, else end of the visit), as YYYY-MM-DD."""
    dates = []
    for review in reviews:
        m = review.metadata
        dates += [d for d in (m.publication_date, m.review_dates.end if m.review_dates else None) if d]
    return max(dates).isoformat() if dates else None


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
        return clean_page(result)

    return wrapper


class ReviewPlugin(BasePlugin[ReviewPluginConfig]):
    def on_config(self, config):
        root = Path(config.config_file_path).parent
        self.root = root
        self.reviews_dir = root / self.config.reviews_dir
        self.templates_dir = root / self.config.templates_dir
        self.env = template_environment(self.templates_dir)
        self.summary: list[SimpleNamespace] = []
        self.warnings: list[str] = []
        self.rendered_pdfs = 0
        self.page_digest = PageDigest()
        return config

    def on_pre_build(self, config):
        started = time.perf_counter()
        try:
            self.reviews, self.warnings, self.cpd_defaults = load_content(self.reviews_dir, self.root / self.config.cpd_template)
        except ContentErrors as exc:
            raise PluginError(exc.report() + "".join(f"\n- {p}" for p in self._template_problems(config))) from None
        if problems := self._template_problems(config):
            raise PluginError("\n".join(problems))
        for warning in self.warnings:
            log.info(f"warning: {warning}")
        self.pdf_infos = {}
        self.docx_files = {
            item.review.slug: cpd_document(item.review, item.review.cpd_questions or self.cpd_defaults)
            for item in self.reviews
        }
        if self.config.pdfs:
            self._render_pdfs()
        log.info(f"Checked {len(self.reviews)} reviews and prepared PDFs in {time.perf_counter() - started:.1f} s")

    @_reporting_template_errors
    def _render_pdfs(self) -> None:
        jobs = [
            PdfJob(f"{item.review.slug}/{output.key}", render_print_document(self.env, item.review, output.key, self.cpd_defaults), output.key == "cpd")
            for item in self.reviews
            for output in OUTPUTS
        ]

        def progress(done: int, total: int, key: str) -> None:
            log.info(f"PDF {done}/{total}: {key}")

        infos, errors, rendered = render_pdfs(jobs, self.templates_dir, self.root / self.config.cache_dir, progress=progress)
        if errors:
            raise PluginError("PDF rendering failed:\n" + "\n".join(f"- {key}: {message}" for key, message in errors.items()))
        self.pdf_infos = infos
        self.rendered_pdfs = rendered

    @staticmethod
    def _layout_templates(config) -> set[str]:
        """The templates mkdocs renders itself; every other one is rendered by this plugin."""
        return {"main.html", *(t for t in config.theme.static_templates if t.endswith(".html"))}

    def _template_problems(self, config) -> list[str]:
        return check_syntax(self.env, self.templates_dir, skip=self._layout_templates(config))

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
        if problems := check_syntax(env, self.templates_dir, only=self._layout_templates(config)):
            raise PluginError("\n".join(problems))
        return env

    def on_pre_page(self, page, config, files):
        """Reproducible builds: without SOURCE_DATE_EPOCH, mkdocs dates every page
        (sitemap lastmod, sitemap.xml.gz's timestamp) with the day of the build.
        Date each page from the content instead: a review's pages by its publication,
        the others by the newest review. SOURCE_DATE_EPOCH, when set, wins."""
        if "SOURCE_DATE_EPOCH" not in os.environ:
            spec = getattr(self, "pages", {}).get(page.file.src_uri)
            review = getattr(spec, "review", None)
            page.update_date = (_content_date([review]) if review else None) or _content_date(
                [item.review for item in self.reviews]) or "1970-01-01"
        return page

    def on_files(self, files: Files, config) -> Files:
        self.pages: dict[str, SimpleNamespace] = {}
        home = File.generated(config, "index.md", content="# Health review reports\n")
        self._replace(files, home)
        self.pages[home.src_uri] = SimpleNamespace(kind="home")
        for item in self.reviews:
            review = item.review
            for output in OUTPUTS:
                uri = page_path(review.slug, output) + "index.md"
                title = pdf_title(review, output.key)
                file = File.generated(config, uri, content=f"# {title}\n", inclusion=InclusionLevel.NOT_IN_NAV)
                self._replace(files, file)
                self.pages[uri] = SimpleNamespace(kind="output", review=review, output=output, title=title)
        return files

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
            return self.env.get_template("home.html").render(reviews=self._home_entries())
        review, output = spec.review, spec.output
        page.meta["page_title"] = spec.title
        page.meta["breadcrumbs"] = [{"title": "All reviews", "url": "."}] + (
            [{"title": plain(review.title), "url": page_path(review.slug, OUTPUTS[0])}] if output.key != "report" else []
        )
        if output.key == "young-people":
            page.meta["young_people"] = True
        if output.key == "cpd":
            page.meta["scripts"] = ["assets/js/cpd-form.js"] if (self.templates_dir / "assets/js/cpd-form.js").exists() else []
        pdf_info = {o.key: self.pdf_infos.get(f"{review.slug}/{o.key}") for o in OUTPUTS}
        docx_info = DocxInfo(len(self.docx_files[review.slug])) if review.slug in self.docx_files else None
        return str(render_content(self.env, review, output.key, "web", self.cpd_defaults, pdf_info, docx_info))

    def _home_entries(self) -> list[SimpleNamespace]:
        entries = []
        for item in sorted(self.reviews, key=lambda i: (i.review.kind != "national-report", plain(i.review.title))):
            review = item.review
            m = review.metadata
            entries.append(
                SimpleNamespace(
                    title=plain(review.title),
                    short_name=review.area or plain(review.title),
                    href=page_path(review.slug, OUTPUTS[0]),
                    area=review.area,
                    review_dates=f"{long_date(m.review_dates.start)} to {long_date(m.review_dates.end)}" if m.review_dates else None,
                    publication=long_date(m.publication_date) if m.publication_date else m.publication_month,
                    outputs=[
                        SimpleNamespace(label=o.label, href=page_path(review.slug, o)) for o in OUTPUTS
                    ],
                )
            )
        return entries

    def on_post_build(self, config):
        site = Path(config.site_dir)
        self.summary = []
        for item in self.reviews:
            docx_file = site / docx_path(item.review.slug)
            docx_file.parent.mkdir(parents=True, exist_ok=True)
            docx_file.write_bytes(self.docx_files[item.review.slug])
            for output in OUTPUTS:
                info = self.pdf_infos.get(f"{item.review.slug}/{output.key}")
                if info is None:
                    continue
                copy_pdf(info, site / pdf_path(item.review.slug, output))
                self.summary.append(SimpleNamespace(slug=item.review.slug, output=output, pdf=info))
        self._index_search(config)

    def on_post_page(self, output, page, config):
        self.page_digest.add(page.url, output)
        return output

    def _index_search(self, config) -> None:
        if not self.config.search:
            return
        try:
            reused, seconds = build_index(Path(config.site_dir), self.root / self.config.search_cache_dir, self.page_digest)
        except SearchIndexError as exc:
            raise PluginError(f"Search index: {exc}") from None
        log.info(f"Search index {'reused' if reused else 'built'} in {seconds:.1f} s")

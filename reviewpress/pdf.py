"""Stage 4 (print): HTML documents become tagged PDF/UA-1 files with WeasyPrint.

PDFs are the slow part of a build, so each one is cached under a key made of
its HTML and every file that HTML references (pdf.css and what it imports,
the fonts), and the ones that must be rendered run in parallel, one process
per document.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .outputs import size_label
from .store import copy_into_site, read_info, write_with_info


class _Pikepdf:
    """pikepdf, imported on first use: a build whose PDFs all come from the cache never loads it."""

    def __getattr__(self, name):
        import pikepdf as module

        globals()["pikepdf"] = module
        return getattr(module, name)


if TYPE_CHECKING:
    import pikepdf
else:
    pikepdf = _Pikepdf()

PDF_OPTIONS = dict(pdf_variant="pdf/ua-1", custom_metadata=True)
# Bump when what render_pdf_bytes does to WeasyPrint's output changes, so cached PDFs are remade.
POSTPROCESS_VERSION = "8"


@dataclass(frozen=True)
class PdfJob:
    key: str  # e.g. "bedford/report"
    html: str
    forms: bool
    cache_key: str = ""  # pdf_cache_key(); computed from html when empty


@dataclass(frozen=True)
class PdfInfo:
    path: Path
    pages: int
    size: int
    sha256: str | None = None

    @property
    def size_label(self) -> str:
        return size_label(self.size)


class PdfRenderError(Exception):
    pass


class _ErrorCollector(logging.Handler):
    """WeasyPrint logs problems (missing alt text, unknown options, ignored CSS) instead of raising."""

    def __init__(self, level: int = logging.ERROR) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # At DEBUG only the font loader's failures matter (they name the file; the WARNING does not).
        if record.levelno >= logging.WARNING or message.startswith("Failed to load font"):
            self.messages.append(message)


def _struct_elements(root: pikepdf.Object) -> list[pikepdf.Object]:
    """Every structure element reachable from the structure tree root through /K, in order."""
    found: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        kid = stack.pop()
        if isinstance(kid, pikepdf.Array):
            stack.extend(reversed(list(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
            if kid.is_indirect:
                if kid.objgen in seen:
                    continue
                seen.add(kid.objgen)
            found.append(kid)
            stack.append(kid.get("/K"))
    return found


def _definition_list_items(pdf: pikepdf.Pdf) -> None:
    """Make each term and its definitions one list item: L > LI > (Lbl, LBody).

    A <dl> whose terms and definitions are grouped in <div>s (as HTML allows)
    comes out of WeasyPrint as L > Div > (LI > LBody, LI > LBody), and PDF/UA
    allows only LI (and L, Caption) in an L. The Div becomes the LI, the term's
    LBody its Lbl, and each definition's LBody stays an LBody. Marked content is
    untouched: only elements are renamed and moved.
    """
    for element in _struct_elements(pdf.Root.StructTreeRoot):
        if element.get("/S") != pikepdf.Name.L or not isinstance(element.get("/K"), pikepdf.Array):
            continue
        for group in element.K:
            if not isinstance(group, pikepdf.Dictionary) or group.get("/S") != pikepdf.Name.Div:
                continue
            items = list(group.K) if isinstance(group.get("/K"), pikepdf.Array) else []
            bodies: list[pikepdf.Object] = []
            for item in items:
                content = item.get("/K") if isinstance(item, pikepdf.Dictionary) else None
                kids = list(content) if isinstance(content, pikepdf.Array) else [content]
                if item.get("/S") != pikepdf.Name.LI or len(kids) != 1 or not isinstance(kids[0], pikepdf.Dictionary) \
                        or kids[0].get("/S") != pikepdf.Name.LBody:
                    bodies = []
                    break
                bodies.append(kids[0])
            if not bodies:
                continue
            if len(bodies) > 1:  # a term and its definitions (a group split over two pages leaves one part in each)
                bodies[0].S = pikepdf.Name.Lbl
            for body in bodies:
                body.P = group
            group.S = pikepdf.Name.LI
            group.K = pikepdf.Array(bodies)


def _scope_table_headers(pdf: pikepdf.Pdf) -> None:
    """Give every TH a /Scope attribute (Column in a header row, Row beside data cells).

    WeasyPrint links data cells to their headers with /Headers and /ID only;
    some checkers (and some assistive technology) look for /Scope.
    """
    for element in _struct_elements(pdf.Root.StructTreeRoot):
        if element.get("/S") != pikepdf.Name.TH:
            continue
        row = element.get("/P")
        if not isinstance(row, pikepdf.Dictionary):
            continue
        section = row.get("/P")
        content = row.get("/K")
        kids = list(content) if isinstance(content, pikepdf.Array) else [content]
        has_data = any(isinstance(k, pikepdf.Dictionary) and k.get("/S") == pikepdf.Name.TD for k in kids)
        in_head = isinstance(section, pikepdf.Dictionary) and section.get("/S") == pikepdf.Name.THead
        scope = pikepdf.Name.Row if has_data and not in_head else pikepdf.Name.Column
        attributes = element.get("/A")
        owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
        table = next((a for a in owners if isinstance(a, pikepdf.Dictionary) and a.get("/O") == pikepdf.Name.Table), None)
        if table is not None:
            table.Scope = scope
        elif isinstance(attributes, pikepdf.Array):
            attributes.append(pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope))
        else:
            element.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)


def render_pdf_bytes(html: str, base_url: str, forms: bool) -> bytes:
    from weasyprint import HTML

    from .pdf_tags import observe_tags, reshape

    collector = _ErrorCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        options = dict(PDF_OPTIONS, pdf_forms=forms)
        source = HTML(string=html, base_url=base_url)
        document = source.render(**options)
        with observe_tags(source.etree_element) as seen:  # what each structure element was made for
            raw = document.write_pdf(**options)
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise PdfRenderError("; ".join(dict.fromkeys(collector.messages)))
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        # One tag tree for the document (not one per page), one Link per link, described in words,
        # leader dots, running heads and page numbers as artifacts (pdf_tags explains each step).
        reshape(pdf, seen)
        if forms:
            from .pdf_forms import name_fields

            name_fields(pdf, html)  # /TU exactly as the labels read (WeasyPrint drops line-break spaces)
        _scope_table_headers(pdf)
        _definition_list_items(pdf)
        out = io.BytesIO()
        # Fixed /ID and no timestamps keep builds byte-identical (reproducible).
        pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _render_job(args: tuple[PdfJob, str, str]) -> tuple[str, str | None]:
    job, base_url, target = args
    try:
        data = render_pdf_bytes(job.html, base_url, job.forms)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
    except Exception as exc:  # reported with the job's name by the caller
        return job.key, f"{type(exc).__name__}: {exc}"
    write_with_info(Path(target), data, pages=pages)
    return job.key, None


# --- the PDF cache ---------------------------------------------------------------------
#
# A PDF is cached under a key made of its HTML (which holds the rendered content),
# every file that HTML references (pdf.css, what it @imports, the fonts), the
# rendering options, the post-processing version and the WeasyPrint and pikepdf
# versions. Nothing else: main.html or search.html do not shape a PDF. Beside
# each PDF, <key>.json holds its page count and size, so reusing one opens nothing.

_HTML_REF = re.compile(r"""<(?:link|img|script|source|object|embed|image)\b[^>]*?\b(?:href|src|data)\s*=\s*["']([^"'#]+)""", re.I)
_CSS_REF = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)|url\(\s*["']?([^"')]+?)["']?\s*\)""", re.I)


def _local(ref: str) -> bool:
    return bool(ref) and ":" not in ref.split("/", 1)[0] and not ref.startswith(("//", "#"))


_STYLE = re.compile(r"""<style\b[^>]*>(.*?)</style>|\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I | re.S)


def referenced_files(html: str) -> list[str]:
    """The local files an HTML document pulls in (stylesheets, images), as written in its markup.

    Only tags, <style> blocks and style="" attributes count: text that merely reads like CSS
    ("url(/dev/zero)" in a paragraph) is not a reference, and is never opened."""
    refs = {m.group(1).strip() for m in _HTML_REF.finditer(html)}
    for style in _STYLE.finditer(html):
        css = next(g for g in style.groups() if g is not None)
        refs |= {m.group(1) or m.group(2) for m in _CSS_REF.finditer(css)}
    return sorted(r for r in refs if _local(r))


def assets_fingerprint(templates_dir: Path, refs) -> str:
    """A hash of the files refs name (relative to templates/) and of everything those stylesheets reference."""
    from urllib.parse import unquote

    root = templates_dir.resolve()
    digest = hashlib.sha256()
    todo = [(root / unquote(ref)).resolve() for ref in refs]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if not path.is_relative_to(root):
            data = b"<outside the templates>"  # never read: the print layout may use only the project's own files
        elif not path.is_file():
            data = b"<missing or not a file>"
        else:
            try:
                data = path.read_bytes()
            except OSError:
                data = b"<missing>"
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        digest.update(f"{name}\0".encode() + data + b"\0")
        if path.suffix == ".css":
            for m in _CSS_REF.finditer(data.decode("utf-8", "replace")):
                ref = (m.group(1) or m.group(2)).split("#")[0].split("?")[0]
                if _local(ref):
                    todo.append((path.parent / unquote(ref)).resolve())
    return digest.hexdigest()


_versions: dict[str, str] = {}


def _renderer_version() -> str:
    if not _versions:
        from importlib.metadata import version

        _versions["v"] = f"weasyprint {version('weasyprint')}, pikepdf {version('pikepdf')}"
    return _versions["v"]


def pdf_cache_key(html_sha: str, forms: bool, assets: str) -> str:
    digest = hashlib.sha256()
    for part in (repr(sorted(PDF_OPTIONS.items())), str(forms), POSTPROCESS_VERSION, _renderer_version(), assets, html_sha):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:32]


def job_cache_key(job: PdfJob, templates_dir: Path) -> str:
    """The cache key of a job that carries its HTML."""
    html_sha = hashlib.sha256(job.html.encode("utf-8")).hexdigest()
    return pdf_cache_key(html_sha, job.forms, assets_fingerprint(templates_dir, referenced_files(job.html)))


def cached_pdf(cache_dir: Path, key: str) -> PdfInfo | None:
    """The cached PDF for a key, if it is there and intact (store.read_info); None if it must be rendered (again)."""
    path = cache_dir / f"{key}.pdf"
    info = read_info(path, "cached PDF")
    if info is None or not isinstance(info.get("pages"), int):
        return None
    return PdfInfo(path, info["pages"], info["size"], info["sha256"])


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def render_pdfs(jobs: list[PdfJob], templates_dir: Path, cache_dir: Path, workers: int | None = None,
                progress=None) -> tuple[dict[str, PdfInfo], dict[str, str], int]:
    """Render (or reuse from the cache) every job's PDF, in parallel across the machine's cores.

    Returns PDF info by job key, errors by job key, and how many were rendered.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    base_url = templates_dir.resolve().as_uri() + "/"
    keys = {job.key: job.cache_key or job_cache_key(job, templates_dir) for job in jobs}
    infos: dict[str, PdfInfo] = {}
    todo = []
    for job in jobs:
        info = cached_pdf(cache_dir, keys[job.key])
        if info is None:
            todo.append(job)
        else:
            infos[job.key] = info
    errors: dict[str, str] = {}
    if todo:
        workers = workers or min(len(todo), os.cpu_count() or 1)
        args = [(job, base_url, str(cache_dir / f"{keys[job.key]}.pdf")) for job in todo]
        if workers == 1:
            results = map(_render_job, args)
            for done, (key, error) in enumerate(results, 1):
                if error:
                    errors[key] = error
                if progress:
                    progress(done, len(todo), key)
        else:
            from .workers import process_pool

            with process_pool(workers) as pool:
                for done, (key, error) in enumerate(pool.map(_render_job, args), 1):
                    if error:
                        errors[key] = error
                    if progress:
                        progress(done, len(todo), key)
    for job in todo:
        if job.key not in errors:
            info = cached_pdf(cache_dir, keys[job.key])
            if info is None:  # written a moment ago, so only a failing disk gets here
                errors[job.key] = "the PDF just rendered cannot be read back from the cache"
            else:
                infos[job.key] = info
    return infos, errors, len(todo)


def copy_pdf(info: PdfInfo, destination: Path) -> None:
    """The site's own copy of a cached PDF, checked against its checksum (store.copy_into_site)."""
    copy_into_site(info.path, destination, info.sha256)


_IMPORT_RULE = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)["']?\s*\)?[^;]*;""", re.I)


def print_asset_problems(templates_dir: Path, refs) -> list[str]:
    """What is wrong with the files the print layout names (refs, relative to templates/) and the
    stylesheets they import, as messages naming the file: a file that is missing or outside
    templates/, and whatever WeasyPrint would ignore in a stylesheet, or a font it cannot load
    (WeasyPrint only warns, and every PDF silently changes). Each stylesheet is read on its own,
    its @imports left out, so a message names the file that holds the mistake."""
    from urllib.parse import unquote

    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    root = templates_dir.resolve()
    problems: list[str] = []
    todo = [(root / unquote(ref)).resolve() for ref in refs]
    seen: set[Path] = set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        shown = f"{templates_dir.name}/{path.relative_to(root)}" if path.is_relative_to(root) else str(path)
        if not path.is_relative_to(root):
            problems.append(f"{shown}: is outside {templates_dir.name}/; the print layout may use only the project's own files")
            continue
        if not path.is_file():
            problems.append(f"{shown}: the print layout uses this file, but it does not exist")
            continue
        if path.suffix != ".css":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        todo += [(path.parent / unquote(m.group(1))).resolve() for m in _IMPORT_RULE.finditer(text)]
        # The imports' lines are blanked rather than removed, so WeasyPrint's line numbers stay this file's.
        own = _IMPORT_RULE.sub(lambda m: " " * len(m.group(0)), text)
        collector = _ErrorCollector(logging.DEBUG)
        logger = logging.getLogger("weasyprint")
        level = logger.level
        logger.addHandler(collector)
        logger.setLevel(logging.DEBUG)
        try:
            CSS(string=own, base_url=path.as_uri(), font_config=FontConfiguration())
        except Exception as exc:
            collector.messages.append(f"cannot be read as CSS: {exc}")
        finally:
            logger.removeHandler(collector)
            logger.setLevel(level)
        problems += [f"{shown}: {message}" for message in dict.fromkeys(collector.messages) if not message.startswith("Step ")]
    return problems

"""Stage 4 (print): HTML documents become tagged PDF/UA-1 files with WeasyPrint.

PDFs are the slow part of a build, so each one is cached under a key made of
its HTML and every file of templates/ (CSS, fonts), and the ones that must be
rendered run in parallel, one process per document.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pikepdf

PDF_OPTIONS = dict(pdf_variant="pdf/ua-1", custom_metadata=True)


@dataclass(frozen=True)
class PdfJob:
    key: str  # e.g. "bedford/report"
    html: str
    forms: bool


@dataclass(frozen=True)
class PdfInfo:
    path: Path
    pages: int
    size: int

    @property
    def size_label(self) -> str:
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"


class PdfRenderError(Exception):
    pass


class _ErrorCollector(logging.Handler):
    """WeasyPrint logs problems (missing alt text, unknown options) instead of raising."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _artifact_untagged_content(pdf: pikepdf.Pdf) -> None:
    """Mark running headers and page numbers as artifacts.

    WeasyPrint tags page-margin boxes as Spans whose parents are never linked
    into the structure tree (Kozea/WeasyPrint#1836). PDF/UA wants such page
    furniture out of the tag tree, as /Artifact marked content.
    """
    root = pdf.Root.StructTreeRoot
    parent_tree = root.get("/ParentTree")
    if parent_tree is None:
        return
    nums = parent_tree.Nums
    tree_root = root.objgen

    def in_tree(element) -> bool:
        seen = 0
        while isinstance(element, pikepdf.Dictionary) and seen < 200:
            if element.objgen == tree_root:
                return True
            element = element.get("/P")
            seen += 1
        return False

    parents_by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parents_by_key:
            continue
        parents = parents_by_key[int(key)]
        if not isinstance(parents, pikepdf.Array):
            continue
        orphans = {mcid for mcid, element in enumerate(parents) if not in_tree(element)}
        if not orphans:
            continue
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
                mcid = operands[1].get("/MCID")
                if mcid is not None and int(mcid) in orphans:
                    operands = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
            instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        for mcid in orphans:
            parents[mcid] = pikepdf.Object.parse(b"null") if hasattr(pikepdf.Object, "parse") else None


def render_pdf_bytes(html: str, base_url: str, forms: bool) -> bytes:
    from weasyprint import HTML

    collector = _ErrorCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        options = dict(PDF_OPTIONS, pdf_forms=forms)
        document = HTML(string=html, base_url=base_url).render(**options)
        raw = document.write_pdf(**options)
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise PdfRenderError("; ".join(dict.fromkeys(collector.messages)))
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        _artifact_untagged_content(pdf)
        out = io.BytesIO()
        # Fixed /ID and no timestamps keep builds byte-identical (reproducible).
        pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _render_job(args: tuple[PdfJob, str, str]) -> tuple[str, str | None]:
    job, base_url, target = args
    try:
        data = render_pdf_bytes(job.html, base_url, job.forms)
    except Exception as exc:  # reported with the job's name by the caller
        return job.key, f"{type(exc).__name__}: {exc}"
    tmp = Path(target + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return job.key, None


def templates_fingerprint(templates_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in templates_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(templates_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(job: PdfJob, fingerprint: str) -> str:
    digest = hashlib.sha256()
    for part in (fingerprint, str(job.forms), repr(sorted(PDF_OPTIONS.items())), job.html):
        digest.update(part.encode())
    return digest.hexdigest()[:32]


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def render_pdfs(jobs: list[PdfJob], templates_dir: Path, cache_dir: Path, workers: int | None = None,
                progress=None) -> tuple[dict[str, PdfInfo], dict[str, str], int]:
    """Render (or reuse from the cache) every job's PDF.

    Returns PDF info by job key, errors by job key, and how many were rendered.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = templates_fingerprint(templates_dir)
    base_url = templates_dir.resolve().as_uri() + "/"
    targets = {job.key: cache_dir / f"{cache_key(job, fingerprint)}.pdf" for job in jobs}
    todo = [job for job in jobs if not targets[job.key].exists()]
    errors: dict[str, str] = {}
    if todo:
        workers = workers or min(len(todo), os.cpu_count() or 1)
        args = [(job, base_url, str(targets[job.key])) for job in todo]
        if workers == 1:
            results = map(_render_job, args)
            for done, (key, error) in enumerate(results, 1):
                if error:
                    errors[key] = error
                if progress:
                    progress(done, len(todo), key)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for done, (key, error) in enumerate(pool.map(_render_job, args), 1):
                    if error:
                        errors[key] = error
                    if progress:
                        progress(done, len(todo), key)
    infos = {
        job.key: PdfInfo(targets[job.key], page_count(targets[job.key]), targets[job.key].stat().st_size)
        for job in jobs
        if job.key not in errors
    }
    return infos, errors, len(todo)


def copy_pdf(info: PdfInfo, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(info.path, destination)

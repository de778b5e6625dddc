"""The EPUB files of a build: made after the PDFs (the full report's page list follows the standard
PDF's pages), cached like them, and checked when read (store.py).

A review's EPUBs are cached under a key of everything they are made from: the output's print HTML
(which holds the rendered content), the standard PDF for the page list, the code, and the EPUB's
own templates and the fonts it embeds. A build that changes nothing makes none; `--no-pdf`
previews make none.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .outputs import size_label
from .store import read_info, write_with_info

EPUB_OUTPUTS = ("report", "recommendations", "young-people")
PAGE_LIST_OUTPUT = "report"


@dataclass(frozen=True)
class EpubInfo:
    path: Path
    size: int
    sha256: str
    pages: int = 0  # an e-book has no pages of its own (the page-info signature reads this)

    @property
    def size_label(self) -> str:
        return size_label(self.size)


def epub_print_key(output_key: str) -> str:
    """How the record's infos name an output's EPUB, beside its PDFs ("report", "report.large-print")."""
    return f"{output_key}.epub"


def assets_fingerprint(templates_dir: Path) -> str:
    digest = hashlib.sha256()
    for folder in ("epub", "assets/fonts"):
        for path in sorted((templates_dir / folder).rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(templates_dir)}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(code: str, assets: str, slug: str, html_sha: str, pdf_sha: str | None) -> str:
    """The slug too: two reviews can print the same HTML, and an EPUB's identifier is made from its slug."""
    return hashlib.sha256(f"{code}\n{assets}\n{slug}\n{html_sha}\n{pdf_sha or ''}".encode()).hexdigest()[:32]


def cached_epub(cache_dir: Path, key: str) -> EpubInfo | None:
    path = cache_dir / f"{key}.epub"
    info = read_info(path, "cached EPUB")
    return None if info is None else EpubInfo(path, info["size"], info["sha256"])


def store_epub(cache_dir: Path, key: str, data: bytes) -> EpubInfo:
    path = cache_dir / f"{key}.epub"
    info = write_with_info(path, data)
    return EpubInfo(path, info["size"], info["sha256"])

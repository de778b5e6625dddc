"""The printed pages look finished: no page but the last is left nearly blank, and
text runs on from page to page as in a book.

A reader who opens a PDF to a first page holding only a title, or meets a blank
page mid-report, takes the file for broken; a page left a third empty because the
next paragraph was moved whole looks like the end of a chapter. How full a page is
gets measured from the rendered page (poppler's pdftoppm), as a reader sees it: the
lowest ink in the body area, between the running head and the page number. Only a
page before a new chapter (its heading, an h1 or h2, first on the next page) and the
cover may end well short of the foot; what starts a page is read from the PDF's
bookmarks (made from the headings) and the page's own text (pdftotext).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from reviewpress.context import OUTPUTS, pdf_path  # noqa: F401
from reviewpress.outputs import every_pdf_path
from reviewpress.pdf import render_pdf_bytes

from .browser import require_command
from .conftest import ROOT, review_slugs

PDFS = [path for slug in review_slugs() for path in every_pdf_path(slug)]  # large print too
BASE_URL = (ROOT / "templates").as_uri() + "/"
# A4 with 22 mm top and 24 mm bottom margins: the body runs from 7.5% to 91.5% of the page height.
BODY_TOP, BODY_BOTTOM = 22 / 297, 1 - 24 / 297
# A cover with only a title and a line or two under it fills under a sixth of the body; the
# shortest deliberate page here (the national report's cover, title, lede and date) fills about a fifth.
LEAST_FILL = 0.15
# Running text fills a page to within a few lines of its foot; what cannot be split (a table row,
# a heading kept with its first lines, a short box) may leave a few more. Under this, something
# was moved whole that should have run on.
RUNNING_FILL = 0.60
CHAPTER_LEVEL = 2  # h1 and h2: the report's title and its parts


def page_fill(path: Path) -> list[float]:
    """Per page, the share of the body area's height down to its lowest ink (0 for a blank page)."""
    require_command("pdftoppm", "poppler-utils")
    fills = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "24", "-gray", "-png", str(path), f"{folder}/page"], check=True, timeout=300)
        for png in sorted(Path(folder).glob("page*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            image = Image.open(png).convert("L")
            width, height = image.size
            top, bottom = int(height * BODY_TOP), int(height * BODY_BOTTOM)
            ink = image.crop((0, top, width, bottom)).point(lambda value: 255 if value < 200 else 0).getbbox()
            fills.append((ink[3] - 1) / (bottom - top) if ink else 0.0)
    return fills


def nearly_blank_pages(path: Path) -> list[str]:
    fills = page_fill(path)
    return [f"page {number} of {len(fills)} is {fill:.0%} filled" for number, fill in enumerate(fills[:-1], 1) if fill < LEAST_FILL]


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", text).split()).casefold()


def chapter_starts(path: Path) -> set[int]:
    """The pages (numbered from 1) whose body begins with a chapter's heading: an h1 or h2 bookmark
    on the page, and the page's text below the running head beginning with that heading's words."""
    headings: dict[int, list[str]] = {}
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
        height = float(pdf.pages[0].mediabox[3])
        width = float(pdf.pages[0].mediabox[2])
        stack = [(item, 1) for item in pdf.open_outline().root]
        while stack:
            item, level = stack.pop()
            stack.extend((child, level + 1) for child in item.children)
            destination = item.destination
            if level <= CHAPTER_LEVEL and isinstance(destination, pikepdf.Array) and len(destination):
                headings.setdefault(pages.get(destination[0].objgen, 0), []).append(_words(item.title))
    starts = set()
    for number, titles in headings.items():
        top, bottom = round(height * BODY_TOP), round(height * BODY_BOTTOM)
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-x", "0", "-y", str(top),
                               "-W", str(round(width)), "-H", str(bottom - top), str(path), "-"],
                              check=True, capture_output=True, text=True, timeout=60).stdout
        first = _words(text)
        if any(title and first.startswith(title[:60]) for title in titles):
            starts.add(number)
    return starts


def unevenly_broken_pages(path: Path) -> list[str]:
    """Pages other than the cover and the last that end well short of the foot, where no chapter follows."""
    fills = page_fill(path)
    short = [number for number, fill in enumerate(fills[:-1], 1) if number > 1 and fill < RUNNING_FILL]
    if not short:
        return []
    starts = chapter_starts(path)
    return [f"page {number} of {len(fills)} is {fills[number - 1]:.0%} filled, and page {number + 1} does not start a chapter"
            for number in short if number + 1 not in starts]


@pytest.mark.parametrize("path", PDFS)
def test_no_page_but_the_last_is_nearly_blank(built_site, path):
    problems = nearly_blank_pages(built_site / path)
    assert not problems, f"{path}: " + "; ".join(problems)


@pytest.mark.parametrize("path", PDFS)
def test_text_runs_on_to_the_foot_of_each_page(built_site, path):
    problems = unevenly_broken_pages(built_site / path)
    assert not problems, f"{path}: " + "; ".join(problems)


_DOCUMENT = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Layout test</title>
<link rel="stylesheet" href="assets/css/pdf.css"></head><body><main><h1>A title alone</h1>{body}</main></body></html>"""
_CONTENTS = '<nav class="contents"><h2>Contents</h2><ol class="contents-list"><li>Summary</li><li>Findings</li></ol></nav>'
_METADATA = '<dl class="metadata"><dt>Published</dt><dd>July 2016</dd></dl>'
_FULL_METADATA = '<dl class="metadata metadata-full"><dt>Published</dt><dd>July 2016</dd></dl>'


def _pdf(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "layout.pdf"
    path.write_bytes(render_pdf_bytes(_DOCUMENT.format(body=body), BASE_URL, forms=False))
    return path


def test_a_title_alone_on_a_page_is_found(tmp_path):
    problems = nearly_blank_pages(_pdf(tmp_path, '<p style="break-before: page">The report begins.</p><p style="break-before: page">End.</p>'))
    assert problems and problems[0].startswith("page 1 of 3"), problems


def test_the_contents_share_a_cover_that_has_no_metadata(tmp_path):
    assert len(page_fill(_pdf(tmp_path, _CONTENTS + "<h2>Summary</h2><p>Text.</p>"))) == 2
    # A date alone under the title (the national report's cover) still leaves room for them;
    assert len(page_fill(_pdf(tmp_path, _METADATA + _CONTENTS + "<h2>Summary</h2><p>Text.</p>"))) == 2
    # with a full metadata list on the cover, the contents start a page of their own.
    assert len(page_fill(_pdf(tmp_path, _FULL_METADATA + _CONTENTS + "<h2>Summary</h2><p>Text.</p>"))) == 3

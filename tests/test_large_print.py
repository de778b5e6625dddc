"""Issue 19: a large-print PDF of every review's full report, recommendations and key points for
young people, made at build time so nobody has to ask for one.

Measured in the files themselves: the text a reader reads is set at 18 pt or more (RNIB's clear
print guidance) and nothing is under 16 pt; the document has the same tags, bookmarks, language
and title as the standard PDF. (Every large-print PDF also goes through the PDF accessibility and
page-layout tests, which list it with the other PDFs.)
"""

from __future__ import annotations

import collections
import re

import pikepdf
import pytest

from reviewpress.outputs import EDITION_BY_KEY, OUTPUTS, pdf_path

from .conftest import review_slugs
from .html_tools import resolve

LARGE = EDITION_BY_KEY["large-print"]
CASES = [(slug, output) for slug in review_slugs() for output in OUTPUTS if output.large_print]


def text_sizes(path) -> collections.Counter:
    """Characters shown, by font size in points (the Tf size times the scale of the current matrix)."""
    counts: collections.Counter = collections.Counter()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            stack, scale, size, artifact = [], 1.0, None, []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "q":
                    stack.append(scale)
                elif op == "Q":
                    scale = stack.pop() if stack else 1.0
                elif op == "cm":
                    scale *= abs(float(operands[3]))
                elif op in ("BDC", "BMC"):
                    artifact.append(str(operands[0]) == "/Artifact")
                elif op == "EMC" and artifact:
                    artifact.pop()
                elif op == "Tf":
                    size = float(operands[1])
                elif op in ("Tj", "TJ") and size and not any(artifact):
                    parts = operands[0] if op == "TJ" else [operands[0]]
                    counts[round(size * scale, 1)] += sum(len(bytes(p)) for p in parts if isinstance(p, pikepdf.String))
    return counts


def _outline(pdf) -> list[str]:
    with pdf.open_outline() as outline:
        titles = []
        todo = list(outline.root)
        while todo:
            item = todo.pop(0)
            titles.append(item.title)
            todo[:0] = list(item.children)
        return titles


@pytest.mark.parametrize("slug,output", CASES, ids=lambda v: getattr(v, "key", v))
def test_large_print_text_is_18_point_and_nothing_under_16(built_site, slug, output):
    sizes = text_sizes(built_site / pdf_path(slug, output, LARGE))
    body, _ = sizes.most_common(1)[0]
    assert body >= 18, f"body text is {body} pt"
    small = {size: count for size, count in sizes.items() if size < 16}
    assert not small, f"text under 16 pt: {small}"
    standard_body, _ = text_sizes(built_site / pdf_path(slug, output)).most_common(1)[0]
    assert standard_body < body, "the standard PDF is the one in ordinary print"


@pytest.mark.parametrize("slug,output", CASES, ids=lambda v: getattr(v, "key", v))
def test_large_print_has_the_structure_of_the_standard_pdf(built_site, slug, output):
    with pikepdf.open(built_site / pdf_path(slug, output)) as standard, pikepdf.open(built_site / pdf_path(slug, output, LARGE)) as large:
        assert str(large.docinfo["/Title"]) == f"{standard.docinfo['/Title']} (large print)"
        assert str(large.Root.Lang) == str(standard.Root.Lang) == "en-GB"
        assert large.Root.MarkInfo.Marked and "/StructTreeRoot" in large.Root
        with large.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
        assert _outline(large) == _outline(standard), "the same bookmarks"
        assert len(large.pages) > len(standard.pages)


@pytest.mark.parametrize("slug,output", CASES, ids=lambda v: getattr(v, "key", v))
def test_each_page_offers_its_large_print_pdf_beside_the_pdf(built_site, slug, output):
    page = built_site / f"reviews/{slug}/{output.path}index.html"
    html = page.read_text(encoding="utf-8")
    found = re.search(r'Download the [^:<]+:</p>\s*<ul class="download-list">\s*<li><a href="([^"]+\.pdf)" download>PDF'
                      r'<span class="visually-hidden">[^<]*</span> <span class="file-info">\([^)]+\)</span></a></li>\s*'
                      r'<li><a href="([^"]+-large-print\.pdf)" download>large print PDF<span class="visually-hidden"> of the [^<]+</span> '
                      r'<span class="file-info">\(([\d.]+ [KM]B), (\d+) pages\)', html)
    assert found, f"{page}: no large print link beside the PDF"
    target, _ = resolve(built_site, page, found.group(2))
    assert target == built_site / pdf_path(slug, output, LARGE)
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == int(found.group(4))

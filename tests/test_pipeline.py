"""The publishing pipeline end to end (issue 2): what a reader and a member of
publication staff would notice if it broke."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from reviewpress.context import OUTPUTS, pdf_path
from reviewpress.loading import read_review
from reviewpress.model import KeyRecommendationsBlock, iter_blocks, iter_findings
from reviewpress.schema_export import (
    ORGANISATIONS_SCHEMA_LINE,
    ORGANISATIONS_SCHEMA_PATH,
    SCHEMA_LINE,
    SCHEMA_PATH,
    organisations_json_schema,
    review_json_schema,
)

from .conftest import REVIEWS_DIR, ROOT, review_slugs
from .html_tools import parse, resolve

SLUGS = review_slugs()


def test_bedford_file_validates_and_holds_the_whole_report():
    review = read_review(REVIEWS_DIR / "bedford.yaml").review
    findings = [f for _, f in iter_findings(review)]
    assert len(findings) == 105  # source-reports.md: Bedford has 105 numbered findings
    assert sum(len(g.items) for g in review.recommendations) == 36
    assert review.metadata.review_dates is not None and review.metadata.publication_date is not None


@pytest.mark.parametrize("slug", SLUGS)
def test_review_files_start_with_the_schema_line(slug):
    first_line = (REVIEWS_DIR / f"{slug}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == SCHEMA_LINE


def test_exported_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == review_json_schema(), "run `python build.py schema`"
    assert ORGANISATIONS_SCHEMA_PATH.read_text(encoding="utf-8") == organisations_json_schema(), "run `python build.py schema`"
    organisations = ROOT / "content" / "organisations.yaml"
    assert organisations.read_text(encoding="utf-8").splitlines()[0] == ORGANISATIONS_SCHEMA_LINE


@pytest.mark.parametrize("slug", SLUGS)
def test_every_output_page_and_pdf_is_built(built_site, slug):
    for output in OUTPUTS:
        assert (built_site / f"reviews/{slug}/{output.path}index.html").is_file()
        assert (built_site / pdf_path(slug, output)).is_file()


def test_home_page_lists_every_review_with_all_four_outputs(built_site):
    page = parse(built_site / "index.html")
    hrefs = {link.href for link in page.links}
    for slug in SLUGS:
        for output in OUTPUTS:
            assert f"reviews/{slug}/{output.path}" in hrefs


@pytest.mark.parametrize("slug", SLUGS)
def test_recommendations_link_both_ways(built_site, reviews, slug):
    review = reviews[slug]
    report_file = built_site / f"reviews/{slug}/index.html"
    recs_file = built_site / f"reviews/{slug}/recommendations/index.html"
    report, recs = parse(report_file), parse(recs_file)
    findings = {f.number: f for _, f in iter_findings(review)}
    for number in findings:
        assert f"para-{number.replace('.', '-')}" in report.ids, f"paragraph {number} has no anchor"
    for group in review.recommendations:
        for rec in group.items:
            anchor = f"rec-{rec.number.replace('.', '-')}"
            assert anchor in report.ids and anchor in recs.ids, f"recommendation {rec.number} missing"
            citing = [n for n, f in findings.items() if rec.number in f.recommendations]
            # Each citing finding links to the recommendation in the report ...
            links_to_rec = [l for l in report.links if l.href == f"#{anchor}"]
            assert len(links_to_rec) >= len(citing)
            # ... and the recommendations list links back to every one of them.
            back = {resolve(built_site, recs_file, l.href) for l in recs.links}
            for number in citing:
                assert (report_file, f"para-{number.replace('.', '-')}") in back
    # The national report's key recommendations: "Recommendation 3" is an anchor on both pages too.
    for _, block in iter_blocks(review):
        if isinstance(block, KeyRecommendationsBlock):
            for key in block.key_recommendations:
                anchor = f"rec-{key.number.replace('.', '-')}"
                assert anchor in report.ids and anchor in recs.ids, f"key recommendation {key.number} has no anchor {anchor}"


def test_every_internal_link_on_every_page_resolves(built_site):
    broken = []
    for page_file in sorted(built_site.rglob("*.html")):
        for link in parse(page_file).links:
            if link.href.startswith(("mailto:", "tel:")):
                continue
            target, fragment = resolve(built_site, page_file, link.href)
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{page_file.relative_to(built_site)} -> {link.href} (no file)")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{page_file.relative_to(built_site)} -> {link.href} (no anchor)")
    assert not broken, "\n".join(broken[:20])


def _download_link(page_file: Path):
    text = page_file.read_text(encoding="utf-8")
    match = re.search(r'Download the [^<:]+:</p>\s*<ul class="download-list">\s*<li><a href="([^"]+\.pdf)" download>PDF'
                      r'<span class="visually-hidden"> of the [^<]+</span> <span class="file-info">\(([\d.]+ [KM]B), (\d+) pages?\)', text)
    assert match, f"{page_file} has no GOV.UK-style PDF download link"
    return match.group(1), match.group(2), int(match.group(3))


@pytest.mark.parametrize("slug", SLUGS)
def test_pdfs_are_tagged_titled_bookmarked_and_their_links_tell_the_truth(built_site, slug):
    for output in OUTPUTS:
        page_file = built_site / f"reviews/{slug}/{output.path}index.html"
        href, size_label, pages = _download_link(page_file)
        pdf_file, _ = resolve(built_site, page_file, href)
        with pikepdf.open(pdf_file) as pdf:
            assert len(pdf.pages) == pages, f"{pdf_file.name}: link says {pages} pages"
            root = pdf.Root
            assert "/StructTreeRoot" in root and root.MarkInfo.Marked
            assert str(root.Lang) == "en-GB"
            assert root.ViewerPreferences.DisplayDocTitle
            title = str(pdf.docinfo.get("/Title", ""))
            assert title and title in page_file.read_text(encoding="utf-8").replace("&amp;", "&").replace("&#39;", "'")
            with pdf.open_metadata() as meta:
                assert meta.get("pdfuaid:part") == "1"
            if output.key == "report":
                assert "/Outlines" in root and root.Outlines.get("/First") is not None
        size = pdf_file.stat().st_size
        shown = float(size_label.split()[0]) * (1024 if size_label.endswith("KB") else 1024 * 1024)
        assert abs(shown - size) <= max(1024, size * 0.06)


def test_pdf_page_furniture_is_an_artifact(built_site):
    """Running header and 'Page X of Y' must not be read out as content."""
    pdf_file = built_site / pdf_path("bedford", OUTPUTS[0])
    with pikepdf.open(pdf_file) as pdf:
        page = pdf.pages[1]
        artifacts, text_in_artifacts = 0, False
        depth_artifact = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                depth_artifact.append(str(operands[0]) == "/Artifact")
                artifacts += depth_artifact[-1]
            elif op == "EMC":
                depth_artifact.pop()
            elif op in ("Tj", "TJ") and depth_artifact and depth_artifact[-1]:
                text_in_artifacts = True
        assert artifacts >= 2 and text_in_artifacts


def test_mkdocs_build_alone_builds_the_site(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/reviews/bedford/index.html").is_file()
    assert (tmp_path / "site" / pdf_path("bedford", OUTPUTS[0])).is_file()

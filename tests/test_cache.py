"""The build cache, checked by what a build renders (counts, never times).

A scratch project with two reviews (Bedford and a copy of it under another
slug) and its own empty cache:
- a build after no change renders nothing (no review, no PDF);
- editing one review renders that review again, and exactly its 4 PDFs (its title is in all
  four), or only its full report's PDF (a paragraph of the report);
- a change to the PDF stylesheet re-renders every PDF but no review;
- a change to main.html (web pages only) re-renders no PDF and no review.
The timing targets are checked by bench/run.py, not here.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reviewpress.cli import build_site
from reviewpress.outputs import every_pdf_path

from .projects import copy_project

ROOT = Path(__file__).resolve().parent.parent
PDFS_A_REVIEW = len(every_pdf_path("x"))  # each output's PDF, and the large-print editions


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("cache-project"), reviews=["bedford"], link_code=True)
    source = (root / "content/reviews/bedford.yaml").read_text(encoding="utf-8")
    copy = re.sub(r"^slug: bedford$", "slug: bedford-copy", source, count=1, flags=re.M)
    (root / "content/reviews/bedford-copy.yaml").write_text(copy, encoding="utf-8")
    return root


def build(project: Path) -> dict:
    stats = project / "stats.json"
    os.environ["REVIEWPRESS_BUILD_STATS"] = str(stats)
    try:
        assert build_site(project / "mkdocs.yml", site_dir=project / "site", quiet=True) == 0
    finally:
        del os.environ["REVIEWPRESS_BUILD_STATS"]
    return json.loads(stats.read_text())


def test_cache_renders_only_what_changed(project: Path):
    cold = build(project)
    assert sorted(cold["reviews_rendered"]) == ["bedford", "bedford-copy"]
    assert len(cold["pdfs_rendered"]) == 2 * PDFS_A_REVIEW

    again = build(project)
    assert again["reviews_rendered"] == [] and again["web_rendered"] == []
    assert again["pdfs_rendered"] == [] and not again.get("epubs_made")
    assert again["search_reused"]
    assert len(list((project / "site/reviews").rglob("*.pdf"))) == 2 * PDFS_A_REVIEW
    assert len(list((project / "site/reviews").rglob("*.epub"))) == 2 * 3

    review = project / "content/reviews/bedford-copy.yaml"
    text = review.read_text(encoding="utf-8")
    review.write_text(re.sub(r"^(title: .*)$", r"\1 (copy)", text, count=1, flags=re.M), encoding="utf-8")
    edited = build(project)  # the title is in all four outputs
    assert edited["reviews_rendered"] == ["bedford-copy"]
    assert sorted(edited["pdfs_rendered"]) == [f"bedford-copy/{k}" for k in (
        "cpd", "recommendations", "recommendations.large-print", "report", "report.large-print", "young-people",
        "young-people.large-print")]
    assert not edited["search_reused"]
    assert "Bedford Borough (copy)" in (project / "site/reviews/bedford-copy/index.html").read_text(encoding="utf-8")

    review.write_text(review.read_text(encoding="utf-8").replace(
        "In total, we took into account the experiences of 93 children",
        "In total, we took into account the experiences of 94 children", 1), encoding="utf-8")
    paragraph = build(project)  # a paragraph of the full report only
    assert paragraph["reviews_rendered"] == ["bedford-copy"]
    assert paragraph["pdfs_rendered"] == ["bedford-copy/report", "bedford-copy/report.large-print"]

    stylesheet = project / "templates/assets/css/pdf.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    restyled = build(project)
    assert restyled["reviews_rendered"] == []
    assert len(restyled["pdfs_rendered"]) == 2 * PDFS_A_REVIEW  # pdf-large-print.css imports pdf.css

    layout = project / "templates/main.html"
    layout.write_text(layout.read_text(encoding="utf-8").replace("</footer>", "</footer>\n<!-- changed -->", 1), encoding="utf-8")
    relaid = build(project)
    assert relaid["reviews_rendered"] == [] and relaid["pdfs_rendered"] == []
    assert "<!-- changed -->" in (project / "site/reviews/bedford/index.html").read_text(encoding="utf-8")


def test_a_web_only_build_makes_no_downloads_and_the_next_full_build_makes_them(project_copy: Path):
    """`build --no-pdf` (quick previews) makes neither PDFs nor the Word file, and its pages offer neither;
    the cache then must not hand its Word-less record to a full build."""
    # mkdocs.yml watches reviewpress/: project_copy gives an empty folder for it
    for other in (project_copy / "content/reviews").glob("*.yaml"):
        if other.name != "bedford.yaml":
            other.unlink()
    site = project_copy / "site"
    assert build_site(project_copy / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True) == 0
    # (The open data in site/data/ is part of the web pages: made by every build.)
    assert not [p.name for p in (site / "reviews").rglob("*") if p.suffix in (".pdf", ".docx", ".epub", ".xlsx", ".csv")]
    assert (site / "data/recommendations.csv").is_file()
    cpd_page = (site / "reviews/bedford/cpd/index.html").read_text(encoding="utf-8")
    assert 'href="../bedford' not in cpd_page and ".docx" not in cpd_page
    for page in site.glob("reviews/bedford/**/index.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'href="[^"]+\.(pdf|epub|xlsx|docx|csv)"', html), f"{page} links a download a web-only build did not make"

    assert build_site(project_copy / "mkdocs.yml", site_dir=site, quiet=True) == 0
    assert (site / "reviews/bedford/bedford-cpd-reflection.docx").stat().st_size > 10_000
    made = {p.suffix for p in (site / "reviews/bedford").iterdir() if p.is_file() and p.suffix != ".html"}
    assert made == {".pdf", ".docx", ".epub", ".xlsx", ".csv"}, "the full build makes every download"
    cpd_page = (site / "reviews/bedford/cpd/index.html").read_text(encoding="utf-8")
    assert 'href="../bedford-cpd-reflection.docx"' in cpd_page

"""What a reader sees on a phone: layouts measured in the browser at 320 px (issue 15)."""

from __future__ import annotations

import pytest

from .conftest import review_slugs

NARROW = 320

# For each reference: the width of the cell holding its title (the child of the list item the <strong>
# is in, or the <strong> itself) against the list's; and its height, as lines of text.
_REFERENCE_WIDTHS = """() => [...document.querySelectorAll('ol.reference-list > li')].map(li => {
  const list = li.parentElement.getBoundingClientRect().width;
  const cells = [...li.querySelectorAll('strong')].map(title => {
    let cell = title;
    while (cell.parentElement !== li) cell = cell.parentElement;
    return cell.getBoundingClientRect().width;
  });
  return {id: li.id, list, narrowest: cells.length ? Math.min(...cells) : null};
})"""

# The markup before the fix: the reference's text straight in the grid item, so that each piece of
# it (plain text, the <strong> title) became a grid cell of its own.
_PUT_THE_DEFECT_BACK = """() => document.querySelectorAll('.reference-text').forEach(span => span.replaceWith(...span.childNodes))"""


def reference_problems(rows: list[dict]) -> list[str]:
    return [f"{row['id']}: its title sits in a box {row['narrowest']:.0f} px wide, in a list {row['list']:.0f} px wide"
            for row in rows if row["narrowest"] is not None and row["narrowest"] < 0.6 * row["list"]]


def _reports_with_references() -> list[str]:
    from reviewpress.loading import read_reviews

    from .conftest import REVIEWS_DIR

    return [item.review.slug for item in read_reviews(REVIEWS_DIR) if item.review.references]


@pytest.mark.parametrize("slug", _reports_with_references() or ["(none)"])
def test_each_reference_reads_as_one_row_on_a_phone(browser_session, slug):
    assert slug in review_slugs(), "no review has references: this test checks nothing"
    with browser_session.page(f"reviews/{slug}/", width=NARROW) as page:
        rows = page.evaluate(_REFERENCE_WIDTHS)
        assert sum(row["narrowest"] is not None for row in rows) > 10, "too few references with a title to measure"
        assert reference_problems(rows) == []
        page.evaluate(_PUT_THE_DEFECT_BACK)
        assert reference_problems(page.evaluate(_REFERENCE_WIDTHS)), "the check does not find the old layout"


@pytest.mark.parametrize("slug", review_slugs())
def test_each_part_of_a_full_report_ends_with_a_way_back_to_the_contents(built_site, reviews, slug):
    """Long reports (Bedford is about 40,000 px tall at 1280 px) keep the contents within reach: after each
    top-level section of the report, a "Back to contents" link to the contents list (GOV.UK's pattern)."""
    html = (built_site / "reviews" / slug / "index.html").read_text(encoding="utf-8")
    assert 'id="contents-title"' in html
    back = '<p class="back-to-contents" data-not-source><a href="#contents-title">Back to contents</a></p>'
    assert html.count(back) == len(reviews[slug].sections)
    parts = html.split(back)
    assert all("<h2 " in part for part in parts[1:-1]), "two links with no section between them"


def pdf_text(pdf, cover_only: bool = False) -> str:
    """The PDF's text as pdftotext reads it (page 1 only, for a cover)."""
    import subprocess

    pages = ["-f", "1", "-l", "1"] if cover_only else []
    return subprocess.run(["pdftotext", *pages, "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True, timeout=120).stdout


def cover_problems(pdf) -> list[str]:
    """A cover names the publisher and carries no page number."""
    text = pdf_text(pdf, cover_only=True)
    problems = []
    if "Care Quality Commission" not in text:
        problems.append("the cover does not name the publisher")
    if "Page 1 of" in text:
        problems.append("the cover carries a page number")
    return problems


def _every_pdf() -> list[str]:
    from reviewpress.outputs import every_pdf_path

    return [path for slug in review_slugs() for path in every_pdf_path(slug)]


@pytest.mark.parametrize("path", _every_pdf())
def test_every_pdf_cover_names_the_publisher_and_has_no_page_number(built_site, path):
    assert cover_problems(built_site / path) == []


def test_the_cover_check_finds_a_numbered_cover_without_the_publisher(tmp_path):
    from reviewpress.pdf import render_pdf_bytes

    from .conftest import ROOT

    html = ('<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>T</title>'
            '<style>@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); } }</style>'
            '</head><body><main><h1>A report</h1></main></body></html>')
    pdf = tmp_path / "cover.pdf"
    pdf.write_bytes(render_pdf_bytes(html, (ROOT / "templates").as_uri() + "/", forms=False))
    assert cover_problems(pdf) == ["the cover does not name the publisher", "the cover carries a page number"]


@pytest.mark.parametrize("slug", review_slugs())
def test_every_box_on_a_recommendations_page_is_headed_by_what_it_is(built_site, reviews, slug):
    """The national report's chapter boxes stand together on its recommendations page: each names its
    chapter, not only "Recommendations" (issue 15); in the full report, inside its chapter, it needs not."""
    import re

    from reviewpress.inline import plain

    html = (built_site / "reviews" / slug / "recommendations" / "index.html").read_text(encoding="utf-8")
    titles = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<div class="practice-recommendations"[^>]*>\s*<h\d class="box-title">(.*?)</h\d>', html, re.S)]
    chapters = {plain(s.title) for s in reviews[slug].sections}
    for title in titles:
        named = title.removeprefix("Recommendations: ")
        assert named != title and any(named.endswith(c.replace("'", "&#39;")) or named.endswith(c) for c in chapters), title
    groups = re.findall(r'<div class="recommendation-group"[^>]*>\s*<h\d class="recommendation-lead-in">(.*?)</h\d>', html, re.S)
    assert len(groups) == len(reviews[slug].recommendations)


@pytest.mark.parametrize("slug", review_slugs())
def test_a_recommendations_cover_says_when_the_report_was_published(built_site, reviews, slug):
    """A list of recommendations passed round on its own must say which report, and of when."""
    import re

    from reviewpress.context import long_date
    from reviewpress.outputs import every_pdf_path

    metadata = reviews[slug].metadata
    publication = long_date(metadata.publication_date) if metadata and metadata.publication_date else metadata and metadata.publication_month
    expected = f"Report published {publication}" if publication else "The report does not print its publication date"
    for path in every_pdf_path(slug):
        if "recommendations" in path:
            cover = re.sub(r"\s+", " ", pdf_text(built_site / path, cover_only=True))
            assert expected in cover, f"{path}: the cover does not say {expected!r}"


@pytest.mark.parametrize("slug", review_slugs())
def test_every_box_in_a_report_says_what_kind_of_box_it_is(built_site, slug):
    """The bar's colour tells a case study from a checklist; words must say so too (WCAG 1.4.1), and a
    box the report printed without a label still gets one, so every report's boxes read alike."""
    import lxml.html

    page = lxml.html.parse(str(built_site / "reviews" / slug / "index.html")).getroot()
    unnamed = []
    for box in page.xpath('//main//div[contains(concat(" ", @class, " "), " box ") or @class="case-example"]'):
        first = box.xpath("./*[1]")[0]
        label = first.text_content().strip()
        if "box-label" not in first.get("class", "") and not (
                "box-title" in first.get("class", "") and "example" in label.lower()):
            unnamed.append(box.get("id") or label[:40])
    assert not unnamed, f"{slug}: boxes that do not say what they are: {unnamed[:5]}"


def test_a_printed_list_keeps_the_numbers_the_report_printed(built_site):
    """BaNES's box "Case examples 3 and 4" holds a list numbered 3 and 4 (<ol start="3">), which
    WeasyPrint would print as 1 and 2."""
    import re

    text = re.sub(r"\s+", " ", pdf_text(built_site / "reviews/banes/banes-full-report.pdf"))
    assert "3. A child of six years" in text and "4. A child aged eight" in text


@pytest.mark.parametrize("path", _every_pdf())
def test_no_pdf_prints_markup_as_text(built_site, path):
    """Content that lost its Markup on the way to the print layout is escaped: every tag of the page
    is then printed as text (it happened once, to every PDF, in a change that only post-processed
    the print HTML)."""
    text = pdf_text(built_site / path)
    leaked = [marker for marker in ("</p>", "</div>", 'class="', "<article") if marker in text]
    assert not leaked, f"{path} prints markup as text: {leaked}"

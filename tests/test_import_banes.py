"""Bath and North East Somerset, the review the importer had never seen, as published (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import yaml

from reviewpress.model import (
    Review,
    cited_recommendations,
    iter_texts,
    unreadable_citations,
)
from reviewpress.organisations import read_organisations

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / "content" / "reviews" / "banes.yaml"
SOURCE = ROOT.parent / "shared" / "seeds" / "banes.txt"


def _review() -> Review:
    return Review.model_validate(yaml.safe_load(REVIEW.read_text(encoding="utf-8")))


def _findings(review: Review):
    def walk(sections):
        for section in sections:
            for block in section.blocks:
                if hasattr(block, "finding"):
                    yield block.finding
            yield from walk(section.sections)

    return list(walk(review.sections))


def test_every_citation_is_readable_and_points_to_a_recommendation():
    review = _review()
    numbers = {item.number for group in review.recommendations for item in group.items}
    cited = [number for finding in _findings(review) for number in cited_recommendations(finding.text)]
    assert len(cited) == 38 and set(cited) == numbers - {"5.5"}  # 5.5 is cited by no finding, as printed
    assert "2.1" in cited_recommendations("(Recommendation to 2.1).")  # printed so in finding 1.10
    assert [text for _, text in iter_texts(review) if unreadable_citations(text)] == []


def test_errors_in_the_source_are_kept_as_printed():
    text = REVIEW.read_text(encoding="utf-8")
    source = " ".join(SOURCE.read_text(encoding="utf-8").split())  # extraction's runs of spaces are one space
    for printed in ("communicatiuon", "(Recommendation to 2.1)", "mother’s to be", "(Recommendations 3.2, 5.3, 6.3)"):
        assert printed in text and printed in source


def test_its_structure_as_printed():
    review = _review()
    assert len(_findings(review)) == 72
    boxes = [block.case_example for section in review.sections for sub in section.sections for block in sub.blocks
             if hasattr(block, "case_example")]  # fmt: skip
    assert [box.label for box in boxes] == ["Practice example 1", "Case example 2", "Case examples 3 and 4"] + [
        f"Case example {n}" for n in (5, 6, 7)] + ["Case Example 8"] + [f"Case example {n}" for n in (9, 10, 11, 12, 13)]
    listed = boxes[2].blocks[0].p
    assert listed.startswith("3. A child of six years") and "\n4. A child aged eight" in listed
    context = next(section for section in review.sections if section.title == "Context of the review")
    assert sum(1 for block in context.blocks if hasattr(block, "p")) == 18
    assert [item for block in context.blocks if hasattr(block, "bullets") for item in block.bullets][0] == (
        "Princess Anne Wing, Royal United Hospital")
    assert sum(len(group.items) for group in review.recommendations) == 36


def test_its_organisations_resolve_through_the_organisations_list():
    review = _review()
    directory = read_organisations(ROOT / "content" / "organisations.yaml")
    names = [name for group in review.recommendations for name in group.organisations] + review.next_steps.required_from
    assert review.next_steps.required_from == ["Bath and North East Somerset CCG"]
    assert all(directory.resolve(name, "banes") for name in names), [n for n in names if not directory.resolve(n, "banes")]


def test_every_citation_is_a_link_on_the_page(built_site):
    page = lxml.html.document_fromstring((built_site / "reviews" / "banes" / "index.html").read_text(encoding="utf-8"))
    links = [a.get("href") for a in page.xpath("//main//a[starts-with(@href, '#rec-')]")]
    assert len(links) == 38
    ids = set(page.xpath("//@id"))
    assert all(href[1:] in ids for href in links)
    assert "#rec-2-1" in links and re.search(r"Recommendation to", page.text_content())

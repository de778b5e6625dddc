"""Checks across a whole review that a schema cannot express: every cited
recommendation exists, no number is used twice, every key point's evidence exists."""

from __future__ import annotations

import re

from .errors import ContentError
from .loading import SourcedReview
from .model import (
    KeyRecommendationsBlock,
    PracticeRecommendationsBlock,
    RepeatRecommendationsBlock,
    Section,
    iter_blocks,
    iter_findings,
)

FOOTNOTE_MARKER = re.compile(r"\[\^([a-z]{1,2})\]")
REFERENCE_MARKER = re.compile(r"\[ref ([\d,\s]+)\]")


def _twice(what: str, number: str, first_line: int | None) -> str:
    where = f" (first on line {first_line})" if first_line else ""
    return f"{what} number {number} is used twice{where}; each {what} needs its own number"


def section_titles(sections: list[Section]) -> set[str]:
    titles: set[str] = set()
    for section in sections:
        titles.add(section.title)
        titles |= section_titles(section.sections)
    return titles


def check_review(item: SourcedReview) -> tuple[list[ContentError], list[str]]:
    """Errors that stop the build, and warnings worth printing."""
    review = item.review
    errors: list[ContentError] = []
    warnings: list[str] = []

    recommendations: dict[str, tuple] = {}
    for g, group in enumerate(review.recommendations):
        for i, rec in enumerate(group.items):
            loc = ("recommendations", g, "items", i, "number")
            if rec.number in recommendations:
                errors.append(item.error(loc, _twice("recommendation", rec.number, item.line(recommendations[rec.number]))))
            recommendations[rec.number] = loc
            if not rec.number.startswith(f"{group.number}."):
                errors.append(item.error(loc, f"recommendation {rec.number} is in group {group.number}; expected {group.number}.N"))
    for loc, block in iter_blocks(review):
        if isinstance(block, KeyRecommendationsBlock):
            for i, key in enumerate(block.key_recommendations):
                here = loc + ("key_recommendations", i, "number")
                if key.number in recommendations:
                    errors.append(item.error(here, _twice("recommendation", key.number, item.line(recommendations[key.number]))))
                recommendations[key.number] = here

    findings: dict[str, tuple] = {}
    cited: set[str] = set()
    for loc, finding in iter_findings(review):
        if finding.number in findings:
            errors.append(item.error(loc + ("number",), _twice("paragraph", finding.number, item.line(findings[finding.number]))))
        findings[finding.number] = loc + ("number",)
        for number in finding.recommendations:
            cited.add(number)
            if number not in recommendations:
                errors.append(
                    item.error(loc + ("text",), f"paragraph {finding.number} cites recommendation {number}, which does not exist")
                )
    for number in recommendations:
        if review.recommendations and number not in cited and "." in number:
            warnings.append(f"{item.path.name}: recommendation {number} is not cited by any finding")

    footnote_ids = {f.id for f in review.footnotes}
    reference_numbers = {r.number for r in review.references}
    block_ids: set[str] = set()
    for loc, block in iter_blocks(review):
        if isinstance(block, PracticeRecommendationsBlock):
            if block.recommendations_block.id in block_ids:
                errors.append(item.error(loc + ("recommendations_block", "id"), f'id "{block.recommendations_block.id}" is used twice'))
            block_ids.add(block.recommendations_block.id)
    used_footnotes: set[str] = set()
    for loc, block in iter_blocks(review):
        if isinstance(block, RepeatRecommendationsBlock):
            for i, ref in enumerate(block.repeat_recommendations.blocks):
                if ref not in block_ids:
                    errors.append(item.error(loc + ("repeat_recommendations", "blocks", i), f'no recommendations_block has the id "{ref}"'))
        text = block.model_dump_json()
        for letter in FOOTNOTE_MARKER.findall(text):
            used_footnotes.add(letter)
            if letter not in footnote_ids:
                errors.append(item.error(loc, f"marker [^{letter}] has no footnote with id {letter}"))
        for group in REFERENCE_MARKER.findall(text):
            for number in re.findall(r"\d+", group):
                if int(number) not in reference_numbers:
                    errors.append(item.error(loc, f"marker [ref {number}] has no reference number {number}"))
    for i, footnote in enumerate(review.footnotes):
        if footnote.id not in used_footnotes:
            errors.append(item.error(("footnotes", i, "id"), f"footnote {footnote.id} is never referenced by a [^{footnote.id}] marker"))

    titles = section_titles(review.sections)
    for s, section in enumerate(review.young_people.sections):
        for p, point in enumerate(section.points):
            loc = ("young_people", "sections", s, "points", p)
            for i, number in enumerate(point.findings):
                if number not in findings:
                    errors.append(item.error(loc + ("findings", i), f"paragraph {number} does not exist in this review"))
            for i, number in enumerate(point.recommendations):
                if number not in recommendations:
                    errors.append(item.error(loc + ("recommendations", i), f"recommendation {number} does not exist in this review"))
            for i, title in enumerate(point.sections):
                if title not in titles:
                    errors.append(item.error(loc + ("sections", i), f'no section is titled "{title}"'))
    return errors, warnings

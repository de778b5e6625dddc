"""Checks across a whole review that a schema cannot express: every cited
recommendation exists, no number is used twice, every key point's evidence exists,
every footnote and reference marker has its note, and no text is one Markdown
could take minutes over.

Texts are checked wherever they are in the review (every string of the model, found
by `iter_texts`), not only in content blocks, so no field is left unchecked."""

from __future__ import annotations

import re

from .errors import ContentError
from .inline import markdown_risk
from .loading import SourcedReview
from .model import (
    KeyRecommendationsBlock,
    PracticeRecommendationsBlock,
    RepeatRecommendationsBlock,
    Section,
    cited_recommendations,
    iter_blocks,
    iter_findings,
    iter_texts,
    unreadable_citations,
)

FOOTNOTE_MARKER = re.compile(r"\[\^([a-z]{1,2})\]")
REFERENCE_MARKER = re.compile(r"\[ref ([\d,\s]++)\]")


def _twice(what: str, number: str, first_line: int | None) -> str:
    where = f" (first on line {first_line})" if first_line else ""
    return f"{what} number {number} is used twice{where}; each {what} needs its own number"


def iter_sections(sections: list[Section], loc: tuple = ("sections",)):
    """Every section at every level, in reading order, with its location in the file."""
    for index, section in enumerate(sections):
        yield loc + (index,), section
        yield from iter_sections(section.sections, loc + (index, "sections"))


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
    finding_at: dict[tuple, str] = {}  # the location of a finding's text or note -> its paragraph number
    cited: set[str] = set()
    for loc, finding in iter_findings(review):
        if finding.number in findings:
            errors.append(item.error(loc + ("number",), _twice("paragraph", finding.number, item.line(findings[finding.number]))))
        findings[finding.number] = loc + ("number",)
        finding_at[loc + ("text",)] = finding_at[loc + ("note",)] = finding.number
        cited.update(finding.recommendations)

    sections: dict[str, tuple] = {}
    for loc, section in iter_sections(review.sections):
        if section.number is not None:
            if section.number in sections:
                errors.append(item.error(loc + ("number",), _twice("section", section.number, item.line(sections[section.number]))))
            else:
                sections[section.number] = loc + ("number",)

    footnote_ids = {f.id for f in review.footnotes}
    reference_numbers = {r.number for r in review.references}
    used_footnotes: set[str] = set()
    for loc, text in iter_texts(review):
        who = f"paragraph {finding_at[loc]}" if loc in finding_at else None
        if "(" in text:
            for number in dict.fromkeys(cited_recommendations(text)):
                if number not in recommendations:
                    errors.append(item.error(loc, f"{who or 'this text'} cites recommendation {number}, which does not exist"))
            if who is not None:
                for found in unreadable_citations(text):
                    errors.append(item.error(loc, (
                        f'{who}: "{found}" looks like a cross-reference to a recommendation, but is not written in a form '
                        "the build can read, so it would be neither linked nor checked; write it as (Recommendation 2.1) "
                        "or (Recommendations 1.2, 3.13 and 6.1)")))
        if "[" in text:
            for letter in dict.fromkeys(FOOTNOTE_MARKER.findall(text)):
                used_footnotes.add(letter)
                if letter not in footnote_ids:
                    errors.append(item.error(loc, f"marker [^{letter}] has no footnote with id {letter}"))
            numbers = dict.fromkeys(n for group in REFERENCE_MARKER.findall(text) for n in re.findall(r"\d+", group))
            for number in numbers:
                if int(number) not in reference_numbers:
                    errors.append(item.error(loc, f"marker [ref {number}] has no reference number {number}"))
        risk = markdown_risk(text)
        if risk is not None:
            errors.append(item.error(loc, risk))

    for number in recommendations:
        if review.recommendations and number not in cited and "." in number:
            warnings.append(f"{item.path.name}: recommendation {number} is not cited by any finding")

    block_ids: set[str] = set()
    for loc, block in iter_blocks(review):
        if isinstance(block, PracticeRecommendationsBlock):
            if block.recommendations_block.id in block_ids:
                errors.append(item.error(loc + ("recommendations_block", "id"), f'id "{block.recommendations_block.id}" is used twice'))
            block_ids.add(block.recommendations_block.id)
    for loc, block in iter_blocks(review):
        if isinstance(block, RepeatRecommendationsBlock):
            for i, ref in enumerate(block.repeat_recommendations.blocks):
                if ref not in block_ids:
                    errors.append(item.error(loc + ("repeat_recommendations", "blocks", i), f'no recommendations_block has the id "{ref}"'))
    for i, footnote in enumerate(review.footnotes):
        if footnote.id not in used_footnotes:
            errors.append(item.error(("footnotes", i, "id"), f"footnote {footnote.id} is never referenced by a [^{footnote.id}] marker"))

    titles = section_titles(review.sections)
    for s, section in enumerate(review.young_people.sections):
        for p, point in enumerate(section.points):
            point_loc = ("young_people", "sections", s, "points", p)
            for i, number in enumerate(point.findings):
                if number not in findings:
                    errors.append(item.error(point_loc + ("findings", i), f"paragraph {number} does not exist in this review"))
            for i, number in enumerate(point.recommendations):
                if number not in recommendations:
                    errors.append(item.error(point_loc + ("recommendations", i), f"recommendation {number} does not exist in this review"))
            for i, title in enumerate(point.sections):
                if title not in titles:
                    errors.append(item.error(point_loc + ("sections", i), f'no section is titled "{title}"'))
    return errors, warnings

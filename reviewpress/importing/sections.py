"""Splitting a report at the standard headings of a local CLAS review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .paragraphs import Paragraph

# The headings every local review prints, in this order (§2.3 of the source
# notes). Keys name the part for the importer; matching ignores case, the
# apostrophe's shape and a leading section number ("5. Management").
STANDARD_HEADINGS = {
    "contents": "contents",
    "summary of the review": "summary",
    "about the review": "about",
    "how we carried out the review": "method",
    "context of the review": "context",
    "the report": "report",
    "what people told us": "people",
    "the child's journey": "journey",
    "management": "management",
    "recommendations": "recommendations",
    "next steps": "next_steps",
}
_NUMBER_PREFIX = re.compile(r"^(?P<number>\d+)\.?\s+")


@dataclass
class Part:
    key: str
    title: str  # as printed, without its number
    number: str | None
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)


def heading_key(text: str) -> tuple[str, str, str | None] | None:
    """(key, title, number) when the text is a standard heading."""
    if "\t" in text:
        return None
    number = _NUMBER_PREFIX.match(text)
    title = text[number.end() :] if number else text
    key = STANDARD_HEADINGS.get(title.strip().replace("’", "'").lower())
    if key is None:
        return None
    return key, title.strip(), number["number"] if number else None


def split_parts(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[Part]]:
    """The paragraphs before the first heading, and one part per standard heading."""
    front: list[Paragraph] = []
    parts: list[Part] = []
    for paragraph in paragraphs:
        heading = None if paragraph.bullet else heading_key(paragraph.text)
        if heading:
            key, title, number = heading
            parts.append(Part(key, title, number, paragraph.line))
        elif parts:
            parts[-1].paragraphs.append(paragraph)
        else:
            front.append(paragraph)
    return front, parts

"""Splitting a report at the standard headings of a local CLAS review."""

from __future__ import annotations

from dataclasses import dataclass, field

from .headings import heading_key
from .paragraphs import Paragraph


@dataclass
class Part:
    key: str
    title: str  # as printed, without its number
    number: str | None
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)


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

"""Page furniture: page footers and leftover link text, which are not report text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

PAGE_NUMBER = re.compile(r"^\s*Page \d+ of \d+\s*$")
# Link text left behind by PDF extraction, e.g. "mailto:someone@cqc.org.uk".
LINK_LEFTOVER = re.compile(r"^\s*mailto:\S+\s*$")
# How far above "Page N of M" the running title may sit (blank lines between).
_FOOTER_REACH = 3


@dataclass
class Furniture:
    removed: set[int]  # 0-based indexes of removed lines
    running_title: str | None  # the report title printed in the footer, if any


def find_furniture(lines: list[str]) -> Furniture:
    """Find page footers ("<running title>" + "Page N of M") and link leftovers."""
    removed: set[int] = set()
    candidates: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if LINK_LEFTOVER.match(line):
            removed.add(index)
        if not PAGE_NUMBER.match(line):
            continue
        removed.add(index)
        above = _nearest_text_above(lines, index)
        if above is not None:
            candidates.append((above, lines[above].strip()))
    running_title = _running_title([text for _, text in candidates])
    for index, text in candidates:
        if text == running_title:
            removed.add(index)
    return Furniture(removed, running_title)


def _nearest_text_above(lines: list[str], index: int) -> int | None:
    for above in range(index - 1, max(index - 1 - _FOOTER_REACH, -1), -1):
        if lines[above].strip():
            return above
    return None


def _running_title(texts: list[str]) -> str | None:
    """The line printed above the page numbers: the same text on every footer.

    With a single footer there is nothing to compare, so it only counts when it
    reads like a title (no closing full stop).
    """
    if not texts:
        return None
    text, count = Counter(texts).most_common(1)[0]
    if count >= 2 or (len(texts) == 1 and not text.endswith(".")):
        return text
    return None

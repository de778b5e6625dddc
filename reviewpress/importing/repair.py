"""Undoing text-extraction damage inside a paragraph, and nothing more.

Source errors (spelling, odd punctuation, mixed quote marks) are kept as
printed: only what the extraction did is repaired.
"""

from __future__ import annotations

import re

_BOLD = "**"
_SPACES = re.compile(r"[ \t]+")
# A hyphen that ends a wrapped line is real in this series (ante-/natally,
# childrens-services-/inspection@...), so it is kept and no space is added.
_WORD_HYPHEN_AT_END = re.compile(r"\w-$")
# A slash ends a line where a PDF broke "needs/risks" after it; the series writes such pairs
# without a space (73 times to once with a space), so none is added.
_WORD_SLASH_AT_END = re.compile(r"\w/$")


def join_wrapped(lines: list[str]) -> str:
    """Join the lines of one wrapped paragraph into one line."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not text:
            text = line
        elif (_WORD_HYPHEN_AT_END.search(text) or _WORD_SLASH_AT_END.search(text)) and line[0].isalnum():
            text += line
        else:
            text += " " + line
    return text


def drop_unmatched_bold(text: str) -> str:
    """Remove a `**` left over from bold that lost its partner (e.g. "should ensure**")."""
    if text.count(_BOLD) % 2 == 0:
        return text
    # Pairs are matched from the left; the odd one out is the last marker.
    position = text.rfind(_BOLD)
    return (text[:position] + text[position + 2 :]).strip()


def tidy(text: str) -> str:
    """Collapse runs of spaces and drop stray bold markers."""
    return drop_unmatched_bold(_SPACES.sub(" ", text).strip())

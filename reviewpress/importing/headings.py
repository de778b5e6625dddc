"""The standard headings of a local CLAS review, which split a report into its parts.

Kept apart from `sections.py` because paragraphs are rebuilt with them too (a standard heading
always starts a paragraph), and `sections.py` reads those paragraphs.
"""

from __future__ import annotations

import re

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

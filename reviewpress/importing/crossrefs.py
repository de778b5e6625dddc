"""Cross-references from findings to recommendations, and the notes that follow them.

The bracket stays in the finding's text as printed; the schema reads the
numbers back out of it (`reviewpress.model.cited_recommendations`), so the
importer uses the same pattern and only needs to find where brackets are.
"""

from __future__ import annotations

import re

from reviewpress.model import CITATION_PATTERN, cited_recommendations

__all__ = ["cited_recommendations", "is_bracket_only", "split_note", "find_brackets"]

_BRACKET_ONLY = re.compile(r"^\s*" + CITATION_PATTERN.pattern + r"\s*\.?\s*$")
# "This has been drawn to the attention of ...", "*This was also brought to the
# attention of ...*", "We brought this to the attention of ...",
# "This will be brought to the attention of Public Health England."
_NOTE = re.compile(
    r"(?:^|(?<=[.)])\s+)"
    r"(?P<note>\*?(?:This|These issues|We)\b[^.]{0,60}?\b(?:drawn|brought)\b[^.]{0,20}?\battention\b[^*]*?\.?\*?)\s*$"
)


def find_brackets(text: str) -> list[str]:
    """The cross-reference brackets in a text, as printed."""
    return [match.group(0) for match in CITATION_PATTERN.finditer(text)]


def is_bracket_only(text: str) -> bool:
    """True for a paragraph that is nothing but a cross-reference, e.g. "(Recommendation 1.1)"."""
    return bool(_BRACKET_ONLY.match(text))


def split_note(text: str) -> tuple[str, str | None]:
    """Split a closing "brought to the attention of ..." sentence off a finding.

    Returns the text without the note, and the note without the italic
    markers around it (the note is set apart when rendered).
    """
    match = _NOTE.search(text)
    if not match or match.start("note") == 0:
        return text, None
    note = match["note"].strip()
    if note.startswith("*") and note.endswith("*"):
        note = note[1:-1].strip()
    return text[: match.start()].rstrip(), note

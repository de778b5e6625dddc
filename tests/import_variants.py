"""The same report as other tools give it: each text difference the importer must undo.

Each variant takes a report's text (as in shared/seeds) and returns it as another tool
would have written it; `expected` gives what the committed review looks like when read
from that text (only straight quotes change it: quote shapes are kept as the source has them).
"""

from __future__ import annotations

import re
import textwrap

_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_LIGATURES = [("ffi", "\ufb03"), ("ffl", "\ufb04"), ("ff", "\ufb00"), ("fi", "\ufb01"), ("fl", "\ufb02")]
_LINE_BULLET = re.compile(r"^(\s*)(?:•|-(?= ))\s*", re.MULTILINE)
_SUB_BULLET = re.compile(r"^(\s*)o(?= )", re.MULTILINE)


def byte_order_mark(text: str) -> str:
    return "\ufeff" + text


def windows_line_ends(text: str) -> str:
    return text.replace("\n", "\r\n")


def form_feeds(text: str) -> str:
    """A form feed at the start of every 45th line, where a PDF tool marks a new page."""
    lines = text.split("\n")
    return "\n".join("\f" + line if index and index % 45 == 0 else line for index, line in enumerate(lines))


def ligatures(text: str) -> str:
    for letters, ligature in _LIGATURES:
        text = text.replace(letters, ligature)
    return text


def symbol_font_bullets(text: str) -> str:
    """Bullets as the Symbol font's private-use character, sub-bullets as hollow bullets."""
    return _SUB_BULLET.sub(lambda m: m[1] + "\u25e6", _LINE_BULLET.sub(lambda m: m[1] + "\uf0b7\t", text))


def straight_quotes(text: str) -> str:
    return text.translate(_CURLY)


def no_trailing_spaces(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def wrapped_at_80(text: str) -> str:
    """Word's "insert line breaks" text export: every paragraph wrapped at 80 columns."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= 80 or "\t" in line:
            out.append(line)
            continue
        out.extend(textwrap.wrap(line, width=80, subsequent_indent="", break_on_hyphens=False, break_long_words=False))
    return "\n".join(out)


VARIANTS = {
    "byte-order mark": byte_order_mark,
    "Windows line ends": windows_line_ends,
    "form feeds": form_feeds,
    "ligatures": ligatures,
    "Symbol-font bullets": symbol_font_bullets,
    "straight quotes": straight_quotes,
    "no trailing spaces": no_trailing_spaces,
    "wrapped at 80 columns": wrapped_at_80,
}


def expected(variant: str, committed: object) -> object:
    """The committed review as it reads from the variant's text."""
    if variant != "straight quotes":
        return committed
    if isinstance(committed, str):
        return committed.translate(_CURLY)
    if isinstance(committed, dict):
        return {key: expected(variant, value) for key, value in committed.items()}
    if isinstance(committed, list):
        return [expected(variant, value) for value in committed]
    return committed

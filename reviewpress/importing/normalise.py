"""Text normalisation at the door: what different tools make of the same report, made one.

Staff have a report as text saved from Word, extracted from a PDF by one tool or another,
or typed out again. The differences below carry no meaning of the report's own, so they are
undone before any structure is read; everything else (quote shapes, dashes, spelling) is
kept exactly as the source has it.

* a byte-order mark (and zero-width characters that tools leave at a file's start);
* Windows and old Mac line ends;
* form feeds, which PDF tools put where a page ends;
* ligature characters ("ﬁ", "ﬂ", "ﬀ", ...), decomposed into the letters the report printed;
* soft hyphens, which mark where a word may break and are not printed;
* bullet characters of other fonts (the Symbol font's U+F0B7, Wingdings' squares, "●",
  "∙", "‣", "⁃") as the bullet "•"; hollow bullets ("◦", "○", Wingdings' "o") as "◦",
  the sub-bullet;
* trailing spaces are left alone here: in PDF text their presence tells paragraph spacing
  from layout gaps (see `paragraphs._hard_break`), and text without them is read too.
"""

from __future__ import annotations

import re

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",  # long s + t
    "\ufb06": "st",
}
BULLET = "•"
SUB_BULLET = "◦"
BULLETS = {
    "\uf0b7": BULLET,  # Symbol font bullet, as Word's PDF export and some extractors leave it
    "\uf0a7": BULLET,  # Wingdings square bullet
    "\uf0d8": BULLET,  # Wingdings arrow bullet
    "\uf076": BULLET,  # Wingdings diamond bullet
    "●": BULLET,
    "∙": BULLET,
    "‣": BULLET,
    "⁃": BULLET,
    "▪": BULLET,
    "■": BULLET,
    "◦": SUB_BULLET,
    "○": SUB_BULLET,
    "\uf06f": SUB_BULLET,  # Wingdings hollow circle ("o" in the Symbol font)
}
_INVISIBLE = {"\ufeff": "", "\u200b": "", "\u00ad": ""}
_FORM_FEED_AT_LINE_END = re.compile(r"(?:^|(?<=\n))\f+|\f+(?=\n|$)")
_TABLE = str.maketrans({**LIGATURES, **_INVISIBLE})


def normalise(text: str) -> str:
    """The text with the differences between extraction tools undone (see the module notes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A form feed ends a page; next to a line end it is dropped, inside a line it ends the line.
    text = _FORM_FEED_AT_LINE_END.sub("", text).replace("\f", "\n")
    text = text.translate(_TABLE)
    return "\n".join(_bullet(line) for line in text.split("\n"))


def _bullet(line: str) -> str:
    """A bullet character of another font at the start of a line becomes "•" or "◦"."""
    stripped = line.lstrip()
    if stripped and stripped[0] in BULLETS:
        indent = line[: len(line) - len(stripped)]
        rest = stripped[1:]
        # A TAB after the bullet (as Word and PDF tools write it) is a space.
        return indent + BULLETS[stripped[0]] + (" " + rest.lstrip() if rest[:1].isspace() else rest)
    return line

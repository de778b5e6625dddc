"""Rebuilding the paragraphs of a report from its extracted lines.

Two layouts occur in the series:

* paragraph-per-line (saved from Word): every non-empty line is a paragraph;
* hard-wrapped (extracted from PDF): a paragraph runs over several lines and
  the blank lines between them mean different things (see `_hard_break`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .furniture import find_furniture
from .repair import join_wrapped, tidy

# "- item" (Word), "• item" (PDF); "o item" is the PDF's sub-bullet.
_BULLET = re.compile(r"^(?P<indent>\s*)(?P<marker>[-•▪◦]|o(?= ))\s+(?P<rest>\S.*)$")
_SUB_MARKERS = {"o", "◦"}
NUMBERED = re.compile(r"^\d+(\.\d+)*\.?\s+\S")
# "Case Example: ...", "Good Practice Example in Primary Care: ..."
LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z]*(?: [A-Za-z]+){0,5}):\s+\S")
_ENDS_SENTENCE = re.compile(r"[.:;!?)”\"’]\**$")
# Word lines are whole paragraphs, often hundreds of characters long; PDF
# lines are wrapped near 90.
_WRAP_WIDTH = 100


@dataclass
class Paragraph:
    text: str
    line: int  # 1-based source line of its first line
    bullet: str | None = None  # the marker as printed, if it is a list item
    level: int = 0  # 1 for a sub-bullet
    raw: list[str] = field(default_factory=list)  # its source lines, right-stripped


@dataclass
class Source:
    paragraphs: list[Paragraph]
    running_title: str | None
    layout: str  # "paragraph-per-line" or "hard-wrapped"


def read_source(text: str, layout: str | None = None) -> Source:
    """Paragraphs of an extracted report; the layout is detected unless given."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    furniture = find_furniture(lines)
    # Removed lines become empty lines, which never force a paragraph break.
    kept = ["" if index in furniture.removed else line.rstrip("\n") for index, line in enumerate(lines)]
    layout = layout or detect_layout(kept)
    if layout == "hard-wrapped":
        paragraphs = _hard_wrapped_paragraphs(kept)
    else:
        paragraphs = _paragraph_per_line(kept)
    return Source(paragraphs, furniture.running_title, layout)


def detect_layout(lines: list[str]) -> str:
    """Hard-wrapped text has short lines that mostly run straight on into the next line.

    In paragraph-per-line text a line is followed by a blank line, a list item
    or a `Label<TAB>value` line; in wrapped text by more of the same paragraph.
    """
    text_lines = [index for index, line in enumerate(lines) if line.strip()]
    if not text_lines:
        return "paragraph-per-line"
    long_lines = sum(1 for index in text_lines if len(lines[index].rstrip()) > _WRAP_WIDTH)
    runs_on = sum(1 for index in text_lines if _runs_on(lines, index))
    wrapped = long_lines <= len(text_lines) * 0.05 and runs_on >= len(text_lines) * 0.4
    return "hard-wrapped" if wrapped else "paragraph-per-line"


def _runs_on(lines: list[str], index: int) -> bool:
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return bool(following.strip()) and "\t" not in following and not _BULLET.match(following)


def _make(lines: list[tuple[int, str]], indent_is_level: bool) -> Paragraph:
    number, first = lines[0]
    raw = [text.rstrip() for _, text in lines]
    bullet = _BULLET.match(first)
    marker, level = None, 0
    if bullet:
        marker = bullet["marker"]
        # Word indents a sub-bullet; in PDF text a leading space only marks a page start.
        level = 1 if ((indent_is_level and bullet["indent"]) or marker in _SUB_MARKERS) else 0
        raw[0] = bullet["rest"]
    # TAB-separated lines (metadata, contents) keep their TAB for the header parser.
    text = raw[0].strip() if "\t" in raw[0] else tidy(join_wrapped(raw))
    return Paragraph(text=text, line=number, bullet=marker, level=level, raw=raw)


def _paragraph_per_line(lines: list[str]) -> list[Paragraph]:
    return [_make([(index + 1, line)], indent_is_level=True) for index, line in enumerate(lines) if line.strip()]


def _hard_wrapped_paragraphs(lines: list[str]) -> list[Paragraph]:
    # Without any whitespace-only lines the file cannot tell layout gaps from
    # paragraph spacing, so every blank run counts as a paragraph break.
    distinguishes = any(line and not line.strip() for line in lines)
    paragraphs: list[Paragraph] = []
    current: list[tuple[int, str]] = []
    blank_run: list[str] = []
    for index, line in enumerate(lines):
        if not line.strip():
            blank_run.append(line)
            continue
        if current and _starts_paragraph(current[-1][1], line, blank_run, distinguishes):
            paragraphs.append(_make(current, indent_is_level=False))
            current = []
        current.append((index + 1, line))
        blank_run = []
    if current:
        paragraphs.append(_make(current, indent_is_level=False))
    return paragraphs


def _starts_paragraph(previous: str, line: str, blank_run: list[str], distinguishes: bool) -> bool:
    previous = previous.rstrip()
    stripped = line.strip()
    if _BULLET.match(line):
        return True
    ended = bool(_ENDS_SENTENCE.search(previous))
    if not blank_run:
        # A leading space marks the first line of a page; it opens a new
        # paragraph only where the last page ended one.
        return line.startswith(" ") and (ended or bool(NUMBERED.match(stripped)))
    if _hard_break(blank_run) or not distinguishes:
        # Text carried over a page end continues in lower case.
        return not (stripped[0].islower() and not ended)
    # Blank lines that hold nothing at all come from the layout (a hanging
    # paragraph number, a bullet's wrapped line): only a new structure starts here.
    return ended and bool(NUMBERED.match(stripped) or LABEL.match(stripped))


def _hard_break(blank_run: list[str]) -> bool:
    """A paragraph break is a blank run holding at least one whitespace-only line.

    In PDF extraction, runs of truly empty lines come from the layout (after a
    hanging paragraph number, inside a bullet), while the space-only lines stand
    where the text had paragraph spacing.
    """
    return any(blank for blank in blank_run)

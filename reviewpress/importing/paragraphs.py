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
from .headings import heading_key
from .normalise import normalise
from .repair import join_wrapped, tidy

# "- item" (Word), "• item" (PDF); "o item" is the PDF's sub-bullet. A bullet character
# may be followed by its text directly ("•Frome"); a hyphen or the letter "o" needs a space.
_BULLET = re.compile(r"^(?P<indent>\s*)(?:(?P<marker>[-]|o(?= ))\s+|(?P<glyph>[•◦])\s*)(?P<rest>\S.*)$")
_SUB_MARKERS = {"o", "◦"}
NUMBERED = re.compile(r"^\d+(\.\d+)*\.?\s+\S")
_BARE_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)+\.?\s*$")
# "Case Example: ...", "Good Practice Example in Primary Care: ..."
LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z]*(?: [A-Za-z]+){0,5}):\s+\S")
# The label of a case-example box, in any capitalisation, singular or plural, numbered or not:
# "Case Example:", "Case example 2:", "Practice example 1:", "Case examples 3 and 4:",
# "Good Practice Example in Primary Care:", "Case study A:". Its text may follow on the same
# line or start on the next; a label alone on its line needs no colon (a PDF sets it as a heading).
BOX_LABEL = re.compile(
    r"^(?P<label>(?:(?:good|effective|positive|notable)\s+)?(?:practice|case)\s+(?:examples?|stud(?:y|ies))"
    r"(?:\s+in\s+[A-Za-z][A-Za-z ,&-]{0,40}?)?"
    r"(?:\s+(?:\d+|[A-Z])(?:\s*(?:,|and|&)\s*(?:\d+|[A-Z]))*)?)\s*(?::(?:\s+(?P<rest>\S.*))?|(?P<alone>))$",
    re.IGNORECASE,
)
# PDF extraction and the Word reader keep a table's cells apart with two or more spaces.
CELL_GAP = re.compile(r"\s{2,}")
_MAX_CELL = 60
# A label that names only the kind of box, with no number, letter or place: "Case example".
_KIND_ONLY = re.compile(r"^(?:(?:good|effective|positive|notable)\s+)?(?:practice|case)\s+(?:examples?|stud(?:y|ies))$",
                        re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.:;!?)”\"’]\**$")
# Word lines are whole paragraphs, often hundreds of characters long; PDF
# lines are wrapped near 90.
_WRAP_WIDTH = 100
# The share of a paragraph's inner lines that leave no room for the next word when a tool
# wrapped the text greedily (over 0.9 in the seeds wrapped at 80; under 0.55 in PDF text).
_GREEDY_SHARE = 0.8


@dataclass
class Paragraph:
    text: str
    line: int  # 1-based source line of its first line
    bullet: str | None = None  # the marker as printed, if it is a list item
    level: int = 0  # 1 for a sub-bullet
    raw: list[str] = field(default_factory=list)  # its source lines, right-stripped
    lines: list[int] = field(default_factory=list)  # the 1-based numbers of those lines


@dataclass
class Source:
    paragraphs: list[Paragraph]
    running_title: str | None
    layout: str  # "paragraph-per-line" or "hard-wrapped"
    lines: list[str] = field(default_factory=list)  # the normalised source lines
    removed: set[int] = field(default_factory=set)  # 0-based indexes of page furniture left out


def read_source(text: str, layout: str | None = None) -> Source:
    """Paragraphs of an extracted report; the layout is detected unless given."""
    lines = normalise(text).split("\n")
    furniture = find_furniture(lines)
    # Removed lines become empty lines, which never force a paragraph break.
    kept = ["" if index in furniture.removed else line.rstrip("\n") for index, line in enumerate(lines)]
    layout = layout or detect_layout(kept)
    if layout == "hard-wrapped":
        paragraphs = _hard_wrapped_paragraphs(kept)
    else:
        paragraphs = _paragraph_per_line(kept)
    return Source(paragraphs, furniture.running_title, layout, lines, furniture.removed)


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
        marker = bullet["marker"] or bullet["glyph"]
        # Word indents a sub-bullet; in PDF text a leading space only marks a page start.
        level = 1 if ((indent_is_level and bullet["indent"]) or marker in _SUB_MARKERS) else 0
        raw[0] = bullet["rest"]
    # TAB-separated lines (metadata, contents) keep their TAB for the header parser.
    text = raw[0].strip() if "\t" in raw[0] else tidy(join_wrapped(raw))
    return Paragraph(text=text, line=number, bullet=marker, level=level, raw=raw, lines=[n for n, _ in lines])


def _paragraph_per_line(lines: list[str]) -> list[Paragraph]:
    groups: list[list[tuple[int, str]]] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        # The rows of a table (a Word table saved as text) follow its heading row line by line:
        # one block, for the table reader.
        if groups and groups[-1][-1][0] == index and len(table_cells(line)) >= 3 and \
                len(table_cells(line)) == len(table_cells(groups[-1][0][1])):
            groups[-1].append((index + 1, line))
        else:
            groups.append([(index + 1, line)])
    return [_make(group, indent_is_level=True) for group in groups]


def table_cells(line: str) -> list[str]:
    """The cells of a line as a flattened table prints them, kept apart by runs of spaces; a line
    of prose (a cell ending with a full stop, or too long for a cell) has none."""
    if "\t" in line or not line.strip():
        return []
    cells = CELL_GAP.split(line.strip())
    if len(cells) < 2 or any(len(cell) > _MAX_CELL or cell.endswith(".") for cell in cells):
        return []
    return cells


def _hard_wrapped_paragraphs(lines: list[str]) -> list[Paragraph]:
    # Without any whitespace-only lines the file cannot tell layout gaps from
    # paragraph spacing, so every blank run counts as a paragraph break.
    distinguishes = any(line and not line.strip() for line in lines)
    width = _wrap_width(lines)
    paragraphs: list[Paragraph] = []
    current: list[tuple[int, str]] = []
    blank_run: list[str] = []
    for index, line in enumerate(lines):
        if not line.strip():
            blank_run.append(line)
            continue
        # A numbered paragraph's first line, set beside its number (a heading such as
        # "5. Management" is short, and stands alone).
        hanging = len(current) == 1 and bool(NUMBERED.match(current[0][1].strip())) and len(current[0][1].split()) > 8
        # A flattened table's rows go on over the blank lines its cell padding leaves.
        in_table = bool(current) and len(table_cells(current[0][1])) >= 3 and len(table_cells(line)) >= 2
        # A paragraph number alone on its line (its text went on to the next page) numbers what follows.
        numbers_next = len(current) == 1 and bool(_BARE_NUMBER.match(current[0][1]))
        breaks = "\t" in line.strip() or (current and "\t" in current[-1][1].strip()) or _is_lone_label(current) or (
            current and _starts_paragraph(current[-1][1], line, blank_run, distinguishes, hanging, width)
        )
        if breaks and not in_table and not numbers_next:
            if current:
                paragraphs.append(_make(current, indent_is_level=bool(width)))
            current = []
        current.append((index + 1, line))
        blank_run = []
    if current:
        paragraphs.append(_make(current, indent_is_level=bool(width)))
    return paragraphs


def names_only_the_kind(label: re.Match) -> bool:
    """Is a `BOX_LABEL` match only the kind of box, alone on its line ("Case example", "CASE EXAMPLE")?"""
    return label["alone"] is not None and bool(_KIND_ONLY.match(label["label"]))


def _is_lone_label(current: list[tuple[int, str]]) -> bool:
    """A box label alone on its line ("Case example 5", as a PDF sets it above the box) ends there:
    the box's text starts a paragraph below it, even where it starts in lower case as printed."""
    if len(current) != 1:
        return False
    label = BOX_LABEL.match(current[0][1].strip())
    return label is not None and not label["rest"] and label["label"][0].isupper()


def _wrap_width(lines: list[str]) -> int:
    """The width a tool wrapped the text at, or 0 if it was not wrapped greedily at one width.

    A tool (Word's "insert line breaks", `fmt`) fills every line of a paragraph as far as the
    next word allows, so a line ends short only where its paragraph ends. A PDF's lines are
    set in a proportional font, so their lengths in characters vary and tell nothing.
    """
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if not lengths:
        return 0
    width = lengths[int(len(lengths) * 0.95)]
    inside = full = 0
    for line, following in zip(lines, lines[1:]):
        if line.strip() and following.strip() and not _ENDS_SENTENCE.search(line.rstrip()):
            inside += 1
            full += len(line.rstrip()) + 1 + len(following.split()[0]) > width
    return width if inside and full >= inside * _GREEDY_SHARE else 0


def _starts_paragraph(
    previous: str, line: str, blank_run: list[str], distinguishes: bool, hanging: bool = False, width: int = 0
) -> bool:
    """Does `line` open a new paragraph? `hanging` is true after a paragraph number's first line;
    `width` is the width the text was wrapped at."""
    previous = previous.rstrip()
    stripped = line.strip()
    if _BULLET.match(line) or BOX_LABEL.match(stripped):
        return True
    ended = bool(_ENDS_SENTENCE.search(previous))
    if not blank_run:
        # A leading space marks the first line of a page; it opens a new
        # paragraph only where the last page ended one.
        if line.startswith(" ") and (ended or bool(NUMBERED.match(stripped))):
            return True
        # A finished sentence on a line that had room for the next word ended its paragraph
        # (text wrapped by a tool, e.g. Word's "insert line breaks", with no blank lines).
        first_word = stripped.split()[0]
        return bool(width) and ended and len(previous) + 1 + len(first_word) < width - 2
    structure = bool(NUMBERED.match(stripped) or _BARE_NUMBER.match(stripped)) or heading_key(stripped) is not None
    if not distinguishes and hanging and not structure:
        # Without whitespace-only lines a paragraph number's hanging indent looks like any
        # gap: what follows the number's first line belongs to it, unless it is numbered or
        # one of the report's standard headings ("Next steps" after a one-line recommendation).
        return False
    if _hard_break(blank_run) or not distinguishes:
        # Text carried over a page end continues in lower case.
        return not (stripped[0].islower() and not ended)
    # Blank lines that hold nothing at all mostly come from the layout (a hanging
    # paragraph number, a bullet's wrapped line, which go on in lower case); after a
    # finished sentence, a line starting with a capital or a number opens a paragraph.
    # After the first line of a numbered paragraph the gap is its hanging indent.
    return ended and not stripped[0].islower() and (not hanging or structure)


def _hard_break(blank_run: list[str]) -> bool:
    """A paragraph break is a blank run holding at least one whitespace-only line.

    In PDF extraction, runs of truly empty lines come from the layout (after a
    hanging paragraph number, inside a bullet), while the space-only lines stand
    where the text had paragraph spacing.
    """
    return any(blank for blank in blank_run)

"""Plain content blocks: paragraphs, bullet lists (with sub-bullets) and flattened tables."""

from __future__ import annotations

import re

from .notes import Notes
from .paragraphs import CELL_GAP, Paragraph, table_cells
from .repair import join_wrapped, tidy

_LIST_INTRO = re.compile(r"[:;]$")
# A heading of a value column: a measure and its unit in brackets, "Residents (%)".
_MEASURE = re.compile(r"^(?P<measure>[^()]*?\S)\s*\([^()]*\)$")
# A list item rarely ends on one of these: a line ending so was wrapped inside its item.
_RUNS_ON_WORDS = {"a", "an", "the", "and", "or", "nor", "of", "on", "in", "at", "to", "for", "by", "with", "from", "as", "&"}
_ENDS_SENTENCE = re.compile(r"[.!?][)”’\"]*$")
# An intro line "had room" for the next word when it is shorter than this share of the
# paragraph's longest line (PDF lines are set in a proportional font: lengths are rough).
_ROOM = 0.85
_CAPTION_WORDS = 12


# "3. A child of six ...": an item of a numbered list printed inside the text.
_LIST_ITEM = re.compile(r"^(?P<number>\d+)\.\s+\S")


def plain_blocks(paragraphs: list[Paragraph], notes: Notes) -> list[dict]:
    blocks: list[dict] = []
    for index, paragraph in enumerate(paragraphs):
        item = None if paragraph.bullet else _LIST_ITEM.match(paragraph.text)
        if item and _continues_list(blocks, paragraphs, index, int(item["number"])):
            # Items numbered in turn make one Markdown ordered list, with the printed numbers.
            if blocks and "p" in blocks[-1] and _LIST_ITEM.match(blocks[-1]["p"].split("\n")[-1]):
                blocks[-1]["p"] += "\n" + paragraph.text
            else:
                blocks.append({"p": paragraph.text})
                notes.check(paragraph.line, f"numbered list starting at {item['number']}: kept as a list with its printed numbers",
                            f"Is line {paragraph.line} the start of a numbered list ({item['number']}., ...)? Its items were "
                            "kept together as one list with their printed numbers.")
            notes.place(paragraph, "list", f"numbered list item {item['number']}")
            continue
        if paragraph.bullet:
            _add_bullet(blocks, paragraph)
            notes.place(paragraph, "bullet", "sub-bullet" if paragraph.level else "bullet")
            continue
        table = table_from(paragraph)
        if table:
            caption = paragraphs[index - 1] if index and blocks and "p" in blocks[-1] else None
            if caption is not None and is_caption(caption):
                # The short line printed above the table is its caption.
                blocks.pop()
                table["title"] = caption.text
                for line in caption.lines or [caption.line]:
                    notes.placed[line] = ("table", "table caption")
                notes.check(paragraph.line, f"flattened table read as {len(table['rows'])} rows, captioned "
                            f"{table['title']!r} (the line above it)",
                            f"Is the table at line {paragraph.line} read right, with the line above it, "
                            f"{table['title']!r}, as its caption?")
            else:
                notes.check(paragraph.line, f"flattened table read as {len(table['rows'])} rows, captioned {table['title']!r} "
                            "(the source prints no caption: it was made from the column headings)",
                            f"Is the table at line {paragraph.line} read right, and is its caption {table['title']!r} right? "
                            "The source prints none; it was made from the column headings.")
            blocks.append({"table": table})
            notes.place(paragraph, "table", "table")
            continue
        unbulleted = unbulleted_list(paragraph)
        if unbulleted:
            intro, items, after = unbulleted
            blocks.append({"p": intro.text})
            notes.place(intro, "paragraph", "paragraph introducing a list")
            blocks.append({"bullets": [item.text for item in items]})
            for bullet in items:
                notes.place(bullet, "bullet", "list item printed without its bullet")
            notes.check(items[0].line, f"lines {items[0].line}-{items[-1].lines[-1]}: {len(items)} lines after "
                        f"{intro.text[-30:]!r} read as a list whose bullets the extraction dropped",
                        f"Are lines {items[0].line}-{items[-1].lines[-1]} a list? They follow a line ending with "
                        f"{intro.text[-1]!r} that stops short, and were made {len(items)} bullets.")
            if after:
                blocks.append({"p": after.text})
                notes.place(after, "paragraph", "paragraph after a list")
            continue
        if any(_LIST_INTRO.search(line.strip()) for line in paragraph.raw[:-1]):
            notes.check(paragraph.line, "a line ends with ':' or ';' inside a paragraph: kept as one paragraph, not a list",
                        f"Is there a list in the paragraph at line {paragraph.line}? A line inside it ends with ':' or ';', "
                        "but the lines after it run on as prose, so it was kept as one paragraph.")
        blocks.append({"p": paragraph.text})
        notes.place(paragraph, "paragraph", "paragraph")
    return blocks


def _add_bullet(blocks: list[dict], paragraph: Paragraph) -> None:
    if not blocks or "bullets" not in blocks[-1]:
        blocks.append({"bullets": []})
    items = blocks[-1]["bullets"]
    if paragraph.level and items:
        parent = items[-1]
        if isinstance(parent, str):
            parent = items[-1] = {"text": parent, "items": []}
        parent["items"].append(paragraph.text)
    else:
        items.append(paragraph.text)


def table_from(paragraph: Paragraph) -> dict | None:
    """Read a table flattened by PDF extraction.

    The first line holds the column headings; a row's first cell may wrap over
    several lines before its other cells appear.
    """
    lines = [line.strip() for line in paragraph.raw if line.strip()]
    if len(lines) < 2:
        return None
    headings = table_cells(lines[0])
    if len(headings) < 3:
        return None
    rows: list[dict] = []
    pending: list[str] = []
    for line in lines[1:]:
        cells = CELL_GAP.split(line)
        if len(cells) == 1 and not any(char.isdigit() for char in cells[0]):
            pending.append(cells[0])  # a wrapped row label
            continue
        if pending and len(cells) == len(headings) - 1:
            cells = [" ".join(pending)] + cells
        elif pending:
            cells = [" ".join(pending + cells[:1])] + cells[1:]
        pending = []
        if len(cells) != len(headings):
            return None
        rows.append({"label": cells[0], "cells": cells[1:]})
    if pending or not rows:
        return None
    return {"title": _caption(headings), "column_headings": headings, "rows": rows}


def is_caption(paragraph: Paragraph) -> bool:
    """A line that can caption the table below it: one short line that is not a sentence."""
    return (len(paragraph.raw) == 1 and not paragraph.bullet and len(paragraph.text.split()) <= _CAPTION_WORDS
            and not _ENDS_SENTENCE.search(paragraph.text) and not _LIST_INTRO.search(paragraph.text))


def _caption(headings: list[str]) -> str:
    """A caption for a table the source printed without one.

    When every value column gives one measure in different units ("Residents (#)",
    "Residents (%)"), the table shows that measure by what its rows are: "Residents by
    Clinical Commissioning Group". Otherwise the rows' heading names it.
    """
    measures = {match["measure"] if match else None for match in map(_MEASURE.match, headings[1:])}
    if len(measures) == 1 and None not in measures:
        return f"{measures.pop()} by {headings[0]}"
    return headings[0]


def unbulleted_list(paragraph: Paragraph) -> tuple[Paragraph, list[Paragraph], Paragraph | None] | None:
    """A list whose bullets PDF extraction dropped, run into one paragraph with its intro.

    The intro ends with ":" or ";" on a line that stops short where the next word would have
    fitted, so the line was broken by hand, not wrapped. Each line after it that starts with a
    capital or a digit opens an item, unless the line before ends inside a phrase (on "and",
    "of", a comma ...); a line in lower case goes on with the item. Items are not sentences:
    from the first one ending with a full stop, the text is the paragraph after the list.
    Returns the intro, the items and that paragraph, or None when there is no such list.
    """
    lines = [(number, text.strip()) for number, text in zip(paragraph.lines, paragraph.raw) if text.strip()]
    if len(lines) < 3 or len(lines) != len(paragraph.raw) or paragraph.bullet or "\t" in paragraph.text:
        return None
    longest = max(len(text) for _, text in lines)
    intro_end = next((index for index, (_, text) in enumerate(lines[:-2]) if _LIST_INTRO.search(text)), None)
    if intro_end is None:
        return None
    next_word = lines[intro_end + 1][1].split()[0]
    if len(lines[intro_end][1]) + 1 + len(next_word) > longest * _ROOM:
        return None  # the line was full: a ";" inside wrapped prose
    items: list[list[tuple[int, str]]] = []
    for number, text in lines[intro_end + 1:]:
        previous = items[-1][-1][1] if items else ""
        if items and (text[0].islower() or _runs_on(previous)):
            items[-1].append((number, text))
        elif text[0].isupper() or text[0].isdigit():
            items.append([(number, text)])
        else:
            return None
    listed = 0
    while listed < len(items) and not _ENDS_SENTENCE.search(items[listed][-1][1]):
        listed += 1
    if listed < 2:
        return None
    after = [line for item in items[listed:] for line in item]
    return (_piece(lines[: intro_end + 1]), [_piece(item) for item in items[:listed]], _piece(after) if after else None)


def _runs_on(line: str) -> bool:
    last = line.split()[-1]
    return last[-1] in ",-–(" or last.lower() in _RUNS_ON_WORDS


def _piece(lines: list[tuple[int, str]]) -> Paragraph:
    raw = [text for _, text in lines]
    return Paragraph(text=tidy(join_wrapped(raw)), line=lines[0][0], raw=raw, lines=[number for number, _ in lines])


def _continues_list(blocks: list[dict], paragraphs: list[Paragraph], index: int, number: int) -> bool:
    """A numbered paragraph is a list item when the one before or after it is numbered next to it."""
    def number_of(paragraph: Paragraph | None) -> int | None:
        match = _LIST_ITEM.match(paragraph.text) if paragraph is not None and not paragraph.bullet else None
        return int(match["number"]) if match else None

    before = number_of(paragraphs[index - 1]) if index else None
    after = number_of(paragraphs[index + 1]) if index + 1 < len(paragraphs) else None
    return before == number - 1 or after == number + 1

"""Plain content blocks: paragraphs, bullet lists (with sub-bullets) and flattened tables."""

from __future__ import annotations

import re

from .notes import Notes
from .paragraphs import Paragraph

# PDF extraction keeps table cells apart with two or more spaces.
_CELL_GAP = re.compile(r"\s{2,}")
_MAX_CELL = 60
_LIST_INTRO = re.compile(r"[:;]$")


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
            blocks.append({"table": table})
            notes.place(paragraph, "table", "table")
            notes.check(paragraph.line, f"flattened table read as {len(table['rows'])} rows; give it a title")
            continue
        if any(_LIST_INTRO.search(line.strip()) for line in paragraph.raw[:-1]):
            notes.check(paragraph.line, "a line ends with ':' or ';' inside a paragraph: an unbulleted list?")
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
    headings = _CELL_GAP.split(lines[0])
    if len(headings) < 3 or any(len(cell) > _MAX_CELL or cell.endswith(".") for cell in headings):
        return None
    rows: list[dict] = []
    pending: list[str] = []
    for line in lines[1:]:
        cells = _CELL_GAP.split(line)
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
    return {"title": headings[0], "column_headings": headings, "rows": rows}


def _continues_list(blocks: list[dict], paragraphs: list[Paragraph], index: int, number: int) -> bool:
    """A numbered paragraph is a list item when the one before or after it is numbered next to it."""
    def number_of(paragraph: Paragraph | None) -> int | None:
        match = _LIST_ITEM.match(paragraph.text) if paragraph is not None and not paragraph.bullet else None
        return int(match["number"]) if match else None

    before = number_of(paragraphs[index - 1]) if index else None
    after = number_of(paragraphs[index + 1]) if index + 1 < len(paragraphs) else None
    return before == number - 1 or after == number + 1

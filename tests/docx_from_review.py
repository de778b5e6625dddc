"""Write a committed review as a Word file laid out the way the seed reports are.

Title and subtitle, the cover's two-column table of `Label:` and value, the standard headings,
numbered paragraphs written with their numbers ("1.1 ..."), case-example boxes as one-cell
tables, a table under its caption, bullets as Word list paragraphs, "What people told us" as an introducing line and its
quotes, recommendation groups and items, next steps. Bold and italic (`**`, `*`) become runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx

_MARKUP = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*)")


def _runs(paragraph, text: str) -> None:
    for piece in _MARKUP.split(text):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            paragraph.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            paragraph.add_run(piece[1:-1]).italic = True
        else:
            paragraph.add_run(piece)


def _para(container, text: str, style: str | None = None):
    paragraph = container.add_paragraph(style=style)
    _runs(paragraph, text)
    return paragraph


def _blocks(document, container, blocks: list[dict]) -> None:
    for block in blocks:
        kind, value = next(iter(block.items()))
        if kind == "p":
            for line in value.replace("\n\n", "\n").split("\n"):  # a numbered list: one paragraph per item
                _para(container, line)
        elif kind == "heading":
            _para(container, value)
        elif kind == "bullets":
            for item in value:
                text = item if isinstance(item, str) else item["text"]
                _para(container, text, "List Bullet")
                for sub in [] if isinstance(item, str) else item.get("items", []):
                    _para(container, sub, "List Bullet 2")
        elif kind == "finding":
            first, *rest = value["text"].split("\n\n")
            _para(container, f"{value['number']} {first}" + (f" {value['note']}" if value.get("note") and not rest else ""))
            for index, more in enumerate(rest):
                _para(container, more + (f" {value['note']}" if value.get("note") and index == len(rest) - 1 else ""))
        elif kind == "case_example":
            cell = document.add_table(rows=1, cols=1).cell(0, 0)
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
            inner = [dict(b) for b in value["blocks"]]
            if value.get("label"):
                first = inner[0]
                if "p" in first and "\n" not in first["p"]:
                    inner[0] = {"p": f"{value['label']}: {first['p']}"}
                else:
                    _para(cell, f"{value['label']}:")
            _blocks(document, cell, inner)
        elif kind == "quotes":
            if value.get("intro"):
                _para(container, value["intro"])
            for quote in value["quotes"]:
                text = " ".join(part for part in (quote.get("lead_in"), quote["text"], quote.get("after")) if part)
                if quote.get("speaker"):
                    text += f" {quote['speaker']}." if not quote["text"].startswith(("“", '"')) else f" – {quote['speaker']}"
                _para(container, text)
        elif kind == "table":
            if value.get("title"):
                _para(container, value["title"])  # the caption, on the line above the table
            rows = [value["column_headings"], *([row["label"], *row["cells"]] for row in value["rows"])]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = str(cell)


def _sections(document, sections: list[dict]) -> None:
    for section in sections:
        number = section.get("number")
        shown = number and section.get("number_shown", True)
        document.add_paragraph(f"{number}. {section['title']}" if shown and "." not in number else
                               f"{number} {section['title']}" if shown else section["title"], style="Heading 1")
        _blocks(document, document, section.get("blocks", []))
        _sections(document, section.get("sections", []))


def write_docx(review: dict, path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(review["title"], style="Title")
    if review.get("subtitle"):
        document.add_paragraph(" ".join(review["subtitle"].split("\n")))
    metadata = review.get("metadata") or {}
    rows = []
    if metadata.get("review_dates"):
        dates = metadata["review_dates"]
        rows.append(("Date of review:", f"{dates['start']:%d %B %Y} – {dates['end']:%d %B %Y}"))
    if metadata.get("publication_date"):
        rows.append(("Date of publication:", f"{metadata['publication_date']:%d %B %Y}"))
    if metadata.get("inspectors"):
        rows.append(("Name(s) of CQC inspector:", " ".join(metadata["inspectors"])))
    if rows:
        table = document.add_table(rows=len(rows), cols=2)
        for index, (label, value) in enumerate(rows):
            table.cell(index, 0).text, table.cell(index, 1).text = label, value
    _sections(document, review["sections"])
    if review.get("recommendations"):
        document.add_paragraph("Recommendations", style="Heading 1")
        for group in review["recommendations"]:
            _para(document, f"{group['number']}. {group['lead_in']}")
            for item in group["items"]:
                _para(document, f"{item['number']} {item['text']}")
    if review.get("next_steps"):
        document.add_paragraph("Next steps", style="Heading 1")
        for text in review["next_steps"]["paragraphs"]:
            _para(document, text)
    document.save(str(path))
    return path

"""Reading a report as staff have it: text, a Word file (.docx) or a PDF, as text for the rules.

Each reader writes the text in one of the two layouts the importer already reads
(`paragraphs.py`), so that one set of rules places everything:

* `.docx` (python-docx): Word's own structure is used rather than guessed: one line per
  paragraph, a blank line between paragraphs, list paragraphs as "- item" (indented one step per
  list level), bold and italic runs as `**`/`*` as Word's text export writes them, and the rows of
  the cover's two-column table as `Label:<TAB>Value`. A one-cell table (a box) gives its paragraphs.
* `.pdf` (pdfminer.six): the text lines of each page, in reading order, with pieces on the same
  baseline joined (a paragraph number set in its own column and its text come out as one line),
  and a blank line wherever the gap between lines is wider than line spacing. Pages end with a
  form feed. The running header (the same first line on every page), "Page N of M", contents
  lines with dot leaders, and the cover's stacked `Label:` / value lines are put the way the
  text rules expect them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .headings import heading_key
from .notes import Notes
from .paragraphs import BOX_LABEL, NUMBERED, names_only_the_kind

READABLE = (".txt", ".docx", ".pdf")
_DOT_LEADER = re.compile(r"\.{5,}|(?:\. ){5,}")
_PAGE_NUMBER = re.compile(r"^\s*Page \d+ of \d+\s*$")
_COVER_LABEL = re.compile(r"^[A-Z][^.:]{1,90}:$")
# Our own PDFs print, under each recommendation, the paragraphs that led to it: not report text.
_WHOLE_BOLD = re.compile(r"^\*\*(.+)\*\*$")
_MARKERS = "•●▪■◦○–—-o"
_BOLD_NUMBER = re.compile(r"^\*\*(\d+(?:\.\d+)*\.?)\*\*\s+")
_BASED_ON = re.compile(r"^Based on paragraphs? [\d., and]+$")
# Pieces of one row further apart than this many line heights are in different table columns
# (a word space is about a quarter of a line height; our tables' columns are over one apart).
_COLUMN_GAP = 0.8
# Small print: at least this many points smaller than the body text.
_SMALLER = 0.4


class UnreadableDocument(ValueError):
    """The file cannot be read as a report (names the file and why)."""


def read_document(path: Path, notes: Notes) -> str:
    """The text of a .txt, .docx or .pdf report, ready for `import_report`."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".pdf":
        return pdf_text(path)
    return plain_text(path, notes)


def plain_text(path: Path, notes: Notes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Word's "Plain Text" export
    writes it by default (noted, for a person to check the quotes and dashes)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise error from None
        notes.check(None, f"{path.name} is not UTF-8 (byte {error.start}); read as Windows-1252, Word's plain-text default",
                    f"Are the quotation marks and dashes right? {path.name} was read as Windows-1252, not UTF-8.")
        return text


# --- Word ---------------------------------------------------------------------------------------


def docx_text(path: Path) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as error:  # pragma: no cover - python-docx is a dependency
        raise UnreadableDocument(f"python-docx is needed to read {path.name}: {error}") from None
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several kinds for a file that is not a .docx
        raise UnreadableDocument(f"{path.name} is not a Word .docx file that can be read: {error}") from None
    out: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            line = _docx_paragraph(Paragraph(element, document))
            if line:
                out += [line, ""]
        elif tag == "tbl":
            out += _docx_table(Table(element, document), Paragraph)
    return "\n".join(out)


def _docx_paragraph(paragraph) -> str:
    text = _runs_markdown(paragraph).replace("\n", " ").strip()
    if not text:
        return ""
    level = _list_level(paragraph)
    if level is not None:
        return "  " * level + "- " + text
    return text


def _list_level(paragraph) -> int | None:
    """The list level of a bulleted paragraph (0 at the top), or None if it is not a list item."""
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    if numbering is not None and numbering.ilvl is not None:
        return int(numbering.ilvl.val)
    if style.lower().startswith("list bullet"):
        digits = re.findall(r"\d+", style)
        return int(digits[0]) - 1 if digits else 0
    if numbering is not None or style.lower().startswith("list paragraph"):
        return 0
    return None


def _runs_markdown(paragraph) -> str:
    """The paragraph's text with bold and italic runs marked as Word's text export marks them."""
    pieces: list[tuple[str, bool, bool]] = []
    for run in paragraph.runs:
        if run.text:
            pieces.append((run.text, bool(run.bold), bool(run.italic)))
    if not pieces:
        return paragraph.text
    merged: list[list] = []
    for text, bold, italic in pieces:
        if merged and merged[-1][1] == bold and merged[-1][2] == italic:
            merged[-1][0] += text
        else:
            merged.append([text, bold, italic])
    out = []
    for text, bold, italic in merged:
        core = text.strip()
        if not core or not (bold or italic):
            out.append(text)
            continue
        mark = "**" if bold else "*"
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        out.append(f"{lead}{mark}{core}{mark}{trail}")
    return "".join(out)


def _docx_table(table, paragraph_type) -> list[str]:
    out: list[str] = []
    rows = table.rows
    columns = max((len(row.cells) for row in rows), default=0)
    if columns == 1:  # a box: its paragraphs, as written
        for row in rows:
            for paragraph in row.cells[0].paragraphs:
                line = _docx_paragraph(paragraph)
                if line:
                    out += [line, ""]
        return out
    for row in rows:
        cells = [" ".join(cell.text.split()) for cell in row.cells]
        if columns == 2:
            out.append(f"{cells[0]}\t{cells[1]}")
        else:
            out.append("  ".join(cells))
    return out + [""]


# --- PDF ----------------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTAnno, LTChar, LTTextLine
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError as error:
        raise UnreadableDocument(f"pdfminer.six is needed to read {path.name}: {error}") from None
    pages: list[list[dict]] = []
    try:
        for page in extract_pages(str(path), laparams=LAParams()):
            found: list[tuple] = []

            def walk(container, found: list[tuple]) -> None:
                for item in container:
                    if isinstance(item, LTTextLine):
                        sizes = [char.size for char in item if isinstance(char, LTChar)]
                        found.append((item.y1, item.y0, item.x0, item.x1, _styled(item, LTChar).rstrip("\n"), item.height,
                                      max(sizes, default=0.0)))
                    elif not isinstance(item, (LTChar, LTAnno)) and hasattr(item, "__iter__"):
                        walk(item, found)

            walk(page, found)
            pages.append(_rows(found))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise UnreadableDocument(f"{path.name} is not a PDF that can be read: {error}") from None
    if not any(pages):
        raise UnreadableDocument(f"{path.name} has no text to read (a scanned PDF needs OCR first)")
    return _pdf_lines(pages)


def _styled(line, char_type) -> str:
    """A line's text with bold and italic runs (told by their fonts' names) marked `**` and `*`."""
    pieces: list[list] = []  # [text, style]
    for item in line:
        style = ""
        if isinstance(item, char_type):
            font = (item.fontname or "").lower()
            style = ("**" if "bold" in font or "black" in font or "heavy" in font else "") or \
                    ("*" if "italic" in font or "oblique" in font else "")
        text = item.get_text()
        if pieces and (pieces[-1][1] == style or not text.strip()):
            pieces[-1][0] += text
        else:
            pieces.append([text, style])
    out = []
    for text, style in pieces:
        core = text.strip()
        if style and core:
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            out.append(f"{lead}{style}{core}{style}{trail}")
        else:
            out.append(text)
    return "".join(out)


def _unbolded(text: str) -> str:
    """A piece set wholly in bold (a heading, the cover's type, a paragraph number in its column)
    is typography, not emphasis in the text: its markers go."""
    whole = _WHOLE_BOLD.match(text)
    return whole[1] if whole and "**" not in whole[1] else text


def _rows(found: list[tuple]) -> list[dict]:
    """Text lines on the same baseline (a number in its own column, its paragraph) joined, top to bottom.

    A row of three or more pieces set apart by wide gaps is a table row: its cells are kept apart
    by two spaces, as the text rules read a flattened table (`blocks.table_from`)."""
    rows: list[dict] = []
    for y1, y0, x0, x1, text, height, size in sorted(found, key=lambda line: (-line[0], line[2])):
        if rows and abs(rows[-1]["y1"] - y1) < max(height, rows[-1]["height"]) * 0.5:
            rows[-1]["parts"].append((x0, x1, text))
            rows[-1]["y0"] = min(rows[-1]["y0"], y0)
            rows[-1]["size"] = max(rows[-1]["size"], size)
        else:
            rows.append({"y1": y1, "y0": y0, "height": height, "size": size, "parts": [(x0, x1, text)]})
    for row in rows:
        row["x0"], row["x1"] = min(part[0] for part in row["parts"]), max(part[1] for part in row["parts"])
        pieces = [(x0, x1, _unbolded(text.strip(" \u00a0"))) for x0, x1, text in sorted(row["parts"]) if text.strip(" \u00a0")]
        parts = [text for _, _, text in pieces]
        row["cells"] = 1
        # A list marker set in its own column: "•" a bullet, another mark ("–", "◦") a sub-bullet.
        if len(parts) > 1 and len(parts[0]) == 1 and parts[0] in _MARKERS:
            text = " ".join([("•" if parts[0] in "•●▪■" else "◦") + " " + parts[1], *parts[2:]])
        else:
            cells = _cells(pieces, row["height"])
            row["cells"] = len(cells)
            text = ("  " if len(cells) >= 3 else " ").join(cells)
        # A paragraph number set in bold is typography too ("**5.3.3** Midwives ...").
        row["text"] = _BOLD_NUMBER.sub(r"\1 ", text)
    return [row for row in rows if row["text"]]


def _cells(pieces: list[tuple[float, float, str]], height: float) -> list[str]:
    """The row's pieces, those closer than a wide gap (more than `_COLUMN_GAP` line heights) joined."""
    cells: list[str] = []
    end = None
    for x0, x1, text in pieces:
        if cells and end is not None and x0 - end < height * _COLUMN_GAP:
            cells[-1] += " " + text
        else:
            cells.append(text)
        end = x1 if end is None else max(end, x1)
    return cells


def _pdf_lines(pages: list[list[dict]]) -> str:
    first_lines = Counter(rows[0]["text"] for rows in pages[1:] if rows)
    header = next((text for text, count in first_lines.most_common(1) if count >= 2), None)
    body_size = _body_size(pages)
    kept = [[row for index, row in enumerate(rows) if not ((index == 0 and number and row["text"] == header)
             or _PAGE_NUMBER.match(row["text"]) or _DOT_LEADER.search(row["text"]) or _BASED_ON.match(row["text"]))]
            for number, rows in enumerate(pages)]  # fmt: skip
    out: list[str] = []
    last_page: list[dict] = []
    for number, rows in enumerate(kept):
        if number and not (last_page and rows and _runs_over(last_page, rows[0], body_size)):
            out += ["\f", ""]  # a page break is a gap; text carried over goes on in lower case
        if rows:
            last_page = rows
        previous = None
        for row in rows:
            text = row["text"]
            # The padding of a table's cells is no paragraph break: its rows stay one block.
            table_row = previous is not None and previous["cells"] >= 3 and row["cells"] == previous["cells"]
            if previous is not None and previous["y0"] - row["y1"] > row["height"] * 0.6 and not table_row:
                out.append("")
            if row["size"] < body_size - _SMALLER and _is_box_tag(text):
                # A box's kind set in small print above it ("Case example", as our own PDFs print it on
                # a box the report left unlabelled) tags the box; the report's own label is set as a
                # heading. Written in capitals, as a layout's tag reads in text (`findings.is_layout_tag`).
                text = text.upper()
            out.append(text)
            previous = row
    # Bold that runs on over a line end was set line by line: one run again.
    text = re.sub(r"\*\*\n\*\*", "\n", "\n".join(out))
    return _cover_labels(re.sub(r"(?<!\*)\*\n\*(?!\*)", "\n", text))


def _runs_over(page: list[dict], first: dict, body_size: float) -> bool:
    """Does the page's last line run on to the first line of the next page?

    A line of body text ends short of the column's right edge only where its paragraph ends;
    one that filled its line (the next word would not have fitted) ended because the page did,
    even after a full stop. Not before a numbered paragraph, a bullet or a box label."""
    last = page[-1]
    if last["cells"] != 1 or first["cells"] != 1 or abs(last["size"] - body_size) > _SMALLER \
            or abs(first["size"] - body_size) > _SMALLER:
        return False
    text = first["text"]
    if NUMBERED.match(text) or BOX_LABEL.match(text) or text[:1] in _MARKERS:
        return False
    right_edge = max(row["x1"] for row in page if row["cells"] == 1)
    char_width = (first["x1"] - first["x0"]) / max(len(text), 1)
    return last["x1"] + char_width * (len(text.split()[0]) + 1) > right_edge


def _body_size(pages: list[list[dict]]) -> float:
    """The font size most of the text is set in."""
    sizes: Counter = Counter()
    for rows in pages:
        for row in rows:
            sizes[round(row["size"], 1)] += len(row["text"])
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _is_box_tag(text: str) -> bool:
    """Only the kind of a box, alone on its line: "Case example", not "Case example 2" or "Case study A"."""
    label = BOX_LABEL.match(text)
    return label is not None and names_only_the_kind(label)


def _cover_labels(text: str) -> str:
    """The cover's stacked `Label:` / value lines (before the first standard heading) as `Label:<TAB>value`."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if heading_key(line):
            out += lines[index:]
            break
        if _COVER_LABEL.match(line) and index + 1 < len(lines) and lines[index + 1].strip():
            values = []
            index += 1
            while index < len(lines) and lines[index].strip():
                values.append(lines[index].strip())
                index += 1
            out.append(f"{line}\t{' '.join(values)}")
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)

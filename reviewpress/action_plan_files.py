"""An action plan (action_plans.py) as the files organisations work in: Excel, Word and CSV.

All three hold the same rows: one per recommendation, word for word, with the paragraphs
behind it and empty columns for the organisation's answer. The files are reproducible:
the same content gives the same bytes (fixed dates and zip entries, no build time).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from .action_plans import STATUSES, ActionPlan
from .outputs import spreadsheet_safe

ANSWER_COLUMNS = ("Action", "Lead", "Target date", "Evidence of completion", "Status")
HOW_TO = (
    "For each recommendation, write the action you will take, who leads it, the date you aim to finish it "
    "and how you will show it is done; then choose its status: Not started, In progress or Completed."
)


def _about_rows(plan: ActionPlan) -> list[tuple[str, str]]:
    """What the file is, for whom, when it is due and where it goes: the first sheet, and the Word file's opening."""
    rows = [
        ("What this is", f"An action plan template: the {len(plan.rows)} recommendation{'s' if len(plan.rows) != 1 else ''} "
                         f"of this review that name {plan.organisation.name}, word for word, with the paragraphs of the report behind each."),
        ("For", plan.organisation.name),
        ("Type of organisation", plan.organisation_type),
        ("Named in the report as", "; ".join(plan.names_in_report)),
        ("Review", plan.review_title),
        ("Published", plan.published_text or "The report does not print its publication date."),
        ("Due date", plan.deadline_sentence),
    ]
    if plan.due:
        rows.append(("How the date is worked out",
                     f"{plan.working_days} working days after publication, not counting weekends and bank holidays in England."))
    if plan.send_to:
        rows.append(("Send it to", plan.send_to))
    if plan.required_from:
        rows.append(("The report asks for an action plan from", "; ".join(plan.required_from)))
    rows.append(("How to fill it in", HOW_TO))
    return rows


# --- Excel --------------------------------------------------------------------------------

# XlsxWriter takes only absolute URLs. Links relative to the file's folder (a site without
# site_url) are written under this address, then the address is taken off the targets.
_RELATIVE_BASE = "https://relative.invalid/"


def _excel_url(url: str) -> str:
    return _RELATIVE_BASE + url[2:] if url.startswith("./") else url


def _relative_targets(data: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith(".rels"):
                content = content.replace(f'Target="{_RELATIVE_BASE}'.encode(), b'Target="./')
            target.writestr(item, content)
    return out.getvalue()


def _print_setup(sheet) -> None:
    """Printed on A4 landscape, as wide as the page, the header row on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)


def workbook(plan: ActionPlan, when: dt.datetime) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_urls": False})
    book.set_properties({
        "title": f"Action plan: {plan.organisation.name}: {plan.review_title}"[:255],
        "subject": "Action plan template for the recommendations of a CQC review",
        "author": "Care Quality Commission",
        "company": "Care Quality Commission",
        "keywords": "action plan, recommendations, safeguarding, looked after children",
        "created": when,
    })
    book.set_custom_property("Language", "en-GB")
    wrap = book.add_format({"text_wrap": True, "valign": "top", "font_name": "Arial", "font_size": 11})
    label = book.add_format({"text_wrap": True, "valign": "top", "bold": True, "font_name": "Arial", "font_size": 11})
    title = book.add_format({"bold": True, "font_name": "Arial", "font_size": 16})
    link = book.add_format({"text_wrap": True, "valign": "top", "font_name": "Arial", "font_size": 11, "underline": 1, "font_color": "#1D4F91"})
    date = book.add_format({"text_wrap": True, "valign": "top", "font_name": "Arial", "font_size": 11, "num_format": "dd/mm/yyyy"})

    about = book.add_worksheet("About this file")
    about.set_column(0, 0, 34)
    about.set_column(1, 1, 90)
    about.write_string(0, 0, f"Action plan template for {plan.organisation.name}", title)
    for about_row, (name, value) in enumerate(_about_rows(plan), start=2):
        about.write_string(about_row, 0, name, label)
        if name == "Send it to":
            about.write_url(about_row, 1, f"mailto:{value}", link, string=value)
        elif name == "Review":
            about.write_url(about_row, 1, _excel_url(plan.review_url), link, string=value)
        else:
            about.write_string(about_row, 1, value, wrap)
    about.write_string(len(_about_rows(plan)) + 3, 0, "Your action plan is on the sheet 'Action plan'; the paragraphs behind "
                       "each recommendation are on the sheet 'Evidence'.", wrap)
    about.set_landscape()
    about.set_paper(9)  # A4
    about.fit_to_pages(1, 0)

    sheet = book.add_worksheet("Action plan")
    headers = ("Review", "Recommendation", "Who must act (as printed)", "Recommendation text (word for word)",
               "Based on paragraphs", *ANSWER_COLUMNS)
    widths = (18, 16, 30, 60, 16, 45, 20, 14, 40, 15)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width, date if headers[column] == "Target date" else wrap)
    evidence_row = {}
    next_evidence = 1
    for row in plan.rows:
        evidence_row[row.number] = next_evidence + 1  # Excel rows count from 1, after the header
        next_evidence += max(1, len(row.citations))
    last = len(plan.rows)
    sheet.add_table(0, 0, max(last, 1), len(headers) - 1, {
        "name": "ActionPlan",
        "style": "Table Style Light 9",
        "columns": [{"header": h} for h in headers],
        "data": [],
    })
    for index, row in enumerate(plan.rows, start=1):
        sheet.write_string(index, 0, plan.review_name, wrap)
        sheet.write_url(index, 1, _excel_url(row.url), link, string=row.number, tip=f"Recommendation {row.number} on the review's recommendations page")
        sheet.write_string(index, 2, row.lead_in, wrap)
        sheet.write_string(index, 3, row.text, wrap)
        cited = ", ".join(c.number for c in row.citations)
        if cited:
            sheet.write_url(index, 4, f"internal:'Evidence'!A{evidence_row[row.number]}", link, string=cited,
                            tip="The paragraphs behind this recommendation, on the sheet 'Evidence'")
        else:
            sheet.write_string(index, 4, "", wrap)
    status_column = headers.index("Status")
    date_column = headers.index("Target date")
    sheet.data_validation(1, status_column, max(last, 1), status_column, {
        "validate": "list", "source": list(STATUSES),
        "input_title": "Status", "input_message": "Choose Not started, In progress or Completed.",
        "error_title": "Status", "error_message": "Choose Not started, In progress or Completed from the list.",
    })
    sheet.data_validation(1, date_column, max(last, 1), date_column, {
        "validate": "date", "criteria": "between",
        "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2099, 12, 31),
        "input_title": "Target date", "input_message": "A date, for example 31/03/2026.",
        "error_title": "Target date", "error_message": "Enter a date, for example 31/03/2026.",
    })
    sheet.freeze_panes(1, 2)
    _print_setup(sheet)
    sheet.activate()

    evidence = book.add_worksheet("Evidence")
    evidence_headers = ("Recommendation", "Paragraph", "Where to read it", "What the report found (word for word)")
    for column, width in enumerate((16, 12, 50, 90)):
        evidence.set_column(column, column, width, wrap)
    lines = [(row, citation) for row in plan.rows for citation in (row.citations or (None,))]
    evidence.add_table(0, 0, max(len(lines), 1), len(evidence_headers) - 1, {
        "name": "Evidence", "style": "Table Style Light 9", "columns": [{"header": h} for h in evidence_headers], "data": [],
    })
    for index, (row, citation) in enumerate(lines, start=1):
        evidence.write_string(index, 0, row.number, wrap)
        if citation is None:
            evidence.write_string(index, 1, "", wrap)
            evidence.write_string(index, 2, "", wrap)
            evidence.write_string(index, 3, "No paragraph of the report cites this recommendation.", wrap)
            continue
        evidence.write_string(index, 1, citation.number, wrap)
        evidence.write_url(index, 2, _excel_url(citation.url), link, string=citation.url, tip=f"Paragraph {citation.number} of the full report")
        evidence.write_string(index, 3, citation.text[:32000], wrap)
    evidence.freeze_panes(1, 0)
    _print_setup(evidence)
    book.close()
    return _relative_targets(out.getvalue())


# --- Word ---------------------------------------------------------------------------------


def _hyperlink(paragraph, url: str, text: str) -> None:
    """A real link (python-docx has no call for one): a relationship to the URL and a styled run."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "1D4F91")
    properties.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _repeat_header(row) -> None:
    """The header row repeats on every page, and tells screen readers it is the header."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    no_split = OxmlElement("w:cantSplit")
    properties.append(no_split)


def word_document(plan: ActionPlan, when: dt.datetime) -> bytes:
    from docx.shared import Mm, Pt

    from .docx_export import BRAND, blank_document, saved, set_font

    document = blank_document(margin_mm=15, landscape=True)
    styles = document.styles
    set_font(styles["Normal"], 10.5)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    set_font(styles["Heading 1"], 18, True, BRAND)
    set_font(styles["Heading 2"], 14, True, BRAND)

    document.add_heading(f"Action plan template for {plan.organisation.name}", level=1)
    for name, value in _about_rows(plan):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{name}: ").bold = True
        if name == "Send it to":
            _hyperlink(paragraph, f"mailto:{value}", value)
        elif name == "Review":
            _hyperlink(paragraph, plan.review_url, value)
        else:
            paragraph.add_run(value)

    document.add_heading("Action plan", level=2)
    headers = ("Recommendation", "Recommendation text (word for word)", "Based on paragraphs", *ANSWER_COLUMNS)
    widths = (Mm(22), Mm(70), Mm(22), Mm(55), Mm(25), Mm(22), Mm(25), Mm(20))
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    _repeat_header(table.rows[0])
    for cell, header, width in zip(table.rows[0].cells, headers, widths):
        cell.width = width
        cell.paragraphs[0].add_run(header).bold = True
    for row in plan.rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths):
            cell.width = width
        _hyperlink(cells[0].paragraphs[0], row.url, row.number)
        lead_in = cells[1].paragraphs[0].add_run(row.lead_in)
        lead_in.italic = True
        cells[1].add_paragraph(row.text)
        for position, citation in enumerate(row.citations):
            if position:
                cells[2].paragraphs[0].add_run(", ")
            _hyperlink(cells[2].paragraphs[0], citation.url, citation.number)
        if not row.citations:
            cells[2].paragraphs[0].add_run("None")
    document.add_paragraph()
    document.add_paragraph(f"Status: {', '.join(STATUSES)}.")

    return saved(document, when, title=f"Action plan: {plan.organisation.name}: {plan.review_title}",
                 subject="Action plan template for the recommendations of a CQC review",
                 keywords="action plan, recommendations, safeguarding, looked after children")


# --- CSV ----------------------------------------------------------------------------------

CSV_HEADERS = (
    "Review", "Review URL", "Organisation", "Organisation type", "Recommendation", "Recommendation URL",
    "Who must act (as printed)", "Recommendation text", "Based on paragraphs", "Paragraph URLs", "Due date",
    *ANSWER_COLUMNS,
)


def csv_file(plan: ActionPlan) -> bytes:
    """UTF-8, one header row, one row per recommendation; several URLs are separated by spaces.

    Numbers are written as "Recommendation 2.10" and "Paragraph 3.10": a spreadsheet opening a
    CSV file reads a bare 2.10 as the number 2.1 (seen in LibreOffice), which is another recommendation."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in plan.rows:
        writer.writerow(spreadsheet_safe(value) for value in (
            plan.review_title, plan.review_url, plan.organisation.name, plan.organisation_type, f"Recommendation {row.number}", row.url,
            row.lead_in, row.text, ", ".join(f"Paragraph {c.number}" for c in row.citations), " ".join(c.url for c in row.citations),
            plan.due.isoformat() if plan.due else "", "", "", "", "", "",
        ))
    return out.getvalue().encode("utf-8")


WRITERS = {
    "xlsx": workbook,
    "docx": word_document,
    "csv": lambda plan, when: csv_file(plan),
}

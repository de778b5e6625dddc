"""The CPD reflection template as a Word document, for portfolios kept in Word.

Same questions as the web form and the PDF (content/cpd-template.yaml or the
review's own), the review's title and publication date, and a bordered box
under each question to type the answer in. Checkbox questions get Word
checkbox content controls (a box that ticks when clicked).

The file is reproducible: the same content gives the same bytes. The
document's dates come from SOURCE_DATE_EPOCH when it is set, otherwise from
the review's publication date, and every zip entry has that same timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .inline import plain
from .model import CpdQuestion, Review
from .outputs import size_label

BRAND = RGBColor(0x2B, 0x12, 0x38)
FONT = "Arial"
PART_TITLES = {
    "record": "Part 1: reflection and action plan",
    "nmc": "Part 2 (optional): for NMC revalidation",
}
PART_INTROS = {
    "record": None,
    "nmc": "For nurses and midwives: what your CPD log asks for, then the questions of the NMC reflective "
    "account form, so you can copy your answers into them.",
}
NOTICE = "Do not include information that could identify a child, family or colleague."


@dataclass(frozen=True)
class DocxInfo:
    size: int

    @property
    def size_label(self) -> str:
        return size_label(self.size)


def document_date(review: Review) -> dt.datetime:
    """The date the file claims: SOURCE_DATE_EPOCH, else the publication date (UTC midnight)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(max(int(epoch), 315532800), dt.UTC).replace(tzinfo=None)
    m = review.metadata
    day = m.publication_date
    if day is None and m.publication_month:
        try:
            parsed = dt.datetime.strptime(m.publication_month.strip(), "%B %Y")
            day = dt.date(parsed.year, parsed.month, 1)
        except ValueError:
            day = None
    if day is None and m.review_dates:
        day = m.review_dates.end
    day = max(day or dt.date(1980, 1, 1), dt.date(1980, 1, 1))  # zip dates start in 1980
    return dt.datetime(day.year, day.month, day.day)


def _publication_text(review: Review) -> str | None:
    m = review.metadata
    if m.publication_date:
        return f"{m.publication_date.day} {m.publication_date.strftime('%B %Y')}"
    return m.publication_month


def set_font(style, size: float, bold: bool | None = None, color: RGBColor | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = color or RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def set_language(document) -> None:
    """en-GB for spelling and for screen readers, on the document defaults."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "en-GB")
    lang.set(qn("w:bidi"), "ar-SA")


def _answer_style(document):
    style = document.styles.add_style("Answer box", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.3
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    # Word joins consecutive paragraphs with the same borders into one box.
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "8")  # eighths of a point: 1 pt
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    ppr.append(borders)
    ppr_indent = OxmlElement("w:ind")
    ppr_indent.set(qn("w:left"), "113")
    ppr_indent.set(qn("w:right"), "113")
    ppr.append(ppr_indent)
    return style


def _checkbox(paragraph, control_id: int, label: str) -> None:
    """A Word checkbox content control (☐ that becomes ☒ when clicked), then its label."""
    sdt = OxmlElement("w:sdt")
    properties = OxmlElement("w:sdtPr")
    alias = OxmlElement("w:alias")
    alias.set(qn("w:val"), label)
    properties.append(alias)
    ident = OxmlElement("w:id")
    ident.set(qn("w:val"), str(control_id))
    properties.append(ident)
    box = OxmlElement("w14:checkbox")
    checked = OxmlElement("w14:checked")
    checked.set(qn("w14:val"), "0")
    box.append(checked)
    for name, char in (("w14:checkedState", "2612"), ("w14:uncheckedState", "2610")):
        state = OxmlElement(name)
        state.set(qn("w14:val"), char)
        state.set(qn("w14:font"), "MS Gothic")
        box.append(state)
    properties.append(box)
    sdt.append(properties)
    content = OxmlElement("w:sdtContent")
    run = OxmlElement("w:r")
    run_properties = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:eastAsia", "w:hAnsi"):
        fonts.set(qn(attribute), "MS Gothic")
    fonts.set(qn("w:hint"), "eastAsia")
    run_properties.append(fonts)
    run.append(run_properties)
    text = OxmlElement("w:t")
    text.text = "\u2610"
    run.append(text)
    content.append(run)
    sdt.append(content)
    paragraph._p.append(sdt)
    paragraph.add_run(f" {label}")


def drop_unused_parts(document) -> None:
    """Parts of python-docx's template this file does not need: a thumbnail of an
    unrelated page, Word 2010's copy of the styles, an empty bibliography."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            document.part.rels.pop(rel_id)


def blank_document(margin_mm: float, landscape: bool = False):
    """An A4 document in en-GB without python-docx's unused template parts."""
    document = Document()
    drop_unused_parts(document)
    set_language(document)
    section = document.sections[0]
    if landscape:
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(margin_mm)
    section.left_margin = section.right_margin = Mm(margin_mm)
    return document


def cpd_document(review: Review, questions: list[CpdQuestion]) -> bytes:
    """The .docx file, as bytes."""
    title = plain(review.title)
    document = blank_document(margin_mm=20)
    styles = document.styles
    set_font(styles["Normal"], 11)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    set_font(styles["Heading 1"], 20, True, BRAND)
    set_font(styles["Heading 2"], 15, True, BRAND)
    set_font(styles["Heading 3"], 12, True)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        styles[name].paragraph_format.keep_with_next = True
    styles["Heading 3"].paragraph_format.space_before = Pt(14)
    styles["Heading 3"].paragraph_format.space_after = Pt(4)
    hint_style = styles.add_style("Hint", WD_STYLE_TYPE.PARAGRAPH)
    hint_style.base_style = styles["Normal"]
    set_font(hint_style, 10.5, color=RGBColor(0x48, 0x49, 0x49))
    hint_style.paragraph_format.space_after = Pt(4)
    hint_style.paragraph_format.keep_with_next = True
    answer = _answer_style(document)

    document.add_heading("Reflection and CPD record", level=1)
    details = document.add_paragraph()
    details.add_run("Report: ").bold = True
    details.add_run(title)
    publication = _publication_text(review)
    published = document.add_paragraph()
    published.add_run("Published by: ").bold = True
    published.add_run("Care Quality Commission" + (f", {publication}" if publication else ""))
    notice = document.add_paragraph()
    notice.add_run(NOTICE).bold = True
    document.add_paragraph(
        "Type your answers in the boxes under the questions. Keep this record in your portfolio, "
        "for example as evidence for revalidation or appraisal."
    )

    control_id = 1
    for part in ("record", "nmc"):
        part_questions = [q for q in questions if q.part == part]
        if not part_questions:
            continue
        # The optional part follows on the same page, as in the PDF: a page of its own left most
        # of the page before it empty.
        document.add_heading(PART_TITLES[part], level=2)
        if PART_INTROS[part]:
            document.add_paragraph(PART_INTROS[part]).paragraph_format.keep_with_next = True
        for question in part_questions:
            document.add_heading(question.label, level=3)
            if question.hint:
                document.add_paragraph(question.hint, style=hint_style)
            if question.kind == "checkboxes":
                for number, option in enumerate(question.options, 1):
                    box = document.add_paragraph()
                    box.paragraph_format.keep_with_next = number < len(question.options)
                    _checkbox(box, control_id, option.label)
                    control_id += 1
                continue
            for line in range(question.answer_lines):
                box_line = document.add_paragraph(style=answer)
                # One box is never split between pages.
                box_line.paragraph_format.keep_with_next = line < question.answer_lines - 1

    return saved(document, document_date(review), title=f"Reflection and CPD record: {title}",
                 subject="Continuing professional development (CPD) reflection",
                 comments=f"A template for reflecting on the CQC report {title}.",
                 keywords="CPD, reflection, revalidation, safeguarding, looked after children")


def saved(document, when: dt.datetime, *, title: str, subject: str, keywords: str, comments: str = "") -> bytes:
    """The document's bytes: its properties set (CQC as author, en-GB, the given date), reproducibly zipped."""
    core = document.core_properties
    core.title = title[:255]  # Word's limit: a longer title stopped the build
    core.subject = subject
    core.author = "Care Quality Commission"
    if comments:
        core.comments = comments[:255]
    core.keywords = keywords
    core.language = "en-GB"
    core.last_modified_by = ""
    core.revision = 1
    core.created = core.modified = when
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue(), when)


# python-docx's template says it was made by "Microsoft Macintosh Word" from "Normal.dotm":
# the file names the program that made it instead, and no template.
APP_PROPERTIES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>reviewpress</Application><DocSecurity>0</DocSecurity><Company>Care Quality Commission</Company>"
    b"</Properties>"
)


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry's timestamp and attributes fixed, and the application named truthfully."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            content = APP_PROPERTIES if item.filename == "docProps/app.xml" else source.read(item.filename)
            target.writestr(info, content, compresslevel=9)
    return out.getvalue()


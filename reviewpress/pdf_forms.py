"""Accessible names for the fields of a fillable PDF.

WeasyPrint 70 names each AcroForm field (/TU, what a screen reader announces)
after the laid-out text of its <label>, and joins the label's lines without a
space: "... and how" + "will you address these?" becomes "... and howwill you
address these?". Here every field's /TU is set again from the HTML: the text
of the <label for> of the input or textarea with that name, with its
whitespace collapsed, exactly as the label reads.

WeasyPrint's checkboxes also lack the default appearance (/DA) and caption
(/MK /CA) that viewers which redraw fields themselves (poppler: Evince,
Okular; the file asks for it with /NeedAppearances) need to draw the tick:
they get the ones Acrobat writes, a ZapfDingbats check mark.

Cached PDFs are keyed on pdf.POSTPROCESS_VERSION, not on this code: bump it
when what these functions write changes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pikepdf

_FIELDS = {"input", "textarea", "select"}


class _LabelParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names_by_id: dict[str, str] = {}
        self.label_text: dict[str, str] = {}
        self._labels: list[tuple[str | None, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _FIELDS and attributes.get("id") and attributes.get("name"):
            self.names_by_id[attributes["id"]] = attributes["name"]
        elif tag == "label":
            self._labels.append((attributes.get("for"), []))

    def handle_endtag(self, tag):
        if tag == "label" and self._labels:
            target, parts = self._labels.pop()
            if target:
                self.label_text[target] = "".join(parts)

    def handle_data(self, data):
        for _, parts in self._labels:
            parts.append(data)


def field_labels(html: str) -> dict[str, str]:
    """Field name -> the text of its <label for=...>, whitespace collapsed."""
    parser = _LabelParser()
    parser.feed(html)
    parser.close()
    return {
        name: re.sub(r"\s+", " ", parser.label_text[ident]).strip()
        for ident, name in parser.names_by_id.items()
        if ident in parser.label_text
    }


def name_fields(pdf: pikepdf.Pdf, html: str) -> None:
    """Set every labelled field's /TU to its label's text as it reads in the HTML,
    and give checkboxes what viewers need to draw their tick."""
    acroform = pdf.Root.get("/AcroForm")
    if acroform is None:
        return
    labels = field_labels(html)
    for field in acroform.get("/Fields", []):
        name = str(field.get("/T", ""))
        if name in labels:
            field.TU = pikepdf.String(labels[name])
        if field.get("/FT") == pikepdf.Name.Btn and "/Kids" not in field and "/A" not in field:
            _checkbox_appearance(pdf, acroform, field)


def _checkbox_appearance(pdf: pikepdf.Pdf, acroform: pikepdf.Dictionary, field: pikepdf.Dictionary) -> None:
    resources = acroform.get("/DR")
    if resources is None:
        return
    fonts = resources.get("/Font")
    if fonts is None:
        resources.Font = fonts = pikepdf.Dictionary()
    if "/ZaDb" not in fonts:
        fonts.ZaDb = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.ZapfDingbats)
        )
    field.DA = pikepdf.String("/ZaDb 0 Tf 0 g")
    characteristics = field.get("/MK")
    if characteristics is None:
        field.MK = characteristics = pikepdf.Dictionary()
    characteristics.CA = pikepdf.String("4")  # ZapfDingbats: a check mark
    normal = field.get("/AP", {}).get("/N")
    if isinstance(normal, pikepdf.Dictionary) and "/Off" not in normal:
        rect = [float(x) for x in field.Rect]
        normal.Off = pdf.make_stream(
            b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
            BBox=pikepdf.Array([0, 0, abs(rect[2] - rect[0]), abs(rect[3] - rect[1])]),
        )

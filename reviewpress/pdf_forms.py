"""Accessible names for the fields of a fillable PDF.

WeasyPrint 70 names each AcroForm field (/TU, what a screen reader announces)
after the laid-out text of its <label>, and joins the label's lines without a
space: "... and how" + "will you address these?" becomes "... and howwill you
address these?". Here every field's /TU is set again from the HTML: the text
of the <label for> of the input or textarea with that name, with its
whitespace collapsed, exactly as the label reads.

WeasyPrint asks viewers to redraw every field (/NeedAppearances), and those
that do (poppler: Evince, Okular) cannot draw its checkboxes' tick, which
needs a default appearance font. A ZapfDingbats tick would do, but PDF/UA
wants every font embedded, and ZapfDingbats cannot be. So the checkboxes get
an empty "Off" appearance beside WeasyPrint's drawn tick ("on", a path: no
font), and /NeedAppearances goes: viewers draw what the file holds (the empty
text fields need nothing until someone types in them, when every viewer makes
their appearance itself).

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
    if "/NeedAppearances" in acroform:
        del acroform["/NeedAppearances"]
    normal = field.get("/AP", {}).get("/N")
    if isinstance(normal, pikepdf.Dictionary) and "/Off" not in normal:
        rect = [float(x) for x in field.Rect]
        normal.Off = pdf.make_stream(
            b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
            BBox=pikepdf.Array([0, 0, abs(rect[2] - rect[0]), abs(rect[3] - rect[1])]),
        )

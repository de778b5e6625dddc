"""Accessible names for the fields of a fillable PDF.

WeasyPrint 70 names each AcroForm field (/TU, what a screen reader announces)
after the laid-out text of its <label>, and joins the label's lines without a
space: "... and how" + "will you address these?" becomes "... and howwill you
address these?"; the hint under a label (aria-describedby) and the question of
a group of checkboxes (its fieldset's legend) are not in the name at all, so a
screen reader announced "Date" without "For example, 14 March 2024." and
"Preserve safety" without "Which themes of the Code is this relevant to?".
Here every field's /TU is set again from the HTML, as one reads the form: the
fieldset's legend and hint (checkboxes), then the text of the field's
<label for> and its hint, whitespace collapsed ("Date. For example, 14 March
2024."). The labels themselves are tagged Lbl beside their Form element by
pdf_tags.

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


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _LabelParser(HTMLParser):
    """Each field's label, the hints it is described by, and the question of the fieldset it is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[dict] = []  # name, id, described_by, fieldset (index into fieldsets)
        self.fieldsets: list[dict] = []  # legend, described_by
        self.label_text: dict[str, str] = {}
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None, str | None, list[str]]] = []  # tag, id, label for, text
        self._fieldsets: list[int] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _FIELDS and attributes.get("id") and attributes.get("name"):
            self.fields.append({
                "name": attributes["name"], "id": attributes["id"],
                "described_by": (attributes.get("aria-describedby") or "").split(),
                "fieldset": self._fieldsets[-1] if self._fieldsets else None,
            })
        if tag == "fieldset":
            self.fieldsets.append({"legend": "", "described_by": (attributes.get("aria-describedby") or "").split()})
            self._fieldsets.append(len(self.fieldsets) - 1)
        if tag not in _VOID:
            self._open.append((tag, attributes.get("id"), attributes.get("for") if tag == "label" else None, []))

    def handle_endtag(self, tag):
        if tag in _VOID or not any(t == tag for t, *_ in self._open):
            return
        while self._open:
            name, ident, target, parts = self._open.pop()
            text = "".join(parts)
            if ident:
                self.text_by_id[ident] = text
            if name == "label" and target:
                self.label_text[target] = text
            if name == "legend" and self._fieldsets:
                self.fieldsets[self._fieldsets[-1]]["legend"] = text
            if name == "fieldset" and self._fieldsets:
                self._fieldsets.pop()
            if name == tag:
                break

    def handle_data(self, data):
        for *_, parts in self._open:
            parts.append(data)


def _sentences(parts: list[str]) -> str:
    """Parts of a name joined as sentences: "Date" and "For example, 14 March 2024." make
    "Date. For example, 14 March 2024."; the last part keeps its own ending."""
    parts = [re.sub(r"\s+", " ", p).strip() for p in parts]
    parts = [p for p in parts if p]
    return " ".join(p if i == len(parts) - 1 or p[-1] in ".?!:" else p + "." for i, p in enumerate(parts))


def field_labels(html: str) -> dict[str, str]:
    """Field name -> its accessible name as one reads the form: the question of its fieldset and
    that question's hint (checkboxes), then its own label and hint, whitespace collapsed."""
    parser = _LabelParser()
    parser.feed(html)
    parser.close()
    names = {}
    for field in parser.fields:
        if field["id"] not in parser.label_text:
            continue
        parts = []
        if field["fieldset"] is not None:
            fieldset = parser.fieldsets[field["fieldset"]]
            parts += [fieldset["legend"]] + [parser.text_by_id.get(i, "") for i in fieldset["described_by"]]
        parts += [parser.label_text[field["id"]]] + [parser.text_by_id.get(i, "") for i in field["described_by"]]
        names[field["name"]] = _sentences(parts)
    return names


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


def _checkbox_appearance(pdf: pikepdf.Pdf, acroform: pikepdf.Object, field: pikepdf.Object) -> None:
    if "/NeedAppearances" in acroform:
        del acroform["/NeedAppearances"]
    appearances = field.get("/AP")
    normal = appearances.get("/N") if appearances is not None else None
    if isinstance(normal, pikepdf.Dictionary) and "/Off" not in normal:
        rect = [float(x) for x in field.Rect]
        normal.Off = pdf.make_stream(
            b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
            BBox=pikepdf.Array([0, 0, abs(rect[2] - rect[0]), abs(rect[3] - rect[1])]),
        )

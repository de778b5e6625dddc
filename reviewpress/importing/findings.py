"""Numbered parts of a report: sub-sections of numbered findings and case examples.

Used for "The child's journey" (sub-sections 1-4, findings S.N) and
"Management" (sub-sections 5.1-5.3, findings 5.S.N).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import plain_blocks
from .crossrefs import is_bracket_only, split_note
from .notes import Notes
from .paragraphs import BOX_LABEL, Paragraph, names_only_the_kind

_NUMBER = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?\s+(?P<rest>\S.*)$")
_HEADING_MAX_WORDS = 8
# Unlabelled case examples name their case: "Case A ...", "Child B was ...",
# "A's placement ...", or start with a person: "A woman presented at ED ...".
_CASE_START = re.compile(
    r"^(?:(?:Case|Child|Young person|Family)\s+[A-Z]\b|[A-Z][’']s\b|An?\s+(?:woman|man|mother|father|child|baby|young|girl|boy|teenage|\d))"
)
_SHORT_HEADING = re.compile(r"^[A-Z][^.:;]{0,40}$")


@dataclass
class Part:
    """A sub-section being filled: its blocks, and the finding or case example still open."""

    section: dict
    open_finding: dict | None = None
    open_case: dict | None = None


def numbered_sections(
    paragraphs: list[Paragraph], prefix: str, notes: Notes
) -> tuple[list[dict], list[dict]]:
    """Intro blocks and sub-sections of a numbered part of the report.

    `prefix` is "" for the child's journey (sub-sections "1".."4") and e.g.
    "5" for Management (sub-sections "5.1".."5.3").
    """
    intro: list[Paragraph] = []
    sections: list[dict] = []
    part: Part | None = None
    for paragraph in paragraphs:
        heading = _subsection_heading(paragraph, prefix)
        if heading:
            if part:
                _close(part, notes)
            part = Part({"title": heading[1], "number": heading[0], "blocks": []})
            notes.place(paragraph, "heading", f"heading {heading[0]} {heading[1]!r}")
            sections.append(part.section)
            continue
        if part is None:
            intro.append(paragraph)
            continue
        _place(part, paragraph, notes)
    if part:
        _close(part, notes)
    return plain_blocks(intro, notes), sections


def _subsection_heading(paragraph: Paragraph, prefix: str) -> tuple[str, str] | None:
    match = _NUMBER.match(paragraph.text)
    if not match or paragraph.bullet:
        return None
    number, title = match["number"], match["rest"].strip()
    depth = 1 if not prefix else prefix.count(".") + 2
    if number.count(".") + 1 != depth or (prefix and not number.startswith(prefix + ".")):
        return None
    if len(title.split()) > _HEADING_MAX_WORDS or title.endswith((".", ":", ";")):
        return None
    return number, title


def _place(part: Part, paragraph: Paragraph, notes: Notes) -> None:
    text = paragraph.text
    number = _finding_number(paragraph, part.section["number"])
    # _finding_number reads number from this same match, so whenever there is a number the match is there
    if number and (numbered := _NUMBER.match(text)) is not None:
        _close_case(part, notes)
        _close_finding(part)
        part.open_finding = {"number": number, "text": numbered["rest"]}
        part.section["blocks"].append({"finding": part.open_finding})
        notes.place(paragraph, "finding", f"finding {number}")
        return
    label = BOX_LABEL.match(text)
    if label and is_layout_tag(label):
        # Alone on its line in capitals, with no number and no colon, "CASE EXAMPLE" is a layout's
        # tag on every box (capitals by CSS; the PDF reader writes a tag set in small print, as our
        # own PDFs print one on a box the report left unlabelled, so too), not the box's own label.
        _close_case(part, notes)
        _close_finding(part)
        part.open_case = {"paragraphs": []}
        part.section["blocks"].append({"case_example": part.open_case})
        notes.place(paragraph, "case example", "case example box (unlabelled; its printed tag left out)")
        notes.check(paragraph.line, f"an unlabelled case-example box starts here: {label['label']!r}, alone on its line "
                    "in capitals (or in a PDF's small print), was read as the layout's tag for a box and left out",
                    f"Is line {paragraph.line} the start of a case-example box without a label of its own? "
                    f"{label['label']!r} stands alone on its line in capitals (or in a PDF's small print), so it was "
                    "read as the layout's tag (the site prints \"Case example\" on every unlabelled box) and left out.")
        return
    if label:
        _close_case(part, notes)
        _close_finding(part)
        part.open_case = {"label": label["label"], "paragraphs": []}
        part.section["blocks"].append({"case_example": part.open_case})
        notes.place(paragraph, "case example", f"case example box {label['label']!r}")
        notes.check(paragraph.line, f"case-example box {label['label']!r} starts here (its label read from the line)",
                    f"Is line {paragraph.line} the start of a case-example box labelled {label['label']!r}?")
        if label["rest"]:
            rest = Paragraph(label["rest"].strip(), paragraph.line, raw=paragraph.raw, lines=paragraph.lines)
            part.open_case["paragraphs"].append(rest)
        return
    if part.open_case is not None:
        part.open_case["paragraphs"].append(paragraph)
        notes.place(paragraph, "case example", f"case example box {part.open_case.get('label') or '(unlabelled)'!r}")
        return
    if part.open_finding is not None and is_bracket_only(text):
        part.open_finding["text"] += "\n\n" + text
        notes.place(paragraph, "finding", f"finding {part.open_finding['number']} (its cross-reference)")
        return
    if part.open_finding is not None and not paragraph.bullet and not _CASE_START.match(text):
        number = part.open_finding["number"]
        notes.check(paragraph.line, f"unnumbered paragraph added to finding {number} as a further paragraph",
                    f"Is line {paragraph.line} part of finding {number}? It has no number, so it was added to the "
                    f"finding as a further paragraph; if it is a box or a paragraph of its own, move it.")
        part.open_finding["text"] += "\n\n" + text
        notes.place(paragraph, "finding", f"finding {number} (unnumbered paragraph added)")
        return
    if part.open_finding is not None or paragraph.bullet:
        notes.check(paragraph.line, "unlabelled paragraph made the start of a case example",
                    f"Is line {paragraph.line} the start of an unlabelled case example? It starts like one "
                    f"({text[:40]!r}), so it was taken out of the finding before it.")
        _close_finding(part)
        part.open_case = {"paragraphs": [paragraph]}
        part.section["blocks"].append({"case_example": part.open_case})
        notes.place(paragraph, "case example", "case example box (unlabelled)")
        return
    part.section["blocks"].extend(plain_blocks([paragraph], notes))


def is_layout_tag(label: re.Match) -> bool:
    """A box label that only names the kind of box, alone on its line and in capitals."""
    return names_only_the_kind(label) and label["label"].isupper()


def _finding_number(paragraph: Paragraph, section_number: str) -> str | None:
    match = _NUMBER.match(paragraph.text)
    if not match or paragraph.bullet:
        return None
    number = match["number"]
    if number.startswith(section_number + ".") and number.count(".") == section_number.count(".") + 1:
        return number
    return None


def _close_finding(part: Part) -> None:
    finding = part.open_finding
    if finding is None:
        return
    text, note = split_note(finding["text"])
    finding["text"] = text
    if note:
        finding["note"] = note
    part.open_finding = None


def _close_case(part: Part, notes: Notes) -> None:
    case = part.open_case
    if case is None:
        return
    paragraphs = case.pop("paragraphs")
    if paragraphs:
        last = (paragraphs[-1].lines or [paragraphs[-1].line])[-1]
        notes.check(last, f"case-example box {case.get('label') or '(unlabelled)'!r} ends at line {last}",
                    f"Does the case-example box {case.get('label') or '(unlabelled)'!r} end at line {last}? "
                    "Nothing in the text marks where a box ends; it was closed before the next numbered paragraph.")
    blocks: list[dict] = []
    run: list[Paragraph] = []
    for paragraph in paragraphs:
        if not paragraph.bullet and _SHORT_HEADING.match(paragraph.text) and len(paragraph.text.split()) <= 4:
            blocks.extend(plain_blocks(run, notes))
            run = []
            blocks.append({"heading": paragraph.text})
        else:
            run.append(paragraph)
    blocks.extend(plain_blocks(run, notes))
    case["blocks"] = blocks or [{"p": "DRAFT: empty case example"}]
    part.open_case = None


def _close(part: Part, notes: Notes) -> None:
    _close_case(part, notes)
    _close_finding(part)

"""Putting the parts of an extracted report together as a draft review (plain data)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from reviewpress.model import Metadata

from .blocks import plain_blocks
from .findings import numbered_sections
from .header import area_from_title, parse_header
from .notes import Notes
from .paragraphs import Paragraph, read_source
from .quotes import quote_groups
from .recommendations import next_steps, recommendation_groups
from .sections import Part, split_parts

DEFAULT_CHIEF_INSPECTOR_TITLE = Metadata.model_fields["deputy_chief_inspector_title"].default
PLAIN_PARTS = {"summary", "about", "method", "context", "report"}
YOUNG_PEOPLE_PLACEHOLDER = "DRAFT: key points for young people still to be written."


class NotALocalReview(ValueError):
    """The text has none of the standard headings of a local review."""


def import_report(text: str, slug: str, notes: Notes, known_organisations: Iterable[str] = ()) -> dict:
    """A draft review from a report's text. `known_organisations` (the names and other names of
    content/organisations.yaml) help keep a name holding "and" whole."""
    source = read_source(text)
    notes.source = source  # for the proof report (importing/proof.py)
    for index in source.removed:
        notes.placed.setdefault(index + 1, ("furniture", "page footer or link leftover: left out"))
    front, parts = split_parts(source.paragraphs)
    for part in parts:
        notes.placed.setdefault(part.line, ("heading", f"heading {part.title!r}"))
    if not any(part.key in PLAIN_PARTS | {"journey"} for part in parts):
        raise NotALocalReview(
            "none of the standard headings of a local review (Summary of the review, The child's journey, ...) "
            "were found; this importer drafts local CLAS reviews only"
        )
    title, subtitle, header = _front_matter(front, source.running_title, notes)
    # A draft until a person clears it (importing/drafts.py): `build` will not publish it.
    review: dict = {"slug": slug, "kind": "local-review", "status": "draft", "title": title}
    if subtitle:
        review["subtitle"] = subtitle
    area = area_from_title(title)
    if area:
        review["area"] = area
    else:
        notes.check(None, "could not read the area from the title")
    metadata = parse_header(header, notes)
    if metadata.get("deputy_chief_inspector_title") == DEFAULT_CHIEF_INSPECTOR_TITLE:
        del metadata["deputy_chief_inspector_title"]
    if metadata:
        review["metadata"] = metadata
    if not header:
        notes.check(None, "no metadata header: review dates, publication date, inspectors etc. are not stated",
                    "Does the report state its review dates, publication date or inspectors anywhere? No metadata header "
                    "was found, so the draft leaves them out.")

    # Organisation names the cover or the organisations list give in full.
    known = [*metadata.get("ccgs", []), *metadata.get("provider_services", []), *known_organisations]
    sections: list[dict] = []
    journey_count = 0
    for part in parts:
        if part.key == "contents":
            _skip_contents(part, notes)
        elif part.key in PLAIN_PARTS:
            sections.append(_section(part, plain_blocks(part.paragraphs, notes)))
        elif part.key == "people":
            sections.append(_section(part, quote_groups(part.paragraphs, notes)))
        elif part.key == "journey":
            intro, subsections = numbered_sections(part.paragraphs, "", notes)
            journey_count = len(subsections)
            sections.append(_section(part, intro, subsections))
        elif part.key == "management":
            sections.append(_management(part, journey_count, notes))
        elif part.key == "recommendations":
            recommendations_intro, groups = recommendation_groups(part.paragraphs, notes, known)
            if recommendations_intro:
                review["recommendations_intro"] = recommendations_intro
            review["recommendations"] = groups
        elif part.key == "next_steps":
            named = [name for group in review.get("recommendations", []) for name in group["organisations"]]
            steps = next_steps(part.paragraphs, notes, [*named, *known])
            if steps:
                review["next_steps"] = steps
    review["sections"] = sections
    _order(review)
    review["young_people"] = young_people_placeholder(sections)
    notes.check(None, "young_people is a placeholder: the key points for young people must be written",
                "Who will write the key points for young people? The draft holds a placeholder, which `build` refuses.")
    return review


def _front_matter(front: list[Paragraph], running_title: str | None, notes: Notes):
    header = [paragraph for paragraph in front if "\t" in paragraph.text]
    lines = [paragraph for paragraph in front if "\t" not in paragraph.text]
    first_header_line = header[0].line if header else None
    before = [paragraph for paragraph in lines if first_header_line is None or paragraph.line < first_header_line]
    for paragraph in lines:
        if paragraph not in before[:2]:
            notes.unplaced(paragraph.line, paragraph.text)
    for paragraph in before[:2]:
        notes.place(paragraph, "title", "title" if paragraph is before[0] else "subtitle")
    for paragraph in header:
        notes.place(paragraph, "metadata", "metadata header")
    if before:
        title = before[0].text
    elif running_title:
        title = running_title
        notes.check(None, f"no title in the text: taken from the page footer {title!r}",
                    f"Is the title {title!r}? The text has no title page; this is the title printed in its page footers.")
    else:
        title = "DRAFT: title not found"
        notes.check(None, "no title found")
    subtitle = before[1].text if len(before) > 1 else None
    return title, subtitle, header


def _skip_contents(part: Part, notes: Notes) -> None:
    for paragraph in part.paragraphs:
        if "\t" not in paragraph.text:
            notes.unplaced(paragraph.line, paragraph.text)
        else:
            notes.place(paragraph, "furniture", "contents list: left out, the site makes its own")
    notes.check(part.line, f"contents list ({len(part.paragraphs)} entries) not imported: the site generates it")


def _section(part: Part, blocks: list[dict], subsections: list[dict] | None = None, **extra) -> dict:
    section: dict = {"title": part.title}
    section.update(extra)
    section["blocks"] = blocks
    if subsections:
        section["sections"] = subsections
    return section


def _management(part: Part, journey_count: int, notes: Notes) -> dict:
    number = part.number or _number_of_first_subsection(part) or str(journey_count + 1)
    if not part.number:
        notes.check(part.line, f"'{part.title}' has no number in the source: numbered {number}, not shown")
    intro, subsections = numbered_sections(part.paragraphs, number, notes)
    extra = {"number": number} if part.number else {"number": number, "number_shown": False}
    return _section(part, intro, subsections, **extra)


def _number_of_first_subsection(part: Part) -> str | None:
    """An unnumbered heading takes its number from its sub-sections ("5.1 Leadership ...")."""
    for paragraph in part.paragraphs:
        match = re.match(r"^(\d+)\.\d+\s", paragraph.text)
        if match:
            return match[1]
    return None


def _order(review: dict) -> None:
    """Key order for a readable file: front matter, sections, then recommendations."""
    for key in ("recommendations_intro", "recommendations", "next_steps"):
        if key in review:
            review[key] = review.pop(key)


def first_finding(sections: list[dict]) -> str | None:
    for section in sections:
        for block in section.get("blocks", []):
            if "finding" in block:
                return block["finding"]["number"]
        found = first_finding(section.get("sections", []))
        if found:
            return found
    return None


def young_people_placeholder(sections: list[dict]) -> dict:
    finding = first_finding(sections)
    point: dict = {"text": YOUNG_PEOPLE_PLACEHOLDER}
    if finding:
        point["findings"] = [finding]
    else:
        point["sections"] = [sections[0]["title"]] if sections else ["DRAFT"]
    # The words the young people's page itself prints are explained, as every page's glossary must,
    # so that `serve` and `build --draft` can show the draft; `build` refuses it (importing/drafts.py).
    return {"intro": [YOUNG_PEOPLE_PLACEHOLDER], "sections": [{"heading": "DRAFT", "points": [point]}],
            "glossary": PLACEHOLDER_GLOSSARY}


PLACEHOLDER_GLOSSARY = [
    {"term": "Draft", "meaning": "Writing that is not finished yet."},
    {"term": "Childline", "meaning": "A free helpline for children and young people under 19. You can talk to them about any worry."},
    {"term": "Helpline", "meaning": "A phone number you can call to get help or to talk to someone."},
    {"term": "Recommendation", "meaning": "Something the report says must be done to make things better."},
]

"""The title block and the `Label:<TAB>Value` metadata header."""

from __future__ import annotations

import datetime as dt
import re

from .notes import Notes
from .paragraphs import Paragraph

# Superscript ordinals are flattened to a separate word: "18 th May 2015".
_ORDINAL = re.compile(r"\b(\d{1,2})\s*(?:st|nd|rd|th)\b", re.IGNORECASE)
_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)(?:\s+(\d{4}))?")
_RANGE_SEPARATOR = re.compile(r"\s*(?:–|—|-|\bto\b|\buntil\b)\s*")
_MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november december".split(), start=1
    )
}
_AREA = re.compile(r"Safeguarding in (?P<area>.+?)\s*$", re.IGNORECASE)
# Words that end an organisation's name in a run-together provider list.
_NAME_ENDINGS = {"Trust", "trust", "Limited", "Ltd", "services", "Service", "service"}


def parse_date(text: str) -> dt.date | None:
    dates = parse_dates(text)
    return dates[0] if len(dates) == 1 else None


def parse_dates(text: str) -> list[dt.date]:
    """Dates in "18 th May 2015 – 22 nd May 2015" or "3 rd September to 7 th September 2018".

    A date printed without a year takes the year of the date after it.
    """
    cleaned = _ORDINAL.sub(r"\1", text)
    parts = [part for part in _RANGE_SEPARATOR.split(cleaned) if part.strip()]
    found: list[tuple[int, int, int | None]] = []
    for part in parts:
        match = _DATE.search(part)
        if not match or match[2].lower() not in _MONTHS:
            return []
        found.append((int(match[1]), _MONTHS[match[2].lower()], int(match[3]) if match[3] else None))
    dates: list[dt.date] = []
    next_year: int | None = None
    for day, month, year in reversed(found):
        year = year or next_year
        if year is None:
            return []
        next_year = year
        dates.append(dt.date(year, month, day))
    return list(reversed(dates))


def area_from_title(title: str) -> str | None:
    match = _AREA.search(title)
    return match["area"] if match else None


def guess_people(value: str) -> list[str]:
    """Split run-together names ("Lee McWilliam Pauline Hyde") as first name + surname pairs."""
    words = value.split()
    return [" ".join(words[index : index + 2]) for index in range(0, len(words), 2)]


def guess_organisations(value: str) -> list[str]:
    """Split a run-together list of providers after words that usually end a name."""
    names: list[list[str]] = [[]]
    words = value.split()
    for index, word in enumerate(words):
        names[-1].append(word)
        following = words[index + 1] if index + 1 < len(words) else ""
        ends_name = word in _NAME_ENDINGS or word.endswith(")")
        if ends_name and following[:1].isupper() and following not in _NAME_ENDINGS:
            names.append([])
    return [" ".join(name) for name in names if name]


def parse_header(paragraphs: list[Paragraph], notes: Notes) -> dict:
    """Metadata from `Label:<TAB>Value` lines. Unknown labels are reported."""
    metadata: dict = {}
    for paragraph in paragraphs:
        label, _, value = paragraph.text.partition("\t")
        label, value = label.strip().rstrip(":").strip(), value.strip()
        key = label.lower()
        if not value:
            notes.unplaced(paragraph.line, paragraph.text)
        elif "date of review" in key:
            dates = parse_dates(value)
            if len(dates) == 2:
                metadata["review_dates"] = {"start": dates[0], "end": dates[1]}
            else:
                notes.check(paragraph.line, f"could not read the review dates {value!r}")
        elif "date of publication" in key:
            date = parse_date(value)
            if date:
                metadata["publication_date"] = date
            else:
                notes.check(paragraph.line, f"could not read the publication date {value!r}")
        elif "inspector" in key and "chief" not in key:
            metadata["inspectors"] = guess_people(value)
            notes.check(paragraph.line, f"inspectors split as {metadata['inspectors']} from {value!r}")
        elif "provider" in key:
            metadata["provider_services"] = guess_organisations(value)
            notes.check(paragraph.line, f"providers split as {metadata['provider_services']} from {value!r}")
        elif "ccg" in key:
            metadata["ccgs"] = guess_organisations(value)
            if len(metadata["ccgs"]) > 1:
                notes.check(paragraph.line, f"CCGs split as {metadata['ccgs']} from {value!r}")
        elif "nhs england" in key:
            metadata["nhs_england_area"] = value
        elif "region" in key:
            metadata["cqc_region"] = value
        elif "chief inspector" in key:
            metadata["deputy_chief_inspector"] = value
            metadata["deputy_chief_inspector_title"] = label
        else:
            notes.unplaced(paragraph.line, paragraph.text)
    return metadata

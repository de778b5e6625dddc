"""The Recommendations section (groups "G." and items "G.N") and Next steps."""

from __future__ import annotations

import re

from .notes import Notes
from .paragraphs import Paragraph

_GROUP = re.compile(r"^[\s*]*(?P<number>\d+)\.\s+(?P<lead_in>\S.*)$")
_ITEM = re.compile(r"^[\s*]*(?P<number>\d+\.\d+)\.?\s+(?P<text>\S.*)$")
# Words that join the organisations named in a lead-in.
_JOINERS = re.compile(r",\s*|\s+(?:and|together with|in conjunction with|in partnership with|in consultation with)\s+")
_SHOULD = re.compile(r"\s+should\b.*$", re.IGNORECASE)
_REQUIRED_FROM = re.compile(r"required from\s+(?P<who>.+?)\s+within\s+\**(?P<days>\d+)\s+working days", re.IGNORECASE)


def recommendation_groups(paragraphs: list[Paragraph], notes: Notes) -> tuple[list[str], list[dict]]:
    """Intro paragraphs (before the first group) and the groups with their items."""
    intro: list[str] = []
    groups: list[dict] = []
    for paragraph in paragraphs:
        item = _ITEM.match(paragraph.text)
        group = None if item else _GROUP.match(paragraph.text)
        if group:
            lead_in = group["lead_in"].strip()
            groups.append(
                {"number": int(group["number"]), "lead_in": lead_in, "organisations": organisations(lead_in), "items": []}
            )
            notes.check(paragraph.line, f"group {group['number']} organisations: {groups[-1]['organisations']}")
        elif item and groups:
            expected_group = str(groups[-1]["number"])
            if item["number"].split(".")[0] != expected_group:
                notes.check(paragraph.line, f"item {item['number']} sits under group {expected_group}")
            groups[-1]["items"].append({"number": item["number"], "text": item["text"].strip()})
        elif groups and groups[-1]["items"]:
            notes.check(paragraph.line, f"unnumbered paragraph added to item {groups[-1]['items'][-1]['number']}")
            groups[-1]["items"][-1]["text"] += " " + paragraph.text
        elif not groups:
            intro.append(paragraph.text)
        else:
            notes.unplaced(paragraph.line, paragraph.text)
    empty = [group for group in groups if not group["items"]]
    for group in empty:
        notes.unplaced(None, f"recommendation group {group['number']} has no items: {group['lead_in']}")
    return intro, [group for group in groups if group["items"]]


def organisations(lead_in: str) -> list[str]:
    """A best guess at the organisations named before "should"."""
    who = _SHOULD.sub("", lead_in)
    names = [name.strip() for name in _JOINERS.split(who) if name and name.strip()]
    # A single word before "and" is part of one name ("Staffordshire and Stoke
    # NHS Partnership Trust"), not an organisation of its own.
    merged: list[str] = []
    for name in names:
        if merged and len(merged[-1].split()) == 1 and re.search(rf"\b{re.escape(merged[-1])} and {re.escape(name)}", who):
            merged[-1] = f"{merged[-1]} and {name}"
        else:
            merged.append(name)
    return merged or [who]


def next_steps(paragraphs: list[Paragraph], notes: Notes) -> dict | None:
    if not paragraphs:
        return None
    texts = [paragraph.text for paragraph in paragraphs]
    result: dict = {"required_from": [], "deadline_working_days": 20, "paragraphs": texts}
    for paragraph in paragraphs:
        match = _REQUIRED_FROM.search(paragraph.text.replace("**", ""))
        if match:
            result["required_from"] = [name.strip() for name in re.split(r",\s*|\s+and\s+", match["who"]) if name.strip()]
            result["deadline_working_days"] = int(match["days"])
            notes.check(paragraph.line, f"action plan required from {result['required_from']}")
            break
    else:
        notes.check(paragraphs[0].line, "could not find who must send the action plan")
        result["required_from"] = ["DRAFT: not found"]
    return result

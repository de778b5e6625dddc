"""The Recommendations section (groups "G." and items "G.N") and Next steps."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .notes import Notes
from .paragraphs import Paragraph

_GROUP = re.compile(r"^[\s*]*(?P<number>\d+)\.\s+(?P<lead_in>\S.*)$")
_ITEM = re.compile(r"^[\s*]*(?P<number>\d+\.\d+)\.?\s+(?P<text>\S.*)$")
# Words that join the organisations named in a lead-in.
_JOINERS_KEPT = re.compile(r"(,\s*|\s+(?:and|together with|in conjunction with|in partnership with|in consultation with)\s+)")
_SHOULD = re.compile(r"\s+should\b.*$", re.IGNORECASE)
_REQUIRED_FROM = re.compile(r"required from\s+(?P<who>.+?)\s+within\s+\**(?P<days>\d+)\s+working days", re.IGNORECASE)


def recommendation_groups(
    paragraphs: list[Paragraph], notes: Notes, known: Iterable[str] = ()
) -> tuple[list[str], list[dict]]:
    """Intro paragraphs (before the first group) and the groups with their items.

    `known` are organisation names the report or the organisations list already gives (the
    cover's lists, content/organisations.yaml): a name holding "and" is kept whole when known.
    """
    intro: list[str] = []
    groups: list[dict] = []
    for paragraph in paragraphs:
        item = _ITEM.match(paragraph.text)
        group = None if item else _GROUP.match(paragraph.text)
        if group:
            lead_in = group["lead_in"].strip()
            groups.append(
                {"number": int(group["number"]), "lead_in": lead_in, "organisations": organisations(lead_in, known), "items": []}
            )
            notes.check(paragraph.line, f"group {group['number']} organisations: {groups[-1]['organisations']}",
                        f"Are the organisations of recommendation group {group['number']} {groups[-1]['organisations']}? "
                        "They were split from its lead-in at commas and joining words.")
            notes.place(paragraph, "recommendation group", f"recommendation group {group['number']}")
        elif item and groups:
            expected_group = str(groups[-1]["number"])
            if item["number"].split(".")[0] != expected_group:
                notes.check(paragraph.line, f"item {item['number']} sits under group {expected_group}")
            groups[-1]["items"].append({"number": item["number"], "text": item["text"].strip()})
            notes.place(paragraph, "recommendation", f"recommendation {item['number']}")
        elif groups and groups[-1]["items"]:
            notes.check(paragraph.line, f"unnumbered paragraph added to item {groups[-1]['items'][-1]['number']}")
            groups[-1]["items"][-1]["text"] += " " + paragraph.text
            notes.place(paragraph, "recommendation", f"recommendation {groups[-1]['items'][-1]['number']} (unnumbered line added)")
        elif not groups:
            intro.append(paragraph.text)
            notes.place(paragraph, "paragraph", "recommendations introduction")
        else:
            notes.unplaced(paragraph.line, paragraph.text)
    empty = [group for group in groups if not group["items"]]
    for unfilled in empty:
        notes.unplaced(None, f"recommendation group {unfilled['number']} has no items: {unfilled['lead_in']}")
    return intro, [group for group in groups if group["items"]]


def name_key(name: str) -> str:
    """Names compare without case, spacing or the difference between "&" and "and"."""
    return " ".join(name.replace("&", " and ").lower().split())


def organisations(lead_in: str, known: Iterable[str] = ()) -> list[str]:
    """A best guess at the organisations named before "should".

    The names are split at commas and joining words ("and", "together with", ...); pieces
    that together make a known organisation's name ("Bath and North East Somerset CCG") are
    joined again, the longest known name first.
    """
    who = _SHOULD.sub("", lead_in).strip()
    parts = _JOINERS_KEPT.split(who)
    names, joiners = parts[0::2], parts[1::2]
    known_keys = {name_key(name) for name in known if name}
    merged: list[str] = []
    index = 0
    while index < len(names):
        end = index + 1
        for stop in range(len(names), index + 1, -1):
            candidate = names[index] + "".join(joiners[k] + names[k + 1] for k in range(index, stop - 1))
            if name_key(candidate) in known_keys:
                end = stop
                break
        text = names[index] + "".join(joiners[k] + names[k + 1] for k in range(index, end - 1))
        # A single word before "and" is part of one name ("Staffordshire and Stoke NHS
        # Partnership Trust", "Bath and North East Somerset CCG"), not an organisation of its own.
        if end == index + 1 and len(text.split()) == 1 and end < len(names) and joiners[index].strip() == "and":
            text += joiners[index] + names[end]
            end += 1
        merged.append(text.strip())
        index = end
    merged = [name for name in merged if name]
    return merged or [who]


def next_steps(paragraphs: list[Paragraph], notes: Notes, known: Iterable[str] = ()) -> dict | None:
    """The paragraphs, and who must send the action plan (names resolved against `known`)."""
    if not paragraphs:
        return None
    texts = [paragraph.text for paragraph in paragraphs]
    for paragraph in paragraphs:
        notes.place(paragraph, "next steps", "next steps")
    result: dict = {"required_from": [], "deadline_working_days": 20, "paragraphs": texts}
    for paragraph in paragraphs:
        match = _REQUIRED_FROM.search(paragraph.text.replace("**", ""))
        if match:
            result["required_from"] = organisations(match["who"], known)
            result["deadline_working_days"] = int(match["days"])
            notes.check(paragraph.line, f"action plan required from {result['required_from']}",
                        f"Is the action plan required from {result['required_from']}?")
            break
    else:
        notes.check(paragraphs[0].line, "could not find who must send the action plan")
        result["required_from"] = ["DRAFT: not found"]
    return result

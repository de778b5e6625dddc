""""What people told us": quotes grouped under the line that introduces their speakers."""

from __future__ import annotations

import re

from .notes import Notes
from .paragraphs import Paragraph

_OPENING = "“\""
_CLOSING = "”\""
# "We heard from children and young people in care:", "Foster Carers told us;"
_INTRO_END = re.compile(r"[:;]\s*$")
_SPEAKER_DASH = re.compile(r"^[–—-]\s*(?P<speaker>.+)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_PRONOUNS = {"they", "we", "he", "she", "these", "those"}
_WHO = re.compile(r"\b(?:met|heard from|spoke (?:to|with)|asked)\s+(?:some|a number of|several|a few)?\s*(?P<who>.+?)(?:\s+(?:on|in|at|from|who)\b.*)?$")
_MAX_SPEAKER_WORDS = 16
_SENTENCE_AT_END = re.compile(r"[.!?][”’\"')*]*$")


def quote_groups(paragraphs: list[Paragraph], notes: Notes) -> list[dict]:
    """Blocks for the section: one `quotes` block per speaker group."""
    marked = any(_has_quote_mark(paragraph.text) for paragraph in paragraphs)
    blocks: list[dict] = []
    group: dict | None = None
    speaker_lines: set[int] = set()
    for index, paragraph in enumerate(paragraphs):
        if index in speaker_lines:
            continue
        text = paragraph.text
        if _INTRO_END.search(text) and not text.startswith(tuple(_OPENING)):
            group = {"speaker": speaker_from_intro(text), "intro": text, "quotes": []}
            blocks.append({"quotes": group})
            notes.check(paragraph.line, f"speaker group {group['speaker']!r} from {text!r}",
                        f"Are the quotes after line {paragraph.line} from {group['speaker']!r} (the tidy name taken from {text!r})?")
            notes.place(paragraph, "quote group", f"quote group {group['speaker']!r}")
            continue
        if group is None:
            group = {"quotes": []}
            blocks.append({"quotes": group})
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if not marked and following is not None and is_speaker_line(following) and _SENTENCE_AT_END.search(text):
            # The speaker set on a line of its own under the quote (as a PDF prints it).
            group["quotes"].append({"text": text, "speaker": following.text})
            speaker_lines.add(index + 1)
            notes.check(following.line, f"speaker {following.text!r} read from the line under the quote",
                        f"Is line {following.line}, {following.text!r}, the speaker of the quote above it?")
            notes.place(paragraph, "quote", "quote")
            notes.place(following, "quote", "quote speaker")
            continue
        quote = split_quote(text) if marked else split_speaker_sentence(text)
        if quote is None:
            notes.check(paragraph.line, "no quotation marks: kept whole as a quote")
            quote = {"text": text}
        elif not marked and "speaker" in quote:
            notes.check(paragraph.line, f"speaker {quote['speaker']!r} taken from the last sentence")
        group["quotes"].append(quote)
        notes.place(paragraph, "quote", "quote")
    for block in blocks:
        if not block["quotes"]["quotes"]:
            block["quotes"]["quotes"].append({"text": "DRAFT: no quotes found under this line"})
    return [_without_empty(block) for block in blocks]


def _without_empty(block: dict) -> dict:
    group = {key: value for key, value in block["quotes"].items() if value}
    return {"quotes": group}


def _has_quote_mark(text: str) -> bool:
    """Curly quotation marks anywhere, or straight ones opening the paragraph (as a tool that
    straightens quotes leaves them) or closing it."""
    return any(mark in text for mark in "“”") or text.lstrip("*").startswith('"') or text.rstrip("*.").endswith('"')


def split_quote(text: str) -> dict | None:
    """Lead-in, quoted words (with their marks and any italics) and what follows."""
    start = _first_index(text, _OPENING)
    end = _last_index(text, _CLOSING)
    if start is None or end is None or end <= start:
        return None
    while start > 0 and text[start - 1] == "*":
        start -= 1
    end += 1
    while end < len(text) and text[end] == "*":
        end += 1
    quote: dict = {}
    lead_in = text[:start].strip()
    if lead_in:
        quote["lead_in"] = lead_in
    quote["text"] = text[start:end]
    after = text[end:].strip()
    speaker = _SPEAKER_DASH.match(after)
    if speaker:
        quote["speaker"] = speaker["speaker"].strip()
    elif after:
        quote["after"] = after
    return quote


def is_speaker_line(paragraph: Paragraph) -> bool:
    """A short line that is no sentence and introduces nothing: who said the quote above it."""
    text = paragraph.text
    return (len(paragraph.raw) <= 2 and not paragraph.bullet and 0 < len(text.split()) <= _MAX_SPEAKER_WORDS
            and not _SENTENCE_AT_END.search(text) and not _INTRO_END.search(text) and not _has_quote_mark(text))


def split_speaker_sentence(text: str) -> dict:
    """An unmarked quote whose last sentence names its speaker ("... Parent.")."""
    sentences = _SENTENCE_END.split(text)
    if len(sentences) < 2 or len(sentences[-1].split()) > _MAX_SPEAKER_WORDS:
        return {"text": text}
    speaker = sentences[-1].rstrip(".").strip()
    return {"text": text[: len(text) - len(sentences[-1])].strip(), "speaker": speaker}


def speaker_from_intro(intro: str) -> str:
    """A tidy speaker name from an introducing line; a guess for a person to check."""
    sentences = [part.strip() for part in _SENTENCE_END.split(_INTRO_END.sub("", intro)) if part.strip()]
    last = re.sub(r"\s*\btold us\b.*$", "", sentences[-1], flags=re.IGNORECASE)
    last = re.sub(r"^We heard from\s+", "", last, flags=re.IGNORECASE)
    if last.lower() in _PRONOUNS and len(sentences) > 1:
        who = _WHO.search(sentences[-2].rstrip("."))
        last = who["who"] if who else sentences[-2]
    # "Carer’s" is how one report writes the plural; the tidy name drops it.
    last = re.sub(r"[’']s$", "s", last.strip())
    return last[:1].upper() + last[1:].lower() if last else intro


def _first_index(text: str, marks: str) -> int | None:
    found = [text.find(mark) for mark in marks if mark in text]
    return min(found) if found else None


def _last_index(text: str, marks: str) -> int | None:
    found = [text.rfind(mark) for mark in marks if mark in text]
    return max(found) if found else None

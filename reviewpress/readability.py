"""Readability check for the "key points for children and young people" pages.

What is scored
    Only the running prose a young reader sees on the page: every intro
    paragraph, the text of every key point, and every glossary meaning, with
    Markdown markers removed and links reduced to their text.
    Section headings, glossary terms and the "written for" label are labels,
    not sentences, so they are left out (they would drag the sentence length
    down and flatter the scores).

Limits (from the issue)
    * Flesch-Kincaid grade at most 6.0 (a warning above 5.0);
    * Flesch reading ease at least 70;
    * mean sentence length at most 15 words;
    * no sentence over 25 words.
    The grade and ease are rounded to one decimal place before they are
    compared, so the number in a message is the number that was judged.

How sentences are split (deterministic, no language model)
    1. Each piece of prose is split into paragraphs at blank lines, and all
       other whitespace is collapsed to single spaces.
    2. A sentence ends at ".", "!" or "?" (or a run of them), plus any closing
       quotes or brackets, when whitespace follows and the next thing is an
       upper-case letter or a digit (optionally after an opening quote or
       bracket).
    3. It does not end after a known abbreviation ("e.g.", "Dr.", "St." ...,
       see ABBREVIATIONS) or a single capital initial ("J. Smith").
    4. Whatever is left at the end of a paragraph is a sentence, with or
       without a full stop; so a glossary meaning or a key point without a
       full stop still counts as one sentence.
    A word is a run of letters or digits, which may be joined by an
    apostrophe, a hyphen, or a point or comma between digits ("don't",
    "well-being", "1.17" and "10,000" are one word each; "0800 1111" is two).

How the scores are computed
    textstat 0.7.8 (offline; newer versions download NLTK data) with the
    en_GB hyphenation dictionary, on one combined text made from our own
    sentences: stray ".", "!" and "?" inside a sentence are removed and each
    sentence is ended with one full stop, so textstat sees the same sentence
    boundaries as our splitter. (textstat still ignores sentences of two words
    or fewer in its own sentence count; that is its documented behaviour.)
    Mean sentence length is computed from our splitter and word count.
    The formulas give US school grades: UK reading age is about grade + 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .inline import plain
from .model import YoungPeopleSummary

MAX_GRADE = 6.0
WARN_GRADE = 5.0
MIN_READING_EASE = 70.0
MAX_MEAN_SENTENCE_LENGTH = 15.0
MAX_SENTENCE_WORDS = 25
# Below this many words the formulas are noisy; we still score, but warn.
MIN_WORDS_FOR_RELIABLE_SCORE = 100

# Words that end with a full stop without ending a sentence (compared in lower case,
# without the final stop).
ABBREVIATIONS = frozenset(
    "e.g i.e etc eg ie cf vs approx dr mr mrs ms st no nos fig para paras ref refs".split()
)

_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A candidate end of sentence: terminators, closing quotes/brackets, whitespace,
# then (looking ahead) an opening quote/bracket and an upper-case letter or digit.
# Tried only where a run of stops starts (the look-behind) and without backtracking into it, so a
# text of 20,000 full stops is one pass, not 20,000.
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]*+[A-Z0-9])")
# The word before a final ".", when it is a whole word (so "A&E." is not read as an initial).
_WORD_BEFORE = re.compile(r"(?:^|[\s(\[\"'“‘])([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)\.$")
_WORD = re.compile(r"\w+(?:(?:['’-]|(?<=\d)[.,](?=\d))\w+)*")
_TERMINATORS = re.compile(r"[.!?]")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class ReadabilityReport:
    """The result of scoring one young people's summary."""

    flesch_kincaid_grade: float
    flesch_reading_ease: float
    mean_sentence_length: float
    long_sentences: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sentence_count: int = 0
    word_count: int = 0

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary_line(self) -> str:
        """One line for build logs, e.g. 'FK grade 3.9, reading ease 84.0, ... : passed'."""
        verdict = "passed" if self.passed else f"FAILED ({len(self.problems)} problems)"
        return (
            f"Flesch-Kincaid grade {self.flesch_kincaid_grade:.1f}, reading ease "
            f"{self.flesch_reading_ease:.1f}, {self.sentence_count} sentences, mean "
            f"{self.mean_sentence_length:.1f} words: {verdict}"
        )


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences by the rules in the module docstring."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        paragraph = _WHITESPACE.sub(" ", paragraph).strip()
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            # The word before the stop is all that matters: a slice of the whole paragraph at every
            # stop made long texts quadratic.
            if _is_abbreviation(_tail(paragraph, match.start() + 1)):
                continue
            sentence = paragraph[start : match.end()].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end()
        rest = paragraph[start:].strip()
        if rest:
            sentences.append(rest)
    return [s for s in sentences if count_words(s)]


def _tail(text: str, end: int, width: int = 80) -> str:
    """The last characters of text[:end], starting at a space so that no word is cut in two."""
    start = max(0, end - width)
    if start and not text[start - 1].isspace():
        start = text.find(" ", start, end) + 1 or end - 1
    return text[start:end]


def _is_abbreviation(text_up_to_stop: str) -> bool:
    """True if the "." ending this text belongs to an abbreviation or an initial."""
    if not text_up_to_stop.endswith("."):
        return False
    match = _WORD_BEFORE.search(text_up_to_stop)
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():
        return True
    return word.lower() in ABBREVIATIONS


def count_words(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def as_read(text: str) -> str:
    """The words a reader sees: Markdown markers removed, a link reduced to its text."""
    return plain(_MARKDOWN_LINK.sub(r"\1", text))


def prose_of(summary: YoungPeopleSummary) -> list[tuple[str, str]]:
    """The running prose of a summary as (where, text) pairs, in page order."""
    parts: list[tuple[str, str]] = []
    for i, paragraph in enumerate(summary.intro, start=1):
        parts.append((f"intro paragraph {i}", paragraph))
    for section in summary.sections:
        for i, point in enumerate(section.points, start=1):
            parts.append((f"'{section.heading}' point {i}", point.text))
    for entry in summary.glossary:
        parts.append((f"glossary '{entry.term}'", entry.meaning))
    return parts


@lru_cache(maxsize=1)
def _textstat():
    # Our own instance, so setting the language does not change textstat's shared
    # module-level object for anyone else in the process.
    from textstat.textstat import textstatistics

    scorer = textstatistics()
    scorer.set_lang("en_GB")
    return scorer


def _for_textstat(sentences: list[str]) -> str:
    """One text whose sentence boundaries textstat will find exactly where ours are."""
    cleaned = (_WHITESPACE.sub(" ", _TERMINATORS.sub("", s)).strip(" ,;:") for s in sentences)
    return " ".join(f"{s}." for s in cleaned if s)


def score_prose(parts: list[tuple[str, str]]) -> ReadabilityReport:
    """Score (where, text) pairs against the limits. score_summary uses this."""
    located: list[tuple[str, str]] = [
        (where, sentence) for where, text in parts for sentence in split_sentences(as_read(text))
    ]
    sentences = [sentence for _, sentence in located]
    lengths = [count_words(s) for s in sentences]
    words = sum(lengths)
    mean = round(words / len(sentences), 1) if sentences else 0.0

    if sentences:
        combined = _for_textstat(sentences)
        scorer = _textstat()
        grade = round(float(scorer.flesch_kincaid_grade(combined)), 1)
        ease = round(float(scorer.flesch_reading_ease(combined)), 1)
    else:
        grade, ease = 0.0, 0.0

    problems: list[str] = []
    warnings: list[str] = []
    long_sentences: list[str] = []
    if not sentences:
        problems.append("There is no text to score: the summary has no sentences.")
    else:
        if grade > MAX_GRADE:
            problems.append(
                f"Flesch-Kincaid grade is {grade:.1f}; it must be at most {MAX_GRADE:.1f}. "
                "Use shorter sentences and everyday words."
            )
        elif grade > WARN_GRADE:
            warnings.append(
                f"Flesch-Kincaid grade is {grade:.1f}, above the target of {WARN_GRADE:.1f} "
                f"(the limit is {MAX_GRADE:.1f})."
            )
        if ease < MIN_READING_EASE:
            problems.append(
                f"Flesch reading ease is {ease:.1f}; it must be at least {MIN_READING_EASE:.0f}. "
                "Use shorter words and sentences."
            )
        if mean > MAX_MEAN_SENTENCE_LENGTH:
            problems.append(
                f"Sentences are {mean:.1f} words long on average; the limit is "
                f"{MAX_MEAN_SENTENCE_LENGTH:.0f}."
            )
        for (where, sentence), length in zip(located, lengths):
            if length > MAX_SENTENCE_WORDS:
                long_sentences.append(sentence)
                problems.append(
                    f"{where}: this sentence has {length} words (the limit is "
                    f"{MAX_SENTENCE_WORDS}): \"{sentence}\""
                )
        if words < MIN_WORDS_FOR_RELIABLE_SCORE:
            warnings.append(
                f"Only {words} words were scored; readability scores are unreliable below "
                f"{MIN_WORDS_FOR_RELIABLE_SCORE}."
            )

    return ReadabilityReport(
        flesch_kincaid_grade=grade,
        flesch_reading_ease=ease,
        mean_sentence_length=mean,
        long_sentences=long_sentences,
        problems=problems,
        warnings=warnings,
        sentence_count=len(sentences),
        word_count=words,
    )


def score_summary(summary: YoungPeopleSummary) -> ReadabilityReport:
    """Score the prose of a young people's page (intro, key points, glossary meanings)."""
    return score_prose(prose_of(summary))

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
    SMOG grade above 6.0 is a warning. The SMOG grade and the Dale-Chall score
    are reported beside the Flesch-Kincaid grade (`build.py check`), because
    they measure the words, not only their length.

Vocabulary (issue 16): every word on the page that a 10-year-old may not know
must be explained in the page's glossary; see vocabulary_errors below.

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
from pathlib import Path

from .inline import plain
from .model import YoungPeopleSummary

MAX_GRADE = 6.0
WARN_GRADE = 5.0
MIN_READING_EASE = 70.0
MAX_MEAN_SENTENCE_LENGTH = 15.0
MAX_SENTENCE_WORDS = 25
# SMOG (McLaughlin 1969) counts words of three or more syllables; above this grade the page warns.
WARN_SMOG = 6.0
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
    # Vocabulary-based measures, reported beside the Flesch-Kincaid grade (textstat's formulas):
    # SMOG grade, and the Dale-Chall score (4.9 or less: grade 4 and below; 5.0-5.9: grades 5-6;
    # 6.0-6.9: grades 7-8), which counts words that are not on the Dale-Chall list of easy words.
    smog_index: float = 0.0
    dale_chall: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary_line(self) -> str:
        """One line for build logs, e.g. 'FK grade 3.9, reading ease 84.0, ... : passed'."""
        verdict = "passed" if self.passed else f"FAILED ({len(self.problems)} problems)"
        return (
            f"Flesch-Kincaid grade {self.flesch_kincaid_grade:.1f}, reading ease "
            f"{self.flesch_reading_ease:.1f}, SMOG {self.smog_index:.1f}, Dale-Chall {self.dale_chall:.1f}, "
            f"{self.sentence_count} sentences, mean "
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
def _scorer():
    # Our own instance, so setting the language does not change textstat's shared
    # module-level object for anyone else in the process.
    from textstat.textstat import textstatistics

    scorer = textstatistics()
    scorer.set_lang("en_GB")
    return scorer


# Where scores are remembered between builds (incremental.py sets it to a folder of the build
# cache); None: not remembered (`build.py check`, the tests).
SCORES_DIR: Path | None = None


class _RememberedScores:
    """The scorer, remembering each score by its text in SCORES_DIR: a build that scores only texts
    scored before (one review's title edited) never loads the pronouncing dictionary, a second of a
    one-edit build. Any of textstat's scores of one text: scorer.flesch_kincaid_grade(text)."""

    def __getattr__(self, name: str):
        def score(text: str):
            return _remembered_score(name, text)

        return score


def _remembered_score(name: str, text: str):
    import hashlib
    import json
    from importlib.metadata import version
    from pathlib import Path

    from .store import write_atomic

    folder = SCORES_DIR
    if folder is None:
        return getattr(_scorer(), name)(text)
    key = hashlib.sha256(f"textstat {version('textstat')}\0en_GB\0{name}\0{text}".encode()).hexdigest()
    path = Path(folder) / key[:2] / key
    raw = path.read_bytes() if path.exists() else None
    if raw is not None:
        checksum, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest() == checksum.decode("ascii", "replace"):
            value = json.loads(body)
            if isinstance(value, (int, float)):
                return value
    value = getattr(_scorer(), name)(text)
    if isinstance(value, (int, float)):
        body = json.dumps(value).encode()
        try:
            write_atomic(path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        except OSError:
            pass  # a score that cannot be kept only costs time
    return value


def _textstat():
    return _RememberedScores()


def warm_up() -> None:
    """Load what scoring needs now (the pronouncing dictionary and en_GB hyphenation, about a second),
    e.g. once before worker processes fork. It is the scorer above that must be warmed: textstat
    loads its dictionary per language, so warming textstat's own (en_US) object loaded a second copy."""
    _scorer().syllable_count("warm")


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
        smog = round(float(scorer.smog_index(combined)), 1)
        dale_chall = round(float(scorer.dale_chall_readability_score(combined)), 1)
    else:
        grade, ease, smog, dale_chall = 0.0, 0.0, 0.0, 0.0

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
        if smog > WARN_SMOG:
            warnings.append(
                f"SMOG grade is {smog:.1f}, above the target of {WARN_SMOG:.1f}: use fewer words of three "
                "or more syllables."
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
        smog_index=smog,
        dale_chall=dale_chall,
    )


def score_summary(summary: YoungPeopleSummary) -> ReadabilityReport:
    """Score the prose of a young people's page (intro, key points, glossary meanings)."""
    return score_prose(prose_of(summary))


# --- vocabulary: every hard word on a young people's page is explained on it ----------------------
#
# A word passes when it is a word a 10-year-old can be expected to know, or when the page's own
# "Words we use" glossary explains it:
#   * the Dale-Chall list of about 3,000 words most fourth-grade children know (textstat ships it:
#     textstat/resources/en/easy_words.txt), with regular endings taken off ("nurses" is "nurse",
#     "worried" is "worry", "helping" is "help", "don't" is "do"), as Dale and Chall counted them,
#     and British spellings of its American ones ("centre" is "center");
#   * the reviewed allow-list content/young-people-words.yaml (ALLOW_LIST_NAME, beside the reviews
#     folder): everyday words the list lacks ("baby", "staff"), each one checked by a person;
#   * the words of the review's own area name (the page is about that place: "Bedford Borough");
#   * numbers, which are not words;
#   * any word of a glossary term on the page ("Children in care" explains "care"; "Carers" explains
#     "carer"), compared with the same endings taken off.
# Each word is checked in every field a young reader sees (the intro, section headings, key points,
# glossary meanings, the "written for" label) and in the fixed text the page template prints around
# them (PAGE_TEXT), and reported once, at the first field that uses it. Not checked: the site's own
# navigation that every page shares (partials/page-intro.html: downloads, "Request this report in
# another format", the links to the review's four outputs) and the layout's header and footer.

ALLOW_LIST_NAME = "young-people-words.yaml"

# The words templates/outputs/young-people.html prints on every young people's page (web and print),
# besides the review's own text. tests/test_readability.py checks that every word of the template's
# own text is here.
PAGE_TEXT = (
    "what we found",
    "We wrote this short summary for you. It is not the full report.",
    "Need help now? Call Childline free on 0800 1111. See all the free helplines.",
    "Read more about point 1 in the full report",
    "Words we use",
    "Free helplines",
    "If you are worried about anything, you can talk to an adult you trust. You can also call these free helplines:",
    "Childline: call 0800 1111. It is free and you do not have to give your name.",
    "Help at Hand, for children in care and care leavers: call 0800 528 0731.",
    "For adults",
    "We wrote this page for",
    "It is new writing, not the words of the report. You can read the full report.",
)

# A word as the vocabulary check reads it: letters, joined by an apostrophe or "&" ("don't", "A&E");
# a hyphenated word is checked whole first, then part by part ("drop-in").
_VOCABULARY_WORD = re.compile(r"[^\W\d_]+(?:['’&][^\W\d_]+)*(?:-[^\W\d_]+(?:['’&][^\W\d_]+)*)*")
_VOWELS = set("aeiouy")


@lru_cache(maxsize=1)
def easy_words() -> frozenset[str]:
    """The Dale-Chall easy words that textstat ships (lower case)."""
    from importlib.resources import files

    text = files("textstat").joinpath("resources/en/easy_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def word_forms(word: str) -> set[str]:
    """The word in lower case and what it may be with a regular ending taken off.

    Dale and Chall counted regular plurals, -ed, -ing, -er, -est, -ly and possessives of a listed
    word as known; so does this, by trying each ending (a form that is not a listed word does no harm)."""
    w = word.lower().replace("’", "'")
    forms = {w}
    for suffix in ("'s", "s'", "n't", "'ll", "'re", "'ve", "'d", "'m"):
        if w.endswith(suffix) and len(w) > len(suffix):
            forms.add(w[: -len(suffix)] + ("s" if suffix == "s'" else ""))
    if w in ("can't", "won't"):
        forms.update({"can", "will"})
    # British spellings of the list's American words: centre, colour, favourite, organise.
    for base in list(forms):
        for british, american in (("tre", "ter"), ("our", "or"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing")):
            if base.endswith(british) and len(base) > len(british) + 1:
                forms.add(base[: -len(british)] + american)
    for base in list(forms):
        for suffix, replacements in (("ves", ("f", "fe")), ("ies", ("y",)), ("ied", ("y",)), ("ier", ("y",)), ("iest", ("y",)), ("ily", ("y",)),
                                     ("es", ("", "e")), ("s", ("",)), ("ed", ("", "e")), ("d", ("",)),
                                     ("ing", ("", "e")), ("er", ("", "e")), ("est", ("", "e")), ("ly", ("", "le")),
                                     ("ers", ("", "e")), ("ings", ("", "e"))):
            if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                stem = base[: -len(suffix)]
                for replacement in replacements:
                    forms.add(stem + replacement)
                # stopped -> stop, running -> run
                if suffix in ("ed", "ing", "er", "est", "ers", "ings") and len(stem) >= 3 and stem[-1] == stem[-2] \
                        and stem[-1] not in _VOWELS:
                    forms.add(stem[:-1])
    return forms


def vocabulary_words(text: str) -> list[str]:
    """The words of a text as a reader sees it, in order (numbers left out)."""
    return _VOCABULARY_WORD.findall(as_read(text))


def read_allow_list(path) -> frozenset[str]:
    """The reviewed allow-list: a YAML mapping whose `words:` is a list of words (compared in lower
    case, with the same endings taken off as the easy words). No file: no words allowed."""
    from pathlib import Path

    import yaml

    path = Path(path)
    if not path.is_file():
        return frozenset()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).replace("\n", " ")) from None
    words = data.get("words") if isinstance(data, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError("expected `words:` followed by a list of words")
    return frozenset(w.strip().lower() for w in words)


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    return bool(word_forms(word) & vocabulary)


def undefined_words(summary: YoungPeopleSummary, *, allowed: frozenset[str] = frozenset(), area: str | None = None,
                    page_text: tuple[str, ...] = PAGE_TEXT) -> list[tuple[tuple, str, str]]:
    """Each word of the page that is neither easy, allowed, part of the area's name, nor explained by its
    glossary: (field path, word as written, the text it was found in), first use first, once per word."""
    explained: set[str] = set()
    for entry in summary.glossary:
        for term_word in vocabulary_words(entry.term):
            for part in [term_word, *term_word.split("-")]:
                explained |= word_forms(part)
    known = easy_words() | allowed | frozenset(explained)
    known |= frozenset(w.lower() for w in vocabulary_words(area or ""))

    fields: list[tuple[tuple, str]] = [(("young_people", "written_for"), summary.written_for)]
    fields += [(("young_people", "intro", i), p) for i, p in enumerate(summary.intro)]
    for i, section in enumerate(summary.sections):
        fields.append((("young_people", "sections", i, "heading"), section.heading))
        fields += [(("young_people", "sections", i, "points", j, "text"), p.text) for j, p in enumerate(section.points)]
    fields += [(("young_people", "glossary", k, "meaning"), g.meaning) for k, g in enumerate(summary.glossary)]
    fields += [(("young_people",), text) for text in page_text]

    found: list[tuple[tuple, str, str]] = []
    seen: set[str] = set()
    for where, text in fields:
        for word in vocabulary_words(text):
            key = word.lower()
            if key in seen:
                continue
            if _known(word, known) or ("-" in word and all(_known(part, known) for part in word.split("-") if part)):
                continue
            seen.add(key)
            found.append((where, word, text))
    return found


def allow_list_path(review_file) -> Path:
    """The reviewed allow-list for a review file: content/young-people-words.yaml, beside the reviews
    folder; a folder of reviews without one (a scratch copy) uses the list of the project this package
    belongs to. incremental.Fingerprints hashes both, so editing the list re-checks every review."""
    from pathlib import Path

    beside = Path(review_file).resolve().parent.parent / ALLOW_LIST_NAME
    return beside if beside.is_file() else Path(__file__).resolve().parent.parent / "content" / ALLOW_LIST_NAME


def vocabulary_errors(item) -> list:
    """One content error per word of a young people's page that is neither easy, allowed nor explained
    by its glossary, at the line and field of its first use (item: a loading.SourcedReview)."""
    from .errors import ContentError

    path = allow_list_path(item.path)
    try:
        allowed = read_allow_list(path)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        return [ContentError(path, None, None, f"could not be read as a list of words (words: [...]): {exc}")]
    review = item.review
    errors = []
    for where, word, _text in undefined_words(review.young_people, allowed=allowed, area=review.area):
        if where == ("young_people",):
            place = "the page's own text (templates/outputs/young-people.html) uses"
        else:
            place = "uses"
        errors.append(item.error(where, (
            f"{place} \"{word}\", which is not on the list of words a 10-year-old knows (the Dale-Chall easy "
            f"words) nor in content/{ALLOW_LIST_NAME}: explain it in this page's glossary (\"Words we use\": "
            f"young_people.glossary, a term holding the word), or use an easier word.")))
    return errors

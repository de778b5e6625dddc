"""The review schema: typed models for one review's YAML file.

Everything a review file may contain is declared here, and nothing else is
accepted (unknown keys are errors, so a typo is never silently dropped).
Content blocks are written in YAML as one-key mappings (`- p: ...`,
`- finding: {...}`), which keeps the files short to type and lets editors
autocomplete from the exported JSON Schema.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

# Slugs become folder names under site/: letters, digits and hyphens only, so
# no review can write outside the site.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
THEMES_HELP = ("The ids of one to three themes from content/themes.yaml (`build.py suggest-themes` proposes them), "
               "so that the recommendation is found with others like it across reviews.")
# The longest text one field may hold: far more than any paragraph of a real report (the
# longest in the seed reviews is under 2,000 characters), and small enough that rendering
# any text, however hostile, takes a bounded time. loading.py reports a longer string value
# of any field with its file, line and field; the validator here also holds for models made
# in code. (A validator, not max_length, so that the exported JSON Schema stays as it is.)
MAX_TEXT_LENGTH = 20_000


def _not_too_long(text: str) -> str:
    if len(text) > MAX_TEXT_LENGTH:
        raise PydanticCustomError(
            "string_too_long",
            "is {length} characters long; the longest text a field may hold is {limit}",
            {"max_length": MAX_TEXT_LENGTH, "length": f"{len(text):,}", "limit": f"{MAX_TEXT_LENGTH:,}"},
        )
    return text


Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True), AfterValidator(_not_too_long)]
ParagraphNumber = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){1,2}$")]
RecommendationNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)?$")]

# Every written form of a cross-reference in the series, for example
# "(**Recommendation 2.1**)", "(Recommendations 1.2, 3.13 and 6.1)",
# "(Recommendation, 3.3, 7.2 and 10.1)", and the forms a typist may also produce:
# "(recommendation 2.1)", "(Recommendations 2.1 & 3.1)", "(Recommendation 2.1.)",
# "(Recommendation to 2.1)" (as one report prints it),
# "(Recommendation 4)" (a number without a dot, as key recommendations have).
#
# Every repetition is possessive or atomic and no two parts can match the same
# characters, so the pattern never backtracks: it runs in time linear in the text,
# whatever the text (a bracket is scanned once from its "(" to its end).
_CITED_NUMBER = r"\d++(?:\.\d++)?+"
_CITATION_SEPARATOR = r"(?:[\s*_,&]|(?i:and)(?![A-Za-z]))++"
CITATION_PATTERN = re.compile(
    r"\*{0,2}\((?>[\s*_]*)(?i:recommendations?)(?![A-Za-z])[\s*_,:]*+(?:(?i:to)[\s*_]++)?+"
    r"(" + _CITED_NUMBER + r"(?:" + _CITATION_SEPARATOR + _CITED_NUMBER + r")*+[\s*_,]*+\.?+[\s*_]*+)"
    r"\)\*{0,2}"
)
_NUMBER = re.compile(_CITED_NUMBER)
_CITATION_WORD = re.compile(r"recommendation", re.IGNORECASE)
_CITATION_START = re.compile(r"\((?>[\s*_]*)recommendation", re.IGNORECASE)
_ROUND_BRACKET = re.compile(r"[()]")
_DIGIT = re.compile(r"\d")


def cited_recommendations(text: str) -> list[str]:
    """Recommendation numbers cited in brackets in a paragraph, in order."""
    numbers: list[str] = []
    for match in CITATION_PATTERN.finditer(text):
        numbers.extend(_NUMBER.findall(match.group(1)))
    return numbers


def unreadable_citations(text: str) -> list[str]:
    """Brackets that look like a cross-reference to a recommendation but are not one of the
    written forms above, so would be neither linked nor checked, as printed in the text.

    A bracket looks like a cross-reference when the word "recommendation" (in any case) is
    inside it, as the innermost bracket around the word, and either the bracket starts with
    the word or holds a number. An unclosed bracket counts up to 60 characters after the
    word. Linear in the text."""
    words = [match.start() for match in _CITATION_WORD.finditer(text)]
    if not words:
        return []
    recognised = {text.index("(", match.start()) for match in CITATION_PATTERN.finditer(text)}
    brackets = [(match.start(), match.group()) for match in _ROUND_BRACKET.finditer(text)]
    innermost: dict[int, int] = {}  # "(" position -> the position of the first word it holds
    stack: list[int] = []
    closing: dict[int, int] = {}
    next_bracket = 0
    for word in words:
        while next_bracket < len(brackets) and brackets[next_bracket][0] < word:
            position, char = brackets[next_bracket]
            next_bracket += 1
            if char == "(":
                stack.append(position)
            elif stack:
                closing[stack.pop()] = position
        if stack and stack[-1] not in recognised:
            innermost.setdefault(stack[-1], word)
    for position, char in brackets[next_bracket:]:
        if char == "(":
            stack.append(position)
        elif stack:
            closing[stack.pop()] = position
    digits = [match.start() for match in _DIGIT.finditer(text)]
    found = []
    for opening, word in innermost.items():
        close = closing.get(opening)
        end = close + 1 if close is not None else min(len(text), word + len("recommendation") + 60)
        if _CITATION_START.match(text, opening) or bisect.bisect_left(digits, end) > bisect.bisect_left(digits, opening):
            shown = " ".join(text[opening:end].split())
            if len(shown) > 80:
                shown = shown[:79] + "…"
            elif close is None and end < len(text):
                shown += "…"
            found.append(shown)
    return found


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- metadata ----------------------------------------------------------------


class DateRange(Strict):
    start: dt.date = Field(description="First day of the review visit.")
    end: dt.date = Field(description="Last day of the review visit.")

    @model_validator(mode="after")
    def _in_order(self) -> DateRange:
        if self.end < self.start:
            raise PydanticCustomError(
                "date_order", "the review ends ({end}) before it starts ({start}); check both dates",
                {"field": "end", "end": str(self.end), "start": str(self.start)},
            )
        return self


class Metadata(Strict):
    """The block under the title. Any field may be left out: some reports do not state it."""

    review_dates: DateRange | None = None
    publication_date: dt.date | None = None
    # default= by name: type checkers find a model's defaults by keyword only, and Metadata must
    # type-check as callable without arguments (Review.metadata's default_factory).
    publication_month: str | None = Field(
        default=None, description='Where only a month is printed, as printed, for example "July 2016".'
    )
    inspectors: list[Text] = Field(default_factory=list)
    provider_services: list[Text] = Field(default_factory=list)
    ccgs: list[Text] = Field(default_factory=list)
    nhs_england_area: Text | None = None
    cqc_region: Text | None = None
    deputy_chief_inspector: Text | None = None
    deputy_chief_inspector_title: Text = "CQC Deputy Chief Inspector, Primary Medical Services and Integrated Care"

    @model_validator(mode="after")
    def _published_after_review(self) -> Metadata:
        if self.review_dates and self.publication_date and self.publication_date < self.review_dates.end:
            raise PydanticCustomError(
                "date_order",
                "the report is dated as published on {published}, before the review ended on {end}; check both dates",
                {"field": "publication_date", "published": str(self.publication_date), "end": str(self.review_dates.end)},
            )
        return self


# --- content blocks ----------------------------------------------------------


class ListItem(Strict):
    text: Text
    items: list[Text] = Field(default_factory=list, description="Sub-bullets.")


BulletItem = Text | ListItem


class Paragraph(Strict):
    p: Text = Field(description="A paragraph of source text (inline Markdown allowed).")


class Heading(Strict):
    heading: Text = Field(description="A sub-heading inside a section, as printed.")


class BulletList(Strict):
    bullets: list[BulletItem] = Field(min_length=1)


class Finding(Strict):
    number: ParagraphNumber = Field(description='The paragraph number as printed, for example "1.14".')
    text: Text = Field(
        description="The paragraph, word for word, including its cross-reference bracket such as "
        "'(**Recommendation 2.1**)'. Further paragraphs that belong to it follow after a blank line."
    )
    note: Text | None = Field(None, description='A note after the bracket, e.g. "This was also brought to the attention of ...".')

    @property
    def recommendations(self) -> list[str]:
        return cited_recommendations(self.text)


class FindingBlock(Strict):
    finding: Finding


class CaseExample(Strict):
    label: Text | None = Field(None, description='As printed, e.g. "Case Example" or "Good Practice Example in Primary Care".')
    title: Text | None = Field(None, description="The rest of the label line, if any.")
    blocks: list[Block] = Field(min_length=1)


class CaseExampleBlock(Strict):
    case_example: CaseExample


class Quote(Strict):
    text: Text = Field(description="The words quoted, with their quotation marks as printed.")
    lead_in: Text | None = Field(None, description='Words before the quote, e.g. "In terms of health reviews, we heard that".')
    after: Text | None = Field(None, description="Words printed after the closing quotation mark, if any.")
    speaker: Text | None = Field(None, description="Who said it, when the source names the speaker of this quote.")


class QuoteGroup(Strict):
    speaker: Text | None = Field(None, description='Who these quotes are from, e.g. "Foster carers".')
    intro: Text | None = Field(None, description='The line introducing them, as printed, e.g. "Parents told us:".')
    quotes: list[Quote] = Field(min_length=1)


class QuoteGroupBlock(Strict):
    quotes: QuoteGroup


class DisplayQuote(Strict):
    text: Text
    speaker: Text | None = None


class DisplayQuoteBlock(Strict):
    quote: DisplayQuote


class Box(Strict):
    kind: Literal["case-study", "checklist", "information", "summary"] = "case-study"
    title: Text
    place: Text | None = None
    blocks: list[Block] = Field(min_length=1)


class BoxBlock(Strict):
    box: Box


class TableRow(Strict):
    label: Text
    cells: list[BulletItem] = Field(min_length=1)


class Table(Strict):
    title: Text
    column_headings: list[Text] = Field(default_factory=lambda: ["Area", "What we found"])
    rows: list[TableRow] = Field(min_length=1)
    note: Text | None = None


class TableBlock(Strict):
    table: Table


class PracticeRecommendations(Strict):
    """A national-report RECOMMENDATIONS block: a lead-in and "In practice this means" bullets."""

    id: Slug = Field(description="Used to repeat the block in the conclusion.")
    lead_in: Text
    practice_intro: Text = "In practice this means:"
    bullets: list[Text] = Field(min_length=1)


class PracticeRecommendationsBlock(Strict):
    recommendations_block: PracticeRecommendations


class RepeatRecommendations(Strict):
    """Shows the bullets of earlier blocks again (the national conclusion), stored once."""

    heading: Text
    blocks: list[Slug] = Field(min_length=1)


class RepeatRecommendationsBlock(Strict):
    repeat_recommendations: RepeatRecommendations


class KeyRecommendation(Strict):
    number: RecommendationNumber
    title: Text
    text: Text
    themes: list[Slug] = Field(default_factory=list, max_length=3, description=THEMES_HELP)


class KeyRecommendationsBlock(Strict):
    key_recommendations: list[KeyRecommendation] = Field(min_length=1)


class Signature(Strict):
    signature: list[Text] = Field(min_length=1, description="Lines of a signature, e.g. name, role, organisation.")


def _block_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        # The first known key decides the kind, so an extra or misspelt key is
        # reported against that kind rather than as "unknown block".
        return next((key for key in value if key in BLOCK_KINDS), None)
    if isinstance(value, BaseModel):
        return next(iter(type(value).model_fields))
    return None


Block = Annotated[
    (
        Annotated[Paragraph, Tag("p")]
        | Annotated[Heading, Tag("heading")]
        | Annotated[BulletList, Tag("bullets")]
        | Annotated[FindingBlock, Tag("finding")]
        | Annotated[CaseExampleBlock, Tag("case_example")]
        | Annotated[QuoteGroupBlock, Tag("quotes")]
        | Annotated[DisplayQuoteBlock, Tag("quote")]
        | Annotated[BoxBlock, Tag("box")]
        | Annotated[TableBlock, Tag("table")]
        | Annotated[PracticeRecommendationsBlock, Tag("recommendations_block")]
        | Annotated[RepeatRecommendationsBlock, Tag("repeat_recommendations")]
        | Annotated[KeyRecommendationsBlock, Tag("key_recommendations")]
        | Annotated[Signature, Tag("signature")]
    ),
    Discriminator(
        _block_tag,
        custom_error_type="block_kind",
        custom_error_message=(
            "a content block must be a mapping with exactly one of the keys: p, heading, bullets, finding, "
            "case_example, quotes, quote, box, table, recommendations_block, repeat_recommendations, key_recommendations, signature"
        ),
    ),
]

BLOCK_KINDS = (
    "p heading bullets finding case_example quotes quote box table "
    "recommendations_block repeat_recommendations key_recommendations signature"
).split()


class Section(Strict):
    title: Text = Field(description="The heading as printed, without its number.")
    number: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)?$")] | None = Field(
        None, description='The section number, e.g. "1" or "5.1", when the report numbers it.'
    )
    number_shown: bool = Field(True, description="False where the source does not print the number (Bedford's Management).")
    blocks: list[Block] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)


# --- recommendations and next steps -------------------------------------------


class Recommendation(Strict):
    number: RecommendationNumber = Field(description='As printed, e.g. "2.1".')
    text: Text
    themes: list[Slug] = Field(default_factory=list, max_length=3, description=THEMES_HELP)


class RecommendationGroup(Strict):
    number: Annotated[int, Field(ge=1)]
    lead_in: Text = Field(description="The line naming who must act, as printed, without its number.")
    organisations: list[Text] = Field(min_length=1, description="Each organisation responsible, for the recommendations list.")
    items: list[Recommendation] = Field(min_length=1)




class NextSteps(Strict):
    required_from: list[Text] = Field(min_length=1, description="Who must send the action plan.")
    deadline_working_days: Annotated[int, Field(ge=1, le=365)] = 20
    paragraphs: list[Text] = Field(min_length=1, description="The section's text, word for word.")


# --- national report parts -----------------------------------------------------


class Footnote(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z]{1,2}$")]
    text: Text


class Reference(Strict):
    number: Annotated[int, Field(ge=1)]
    text: Text = Field(description="The entry as printed (inline Markdown allowed).")


class BackMatter(Strict):
    blocks: list[Block] = Field(default_factory=list)


# --- new writing -----------------------------------------------------------------


class KeyPoint(Strict):
    text: Text = Field(description="One short sentence or two, in plain language.")
    findings: list[ParagraphNumber] = Field(default_factory=list, description="Finding paragraphs this point is based on.")
    recommendations: list[RecommendationNumber] = Field(default_factory=list, description="Recommendations it is based on.")
    sections: list[Text] = Field(default_factory=list, description="Titles of sections it is based on (reports without numbered findings).")

    @model_validator(mode="after")
    def _has_evidence(self) -> KeyPoint:
        if not (self.findings or self.recommendations or self.sections):
            raise ValueError("a key point must name the findings, recommendations or sections it is based on")
        return self


class KeyPointSection(Strict):
    heading: Text
    points: list[KeyPoint] = Field(min_length=1)


class GlossaryEntry(Strict):
    term: Text
    meaning: Text


class YoungPeopleSummary(Strict):
    """Key points for children and young people: new writing, labelled as such."""

    written_for: Text = "children and young people aged about 10 and over"
    intro: list[Text] = Field(min_length=1)
    sections: list[KeyPointSection] = Field(min_length=1)
    glossary: list[GlossaryEntry] = Field(default_factory=list)


class CpdOption(Strict):
    id: Slug = Field(description="Part of the field name, which becomes `<question id>-<option id>`.")
    label: Text


# Six handwritten lines, or about 140 typed words: with every box this tall, the standard
# template with both parts prints on three A4 pages.
DEFAULT_ANSWER_LINES = 6


class CpdQuestion(Strict):
    """One question of the reflection / CPD template: a field in the web form, the PDF and the Word file."""

    id: Slug = Field(description="The field name in the web form and the PDF; unique in a template.")
    label: Text = Field(description="The question as shown; also the field's accessible name.")
    hint: Text | None = None
    kind: Literal["short", "date", "number", "long", "checkboxes"] = Field(
        "long",
        description="short: one line; date: one short line; number: a narrow box for a number such as hours "
        "(a number keypad on phones); long: a box for a paragraph or more; checkboxes: one box per option.",
    )
    part: Literal["record", "nmc"] = Field(
        "record",
        description="record: the reflection and action plan (appendix C of 'Not seen, not heard'); "
        "nmc: the optional part following the NMC reflective account form.",
    )
    options: list[CpdOption] = Field(default_factory=list, description="The boxes of a checkboxes question.")
    autocomplete: Literal["name"] | None = Field(None, description="HTML autocomplete token, for the person's own name.")
    lines: Annotated[int, Field(ge=1, le=30)] | None = Field(
        None,
        description="How many lines of answer a long question's box holds (PDF, Word and print); 6 if left out. "
        "Leave it out unless a question needs a longer or shorter answer than the others: boxes of one height "
        "fill the printed pages evenly.",
    )

    @model_validator(mode="after")
    def _options_match_kind(self) -> CpdQuestion:
        if self.kind == "checkboxes" and not self.options:
            raise ValueError(f"CPD question {self.id!r} is a checkboxes question without options")
        if self.kind != "checkboxes" and self.options:
            raise ValueError(f"CPD question {self.id!r} has options but is not a checkboxes question")
        return self

    @property
    def answer_lines(self) -> int:
        return self.lines or (DEFAULT_ANSWER_LINES if self.kind == "long" else 1)

    @property
    def field_names(self) -> list[str]:
        """The names of its form fields: one per checkbox, otherwise the id."""
        return [f"{self.id}-{o.id}" for o in self.options] if self.kind == "checkboxes" else [self.id]


def check_cpd_questions(questions: list[CpdQuestion]) -> list[CpdQuestion]:
    """Field names must be unique, or the PDF would merge two fields into one."""
    seen: set[str] = set()
    for question in questions:
        for name in {question.id, *question.field_names}:
            if name in seen:
                raise ValueError(f"CPD field name {name!r} is used twice")
            seen.add(name)
    if [q.part for q in questions] != sorted((q.part for q in questions), key=["record", "nmc"].index):
        raise ValueError("CPD questions of the 'record' part must come before those of the 'nmc' part")
    return questions


# --- the review --------------------------------------------------------------------


class Review(Strict):
    slug: Slug
    kind: Literal["local-review", "national-report"] = "local-review"
    status: Literal["draft", "published"] = Field(
        "published",
        description="`draft` (written by `build.py import`) until a person has checked the review against its source "
        "and written its young people's key points; `build` refuses drafts, `serve` and `build --draft` show them.",
    )
    title: Text
    subtitle: Text | None = Field(
        None,
        description="The cover's subtitle, as printed. Where the cover sets it on several lines, keep one line per "
        "line (a YAML block such as `subtitle: |-`), so that lines text extraction ran together show apart again.",
    )
    area: Text | None = Field(None, description='The area reviewed, e.g. "Bedford Borough"; none for national reports.')
    metadata: Metadata = Field(default_factory=Metadata)
    sections: list[Section] = Field(min_length=1)
    recommendations: list[RecommendationGroup] = Field(default_factory=list)
    recommendations_intro: list[Text] = Field(default_factory=list)
    next_steps: NextSteps | None = None
    footnotes: list[Footnote] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    back_matter: BackMatter | None = None
    young_people: YoungPeopleSummary
    cpd_questions: Annotated[list[CpdQuestion], AfterValidator(check_cpd_questions)] | None = Field(
        None, description="Leave out to use the standard questions in content/cpd-template.yaml."
    )


CaseExample.model_rebuild()
Box.model_rebuild()
Section.model_rebuild()
Review.model_rebuild()


# --- walking a review -----------------------------------------------------------------


def iter_blocks(review: Review):
    """Every content block in reading order, as (location in the file, block).

    The location is the key path used in error messages, e.g.
    ("sections", 6, "sections", 0, "blocks", 3).
    """

    def walk_blocks(blocks, loc):
        for index, block in enumerate(blocks):
            here = loc + (index,)
            yield here, block
            # isinstance, not getattr with a default: a pydantic model raises and catches an
            # AttributeError for a missing name, which made this walk 8 times slower.
            if isinstance(block, CaseExampleBlock):
                yield from walk_blocks(block.case_example.blocks, here + ("case_example", "blocks"))
            elif isinstance(block, BoxBlock):
                yield from walk_blocks(block.box.blocks, here + ("box", "blocks"))

    def walk_sections(sections, loc):
        for index, section in enumerate(sections):
            here = loc + (index,)
            yield from walk_blocks(section.blocks, here + ("blocks",))
            yield from walk_sections(section.sections, here + ("sections",))

    yield from walk_sections(review.sections, ("sections",))
    if review.back_matter:
        yield from walk_blocks(review.back_matter.blocks, ("back_matter", "blocks"))


def iter_texts(model: BaseModel, loc: tuple = ()):
    """Every string of a model, however deep, as (location in the file, text), in order.

    The location is the key path of error messages (as for iter_blocks), e.g.
    ("recommendations", 0, "items", 2, "text"); checks that must hold for every text
    (markers, citations, what Markdown can be given) use it, so that no field is missed."""
    for name in type(model).model_fields:
        yield from _texts(getattr(model, name), loc + (name,))


def _texts(value: Any, loc: tuple):
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        yield from iter_texts(value, loc)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _texts(item, loc + (index,))


def iter_findings(review: Review):
    for loc, block in iter_blocks(review):
        if isinstance(block, FindingBlock):
            yield loc + ("finding",), block.finding

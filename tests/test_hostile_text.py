"""Issue "What a successful build publishes is always right": text that is hostile, by
accident or on purpose, can neither stall the build, slip past its checks, nor change
what a page means.

1. Bounded work on any text: every pattern run on authored text is linear, texts and
   files have a size limit, and Markdown is never given text it could take minutes over.
2. Checks that cannot be bypassed: anything that looks like a citation is linked and
   checked, or is an error; footnote and reference markers are checked in every field;
   YAML tags, control and bidirectional override characters and duplicate section
   numbers are errors.
3. Messages and markup: an alias error names the alias's line; generated ids never clash
   with the templates' own; pasted markup loses id, class, style and aria-* attributes.

Every error is a ContentError naming the file, the line and the field. The tests change a
copy of a real review (bedford.yaml), as tests/test_content_errors.py does.
"""

from __future__ import annotations

import base64
import re
import signal
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewpress.checks import load_content, read_cpd_questions
from reviewpress.errors import ContentErrors
from reviewpress.inline import _EMAIL, InlineRenderer, plain
from reviewpress.integrity import check_review
from reviewpress.loading import SourcedReview, read_review
from reviewpress.model import cited_recommendations, iter_findings
from reviewpress.rendering import render_content, template_environment

from .conftest import REVIEWS_DIR, ROOT

BEDFORD_PATH = REVIEWS_DIR / "bedford.yaml"
BEDFORD = BEDFORD_PATH.read_text(encoding="utf-8")
CPD_TEMPLATE = ROOT / "content" / "cpd-template.yaml"
LONGEST_TEXT = 20_000  # the limit for one field
HUGE = 100_000  # the length of the adversarial strings


# --- helpers ---------------------------------------------------------------------------


class _TookTooLong(Exception):
    pass


def finishes_quickly(what: str, function, *args, limit: float = 1.0, hard: float = 5.0):
    """function(*args), failing the test if it takes `limit` seconds or more (stopped at `hard`)."""

    def stop(signum, frame):
        raise _TookTooLong()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, hard)
    start = time.perf_counter()
    result, stopped = None, False
    try:
        result = function(*args)
    except _TookTooLong:
        stopped = True  # failed below, outside this handler: pytest cannot show the interrupted frame
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if stopped:
        pytest.fail(f"{what}: did not finish in {hard} s")
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"{what}: took {elapsed:.2f} s"
    return result


def line_of(text: str, fragment: str) -> int:
    return text.count("\n", 0, text.index(fragment)) + 1


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, f"bedford.yaml no longer has {old!r}"
    return text.replace(old, new, 1)


def errors_for(tmp_path: Path, content: str | bytes, name: str = "bedford.yaml"):
    folder = tmp_path / "reviews"
    folder.mkdir()
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_content(folder, CPD_TEMPLATE)
    errors = caught.value.errors
    shown = "\n".join(str(e) for e in errors)
    assert "Traceback" not in shown and "pydantic" not in shown.lower()
    return errors


def the_error(errors, *words: str):
    matching = [e for e in errors if all(w in str(e) for w in words)]
    shown = "\n".join(str(e) for e in errors)
    assert matching, f"no error says {words}; got:\n{shown}"
    return matching[0]


def assert_names(error, line: int, field: str | None):
    text = str(error)
    assert error.path.name == "bedford.yaml" and text.startswith(str(error.shown_path))
    assert error.line == line, text
    assert f", line {line}:" in text
    if field is not None:
        assert error.field == field, text
        assert f": {field}: " in text


def replaced(model, loc: tuple, value):
    """A copy of a (frozen) model with the value at loc replaced, without validation."""
    if not loc:
        return value
    key, rest = loc[0], loc[1:]
    if isinstance(model, list):
        items = list(model)
        items[key] = replaced(items[key], rest, value)
        return items
    return model.model_copy(update={key: replaced(getattr(model, key), rest, value)})


def first_finding_loc(review) -> tuple:
    loc, _ = next(iter_findings(review))
    return loc + ("text",)


def rendered(review, output: str = "report", medium: str = "web") -> str:
    env = template_environment(ROOT / "templates")
    return str(render_content(env, review, output, medium, read_cpd_questions(CPD_TEMPLATE)))


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.text_after: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids.append(value)
                self._open.append(value)
                self.text_after.setdefault(value, "")

    def handle_data(self, data):
        for ident in self._open:
            if len(self.text_after[ident]) < 200:
                self.text_after[ident] += data


def ids_of(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


# --- 1. bounded work on any text ----------------------------------------------------------


CITATION_INPUTS = {
    "(Recommendation + spaces": "(Recommendation" + " " * (HUGE - 16) + "x",
    "(Recommendation + 3,000 spaces": "(Recommendation" + " " * 3_000 + "x",
    "(Recommendation + numbers": "(Recommendation " + "1.1 " * ((HUGE - 17) // 4) + "x",
    "(Recommendation + commas": "(Recommendation" + ", " * ((HUGE - 16) // 2) + "x",
    "(Recommendations + and": "(Recommendations 1.1" + " and" * ((HUGE - 21) // 4) + "x",
    "(** + bold spaces": "(**Recommendation" + " *" * ((HUGE - 18) // 2) + "x",
    "opening brackets": "(" * HUGE,
    "bold brackets": "**(" * (HUGE // 3),
    "many unclosed citations": "(recommendation 1.1 " * (HUGE // 20),
    "number with dots": "(Recommendation 1" + ".1" * ((HUGE - 17) // 2),
}


@pytest.mark.parametrize("text", CITATION_INPUTS.values(), ids=CITATION_INPUTS.keys())
def test_reading_citations_takes_linear_time(text):
    finishes_quickly("cited_recommendations", cited_recommendations, text)
    finishes_quickly("InlineRenderer.block", InlineRenderer(lambda n: "#rec").block, text)


EMAIL_INPUTS = {
    "+a": "+a" * (HUGE // 2),
    "a.": "a." * (HUGE // 2) + "@",
    "%a": "%a" * (HUGE // 2) + "@example.org",
    "a@": "a@" * (HUGE // 2),
    "a@b.": "a@b." * (HUGE // 4),
    "hyphens": "-" * HUGE + "@x",
    "dots after @": "a@b" + ".c" * (HUGE // 2) + "1",
}


@pytest.mark.parametrize("text", EMAIL_INPUTS.values(), ids=EMAIL_INPUTS.keys())
def test_finding_email_addresses_takes_linear_time(text):
    render = InlineRenderer(lambda n: "#rec")
    finishes_quickly("InlineRenderer.block", render.block, text)
    finishes_quickly("InlineRenderer.block, 20,000 characters", render.block, text[:LONGEST_TEXT])


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aZ9._%+-@/éb.c (", max_size=30))
def test_email_links_are_as_the_email_pattern_finds_them(text):
    """The linear e-mail finder links exactly what the original pattern finds (on short text,
    where the pattern's own time does not matter)."""
    from reviewpress.inline import autolink_emails

    assert autolink_emails(text) == _EMAIL.sub(lambda m: f"[{m.group(1)}](mailto:{m.group(1)})", text)


MARKDOWN_INPUTS = {
    "nested square brackets": "[" * (HUGE // 2) + "]" * (HUGE // 2),
    "unclosed square brackets": "[a" * (HUGE // 2),
    "unclosed links": "[a](" * (HUGE // 4),
    "links with an open quote": "[a](b'c) " * (HUGE // 9),
    "images": "![a](" * (HUGE // 5),
    "escaped closing brackets": "[\\]" * (HUGE // 3),
    "code and brackets": "[`" * (HUGE // 2),
    "asterisks": "*" * HUGE,
    "emphasis": "*a" * (HUGE // 2),
    "nested emphasis": "*" * (HUGE // 2) + "a" + "*" * (HUGE // 2),
    "strong": "**a" * (HUGE // 3),
    "nested lists": "1. " * (HUGE // 3),
    "nested bullets": "- " * (HUGE // 2),
    "setext headings": "-\n" * (HUGE // 2),
    "unclosed tags": "<a" * (HUGE // 2),
    "autolinks": "<http://a" * (HUGE // 9),
    "footnote markers": "[^a]" * (HUGE // 4),
    "reference markers": "[ref 1]" * (HUGE // 7),
    "one reference marker, many numbers": "[ref " + "1," * (HUGE // 2 - 4) + "1]",
    "citations": "(Recommendation 1.1) " * (HUGE // 21),
    "e-mail addresses": "a@b.cc " * (HUGE // 7),
}


@pytest.mark.parametrize("text", MARKDOWN_INPUTS.values(), ids=MARKDOWN_INPUTS.keys())
def test_rendering_any_text_takes_under_a_second(text):
    """At 100,000 characters, and cut to the 20,000 a field may hold: rendering never stalls
    and never raises (text Markdown could take minutes over is shown unformatted)."""
    render = InlineRenderer(lambda n: "#rec")
    for length in (HUGE, LONGEST_TEXT, 2_000):
        html = finishes_quickly(f"InlineRenderer.block, {length:,} characters", render.block, text[:length])
        assert "<script" not in html


PLAIN_INPUTS = {
    "reference marker, never closed": "[ref " + "1 " * ((HUGE - 5) // 2),
    "reference marker, commas": "[ref " + "1," * ((HUGE - 5) // 2),
    "footnote openers": "[^" * (HUGE // 2),
    "asterisks and underscores": "*_" * (HUGE // 2),
    "plain-text test": "a " * (HUGE // 2) + "*",
}


@pytest.mark.parametrize("text", PLAIN_INPUTS.values(), ids=PLAIN_INPUTS.keys())
def test_plain_text_and_markers_take_linear_time(text):
    finishes_quickly("plain", plain, text)
    finishes_quickly("InlineRenderer.block", InlineRenderer(lambda n: "#rec").block, text)


@pytest.fixture(scope="module")
def bedford() -> SourcedReview:
    return read_review(BEDFORD_PATH)


CHECK_INPUTS = {**CITATION_INPUTS, **EMAIL_INPUTS, **MARKDOWN_INPUTS, **PLAIN_INPUTS}


@pytest.mark.parametrize("text", CHECK_INPUTS.values(), ids=CHECK_INPUTS.keys())
def test_checking_a_review_takes_linear_time(bedford, text):
    """check_review over a review whose first finding holds the adversarial text (put in without
    validation, as a model made in code could hold it): it finishes, and names the field."""
    loc = first_finding_loc(bedford.review)
    review = replaced(bedford.review, loc, text)
    item = SourcedReview(review, bedford.path, bedford.lines)
    errors, _ = finishes_quickly("check_review", check_review, item)
    if len(text) > LONGEST_TEXT:
        error = the_error(errors, f"is {len(text):,} characters long", "the longest text a field may hold is 20,000")
        assert error.line == bedford.line(loc) and error.field == "sections[6].sections[0].blocks[0].finding.text"


def test_a_field_over_20000_characters_is_an_error_naming_file_line_and_field(tmp_path):
    text = "x" * 123_456
    content = replace_once(BEDFORD, "area: Bedford Borough", f"area: {text}")
    errors = finishes_quickly("load_content", errors_for, tmp_path, content, limit=5)
    error = the_error(errors, "is 123,456 characters long; the longest text a field may hold is 20,000")
    assert_names(error, line_of(content, "area: x"), "area")
    assert len([e for e in errors if e.field == "area"]) == 1, "the same problem is reported once"


def test_a_finding_over_20000_characters_is_an_error(tmp_path):
    content = replace_once(BEDFORD, "(**Recommendation 2.1**)", "(**Recommendation 2.1**) " + "word " * 5_000)
    errors = errors_for(tmp_path, content)
    error = the_error(errors, "characters long; the longest text a field may hold is 20,000")
    assert_names(error, line_of(content, "word word"), "sections[6].sections[0].blocks[0].finding.text")


def test_a_review_file_over_2_mb_is_an_error_naming_file_and_line(tmp_path):
    content = BEDFORD + "\n".join("# padding " + "x" * 90 for _ in range(25_000)) + "\n"
    assert len(content.encode()) > 2 * 1024 * 1024
    errors = finishes_quickly("load_content", errors_for, tmp_path, content, limit=5)
    error = the_error(errors, f"is {len(content.encode()):,} bytes long", "2 MB")
    assert error.line is not None and BEDFORD.count("\n") < error.line <= content.count("\n")
    assert f", line {error.line}:" in str(error)


def test_the_seed_reviews_are_well_within_the_limits():
    def strings(data):
        if isinstance(data, str):
            yield data
        elif isinstance(data, dict):
            for value in data.values():
                yield from strings(value)
        elif isinstance(data, list):
            for value in data:
                yield from strings(value)

    for path in REVIEWS_DIR.glob("*.yaml"):
        assert path.stat().st_size < 2 * 1024 * 1024, path
        longest = max(len(s) for s in strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert longest < LONGEST_TEXT, (path, longest)


ACUTE = "- p: Acute hospital services are provided by Bedford Hospital NHS Trust."
NESTED = {
    "nested square brackets": ("(**Recommendation 2.1**)", "(**Recommendation 2.1**) " + "[" * 30 + "see" + "]" * 30,
                               "sections[6].sections[0].blocks[0].finding.text"),
    "unclosed square brackets": ("(**Recommendation 2.1**)", "(**Recommendation 2.1**) " + "[a " * 30,
                                 "sections[6].sections[0].blocks[0].finding.text"),
    "unclosed round brackets": ("(**Recommendation 2.1**)", "(**Recommendation 2.1**) " + "(a " * 30,
                                "sections[6].sections[0].blocks[0].finding.text"),
    "emphasis and brackets": ("(**Recommendation 2.1**)", "(**Recommendation 2.1**) " + "*[" * 30,
                              "sections[6].sections[0].blocks[0].finding.text"),
    "lists inside lists": (ACUTE, "- p: '" + "1. " * 30 + ACUTE[5:] + "'", "sections[3].blocks[12].p"),
    "bullets inside bullets": (ACUTE, "- p: '" + "- " * 30 + ACUTE[5:] + "'", "sections[3].blocks[12].p"),
}


@pytest.mark.parametrize("old, new, field", NESTED.values(), ids=NESTED.keys())
def test_text_markdown_could_take_minutes_over_is_an_error_naming_file_line_and_field(tmp_path, old, new, field):
    content = BEDFORD[: BEDFORD.index(old)] + new + BEDFORD[BEDFORD.index(old) + len(old):]
    errors = finishes_quickly("load_content", errors_for, tmp_path, content, limit=5)
    error = the_error(errors, "more than 20")
    assert_names(error, line_of(content, new), field)


# --- 2. checks that cannot be bypassed ----------------------------------------------------


FIRST_CITATION = "(**Recommendation 2.1**)"
FINDING_FIELD = "sections[6].sections[0].blocks[0].finding.text"

UNCHECKED_FORMS = [
    ("ampersand", "(Recommendations 2.1 & 9.9)", "cites recommendation 9.9, which does not exist"),
    ("lower case", "(recommendation 9.8)", "cites recommendation 9.8, which does not exist"),
    ("trailing dot", "(Recommendation 9.7.)", "cites recommendation 9.7, which does not exist"),
    ("number without a dot", "(Recommendation 96)", "cites recommendation 96, which does not exist"),
    ("upper case", "(RECOMMENDATION 9.6)", "cites recommendation 9.6, which does not exist"),
    ("a range", "(Recommendations 2.1 to 2.4)", '"(Recommendations 2.1 to 2.4)" looks like a cross-reference'),
    ("a bracket inside", "(Recommendation 2.1 (see above))", '"(Recommendation 2.1 (see above))" looks like a cross-reference'),
    ("or", "(Recommendation 2.1 or 9.4)", '"(Recommendation 2.1 or 9.4)" looks like a cross-reference'),
    ("not closed", "(Recommendation 9.5", '"(Recommendation 9.5" looks like a cross-reference'),
    ("3,000 spaces", "(Recommendation" + " " * 3_000 + "x", '"(Recommendation…" looks like a cross-reference'),
    ("no number", "(Recommendations)", '"(Recommendations)" looks like a cross-reference'),
]


@pytest.mark.parametrize("form, error_words", [(f, w) for _, f, w in UNCHECKED_FORMS], ids=[n for n, _, _ in UNCHECKED_FORMS])
def test_every_citation_is_checked_or_an_error(tmp_path, form, error_words):
    content = replace_once(BEDFORD, FIRST_CITATION, form)
    errors = errors_for(tmp_path, content)
    error = the_error(errors, error_words)
    assert_names(error, line_of(content, form), FINDING_FIELD)
    assert "paragraph 1.1" in error.message


@pytest.mark.parametrize("form, numbers", [
    ("(recommendation 2.1)", ["2.1"]),
    ("(Recommendations 2.1 & 2.2)", ["2.1", "2.2"]),
    ("(Recommendation 2.1.)", ["2.1"]),
    ("(RECOMMENDATIONS 2.1, 2.2 AND 2.3)", ["2.1", "2.2", "2.3"]),
])
def test_citations_in_every_form_are_linked(bedford, form, numbers):
    assert cited_recommendations(f"Text {form}") == numbers
    loc = first_finding_loc(bedford.review)
    finding_text = next(iter_findings(bedford.review))[1].text
    review = replaced(bedford.review, loc, finding_text.replace(FIRST_CITATION, form))
    errors, _ = check_review(SourcedReview(review, bedford.path, bedford.lines))
    assert errors == []
    finding = rendered(review).split('id="para-1-1"', 1)[1].split('id="para-1-2"', 1)[0]
    for number in numbers:
        assert f'<a href="#rec-{number.replace(".", "-")}" aria-label="Recommendation {number}">{number}</a>' in finding


# The pattern before the rewrite, plus the one form added since: "(Recommendation to 2.1)", as BaNES prints it.
OLD_CITATION_PATTERN = re.compile(r"\*{0,2}\(\s*\**\s*Recommendations?\s*,?\s*(?:to\s+)?((?:\d+\.\d+|[\s,]|and|\*)+)\)\*{0,2}")


def test_the_seed_reviews_citations_read_exactly_as_before(reviews):
    """Every citation form the seed reviews use gives the numbers the original pattern gave
    (on their own, benign, texts the original pattern is quick)."""
    checked = 0
    for review in reviews.values():
        for _, finding in iter_findings(review):
            old = [n for m in OLD_CITATION_PATTERN.finditer(finding.text) for n in re.findall(r"\d+\.\d+", m.group(1))]
            assert cited_recommendations(finding.text) == old, finding.text
            checked += bool(old)
    assert checked > 100


MARKER_FIELDS = [
    ("recommendation text", "Processes are developed", "recommendations[0].items[0].text"),
    ("recommendation lead-in", "lead_in: 'NHS Bedfordshire CCG and SEPT", "recommendations[0].lead_in"),
    ("next steps", "An action plan addressing", "next_steps.paragraphs[0]"),
    ("young people's intro", "This page is for children and young people", "young_people.intro[0]"),
    ("key point", "The inspectors looked at how doctors and nurses", "young_people.sections[0].points[0].text"),
    ("bullet", "The review explored the effectiveness", "sections[1].blocks[1].bullets[0]"),
    ("sub-bullet", "the role of healthcare providers and commissioners", "sections[1].blocks[1].bullets[2].items[0]"),
    ("metadata", "cqc_region: Central West", "metadata.cqc_region"),
]


@pytest.mark.parametrize("marker, words", [("[^z]", "marker [^z] has no footnote with id z"),
                                           ("[ref 7]", "marker [ref 7] has no reference number 7")], ids=["footnote", "reference"])
@pytest.mark.parametrize("anchor, field", [(a, f) for _, a, f in MARKER_FIELDS], ids=[n for n, _, _ in MARKER_FIELDS])
def test_markers_are_checked_in_every_field(tmp_path, anchor, field, marker, words):
    content = replace_once(BEDFORD, anchor, f"{anchor} {marker}")
    errors = errors_for(tmp_path, content)
    assert_names(the_error(errors, words), line_of(content, marker), field)


def _binary(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


TAGS = [
    ("binary with NUL, BEL and U+202E", f"!!binary {_binary('Bedford' + chr(0) + chr(7) + chr(0x202E) + ' Borough')}", "!!binary"),
    ("binary", f"!!binary {_binary('Bedford Borough')}", "!!binary"),
    ("python object", "!!python/object/apply:os.system ['echo']", "!!python/object/apply:os.system"),
    ("python name", "!!python/name:os.system", "!!python/name:os.system"),
    ("a local tag", "!local Bedford Borough", "!local"),
    ("a set", "!!set {Bedford: null}", "!!set"),
    ("str given to a number", "!!str 12", "!!str"),
]


@pytest.mark.parametrize("value, tag", [(v, t) for _, v, t in TAGS], ids=[n for n, _, _ in TAGS])
def test_yaml_tags_are_refused(tmp_path, value, tag):
    content = replace_once(BEDFORD, "area: Bedford Borough", f"area: {value}")
    errors = errors_for(tmp_path, content)
    error = the_error(errors, "YAML tags such as !!binary are not allowed; write the text itself", tag)
    assert_names(error, line_of(content, f"area: {value}"), "area")


CHARACTERS = [("NUL", "\\0"), ("BEL", "\\a"), ("escape", "\\e"), ("carriage return", "\\r"), ("DEL", "\\x7f"),
              ("C1 control", "\\x9b"), ("next line", "\\N"), ("right-to-left override", "\\u202e"),
              ("left-to-right embedding", "\\u202a"), ("first strong isolate", "\\u2068"), ("pop isolate", "\\u2069")]


@pytest.mark.parametrize("escape", [e for _, e in CHARACTERS], ids=[n for n, _ in CHARACTERS])
@pytest.mark.parametrize("anchor, field", [
    ("area: Bedford Borough", "area"),
    ("- text: The inspectors looked at how doctors and nurses help to keep children safe. They also looked at health care "
     "for children in care. They read notes about children. They talked to staff, young people and carers.",
     "young_people.sections[0].points[0].text"),
], ids=["area", "key point"])
def test_control_and_bidirectional_override_characters_are_refused(tmp_path, anchor, field, escape):
    key, value = anchor.split(": ", 1)
    line = f'{key}: "{value[:10]}{escape}{value[10:]}"'
    content = replace_once(BEDFORD, anchor, line)
    errors = errors_for(tmp_path, content)
    error = the_error(errors, "not allowed in text")
    assert_names(error, line_of(content, line), field)


def test_a_duplicate_section_number_names_both_lines(tmp_path):
    first = line_of(BEDFORD, "  - title: Early help\n    number: '1'") + 1
    content = replace_once(BEDFORD, "  - title: Children in need\n    number: '2'", "  - title: Children in need\n    number: '1'")
    errors = errors_for(tmp_path, content)
    error = the_error(errors, "section number 1 is used twice", f"first on line {first}")
    assert_names(error, line_of(content, "  - title: Children in need") + 1, "sections[6].sections[1].number")


# --- 3. messages, ids and markup ------------------------------------------------------------


def test_an_alias_error_names_the_line_of_the_alias(tmp_path):
    content = replace_once(BEDFORD, "area: Bedford Borough", "area: &place Bedford Borough")
    content = replace_once(content, "cqc_region: Central West", "cqc_region: *place")
    errors = errors_for(tmp_path, content)
    error = the_error(errors, "YAML alias")
    assert_names(error, line_of(content, "cqc_region: *place"), "metadata.cqc_region")


def _with_heading(title: str) -> str:
    return replace_once(BEDFORD, "- title: Summary of the review\n  blocks:\n",
                        f"- title: Summary of the review\n  blocks:\n  - heading: {title}\n")


@pytest.mark.parametrize("title", ["Recommendations", "Next steps", "Main content", "Contents title", "Title",
                                   "CPD promo title", "Recommendations group 1", "Rec 1.1", "Para 1.1"])
def test_a_heading_never_takes_an_id_the_page_already_has(tmp_path, title):
    path = tmp_path / "bedford.yaml"
    path.write_text(_with_heading(title), encoding="utf-8")
    review = read_review(path).review
    for output in ("report", "recommendations"):
        for medium in ("web", "print"):
            ids = ids_of(rendered(review, output, medium)).ids
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            assert not duplicates, (output, medium, duplicates)
            assert "main-content" not in ids, "main-content is the skip link's target, in the page layout"
    heading = ids_of(rendered(review)).ids
    assert re.sub(r"[^a-z0-9]+", "-", title.lower()) + "-2" in heading


def test_a_key_point_links_to_the_section_it_names_even_when_its_id_has_a_suffix(tmp_path):
    content = replace_once(BEDFORD, "- title: The child's journey\n", "- title: Next steps\n  blocks:\n  - p: A section of its own.\n"
                                                                   "- title: The child's journey\n")
    # The first key point is based on the section alone, so that its one "Read more" goes there.
    content = replace_once(content, "      findings:\n      - '1.5'\n      - '1.23'\n      - '4.1'\n      - '4.6'\n",
                           "      sections:\n      - Next steps\n")
    path = tmp_path / "bedford.yaml"
    path.write_text(content, encoding="utf-8")
    review = read_review(path).review
    report = ids_of(rendered(review))
    assert not {i for i in report.ids if report.ids.count(i) > 1}
    links = re.findall(r'<a class="read-more" href="\.\./#([^"]+)"', rendered(review, "young-people"))
    assert links, "the key point links to the section"
    target = links[0]
    assert target in report.ids and target != "next-steps"
    assert report.text_after[target].strip().startswith("Next steps")


def test_every_fixed_id_in_the_templates_is_known_to_the_id_generator():
    from reviewpress import context

    known = set(context.LAYOUT_IDS) | set(context.OTHER_TEMPLATE_IDS) | set(context.REPORT_IDS_IF)
    known |= set(context.RECOMMENDATIONS_PAGE_IDS_IF_GROUPS) | {"key-recommendations", "in-practice"}
    for ids in context.PAGE_IDS.values():
        known |= ids
    fixed = {m for path in (ROOT / "templates").rglob("*.html") for m in re.findall(r'\bid="([a-z0-9-]+)"', path.read_text(encoding="utf-8"))}
    assert fixed, "the templates have fixed ids"
    assert fixed <= known, f"add to context.py: {sorted(fixed - known)}"


PASTED = '<a href="https://example.org" id="x" class="y" aria-label="Click">text</a>'


def test_pasted_markup_loses_id_class_style_and_aria():
    render = InlineRenderer(lambda n: "#rec")
    assert str(render.inline(f"See {PASTED} here.")) == 'See <a href="https://example.org">text</a> here.'
    html = str(render.inline('<span class="visually-hidden" style="display:none" aria-hidden="true">hidden</span> '
                             '<sup class="footnote-marker" id="fnref-a" aria-label="x">1</sup> '
                             '<abbr title="Care Quality Commission" role="img" aria-describedby="y">CQC</abbr>'))
    assert html == '<span>hidden</span> <sup>1</sup> <abbr title="Care Quality Commission">CQC</abbr>'


def test_the_renderers_own_markup_keeps_what_it_needs():
    render = InlineRenderer(lambda n: f"#rec-{n.replace('.', '-')}")
    html = str(render.inline("Seen[^a] and again[^a], cited [ref 5,6] (Recommendation 2.1); write to a@example.org"))
    assert '<sup class="footnote-marker"><a id="fnref-a" href="#fn-a">[footnote a]</a></sup>' in html
    assert html.count('id="fnref-a"') == 1 and html.count('href="#fn-a"') == 2
    assert ('<sup class="reference-marker">[<a href="#ref-5" aria-label="reference 5">5</a>, '
            '<a href="#ref-6" aria-label="reference 6">6</a>]</sup>') in html
    assert '<a href="#rec-2-1" aria-label="Recommendation 2.1">2.1</a>' in html and '<a href="mailto:a@example.org">a@example.org</a>' in html


def test_a_pasted_link_in_a_finding_is_published_without_its_attributes(tmp_path):
    path = tmp_path / "bedford.yaml"
    path.write_text(replace_once(BEDFORD, FIRST_CITATION, f"{PASTED} {FIRST_CITATION}"), encoding="utf-8")
    item = read_review(path)
    assert check_review(item)[0] == []
    for medium in ("web", "print"):
        html = rendered(item.review, "report", medium)
        assert '<a href="https://example.org">text</a>' in html
        assert 'aria-label="Click"' not in html and 'id="x"' not in html and 'class="y"' not in html


NATIONAL = (REVIEWS_DIR / "not-seen-not-heard.yaml").read_text(encoding="utf-8")
NATIONAL_FIELDS = [
    ("footnote", "  text: In this report a child is defined", "footnotes[0].text"),
    ("reference", "  text: Department for Education, **Working together", "references[0].text"),
    ("table label", "        - label: Pre-birth protocols", ".table.rows[0].label"),
    ("table cell", "          - Midwives use pre-birth assessment templates", ".table.rows[0].cells[0]"),
    ("table title", "        title: 'Multi-agency working to provide early help", ".table.title"),
]


@pytest.mark.parametrize("marker, words", [("[^z]", "marker [^z] has no footnote with id z"),
                                           ("[ref 99]", "marker [ref 99] has no reference number 99")], ids=["footnote", "reference"])
@pytest.mark.parametrize("anchor, field", [(a, f) for _, a, f in NATIONAL_FIELDS], ids=[n for n, _, _ in NATIONAL_FIELDS])
def test_markers_are_checked_in_notes_references_and_tables(tmp_path, anchor, field, marker, words):
    start = NATIONAL.index(anchor)
    end = NATIONAL.index("\n", start)
    old_line = NATIONAL[start:end]
    line = f"{old_line[:-1]} {marker}'" if old_line.endswith("'") else f"{old_line} {marker}"
    content = NATIONAL[:start] + line + NATIONAL[end:]
    errors = errors_for(tmp_path, content, "not-seen-not-heard.yaml")
    error = the_error(errors, words)
    assert error.path.name == "not-seen-not-heard.yaml" and error.line == line_of(content, line), str(error)
    assert error.field.endswith(field) and f": {error.field}: " in str(error), str(error)

"""Source text (inline Markdown) to safe HTML, with cross-references turned into links.

Every piece of authored text passes through `to_html`, so this is the one place
where Markdown is converted and the result is cleaned by an allow-list
sanitiser (nh3): whatever is pasted into a review file, no script, event
handler, style, iframe, form or javascript:/data: URL reaches a page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path

import markdown
import nh3
from markupsafe import Markup, escape

from .model import CITATION_PATTERN, MAX_TEXT_LENGTH

ALLOWED_TAGS = {"a", "strong", "em", "sup", "sub", "br", "code", "abbr", "p", "span", "ol", "li"}
# What markup written in a review keeps: a link's address and an abbreviation's expansion.
# Never an id, class, style or aria-* attribute: a pasted <a aria-label="..."> would make a
# screen reader announce a name other than the link's visible text.
AUTHORED_ATTRIBUTES = {"a": {"href"}, "abbr": {"title"}, "ol": {"start"}}
# What the markup the renderer itself writes needs (footnote and reference markers). Those
# attribute values carry _GENERATED in front while the text is converted, which only this
# process knows; the sanitiser keeps such an attribute, without the prefix, and drops any other.
GENERATED_ATTRIBUTES = {"a": {"id", "aria-label", "class"}, "sup": {"class"}}
ALLOWED_ATTRIBUTES = {
    tag: AUTHORED_ATTRIBUTES.get(tag, set()) | GENERATED_ATTRIBUTES.get(tag, set())
    for tag in AUTHORED_ATTRIBUTES.keys() | GENERATED_ATTRIBUTES.keys()
}
URL_SCHEMES = {"https", "http", "mailto"}
_GENERATED = "rp" + secrets.token_hex(12)

# Markers and the e-mail pattern run on any text, so none of them may backtrack: every
# repetition is possessive, and an e-mail address is only tried from the start of a run
# of the characters an address can begin with (see autolink_emails).
_FOOTNOTE = re.compile(r"\[\^([a-z]{1,2})\]")
_REFERENCE = re.compile(r"\[ref ([\d,\s]++)\]")
_NUMBER = re.compile(r"\d++(?:\.\d++)?+")
_EMAIL = re.compile(r"(?<![\w.@/-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[A-Za-z])")
_EMAIL_LOCAL_RUN = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++(?=@)")
_EMAIL_RESTART = re.compile(r"[%+]")
# A web address printed as text ("www.cqc.org.uk", "https://www.gov.uk/..."): it runs to the next space,
# bracket or quote (possessive, so linear in the text), and not from inside a word, an address or a link.
# A web address in the text of converted HTML ("www.cqc.org.uk", "https://www.gov.uk/a?b=1&amp;c=2"): it
# runs to the next space, bracket, quote or entity other than &amp; (possessive, so linear in the text),
# never from inside a word or an address, and is not the start of an e-mail address.
_WEB_ADDRESS = re.compile(r"(?<![\w@/.:=-])(?:https?://|www\.)(?:[^\s<>\[\]()\"'`*@&]|&amp;)++(?!@)")
_ADDRESS_END = ".,:!?’”"
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_NOT_LINKED_INSIDE = {"a", "code", "pre"}
# sane_lists: a numbered list keeps its printed first number (<ol start="3">), as in a case box
# holding examples 3 and 4; without it Markdown renumbers every list from 1.
_md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
_remembered: dict[str, Markup] | None = None
# Markdown's results kept between builds (kept_markdown): what a review's texts gave last time, and now.
_previous: dict[str, str] = {}
_converted: dict[str, str] | None = None
# Text Markdown would only wrap in <p>: one line, none of the characters Markdown or HTML give a
# meaning to, no leading or trailing space, not starting like a list, quote or heading. Most
# paragraphs are like this; they skip Markdown (the same HTML, tests/test_inline_plain.py).
_PLAIN = re.compile(r"(?![\s\d+=>-])[^\n\r\t\\`*_\[\]<>&!#\x02\x03]*+(?<=\S)\Z")

# Python-Markdown takes time that grows with the square of the text for some inputs (each "["
# or "(" of a link scans on to its closing bracket, or to the end of the text when there is
# none; its HTML parser rescans unclosed tags), and recurses once per level of nested lists
# or quotes. markdown_risk() finds the texts where that could matter; they are errors for the
# build (integrity.py) and are never given to Markdown (InlineRenderer.block).
MAX_NESTING = 20  # brackets open at once; real reports open one or two
MAX_LINKS = 50  # Markdown links ("](") written in one text; the seed reviews write none
MAX_TAGS = 200  # "<" in one text; the seed reviews have none
MAX_LINES = 200  # lines in one text; the seed reviews' texts have at most three
MAX_MARKERS = 50  # footnote markers and numbers in reference markers (each becomes HTML); the seeds have three
_SQUARE = re.compile(r"\\.|[\[\]]", re.DOTALL)
_ROUND = re.compile(r"\\.|[()]", re.DOTALL)
_LINE_NESTING = re.compile(r"(?m)^(?:[ \t]*+(?:>|(?:[-*+]|\d++[.)])(?=[ \t])))++")


def _depth(pattern: re.Pattern, text: str, opener: str) -> int:
    """The most brackets open at once (one left open counts to the end of the text)."""
    depth = deepest = 0
    for match in pattern.finditer(text):
        char = match.group()
        if char == opener:
            depth += 1
            deepest = max(deepest, depth)
        elif len(char) == 1 and depth:
            depth -= 1
    return deepest


def markdown_risk(text: str) -> str | None:
    """Why Markdown could take too long over this text (or overflow its recursion), or None.

    Linear in the text. Every text of the seed reviews passes; the limits are far above what a
    report needs and far below what would slow Markdown down (tests/test_hostile_text.py)."""
    if len(text) > MAX_TEXT_LENGTH:
        return f"is {len(text):,} characters long; the longest text a field may hold is {MAX_TEXT_LENGTH:,}"
    if text.count("[") > MAX_NESTING and _depth(_SQUARE, text, "[") > MAX_NESTING:
        return (f"has more than {MAX_NESTING} square brackets [ open at once (nested, or never closed); "
                "close each [ with ], or write \\[ for a bracket that is only text")
    if text.count("(") > MAX_NESTING and _depth(_ROUND, text, "(") > MAX_NESTING:
        return (f"has more than {MAX_NESTING} round brackets ( open at once (nested, or never closed); "
                "close each ( with )")
    lines = text.count("\n") + text.count("\r")
    if lines > MAX_LINES:
        return f"has {lines:,} lines; a text may hold at most {MAX_LINES} (Markdown reads each line for headings and lists)"
    if text.count("](") > MAX_LINKS:
        return f"has more than {MAX_LINKS} Markdown links [text](address); a text may hold at most {MAX_LINKS}"
    if "[" in text:
        markers = len(_FOOTNOTE.findall(text)) + sum(len(re.findall(r"\d+", group)) for group in _REFERENCE.findall(text))
        if markers > MAX_MARKERS:
            return (f"has {markers:,} footnote and reference markers (each number in [ref ...] counts); "
                    f"a text may hold at most {MAX_MARKERS}")
    if text.count("<") > MAX_TAGS:
        return f"has more than {MAX_TAGS} < characters; a text may hold at most {MAX_TAGS} (write &lt; for a < that is only text)"
    for match in _LINE_NESTING.finditer(text):
        if len(re.findall(r"[-*+>]|\d+[.)]", match.group())) > MAX_NESTING:
            return (f"has a line that starts with more than {MAX_NESTING} list or quotation marks (-, *, +, >, 1.), "
                    "which Markdown reads as lists inside lists; put the text in quotes or remove the marks")
    return None


@contextmanager
def remembering():
    """Within this block, each distinct source text is converted once.

    A review's four outputs, for the web and for print, are built from the same texts
    (Markdown is most of the rendering time); the conversion is a function of the
    source text alone (links and markers are already in it). The plugin uses one block
    per review, so nothing is shared between reviews.
    """
    global _remembered
    outer = _remembered
    _remembered = {} if outer is None else outer
    try:
        yield
    finally:
        _remembered = outer


@functools.lru_cache(maxsize=1)
def conversion_fingerprint() -> str:
    """What Markdown's cleaned results depend on: this module's code, Markdown's and nh3's versions."""
    from importlib.metadata import version

    source = Path(__file__).read_bytes()
    return hashlib.sha256(source + f"\0markdown {version('markdown')}\0nh3 {version('nh3')}".encode()).hexdigest()


@contextmanager
def kept_markdown(path: Path):
    """Within this block, a text converted by Markdown when the block last ran with this file (a review's
    texts, in the build cache) is taken from it, and the file then holds what the block converted.

    Markdown is the largest part of rendering a review; editing one paragraph, or changing code that
    does not concern the text, converts the same texts again. The file carries its checksum and the
    conversion's fingerprint (this module, Markdown's and nh3's versions); any mismatch, and it is not used."""
    global _previous, _converted
    from .store import write_atomic

    previous: dict[str, str] = {}
    try:
        raw = path.read_bytes()
        checksum, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest() == checksum.decode("ascii", "replace"):
            data = json.loads(body)
            if data.get("fingerprint") == conversion_fingerprint() and isinstance(data.get("html"), dict):
                previous = data["html"]
    except (OSError, ValueError, AttributeError):
        pass
    outer = _previous, _converted
    _previous, _converted = previous, {}
    converted = _converted
    try:
        yield
    finally:
        _previous, _converted = outer
    if converted != previous:
        body = json.dumps({"fingerprint": conversion_fingerprint(), "html": converted}, sort_keys=True).encode()
        try:
            write_atomic(path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        except OSError:
            pass  # only costs time


def without_emphasis(citation: str) -> str:
    """A bracketed citation with its bold or italic markers taken out, words and punctuation kept.

    The reports bold their citations three ways ("(**Recommendation 2.2**)", "**(Recommendation 2.7)**"
    and not at all), so a reader saw three styles for one kind of link. A marker is taken out only
    with its partner: a "**" that closes bold text running up to the bracket stays, and so does any
    marker whose partner is outside the bracket."""
    if citation.startswith("**(") and citation.endswith(")**"):
        citation = citation[2:-2]
    opening, closing = citation.index("("), citation.rindex(")")
    inside = citation[opening:closing]
    runs = _MARKER_RUN.findall(inside)
    if len(runs) % 2 == 0 and all(runs[i] == runs[i + 1] for i in range(0, len(runs), 2)):
        inside = _MARKER_RUN.sub("", inside)
    return citation[:opening] + inside + citation[closing:]


_MARKER_RUN = re.compile(r"\*+|_+")


def anchor_id(prefix: str, number: str) -> str:
    """'para', '1.14' -> 'para-1-14' (ids without dots need no escaping in CSS or URLs)."""
    return f"{prefix}-{number.replace('.', '-')}"


class InlineRenderer:
    """Renders text for one output page; `recommendation_href` says where a cited recommendation lives."""

    def __init__(self, recommendation_href: Callable[[str], str | None], footnotes_href: str | None = "#footnotes"):
        self.recommendation_href = recommendation_href
        self.footnote_seen: set[str] = set()

    def _link_citations(self, text: str) -> str:
        if "(" not in text:
            return text

        def link_numbers(match: re.Match) -> str:
            def one(number: re.Match) -> str:
                href = self.recommendation_href(number.group(0))
                # Named in full ("Recommendation 2.1"): a screen reader's list of links shows the name alone.
                n = number.group(0)
                return f'<a href="{href}" aria-label="{_GENERATED}Recommendation {n}">{n}</a>' if href else n

            return _NUMBER.sub(one, without_emphasis(match.group(0)))

        return CITATION_PATTERN.sub(link_numbers, text)

    def _markers(self, text: str) -> str:
        if "[" not in text:
            return text
        mark = _GENERATED  # see GENERATED_ATTRIBUTES

        def footnote(match: re.Match) -> str:
            letter = match.group(1)
            first = letter not in self.footnote_seen
            self.footnote_seen.add(letter)
            ident = f' id="{mark}fnref-{letter}"' if first else ""
            return f'<sup class="{mark}footnote-marker"><a{ident} href="#fn-{letter}">[footnote {letter}]</a></sup>'

        def reference(match: re.Match) -> str:
            numbers = re.findall(r"\d+", match.group(1))
            links = ", ".join(f'<a href="#ref-{n}" aria-label="{mark}reference {n}">{n}</a>' for n in numbers)
            return f'<sup class="{mark}reference-marker">[{links}]</sup>'

        return _REFERENCE.sub(reference, _FOOTNOTE.sub(footnote, text))

    def _autolink_emails(self, text: str) -> str:
        return autolink_emails(text)

    def block(self, text: str) -> Markup:
        """Text that may hold several paragraphs (separated by blank lines), as <p> elements."""
        if markdown_risk(text) is not None:
            # An error for the build (integrity.py); here the text is only shown, never converted.
            return unformatted(text)
        source = self._markers(self._autolink_emails(self._link_citations(text)))
        if _remembered is not None and source in _remembered:
            return _remembered[source]
        if _PLAIN.match(source):
            html = clean(link_web_addresses(f"<p>{source}</p>"))
        else:
            # Kept by the source with this process's secret (_GENERATED) taken out: no authored text
            # can hold a NUL, so no text can pass for one with generated attributes.
            key = source.replace(_GENERATED, "\0") if _converted is not None else None
            kept = _previous.get(key) if key is not None else None
            if kept is not None:
                html = Markup(kept)
            else:
                try:
                    html = clean(link_web_addresses(_md.reset().convert(source)))
                except RecursionError:  # lists inside lists deeper than markdown_risk lets through
                    return unformatted(text)
            if key is not None and _converted is not None:
                _converted[key] = str(html)
        if _remembered is not None:
            _remembered[source] = html
        return html

    def inline(self, text: str) -> Markup:
        """One run of text, without a wrapping <p>."""
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = Markup(html[3:-4])
        return html


def link_web_addresses(html: str) -> str:
    """Each web address printed as text becomes a link to itself: a reader expects "www.cqc.org.uk"
    to go somewhere. Done on the converted HTML's text, so that Markdown has already read its
    emphasis and escapes, and never inside a link or code. Punctuation closing a sentence stays out."""
    if "www." not in html and "http" not in html:
        return html
    parts = _TAG.split(html)
    inside = 0
    for index, part in enumerate(parts):
        if index % 2:
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in _NOT_LINKED_INSIDE and not part.endswith("/>"):
                inside = max(0, inside + (-1 if part.startswith("</") else 1))
        elif part and not inside:
            parts[index] = _WEB_ADDRESS.sub(_link_to_itself, part)
    return "".join(parts)


def _link_to_itself(match: re.Match) -> str:
    address = match.group(0)
    while address and (address[-1] in _ADDRESS_END or (address[-1] == ";" and not address.endswith("&amp;"))):
        address = address[:-1]
    rest = match.group(0)[len(address):]
    if "." not in address.split("//")[-1].strip("."):
        return match.group(0)
    target = html_unescape(address)
    href = target if target.startswith("http") else f"https://{target}"
    return f'<a href="{html_escape(href)}" class="{_GENERATED}web-address">{address}</a>{rest}'


def autolink_emails(text: str) -> str:
    """Each e-mail address as a Markdown mailto: link: what `_EMAIL.sub` gives, in linear time.

    `_EMAIL` on its own tries every position of a long run of address characters and scans
    on from each ("+a" * 50,000 took seconds). An address's local part is a run of those
    characters ending at "@", and the pattern can only start at the run's beginning or just
    after a "%" or "+" in it (its look-behind); so each run is tried once, from there."""
    if "@" not in text:
        return text
    out: list[str] = []
    done = 0
    for run in _EMAIL_LOCAL_RUN.finditer(text):
        start = run.start()
        if start < done or (start and re.match(r"[\w.@/-]", text[start - 1])):
            restart = _EMAIL_RESTART.search(text, max(start, done - 1), run.end() - 1)
            if restart is None:
                continue
            start = restart.end()
        match = _EMAIL.match(text, start)
        if match is None:
            continue
        address = match.group(1)
        out.append(text[done:match.start()])
        out.append(f"[{address}](mailto:{address})")
        done = match.end()
    out.append(text[done:])
    return "".join(out)


def unformatted(text: str) -> Markup:
    """Text shown as it is written, without Markdown: escaped, one <p> per paragraph."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*+\n\s*+", text)]
    return Markup("".join(f"<p>{escape(p)}</p>" for p in paragraphs if p))


def _keep_generated(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: authored markup keeps only AUTHORED_ATTRIBUTES; an attribute of
    GENERATED_ATTRIBUTES is kept only when the renderer wrote it (its value starts with _GENERATED)."""
    if attribute in AUTHORED_ATTRIBUTES.get(tag, ()):
        return value
    if attribute in GENERATED_ATTRIBUTES.get(tag, ()) and value.startswith(_GENERATED):
        return value[len(_GENERATED):]
    return None


# One sanitiser each, built once: nh3.clean(html, **options) builds one per call (4 times slower, the same output).
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_generated,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


def clean(html: str) -> Markup:
    """Only allow-listed tags and attributes survive; the result is safe to print unescaped."""
    return Markup(_CLEANER.clean(html))


def plain(text: str) -> str:
    """Text with Markdown and markers removed, for titles, metadata and readability scoring."""
    if "[" in text:
        text = _FOOTNOTE.sub("", _REFERENCE.sub("", text))
    return _EMPHASIS.sub("", text).strip()


_EMPHASIS = re.compile(r"\*\*|\*|__")


PAGE_TAGS = ALLOWED_TAGS | {
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
}
PAGE_ATTRIBUTES = {  # content/pages/*.md: unchanged by the review text's narrower AUTHORED_ATTRIBUTES
    "sup": {"class"},
    "span": {"class"},
    "abbr": {"title"},
    **{tag: {"id"} for tag in ("h1", "h2", "h3", "h4", "h5", "h6")},
    "a": {"href", "id", "title"},
    "th": {"scope"},
}


_PAGE_CLEANER = nh3.Cleaner(
    tags=PAGE_TAGS,
    attributes=PAGE_ATTRIBUTES,
    url_schemes=URL_SCHEMES | {"tel"},
    link_rel=None,
    strip_comments=True,
)


def clean_page(html: str) -> Markup:
    """A whole Markdown page (content/pages/*.md) cleaned by a wider allow-list:
    headings, lists and tables, but still no script, style, form, frame, image or unsafe URL."""
    return Markup(_PAGE_CLEANER.clean(html))

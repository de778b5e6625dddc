"""Source text (inline Markdown) to safe HTML, with cross-references turned into links.

Every piece of authored text passes through `to_html`, so this is the one place
where Markdown is converted and the result is cleaned by an allow-list
sanitiser (nh3): whatever is pasted into a review file, no script, event
handler, style, iframe, form or javascript:/data: URL reaches a page.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Callable

import markdown
import nh3
from markupsafe import Markup

from .model import CITATION_PATTERN

ALLOWED_TAGS = {"a", "strong", "em", "sup", "sub", "br", "code", "abbr", "p", "span"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "class", "aria-label"},
    "sup": {"class"},
    "span": {"class"},
    "abbr": {"title"},
}
URL_SCHEMES = {"https", "http", "mailto"}

_FOOTNOTE = re.compile(r"\[\^([a-z]{1,2})\]")
_REFERENCE = re.compile(r"\[ref ([\d,\s]+)\]")
_NUMBER = re.compile(r"\d+\.\d+")
_EMAIL = re.compile(r"(?<![\w.@/-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[A-Za-z])")
_md = markdown.Markdown(extensions=[], output_format="html")
_remembered: dict[str, Markup] | None = None
# Text Markdown would only wrap in <p>: one line, none of the characters Markdown or HTML give a
# meaning to, no leading or trailing space, not starting like a list, quote or heading. Most
# paragraphs are like this; they skip Markdown (the same HTML, tests/test_inline_plain.py).
_PLAIN = re.compile(r"(?![\s\d+=>-])[^\n\r\t\\`*_\[\]<>&!#\x02\x03]*(?<=\S)\Z")


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


def anchor_id(prefix: str, number: str) -> str:
    """'para', '1.14' -> 'para-1-14' (ids without dots need no escaping in CSS or URLs)."""
    return f"{prefix}-{number.replace('.', '-')}"


class InlineRenderer:
    """Renders text for one output page; `recommendation_href` says where a cited recommendation lives."""

    def __init__(self, recommendation_href: Callable[[str], str | None], footnotes_href: str | None = "#footnotes"):
        self.recommendation_href = recommendation_href
        self.footnote_seen: set[str] = set()

    def _link_citations(self, text: str) -> str:
        def link_numbers(match: re.Match) -> str:
            def one(number: re.Match) -> str:
                href = self.recommendation_href(number.group(0))
                return f"[{number.group(0)}]({href})" if href else number.group(0)

            return _NUMBER.sub(one, match.group(0))

        return CITATION_PATTERN.sub(link_numbers, text)

    def _markers(self, text: str) -> str:
        def footnote(match: re.Match) -> str:
            letter = match.group(1)
            first = letter not in self.footnote_seen
            self.footnote_seen.add(letter)
            ident = f' id="fnref-{letter}"' if first else ""
            return f'<sup class="footnote-marker"><a{ident} href="#fn-{letter}">[footnote {letter}]</a></sup>'

        def reference(match: re.Match) -> str:
            numbers = re.findall(r"\d+", match.group(1))
            links = ", ".join(f'<a href="#ref-{n}" aria-label="reference {n}">{n}</a>' for n in numbers)
            return f'<sup class="reference-marker">[{links}]</sup>'

        return _REFERENCE.sub(reference, _FOOTNOTE.sub(footnote, text))

    def _autolink_emails(self, text: str) -> str:
        return _EMAIL.sub(lambda m: f"[{m.group(1)}](mailto:{m.group(1)})", text)

    def block(self, text: str) -> Markup:
        """Text that may hold several paragraphs (separated by blank lines), as <p> elements."""
        source = self._markers(self._autolink_emails(self._link_citations(text)))
        if _remembered is not None and source in _remembered:
            return _remembered[source]
        html = clean(f"<p>{source}</p>" if _PLAIN.match(source) else _md.reset().convert(source))
        if _remembered is not None:
            _remembered[source] = html
        return html

    def inline(self, text: str) -> Markup:
        """One run of text, without a wrapping <p>."""
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = Markup(html[3:-4])
        return html


def clean(html: str) -> Markup:
    """Only allow-listed tags and attributes survive; the result is safe to print unescaped."""
    return Markup(nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    ))


def plain(text: str) -> str:
    """Text with Markdown and markers removed, for titles, metadata and readability scoring."""
    text = _FOOTNOTE.sub("", _REFERENCE.sub("", text))
    return re.sub(r"(\*\*|\*|__)", "", text).strip()


PAGE_TAGS = ALLOWED_TAGS | {
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
}
PAGE_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    **{tag: {"id"} for tag in ("h1", "h2", "h3", "h4", "h5", "h6")},
    "a": {"href", "id", "title"},
    "th": {"scope"},
}


def clean_page(html: str) -> Markup:
    """A whole Markdown page (content/pages/*.md) cleaned by a wider allow-list:
    headings, lists and tables, but still no script, style, form, frame, image or unsafe URL."""
    return Markup(nh3.clean(
        html,
        tags=PAGE_TAGS,
        attributes=PAGE_ATTRIBUTES,
        url_schemes=URL_SCHEMES | {"tel"},
        link_rel=None,
        strip_comments=True,
    ))

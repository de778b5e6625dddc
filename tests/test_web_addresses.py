"""A web address printed in a report is a link a reader can follow (issue 15, point 11).

The national report prints its web addresses as text ("www.cqc.org.uk", four references that are
bare addresses); a reader on the web or in the PDF expects them to go somewhere.
"""

from __future__ import annotations

import re
import time

import lxml.html
import pytest

from reviewpress.inline import InlineRenderer

from .conftest import review_slugs

_ADDRESS_IN_TEXT = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>()]+")


def _inline(text: str) -> str:
    return str(InlineRenderer(lambda number: None).inline(text))


@pytest.mark.parametrize(("text", "html"), [
    ("at our website www.cqc.org.uk", 'at our website <a href="https://www.cqc.org.uk" class="web-address">www.cqc.org.uk</a>'),
    ("See https://www.gov.uk/a?b=1&c=2.", 'See <a href="https://www.gov.uk/a?b=1&amp;c=2" class="web-address">https://www.gov.uk/a?b=1&amp;c=2</a>.'),
    ("(www.brook.org.uk/our-work)", '(<a href="https://www.brook.org.uk/our-work" class="web-address">www.brook.org.uk/our-work</a>)'),
    # A link written in Markdown, an e-mail address and a bare "www." stay as they were.
    ("[the service](https://www.equalityadvisoryservice.com/)", '<a href="https://www.equalityadvisoryservice.com/">the service</a>'),
    ("write to a@www.example.org", 'write to <a href="mailto:a@www.example.org">a@www.example.org</a>'),
    ("the www. prefix", "the www. prefix"),
    # Markdown reads its emphasis and escapes first; code and links stay as they are.
    ("_Visit www.cqc.org.uk_", '<em>Visit <a href="https://www.cqc.org.uk" class="web-address">www.cqc.org.uk</a></em>'),
    ("www.x.org/a\\_b", '<a href="https://www.x.org/a_b" class="web-address">www.x.org/a_b</a>'),
    ("`code www.x.org`", "<code>code www.x.org</code>"),
    ("[see www.cqc.org.uk](https://www.cqc.org.uk)", '<a href="https://www.cqc.org.uk">see www.cqc.org.uk</a>'),
    ("email www.john@example.com now", 'email <a href="mailto:www.john@example.com">www.john@example.com</a> now'),
])
def test_a_web_address_in_the_text_becomes_a_link_to_itself(text, html):
    assert _inline(text) == html


def test_an_address_cannot_carry_markup_into_the_page():
    html = _inline('www.example.org/"onmouseover="alert(1)')
    assert "onmouseover=" not in html.split(">")[0], html


@pytest.mark.parametrize("text", ["www." * 5_000, "http://a" * 2_500, "a@www." * 3_000, "www.a&amp;" * 2_000,
                                  "(www.a)" * 2_500, "www.a." + "." * 19_000])
def test_finding_addresses_takes_linear_time_on_hostile_text(text):
    started = time.process_time()
    _inline(text)
    assert time.process_time() - started < 1


@pytest.mark.parametrize("slug", review_slugs())
def test_every_web_address_on_a_report_page_is_a_link(built_site, slug):
    for page in ("index.html", "recommendations/index.html"):
        root = lxml.html.parse(str(built_site / "reviews" / slug / page)).getroot()
        unlinked = [match for text in root.xpath("//main//text()[not(ancestor::a)]")
                    for match in _ADDRESS_IN_TEXT.findall(str(text))]
        assert not unlinked, f"{slug}/{page}: web addresses printed but not linked: {unlinked}"

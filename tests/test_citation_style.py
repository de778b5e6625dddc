"""Every citation of a recommendation reads in one style.

The reports bold their citations three ways: "(**Recommendation 2.2**)" (Bedford, Bury),
"**(Recommendation 2.7)**" (a few) and not at all (Staffordshire, BaNES). Shown as printed, a
proofreader saw three styles for one kind of link, and the bold ones shouted from the page. The
words and brackets are kept; only the emphasis goes.
"""

from __future__ import annotations

import lxml.html
import pytest

from reviewpress.inline import InlineRenderer

from .conftest import review_slugs

FORMS = ["(**Recommendation 2.2**)", "**(Recommendation 2.2)**", "(Recommendation 2.2)", "(__Recommendation 2.2__)"]


def _rendered(text: str) -> str:
    renderer = InlineRenderer(lambda number: f"#rec-{number.replace('.', '-')}")
    return str(renderer.block(f"The practice varied. {text}"))


def test_the_written_forms_render_the_same():
    rendered = {form: _rendered(form) for form in FORMS}
    assert len(set(rendered.values())) == 1, rendered
    assert "<strong>" not in rendered[FORMS[0]] and ">2.2</a>)" in rendered[FORMS[0]]


@pytest.mark.parametrize("text", ["**Most important (Recommendation 2.2)**", "**Important (Recommendation 2.2**) next",
                                  "See (**Recommendation 2.2)** next"])
def test_a_marker_whose_partner_is_outside_the_bracket_stays(text):
    """Emphasis that only starts or ends inside a citation is the surrounding text's: it renders as
    Markdown reads it, and no '**' is left on the page."""
    html = _rendered(text)
    assert "<strong>" in html and "**" not in html, html


@pytest.mark.parametrize("slug", review_slugs())
def test_no_citation_on_a_report_page_is_emphasised(built_site, slug):
    page = lxml.html.parse(str(built_site / "reviews" / slug / "index.html")).getroot()
    citations = page.xpath('//main//p//a[starts-with(@aria-label, "Recommendation ")]')
    emphasised = [link.get("aria-label") for link in citations
                  if link.xpath("ancestor::strong | ancestor::b | ancestor::em | ancestor::i")]
    assert not emphasised, f"{slug}: citations in bold or italics: {emphasised[:5]}"

"""inline._PLAIN lets plain text skip Markdown: the HTML must be exactly what Markdown gives."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewpress.inline import _PLAIN, _md, clean

ROOT = Path(__file__).resolve().parent.parent


def through_markdown(text: str) -> str:
    return str(clean(_md.reset().convert(text)))


def fast(text: str) -> str:
    return str(clean(f"<p>{text}</p>"))


def strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def test_every_plain_text_of_the_reviews_renders_as_markdown_would():
    checked = 0
    for path in sorted((ROOT / "content/reviews").glob("*.yaml")):
        for text in strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if _PLAIN.match(text):
                assert fast(text) == through_markdown(text), text
                checked += 1
    assert checked > 100


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
       | st.text(alphabet=" \u00a0\t\n.-+=>#*_`[]()<>&!:;'\"0123456789aZ£é–\\|{}~^%$@", max_size=30))
def test_plain_means_markdown_only_adds_a_paragraph(text):
    if _PLAIN.match(text):
        assert fast(text) == through_markdown(text), repr(text)

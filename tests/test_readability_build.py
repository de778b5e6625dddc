"""The build itself refuses a young people's page that is too hard to read."""

from __future__ import annotations

import shutil

import pytest
import yaml

from reviewpress.errors import ContentErrors
from reviewpress.plugin import load_and_check

from .conftest import REVIEWS_DIR, review_slugs

LONG_SENTENCE = (
    "The review team looked carefully at how the different health services in this area worked "
    "together with social care, schools and the police to keep every child safe from harm."
)


@pytest.mark.parametrize("slug", review_slugs())
def test_build_fails_when_a_thirty_word_sentence_is_added(tmp_path, slug):
    assert len(LONG_SENTENCE.split()) == 30
    shutil.copy(REVIEWS_DIR / f"{slug}.yaml", tmp_path / f"{slug}.yaml")
    load_and_check(tmp_path)  # the committed summary passes

    data = yaml.safe_load((tmp_path / f"{slug}.yaml").read_text(encoding="utf-8"))
    data["young_people"]["sections"][0]["points"][0]["text"] += " " + LONG_SENTENCE
    (tmp_path / f"{slug}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentErrors) as failure:
        load_and_check(tmp_path)
    message = str(failure.value)
    assert f"{slug}.yaml" in message and "young_people" in message
    assert "safe from harm" in message  # the offending sentence is named

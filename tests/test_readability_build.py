"""The build itself refuses a young people's page that is too hard to read."""

from __future__ import annotations

import shutil

import pytest
import yaml

from reviewpress.checks import load_and_check
from reviewpress.errors import ContentErrors

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


# --- the vocabulary gate (issue 16) -----------------------------------------------------------------

from reviewpress.readability import ALLOW_LIST_NAME  # noqa: E402

ALLOW_LIST = REVIEWS_DIR.parent / ALLOW_LIST_NAME


def _project(tmp_path, slug: str):
    """content/reviews/<slug>.yaml and content/young-people-words.yaml, as in the project."""
    reviews = tmp_path / "content" / "reviews"
    reviews.mkdir(parents=True)
    shutil.copy(REVIEWS_DIR / f"{slug}.yaml", reviews / f"{slug}.yaml")
    shutil.copy(ALLOW_LIST, tmp_path / "content" / ALLOW_LIST_NAME)
    return reviews


def _edit_young_people(path, change) -> None:
    """Change the young_people section only, leaving the rest of the file's text as it is (line numbers too)."""
    text = path.read_text(encoding="utf-8")
    start = text.index("\nyoung_people:\n") + 1
    data = yaml.safe_load(text[start:])
    change(data["young_people"])
    path.write_text(text[:start] + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


@pytest.mark.parametrize("slug", review_slugs())
def test_build_names_an_unexplained_hard_word_with_its_file_line_and_field(tmp_path, slug):
    reviews = _project(tmp_path, slug)
    load_and_check(reviews)  # the committed page passes
    path = reviews / f"{slug}.yaml"

    _edit_young_people(path, lambda yp: yp["sections"][0]["points"].__setitem__(
        0, {**yp["sections"][0]["points"][0], "text": yp["sections"][0]["points"][0]["text"] + " They read the safeguarding arrangements."}))
    with pytest.raises(ContentErrors) as failure:
        load_and_check(reviews)

    errors = [e for e in failure.value.errors if "safeguarding" in str(e)]
    assert len(errors) == 1, failure.value.errors
    [error] = errors
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("young_people:")
    line = next(i for i, text in enumerate(lines[start:], start=start + 1) if "safeguarding arrangements." in text)
    assert error.path.name == f"{slug}.yaml" and error.line == line
    assert "young_people.sections[0].points[0].text" in str(error)
    assert "Words we use" in str(error)
    assert any("arrangements" in str(e) for e in failure.value.errors)


@pytest.mark.parametrize("slug", review_slugs())
def test_build_fails_when_the_helpline_explanation_is_removed(tmp_path, slug):
    """"Free helplines" is the template's own text: the page's glossary must explain it."""
    reviews = _project(tmp_path, slug)
    _edit_young_people(reviews / f"{slug}.yaml", lambda yp: yp.__setitem__(
        "glossary", [g for g in yp["glossary"] if g["term"] != "Helpline"]))

    with pytest.raises(ContentErrors) as failure:
        load_and_check(reviews)

    assert any('"helplines"' in str(e) and "templates/outputs/young-people.html" in str(e) for e in failure.value.errors), \
        failure.value.errors


def test_a_word_on_the_allow_list_needs_no_explanation(tmp_path):
    reviews = _project(tmp_path, "bedford")
    path = reviews / "bedford.yaml"
    _edit_young_people(path, lambda yp: yp["intro"].append("You can also look online."))
    with pytest.raises(ContentErrors) as failure:
        load_and_check(reviews)
    assert '"online"' in str(failure.value)

    allow_list = tmp_path / "content" / ALLOW_LIST_NAME
    allow_list.write_text(allow_list.read_text(encoding="utf-8") + "  - online\n", encoding="utf-8")
    load_and_check(reviews)


def test_a_broken_allow_list_is_named(tmp_path):
    reviews = _project(tmp_path, "bedford")
    (tmp_path / "content" / ALLOW_LIST_NAME).write_text("words: online\n", encoding="utf-8")

    with pytest.raises(ContentErrors) as failure:
        load_and_check(reviews)

    assert ALLOW_LIST_NAME in str(failure.value) and "list of words" in str(failure.value)

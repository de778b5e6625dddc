"""Every built full-report page says, word for word, what its source report says.

For each review in content/reviews that has a source of the same name in
shared/seeds, the text of the built page is compared with the source text
(see reviewpress/fidelity.py for what is normalised and what is left out).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewpress import fidelity

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
REVIEWS_DIR = ROOT / "content" / "reviews"
THRESHOLD = 0.995


def slugs_with_a_source() -> list[str]:
    return sorted(path.stem for path in REVIEWS_DIR.glob("*.yaml") if (SEEDS / f"{path.stem}.txt").exists())


def test_every_local_source_has_a_review_to_check():
    assert {"bedford", "bury", "staffordshire"} <= set(slugs_with_a_source())


@pytest.mark.parametrize("slug", slugs_with_a_source())
def test_full_report_page_matches_its_source_word_for_word(slug, built_site):
    source = fidelity.source_words((SEEDS / f"{slug}.txt").read_text(encoding="utf-8"))
    page = fidelity.page_words((built_site / "reviews" / slug / "index.html").read_text(encoding="utf-8"))
    result = fidelity.compare(source, page)
    print(result.summary(slug))
    assert result.recall >= THRESHOLD, (
        f"{result.summary(slug)}\nsource text missing from the page (longest first):\n  " + "\n  ".join(result.missing)
    )
    assert result.precision >= THRESHOLD, (
        f"{result.summary(slug)}\npage text not in the source (longest first):\n  " + "\n  ".join(result.extra)
    )


def local_reviews_with_a_source() -> list[str]:
    return [
        slug
        for slug in slugs_with_a_source()
        if yaml.safe_load((REVIEWS_DIR / f"{slug}.yaml").read_text(encoding="utf-8")).get("kind", "local-review")
        == "local-review"
    ]


@pytest.mark.parametrize("slug", local_reviews_with_a_source())
def test_local_review_text_is_copied_character_for_character(slug):
    """Quote marks, dashes and spelling are as printed (the word match above normalises them)."""
    data = yaml.safe_load((REVIEWS_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))
    changed = fidelity.not_verbatim(data, (SEEDS / f"{slug}.txt").read_text(encoding="utf-8"))
    assert not changed, "text not found as printed in the source:\n  " + "\n  ".join(text[:200] for text in changed)


# --- the measure itself ---------------------------------------------------------------------------


def test_extraction_damage_does_not_count_as_a_difference():
    source = "twice ante-\nnatally, the Multi- Agency hub on 18 th May; **(Recommendation 2.7)** “it’s fine”"
    page = "twice ante-natally, the Multi-Agency hub on 18th May; (Recommendation 2.7) \"it's fine\""
    assert fidelity.words(source) == fidelity.words(page)


def test_a_changed_word_lowers_recall_and_precision():
    source = fidelity.words("the health visitor made regular contact with parents")
    page = fidelity.words("the health visitor made frequent contact with parents")
    result = fidelity.compare(source, page)
    assert result.recall == pytest.approx(7 / 8)
    assert result.precision == pytest.approx(7 / 8)


def test_words_out_of_order_count_only_as_a_moved_run():
    source = fidelity.words("one two three four five six seven. alpha beta gamma delta epsilon zeta eta.")
    page = fidelity.words("alpha beta gamma delta epsilon zeta eta. one two three four five six seven.")
    assert fidelity.compare(source, page).recall == 1.0
    scattered = fidelity.words("zeta beta one alpha")
    assert fidelity.compare(fidelity.words("alpha beta one zeta"), scattered).recall < 1.0


def test_page_furniture_and_contents_are_not_source_text():
    source = "\n".join(
        [
            "Contents",
            "",
            "Summary\t3",
            "Next steps\t9",
            "",
            "Summary",
            "Text on one page",
            "Review of services in Somewhere ",
            "  Page 2 of 9 ",
            "continues here.",
            "mailto:someone@example.org",
        ]
    )
    # The footer's title is the report's title where the text prints it nowhere else: kept once.
    assert fidelity.source_words(source) == ["summary", "text", "on", "one", "page", "review", "of", "services", "in",
                                             "somewhere", "continues", "here"]
    # Printed on every page, it counts once; printed as a title too, the footers all go.
    assert fidelity.source_words(source.replace("Summary\nText", "Summary\nReview of services in Somewhere\nText")
                                 + "\nMore\nReview of services in Somewhere \n  Page 3 of 9 ").count("somewhere") == 1


def test_page_text_leaves_out_navigation_and_new_writing():
    html = """<html><body><nav>Menu</nav><main><h1>Title</h1>
      <p data-not-source>Download the PDF</p><ul><li>first</li><li>second</li></ul>
      <p>Seen<sup>a</sup> here</p><script>var x;</script></main><footer>Footer</footer></body></html>"""
    assert fidelity.page_words(html) == ["title", "first", "second", "seen", "here"]


def test_a_straightened_quote_mark_is_caught_at_character_level():
    source = "Carer’s told us:\n\n“The paediatricians can be fantastic or else some don’t under-\nstand.”"
    assert fidelity.not_verbatim({"intro": "Carer’s told us:", "text": "“The paediatricians can be fantastic"}, source) == []
    assert fidelity.not_verbatim({"text": "don’t under-stand.”"}, source) == []
    assert fidelity.not_verbatim({"text": "\"The paediatricians can be fantastic"}, source) == ['"The paediatricians can be fantastic']

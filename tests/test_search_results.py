"""What a reader sees on the search page after a search (issue 15, point 10).

  * a query of several words marks the phrase where the words stand together, not each word
    wherever it is ("health visitor" does not mark every "health" on a site about health services);
  * no two results on a page of results share a visible title, and a result from a review names the
    review on screen ("2. Children in need — Bury"), not only in text for screen readers;
  * an excerpt does not run the end of one numbered paragraph into the next one's number
    ("…counsellor. 1.12 The additional…"), nor the text of two elements into one word;
  * the messages for no results and for a search that cannot load link to the list of reviews, and
    show the query as text.

The results come from search.js in the browser (Chromium, the Pagefind index of the built site).
"""

from __future__ import annotations

import re

import pytest

from reviewpress.inline import plain
from reviewpress.search import PageDigest, is_indexed, write_records

from .browser import built_pages

# Queries whose results share section titles across reviews ("2. Children in need", "What was good",
# "Recommendations") and run through numbered paragraphs.
QUERIES = ["health visitor", "children in need", "what was good", "recommendations", "mental health"]

# A paragraph number (two or more parts) after the end of a sentence, followed by text: the end of
# one paragraph run into the next.
GLUED_NUMBER = re.compile(r"[.!?:;’”\"]\s+\d+(?:\.\d+)+\s+\S")

# The text of a result's title that is on screen: text in a visually hidden element (a 1 px box) is not.
_RESULTS_JS = r"""() => [...document.querySelectorAll('#search-results > li')].map((item) => {
  const heading = item.querySelector('h2');
  const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
  let visible = '';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const box = node.parentElement.getBoundingClientRect();
    if (box.width > 1 && box.height > 1) visible += node.textContent;
  }
  const excerpt = item.querySelector('.search-result-excerpt');
  return {
    title: visible.replace(/\s+/g, ' ').trim(),
    href: heading.querySelector('a').href,
    excerpt: excerpt ? excerpt.textContent.replace(/\s+/g, ' ').trim() : '',
    marks: [...item.querySelectorAll('mark')].map((m) => m.textContent),
  };
})"""


def _search(page, query: str, everything: bool = True) -> list[dict]:
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_selector("#search-results li", timeout=20_000)
    for _ in range(40):
        if not everything or page.is_hidden("#search-more"):
            break
        before = page.locator("#search-results li").count()
        page.click("#search-more")
        page.wait_for_function(f"() => document.querySelectorAll('#search-results li').length > {before}", timeout=20_000)
    return page.evaluate(_RESULTS_JS)


@pytest.fixture(scope="module")
def found(browser_session) -> dict[str, list[dict]]:
    results = {}
    with browser_session.page("search.html") as page:
        for query in QUERIES:
            results[query] = _search(page, query)
    return results


def test_a_phrase_is_marked_where_its_words_stand_together(found):
    marks = [mark for result in found["health visitor"] for mark in result["marks"]]
    assert len(marks) >= 10, f"too few marks to judge: {marks}"
    lone = [mark for mark in marks if not re.fullmatch(r"health visitor(s|['’]s)?", mark, re.I)]
    assert not lone, f"{len(lone)} of {len(marks)} marks for “health visitor” are not the phrase: {sorted(set(lone))}"


@pytest.mark.parametrize("query", QUERIES)
def test_no_two_results_share_a_title(found, query):
    titles = [result["title"] for result in found[query]]
    assert len(titles) >= 3, f"{query!r}: too few results to compare: {titles}"
    repeated = sorted({title for title in titles if titles.count(title) > 1})
    assert not repeated, f"{query!r}: results share a title on screen: {repeated}"


def test_a_result_from_a_review_names_the_review(found, reviews):
    names = {slug: review.area or plain(review.title) for slug, review in reviews.items()}
    unnamed = []
    for query, results in found.items():
        for result in results:
            slug = re.search(r"/reviews/([^/#]+)/", result["href"])
            if slug and names[slug.group(1)] not in result["title"]:
                unnamed.append(f"{query!r}: “{result['title']}” ({result['href']})")
    assert not unnamed, "results whose title does not name their review:\n  " + "\n  ".join(unnamed[:10])


@pytest.mark.parametrize("query", QUERIES)
def test_excerpts_do_not_run_a_paragraph_number_into_the_text_before_it(found, query):
    excerpts = [result["excerpt"] for result in found[query]]
    assert all(excerpts), f"{query!r}: a result has no excerpt"
    glued = [f"…{text[max(0, m.start() - 30):m.end() + 20]}…" for text in excerpts for m in [GLUED_NUMBER.search(text)] if m]
    assert not glued, f"{query!r}: excerpts run paragraph numbers into the text before them: {glued}"


def _status_link(page) -> dict:
    return page.evaluate("""() => {
      const status = document.getElementById('search-status');
      const link = status.querySelector('a[href]');
      return {text: status.textContent, html: status.innerHTML, link: link && link.href, linkText: link && link.textContent,
              elements: [...status.querySelectorAll('*')].map((e) => e.tagName.toLowerCase())};
    }""")


def test_no_results_links_to_the_list_of_reviews_and_shows_the_query_as_text(browser_session):
    query = '<img src="x"> zqxwvj'
    with browser_session.page("search.html") as page:
        page.fill("#search-query", query)
        page.press("#search-query", "Enter")
        page.wait_for_function("() => /No results/.test(document.getElementById('search-status').textContent)", timeout=20_000)
        status = _status_link(page)
    assert status["link"] == browser_session.base_url, f"the no-results message has no link to the home page: {status['html']}"
    assert status["linkText"] == "browse all reviews", status["html"]
    assert query in status["text"] and status["elements"] == ["a"], f"the query was not shown as text: {status['html']}"


def test_a_search_that_cannot_load_links_to_the_list_of_reviews(browser_session):
    with browser_session.page("search.html") as page:
        page.route("**/pagefind/**", lambda route: route.abort())
        page.on("pageerror", lambda error: None)  # search.js rethrows the failure after saying so
        page.fill("#search-query", "health")
        page.press("#search-query", "Enter")
        page.wait_for_function("() => /could not load/.test(document.getElementById('search-status').textContent)", timeout=20_000)
        status = _status_link(page)
    assert status["link"] == browser_session.base_url, f"the error message has no link to the home page: {status['html']}"


# --- the records Pagefind indexes ------------------------------------------------------------------


def _records(site, urls, target) -> list[str]:
    target.mkdir()
    write_records(site, PageDigest(), urls, target)
    return [path.read_text(encoding="utf-8") for path in sorted(target.glob("*.html"))]


def test_every_record_of_a_review_names_the_review_and_its_page(built_site, reviews, tmp_path):
    urls = [url for url in built_pages(built_site) if is_indexed(url) and url.startswith("reviews/")]
    assert urls
    names = {review.area or plain(review.title) for review in reviews.values()}
    for record in _records(built_site, urls, tmp_path / "records"):
        review = re.search(r'data-review="([^"]*)"', record)
        output = re.search(r'data-output="([^"]*)"', record)
        assert review and review.group(1) in names, f"a record names no review: {record[:400]}"
        assert output and output.group(1) in ("Full report", "Key points for young people"), record[:400]


def test_records_keep_the_text_of_adjacent_elements_apart(tmp_path):
    """Pagefind takes the text of <dt>Children in care</dt><dd>Children who…</dd> as "careChildren"."""
    site = tmp_path / "site"
    (site / "pages" / "words").mkdir(parents=True)
    (site / "pages" / "words" / "index.html").write_text(
        '<main><h1>Words</h1><dl><div><dt>Children in care</dt><dd>Children who are looked after.</dd></div>'
        "<div><dt>Childline</dt><dd>A free helpline.</dd></div></dl><ul><li>one</li><li>two</li></ul></main>",
        encoding="utf-8")
    [record] = _records(site, ["pages/words/"], tmp_path / "records")
    text = re.sub(r"<[^>]+>", "", record)  # as Pagefind joins it: no space for a tag
    for joined in ("careChildren", "after.Childline", "onetwo"):
        assert joined not in text, f"{joined!r} in the indexed text: {text!r}"

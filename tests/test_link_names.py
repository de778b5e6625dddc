"""Link names that make sense out of context (issue 16, point 3).

A screen reader can list a page's links on their own, without the sentences around them. That list
is read here from Chromium's accessibility tree (CDP Accessibility.getFullAXTree: each link's
computed name and its address), for every built page and for the search page after a search, and
must have:
  * no two links with the same name and different targets ("Recommendations" for the report's own
    section and for the recommendations page);
  * no name that is a bare number ("2.1", "0800 1111").
The visible text stays as printed; the name is extended (aria-label where the markup is shared with
the PDF, visually hidden text on web-only links). Copies of a page with the old markup put back show
that the check fails.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from .browser import Session, expected_pages, serve_directory

PAGES = expected_pages()
# A name with a digit and nothing but digits, spaces and number punctuation: "2.1", "0800 1111", "[3]".
BARE_NUMBER = re.compile(r"[\d\s.,:;()\[\]/+–-]*\d[\d\s.,:;()\[\]/+–-]*")


def ax_links(page) -> list[tuple[str, str]]:
    """(name, address) of every link in the page's accessibility tree, in tree order."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    links = []
    for node in nodes:
        if node.get("ignored") or node.get("role", {}).get("value") != "link":
            continue
        name = " ".join(str(node.get("name", {}).get("value", "")).split())
        url = next((p["value"].get("value", "") for p in node.get("properties", []) if p["name"] == "url"), "")
        links.append((name, url))
    return links


def link_name_problems(links: list[tuple[str, str]]) -> list[str]:
    problems = []
    targets: dict[str, set[str]] = defaultdict(set)
    for name, url in links:
        targets[name].add(url)
    for name, urls in targets.items():
        if len(urls) > 1:
            problems.append(f"{len(urls)} links are named {name!r} but go to different places: {sorted(urls)[:4]}")
    for name in sorted({name for name, _ in links if BARE_NUMBER.fullmatch(name)}):
        problems.append(f"a link is named only {name!r}, a bare number")
    return problems


def _report(path: str, problems: list[str]) -> str:
    return f"/{path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", PAGES)
def test_every_link_name_says_where_it_goes(browser_session, path):
    with browser_session.page(path) as page:
        links = ax_links(page)
    assert links, f"/{path}: no links found in the accessibility tree"
    problems = link_name_problems(links)
    assert not problems, _report(path, problems)


def _show_all_results(page, query: str) -> None:
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_selector("#search-results li", timeout=20_000)
    for _ in range(40):
        if page.is_hidden("#search-more"):
            break
        before = page.locator("#search-results li").count()
        page.click("#search-more")
        page.wait_for_function(f"() => document.querySelectorAll('#search-results li').length > {before}", timeout=20_000)


SEARCHES = ["recommendations", "what was good", "health visitors"]


def _search_problems(session: Session, query: str) -> tuple[list[str], list[tuple[str, str]]]:
    with session.page("search.html") as page:
        _show_all_results(page, query)
        links = [(name, url) for name, url in ax_links(page) if "/reviews/" in url or "/pages/" in url]
    return link_name_problems(links), links


@pytest.mark.parametrize("query", SEARCHES)
def test_search_results_name_their_review(browser_session, query):
    problems, links = _search_problems(browser_session, query)
    assert len(links) >= 2, f"the search for {query!r} found too few results to compare: {links}"
    assert not problems, _report(f"search.html?q={query}", problems)


# --- the check fails when the old markup is put back ------------------------------------------------

# The markup before issue 16, as the built page would hold it again.
OLD_MARKUP = {
    "recommendation links named by their number": (
        "reviews/bedford/", re.compile(r' aria-label="Recommendation [\d.]+"'), "",
        ["a bare number"]),
    "two links named Recommendations": (
        "reviews/bedford/", re.compile(r'<span class="visually-hidden"> for [^<]*</span>'), "",
        ["named 'Recommendations' but go to different places"]),
    "helpline numbers as link names": (
        "reviews/bedford/young-people/", re.compile(r' aria-label="Call [^"]*"'), "",
        ["'0800 1111', a bare number"]),
}


def _copy(site: Path, source: str, root: Path) -> None:
    if not (root / "assets").exists():
        shutil.copytree(site / "assets", root / "assets")
    (root / source).mkdir(parents=True, exist_ok=True)
    shutil.copy(site / source / "index.html", root / source / "index.html")


@pytest.fixture(scope="module")
def old_markup_site(built_site, chromium_browser, tmp_path_factory):  # noqa: F811 (fixtures)
    root = tmp_path_factory.mktemp("old-link-names")
    for name, (source, pattern, replacement, _) in OLD_MARKUP.items():
        case = root / "-".join(name.split())
        _copy(built_site, source, case)
        file = case / source / "index.html"
        html, count = pattern.subn(replacement, file.read_text(encoding="utf-8"))
        assert count, f"{name}: the pattern {pattern.pattern!r} is no longer on {source}; update OLD_MARKUP"
        file.write_text(html, encoding="utf-8")
    for source in {source for source, *_ in OLD_MARKUP.values()}:
        _copy(built_site, source, root / "control")
    # The search page with the result script from before: result links named by their section alone.
    search = root / "search"
    search.mkdir()
    shutil.copy(built_site / "search.html", search / "search.html")
    shutil.copytree(built_site / "assets", search / "assets")
    shutil.copytree(built_site / "pagefind", search / "pagefind")
    script = search / "assets" / "js" / "search.js"
    text = script.read_text(encoding="utf-8")
    assert "link.append(where)" in text, "search.js no longer names the page in the link; update this test"
    script.write_text(text.replace("link.append(where)", "void where"), encoding="utf-8")
    with serve_directory(root) as base_url:
        yield Session(chromium_browser, base_url)


def test_the_unchanged_copies_pass(old_markup_site):
    for source in {source for source, *_ in OLD_MARKUP.values()}:
        with old_markup_site.page(f"control/{source}") as page:
            assert not link_name_problems(ax_links(page)), source


@pytest.mark.parametrize("name", OLD_MARKUP)
def test_the_check_finds_the_old_link_names(old_markup_site, name):
    source, _, _, expected = OLD_MARKUP[name]
    with old_markup_site.page(f"{'-'.join(name.split())}/{source}") as page:
        problems = link_name_problems(ax_links(page))
    for fragment in expected:
        assert any(fragment in p for p in problems), f"{name}: {fragment!r} not reported: {problems}"


def test_the_check_finds_search_results_that_do_not_name_their_review(old_markup_site):
    session = Session(old_markup_site.browser, old_markup_site.base_url + "search/")
    problems, _ = _search_problems(session, "recommendations")
    assert any("named 'Recommendations' but go to different places" in p for p in problems), problems

"""Across reviews: themes, the pages that list recommendations by theme, organisation type, region
and year, the open data, the Atom feed and the JSON-LD, checked against the content."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reviewpress.catalogue import region_of, year_of
from reviewpress.loading import read_reviews
from reviewpress.model import iter_findings
from reviewpress.organisations import read_organisations
from reviewpress.themes import read_themes, tagged_recommendations

from .conftest import REVIEWS_DIR, ROOT
from .html_tools import parse, resolve

DATA = "data"


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def content():
    return [item.review for item in read_reviews(REVIEWS_DIR)]


@pytest.fixture(scope="module")
def directory():
    return read_organisations(ROOT / "content/organisations.yaml")


# --- themes in the content ---------------------------------------------------------------


def test_every_recommendation_has_one_to_three_known_themes(content):
    known = read_themes(ROOT / "content/themes.yaml").by_id
    for review in content:
        for _, rec in tagged_recommendations(review):
            assert 1 <= len(rec.themes) <= 3, f"{review.slug} {rec.number}: {rec.themes}"
            assert set(rec.themes) <= set(known), f"{review.slug} {rec.number}: {rec.themes}"


def _check(project: Path, capsys) -> tuple[int, str]:
    from reviewpress.cli import check

    status = check(project / "content/reviews", project / "content/cpd-template.yaml",
                   project / "content/organisations.yaml", project / "content/themes.yaml")
    return status, capsys.readouterr().err


def test_a_recommendation_without_themes_is_refused_with_line_and_suggestions(project_copy, capsys):
    path = project_copy / "content/reviews/bedford.yaml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r"^ *themes: \[[^\]]*\]\n", text, re.M)
    path.write_text(text[: first.start()] + text[first.end():], encoding="utf-8")
    line = text[: first.start()].count("\n")  # the line of the recommendation's number, just above
    status, err = _check(project_copy, capsys)
    assert status == 1
    assert "content/reviews/bedford.yaml" in err and "recommendation 1.1 has no themes" in err
    assert "suggested from its words: [" in err
    assert re.search(rf"line {line + 1}\b|line {line + 2}\b", err), err


def test_an_unknown_theme_is_named_with_its_line_and_the_list(project_copy, capsys):
    path = project_copy / "content/reviews/bury.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^( *themes: \[)([a-z-]+)", text, re.M)
    path.write_text(text[: match.start(2)] + "safeguarding-culture" + text[match.end(2):], encoding="utf-8")
    status, err = _check(project_copy, capsys)
    assert status == 1
    line = text[: match.start()].count("\n") + 1
    assert f"bury.yaml, line {line}" in err
    assert '"safeguarding-culture" is not a theme in themes.yaml' in err and "childs-voice" in err


def test_a_duplicate_theme_in_the_list_is_refused(project_copy, capsys):
    path = project_copy / "content/themes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "- id: leadership\n  name: Leaders\n  description: Again.\n", encoding="utf-8")
    status, err = _check(project_copy, capsys)
    assert status == 1 and "themes.yaml, line" in err and '"leadership" is already the id of another theme' in err


def test_suggestions_follow_the_keywords():
    themes = read_themes(ROOT / "content/themes.yaml")
    assert themes.suggest("Ensure the voice of the child is recorded in health assessments")[:1] in (["childs-voice"], ["outcomes"])
    assert "information-sharing" in themes.suggest("Referrals to the MASH are followed up and information is shared")
    assert themes.suggest("Nothing here matches anything") == []


# --- the open data -----------------------------------------------------------------------------


def test_data_package_validates_with_frictionless(built_site):
    from frictionless import validate

    report = validate(str(built_site / DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_data_package_check_fails_on_a_broken_row(built_site, tmp_path):
    from frictionless import validate

    copy = tmp_path / DATA
    shutil.copytree(built_site / DATA, copy)
    rows = (copy / "recommendations.csv").read_bytes().split(b"\r\n")
    rows.insert(2, rows[1])  # the same review and number twice: the primary key is broken
    (copy / "recommendations.csv").write_bytes(b"\r\n".join(rows))
    assert not validate(str(copy / "datapackage.json")).valid


def test_row_counts_equal_the_content(built_site, content):
    recommendations = _csv_rows(built_site / DATA / "recommendations.csv")
    findings = _csv_rows(built_site / DATA / "findings.csv")
    reviews = json.loads((built_site / DATA / "reviews.json").read_text(encoding="utf-8"))
    assert len(reviews) == len(_csv_rows(built_site / DATA / "reviews.csv")) == len(content)
    assert len(recommendations) == sum(1 for r in content for _ in tagged_recommendations(r))
    assert len(findings) == sum(1 for r in content for _ in iter_findings(r))
    by_review = {r["slug"]: r for r in reviews}
    for review in content:
        assert by_review[review.slug]["recommendations"] == sum(1 for _ in tagged_recommendations(review))
        assert by_review[review.slug]["region"] == region_of(review)
        assert by_review[review.slug]["year"] == year_of(review)


def test_the_data_holds_the_text_word_for_word(built_site, content):
    from reviewpress.inline import plain

    rows = {(r["review"], r["number"]): r for r in _csv_rows(built_site / DATA / "recommendations.csv")}
    for review in content:
        for _, rec in tagged_recommendations(review):
            row = rows[(review.slug, rec.number)]
            assert row["text"] == plain(rec.text)
            assert row["themes"].split("; ") == list(rec.themes)
    findings = {(r["review"], r["number"]): r for r in _csv_rows(built_site / DATA / "findings.csv")}
    for review in content:
        for _, finding in iter_findings(review):
            row = findings[(review.slug, finding.number)]
            assert row["text"] == plain(finding.text)
            cited = row["recommendations"].split("; ") if row["recommendations"] else []
            assert cited == list(dict.fromkeys(finding.recommendations))


def url_problems(site: Path) -> list[str]:
    """Every address in the data files that does not lead to an existing page and element."""
    problems = []
    urls = [row[key] for name in ("recommendations.csv", "findings.csv", "reviews.csv")
            for row in _csv_rows(site / DATA / name) for key in row if key.endswith("url")]
    index = site / "index.html"
    pages: dict[Path, set[str]] = {}
    for url in urls:
        target, fragment = resolve(site, index, url)
        if target is None or not target.is_file():
            problems.append(f"{url}: no such page")
            continue
        ids = pages.setdefault(target, parse(target).ids)
        if fragment and fragment not in ids:
            problems.append(f"{url}: no element with id {fragment}")
    return problems


def test_every_url_in_the_data_leads_to_its_page_and_element(built_site):
    assert url_problems(built_site) == []


def test_the_url_check_finds_a_missing_anchor(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site, ignore=shutil.ignore_patterns("*.pdf", "*.epub", "*.docx", "*.xlsx", "pagefind"))
    path = site / DATA / "findings.csv"
    data = path.read_bytes()
    assert b"#para-1-1\r\n" in data
    path.write_bytes(data.replace(b"#para-1-1\r\n", b"#para-99-1\r\n", 1))
    assert any("para-99-1" in p for p in url_problems(site))


def test_reviews_json_matches_its_json_schema(built_site):
    import jsonschema

    schema = json.loads((built_site / DATA / "reviews.schema.json").read_text(encoding="utf-8"))
    data = json.loads((built_site / DATA / "reviews.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    data[0]["year"] = "twenty sixteen"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


# --- the pages across reviews -----------------------------------------------------------------


def _listed(site: Path, page: str) -> set[str]:
    """The recommendations a listing lists on all its pages, as the site paths of their links."""
    found: set[str] = set()
    paths = [site / page / "index.html", *sorted(site.glob(f"{page}-page-*/index.html"))]
    for path in paths:
        html = path.read_text(encoding="utf-8")
        for href in re.findall(r'<h3><a href="([^"]+)">Recommendation ', html):
            target, fragment = resolve(site, path, href)
            assert f"{target.parent.relative_to(site).as_posix()}/#{fragment}" not in found, f"listed twice: {href}"
            found.add(f"{target.parent.relative_to(site).as_posix()}/#{fragment}")
    return found


def test_each_recommendation_is_on_exactly_the_pages_its_tags_say(built_site, content, directory):
    from reviewpress.catalogue_pages import NOT_ADDRESSED, slug

    expected: dict[str, set[str]] = {}
    for review in content:
        groups = {id(item): group for group in review.recommendations for item in group.items}
        for _, rec in tagged_recommendations(review):
            url = f"reviews/{review.slug}/recommendations/#rec-{rec.number.replace('.', '-')}"
            group = groups.get(id(rec))
            types = {o.type for name in (group.organisations if group else []) for o in directory.resolve(name, review.slug)}
            pages = [f"recommendations/themes/{t}" for t in rec.themes]
            pages += [f"recommendations/organisation-types/{t}" for t in types or {NOT_ADDRESSED}]
            pages.append(f"recommendations/regions/{slug(region_of(review))}")
            year = year_of(review)
            pages.append(f"recommendations/years/{year if year else 'year-not-stated'}")
            for page in pages:
                expected.setdefault(page, set()).add(url)
    built = {re.sub(r"-page-\d+$", "", p.parent.relative_to(built_site).as_posix())
             for p in (built_site / "recommendations").rglob("index.html")}
    built.discard("recommendations")
    assert built == set(expected), "pages made and pages the tags call for differ"
    for page, urls in expected.items():
        assert _listed(built_site, page) == urls, page


def test_the_index_counts_match_the_pages(built_site):
    index = (built_site / "recommendations/index.html").read_text(encoding="utf-8")
    for href, count in re.findall(r'<a href="((?:themes|organisation-types)/[^"]+)">[^<]+</a> \((\d+)\)', index):
        assert len(_listed(built_site, f"recommendations/{href.rstrip('/')}")) == int(count), href


def test_home_page_shows_region_and_browses_by_region_and_year(built_site, content):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for review in content:
        assert f'data-region="{region_of(review)}"' in home
    page = parse(built_site / "index.html")
    browse = [link.href for link in page.links if link.href.startswith(("recommendations/regions/", "recommendations/years/"))]
    assert browse, "no links to the reviews by region and year"
    for href in browse:
        target, _ = resolve(built_site, built_site / "index.html", href)
        assert target.is_file(), href
        assert 'id="reviews-here"' in target.read_text(encoding="utf-8"), href
    assert '<form class="filter-form review-filter" id="review-filter" hidden' in home, "the filter shows only with JavaScript"


# --- feed and JSON-LD ------------------------------------------------------------------------


def test_atom_feed_has_one_entry_per_review(built_site, content):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(built_site / "feed.xml").getroot()
    assert feed.tag == f"{atom}feed"
    entries = feed.findall(f"{atom}entry")
    assert sorted(e.findtext(f"{atom}title") for e in entries) == sorted(
        " ".join(r.title.split()) for r in content)
    ids = [e.findtext(f"{atom}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{atom}updated")
        href = entry.find(f"{atom}link").get("href")
        target, _ = resolve(built_site, built_site / "index.html", href)
        assert target.is_file(), href
    for review in content:
        if review.metadata.publication_date:
            assert review.metadata.publication_date.isoformat() in ET.tostring(feed, encoding="unicode")


def test_report_pages_describe_themselves_in_json_ld(built_site, content):
    for review in content:
        html = (built_site / "reviews" / review.slug / "index.html").read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(blocks) == 1, review.slug
        data = json.loads(blocks[0])
        assert data["@type"] == "Report" and data["publisher"]["name"] == "Care Quality Commission"
        assert " ".join(data["name"].split()) == " ".join(review.title.split())
        if review.metadata.publication_date:
            assert data["datePublished"] == review.metadata.publication_date.isoformat()
        if review.area:
            assert data["spatialCoverage"]["name"] == review.area


def test_json_ld_cannot_end_its_script_early():
    from reviewpress.open_data import json_ld

    text = json_ld({"title": "A </script><script>alert(1)</script>", "url": "reviews/x/", "region": "North",
                    "publication_date": None, "year": None, "area": None}, "")
    assert "</" not in text and json.loads(text)["name"].startswith("A </script>")


def test_data_files_are_the_same_bytes_when_nothing_changed(built_site, tmp_path):
    from reviewpress.cli import build_site

    site = tmp_path / "again"
    assert build_site(ROOT / "mkdocs.yml", site_dir=site, quiet=True, pdfs=False) == 0
    for name in ("datapackage.json", "reviews.json", "recommendations.csv", "findings.csv", "reviews.csv"):
        assert (site / DATA / name).read_bytes() == (built_site / DATA / name).read_bytes(), name
    assert (site / "feed.xml").read_bytes() == (built_site / "feed.xml").read_bytes()


def test_a_text_cell_that_looks_like_a_formula_stays_text():
    """Spreadsheets run cells starting with = + - @; text starting so (a hostile file) must open as text."""
    from reviewpress.open_data import FINDING_FIELDS, _csv

    row = {"review": "x", "number": "1.1", "section": "@SUM(A1)", "text": '=HYPERLINK("http://example.org")',
           "recommendations": "", "url": "reviews/x/#para-1-1"}
    cells = next(iter(csv.reader(io.StringIO(_csv(FINDING_FIELDS, [row]).decode("utf-8").split("\r\n", 1)[1]))))
    assert cells[2] == "'@SUM(A1)" and cells[3].startswith("'=HYPERLINK")


def test_suggest_themes_shows_then_writes_only_what_is_asked(project_copy, capsys):
    from reviewpress.cli import _content_paths, suggest_themes

    path = project_copy / "content/reviews/bedford.yaml"
    original = path.read_text(encoding="utf-8")
    stripped = re.sub(r"^ *themes: \[[^\]]*\]\n", "", original, flags=re.M)
    path.write_text(stripped, encoding="utf-8")
    paths = _content_paths(project_copy / "mkdocs.yml")
    assert suggest_themes([path], paths) == 0
    shown = capsys.readouterr().out
    assert "recommendation 1.1:" in shown and "Nothing was changed" in shown
    assert path.read_text(encoding="utf-8") == stripped
    assert suggest_themes([path], paths, write=True) == 0
    unmatched = re.findall(r"recommendation ([\d.]+): \(no keyword matched", shown)
    written = path.read_text(encoding="utf-8")
    assert written.count("themes: [") == original.count("themes: [") - len(unmatched)
    assert re.sub(r"^ *themes: \[[^\]]*\]\n", "", written, flags=re.M) == stripped, "only themes lines were added"
    status, err = _check(project_copy, capsys)
    assert sorted(re.findall(r"recommendation ([\d.]+) has no themes", err)) == sorted(unmatched)
    assert status == (1 if unmatched else 0), err


# --- the filter (progressive enhancement, Pagefind) ---------------------------------------------


def _filter_in_browser(browser_session, choices: dict[str, str]) -> tuple[list[str], str, int]:
    """Choose filters on the all-recommendations page, with the site's own Content-Security-Policy;
    (the links of the recommendations shown, the status line, bytes downloaded after the page loaded)."""
    context = browser_session.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{browser_session.base_url.rstrip('/')}/recommendations/")
        page.wait_for_selector(".catalogue-filter:not([hidden])", timeout=10_000)
        downloaded: list[int] = []
        page.on("response", lambda response: downloaded.append(len(response.body())) if response.ok else None)
        for key, value in choices.items():
            page.select_option(f"#filter-{key}", label=value)
        page.click("#filter-form button[type=submit]")
        page.wait_for_function("() => /match/.test(document.getElementById('filter-status').textContent)", timeout=20_000)
        links = page.eval_on_selector_all("#filter-results h3 a", "els => els.map(a => a.getAttribute('href'))")
        status = page.text_content("#filter-status")
        page.wait_for_load_state("networkidle")
        return links, status, sum(downloaded)
    finally:
        context.close()


def test_filter_finds_what_the_theme_page_lists_and_downloads_little(browser_session, built_site):
    from urllib.parse import urlsplit

    links, status, downloaded = _filter_in_browser(browser_session, {"theme": "Leadership"})
    listed = _listed(built_site, "recommendations/themes/leadership")
    count = int(re.match(r"(\d+)", status).group(1))
    assert count == len(listed), status
    shown = {urlsplit(link).path.lstrip("/") + "#" + urlsplit(link).fragment for link in links}
    assert shown and shown <= listed
    assert downloaded < 300_000, f"one filtered query downloaded {downloaded} bytes"


def test_filters_combine(browser_session, built_site):
    links, status, _ = _filter_in_browser(browser_session, {"theme": "Leadership", "region": "North"})
    both = _listed(built_site, "recommendations/themes/leadership") & _listed(built_site, "recommendations/regions/north")
    assert int(re.match(r"(\d+)", status).group(1)) == len(both), status


def test_without_javascript_the_filter_is_hidden_and_the_lists_remain(browser_session):
    with browser_session.page("recommendations/", javascript=False) as page:
        assert not page.is_visible(".catalogue-filter")
        assert page.locator("#by-theme + ul a").count() >= 5


def test_long_listings_are_split_into_linked_pages_without_losing_or_repeating_one(content, directory):
    from reviewpress.catalogue import review_rows
    from reviewpress.catalogue_pages import Catalogue, listings, read_theme_names

    records = [{"catalogue": review_rows(review, directory)} for review in content]
    pages = {p.path: p for p in listings(Catalogue(records, read_theme_names(ROOT / "content/themes.yaml")), per_page=10)}
    firsts = [p for p in pages.values() if p.template == "catalogue/listing.html" and "-page-" not in p.path]
    assert any(p.context["pagination"] for p in firsts), "no listing was long enough to split"
    for first in firsts:
        chain, page = [], first
        while page is not None:
            chain.append(page)
            following = (page.context["pagination"] or {}).get("next")
            if following:
                assert pages[following].context["pagination"]["previous"] == page.path
            page = pages[following] if following else None
        listed = [rec["url"] for p in chain for g in p.context["groups"] for rec in g["recommendations"]]
        assert len(listed) == len(set(listed)) == first.context["count"], first.path
        for p in chain:
            sizes = [len(g["recommendations"]) for g in p.context["groups"]]
            assert sum(sizes) <= 10 or len(sizes) == 1, (p.path, sizes)
            assert len({p.title for p in chain}) == len(chain), "each page needs its own title"


def test_themes_schema_is_current_and_named_by_the_file():
    from reviewpress.schema_export import THEMES_SCHEMA_PATH, themes_json_schema

    assert THEMES_SCHEMA_PATH.read_text(encoding="utf-8") == themes_json_schema(), "run `python build.py schema`"
    first = (ROOT / "content/themes.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{THEMES_SCHEMA_PATH.name}"

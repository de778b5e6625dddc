"""The shortcuts that make builds faster change no output (issue 20, points 1 to 3).

- one nh3.Cleaner gives what nh3.clean(html, **options) gives, hostile markup included;
- the YAML constructor keeps nothing from one file to the next;
- iter_blocks walks the same blocks, in the same order, as the walk it replaced;
- the search shards: the pages that are not a review's in their own shard once there are several,
  so that editing one review changes only its shard and that one;
- a no-change build links every page and search file from the site it replaces (written bytes: none),
  and the site is the same as one written from scratch; a page edited in site/ by hand is written again.
Timings are the benchmark's (bench/run.py), not these tests'.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from pathlib import Path

import nh3

from reviewpress import inline, loading, search
from reviewpress.cli import build_site
from reviewpress.model import BoxBlock, CaseExampleBlock, iter_blocks

from .projects import copy_project

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = [
    '<p onclick="x()">a <a href="javascript:alert(1)">b</a> <a href="https://example.org" id="x" aria-label="y">c</a></p>',
    "<script>alert(1)</script><style>p{}</style><iframe src=x></iframe><form><input></form><!-- comment -->",
    f'<sup class="{inline._GENERATED}footnote-marker"><a id="{inline._GENERATED}fnref-a" href="#fn-a">[a]</a></sup>',
    '<sup class="footnote-marker"><a id="forged" aria-label="forged" href="data:text/html,x">x</a></sup>',
    '<abbr title="t" style="color:red">A&amp;E</abbr> <span class="c">s</span> <code>x</code><br><em>e</em><strong>s</strong>',
    "<p>unclosed <strong>bold <a href='mailto:a@b.c'>mail</a>",
]


def test_one_cleaner_cleans_as_nh3_clean_did():
    for html in HOSTILE:
        expected = nh3.clean(html, tags=inline.ALLOWED_TAGS, attributes=inline.ALLOWED_ATTRIBUTES,
                             attribute_filter=inline._keep_generated, url_schemes=inline.URL_SCHEMES,
                             link_rel=None, strip_comments=True)
        assert str(inline.clean(html)) == expected
        page = nh3.clean(html, tags=inline.PAGE_TAGS, attributes=inline.PAGE_ATTRIBUTES,
                         url_schemes=inline.URL_SCHEMES | {"tel"}, link_rel=None, strip_comments=True)
        assert str(inline.clean_page(html)) == page


def test_the_yaml_constructor_keeps_nothing_between_files():
    for path in sorted((ROOT / "content/reviews").glob("*.yaml")):
        data, reading = loading.load_yaml(path)
        assert data is not None and not reading.errors
    assert loading._CONSTRUCTOR.constructed_objects == {}


def _old_walk(review):
    """iter_blocks as it was (getattr with a default on every block)."""
    def walk_blocks(blocks, loc):
        for index, block in enumerate(blocks):
            here = loc + (index,)
            yield here, block
            inner = getattr(block, "case_example", None) or getattr(block, "box", None)
            if inner is not None:
                key = "case_example" if isinstance(block, CaseExampleBlock) else "box"
                yield from walk_blocks(inner.blocks, here + (key, "blocks"))

    def walk_sections(sections, loc):
        for index, section in enumerate(sections):
            here = loc + (index,)
            yield from walk_blocks(section.blocks, here + ("blocks",))
            yield from walk_sections(section.sections, here + ("sections",))

    yield from walk_sections(review.sections, ("sections",))
    if review.back_matter:
        yield from walk_blocks(review.back_matter.blocks, ("back_matter", "blocks"))


def test_iter_blocks_walks_as_before(reviews):
    nested = 0
    for review in reviews.values():
        new = list(iter_blocks(review))
        assert [(loc, id(b)) for loc, b in new] == [(loc, id(b)) for loc, b in _old_walk(review)]
        nested += sum(isinstance(b, (BoxBlock, CaseExampleBlock)) for _, b in new)
    assert nested, "the seed reviews have case examples or boxes, so the nested walk is tested"


def _digest(slugs: list[str], changed: str | None = None) -> search.PageDigest:
    pages = search.PageDigest()
    pages.add("", "home " + (changed or ""))
    pages.add("pages/about/", "about")
    for slug in slugs:
        pages.add(f"reviews/{slug}/", f"report {slug}" + (" edited" if slug == changed else ""))
        pages.add(f"reviews/{slug}/young-people/", f"yp {slug}")
        pages.add(f"reviews/{slug}/recommendations/", "not indexed")
    return pages


def test_a_small_catalogue_is_one_shard():
    shards = _digest([f"r{i:03d}" for i in range(search.SHARD_REVIEWS)]).shards()
    assert len(shards) == 1 and shards[0][1][:2] == ["", "pages/about/"]


def test_one_edit_changes_its_shard_and_the_site_pages_shard_only():
    slugs = [f"r{i:03d}" for i in range(search.SHARD_REVIEWS * 3 + 5)]
    before = _digest(slugs).shards()
    assert before[0][1] == ["", "pages/about/"], "the home page and content pages have their own shard"
    assert all(len(urls) == 2 * search.SHARD_REVIEWS for _, urls in before[1:-1])
    after = _digest(slugs, changed="r100").shards()  # its title: the home page changes too
    changed = [n for n, (a, b) in enumerate(zip(before, after)) if a[0] != b[0]]
    assert changed == [0, 100 // search.SHARD_REVIEWS + 1]


def test_two_indexers_fit_the_memory_target():
    assert search.INDEXERS * (search.INDEXER_BASE_MB + search.SHARD_REVIEWS * search.INDEXER_MB_PER_REVIEW) <= search.INDEXER_BUDGET_MB


def _web_project(tmp_path: Path) -> Path:
    return copy_project(tmp_path, link_code=True)


def _build(project: Path, site: Path) -> dict:
    stats = project / "stats.json"
    os.environ["REVIEWPRESS_BUILD_STATS"] = str(stats)
    try:
        assert build_site(project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True) == 0
    finally:
        del os.environ["REVIEWPRESS_BUILD_STATS"]
    return json.loads(stats.read_text())


def _published(site: Path) -> list[str]:
    """The files these shortcuts make: the pages, and the site search's index (pagefind/)."""
    return sorted(str(p.relative_to(site)) for p in site.rglob("*")
                  if p.is_file() and (p.suffix == ".html" or p.relative_to(site).parts[0] == "pagefind"))


def _same_tree(a: Path, b: Path) -> None:
    files_a = _published(a)
    files_b = _published(b)
    assert files_a == files_b
    match, mismatch, errors = filecmp.cmpfiles(a, b, files_a, shallow=False)
    assert not mismatch and not errors, mismatch[:5]


def test_a_no_change_build_writes_no_page_and_publishes_the_same_site(tmp_path):
    project = _web_project(tmp_path / "project")
    site = project / "site"
    _build(project, site)
    again = _build(project, site)
    pages = [p for p in site.rglob("*.html") if "pagefind" not in p.parts]
    assert again["pages_linked"] >= len(list(site.glob("reviews/*/index.html"))) * 4
    assert again["search_files_linked"] == len([p for p in (site / "pagefind").rglob("*") if p.is_file()]) - 1  # not shards.json
    assert all(p.stat().st_nlink == 1 for p in pages), "the old site is gone: nothing shares a file with the new one"

    # A page changed in site/ by hand is written again by the next build.
    page = site / "reviews/bedford/index.html"
    expected = page.read_bytes()
    page.write_bytes(expected.replace(b"<main", b"<main data-edited", 1))
    third = _build(project, site)
    assert page.read_bytes() == expected
    assert third["pages_linked"] == again["pages_linked"] - 1

    # The site is the same as one built from nothing.
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, symlinks=True, ignore=shutil.ignore_patterns("site", ".cache", "stats.json"))
    _build(fresh, fresh / "site")
    _same_tree(site, fresh / "site")


def test_markdown_results_are_kept_between_builds_and_give_the_same_html(tmp_path, monkeypatch):
    import markdown

    from reviewpress import incremental
    from reviewpress.outputs import OUTPUTS

    project = _web_project(tmp_path / "project")
    fingerprints = incremental.Fingerprints.compute(project / "templates", project / "content/cpd-template.yaml",
                                                    project / "content/organisations.yaml")
    path = project / "content/reviews/bedford.yaml"

    def render() -> tuple[dict, int]:
        calls = 0
        convert = markdown.Markdown.convert

        def counted(self, source):
            nonlocal calls
            calls += 1
            return convert(self, source)

        monkeypatch.setattr(markdown.Markdown, "convert", counted)
        job = incremental.ReviewJob(path, fingerprints.review_key(path.read_bytes(), path.name), project / "templates",
                                    project / "content/cpd-template.yaml", project / ".cache/build", None,
                                    organisations=project / "content/organisations.yaml")
        result = incremental.build_review(job)
        assert result.record is not None, result.errors or result.problems
        cache = incremental.BuildCache(project / ".cache/build")
        bodies = next(iter(result.record["web"].values()))
        return {o.key: cache.get_text(bodies[o.key]) for o in OUTPUTS}, calls

    first, converted = render()
    assert converted > 0 and (project / ".cache/build/markdown/bedford.yaml.json").exists()
    again, converted_again = render()
    assert converted_again == 0, "every text was converted before"
    assert again == first

    kept = project / ".cache/build/markdown/bedford.yaml.json"
    kept.write_bytes(kept.read_bytes().replace(b"<p>", b"<p class=x>", 1))  # damaged: its checksum no longer matches
    damaged, converted_damaged = render()
    assert converted_damaged == converted and damaged == first

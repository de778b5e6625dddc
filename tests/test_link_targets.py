"""Issue 12: links land on the element they mean, not only on an id that exists.

Every in-page and cross-page link with a fragment on a young people's page and a recommendations
page is followed in the built HTML, and the element it lands on is checked against what the link
means: a "Read more" link against the point's source in the review file (its first finding, section
or recommendation), a "Paragraph N" link against the numbered paragraph N, a "Recommendation N" link
against recommendation N, and any link landing on a heading against the section or list that heading
labels (not a heading inside a section, which can take a section's id if ids are made twice).

Besides the committed reviews, the site has one review built to catch ids made in two places: a
heading and a box, earlier in the report, titled like the sections that young people's points name.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from reviewpress.cli import build_site
from reviewpress.inline import plain
from reviewpress.loading import read_review

from .conftest import REVIEWS_DIR
from .html_tools import resolve
from .projects import copy_project

BEDFORD = (REVIEWS_DIR / "bedford.yaml").read_text(encoding="utf-8")


def colliding_review() -> str:
    """Bedford, with a heading titled like a later section and a box titled like another, and points
    for young people that name those sections (and no finding, so "Read more" goes to the section)."""
    text = BEDFORD.replace("slug: bedford", "slug: bedford-ids", 1)
    box = "  - box:\n      title: What people told us\n      blocks:\n      - p: A box titled like the next section.\n"
    assert "\n- title: What people told us\n" in text and "\n- title: The child's journey\n" in text
    text = text.replace("\n- title: What people told us\n", "\n" + box + "- title: What people told us\n", 1)
    text = text.replace("\n- title: The child's journey\n", "\n  - heading: The child's journey\n- title: The child's journey\n", 1)
    point = "      - '4.6'\n"
    assert point in text
    extra = ("    - text: Children told us what they think.\n      sections:\n      - What people told us\n"
             "    - text: We looked at what happens to children.\n      sections:\n      - The child's journey\n")
    return text.replace(point, point + extra, 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("link-targets"))
    (project / "content" / "reviews" / "bedford-ids.yaml").write_text(colliding_review(), encoding="utf-8")
    built = project / "site"
    assert build_site(project / "mkdocs.yml", site_dir=built, pdfs=False, quiet=True) == 0
    return built


def reviews_in(site: Path) -> dict[str, object]:
    paths = sorted(REVIEWS_DIR.glob("*.yaml")) + [site.parent / "content" / "reviews" / "bedford-ids.yaml"]
    return {item.review.slug: item.review for item in map(read_review, paths)}


_pages: dict[Path, object] = {}


def page(path: Path):
    if path not in _pages:
        _pages[path] = lxml.html.parse(str(path)).getroot()
    return _pages[path]


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def landed_on(site: Path, from_file: Path, href: str):
    target, fragment = resolve(site, from_file, href)
    assert target is not None and target.is_file(), f"{href} from {from_file.relative_to(site)}: no such page"
    found = page(target).xpath("//*[@id=$id]", id=fragment)
    assert len(found) == 1, f"{href} from {from_file.relative_to(site)}: {len(found)} elements have the id {fragment!r}"
    return found[0]


def is_paragraph(element, number: str) -> bool:
    return ("finding" in element.classes and
            [text_of(a) for a in element.xpath("./a[contains(@class, 'finding-number')]")] == [number])


def is_recommendation(element, number: str) -> bool:
    return element.tag == "li" and [text_of(n).rstrip(".") for n in element.xpath(".//*[contains(@class, 'rec-number')]")][:1] == [number]


def is_section(element, title: str) -> bool:
    """A section's own heading: the one its <section> is labelled by, reading the title."""
    parent = element.getparent()
    return (re.fullmatch(r"h[1-6]", element.tag) is not None and parent is not None and parent.tag == "section"
            and parent.get("aria-labelledby") == element.get("id") and text_of(element).endswith(" ".join(plain(title).split())))


def describe(element) -> str:
    return f"<{element.tag} id={element.get('id')!r} class={element.get('class')!r}> {text_of(element)[:80]!r}"


def meaning_of(link) -> tuple[str, str] | None:
    """What a link's accessible name says it leads to: ("paragraph", "1.17"), ("recommendation", "2.1")."""
    name = link.get("aria-label") or text_of(link)
    match = re.match(r"\W*(Paragraph|Recommendation) (\d+(?:\.\d+)*)\b", name)
    return (match.group(1).lower(), match.group(2)) if match else None


def read_more_sources(review) -> list[tuple[str, str]]:
    """Each point's "Read more" destination, as the review file names it: its first finding, else its
    first section, else its first recommendation (context.ReviewContextBuilder.young_people)."""
    sources = []
    for section in review.young_people.sections:
        for point in section.points:
            if point.findings:
                sources.append(("paragraph", point.findings[0]))
            elif point.sections:
                sources.append(("section", point.sections[0]))
            else:
                sources.append(("recommendation", point.recommendations[0]))
    return sources


def check_meaning(element, kind: str, value: str) -> bool:
    return {"paragraph": is_paragraph, "recommendation": is_recommendation, "section": is_section}[kind](element, value)


def test_the_site_has_a_point_that_reads_more_in_a_section_whose_id_a_heading_wanted(site):
    """The colliding review does what it is for: a heading and a box took the plain ids first."""
    report = site / "reviews" / "bedford-ids" / "index.html"
    assert page(report).xpath("//h3[@id='the-child-s-journey']|//h2[@id='the-child-s-journey']"), "no heading took the id"
    assert page(report).xpath("//div[@id='what-people-told-us']"), "no box took the id"
    assert ("section", "The child's journey") in read_more_sources(reviews_in(site)["bedford-ids"])


@pytest.mark.parametrize("slug", sorted(p.stem for p in REVIEWS_DIR.glob("*.yaml")) + ["bedford-ids"])
def test_read_more_links_land_on_the_points_source(site, slug):
    review = reviews_in(site)[slug]
    young = site / "reviews" / slug / "young-people" / "index.html"
    links = page(young).xpath("//a[contains(@class, 'read-more')]")
    sources = read_more_sources(review)
    assert len(links) == len(sources)
    wrong = []
    for link, (kind, value) in zip(links, sources):
        element = landed_on(site, young, link.get("href"))
        if not check_meaning(element, kind, value):
            wrong.append(f"{link.get('href')}: means {kind} {value!r}, lands on {describe(element)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("output", ["young-people", "recommendations"])
@pytest.mark.parametrize("slug", sorted(p.stem for p in REVIEWS_DIR.glob("*.yaml")) + ["bedford-ids"])
def test_every_link_with_a_fragment_lands_on_what_it_names(site, slug, output):
    path = site / "reviews" / slug / output / "index.html"
    wrong, followed = [], 0
    for link in page(path).xpath("//a[@href]"):
        href = link.get("href")
        if "#" not in href or href.startswith(("http:", "https:", "mailto:", "tel:")):
            continue
        followed += 1
        element = landed_on(site, path, href)
        meaning = meaning_of(link)
        if meaning is not None:
            if not check_meaning(element, *meaning):
                wrong.append(f"{href} ({meaning[0]} {meaning[1]}) lands on {describe(element)}")
        elif re.fullmatch(r"h[1-6]", element.tag) and resolve(site, path, href)[0].is_relative_to(site / "reviews"):
            # a review's pages wrap each part in an element its heading labels (a Markdown page such
            # as pages/accessibility/ has bare headings, each heading what follows it)
            parent = element.getparent()
            if parent is None or parent.get("aria-labelledby") != element.get("id"):
                wrong.append(f"{href} lands on a heading inside a section, not on what it heads: {describe(element)}")
    assert followed, f"no link with a fragment on {path.relative_to(site)}"
    assert not wrong, "\n".join(wrong)

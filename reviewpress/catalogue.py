"""A review's rows for the pages and data that read across reviews (catalogue_pages.py, open_data.py).

Made once per review, when the review is rendered, and kept in its cache record, so that a build
which renders nothing still lists every review's recommendations and findings without loading
a single review file. Every value is plain JSON: text word for word (Markdown emphasis and
footnote markers taken out, as in titles), numbers as printed, and where each thing lives on the
site (a path from the site's root, with its anchor).
"""

from __future__ import annotations

import re

from .context import long_date
from .inline import anchor_id, plain
from .model import FindingBlock, Review, iter_blocks
from .organisations import ORGANISATION_TYPES
from .outputs import OUTPUT_BY_KEY, page_path
from .themes import tagged_recommendations

NATIONAL = "National"
REGION_NOT_STATED = "Region not stated"


def region_of(review: Review) -> str:
    if review.kind == "national-report":
        return NATIONAL
    return review.metadata.cqc_region or REGION_NOT_STATED


def year_of(review: Review) -> int | None:
    m = review.metadata
    if m.publication_date:
        return m.publication_date.year
    found = re.search(r"\b(19|20)\d\d\b", m.publication_month or "")
    return int(found.group(0)) if found else None


def _section_titles(review: Review, loc: tuple) -> list[str]:
    """The titles of the sections a block at `loc` sits in, outermost first."""
    titles, sections = [], review.sections
    for i in range(0, len(loc) - 1, 2):
        if loc[i] != "sections":
            break
        section = sections[loc[i + 1]]
        titles.append(plain(section.title))
        sections = section.sections
    return titles


def review_rows(review: Review, directory=None) -> dict:
    """The review's facts, recommendations and findings, as the catalogue lists them."""
    m = review.metadata
    report = page_path(review.slug, OUTPUT_BY_KEY["report"])
    recommendations_page = page_path(review.slug, OUTPUT_BY_KEY["recommendations"])
    cited_by: dict[str, list[str]] = {}
    findings = []
    for loc, block in iter_blocks(review):
        if not isinstance(block, FindingBlock):
            continue
        finding = block.finding
        for number in finding.recommendations:
            if finding.number not in cited_by.setdefault(number, []):
                cited_by[number].append(finding.number)
        findings.append({
            "number": finding.number,
            "section": " / ".join(_section_titles(review, loc)),
            "text": plain(finding.text),
            "recommendations": list(dict.fromkeys(finding.recommendations)),
            "url": f"{report}#{anchor_id('para', finding.number)}",
        })
    groups = {id(item): group for group in review.recommendations for item in group.items}
    recommendations = []
    for _, item in tagged_recommendations(review):
        group = groups.get(id(item))
        organisations: list[dict] = []
        for name in group.organisations if group else ():
            resolved = directory.resolve(name, review.slug) if directory is not None else None
            for organisation in resolved or []:
                entry = {"name": organisation.name, "type": organisation.type, "type_label": ORGANISATION_TYPES[organisation.type]}
                if entry not in organisations:
                    organisations.append(entry)
        recommendations.append({
            "number": item.number,
            "lead_in": plain(group.lead_in) if group else "",
            "title": plain(getattr(item, "title", "") or ""),
            "text": plain(item.text),
            "organisations": organisations,
            "themes": list(item.themes),
            "findings": cited_by.get(item.number, []),
            "url": f"{recommendations_page}#{anchor_id('rec', item.number)}",
        })
    return {
        "review": {
            "slug": review.slug,
            "title": plain(review.title),
            "short_name": review.area or plain(review.title),
            "kind": review.kind,
            "area": review.area,
            "region": region_of(review),
            "nhs_england_area": m.nhs_england_area,
            "year": year_of(review),
            "publication_date": m.publication_date.isoformat() if m.publication_date else None,
            "publication_month": m.publication_month,
            "publication": long_date(m.publication_date) if m.publication_date else m.publication_month,
            "review_start": m.review_dates.start.isoformat() if m.review_dates else None,
            "review_end": m.review_dates.end.isoformat() if m.review_dates else None,
            "url": report,
            "recommendations_url": recommendations_page,
            "young_people_url": page_path(review.slug, OUTPUT_BY_KEY["young-people"]),
        },
        "recommendations": recommendations,
        "findings": findings,
    }


LISTING_ROOT = "../../../"  # every page that lists recommendations sits three folders down: recommendations/themes/<id>/


def add_listing_html(rows: dict, env, theme_names: dict[str, str]) -> dict:
    """Each recommendation's entry on the pages across reviews, rendered now (with its review) so that a
    build lists 15,000 recommendations by joining cached strings instead of rendering each on 6 pages."""
    template = env.get_template("catalogue/item.html")
    finding_urls = {f["number"]: f["url"] for f in rows["findings"]}
    for rec in rows["recommendations"]:
        rec["html"] = template.render(rec=rec, review=rows["review"], root=LISTING_ROOT, theme_names=theme_names,
                                      finding_urls=finding_urls)
    return rows

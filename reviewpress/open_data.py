"""Open data: every review, recommendation and finding as files people can download and reuse.

site/data/ holds reviews.json, reviews.csv, recommendations.csv and findings.csv (one row each),
datapackage.json (a Frictionless data package: what each file holds, with a Table Schema per file
and the licence) and reviews.schema.json (a JSON Schema for reviews.json). site/feed.xml is an
Atom feed of the reviews. All are made from the reviews' cache records (catalogue.py), in a
stable order, so the same content always gives the same bytes.

Addresses in the data are the site's: absolute when mkdocs.yml sets site_url, else paths from
the site's root (the data package says which).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence

from .catalogue_pages import Catalogue
from .outputs import spreadsheet_safe

LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
PUBLISHER = "Care Quality Commission"
LIST_SEPARATOR = "; "

# (name, type, description) for each column; the CSV header and the Table Schema both come from here.
REVIEW_FIELDS = [
    ("slug", "string", "The review's short name, used in its pages' addresses."),
    ("title", "string", "The review's title as printed."),
    ("kind", "string", "local-review or national-report."),
    ("area", "string", "The local authority area reviewed (empty for national reports)."),
    ("region", "string", "The CQC region as the report states it; National for national reports; Region not stated where the report does not say."),
    ("nhs_england_area", "string", "The NHS England area as the report states it."),
    ("year", "integer", "The year of publication."),
    ("publication_date", "date", "The date of publication, where the report prints a day."),
    ("publication_month", "string", "The month of publication, where the report prints only a month."),
    ("review_start", "date", "The first day of the review visit."),
    ("review_end", "date", "The last day of the review visit."),
    ("recommendations", "integer", "How many recommendations the review makes."),
    ("findings", "integer", "How many numbered findings the review has."),
    ("url", "string", "The full report's page."),
    ("recommendations_url", "string", "The recommendations page."),
    ("young_people_url", "string", "The key points for young people."),
]
RECOMMENDATION_FIELDS = [
    ("review", "string", "The slug of the review that made it (reviews.csv)."),
    ("number", "string", "The recommendation's number as printed, such as 2.1."),
    ("lead_in", "string", "The line naming who must act, as printed."),
    ("title", "string", "The recommendation's title, for a national report's key recommendations."),
    ("text", "string", "The recommendation, word for word."),
    ("organisations", "string", "The organisations asked to act, separated by '; '."),
    ("organisation_types", "string", "Their types, separated by '; '."),
    ("themes", "string", "Its themes, by id, separated by '; ' (datapackage.json lists each theme's name and description)."),
    ("findings", "string", "The numbers of the findings that cite it, separated by '; ' (findings.csv)."),
    ("url", "string", "The recommendation on the review's recommendations page."),
]
FINDING_FIELDS = [
    ("review", "string", "The slug of the review (reviews.csv)."),
    ("number", "string", "The paragraph number as printed, such as 1.17."),
    ("section", "string", "The sections it is in, outermost first, separated by ' / '."),
    ("text", "string", "The finding, word for word."),
    ("recommendations", "string", "The numbers of the recommendations it cites, separated by '; ' (recommendations.csv)."),
    ("url", "string", "The paragraph in the full report."),
]


def _absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path if site_url else path


def review_rows(catalogue: Catalogue, site_url: str) -> list[dict]:
    rows = []
    for entry in catalogue.entries:
        review = entry["review"]
        row = {name: review.get(name) for name, _, _ in REVIEW_FIELDS}
        row["recommendations"] = len(entry["recommendations"])
        row["findings"] = len(entry["findings"])
        for key in ("url", "recommendations_url", "young_people_url"):
            row[key] = _absolute(site_url, review[key])
        rows.append(row)
    return rows


def recommendation_rows(catalogue: Catalogue, site_url: str) -> list[dict]:
    return [{
        "review": review["slug"],
        "number": rec["number"],
        "lead_in": rec["lead_in"],
        "title": rec["title"],
        "text": rec["text"],
        "organisations": LIST_SEPARATOR.join(o["name"] for o in rec["organisations"]),
        "organisation_types": LIST_SEPARATOR.join(dict.fromkeys(o["type"] for o in rec["organisations"])),
        "themes": LIST_SEPARATOR.join(rec["themes"]),
        "findings": LIST_SEPARATOR.join(rec["findings"]),
        "url": _absolute(site_url, rec["url"]),
    } for review, rec in catalogue.rows()]


def finding_rows(catalogue: Catalogue, site_url: str) -> list[dict]:
    return [{
        "review": entry["review"]["slug"],
        "number": finding["number"],
        "section": finding["section"],
        "text": finding["text"],
        "recommendations": LIST_SEPARATOR.join(finding["recommendations"]),
        "url": _absolute(site_url, finding["url"]),
    } for entry in catalogue.entries for finding in entry["findings"]]


def _csv(fields, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in fields])
    for row in rows:
        writer.writerow(["" if row[name] is None else spreadsheet_safe(row[name]) if isinstance(row[name], str) else row[name]
                         for name, _, _ in fields])
    return out.getvalue().encode("utf-8")


def _table_schema(fields, primary_key: list[str], foreign_keys: Sequence[dict] = ()) -> dict:
    schema: dict = {"fields": [{"name": name, "type": kind, "description": about} for name, kind, about in fields],
                    "primaryKey": primary_key, "missingValues": [""]}
    if foreign_keys:
        schema["foreignKeys"] = list(foreign_keys)
    return schema


def reviews_json_schema() -> dict:
    kinds = {"string": ["string", "null"], "integer": ["integer", "null"], "date": ["string", "null"]}
    properties = {}
    for name, kind, about in REVIEW_FIELDS:
        prop = {"type": kinds[kind], "description": about}
        if kind == "date":
            prop["format"] = "date"
        properties[name] = prop
    for name in ("slug", "title", "kind", "region", "recommendations", "findings", "url"):
        properties[name]["type"] = properties[name]["type"][0]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Reviews",
        "description": "Every review published on this site, one object each (reviews.json).",
        "type": "array",
        "items": {"type": "object", "properties": properties, "required": [n for n, _, _ in REVIEW_FIELDS],
                  "additionalProperties": False},
    }


def _dumps(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def data_files(catalogue: Catalogue, site_url: str, site_name: str) -> dict[str, bytes]:
    """Every file of site/data/, by name."""
    reviews = review_rows(catalogue, site_url)
    files = {
        "reviews.json": _dumps(reviews),
        "reviews.csv": _csv(REVIEW_FIELDS, reviews),
        "recommendations.csv": _csv(RECOMMENDATION_FIELDS, recommendation_rows(catalogue, site_url)),
        "findings.csv": _csv(FINDING_FIELDS, finding_rows(catalogue, site_url)),
        "reviews.schema.json": _dumps(reviews_json_schema()),
    }
    review_key = {"fields": "review", "reference": {"resource": "reviews", "fields": "slug"}}

    def resource(name: str, title: str, description: str, schema: dict, path: str | None = None) -> dict:
        path = path or f"{name}.csv"
        return {"name": name, "title": title, "description": description, "path": path, "type": "table",
                "scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
                "bytes": len(files[path])}

    package = {
        "name": "health-review-reports",
        "title": site_name,
        "description": "The Care Quality Commission's reviews of health services for children looked after and safeguarding: "
                       "every review, every recommendation with its themes and the organisations asked to act, and every "
                       "numbered finding, word for word. Addresses are "
                       + ("full web addresses." if site_url else "paths from the site's root (the folder above this one)."),
        "licenses": [LICENCE],
        "contributors": [{"title": PUBLISHER, "role": "publisher"}],
        "themes": [{"id": t["id"], "name": t["name"], "description": t.get("description", "")} for t in catalogue.themes],
        "resources": [
            resource("reviews", "Reviews", "One row per review.", _table_schema(REVIEW_FIELDS, ["slug"])),
            resource("recommendations", "Recommendations", "One row per recommendation, word for word.",
                     _table_schema(RECOMMENDATION_FIELDS, ["review", "number"], [review_key])),
            resource("findings", "Findings", "One row per numbered finding, word for word.",
                     _table_schema(FINDING_FIELDS, ["review", "number"], [review_key])),
        ],
    }
    files["datapackage.json"] = _dumps(package)
    return files


def atom_feed(catalogue: Catalogue, site_url: str, site_name: str, site_description: str) -> bytes:
    """An Atom feed with one entry per review, newest first. Reviews that print no date are dated
    with the feed (the newest date of any review), as Atom needs a date on every entry."""
    from feedgen.feed import FeedGenerator

    def when(review: dict) -> dt.datetime | None:
        day = review.get("publication_date") or review.get("review_end")
        if not day and review.get("year"):
            day = f"{review['year']}-01-01"
        return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC) if day else None

    dated = [when(r) for r in catalogue.reviews]
    newest = max((d for d in dated if d), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    feed = FeedGenerator()
    feed.id(f"tag:cqc.org.uk,2016:{site_name.lower().replace(' ', '-')}")
    feed.title(site_name)
    feed.subtitle(site_description or site_name)
    feed.author({"name": PUBLISHER})
    feed.link(href=_absolute(site_url, "") or "./", rel="alternate")
    feed.link(href=_absolute(site_url, "feed.xml"), rel="self")
    feed.language("en-GB")
    feed.rights("Open Government Licence v3.0")
    feed.updated(newest)
    for review, date in sorted(zip(catalogue.reviews, dated), key=lambda p: (p[1] or newest, p[0]["slug"])):
        entry = feed.add_entry()
        entry.id(f"tag:cqc.org.uk,{(date or newest).date().isoformat()}:reviews/{review['slug']}")
        entry.title(review["title"])
        entry.link(href=_absolute(site_url, review["url"]), rel="alternate")
        entry.updated(date or newest)
        if date:
            entry.published(date)
        where = f" of {review['area']}" if review.get("area") else ""
        when_text = f", published {review['publication']}" if review.get("publication") else ", publication date not stated"
        entry.summary(f"{'National report' if review['kind'] == 'national-report' else 'Review'}{where}{when_text}. "
                      f"Region: {review['region']}.")
    return feed.atom_str(pretty=True)


def json_ld(review: dict, site_url: str) -> str:
    """schema.org metadata for a review's full report page (a Report by the Care Quality Commission)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": review["title"],
        "inLanguage": "en-GB",
        "publisher": {"@type": "GovernmentOrganization", "name": PUBLISHER, "url": "https://www.cqc.org.uk/"},
        "author": {"@type": "GovernmentOrganization", "name": PUBLISHER},
        "license": LICENCE["path"],
        "url": _absolute(site_url, review["url"]),
    }
    if review.get("publication_date"):
        data["datePublished"] = review["publication_date"]
    elif review.get("year"):
        data["datePublished"] = str(review["year"])
    if review.get("area"):
        data["spatialCoverage"] = {"@type": "AdministrativeArea", "name": review["area"]}
    if review.get("review_start") and review.get("review_end"):
        data["temporalCoverage"] = f"{review['review_start']}/{review['review_end']}"
    if review["region"] not in ("National", "Region not stated"):
        data["contentLocation"] = {"@type": "Place", "name": f"{review['region']} (CQC region)"}
    # "</" cannot end the script element early; JSON reads "<\/" as "</".
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")

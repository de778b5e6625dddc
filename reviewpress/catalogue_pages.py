"""The pages that read across reviews: recommendations by theme, by organisation type and by
region, the page that lists them all with filters, and the page describing the open data.

Built from the reviews' cache records (catalogue.py made their rows), so a build that renders no
review still has them, and editing one review changes only the rows it owns: these pages are
plain lists, re-rendered in milliseconds each build. No review file, model or pydantic is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SECTION = "recommendations"  # the folder of these pages on the site
DATA = "data"
NOT_ADDRESSED = "not-addressed"  # organisation type of recommendations addressed to no one organisation (the national report's)
NOT_ADDRESSED_LABEL = "Recommendations to all services"


YEAR_NOT_STATED = "Year not stated"
FILTERS = (  # (key, label): the all-recommendations page's filters, the same keys as its index (recommendation_index.py)
    ("theme", "Theme"),
    ("organisation", "Type of organisation"),
    ("region", "Region"),
    ("year", "Year"),
)


def year_label(review: dict) -> str:
    return str(review["year"]) if review.get("year") else YEAR_NOT_STATED


def slug(text: str) -> str:
    """A folder name for free text (a region as a report prints it): short, and never empty."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:60].strip("-") or "none"


def unique_slugs(texts: list[str]) -> dict[str, str]:
    """A slug for each text, numbered where two texts would share one ("north", "north-2")."""
    made: dict[str, str] = {}
    used: set[str] = set()
    for text in texts:
        base = candidate = slug(text)
        n = 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        made[text] = candidate
    return made


@dataclass
class Listing:
    """One generated page: where it lives, its title and how it is rendered."""

    path: str  # site path, e.g. "recommendations/themes/leadership/"
    title: str
    template: str
    context: dict = field(default_factory=dict)
    breadcrumbs: list[dict] = field(default_factory=list)

    @property
    def src_uri(self) -> str:
        return f"{self.path}index.md"

    @property
    def root(self) -> str:
        """From this page back to the site's root, for the links its rows carry."""
        return "../" * self.path.count("/")


def read_theme_names(path: Path | None) -> list[dict]:
    """The themes in their file's order (id, name, description, chapter). The file was checked with
    the reviews that use it (themes.py); here it is only read."""
    if path is None or not path.is_file():
        return []
    return [t for t in yaml.safe_load(path.read_text(encoding="utf-8")) or [] if isinstance(t, dict) and "id" in t]


def _sort_key(review: dict) -> tuple:
    return (review["kind"] != "national-report", -(review["year"] or 0), review["title"])


class Catalogue:
    """Every review's rows together, with the groupings the pages and the data use."""

    def __init__(self, records: list[dict], themes: list[dict]):
        self.themes = themes
        self.theme_names = {t["id"]: t["name"] for t in themes}
        self.entries = sorted((r["catalogue"] for r in records if r.get("catalogue")), key=lambda c: _sort_key(c["review"]))
        self.reviews = [c["review"] for c in self.entries]

    def rows(self):
        """(review, recommendation) for every recommendation, reviews newest first."""
        for entry in self.entries:
            for recommendation in entry["recommendations"]:
                yield entry["review"], recommendation

    @staticmethod
    def types_of(recommendation: dict) -> list[tuple[str, str]]:
        found = {(o["type"], o["type_label"]) for o in recommendation["organisations"]}
        return sorted(found) or [(NOT_ADDRESSED, NOT_ADDRESSED_LABEL)]

    def organisation_types(self) -> list[tuple[str, str]]:
        return sorted({t for _, rec in self.rows() for t in self.types_of(rec)}, key=lambda t: t[1])

    def regions(self) -> list[str]:
        return sorted({r["region"] for r in self.reviews})

    def years(self) -> list[str]:
        """Newest first; reviews that state no year last."""
        return sorted({year_label(r) for r in self.reviews}, key=lambda y: (y == YEAR_NOT_STATED, "" if y == YEAR_NOT_STATED else str(9999 - int(y))))

    def grouped(self, keep) -> list[dict]:
        """The recommendations `keep(review, recommendation)` accepts, grouped by review."""
        groups: list[dict] = []
        for review, recommendation in self.rows():
            if keep(review, recommendation):
                if not groups or groups[-1]["review"] is not review:
                    groups.append({"review": review, "recommendations": []})
                groups[-1]["recommendations"].append(recommendation)
        return groups


PER_PAGE = 100  # recommendations a listing page shows at most (a long list is split into pages, as GOV.UK does)


def paginate(groups: list[dict], per_page: int) -> list[list[dict]]:
    """Reviews' groups in pages of at most per_page recommendations; a review is never split (one with more has a page to itself)."""
    chunks: list[list[dict]] = [[]]
    size = 0
    for group in groups:
        if chunks[-1] and size + len(group["recommendations"]) > per_page:
            chunks.append([])
            size = 0
        chunks[-1].append(group)
        size += len(group["recommendations"])
    return chunks


def listings(catalogue: Catalogue, per_page: int = PER_PAGE) -> list[Listing]:
    """Every page of the recommendations section and the data page."""
    home = {"title": "All reviews", "url": "."}
    section = {"title": "Recommendations across reviews", "url": f"{SECTION}/"}
    pages: list[Listing] = []

    def add(path: str, title: str, lede: str, keep, kind: str, extra: dict | None = None) -> dict:
        # The recommendations' entries were rendered for pages three folders down (catalogue.LISTING_ROOT).
        assert path.count("/") == 3, path
        groups = catalogue.grouped(keep)
        count = sum(len(g["recommendations"]) for g in groups)
        chunks = paginate(groups, per_page)
        paths = [path] + [f"{path[:-1]}-page-{n}/" for n in range(2, len(chunks) + 1)]
        for n, chunk in enumerate(chunks, 1):
            first = sum(len(g["recommendations"]) for c in chunks[:n - 1] for g in c) + 1
            shown = sum(len(g["recommendations"]) for g in chunk)
            context = {"title": title, "lede": lede, "groups": chunk, "kind": kind, "chapter": None, "reviews": [],
                       "count": count, "first": first, "last": first + shown - 1, **(extra or {})}
            if n > 1:
                context["reviews"] = []  # the list of reviews is on the first page
            context["pagination"] = {
                "current": n, "total": len(chunks),
                "previous": paths[n - 2] if n > 1 else None, "next": paths[n] if n < len(chunks) else None,
            } if len(chunks) > 1 else None
            pages.append(Listing(paths[n - 1], title if n == 1 else f"{title} (page {n} of {len(chunks)})",
                                 "catalogue/listing.html", context, [home, section]))
        return {"title": title, "path": path, "count": count, **(extra or {})}

    by_theme = [add(f"{SECTION}/themes/{t['id']}/", t["name"], t.get("description", ""),
                    lambda _, rec, ident=t["id"]: ident in rec["themes"], "theme",
                    {"chapter": t.get("chapter"), "description": t.get("description", "")})
                for t in catalogue.themes]
    by_type = [add(f"{SECTION}/organisation-types/{key}/", label,
                   f"Recommendations that reviews made to organisations of this type: {label[0].lower() + label[1:]}."
                   if key != NOT_ADDRESSED else "Recommendations a national report made to every health service, not to one organisation.",
                   lambda _, rec, key=key: key in {k for k, _ in Catalogue.types_of(rec)}, "organisation-type")
               for key, label in catalogue.organisation_types()]
    by_region = []
    region_slugs = unique_slugs(catalogue.regions())
    for region in catalogue.regions():
        reviews = [r for r in catalogue.reviews if r["region"] == region]
        lede = ("The reviews of this CQC region and the recommendations they made." if region not in ("National", "Region not stated")
                else "Reviews that do not state a CQC region, and the recommendations they made." if region == "Region not stated"
                else "National reports and the recommendations they made.")
        by_region.append(add(f"{SECTION}/regions/{region_slugs[region]}/", region, lede,
                             lambda review, _, region=region: review["region"] == region, "region", {"reviews": reviews}))
    by_year = []
    year_slugs = unique_slugs(catalogue.years())
    for year in catalogue.years():
        reviews = [r for r in catalogue.reviews if year_label(r) == year]
        lede = (f"The reviews published in {year} and the recommendations they made." if year != YEAR_NOT_STATED
                else "Reviews that do not state when they were published, and the recommendations they made.")
        by_year.append(add(f"{SECTION}/years/{year_slugs[year]}/", f"Published in {year}" if year != YEAR_NOT_STATED else year, lede,
                           lambda review, _, year=year: year_label(review) == year, "year", {"reviews": reviews}))
    index = Listing(f"{SECTION}/", "Recommendations across reviews", "catalogue/index.html",
                    {"themes": by_theme, "types": by_type, "regions": by_region, "years": by_year,
                     "count": sum(1 for _ in catalogue.rows()), "reviews": len(catalogue.reviews),
                     "filters": filter_options(catalogue)},
                    [home])
    data = Listing(f"{DATA}/", "Download this data", "catalogue/data.html",
                   {"reviews": len(catalogue.reviews), "recommendations": sum(1 for _ in catalogue.rows()),
                    "findings": sum(len(e["findings"]) for e in catalogue.entries)}, [home])
    return [index, *pages, data]


def filter_options(catalogue: Catalogue) -> list[dict]:
    """What the all-recommendations page can filter by: the same keys and values as the filter index
    (recommendation_index.py), which its script asks."""
    values = {
        "theme": [t["name"] for t in catalogue.themes],
        "organisation": [label for _, label in catalogue.organisation_types()],
        "region": catalogue.regions(),
        "year": catalogue.years(),
    }
    return [{"key": key, "label": label, "values": values[key]} for key, label in FILTERS]

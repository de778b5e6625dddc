"""Shared fixtures: the real site, built once per test session from content/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewpress.cli import build_site

# One browser and one local server for the whole session, shared by every browser test
# (Playwright's sync API cannot run two sessions at once).
from .browser import browser_session, chromium_browser, site_server  # noqa: F401,E402
from reviewpress.loading import read_reviews

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
REVIEWS_DIR = ROOT / "content" / "reviews"


def review_slugs() -> list[str]:
    slugs = sorted(p.stem for p in REVIEWS_DIR.glob("*.yaml"))
    assert slugs, f"no review files in {REVIEWS_DIR}"
    return slugs


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole site, PDFs included, built from the committed content."""
    site = tmp_path_factory.mktemp("built") / "site"
    status = build_site(ROOT / "mkdocs.yml", site_dir=site, quiet=True)
    assert status == 0, "the site did not build; run `python build.py` to see why"
    return site


@pytest.fixture(scope="session")
def reviews():
    return {item.review.slug: item.review for item in read_reviews(REVIEWS_DIR)}


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A scratch copy of the project's inputs, for tests that break content on purpose."""
    for name in ("content", "templates", "mkdocs.yml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path

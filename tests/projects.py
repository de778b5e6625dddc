"""Scratch copies of the project, for tests that build or break it: one way to make them."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_project(destination: Path, reviews: Iterable[str] | None = None, link_code: bool = False) -> Path:
    """content/, templates/ and mkdocs.yml copied into destination (made if need be), keeping only the
    reviews named by slug (all when None). mkdocs.yml watches reviewpress/: an empty folder stands in
    for it, or with link_code a link to the package, for tests that edit the code the build reads."""
    destination.mkdir(parents=True, exist_ok=True)
    keep = None if reviews is None else set(reviews)
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, destination / name)
    shutil.copy(ROOT / "mkdocs.yml", destination / "mkdocs.yml")
    if keep is not None:
        for review in (destination / "content" / "reviews").glob("*.yaml"):
            if review.stem not in keep:
                review.unlink()
    if link_code:
        (destination / "reviewpress").symlink_to(ROOT / "reviewpress")
    else:
        (destination / "reviewpress").mkdir()
    return destination

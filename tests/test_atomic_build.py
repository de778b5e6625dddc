"""Issue 6, point 3: a build goes into a folder beside site/ and replaces site/ only
when it succeeded. A failed build, or one killed (SIGKILL, no chance to clean up)
at any point, leaves the previous site/ exactly as it was, file for file; the next
build removes what a killed one left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewpress import cli
from reviewpress.cli import build_site

from .content_tools import tree_hash
from .projects import copy_project


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("atomic-project"))


@pytest.fixture(scope="module")
def good_site(project) -> Path:
    site = project / "site"
    assert build_site(project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True) == 0
    return site


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.glob(f".{site.name}-building-*"))


def test_a_failed_build_leaves_site_exactly_as_it_was(project, good_site, capsys):
    before = tree_hash(good_site)
    review = project / "content" / "reviews" / "bedford.yaml"
    original = review.read_bytes()
    try:
        review.write_text(original.decode("utf-8").replace("title:", "titel:", 1), encoding="utf-8")
        assert build_site(project / "mkdocs.yml", site_dir=good_site, pdfs=False, quiet=True) == 1
    finally:
        review.write_bytes(original)
    assert "site/ was not changed" in capsys.readouterr().err
    assert tree_hash(good_site) == before
    assert leftovers(good_site) == []


BUILD = ("import sys; from pathlib import Path; from reviewpress.cli import build_site; "
         "sys.exit(build_site(Path(sys.argv[1]), site_dir=Path(sys.argv[2]), pdfs=False, quiet=True))")


def _staging(site: Path) -> Path | None:
    found = [p for p in site.parent.glob(f".{site.name}-building-*") if p.is_dir()]
    return found[0] if found else None


KILL_POINTS = {
    "as soon as it starts": lambda site: bool(list(site.parent.glob(f".{site.name}-building-*.lock"))),
    "while copying assets": lambda site: (s := _staging(site)) is not None and (s / "assets").exists(),
    "while writing pages": lambda site: (s := _staging(site)) is not None and any((s / "reviews").rglob("index.html")),
    "near the end": lambda site: (s := _staging(site)) is not None and len(list((s / "reviews").rglob("index.html"))) >= 12,
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_build_killed_part_way_leaves_site_unchanged(project, good_site, point):
    before = tree_hash(good_site)
    shutil.rmtree(project / ".cache", ignore_errors=True)  # no shortcuts: the build does all its work
    process = subprocess.Popen([sys.executable, "-c", BUILD, str(project / "mkdocs.yml"), str(good_site)],
                               cwd=project, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not KILL_POINTS[point](good_site):
            assert process.poll() is None, f"the build ended before it reached the point '{point}'"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert leftovers(good_site), "the kill should have left a half-built folder behind"
    assert tree_hash(good_site) == before, f"killed {point}, the build changed site/"

    assert build_site(project / "mkdocs.yml", site_dir=good_site, pdfs=False, quiet=True) == 0
    assert leftovers(good_site) == [], "the next build did not clean up after the killed one"
    assert tree_hash(good_site) == before  # same input, same site (reproducible)


def test_the_swap_is_one_atomic_exchange(tmp_path):
    old, new = tmp_path / "site", tmp_path / ".site-building-x"
    old.mkdir()
    (old / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    cli._swap_in(new, old)
    assert (old / "index.html").read_text() == "new"
    assert (new / "index.html").read_text() == "old"  # the previous site, to be removed after the swap


def test_a_build_killed_between_the_two_renames_of_the_fallback_swap_is_repaired(tmp_path, monkeypatch):
    """Where the file system cannot exchange two folders in one step, site/ is renamed away and the new
    one renamed in; a kill between the two would leave no site/, so the next build puts the old one back."""
    site = tmp_path / "site"
    old = tmp_path / ".site-building-abc.old"
    old.mkdir()
    (old / "index.html").write_text("previous site")
    (tmp_path / ".site-building-abc").mkdir()
    (tmp_path / ".site-building-abc.lock").write_text("")
    cli._remove_leftovers(site)
    assert (site / "index.html").read_text() == "previous site"
    assert leftovers(site) == []


def test_a_running_build_is_not_disturbed_by_another(tmp_path):
    """The clean-up removes only folders whose build has died (its lock is free)."""
    site = tmp_path / "site"
    staging, lock = cli._new_staging(site)
    try:
        cli._remove_leftovers(site)
        assert staging.is_dir()
    finally:
        cli._discard(staging, lock)
    assert leftovers(site) == []


def test_the_fallback_swap_without_renameat2(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_exchange", lambda a, b: False)
    test_the_swap_is_one_atomic_exchange(tmp_path)

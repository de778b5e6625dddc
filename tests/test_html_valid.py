"""Every built page is valid HTML by the Nu HTML Checker (vnu, from the npm package
vnu-jar, run on Debian's Java): zero errors (issue 4)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .browser import built_pages, expected_pages, page_url_path, vnu_errors

PAGES = expected_pages()


def _by_page(site: Path, messages: list[dict]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for m in messages:
        file = Path(unquote(urlsplit(m.get("url", "")).path))
        try:
            key = page_url_path(file.relative_to(site.resolve()))
        except ValueError:
            key = str(file)
        where = f"line {m['lastLine']}" if "lastLine" in m else "the file"
        found.setdefault(key, []).append(f"{where}: {m.get('message', '').strip()} [{m.get('extract', '').strip()[:80]}]")
    return found


@pytest.fixture(scope="session")
def vnu_report(built_site) -> dict[str, list[str]]:
    """vnu's errors for every HTML file of the built site, by page: one JVM start for all."""
    return _by_page(built_site, vnu_errors([built_site]))


def test_vnu_checked_every_page(built_site, vnu_report):
    assert built_pages(built_site) == sorted(PAGES)
    unknown = set(vnu_report) - set(PAGES)
    assert not unknown, f"vnu reported errors for files that are not pages: {unknown}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_page_is_valid_html(vnu_report, path):
    errors = vnu_report.get(path, [])
    assert not errors, f"/{path}: {len(errors)} HTML error(s)\n  " + "\n  ".join(errors)


def test_vnu_finds_errors_in_a_broken_page(built_site, tmp_path):
    """The check can fail: a copy of a real page with a duplicate id, an img without alt and a stray end tag."""
    page = (built_site / "pages/about/index.html").read_text(encoding="utf-8")
    assert "</main>" in page
    broken = page.replace("</main>", '<p id="main-content">Again</p><img src="x.png"></span></main>', 1)
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok/index.html").write_text(page, encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken/index.html").write_text(broken, encoding="utf-8")
    report = _by_page(tmp_path, vnu_errors([tmp_path]))
    assert "ok/" not in report, report
    text = "\n".join(report["broken/"])
    assert len(report["broken/"]) == 3, text
    assert "Duplicate ID" in text and "alt" in text and "</span>" in text, text

"""Issue 6, point 4: the same input gives byte-identical output: HTML pages, the
search index, the sitemap (and its .gz timestamp) and the PDFs; whether built from
scratch or from the build cache, in whichever folder. SOURCE_DATE_EPOCH is honoured."""

from __future__ import annotations

import gzip
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewpress.checks import read_cpd_questions
from reviewpress.cli import build_site
from reviewpress.context import OUTPUTS, pdf_path
from reviewpress.loading import read_review
from reviewpress.pdf import render_pdf_bytes
from reviewpress.rendering import render_print_document, template_environment

from .conftest import REVIEWS_DIR, ROOT
from .projects import copy_project


def _project(base: Path) -> Path:
    return copy_project(base)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _different(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[dict, dict, dict, Path]:
    root = tmp_path_factory.mktemp("reproducible")
    first, second = _project(root / "one"), _project(root / "two" / "deeper")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        assert build_site(first / "mkdocs.yml", site_dir=first / "site", pdfs=False, quiet=True) == 0
        patch.chdir(second)
        assert build_site(second / "mkdocs.yml", site_dir=second / "site", pdfs=False, quiet=True) == 0
        fresh_one, fresh_two = _files(first / "site"), _files(second / "site")
        assert build_site(first / "mkdocs.yml", site_dir=first / "site", pdfs=False, quiet=True) == 0  # from the cache
        cached = _files(first / "site")
    return fresh_one, fresh_two, cached, second


def test_two_builds_of_the_same_input_are_byte_identical(two_builds):
    fresh_one, fresh_two, cached, _ = two_builds
    assert len(fresh_one) > 20
    assert any(name.endswith(".html") for name in fresh_one) and "sitemap.xml.gz" in fresh_one
    assert _different(fresh_one, fresh_two) == [], "two builds in different folders differ"
    assert _different(fresh_one, cached) == [], "a build from the cache differs from a build from scratch"


def test_output_holds_no_build_time_or_machine_path(two_builds):
    fresh_one, _, _, _ = two_builds
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    for name, data in fresh_one.items():
        if name.endswith((".html", ".xml", ".json", ".js", ".css")):
            text = data.decode("utf-8", "replace")
            assert str(ROOT) not in text and "/tmp/" not in text, f"{name} names a folder of the machine that built it"
            assert today not in text, f"{name} holds the date of the build"


def test_source_date_epoch_is_honoured(two_builds, monkeypatch):
    fresh_one, _, _, project = two_builds
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    assert build_site(project / "mkdocs.yml", site_dir=project / "site-sde", pdfs=False, quiet=True) == 0
    dated = _files(project / "site-sde")
    # only the files that carry a date: the sitemap's, and the Word template's document dates
    assert {n for n in _different(fresh_one, dated) if not n.endswith(".docx")} <= {"sitemap.xml", "sitemap.xml.gz"}
    mtime = struct.unpack("<I", dated["sitemap.xml.gz"][4:8])[0]
    assert datetime.fromtimestamp(mtime, UTC).date().isoformat() == "2023-11-14"
    assert gzip.decompress(dated["sitemap.xml.gz"]) == dated["sitemap.xml"]


def test_pdfs_are_byte_identical_between_renders(built_site, tmp_path):
    """A PDF rendered twice from the same HTML is the same file, and the same as the one the build published
    (which may have come from the cache): no timestamps, random ids or machine paths inside."""
    review = read_review(REVIEWS_DIR / "bedford.yaml").review
    env = template_environment(ROOT / "templates")
    cpd = read_cpd_questions(ROOT / "content" / "cpd-template.yaml")
    output = next(o for o in OUTPUTS if o.key == "young-people")
    html = render_print_document(env, review, output.key, cpd)
    base_url = (ROOT / "templates").resolve().as_uri() + "/"
    first = render_pdf_bytes(html, base_url, False)
    second = render_pdf_bytes(html, base_url, False)
    assert first == second
    assert first == (built_site / pdf_path("bedford", output)).read_bytes()
    for marker in (b"/CreationDate", b"/ModDate", str(ROOT).encode(), b"/tmp/"):
        assert marker not in first, marker

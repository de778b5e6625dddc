"""Issue 13: what a successful build publishes is always right; a failed one says why and changes nothing.

A catalogue of what a careless or hostile user can do to a project (stray files, links out of
the project, a damaged cache, a broken print stylesheet, a missing font, odd settings), each run
as staff run it (`build.py` in a subprocess) against a scratch project built once before. Every
case asserts the exit code, that the message names the file (and line where there is one),
that there is no traceback, and that site/ is either exactly as it was or exactly what a clean
build makes. (Cases about the text inside review files are in tests/test_hostile_text.py.)
"""

from __future__ import annotations

import fcntl
import html
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT
from .projects import copy_project

PYTHON = sys.executable


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _run(project: Path, *args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(ROOT / "build.py"), "-f", str(project / "mkdocs.yml"), *args],
                          capture_output=True, text=True, cwd=project, env={**os.environ, **(env or {})}, timeout=timeout)


def _make_project(root: Path, reviews: tuple[str, ...] | None = None) -> Path:
    return copy_project(root, reviews)


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A scratch project, built without PDFs: its site is what a clean build makes."""
    project = _make_project(tmp_path_factory.mktemp("trust") / "project")
    result = _run(project, "build", "--no-pdf")
    assert result.returncode == 0, result.stderr
    return project, _site_files(project / "site")


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    source, _ = built_project
    copy = tmp_path / "project"
    shutil.copytree(source, copy, symlinks=True)
    return copy


@dataclass
class Case:
    name: str
    change: Callable[[Path], None]
    exit_code: int
    says: tuple[str, ...] = ()  # fragments the message must hold (file, line, what is wrong)
    env: dict = field(default_factory=dict)
    args: tuple[str, ...] = ("build", "--no-pdf")


def _write(relative: str, text: str) -> Callable[[Path], None]:
    return lambda p: (p / relative).write_text(text, encoding="utf-8")


def _copy(source: str, target: str) -> Callable[[Path], None]:
    return lambda p: shutil.copy(p / source, p / target)


def _link(relative: str, target: str) -> Callable[[Path], None]:
    return lambda p: os.symlink(target, p / relative)


def _blobs(project: Path, suffix: str) -> list[Path]:
    """Cached blobs whose text ends like a page body or holds a marker, largest first."""
    found = [b for b in (project / ".cache/build/blobs").rglob("*") if b.is_file()]
    return sorted((b for b in found if suffix in b.read_bytes()[-2000:].decode("utf-8", "replace")), key=lambda b: -b.stat().st_size)


def _truncate_a_page_body(project: Path) -> None:
    body = _blobs(project, "</article>")[0]
    data = body.read_bytes()
    body.write_bytes(data[: len(data) // 3] + b"</article>")


def _inject_markup_into_a_page_body(project: Path) -> None:
    body = _blobs(project, "</article>")[0]
    body.write_bytes(body.read_bytes().replace(b"</article>", b"<script>alert(1)</script></article>", 1))


def _empty_search_shards(project: Path) -> None:
    for path in (project / ".cache/search").rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            path.write_bytes(b"")


def _garble_records(project: Path) -> None:
    for record in (project / ".cache/build/records").glob("*.json"):
        record.write_bytes(b"\x80\x04garbage")


def _garble_compiled_templates(project: Path) -> None:
    """Bytes flipped inside the compiled code, the header left alone: Python's marshal trusted such
    a file and the build crashed (a segmentation fault)."""
    for path in (project / ".cache/build/jinja").rglob("*"):
        if path.is_file():
            data = bytearray(path.read_bytes())
            for i in range(len(data) // 2, len(data), 7):
                data[i] ^= 0x55
            path.write_bytes(bytes(data))


def _old_format_records(project: Path) -> None:
    for record in (project / ".cache/build/records").glob("*.json"):
        record.write_text('{"version": 1, "slug": "x"}')


CASES = [
    Case("a review saved as .yml", _copy("content/reviews/bedford.yaml", "content/reviews/bedford.yml"), 1,
         ("content/reviews/bedford.yml", "review files end in .yaml")),
    Case("a draft beside the reviews", _copy("content/reviews/bury.yaml", "content/reviews/newtown.yaml.draft"), 1,
         ("newtown.yaml.draft", "review files end in .yaml")),
    Case("an editor's backup file", _copy("content/reviews/bury.yaml", "content/reviews/bury.yaml~"), 0),
    Case("an editor's lock file among the pages", _write("content/pages/.#about.md", "x"), 0),
    Case("notes left in content/", _write("content/notes.txt", "private notes"), 1, ("content/notes.txt", "move this file out")),
    Case("a web page among the pages (it would be rendered as a template)", _write("content/pages/x.html", "{{ config }}"), 1,
         ("content/pages/x.html", "pages are Markdown files")),
    Case("a link to the password file", _link("content/pages/passwd.txt", "/etc/passwd"), 1,
         ("content/pages/passwd.txt", "is a link to /etc/passwd, outside the project")),
    Case("a linked review from outside", _link("content/reviews/elsewhere.yaml", "/etc/hostname"), 1,
         ("content/reviews/elsewhere.yaml", "outside the project")),
    Case("a link in the theme", _link("templates/assets/secret.txt", "/etc/passwd"), 1,
         ("templates/assets/secret.txt", "outside the project")),
    Case("a truncated cached page body", _truncate_a_page_body, 0),
    Case("markup written into a cached page body", _inject_markup_into_a_page_body, 0),
    Case("emptied search-index files", _empty_search_shards, 0),
    Case("garbled build records", _garble_records, 0),
    Case("garbled compiled templates", _garble_compiled_templates, 0),
    Case("build records of an older version", _old_format_records, 0),
    Case("SOURCE_DATE_EPOCH that is not a number", lambda p: None, 1, ("SOURCE_DATE_EPOCH", '"abc"', "whole number"),
         env={"SOURCE_DATE_EPOCH": "abc"}),
    Case("a template mistake", lambda p: (p / "templates/outputs/recommendations.html").write_text(
        (p / "templates/outputs/recommendations.html").read_text().replace("{{ review.title }}", "{{ review.title }", 1)), 1,
         ("templates/outputs/recommendations.html, line 6", "unexpected '}'")),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_catalogue(case: Case, project: Path, built_project):
    _, clean = built_project
    before = _site_files(project / "site")
    case.change(project)
    result = _run(project, *case.args, env=case.env)
    message = result.stdout + result.stderr
    assert "Traceback" not in message and "Unexpected error" not in message, message
    assert result.returncode == case.exit_code, message
    for fragment in case.says:
        assert fragment in message, f"the message should say {fragment!r}:\n{message}"
    after = _site_files(project / "site")
    if case.exit_code:
        assert after == before, "a failed build changed site/"
    else:
        different = sorted(name for name in clean.keys() | after.keys() if clean.get(name) != after.get(name))
        assert not different, f"the site differs from a clean build in {different[:5]}"
    assert not list(project.glob(".site-building-*")), "the build left its staging folder behind"
    if case.name == "a template mistake":
        assert message.count("unexpected '}'") == 1, "the same template mistake is said once"


def test_a_missing_config_file_is_named(tmp_path):
    result = subprocess.run([PYTHON, str(ROOT / "build.py"), "-f", str(tmp_path / "missing.yml"), "check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "missing.yml: no such file" in result.stderr
    assert "valid" not in result.stdout


def test_nothing_in_the_site_shares_a_file_with_the_cache_and_edits_do_not_survive(project):
    result = _run(project, "build")  # with PDFs, Word files and action plans
    assert result.returncode == 0, result.stderr
    cached = {os.stat(p).st_ino for p in (project / ".cache").rglob("*") if p.is_file()}
    shared = [p for p in (project / "site").rglob("*") if p.is_file() and (os.stat(p).st_ino in cached or os.stat(p).st_nlink > 1)]
    assert not shared, f"site files that are the cache's own files: {shared[:3]}"
    pdf = project / "site/reviews/bedford/bedford-full-report.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(b"%PDF-1.7 edited in the site")
    cached_pdf = next(p for p in (project / ".cache/pdf").glob("*.pdf") if p.read_bytes() == good)
    cached_pdf.write_bytes(good[: len(good) // 2])  # and the cached copy is damaged
    result = _run(project, "build")
    assert result.returncode == 0, result.stderr
    assert "damaged" in result.stdout + result.stderr
    assert pdf.read_bytes() == good, "the PDF is made again, whole, and the edit in site/ is gone"


def test_word_files_name_the_program_that_made_them(built_site):
    """python-docx's template said 'Microsoft Macintosh Word' and 'Normal.dotm'."""
    import zipfile

    files = sorted(built_site.rglob("*.docx"))
    assert files
    for path in files:
        app = zipfile.ZipFile(path).read("docProps/app.xml").decode("utf-8")
        assert "<Application>reviewpress</Application>" in app and "Macintosh" not in app and "dotm" not in app, path.name


def test_a_missing_font_stops_the_build_and_names_it(project):
    font = project / "templates/assets/fonts/atkinson-hyperlegible-latin-400-normal.woff2"
    font.unlink()
    before = _site_files(project / "site")
    result = _run(project, "build")
    message = result.stdout + result.stderr
    assert result.returncode == 1, message
    assert "atkinson-hyperlegible-latin-400-normal.woff2" in message and "Traceback" not in message
    assert _site_files(project / "site") == before


def test_print_css_that_weasyprint_would_ignore_stops_the_build(project):
    css = project / "templates/assets/css/pdf.css"
    css.write_text(css.read_text() + "\n@page { size: banana; }\n")
    result = _run(project, "build")
    message = result.stdout + result.stderr
    assert result.returncode == 1, message
    assert "assets/css/pdf.css" in message and "size: banana" in message and "Traceback" not in message


def test_text_that_reads_like_css_is_never_opened():
    from reviewpress.pdf import assets_fingerprint, referenced_files

    html = '<link rel="stylesheet" href="assets/css/pdf.css"><p>See url(/dev/zero) and url("/etc/shadow")</p>'
    assert referenced_files(html) == ["assets/css/pdf.css"]
    started = time.monotonic()
    assets_fingerprint(ROOT / "templates", ["../../../../dev/zero", "../../../../etc/shadow"])  # never read
    assert time.monotonic() - started < 1


def test_a_second_build_waits_for_the_first(project):
    lock = project / ".cache" / "build.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a build that is still running
    process = subprocess.Popen([PYTHON, str(ROOT / "build.py"), "-f", str(project / "mkdocs.yml"), "build", "--no-pdf"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=project)
    time.sleep(3)
    assert process.poll() is None, "the second build did not wait"
    os.close(fd)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "Another build of this project is running" in err


def test_content_changed_during_the_build_is_not_published(project, monkeypatch, capsys):
    from reviewpress import plugin
    from reviewpress.cli import build_site

    before = _site_files(project / "site")
    original = plugin.ReviewPlugin.on_post_build

    def edit_while_building(self, config):
        review = project / "content/reviews/bury.yaml"
        review.write_text(review.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return original(self, config)

    monkeypatch.setattr(plugin.ReviewPlugin, "on_post_build", edit_while_building)
    assert build_site(project / "mkdocs.yml", site_dir=project / "site", pdfs=False, quiet=True) == 1
    err = capsys.readouterr().err
    assert "content/reviews/bury.yaml changed while the site was being built" in err
    assert _site_files(project / "site") == before


def test_a_project_that_cannot_be_written_gets_a_message(project, monkeypatch, capsys):
    from reviewpress import cli

    def refuse(root, quiet):
        raise PermissionError(13, "Permission denied", str(root / ".cache" / "build.lock"))

    monkeypatch.setattr(cli, "_lock_project", refuse)
    assert cli.build_site(project / "mkdocs.yml", site_dir=project / "site", pdfs=False, quiet=True) == 1
    err = capsys.readouterr().err
    assert "Cannot write to" in err and "build.lock" in err and "Permission denied" in err and "Unexpected" not in err


def test_a_read_only_site_leaves_no_staging_folder(project):
    for folder in [project / "site", *(p for p in (project / "site").rglob("*") if p.is_dir())]:
        folder.chmod(0o555)
    try:
        result = _run(project, "build", "--no-pdf")
        assert result.returncode == 0, result.stderr
    finally:
        for folder in [project / "site", *(p for p in (project / "site").rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
    assert not list(project.glob(".site-building-*"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_serve_shows_the_error_keeps_the_last_good_pages_and_recovers(project):
    port = _free_port()
    process = subprocess.Popen([PYTHON, str(ROOT / "build.py"), "-f", str(project / "mkdocs.yml"), "serve", "--address",
                                f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=project)
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(process.stdout), daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: _get(f"{base}/reviews/bury/")[0] == 200 if _listening(port) else False), "".join(log)
        assert _get(f"{base}/reviews/bedford/%00")[0] == 400
        assert _get(f"{base}/no/such/page/")[0] == 404
        review = project / "content/reviews/bedford.yaml"
        good = review.read_text(encoding="utf-8")
        review.write_text(good.replace("\ntitle: ", "\ntitel: ", 1), encoding="utf-8")
        assert _wait_for(lambda: "The last save could not be built" in _get(f"{base}/reviews/bury/")[1]), "".join(log)
        status, page = _get(f"{base}/reviews/bury/")
        page = html.unescape(page)
        assert status == 200 and 'unknown key "titel"' in page and re.search(r"bedford\.yaml, line \d+", page)
        assert "Review of Health Services for Children Looked After and Safeguarding in Bury" in page, "the last good page"
        review.write_text(good, encoding="utf-8")
        assert _wait_for(lambda: "The last save could not be built" not in _get(f"{base}/reviews/bury/")[1]), "".join(log)
        assert "Traceback" not in "".join(log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_stopping_serve_while_pdfs_render_stops_at_once_and_quietly(project):
    """The project was built without PDFs, so serve renders every PDF in the background; stopping it
    then must not wait for them (Python waits for a process pool's work at exit) nor print a traceback."""
    port = _free_port()
    process = subprocess.Popen([PYTHON, str(ROOT / "build.py"), "-f", str(project / "mkdocs.yml"), "serve", "--address",
                                f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=project)
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(process.stdout), daemon=True)
    reader.start()
    try:
        assert _wait_for(lambda: _listening(port) and "rendered in the background" in "".join(log)), "".join(log)
        started = time.monotonic()
        process.terminate()
        process.wait(timeout=20)
        assert time.monotonic() - started < 10, "serve took its time to stop"
    finally:
        if process.poll() is None:
            process.kill()
    reader.join(timeout=5)
    assert "Traceback" not in "".join(log), "".join(log)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_two_threads_writing_the_same_cache_file_never_fail(tmp_path):
    """serve writes from two threads of one process: each writer has its own temporary file."""
    from reviewpress.store import write_atomic

    target = tmp_path / "blob"
    errors: list[str] = []

    def write() -> None:
        for _ in range(300):
            try:
                write_atomic(target, b"x" * 100_000)
            except OSError as exc:
                errors.append(repr(exc))

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and target.read_bytes() == b"x" * 100_000
    assert [p.name for p in tmp_path.iterdir()] == ["blob"], "no temporary file left behind"
    assert target.stat().st_mode & 0o044 == 0o044, "readable by the web server"

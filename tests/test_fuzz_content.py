"""Issue 6, point 6: a property-based test. A real review file is mutated the ways
a hurried edit or a bad paste breaks files (keys deleted, values of the wrong type,
odd Unicode, truncation, duplicated lines, wrong indentation, bytes that are not
UTF-8), and whatever comes out, checking either succeeds or reports clean errors
that name the file: never a traceback. A handful of the same mutations go through
a full build, which must leave the previous site/ exactly as it was when it fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewpress.checks import load_content
from reviewpress.cli import build_site
from reviewpress.errors import ContentErrors
from reviewpress.loading import yaml_lines

from .conftest import REVIEWS_DIR, ROOT
from .content_tools import tree_hash
from .projects import copy_project

BASE = (REVIEWS_DIR / "bedford.yaml").read_text(encoding="utf-8")
CPD_TEMPLATE = ROOT / "content" / "cpd-template.yaml"
KEY_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_]+):(.*)$")

WRONG_VALUES = [
    "", " 42", " -1", " 1.10", " 1e9999", " 0x1F", " .nan", " true", " no", " null", " ~", " []", " {}", " [a, b]",
    " {a: 1}", " 2015-13-45", " 2015-05-18", " 2015-05-18 10:00:00", " '   '", " ''", ' ""', " |\n  x", " >-",
    " &anchor x", " *anchor", " !!python/object/apply:os.system [ls]", " !!binary aGVsbG8=", " !custom x",
    " ../../../etc/passwd", " <script>alert(1)</script>", " 'unclosed", ' "unclosed', " [unclosed", " {unclosed",
    " a: b: c", " - item", " # only a comment", " %TAG", " @at", " `tick`", " ? complex", " - - nested",
]
ODD_CHARACTERS = (
    [chr(c) for c in range(0x00, 0x20)] + ["\x7f", "\x85", "\xa0", "\u200b", "\u200d", "\u200e", "\u200f", "\u2028",
     "\u2029", "\u202e", "\u2066", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\U0001f600", "\U0001d4b3", "\u0301",
     "\u0627", "\u4e2d", "\u00e9", "e\u0301", "ß", "\U000e0001"]
    + list(":#'\"[]{}&*!|>%@`,-?\\") + [": ", " #", "\n", "\r\n", "\t", "  "]
)


def _key_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if KEY_LINE.match(line)]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" -"))


TEXT_LINE = re.compile(r"^(\s*(?:- )?(?:p|text|title|heading|lead_in|meaning|term|label):) [A-Za-z(].*[^:\s]$")
PRINTABLE = st.characters(whitelist_categories=("L", "M", "N", "Zs", "Sm", "Sc", "So", "Pd", "Ps", "Pe", "Pi", "Pf"),
                          blacklist_characters="\x85\xa0\u1680\u2028\u2029\u3000")
OPERATIONS = ["delete key", "wrong type", "odd unicode", "unicode in text", "truncate", "duplicate", "indentation", "bytes"]


@st.composite
def mutated_review(draw, operations: tuple[str, ...] = tuple(OPERATIONS)) -> tuple[str | bytes, list[str]]:
    text: str | bytes = BASE
    done: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        if isinstance(text, bytes):
            break
        lines = text.split("\n")
        keys = _key_lines(lines) or [0]
        op = draw(st.sampled_from(operations))
        if op == "unicode in text":
            texts = [i for i, line in enumerate(lines) if TEXT_LINE.match(line)] or [0]
            i = draw(st.sampled_from(texts))
            lines[i] += " " + draw(st.text(PRINTABLE, min_size=1, max_size=12)).strip() + "."
        elif op == "delete key":
            i = draw(st.sampled_from(keys))
            j = i + 1
            while j < len(lines) and lines[j].strip() and _indent(lines[j]) > _indent(lines[i]):
                j += 1
            lines[i:j] = []
        elif op == "wrong type":
            i = draw(st.sampled_from(keys))
            match = KEY_LINE.match(lines[i])
            if match:
                lines[i] = f"{match.group(1)}{match.group(2)}:{draw(st.sampled_from(WRONG_VALUES))}"
        elif op == "odd unicode":
            i = draw(st.integers(0, len(lines) - 1))
            odd = draw(st.lists(st.sampled_from(ODD_CHARACTERS), min_size=1, max_size=4).map("".join)
                       | st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + odd + lines[i][at:]
        elif op == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(i + 1, min(len(lines), i + 12)))
            lines[j:j] = lines[i:j]
        elif op == "indentation":
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = lines[i][draw(st.integers(1, 2)):] if lines[i].startswith("  ") and draw(st.booleans()) else "  " + lines[i]
        text = "\n".join(lines)
        if op == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        elif op == "bytes":
            raw = text.encode("utf-8")
            at = draw(st.integers(0, len(raw)))
            text = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x96", b"\xe2\x80", b"\xed\xa0\x80", b"\x00"])) + raw[at:]
        done.append(op)
    return text, done


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))


def assert_clean(errors, path: Path, content: str | bytes) -> None:
    assert errors, "ContentErrors without any error"
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    lines = content.count(b"\n") + 1 if isinstance(content, bytes) else len(yaml_lines(content))
    for error in errors:
        text = str(error)
        assert error.path in (path, CPD_TEMPLATE), text
        assert path.name in text.split(",")[0].split(":")[0] or error.path == CPD_TEMPLATE, text
        assert error.message and "Traceback" not in text and "errors.pydantic.dev" not in text and "<class " not in text, text
        if error.line is not None:
            assert 1 <= error.line <= lines, text


def test_mutated_reviews_are_valid_or_get_clean_errors(tmp_path, capsys):
    folder = tmp_path / "reviews"
    folder.mkdir()
    path = folder / "bedford.yaml"
    tried = {"valid": 0, "errors": 0}
    operations: dict[str, int] = {}

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(mutated_review())
    def check_one(mutation):
        content, done = mutation
        for op in done:
            operations[op] = operations.get(op, 0) + 1
        _write(path, content)
        try:
            load_content(folder, CPD_TEMPLATE)
        except ContentErrors as exc:
            assert_clean(exc.errors, path, content)
            tried["errors"] += 1
        else:
            tried["valid"] += 1

    check_one()
    total = tried["valid"] + tried["errors"]
    with capsys.disabled():
        print(f"\n  property test: {total} mutated review files checked: {tried['valid']} still valid, "
              f"{tried['errors']} reported clean errors; mutations used: "
              + ", ".join(f"{k} {v}" for k, v in sorted(operations.items())))
    assert total >= 100
    assert tried["errors"] > 0 and tried["valid"] > 0


@pytest.fixture(scope="module")
def small_project(tmp_path_factory) -> Path:
    """The project with one review (bedford), so that each full build is quick."""
    project = copy_project(tmp_path_factory.mktemp("fuzz-project"), reviews=["bedford"])
    return project


def test_full_builds_of_mutated_reviews_never_change_site_when_they_fail(small_project, capsys):
    site = small_project / "site"
    assert build_site(small_project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True) == 0
    capsys.readouterr()
    outcomes: list[str] = []

    @settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(mutated_review())
    def build_broken(mutation):
        build_one(mutation)

    @settings(max_examples=2, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(mutated_review(operations=("unicode in text",)))
    def build_odd_text(mutation):
        build_one(mutation)

    def build_one(mutation):
        content, _ = mutation
        before = tree_hash(site)
        _write(small_project / "content" / "reviews" / "bedford.yaml", content)
        status = build_site(small_project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True)
        err = capsys.readouterr().err
        assert status in (0, 1), err
        assert "Traceback" not in err
        if status == 1:
            assert tree_hash(site) == before, "a failed build changed site/"
            assert "bedford.yaml" in err and "site/ was not changed" in err, err
        outcomes.append("built" if status == 0 else "failed cleanly")
        assert not list(site.parent.glob(".site-building-*")), "a build left its staging folder behind"

    review = small_project / "content" / "reviews" / "bedford.yaml"
    original = review.read_bytes()
    try:
        build_broken()
        build_odd_text()
    finally:  # the project is shared by the module's tests: leave it as it was
        review.write_bytes(original)
    with capsys.disabled():
        print(f"\n  full builds of mutated reviews: {len(outcomes)} ({', '.join(outcomes)})")


# --- the cache and the content folder (issue 13) --------------------------------------------

STRAY_NAMES = st.sampled_from([
    "bedford.yml", "bedford.yaml~", "newtown.yaml.draft", "notes.txt", ".#bedford.yaml", "bedford.yaml.swp",
    "page.html", "picture.png", "#autosave#", "Thumbs.db", "data.json", "README",
])
STRAY_FOLDERS = st.sampled_from(["content", "content/reviews", "content/pages", "templates/assets"])
CACHE_DAMAGE = st.sampled_from(["truncate", "empty", "flip a byte", "append markup", "delete"])


def _clean_site_after(project: Path, site: Path, changes: list[str], err: str, status: int, before: str, clean: str) -> str:
    assert status in (0, 1), err
    assert "Traceback" not in err and "Unexpected error" not in err, err
    if status == 1:
        assert tree_hash(site) == before, "a failed build changed site/"
        assert any(Path(change).name in err for change in changes), f"the message names none of {changes}:\n{err}"
        return "refused, naming the file"
    # A page's image is meant to be published: then the site is the clean site plus that image.
    published = [(site / "pages" / Path(c).name, Path(c)) for c in changes if _a_page_image(Path(c))]
    for copy, source in published:
        assert copy.read_bytes() == source.read_bytes()
    assert tree_hash(site, leave_out=[copy for copy, _ in published]) == clean, f"after {changes} the site is not what a clean build makes"
    return "built the clean site" + (" and published the page image" if published else "")


def _a_page_image(path: Path) -> bool:
    return path.parent.name == "pages" and path.suffix == ".png" and not path.is_symlink()


def test_damaged_caches_and_stray_files_never_publish_the_wrong_site(small_project, capsys):
    """Whatever happens to .cache/ and to the folders around the content, a build either publishes
    exactly what a clean build makes or publishes nothing and names the file."""
    site = small_project / "site"
    assert build_site(small_project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True) == 0
    clean = tree_hash(site)
    capsys.readouterr()
    outcomes: list[str] = []

    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(CACHE_DAMAGE, st.integers(0, 10_000)), min_size=1, max_size=4),
           st.lists(st.tuples(STRAY_FOLDERS, STRAY_NAMES, st.booleans()), max_size=2))
    def damage(cache_damage, strays):
        changes: list[str] = []
        cached = sorted(p for p in (small_project / ".cache").rglob("*") if p.is_file() and p.name != "build.lock")
        for how, pick in cache_damage:
            if not cached:
                break
            target = cached[pick % len(cached)]
            if not target.exists():
                continue
            data = target.read_bytes()
            if how == "truncate":
                target.write_bytes(data[: len(data) // 2])
            elif how == "empty":
                target.write_bytes(b"")
            elif how == "flip a byte" and data:
                i = pick % len(data)
                target.write_bytes(data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1:])
            elif how == "append markup":
                target.write_bytes(data + b"<script>alert(1)</script>")
            elif how == "delete":
                target.unlink()
        for folder, name, as_link in strays:
            path = small_project / folder / name
            if path.exists() or path.is_symlink():
                continue
            if as_link:
                path.symlink_to("/etc/hostname")
            else:
                path.write_text("stray", encoding="utf-8")
            changes.append(str(path))
        before = tree_hash(site)
        status = build_site(small_project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True)
        err = capsys.readouterr().err
        try:
            outcomes.append(_clean_site_after(small_project, site, changes, err, status, before, clean))
        finally:
            for change in changes:
                Path(change).unlink()
        assert build_site(small_project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True) == 0
        assert tree_hash(site) == clean
        capsys.readouterr()

    damage()
    with capsys.disabled():
        print(f"\n  damaged caches and stray files: {len(outcomes)} builds ({', '.join(outcomes)})")
    assert len(outcomes) >= 5

"""Issue 12, point 2: one validation for `check`, `build` and `serve`, so that the same mistake always
gets the same message, naming its file and line; and each problem is reported once.

`check` validates every review in one process (checks.load_content); a build validates only the
reviews its cache does not hold, each in a worker (incremental.build_review), and the checks across
reviews over every review's record. Both use checks.validate_review and checks.cross_review_errors;
these tests run the real command line over one set of broken files and compare what each prints.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewpress.checks import load_content

from .conftest import REVIEWS_DIR, ROOT

BEDFORD = (REVIEWS_DIR / "bedford.yaml").read_text(encoding="utf-8")
NATIONAL = (REVIEWS_DIR / "not-seen-not-heard.yaml").read_text(encoding="utf-8")
ERROR_LINE = re.compile(r"^- (content/reviews/[\w.-]+\.yaml), line (\d+): (.+)$")


def line_of(text: str, fragment: str) -> int:
    return text.count("\n", 0, text.index(fragment)) + 1


def with_slug(text: str, slug: str) -> str:
    return re.sub(r"(?m)^slug: .*$", f"slug: {slug}", text, count=1)


def marker_in_a_box(text: str, marker: str = "[^zz]") -> str:
    """A footnote marker with no footnote, in the first paragraph inside the first box."""
    box = text.index("  - box:\n")
    paragraph = text.index("      - p: ", box)
    end = text.index("\n", paragraph)
    return text[:end] + f" {marker}" + text[end:]


def marker_in_a_case_example(text: str, marker: str = "[^zz]") -> str:
    start = text.index("case_example:")
    paragraph = re.compile(r"- p: ").search(text, start).start()
    end = text.index("\n", paragraph)
    return text[:end] + f" {marker}" + text[end:]


# name -> the file's text; every file but bedford.yaml has one mistake (or two of the same kind)
BROKEN = {
    "bedford.yaml": BEDFORD,
    "bedford-copy.yaml": BEDFORD,  # the same slug as bedford.yaml
    "bad-date.yaml": with_slug(re.sub(r"(?m)^(\s*publication_date:) .*$", r"\1 2015-02-30", BEDFORD, count=1), "bad-date"),
    "missing-recommendation.yaml": with_slug(BEDFORD.replace("(**Recommendation 4.4**)", "(**Recommendation 9.9**)", 1),
                                             "missing-recommendation"),
    "national-box.yaml": with_slug(marker_in_a_box(NATIONAL), "national-box"),
    # the same slug again, in a file with another mistake: a build has no record of it, but its slug is known
    "case-example.yaml": marker_in_a_case_example(BEDFORD, "[^y]"),
}


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("validate") / "project"
    project.mkdir()
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "reviewpress").mkdir()  # listed under watch: in mkdocs.yml
    reviews = project / "content" / "reviews"
    for review in reviews.glob("*.yaml"):
        review.unlink()
    for name, text in BROKEN.items():
        (reviews / name).write_text(text, encoding="utf-8")
    return project


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "-f", "mkdocs.yml", *args], cwd=project,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def printed(broken_project) -> dict[str, list[str]]:
    """The error lines `build.py check` and `build.py build` print for the broken project."""
    out = {}
    for command, args in (("check", ("check",)), ("build", ("build", "--no-pdf", "--site-dir", str(broken_project / "site")))):
        result = run(broken_project, *args)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        out[command] = [line for line in result.stderr.splitlines() if line.startswith("- ")]
    return out


def test_check_and_build_print_the_same_errors(printed):
    assert printed["check"], "check printed no error"
    assert printed["check"] == printed["build"], "\n".join(["check:", *printed["check"], "build:", *printed["build"]])


def test_every_error_names_its_file_and_line(printed):
    for command, lines in printed.items():
        for line in lines:
            assert ERROR_LINE.match(line), f"{command}: {line}"


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("name", ["bedford.yaml", "case-example.yaml"])
def test_the_duplicate_slug_names_the_line_of_both_slugs(printed, command, name):
    slug_line = line_of(BEDFORD, "slug:")
    expected = (f'- content/reviews/{name}, line {slug_line}: slug: "bedford" is already the slug of '
                f"bedford-copy.yaml (line {slug_line}); each review needs its own slug")
    assert expected in printed[command], "\n".join(printed[command])


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("name, marker", [("national-box.yaml", "[^zz]"), ("case-example.yaml", "[^y]")])
def test_a_missing_footnote_inside_a_box_is_reported_once(printed, command, name, marker):
    about = [line for line in printed[command] if f"/{name}," in line and marker in line]
    assert len(about) == 1, "\n".join(printed[command])
    assert f"marker {marker} has no footnote with id" in about[0]


@pytest.mark.parametrize("command", ["check", "build"])
def test_each_broken_file_is_reported(printed, command):
    files = {ERROR_LINE.match(line).group(1).rsplit("/", 1)[1] for line in printed[command] if ERROR_LINE.match(line)}
    assert files == set(BROKEN) - {"bedford-copy.yaml"}, files


def test_a_missing_footnote_in_a_nested_box_is_reported_once(tmp_path):
    """Boxes and case examples inside boxes: every text is checked once, wherever it is nested."""
    text = NATIONAL
    box = text.index("  - box:\n")
    first_block = text.index("      blocks:\n", box) + len("      blocks:\n")
    nested = ("      - box:\n          title: Inner box\n          blocks:\n"
              "          - case_example:\n              blocks:\n              - p: Nested text [^zz]\n")
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "national.yaml").write_text(text[:first_block] + nested + text[first_block:], encoding="utf-8")
    from reviewpress.errors import ContentErrors

    with pytest.raises(ContentErrors) as caught:
        load_content(folder, ROOT / "content" / "cpd-template.yaml")
    about = [e for e in caught.value.errors if "[^zz]" in e.message]
    assert len(about) == 1, caught.value.report()
    assert about[0].field.endswith("box.blocks[0].box.blocks[0].case_example.blocks[0].p")


# --- content warnings: logged at WARNING, and fatal with build --strict (issue 12, point 5) ---------


def warning_project(tmp_path: Path) -> tuple[Path, str]:
    """Bedford alone, its only citation of recommendation 4.4 taken out: a warning, not an error."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "reviewpress").mkdir()
    for review in (project / "content" / "reviews").glob("*.yaml"):
        review.unlink()
    assert BEDFORD.count("(**Recommendation 4.4**)") == 1
    (project / "content" / "reviews" / "bedford.yaml").write_text(BEDFORD.replace(" (**Recommendation 4.4**)", "", 1),
                                                                  encoding="utf-8")
    return project, "bedford.yaml: recommendation 4.4 is not cited by any finding"


def test_content_warnings_are_logged_at_warning_and_fail_only_a_strict_build(tmp_path, capsys, caplog):
    from reviewpress.cli import build_site

    project, warning = warning_project(tmp_path)
    site = tmp_path / "site"
    with caplog.at_level(logging.INFO):
        assert build_site(project / "mkdocs.yml", site_dir=site, pdfs=False) == 0
    logged = [r for r in caplog.records if warning in r.getMessage()]
    assert [r.levelno for r in logged] == [logging.WARNING], [(r.name, r.levelname, r.getMessage()) for r in caplog.records][-5:]
    assert f"warning: {warning}" in capsys.readouterr().err
    published = (site / "index.html").stat().st_mtime_ns

    status = build_site(project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True, strict=True)
    err = capsys.readouterr().err
    assert status == 1, err
    assert "--strict" in err and f"- warning: {warning}" in err and "Traceback" not in err
    assert (site / "index.html").stat().st_mtime_ns == published, "a failed strict build changed the site"


def test_build_py_build_strict_exits_non_zero_on_a_warning(tmp_path):
    project, warning = warning_project(tmp_path)
    result = run(project, "build", "--strict", "--no-pdf", "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 1 and warning in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "site").exists()


# --- the templates a review's cache key covers (issue 12: template_closure) -------------------------


def test_a_template_included_by_a_computed_name_is_a_dependency(tmp_path):
    """`{% include "blocks/" ~ kind ~ ".html" %}` can render any template under blocks/: each is part of
    every review's key, so editing or adding one renders the reviews again."""
    from reviewpress.incremental import Fingerprints, template_closure

    templates = tmp_path / "templates"
    for folder in ("outputs", "blocks", "partials"):
        (templates / folder).mkdir(parents=True)
    (templates / "outputs" / "report.html").write_text(
        '{%- for b in blocks %}{% include "blocks/" ~ b.kind ~ ".html" %}{% endfor %}', encoding="utf-8")
    (templates / "blocks" / "p.html").write_text('{% include "partials/text.html" %}', encoding="utf-8")
    (templates / "partials" / "text.html").write_text("{{ b.html }}", encoding="utf-8")
    (templates / "partials" / "unused.html").write_text("never included", encoding="utf-8")
    cpd = ROOT / "content" / "cpd-template.yaml"

    assert template_closure(templates, ("outputs/report.html",)) == ["blocks/p.html", "outputs/report.html", "partials/text.html"]
    before = Fingerprints.compute(templates, cpd).templates
    (templates / "partials" / "unused.html").write_text("still never included", encoding="utf-8")
    assert Fingerprints.compute(templates, cpd).templates == before, "a template nothing includes changed the key"
    (templates / "blocks" / "p.html").write_text('<p>{% include "partials/text.html" %}</p>', encoding="utf-8")
    edited = Fingerprints.compute(templates, cpd).templates
    assert edited != before, "editing a per-block template left every review's key unchanged"
    (templates / "blocks" / "table.html").write_text("<table></table>", encoding="utf-8")
    assert Fingerprints.compute(templates, cpd).templates != edited, "a new per-block template left the key unchanged"


@pytest.mark.parametrize("tag", ['{% include name %}', '{% include "a" if x else "b" %}', '{% extends layout %}',
                                 '{% include "assets/" ~ name %}', '{% include "nosuch/" ~ name %}'])
def test_a_template_named_any_other_way_could_be_any_template(tmp_path, tag):
    from reviewpress.incremental import template_closure

    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "report.html").write_text(tag, encoding="utf-8")
    (tmp_path / "other.html").write_text("", encoding="utf-8")
    assert template_closure(tmp_path, ("outputs/report.html",)) == ["other.html", "outputs/report.html"]


def test_literal_names_lists_and_imports_are_followed(tmp_path):
    from reviewpress.incremental import template_closure

    for name in ("a.html", "b.html", "c.html", "d.html", "unused.html"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "root.html").write_text(
        '{%- from "a.html" import x, y -%}{% import \'b.html\' as b %}{% include ["c.html", "d.html"] ignore missing %}',
        encoding="utf-8")
    assert template_closure(tmp_path, ("root.html",)) == ["a.html", "b.html", "c.html", "d.html", "root.html"]

"""Issue 6, point 1: every kind of mistake in a review file gives a clear error that
names the file, the line and the field; all of a run's errors come together; the
exit status is not zero and there is no traceback.

Each row of CASES breaks a copy of a real review (bedford.yaml) in one way. The
expected line is found from the broken text itself (the line that was changed),
so the table stays right when the review is edited.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewpress.checks import load_content
from reviewpress.cli import build_site, check
from reviewpress.errors import ContentErrors

from .conftest import REVIEWS_DIR, ROOT
from .projects import copy_project

BEDFORD = (REVIEWS_DIR / "bedford.yaml").read_text(encoding="utf-8")
CPD_TEMPLATE = ROOT / "content" / "cpd-template.yaml"


def line_of(text: str, fragment: str) -> int:
    index = text.index(fragment)
    return text.count("\n", 0, index) + 1


AREA_LINE = line_of(BEDFORD, "area: Bedford Borough")
FIRST_FINDING_LINE = line_of(BEDFORD, "number: '1.1'")


def replace_line(old: str, new: str) -> Callable[[str], tuple[str, int]]:
    """Replace the first line that starts with `old` (after indentation) by `new` (same indentation)."""

    def mutate(text: str) -> tuple[str, int]:
        match = re.search(rf"(?m)^(\s*(?:- )?){re.escape(old)}.*$", text)
        assert match, f"bedford.yaml no longer has a line starting {old!r}"
        changed = text[: match.start()] + match.group(1) + new + text[match.end():]
        return changed, line_of(changed, match.group(1) + new)

    return mutate


def replace_block(old: str, new: str) -> Callable[[str], tuple[str, int]]:
    def mutate(text: str) -> tuple[str, int]:
        assert old in text, f"bedford.yaml no longer has {old!r}"
        changed = text.replace(old, new, 1)
        return changed, line_of(changed, new)

    return mutate


def insert_after(anchor: str, new_line: str) -> Callable[[str], tuple[str, int]]:
    def mutate(text: str) -> tuple[str, int]:
        index = text.index(anchor) + len(anchor)
        end = text.index("\n", index)
        changed = text[: end + 1] + new_line + "\n" + text[end + 1:]
        return changed, text.count("\n", 0, end) + 2

    return mutate


@dataclass
class Case:
    name: str
    mutate: Callable[[str], tuple[str, int | None]]
    field: str | None  # the field path the message must name (None: a problem of the whole file)
    words: tuple[str, ...]  # what the message must say
    file: str = "bedford.yaml"


def second_finding_numbered_like_first(text: str) -> tuple[str, int]:
    changed = text.replace("number: '1.2'", "number: '1.1'", 1)
    return changed, line_of(changed, "number: '1.1'\n        text: Within") if "number: '1.1'\n        text: Within" in changed else _nth_line(changed, "number: '1.1'", 2)


def _nth_line(text: str, fragment: str, n: int) -> int:
    index = -1
    for _ in range(n):
        index = text.index(fragment, index + 1)
    return text.count("\n", 0, index) + 1


def second_recommendation_numbered_like_first(text: str) -> tuple[str, int]:
    start = text.index("\nrecommendations:\n")
    first = text.index("  - number: '1.1'", start)
    second = text.index("  - number: '1.2'", first)
    changed = text[:second] + "  - number: '1.1'" + text[second + len("  - number: '1.2'"):]
    return changed, changed.count("\n", 0, second) + 1


def cite_missing_recommendation(text: str) -> tuple[str, int]:
    changed = text.replace("(**Recommendation 2.1**)", "(**Recommendation 9.9**)", 1)
    return changed, line_of(changed, "(**Recommendation 9.9**)")


def not_utf8(text: str) -> tuple[bytes, int]:
    raw = text.encode("utf-8")
    index = raw.index(b"area: Bedford Borough")
    return raw[:index] + b"area: Bedford Borough \x96 Council" + raw[index + len(b"area: Bedford Borough"):], text.count("\n", 0, text.index("area: Bedford Borough")) + 1


CASES = [
    # YAML syntax: file, line, column and the offending line with a caret
    Case("yaml: colon in unquoted text", replace_line("area:", "area: Bedford: Borough"), None,
         ("YAML syntax error", "column 14", "put the whole text in quotes", "area: Bedford: Borough", "^")),
    Case("yaml: tab for indentation", replace_line("cqc_region:", "\tcqc_region: Central West"), None,
         ("YAML syntax error", "tab character", "→cqc_region", "^")),
    Case("yaml: unclosed quote", replace_line("area:", "area: 'Bedford Borough"), None,
         ("YAML syntax error", "quotation mark at column 7 is not closed", "runs on to line")),
    Case("yaml: unclosed bracket", replace_line("area:", "area: [Bedford Borough"), None,
         ("YAML syntax error", "the [ at column 7 is not closed", "close it with ]")),
    Case("yaml: key twice", insert_after("area: Bedford Borough", "area: Bedford"), "area",
         ("appears twice", f"first on line {AREA_LINE}")),
    Case("yaml: control character", replace_line("area:", "area: Bedford\x07 Borough"), None,
         ("control character", "U+0007", "␇", "^")),
    # schema: field path, what was expected, what was found
    Case("schema: list expected", replace_block("  ccgs:\n  - NHS Bedfordshire CCG\n", "  ccgs: NHS Bedfordshire CCG\n"),
         "metadata.ccgs", ("expected a list", 'found "NHS Bedfordshire CCG"')),
    Case("schema: text expected, number found", replace_line("number: '1.1'", "number: 1.10"),
         "sections[6].sections[0].blocks[0].finding.number", ("expected text", "1.10", "put it in quotes: '1.10'")),
    Case("schema: text expected, true/false found", replace_line("area:", "area: yes"), "area",
         ("expected text", "true/false", "'yes'")),
    Case("schema: a mapping expected",
         replace_block("  review_dates:\n    start: 2015-05-18\n    end: 2015-05-22\n", "  review_dates: 18 to 22 May 2015\n"),
         "metadata.review_dates", ("expected a set of `key: value` lines", 'found "18 to 22 May 2015"')),
    Case("schema: not one of the choices", replace_line("kind:", "kind: local"), "kind",
         ('expected "local-review" or "national-report"', 'found "local"', 'Did you mean "local-review"?')),
    Case("schema: slug outside the site", replace_line("slug:", "slug: ../../etc"), "slug",
         ("lowercase letters, digits and single hyphens", 'found "../../etc"')),
    Case("schema: unknown kind of block", replace_line("- p: Acute hospital", "- para: Acute hospital services."),
         "sections[3].blocks[12]", ('unknown kind of block "para"', "A block starts with one of: p, heading")),
    Case("schema: misspelt kind of block", replace_line("- finding:", "- findng:"), "sections[6].sections[0].blocks[0]",
         ('unknown kind of block "findng"', 'Did you mean "finding"?')),
    Case("schema: text without a block", replace_line("- p: Acute hospital", "- Acute hospital services."),
         "sections[3].blocks[12]", ("expected a block such as `- p: your text`", 'put "p: " before it')),
    # unknown keys: never dropped, with a suggestion at every level
    Case("unknown key: top level", replace_line("title:", "titel: Review of health services"), "titel",
         ('unknown key "titel"', 'Did you mean "title"?', "(it is required)")),
    Case("unknown key: metadata", replace_line("publication_date:", "publicaton_date: 2015-11-26"),
         "metadata.publicaton_date", ('unknown key "publicaton_date"', 'Did you mean "publication_date"?')),
    Case("unknown key: nested dates", replace_line("start: 2015", "strat: 2015-05-18"),
         "metadata.review_dates.strat", ('Did you mean "start"?',)),
    Case("unknown key: inside a finding", replace_line("note: This will be brought", "nte: This will be brought to the attention."),
         "sections[6].sections[0].blocks[20].finding.nte", ('unknown key "nte"', 'Did you mean "note"?')),
    Case("unknown key: inside a quote", replace_line("lead_in: In terms of health reviews", "leadin: In terms of health reviews, we heard that"),
         "sections[5].blocks[0].quotes.quotes[1].leadin", ('Did you mean "lead_in"?',)),
    Case("unknown key: inside a recommendation group", replace_line("organisations:", "organisation:"),
         "recommendations[0].organisation", ('Did you mean "organisations"?', "(it is required)")),
    Case("unknown key: young people's key point", replace_line("findings:", "findngs:"),
         None, ('Did you mean "findings"?',)),
    Case("unknown key: second block kind in a block", insert_after("- p: Acute hospital", "    heading: Acute services"),
         "sections[3].blocks[12].heading", ("in this p block", 'put "- " before "heading:"')),
    Case("unknown key: no close match", insert_after("area: Bedford Borough", "colour: blue"), "colour",
         ('unknown key "colour"', "The keys allowed here are: area, back_matter")),
    # empty required text
    Case("empty: title in quotes", replace_line("title:", "title: ''"), "title", ("is empty; it needs text",)),
    Case("empty: title with nothing after the colon", replace_line("title:", "title:"), "title", ("is empty",)),
    Case("empty: paragraph of spaces", replace_line("- p: Acute hospital", "- p: '   '"), "sections[3].blocks[12].p",
         ("is empty; it needs text",)),
    Case("empty: required list",
         replace_block("  organisations:\n  - NHS Bedfordshire CCG\n  - SEPT Community Health Services\n", "  organisations: []\n"),
         "recommendations[0].organisations", ("needs at least one item",)),
    # dates
    Case("date: impossible", replace_line("publication_date:", "publication_date: 2015-13-45"), "metadata.publication_date",
         ("expected a date written year-month-day", 'found "2015-13-45"', "month")),
    Case("date: written out", replace_line("publication_date:", "publication_date: 26 November 2015"),
         "metadata.publication_date", ("expected a date", 'found "26 November 2015"')),
    Case("date: published before the review ended", replace_line("publication_date:", "publication_date: 2015-05-20"),
         "metadata.publication_date", ("published on 2015-05-20, before the review ended on 2015-05-22",)),
    Case("date: review ends before it starts", replace_line("end: 2015", "end: 2015-05-01"), "metadata.review_dates.end",
         ("the review ends (2015-05-01) before it starts (2015-05-18)",)),
    # numbers and cross-references (checked across the whole review)
    Case("duplicate paragraph number", second_finding_numbered_like_first, "sections[6].sections[0].blocks[1].finding.number",
         ("paragraph number 1.1 is used twice", f"first on line {FIRST_FINDING_LINE}")),
    Case("duplicate recommendation number", second_recommendation_numbered_like_first, "recommendations[0].items[1].number",
         ("recommendation number 1.1 is used twice", "first on line")),
    Case("cross-reference to a missing recommendation", cite_missing_recommendation,
         "sections[6].sections[0].blocks[0].finding.text", ("paragraph 1.1 cites recommendation 9.9, which does not exist",)),
    Case("key point cites a missing paragraph", replace_line("- '4.9'", "- '4.99'"), None,
         ("paragraph 4.99 does not exist in this review",)),
    # whole files
    Case("file: not UTF-8", not_utf8, None, ("is not saved as UTF-8", "0x96", "save the file with UTF-8 encoding", "^")),
    Case("file: empty", lambda text: ("", None), None, ("is empty",)),
    Case("file: only comments", lambda text: ("# a review\n\n# to be written\n", None), None, ("is empty",)),
    Case("file: a list, not a review", lambda text: ("- slug: bedford\n", 1), None, ("expected a review's keys", "found a list")),
    Case("file: nested far too deeply", lambda text: ("a: " + "[" * 3000 + "]" * 3000 + "\n", None), None,
         ("nested too deeply",)),
    Case("file: YAML alias", replace_line("subtitle:", "subtitle: *title"), None, ("YAML syntax error", "alias")),
]


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _errors_for(tmp_path: Path, content: str | bytes, extra: dict[str, str] | None = None):
    folder = tmp_path / "reviews"
    folder.mkdir()
    _write(folder, "bedford.yaml", content)
    for name, text in (extra or {}).items():
        _write(folder, name, text)
    with pytest.raises(ContentErrors) as caught:
        load_content(folder, CPD_TEMPLATE)
    return caught.value.errors


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_mistake_names_the_file_line_and_field(tmp_path, case):
    content, line = case.mutate(BEDFORD)
    errors = _errors_for(tmp_path, content)
    shown = "\n".join(str(e) for e in errors)
    matching = [e for e in errors if all(w in str(e) for w in case.words)]
    assert matching, f"no error says {case.words}; got:\n{shown}"
    error = matching[0]
    text = str(error)
    assert text.startswith(str(error.path.name)) or f"/{case.file}" in text or text.startswith(case.file)
    assert case.file in text.split(":")[0]
    if line is not None:
        assert error.line == line, f"expected line {line}:\n{shown}"
        assert f", line {line}:" in text
    if case.field is not None:
        assert error.field == case.field, shown
        assert f": {case.field}: " in text
    assert "Traceback" not in shown and "pydantic" not in shown.lower() and "errors.pydantic.dev" not in shown


def test_a_misspelt_required_key_is_one_error_not_two(tmp_path):
    content, line = replace_line("title:", "titel: Review of health services")(BEDFORD)
    errors = _errors_for(tmp_path, content)
    assert [str(e).split(": ", 1)[1] for e in errors] == ['titel: unknown key "titel". Did you mean "title"? (it is required)']


def test_duplicate_slugs_name_both_files(tmp_path):
    errors = _errors_for(tmp_path, BEDFORD, {"bedford-copy.yaml": BEDFORD})
    (error,) = errors
    assert error.path.name == "bedford.yaml" or error.path.name == "bedford-copy.yaml"
    assert error.field == "slug" and error.line == line_of(BEDFORD, "slug:")
    assert "already the slug of" in error.message and "each review needs its own slug" in error.message


def test_all_of_a_runs_errors_are_reported_together(tmp_path, capsys):
    """Mistakes in two files, of three kinds (YAML, schema, cross-reference), all in one report, exit status 1."""
    folder = tmp_path / "reviews"
    folder.mkdir()
    _write(folder, "bedford.yaml", replace_line("area:", "area: Bedford: Borough")(BEDFORD)[0])
    broken, _ = replace_line("title:", "titel: Review")(BEDFORD)
    broken, _ = replace_line("slug:", "slug: second")(broken)
    _write(folder, "second.yaml", broken)
    third, _ = cite_missing_recommendation(BEDFORD)
    third, _ = replace_line("slug:", "slug: third")(third)
    _write(folder, "third.yaml", third)
    status = check(folder, CPD_TEMPLATE)
    err = capsys.readouterr().err
    assert status == 1
    assert "Found 3 problems" in err
    assert f"bedford.yaml, line {AREA_LINE}" in err and "second.yaml, line 4: titel" in err and "third.yaml" in err and "9.9" in err
    assert "Traceback" not in err


def _project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project", reviews=["bedford"])
    return project


TEMPLATE_CASES = [
    ("syntax error in a partial", "partials/blocks.html", 3, "{% if %}", "Expected an expression"),
    ("unknown name in a content template", "outputs/report.html", 5, "{{ nosuch.thing }}", "'nosuch' is undefined"),
    ("syntax error in mkdocs' layout", "main.html", 12, "{% endfor %}", "Encountered unknown tag 'endfor'"),
    # A line found by its text, not its number: the template's opening comment grows and shrinks.
    ("missing include", "outputs/young-people.html", '<article class="young-people">', '{% include "partials/nosuch.html" %}',
     "'partials/nosuch.html' does not exist"),
]


@pytest.mark.parametrize("name,template,line,insert,words", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
def test_a_template_mistake_names_the_template_and_line(tmp_path, capsys, name, template, line, insert, words):
    project = _project(tmp_path)
    path = project / "templates" / template
    lines = path.read_text(encoding="utf-8").split("\n")
    if isinstance(line, str):
        line = next(number for number, text in enumerate(lines, 1) if line in text)
    lines[line - 1] += insert
    path.write_text("\n".join(lines), encoding="utf-8")
    site = tmp_path / "site"
    status = build_site(project / "mkdocs.yml", site_dir=site, pdfs=False, quiet=True)
    err = capsys.readouterr().err
    assert status == 1
    assert f"templates/{template}, line {line}" in err and words in err, err
    assert "Traceback" not in err
    assert not site.exists()


def test_mkdocs_build_and_build_py_check_show_the_same_message(tmp_path, capsys):
    project = _project(tmp_path)
    review = project / "content" / "reviews" / "bedford.yaml"
    review.write_text(replace_line("title:", "titel: Review of health services")(BEDFORD)[0], encoding="utf-8")
    expected = 'content/reviews/bedford.yaml, line 4: titel: unknown key "titel". Did you mean "title"? (it is required)'
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert expected in result.stderr and "Traceback" not in result.stderr
    import os

    here = os.getcwd()
    os.chdir(project)
    try:
        status = check(Path("content/reviews"), Path("content/cpd-template.yaml"))
        build_status = build_site(Path("mkdocs.yml"), site_dir=Path("site"), pdfs=False, quiet=True)
    finally:
        os.chdir(here)
    err = capsys.readouterr().err
    assert status == 1 and build_status == 1
    assert err.count(expected) == 2 and "Traceback" not in err


def test_build_py_exits_non_zero_without_a_traceback(tmp_path):
    """The real command line, on the real content: a clean check exits 0; an unknown command exits non-zero, briefly."""
    ok = subprocess.run([sys.executable, "build.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "build.py", "nonsense"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_a_mistake_in_the_cpd_template_names_file_line_and_field(tmp_path):
    template = CPD_TEMPLATE.read_text(encoding="utf-8")
    match = re.search(r"(?m)^  label: .*$", template)
    line = template.count("\n", 0, match.start()) + 1
    broken = tmp_path / "cpd-template.yaml"
    broken.write_text(template[: match.start()] + "  lable:" + template[match.start() + len("  label:"):], encoding="utf-8")
    folder = tmp_path / "reviews"
    folder.mkdir()
    _write(folder, "bedford.yaml", BEDFORD)
    with pytest.raises(ContentErrors) as caught:
        load_content(folder, broken)
    (error,) = caught.value.errors
    assert error.path == broken and error.line == line and error.field == "[0].lable"
    assert 'Did you mean "label"?' in error.message

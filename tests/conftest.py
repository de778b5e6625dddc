"""Shared fixtures: the real site, built once per test session from content/."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from reviewpress.cli import build_site
from reviewpress.loading import read_reviews

from .browser import browser_session, chromium_browser, site_server  # noqa: F401,E402

# One browser and one local server for the whole session, shared by every browser test
# (Playwright's sync API cannot run two sessions at once).
from .projects import copy_project

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
    return copy_project(tmp_path)


# --- markers: `make test-fast` is `pytest -m "not slow and not browser"` -------------------------------
#
# Given here, from what a test uses, so that no test has to remember them: a test is `browser` if it
# needs Chromium (through any fixture), and `slow` if it needs the built site, or if it, its fixtures or
# the tests' own helpers they call name one of SLOW_CALLS. Calls are followed through the functions of
# tests/ only: what the package does inside is its own business.

BROWSER_FIXTURES = {"chromium_browser"}  # tests/browser.py: everything that opens a page depends on it
SLOW_FIXTURES = {"built_site"}  # the whole site, PDFs included: one to three minutes, once per session
SLOW_CALLS = (
    "reviewpress.cli:build_site",  # a project built: seconds without PDFs, minutes with them
    "reviewpress.cli:main",  # build.py's commands, in the test's process
    "subprocess:run", "subprocess:Popen", "subprocess:check_output",  # another program: build.py,
    # mkdocs, Java (EPUBCheck, the Nu checker), LibreOffice, Ace; starting Python alone takes a second
    "reviewpress.importer:draft_yaml", "reviewpress.importer:run_import",  # a whole report imported: 1 to 7 s
    "reviewpress.incremental:build_review",  # a whole review checked and rendered
    "reviewpress.pdf:render_pdf_bytes",  # WeasyPrint
    "time:sleep",  # waiting for a clock (zip times have two-second steps)
)  # and property tests (hypothesis), which run their body for a hundred examples or more
# What none of that finds but took over a second in a `make test-fast` run (seconds measured, 2-core machine).
MEASURED_SLOW = {
    "tests/test_fuzz_content.py::test_mutated_reviews_are_valid_or_get_clean_errors": 4.5,  # 200 mutated files
    "tests/test_xss.py::test_print_documents_have_no_executable_markup": 1.9,  # every vector in every output
}  # Not listed: the first test of a session to check content takes 1.5 s, a one-off start that only moves if it is.


def _slow_calls() -> tuple[set[object], list[tuple[str, str]]]:
    """SLOW_CALLS as objects (for names imported at the top of a module), and as (module, name) pairs
    (for those imported inside a function, which Python names but does not bind globally)."""
    import importlib

    objects, pairs = set(), []
    for target in SLOW_CALLS:
        module, _, name = target.partition(":")
        # An AttributeError here means an entry point moved: name its new home, or tests that use it
        # would quietly join the fast set.
        objects.add(getattr(importlib.import_module(module), name))
        pairs.append((module, name))
    return objects, pairs


def _reaches(function, targets: tuple[set[object], list[tuple[str, str]]], seen: set[object]) -> bool:
    """Whether `function` names one of `targets`, directly or through the tests' own functions."""
    objects, pairs = targets
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    names: set[str] = set()
    stack = [code]
    while stack:  # nested functions, lambdas and comprehensions have code objects of their own
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(const for const in current.co_consts if inspect.iscode(const))
    # `from reviewpress import incremental` or `from reviewpress.importer import draft_yaml` in the function
    if any(name in names and (module in names or module.rpartition(".")[2] in names) for module, name in pairs):
        return True
    scope = function.__globals__
    found = [scope[name] for name in names if name in scope]
    # `subprocess.run`, `cli.main`: a module's attribute is named by two names
    found += [getattr(value, name) for value in found if inspect.ismodule(value) for name in names if hasattr(value, name)]
    for value in found:
        try:
            if value in objects:
                return True
        except TypeError:  # unhashable, so not one of them
            continue
        if inspect.isfunction(value) and value.__module__.startswith("tests.") and _reaches(value, targets, seen):
            return True
    return False


def _uses_hypothesis(function) -> bool:
    return getattr(function, "is_hypothesis_test", False)


def _measured_slow(item) -> bool:
    """Whether MEASURED_SLOW names the test; a name there that its module no longer has is an error, so a
    renamed test cannot quietly join the fast set."""
    module = getattr(item, "module", None)
    if module is None or not Path(module.__file__).resolve().is_relative_to(ROOT):
        return False
    file = Path(module.__file__).resolve().relative_to(ROOT).as_posix()
    for name in MEASURED_SLOW:
        listed_file, _, function = name.partition("::")
        if listed_file == file and not hasattr(module, function):
            raise pytest.UsageError(f"tests/conftest.py MEASURED_SLOW names {name}, which no longer exists")
    return f"{file}::{getattr(item, 'originalname', item.name)}" in MEASURED_SLOW


@pytest.hookimpl(tryfirst=True)  # before -k and -m choose: every collected test gets its markers
def pytest_collection_modifyitems(config, items):
    targets = _slow_calls()
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        function = getattr(item, "function", None)
        definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        functions = [function] + [definition.func for name in used for definition in definitions.get(name, ())]
        seen: set[object] = set()
        if (used & SLOW_FIXTURES or _uses_hypothesis(function) or _measured_slow(item)
                or any(_reaches(f, targets, seen) for f in functions if f is not None)):
            item.add_marker(pytest.mark.slow)

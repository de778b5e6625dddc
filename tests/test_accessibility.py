"""Every built page, checked in a real browser (Debian chromium, headless) against
WCAG 2.2 AA, and the young people's pages against the AAA criteria that matter
for them (issue 4).

One browser serves the whole session; each page is loaded once (and once more
with JavaScript off) and every check runs on that load; each aspect is then
reported as its own test, so a failure names the page and what is wrong.

What is checked on every page:
  axe            axe-core, WCAG 2.0/2.1/2.2 A and AA rules, plus its best-practice
                 rules for landmarks, headings, skip link and table headers
  structure      lang="en-GB", a title, exactly one h1, no skipped heading levels,
                 main/nav/header/footer landmarks, no positive tabindex
  keyboard       Tab from the top: first stop is a visible skip link that moves focus
                 into <main>; every stop shows a visible focus indicator (3:1) and is
                 on screen, not covered (WCAG 2.4.1, 2.4.7, 2.4.11)
  reflow         320 CSS px wide: no sideways scrolling, nothing cut off (1.4.10)
  text-spacing   WCAG 1.4.12 spacing applied at 320 and 1280 px: no clipped text
  dark-contrast  axe contrast rules again under prefers-color-scheme: dark
  reduced-motion no animation, transition or smooth scrolling under prefers-reduced-motion
  print          print style sheet: no navigation, near-black text on white, web
                 addresses of external links printed
  no-javascript  every line of the page's main text is there with JavaScript off
  outside-requests  the page asks for nothing outside the site
Young people's pages also: axe color-contrast-enhanced (7:1) in both colour
schemes, lines of at most 70 characters, line height 1.5, space between
paragraphs, Atkinson Hyperlegible loaded.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest

from .browser import (  # the browser fixtures come from conftest.py, one per session
    ASPECTS,
    BEST_PRACTICE_RULES,
    Session,
    audit_page,
    axe_rule_ids,
    built_pages,
    expected_pages,
    review_pages,
    serve_directory,
)

REVIEW_PAGES = review_pages()
PAGES = expected_pages()
YOUNG_PEOPLE_PAGES = [p for p in REVIEW_PAGES if p.endswith("young-people/")]


def _is_young_people(path: str) -> bool:
    return path.endswith("young-people/")


@pytest.fixture(scope="session")
def page_audit(browser_session):
    """audit(path): every check on that page, run once per session."""
    cache: dict[str, dict[str, list[str]]] = {}

    def audit(path: str) -> dict[str, list[str]]:
        if path not in cache:
            cache[path] = audit_page(browser_session, path, young_people=_is_young_people(path))
        return cache[path]

    return audit


def _report(path: str, problems: list[str]) -> str:
    return f"/{path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems)


def test_every_built_page_is_checked(built_site):
    assert built_pages(built_site) == sorted(PAGES), "a page was added or removed: update expected_pages() in tests/browser.py"


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_page(page_audit, path, aspect):
    problems = page_audit(path)[aspect]
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", YOUNG_PEOPLE_PAGES)
def test_young_people_page_meets_aaa_where_it_matters(page_audit, path):
    audit = page_audit(path)
    problems = audit["young-people-aaa"]
    assert not problems, _report(path, problems)
    # The 7:1 rule really ran, in both colour schemes (it is part of axe and dark-contrast there).
    assert not axe_rule_ids(audit["axe"] + audit["dark-contrast"]) & {"color-contrast-enhanced"}


# --- the checks can fail -------------------------------------------------------------------------

def _copy_page(built_site: Path, source: str, root: Path) -> str:
    """A copy of one built page and the site's assets, so the copy looks exactly like the original."""
    if not (root / "assets").exists():
        shutil.copytree(built_site / "assets", root / "assets")
    target = root / source
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.html").write_text((built_site / source / "index.html").read_text(encoding="utf-8"), encoding="utf-8")
    return source


def _inject(root: Path, path: str, before: str, html: str, *, replace: str | None = None) -> None:
    file = root / path / "index.html"
    text = file.read_text(encoding="utf-8")
    assert before in text, f"{before!r} not in {file}"
    text = text.replace(before, html + before if replace is None else replace, 1)
    file.write_text(text, encoding="utf-8")


STYLE = '<style>{}</style></head>'
BROKEN = {
    # name: (page, anchor text, inserted HTML, {aspect: [fragments: each problem reported matches one, each matches a problem]})
    "missing alt text": ("pages/about/", "</main>", '<img src="../../assets/favicon.svg" width="40" height="40">',
                         {"axe": ["image-alt"]}),
    "empty link": ("pages/about/", "</main>", '<p><a href="../../"></a></p>',
                   {"axe": ["link-name"], "keyboard": ["has no size on screen"]}),
    "skipped heading level": ("pages/about/", "</main>", "<h4>A heading two levels down</h4><p>Text.</p>",
                              {"axe": ["heading-order"], "structure": ["h4 \"A heading two levels down\" follows h1"]}),
    "wrong language and two h1s": ("pages/about/", "</main>", "<h1>Another title</h1>",
                                   {"structure": ['lang: <html lang> is "en"', "2 h1 elements"]}),
    "no skip link, no focus style": ("pages/about/", "</head>",
                                     "<style>.skip-link { display: none !important; } a:focus-visible { outline: none !important; "
                                     "background: none !important; box-shadow: none !important; color: inherit !important; }</style>",
                                     {"keyboard": ["first focusable element is <a", "no visible change"]}),
    "too wide for a phone": ("pages/about/", "</main>", '<p style="width: 400px">A paragraph with a fixed width.</p>',
                             {"reflow": ["scrolls sideways", "reaches past the 320 px viewport: <p>"]}),
    "text cut off with more spacing": ("pages/about/", "</main>",
                                       '<p style="white-space: nowrap; overflow: hidden; width: 7.5em; margin: 0">Sixteen letters!</p>',
                                       {"text-spacing": ["text is clipped"]}),
    "dark scheme too faint": ("pages/about/", "</head>", "<style>@media (prefers-color-scheme: dark) { main p { color: #555 !important; } }</style>",
                              {"dark-contrast": ["color-contrast"]}),
    "highlight unreadable in the dark scheme": ("pages/about/", "</main>",
                                                '<style>mark { background: #fff2b3; color: inherit; }</style><p>A <mark>marked</mark> word.</p>',
                                                {"dark-contrast": ["axe could not decide"]}),
    "content only with JavaScript": ("pages/about/", "</main>",
                                     '<p id="late"></p><script>document.getElementById("late").textContent = "Written by a script."</script>',
                                     {"no-javascript": ["Written by a script."]}),
    "animation ignores reduced motion": ("pages/about/", "</head>",
                                         "<style>@keyframes pulse { to { opacity: .5 } } h1 { animation: pulse 2s infinite !important; }</style>",
                                         {"reduced-motion": ["animation"]}),
    "grey text in print": ("pages/about/", "</main>", '<style>main a::after { content: none !important; }</style>'
                           '<style>@media print { .grey { color: #595959 !important; } }</style><p class="grey">Grey text.</p><p><a href="https://www.cqc.org.uk/">CQC</a></p>',
                           {"print": ["not black", "address of <a"]}),
    "outside request": ("pages/about/", "</main>", '<img src="https://example.org/pixel.png" alt="">',
                        {"outside-requests": ["example.org"]}),
}


@pytest.fixture(scope="module")
def broken_site(built_site, chromium_browser, tmp_path_factory):  # noqa: F811 (fixture)
    root = tmp_path_factory.mktemp("broken-pages")
    pages = {}
    for name, (source, anchor, html, _) in BROKEN.items():
        slug = "case-" + "-".join(name.split())
        (root / slug).mkdir()
        _copy_page(built_site, source, root / slug)
        path = f"{slug}/{source}"
        if name.startswith("wrong language"):
            _inject(root, path, '<html lang="en-GB">', "", replace='<html lang="en">')
        _inject(root, path, anchor, html)
        pages[name] = path
    _copy_page(built_site, "pages/about/", root / "control")
    young = next(p for p in REVIEW_PAGES if _is_young_people(p))
    _copy_page(built_site, young, root / "control")
    _copy_page(built_site, young, root / "wide")
    _inject(root, f"wide/{young}", "</head>", "<style>.young-people, .young-people p, .young-people li { max-width: none !important; "
                                             "line-height: 1.2 !important; margin-bottom: 0 !important; }</style>")
    with serve_directory(root) as base_url:
        yield Session(chromium_browser, base_url), pages, young


def test_the_unchanged_copies_pass_so_each_broken_page_fails_only_for_its_defect(broken_site):
    session, _, young = broken_site
    for path, young_people in (("control/pages/about/", False), (f"control/{young}", True)):
        audit = audit_page(session, path, young_people=young_people)
        assert not any(audit.values()), audit


@pytest.mark.parametrize("name", BROKEN)
def test_checks_find_a_deliberate_defect(broken_site, name):
    session, pages, _ = broken_site
    expected = BROKEN[name][3]
    audit = audit_page(session, pages[name])
    for aspect in ASPECTS:
        found = audit[aspect]
        wanted = expected.get(aspect, [])
        unexpected = [problem for problem in found if not any(fragment in problem for fragment in wanted)]
        assert not unexpected, f"{name}: {aspect} reported more than the defect: {unexpected}"
        for fragment in wanted:
            assert any(fragment in problem for problem in found), f"{name}: {aspect} did not report {fragment!r}: {found}"


def test_young_people_checks_find_long_lines_and_cramped_text(broken_site):
    session, _, young = broken_site
    problems = audit_page(session, f"wide/{young}", young_people=True)["young-people-aaa"]
    assert any("characters on one line" in p for p in problems), problems
    assert any("line height" in p for p in problems), problems
    assert any("between paragraphs" in p for p in problems), problems


def test_search_results_are_accessible(browser_session):
    """The search page after a search: results come from JavaScript, so they are checked in that state too."""
    from .browser import (
        CONTRAST_RULES,
        axe_violations,
        focus_problems,
        structure_problems,
    )

    problems = []
    for scheme in ("light", "dark"):
        with browser_session.page("search.html", color_scheme=scheme) as page:
            page.fill("#search-query", "health")
            page.press("#search-query", "Enter")
            page.wait_for_selector("#search-results li", timeout=20_000)
            page.wait_for_function("() => !document.getElementById('search-more').hidden || "
                                   "document.querySelectorAll('#search-results li').length > 0")
            if scheme == "light":
                problems += axe_violations(page, rules=BEST_PRACTICE_RULES) + structure_problems(page)
                # Start tabbing from the top of the page again, as after loading it.
                page.evaluate("() => { const html = document.documentElement; html.tabIndex = -1; html.focus(); html.removeAttribute('tabindex'); }")
                problems += focus_problems(page)[0]
            else:
                problems += [f"dark colour scheme: {p}" for p in axe_violations(page, tags=None, rules=CONTRAST_RULES)]
    assert not problems, _report("search.html?q=health", problems)


# --- the accessibility statement and the way to ask for another format ----------------------------

def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&").split())


def test_accessibility_statement_has_what_the_regulations_ask_for(built_site):
    """The parts of the model statement for the Public Sector Bodies Accessibility Regulations 2018."""
    html = (built_site / "pages/accessibility/index.html").read_text(encoding="utf-8")
    text = _text(html)
    for required in (
        "compliant with the Web Content Accessibility Guidelines version 2.2 AA standard",  # compliance status
        "Non-accessible content", "Non-compliance with the accessibility regulations",      # what is not accessible, why
        "Disproportionate burden", "not within the scope",
        "a large print PDF, with text at 18 point or larger", "an EPUB e-book",             # formats made for everyone
        "such as easy read, an audio recording, braille or another language",              # other formats on request
        "Reporting accessibility problems", "within 5 working days",                       # how to report, how soon
        "Enforcement procedure", "Equality and Human Rights Commission", "Equality Advisory and Support Service",
        "Equality Commission for Northern Ireland",
        "Preparation of this accessibility statement", "last tested on", "How we tested this website",
    ):
        assert required in text, f"the accessibility statement does not say {required!r}"
    assert re.search(r"\b(fully|partially|not) compliant\b", text)
    assert 'id="other-formats"' in html
    assert "mailto:" in html


def _links(html: str) -> list[tuple[str, str]]:
    return [(href, _text(inner)) for href, inner in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_links_to_the_statement_and_review_pages_to_other_formats(built_site, path):
    file = built_site / (path + "index.html" if path == "" or path.endswith("/") else path)
    links = _links(file.read_text(encoding="utf-8"))
    wanted = [("Accessibility statement", "pages/accessibility/", None)]
    if path in REVIEW_PAGES:
        wanted.append(("Request this report in another format", "pages/accessibility/", "other-formats"))
    statement = (built_site / "pages/accessibility/index.html").read_text(encoding="utf-8")
    for label, target, anchor in wanted:
        hrefs = [href for href, text in links if text == label]
        assert hrefs, f"/{path} has no link {label!r}"
        resolved = urljoin(f"http://site/{path}", hrefs[0])
        assert resolved.split("#")[0] == f"http://site/{target}", f"/{path}: {label!r} goes to {hrefs[0]}"
        if anchor:
            assert resolved.endswith("#" + anchor) and f'id="{anchor}"' in statement

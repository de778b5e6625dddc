"""A young people's page on a phone is theirs from the first screen (issue 15, point 7).

Measured in the browser on every review's young people's page, at 320 px (a small phone) and
375 x 667: where to get help is near the top (the help box starts within two screens, or a link to it
is on the first), nothing only adults need (a download, another format, the CPD template) comes
before the first key point, and each key point is followed by at most one link to the full report,
big enough to tap (WCAG 2.5.8: 24 x 24 CSS px).
"""

from __future__ import annotations

import pytest

from .conftest import review_slugs

SCREENS = [(320, 568), (375, 667)]
MIN_TARGET = 24  # CSS px, WCAG 2.5.8

# Everything the checks need, measured in page coordinates. A link "goes to the full report" when its
# address is the review's report page (the young people's page is that page's young-people/ folder).
_MEASURE = """() => {
  const main = document.querySelector('main');
  const top = el => el.getBoundingClientRect().top + window.scrollY;
  const report = new URL('../', location.href).pathname;
  const firstScreen = a => { const box = a.getBoundingClientRect(); return box.height > 0 && top(a) + box.height <= window.innerHeight; };
  const helpBoxes = [...main.querySelectorAll('.help-box')];
  const points = [...main.querySelectorAll('.key-points > li')];
  const adultLinks = [...main.querySelectorAll('a[href]')].filter(a =>
    a.hasAttribute('download') || /\\.(pdf|epub|docx)$/.test(a.pathname) || /\\/cpd\\/$/.test(a.pathname)
    || a.hash === '#other-formats');
  return {
    screen: window.innerHeight,
    helpTop: helpBoxes.length ? Math.min(...helpBoxes.map(top)) : null,
    jumpLinks: [...main.querySelectorAll('a[href]')].filter(a => {
      const target = a.pathname === location.pathname && a.hash ? document.getElementById(decodeURIComponent(a.hash.slice(1))) : null;
      return target && helpBoxes.some(box => box.contains(target));
    }).filter(firstScreen).map(a => a.textContent.trim()),
    firstPointTop: points.length ? top(points[0]) : null,
    adultLinksAbove: adultLinks.filter(a => points.length && top(a) < top(points[0]))
      .map(a => a.textContent.trim().replace(/\\s+/g, ' ')),
    points: points.map((li, i) => ({
      point: i + 1,
      links: [...li.querySelectorAll('a[href]')].filter(a => a.pathname === report).map(a => {
        const box = a.getBoundingClientRect();
        return {name: a.textContent.trim().replace(/\\s+/g, ' '), width: box.width, height: box.height};
      }),
    })),
  };
}"""

# The page as it was before issue 15: downloads, other formats and the review's pages (CPD template
# included) under the title, the help box only at the end, and after each point a small line of
# inline links, one per paragraph cited.
_PUT_THE_OLD_PAGE_BACK = """() => {
  const main = document.querySelector('main');
  const intro = main.querySelector('.page-intro');
  const label = main.querySelector('.new-writing-label');
  if (intro && label) label.after(intro);
  main.querySelectorAll('.help-box').forEach((box, i, all) => { if (i < all.length - 1) box.remove(); });
  main.querySelectorAll('.key-points > li').forEach(li => {
    const link = [...li.querySelectorAll('a[href]')].find(a => a.pathname === new URL('../', location.href).pathname);
    if (!link) return;
    const old = document.createElement('span');
    old.className = 'evidence';
    old.style.fontSize = '1rem';
    old.append('Read more in the full report: ');
    ['1.5', '1.23', '4.1'].forEach((n, i) => {
      const a = document.createElement('a');
      a.href = link.href;
      a.textContent = 'paragraph ' + n;
      if (i) old.append(', ');
      old.append(a);
    });
    link.replaceWith(old);
  });
}"""


def first_screen_problems(m: dict) -> list[str]:
    problems = []
    if m["firstPointTop"] is None:
        return ["the page has no key points to measure"]
    if m["helpTop"] is None:
        problems.append("the page has no help box")
    elif m["helpTop"] > 2 * m["screen"] and not m["jumpLinks"]:
        problems.append(f"the help box starts {m['helpTop']:.0f} px down, more than two screens "
                        f"({2 * m['screen']} px), and no link to it is on the first screen")
    if m["adultLinksAbove"]:
        problems.append(f"links for adults come before the first key point: {m['adultLinksAbove']}")
    for point in m["points"]:
        if len(point["links"]) > 1:
            problems.append(f"key point {point['point']} is followed by {len(point['links'])} links to the full report: "
                            f"{[link['name'] for link in point['links']]}")
        for link in point["links"]:
            if link["height"] < MIN_TARGET or link["width"] < MIN_TARGET:
                problems.append(f"key point {point['point']}: the link {link['name']!r} is {link['width']:.0f} x "
                                f"{link['height']:.0f} px, smaller than {MIN_TARGET} x {MIN_TARGET}")
    return problems


@pytest.mark.parametrize("width,height", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
@pytest.mark.parametrize("slug", review_slugs())
def test_a_young_peoples_page_opens_with_what_a_young_reader_needs(browser_session, slug, width, height):
    with browser_session.page(f"reviews/{slug}/young-people/", width=width, height=height) as page:
        measured = page.evaluate(_MEASURE)
        assert sum(len(p["links"]) for p in measured["points"]), "no key point links to the full report: nothing to measure"
        assert first_screen_problems(measured) == []
        page.evaluate(_PUT_THE_OLD_PAGE_BACK)
        old = first_screen_problems(page.evaluate(_MEASURE))
        assert any("help box" in p for p in old), "the check does not find the help box only at the end"
        assert any("links for adults" in p for p in old), "the check does not find the downloads above the key points"
        assert any("followed by 3 links" in p for p in old), "the check does not find a row of links after a point"
        assert any("smaller than" in p for p in old), "the check does not find links too small to tap"

"""Reading built pages the way a browser would follow them: ids, links, text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


@dataclass
class Link:
    href: str
    text: str
    attrs: dict


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._open: list[Link] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.page.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            link = Link(attributes["href"], "", attributes)
            self.page.links.append(link)
            self._open.append(link)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for link in self._open:
            link.text += data


def parse(path: Path) -> ParsedPage:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.page


def page_url(site: Path, path: Path) -> str:
    """The URL path of a built file, as served: reviews/bedford/index.html -> /reviews/bedford/."""
    rel = path.relative_to(site).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def resolve(site: Path, from_file: Path, href: str) -> tuple[Path | None, str]:
    """The file and fragment an internal link leads to; (None, '') for links that leave the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, ""
    target_url = urljoin(page_url(site, from_file), parts.path) if parts.path else page_url(site, from_file)
    target = site / unquote(target_url.lstrip("/"))
    if target_url.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment

"""What a built page may contain, checked the way a browser tokenises HTML:
no script except the site's own files, no event handlers, no javascript:/data:
URLs, no frames, objects, forms or styles beyond the layout's own, and no
reference to any other site (issue 6, points 2 and 5)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "background", "poster", "srcset", "xlink:href", "codebase",
    "cite", "longdesc", "dynsrc", "lowsrc", "ping", "manifest", "icon", "profile", "usemap", "archive",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:", "jar:")
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math", "style", "bgsound",
         "xml", "xss", "portal", "video", "audio", "source", "track", "canvas", "marquee", "layer", "ilayer", "isindex"}
FORM_TAGS = {"form", "input", "button", "textarea", "select", "option", "fieldset", "output", "datalist"}
ALLOWED_META = {"charset", "viewport", "description", "referrer"}
LAYOUT_CSP = "Content-Security-Policy"


@dataclass
class Scan:
    problems: list[str] = field(default_factory=list)
    urls: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value): every URL the page names
    forms: Counter = field(default_factory=Counter)
    csp: list[str] = field(default_factory=list)
    referrer: list[str] = field(default_factory=list)
    title: str = ""


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self._in.append("json-ld")  # a data block the browser never runs; its text must be JSON
        elif tag in ("script", "title", "style"):
            self._in.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if self._in and (self._in[-1] == tag or (tag == "script" and self._in[-1] == "json-ld")):
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "script" and data.strip():
            self.scan.problems.append(f"inline script: {data.strip()[:60]!r}")
        if self._in and self._in[-1] == "json-ld":
            try:
                json.loads(data)
            except ValueError:
                self.scan.problems.append(f"a JSON-LD block that is not JSON: {data.strip()[:60]!r}")
        if self._in and self._in[-1] == "title":
            self.scan.title += data

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        problems = self.scan.problems
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...>: event handler")
            if name == "style":
                problems.append(f"<{tag} style=...>: inline style")
            if name in URL_ATTRIBUTES and value is not None:
                squeezed = re.sub(r"[\x00-\x20]+", "", value).lower()
                if squeezed.startswith(BAD_SCHEMES):
                    problems.append(f"<{tag} {name}={value[:60]!r}>: script or data URL")
                self.scan.urls.append((tag, name, value))
        if tag in NEVER:
            problems.append(f"<{tag}>: not allowed in a page")
        if tag == "img" and not attributes.get("alt") and "alt" not in attributes:
            problems.append("<img> without alt")
        # rel=alternate: the Atom feed, the site's own file (its URL is checked like every other)
        if tag == "link" and not set(attributes.get("rel", "").split()) <= {"stylesheet", "icon", "preload", "manifest", "alternate"}:
            problems.append(f"<link rel={attributes.get('rel')!r}>: unexpected link")
        if tag == "meta":
            equiv = attributes.get("http-equiv")
            if equiv is not None:
                if equiv != LAYOUT_CSP:
                    problems.append(f"<meta http-equiv={equiv!r}>: not allowed")
                else:
                    self.scan.csp.append(attributes.get("content", ""))
            elif "charset" not in attributes and attributes.get("name") not in ALLOWED_META:
                problems.append(f"<meta {attributes}>: unexpected")
            if attributes.get("name") == "referrer":
                self.scan.referrer.append(attributes.get("content", ""))
        if tag in FORM_TAGS:
            self.scan.forms[tag] += 1


def scan_html(html: str) -> Scan:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.scan


def scan_file(path: Path) -> Scan:
    return scan_html(path.read_text(encoding="utf-8"))


def is_own_url(url: str) -> bool:
    """A URL that stays on this site (relative, or a fragment) or that no browser fetches by itself (mailto:, tel:)."""
    parts = urlsplit(url.strip())
    return not parts.netloc and parts.scheme in ("", "mailto", "tel")


def leaves_the_site(tag: str, attribute: str, url: str) -> bool:
    """True when loading the page would make the browser contact another site (an image, script, style, frame...).
    Ordinary links (<a href>) to other sites are allowed: they are only followed when the reader chooses to."""
    if tag == "a" and attribute == "href":
        return False
    return not is_own_url(url)


CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I)


def css_urls(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(css)]

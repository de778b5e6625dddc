"""Issue 19: an EPUB 3 file of an output (full report, recommendations, key points for young people).

Pure: the review, the templates and the fonts in, the EPUB's bytes out; nothing is read from the
site folder and nothing depends on the time or the machine of the build.

The content is the output's print rendering (rendering.render_content(..., "print", ...)), the
same HTML the PDF is made from, parsed with lxml and written again as XHTML (well-formed XML):

- the part before the first h2 (title, subtitle, metadata, the young people's "new writing" label)
  becomes the title page, title.xhtml;
- the output's own contents list (nav.contents) is left out: the navigation document nav.xhtml
  replaces it, at the same place in the reading order, with the heading id "contents-title";
- every top-level section (each element holding an h2) becomes chapter-N.xhtml, N from 1;
- every id is kept, and every in-document link "#id" points to the file that now holds the id;
- footnote markers get epub:type="noteref" / role="doc-noteref", the footnotes section
  "endnotes" / doc-endnotes, the links back doc-backlink (the GOV.UK pattern otherwise unchanged);
- with a page_map (pdf_page_map of the standard PDF), a page-break marker is put before the first
  element that starts on each PDF page, and the navigation document gets a page list.

The style sheet (templates/epub/epub.css) names the font files it uses; exactly those are read
from fonts_dir and embedded. The zip is deterministic: "mimetype" first and stored, then the other
entries sorted by name, all dated from the review's publication (docx_export.document_date).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from .outputs import OUTPUT_BY_KEY, Output

if TYPE_CHECKING:
    from .model import CpdQuestion, Review

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"
EPUB_OUTPUTS = ("report", "recommendations", "young-people")
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"  # as EPUB Accessibility 1.1 §4.1 writes it (and Ace checks)
PUBLISHER = "Care Quality Commission"
DOCS = "EPUB"  # the folder of the package inside the zip
CSS_PATH = "css/epub.css"
# uuid5 namespace of the EPUBs' identifiers: urn:uuid:uuid5(this, "<slug>/<output key>").
IDENTIFIER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:reviewpress:epub")
# HTML elements that have no end tag: every other element is written with one (<div></div>, not <div/>).
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose children may only be certain elements (no <span> between them): a page-break
# marker for an element inside one of these goes into the element, as its first child.
RESTRICTED_PARENTS = {"ol", "ul", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup", "select", "hgroup"}
# Inline elements a marker goes before, rather than into, when the element with the id is their first content.
INLINE_WRAPPERS = {"sup", "sub", "strong", "em", "b", "i", "span", "small"}


def _q(tag: str) -> str:
    return f"{{{XHTML}}}{tag}"


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


# --- the PDF's pages ----------------------------------------------------------------------------


def pdf_page_map(pdf_bytes: bytes) -> dict[str, int]:
    """Each named destination of a PDF (WeasyPrint writes one for every element id) -> its 1-based page.

    Reads the name tree /Root/Names/Dests (PDF 1.2 and later) and the older /Root/Dests dictionary."""
    import pikepdf

    pages: dict[str, int] = {}
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages, start=1)}

        def page_of(dest) -> int | None:
            if isinstance(dest, pikepdf.Dictionary):
                dest = dest.get("/D")
            if not isinstance(dest, pikepdf.Array) or len(dest) == 0:
                return None
            target = dest[0]
            if isinstance(target, pikepdf.Dictionary):
                return numbers.get(target.objgen)
            if isinstance(target, int):  # a page index, as remote destinations write it
                return int(target) + 1
            return None

        names = pdf.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, dest in pikepdf.NameTree(names.Dests).items():
                number = page_of(dest)
                if number is not None:
                    pages[str(name)] = number
        old = pdf.Root.get("/Dests")
        if isinstance(old, pikepdf.Dictionary):
            for key in old.keys():
                number = page_of(old[key])
                if number is not None:
                    pages.setdefault(key[1:], number)
    return pages


# --- the content, as XHTML --------------------------------------------------------------------


def _to_xhtml(html_element, parent=None):
    """An lxml.html element (no namespace) and its descendants as XHTML elements: data-* attributes
    dropped (they mark text for the site's tests), comments dropped (their tails kept)."""
    from lxml import etree

    if parent is None:
        made = etree.Element(_q(html_element.tag), nsmap={None: XHTML, "epub": OPS})
    else:
        made = etree.SubElement(parent, _q(html_element.tag))
    for name, value in html_element.attrib.items():
        if not name.startswith("data-"):
            made.set(name, value or "")
    made.text = html_element.text
    last = None
    for child in html_element:
        if isinstance(child.tag, str):
            last = _to_xhtml(child, made)
            last.tail = child.tail
        elif child.tail:  # a comment or processing instruction: keep the text after it
            if last is None:
                made.text = (made.text or "") + child.tail
            else:
                last.tail = (last.tail or "") + child.tail
    return made


def _parse_content(html: str):
    """The output's content (one <article>, or several top-level elements) as one XHTML element."""
    import lxml.html

    fragments = lxml.html.fragments_fromstring(html.strip())
    elements = [f for f in fragments if not isinstance(f, str) and isinstance(f.tag, str)]
    if len(elements) == 1 and elements[0].tag == "article":
        return _to_xhtml(elements[0])
    wrapper = lxml.html.Element("article")
    wrapper.extend(elements)
    return _to_xhtml(wrapper)


def _marker(page: int, ident: str):
    from lxml import etree

    span = etree.Element(_q("span"))
    span.set(EPUB_TYPE, "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", ident)
    span.set("aria-label", str(page))
    span.text = ""
    return span


def _is_marker(element) -> bool:
    return _local(element) == "span" and element.get(EPUB_TYPE) == "pagebreak"


def _insert_page_markers(root, page_map: dict[str, int]) -> None:
    """Put a page-break marker before the first element (in reading order) that starts on each PDF
    page, as far as the page's elements have ids (into it, as its first child, where a <span> may not
    stand before it: a list item, a term). Pages only ever go up: an element that the PDF shows on an
    earlier page than one before it in the text (a float, say) adds no marker. A marker that ends up
    just before a chapter's section moves into that chapter (_split)."""
    ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    firsts = []
    current = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        page = page_map.get(element.get("id") or "")
        if page is not None and page > current:
            firsts.append((element, page))
            current = page
    for element, page in firsts:
        ident = f"page-{page}"
        while ident in ids:  # an id of the content that happens to read "page-12"
            ident = f"{ident}-break"
        ids.add(ident)
        marker = _marker(page, ident)
        name, parent = _local(element), element.getparent()
        while parent is not None and _local(parent) in INLINE_WRAPPERS and parent[0] is element and not (parent.text or "").strip():
            element, name, parent = parent, _local(parent), parent.getparent()  # before <sup><a id="fnref-a">, not in it
        if name == "caption" and parent is not None:
            element, name, parent = parent, _local(parent), parent.getparent()
        parent_name = _local(parent) if parent is not None else ""
        in_restricted = parent_name in RESTRICTED_PARENTS or (
            parent_name == "div" and parent.getparent() is not None and _local(parent.getparent()) == "dl")
        if parent is None or in_restricted:
            marker.tail = element.text
            element.text = None
            element.insert(0, marker)
        else:
            element.addprevious(marker)


def _add_semantics(root) -> None:
    """EPUB and DPUB-ARIA semantics for the footnotes (GOV.UK pattern) and references."""
    for element in root.iter(_q("sup")):
        if "footnote-marker" in _classes(element):
            for link in element.iter(_q("a")):
                link.set(EPUB_TYPE, "noteref")
                link.set("role", "doc-noteref")
    for element in root.iter(_q("section")):
        classes = _classes(element)
        if "footnotes" in classes:
            element.set(EPUB_TYPE, "endnotes")
            element.set("role", "doc-endnotes")
        elif "references" in classes:
            element.set(EPUB_TYPE, "bibliography")
            element.set("role", "doc-bibliography")
    for element in root.iter(_q("p")):
        if "footnote-back" in _classes(element):
            for link in element.iter(_q("a")):
                link.set("role", "doc-backlink")


def _drop_empty(root) -> None:
    """The print rendering's empty wrappers (the page intro holds only web links)."""
    for element in list(root.iter(_q("div"))):
        if "page-intro" in _classes(element) and len(element) == 0 and not (element.text or "").strip():
            _remove(element)


def _remove(element) -> None:
    """Remove an element, keeping the text after it."""
    parent = element.getparent()
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


# --- splitting into documents ----------------------------------------------------------------


@dataclass
class _Document:
    name: str  # file name inside the package folder
    kind: str  # "title" or "chapter"
    elements: list = field(default_factory=list)
    title: str = ""
    heading_id: str | None = None
    leads_with_heading: bool = True  # the h2 is the first thing in it


def _holds_h2(element) -> bool:
    return _local(element) == "h2" or next(element.iter(_q("h2")), None) is not None


def _is_contents(element) -> bool:
    return _local(element) == "nav" and "contents" in _classes(element)


def _split(root) -> tuple[_Document, list[dict], list[_Document]]:
    """The title page's elements, the page markers of the contents list left out (for the navigation
    document), and one document per h2."""
    title = _Document("title.xhtml", "title")
    chapters: list[_Document] = []
    toc_pages: list[dict] = []
    current = title
    for child in list(root):
        if _is_contents(child):
            toc_pages += [{"id": m.get("id"), "page": m.get("aria-label")} for m in child.iter(_q("span")) if _is_marker(m)]
            continue
        if _holds_h2(child):
            chapter = _Document(f"chapter-{len(chapters) + 1}.xhtml", "chapter")
            while current.elements and _is_marker(current.elements[-1]):  # a page that starts here
                chapter.elements.insert(0, current.elements.pop())
            chapters.append(chapter)
            current = chapter
        current.elements.append(child)
    for chapter in chapters:
        heading = next((h for e in chapter.elements for h in e.iter(_q("h2"))), None)
        chapter.title = _text(heading) if heading is not None else ""
        chapter.heading_id = heading.get("id") if heading is not None else None
        root = next((e for e in chapter.elements if not _is_marker(e)), None)
        first = next((e for e in root if not _is_marker(e)), None) if root is not None and _local(root) != "h2" else root
        if heading is not None and first is not heading:  # text before the h2 (the report's back matter)
            chapter.leads_with_heading = False
            chapter.title = root.get("aria-label") or chapter.title
    return title, toc_pages, chapters


def _toc_children(document: _Document) -> list[dict]:
    """The h3 headings of a chapter that can be linked to: by their own id, or their container's
    (a recommendation group, a box) when they are its first element."""
    children = []
    for element in document.elements:
        for heading in element.iter(_q("h2"), _q("h3")):
            if _local(heading) == "h2" and document.leads_with_heading:
                continue  # the chapter's own entry
            ident = heading.get("id")
            parent = heading.getparent()
            if not ident and parent is not None and parent.get("id") and len(parent) and parent[0] is heading:
                ident = parent.get("id")
            label = _text(heading)
            if ident and label:
                children.append({"href": f"{document.name}#{ident}", "label": label})
    return children


# --- writing ----------------------------------------------------------------------------------


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def _serialise(tree_root) -> bytes:
    from lxml import etree

    for element in tree_root.iter():
        if isinstance(element.tag, str) and element.text is None and len(element) == 0 and _local(element) not in VOID:
            element.text = ""  # <div></div>, never <div/>
    return etree.tostring(tree_root.getroottree(), xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _page_skeleton(env: jinja2.Environment, title: str, body_class: str, body_type: str | None = None):
    from lxml import etree

    text = env.get_template("epub/page.xhtml").render(title=title, body_class=body_class, body_type=body_type)
    root = etree.fromstring(text.encode("utf-8"), _parser())
    return root, root.find(_q("body"))


def _rewrite_links(body, own_name: str, where: dict[str, str]) -> None:
    """"#id" -> "chapter-N.xhtml#id" where the id now lives in another document. A link to an id that
    is in no document (none in the seed reviews) loses its href and stays as text."""
    for link in list(body.iter(_q("a"))):
        href = link.get("href") or ""
        if not href.startswith("#"):
            continue
        ident = href[1:]
        if ident == "main-content":  # PageLinks' "top of this page"
            link.set("href", "title.xhtml")
            continue
        target = where.get(ident)
        if target is None:
            for name in list(link.attrib):
                if name not in ("id", "class"):
                    del link.attrib[name]
            link.tag = _q("span")
        elif target != own_name:
            link.set("href", f"{target}#{ident}")


def _font_files(css: str) -> list[str]:
    return sorted(set(re.findall(r"""url\(\s*["']?\.\./fonts/([^"')\s]+)["']?\s*\)""", css)))


def _document_date(review: Review) -> dt.datetime:
    # the rule of the Word files: SOURCE_DATE_EPOCH, else the publication
    from .docx_export import document_date

    return document_date(review)


def _zip(files: dict[str, bytes], when: dt.datetime) -> bytes:
    """mimetype first and stored (as OCF asks), then every other entry sorted, all with one date."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in ["mimetype", *sorted(n for n in files if n != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # the same on every system
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, files[name])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name], compresslevel=9)
    return out.getvalue()


def _summary(output: Output, paged: bool, has_notes: bool) -> str:
    parts = [
        f"This e-book has the same text as the {output.name} of the Care Quality Commission review, published "
        "as a PDF. It is text only: it has no images, sound or video, and nothing moves or flashes.",
        "It has a table of contents, a heading for each section and a logical reading order.",
    ]
    if output.key == "report":
        parts.append("Numbered paragraphs keep the report's numbers, so they can be found and cited.")
    if has_notes:
        parts.append("Each footnote links to where it is referenced, and back.")
    if paged:
        parts.append("Page markers and a page list follow the pages of the PDF, so a page named in a meeting can be found.")
    parts.append("Text size, font, spacing and colours can be changed in the reading system. "
                 "It meets the EPUB Accessibility 1.1 requirements at WCAG 2.2 Level AA.")
    return " ".join(parts)


def make_epub(review: Review, output_key: str, env: jinja2.Environment, cpd_defaults: list[CpdQuestion],
              page_map: dict[str, int] | None = None, *, fonts_dir: Path) -> bytes:
    """The EPUB 3 file of one output ("report", "recommendations" or "young-people") of a review.

    page_map: pdf_page_map() of the output's standard PDF, for page-break markers and a page list
    (given for the full report); fonts_dir: the folder of the font files the style sheet names
    (templates/assets/fonts)."""
    from lxml import etree

    from .inline import plain
    from .outputs import pdf_name
    from .rendering import pdf_title, render_content

    if output_key not in EPUB_OUTPUTS:
        raise ValueError(f"no EPUB is made for the output {output_key!r}; only for {', '.join(EPUB_OUTPUTS)}")
    output = OUTPUT_BY_KEY[output_key]
    book_title = pdf_title(review, output_key)

    root = _parse_content(str(render_content(env, review, output_key, "print", cpd_defaults)))
    _drop_empty(root)
    _add_semantics(root)
    if page_map:
        _insert_page_markers(root, page_map)
    body_class = " ".join(sorted(_classes(root) | {"epub"}))
    title_doc, toc_pages, chapters = _split(root)
    has_notes = any(e.get(EPUB_TYPE) == "noteref" for e in root.iter() if isinstance(e.tag, str))

    # The documents, and where each id now lives.
    title_root, title_body = _page_skeleton(env, book_title, body_class, "frontmatter")
    titlepage = etree.SubElement(title_body, _q("section"))
    titlepage.set(EPUB_TYPE, "titlepage")
    titlepage.set("class", "titlepage")
    h1 = next((h for e in title_doc.elements for h in e.iter(_q("h1"))), None)
    if h1 is not None and h1.get("id"):
        titlepage.set("aria-labelledby", h1.get("id"))
    else:
        titlepage.set("aria-label", "Title page")
    titlepage.text = "\n"
    for element in title_doc.elements:
        titlepage.append(element)
    publisher = etree.SubElement(titlepage, _q("p"))
    publisher.set("class", "publisher")
    publisher.text = PUBLISHER
    publisher.tail = "\n"
    documents = [(title_doc, title_root, title_body)]
    for chapter in chapters:
        chapter_root, chapter_body = _page_skeleton(env, f"{chapter.title} – {book_title}" if chapter.title else book_title,
                                                    body_class, "bodymatter")
        chapter_body.text = "\n"
        leading = 0
        while leading < len(chapter.elements) and _is_marker(chapter.elements[leading]):
            leading += 1
        for element in chapter.elements[:leading]:  # a page that starts with this section
            chapter_body.append(element)
        rest = chapter.elements[leading:]
        if rest and (len(rest) > 1 or _local(rest[0]) != "section"):  # a loose h2 and what follows: one section
            wrapper = etree.SubElement(chapter_body, _q("section"))
            if chapter.heading_id:
                wrapper.set("aria-labelledby", chapter.heading_id)
            wrapper.text = "\n"
            wrapper.extend(rest)
        else:
            chapter_body.extend(rest)
        documents.append((chapter, chapter_root, chapter_body))

    where: dict[str, str] = {}
    for document, _, body in documents:
        for element in body.iter():
            if isinstance(element.tag, str) and element.get("id"):
                where.setdefault(element.get("id"), document.name)
    for ident in ("toc", "contents-title", *(m["id"] for m in toc_pages)):
        where.setdefault(ident, "nav.xhtml")
    for document, _, body in documents:
        _rewrite_links(body, document.name, where)

    # Page list: the markers in reading order (the spine's: title page, navigation document, chapters).
    page_list = []
    for n, (document, _, body) in enumerate(documents):
        if n == 1:
            page_list += [{"href": f"nav.xhtml#{m['id']}", "label": m["page"]} for m in toc_pages]
        for marker in body.iter(_q("span")):
            if _is_marker(marker):
                page_list.append({"href": f"{document.name}#{marker.get('id')}", "label": marker.get("aria-label")})
    if len(documents) == 1:
        page_list += [{"href": f"nav.xhtml#{m['id']}", "label": m["page"]} for m in toc_pages]

    toc = [{"href": f"{c.name}#{c.heading_id}" if c.heading_id and c.leads_with_heading else c.name, "label": c.title or f"Section {n}",
            "children": _toc_children(c)} for n, c in enumerate(chapters, start=1)]
    landmarks = [
        {"type": "titlepage", "href": "title.xhtml", "label": "Title page"},
        {"type": "toc", "href": "nav.xhtml#toc", "label": "Contents"},
        {"type": "bodymatter", "href": chapters[0].name if chapters else "title.xhtml", "label": "Start of content"},
    ]
    nav_text = env.get_template("epub/nav.xhtml").render(
        title=book_title, body_class=body_class, toc=toc, toc_pages=toc_pages, landmarks=landmarks, page_list=page_list)
    nav_root = etree.fromstring(nav_text.encode("utf-8"), _parser())

    if env.loader is None:
        raise ValueError("make_epub needs a template environment with a loader, to read epub/epub.css")
    css = env.loader.get_source(env, "epub/epub.css")[0]
    fonts = _font_files(css)
    files: dict[str, bytes] = {
        "mimetype": b"application/epub+zip",
        "META-INF/container.xml": env.get_template("epub/container.xml").render().encode("utf-8"),
        f"{DOCS}/{CSS_PATH}": css.encode("utf-8"),
        f"{DOCS}/nav.xhtml": _serialise(nav_root),
    }
    for document, document_root, _ in documents:
        files[f"{DOCS}/{document.name}"] = _serialise(document_root)
    for name in fonts:
        files[f"{DOCS}/fonts/{name}"] = (Path(fonts_dir) / name).read_bytes()

    manifest = [{"id": "nav", "href": "nav.xhtml", "media_type": "application/xhtml+xml", "properties": "nav"},
                {"id": "title", "href": "title.xhtml", "media_type": "application/xhtml+xml", "properties": None}]
    manifest += [{"id": c.name.removesuffix(".xhtml"), "href": c.name, "media_type": "application/xhtml+xml", "properties": None}
                 for c in chapters]
    manifest.append({"id": "css", "href": CSS_PATH, "media_type": "text/css", "properties": None})
    manifest += [{"id": f"font-{n}", "href": f"fonts/{name}", "media_type": "font/woff2", "properties": None}
                 for n, name in enumerate(fonts, start=1)]
    spine = ["title", "nav", *(c.name.removesuffix(".xhtml") for c in chapters)]

    features = ["readingOrder", "structuralNavigation", "tableOfContents", "displayTransformability", "ARIA"]
    if page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    when = _document_date(review)
    m = review.metadata
    opf = env.get_template("epub/package.opf").render(
        identifier=f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{review.slug}/{output_key}')}",
        title=book_title,
        date=m.publication_date.isoformat() if m.publication_date else None,
        description=f"The {output.name} of the Care Quality Commission review: {plain(review.title)}",
        page_source=pdf_name(review.slug, output) if page_list else None,
        modified=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        features=features,
        summary=_summary(output, bool(page_list), has_notes),
        conforms_to=CONFORMS_TO,
        manifest=manifest,
        spine=spine,
    )
    files[f"{DOCS}/package.opf"] = etree.tostring(etree.fromstring(opf.encode("utf-8"), _parser()).getroottree(),
                                                  xml_declaration=True, encoding="UTF-8")
    return _zip(files, when)

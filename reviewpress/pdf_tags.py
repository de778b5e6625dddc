"""A tag tree shaped like the document, not like the pages (PDF/UA-1 for screen readers).

WeasyPrint 70 builds its structure tree page by page (weasyprint/pdf/tags.py):
every page gets its own Part (<main>) and Art (<article>), and a section,
paragraph, list or link that runs over a page break becomes two elements, the
second a section without its heading (Kozea/WeasyPrint#2903, #2902). Every box
inside an <a> gets a link annotation of its own, so a contents entry (its text,
its ::after with the page number, and the leader inside that) is three Links
nested in each other, and the leader's dots are tagged as text, one Span a dot
(nested tags in anchors are on the PDF/UA list, #2482). Link annotations are
described (/Contents) by their target's id ("rec-2-1"); a link that is a flex
item loses its annotation, leaving a Link without one; an anonymous block box
takes its parent's tag, so a heading holding a block (the recommendations
title's "Recommendations:" line) holds a second heading; and form labels are
NonStruct (no upstream issue found for these four; #2482 collects PDF/UA work).

WeasyPrint has no option for any of this; CSS could avoid only the last two
(no block in the title, no flex for a paragraph number), by changing the layout;
a paragraph's number is still a link to its own paragraph (on the web, a link to copy),
and nothing in CSS makes a leader an artifact or stops the nesting. So it is put
right after rendering, with pikepdf, from what WeasyPrint's tagger is seen to do
(observe_tags: which HTML element, pseudo-element or leader each structure
element was made for; nothing WeasyPrint writes is changed by watching):

1. fragments of one element are joined (one Document, one Art, a Sect with its
   heading first, paragraphs and tables whole, a table's header row repeated on
   each page kept once), and anonymous boxes that repeat their parent's tag are
   dissolved into it (no heading in a heading);
2. a link is one Link: nested Links are dissolved into the outermost, an
   annotation inside another of the same link is dropped, and the leader's
   dots become /Artifact /Layout content;
3. every link annotation is described in words taken from its target
   ("Recommendation 2.1", "Paragraph 1.17", "Section: Early help") or its text;
4. a paragraph's own number (a link to the paragraph that holds it, or a Link
   left without an annotation) becomes Lbl, without an annotation;
5. a section that has no heading is a Div (its aria-label, if any, as /T);
6. form labels and legends are Lbl, hints P, beside their Form element;
7. the parent tree is rebuilt, and content no element holds any more is marked
   as an artifact: leader dots (/Layout), and the running header and page
   number, which WeasyPrint tags as Spans that it never puts in the tree
   (/Pagination, Kozea/WeasyPrint#1836).

Cached PDFs are keyed on pdf.POSTPROCESS_VERSION: bump it when this changes.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote

import pikepdf

N = pikepdf.Name
_HEADINGS = {N(f"/H{i}") for i in range(1, 7)}
# A target whose first child is one of these is described by the kind of thing it numbers.
_NUMBER_LABELS = {
    "finding-number": "Paragraph",
    "rec-number": "Recommendation",
    "footnote-letter": "Footnote",
    "reference-number": "Reference",
}


@dataclass(frozen=True)
class Tagged:
    """What WeasyPrint made one structure element for."""

    key: tuple[int, str]  # the HTML element (its index in document order) and the box's tag, e.g. "a::after"
    leader: bool = False  # the box of a CSS leader(): its text is layout, not content
    link: str = ""  # for a box of an <a>: the words describing where it goes
    self_link: bool = False  # an <a> whose target holds it (a paragraph's own number)
    label: str = ""  # for a <section>: its aria-label, or the text of what labels it
    form_role: str = ""  # "Lbl" for a <label> or <legend>, "P" for a form hint


# --- observing WeasyPrint's tagger ------------------------------------------------------------


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


class _Document:
    """The HTML document's ids and parents, to describe links by their targets."""

    def __init__(self, root) -> None:
        self.by_id: dict[str, object] = {}
        self.parent: dict[int, object] = {}
        self.index: dict[int, int] = {}
        self.described: dict[int, Tagged] = {}
        for number, element in enumerate(root.iter()):
            self.index[id(element)] = number
            if element.get("id") and element.get("id") not in self.by_id:
                self.by_id[element.get("id")] = element
            for child in element:
                self.parent[id(child)] = element
        self._keep = root  # the elements must outlive the ids used as keys

    def ancestors(self, element):
        while id(element) in self.parent:
            element = self.parent[id(element)]
            yield element

    def describe_target(self, target) -> str:
        tag = str(target.tag).rsplit("}", 1)[-1]
        if re.fullmatch(r"h[1-6]", tag):
            return f"Section: {_text(target)}"
        children = [c for c in target if isinstance(c.tag, str)]
        if children:
            first = children[0]
            for cls, kind in _NUMBER_LABELS.items():
                if cls in _classes(first):
                    if first.get("aria-label"):
                        return _capitalised(first.get("aria-label"))
                    return f"{kind} {_text(first).rstrip('.')}"
            if re.fullmatch(r"h[1-6]", str(first.tag).rsplit("}", 1)[-1]):
                return f"Section: {_text(first)}"
        labelled_by = target.get("aria-labelledby")
        if labelled_by and labelled_by in self.by_id:
            return f"Section: {_text(self.by_id[labelled_by])}"
        return ""

    def describe_link(self, a) -> tuple[str, bool]:
        href = (a.get("href") or "").strip()
        words = _capitalised(a.get("aria-label") or "") or _capitalised(_text(a).strip("[]() "))
        self_link = False
        if href.startswith("#"):
            target = self.by_id.get(unquote(href[1:]))
            if target is not None:
                self_link = target is a or any(up is target for up in self.ancestors(a))
                words = self.describe_target(target) or words
        elif href and not href.startswith(("mailto:", "tel:")) and href not in words:
            words = f"{words} ({href})" if words else href
        return words or "Link", self_link

    def tagged(self, box, element_tag: str) -> Tagged:
        element = box.element
        number = self.index[id(element)]
        leader = bool(getattr(box, "is_leader", False))
        if number not in self.described:
            tag = str(element.tag).rsplit("}", 1)[-1]
            link, self_link, label, role = "", False, "", ""
            if tag == "a":
                link, self_link = self.describe_link(element)
            elif tag == "section":
                label = element.get("aria-label") or ""
                if not label and element.get("aria-labelledby") in self.by_id:
                    label = _text(self.by_id[element.get("aria-labelledby")])
            elif tag in ("label", "legend"):
                role = "Lbl"
            elif "form-hint" in _classes(element):
                role = "P"
            self.described[number] = Tagged((number, ""), False, link, self_link, label, role)
        base = self.described[number]
        return Tagged((number, element_tag), leader, base.link, base.self_link, base.label, base.form_role)


def _capitalised(words: str) -> str:
    """Words as a description starts: "paragraph 1.17" -> "Paragraph 1.17"; an address stays as written."""
    words = " ".join(words.split())
    if "@" in words.split(" ", 1)[0] or "://" in words:
        return words
    return words[:1].upper() + words[1:]


@contextmanager
def observe_tags(root):
    """While WeasyPrint writes a PDF, note what each structure element was made for.

    Yields a dict, filled as the PDF is written: PDF object number -> Tagged. WeasyPrint's
    tagger (weasyprint.pdf.tags._build_box_tree) calls itself through its module, so
    wrapping it sees every element; what it yields is passed on untouched."""
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    if original is None:  # the check in tests/test_pdf_tags.py would fail on every PDF instead
        raise RuntimeError("this WeasyPrint has no weasyprint.pdf.tags._build_box_tree: update reviewpress/pdf_tags.py")
    document = _Document(root)
    seen: dict[int, Tagged] = {}

    def build(box, parent, pdf, *args, **kwargs):
        for element in original(box, parent, pdf, *args, **kwargs):
            inner = box._box if isinstance(box, AbsolutePlaceholder) else box
            if inner.element is not None and id(inner.element) in document.index \
                    and getattr(element, "number", None) is not None:
                seen[element.number] = document.tagged(inner, inner.element_tag or "")
            yield element

    tags._build_box_tree = build
    try:
        yield seen
    finally:
        tags._build_box_tree = original


# --- reshaping the tree with pikepdf ------------------------------------------------------------


def _kids(element) -> list:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _set_kids(element, kids: list) -> None:
    element.K = pikepdf.Array(kids)


def _is_element(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.get("/Type") not in (N.MCR, N.OBJR)


def _is_objr(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == N.OBJR


def _is_mcid(kid) -> bool:
    return isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer)


class _Shaper:
    def __init__(self, pdf: pikepdf.Pdf, seen: dict[int, Tagged]) -> None:
        self.pdf = pdf
        self.seen = seen
        self.leader_content: set[tuple[int, int]] = set()  # (page object number, MCID)
        self.dropped_annotations: set[tuple[int, int]] = set()
        self.header_ids: dict[bytes, bytes] = {}  # a repeated table header's TH /ID -> the first header's

    def renamed_headers(self, document) -> None:
        if not self.header_ids:
            return
        for element in _walk(document):
            if element.get("/S") != N.TD:
                continue
            attributes = element.get("/A")
            for owner in (list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]):
                if isinstance(owner, pikepdf.Dictionary) and "/Headers" in owner:
                    owner.Headers = pikepdf.Array([pikepdf.String(self.header_ids.get(bytes(h), bytes(h)))
                                                   for h in owner.Headers])

    def info(self, element) -> Tagged | None:
        return self.seen.get(element.objgen[0]) if element.is_indirect else None

    def moved(self, kid, source, target):
        """kid of source, made fit to be a kid of target."""
        if _is_mcid(kid):
            page = source.get("/Pg")
            if page is not None and (target.get("/Pg") is None or target.Pg.objgen != page.objgen):
                return self.pdf.make_indirect(pikepdf.Dictionary(Type=N.MCR, Pg=page, MCID=int(kid)))
            return int(kid)
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == N.MCR and "/Pg" not in kid and "/Pg" in source:
            kid.Pg = source.Pg
        elif _is_element(kid):
            kid.P = target
        return kid

    # 1. fragments joined, anonymous boxes dissolved
    def join(self, element) -> None:
        mine = self.info(element)
        todo = [(kid, element) for kid in _kids(element)]
        out: list = []
        while todo:
            kid, holder = todo.pop(0)
            kid = self.moved(kid, holder, element) if holder is not element else kid
            if _is_element(kid):
                theirs = self.info(kid)
                if mine is not None and theirs is not None and theirs.key == mine.key and kid.S == element.S \
                        and not theirs.leader:
                    todo[0:0] = [(k, kid) for k in _kids(kid)]  # an anonymous box inside its own element
                    continue
                first_head = next((o for o in out if _is_element(o) and o.S == N.THead and theirs is not None
                                   and (head_info := self.info(o)) is not None and head_info.key == theirs.key), None)
                if kid.S == N.THead and first_head is not None:
                    # A table's header row repeated on the next page: page furniture (an artifact). Its
                    # cells' ids, which the data cells of that page name as /Headers, become the first's.
                    self.header_ids.update(zip(_header_ids(kid), _header_ids(first_head)))
                    continue
                before = out[-1] if out else None
                if before is not None and _is_element(before) and theirs is not None and not theirs.leader and \
                        (before_info := self.info(before)) is not None and before_info.key == theirs.key and before.S == kid.S:
                    _set_kids(before, _kids(before) + [self.moved(k, kid, before) for k in _kids(kid)])
                    continue
            out.append(kid)
        _set_kids(element, out)
        for kid in out:
            if _is_element(kid):
                self.join(kid)

    # 2-4. one Link per link, leaders out, described in words
    def links(self, element) -> None:
        for kid in _kids(element):
            if not _is_element(kid):
                continue
            if kid.S == N.Link:
                self.flatten_link(kid)
            else:
                self.links(kid)

    def flatten_link(self, link) -> None:
        info = self.info(link)
        out: list = []

        def take(holder) -> None:
            for kid in _kids(holder):
                if _is_element(kid):
                    theirs = self.info(kid)
                    if theirs is not None and theirs.leader:
                        self.drop_leader(kid)
                    elif kid.S == N.Link:
                        take(kid)
                    else:
                        take_objrs(kid)
                        out.append(self.moved(kid, holder, link))
                elif _is_objr(kid) or holder is link:
                    out.append(kid)
                else:
                    out.append(self.moved(kid, holder, link))

        def take_objrs(element) -> None:  # link annotations of boxes inside the link (a <span> in an <a>)
            kept = []
            for kid in _kids(element):
                if _is_objr(kid) and kid.Obj.get("/Subtype") == N.Link:
                    out.append(kid)
                else:
                    kept.append(kid)
                    if _is_element(kid):
                        take_objrs(kid)
            if len(kept) != len(_kids(element)):
                _set_kids(element, kept)

        take(link)
        # An annotation lying inside another of the same link (the ::after's inside the <a>'s) goes.
        objrs = [k for k in out if _is_objr(k)]
        drop = set()
        for small in objrs:
            for big in objrs:
                if small is not big and big.Obj.objgen not in drop and _inside(small, big):
                    drop.add(small.Obj.objgen)
                    break
        if info is not None and info.self_link:
            # A paragraph's own number: on the web a link to copy, in a PDF a jump to where the
            # reader already is. It is read as the paragraph's label, and is not a tab stop.
            drop |= {k.Obj.objgen for k in objrs}
        self.dropped_annotations |= drop
        out = [k for k in out if not (_is_objr(k) and k.Obj.objgen in drop)]
        _set_kids(link, out)
        objrs = [k for k in out if _is_objr(k)]
        if not objrs:
            link.S = N.Lbl if info is None or info.self_link else N.Span
            return
        if info is not None and info.link:
            for objr in objrs:
                objr.Obj.Contents = pikepdf.String(info.link)

    def drop_leader(self, element) -> None:
        page = element.get("/Pg")
        for kid in _kids(element):
            if _is_mcid(kid) and page is not None:
                self.leader_content.add((page.objgen[0], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == N.MCR:
                self.leader_content.add(((kid.get("/Pg") or page).objgen[0], int(kid.MCID)))
            elif _is_objr(kid):
                self.dropped_annotations.add(kid.Obj.objgen)
            elif _is_element(kid):
                self.drop_leader(kid)

    # no heading in a heading (after join, only if some other box nests them)
    def headings(self, element, in_heading: bool = False) -> None:
        for kid in _kids(element):
            if _is_element(kid) and in_heading and kid.S in _HEADINGS:
                kid.S = N.Span
            if _is_element(kid):
                self.headings(kid, in_heading or kid.S in _HEADINGS)

    # 5-6. sections with their headings; form labels
    def groups(self, element) -> None:
        for kid in _kids(element):
            if not _is_element(kid):
                continue
            info = self.info(kid)
            if kid.S == N.Sect and not _starts_with_heading(kid):
                kid.S = N.Div
                if info is not None and info.label:
                    kid.T = pikepdf.String(info.label)
            elif info is not None and info.form_role and kid.S in (N.NonStruct, N.Div):
                kid.S = pikepdf.Name("/" + info.form_role)
            self.groups(kid)
        # A field's box (NonStruct) around its Form element goes, so the Form stands beside its Lbl.
        kids = _kids(element)
        if any(_is_element(k) and k.S == N.NonStruct and [x.get("/S") for x in _kids(k) if _is_element(x)] == [N.Form]
               and all(_is_element(x) for x in _kids(k)) for k in kids):
            out = []
            for kid in kids:
                if _is_element(kid) and kid.S == N.NonStruct and all(_is_element(x) for x in _kids(kid)) \
                        and [x.get("/S") for x in _kids(kid)] == [N.Form]:
                    out += [self.moved(x, kid, element) for x in _kids(kid)]
                else:
                    out.append(kid)
            _set_kids(element, out)

    def dissolve_document_part(self, document) -> None:
        kids = _kids(document)
        if len(kids) == 1 and _is_element(kids[0]) and kids[0].S == N.Part:
            part = kids[0]
            _set_kids(document, [self.moved(k, part, document) for k in _kids(part)])


def _inside(small, big) -> bool:
    """Whether one link annotation (by its OBJR) lies inside another on the same page."""
    if small.get("/Pg") is None or big.get("/Pg") is None or small.Pg.objgen != big.Pg.objgen:
        return False
    a = [float(x) for x in small.Obj.Rect]
    b = [float(x) for x in big.Obj.Rect]
    a = [min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3])]
    b = [min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])]
    slack = 0.5
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def _header_ids(element) -> list[bytes]:
    return [bytes(e.ID) for e in _walk(element) if e.get("/S") == N.TH and "/ID" in e]


def _starts_with_heading(element) -> bool:
    for kid in _kids(element):
        if _is_element(kid):
            if kid.S in _HEADINGS:
                return True
            if kid.S == N.NonStruct:
                return _starts_with_heading(kid)
            return False
    return False


# --- the parent tree and artifacts ------------------------------------------------------------------


def _walk(element):
    yield element
    for kid in _kids(element):
        if _is_element(kid):
            yield from _walk(kid)


def _rebuild(pdf: pikepdf.Pdf, document, leader_content: set, dropped_annotations: set) -> None:
    """The parent tree from the tree as it now is; content no element holds becomes an artifact."""
    root = pdf.Root.StructTreeRoot
    held: dict[int, dict[int, object]] = {}  # page object number -> MCID -> element
    annotations: dict[int, object] = {}  # StructParent key -> element
    for element in _walk(document):
        page = element.get("/Pg")
        for kid in _kids(element):
            if _is_mcid(kid) and page is not None:
                held.setdefault(page.objgen[0], {})[int(kid)] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == N.MCR:
                where = kid.get("/Pg") or page
                held.setdefault(where.objgen[0], {})[int(kid.MCID)] = element
            elif _is_objr(kid) and kid.Obj.get("/StructParent") is not None:
                annotations[int(kid.Obj.StructParent)] = element
    # WeasyPrint's parent tree lists every MCID of a page (whether its element is in the tree or not).
    old = root.get("/ParentTree")
    old_nums: pikepdf.Object | list = old.get("/Nums", []) if old is not None else []
    counts = {int(old_nums[i]): len(old_nums[i + 1]) for i in range(0, len(old_nums), 2)
              if isinstance(old_nums[i + 1], pikepdf.Array)}
    entries: dict[int, object] = {}  # parent tree key -> a page's elements by MCID, or an annotation's element
    for page in pdf.pages:
        number = page.obj.objgen[0]
        mine = held.get(number, {})
        loose: dict[int, str] = {}
        if "/StructParents" in page.obj:
            for mcid in range(counts.get(int(page.obj.StructParents), 0)):
                if mcid not in mine:
                    loose[mcid] = "/Layout" if (number, mcid) in leader_content else "/Pagination"
        if loose:
            _make_artifacts(pdf, page, loose)
        if "/StructParents" in page.obj:
            count = max(mine, default=-1) + 1
            entries[int(page.obj.StructParents)] = pdf.make_indirect(pikepdf.Array([mine.get(i) for i in range(count)]))
        if dropped_annotations and "/Annots" in page.obj:
            page.obj.Annots = pikepdf.Array([a for a in page.obj.Annots if a.objgen not in dropped_annotations])
    for key in sorted(annotations):
        entries[key] = annotations[key]
    nums = pikepdf.Array()
    for key in sorted(entries):  # a number tree's keys in ascending order
        nums.append(key)
        nums.append(entries[key])
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
    root.ParentTreeNextKey = max(entries, default=-1) + 1


def _make_artifacts(pdf: pikepdf.Pdf, page, loose: dict[int, str]) -> None:
    instructions = pikepdf.parse_content_stream(page)
    bdc = pikepdf.Operator("BDC")
    for index, instruction in enumerate(instructions):
        if instruction.operator == bdc:
            operands = instruction.operands
            if len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
                mcid = operands[1].get("/MCID")
                if mcid is not None and int(mcid) in loose:
                    artifact = [N.Artifact, pikepdf.Dictionary(Type=pikepdf.Name(loose[int(mcid)]))]
                    instructions[index] = pikepdf.ContentStreamInstruction(artifact, bdc)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def reshape(pdf: pikepdf.Pdf, seen: dict[int, Tagged]) -> None:
    """Every step of the module's docstring, on a PDF WeasyPrint wrote while observe_tags watched."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    documents = [k for k in _kids(root) if _is_element(k)]
    if not documents:
        return
    document = documents[0]
    shaper = _Shaper(pdf, seen)
    shaper.join(document)
    shaper.renamed_headers(document)
    shaper.dissolve_document_part(document)
    shaper.links(document)
    shaper.headings(document)
    shaper.groups(document)
    _rebuild(pdf, document, shaper.leader_content, shaper.dropped_annotations)

"""Checks of one PDF against the machine-checkable parts of PDF/UA-1 (ISO 14289-1)
that matter for these reports. Each function returns problems as readable
strings, so the same checks run on the real PDFs and on deliberately broken ones.

veraPDF, the reference validator, cannot be installed here (no Debian package,
nothing on PyPI or npm); these checks and the PyPI `pdfua` tool are what we have.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf

# Operators that put marks on the page (text, paths, images, shadings, inline images).
PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh", "BI", "INLINE IMAGE"}
STRUCTURE_TYPES_OF_LIST_ITEMS = {"/LI", "/L", "/Caption"}
N = pikepdf.Name


def _kids(element) -> list:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the structure tree root, in reading order."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return []
    found, seen, stack = [], set(), list(reversed(_kids(root)))
    while stack:
        kid = stack.pop()
        if not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") in (N.MCR, N.OBJR):
            continue
        if kid.is_indirect:
            if kid.objgen in seen:
                continue
            seen.add(kid.objgen)
        found.append(kid)
        stack.extend(reversed(_kids(kid)))
    return found


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, object]:
    root = pdf.Root.get("/StructTreeRoot")
    tree = root.get("/ParentTree") if root is not None else None
    if tree is None:
        return {}
    entries: dict[int, object] = {}
    stack = [tree]
    while stack:  # a number tree: /Nums at the leaves, /Kids above them
        node = stack.pop()
        nums = node.get("/Nums")
        if nums is not None:
            entries.update({int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)})
        stack.extend(node.get("/Kids", []))
    return entries


def _text_of(element, depth: int = 0) -> bool:
    """Whether an element holds any marked content (an MCID) somewhere below it."""
    for kid in _kids(element):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            return True
        if isinstance(kid, pikepdf.Dictionary):
            if kid.get("/Type") == N.MCR:
                return True
            if depth < 50 and _text_of(kid, depth + 1):
                return True
    return False


def identification_problems(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA identification (XMP), title shown, language, tagged, bookmarks."""
    problems = []
    with pdf.open_metadata() as meta:
        if meta.get("pdfuaid:part") != "1":
            problems.append(f"XMP: pdfuaid:part is {meta.get('pdfuaid:part')!r}, not 1 (no PDF/UA-1 identification)")
        if not (meta.get("dc:title") or "").strip():
            problems.append("XMP: no dc:title")
    root = pdf.Root
    if str(root.get("/Lang", "")) != "en-GB":
        problems.append(f"catalog: /Lang is {str(root.get('/Lang', ''))!r}, not 'en-GB'")
    if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
        problems.append("catalog: /ViewerPreferences /DisplayDocTitle is not true (viewers show the file name)")
    if not root.get("/MarkInfo", {}).get("/Marked", False):
        problems.append("catalog: /MarkInfo /Marked is not true")
    if "/StructTreeRoot" not in root:
        problems.append("catalog: no structure tree (/StructTreeRoot): the PDF is not tagged")
    if not str(pdf.docinfo.get("/Title", "")).strip():
        problems.append("document info: no /Title")
    outlines = root.get("/Outlines")
    if outlines is None or outlines.get("/First") is None:
        problems.append("no bookmarks (/Outlines)")
    return problems


def content_problems(pdf: pikepdf.Pdf) -> list[str]:
    """All page content is tagged or an artifact (7.1-3); every tag's element is in the tree;
    page furniture (running head, page number) is an artifact on every page."""
    problems = []
    in_tree = {e.objgen for e in struct_elements(pdf)}
    parents = _parent_tree(pdf)
    for number, page in enumerate(pdf.pages, 1):
        key = page.obj.get("/StructParents")
        mcid_parents = parents.get(int(key)) if key is not None else None
        stack: list[tuple[str, int | None]] = []
        outside = artifacts = 0
        orphans: set[int] = set()
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])
                mcid = None
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcid = int(operands[1].MCID)
                stack.append((tag, mcid))
                if tag == "/Artifact":
                    artifacts += 1
                    if mcid is not None:
                        problems.append(f"page {number}: an artifact has an MCID {mcid}")
                elif mcid is not None and not any(t == "/Artifact" for t, _ in stack[:-1]):
                    element = mcid_parents[mcid] if isinstance(mcid_parents, pikepdf.Array) and mcid < len(mcid_parents) else None
                    if not isinstance(element, pikepdf.Dictionary) or element.objgen not in in_tree:
                        orphans.add(mcid)
            elif op == "EMC":
                if stack:
                    stack.pop()
            elif op in PAINTING and not stack:
                outside += 1
        if outside:
            problems.append(f"page {number}: {outside} painting operation(s) outside any marked content (neither tagged nor artifact)")
        if orphans:
            problems.append(f"page {number}: {len(orphans)} tagged content item(s) whose structure element is not in the tree, "
                            f"e.g. MCID {sorted(orphans)[:5]} (page furniture should be /Artifact)")
        if not artifacts:
            problems.append(f"page {number}: no artifact: the page number is tagged as content or missing")
    return problems


def heading_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Headings in reading order: the first is H1, no level is skipped, none is empty."""
    levels = []
    problems = []
    for element in struct_elements(pdf):
        tag = str(element.get("/S", ""))
        if re.fullmatch(r"/H[1-6]", tag):
            levels.append(int(tag[2]))
            if not _text_of(element):
                problems.append(f"an empty {tag[1:]}")
        elif tag == "/H":
            problems.append("a generic /H heading (levels are needed)")
    if not levels:
        return problems + ["no headings tagged"]
    if levels[0] != 1:
        problems.append(f"the first heading is H{levels[0]}, not H1")
    for before, level in zip(levels, levels[1:]):
        if level > before + 1:
            problems.append(f"heading H{level} follows H{before} (skips a level)")
    return sorted(set(problems), key=problems.index)


def list_and_table_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Lists: L holds LI (or nested L, Caption), LI holds Lbl/LBody. Tables: rows of TH/TD,
    every TH has a /Scope (or an /ID that data cells point at with /Headers)."""
    problems = []
    header_ids: set[bytes] = set()
    used_ids: set[bytes] = set()
    for element in struct_elements(pdf):
        tag = str(element.get("/S", ""))
        kids = [k for k in _kids(element) if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        kid_tags = [str(k.S) for k in kids]
        if tag == "/L":
            wrong = set(kid_tags) - STRUCTURE_TYPES_OF_LIST_ITEMS
            if wrong:
                problems.append(f"a list (L) holds {sorted(wrong)}, not only LI")
        elif tag == "/LI":
            wrong = set(kid_tags) - {"/Lbl", "/LBody"}
            if wrong:
                problems.append(f"a list item (LI) holds {sorted(wrong)}, not Lbl/LBody")
        elif tag == "/Table":
            rows = [k for k in kids if str(k.S) == "/TR"] + [
                row for k in kids if str(k.S) in ("/THead", "/TBody", "/TFoot")
                for row in _kids(k) if isinstance(row, pikepdf.Dictionary) and row.get("/S") == N.TR
            ]
            if not rows:
                problems.append(f"a table (Table) has no rows: {kid_tags}")
        elif tag == "/TR":
            wrong = set(kid_tags) - {"/TH", "/TD"}
            if wrong or not kid_tags:
                problems.append(f"a table row (TR) holds {kid_tags}")
        if tag == "/TH":
            attributes = element.get("/A")
            owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
            scope = next((str(a.Scope) for a in owners if isinstance(a, pikepdf.Dictionary) and "/Scope" in a), None)
            if "/ID" in element:
                header_ids.add(bytes(element.ID))
            if scope not in ("/Row", "/Column", "/Both") and "/ID" not in element:
                problems.append("a table header cell (TH) has neither /Scope nor /ID")
        if tag == "/TD":
            attributes = element.get("/A")
            owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
            for a in owners:
                if isinstance(a, pikepdf.Dictionary) and "/Headers" in a:
                    used_ids.update(bytes(h) for h in a.Headers)
    if used_ids - header_ids:
        problems.append(f"data cells point at header ids that no TH has: {sorted(used_ids - header_ids)[:3]}")
    return sorted(set(problems), key=problems.index)


def annotation_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Links are in Link elements, form fields in Form elements, all with a description;
    pages with annotations have /Tabs /S (tab order follows the structure)."""
    problems = []
    parents = _parent_tree(pdf)
    in_tree = {e.objgen for e in struct_elements(pdf)}
    for number, page in enumerate(pdf.pages, 1):
        annotations = page.obj.get("/Annots", [])
        if len(annotations) and page.obj.get("/Tabs") != N.S:
            problems.append(f"page {number}: has annotations but no /Tabs /S")
        for annotation in annotations:
            subtype = annotation.get("/Subtype")
            if subtype not in (N.Link, N.Widget):
                continue
            want = "/Link" if subtype == N.Link else "/Form"
            key = annotation.get("/StructParent")
            element = parents.get(int(key)) if key is not None else None
            if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != pikepdf.Name(want):
                problems.append(f"page {number}: a {str(subtype)[1:]} annotation is not inside a {want[1:]} element")
            elif element.objgen not in in_tree:
                problems.append(f"page {number}: a {str(subtype)[1:]} annotation's {want[1:]} element is not in the tree")
            elif not any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == N.OBJR and k.get("/Obj") is not None
                         and k.Obj.objgen == annotation.objgen for k in _kids(element)):
                problems.append(f"page {number}: a {want[1:]} element does not point back at its annotation (OBJR)")
            if subtype == N.Link and not str(annotation.get("/Contents", "")).strip():
                problems.append(f"page {number}: a link annotation has no /Contents description")
            if subtype == N.Widget:
                field = annotation if "/T" in annotation else annotation.get("/Parent", annotation)
                if not str(field.get("/TU", "")).strip():
                    problems.append(f"page {number}: form field {str(field.get('/T', ''))!r} has no /TU (accessible name)")
    return problems


def figure_problems(pdf: pikepdf.Pdf) -> list[str]:
    return [
        "a figure (Figure) has no alternative text (/Alt)"
        for element in struct_elements(pdf)
        if element.get("/S") == N.Figure and not str(element.get("/Alt", element.get("/ActualText", ""))).strip()
    ]


def _fonts_in(resources, seen: set) -> list[pikepdf.Dictionary]:
    found = []
    if not isinstance(resources, pikepdf.Dictionary) or (resources.is_indirect and resources.objgen in seen):
        return found
    if resources.is_indirect:
        seen.add(resources.objgen)
    for font in resources.get("/Font", {}).values():
        found.append(font)
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == N.Form:
            found += _fonts_in(xobject.get("/Resources"), seen)
    return found


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == N.Type3:
        return True
    descriptors = [font.get("/FontDescriptor")] + [d.get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
    return any(isinstance(d, pikepdf.Dictionary) and any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
               for d in descriptors)


def fonts(pdf: pikepdf.Pdf) -> dict[str, bool]:
    """Every font the document can draw with (pages, form XObjects, annotation appearances, form defaults): embedded?"""
    seen: set = set()
    found: list = []
    for page in pdf.pages:
        found += _fonts_in(page.obj.get("/Resources"), seen)
        for annotation in page.obj.get("/Annots", []):
            for appearance in annotation.get("/AP", {}).values():
                streams = appearance.values() if isinstance(appearance, pikepdf.Dictionary) and not isinstance(appearance, pikepdf.Stream) else [appearance]
                for stream in streams:
                    if isinstance(stream, pikepdf.Stream):
                        found += _fonts_in(stream.get("/Resources"), seen)
    acroform = pdf.Root.get("/AcroForm")
    if acroform is not None:
        found += _fonts_in(acroform.get("/DR"), seen)
    return {re.sub(r"^[A-Z]{6}\+", "", str(f.get("/BaseFont", "?"))[1:]): _embedded(f) for f in found}


def font_problems(pdf: pikepdf.Pdf) -> list[str]:
    return [f"font {name} is not embedded" for name, embedded in sorted(fonts(pdf).items()) if not embedded]


def structure_report(path: Path) -> dict[str, list[str]]:
    """Every check above on one file, by aspect."""
    with pikepdf.open(path) as pdf:
        return {
            "identification": identification_problems(pdf),
            "content tagged or artifact": content_problems(pdf),
            "headings": heading_problems(pdf),
            "lists and tables": list_and_table_problems(pdf),
            "links and fields": annotation_problems(pdf),
            "figures": figure_problems(pdf),
            "fonts": font_problems(pdf),
        }


# --- colour and line length (young people's PDFs) ----------------------------------


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def text_contrast_problems(pdf: pikepdf.Pdf, minimum: float) -> list[str]:
    """Every text colour against white and against every filled area big enough to be a
    background on the same page (a conservative pairing): at least `minimum`:1."""
    white = (1.0, 1.0, 1.0)
    problems = set()
    for number, page in enumerate(pdf.pages, 1):
        fill = (0.0, 0.0, 0.0)
        saved: list = []
        text_colours, backgrounds = set(), set()
        rects: list[tuple[float, float]] = []
        other_path = False
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "q":
                saved.append(fill)
            elif op == "Q" and saved:
                fill = saved.pop()
            elif op == "rg":
                fill = tuple(float(x) for x in operands)
            elif op == "g":
                fill = (float(operands[0]),) * 3
            elif op == "k":
                c, m, y, k = (float(x) for x in operands)
                fill = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
            elif op in ("sc", "scn") and len(operands) == 3:
                fill = tuple(float(x) for x in operands)
            elif op in ("Tj", "TJ", "'", '"'):
                text_colours.add(fill)
            elif op == "re":
                rects.append((abs(float(operands[2])), abs(float(operands[3]))))
            elif op in ("m", "l", "c", "v", "y", "h"):
                other_path = True
            elif op in ("f", "F", "f*", "b", "B", "b*", "B*", "S", "s", "n"):
                # One filled rectangle big enough to hold text is a background (WeasyPrint draws a
                # border as two rectangles filled even-odd, and lines as paths).
                if op not in ("S", "s", "n") and len(rects) == 1 and not other_path and fill != white \
                        and min(rects[0]) >= 20:
                    backgrounds.add(fill)
                rects, other_path = [], False
        for colour in text_colours:
            for background in {white} | backgrounds:
                ratio = contrast(colour, background)
                if ratio < minimum:
                    hexes = ["#" + "".join(f"{round(v * 255):02x}" for v in c) for c in (colour, background)]
                    problems.add(f"page {number}: text in {hexes[0]} on {hexes[1]} has contrast {ratio:.2f}:1, under {minimum}:1")
    return sorted(problems)


def pdf_lines(path: Path) -> list[str]:
    """The PDF's text, line by line as laid out (poppler's pdftotext)."""
    pdftotext = shutil.which("pdftotext")
    result = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True, timeout=120)
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


# --- external tools ------------------------------------------------------------------


def qpdf_problems(path: Path) -> list[str]:
    qpdf = shutil.which("qpdf")
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True, timeout=300)
    text = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or re.search(r"^WARNING", text, re.M):
        return [f"qpdf --check (exit {result.returncode}): {text[:1000]}"]
    return []


def pdfua_report(path: Path) -> tuple[list[str], list[str]]:
    """The PyPI `pdfua` checker (16 of the 106 machine-checkable PDF/UA-1 rules) on one file:
    its findings (any severity) and the rules it could not run.

    UA-14-001 (headings not empty) crashes inside pdfua 0.1.3 on every WeasyPrint file
    (it reads an array as a number); heading_problems checks the same thing.
    """
    try:
        from pdfua.validator import validate
    except ImportError:
        import pytest

        pytest.fail("The PyPI package pdfua is missing. Run `make test` (pip install -e '.[test]').", pytrace=False)

    report = validate(str(path))
    findings = [f"{f.rule_id} ({f.severity.name.lower()}): {f.message} [{f.location.describe()}]" for f in report.findings]
    skipped = [f"{o.rule_id}: {o.skipped_reason}" for o in report.skipped]
    return findings, skipped


# --- the tag tree follows the document (issue 16) ---------------------------------------------
#
# WeasyPrint tags page by page and gives every box of a link its own annotation; reviewpress/pdf_tags.py
# puts that right. These checks find each thing it puts right, so a copy with one defect put back fails.

LEADER_CHARACTERS = set(".…·‧ \u00a0")
_HEX_PAIR = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_HEX_RANGE = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])")
_ID_LIKE = re.compile(r"#?[a-z0-9]+(?:[-_.:][a-z0-9]+)+")
_HEADING_TAGS = {f"/H{i}" for i in range(1, 7)}


def _unicode_map(font) -> tuple[dict[int, str], int]:
    """A font's codes -> text (its ToUnicode CMap), and how many bytes a code takes."""
    width = 2 if font.get("/Subtype") == N.Type0 else 1
    mapping: dict[int, str] = {}
    stream = font.get("/ToUnicode")
    if not isinstance(stream, pikepdf.Stream):
        return mapping, width
    text = stream.read_bytes().decode("latin-1")

    def utf16(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be", "replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in _HEX_PAIR.findall(block):
            mapping[int(code, 16)] = utf16(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, value in _HEX_RANGE.findall(block):
            low, high = int(low, 16), int(high, 16)
            if value.startswith("["):
                for offset, item in enumerate(re.findall(r"<([0-9a-fA-F]+)>", value)):
                    mapping[low + offset] = utf16(item)
            else:
                start = bytes.fromhex(value[1:-1])
                for offset in range(high - low + 1):
                    last = int.from_bytes(start[-2:], "big") + offset
                    mapping[low + offset] = (start[:-2] + last.to_bytes(2, "big")).decode("utf-16-be", "replace")
    return mapping, width


def tagged_text(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    """The text of every tagged marked-content sequence: (page object number, MCID) -> text.
    Artifacts are left out."""
    texts: dict[tuple[int, int], str] = {}
    for page in pdf.pages:
        fonts_by_name = {}
        for name, font in page.obj.get("/Resources", {}).get("/Font", {}).items():
            fonts_by_name[name] = _unicode_map(font)
        mapping, width = {}, 1
        stack: list[int | None] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                mcid = None
                if str(operands[0]) != "/Artifact" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcid = int(operands[1].MCID)
                stack.append(mcid if not (stack and stack[-1] == -1) else -1)
                if str(operands[0]) == "/Artifact":
                    stack[-1] = -1
            elif op == "BMC":
                stack.append(-1 if str(operands[0]) == "/Artifact" else (stack[-1] if stack else None))
            elif op == "EMC" and stack:
                stack.pop()
            elif op == "Tf":
                mapping, width = fonts_by_name.get(str(operands[0]), ({}, 1))
            elif op in ("Tj", "TJ", "'", '"'):
                mcid = next((m for m in reversed(stack) if m is not None), None)
                if mcid is None or mcid == -1:
                    continue
                strings = operands[0] if op == "TJ" else [operands[-1]]
                for item in strings:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        codes = [int.from_bytes(raw[i:i + width], "big") for i in range(0, len(raw), width)]
                        key = (page.obj.objgen[0], mcid)
                        texts[key] = texts.get(key, "") + "".join(mapping.get(c, "\ufffd") for c in codes)
    return texts


def _content_units(element, texts) -> list[str | None]:
    """An element's content in order, one entry a marked-content item or a Span holding exactly one."""
    page = element.get("/Pg")
    units: list[str | None] = []
    for kid in _kids(element):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            units.append(texts.get((page.objgen[0], int(kid))) if page is not None else None)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == N.MCR:
            where = kid.get("/Pg") or page
            units.append(texts.get((where.objgen[0], int(kid.MCID))) if where is not None else None)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == N.Span and len(_kids(kid)) == 1:
            inner = _content_units(kid, texts)
            units.append(inner[0] if inner else None)
        else:
            units.append(None)
    return units


def _start_page(element, depth: int = 0) -> int | None:
    page = element.get("/Pg")
    for kid in _kids(element):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            return page.objgen[0] if page is not None else None
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == N.MCR:
            return (kid.get("/Pg") or page).objgen[0]
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and depth < 60:
            found = _start_page(kid, depth + 1)
            if found is not None:
                return found
    return None


def _descendants(element, depth: int = 0):
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.get("/Type") not in (N.MCR, N.OBJR):
            yield kid
            if depth < 60:
                yield from _descendants(kid, depth + 1)


def _destination_names(pdf: pikepdf.Pdf) -> set[str]:
    names: set[str] = set()
    tree = pdf.Root.get("/Names", {}).get("/Dests")
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        items = node.get("/Names", [])
        names.update(str(items[i]) for i in range(0, len(items), 2))
        stack.extend(node.get("/Kids", []))
    names.update(str(k)[1:] for k in pdf.Root.get("/Dests", {}).keys())
    return names


def nested_link_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    for element in struct_elements(pdf):
        if element.get("/S") == N.Link:
            inner = sum(1 for d in _descendants(element) if d.get("/S") == N.Link)
            if inner:
                problems.append(f"a Link holds {inner} other Link element(s) (a link read as several)")
    return problems


def leader_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Leader dots (a contents entry's ". . . ." to its page number) must be artifacts, not text."""
    texts = tagged_text(pdf)
    problems = []
    for element in struct_elements(pdf):
        run = 0
        for unit in _content_units(element, texts) + [None]:
            dots = bool(unit) and set(unit) <= LEADER_CHARACTERS and unit.strip() != ""
            if dots and len(unit.strip()) >= 5:
                run = max(run, 3)
            run = run + 1 if dots else run
            if not dots:
                if run >= 3:
                    problems.append(f"a {str(element.S)[1:]} holds leader dots tagged as text ({run} items of dots)")
                run = 0
    return problems


def per_page_part_problems(pdf: pikepdf.Pdf) -> list[str]:
    """The tree follows the document: not one Part or Art a page."""
    problems = []
    for element in [pdf.Root.StructTreeRoot] + struct_elements(pdf):
        for tag in (N.Part, N.Art):
            group = [k for k in _kids(element) if isinstance(k, pikepdf.Dictionary) and k.get("/S") == tag]
            starts = [_start_page(k) for k in group]
            if len(group) >= 2 and len(set(starts)) == len(starts):
                problems.append(f"{len(group)} {str(tag)[1:]} elements side by side, each starting on a page of its own "
                                f"(the tree follows the pages)")
    return problems


def section_heading_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every Sect starts with its heading (a section cut at a page break leaves a part without one)."""
    problems = []
    for element in struct_elements(pdf):
        if element.get("/S") != N.Sect:
            continue
        first = element
        while True:
            kids = [k for k in _kids(first) if isinstance(k, pikepdf.Dictionary) and "/S" in k and k.get("/Type") not in (N.MCR, N.OBJR)]
            if not kids or kids[0].get("/S") != N.NonStruct:
                break
            first = kids[0]
        if not kids or str(kids[0].get("/S")) not in _HEADING_TAGS:
            shown = str(kids[0].get("/S"))[1:] if kids else "nothing"
            problems.append(f"a section (Sect) does not start with a heading (it starts with {shown})")
    return problems


def _named_destinations(pdf: pikepdf.Pdf) -> dict[str, object]:
    found: dict[str, object] = {}
    tree = pdf.Root.get("/Names", {}).get("/Dests")
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        items = node.get("/Names", [])
        found.update({str(items[i]): items[i + 1] for i in range(0, len(items), 2)})
        stack.extend(node.get("/Kids", []))
    return found


def link_annotation_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every Link element holds a link annotation (OBJR), and no link jumps to where it stands:
    a paragraph's own number (a link on the web, a flex item or a float in print) is Lbl text."""
    problems = []
    for element in struct_elements(pdf):
        if element.get("/S") == N.Link and not any(
                isinstance(k, pikepdf.Dictionary) and k.get("/Type") == N.OBJR for k in _kids(element)):
            problems.append("a Link element has no link annotation (nothing to activate)")
    destinations = _named_destinations(pdf)
    for number, page in enumerate(pdf.pages, 1):
        for annotation in page.obj.get("/Annots", []):
            dest = annotation.get("/Dest")
            dest = destinations.get(str(dest)) if isinstance(dest, pikepdf.String) else dest
            if annotation.get("/Subtype") != N.Link or not isinstance(dest, pikepdf.Array) or len(dest) < 4 \
                    or not isinstance(dest[0], pikepdf.Dictionary) or dest[0].objgen != page.objgen:
                continue
            low, high = sorted((float(annotation.Rect[1]), float(annotation.Rect[3])))
            if low - 2 <= float(dest[3]) <= high + 2:
                problems.append(f"page {number}: a link jumps to where it stands (a paragraph's own number left a link)")
    return problems


def link_description_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Link annotations are described in words (/Contents), not by their target's id."""
    names = _destination_names(pdf)
    problems = []
    for number, page in enumerate(pdf.pages, 1):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != N.Link:
                continue
            contents = str(annotation.get("/Contents", "")).strip()
            dest = annotation.get("/Dest")
            if contents in names or (isinstance(dest, pikepdf.String) and contents == str(dest)) \
                    or _ID_LIKE.fullmatch(contents):
                problems.append(f"page {number}: a link annotation is described by an id: {contents!r}")
    return problems


def nested_heading_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    for element in struct_elements(pdf):
        if str(element.get("/S")) in _HEADING_TAGS:
            inner = [str(d.S)[1:] for d in _descendants(element) if str(d.get("/S")) in _HEADING_TAGS]
            if inner:
                problems.append(f"a heading ({str(element.S)[1:]}) holds another heading ({', '.join(inner)})")
    return problems


TAG_TREE_CHECKS = {
    "nested links": nested_link_problems,
    "leader dots tagged as text": leader_problems,
    "per-page Part/Art": per_page_part_problems,
    "section without a heading": section_heading_problems,
    "Link without an annotation": link_annotation_problems,
    "annotation described by an id": link_description_problems,
    "heading inside a heading": nested_heading_problems,
}


def tag_tree_report(path: Path) -> dict[str, list[str]]:
    """Every tag-tree check on one file, by defect."""
    with pikepdf.open(path) as pdf:
        return {name: check(pdf) for name, check in TAG_TREE_CHECKS.items()}

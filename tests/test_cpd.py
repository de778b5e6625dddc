"""The CPD reflection template (issue 5): the same questions as a web form, a
fillable PDF and a Word document, for every review, and what a health
professional would notice if any of them broke."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import docx
import pikepdf
import pytest
from pikepdf.form import CheckboxField, Form, TextField
from pydantic import ValidationError

from reviewpress.checks import read_cpd_questions
from reviewpress.context import OUTPUT_BY_KEY, docx_path, pdf_path
from reviewpress.docx_export import cpd_document
from reviewpress.model import (
    DEFAULT_ANSWER_LINES,
    CpdQuestion,
    Review,
    check_cpd_questions,
)
from reviewpress.schema_export import review_json_schema

from .conftest import ROOT, review_slugs

SLUGS = review_slugs()
CPD = OUTPUT_BY_KEY["cpd"]
NOTICE = "Do not include information that could identify a child, family or colleague."
CODE_THEMES = ["Prioritise people", "Practise effectively", "Preserve safety", "Promote professionalism and trust"]
APPENDIX_C = [
    "Name",
    "Date",
    "Time taken for reading and reflection",
    "What have you learned?",
    "What additional learning needs have you identified (personal and organisational) and how will you address these?",
    "How will reading this report change your practice and have an impact on those you work with? "
    "Consider how you might evaluate this.",
]
# The NMC's CPD log asks for each activity's date, method, topic, link to the Code, hours and
# participatory hours. The record holds the date, the report (topic) and the Code's themes; these
# are the rest, in our own words (issue 15).
LOG_FIELDS = [("log-method", "Method of learning", "short"), ("log-hours", "Number of hours", "number"),
              ("log-participatory-hours", "Participatory hours", "number")]
A4_POINTS = (595, 842)
# About 120 words, as a nurse might answer one question (issue 15: "filled" means every field
# holds a realistic long answer).
LONG_ANSWER = " ".join("""Reading this review made me look again at how our team records the voice of the child. I learned
that health assessments for looked after children are often completed without the young person's own views,
and that their plans are not always specific or measurable. I also learned how information shared late between
GPs, school nurses and hospital staff can leave risks unseen. I will talk with my team about writing the child's
own words into every assessment, check that each plan says who will do what and by when, and ask our
safeguarding lead for training on making referrals clear. In three months I will review a sample of my records
to see whether these changes have made a difference for the children and families I work with every
week.""".split()[:120])


@pytest.fixture(scope="module")
def standard_questions() -> list[CpdQuestion]:
    return read_cpd_questions(ROOT / "content" / "cpd-template.yaml")


def questions_for(review: Review, standard: list[CpdQuestion]) -> list[CpdQuestion]:
    return review.cpd_questions or standard


def expected_fields(questions: list[CpdQuestion]) -> list[tuple[str, str]]:
    """(field name, accessible name) in reading order: one per question, one per checkbox."""
    fields = []
    for q in questions:
        if q.kind == "checkboxes":
            fields += [(f"{q.id}-{o.id}", o.label) for o in q.options]
        else:
            fields.append((q.id, q.label))
    return fields


def _read_out(*parts: str | None) -> str:
    """Parts of an accessible name read one after another as sentences: "Date. For example, 14 March 2024."."""
    said = [p for p in parts if p]
    return " ".join(p if i == len(said) - 1 or p[-1] in ".?!:" else p + "." for i, p in enumerate(said))


def expected_pdf_fields(questions: list[CpdQuestion]) -> list[tuple[str, str]]:
    """(field name, /TU) of the fillable PDF in reading order. A PDF field has no fieldset or
    aria-describedby, so its name holds what the form shows for it, as one reads it: a checkbox's
    question and its hint, then the field's label and hint (issue 16)."""
    fields = []
    for q in questions:
        if q.kind == "checkboxes":
            fields += [(f"{q.id}-{o.id}", _read_out(q.label, q.hint, o.label)) for o in q.options]
        else:
            fields.append((q.id, _read_out(q.label, q.hint)))
    return fields


def publication(review: Review) -> str:
    """The publication date as printed on the record; "" for a review that gives none (Staffordshire)."""
    m = review.metadata
    if m.publication_date:
        return f"{m.publication_date.day} {m.publication_date.strftime('%B %Y')}"
    return m.publication_month or ""


def plain_title(review: Review) -> str:
    from reviewpress.inline import plain

    return plain(review.title)


# --- the standard questions ------------------------------------------------------------


def test_standard_template_has_appendix_c_and_the_nmc_form(standard_questions):
    record = [q.label for q in standard_questions if q.part == "record"]
    assert record == APPENDIX_C  # source-reports.md 3.13, word for word
    nmc = [q for q in standard_questions if q.part == "nmc"]
    labels = " ".join(q.label for q in nmc)
    for words in ("nature of the CPD activity", "What did you learn", "change or improve your practice", "relevant to the Code"):
        assert words in labels
    themes = [q for q in nmc if q.kind == "checkboxes"]
    assert len(themes) == 1 and [o.label for o in themes[0].options] == CODE_THEMES
    # The CPD log's columns come first in the NMC part, short and plain.
    assert [(q.id, q.label, q.kind) for q in nmc[:len(LOG_FIELDS)]] == LOG_FIELDS
    assert all(len(q.label.split()) <= 3 and len((q.hint or "").split()) <= 16 for q in nmc[:len(LOG_FIELDS)])


def test_standard_answer_boxes_are_all_the_same_size(standard_questions):
    """Boxes of one size fill the printed pages evenly (boxes of 14, 5 and 10 lines left a page with
    one box on it): a question is given its own number of lines only for a reason, and none is."""
    assert {q.answer_lines for q in standard_questions if q.kind == "long"} == {DEFAULT_ANSWER_LINES}


def test_question_model_rejects_mistakes():
    with pytest.raises(ValidationError):
        CpdQuestion(id="themes", label="Themes", kind="checkboxes")  # no options
    with pytest.raises(ValidationError):
        CpdQuestion(id="name", label="Name", kind="short", options=[{"id": "a", "label": "A"}])
    with pytest.raises(ValueError, match="used twice"):
        check_cpd_questions([CpdQuestion(id="name", label="Name"), CpdQuestion(id="name", label="Your name")])
    with pytest.raises(ValueError, match="before"):
        check_cpd_questions([CpdQuestion(id="a", label="A", part="nmc"), CpdQuestion(id="b", label="B")])


def test_json_schema_describes_the_new_question_fields():
    schema = review_json_schema()
    for word in ('"checkboxes"', '"number"', '"nmc"', '"CpdOption"', '"lines"'):
        assert word in schema


# --- the fillable PDF ---------------------------------------------------------------------


def _fill_value(name: str, multiline: bool) -> str:
    # Characters outside Latin-1 and, in the answer boxes, several lines, as real answers have.
    return f"Answer for {name}: the child’s voice – recorded." + ("\nSecond line, café, 2½ hours." if multiline else "")


@pytest.mark.parametrize("slug", SLUGS)
def test_every_pdf_field_can_be_filled_saved_and_read_back(built_site, reviews, standard_questions, slug, tmp_path):
    expected = expected_fields(questions_for(reviews[slug], standard_questions))
    checkboxes = {name for q in questions_for(reviews[slug], standard_questions) if q.kind == "checkboxes"
                  for name in q.field_names}
    ticked = set(sorted(checkboxes)[::2])  # every other box, so both states are checked
    long_ids = {q.id for q in questions_for(reviews[slug], standard_questions) if q.kind == "long"}
    filled = tmp_path / "filled.pdf"
    with pikepdf.open(built_site / pdf_path(slug, CPD)) as pdf:
        form = Form(pdf)
        names = []
        for name, field in form.items():
            names.append(name)
            if name in checkboxes:
                assert isinstance(field, CheckboxField), name
                field.checked = name in ticked
            else:
                assert isinstance(field, TextField), name
                assert field.is_multiline == (name in long_ids), name
                field.value = _fill_value(name, name in long_ids)
        assert names == [n for n, _ in expected]
        pdf.save(filled)
    with pikepdf.open(filled) as pdf:
        for name, field in Form(pdf).items():
            if name in checkboxes:
                assert field.checked == (name in ticked), name
            else:
                assert field.value == _fill_value(name, name in long_ids), name
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(filled)], capture_output=True).returncode == 0


@pytest.mark.parametrize("slug", SLUGS)
def test_pdf_fields_are_named_as_their_questions_in_reading_order(built_site, reviews, standard_questions, slug):
    questions = questions_for(reviews[slug], standard_questions)
    expected = expected_pdf_fields(questions)
    long_ids = {q.id for q in questions if q.kind == "long"}
    with pikepdf.open(built_site / pdf_path(slug, CPD)) as pdf:
        fields = list(pdf.Root.AcroForm.Fields)
        assert [(str(f.T), str(f.get("/TU", ""))) for f in fields] == expected
        # Tab order: every page orders its fields by the structure tree, and the
        # widgets follow one another page by page in the reading order above.
        widget_order = []
        for page in pdf.pages:
            annots = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
            if annots:
                assert page.obj.get("/Tabs") == "/S"
            widget_order += [str(a.T) for a in annots]
        assert widget_order == [n for n, _ in expected]
        for field in fields:
            if str(field.T) in long_ids:
                assert int(field.get("/Ff", 0)) & (1 << 12), f"{field.T} is not multi-line"
                x0, y0, x1, y1 = (float(v) for v in field.Rect)
                assert abs(y1 - y0) >= 30 / 25.4 * 72, f"{field.T}: box under 30 mm tall"
                assert abs(x1 - x0) >= 150 / 25.4 * 72, f"{field.T}: box under 150 mm wide"


def _struct_elements(pdf: pikepdf.Pdf):
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        kid = stack.pop()
        if isinstance(kid, pikepdf.Array):
            stack.extend(kid)
        elif isinstance(kid, pikepdf.Dictionary):
            yield kid
            if kid.get("/Type") not in ("/OBJR", "/MCR"):
                stack.append(kid.get("/K"))


@pytest.mark.parametrize("slug", SLUGS)
def test_pdf_answer_boxes_share_one_height_and_the_form_fits_three_a4_pages(built_site, reviews, standard_questions, slug):
    """A fillable field does not grow with what is typed in it, so the filled form prints on as many
    pages as the empty one: at most three A4 pages (it was five for Bedford, with a page holding one
    box), its answer boxes of one height where their questions ask for the same number of lines."""
    questions = questions_for(reviews[slug], standard_questions)
    lines = {q.id: q.answer_lines for q in questions if q.kind == "long"}
    with pikepdf.open(built_site / pdf_path(slug, CPD)) as pdf:
        assert len(pdf.pages) <= 3, f"{slug}: the CPD form prints on {len(pdf.pages)} pages"
        for page in pdf.pages:
            assert tuple(round(float(v)) for v in list(page.mediabox)[2:]) == A4_POINTS
        heights: dict[int, set[float]] = {}
        for field in pdf.Root.AcroForm.Fields:
            if str(field.T) in lines:
                x0, y0, x1, y1 = (float(v) for v in field.Rect)
                heights.setdefault(lines[str(field.T)], set()).add(round(abs(y1 - y0)))
    assert all(len(found) == 1 for found in heights.values()), f"{slug}: answer boxes of {heights} pt"


@pytest.mark.parametrize("slug", SLUGS)
def test_pdf_is_tagged_pdf_ua_with_every_widget_in_a_form_tag(built_site, slug):
    with pikepdf.open(built_site / pdf_path(slug, CPD)) as pdf:
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
        assert pdf.Root.MarkInfo.Marked and str(pdf.Root.Lang) == "en-GB"
        tagged = {
            e.Obj.objgen
            for e in _struct_elements(pdf)
            if e.get("/Type") == "/OBJR" and e.get("/Obj") is not None
        }
        form_tags = [e for e in _struct_elements(pdf) if e.get("/S") == "/Form"]
        for field in pdf.Root.AcroForm.Fields:
            assert field.objgen in tagged, f"{field.T} is not in the structure tree"
        assert len(form_tags) == len(pdf.Root.AcroForm.Fields)


@pytest.mark.parametrize("slug", SLUGS)
def test_pdf_prints_the_review_title_and_date_as_text_not_as_fields(built_site, reviews, slug):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    review = reviews[slug]
    pdf_file = built_site / pdf_path(slug, CPD)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf_file), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert plain_title(review) in flat and publication(review) in flat and NOTICE in flat
    with pikepdf.open(pdf_file) as pdf:
        for field in pdf.Root.AcroForm.Fields:
            assert str(field.get("/V", "")) in ("", "/Off"), f"{field.T} is prefilled"


# --- the Word document ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_word_document_has_every_question_and_the_review_title(built_site, reviews, standard_questions, slug):
    review = reviews[slug]
    document = docx.Document(str(built_site / docx_path(slug)))
    paragraphs = [p for p in document.paragraphs]
    text = [p.text for p in paragraphs]
    headings = [p.text for p in paragraphs if p.style.name.startswith("Heading")]
    for q in questions_for(review, standard_questions):
        assert q.label in headings, q.label
        for option in q.options:
            assert any(t.strip().endswith(option.label) for t in text), option.label
    joined = "\n".join(text)
    assert plain_title(review) in joined and publication(review) in joined and NOTICE in joined
    assert plain_title(review) in document.core_properties.title
    assert document.core_properties.language == "en-GB"
    # Space to answer: a bordered paragraph a line under each question that is not a set of checkboxes.
    lines = sum(q.answer_lines for q in questions_for(review, standard_questions) if q.kind != "checkboxes")
    assert sum(p.style.name == "Answer box" for p in paragraphs) == lines
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


@pytest.mark.parametrize("slug", SLUGS)
def test_word_document_is_reproducible(built_site, reviews, standard_questions, slug, monkeypatch):
    review = reviews[slug]
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    built = (built_site / docx_path(slug)).read_bytes()
    assert cpd_document(review, questions_for(review, standard_questions)) == built
    with zipfile.ZipFile(io.BytesIO(built)) as archive:
        assert len({info.date_time for info in archive.infolist()}) == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = cpd_document(review, questions_for(review, standard_questions))
    assert first == cpd_document(review, questions_for(review, standard_questions))
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.infolist()[0].date_time[:3] == (2023, 11, 14)
        assert b"2023-11-14T22:13:20Z" in archive.read("docProps/core.xml")


# --- the web form ------------------------------------------------------------------------------


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[dict] = []
        self.labels: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.text: dict[str, str] = {}  # element id -> its text
        self.buttons: list[dict] = []
        self.scripts: list[dict] = []
        self.stack: list[tuple[str, str | None]] = []
        self.in_form = 0
        self.fieldsets: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids[a["id"]] = tag
        if tag in ("input", "textarea"):
            self.fields.append(dict(a, tag=tag, in_form=bool(self.in_form), fieldset=bool(self.fieldsets)))
        if tag == "button":
            self.buttons.append(a)
        if tag == "script":
            self.scripts.append(a)
        if tag == "form":
            self.in_form += 1
        if tag == "fieldset":
            self.fieldsets.append(a)
        if tag not in ("input", "br", "meta", "link", "img"):
            self.stack.append((tag, a.get("for") if tag == "label" else a.get("id")))
            if a.get("id") or tag == "label":
                self.text.setdefault(f"{tag}:{self.stack[-1][1]}", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form -= 1
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        while self.stack:
            open_tag, key = self.stack.pop()
            if open_tag == "label" and key:
                self.labels[key] = re.sub(r"\s+", " ", self.text.get(f"label:{key}", "")).strip()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for tag, key in self.stack:
            name = f"{tag}:{key}"
            if name in self.text:
                self.text[name] += data


def _parse(path: Path) -> _FormParser:
    parser = _FormParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("slug", SLUGS)
def test_web_form_labels_every_field_with_its_question(built_site, reviews, standard_questions, slug):
    review = reviews[slug]
    page_file = built_site / f"reviews/{slug}/{CPD.path}index.html"
    page = _parse(page_file)
    expected = expected_fields(questions_for(review, standard_questions))
    assert [f["name"] for f in page.fields] == [n for n, _ in expected]
    for field, (_, label) in zip(page.fields, expected):
        assert field["in_form"], field["name"]
        assert field.get("id") and page.labels.get(field["id"]) == label, f"{field['name']}: no label[for] reading {label!r}"
        for hint in (field.get("aria-describedby") or "").split():
            assert hint in page.ids, f"{field['name']}: aria-describedby={hint} points nowhere"
        if field.get("type") == "checkbox":
            assert field["fieldset"], "checkboxes must be grouped in a fieldset with a legend"
    # Hours are typed on a phone's number keypad (with a decimal point: 1.5 hours).
    numbers = {q.id for q in questions_for(review, standard_questions) if q.kind == "number"}
    assert numbers and {f["name"] for f in page.fields if f.get("inputmode") == "decimal"} == numbers
    html = page_file.read_text(encoding="utf-8")
    assert "<legend" in html and NOTICE in html
    assert plain_title(review) in unescape(html) and publication(review) in html
    # Buttons are for the web only, never submit, and the script is an external file.
    assert {b.get("type") for b in page.buttons} == {"button"}
    assert {b.get("id") for b in page.buttons} >= {"cpd-clear", "cpd-print"}
    assert all(s.get("src") for s in page.scripts)
    assert any(s["src"].endswith("assets/js/cpd-form.js") for s in page.scripts)
    assert "this device only" in html


def test_print_html_for_the_pdf_has_no_buttons(reviews, standard_questions):
    from reviewpress.rendering import render_print_document, template_environment

    env = template_environment(ROOT / "templates")
    for review in reviews.values():
        html = render_print_document(env, review, "cpd", standard_questions)
        assert "<button" not in html and "<script" not in html


_SIZE = r"([\d.]+) ([KM]B)"


def _size_ok(label_number: str, unit: str, size: int) -> bool:
    shown = float(label_number) * (1024 if unit == "KB" else 1024 * 1024)
    return abs(shown - size) <= max(1024, size * 0.06)


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("output_key", ["report", "recommendations"])
def test_report_pages_offer_the_three_formats_with_their_sizes(built_site, slug, output_key):
    output = OUTPUT_BY_KEY[output_key]
    page_file = built_site / f"reviews/{slug}/{output.path}index.html"
    html = page_file.read_text(encoding="utf-8")
    start = html.index("Reflect on this report for your CPD")
    promo = html[start: html.index("</aside>", start)]
    up = "../" if output.path else ""
    assert f'href="{up}cpd/"' in promo
    pdf_match = re.search(
        rf'href="{re.escape(up)}{slug}-cpd-reflection\.pdf" download>[^<]+</a>\s*<span class="file-info">PDF, {_SIZE}, (\d+) pages?</span>', promo
    )
    docx_match = re.search(
        rf'href="{re.escape(up)}{slug}-cpd-reflection\.docx" download>[^<]+</a>\s*<span class="file-info">Word document, {_SIZE}</span>', promo
    )
    assert pdf_match and docx_match, promo
    pdf_file = built_site / pdf_path(slug, CPD)
    assert _size_ok(pdf_match.group(1), pdf_match.group(2), pdf_file.stat().st_size)
    with pikepdf.open(pdf_file) as pdf:
        assert len(pdf.pages) == int(pdf_match.group(3))
    assert _size_ok(docx_match.group(1), docx_match.group(2), (built_site / docx_path(slug)).stat().st_size)


# --- the web form in a browser -------------------------------------------------------------------



@pytest.fixture
def served_site(site_server):
    return site_server


@pytest.fixture
def chromium(chromium_browser):
    return chromium_browser


def test_web_form_keeps_answers_on_this_device_only_and_can_clear_them(chromium, served_site):
    context = chromium.new_context()
    outside, posted = [], []
    local = served_site.split("/")[2]

    def gate(route):
        request = route.request
        if request.method != "GET":
            posted.append(request.url)
        if local not in request.url.split("/")[2]:
            outside.append(request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", gate)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = served_site + "reviews/bedford/cpd/"
    page.goto(url)
    assert page.is_visible("#cpd-saved") and page.is_visible("#cpd-clear")
    page.fill("#cpd-learned", "What I learned")
    page.fill("#cpd-log-participatory-hours", "1.5")
    page.check("#cpd-nmc-code-themes-preserve-safety")
    page.press("#cpd-name", "Enter")  # must not submit anything anywhere
    page.reload()
    assert page.input_value("#cpd-learned") == "What I learned"
    assert page.input_value("#cpd-log-participatory-hours") == "1.5"
    assert page.is_checked("#cpd-nmc-code-themes-preserve-safety")
    assert page.is_visible("#cpd-restored")
    # Another review's form does not see these answers.
    page.goto(served_site + "reviews/bury/cpd/")
    assert page.input_value("#cpd-learned") == ""
    page.goto(url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cpd-clear")
    assert page.input_value("#cpd-learned") == "" and not page.is_checked("#cpd-nmc-code-themes-preserve-safety")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('reviewpress-cpd:'))") == []
    assert "cleared" in page.text_content("#cpd-status")
    page.emulate_media(media="print")
    assert not page.is_visible("#cpd-actions") and not page.is_visible(".cpd-privacy")
    assert not errors and not outside and not posted
    context.close()


def test_web_form_works_without_javascript(chromium, served_site):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site + "reviews/bedford/cpd/")
    assert not page.is_visible("#cpd-actions") and not page.is_visible("#cpd-saved")
    page.fill("#cpd-learned", "Typed without JavaScript")
    page.press("#cpd-name", "Enter")
    assert page.url.endswith("/reviews/bedford/cpd/")
    assert page.input_value("#cpd-learned") == "Typed without JavaScript"
    context.close()


@pytest.mark.parametrize("slug", SLUGS)
def test_filled_web_form_prints_every_answer_on_at_most_three_a4_pages(chromium, served_site, slug, tmp_path):
    """The web form printed from the browser (its print style sheet is ours) with every field filled
    with a long answer: the answer boxes grow to show all of it, and the form still fits three A4
    pages (it took four, the optional part starting a page of its own after a page 65% empty)."""
    page = chromium.new_page()
    page.goto(served_site + f"reviews/{slug}/cpd/")
    for field in page.query_selector_all("#cpd-form input, #cpd-form textarea"):
        kind = field.get_attribute("type")
        if kind == "checkbox":
            field.check()
        elif field.evaluate("element => element.tagName") == "TEXTAREA":
            field.fill(LONG_ANSWER)
        else:
            field.fill("1.5" if field.get_attribute("inputmode") == "decimal" else "Reading and a team discussion")
    page.evaluate("document.activeElement.blur()")
    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=str(printed), format="A4")
    with pikepdf.open(printed) as pdf:
        assert len(pdf.pages) <= 3, f"{slug}: the filled web form prints on {len(pdf.pages)} A4 pages"
    # A box holds such an answer as it is; a longer one makes its box grow rather than be cut off.
    page.fill("#cpd-form textarea", f"{LONG_ANSWER}\n\n{LONG_ANSWER}")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as printing does (cpd-form.js listens)
    clipped = page.evaluate("""() => [...document.querySelectorAll('#cpd-form textarea')]
        .filter(area => area.scrollHeight > area.clientHeight + 1).map(area => area.name)""")
    page.close()
    assert not clipped, f"answers cut off on paper: {clipped}"

"""Stage 3: a validated review becomes what the templates need for one output page.

Templates receive ready-made, already-safe HTML for every piece of text, ids
for every anchor, and URLs between the four outputs; they hold no logic beyond
loops and conditions.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from .action_plans import FORMATS, deadline_sentence, due_date
from .deadlines import weekday_date
from .inline import InlineRenderer, anchor_id, plain
from .model import (
    BoxBlock,
    BulletList,
    CaseExampleBlock,
    CpdQuestion,
    DisplayQuoteBlock,
    FindingBlock,
    Heading,
    KeyRecommendation,
    KeyRecommendationsBlock,
    ListItem,
    Paragraph,
    PracticeRecommendations,
    PracticeRecommendationsBlock,
    QuoteGroupBlock,
    RepeatRecommendationsBlock,
    Review,
    Section,
    Signature,
    TableBlock,
    iter_blocks,
    iter_findings,
)
from .outputs import (  # noqa: F401 (re-exported)
    EDITIONS,
    OUTPUT_BY_KEY,
    OUTPUTS,
    Edition,
    Output,
    docx_name,
    docx_path,
    epub_name,
    page_path,
    pdf_name,
    pdf_path,
    print_key,
    size_label,
)


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def long_date(value: dt.date) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


def ordinal_date(value: dt.date) -> str:
    """As the reports print dates: '18th May 2015'."""
    return f"{_ordinal(value.day)} {value.strftime('%B %Y')}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", plain(text).lower()).strip("-")[:60] or "section"


@dataclass
class PageLinks:
    """Relative URLs from one output page (web) or within one PDF (print)."""

    slug: str
    current: Output
    medium: str  # "web" or "print"

    def to(self, output_key: str, anchor: str | None = None) -> str | None:
        target = OUTPUT_BY_KEY[output_key]
        fragment = f"#{anchor}" if anchor else ""
        if target.key == self.current.key:
            return fragment or "#main-content"
        if self.medium == "print":
            return None  # a PDF cannot follow a relative link to another page
        up = "../" if self.current.path else ""
        return f"{up}{target.path}{fragment}"


# Ids the templates write themselves (`id="..."` with a fixed value in templates/). A heading,
# box, table or section whose title would make one of these ids gets a suffix instead
# ("recommendations-2"), so that no page has two elements with one id, and no link or skip
# link lands on the wrong one. tests/test_hostile_text.py checks that every fixed id in
# templates/ is listed here.
LAYOUT_IDS = {"main-content"}  # main.html: the skip link's target
PAGE_IDS = {  # outputs/*.html and the partials they include: on the page whatever the review holds
    "report": {"title", "contents-title", "cpd-promo-title"},
    "recommendations": {"title", "cpd-promo-title"},
    "young-people": {"title", "words-we-use", "helplines", "for-adults"},
    "cpd": {"title", "cpd-saved", "cpd-restored", "cpd-form", "cpd-part-nmc", "cpd-part-record",
            "cpd-actions", "cpd-print", "cpd-clear", "cpd-status"},
}
# On the page only when the review has what they head (as the templates' conditions say). A
# report without recommendation groups can have a section titled "Recommendations" keep the id
# "recommendations", as "Not seen, not heard" does.
REPORT_IDS_IF = {"recommendations": "recommendations", "next-steps": "next_steps", "footnotes": "footnotes",
                 "references": "references"}
RECOMMENDATIONS_PAGE_IDS_IF_GROUPS = {"contents-title", "recommendations", "action-plan-templates"}
OTHER_TEMPLATE_IDS = {  # templates outside a review's pages, listed for the test that finds them all
    "search-form", "search-query", "search-status", "search-results", "search-more",
    # home.html and templates/catalogue/: pages across reviews, whose ids never meet a review's text
    "browse-title", "review-filter", "review-filter-title", "review-filter-region", "review-filter-year", "review-filter-status",
    "by-theme", "by-organisation-type", "by-region", "by-year", "open-data", "recommendation-filter", "filter-title",
    "filter-form", "filter-status", "filter-results", "filter-more", "reviews-here", "files", "how-they-fit", "licence", "feed",
}


def _bullet(item: Any, render: InlineRenderer) -> SimpleNamespace:
    if isinstance(item, ListItem):
        return SimpleNamespace(html=render.inline(item.text), items=[render.inline(i) for i in item.items])
    return SimpleNamespace(html=render.inline(item), items=[])


def _reserved_ids(review: Review, key: str) -> set[str]:
    """Ids a page has that are not handed out by _free_id: the template's own, and those the
    renderer writes for numbered things (paragraphs, recommendations, notes)."""
    ids = set(LAYOUT_IDS) | PAGE_IDS[key]
    if key == "report":
        ids |= {ident for ident, field_name in REPORT_IDS_IF.items() if getattr(review, field_name)}
    elif key == "recommendations":
        blocks = [block for _, block in iter_blocks(review)]
        if any(isinstance(block, KeyRecommendationsBlock) for block in blocks):
            ids.add("key-recommendations")
        if any(isinstance(block, PracticeRecommendationsBlock) for block in blocks):
            ids.add("in-practice")
        if review.recommendations:
            ids |= RECOMMENDATIONS_PAGE_IDS_IF_GROUPS
    for group in review.recommendations:
        ids.add(f"recommendations-group-{group.number}")
        ids.update(anchor_id("rec", rec.number) for rec in group.items)
    ids.update(anchor_id("para", finding.number) for _, finding in iter_findings(review))
    ids.update(f"fn-{f.id}" for f in review.footnotes)
    ids.update(f"fnref-{f.id}" for f in review.footnotes)
    ids.update(f"ref-{r.number}" for r in review.references)
    return ids


def _id_wanted(thing: Any) -> tuple[str, tuple[str, ...]]:
    """The id a section or block asks for, and the suffixes of further ids its template makes from
    it (a table's "-caption"), which must be free too."""
    if isinstance(thing, Section):
        return (anchor_id("section", thing.number) if thing.number else slugify(thing.title)), ()
    if isinstance(thing, Heading):
        return slugify(thing.heading), ()
    if isinstance(thing, BoxBlock):
        return slugify(thing.box.title), ()
    if isinstance(thing, TableBlock):
        return "table-" + slugify(thing.table.title), ("-caption",)
    if isinstance(thing, PracticeRecommendations):
        return f"recommendations-{thing.id}", ()
    if isinstance(thing, KeyRecommendation):
        return anchor_id("rec", thing.number), ()
    raise TypeError(f"no id for {type(thing).__name__}")


def _free_id(used: set[str], base: str, also: tuple[str, ...] = ()) -> str:
    """base, or base-2, base-3 ...: the first not yet used on the page (with every suffix in also)."""
    ident, n = base, 2
    while any(ident + suffix in used for suffix in ("", *also)):
        ident, n = f"{base}-{n}", n + 1
    used.update(ident + suffix for suffix in ("", *also))
    return ident


def report_ids(review: Review) -> dict[int, str]:
    """The id of every section and block on the full report page, by the object it is for (id()).

    The one place those ids are made: the report page takes them from here, and the other pages'
    links to its sections ("Read more" on the young people's page) too, so a link cannot land on a
    heading or box that took a section's id. Handed out in reading order, each section before its
    blocks and subsections, then the publication details (back matter); the first thing to want an
    id gets it, later ones a suffix."""
    used = _reserved_ids(review, "report")
    ids: dict[int, str] = {}

    def give(thing: Any) -> None:
        ids[id(thing)] = _free_id(used, *_id_wanted(thing))

    def walk_blocks(blocks: list) -> None:
        for block in blocks:
            if isinstance(block, (Heading, BoxBlock, TableBlock)):
                give(block)
            elif isinstance(block, PracticeRecommendationsBlock):
                give(block.recommendations_block)
            elif isinstance(block, KeyRecommendationsBlock):
                for key in block.key_recommendations:
                    give(key)
            if isinstance(block, BoxBlock):
                walk_blocks(block.box.blocks)
            elif isinstance(block, CaseExampleBlock):
                walk_blocks(block.case_example.blocks)

    def walk_sections(sections: list[Section]) -> None:
        for section in sections:
            give(section)
            walk_blocks(section.blocks)
            walk_sections(section.sections)

    walk_sections(review.sections)
    if review.back_matter:
        walk_blocks(review.back_matter.blocks)
    return ids


class Deferred:
    """A context value made when a template first reads it. Each output's template reads only part of
    the context: the recommendations list, the young people's page and the CPD page need none of the
    report's sections, which were half of an HTML-only build. Ids are handed out as values are made,
    in the order the page's template reads them, so each page's ids stay unique and stable (the full
    report's sections and blocks excepted: report_ids makes theirs, for the pages that link to them)."""

    def __init__(self, make):
        self._make = make

    @functools.cached_property
    def value(self):
        return self._make()

    def __getattr__(self, name: str):
        return getattr(self.value, name)

    def __iter__(self):
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)

    def __getitem__(self, index):
        return self.value[index]

    def __bool__(self) -> bool:
        return bool(self.value)


class ReviewContextBuilder:
    def __init__(self, review: Review, output: Output, medium: str, cpd_defaults: list[CpdQuestion]):
        self.review = review
        self.output = output
        self.medium = medium
        self.links = PageLinks(review.slug, output, medium)
        self.cpd_defaults = cpd_defaults
        self.cited_by = self._cited_by()
        self.render = InlineRenderer(self._recommendation_href)
        self.practice_blocks = {
            block.recommendations_block.id: block.recommendations_block
            for _, block in iter_blocks(review)
            if isinstance(block, PracticeRecommendationsBlock)
        }
        # The chapter each block is in: on the recommendations page, where the blocks stand together,
        # each box is headed by its chapter ("Recommendations: Leadership").
        self.practice_chapters = {
            block.recommendations_block.id: review.sections[loc[1]]
            for loc, block in iter_blocks(review)
            if isinstance(block, PracticeRecommendationsBlock) and loc[0] == "sections"
        }
        self.used_ids: set[str] = _reserved_ids(review, output.key)
        # The report page's sections and blocks have their ids made once, by report_ids; any other
        # page's are handed out as its template reads them (Deferred), after its own fixed ids.
        self.planned_ids: dict[int, str] = self.report_ids if output.key == "report" else {}
        self.used_ids |= set(self.planned_ids.values())

    @functools.cached_property
    def report_ids(self) -> dict[int, str]:
        return report_ids(self.review)

    def _recommendation_href(self, number: str) -> str | None:
        return self.links.to("report", anchor_id("rec", number)) if self.output.key == "report" else self.links.to("recommendations", anchor_id("rec", number))

    def _cited_by(self) -> dict[str, list[str]]:
        cited: dict[str, list[str]] = {}
        for _, finding in iter_findings(self.review):
            for number in finding.recommendations:
                if finding.number not in cited.setdefault(number, []):
                    cited[number].append(finding.number)
        return cited

    def _unique_id(self, base: str, also: tuple[str, ...] = ()) -> str:
        return _free_id(self.used_ids, base, also)

    def _id(self, thing: Any) -> str:
        """A section's or block's id on this page: on the report page, the one report_ids made."""
        planned = self.planned_ids.get(id(thing))
        return planned if planned is not None else self._unique_id(*_id_wanted(thing))

    # --- blocks -------------------------------------------------------------------

    def block(self, block: Any) -> SimpleNamespace:
        r = self.render
        if isinstance(block, Paragraph):
            return SimpleNamespace(kind="p", html=r.block(block.p))
        if isinstance(block, Heading):
            return SimpleNamespace(kind="heading", html=r.inline(block.heading), id=self._id(block))
        if isinstance(block, BulletList):
            return SimpleNamespace(kind="bullets", items=[_bullet(i, r) for i in block.bullets])
        if isinstance(block, FindingBlock):
            f = block.finding
            ident = anchor_id("para", f.number)
            self.used_ids.add(ident)
            paragraphs = [r.block(p) for p in re.split(r"\n\s*\n", f.text)]
            return SimpleNamespace(
                kind="finding",
                number=f.number,
                id=ident,
                self_href=f"#{ident}",
                paragraphs=paragraphs,
                note_html=r.block(f.note) if f.note else None,
            )
        if isinstance(block, CaseExampleBlock):
            c = block.case_example
            return SimpleNamespace(
                kind="case_example",
                label=c.label,
                title_html=r.inline(c.title) if c.title else None,
                blocks=[self.block(b) for b in c.blocks],
            )
        if isinstance(block, QuoteGroupBlock):
            g = block.quotes
            return SimpleNamespace(
                kind="quotes",
                intro_html=r.inline(g.intro) if g.intro else None,
                speaker=g.speaker,
                quotes=[
                    SimpleNamespace(
                        html=r.inline(q.text),
                        lead_in_html=r.inline(q.lead_in) if q.lead_in else None,
                        after_html=r.inline(q.after) if q.after else None,
                        speaker_html=r.inline(q.speaker) if q.speaker else None,
                    )
                    for q in g.quotes
                ],
            )
        if isinstance(block, DisplayQuoteBlock):
            q = block.quote
            return SimpleNamespace(kind="quote", html=r.inline(q.text), speaker_html=r.inline(q.speaker) if q.speaker else None)
        if isinstance(block, BoxBlock):
            b = block.box
            return SimpleNamespace(
                kind="box",
                box_kind=b.kind,
                title_html=r.inline(b.title),
                id=self._id(block),
                place=b.place,
                blocks=[self.block(x) for x in b.blocks],
            )
        if isinstance(block, TableBlock):
            t = block.table
            return SimpleNamespace(
                kind="table",
                id=self._id(block),
                title_html=r.inline(t.title),
                column_headings=t.column_headings,
                headings_from_source="column_headings" in t.model_fields_set,
                rows=[SimpleNamespace(label_html=r.inline(row.label), cells=[_bullet(c, r) for c in row.cells]) for row in t.rows],
                note_html=r.inline(t.note) if t.note else None,
            )
        if isinstance(block, PracticeRecommendationsBlock):
            return self._practice(block.recommendations_block)
        if isinstance(block, RepeatRecommendationsBlock):
            rep = block.repeat_recommendations
            bullets = [r.inline(b) for ident in rep.blocks for b in self.practice_blocks[ident].bullets]
            return SimpleNamespace(kind="repeat_recommendations", heading_html=r.inline(rep.heading), bullets=bullets)
        if isinstance(block, KeyRecommendationsBlock):
            return SimpleNamespace(
                kind="key_recommendations",
                items=[
                    SimpleNamespace(number=k.number, id=self._id(k), title_html=r.inline(k.title), html=r.block(k.text))
                    for k in block.key_recommendations
                ],
            )
        if isinstance(block, Signature):
            return SimpleNamespace(kind="signature", lines=[r.inline(line) for line in block.signature])
        raise TypeError(f"no context for block {type(block).__name__}")

    def _practice(self, block, with_chapter: bool = False) -> SimpleNamespace:
        r = self.render
        chapter = self.practice_chapters.get(block.id) if with_chapter else None
        return SimpleNamespace(
            kind="recommendations_block",
            chapter_html=(Markup(f"{chapter.number}. ") if chapter and chapter.number else Markup("")) + r.inline(chapter.title)
            if chapter else None,
            id=self._id(block),
            lead_in_html=r.block(block.lead_in),
            practice_intro_html=r.inline(block.practice_intro),
            bullets=[r.inline(b) for b in block.bullets],
        )

    def section(self, section: Section, level: int) -> SimpleNamespace:
        label = f"{section.number}. " if section.number and section.number_shown and "." not in section.number else (
            f"{section.number} " if section.number and section.number_shown else ""
        )
        return SimpleNamespace(
            id=self._id(section),
            number_label=label,
            title_html=self.render.inline(section.title),
            title_text=plain(section.title),
            level=min(level, 6),
            blocks=[self.block(b) for b in section.blocks],
            sections=[self.section(s, level + 1) for s in section.sections],
        )

    # --- whole review -------------------------------------------------------------

    def metadata_rows(self) -> list[tuple[str, str | list[str]]]:
        m = self.review.metadata
        rows: list[tuple[str, str | list[str]]] = []
        if m.review_dates:
            rows.append(("Date of review", f"{ordinal_date(m.review_dates.start)} – {ordinal_date(m.review_dates.end)}"))
        if m.publication_date:
            rows.append(("Date of publication", ordinal_date(m.publication_date)))
        elif m.publication_month:
            rows.append(("Published", m.publication_month))
        for label, values in (
            ("Name(s) of CQC inspector", m.inspectors),
            ("Provider services included", m.provider_services),
            ("CCGs included", m.ccgs),
        ):
            if values:
                rows.append((label, values))
        for label, value in (
            ("NHS England area", m.nhs_england_area),
            ("CQC region", m.cqc_region),
            (m.deputy_chief_inspector_title, m.deputy_chief_inspector),
        ):
            if value:
                rows.append((label, value))
        return rows

    def recommendation_groups(self) -> list[SimpleNamespace]:
        r = self.render
        groups = []
        for group in self.review.recommendations:
            items = []
            for rec in group.items:
                cited = self.cited_by.get(rec.number, [])
                items.append(
                    SimpleNamespace(
                        number=rec.number,
                        id=anchor_id("rec", rec.number),
                        html=r.inline(rec.text),
                        cited_by=[
                            SimpleNamespace(number=n, href=self.links.to("report", anchor_id("para", n)),
                                            # what a screen reader's list of links shows: "of the full report" only
                                            # where the link leads to another page
                                            name=f"Paragraph {n}" if self.output.key == "report" else f"Paragraph {n} of the full report")
                            for n in cited
                        ],
                    )
                )
            groups.append(
                SimpleNamespace(
                    number=group.number,
                    id=f"recommendations-group-{group.number}",
                    lead_in_html=r.inline(group.lead_in),
                    organisations=group.organisations,
                    items=items,
                )
            )
        return groups

    def action_plans(self, made: list[dict]) -> SimpleNamespace | None:
        """When the action plan is due, and each organisation's templates to download (web pages only)."""
        if not self.review.recommendations:
            return None
        days = self.review.next_steps.deadline_working_days if self.review.next_steps else 20
        due = due_date(self.review)
        up = "../" if self.output.path else ""
        return SimpleNamespace(
            due_text=weekday_date(due) if due else None,
            sentence=deadline_sentence(due, days),
            days=days,
            organisations=[
                SimpleNamespace(
                    name=plan["organisation"],
                    files=[
                        SimpleNamespace(label=FORMATS[fmt], href=f"{up}{plan['stem']}.{fmt}", size_label=size_label(spec["size"]))
                        for fmt, spec in plan["files"].items()
                    ],
                )
                for plan in made
            ] if self.medium == "web" else [],
        )

    def cpd(self, pdf_info: dict[str, Any] | None, docx_info: Any | None) -> SimpleNamespace:
        """The CPD template's questions by part, and its three formats (web form, PDF, Word)."""
        questions = self.review.cpd_questions or self.cpd_defaults
        cpd_output = OUTPUT_BY_KEY["cpd"]
        return SimpleNamespace(
            parts=[
                SimpleNamespace(key=part, questions=[q for q in questions if q.part == part])
                for part in ("record", "nmc")
                if any(q.part == part for q in questions)
            ],
            storage_key=f"reviewpress-cpd:{self.review.slug}",
            web_href=self.links.to("cpd"),
            pdf_href=pdf_relative(self.output, self.review.slug, cpd_output),
            pdf=(pdf_info or {}).get("cpd"),
            docx_href=("../" if self.output.path else "") + docx_name(self.review.slug),
            docx=docx_info,
        )

    def build(self, pdf_info: dict[str, Any] | None = None, docx_info: Any | None = None) -> dict[str, Any]:
        review = self.review
        r = self.render
        return {
            "review": SimpleNamespace(
                slug=review.slug,
                kind=review.kind,
                title=plain(review.title),
                subtitle_lines=[plain(line) for line in (review.subtitle or "").splitlines() if line.strip()],
                area=review.area,
                publication=self._publication_text(),
            ),
            "output": self.output,
            "medium": self.medium,
            # The accessibility statement's "other formats" section, relative to this web page.
            "other_formats_href": ("../" * (3 if self.output.path else 2)) + "pages/accessibility/#other-formats",
            "link": self.links.to,
            "metadata_rows": self.metadata_rows(),
            "sections": Deferred(lambda: [self.section(s, 2) for s in review.sections]),
            "recommendation_groups": Deferred(self.recommendation_groups),
            "key_recommendations": Deferred(
                lambda: [self.block(b) for _, b in iter_blocks(review) if isinstance(b, KeyRecommendationsBlock)]
            ),
            "practice_recommendations": Deferred(lambda: [self._practice(b, with_chapter=True) for b in self.practice_blocks.values()]),
            "recommendations_intro": Deferred(lambda: [r.block(p) for p in review.recommendations_intro]),
            "next_steps": SimpleNamespace(
                paragraphs=[r.block(p) for p in review.next_steps.paragraphs],
                required_from=review.next_steps.required_from,
                days=review.next_steps.deadline_working_days,
            )
            if review.next_steps
            else None,
            "footnotes": Deferred(lambda: [
                SimpleNamespace(id=f"fn-{f.id}", letter=f.id, html=r.block(f.text), back_href=f"#fnref-{f.id}")
                for f in review.footnotes
            ]),
            "back_matter": Deferred(lambda: [self.block(b) for b in review.back_matter.blocks] if review.back_matter else []),
            "references": Deferred(lambda: [
                SimpleNamespace(id=f"ref-{x.number}", number=x.number, html=r.inline(x.text)) for x in review.references
            ]),
            "young_people": Deferred(self.young_people),
            "cpd_questions": review.cpd_questions or self.cpd_defaults,
            "cpd": self.cpd(pdf_info, docx_info),
            "outputs": [
                SimpleNamespace(
                    key=o.key,
                    name=o.name,
                    label=o.label,
                    href=self.links.to(o.key),
                    pdf_href=pdf_relative(self.output, review.slug, o),
                    pdf=(pdf_info or {}).get(o.key),
                    editions=[
                        SimpleNamespace(name=e.name, href=pdf_relative(self.output, review.slug, o, e),
                                        pdf=(pdf_info or {}).get(print_key(o, e)))
                        for e in o.editions
                    ],
                    epub=(pdf_info or {}).get(f"{o.key}.epub"),
                    epub_href=("../" if self.output.path else "") + epub_name(review.slug, o),
                    current=o.key == self.output.key,
                )
                for o in OUTPUTS
            ],
        }

    def _publication_text(self) -> str | None:
        m = self.review.metadata
        if m.publication_date:
            return long_date(m.publication_date)
        return m.publication_month

    def young_people(self) -> SimpleNamespace:
        yp = self.review.young_people
        r = self.render
        self.used_ids.update(PAGE_IDS["young-people"])
        sections = []
        number = 0
        for section in yp.sections:
            points = []
            for point in section.points:
                number += 1
                # One "Read more" a point, so that a young reader meets one short link, not a row of
                # paragraph numbers: the first finding it names, or else its first section or
                # recommendation (a point names its main source first).
                if point.findings:
                    anchor = anchor_id("para", point.findings[0])
                elif point.sections:
                    anchor = self._section_anchor(point.sections[0])
                else:
                    anchor = anchor_id("rec", point.recommendations[0])
                points.append(SimpleNamespace(html=r.inline(point.text), number=number,
                                              read_more_href=self.links.to("report", anchor)))
            sections.append(SimpleNamespace(heading=section.heading, id=self._unique_id(slugify(section.heading)), points=points))
        return SimpleNamespace(
            written_for=yp.written_for,
            intro=[r.inline(p) for p in yp.intro],
            sections=sections,
            glossary=[SimpleNamespace(term=g.term, html=r.inline(g.meaning)) for g in yp.glossary],
        )

    def _section_anchor(self, title: str) -> str:
        """The id of the first section (in reading order) with this title on the full report page."""
        def first(sections: list[Section]) -> Section | None:
            for section in sections:
                found = section if section.title == title else first(section.sections)
                if found is not None:
                    return found
            return None

        section = first(self.review.sections)
        return "main-content" if section is None else self.report_ids[id(section)]


def pdf_relative(current: Output, slug: str, target: Output, edition: Edition = EDITIONS[0]) -> str:
    """The PDF link from a page: PDFs all live in the review's own folder."""
    return ("../" if current.path else "") + pdf_name(slug, target, edition)


def build_context(review: Review, output_key: str, medium: str, cpd_defaults: list[CpdQuestion], pdf_info=None,
                  docx_info=None, action_plan_files: list[dict] | None = None) -> dict[str, Any]:
    builder = ReviewContextBuilder(review, OUTPUT_BY_KEY[output_key], medium, cpd_defaults)
    context = builder.build(pdf_info, docx_info)
    context["action_plans"] = builder.action_plans(action_plan_files or [])
    return context

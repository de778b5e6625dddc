"""Action-plan templates: for each organisation a review names, its recommendations ready to answer.

Every local review asks the organisations it names to send CQC an action plan within a
number of working days. This module gathers, for one organisation, the recommendations
of its groups (word for word, with the lead-in naming who must act), the paragraphs of the
report behind each one and the date the plan is due; action_plan_files.py writes that as a
workbook, a Word table and a CSV file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .deadlines import add_working_days, weekday_date
from .inline import anchor_id, plain
from .model import Review, iter_findings
from .organisations import (
    ORGANISATION_TYPES,
    Organisation,
    OrganisationDirectory,
    file_slug,
)

STATUSES = ("Not started", "In progress", "Completed")
FORMATS = {"xlsx": "Excel", "docx": "Word", "csv": "CSV"}
# Tried only where a run of address characters starts (the look-behind), so a long run without
# an @ costs one pass, not one pass per character.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Citation:
    """A paragraph of the report that cites the recommendation."""

    number: str
    url: str
    text: str  # the finding, word for word (Markdown removed)


@dataclass(frozen=True)
class PlanRow:
    number: str
    url: str
    lead_in: str  # who must act, as printed
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class ActionPlan:
    review_title: str
    review_name: str  # the area, or the title where there is none
    review_url: str
    organisation: Organisation
    names_in_report: tuple[str, ...]
    rows: tuple[PlanRow, ...]
    required_from: tuple[str, ...]
    working_days: int
    published: dt.date | None
    due: dt.date | None
    send_to: str | None
    file_stem: str

    @property
    def organisation_type(self) -> str:
        return ORGANISATION_TYPES[self.organisation.type]

    @property
    def due_text(self) -> str | None:
        return weekday_date(self.due) if self.due else None

    @property
    def deadline_sentence(self) -> str:
        """The sentence every file and the recommendations page print."""
        return deadline_sentence(self.due, self.working_days)

    @property
    def published_text(self) -> str | None:
        return f"{self.published.day} {self.published.strftime('%B %Y')}" if self.published else None


def deadline_sentence(due: dt.date | None, working_days: int) -> str:
    if due is None:
        return (f"Send your action plan to CQC within {working_days} working days of receiving the report "
                "(the report does not print its publication date, so the day cannot be worked out here).")
    return f"Send your action plan to CQC by {weekday_date(due)}."


def due_date(review: Review) -> dt.date | None:
    """The publication date plus the review's working days (20 unless its next steps say otherwise)."""
    published = review.metadata.publication_date
    if published is None:
        return None
    return add_working_days(published, review.next_steps.deadline_working_days if review.next_steps else 20)


def file_stem(review_slug: str, organisation: Organisation) -> str:
    return f"{review_slug}-action-plan-{file_slug(organisation.name)}"


def action_plans(review: Review, directory: OrganisationDirectory, site_url: str = "") -> list[ActionPlan]:
    """One plan per organisation named in the review's recommendation groups, in the order they are first named.

    site_url: the site's address; links in the files are absolute when it is known, otherwise
    relative to the file's own folder (the review's), which works where the file is opened from the site.
    """
    base = f"{site_url.rstrip('/')}/reviews/{review.slug}/" if site_url else "./"
    findings = {finding.number: finding for _, finding in iter_findings(review)}
    cited_by: dict[str, list[str]] = {}
    for number, finding in findings.items():
        for rec in finding.recommendations:
            if number not in cited_by.setdefault(rec, []):
                cited_by[rec].append(number)

    rows_by_org: dict[str, list[PlanRow]] = {}
    organisations: dict[str, Organisation] = {}
    names: dict[str, list[str]] = {}
    for group in review.recommendations:
        for printed in group.organisations:
            for organisation in directory.resolve(printed, review.slug) or []:
                organisations.setdefault(organisation.name, organisation)
                if printed not in names.setdefault(organisation.name, []):
                    names[organisation.name].append(printed)
                rows = rows_by_org.setdefault(organisation.name, [])
                for rec in group.items:
                    if any(row.number == rec.number for row in rows):
                        continue
                    rows.append(PlanRow(
                        number=rec.number,
                        url=f"{base}recommendations/#{anchor_id('rec', rec.number)}",
                        lead_in=plain(group.lead_in),
                        text=plain(rec.text),
                        citations=tuple(
                            Citation(n, f"{base}#{anchor_id('para', n)}", plain(findings[n].text)) for n in cited_by.get(rec.number, [])
                        ),
                    ))

    next_steps = review.next_steps
    send_to = None
    if next_steps:
        send_to = next((m.group(0) for p in next_steps.paragraphs if (m := _EMAIL.search(p))), None)
    return [
        ActionPlan(
            review_title=plain(review.title),
            review_name=review.area or plain(review.title),
            review_url=base,
            organisation=organisations[name],
            names_in_report=tuple(names[name]),
            rows=tuple(rows),
            required_from=tuple(next_steps.required_from) if next_steps else (),
            working_days=next_steps.deadline_working_days if next_steps else 20,
            published=review.metadata.publication_date,
            due=due_date(review),
            send_to=send_to,
            file_stem=file_stem(review.slug, organisations[name]),
        )
        for name, rows in rows_by_org.items()
    ]

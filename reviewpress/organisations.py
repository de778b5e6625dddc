"""The organisations that reviews ask to act, read from content/organisations.yaml.

A report names the same organisation in several ways ("Pennine Care", "Pennine Care
NHS Foundation Trust"), and some names stand for several organisations ("Staffordshire
CCGs"). The reviewed list gives each organisation one name, its type and the other names
reports use for it; every name in a review's recommendation groups and next steps must
resolve through it, so that an action plan reaches the right organisation and nobody's
recommendations are lost under a variant spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .errors import ContentError, ContentErrors
from .model import Slug, Strict, Text

ORGANISATION_TYPES = {
    "ccg": "Clinical commissioning group (CCG)",
    "acute-trust": "Acute hospital trust",
    "community-health": "Community health services",
    "mental-health": "Mental health services",
    "gp": "GP and primary care",
    "public-health": "Public health",
    "substance-misuse": "Drug and alcohol services",
    "nhs-england": "NHS England",
    "other": "Other",
}
OrganisationType = Literal[
    "ccg", "acute-trust", "community-health", "mental-health", "gp", "public-health", "substance-misuse", "nhs-england", "other"
]


class Organisation(Strict):
    name: Text = Field(description="The organisation's name as the reports print it in full; action plans carry this name.")
    type: OrganisationType = Field(description="What kind of organisation it is: " + "; ".join(f"{k}: {v}" for k, v in ORGANISATION_TYPES.items()) + ".")
    other_names: list[Text] = Field(default_factory=list, description="Other names reports use for it, as printed.")
    members: list[Text] = Field(
        default_factory=list,
        description='For a name that stands for several organisations ("Staffordshire CCGs"): their names. '
        "Its recommendations go into each member's action plan; it gets none of its own.",
    )
    only_in: list[Slug] = Field(
        default_factory=list,
        description='The slugs of the reviews in which its names mean this organisation, for names as general as "Public Health".',
    )
    ods_code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{3,6}$")] | None = Field(
        None, description="The NHS Organisation Data Service code, if known."
    )


def file_slug(name: str) -> str:
    """An organisation's part of its action-plan file names: "NHS Bury CCG" -> "nhs-bury-ccg"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "organisation"


def name_key(name: str) -> str:
    """Names compare without case, spacing or the difference between "&" and "and"."""
    return " ".join(re.sub(r"\s*&\s*", " and ", name).casefold().split())


@dataclass(frozen=True)
class OrganisationDirectory:
    organisations: tuple[Organisation, ...]
    path: Path

    def _entries(self, name: str, review_slug: str) -> list[Organisation]:
        key = name_key(name)
        matches = [o for o in self.organisations if key in {name_key(n) for n in (o.name, *o.other_names)}]
        scoped = [o for o in matches if review_slug in o.only_in]
        return scoped or [o for o in matches if not o.only_in]

    def resolve(self, name: str, review_slug: str) -> list[Organisation] | None:
        """The organisations a name printed in a review stands for (several for a group name), or None."""
        entries = self._entries(name, review_slug)
        if not entries:
            return None
        entry = entries[0]
        if not entry.members:
            return [entry]
        # One level only: read_organisations refuses a group among a group's members (so no cycle).
        found: list[Organisation] = []
        for member in entry.members:
            found += [m for m in self._entries(member, review_slug)[:1] if not m.members]
        return found

    def type_label(self, organisation: Organisation) -> str:
        return ORGANISATION_TYPES[organisation.type]


def read_organisations(path: Path) -> OrganisationDirectory:
    """The reviewed list; ContentErrors naming file, line and field for any mistake in it."""
    from .loading import error_at, read_model

    organisations, reading = read_model(path, list[Organisation], what="a list of organisations (- name: ..., type: ...)")
    if reading.errors or organisations is None:
        raise ContentErrors(reading.errors or [ContentError(path, None, None, "is not a list of organisations")])
    errors: list[ContentError] = []

    def error(loc: tuple, message: str) -> None:
        errors.append(error_at(path, reading.lines, loc, message))

    seen: dict[tuple[str, str], int] = {}
    for i, organisation in enumerate(organisations):
        for j, name in enumerate((organisation.name, *organisation.other_names)):
            loc = (i, "name") if j == 0 else (i, "other_names", j - 1)
            for scope in organisation.only_in or ["*"]:
                key = (name_key(name), scope)
                if key in seen and seen[key] != i:
                    first = organisations[seen[key]].name
                    error(loc, f'"{name}" already names {first}; a name may stand for one organisation only '
                               "(use only_in to limit a general name to the reviews that use it)")
                seen.setdefault(key, i)
    directory = OrganisationDirectory(tuple(organisations), path)
    for i, organisation in enumerate(organisations):
        for j, member in enumerate(organisation.members):
            for scope in organisation.only_in or [""]:  # a member must be found in every review the group is used in
                entries = directory._entries(member, scope)
                where = f" in the review {scope}" if scope else ""
                if not entries:
                    error((i, "members", j), f'"{member}" is not the name of an organisation in this list{where}')
                    break
                if entries[0].members:
                    error((i, "members", j), f'"{member}" is itself a group of organisations{where}; list its members instead')
                    break
    files: dict[str, int] = {}
    for i, organisation in enumerate(organisations):
        if organisation.members:
            continue  # a group has no action plan of its own
        stem = file_slug(organisation.name)
        if stem in files:
            error((i, "name"), f'"{organisation.name}" would share its action-plan file name ("{stem}") with '
                               f'{organisations[files[stem]].name}; make the names differ in their letters or digits')
        files.setdefault(stem, i)
    if errors:
        raise ContentErrors(errors)
    return directory


def organisation_errors(item, directory: OrganisationDirectory) -> list[ContentError]:
    """Every organisation a review names (recommendation groups, next steps) must be in the list."""
    review = item.review
    errors: list[ContentError] = []
    named: list[tuple[tuple[str | int, ...], str]] = [(("recommendations", g, "organisations", i), name)
             for g, group in enumerate(review.recommendations) for i, name in enumerate(group.organisations)]
    if review.next_steps:
        named += [(("next_steps", "required_from", i), name) for i, name in enumerate(review.next_steps.required_from)]
    for loc, name in named:
        resolved = directory.resolve(name, review.slug)
        if resolved is None:
            errors.append(item.error(loc, f'"{name}" is not in {directory.path.name}: add it there with its type, '
                                          "or add this spelling to the other_names of the organisation it means"))
        elif not resolved:
            errors.append(item.error(loc, f'"{name}" is a group in {directory.path.name} whose members are not found for '
                                          f"this review ({review.slug}); its recommendations would reach nobody"))
    return errors

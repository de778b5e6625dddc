"""Checking the content: every review validated and cross-checked against the lists it names
(organisations, themes), the readability gates and the standard CPD questions.

`build.py check` runs all of it at once (load_content); a build checks each review it has no cache
record for in a worker (incremental.build_review), and the checks across reviews over every review's
record. Both run validate_review for each review, cross_review_errors over all of them and read the
lists with read_lists, and list the errors in one order, so a mistake gets the same message and line
from `check`, `build` and `serve`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError, ContentErrors

if TYPE_CHECKING:
    from .loading import SourcedReview
    from .model import CpdQuestion
    from .organisations import OrganisationDirectory
    from .themes import ThemeList


def read_cpd_questions(path: Path) -> list[CpdQuestion]:
    """The standard CPD questions; a mistake in the file is reported by line and field, like a review's."""
    from typing import Annotated

    from pydantic import AfterValidator

    from .loading import read_model
    from .model import CpdQuestion, check_cpd_questions

    questions, reading = read_model(path, Annotated[list[CpdQuestion], AfterValidator(check_cpd_questions)],
                                    what="a list of CPD questions (- id: ..., label: ...)")
    if reading.errors or questions is None:
        raise ContentErrors(reading.errors or [ContentError(path, None, None, "is not a list of CPD questions")])
    return questions


@dataclass(frozen=True)
class ReviewSlug:
    """A review's slug and where it is written: what the checks across reviews need from each review
    (a build keeps it in the review's cache record, so a review it does not read again is still checked)."""

    path: Path
    slug: str
    line: int | None


@dataclass
class ReviewValidation:
    """One review file validated and cross-checked against the lists it names."""

    path: Path
    item: SourcedReview | None  # None if the file has any error
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    slug: ReviewSlug | None = None  # None if the file is not a readable review at all


@dataclass
class ContentLists:
    """The files every review is checked against, read once: the standard CPD questions, the
    organisations and the themes (None where the project has none, or the file has mistakes)."""

    cpd_questions: list[CpdQuestion] | None = None
    organisations: OrganisationDirectory | None = None
    themes: ThemeList | None = None
    errors: list[ContentError] = field(default_factory=list)


def read_lists(cpd_template: Path | None, organisations: Path | None, themes: Path | None) -> ContentLists:
    """Each list, and the mistakes in any of them (reported once, not once per review)."""
    from .organisations import read_organisations
    from .themes import read_themes

    lists = ContentLists()

    def read(reader, path: Path | None):
        try:
            return reader(path) if path is not None else None
        except ContentErrors as exc:
            lists.errors.extend(exc.errors)
            return None

    lists.cpd_questions = read(read_cpd_questions, cpd_template)
    lists.organisations = read(read_organisations, organisations)
    lists.themes = read(read_themes, themes)
    return lists


def validate_review(path: Path, organisations: OrganisationDirectory | None = None,
                    themes: ThemeList | None = None) -> ReviewValidation:
    """Every check of one review file, in one order, for `check`, a build's workers and serve alike."""
    from .integrity import check_review
    from .loading import load_review

    item, errors = load_review(path)
    if item is None:
        return ReviewValidation(path, None, list(errors))
    errors, warnings = check_review(item)
    if organisations is not None:
        from .organisations import organisation_errors

        errors += organisation_errors(item, organisations)
    if themes is not None:
        from .themes import theme_errors

        errors += theme_errors(item, themes)
    errors += readability_errors(item, warnings)
    slug = ReviewSlug(path, item.review.slug, item.line(("slug",)))
    return ReviewValidation(path, None if errors else item, errors, warnings, slug)


def cross_review_errors(slugs: list[ReviewSlug]) -> list[ContentError]:
    """What no single review shows: two reviews with one slug would publish to the same pages.
    The first file (by name) keeps its slug; each later one gets the error, at its slug's line."""
    errors: list[ContentError] = []
    first: dict[str, ReviewSlug] = {}
    for here in sorted(slugs, key=lambda s: s.path):
        seen = first.setdefault(here.slug, here)
        if seen is not here:
            where = f" (line {seen.line})" if seen.line else ""
            errors.append(ContentError(here.path, here.line, "slug", f'"{here.slug}" is already the slug of '
                                                                    f"{seen.path.name}{where}; each review needs its own slug"))
    return errors


def no_reviews_error(reviews_dir: Path) -> ContentError:
    return ContentError(reviews_dir, None, None, "contains no review files (*.yaml)")


def load_content(reviews_dir: Path, cpd_template: Path | None = None, organisations: Path | None = None,
                 themes: Path | None = None) -> tuple[list[SourcedReview], list[str], list[CpdQuestion]]:
    """Every review validated and cross-checked, and the standard CPD questions;
    or ContentErrors listing every problem in every file, all together, in the order a build lists them."""
    from .site_files import review_paths

    paths, errors = review_paths(reviews_dir, reviews_dir.parent.parent)
    lists = read_lists(cpd_template, organisations, themes)
    errors += lists.errors
    results = [validate_review(path, lists.organisations, lists.themes) for path in paths]
    warnings = [w for result in results for w in result.warnings]
    for result in results:
        errors += result.errors
    if not paths:
        errors.append(no_reviews_error(reviews_dir))
    errors += cross_review_errors([result.slug for result in results if result.slug is not None])
    if errors:
        raise ContentErrors(errors)
    return [result.item for result in results if result.item is not None], warnings, lists.cpd_questions or []


def load_and_check(reviews_dir: Path) -> tuple[list[SourcedReview], list[str]]:
    """Every review validated and cross-checked, or ContentErrors listing every problem."""
    reviews, warnings, _ = load_content(reviews_dir)
    return reviews, warnings


def readability_errors(item: SourcedReview, warnings: list[str]) -> list[ContentError]:
    try:
        from .readability import score_summary, vocabulary_errors
    except ImportError:
        return []
    report = score_summary(item.review.young_people)
    warnings.extend(f"{item.path.name}: young_people: {w}" for w in report.warnings)
    return [item.error(("young_people",), problem) for problem in report.problems] + vocabulary_errors(item)


def content_date(reviews) -> str | None:
    """The newest date printed in these reviews (publication, else end of the visit), as YYYY-MM-DD."""
    dates = []
    for review in reviews:
        m = review.metadata
        dates += [d for d in (m.publication_date, m.review_dates.end if m.review_dates else None) if d]
    return max(dates).isoformat() if dates else None

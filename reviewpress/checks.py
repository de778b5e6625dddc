"""Checking the content: every review validated and cross-checked against the lists it names
(organisations, themes), the readability gates and the standard CPD questions.

`build.py check` runs all of it at once (load_content); a build checks each review in its own
worker (incremental.build_review) with the same functions, so a mistake gets the same message."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError, ContentErrors

if TYPE_CHECKING:
    from .loading import SourcedReview
    from .model import CpdQuestion


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


def load_content(reviews_dir: Path, cpd_template: Path | None = None, organisations: Path | None = None,
                 themes: Path | None = None) -> tuple[list[SourcedReview], list[str], list[CpdQuestion]]:
    """Every review validated and cross-checked, and the standard CPD questions;
    or ContentErrors listing every problem in every file, all together."""
    from .integrity import check_review
    from .loading import load_reviews
    from .organisations import organisation_errors, read_organisations

    from .site_files import review_paths

    reviews, errors = load_reviews(reviews_dir)
    errors = review_paths(reviews_dir, reviews_dir.parent.parent)[1] + errors
    warnings: list[str] = []
    from .themes import read_themes

    def read_list(read, path: Path | None):
        """The organisations or themes list (None if none is configured), its mistakes added to errors."""
        try:
            return read(path) if path is not None else None
        except ContentErrors as exc:
            errors.extend(exc.errors)
            return None

    directory = read_list(read_organisations, organisations)
    vocabulary = read_list(read_themes, themes)
    for item in reviews:
        item_errors, item_warnings = check_review(item)
        errors += item_errors
        warnings += item_warnings
        errors += readability_errors(item, warnings)
        if directory is not None:
            errors += organisation_errors(item, directory)
        if vocabulary is not None:
            from .themes import theme_errors

            errors += theme_errors(item, vocabulary)
    cpd_questions: list[CpdQuestion] = []
    if cpd_template is not None:
        try:
            cpd_questions = read_cpd_questions(cpd_template)
        except ContentErrors as exc:
            errors += exc.errors
    if errors:
        raise ContentErrors(errors)
    return reviews, warnings, cpd_questions


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

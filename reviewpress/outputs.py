"""The four outputs published for each review, and where their pages and files live in the site.

Kept apart from context.py (which needs the review models) so that a build that
renders nothing (every review cached) can name pages and files without loading
the models.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    """One of the four things published for each review."""

    key: str
    name: str  # used in "Download the <name>"
    label: str  # used in navigation
    path: str  # page path under the review's folder, "" for the review's own page
    pdf_suffix: str
    large_print: bool = False  # also published as a large-print PDF (the CPD form is not: it is filled in on screen or paper)

    @property
    def editions(self) -> tuple[Edition, ...]:
        return EDITIONS if self.large_print else EDITIONS[:1]


@dataclass(frozen=True)
class Edition:
    """A printed form of an output: the standard PDF, or large print (same content, another stylesheet)."""

    key: str  # "" for the standard PDF
    name: str  # "PDF", "large print PDF"
    stylesheet: str  # relative to templates/


EDITIONS = (
    Edition("", "PDF", "assets/css/pdf.css"),
    Edition("large-print", "large print PDF", "assets/css/pdf-large-print.css"),
)
EDITION_BY_KEY = {e.key: e for e in EDITIONS}

OUTPUTS = (
    Output("report", "full report", "Full report", "", "full-report", large_print=True),
    Output("recommendations", "recommendations", "Recommendations", "recommendations/", "recommendations", large_print=True),
    Output("young-people", "key points for young people", "Key points for young people", "young-people/", "young-people",
           large_print=True),
    Output("cpd", "CPD reflection template", "CPD reflection template", "cpd/", "cpd-reflection"),
)
OUTPUT_BY_KEY = {o.key: o for o in OUTPUTS}


def print_key(output: Output, edition: Edition = EDITIONS[0]) -> str:
    """How a review's record and the PDF jobs name one printed document: "report", "report.large-print"."""
    return f"{output.key}.{edition.key}" if edition.key else output.key


def split_print_key(key: str) -> tuple[Output, Edition]:
    output, _, edition = key.partition(".")
    return OUTPUT_BY_KEY[output], EDITION_BY_KEY[edition]


def size_label(size: int) -> str:
    """How every download link gives a file's size: "12 KB", "1.2 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def spreadsheet_safe(value: str) -> str:
    """A spreadsheet opening a CSV file runs a cell that starts with = + - @ (or a tab or return) as a
    formula. Report text never starts so; text that does (a careless or hostile file) gets a leading
    apostrophe, the usual sign for "this is text", so that opening the file runs nothing."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def action_plan_path(slug: str, stem: str, fmt: str) -> str:
    """An organisation's action-plan file, next to the review's PDFs."""
    return f"reviews/{slug}/{stem}.{fmt}"


def page_path(slug: str, output: Output) -> str:
    """Site path of an output's page, e.g. reviews/bedford/recommendations/."""
    return f"reviews/{slug}/{output.path}"


def pdf_name(slug: str, output: Output, edition: Edition = EDITIONS[0]) -> str:
    return f"{slug}-{output.pdf_suffix}{'-' + edition.key if edition.key else ''}.pdf"


def pdf_path(slug: str, output: Output, edition: Edition = EDITIONS[0]) -> str:
    return f"reviews/{slug}/{pdf_name(slug, output, edition)}"


def epub_name(slug: str, output: Output) -> str:
    return f"{slug}-{output.pdf_suffix}.epub"


def epub_path(slug: str, output: Output) -> str:
    return f"reviews/{slug}/{epub_name(slug, output)}"


def every_pdf_path(slug: str) -> list[str]:
    """Every PDF published for a review: each output, each of its editions."""
    return [pdf_path(slug, output, edition) for output in OUTPUTS for edition in output.editions]


def docx_name(slug: str) -> str:
    """The Word version of the CPD reflection template, next to the PDFs."""
    return f"{slug}-{OUTPUT_BY_KEY['cpd'].pdf_suffix}.docx"


def docx_path(slug: str) -> str:
    return f"reviews/{slug}/{docx_name(slug)}"

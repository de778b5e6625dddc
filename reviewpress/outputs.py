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


OUTPUTS = (
    Output("report", "full report", "Full report", "", "full-report"),
    Output("recommendations", "recommendations", "Recommendations", "recommendations/", "recommendations"),
    Output("young-people", "key points for young people", "Key points for young people", "young-people/", "young-people"),
    Output("cpd", "CPD reflection template", "CPD reflection template", "cpd/", "cpd-reflection"),
)
OUTPUT_BY_KEY = {o.key: o for o in OUTPUTS}


def size_label(size: int) -> str:
    """How every download link gives a file's size: "12 KB", "1.2 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def action_plan_path(slug: str, stem: str, fmt: str) -> str:
    """An organisation's action-plan file, next to the review's PDFs."""
    return f"reviews/{slug}/{stem}.{fmt}"


def page_path(slug: str, output: Output) -> str:
    """Site path of an output's page, e.g. reviews/bedford/recommendations/."""
    return f"reviews/{slug}/{output.path}"


def pdf_name(slug: str, output: Output) -> str:
    return f"{slug}-{output.pdf_suffix}.pdf"


def pdf_path(slug: str, output: Output) -> str:
    return f"reviews/{slug}/{pdf_name(slug, output)}"


def docx_name(slug: str) -> str:
    """The Word version of the CPD reflection template, next to the PDFs."""
    return f"{slug}-{OUTPUT_BY_KEY['cpd'].pdf_suffix}.docx"


def docx_path(slug: str) -> str:
    return f"reviews/{slug}/{docx_name(slug)}"

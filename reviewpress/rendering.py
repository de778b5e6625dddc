"""Stage 4: rendering contexts become HTML, through the templates in templates/.

One Jinja environment, autoescaping on for every template; authored text
arrives already sanitised as Markup (see inline.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from .outputs import EDITIONS, OUTPUT_BY_KEY, Edition

if TYPE_CHECKING:  # the models are loaded only when something is rendered
    from .model import CpdQuestion, Review

OUTPUT_TEMPLATES = {
    "report": "outputs/report.html",
    "recommendations": "outputs/recommendations.html",
    "young-people": "outputs/young-people.html",
    "cpd": "outputs/cpd.html",
}


def template_environment(templates_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def render_content(env: jinja2.Environment, review: Review, output_key: str, medium: str,
                   cpd_defaults: list[CpdQuestion], pdf_info: dict[str, Any] | None = None,
                   docx_info: Any | None = None, action_plan_files: list[dict] | None = None) -> Markup:
    """The body of one output page, for the web ("web") or for a PDF ("print").

    action_plan_files: what the build made for each organisation (incremental.make_action_plans), to link."""
    from .context import build_context

    context = build_context(review, output_key, medium, cpd_defaults, pdf_info, docx_info, action_plan_files)
    return Markup(env.get_template(OUTPUT_TEMPLATES[output_key]).render(context))


def pdf_title(review: Review, output_key: str) -> str:
    from .inline import plain

    title = plain(review.title)
    return {
        "report": title,
        "recommendations": f"Recommendations: {title}",
        "young-people": f"Key points for young people: {title}",
        "cpd": f"Reflection and CPD record: {title}",
    }[output_key]


# WeasyPrint ignores <ol start>: a list continuing the report's numbering ("3. A child of six ...",
# "4. A child aged eight ...") printed as 1 and 2. Its counter is set instead; for print only, as the
# web page's policy allows no inline style (and browsers read start).
_LIST_START = re.compile(r'<ol start="(\d{1,6})"')


def _counted_from_start(match: re.Match) -> str:
    return f'{match.group(0)} style="counter-reset: list-item {int(match.group(1)) - 1}"'


def render_print_document(env: jinja2.Environment, review: Review, output_key: str, cpd_defaults: list[CpdQuestion],
                          edition: Edition = EDITIONS[0]) -> str:
    """A complete HTML document for WeasyPrint: print layout around the shared content.

    The large-print edition is the same content with another stylesheet, so it has the same tags,
    bookmarks, title and language as the standard PDF."""
    content = Markup(_LIST_START.sub(_counted_from_start, render_content(env, review, output_key, "print", cpd_defaults)))
    output = OUTPUT_BY_KEY[output_key]
    title = pdf_title(review, output_key)
    return env.get_template("pdf/layout.html").render(
        content=content,
        output=output,
        edition=edition,
        pdf_title=f"{title} (large print)" if edition.key else title,
        pdf_description=f"The {output.name} of the Care Quality Commission review: {pdf_title(review, 'report')}"
        + (", in large print" if edition.key else ""),
    )

"""The themes recommendations are grouped by across reviews, read from content/themes.yaml.

The list is small and reviewed (the national report's chapters). Every recommendation carries
one to three theme ids in its review file; a missing or unknown id stops the build with the
file, line and field, and the themes the keyword rules would suggest. The suggestions are
never published by themselves: a person accepts them by writing them into the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from .errors import ContentError, ContentErrors
from .model import Slug, Strict, Text

MAX_THEMES = 3


class Theme(Strict):
    id: Slug = Field(description="What review files write under a recommendation's `themes:`.")
    name: Text = Field(description="The theme's name on the site.")
    description: Text = Field(description="One or two plain sentences saying what belongs under it.")
    chapter: Text | None = Field(None, description="The chapter of the national report it comes from, as printed.")
    keywords: list[Text] = Field(default_factory=list, description="Words or word beginnings that suggest the theme.")


@dataclass(frozen=True)
class ThemeList:
    themes: tuple[Theme, ...]
    path: Path

    @property
    def by_id(self) -> dict[str, Theme]:
        return {theme.id: theme for theme in self.themes}

    def suggest(self, text: str, limit: int = MAX_THEMES) -> list[str]:
        """The themes whose keywords the text uses most (ties in the list's order), at most `limit`."""
        words = " " + " ".join(re.findall(r"[a-z0-9']+", text.casefold())) + " "
        scores = []
        for order, theme in enumerate(self.themes):
            hits = sum(words.count(" " + " ".join(re.findall(r"[a-z0-9']+", k.casefold()))) for k in theme.keywords)
            if hits:
                scores.append((-hits, order, theme.id))
        return [ident for _, _, ident in sorted(scores)[:limit]]


def read_themes(path: Path) -> ThemeList:
    """The reviewed list; ContentErrors naming file, line and field for any mistake in it."""
    from .loading import error_at, read_model

    themes, reading = read_model(path, list[Theme], what="a list of themes (- id: ..., name: ..., description: ...)")
    if reading.errors or themes is None:
        raise ContentErrors(reading.errors or [ContentError(path, None, None, "is not a list of themes")])
    errors: list[ContentError] = []
    seen: dict[tuple[str, str], int] = {}
    for i, theme in enumerate(themes):
        for key, value in (("id", theme.id), ("name", theme.name)):
            folded = value.casefold()
            if (key, folded) in seen:
                errors.append(error_at(path, reading.lines, (i, key), f'"{value}" is already the {key} of another theme; each theme needs its own'))
            seen.setdefault((key, folded), i)
    if errors:
        raise ContentErrors(errors)
    return ThemeList(tuple(themes), path)


def tagged_recommendations(review):
    """Every recommendation that carries themes, as (location in the file, recommendation):
    the numbered recommendations of a local review and the key recommendations of a national report."""
    from .model import KeyRecommendationsBlock, iter_blocks

    for g, group in enumerate(review.recommendations):
        for i, item in enumerate(group.items):
            yield ("recommendations", g, "items", i), item
    for loc, block in iter_blocks(review):
        if isinstance(block, KeyRecommendationsBlock):
            for i, item in enumerate(block.key_recommendations):
                yield loc + ("key_recommendations", i), item


def theme_errors(item, theme_list: ThemeList) -> list[ContentError]:
    """Each recommendation has one to three themes, each in the list; the message suggests some."""
    errors: list[ContentError] = []
    known = theme_list.by_id
    for loc, recommendation in tagged_recommendations(item.review):
        where = f"recommendation {recommendation.number}"
        if not recommendation.themes:
            suggested = theme_list.suggest(f"{getattr(recommendation, 'title', '')} {recommendation.text}")
            hint = f"; suggested from its words: [{', '.join(suggested)}]" if suggested else ""
            errors.append(item.error(loc + ("text",), f"{where} has no themes: add `themes:` with one to {MAX_THEMES} ids "
                                                      f"from {theme_list.path.name}{hint}"))
            continue
        for j, ident in enumerate(recommendation.themes):
            if ident not in known:
                errors.append(item.error(loc + ("themes", j), f'"{ident}" is not a theme in {theme_list.path.name}; '
                                                              f"the themes are: {', '.join(known)}"))
        if len(set(recommendation.themes)) != len(recommendation.themes):
            errors.append(item.error(loc + ("themes",), f"{where} lists a theme twice"))
    return errors


def theme_suggestions(item, theme_list: ThemeList) -> list[tuple[int | None, str, list[str]]]:
    """(line of its number, number, suggested ids) for each recommendation of a review that has no themes yet."""
    return [(item.line(loc + ("number",)), rec.number, theme_list.suggest(f"{getattr(rec, 'title', '')} {rec.text}"))
            for loc, rec in tagged_recommendations(item.review) if not rec.themes]


def write_suggestions(path: Path, suggestions: list[tuple[int | None, str, list[str]]]) -> int:
    """Add `themes: [...]` under each recommendation's number, changing nothing else in the file; how many were written."""
    lines = path.read_text(encoding="utf-8").split("\n")
    written = 0
    for line, _, ids in sorted(((line, number, ids) for line, number, ids in suggestions if line and ids), reverse=True):
        found = re.match(r"^(\s*)(- )?number:", lines[line - 1])
        if not found:
            continue
        indent = len(found.group(1)) + (2 if found.group(2) else 0)
        lines.insert(line, " " * indent + f"themes: [{', '.join(ids)}]")
        written += 1
    path.write_text("\n".join(lines), encoding="utf-8")
    return written

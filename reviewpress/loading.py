"""Stage 1: a review's YAML file becomes a validated `Review`, or a list of errors
that point at the file, line and field to fix."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import ContentError, ContentErrors
from .model import BLOCK_KINDS, Review

Location = tuple[Any, ...]


def _excerpt(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    return f"    {lines[line - 1]}\n    {' ' * max(column - 1, 0)}^"


def _data_and_lines(node: yaml.Node, path: Location, lines: dict[Location, int], duplicates: list) -> Any:
    """Turn a composed YAML node into plain data, remembering the line of every key and item."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader.construct_scalar(yaml.SafeLoader(""), key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in result:
                duplicates.append((path + (key,), key_node.start_mark.line + 1))
            result[key] = _data_and_lines(value_node, path + (key,), lines, duplicates)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_data_and_lines(item, path + (i,), lines, duplicates) for i, item in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _field_path(loc: Location) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _data_location(loc: Location, data: Any) -> Location:
    """Pydantic adds the union tag (e.g. 'p') to block locations; drop parts not in the data."""
    kept: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            kept.append(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            kept.append(part)
        elif isinstance(node, dict) and part in BLOCK_KINDS:
            continue
        else:
            kept.append(part)
            node = None
    return tuple(kept)


def _describe(error: dict, data: Any) -> tuple[Location, str]:
    loc = _data_location(tuple(error["loc"]), data)
    kind = error["type"]
    found = error.get("input")
    if kind == "extra_forbidden":
        key = loc[-1]
        parent = _data_location(loc[:-1], data)
        siblings = _parent_fields(error, data)
        hint = difflib.get_close_matches(str(key), siblings, n=1)
        suggestion = f' Did you mean "{hint[0]}"?' if hint else ""
        allowed = f" Allowed here: {', '.join(siblings)}." if siblings and not hint else ""
        return loc, f'unknown key "{key}".{suggestion}{allowed}'
    if kind == "missing":
        return loc, "this required field is missing"
    shown = repr(found) if not isinstance(found, (dict, list)) else type(found).__name__
    if len(shown) > 80:
        shown = shown[:77] + "..."
    message = error["msg"]
    if kind == "string_too_short":
        return loc, "is empty; it needs text"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return loc, f"expected {_pattern_words(pattern)}, found {shown}"
    return loc, f"{message[0].lower()}{message[1:]} (found {shown})"


def _pattern_words(pattern: str) -> str:
    return {
        r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase letters, digits and single hyphens (e.g. bedford-borough)",
        r"^\d+(\.\d+){1,2}$": 'a paragraph number such as "1.14" or "5.3.6"',
        r"^\d+(\.\d+)?$": 'a section number such as "1" or "5.1"',
    }.get(pattern, f"text matching {pattern}")


def _parent_fields(error: dict, data: Any) -> list[str]:
    """Fields of the model that rejected an unknown key (found by re-validating just that part)."""
    from . import model

    loc = tuple(error["loc"])
    # Walk the model classes along the location to find which class holds the key.
    cls: Any = model.Review
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if part in BLOCK_KINDS and not (cls and part in getattr(cls, "model_fields", {})):
            cls = _block_class(part)
            continue
        field = getattr(cls, "model_fields", {}).get(part)
        if field is None:
            return []
        cls = _model_in(field.annotation)
    return sorted(getattr(cls, "model_fields", {}))


def _block_class(tag: str) -> Any:
    from . import model

    for cls in vars(model).values():
        if isinstance(cls, type) and issubclass(cls, model.Strict) and list(cls.model_fields) == [tag]:
            return cls
    return None


def _model_in(annotation: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def read_review(path: Path) -> "SourcedReview":
    """Load one review file; raise ContentErrors listing every problem in it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentErrors([ContentError(path, None, None, f"cannot be read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentErrors(
            [ContentError(path, line, None, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")]
        ) from None
    if not text.strip() or all(l.lstrip().startswith("#") or not l.strip() for l in text.splitlines()):
        raise ContentErrors([ContentError(path, None, None, "is empty; a review file needs at least slug, title, sections and young_people")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, 0)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise ContentErrors(
            [ContentError(path, line, None, f"YAML syntax error: {problem}{context}", _excerpt(text, line, column) if line else None)]
        ) from None
    lines: dict[Location, int] = {}
    duplicates: list = []
    try:
        data = _data_and_lines(node, (), lines, duplicates)
    except yaml.YAMLError as exc:
        raise ContentErrors([ContentError(path, None, None, f"YAML error: {exc}")]) from None
    errors = [ContentError(path, line, _field_path(loc), "this key appears twice; keep one") for loc, line in duplicates]
    if not isinstance(data, dict):
        errors.append(ContentError(path, 1, None, f"expected a mapping of fields (slug, title, ...), found {type(data).__name__}"))
        raise ContentErrors(errors)
    try:
        review = Review.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc, message = _describe(error, data)
            line = _nearest_line(loc, lines)
            errors.append(ContentError(path, line, _field_path(loc), message))
        raise ContentErrors(errors) from None
    if errors:
        raise ContentErrors(errors)
    return SourcedReview(review, path, lines)


@dataclass(frozen=True)
class SourcedReview:
    """A valid review and where each of its fields is in its file, for later checks' errors."""

    review: Review
    path: Path
    lines: dict[Location, int]

    def error(self, loc: Location, message: str) -> ContentError:
        return ContentError(self.path, _nearest_line(loc, self.lines), _field_path(loc), message)


def _nearest_line(loc: Location, lines: dict[Location, int]) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def read_reviews(folder: Path) -> list[SourcedReview]:
    """Every review in a folder, or ContentErrors with every problem in all of them."""
    loaded: list[SourcedReview] = []
    errors: list[ContentError] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            loaded.append(read_review(path))
        except ContentErrors as exc:
            errors.extend(exc.errors)
    seen: dict[str, Path] = {}
    for item in loaded:
        if item.review.slug in seen:
            errors.append(item.error(("slug",), f'"{item.review.slug}" is already used by {seen[item.review.slug]}; slugs must be unique'))
        seen.setdefault(item.review.slug, item.path)
    if not loaded and not errors:
        errors.append(ContentError(folder, None, None, "contains no review files (*.yaml)"))
    if errors:
        raise ContentErrors(errors)
    return loaded

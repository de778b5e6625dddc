"""Helpers for tests that change review files: where the free-text fields are, and hashing a built site."""

from __future__ import annotations

import copy
import hashlib
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from reviewpress.model import Review

Location = tuple[Any, ...]


def _is_free_text(annotation: Any, metadata: list) -> bool:
    """str with no pattern: a field where staff write prose (titles, paragraphs, names...)."""
    while get_origin(annotation) is Annotated:
        metadata = [*metadata, *annotation.__metadata__]
        annotation = get_args(annotation)[0]
    return annotation is str and not any(getattr(m, "pattern", None) for m in metadata)


def _strip(annotation: Any) -> tuple[Any, list]:
    metadata: list = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            metadata += list(annotation.__metadata__)
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType) and type(None) in get_args(annotation) and len(get_args(annotation)) == 2:
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation, metadata


def _members(annotation: Any) -> list[Any]:
    return [a for a in get_args(annotation) if a is not type(None)]


def free_text_locations(data: Any, annotation: Any = Review, loc: Location = (), owner: tuple[str, str] | None = None,
                        metadata: list | None = None):
    """(location, (model, field)) of every free-text value in a review's data."""
    metadata = list(metadata or [])
    base, more = _strip(annotation)
    metadata += more
    if isinstance(data, str):
        if _is_free_text(base, metadata) or (
            get_origin(base) in (Union, types.UnionType) and any(_is_free_text(*_strip(m)) for m in _members(base))
        ):
            yield loc, owner
        return
    if isinstance(base, type) and issubclass(base, BaseModel) and isinstance(data, dict):
        for key, value in data.items():
            info = base.model_fields.get(key)
            if info is not None:
                yield from free_text_locations(value, info.annotation, loc + (key,), (base.__name__, key), info.metadata)
        return
    if get_origin(base) is list and isinstance(data, list):
        (item,) = get_args(base)
        for i, value in enumerate(data):
            yield from free_text_locations(value, item, loc + (i,), owner)
        return
    if get_origin(base) in (Union, types.UnionType) and isinstance(data, dict):
        for member in _members(base):
            member, _ = _strip(member)
            if isinstance(member, type) and issubclass(member, BaseModel) and set(data) <= set(member.model_fields):
                yield from free_text_locations(data, member, loc, owner)
                return


def all_free_text_fields(annotation: Any = Review, seen: set | None = None, owner=None, metadata=None) -> set[tuple[str, str]]:
    """Every (model, field) of the schema that holds free text, found from the type annotations."""
    seen = set() if seen is None else seen
    found: set[tuple[str, str]] = set()
    base, more = _strip(annotation)
    meta = list(metadata or []) + more
    if _is_free_text(base, meta):
        return {owner}
    if isinstance(base, type) and issubclass(base, BaseModel):
        if base in seen:
            return found
        seen.add(base)
        for key, info in base.model_fields.items():
            found |= all_free_text_fields(info.annotation, seen, (base.__name__, key), info.metadata)
        return found
    if get_origin(base) is Literal:
        return found
    for arg in get_args(base):
        found |= all_free_text_fields(arg, seen, owner)
    return found


def get_at(data: Any, loc: Location) -> Any:
    for part in loc:
        data = data[part]
    return data


def set_at(data: Any, loc: Location, value: Any) -> None:
    get_at(data, loc[:-1])[loc[-1]] = value


def with_every_text(data: dict, change) -> dict:
    """A copy of a review's data with change(text) applied to every free-text value."""
    result = copy.deepcopy(data)
    for loc, _ in list(free_text_locations(result)):
        set_at(result, loc, change(get_at(result, loc)))
    return result


def tree_hash(root: Path, leave_out=()) -> str:
    """One hash of every file's path and bytes under root (and of the folders), but those left out."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path in leave_out:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()

"""`build.py import FILE.txt`: make a draft review YAML file from an extracted report.

The draft is a starting point for a person: the importer prints every guess
it made (CHECK) and every piece of text it could not place (UNPLACED), with
source line numbers, and the file is then corrected by hand.
"""

from __future__ import annotations

import pathlib
import re
import sys

import yaml
from pydantic import ValidationError

from reviewpress.importing.document import NotALocalReview, import_report
from reviewpress.importing.notes import Notes
from reviewpress.importing.yaml_output import dump_review
from reviewpress.model import Review

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_from_name(path: pathlib.Path) -> str:
    return _NOT_SLUG.sub("-", path.stem.lower()).strip("-")


def draft_yaml(text: str, slug: str, notes: Notes) -> str:
    """The draft YAML for one report's text (validated against the schema)."""
    data = import_report(text, slug, notes)
    output = dump_review(data)
    Review.model_validate(yaml.safe_load(output))
    return output


def run_import(source: pathlib.Path, slug: str | None, content_dir: pathlib.Path, force: bool = False) -> int:
    slug = slug or slug_from_name(source)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        print(f"error: {slug!r} is not a valid slug (lowercase letters, digits and hyphens)", file=sys.stderr)
        return 2
    target = content_dir / f"{slug}.yaml"
    if target.exists() and not force:
        print(
            f"error: {target} already exists. It may hold hand corrections and new writing; "
            "import into another folder or pass force=True to replace it.",
            file=sys.stderr,
        )
        return 1
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {source}: {error}", file=sys.stderr)
        return 2
    notes = Notes()
    try:
        output = draft_yaml(text, slug, notes)
    except NotALocalReview as error:
        print(f"error: {source}: {error}", file=sys.stderr)
        return 1
    except ValidationError as error:
        print(f"error: the draft for {source} does not fit the schema:\n{error}", file=sys.stderr)
        return 1
    content_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    print(f"wrote {target}")
    print(f"{len(notes.items)} things to check ({len(notes.unplaced_items)} unplaced):")
    for note in notes.items:
        print(f"  {note}")
    return 0

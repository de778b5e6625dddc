"""`build.py import FILE`: make a draft review YAML file from a report (.txt, .docx or .pdf).

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
from reviewpress.importing.proof import write_proof
from reviewpress.importing.readers import UnreadableDocument, read_document
from reviewpress.importing.yaml_output import dump_review
from reviewpress.model import Review

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_from_name(path: pathlib.Path) -> str:
    return _NOT_SLUG.sub("-", path.stem.lower()).strip("-")


def known_organisations(content_dir: pathlib.Path | None) -> list[str]:
    """Every name and other name in the organisations list beside the reviews folder, if any."""
    if content_dir is None:
        return []
    path = content_dir.parent / "organisations.yaml"
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    names: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            names += [str(name) for name in [entry.get("name"), *(entry.get("other_names") or [])] if name]
    return names


def theme_list(content_dir: pathlib.Path | None):
    """content/themes.yaml beside the reviews folder, if there is one and it reads."""
    if content_dir is None or not (content_dir.parent / "themes.yaml").is_file():
        return None
    try:
        from reviewpress.errors import ContentErrors
        from reviewpress.themes import read_themes

        return read_themes(content_dir.parent / "themes.yaml")
    except (ImportError, ContentErrors, OSError):
        return None


def propose_themes(data: dict, themes, notes: Notes) -> None:
    """Each recommendation gets the themes its words suggest (keyword guesses, for a person to check)."""
    for group in data.get("recommendations", []):
        for index, item in enumerate(group["items"]):
            ids = themes.suggest(item["text"])
            if ids:
                group["items"][index] = {"number": item["number"], "themes": ids, **{k: v for k, v in item.items() if k != "number"}}
            else:
                notes.check(None, f"recommendation {item['number']}: no theme suggested by its words; choose one to three by hand")
    notes.check(None, "every recommendation's themes are keyword guesses: check each one",
                "Are the themes of each recommendation right? They were guessed from its words (content/themes.yaml).")


def draft_yaml(text: str, slug: str, notes: Notes, known: list[str] | None = None, themes=None) -> str:
    """The draft YAML for one report's text (validated against the schema)."""
    data = import_report(text, slug, notes, known or [])
    if themes is not None and data.get("recommendations"):
        propose_themes(data, themes, notes)
    output = dump_review(data)
    Review.model_validate(yaml.safe_load(output))
    return output


def run_import(source: pathlib.Path, slug: str | None, content_dir: pathlib.Path, force: bool = False,
               proof: pathlib.Path | None = None) -> int:
    """Write the draft review and its proof report (by default .cache/import/<slug>-proof.html)."""
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
    notes = Notes()
    try:
        text = read_document(source, notes)
    except (OSError, UnicodeDecodeError, UnreadableDocument) as error:
        print(f"error: cannot read {source}: {error}", file=sys.stderr)
        return 2
    try:
        output = draft_yaml(text, slug, notes, known_organisations(content_dir), theme_list(content_dir))
    except NotALocalReview as error:
        print(f"error: {source}: {error}", file=sys.stderr)
        return 1
    except ValidationError as error:
        print(f"error: the draft for {source} does not fit the schema:\n{error}", file=sys.stderr)
        return 1
    content_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    print(f"wrote {target}")
    proof = proof or content_dir.parent.parent / ".cache" / "import" / f"{slug}-proof.html"
    try:
        write_proof(notes, source, target, proof)
        print(f"wrote the proof report {proof}: open it in a browser and answer its questions first")
    except OSError as error:
        print(f"warning: could not write the proof report {proof}: {error}", file=sys.stderr)
    print(f"{len(notes.items)} things to check ({len(notes.unplaced_items)} unplaced):")
    for note in notes.items:
        print(f"  {note}")
    return 0

"""The review, organisations and themes schemas as JSON Schema, for editors (yaml-language-server) to
validate and autocomplete the content files while staff type."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Review

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "review.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/review.schema.json"
ORGANISATIONS_SCHEMA_PATH = SCHEMA_PATH.with_name("organisations.schema.json")
ORGANISATIONS_SCHEMA_LINE = "# yaml-language-server: $schema=../schema/organisations.schema.json"
THEMES_SCHEMA_PATH = SCHEMA_PATH.with_name("themes.schema.json")


def review_json_schema() -> str:
    schema = Review.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Review"
    schema["description"] = "One CQC review: its source text, word for word, and new writing for young people."
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _list_schema(model, title: str, description: str) -> str:
    """A content file that is a list of one model (organisations.yaml, themes.yaml), as JSON Schema."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(list[model]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    schema["description"] = description
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def organisations_json_schema() -> str:
    from .organisations import Organisation

    return _list_schema(Organisation, "Organisations",
                        "The organisations reviews ask to act: one name each, its type and the other names reports use.")


def themes_json_schema() -> str:
    from .themes import Theme

    return _list_schema(Theme, "Themes", "The themes recommendations are grouped by across reviews.")


def write_schema(path: Path = SCHEMA_PATH) -> bool:
    """Write the schemas if they changed; True when a file was rewritten."""
    changed = False
    for target, text in ((path, review_json_schema()), (path.with_name(ORGANISATIONS_SCHEMA_PATH.name), organisations_json_schema()),
                         (path.with_name(THEMES_SCHEMA_PATH.name), themes_json_schema())):
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        changed = True
    return changed

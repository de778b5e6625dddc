"""The review schema as JSON Schema, for editors (yaml-language-server) to
validate and autocomplete review files while staff type."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Review

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "review.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/review.schema.json"


def review_json_schema() -> str:
    schema = Review.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Review"
    schema["description"] = "One CQC review: its source text, word for word, and new writing for young people."
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> bool:
    """Write the schema if it changed; True when the file was rewritten."""
    text = review_json_schema()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True

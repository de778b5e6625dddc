"""Writing a review as readable YAML: block style, no line folding, paragraphs as literal blocks."""

from __future__ import annotations

import yaml

SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/review.schema.json"


class _ReviewDumper(yaml.SafeDumper):
    pass


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A finding with extra paragraphs keeps its blank line visible.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReviewDumper.add_representer(str, _string)


def dump_review(data: dict) -> str:
    body = yaml.dump(
        data, Dumper=_ReviewDumper, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False
    )
    return SCHEMA_LINE + "\n" + body

"""A draft is never published by accident.

The importer marks what it writes `status: draft` and leaves placeholders ("DRAFT: ...") where a
person must write or check something (the young people's key points, a title it could not find).
`build` refuses a review that is still a draft or still holds a placeholder, naming the file, the
line and what to do; `serve` and `build --draft` show it as it is, for checking.

The file's text is read, not its cached record, so the check holds whatever the cache says.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewpress.errors import ContentError

# The text the importer puts where a person must write: see importing.document and .quotes.
PLACEHOLDER = "DRAFT:"
_STATUS_DRAFT = re.compile(r"^status:\s*['\"]?draft['\"]?\s*(?:#.*)?$")
_KEY = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[A-Za-z_]+):")
_WHAT_TO_DO = "(`build.py serve` and `build.py build --draft` show drafts as they are, for checking)"


def draft_errors(paths: list[Path]) -> list[ContentError]:
    """One error per review file still marked as a draft, and per placeholder left in it."""
    errors: list[ContentError] = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # reading the file is loading.py's to report
        for number, line in enumerate(lines, start=1):
            if _STATUS_DRAFT.match(line):
                errors.append(ContentError(path, number, "status", (
                    "this review is still a draft from the importer. Check it word for word against its source, "
                    f"write its young people's key points, then delete this line to publish it {_WHAT_TO_DO}.")))
            elif PLACEHOLDER in line and not line.lstrip().startswith("#"):
                field = _field_of(lines, number - 1)
                what = ("the key points for young people are still the importer's placeholder; write them "
                        "(see content/reviews/bedford.yaml) and run `build.py check`"
                        if field.startswith("young_people") else
                        "this is still a placeholder the importer left for a person to fill in")
                errors.append(ContentError(path, number, field, f"{what} {_WHAT_TO_DO}: {line.strip()[:100]}"))
    return errors


def _field_of(lines: list[str], index: int) -> str:
    """The top-level key (and the key on the line) holding line `index`, e.g. "young_people.intro"."""
    here = _KEY.match(lines[index])
    own = here["key"] if here else None
    for back in range(index, -1, -1):
        match = _KEY.match(lines[back])
        if match and not match["indent"] and not lines[back].startswith("-"):
            top = match["key"]
            return f"{top}.{own}" if own and own != top else top
    return own or "text"

"""Errors a staff member can act on: each names the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    path: Path
    line: int | None
    field: str | None
    message: str
    excerpt: str | None = None  # the offending line, with a caret under the column

    @property
    def shown_path(self) -> str:
        """The file as staff know it: relative to the folder they run the build from."""
        try:
            return str(Path(self.path).resolve().relative_to(Path.cwd().resolve()))
        except (ValueError, OSError):
            return str(self.path)

    def __str__(self) -> str:
        where = self.shown_path
        if self.line is not None:
            where += f", line {self.line}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.excerpt:
            text += "\n" + self.excerpt
        return text


class ContentErrors(Exception):
    """Every problem found in one run, reported together."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def report(self) -> str:
        count = len(self.errors)
        noun = "problem" if count == 1 else "problems"
        lines = [f"Found {count} {noun} in the content. Nothing was published; the last good site/ is unchanged.", ""]
        lines += [f"- {error}" for error in self.errors]
        return "\n".join(lines)

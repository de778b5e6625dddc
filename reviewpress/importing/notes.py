"""What the importer tells the person checking its draft."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    line: int | None
    kind: str  # "CHECK" (a guess to confirm) or "UNPLACED" (text left out of the draft)
    message: str

    def __str__(self) -> str:
        where = f"L{self.line}" if self.line else "-"
        return f"{self.kind:8} {where:>6}  {self.message}"


@dataclass
class Notes:
    items: list[Note] = field(default_factory=list)

    def check(self, line: int | None, message: str) -> None:
        self.items.append(Note(line, "CHECK", message))

    def unplaced(self, line: int | None, text: str) -> None:
        self.items.append(Note(line, "UNPLACED", _shorten(text)))

    @property
    def unplaced_items(self) -> list[Note]:
        return [note for note in self.items if note.kind == "UNPLACED"]


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""What the importer tells the person checking its draft."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    line: int | None
    kind: str  # "CHECK" (a guess to confirm) or "UNPLACED" (text left out of the draft)
    message: str  # what was decided
    question: str | None = None  # what a person should answer, e.g. "Is line 313 the start of a case-example box?"

    @property
    def asked(self) -> str:
        """The question for the proof report: the one given, or the decision to confirm."""
        if self.question:
            return self.question
        where = f"line {self.line}: " if self.line else ""
        if self.kind == "UNPLACED":
            return f"Where does the text at {where or 'this point'}belong? It was left out of the draft: {self.message}"
        return f"Is this right? {where}{self.message}"

    def __str__(self) -> str:
        where = f"L{self.line}" if self.line else "-"
        return f"{self.kind:8} {where:>6}  {self.message}"


@dataclass
class Notes:
    items: list[Note] = field(default_factory=list)
    # Source line -> (kind of block, which block) for the proof report; the first placement wins.
    placed: dict[int, tuple[str, str]] = field(default_factory=dict)
    source: object | None = None  # the importing.paragraphs.Source read, once the import has started

    def check(self, line: int | None, message: str, question: str | None = None) -> None:
        self.items.append(Note(line, "CHECK", message, question))

    def unplaced(self, line: int | None, text: str) -> None:
        self.items.append(Note(line, "UNPLACED", _shorten(text)))
        if line:
            self.placed.setdefault(line, ("unplaced", "left out of the draft"))

    def place(self, paragraph, kind: str, label: str = "") -> None:
        """Record that a paragraph's source lines went into a block (`paragraph`: importing.paragraphs.Paragraph)."""
        for line in getattr(paragraph, "lines", None) or [paragraph.line]:
            self.placed.setdefault(line, (kind, label))

    @property
    def unplaced_items(self) -> list[Note]:
        return [note for note in self.items if note.kind == "UNPLACED"]


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

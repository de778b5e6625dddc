"""The proof report: one HTML page for the person who checks an imported draft.

It lists every uncertain decision first, as a question with its source line and the reason,
then shows the source line by line, each line marked (in words and in colour) with the block
of the draft it went into, so that a merged paragraph, a lost bullet or a box that ends too
late shows at a glance. The page is self-contained (no script, no file from elsewhere) and
every piece of source text is escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .notes import Notes

# Kind of block -> (background colour, what the legend says). Each line also names its block in
# words, so nothing depends on colour alone.
KINDS = {
    "title": ("#e8e8e8", "title, subtitle"),
    "metadata": ("#e8e8e8", "metadata header"),
    "heading": ("#d7e3fc", "section heading"),
    "paragraph": ("#ffffff", "paragraph"),
    "bullet": ("#e2f0d9", "bullet"),
    "list": ("#c5e0b4", "numbered list"),
    "table": ("#fde9d9", "table"),
    "finding": ("#fff2cc", "numbered finding"),
    "case example": ("#f4cccc", "case-example box"),
    "quote group": ("#e4d7f5", "quote group (speaker line)"),
    "quote": ("#efe6fa", "quote"),
    "recommendation group": ("#cfe2f3", "recommendation group (lead-in)"),
    "recommendation": ("#deebf7", "recommendation"),
    "next steps": ("#d9ead3", "next steps"),
    "furniture": ("#f3f3f3", "left out: page furniture or contents"),
    "unplaced": ("#ff9999", "NOT PLACED: missing from the draft"),
}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; line-height: 1.45; color: #111; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
ol.questions li { margin-bottom: .6rem; } .decided { color: #444; display: block; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
td, th { border-bottom: 1px solid #ddd; padding: .15rem .4rem; vertical-align: top; text-align: left; }
td.n { text-align: right; color: #555; white-space: nowrap; } td.block { width: 15rem; font-size: .8rem; }
td.text { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
tr.asked td.n { font-weight: bold; outline: 2px solid #b00; }
.legend span { display: inline-block; padding: .1rem .5rem; margin: .15rem; border: 1px solid #ccc; }
a { color: #0645ad; }
"""


def proof_html(notes: Notes, source_name: str, output_name: str) -> str:
    """The proof report for one import (`notes` after `import_report` has run)."""
    source = notes.source
    lines: list[str] = list(getattr(source, "lines", []) or [])
    checks = [note for note in notes.items if note.kind == "CHECK"]
    unplaced = [note for note in notes.items if note.kind == "UNPLACED"]
    asked_lines = {note.line for note in notes.items if note.line}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Proof of the import of {escape(source_name)}</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        f"<h1>Proof of the import of {escape(source_name)}</h1>",
        f"<p>The draft is <code>{escape(output_name)}</code>. It is marked <code>status: draft</code>: "
        "<code>build.py build</code> will not publish it until a person has answered these questions, checked "
        "its text against the source word for word, written the young people's key points and deleted that line. "
        "<code>build.py serve</code> and <code>build.py build --draft</code> show it as it is.</p>",
        f"<h2 id=\"questions\">Questions to answer first ({len(checks) + len(unplaced)})</h2>",
    ]
    if unplaced:
        out.append("<h3>Text the importer could not place (it is not in the draft)</h3><ol class=\"questions\">")
        out += [_question(note) for note in unplaced]
        out.append("</ol>")
    out.append("<h3>Decisions to confirm</h3><ol class=\"questions\">")
    out += [_question(note) for note in sorted(checks, key=lambda note: (note.line is not None, note.line or 0))]
    out.append("</ol>")
    out.append("<h2 id=\"legend\">What the colours mean</h2><p class=\"legend\">")
    out += [f'<span style="background:{colour}">{escape(label)}</span>' for colour, label in KINDS.values()]
    out.append("<span>blank line</span></p>")
    out.append(f"<h2 id=\"source\">The source, line by line ({len(lines)} lines)</h2>")
    out.append('<table><thead><tr><th scope="col">Line</th><th scope="col">Went into</th>'
               '<th scope="col">Source text</th></tr></thead><tbody>')
    for number, text in enumerate(lines, start=1):
        kind, label = notes.placed.get(number, ("", ""))
        if not text.strip():
            kind, label = "", ""
        elif not kind:
            kind, label = "unplaced", "not placed"
        colour = KINDS.get(kind, ("#ffffff", ""))[0]
        attributes = f' id="L{number}"' + (' class="asked"' if number in asked_lines else "")
        out.append(f'<tr{attributes} style="background:{colour}"><td class="n">{number}</td>'
                   f'<td class="block">{escape(label)}</td><td class="text">{escape(text)}</td></tr>')
    out.append("</tbody></table></main></body></html>")
    return "\n".join(out) + "\n"


def _question(note) -> str:
    where = f'<a href="#L{note.line}">Line {note.line}</a>: ' if note.line else ""
    return f'<li>{where}{escape(note.asked)}<span class="decided">Decided: {escape(note.message)}</span></li>'


def write_proof(notes: Notes, source: Path, output: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(proof_html(notes, source.name, str(output)), encoding="utf-8")
    return target

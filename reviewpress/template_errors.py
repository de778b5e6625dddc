"""A mistake in a template is reported as the template's file and line, not as a traceback.

Jinja rewrites a template's traceback so its frames carry the template's file
name and line numbers; the last such frame is where the mistake is.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import jinja2

TEMPLATE_SUFFIXES = (".html", ".xml", ".j2", ".jinja")


def _shown(filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return filename


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIXES) and os.path.exists(filename):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _source_line(filename: str, line: int) -> str:
    try:
        lines = Path(filename).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    return f"\n    {lines[line - 1].strip()}" if 1 <= line <= len(lines) else ""


def describe(exc: BaseException) -> str | None:
    """'templates/x.html, line 12: ...' for an error raised in a template; None for any other error."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename = exc.filename or exc.name or "a template"
        where = f"{_shown(filename)}, line {exc.lineno}" if exc.lineno else _shown(filename)
        return f"Template error in {where}: {exc.message}{_source_line(filename, exc.lineno) if exc.filename else ''}"
    frame = _template_frame(exc.__traceback__)
    if isinstance(exc, jinja2.TemplateNotFound):
        where = f"{_shown(frame[0])}, line {frame[1]}" if frame else "a template"
        return f"Template error in {where}: the template {exc.name!r} does not exist"
    if frame is None:
        return None
    filename, line = frame
    kind = "" if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: "
    return f"Template error in {_shown(filename)}, line {line}: {kind}{exc}{_source_line(filename, line)}"


def check_syntax(env: jinja2.Environment, templates_dir: Path, *, only: set[str] | None = None,
                 skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Templates under templates_dir compiled once, so a syntax error stops the build before anything is written."""
    problems = []
    for path in sorted(templates_dir.rglob("*.html")):
        name = path.relative_to(templates_dir).as_posix()
        if name in skip or (only is not None and name not in only):
            continue
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            problems.append(describe(exc) or f"Template error in {name}: {exc}")
    return problems

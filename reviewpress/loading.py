"""Stage 1: a review's YAML file becomes a validated `Review`, or a list of errors
that point at the file, line and field to fix.

The people who edit these files are publication staff, not programmers, so every
message says where the problem is (file, line, field) and what to do about it in
plain words. YAML is only ever read with PyYAML's safe loader (no Python objects
can be created from a file), and nothing in a file can make the loader crash:
whatever it holds, the result is a review or a list of `ContentError`s.
"""

from __future__ import annotations

import copy
import difflib
import re
import types
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import ContentError, ContentErrors
from .model import BLOCK_KINDS, MAX_TEXT_LENGTH, Review

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

Location = tuple[Any, ...]

MAX_NODES = 200_000  # far more than any real review; stops a runaway file early
MAX_FILE_BYTES = 2 * 1024 * 1024  # 2 MB: the largest seed review is under 200 KB

# Characters no text may hold: control characters other than tab and line feed (they are
# invisible, and some break the pages or the PDFs), and the bidirectional embedding,
# override and isolate characters, which can make text show in another order than it is
# stored (so a reader sees something other than what was checked).
_FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"


# --- reading the YAML -----------------------------------------------------------


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def yaml_lines(text: str) -> list[str]:
    """The lines of a file as YAML counts them (it also breaks lines at CR, NEL, LS and PS),
    so that excerpts show the line that an error's line number names."""
    return _LINE_BREAK.split(text)


def _visible(text: str) -> str:
    """A source line as it can be shown in a terminal: control characters made visible."""
    out = []
    for char in text:
        if char == "\t":
            out.append("→")
        elif ord(char) < 0x20:
            out.append(chr(0x2400 + ord(char)))
        elif unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in "\u200b":
            out.append("�")
        else:
            out.append(char)
    return "".join(out)


def _excerpt(text: str, line: int, column: int) -> str:
    lines = yaml_lines(text)
    if not 1 <= line <= len(lines):
        return ""
    shown = _visible(lines[line - 1].rstrip("\r"))
    if len(shown) > 100:
        start = max(0, min(column - 50, len(shown) - 100))
        shown, column = ("…" if start else "") + shown[start:start + 100] + "…", column - start + (1 if start else 0)
    return f"    {shown}\n    {' ' * max(column - 1, 0)}^"


# Plain-language hints for PyYAML's commonest complaints.
_YAML_HINTS = (
    ("found character '\\t'", "a tab character is not allowed in YAML: indent with spaces instead"),
    ("mapping values are not allowed here", "if this text contains a colon followed by a space (': '), put the whole text in quotes"),
    ("could not find expected ':'", "each line must be `key: value`, or a list item starting with `- `; check this line and the one before it"),
    ("expected <block end>", "check the indentation of this line: it must line up with the lines at the same level"),
    ("did not find expected key", "check the indentation of this line: it must line up with the lines at the same level"),
    ("did not find expected '-' indicator", "check the indentation of this list item"),
    ("found unexpected end of stream", "a quotation mark or bracket is not closed"),
    ("found undefined alias", "a `*` at the start of a value means a YAML alias: put text that starts with `*` in quotes"),
    ("found unknown escape character", "inside double quotes a backslash starts an escape: use single quotes, or write \\\\ for a backslash"),
    ("expected alphabetic or numeric character", "text starting with `&`, `*`, `!`, `%`, `@` or a backquote must be put in quotes"),
    ("found character that cannot start any token", "text starting with `@`, a backquote or `%` must be put in quotes"),
    ("while parsing a flow", "text that starts with [ or { must be put in quotes; otherwise a bracket is not closed"),
    ("while scanning a quoted scalar", "a quotation mark is not closed; a quote inside single-quoted text is written twice ('')"),
    ("while parsing a block", "check the indentation, and put text that starts with a quotation mark wholly in quotes"),
)


def _yaml_hint(problem: str) -> str:
    for needle, hint in _YAML_HINTS:
        if needle in problem:
            return f" ({hint})"
    return ""


@dataclass
class _Reading:
    """What the loader learns about a file while turning YAML nodes into data."""

    path: Path
    lines: dict[Location, int] = field(default_factory=dict)
    raw: dict[Location, str] = field(default_factory=dict)  # the source text of each plain scalar
    errors: list[ContentError] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    count: int = 0
    aliases: int = 0  # values written as a YAML alias (*name), each an error
    too_long: set[Location] = field(default_factory=set)  # reported here, so not again by the schema


_CONSTRUCTOR = yaml.SafeLoader("")
_RESOLVER = yaml.resolver.Resolver()


class _AliasMarkingLoader(yaml.SafeLoader):
    """The pure-Python safe loader, except that a YAML alias (*name) becomes a copy of the
    node it names, marked as an alias and carrying the alias's own place in the file, so
    that the error can name the line of the alias rather than that of its anchor (&name).
    Used only for a file that has an alias, which is always an error."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            alias = copy.copy(node)
            alias.start_mark = mark
            alias.alias_of = node
            return alias
        return super().compose_node(parent, index)


def _explicit_tag(node: yaml.Node) -> str | None:
    """The tag written in the file before a value (`!!binary`, `!!python/name`, `!x`), or None.

    A value without one has the tag YAML gives it from its form: a plain scalar the tag its text
    resolves to (str, int, bool, a date ...), a quoted or block scalar str, a list seq, a mapping map.
    (An explicit tag equal to that one changes nothing and cannot be told apart.)"""
    if isinstance(node, yaml.ScalarNode):
        expected = _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False)) if not node.style else _YAML_TAG_PREFIX + "str"
    elif isinstance(node, yaml.SequenceNode):
        expected = _YAML_TAG_PREFIX + "seq"
    else:
        expected = _YAML_TAG_PREFIX + "map"
    if node.tag == expected:
        return None
    return "!!" + node.tag[len(_YAML_TAG_PREFIX):] if node.tag.startswith(_YAML_TAG_PREFIX) else node.tag


def _check_text(value: str, loc: Location, line: int, reading: _Reading) -> None:
    """Every string value: not longer than a field may hold; no control or bidirectional override character."""
    length = len(value.strip())
    if length > MAX_TEXT_LENGTH:
        reading.too_long.add(loc)
        reading.errors.append(ContentError(
            reading.path, line, _field_path(loc) or None,
            f"is {length:,} characters long; the longest text a field may hold is {MAX_TEXT_LENGTH:,} "
            "(check that nothing was pasted in twice, or that a quotation mark or bracket is not left open)"))
    bad = _FORBIDDEN_CHARACTER.search(value)
    if bad is not None:
        char = bad.group()
        kind = ("a bidirectional override character, which can make text show in another order than it is written"
                if char >= "\u202a" else "an invisible control character")
        reading.errors.append(ContentError(
            reading.path, line, _field_path(loc) or None,
            f"contains {kind} (U+{ord(char):04X}, character {bad.start() + 1} of the text); "
            "control characters and bidirectional override characters are not allowed in text: delete it "
            "(it often comes from text pasted from another program)"))


def _data(node: yaml.Node, loc: Location, reading: _Reading) -> Any:
    """Turn a composed YAML node into plain data, remembering the line of every key and item."""
    reading.count += 1
    if reading.count > MAX_NODES:
        raise _TooBig()
    line = node.start_mark.line + 1
    reading.lines.setdefault(loc, line)
    if id(node) in reading.seen or getattr(node, "alias_of", None) is not None:
        reading.aliases += 1
        reading.errors.append(ContentError(
            reading.path, line, _field_path(loc) or None,
            "repeats earlier content with a YAML alias (*name); write the content out in full instead"))
        return None
    reading.seen.add(id(node))
    tag = _explicit_tag(node)
    if tag is not None:
        reading.errors.append(ContentError(
            reading.path, line, _field_path(loc) or None,
            f"YAML tags such as !!binary are not allowed; write the text itself (found the tag {_visible(tag)})"))
        if isinstance(node, yaml.ScalarNode):
            _check_text(node.value, loc, line, reading)
            return node.value
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                reading.errors.append(ContentError(
                    reading.path, key_line, _field_path(loc) or None,
                    "a key must be a plain word such as `title`, not a list or mapping"))
                continue
            key = key_node.value  # as typed: `1:` and `yes:` are the keys "1" and "yes"
            if key in result:
                reading.errors.append(ContentError(
                    reading.path, key_line, _field_path(loc + (key,)),
                    f'this key appears twice (first on line {first_line[key]}); keep one'))
                continue
            first_line[key] = key_line
            reading.lines[loc + (key,)] = key_line
            result[key] = _data(value_node, loc + (key,), reading)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_data(item, loc + (i,), reading) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:timestamp":
        # Dates stay text here and are parsed by the schema, so an impossible
        # date (2015-13-45) is reported against its field instead of crashing,
        # and a date-like value in a text field is simply text.
        _check_text(node.value, loc, line, reading)
        return node.value
    if not node.style and node.tag != "tag:yaml.org,2002:str":  # plain (unquoted); libyaml says '', PyYAML None
        reading.raw[loc] = node.value
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        value = node.value
    finally:
        # The constructor remembers every node it made a value for, and this one lives as long as the
        # process: without this, a worker kept every scalar node of every review it read (and each
        # full garbage collection scanned them all again). Only this node's entry, so that two threads
        # (serve) reading at once do not clear each other's.
        _CONSTRUCTOR.constructed_objects.pop(node, None)
    if isinstance(value, str):
        _check_text(value, loc, line, reading)
    return value


class _TooBig(Exception):
    pass


def _decode(path: Path, raw: bytes) -> tuple[str | None, list[ContentError]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace")) + 1
        line_text = raw.split(b"\n")[line - 1].decode("utf-8", "replace")
        return None, [ContentError(
            path, line, None,
            f"is not saved as UTF-8 text (it has the byte 0x{raw[exc.start]:02x} at column {column}, perhaps from "
            "Word or Windows-1252); save the file with UTF-8 encoding",
            _excerpt(line_text, 1, column))]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


_QUOTED_VALUE = re.compile(r"""^(\s*(?:-\s+)?(?:[^\s'"#][^:#]*:\s+)?)(['"])(.*)$""")


def _unclosed_quote(text: str, before_line: int) -> tuple[int, int] | None:
    """The last line before before_line whose quoted value is not closed on that line, as (line, column).

    YAML allows quoted text to run over several lines, so a forgotten closing
    quote is only noticed far below; review files never do that on purpose."""
    found = None
    for number, line in enumerate(yaml_lines(text)[: before_line - 1], start=1):
        match = _QUOTED_VALUE.match(line)
        if not match:
            continue
        quote, rest = match.group(2), match.group(3).rstrip()
        if quote == "'":
            closed = re.fullmatch(r"(?:[^']|'')*'(\s+#.*)?", rest) is not None
        else:
            closed = re.fullmatch(r'(?:[^"\\]|\\.)*"(\s+#.*)?', rest) is not None
        if not closed:
            found = (number, len(match.group(1)) + 1)
    return found


def _compose(text: str, *, mark_aliases: bool = False) -> yaml.Node | None:
    """The YAML node tree, read with the safe loader (never Python objects).

    libyaml's C parser is about 25 times faster; a file it rejects is read
    again by the pure-Python parser, whose error messages are the ones explained above.
    mark_aliases: read with the pure-Python parser, each alias marked with its own line."""
    if mark_aliases:
        return yaml.compose(text, Loader=_AliasMarkingLoader)
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except (yaml.YAMLError, RecursionError):
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def load_yaml(path: Path) -> tuple[Any, _Reading]:
    """A file's data and where everything is in it; problems are in reading.errors."""
    reading = _Reading(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reading.errors.append(ContentError(path, None, None, f"cannot be read: {exc.strerror}"))
        return None, reading
    if len(raw) > MAX_FILE_BYTES:
        too_long_at = raw[:MAX_FILE_BYTES].count(b"\n") + 1
        reading.errors.append(ContentError(
            path, too_long_at, None,
            f"is {len(raw):,} bytes long; the largest file allowed is {MAX_FILE_BYTES:,} bytes (2 MB), and this one "
            f"passes that size at line {too_long_at}; check that nothing was pasted in twice, or split the review"))
        return None, reading
    text, errors = _decode(path, raw)
    if text is None:
        reading.errors += errors
        return None, reading
    if not text.strip() or all(l.lstrip().startswith("#") or not l.strip() for l in text.splitlines()):
        reading.errors.append(ContentError(path, None, None, "is empty: it has no content (only blank lines or comments)"))
        return None, reading
    line: int | None  # where YAML stopped reading, when it says
    try:
        node = _compose(text)
        data = _data(node, (), reading) if node is not None else None
        if reading.aliases:
            # The fast parser gives an alias the node of its anchor, and so the anchor's line:
            # read the file again, marking each alias with its own line.
            reading = _Reading(path)
            node = _compose(text, mark_aliases=True)
            data = _data(node, (), reading) if node is not None else None
        return data, reading
    except yaml.reader.ReaderError as exc:
        before = yaml_lines(text[: exc.position])
        line, column = len(before), len(before[-1]) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        reading.errors.append(ContentError(
            path, line, None,
            f"contains an invisible control character (U+{ord(char):04X}, column {column}) that YAML does not allow; "
            "delete it (it often comes from text pasted from another program)",
            _excerpt(text, line, column)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, 0)
        problem = exc.problem or "invalid YAML"
        context = f", {exc.context}" if exc.context else ""
        start = exc.context_mark
        if context and start is not None and mark is not None and start.line != mark.line:
            context += f" that started on line {start.line + 1}"
        start = exc.context_mark
        if "while parsing a flow" in context and start is not None and line and start.line + 1 < line:
            opener = yaml_lines(text)[start.line][start.column:start.column + 1] or "bracket"
            reading.errors.append(ContentError(
                path, start.line + 1, None,
                f"YAML syntax error: the {opener} at column {start.column + 1} is not closed on this line, so YAML read on "
                f"to line {line}, where it stopped ({problem}); close it with {']' if opener == '[' else '}'}, "
                "or put text that starts with [ or { in quotes",
                _excerpt(text, start.line + 1, start.column + 1)))
            return None, reading
        unclosed = _unclosed_quote(text, line) if line else None
        if unclosed and line and unclosed[0] < line:
            quote_line, quote_column = unclosed
            reading.errors.append(ContentError(
                path, quote_line, None,
                f"YAML syntax error: the quotation mark at column {quote_column} is not closed on this line, so the text "
                f"runs on to line {line}, where YAML stopped ({problem}); close the quote, or remove it",
                _excerpt(text, quote_line, quote_column)))
            return None, reading
        reading.errors.append(ContentError(
            path, line, None, f"YAML syntax error at column {column}: {problem}{context}{_yaml_hint(problem + context)}",
            _excerpt(text, line, column) if line else None))
    except (RecursionError, _TooBig):
        reading.errors.append(ContentError(path, None, None, "is nested too deeply or is far too large to be a review; check its brackets [ ] and { }"))
    except yaml.YAMLError as exc:
        reading.errors.append(ContentError(path, None, None, f"cannot be read as YAML: {exc}"))
    return None, reading


# --- explaining schema errors ----------------------------------------------------------


def _field_path(loc: Location) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that matters."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def _members(annotation: Any) -> list[Any]:
    return [_unwrap(a) for a in get_args(annotation) if a is not type(None)]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _block_class(tag: str) -> Any:
    from . import model

    for cls in vars(model).values():
        if _is_model(cls) and issubclass(cls, model.Strict) and list(cls.model_fields) == [tag]:
            return cls
    return None


@dataclass
class _Where:
    """A pydantic error location followed through the schema and the data."""

    loc: Location  # the location in the file's data (union labels dropped)
    parent: Any  # the model class that holds the last key, if any
    expected: Any  # the annotation expected at the location
    branch_ok: bool  # False when the error is from a union member that does not fit the data
    union_at: Location | None  # the location of the last union passed through


def _where(error_loc: Location, data: Any, root: Any) -> _Where:
    annotation: Any = root
    node: Any = data
    kept: list[Any] = []
    parent: Any = None
    branch_ok = True
    union_at: Location | None = None
    for part in error_loc:
        annotation = _unwrap(annotation)
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            members = _members(annotation)
            if isinstance(part, str) and part in BLOCK_KINDS and any(_is_model(m) and list(m.model_fields) == [part] for m in members):
                annotation = _block_class(part)  # a block's kind tag, e.g. "p"
                continue
            member = next((m for m in members if _label(m) == part), None)
            if member is not None:  # a union member's label, e.g. "ListItem" or "str"
                union_at = tuple(kept)
                fits = isinstance(node, dict) if _is_model(member) else not isinstance(node, (dict, list))
                branch_ok = branch_ok and fits
                annotation = member
                continue
        if origin is list and isinstance(part, int):
            annotation = get_args(annotation)[0] if get_args(annotation) else Any
        elif _is_model(annotation) and isinstance(part, str):
            parent = annotation
            info = annotation.model_fields.get(part)
            annotation = info.annotation if info else None
        else:
            annotation = None
        kept.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return _Where(tuple(kept), parent, _unwrap(annotation) if annotation is not None else None, branch_ok, union_at)


def _label(member: Any) -> str:
    if _is_model(member):
        return member.__name__
    return "constrained-str" if member is str else getattr(member, "__name__", str(member))


def _union_label(annotation: Any) -> set[str]:
    labels = set()
    for m in _members(annotation):
        labels.add(m.__name__ if _is_model(m) else "str")
    return labels


def _found(value: Any, raw: str | None) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a set of `key: value` lines"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{raw or value}, which YAML reads as true/false"
    if isinstance(value, (int, float)):
        return f"{raw or value}, which YAML reads as a number"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f'"{_visible(text)}"'


def _quote_advice(raw: str | None, value: Any) -> str:
    shown = raw if raw is not None else str(value)
    return f"; put it in quotes: '{shown}'"


_PATTERN_WORDS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase letters, digits and single hyphens only (e.g. bedford-borough)",
    r"^\d+(\.\d+){1,2}$": 'a paragraph number such as "1.14" or "5.3.6"',
    r"^\d+(\.\d+)?$": 'a section number such as "1" or "5.1"',
    r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)?$": 'a recommendation number such as "2.1"',
    r"^[a-z]{1,2}$": 'a footnote id of one or two lowercase letters, such as "a"',
}

_KIND_WORDS = {"list": "a list (lines starting with `- `)", "dict": "a set of `key: value` lines"}


def _describe(error: ErrorDetails, data: Any, raw: dict[Location, str], root: Any) -> tuple[_Where, str]:
    where = _where(tuple(error["loc"]), data, root)
    loc = where.loc
    kind = error["type"]
    found = error.get("input")
    raw_text = raw.get(loc)
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = str(loc[-1])
        fields = sorted(where.parent.model_fields) if where.parent is not None else []
        block_kind = next(iter(fields)) if len(fields) == 1 and fields[0] in BLOCK_KINDS else None
        if block_kind and key in BLOCK_KINDS:
            return where, (f'unknown key "{key}" in this {block_kind} block: each block has one kind; '
                           f'to start a new block, put "- " before "{key}:" at the same indentation as "- {block_kind}:"')
        hint = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
        if hint:
            return where, f'unknown key "{key}". Did you mean "{hint[0]}"?'
        allowed = f" The keys allowed here are: {', '.join(fields)}." if fields else ""
        return where, f'unknown key "{key}".{allowed}'
    if kind == "missing":
        return where, f'the required key "{loc[-1]}" is missing here'
    if kind == "block_kind":
        if isinstance(found, dict) and found:
            keys = [str(k) for k in found]
            hints = [h for k in keys for h in difflib.get_close_matches(k, BLOCK_KINDS, n=1, cutoff=0.6)]
            if hints:
                return where, f'unknown kind of block "{keys[0]}". Did you mean "{hints[0]}"?'
            return where, f'unknown kind of block "{keys[0]}". A block starts with one of: {", ".join(BLOCK_KINDS)}'
        if isinstance(found, str):
            return where, f'expected a block such as `- p: your text`, found the text {_found(found, raw_text)} on its own; put "p: " before it'
        return where, f"expected a block such as `- p: your text`, found {_found(found, raw_text)}"
    if kind == "date_order":
        return where, error["msg"]
    if found is None and kind in ("string_type", "model_type", "dict_type", "list_type", "int_type", "date_type", "bool_type", "literal_error"):
        info = where.parent.model_fields.get(loc[-1]) if where.parent is not None and loc else None
        if info is not None and not info.is_required():
            return where, "is empty; write a value after the colon, or delete the line"
        return where, "is empty; write a value after the colon" if kind != "string_type" else "is empty; it needs text"
    if kind == "string_type":
        if isinstance(found, (bool, int, float)):
            return where, f"expected text, found {_found(found, raw_text)}{_quote_advice(raw_text, found)}"
        return where, f"expected text, found {_found(found, raw_text)}"
    if kind == "string_too_short":
        return where, "is empty; it needs text"
    if kind == "string_too_long":
        if ctx.get("max_length") == MAX_TEXT_LENGTH and isinstance(found, str):
            return where, (f"is {len(found.strip()):,} characters long; the longest text a field may hold is "
                           f"{MAX_TEXT_LENGTH:,}")
        return where, f"is too long: at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return where, f"expected {_PATTERN_WORDS.get(pattern, f'text matching {pattern}')}, found {_found(found, raw_text)}"
    if kind.startswith("date"):
        reason = error["msg"].split(",", 1)[1].strip() if "," in error["msg"] else ""
        reason = f" ({reason})" if reason and kind != "date_type" else ""
        return where, f"expected a date written year-month-day, such as 2015-05-18, found {_found(found, raw_text)}{reason}"
    if kind == "literal_error":
        options = [o.strip().strip("'") for o in ctx.get("expected", "").replace(" or ", ",").split(",") if o.strip()]
        hint = difflib.get_close_matches(str(found), options, n=1, cutoff=0.5)
        suggestion = f' Did you mean "{hint[0]}"?' if hint else ""
        quoted = [f'"{o}"' for o in options]
        choices = quoted[0] if len(quoted) == 1 else ("one of " if len(quoted) > 2 else "") + ", ".join(quoted[:-1]) + " or " + quoted[-1]
        return where, f"expected {choices}, found {_found(found, raw_text)}.{suggestion}"
    if kind in ("list_type", "model_type", "dict_type", "model_attributes_type"):
        wanted = _KIND_WORDS["list" if kind == "list_type" else "dict"]
        return where, f"expected {wanted}, found {_found(found, raw_text)} (check the indentation)"
    if kind == "too_short":
        return where, "is empty; it needs at least one item"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return where, f"expected a whole number, found {_found(found, raw_text)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return where, f"{error['msg'][0].lower()}{error['msg'][1:]}, found {_found(found, raw_text)}"
    if kind in ("bool_type", "bool_parsing"):
        return where, f"expected true or false, found {_found(found, raw_text)}"
    if kind == "value_error":
        message = error["msg"].removeprefix("Value error, ")
        return where, message
    message = error["msg"]
    return where, f"{message[0].lower()}{message[1:]} (found {_found(found, raw_text)})"


def validation_errors(exc: ValidationError, data: Any, reading: _Reading, root: Any) -> list[ContentError]:
    """Pydantic's errors in the words of the file: one message per problem, at its line."""
    described = []
    for error in exc.errors():
        where, message = _describe(error, data, reading.raw, root)
        ctx = error.get("ctx")
        extra = ctx.get("field") if isinstance(ctx, dict) else None
        described.append((where, where.loc + ((extra,) if extra else ()), error["type"], message))
    # A union (text, or a mapping with text and items) reports a complaint from
    # each of its members; keep those of the member that fits the data.
    fitting = {w.union_at for w, _, _, _ in described if w.union_at is not None and w.branch_ok}
    described = [d for d in described if d[0].branch_ok or d[0].union_at not in fitting]
    # "titel" instead of "title" is one mistake, not two: the missing "title"
    # is folded into the suggestion.
    suggested = {
        loc[:-1] + (message.split('"')[3],)
        for _, loc, kind, message in described
        if kind == "extra_forbidden" and "Did you mean" in message
    }
    out: list[ContentError] = []
    seen: set[tuple] = set()
    for _where, loc, kind, message in described:
        if kind == "missing" and loc in suggested:
            continue
        if kind == "string_too_long" and loc in reading.too_long:
            continue  # already reported, with the same words, while reading the file
        if kind == "extra_forbidden" and "Did you mean" in message and loc[:-1] + (message.split('"')[3],) in _missing(described):
            message += " (it is required)"
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        out.append(ContentError(reading.path, _nearest_line(loc, reading.lines), _field_path(loc) or None, message))
    return out


def _missing(described: list) -> set[Location]:
    return {loc for _, loc, kind, _ in described if kind == "missing"}


def _nearest_line(loc: Location, lines: dict[Location, int]) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def error_at(path: Path, lines: dict[Location, int], loc: Location, message: str) -> ContentError:
    """An error found after validation, at the line of the field (or of the nearest enclosing one)."""
    return ContentError(path, _nearest_line(loc, lines), _field_path(loc), message)


def read_model(path: Path, annotation: Any, *, what: str) -> tuple[Any, _Reading]:
    """A file validated against a schema type; (None, reading with errors) if it is not valid."""
    data, reading = load_yaml(path)
    if reading.errors and data is None:
        return None, reading
    if data is None:
        reading.errors.append(ContentError(path, 1, None, f"is empty: expected {what}"))
        return None, reading
    try:
        value = TypeAdapter(annotation).validate_python(data)
    except ValidationError as exc:
        reading.errors += validation_errors(exc, data, reading, annotation)
        return None, reading
    return (None if reading.errors else value), reading


REVIEW_NEEDS = "a review's keys (slug, title, sections, young_people, ...)"


def load_review(path: Path) -> tuple[SourcedReview | None, list[ContentError]]:
    """One review file: the review, or every problem found in it."""
    data, reading = load_yaml(path)
    if data is None and not reading.errors:
        reading.errors.append(ContentError(path, 1, None, f"is empty: expected {REVIEW_NEEDS}"))
    if data is not None and not isinstance(data, dict):
        reading.errors.append(ContentError(path, 1, None, f"expected {REVIEW_NEEDS}, found {_found(data, None)}"))
        return None, reading.errors
    if data is None:
        return None, reading.errors
    try:
        review = Review.model_validate(data)
    except ValidationError as exc:
        return None, reading.errors + validation_errors(exc, data, reading, Review)
    if reading.errors:
        return None, reading.errors
    return SourcedReview(review, path, reading.lines), []


def read_review(path: Path) -> SourcedReview:
    """Load one review file; raise ContentErrors listing every problem in it."""
    item, errors = load_review(path)
    if errors or item is None:
        raise ContentErrors(errors)
    return item


@dataclass(frozen=True)
class SourcedReview:
    """A valid review and where each of its fields is in its file, for later checks' errors."""

    review: Review
    path: Path
    lines: dict[Location, int]

    def line(self, loc: Location) -> int | None:
        return _nearest_line(loc, self.lines)

    def error(self, loc: Location, message: str) -> ContentError:
        return error_at(self.path, self.lines, loc, message)


def load_reviews(folder: Path) -> tuple[list[SourcedReview], list[ContentError]]:
    """Every valid review in a folder, and every problem found in reading any of them (the checks
    within and across reviews are checks.py's: load_content)."""
    loaded: list[SourcedReview] = []
    errors: list[ContentError] = []
    paths = sorted(folder.glob("*.yaml"))
    for path in paths:
        item, item_errors = load_review(path)
        errors.extend(item_errors)
        if item is not None:
            loaded.append(item)
    if not paths and not errors:
        errors.append(ContentError(folder, None, None, "contains no review files (*.yaml)"))
    return loaded, errors


def read_reviews(folder: Path) -> list[SourcedReview]:
    """Every review in a folder, or ContentErrors with every problem in all of them."""
    loaded, errors = load_reviews(folder)
    if errors:
        raise ContentErrors(errors)
    return loaded

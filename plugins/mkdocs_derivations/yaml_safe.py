"""A hardened YAML reader: text -> a tree of plain nodes that remember where they came from.

Specs are written by contributors and read in CI and on the docs build, so the reader must never construct
Python objects from tags, never expand aliases, and never lose the line and column of a value. PyYAML's
constructors do all three of those things wrong for us, so this module stops one level earlier: it walks
PyYAML's *event* stream (scanner and parser only) and builds :class:`YMap`, :class:`YSeq` and
:class:`YScalar` nodes itself, iteratively, so that deep nesting cannot exhaust the Python stack either.

Scalars are kept as the raw text together with their style and the tag that YAML 1.1 would resolve them
to; the spec loader decides what a field may contain (a plain ``no`` in an expression field is an error,
not ``False``). A scalar can also say where each character of its value was written
(:attr:`YScalar.positions`), which differs from "``n`` columns after the start" after an escape (``''``,
``\\x41``) and on every line after the first of a multi-line scalar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, NoReturn, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from .errors import Location, SpecError
from .yaml_positions import LINE_BREAK, Position, ScalarStyle, SourceText, Span

_EventLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Specs larger than this are refused before any parsing (a spec page is a few kilobytes).
MAX_BYTES = 1024 * 1024
#: Deepest nesting of mappings and sequences accepted (the seed spec needs 10).
MAX_DEPTH = 50

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"


_STYLES: dict[str | None, ScalarStyle] = {
    None: "plain",
    "'": "single",
    '"': "double",
    "|": "literal",
    ">": "folded",
}

# Plain scalars that the YAML 1.2 core schema reads as numbers although PyYAML's YAML 1.1 resolvers leave
# them strings (`1e3`, `0o17`). Editors and other tools read specs as YAML 1.2, so these count as numbers too:
# whatever *some* YAML reader would not load as a string must be quoted.
_YAML12_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_YAML12_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                           r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class _Mark(Protocol):
    """What we read of a PyYAML mark (the pure-Python and the libyaml marks both have these)."""

    line: int
    column: int
    index: int


# The nodes are records that nothing changes once built, but not frozen dataclasses: a frozen one sets each
# field through object.__setattr__ (4x slower to build), and a spec file makes about seventy of them, a
# tenth of the time to read it.
@dataclass
class YScalar:
    """A scalar as written: its text, how it was written, and what YAML 1.1 would make of it.

    ``location`` is where the node starts (the quote or ``|`` indicator); ``value_location`` is where the
    value's first character is (inside the quotes, or the first content line of a block scalar), which is
    what column-accurate errors inside the string are counted from.
    """

    value: str
    style: ScalarStyle
    tag: str  # for plain scalars: the YAML 1.1 tag, or int/float where YAML 1.2 reads a number
    location: Location
    value_location: Location
    source: SourceText | None = field(default=None, compare=False, repr=False)
    #: 0-based line and column of the node's start, then of its end, as PyYAML's marks give them.
    marks: tuple[int, int, int, int] | None = field(default=None, compare=False, repr=False)

    @property
    def span(self) -> Span | None:
        """Where the scalar is in its file, found from its marks when asked (only errors ask)."""
        return None if self.source is None else self.source.span(self.marks)

    @cached_property
    def positions(self) -> tuple[Position, ...] | None:
        """Where each character of ``value`` was written, plus one entry for the position just after it.

        ``positions[i]`` is the (line, column) of the source character that produced ``value[i]``: the
        backslash of an escape, the first quote of ``''``, the end of the source line for a line break or
        a folded space. None when the source is not known or cannot be read back to exactly ``value``
        (then ``value_location`` shifted along its line is the best there is). Computed on first use:
        only strings that errors can point into (expressions, declarations) ever ask.
        """
        span = self.span
        if span is None:
            return None
        return span.positions(self.style, self.value)

    @property
    def plain(self) -> bool:
        """True for an unquoted, non-block scalar (the only kind YAML resolves to non-strings)."""
        return self.style == "plain"

    @property
    def is_str(self) -> bool:
        """True when YAML 1.1 would load this scalar as a string."""
        return self.tag == STR_TAG


@dataclass
class YSeq:
    """A sequence of nodes."""

    items: tuple[YNode, ...]
    location: Location


@dataclass
class YMap:
    """A mapping with string keys, in source order; ``keys`` holds each key's location."""

    values: dict[str, YNode]
    keys: dict[str, Location]
    location: Location


YNode = YScalar | YSeq | YMap


@dataclass
class _MapFrame:
    location: Location
    values: dict[str, YNode] = field(default_factory=dict)
    keys: dict[str, Location] = field(default_factory=dict)
    pending_key: str | None = None


@dataclass
class _SeqFrame:
    location: Location
    items: list[YNode] = field(default_factory=list)


def load_yaml(data: bytes | str, path: str) -> YMap:
    """Parse one spec file into a position-carrying tree whose top level is a mapping.

    Raises :class:`SpecError` (at the offending line and column) for anything a spec has no use for and an
    attacker or a slip of the keyboard might put there: tags, anchors and aliases, duplicate or non-string
    keys, several documents, tab indentation, excessive size or depth, invalid UTF-8, line breaks that only
    YAML sees, control characters in values.
    """
    text = _decode(data, path)
    _refuse_hidden_breaks(text, path)
    try:
        try:
            return _Builder(text, path).build(fast=True)
        except (yaml.YAMLError, SpecError):
            # The fast parser reads ahead and words some errors differently; the pure-Python parser gives
            # the precise message and position, and speed no longer matters once the file is wrong.
            return _Builder(text, path).build(fast=False)
    except SpecError:
        raise
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, path) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, path) from None
    except yaml.YAMLError as exc:  # any other PyYAML complaint: still a contributor error, not a crash
        raise SpecError(f"YAML error: {exc}", Location(path)) from None
    except RecursionError:
        raise SpecError("the YAML is nested too deeply to read", Location(path)) from None
    except MemoryError:
        raise SpecError("the YAML is too large to read", Location(path)) from None


def _decode(data: bytes | str, path: str) -> str:
    """Check the size first (cheap), then decode; return text with any BOM removed and LF line ends."""
    if isinstance(data, str):
        size = len(data) if len(data) > MAX_BYTES else len(data.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
    if size > MAX_BYTES:
        raise size_error(size, path)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            line_start = data.rfind(b"\n", 0, exc.start) + 1
            column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
            raise SpecError(
                f"the file is not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}",
                Location(path, line, column),
            ) from None
    else:
        text = data
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


# YAML 1.1 counts these as line breaks; editors, GitHub and diffs show them as nothing, on the same line.
_HIDDEN_BREAKS = {"\x85": "U+0085 NEXT LINE (NEL)", "\u2028": "U+2028 LINE SEPARATOR",
                  "\u2029": "U+2029 PARAGRAPH SEPARATOR"}
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]")


def _refuse_hidden_breaks(text: str, path: str) -> None:
    """Refuse the line breaks that YAML sees and a reader of the file does not.

    After one, every line YAML reports is one further down than the line an editor shows, and a key can hide
    on a visible line (``title: x<NEL>where: {}`` reads as two keys). The error is therefore placed by
    counting ``\n`` only, as the contributor's editor does.
    """
    found = _HIDDEN_BREAK.search(text)
    if found is None:
        return
    index = found.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    raise SpecError(f"the file contains the invisible character {_HIDDEN_BREAKS[found.group()]}, which YAML "
                    "reads as a line break although editors show none; remove it", Location(path, line, column))


# Control characters (C0 but line feed and tab, DEL, C1) and the Unicode line and paragraph separators: the
# reader refuses them written raw, but a double-quoted escape (`"\0"`, `"\x1b"`, `"\L"`) puts them in a
# value, from where they would reach the published page unseen.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def size_error(size: int, path: str) -> SpecError:
    """The error for a file over :data:`MAX_BYTES` (also used by callers that check a file's size on disk)."""
    # In bytes: "1.0 MB; at most 1 MB" read as a contradiction for a file just over the limit.
    return SpecError(f"the file is {size:,} bytes; a spec may be at most {MAX_BYTES:,} bytes "
                     f"({MAX_BYTES // (1024 * 1024)} MiB)", Location(path))


def _location(mark: _Mark | None, path: str) -> Location:
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)


def _marks(event: ScalarEvent) -> tuple[int, int, int, int] | None:
    """The 0-based (line, column) of where a scalar starts and ends, kept to find its characters if asked."""
    start, end = event.start_mark, event.end_mark
    if start is None or end is None:
        return None
    return start.line, start.column, end.line, end.column


def _position(text: str, index: int, path: str) -> Location:
    """The location of character ``index`` of ``text``, counting lines as PyYAML does."""
    line_start = 0
    line = 1
    for match in LINE_BREAK.finditer(text, 0, index):
        line += 1
        line_start = match.end()
    return Location(path, line, index - line_start + 1)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> SpecError:
    if exc.context and exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        # An unclosed quote or bracket: the file's last line says nothing, where it opens is what to fix.
        start = _location(exc.context_mark, path)
        end = _location(exc.problem_mark, path)
        what = exc.context.removeprefix("while scanning ").removeprefix("while parsing ")
        opened = exc.context_mark.index
        hint = _QUOTE_HINT if 0 <= opened < len(text) and text[opened] == "'" else ""
        return SpecError(f"YAML syntax error: {what} that is never closed (the file ends at line "
                         f"{end.line} without closing it){hint}", start)
    mark = exc.problem_mark or exc.context_mark
    location = _location(mark, path)
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return SpecError(
            f"tab character in indentation on line {location.line}; YAML indents with spaces only",
            location,
        )
    problem = exc.problem or exc.context or "invalid YAML"
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.problem and exc.context_mark is not None:
        context = _location(exc.context_mark, path)
        message += f" ({exc.context} at line {context.line}, column {context.column})"
    if mark is not None and "<scalar>" in (exc.problem or "") and 0 < mark.index <= len(text) \
            and text[mark.index - 1] == "'":
        message += _QUOTE_HINT  # `tex: 'f'(x)'`: the quote of the prime closed the value
    if mark is not None and (exc.problem or "").startswith("expected <block end>") and exc.context_mark is not None \
            and "<scalar>" not in (exc.problem or ""):  # a scalar there is a quote's doing (above), not indentation's
        # PyYAML names tokens ('?', '<block mapping start>') that mean nothing to a spec's author.
        inside = "list" if "collection" in (exc.context or "") else "mapping"
        message += (f"; line {location.line} does not fit the indentation of the {inside} it is in (which starts at "
                    f"line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}): the keys of one "
                    "mapping start in one column, and so do the `-` of one list, and the keys of a list item "
                    "start after its `- `")
    if mark is not None and exc.problem == "mapping values are not allowed here":
        above = _indented_more_than_above(text, mark.line)
        if above is not None:  # `label: x` dedented, `start:` below it not: read as the rest of "x"
            message += (f"; line {mark.line + 1} is indented more than the key on line {above + 1}, so it is read "
                        f"as part of that key's value: check the indentation of those two lines")
    if exc.problem == "could not find expected ':'" and exc.context_mark is not None and mark is not None \
            and mark.line == exc.context_mark.line and mark.index - exc.context_mark.index > _LONGEST_KEY:
        # PyYAML gives up on a key after 1024 characters, and says only that the `:` is missing.
        message += f"; a key may be at most {_LONGEST_KEY} characters long"
    return SpecError(message, location)


def _indented_more_than_above(text: str, line: int) -> int | None:
    """The 0-based number of the nearest non-blank line above ``line``, if ``line`` is indented more than it."""
    lines = text.splitlines()
    if not 0 < line < len(lines):
        return None

    def indent(row: str) -> int:
        return len(row) - len(row.lstrip(" "))

    for above in range(line - 1, -1, -1):
        if lines[above].strip():
            return above if indent(lines[line]) > indent(lines[above]) else None
    return None


_LONGEST_KEY = 1024  # YAML 1.1's limit on an implicit (simple) key


# Primes and apostrophes are common in TeX, and YAML's own messages for them never mention quotes.
_QUOTE_HINT = "; inside single quotes, write a quote (a prime) twice: `tex: 'f''(x)'`"


def _reader_error(exc: yaml.reader.ReaderError, text: str, path: str) -> SpecError:
    character = exc.character if isinstance(exc.character, int) else 0
    return SpecError(
        f"the file contains a control character (U+{character:04X}) that YAML does not allow",
        _position(text, exc.position, path),
    )


class _Builder:
    """Turns the event stream of one YAML text into nodes; one instance per load (no shared state)."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.source = SourceText(text)
        # Only a text with a tab can have one in its indentation (most specs have none: nothing to track).
        self.has_tabs = "\t" in text
        # Lines (0-based) that are the continuation of a multi-line scalar: their leading whitespace is
        # content, not indentation, so a tab there is fine.
        self.content_lines: set[int] = set()

    @cached_property
    def lines(self) -> list[str]:
        """The text's lines, split where PyYAML counts a line break (only block scalars and tabs need them)."""
        return LINE_BREAK.split(self.text)

    def build(self, fast: bool = True) -> YMap:
        # libyaml's parser (when PyYAML was built with it) is much faster than the pure-Python one and
        # reports the same events and positions; only events are read, never constructed objects.
        loader = _EventLoader(self.text) if fast else yaml.SafeLoader(self.text)
        try:
            root = self._walk(loader)
        finally:
            loader.dispose()
        if self.has_tabs:
            self._check_tabs()
        return root

    def _walk(self, loader: Any) -> YMap:
        first = loader.get_event()
        assert isinstance(first, StreamStartEvent)
        event = loader.get_event()
        if isinstance(event, StreamEndEvent):
            raise SpecError("the file is empty; a spec is a YAML mapping starting with `version: 1`",
                            Location(self.path, 1, 1))
        assert isinstance(event, DocumentStartEvent)
        root = self._document(loader)
        event = loader.get_event()
        if isinstance(event, DocumentStartEvent):
            raise SpecError("a spec file holds exactly one YAML document; remove this second one",
                            _location(event.start_mark, self.path))
        if not isinstance(event, StreamEndEvent):  # pragma: no cover - the parser guarantees this
            raise SpecError("unexpected content after the document", _location(event.start_mark, self.path))
        if isinstance(root, YMap):
            return root
        if isinstance(root, YScalar) and root.plain and root.tag == NULL_TAG:
            raise SpecError("the file is empty; a spec is a YAML mapping starting with `version: 1`",
                            root.location)
        kind = "a list" if isinstance(root, YSeq) else "a single value"
        raise SpecError(f"the top level of a spec must be a mapping (`key: value` lines), not {kind}",
                        root.location)

    def _document(self, loader: Any) -> YNode:
        """Build the one node of a document, without recursion; consumes the DocumentEndEvent.

        This loop runs once per event (about 150 for a page of five steps, the largest share of loading a
        spec), so it dispatches on the event's exact class and does each node's work inline; a mapping key
        is never made a :class:`YScalar` (only its text, tag and location are kept).
        """
        get_event = loader.get_event
        path = self.path
        stack: list[_MapFrame | _SeqFrame] = []
        parent: _MapFrame | _SeqFrame | None = None  # stack[-1]
        root: YNode | None = None
        while True:
            event = get_event()
            kind = type(event)
            node: YNode
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    self._refuse_node_event(event)
                if isinstance(parent, _MapFrame) and parent.pending_key is None:
                    self._key(parent, event)
                    continue
                node = self._scalar(event)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                if isinstance(frame, _MapFrame):
                    node = YMap(frame.values, frame.keys, frame.location)
                else:
                    node = YSeq(tuple(frame.items), frame.location)
                parent = stack[-1] if stack else None
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    self._refuse_node_event(event)
                location = _location(event.start_mark, path)
                if len(stack) >= MAX_DEPTH:
                    raise SpecError(f"the YAML is nested more than {MAX_DEPTH} levels deep", location)
                if isinstance(parent, _MapFrame) and parent.pending_key is None:
                    raise SpecError("mapping keys must be strings, not lists or mappings", location)
                parent = _MapFrame(location) if kind is MappingStartEvent else _SeqFrame(location)
                stack.append(parent)
                continue
            elif kind is DocumentEndEvent:
                assert root is not None
                return root
            elif kind is AliasEvent:
                self._refuse_node_event(event)
            else:  # pragma: no cover - the parser emits nothing else inside a document
                raise SpecError("unexpected YAML structure", _location(event.start_mark, path))
            if parent is None:
                root = node
            elif isinstance(parent, _MapFrame):
                assert parent.pending_key is not None
                parent.values[parent.pending_key] = node
                parent.pending_key = None
            else:
                parent.items.append(node)

    def _refuse_node_event(self, event: NodeEvent) -> NoReturn:
        """Raise for an alias, an anchor or a tag (the caller calls this only when one is there)."""
        if isinstance(event, AliasEvent):
            raise SpecError(f"YAML aliases (`*{event.anchor}`) are not allowed in specs; write the value out",
                            _location(event.start_mark, self.path))
        if event.anchor is not None:
            raise SpecError(f"YAML anchors (`&{event.anchor}`) are not allowed in specs; write the value out",
                            _location(event.start_mark, self.path))
        tag = getattr(event, "tag", None) or "?"  # the caller saw an anchor or a tag
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise SpecError(f"YAML tags (`{shown}`) are not allowed in specs; remove the tag",
                        _location(event.start_mark, self.path))

    def _key(self, frame: _MapFrame, event: ScalarEvent) -> None:
        """Take a mapping key: a string, new in its mapping; only its text and location are kept."""
        value: str = event.value
        location = _location(event.start_mark, self.path)
        if self.has_tabs:
            self._note_content_lines(event)
        if _CONTROL.search(value):
            self._refuse_control(event)
        tag = _resolve(value) if _STYLES.get(event.style, "plain") == "plain" else STR_TAG
        if tag != STR_TAG:
            shown = value or "an empty key"
            raise SpecError(f"mapping keys must be strings; `{shown}` is read as {_tag_name(tag)}"
                            " (quote it if you mean the text)", location)
        if value in frame.keys:
            first = frame.keys[value]
            raise SpecError(f"duplicate key `{value}` (first given on line {first.line})", location)
        frame.keys[value] = location
        frame.pending_key = value

    def _note_content_lines(self, event: ScalarEvent) -> None:
        """Remember the continuation lines of a multi-line scalar (see ``content_lines``)."""
        start, end = event.start_mark, event.end_mark
        if start is not None and end is not None and end.line > start.line:
            last = end.line if end.column > 0 else end.line - 1
            self.content_lines.update(range(start.line + 1, last + 1))

    def _refuse_control(self, event: ScalarEvent) -> NoReturn:
        """Raise at the first control character of a scalar, where its escape is written."""
        value: str = event.value
        found = _CONTROL.search(value)
        assert found is not None
        index = found.start()
        style = _STYLES.get(event.style, "plain")
        location = _location(event.start_mark, self.path)
        span = self.source.span(_marks(event))
        positions = span.positions(style, value) if span is not None else None
        if positions is not None and len(positions) == len(value) + 1:
            line, column = positions[index]
            location = Location(self.path, line, column)
        character = ord(found.group())
        kind = "an invisible line break" if character in (0x2028, 0x2029) else "a control character"
        # `tex: "\Phi"` in double quotes: YAML reads `\P` as U+2029 (`\a`, `\b`, `\e`, `\v` alike), and "remove
        # it" would leave `hi`; the fix is the quotes.
        fix = ("inside double quotes a backslash starts an escape, so write TeX in single quotes: "
               "`tex: '\\Phi'`" if style == "double" else "remove it")
        raise SpecError(f"the value contains {kind} (U+{character:04X}, written as a `\\` escape) that would "
                        f"reach the page unseen; {fix}", location)

    def _scalar(self, event: ScalarEvent) -> YScalar:
        if _CONTROL.search(event.value):
            self._refuse_control(event)
        style = _STYLES.get(event.style, "plain")
        location = _location(event.start_mark, self.path)
        if style == "plain":
            tag = _resolve(event.value)
            value_location = location
        else:
            tag = STR_TAG
            value_location = (location.shifted(1) if style in ("single", "double")
                              else self._block_content(event.start_mark, location))
        if self.has_tabs:
            self._note_content_lines(event)
        return YScalar(event.value, style, tag, location, value_location, self.source, _marks(event))

    def _block_content(self, mark: _Mark | None, fallback: Location) -> Location:
        """Where the first content line of a ``|`` or ``>`` scalar starts (the header line is skipped)."""
        if mark is None:
            return fallback
        for number in range(mark.line + 1, len(self.lines)):
            line = self.lines[number]
            if line.strip():
                return Location(self.path, number + 1, len(line) - len(line.lstrip(" ")) + 1)
        return fallback

    def _check_tabs(self) -> None:
        """Refuse tabs in indentation that PyYAML happened to accept (it only rejects some of them)."""
        for number, line in enumerate(self.lines):
            if number in self.content_lines:
                continue
            stripped = line.lstrip(" \t")
            if not stripped or stripped.startswith("#"):
                continue
            indent = line[: len(line) - len(stripped)]
            if "\t" in indent:
                raise SpecError(
                    f"tab character in indentation on line {number + 1}; YAML indents with spaces only",
                    Location(self.path, number + 1, indent.index("\t") + 1),
                )


# PyYAML's YAML 1.1 resolver; it keeps no state between calls unless path resolvers are added (never here),
# so one serves every file.
_RESOLVER = yaml.resolver.Resolver()


def _resolve(value: str) -> str:
    """The tag of a plain scalar: YAML 1.1 (what PyYAML does), widened by YAML 1.2 core numbers.

    Short values are remembered across files (every page repeats its keys, `tex`, `sympy`, `steps`, and most
    of its plain values); a long one is likely unique, and keeping it would only hold memory.
    """
    return _resolve_short(value) if len(value) <= 80 else _resolve_now(value)


@lru_cache(maxsize=4096)
def _resolve_short(value: str) -> str:
    return _resolve_now(value)


def _resolve_now(value: str) -> str:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == STR_TAG and _YAML12_INT.match(value):
        tag = INT_TAG
    elif tag == STR_TAG and _YAML12_FLOAT.match(value):
        tag = FLOAT_TAG
    return tag


def _tag_name(tag: str) -> str:
    names = {
        NULL_TAG: "null (no value)",
        BOOL_TAG: "a boolean",
        INT_TAG: "an integer",
        FLOAT_TAG: "a number",
        "tag:yaml.org,2002:timestamp": "a date",
        "tag:yaml.org,2002:merge": "a merge key",
        "tag:yaml.org,2002:value": "a value key",
    }
    return names.get(tag, "a non-string value")


def describe(node: YNode) -> str:
    """A short phrase for what a node is, for type errors ("found a list", "found `yes`, a boolean")."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node.plain and node.tag == NULL_TAG:
        return "nothing (an empty value)" if node.value in ("", "~") else f"`{node.value}`, null (no value)"
    if node.is_str:
        return f"the text `{node.value}`" if len(node.value) <= 40 else "a text"
    return f"`{node.value}`, {_tag_name(node.tag)}"

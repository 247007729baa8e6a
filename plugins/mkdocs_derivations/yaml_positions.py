"""Where each character of a YAML scalar's value was written in its file.

An error inside an expression must point at the column of the faulty character, and a value is not its
source: escapes (``''``, ``\\x41``), folded and multi-line scalars move characters around. PyYAML gives
only where a node starts and ends, so the scalar is read again here from its source text by the rules of
its style; only a reading that reproduces the value exactly is trusted, so a rule read wrong costs
precision (the caller falls back to column offsets), never a wrong position. Kept apart from
:mod:`yaml_safe`, which builds the tree, because it is a second job with rules of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

ScalarStyle = Literal["plain", "single", "double", "literal", "folded"]

# PyYAML counts these as line breaks (after CRLF has been normalised to LF); splitting the same way keeps
# our line numbers equal to the ones in its marks.
LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


#: (line, column), both 1-based: where one character of a scalar's value was written.
Position = tuple[int, int]


_BREAKS = "\n\r\x85\u2028\u2029"
_BLANKS = " \t"

# Double-quoted escapes (YAML 1.1/1.2, as PyYAML and libyaml read them): one character each.
_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}

_ESCAPE_CODES = {"x": 2, "u": 4, "U": 8}
_HEX = frozenset("0123456789abcdefABCDEF")


class SourceText:
    """One file's text, shared by every scalar read from it; its line table is built on the first question.

    Positions are asked only when an error points into a string, so most files never need the table.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _table(self) -> tuple[list[int], list[int]]:
        starts = [0]  # index of each line's first character
        ends: list[int] = []  # index of each line's break (or the end of the text)
        for match in LINE_BREAK.finditer(self.text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(self.text))
        return starts, ends

    @property
    def starts(self) -> list[int]:
        """The index of each line's first character."""
        return self._table[0]

    @property
    def ends(self) -> list[int]:
        """The index of each line's break (or the end of the text)."""
        return self._table[1]

    @property
    def usable(self) -> bool:
        """False when the line table cannot match PyYAML's line numbers, so that no positions are given.

        After CRLF -> LF a stray "\r\r\n" still holds a CRLF, which PyYAML counts as one break and the
        table as two; positions would then be off by a line.
        """
        return "\r\n" not in self.text

    def span(self, marks: tuple[int, int, int, int] | None) -> Span | None:
        """The span between two 0-based mark positions (start line and column, then end), or None when
        there are none or they make no span."""
        if marks is None:
            return None
        start_line, start_column, end_line, end_column = marks
        first = self.index(start_line, start_column)
        last = self.index(end_line, end_column)
        if first is None or last is None or last < first:
            return None
        return Span(self, first, last)

    def index(self, line: int, column: int) -> int | None:
        """The text index of a 0-based mark position, or None when it is outside the text."""
        if not 0 <= line < len(self.starts):
            return None
        index = self.starts[line] + column
        return index if index <= self.ends[line] else None

    def position(self, index: int) -> Position:
        line = bisect_right(self.starts, index) - 1
        return line + 1, index - self.starts[line] + 1


@dataclass(frozen=True)
class Span:
    """Where a scalar is in its file: the node's start and end as text indices."""

    source: SourceText
    start: int
    end: int

    def positions(self, style: ScalarStyle, value: str) -> tuple[Position, ...] | None:
        if not self.source.usable:
            return None
        try:
            built = _rebuild(self.source, style, self.start, self.end, value)
        except (IndexError, ValueError):  # the source does not look like the style claims: no map
            return None
        if built is None:
            return None
        return tuple(self.source.position(index) for index in built)


def _rebuild(source: SourceText, style: ScalarStyle, start: int, end: int, value: str) -> list[int] | None:
    """Source indices of each character of ``value`` (plus one past the end), or None if not reproduced.

    The scalar is read again from the source by the rules of its style; only a reading that gives exactly
    ``value`` is trusted, so a rule this reader gets wrong costs precision (the caller falls back to
    column offsets), never a wrong position.
    """
    text = source.text
    if style == "plain":
        read = _read_flow(text, start, end, None)
    elif style in ("single", "double"):
        quote = "'" if style == "single" else '"'
        if text[start] != quote:
            return None
        read = _read_flow(text, start + 1, len(text), quote)
    else:
        if text[start] != ("|" if style == "literal" else ">"):
            return None
        return _read_block(source, start, style == "folded", value)
    if read is None:
        return None
    chars, indices = read
    return indices if "".join(chars) == value else None


def _norm_break(ch: str) -> str:
    """What a line break reads as: LF, except the Unicode line and paragraph separators, kept as they are."""
    return ch if ch in "\u2028\u2029" else "\n"


def _read_flow(text: str, i: int, stop: int, quote: str | None) -> tuple[list[str], list[int]] | None:
    """Read a plain (``quote`` None, ending at ``stop``) or quoted scalar's content starting at index ``i``.

    Returns the characters read and, for each, its source index; the last index (one more entry than
    characters) is where the scalar ends (its closing quote, or ``stop``).
    """
    chars: list[str] = []
    indices: list[int] = []

    def fold(i: int, first: str | None) -> int:
        """Fold the line break at ``i`` (``first`` is what it reads as; None for an escaped break)."""
        at = i
        i += 1
        extra: list[int] = []
        while True:
            while i < stop and text[i] in _BLANKS:
                i += 1
            if i < stop and text[i] in _BREAKS:
                extra.append(i)
                i += 1
                continue
            break
        if first is not None and first != "\n":
            chars.append(first)
            indices.append(at)
        elif first is not None and not extra:
            chars.append(" ")
            indices.append(at)
        for index in extra:
            chars.append(_norm_break(text[index]))
            indices.append(index)
        return i

    while True:
        if i >= stop:
            if quote is not None:
                return None
            break
        ch = text[i]
        if quote == "'" and ch == "'":
            if text[i + 1 : i + 2] != "'":
                break
            chars.append("'")
            indices.append(i)
            i += 2
        elif quote == '"' and ch == '"':
            break
        elif quote == '"' and ch == "\\":
            code = text[i + 1]
            if code in _ESCAPES:
                chars.append(_ESCAPES[code])
                indices.append(i)
                i += 2
            elif code in _ESCAPE_CODES:
                digits = text[i + 2 : i + 2 + _ESCAPE_CODES[code]]
                if len(digits) != _ESCAPE_CODES[code] or not _HEX.issuperset(digits):
                    return None
                chars.append(chr(int(digits, 16)))
                indices.append(i)
                i += 2 + len(digits)
            elif code in _BREAKS:
                i = fold(i + 1, None)
            else:
                return None
        elif ch in _BLANKS:
            j = i
            while j < stop and text[j] in _BLANKS:
                j += 1
            if j < stop and text[j] in _BREAKS:
                i = j  # blanks before a line break are not part of the value
            else:
                chars.extend(text[i:j])
                indices.extend(range(i, j))
                i = j
        elif ch in _BREAKS:
            i = fold(i, _norm_break(ch))
        else:
            chars.append(ch)
            indices.append(i)
            i += 1
    indices.append(i)
    return chars, indices


def _read_block(source: SourceText, start: int, folded: bool, value: str) -> list[int] | None:
    """Source indices for a ``|`` or ``>`` scalar whose indicator is at ``start`` (see :func:`_rebuild`)."""
    text = source.text
    header_line = bisect_right(source.starts, start) - 1
    j = start + 1
    chomping: bool | None = None  # True keeps trailing line breaks (`+`), False strips them (`-`)
    increment: int | None = None
    for _ in range(2):
        ch = text[j : j + 1]
        if ch and ch in "+-" and chomping is None:
            chomping = ch == "+"
        elif ch and ch in "123456789" and increment is None:
            increment = int(ch)
        else:
            break
        j += 1
    if increment is None:
        # The indentation is that of the first non-empty line (or the longest blank line before it).
        indent = 0
        for number in range(header_line + 1, len(source.starts)):
            line = text[source.starts[number] : source.ends[number]]
            content = line.lstrip(" ")
            indent = max(indent, len(line) - len(content))
            if content:
                break
        candidates = [max(indent, 1)]
    else:
        # The indicator counts from the parent's indentation, which the events do not give: try each.
        column = start - source.starts[header_line]
        candidates = list(range(increment, column + increment + 1))
    for indent in candidates:
        read = _read_block_lines(source, header_line + 1, indent, folded, chomping)
        if read is not None and "".join(read[0]) == value:
            return read[1]
    return None


def _read_block_lines(source: SourceText, number: int, indent: int, folded: bool,
                      chomping: bool | None) -> tuple[list[str], list[int]] | None:
    """Read block scalar lines from line ``number`` (0-based) at ``indent``, as PyYAML's scanner does."""
    text, starts, ends = source.text, source.starts, source.ends
    count = len(starts)
    chars: list[str] = []
    indices: list[int] = []

    def line(n: int) -> str:
        return text[starts[n] : ends[n]]

    def is_content(n: int) -> bool:
        if n >= count:
            return False
        body = line(n)
        return len(body) > indent and len(body) - len(body.lstrip(" ")) >= indent

    def empty_lines(n: int) -> tuple[list[int], int]:
        """Line breaks of the blank lines from ``n`` on (as indices), and the line after them."""
        found: list[int] = []
        while n < count and ends[n] < len(text):
            body = line(n)
            if body.strip(" ") or len(body) > indent:
                break
            found.append(ends[n])
            n += 1
        return found, n

    def add_breaks(found: list[int]) -> None:
        for index in found:
            chars.append(_norm_break(text[index]))
            indices.append(index)

    breaks, number = empty_lines(number)
    line_break: int | None = None  # index of the last content line's break (None at the end of the text)
    while is_content(number):
        add_breaks(breaks)
        body = line(number)
        leading_blank = body[indent] in _BLANKS
        chars.extend(body[indent:])
        indices.extend(range(starts[number] + indent, ends[number]))
        line_break = ends[number] if ends[number] < len(text) else None
        breaks, number = empty_lines(number + 1)
        if not is_content(number):
            break
        if line_break is None:  # pragma: no cover - a line followed by content has a break
            return None
        reads_as = _norm_break(text[line_break])
        if folded and reads_as == "\n" and not leading_blank and line(number)[indent] not in _BLANKS:
            if not breaks:
                chars.append(" ")
                indices.append(line_break)
        else:
            chars.append(reads_as)
            indices.append(line_break)
    if chomping is not False and line_break is not None:
        chars.append(_norm_break(text[line_break]))
        indices.append(line_break)
    if chomping is True:
        add_breaks(breaks)
    if not indices:
        indices.append(ends[min(number, count - 1)] if number < count else len(text))
    elif chars[-1] in _BREAKS:
        indices.append(indices[-1])  # just after a final line break is the end of that line
    else:
        indices.append(indices[-1] + 1)
    return chars, indices

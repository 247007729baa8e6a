"""Limits on the size of one page that keep loading and rendering it fast whatever a pull request holds.

A spec is at most 1 MiB, but some costs grow with the square of what a page holds, and they are paid in the
MkDocs process, which has no time limit (only claims run in killable workers):

* Python-Markdown reads ``[`` (links, images, footnote references) in quadratic time: 8 KB of ``[`` took
  9.8 s and 24 KB of ``![a`` 31 s to render, measured with this site's extensions; none of the other 22
  characters and pairs timed at 16 and 32 KB came close (emphasis, code, braces, quotes, admonitions);
* Python-Markdown parses nested lists, quotes and admonitions recursively: 800 list markers on one line
  (``1. 1. 1. …``, 2.4 KB) raise RecursionError, which aborts the whole MkDocs build;
* an equation reference ``{eq:label}`` becomes such a link: 141 000 of them, in a valid 1 MB spec, took a
  minute to render in every build and every ``mkdocs serve`` rebuild (red team);
* so does an inline-math opener ``\\(`` without its closer: 64 KB of them took 24 s (red team);
* every claim carries the declarations and definitions in its scope (they are part of its cache key), so
  a page with thousands of both took minutes and gigabytes to lay out; so did 28 000 steps under 500
  definitions (41 s and 1.1 GB), hence a limit on steps too.

The limits are far above what a readable page needs (the nine pages of this site use at most 3 ``[``,
38 declarations and 16 definitions) and each is reported as a located error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import model
from .errors import Location, SpecError

MAX_PROSE_BRACKETS = 1000
MAX_PROSE_MATH_OPENERS = 1000
MAX_STEPS = 1000
MAX_PROSE_NESTING = 50
MAX_DECLARATIONS = 500
MAX_DEFINITIONS = 500

# The container openers a Markdown line can start with, several in a row: list items and quotes. A list
# marker needs a space after it, a quote marker does not (`>>>>` is four quotes deep, as `> > > >` is).
_OPENERS = re.compile(r"(?:[ ]*(?:>|(?:[-*+]|[0-9]{1,9}[.)])(?=[ ]|$)))+")
_OPENER = re.compile(r"[-*+>]|[0-9]{1,9}[.)]")


class _Tally:
    """One counted quantity of a page and its limit; :meth:`add` raises at the item that passes it."""

    def __init__(self, limit: int, message: str) -> None:
        self.limit, self.message, self.count = limit, message, 0

    def add(self, amount: int, location: Location, at: str = "") -> None:
        self.count += amount
        if self.count > self.limit:
            raise SpecError(self.message.format(limit=self.limit, at=at), location, "limits")


def check_page_limits(spec: model.Spec) -> None:
    """Raise :class:`SpecError` at the first item that takes a page over a limit."""
    brackets = _Tally(MAX_PROSE_BRACKETS, "the page's prose has more than {limit} `[` and `{{eq:...}}` references by "
                                          "here: Markdown takes time growing with the square of their number, so "
                                          "split the page")
    openers = _Tally(MAX_PROSE_MATH_OPENERS, "the page's prose has more than {limit} `\\(` by here: Markdown takes "
                                             "time growing with the square of their number, so split the page")
    declarations = _Tally(MAX_DECLARATIONS, "more than {limit} declarations on one page{at}; split the page")
    definitions = _Tally(MAX_DEFINITIONS, "more than {limit} definitions on one page{at}; split the page")
    steps = _Tally(MAX_STEPS, "more than {limit} steps on one page; split the page")
    for item in _items(spec):
        if isinstance(item, model.TextBlock):
            _check_nesting(item)
            # a reference becomes a Markdown link: 141 000 `{eq:a}` in a 1 MB spec took a minute to render
            brackets.add(item.markdown.count("[") + item.markdown.count("{eq:"), item.location)
            openers.add(item.markdown.count("\\("), item.location)
        elif isinstance(item, model.Scope):
            for name, text in item.symbols.items():
                declarations.add(1, text.name_location, f" (at `{name}`)")
            for name, text in item.where.items():
                definitions.add(1, text.name_location, f" (at `{name}`)")
        else:
            steps.add(1, item.location)
            if item.rel == ":=":
                definitions.add(1, item.location)


def _check_nesting(block: model.TextBlock) -> None:
    """A line's depth: its indentation in steps of 4 (a nested list, a block inside an admonition) plus the
    list and quote markers it opens with. Generous for prose, far below Python's recursion limit."""
    for number, line in enumerate(block.markdown.expandtabs(4).split("\n")):
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 4
        openers = _OPENERS.match(body)
        if openers:
            depth += len(_OPENER.findall(openers.group(0)))
        if depth > MAX_PROSE_NESTING:
            raise SpecError(f"this line of prose nests lists, quotes or indented blocks {depth} levels deep; "
                            f"Markdown allows at most {MAX_PROSE_NESTING} here", _line(block, number), "limits")


def _line(block: model.TextBlock, number: int) -> Location:
    """Where line ``number`` of a block's text is (exact for the usual ``|`` block; folded text is shorter)."""
    location = block.location
    return Location(location.path, location.line + number, 1) if number and location.line else location


def _items(spec: model.Spec) -> Iterator[model.TextBlock | model.Scope | model.Step]:
    """The page's scopes, text blocks and steps in document order."""
    yield spec.scope
    yield from _blocks(spec.blocks)


def _blocks(blocks: list[model.Block]) -> Iterator[model.TextBlock | model.Scope | model.Step]:
    for block in blocks:
        if isinstance(block, model.TextBlock):
            yield block
        elif isinstance(block, model.MathBlock):
            yield block.scope
            yield from block.steps
        else:
            yield block.scope
            yield from _blocks(block.blocks)


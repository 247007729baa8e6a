"""Limits on the size of one page that keep loading and rendering it fast whatever a pull request holds.

A spec is at most 1 MiB, but some costs grow with the square of what a page holds, and they are paid in the
MkDocs process, which has no time limit (only claims run in killable workers):

* Python-Markdown reads ``[`` (links, images, footnote references) in quadratic time: 8 KB of ``[`` took
  9.8 s and 24 KB of ``![a`` 31 s to render, measured with this site's extensions; no other character
  came close (a scan of 70 patterns at 16 and 32 KB);
* every claim carries the declarations and definitions in its scope (they are part of its cache key), so
  a page with thousands of both took minutes and gigabytes to lay out.

The limits are far above what a readable page needs (the seven pages of this site use at most 2 ``[``,
38 declarations and 16 definitions) and each is reported as a located error.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import model
from .errors import SpecError

MAX_PROSE_BRACKETS = 1000
MAX_DECLARATIONS = 500
MAX_DEFINITIONS = 500


def check_page_limits(spec: model.Spec) -> None:
    """Raise :class:`SpecError` at the first item that takes a page over a limit."""
    brackets = declarations = definitions = 0
    for item in _items(spec):
        if isinstance(item, model.TextBlock):
            brackets += item.markdown.count("[")
            if brackets > MAX_PROSE_BRACKETS:
                raise SpecError(f"the page's prose has more than {MAX_PROSE_BRACKETS} `[` by here: Markdown "
                                "takes time growing with the square of their number, so split the page",
                                item.location, "limits")
        elif isinstance(item, model.Scope):
            for name, location in item.symbol_keys.items():
                declarations += 1
                if declarations > MAX_DECLARATIONS:
                    raise SpecError(f"more than {MAX_DECLARATIONS} declarations on one page (at `{name}`); "
                                    "split the page", location, "limits")
            for name, location in item.where_keys.items():
                definitions += 1
                if definitions > MAX_DEFINITIONS:
                    raise SpecError(f"more than {MAX_DEFINITIONS} definitions on one page (at `{name}`); "
                                    "split the page", location, "limits")
        elif item.rel == ":=":
            definitions += 1
            if definitions > MAX_DEFINITIONS:
                raise SpecError(f"more than {MAX_DEFINITIONS} definitions on one page; split the page",
                                item.location, "limits")


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


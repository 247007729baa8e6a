"""Placeholders for what only verdicts can say, so a page can be converted before its claims are checked.

MkDocs converts every page's Markdown, then renders every page's template. If a generated page's Markdown
had to wait for its verdicts, the template pass (most of MkDocs' own time on a large site) could only
start once checking was over. Instead the page is written with a slot wherever a verdict shows (a row's
status class, its badge and details, the page summary, the dashboard's counts, the graph's colours), and
the slots are filled in the page's final HTML, which is the first moment the verdicts are needed.

A slot is a random token: bare inside an attribute value, wrapped in an HTML comment in element content
(so that the search index, built from the converted page, never indexes a token). The token is drawn
per page, so a contributor cannot write one into prose. :class:`Immediate` fills at once, for callers
that already have every verdict; both give the same text (a test renders every page both ways).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

Fill = Callable[[], str]


class Immediate:
    """Slots filled when written: the page's text is final at once."""

    def text(self, fill: Fill) -> str:
        return fill()

    def attribute(self, fill: Fill) -> str:
        return fill()


# Any page's slots; a match whose token is not the page's own, or that names no slot of the page, is left as
# it is. (One pattern for all pages: compiling one per page cost 0.1 ms, 20 ms on a 200-page site.)
_SLOT = re.compile(r"<!--derivslot-([0-9a-f]{16})-(\d+)-->|derivslot-([0-9a-f]{16})-(\d+)")


class Slots:
    """Slots filled later, by :meth:`fill`, from the verdicts known by then."""

    def __init__(self) -> None:
        self._token_hex = secrets.token_hex(8)
        self._fills: list[Fill] = []

    def text(self, fill: Fill) -> str:
        """A slot in element content; ``fill`` returns HTML (or Markdown-safe text)."""
        return f"<!--{self._token(fill)}-->"

    def attribute(self, fill: Fill) -> str:
        """A slot inside a quoted attribute value; ``fill`` returns attribute-escaped text."""
        return self._token(fill)

    def _token(self, fill: Fill) -> str:
        self._fills.append(fill)
        return f"derivslot-{self._token_hex}-{len(self._fills) - 1}"

    def fill(self, text: str) -> tuple[str, int]:
        """``text`` with every slot filled, and how many slots were not found in it.

        A missing slot means something between the Markdown and the final HTML dropped it (a plugin that
        strips comments, say): the caller must report it, since a verdict would then silently not show.
        """
        found: set[int] = set()

        def replace(match: re.Match[str]) -> str:
            token, number = match.group(1, 2) if match.group(1) else match.group(3, 4)
            index = int(number)
            if token != self._token_hex or index >= len(self._fills):
                return match.group(0)
            found.add(index)
            return self._fills[index]()

        filled = _SLOT.sub(replace, text)
        return filled, len(self._fills) - len(found)

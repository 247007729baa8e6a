"""The one exception type of the project.

Every problem a contributor can cause (bad YAML, an unknown key, an expression that does not parse, a shape
mismatch, a missing label) is raised as :class:`SpecError` carrying the file, line and column, so that the
CLI, ``mkdocs build`` and the error box of ``mkdocs serve`` all print the same ``path:line:column: message``
text and nobody ever sees a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """A position in a spec file; line and column are 1-based (0 means unknown).

    A named tuple, not a frozen dataclass: loading a page makes ~140 of them, and a frozen dataclass took
    twice as long to make (one ``object.__setattr__`` per field).
    """

    path: str = "<string>"
    line: int = 0
    column: int = 0

    def shifted(self, columns: int) -> Location:
        """The location ``columns`` characters further along the same line (for errors inside a string)."""
        return Location(self.path, self.line, self.column + columns)

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.column <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


class SpecError(Exception):
    """A problem in a derivation spec, reported as ``path:line:column: [where] message``.

    ``where`` names the block or step (for example ``equation (13), step 1``) so that a reader of a CI log
    can find the fault without opening the file.
    """

    def __init__(self, message: str, location: Location | None = None, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.where = where

    def with_where(self, where: str) -> SpecError:
        """A copy that names the block or step, unless one is already named."""
        if self.where:
            return self
        return SpecError(self.message, self.location, where)

    def at(self, location: Location) -> SpecError:
        """A copy placed at ``location`` when this error has no position of its own."""
        if self.location.line > 0:
            return self
        return SpecError(self.message, location, self.where)

    def __str__(self) -> str:
        where = f" [{self.where}]" if self.where else ""
        return f"{self.location}:{where} {self.message}"


def block_where(parent: str, index: int, kind: str = "", name: str = "") -> str:
    """How every message names a block: ``block 2 (math 'chain-rule')``, inside ``parent`` if nested.

    The loader and the layout both report errors about the same step: the loader names each block here and
    keeps the name on it (``where``), and the layout reads it, so that both say ``block 2 (math 'b'), step 1``
    (when each built its own, the layout said ``block 2, step 1``). Blocks are
    counted from 1 within their parent, text blocks included, as a contributor counts the ``- `` items in the
    file; the kind and the block's label or title say which block is meant without counting. ``kind`` is
    empty while it is not yet known (an error in the block's own mapping).
    """
    here = f"block {index}"
    if kind:
        # A label is shown whole (it is what one searches the file for); a title may be a long sentence.
        shown = name if kind == "math" or len(name) <= 40 else name[:37] + "..."
        here += f" ({kind} '{shown}')" if name else f" ({kind})"
    return f"{parent}, {here}" if parent else here


def step_where(block: str, index: int) -> str:
    """``block 2 (math 'b'), step 1``: the step's place in its block, counted from 1 (see :func:`block_where`)."""
    return f"{block}, step {index}"


def unfollowed(path: Path) -> Path:
    """``path`` made absolute by resolving its folder, not the entry itself: a symlinked spec is named where
    it is, not where it points, and a spec that is a link loop stays a path (``resolve`` raises for it). A
    folder that is a link loop stays as written too (Python before 3.13 raised RuntimeError for it, which
    the CLI reported as an internal error): reading the spec says what is wrong with it."""
    folder = path.absolute().parent
    try:
        folder = folder.resolve()
    except RuntimeError:
        pass
    return folder / path.name


def display_path(path: Path | str, root: Path | None = None) -> str:
    """A path as shown in messages: relative to ``root`` (usually the working directory) when possible."""
    p = Path(path)
    base = root or Path.cwd()
    try:
        # POSIX's getcwd() names the folder without symbolic links or dots: only a given root needs resolving
        # (resolving the working directory again was a fifth of this function's time, paid once per spec).
        return unfollowed(p).relative_to(base.resolve() if root else base).as_posix()
    except (ValueError, OSError):
        return p.as_posix()


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate a typo most likely meant, for "did you mean" hints: the same letters ignoring case and
    `_`/`-` (`n` for `N`, `time_limit` for `time-limit`), else the closest by difflib, else ``None``."""
    options = sorted(candidates)

    def squash(text: str) -> str:
        return text.lower().replace("_", "").replace("-", "")

    for option in options:
        if squash(option) == squash(name):
            return option
    return close_match(name, options)


SUGGESTION_WORD, SUGGESTION_OPTIONS = 64, 300
"""Above these lengths no "did you mean" is looked for: difflib's cost grows with the square of a word's length
and with the number of options, and a page of 400 broken references to 400 labels of 150 characters took a
minute to load (red team)."""


def close_match(word: str, options: Iterable[str]) -> str | None:
    """The option closest to ``word`` by difflib (ratio at least 0.6), or None; None also when the search
    would be slow (see :data:`SUGGESTION_WORD`)."""
    choices = options if isinstance(options, list | tuple) else list(options)
    if len(word) > SUGGESTION_WORD or len(choices) > SUGGESTION_OPTIONS:
        return None
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None

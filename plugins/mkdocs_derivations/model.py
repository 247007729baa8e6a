"""The typed form of a derivation spec (format version 1).

The loader (`spec.py`) turns YAML into these dataclasses; everything downstream (claims, verification,
rendering) reads only these, never raw YAML. Every node keeps the :class:`Location` of the YAML it came
from, because every later error must point back at the contributor's line.

Expression fields (``sympy``, ``where`` values, symbol declarations) are kept here as the contributor's
strings with their location; `expr.py` parses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from .errors import Location

Relation = Literal["=", ":=", "in"]


class PositionSource(Protocol):
    """Anything that can say where each character of a string was written (a YAML scalar does)."""

    @property
    def positions(self) -> tuple[tuple[int, int], ...] | None: ...


@dataclass(frozen=True)
class Text:
    """A string from the spec together with where it starts (for column-accurate errors).

    ``source`` (a :class:`yaml_safe.YScalar`) says where each character of ``value`` was written, which is
    not ``location`` plus the offset after a YAML escape or on a later line of a multi-line scalar;
    :meth:`at` asks it only when an error points into the string: mapping every expression of a spec back
    to its source was a sixth of the host's loading time, and almost no string is ever pointed into.
    ``key`` is where the name is written when the string is the value of a ``name: value`` entry
    (``symbols:``, ``where:``), for errors about the name. Neither takes part in equality or ``repr``: two
    Texts are equal when their values and starts are.
    """

    value: str
    location: Location
    key: Location | None = field(default=None, compare=False, repr=False)
    source: PositionSource | None = field(default=None, compare=False, repr=False)

    def at(self, offset: int) -> Location:
        """Where character ``offset`` (0-based) of ``value`` was written; past the end counts on from it."""
        offset = max(offset, 0)
        positions = self.source.positions if self.source is not None else None
        if positions is None or len(positions) != len(self.value) + 1 or self.location.line <= 0:
            return self.location.shifted(offset)
        if offset < len(positions):
            line, column = positions[offset]
            return Location(self.location.path, line, column)
        line, column = positions[-1]
        return Location(self.location.path, line, column + offset - len(positions) + 1)

    @property
    def name_location(self) -> Location:
        """Where the name this string is declared under is written (its own start if not known)."""
        return self.key if self.key is not None else self.location


@dataclass
class Term:
    """One side of a relation: what the reader sees (``tex``) and, optionally, what is checked (``sympy``)."""

    tex: str
    sympy: Text | None
    location: Location


@dataclass
class Step:
    """``<rel> term`` following the previous term of a math block.

    ``rel`` is ``=`` (a claim), ``:=`` (a definition of the previous term, which must be a plain symbol) or
    ``in`` (a shape claim: the previous term lies in R^{shape}; then ``shape`` is set and ``term.sympy`` is
    None). ``by`` names labels whose definitions justify the step; ``given`` marks an ``=`` that is stated,
    not derived (a model assumption). A step starts a new displayed row unless ``same_row`` (the first step
    always shares the row of the start term).
    """

    rel: Relation
    term: Term
    location: Location
    by: list[Text] = field(default_factory=list)
    given: bool = False
    same_row: bool = False
    label: Text | None = None
    number: bool = True
    shape: list[Text] | None = None


@dataclass
class Scope:
    """Declarations that blocks can attach: ``symbols`` (name -> declaration) and ``where`` (name -> expr).

    ``where`` holds definitions stated in prose rather than as numbered equations; they behave like
    ``:=`` steps without a row of their own.
    """

    symbols: dict[str, Text] = field(default_factory=dict)
    where: dict[str, Text] = field(default_factory=dict)
    sizes: list[dict[str, int]] | None = None
    sizes_location: Location | None = None  # where the `sizes:` key is, for errors about the sizes


@dataclass
class MathBlock:
    """A displayed equation or derivation chain: a start term followed by steps."""

    start: Term
    steps: list[Step]
    location: Location
    where: str  # how messages name this block, e.g. "block 2 (math 'b')" (errors.block_where)
    scope: Scope = field(default_factory=Scope)
    label: Text | None = None
    number: bool = True


@dataclass
class TextBlock:
    """Markdown prose; ``{eq:label}`` inside it becomes a link to that equation's number."""

    markdown: str
    location: Location
    where: str


@dataclass
class Container:
    """An example or a remark (rendered as an admonition) with blocks of its own and its own scope."""

    kind: Literal["example", "remark"]
    title: str
    blocks: list[Block]
    location: Location
    where: str
    scope: Scope = field(default_factory=Scope)


Block = TextBlock | MathBlock | Container


@dataclass
class Source:
    """The work a page reproduces or draws on."""

    citation: str
    url: str | None = None


@dataclass
class Numbering:
    """How equation numbers look: ``prefix`` + running number from ``start`` (e.g. ``5.`` and 1 -> (5.1))."""

    start: int = 1
    prefix: str = ""


@dataclass
class Spec:
    """One derivation page."""

    path: str
    slug: str
    title: str
    blocks: list[Block]
    location: Location
    source: Source | None = None
    numbering: Numbering = field(default_factory=Numbering)
    scope: Scope = field(default_factory=Scope)
    version: int = 1

"""From a loaded spec to numbered rows and the claims they make (no SymPy).

This is where a page gets its structure: scopes are resolved (page → container → block; inner
declarations shadow outer ones), equations are numbered, labels and ``by:`` citations are resolved, and
every relation becomes a :class:`Claim`. Every expression is parsed and shape-checked here, in the main
process and without SymPy, so that contributor mistakes surface as located errors before any checking
starts and so that cache keys can be computed without importing SymPy.

Claims that need no algebra (definitions, stated assumptions, shape claims, terms without a ``sympy:``
form) get their verdict here too; only ``=`` claims go to the checking workers.

A block with an error keeps its place: its rows keep their numbers and anchors (so later numbers do not
shift and references to it still resolve) and its TeX is shown where the TeX itself is allowed; the steps
the error keeps from being checked become ``error`` claims whose verdict repeats the error.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from . import model
from .declarations import DimDecl, Environment, FunctionDecl, MatrixDecl, ScalarDecl, find_cycle
from .errors import Location, SpecError, nearest, step_where
from .expr import NAME, RESERVED_NAMES, read_expression
from .expr_ast import Name, Node, names
from .shapes import claimed_shape, infer_shape, same_shape, shape_text
from .spec import by_number_message, looks_like_equation_number
from .tex_policy import check_prose_tex, check_tex
from .verdict import SPEC_ERROR, Verdict, sizes_text

# "error": a step that a spec error kept from being checked (the error itself is among the page's errors).
ClaimKind = Literal["equal", "define", "given", "shape", "unchecked", "error"]




@dataclass(frozen=True)
class Claim:
    """One relation to check, self-contained and picklable (workers re-parse the strings).

    ``symbols`` are the declaration layers in force (outer first), ``definitions`` every definition in
    scope as (name, expression) in document order, ``cited`` the names whose definitions the step's
    ``by:`` cites.
    """

    kind: ClaimKind
    lhs: str
    rhs: str
    symbols: tuple[tuple[tuple[str, str], ...], ...]
    definitions: tuple[tuple[str, str], ...]
    cited: tuple[str, ...]
    sizes: tuple[tuple[tuple[str, int], ...], ...]
    location: Location
    where: str
    # (label, lhs, rhs) of the `given` rows the step's `by:` cites: a given is never substituted, so a refuted
    # step that relied on one is told so (verify adds the note).
    given_cited: tuple[tuple[str, str, str], ...] = ()

    def definitions_used(self) -> list[tuple[str, str]]:
        """The definitions in scope that the claim's sides reach, directly or through other definitions, in
        document order: what a reader needs beside the checked form (``diff(f, x) = pi/2*exp(-pi/2)`` read as
        a false identity without ``x = pi/2`` from the box's ``where``). A name found in a string only
        names a declared symbol or a builtin, so scanning the text is enough."""
        texts = dict(self.definitions)
        todo = set(NAME.findall(self.rhs))
        if self.kind != "define":  # a definition's left side is the name it defines
            todo |= set(NAME.findall(self.lhs))
        used: set[str] = set()
        while todo:
            name = todo.pop()
            if name in texts and name not in used:
                used.add(name)
                todo |= set(NAME.findall(texts[name]))
        return [(name, text) for name, text in self.definitions if name in used]

    def key_parts(self) -> list[str]:
        """Everything the verdict depends on (the cache adds engine and SymPy versions)."""
        parts = [self.kind, self.lhs, self.rhs, repr(self.symbols), repr(self.definitions), repr(self.cited),
                 repr(self.sizes)]
        # Only when there is one, so that every other claim keeps the key it had.
        return [*parts, repr(self.given_cited)] if self.given_cited else parts


@dataclass
class Part:
    """One ``<relation> <term>`` of a displayed row; the row's first part has no relation."""

    tex: str
    rel: str = ""
    # (number, anchor) of each cited equation; ("", "page-slug#label") for one on another page
    by: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Row:
    number: str | None
    anchor: str
    label: str | None
    parts: list[Part]
    claims: list[int]  # indices into Layout.claims
    location: Location
    # `by: page#label` citations of its steps, resolved once every page is laid out: (page#label, where the
    # `by:` value is written, the step), so that an error points at that value, not at the row's start
    cited_elsewhere: list[tuple[str, Location, str]] = field(default_factory=list)


@dataclass
class MathItem:
    rows: list[Row]
    assumptions: list[str] = field(default_factory=list)  # from the block's own `symbols`


@dataclass
class TextItem:
    markdown: str
    location: Location


@dataclass
class ContainerItem:
    kind: str
    title: str
    items: list[Item]
    assumptions: list[str]


Item = TextItem | MathItem | ContainerItem


@dataclass
class Layout:
    """A spec resolved into what the renderer shows and what the checker checks."""

    spec: model.Spec
    items: list[Item]
    claims: list[Claim]
    verdicts: dict[int, Verdict]  # verdicts decided here (no SymPy needed), by claim index
    labels: dict[str, Row]
    assumptions: list[str] = field(default_factory=list)  # from the page's `symbols`

    @property
    def rows(self) -> list[Row]:
        return [row for item in walk_items(self.items) if isinstance(item, MathItem) for row in item.rows]


def walk_items(items: list[Item]) -> Iterator[Item]:
    """Every item of a page in document order, the contents of examples and remarks included."""
    for item in items:
        yield item
        if isinstance(item, ContainerItem):
            yield from walk_items(item.items)


@dataclass
class _Scope:
    """Declarations and definitions visible at one point of the document."""

    layers: list[dict[str, model.Text]]
    definitions: list[tuple[str, model.Text]]
    def_labels: dict[str, list[str]]  # label -> names it defines
    sizes: list[dict[str, int]] | None
    sizes_location: Location | None = None  # the `sizes:` key that set `sizes`
    sizes_owner: str = "the page"  # where that key is written, for the errors of a block that inherits it
    # Names whose second `:=` here was refused, with that error: the page shows the refused definition as
    # the latest, so a later step using the name would be checked against one the reader does not see last.
    refused: dict[str, SpecError] = field(default_factory=dict)

    def child(self, scope: model.Scope, owner: str) -> _Scope:
        own = scope.sizes is not None
        return _Scope(
            layers=[*self.layers, scope.symbols] if scope.symbols else list(self.layers),
            definitions=[*self.definitions, *scope.where.items()],
            def_labels=self.def_labels,
            sizes=scope.sizes if own else self.sizes,
            sizes_location=scope.sizes_location if own else self.sizes_location,
            sizes_owner=owner if own else self.sizes_owner,
            refused=dict(self.refused),
        )


def _refuse_redefinition(first: model.Text | None, name: str, text: model.Text, where: str) -> None:
    """A name has one definition in any scope (``first`` is the one in force, if any): definitions are
    substituted late, so a second `y :=` changed what every earlier definition using y meant, and z := y
    was "proved" equal to x and to x + 1."""
    if first is not None and first is not text:
        raise SpecError(f"`{name}` is already defined (line {first.location.line}); a name keeps one "
                        "definition where it is in scope: give the new quantity a new name", text.location, where)


# Shown instead of TeX that the site does not publish (tex_policy); the error says what is wrong with it.
REFUSED_TEX = r"\text{(TeX not shown: it has an error)}"


def _anchor(label: str) -> str:
    return f"eq-{label}"


def _labels_in(blocks: list[model.Block]) -> dict[str, Location]:
    """Every label of a page (math blocks and steps, inside boxes too), where it is written."""
    found: dict[str, Location] = {}
    for block in blocks:
        if isinstance(block, model.Container):
            found.update(_labels_in(block.blocks))
        elif isinstance(block, model.MathBlock):
            for label in [block.label, *(step.label for step in block.steps)]:
                if label is not None:
                    found[label.value] = label.location
    return found


class _Builder:
    def __init__(self, spec: model.Spec) -> None:
        self.spec = spec
        self.claims: list[Claim] = []
        self.verdicts: dict[int, Verdict] = {}
        self.labels: dict[str, Row] = {}
        self.every_label = _labels_in(spec.blocks)  # also those further down: "names no earlier equation" misled
        self.errors: list[SpecError] = []
        # Names whose `:=` step an error stopped, with that error. A later step that mentions one is stopped
        # too: checked without its definition, `diff(f, x) = 0` was "proved" with `f` a free symbol.
        self.stopped: dict[str, SpecError] = {}
        self.next_number = spec.numbering.start
        # Every block re-validates the definitions in scope against its own environment; most blocks share
        # their layers, so environments and parsed expressions are memoised for the length of one page.
        self._environments: dict[tuple[int, ...], Environment] = {}
        self._parsed: dict[tuple[str, Location, frozenset[str]], Node] = {}
        self._names: dict[tuple[str, Location, frozenset[str]], frozenset[str]] = {}  # of _parsed's nodes
        self._symbols: dict[tuple[int, ...], tuple[tuple[tuple[str, str], ...], ...]] = {}
        # (definition, environment) pairs already checked: every math block sees every definition before
        # it, and checking them all again per block made a page of 1000 definitions take 8 s to load.
        self._checked_definitions: set[tuple[int, int]] = set()
        # Per `sizes:` key, the sizes it gives and the dimensions of the blocks it governs (None once one of
        # them could not be laid out): a name no governed block uses was ignored in silence, typo or not.
        self._sizes_governed: dict[Location, tuple[list[dict[str, int]], set[str] | None]] = {}
        # How messages name the `where:` mapping each definition was written in (by id of its Text), so that a
        # fault in a page's or a box's `where` is named there and not after the block that happened to check it.
        self.where_owners: dict[int, str] = {}

    def note_where(self, scope: model.Scope, owner: str) -> None:
        """Remember that the definitions of ``scope``'s `where` are written under ``owner`` (a block, or the
        page when empty), named as the loader names that mapping."""
        for text in scope.where.values():
            self.where_owners[id(text)] = f"{owner}, where" if owner else "where"

    # ----- numbering -------------------------------------------------------------------------------------
    def number(self) -> str:
        n = f"{self.spec.numbering.prefix}{self.next_number}"
        self.next_number += 1
        return n

    # ----- blocks ----------------------------------------------------------------------------------------
    def items(self, blocks: list[model.Block], scope: _Scope, blocked: SpecError | None = None) -> list[Item]:
        """Every block becomes an item, whatever its errors, so that the page keeps its numbers and anchors;
        ``blocked`` is an error of an enclosing scope (the page's or a box's `symbols`) that keeps every
        step inside from being checked."""
        out: list[Item] = []
        for block in blocks:
            here = block.where  # named by the loader, so that its errors and these name a step alike
            if isinstance(block, model.TextBlock):
                try:
                    check_prose_tex(block.markdown, block.location, here)
                except SpecError as err:
                    self.errors.append(err)
                out.append(TextItem(block.markdown, block.location))
            elif isinstance(block, model.MathBlock):
                out.append(self.math(block, scope, here, blocked))
            else:
                self.note_where(block.scope, here)
                inner = scope.child(block.scope, here)
                assumptions: list[str] = []
                inner_blocked = blocked
                if blocked is None:
                    try:
                        assumptions = self.assumptions(block.scope, self.environment(inner, block.location, here))
                    except SpecError as err:
                        inner_blocked = err.with_where(here)
                        self.errors.append(inner_blocked)
                items = self.items(block.blocks, inner, inner_blocked)
                out.append(ContainerItem(block.kind, block.title, items, assumptions))
        return out

    @staticmethod
    def assumptions(scope: model.Scope, env: Environment) -> list[str]:
        """Assumptions a reader must see (a symmetric matrix, a scalar that is positive, nonzero, an integer...,
        or a function with such values), stated where they are declared (page, box or equation); read from the
        parsed declarations, not their text. ``real`` (and the default, ``complex``) is not stated: nearly
        every symbol of a page is real. The others change what is true (``sqrt(x**2) = x`` for a positive x),
        and a box that declared ``x: positive`` proved it beside a refutation of the same row for the page's
        real x, with nothing on the page to tell them apart (red team)."""
        shown = []
        for name in scope.symbols:
            decl = env[name]
            if isinstance(decl, FunctionDecl):  # "f is positive": a function with positive values
                decl = decl.result
            if isinstance(decl, MatrixDecl) and decl.symmetric:
                shown.append(f"{name} is symmetric")
            elif isinstance(decl, ScalarDecl) and (phrase := _scalar_phrase(decl.assumptions)):
                shown.append(f"{name} is {phrase}")
        return shown

    def governed_by_sizes(self, scope: _Scope, env: Environment | None) -> None:
        """Note the dimensions of a block under a `sizes:` key (``env`` None: the block has errors)."""
        if scope.sizes is None or scope.sizes_location is None:
            return
        sizes, dims = self._sizes_governed.get(scope.sizes_location, (scope.sizes, set()))
        if dims is not None:
            dims = dims | set(env.dims) if env is not None else None
        self._sizes_governed[scope.sizes_location] = (sizes, dims)

    def unused_sizes(self) -> None:
        """A `sizes` name that no block under it uses sizes nothing: a typo (`n` for `N`) or a page of
        scalars. Judged once the whole page is read, as a page's `sizes` serves the dimensions of every box
        inside it; skipped where a governed block has errors of its own (its dimensions are not known)."""
        for location, (sizes, dims) in self._sizes_governed.items():
            if dims is None:
                continue
            unused = sorted({name for assignment in sizes for name in assignment} - dims)
            if not dims:
                self.errors.append(SpecError(
                    "`sizes` has nothing to size: no step it applies to uses a vector or matrix dimension "
                    "(remove it; scalars are checked symbolically)", location, "sizes"))
            elif unused:
                names = ", ".join(f"`{name}`" for name in unused)
                self.errors.append(SpecError(
                    f"`sizes` gives {names}, which no declaration it applies to uses as a dimension (the "
                    f"dimensions there: {', '.join(sorted(dims))}){_dimension_hint(unused, dims)}",
                    location, "sizes"))

    def environment(self, scope: _Scope, location: Location, where: str) -> Environment:
        try:
            return self.layers_environment(scope.layers)
        except SpecError as err:
            raise err.with_where(where).at(location) from None

    def layers_environment(self, layers: list[dict[str, model.Text]]) -> Environment:
        """The memoised environment of ``layers``; SpecError as :meth:`Environment.from_layers` raises it."""
        key = tuple(id(layer) for layer in layers)  # the layers are the spec's own dicts, alive all along
        if key not in self._environments:
            self._environments[key] = Environment.from_layers(layers)
        return self._environments[key]

    def symbols(self, layers: list[dict[str, model.Text]]) -> tuple[tuple[tuple[str, str], ...], ...]:
        """The declaration strings of ``layers`` as a claim carries them, memoised like the environments:
        the claims of a block, and mostly of a page, carry the same."""
        key = tuple(id(layer) for layer in layers)
        shown = self._symbols.get(key)
        if shown is None:
            shown = self._symbols[key] = tuple(tuple((n, t.value) for n, t in layer.items()) for layer in layers)
        return shown

    def parse(self, text: model.Text, env: Environment) -> Node:
        key = (text.value, text.location, env.functions)
        if key not in self._parsed:
            self._parsed[key] = read_expression(text, functions=env.functions, declared=env.source)
        return self._parsed[key]

    def names_in(self, text: model.Text, env: Environment) -> frozenset[str]:
        """The names of a parsed expression, walked once: after a stopped definition every later step follows
        all the definitions it reaches, and walking them again per step took 70 s on a 163 KB page (red team)."""
        key = (text.value, text.location, env.functions)
        if key not in self._names:
            self._names[key] = frozenset(names(self.parse(text, env)))
        return self._names[key]

    def math(self, block: model.MathBlock, outer: _Scope, where: str, blocked: SpecError | None = None) -> MathItem:
        """The rows of a block and a claim per step. The block's first error (or ``blocked``) stops its
        checking, not its layout: every row is still made, numbered and labelled, and every step from there
        on becomes an "error" claim, so that no later number shifts and no reference loses its anchor."""
        self.note_where(block.scope, where)
        scope = outer.child(block.scope, where)
        errors: list[SpecError] = []  # this block's own, in order
        env: Environment | None = None
        if blocked is None:
            try:
                env = self.environment(scope, block.location, where)
                if scope.sizes is not None:
                    # Inherited sizes are checked against this block's dimensions: the error names both places.
                    check_sizes(scope.sizes, env, scope.sizes_location or block.location,
                                where if block.scope.sizes is not None else f"{where}, `sizes` of {scope.sizes_owner}")
                self.check_definitions(scope, env, where)
            except SpecError as err:
                errors.append(err.with_where(where))
        self.governed_by_sizes(scope, env if not errors else None)
        rows: list[Row] = []
        label_text = block.label
        first = block.steps[0] if block.steps else None
        if first is not None and first.label is not None:
            # The first step shares the start's row, so its label labels that row.
            if label_text is not None:
                block_label, step_label = label_text.value, first.label.value
                errors.append(SpecError(
                    f"the first step shares the block's row, which already has `label: {block_label}`; a row has "
                    f"one label: remove `label: {step_label}` from the first step or `label: {block_label}` from "
                    "the block", first.label.location, step_where(where, 1)))
            else:
                label_text = first.label
        row = self.new_row(label_text.value if label_text else None, block.number, block.location)
        row.parts.append(Part(self.shown_tex(block.start.tex, block.start.location, f"{where}, start", errors)))
        rows.append(row)
        previous = block.start
        previous_where = f"{where}, start"  # errors in the previous term's `sympy` name where it is written
        for index, step in enumerate(block.steps, start=1):
            here = step_where(where, index)
            if index > 1 and not step.same_row:
                row = self.new_row(step.label.value if step.label else None, step.number, step.location)
                rows.append(row)
            before = len(errors)
            by_names: list[str] = []
            by_refs: list[tuple[str, str]] = []
            by_givens: tuple[tuple[str, str, str], ...] = ()
            try:
                if step.label is not None and index > 1 and step.same_row:
                    raise SpecError("a `label` belongs to a step that starts a new row (remove `same_row`)",
                                    step.label.location, here)
                by_names, by_refs, by_givens = self.citations(step, scope, here, row)
            except SpecError as err:
                errors.append(err.with_where(here))
            rel_tex = {"=": "=", ":=": ":=", "in": r"\in"}[step.rel]
            row.parts.append(Part(self.shown_tex(step.term.tex, step.location, here, errors), rel_tex, by_refs))
            # What keeps this step from being checked: its own error, else the block's first, else the scope's.
            cause = errors[before] if len(errors) > before else (errors[0] if errors else blocked)
            if cause is None and (self.stopped or scope.refused):
                assert env is not None
                cause = self.stopped_use(previous, step, scope, env, here)
                if cause is not None:
                    errors.append(cause)
            if cause is None:
                assert env is not None  # set whenever nothing is blocked and the block has no error
                try:
                    if step.rel == ":=" and block.scope.where:
                        self.refuse_local_where(step, previous, block.scope.where, scope, env, here)
                    if step.rel == ":=" and block.scope.symbols:
                        self.refuse_local_symbols(step, previous, block.scope.symbols, outer, env, here)
                    row.claims.append(self.claim(step, previous, scope, env, by_names, here, previous_where,
                                                 by_givens))
                except SpecError as err:
                    errors.append(err.with_where(here))
                    cause = errors[-1]
                else:
                    if step.rel == ":=":
                        self.define(step, previous, outer, scope, row)
            if cause is not None:
                row.claims.append(self.blocked_claim(step, previous, scope, here, cause))
                name = previous.sympy.value.strip() if step.rel == ":=" and previous.sympy is not None else ""
                if name and all(defined != name for defined, _ in scope.definitions):
                    self.stopped.setdefault(name, cause)
                elif name:  # a refused redefinition: the earlier definition stays, but not for what follows here
                    outer.refused.setdefault(name, cause)
                    scope.refused.setdefault(name, cause)
            if step.rel != "in":
                previous, previous_where = step.term, here
        self.errors.extend(errors)
        return MathItem(rows, self.assumptions(block.scope, env) if env is not None else [])

    def refuse_local_where(self, step: model.Step, previous: model.Term, local: dict[str, model.Text],
                           scope: _Scope, env: Environment, where: str) -> None:
        """Refuse a `:=` whose definition reaches a name that its block's own `where` defines (directly or
        through other definitions). The `where` holds for that block only, but the `:=` for the later blocks
        too, which then read the name as a free symbol: `x1 := x0 - inv(H)*jacobian(f, x).T` under the block's
        `x: x0` meant the Newton step at x0 in its block and at a free x after it, and two uses were refuted
        at a point of `x` that the contributor had never left free."""
        if step.term.sympy is None or previous.sympy is None:
            return  # :meth:`claim` says what is missing
        try:
            used = self.names_reached([step.term.sympy], scope, env)
        except SpecError:
            return  # :meth:`claim` reports what is wrong with the expression
        leaks = sorted(used & local.keys())
        if not leaks:
            return
        name, leak = previous.sympy.value.strip(), leaks[0]
        raise SpecError(
            f"the definition of `{name}` uses `{leak}`, which this block's own `where` defines; that `where` "
            f"holds in this block only, but `{name} := ...` holds in the later blocks too, where `{leak}` would be "
            f"a free symbol and `{name}` a different quantity: define `{leak}` with a `:=` row before this block "
            f"instead (it then holds from there on), or put this block, and the blocks that use `{name}`, in a "
            f"`remark` or `example` whose `where` defines `{leak}`", step.term.sympy.location, where)

    def refuse_local_symbols(self, step: model.Step, previous: model.Term, local: dict[str, model.Text],
                             outer: _Scope, env: Environment, where: str) -> None:
        """Refuse a `:=` whose name, or a name its definition uses, is declared only in its block's own
        `symbols`. Those hold in the block only, the definition in the later blocks too, where the name is
        undeclared: the error then surfaced at the next block (or the page's `where`) as "`J` is defined but
        not declared under `symbols:`", about a name the contributor had declared, and stopped a block that
        never used it."""
        if step.term.sympy is None or previous.sympy is None:
            return  # :meth:`claim` says what is missing
        try:
            outside = self.layers_environment(outer.layers)
            used = sorted(names(self.parse(step.term.sympy, env)))
        except SpecError:
            return  # the block's environment, or :meth:`claim`, reports it
        name = previous.sympy.value.strip()
        for local_name in [name, *used]:
            if local_name not in local or local_name in outside:
                continue
            line = local[local_name].location.line
            what = (f"`{name}` is declared in this block's own `symbols:` (line {line})" if local_name == name
                    else f"the definition of `{name}` uses `{local_name}`, declared in this block's own `symbols:` "
                         f"(line {line})")
            raise SpecError(
                f"{what}, which hold in this block only, but `{name} := ...` holds in the later blocks too, where "
                f"`{local_name}` is not declared: declare `{local_name}` in the page's `symbols:` (or in the "
                "`symbols:` of the box around this block) instead", step.term.sympy.location, where)

    def names_reached(self, texts: Iterable[model.Text | None], scope: _Scope, env: Environment) -> set[str]:
        """The names ``texts`` use, and those their definitions in ``scope`` use, transitively; raises the
        :class:`SpecError` of an expression that does not parse."""
        defined = dict(scope.definitions)
        used: set[str] = set()
        for text in texts:
            if text is not None:
                used |= self.names_in(text, env)
        frontier = set(used)
        while frontier:
            reached: set[str] = set()
            for name in frontier & defined.keys():
                reached |= self.names_in(defined[name], env)
            frontier = reached - used
            used |= reached
        return used

    def stopped_use(self, previous: model.Term, step: model.Step, scope: _Scope, env: Environment,
                    where: str) -> SpecError | None:
        """The error for a step that reaches a name whose definition an error stopped, or None.

        The names are followed through the definitions in scope (``where:`` included): with ``g := f + 1``
        in force and ``f``'s definition stopped, ``diff(g, t) = 0`` was proved with ``f`` a free symbol. A
        name defined in this scope (another, valid definition) is not stopped here, unless a second definition
        of it was refused earlier in this scope: the page shows that one last, and a step checked with the
        first could show a check mark under a definition it does not follow. A ``:=`` step's left side is the
        name it defines, not a use."""
        texts = [step.term.sympy] if step.rel == ":=" else [previous.sympy, step.term.sympy]
        defined = dict(scope.definitions)
        try:
            used = self.names_reached(texts, scope, env)
        except SpecError:
            return None  # :meth:`claim` or the block's definitions check reports what is wrong
        for name in sorted(used & ((self.stopped.keys() - defined.keys()) | scope.refused.keys())):
            origin = scope.refused.get(name) or self.stopped[name]
            return SpecError(f"this step uses `{name}`, whose definition ({origin.location}) was not checked "
                             "because of an error there; fix that error to check this step", step.location,
                             where)
        return None

    @staticmethod
    def shown_tex(tex: str, location: Location, where: str, errors: list[SpecError]) -> str:
        """``tex``, or a placeholder for TeX the site does not publish (its error is added to ``errors``):
        the row keeps its place, and nothing refused reaches the page."""
        try:
            check_tex(tex, location, where)
        except SpecError as err:
            errors.append(err)
            return REFUSED_TEX
        return tex

    @staticmethod
    def define(step: model.Step, previous: model.Term, outer: _Scope, scope: _Scope, row: Row) -> None:
        """Put the definition a `:=` step makes in force for the rest of its block and the later blocks
        (:meth:`claim` has checked it)."""
        assert previous.sympy is not None and step.term.sympy is not None
        name = previous.sympy.value.strip()
        outer.definitions.append((name, step.term.sympy))
        scope.definitions.append((name, step.term.sympy))
        if row.label:
            outer.def_labels.setdefault(row.label, []).append(name)

    def new_row(self, label: str | None, numbered: bool, location: Location) -> Row:
        number = self.number() if numbered else None
        anchor = _anchor(label) if label else (f"eq-{number}" if number else "")
        row = Row(number, anchor, label, [], [], location)
        if label:  # unique: the loader refuses a duplicate label
            self.labels[label] = row
        return row

    def citations(self, step: model.Step, scope: _Scope, where: str, current: Row
                  ) -> tuple[list[str], list[tuple[str, str]], tuple[tuple[str, str, str], ...]]:
        """The definitions a step's `by:` cites, the numbers and anchors shown over its relation, and the
        `given` rows it cites as (label, lhs, rhs) (see Claim.given_cited). ``current`` is the row the step is
        on: its label is registered already, but a row cannot justify itself."""
        names_: list[str] = []
        refs: list[tuple[str, str]] = []
        givens: list[tuple[str, str, str]] = []
        for cited in step.by:
            page, _, label = cited.value.rpartition("#")
            if page and page != self.spec.slug:
                # Another page's equation: a reference for the reader, resolved when the site is rendered.
                # Its definitions are not substituted (each page is checked on its own).
                refs.append(("", cited.value))
                current.cited_elsewhere.append((cited.value, cited.location, where))
                continue
            # This page's own equation, also when written with its slug: `by: this-page#later` let a row cite
            # itself or one further down (red team); it follows the rules of `by: later`.
            row = self.labels.get(label)
            if row is current:
                raise SpecError(f"`by: {cited.value}` cites the row this step is on; `by` names an earlier "
                                "equation that justifies the step", cited.location, where)
            if row is None:
                known = ", ".join(sorted(name for name, r in self.labels.items() if r is not current)) or "none yet"
                later = self.every_label.get(label)
                if later is not None:
                    raise SpecError(f"`by: {cited.value}` names an equation further down (line {later.line}); `by` "
                                    "cites an earlier equation that justifies the step: move this step after it, "
                                    "or cite what the step rests on", cited.location, where)
                message = (by_number_message(cited.value) if looks_like_equation_number(cited.value)
                           else f"`by: {cited.value}` names no earlier equation")
                raise SpecError(f"{message} (labels so far: {known})", cited.location, where)
            refs.append((row.number or label, row.anchor))
            names_.extend(scope.def_labels.get(label, []))
            givens.extend((label, c.lhs, c.rhs) for c in (self.claims[i] for i in row.claims)
                          if c.kind == "given")
        return names_, refs, tuple(givens)

    def check_definitions(self, scope: _Scope, env: Environment, where: str) -> None:
        """Check the definitions in scope not yet checked in ``env``. ``where`` names the block (or the `:=`
        step) being laid out; an error in a definition written under a `where:` key names that key's owner."""
        fresh = [(name, text) for name, text in scope.definitions
                 if (id(text), id(env)) not in self._checked_definitions]  # both live as long as the build

        def written(text: model.Text) -> str:
            return self.where_owners.get(id(text), where)

        if not fresh:
            return
        first: dict[str, model.Text] = {}
        for name, text in scope.definitions:
            first.setdefault(name, text)
        for name, text in fresh:
            _refuse_redefinition(first[name], name, text, written(text))
        for name, text in fresh:
            try:
                self.check_definition(name, text, env)
            except SpecError as err:
                raise self.read_elsewhere(name, text, env, err).with_where(written(text)) from None
        cycle = find_cycle({name: names(self.parse(text, env)) for name, text in scope.definitions})
        if cycle is not None:
            # Reported at the definition written last: the one that closed the circle.
            order = {name: index for index, (name, _) in enumerate(scope.definitions)}
            closing = dict(scope.definitions)[max(cycle, key=order.__getitem__)]
            raise SpecError(f"definitions refer to each other in a circle: {' → '.join(cycle)}",
                            closing.location, written(closing))
        self._checked_definitions.update((id(text), id(env)) for _, text in fresh)

    def read_elsewhere(self, name: str, text: model.Text, env: Environment, err: SpecError) -> SpecError:
        """``err``, raised by a definition that held where it was checked first and fails in ``env``, said as
        that: a box that re-declares names at a literal size reads every definition in scope with them, also
        those none of its steps uses, and the bare "cannot multiply 2×2 by n×1" at the page's line of the
        definition named neither the definition nor the re-declaration."""
        if not any(checked == id(text) for checked, _ in self._checked_definitions):
            return err
        used = [name, *sorted(set(NAME.findall(text.value)) - {name}, key=str.lower)]
        declared = [(n, env.source(n)) for n in used if n in env]
        here = ", ".join(f"`{n}` is `{source.value.strip()}`" for n, source in declared if source is not None)
        # A name the definition uses that is neither declared nor a dimension here was a dimension where the
        # definition held; it has no declaration to repeat at a number (a trial's contributor tried `D: dim`).
        lost_dimension = any(n not in env and n not in env.dims and n not in RESERVED_NAMES for n in used)
        fix = ("a dimension cannot be declared again at a number: give the quantities declared here names of their "
               "own, and define again here, at their size, what the steps here need" if lost_dimension else
               "declare again here every name it uses, or give the quantities declared here names of their own")
        return SpecError(
            f"the definition of `{name}` (line {text.location.line}), read with the declarations in force here, "
            f"fails: {err.message} (here {here}); a name declared again here is read with its new declaration in "
            f"every definition in scope, even one that no step here uses: {fix}", err.location, err.where)

    def check_definition(self, name: str, text: model.Text, env: Environment) -> None:
        """One definition: declared, of a name that can be defined, and of the declared shape. The caller
        names where it is written."""
        if name not in env:
            raise SpecError(f"`{name}` is defined but not declared under `symbols:`", text.name_location)
        node = self.parse(text, env)
        declared = env[name]
        if isinstance(declared, FunctionDecl | DimDecl):
            raise SpecError(f"`{name}` is declared as a {type(declared).__name__[:-4].lower()}; only "
                            "scalars, vectors and matrices can be defined", text.location)
        shape = infer_shape(node, env, text)
        wanted = infer_shape(Name(name), env, text)
        if not same_shape(shape, wanted):
            raise SpecError(f"`{name}` is declared as {shape_text(wanted)} but its definition is "
                            f"{shape_text(shape)}", text.location)

    # ----- claims ----------------------------------------------------------------------------------------
    def claim(self, step: model.Step, previous: model.Term, scope: _Scope, env: Environment,
              cited: list[str], where: str, previous_where: str,
              givens: tuple[tuple[str, str, str], ...] = ()) -> int:
        """The index of the step's new claim; a SpecError adds none (the caller adds an "error" claim).

        An error inside the previous term is named by ``previous_where``, where that term is written: the
        block's start term is not step 1, as its TeX errors already said."""
        lhs_text, rhs_text = previous.sympy, step.term.sympy
        kind: ClaimKind
        verdict: Verdict | None = None
        if step.rel == "in":
            kind = "shape"
            if lhs_text is None:
                verdict = Verdict("unchecked", detail="the term before `in` has no `sympy:` form")
            else:
                verdict = self.shape_verdict(step, lhs_text, env, where, previous_where)
        elif lhs_text is None or rhs_text is None:
            kind = "unchecked"
            missing = "this step" if rhs_text is None else "the previous term"
            verdict = Verdict("unchecked", detail=f"{missing} has no `sympy:` form, so nothing was checked")
        else:
            try:
                ls = infer_shape(self.parse(lhs_text, env), env, lhs_text)
            except SpecError as err:
                raise err.with_where(previous_where) from None
            try:
                rs = infer_shape(self.parse(rhs_text, env), env, rhs_text)
            except SpecError as err:
                raise err.with_where(where) from None
            if not same_shape(ls, rs):
                # Which side is which, and the commonest cause: a gradient written as the textbook's column.
                hint = " (one is the transpose of the other: a missing `.T`?)" if same_shape(ls, rs[::-1]) else ""
                raise SpecError(f"the two sides have different shapes: {shape_text(ls)} on the left, "
                                f"{shape_text(rs)} on the right{hint}", step.location, where)
            if step.rel == ":=":
                kind = "define"
                verdict = Verdict("definition", method="definition",
                                  detail="a definition; checked only for well-formed shapes")
            elif step.given:
                kind = "given"
                verdict = Verdict("definition", method="given",
                                  detail="stated as an assumption of the model, not derived")
            else:
                kind = "equal"
        if step.rel == ":=":
            if lhs_text is None or rhs_text is None:
                raise SpecError("a definition (`rel: ':='`) needs a `sympy:` form on both sides",
                                step.location, where)
            name = lhs_text.value.strip()
            in_force = next((text for defined, text in scope.definitions if defined == name), None)
            _refuse_redefinition(in_force, name, rhs_text, where)
            # With the others in scope, at its own step: checked at the start of the next block, a cycle or a
            # name declared as a function put its error on that innocent block, or nowhere if none followed.
            scope.definitions.append((name, rhs_text))
            try:
                self.check_definitions(scope, env, where)
            finally:
                scope.definitions.pop()
        return self.add_claim(kind, previous, step, scope, cited, where, verdict, givens)

    def blocked_claim(self, step: model.Step, previous: model.Term, scope: _Scope, where: str,
                      error: SpecError) -> int:
        """The claim of a step that ``error`` keeps from being checked: it has a row like any other step,
        and its verdict says why it has no check mark."""
        verdict = Verdict("error", method=SPEC_ERROR, detail=f"not checked because of this error: {error}")
        return self.add_claim("error", previous, step, scope, [], where, verdict)

    def add_claim(self, kind: ClaimKind, previous: model.Term, step: model.Step, scope: _Scope, cited: list[str],
                  where: str, verdict: Verdict | None, givens: tuple[tuple[str, str, str], ...] = ()) -> int:
        lhs_text, rhs_text = previous.sympy, step.term.sympy
        claim = Claim(
            kind=kind,
            lhs=lhs_text.value if lhs_text else "",
            rhs=rhs_text.value if rhs_text else "",
            symbols=self.symbols(scope.layers),
            definitions=tuple((n, t.value) for n, t in scope.definitions),
            cited=tuple(cited),
            sizes=tuple(tuple(sorted(s.items())) for s in (scope.sizes or [])),
            location=step.location,
            where=where,
            given_cited=givens if kind == "equal" else (),
        )
        self.claims.append(claim)
        index = len(self.claims) - 1
        if verdict is not None:
            self.verdicts[index] = verdict
        return index

    def shape_verdict(self, step: model.Step, lhs_text: model.Text, env: Environment, where: str,
                      lhs_where: str) -> Verdict:
        assert step.shape is not None
        try:
            wanted = claimed_shape(step.shape, env)
        except SpecError as err:
            raise err.with_where(where).at(step.location) from None
        try:
            actual = infer_shape(self.parse(lhs_text, env), env, lhs_text)
        except SpecError as err:
            raise err.with_where(lhs_where) from None
        if same_shape(actual, wanted):
            if all(isinstance(dim, int) for dim in actual):
                # Numbers only: "for all dimensions" would be read as a claim about every size, and the row's
                # badge (its weakest claim) would say it of a 3×3 equality beside it, true at odd sizes only.
                return Verdict("proved", method="shape inference", detail=f"the expression is {shape_text(actual)}")
            return Verdict("proved-all", method="shape inference",
                           detail=f"the expression is {shape_text(actual)} for all dimensions")
        return Verdict("refuted", method="shape inference",
                       detail=f"the expression is {shape_text(actual)}, not {shape_text(wanted)}",
                       counterexample={"claimed": shape_text(wanted), "actual": shape_text(actual)})


def check_sizes(sizes: list[dict[str, int]], env: Environment, location: Location, where: str) -> None:
    """Hand-written sizes must obey the rule the default sizes (2 and 3) obey: at least two assignments,
    each naming every dimension, every dimension given at least two different values ≥ 2, and no two
    dimensions equal in every assignment.

    Many false matrix identities hold at size 1 ((AB)ᵀ = AᵀBᵀ), and some hold at sizes 1 and 2 but fail
    from 3 on ((AB - BA)² C = C (AB - BA)²: the square of a traceless 2×2 matrix is a multiple of the
    identity), so one size ≥ 2 is not enough. Others hold whenever two dimensions are equal
    (det(ΦᵀΦ + λI) = det(ΦΦᵀ + λI) for Φ N×D): with sizes that kept N = D a new contributor's page showed
    it as checked."""
    dims = sorted(env.dims)
    if not dims:
        return
    if len(sizes) < 2:
        raise SpecError("`sizes` needs at least two size assignments (identities that fail in general can "
                        "hold at one size)", location, where)
    for assignment in sizes:
        missing = [d for d in dims if d not in assignment]
        if missing:
            unknown = [name for name in assignment if name not in env.dims]
            raise SpecError(f"`sizes` entry `{sizes_text([assignment])}` does not give {', '.join(missing)}"
                            f"{_dimension_hint(unknown, missing)}", location, where)
    values = {d: sorted({a[d] for a in sizes}) for d in dims}
    few = [d for d in dims if len([v for v in values[d] if v >= 2]) < 2]
    if few:
        # The reason names what these sizes do wrong: a single size ≥ 2 (an identity can hold at 2 and fail
        # at 3), and size 1 if it is among them.
        given = ", ".join(f"{d} only the value{'s' if len(values[d]) > 1 else ''} "
                             f"{' and '.join(map(str, values[d]))}" for d in few)
        one = ", and many false identities hold at size 1" if any(1 in values[d] for d in few) else ""
        raise SpecError(f"`sizes` gives {given}; give {'it' if len(few) == 1 else 'each'} at least two different "
                        f"values of 2 or more (e.g. 2 and 3): an identity can hold at one size and fail at the "
                        f"next{one}", location, where)
    # A determinant carries (-1)^n: det(-S) = det(S) holds at every even size, and sizes 2 and 4 passed it
    # (red team). Each dimension needs an even and an odd value of 2 or more, as the default sizes have.
    for dim in dims:
        parities = {v % 2 for v in values[dim] if v >= 2}
        if len(parities) < 2:
            raise SpecError(f"`sizes` gives {dim} only {'even' if 0 in parities else 'odd'} values of 2 or more; "
                            f"give it an even and an odd one (e.g. 2 and 3): a determinant changes sign with the "
                            "parity of the size, and det(-S) = det(S) holds at every even size", location, where)
    for first, second in itertools.combinations(dims, 2):
        if all(a[first] == a[second] for a in sizes):
            raise SpecError(f"`sizes` keeps {first} and {second} equal in every assignment; add one where they "
                            f"differ (e.g. {{{first}: 2, {second}: 3}}): an identity can hold whenever two "
                            "dimensions are equal and fail otherwise", location, where)


def _dimension_hint(names: list[str], dims: Iterable[str]) -> str:
    """"; did you mean `N`?" for the first of ``names`` that looks like one of ``dims`` (case aside)."""
    dims = sorted(dims)
    for name in names:
        close = nearest(name, dims)
        if close:
            return f"; did you mean `{close}`?"
    return ""


def build_layout(spec: model.Spec) -> tuple[Layout, list[SpecError]]:
    """Resolve a spec; located errors are returned (not raised) so one bad block does not hide others."""
    builder = _Builder(spec)
    builder.note_where(spec.scope, "")
    root = _Scope(layers=[spec.scope.symbols] if spec.scope.symbols else [],
                  definitions=list(spec.scope.where.items()), def_labels={}, sizes=spec.scope.sizes,
                  sizes_location=spec.scope.sizes_location)
    assumptions: list[str] = []
    blocked: SpecError | None = None
    try:
        assumptions = builder.assumptions(spec.scope, builder.layers_environment(root.layers))
    except SpecError as err:
        blocked = err.with_where("symbols")
        builder.errors.append(blocked)
    items = builder.items(spec.blocks, root, blocked)
    if blocked is None and root.definitions:
        # Blocks check the definitions in their scope; this catches the page's own on a page without math
        # (a cycle there was accepted in silence), and is free where a block checked them already.
        try:
            builder.check_definitions(root, builder.layers_environment(root.layers), "where")
        except SpecError as err:
            builder.errors.append(err)
    builder.unused_sizes()
    layout = Layout(spec, items, builder.claims, builder.verdicts, builder.labels, assumptions)
    return layout, _once_each(builder.errors)


def _once_each(errors: list[SpecError]) -> list[SpecError]:
    """The errors without repeats: a bad page-level declaration or `sizes` fails every block that reads
    it, but it is one mistake at one place and the contributor should read it once."""
    seen: set[tuple[str, Location]] = set()
    out = []
    for err in errors:
        key = (err.message, err.location)
        if key not in seen:
            seen.add(key)
            out.append(err)
    return out


def _scalar_phrase(words: tuple[str, ...]) -> str:
    """``"positive"``, ``"a nonzero integer"``: a scalar declaration's assumptions as the page states them,
    or "" for ``real`` and ``complex``, which it does not (see :meth:`_Builder.assumptions`)."""
    shown = [word for word in words if word not in ("real", "complex", "integer")]
    if "integer" in words:
        adjectives = " ".join(shown)
        return f"{'an' if not shown else 'a'} {adjectives + ' ' if shown else ''}integer"
    return " and ".join(shown)

"""Symbol declarations: the typed meaning of strings like ``vector(N)`` or ``function(x) -> vector(m)``.

A page declares each symbol once (blocks may shadow); the shape checker and the evaluator read these
types. Dimensions (``N`` in ``vector(N)``) are declared implicitly by use, or explicitly as ``dim``.

The declaration strings have a grammar of their own (:data:`VALID_FORMS`), parsed here by a small
tokenizer rather than by Python's parser, because ``function(x) -> vector(m)`` is not Python. Like the
expression parser it imports no SymPy, so a page's declarations are checked before anything is evaluated.
"""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import Location, SpecError
from .expr import MAX_LITERAL_DIM, RESERVED_NAMES, check_characters, is_identifier
from .model import Text

# Assumption words a scalar may carry; they map one-to-one onto SymPy's assumptions.
SCALAR_ASSUMPTIONS = ("real", "positive", "negative", "nonzero", "nonnegative", "nonpositive", "integer",
                      "complex")

Dim = str | int


@dataclass(frozen=True)
class ScalarDecl:
    """A scalar symbol; ``assumptions`` is a sorted tuple of words from SCALAR_ASSUMPTIONS."""

    assumptions: tuple[str, ...] = ("complex",)


@dataclass(frozen=True)
class DimDecl:
    """A dimension: a positive integer that concrete-size checks instantiate (2, 3, ...)."""


@dataclass(frozen=True)
class MatrixDecl:
    """A matrix with (possibly symbolic) dimensions; a vector is ``MatrixDecl(n, 1)``.

    ``symmetric`` (square only) is an assumption shown on the page and used by every check.
    """

    rows: Dim
    cols: Dim
    symmetric: bool = False


@dataclass(frozen=True)
class FunctionDecl:
    """An undefined function of declared arguments (symbol names), scalar- or vector-valued.

    Used bare (``f``) it means ``f`` applied to its declared arguments; ``f(u)`` applies it to others.
    """

    args: tuple[str, ...]
    result: ScalarDecl | MatrixDecl = field(default_factory=lambda: ScalarDecl(("complex",)))


Declaration = ScalarDecl | DimDecl | MatrixDecl | FunctionDecl

#: The forms a declaration string can take, listed in every parse error.
VALID_FORMS = (
    "a scalar: one or more of " + ", ".join(SCALAR_ASSUMPTIONS) + " (e.g. `real`, `real nonzero`)",
    "`dim` (a dimension)",
    "`vector(n)` (a column vector, n x 1)",
    "`matrix(n, d)` or `matrix(n, n, symmetric)`",
    "`function(x, y)` (scalar-valued) or `function(x) -> real | vector(m) | matrix(a, b)`",
)

MAX_DECLARATION_LENGTH = 200

# Pairs of assumption words that contradict each other (SymPy would raise InconsistentAssumptions later).
_CONTRADICTIONS = (("positive", "negative"), ("positive", "nonpositive"), ("negative", "nonnegative"),
                   # `complex` is "no assumption": beside a word that makes the symbol real it says nothing true
                   *(("complex", word) for word in ("real", "positive", "negative", "nonnegative", "nonpositive",
                                                    "integer")))

_TOKEN = re.compile(r"\s*(?:(?P<arrow>->)|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<int>[0-9]+)|(?P<punct>[(),]))")


@dataclass(frozen=True)
class _Token:
    kind: str  # "arrow", "word", "int", "punct" or "end"
    text: str
    offset: int  # 0-based offset in the declaration string


def _forms_hint() -> str:
    return "; valid forms: " + "; ".join(VALID_FORMS)


class _DeclParser:
    """Recursive descent over the token list of one declaration string."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self.tokens = self._tokenize(text.value)
        self.pos = 0

    def fail(self, offset: int, message: str, forms: bool = True) -> SpecError:
        return SpecError(message + (_forms_hint() if forms else ""), self.text.at(offset))

    def _tokenize(self, s: str) -> list[_Token]:
        tokens: list[_Token] = []
        pos = 0
        while True:
            while pos < len(s) and s[pos].isspace():
                pos += 1
            if pos >= len(s):
                tokens.append(_Token("end", "", len(s)))
                return tokens
            match = _TOKEN.match(s, pos)
            if match is None or match.lastgroup is None:
                raise self.fail(pos, f"unexpected character {s[pos]!r} in declaration")
            tokens.append(_Token(match.lastgroup, match[match.lastgroup], match.start(match.lastgroup)))
            pos = match.end()

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self, kind: str, text: str | None = None, what: str = "") -> _Token:
        tok = self.peek()
        if tok.kind != kind or (text is not None and tok.text != text):
            want = what or (f"`{text}`" if text else kind)
            got = "the end" if tok.kind == "end" else f"`{tok.text}`"
            raise self.fail(tok.offset, f"expected {want}, found {got}")
        self.pos += 1
        return tok

    def declaration(self) -> Declaration:
        first = self.peek()
        if first.kind == "end":
            raise self.fail(first.offset, "empty declaration")
        if first.kind == "word" and first.text == "dim":
            self.pos += 1
            decl: Declaration = DimDecl()
        elif first.kind == "word" and first.text == "function":
            decl = self.function()
        else:
            decl = self.value(allow_words=True)
        self.take("end", what="the end of the declaration")
        return decl

    def value(self, allow_words: bool) -> ScalarDecl | MatrixDecl:
        tok = self.peek()
        if tok.kind == "word" and tok.text == "vector":
            self.pos += 1
            self.take("punct", "(")
            rows = self.dim()
            self.take("punct", ")")
            return MatrixDecl(rows, 1)
        if tok.kind == "word" and tok.text == "matrix":
            return self.matrix()
        if tok.kind == "word" and allow_words:
            return self.scalar()
        message = f"unknown declaration `{tok.text}`" if tok.text else "missing declaration"
        raise self.fail(tok.offset, message)

    def matrix(self) -> MatrixDecl:
        self.pos += 1
        self.take("punct", "(")
        rows_tok = self.peek()
        rows = self.dim()
        self.take("punct", ",")
        cols = self.dim()
        symmetric = False
        if self.peek().text == ",":
            self.pos += 1
            self.take("word", "symmetric")
            symmetric = True
            if rows != cols:
                raise self.fail(rows_tok.offset, f"a symmetric matrix must be square, got {rows} x {cols}",
                                forms=False)
        self.take("punct", ")")
        return MatrixDecl(rows, cols, symmetric)

    def dim(self) -> Dim:
        tok = self.peek()
        if tok.kind == "int":
            self.pos += 1
            value = int(tok.text[:6])
            if value < 1 or len(tok.text) > 6 or value > MAX_LITERAL_DIM:
                raise self.fail(tok.offset, f"a dimension must be a positive integer up to {MAX_LITERAL_DIM} "
                                            "or a name", forms=False)
            return value
        if tok.kind == "word":
            self.pos += 1
            _check_name(tok.text, "a dimension", functools.partial(self.text.at, tok.offset))
            return tok.text
        raise self.fail(tok.offset, "expected a dimension (a name like n or a positive integer)")

    def scalar(self) -> ScalarDecl:
        words: list[_Token] = []
        while self.peek().kind == "word":
            words.append(self.take("word"))
        seen: set[str] = set()
        for tok in words:
            if tok.text not in SCALAR_ASSUMPTIONS:
                raise self.fail(tok.offset, f"unknown declaration word `{tok.text}`")
            if tok.text in seen:
                raise self.fail(tok.offset, f"`{tok.text}` is repeated", forms=False)
            seen.add(tok.text)
        for a, b in _CONTRADICTIONS:
            if a in seen and b in seen:
                bad = max((t for t in words if t.text in (a, b)), key=lambda t: t.offset)
                raise self.fail(bad.offset, f"`{a}` and `{b}` contradict each other", forms=False)
        return ScalarDecl(tuple(sorted(seen)))

    def function(self) -> FunctionDecl:
        self.pos += 1
        self.take("punct", "(")
        args: list[str] = []
        while True:
            tok = self.take("word", what="an argument name")
            _check_name(tok.text, "an argument", functools.partial(self.text.at, tok.offset))
            if tok.text in args:
                raise self.fail(tok.offset, f"argument `{tok.text}` is repeated", forms=False)
            args.append(tok.text)
            if self.peek().text != ",":
                break
            self.pos += 1
        self.take("punct", ")")
        result: ScalarDecl | MatrixDecl = ScalarDecl()
        if self.peek().kind == "arrow":
            self.pos += 1
            result = self.value(allow_words=True)
        return FunctionDecl(tuple(args), result)


def _check_name(name: str, role: str, place: Location | Callable[[], Location]) -> None:
    """Refuse a name that could never be written in an expression, or that a builtin already takes, at
    ``place`` (a function giving it is called only for a refused name: placing a word of a declaration maps
    its whole YAML scalar back to the file)."""
    fault = None
    if not is_identifier(name) or keyword.iskeyword(name):
        fault = (f"`{name}` cannot be used as {role} name (start with a letter; use letters, digits and _; no "
                 "Python keywords)")
    elif name in RESERVED_NAMES:
        fault = f"`{name}` is a builtin function or constant and cannot be used as {role} name"
    if fault is not None:
        raise SpecError(fault, place if isinstance(place, Location) else place())


# Declarations already parsed, by their string: a site's pages declare the same few (`real`, `vector(N)`,
# `matrix(N, D)`) again and again, and a parsed declaration is immutable and depends on nothing else. Only
# successes are kept (a faulty string is parsed again, for an error at its own place); bounded, as `mkdocs
# serve` lives on.
_PARSED: dict[str, Declaration] = {}
_MAX_PARSED = 4096


def parse_declaration(text: Text) -> Declaration:
    """Parse one declaration string (the value of a ``symbols:`` entry) into its typed form."""
    decl = _PARSED.get(text.value)
    if decl is None:
        check_characters(text, MAX_DECLARATION_LENGTH, "declaration")
        decl = _DeclParser(text).declaration()
        if len(_PARSED) < _MAX_PARSED:
            _PARSED[text.value] = decl
    return decl


def declaration_shape(decl: ScalarDecl | MatrixDecl) -> tuple[Dim, Dim]:
    """(rows, cols) of a value declaration; a scalar is (1, 1)."""
    return (1, 1) if isinstance(decl, ScalarDecl) else (decl.rows, decl.cols)


class Environment(Mapping[str, Declaration]):
    """The declarations in force for one block: an immutable name -> Declaration mapping.

    Built from scope layers (page, container, block; inner shadows outer) so that a block sees exactly
    what the reader of the page sees at that point. ``dims`` are all dimension names (declared ``dim`` or
    used inside ``vector(...)``/``matrix(...)``); ``functions`` the names declared as functions (what
    :func:`expr.read_expression` may call). Construction validates the whole environment.
    """

    __slots__ = ("_decls", "_names", "_sources", "dims", "functions")

    def __init__(self, declarations: Mapping[str, Declaration], sources: Mapping[str, Text] | None = None,
                 names: Mapping[str, Location] | None = None):
        self._decls: Mapping[str, Declaration] = MappingProxyType(dict(declarations))
        self._sources: Mapping[str, Text] = MappingProxyType(dict(sources or {}))
        self._names: Mapping[str, Location] = MappingProxyType(dict(names or {}))
        dims = {name for name, decl in self._decls.items() if isinstance(decl, DimDecl)}
        for decl in self._decls.values():
            dims.update(d for d in _declared_dims(decl) if isinstance(d, str))
        self.dims: frozenset[str] = frozenset(dims)
        self.functions: frozenset[str] = frozenset(
            name for name, decl in self._decls.items() if isinstance(decl, FunctionDecl))
        self._validate()

    @classmethod
    def from_layers(cls, layers: Sequence[Mapping[str, Text]]) -> Environment:
        """Parse and merge scope layers, outermost first; SpecError at the offending declaration (an error
        about a name points at the name, :attr:`Text.name_location`)."""
        decls: dict[str, Declaration] = {}
        sources: dict[str, Text] = {}
        names: dict[str, Location] = {}
        for layer in layers:
            _add_layer(layer, decls, sources, names)
        return cls(decls, sources, names)

    def child(self, layer: Mapping[str, Text]) -> Environment:
        """This environment with one more (inner) layer on top."""
        decls = dict(self._decls)
        sources = dict(self._sources)
        names = dict(self._names)
        _add_layer(layer, decls, sources, names)
        return Environment(decls, sources, names)

    def source(self, name: str) -> Text | None:
        """The declaration string ``name`` came from (None when built without sources)."""
        return self._sources.get(name)

    def __getitem__(self, name: str) -> Declaration:
        return self._decls[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decls)

    def __len__(self) -> int:
        return len(self._decls)

    def __repr__(self) -> str:
        return f"Environment({dict(self._decls)!r})"

    def _name_location(self, name: str) -> Location:
        """Where the name ``name`` is written (its declaration's start when the name's place is unknown)."""
        location = self._names.get(name)
        if location is not None:
            return location
        text = self._sources.get(name)
        return text.name_location if text is not None else Location()

    def _location(self, name: str, mention: str | None = None) -> Location:
        """Where ``name`` is declared, at ``mention`` (a word of the declaration) when given."""
        text = self._sources.get(name)
        if text is None:
            return Location()
        if mention is not None:
            match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(mention)}(?![A-Za-z0-9_])", text.value)
            if match is not None:
                return text.at(match.start())
        return text.location

    def _validate(self) -> None:
        for name, decl in self._decls.items():
            _check_name(name, "a symbol", functools.partial(self._name_location, name))
            for dim in _declared_dims(decl):
                if isinstance(dim, str):
                    _check_name(dim, "a dimension", functools.partial(self._location, name, dim))
            if name in self.dims and not isinstance(decl, DimDecl):
                user = next(other for other, d in self._decls.items() if name in _declared_dims(d))
                raise SpecError(f"`{name}` is used as a dimension (in `{user}`) and declared as a symbol; "
                                "rename one of them", self._name_location(name))
            if isinstance(decl, FunctionDecl):
                self._validate_function(name, decl)
        # Refuse ``a: function(b)`` with ``b: function(a)``: a bare name must unfold to a finite term.
        try:
            cycle = find_cycle({name: decl.args for name, decl in self._decls.items()
                                if isinstance(decl, FunctionDecl)})
        except RecursionError:
            raise SpecError("functions are nested too deeply", Location()) from None
        if cycle is not None:
            raise SpecError(f"functions depend on each other in a cycle: {' -> '.join(cycle)}",
                            self._location(cycle[-1]))

    def _validate_function(self, name: str, decl: FunctionDecl) -> None:
        for arg in decl.args:
            fault = self._argument_fault(name, arg)
            if fault is not None:  # placed only now, as dimensions are in :meth:`_validate`
                raise SpecError(fault, self._location(name, arg))

    def _argument_fault(self, name: str, arg: str) -> str | None:
        """Why ``arg`` cannot be an argument of the function ``name`` (None if it can)."""
        target = self._decls.get(arg)
        if target is None:
            kind = "a dimension" if arg in self.dims else "not declared"
            return (f"argument `{arg}` of function `{name}` is {kind}; declare it under `symbols:` (a scalar, a "
                    "vector or another function)")
        if isinstance(target, DimDecl):
            return f"argument `{arg}` of function `{name}` is a dimension, not a symbol"
        value = target.result if isinstance(target, FunctionDecl) else target
        if isinstance(value, MatrixDecl) and value.cols != 1:
            return (f"argument `{arg}` of function `{name}` is a {value.rows}x{value.cols} matrix; arguments "
                    "must be scalars or column vectors")
        return None


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """The first circle met by a depth-first search of ``graph`` (name -> the names it uses), or None.

    The names are visited in the order of ``graph``; edges to names that are not keys are ignored. The
    circle is returned with its first name repeated at the end (``[a, b, a]``). Deep chains raise
    RecursionError.
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> list[str] | None:
        if state.get(name) == 2:
            return None
        if state.get(name) == 1:
            return [*path[path.index(name):], name]
        state[name] = 1
        for dep in graph[name]:
            if dep in graph:
                cycle = visit(dep, [*path, name])
                if cycle is not None:
                    return cycle
        state[name] = 2
        return None

    for name in graph:
        cycle = visit(name, [])
        if cycle is not None:
            return cycle
    return None


def _add_layer(layer: Mapping[str, Text], decls: dict[str, Declaration], sources: dict[str, Text],
               names: dict[str, Location]) -> None:
    """Parse one scope layer into ``decls`` (inner shadows outer), remembering where each name is written."""
    for name, text in layer.items():
        where = text.name_location
        _check_name(name, "a symbol", where)
        decls[name] = parse_declaration(text)
        sources[name] = text
        names[name] = where


def _declared_dims(decl: Declaration) -> tuple[Dim, ...]:
    """The dimensions a declaration mentions (its own or its result's)."""
    value = decl.result if isinstance(decl, FunctionDecl) else decl
    if isinstance(value, MatrixDecl):
        return (value.rows, value.cols)
    return ()

"""The expression language front end: contributor strings -> :mod:`expr_ast` trees, and back.

Why a parser of our own: SymPy's string parsers hand the text to Python's evaluator, and an attribute walk
from ``().__class__`` reaches ``os.system`` whatever namespace they are given. So a string is parsed with
``ast.parse(..., mode="eval")`` (which builds a tree and runs nothing) and only whitelisted node types are
copied into :mod:`expr_ast`; everything else is a :class:`SpecError` naming the construct and its column.
This module imports neither SymPy nor MkDocs, so the loader can reject bad input and compute cache keys
cheaply.

Budgets (checked in this order, all :class:`SpecError`):

* at most :data:`MAX_LENGTH` characters, checked *before* ``ast.parse`` (which raises MemoryError on 100k
  unary minus signs);
* printable ASCII only, plus tab/newline/carriage return (read as spaces, so columns stay the same);
  ``#`` (a Python comment) is refused too, because it would hide text from the checked expression;
* tree depth at most :data:`MAX_DEPTH`, at most :data:`MAX_NODES` nodes (so a sum has at most ~60 terms);
* integer literals at most :data:`MAX_DIGITS` digits; decimal literals (``0.1``) at most that many digits
  and become exact :class:`~fractions.Fraction` values from their decimal text (``0.1`` is 1/10, not the
  binary float); exponent notation (``1e5``), hex/octal/binary, ``_`` separators and ``1j`` are refused;
* powers ``a ** b`` (so that no check can be asked for ``9**9**9``): the exponent ``b`` is either

  - a *literal exponent*: an integer or decimal literal, or ``p/q`` of two such literals, optionally
    negated (``3``, ``-2``, ``0.5``, ``1/2``, ``-(1/2)``), whose reduced value p/q has |p|, |q| <=
    :data:`MAX_EXPONENT`; its *size* is max(|p|, |q|); or
  - an expression containing no ``**``, in which the product over its numeric literals of
    (|numerator| + |denominator|) is at most :data:`MAX_EXPONENT` (so ``n + 1``, ``2*k - 1`` and ``(n+1)/2``
    are fine, ``x**(1000*1000)`` and ``x**(1000*n/n*1000)`` are not); its size is that product;

  and along a tower of powers (a power inside the base of another) the product of the sizes is at most
  :data:`MAX_EXPONENT` too (``(x**10)**100`` is fine, ``((1000**1000)**1000)`` is not). Anything a symbol
  could still hide (a value substituted later) is bounded by the evaluator's time and memory limits.

Tree conventions: a negative literal is ``Neg(Num(2))`` (Python has no negative literals either), unary
plus is dropped, every ``Num`` is non-negative, and a decimal whose value is an integer is stored as ``int``
(``2.0`` -> ``Num(2)``). :func:`to_source` inverts :func:`read_expression` on every tree of that form.
"""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

from .errors import SpecError, close_match
from .expr_ast import BinOp, BinOpName, Call, ListExpr, Name, Neg, Node, Num, Transpose, walk
from .model import Text

MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_NODES = 2000
MAX_DIGITS = 30
MAX_EXPONENT = 1000

#: A name as the language spells one; also found in a text without parsing it (a definition's names).
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
IDENTIFIER = re.compile(NAME.pattern + r"\Z")
_INT_LITERAL = re.compile(r"[0-9]+\Z")
_DECIMAL_LITERAL = re.compile(r"(?P<int>[0-9]*)\.(?P<frac>[0-9]*)\Z")
# Any character outside printable ASCII, tab, newline and carriage return.
_NOT_ALLOWED = re.compile(r"[^ -~\t\n\r]")


class Builtin(NamedTuple):
    """A function every expression may call: argument count bounds, a one-line description (for docs), and
    whether it is an elementary function of scalars (``scalar``): the shape checker and the evaluator take
    that list from here, so a builtin added here cannot be given a wrong shape by falling through."""

    min_args: int
    max_args: int
    description: str
    scalar: bool = False


def _scalar(description: str) -> Builtin:
    return Builtin(1, 1, description, scalar=True)


BUILTINS: Mapping[str, Builtin] = MappingProxyType({
    "sin": _scalar("sine"),
    "cos": _scalar("cosine"),
    "tan": _scalar("tangent"),
    "asin": _scalar("inverse sine"),
    "acos": _scalar("inverse cosine"),
    "atan": _scalar("inverse tangent"),
    "sinh": _scalar("hyperbolic sine"),
    "cosh": _scalar("hyperbolic cosine"),
    "tanh": _scalar("hyperbolic tangent"),
    "exp": _scalar("exponential function e^x"),
    "log": _scalar("natural logarithm"),
    "sqrt": _scalar("principal square root"),
    "Abs": _scalar("absolute value |x|"),
    "sign": _scalar("sign of a real number (-1, 0 or 1)"),
    "atan2": Builtin(2, 2, "atan2(y, x): the angle of the point (x, y)", scalar=True),
    "Derivative": Builtin(2, 3, "Derivative(F, v[, k]): the k-th derivative of F by the scalar v"),
    "diff": Builtin(2, 3, "diff(F, v[, k]): the same as Derivative(F, v[, k])"),
    "Matrix": Builtin(1, 1, "Matrix([[a, b], [c, d]]) by rows; Matrix([a, b]) is a column vector"),
    "transpose": Builtin(1, 1, "transpose(A), the same as A.T"),
    "trace": Builtin(1, 1, "trace of a square matrix (a scalar)"),
    "det": Builtin(1, 1, "determinant of a square matrix (a scalar)"),
    "inv": Builtin(1, 1, "inverse of a square matrix"),
    "jacobian": Builtin(2, 2, "jacobian(F, v): dF/dv in numerator layout (m x n for F in R^m, v in R^n)"),
    "grad": Builtin(2, 2, "grad(F, v): the row gradient dF/dv of a scalar F (1 x n); same rule as jacobian"),
    "norm2": Builtin(1, 1, "norm2(v): the squared Euclidean norm v^T v of a column vector (a scalar)"),
    "eye": Builtin(1, 1, "eye(n): the n x n identity matrix; n is a dimension or a positive integer"),
    "zeros": Builtin(2, 2, "zeros(m, n): the m x n zero matrix; m and n are dimensions or positive integers"),
})

#: Builtins whose arguments are dimensions, not values: each a name the page uses as a dimension (``N`` of
#: ``matrix(N, D)``, or declared ``dim``) or a positive integer literal up to :data:`MAX_LITERAL_DIM`. The
#: parser checks the form, the shape checker that a name is a dimension.
DIMENSION_BUILTINS: frozenset[str] = frozenset({"eye", "zeros"})

#: Builtins that differentiate by their second argument (a name, or a list of names).
DERIVATIVE_BUILTINS: frozenset[str] = frozenset({"Derivative", "diff", "jacobian", "grad"})

#: Largest literal dimension, in a declaration (``vector(3)``) or an argument of ``eye``/``zeros``: checks
#: at concrete sizes build that many entries per side.
MAX_LITERAL_DIM = 100

CONSTANTS: Mapping[str, str] = MappingProxyType({
    "pi": "the number pi",
    "E": "Euler's number e",
    "I": "the imaginary unit i",
})

#: Names no declaration may take: builtin functions and constants.
RESERVED_NAMES: frozenset[str] = frozenset(BUILTINS) | frozenset(CONSTANTS)

# Builtins whose arguments may be list literals, and at which positions; ``Matrix`` also takes rows.
_LIST_POSITIONS: Mapping[str, frozenset[int]] = MappingProxyType({
    "Matrix": frozenset({0}),
    "jacobian": frozenset({0, 1}),
    "grad": frozenset({0, 1}),
})

# SymPy's and NumPy's names for the identity and zero matrices, which contributors try first: pointing them at
# `symbols:` (as for any unknown function) sent them the wrong way.
_EYE = "the identity matrix is eye(n), with n a dimension or a positive integer"
_ZEROS = "the zero matrix is zeros(m, n), with m and n dimensions or positive integers"
# The same for sums, the all-ones vector and the logarithm: "declare it, e.g. Sum: function(t)" made `Sum` or `ln`
# an undefined function, and the check then meant something else entirely.
_NO_SUM = ("the language has no sums: stack the terms in a vector, `x: vector(N)`, declare `one: vector(N)` for the "
        "all-ones vector and write the sum of the x_i as one.T*x (see Expressions, Sums over data points)")
_NO_ONES = ("there is no all-ones vector: declare one, `one: vector(N)`, and write N as one.T*one (see Expressions, "
         "Sums over data points)")
_LOG = "the natural logarithm is log(x)"
_HESSIAN = "the Hessian of a scalar f by a vector x is jacobian(jacobian(f, x).T, x)"
_NO_DIAG = ("there is no diagonal matrix of a vector's entries: name the entries at a literal size, or declare a "
            "matrix that stands for it (see Expressions, Functions of each entry)")
_OTHER_NAMES: Mapping[str, str] = MappingProxyType({
    "Identity": _EYE, "identity": _EYE, "Eye": _EYE, "ZeroMatrix": _ZEROS, "Zeros": _ZEROS,
    "Sum": _NO_SUM, "sum": _NO_SUM, "summation": _NO_SUM, "ones": _NO_ONES, "Ones": _NO_ONES, "OneMatrix": _NO_ONES,
    "ln": _LOG, "Ln": _LOG, "hessian": _HESSIAN, "Hessian": _HESSIAN, "diag": _NO_DIAG, "Diag": _NO_DIAG,
    "diagonal": _NO_DIAG,
})

_BINOPS: Mapping[type, BinOpName] = MappingProxyType({
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
})

_REFUSED_BINOPS: Mapping[type, str] = MappingProxyType({
    ast.Mod: "%", ast.FloorDiv: "//", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
    ast.BitAnd: "&",
})

# What to call the Python constructs the language refuses (the message names the construct).
_CONSTRUCT_NAMES: Mapping[type, str] = MappingProxyType({
    ast.Lambda: "a lambda", ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string", ast.Subscript: "subscripting",
    ast.Compare: "a comparison", ast.BoolOp: "a boolean operator (and/or)", ast.IfExp: "an if expression",
    ast.Starred: "a starred argument", ast.NamedExpr: "an assignment expression (:=)",
    ast.Tuple: "a tuple", ast.Set: "a set", ast.Dict: "a dict", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Slice: "a slice",
})


def is_identifier(name: str) -> bool:
    """Whether ``name`` may name a symbol: ASCII letter first, then letters, digits and ``_``."""
    return IDENTIFIER.match(name) is not None


def check_characters(text: Text, max_length: int = MAX_LENGTH, what: str = "expression") -> None:
    """Refuse over-long strings and characters outside printable ASCII, pointing at the first bad one.

    Shared with the declaration parser: a U+2212 minus pasted from a PDF or a zero-width space looks right
    on screen and must not silently become a different (or unparsable) expression.
    """
    s = text.value
    if len(s) > max_length:
        raise SpecError(f"this {what} is too long ({len(s)} characters; the limit is {max_length})",
                        text.at(0))
    bad = _NOT_ALLOWED.search(s)
    if bad is not None:
        i, ch = bad.start(), bad.group()
        code = f"U+{ord(ch):04X}"
        try:
            label = f"{code} {unicodedata.name(ch)}"
        except ValueError:
            label = code
        hint = " (write '-' for minus)" if ch == "\u2212" else " (only printable ASCII is allowed)"
        raise SpecError(f"character {label} is not allowed in this {what}{hint}", text.at(i))


def read_expression(text: Text, *, functions: Collection[str] = (),
                    declared: Callable[[str], Text | None] | None = None) -> Node:
    """Parse one expression of the language; ``functions`` are the names declared as functions.

    ``declared`` gives the declaration of any other name in scope; it is read only to word an error: a call
    of a name declared ``real`` is a mistake about functions, not an unknown name.

    Raises :class:`SpecError` (and nothing else) for any input the language does not accept.
    """
    check_characters(text)
    source = text.value.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    if "#" in source:
        raise SpecError("'#' is not allowed in an expression (comments would hide text from the check)",
                        text.at(source.index("#")))
    if not source.strip():
        raise SpecError("empty expression", text.location)
    stripped = source.lstrip(" ")  # eval-mode parsing refuses leading indentation
    lead = len(source) - len(stripped)
    try:
        with warnings.catch_warnings():  # `1if x` warns before failing; the SpecError says enough
            warnings.simplefilter("ignore")
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        at = max((exc.offset or 1) - 1, 0) if (exc.lineno or 1) == 1 else 0
        hint = _MISSING_STAR if exc.msg == "invalid syntax" and _side_by_side(stripped, at) else ""
        raise SpecError(f"cannot parse expression: {exc.msg}{hint}", text.at(lead + at)) from None
    except (ValueError, MemoryError, RecursionError, OverflowError) as exc:
        raise SpecError(f"cannot parse expression: {type(exc).__name__}", text.location) from None
    converter = _Converter(text, stripped, lead, frozenset(functions), declared)
    try:
        node = converter.convert(tree.body, 1)
        if converter.powers:
            _check_powers(node, text)
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        raise SpecError(f"expression too complex ({type(exc).__name__})", text.location) from None
    return node


_MISSING_STAR = " (a missing `*`? a product is written `a*b`)"
# Two operands with only spaces between (`2 x`, `x.T A x`): mathematical notation for a product, which is the
# likeliest reason for Python's bare "invalid syntax" there.
_OPERAND_END = re.compile(r"[A-Za-z0-9_.] +\Z")
_OPERAND_START = re.compile(r"[A-Za-z0-9_.(]")


def _side_by_side(source: str, offset: int) -> bool:
    """Whether an operand ends just before 0-based ``offset`` (spaces between) and another starts there."""
    return bool(_OPERAND_START.match(source, offset) and _OPERAND_END.search(source, 0, offset))


def error_at(text: Text, col: int, message: str) -> SpecError:
    """A SpecError at 1-based column ``col`` of ``text`` (0 = the start)."""
    return SpecError(message, text.at(max(col - 1, 0)))


class _Converter:
    """Copies whitelisted Python AST nodes into expr_ast nodes, enforcing depth and node budgets."""

    def __init__(self, text: Text, source: str, lead: int, functions: frozenset[str],
                 declared: Callable[[str], Text | None] | None = None) -> None:
        self.text = text
        self.source = source  # the string as parsed: without its ``lead`` leading spaces
        self.lead = lead
        self.functions = functions
        self.declared = declared
        self.count = 0
        self.powers = 0  # how many `**` the tree has: without any, the power rule has nothing to check

    def fail(self, col0: int, message: str) -> SpecError:
        """An error at 0-based offset ``col0`` of the parsed string."""
        return SpecError(message, self.text.at(col0 + self.lead))

    def col(self, col0: int) -> int:
        """The 1-based column in the contributor's string of 0-based offset ``col0`` of the parsed one."""
        return col0 + self.lead + 1

    def convert(self, node: ast.expr, depth: int, list_ok: bool = False, rows_ok: bool = False,
                in_list: bool = False) -> Node:
        if depth > MAX_DEPTH:
            raise self.fail(node.col_offset, f"expression nested too deeply (more than {MAX_DEPTH} levels; "
                                             "each term of a long sum or factor of a long product is a level; "
                                             "split it with a `where:` definition)")
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node.col_offset, f"expression too large (more than {MAX_NODES} parts)")
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                symbol = _REFUSED_BINOPS.get(type(node.op), "?")
                hint = " (write ** for a power)" if symbol == "^" else ""
                raise self.fail(self.operator_offset(node), f"operator `{symbol}` is not allowed "
                                                            f"(only + - * / ** @){hint}")
            left = self.convert(node.left, depth + 1)
            right = self.convert(node.right, depth + 1)
            if op == "**":
                self.powers += 1
            return BinOp(op, left, right, self.col(self.operator_offset(node)))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return Neg(self.convert(node.operand, depth + 1), self.col(node.col_offset))
            if isinstance(node.op, ast.UAdd):
                return self.convert(node.operand, depth + 1)
            what = "`not`" if isinstance(node.op, ast.Not) else "`~`"
            raise self.fail(node.col_offset, f"unary operator {what} is not allowed (only - and +)")
        if isinstance(node, ast.Attribute):
            attr_offset = (node.end_col_offset or 0) - len(node.attr)
            if node.attr != "T":
                raise self.fail(attr_offset, f"attribute `.{node.attr}` is not allowed (`.T`, the transpose, "
                                             "is the only attribute)")
            operand = self.convert(node.value, depth + 1)
            gap = self.source[node.value.end_col_offset or 0:attr_offset]
            return Transpose(operand, self.col((node.value.end_col_offset or 0) + gap.rfind(".")))
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.List):
            if not list_ok:
                raise self.fail(node.col_offset, "a list inside a list is only allowed as a row of "
                                                 "Matrix([[a, b], [c, d]])" if in_list else
                                "a list [...] is only allowed as an argument of Matrix, jacobian or grad")
            if not node.elts:
                raise self.fail(node.col_offset, "empty list")
            items = tuple(self.convert(e, depth + 1, list_ok=rows_ok, in_list=True) for e in node.elts)
            if rows_ok:
                nested = [isinstance(e, ast.List) for e in node.elts]
                if any(nested) and not all(nested):
                    bad = node.elts[nested.index(not nested[0])]
                    raise self.fail(bad.col_offset, "Matrix rows must all be lists ([[a, b], [c, d]]) "
                                                    "or all be entries ([a, b], a column vector)")
            return ListExpr(items, self.col(node.col_offset))
        if isinstance(node, ast.Subscript):
            gap = self.source[node.value.end_col_offset or 0:node.end_col_offset or 0]
            raise self.fail((node.value.end_col_offset or 0) + max(gap.find("["), 0),
                            "subscripting x[...] is not allowed (name entries like x1, x2)")
        what = _CONSTRUCT_NAMES.get(type(node), f"`{type(node).__name__}`")
        raise self.fail(node.col_offset, f"{what} is not allowed in an expression")

    def operator_offset(self, node: ast.BinOp) -> int:
        """0-based offset of the operator token of ``node`` (Python's AST only records operand spans)."""
        start = node.left.end_col_offset or 0
        gap = self.source[start:node.right.col_offset]
        for i, ch in enumerate(gap):
            if ch not in " ()":
                return start + i
        return node.col_offset  # pragma: no cover - an operator always sits between its operands

    def number(self, node: ast.Constant) -> Num:
        value = node.value
        literal = self.source[node.col_offset:node.end_col_offset]
        if type(value) is int and len(literal) <= MAX_DIGITS and _INT_LITERAL.match(literal):
            return Num(value, self.col(node.col_offset))  # the common case, checked below at length
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(node.col_offset, f"`{literal}` is not allowed in an expression")
        if isinstance(value, str | bytes):
            raise self.fail(node.col_offset, "a string is not allowed in an expression")
        if isinstance(value, complex):
            raise self.fail(node.col_offset, "imaginary literals are not supported (write 2*I for 2j)")
        if isinstance(value, int):
            if not _INT_LITERAL.match(literal):
                raise self.fail(node.col_offset, f"write the number `{literal}` in plain decimal digits")
            if len(literal.lstrip("0")) > MAX_DIGITS:
                raise self.fail(node.col_offset, f"integer literal too long (more than {MAX_DIGITS} digits)")
            return Num(int(literal), self.col(node.col_offset))
        match = _DECIMAL_LITERAL.match(literal)
        if match is None:
            raise self.fail(node.col_offset, f"write the number `{literal}` as a plain decimal like 0.001 "
                                             "(no exponent notation; use 10**-3)")
        whole, part = match["int"], match["frac"]
        if len(whole.lstrip("0")) + len(part) > MAX_DIGITS:
            raise self.fail(node.col_offset, f"decimal literal too long (more than {MAX_DIGITS} digits)")
        exact = Fraction(int(whole or "0") * 10 ** len(part) + int(part or "0"), 10 ** len(part))
        return Num(exact.numerator if exact.denominator == 1 else exact, self.col(node.col_offset))

    def name(self, node: ast.Name) -> Name:
        ident = node.id
        if not is_identifier(ident):
            raise self.fail(node.col_offset, f"`{ident}` is not a valid name (start with a letter; use "
                                             "letters, digits and _)")
        if ident in BUILTINS:
            raise self.fail(node.col_offset, f"`{ident}` is a function: call it, as in {ident}(...)")
        return Name(ident, self.col(node.col_offset))

    def _missing_star(self, node: ast.Call) -> str:
        """The "a missing `*`?" hint for a refused call: `2 (x + 1)` and `y (x + 1)` are calls to Python, but
        products to the contributor. Only worked out for an error, so a long expression does not pay for it."""
        after = self.source[node.func.end_col_offset or 0:]
        spaced = _side_by_side(self.source, len(self.source) - len(after.lstrip(" ")))
        return _MISSING_STAR if spaced or isinstance(node.func, ast.Constant) else ""

    def call(self, node: ast.Call, depth: int) -> Call:
        if not isinstance(node.func, ast.Name):
            self.convert(node.func, depth + 1)  # names a refused callee first (`x.__class__()`, a lambda)
            raise self.fail(node.col_offset, "only named functions can be called, as in sin(x) or "
                                             f"f(x){self._missing_star(node)}")
        func = node.func.id
        if not is_identifier(func):
            raise self.fail(node.col_offset, f"`{func}` is not a valid name (start with a letter; use "
                                             "letters, digits and _)")
        if func in CONSTANTS:
            identity = {"I": " (the identity matrix is eye(n))",
                        "E": " (Euler's number e; there is no expectation: name the moments, see Expressions, "
                             "Expectations)"}.get(func, "")
            raise self.fail(node.col_offset, f"`{func}` is a constant, not a function{identity}")
        builtin = BUILTINS.get(func)
        if builtin is None and func not in self.functions:
            raise self.unknown_function(node, func)
        if node.keywords:
            kw = node.keywords[0]
            raise self.fail(kw.col_offset, "keyword arguments are not allowed (pass arguments by position)")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(arg.col_offset, "a starred argument is not allowed in an expression")
        if builtin is not None and not builtin.min_args <= len(node.args) <= builtin.max_args:
            want = (str(builtin.min_args) if builtin.min_args == builtin.max_args
                    else f"{builtin.min_args} to {builtin.max_args}")
            usage = f" ({builtin.description})" if func in DIMENSION_BUILTINS else ""
            raise self.fail(node.col_offset, f"{func}() takes {want} argument"
                                             f"{'s' if want != '1' else ''}, got {len(node.args)}{usage}")
        if func in DIMENSION_BUILTINS:
            return Call(func, tuple(self.dimension(func, arg) for arg in node.args), self.col(node.col_offset))
        positions = _LIST_POSITIONS.get(func)
        if positions is None:  # most calls: no argument may be a list
            return Call(func, tuple([self.convert(arg, depth + 1) for arg in node.args]), self.col(node.col_offset))
        if func == "Matrix" and not isinstance(node.args[0], ast.List):
            raise self.fail(node.args[0].col_offset, "Matrix takes a list: Matrix([[a, b], [c, d]]) "
                                                     "or Matrix([a, b])")
        args = tuple(
            self.convert(arg, depth + 1, list_ok=i in positions, rows_ok=func == "Matrix")
            for i, arg in enumerate(node.args)
        )
        return Call(func, args, self.col(node.col_offset))

    def unknown_function(self, node: ast.Call, func: str) -> SpecError:
        """The error for a call of ``func``, neither a builtin nor declared as a function."""
        declaration = self.declared(func) if self.declared is not None else None
        if declaration is not None:
            return self.fail(node.col_offset, f"`{func}` is declared as `{declaration.value}`, not as a function, "
                                              "so it cannot be called: only names declared `function(...)` take "
                                              "arguments, and they cannot be defined (to use one formula at two "
                                              "arguments, define it through a free scalar: see Expressions)"
                                              f"{self._missing_star(node)}")
        if func in _OTHER_NAMES:
            return self.fail(node.col_offset, f"unknown function `{func}`: {_OTHER_NAMES[func]}")
        known = sorted(set(BUILTINS) | set(self.functions))
        close = close_match(func, known)
        hint = f"; did you mean `{close}`?" if close else ""
        return self.fail(node.col_offset, f"unknown function `{func}`{hint} (declare it under `symbols:`, "
                                          f"e.g. {func}: function(t)){self._missing_star(node)}")

    def dimension(self, func: str, node: ast.expr) -> Name | Num:
        """An argument of ``eye``/``zeros``: a name (whether it is a dimension, the shape checker decides) or
        a whole-number literal from 1 to :data:`MAX_LITERAL_DIM`. ``eye(0)``, ``eye(2.5)`` and ``eye(n + 1)``
        are refused here: a size is not a value to compute with."""
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            number = self.number(node)
            if 1 <= int(number.value) <= MAX_LITERAL_DIM:
                return number
        literal = self.source[node.col_offset:node.end_col_offset]
        raise self.fail(node.col_offset, f"{func}() takes dimensions, got `{literal}`: write a dimension name "
                                         "such as N (from vector(N), matrix(N, D) or `N: dim`) or a whole "
                                         f"number from 1 to {MAX_LITERAL_DIM}")


def rational_literal(node: Node) -> Fraction | None:
    """The value of a literal exponent (``3``, ``-2``, ``0.5``, ``1/2``, ``-(1/2)``), else None."""
    if isinstance(node, Num):
        return Fraction(node.value)
    if isinstance(node, Neg):
        inner = rational_literal(node.operand)
        return None if inner is None else -inner
    if isinstance(node, BinOp) and node.op == "/":
        num, den = _signed_num(node.left), _signed_num(node.right)
        if num is not None and den is not None and den != 0:
            return num / den
    return None


def _signed_num(node: Node) -> Fraction | None:
    if isinstance(node, Num):
        return Fraction(node.value)
    if isinstance(node, Neg) and isinstance(node.operand, Num):
        return -Fraction(node.operand.value)
    return None


def _check_powers(node: Node, text: Text) -> int:
    """Enforce the power rule of the module docstring; return the largest tower size inside ``node``."""
    if isinstance(node, BinOp):
        if node.op == "**":
            size = _exponent_size(node.right, node, text)
            total = size * max(1, _check_powers(node.left, text))
            if total > MAX_EXPONENT:
                raise error_at(text, node.col, f"nested powers too large (exponents multiply to {total}; "
                                               f"the limit is {MAX_EXPONENT})")
            return total
        return max(_check_powers(node.left, text), _check_powers(node.right, text))
    if isinstance(node, Neg | Transpose):
        return _check_powers(node.operand, text)
    if isinstance(node, Call | ListExpr):
        children = node.args if isinstance(node, Call) else node.items
        return max((_check_powers(child, text) for child in children), default=0)
    return 0


def _exponent_size(exponent: Node, power: BinOp, text: Text) -> int:
    value = rational_literal(exponent)
    if value is not None:
        size = max(abs(value.numerator), value.denominator)
        if size > MAX_EXPONENT:
            raise error_at(text, power.col, f"exponent {value} too large (|p| and |q| of p/q must be at most "
                                            f"{MAX_EXPONENT})")
        return size
    product = 1
    for sub in walk(exponent):
        if isinstance(sub, BinOp) and sub.op == "**":
            raise error_at(text, sub.col, "a power inside an exponent is not allowed (write x**(a*b) "
                                          "as (x**a)**b)")
        if isinstance(sub, Num):
            frac = Fraction(sub.value)
            product *= abs(frac.numerator) + frac.denominator
            if product > MAX_EXPONENT:
                raise error_at(text, power.col, f"exponent too large: the numbers in it are limited (the "
                                                f"product of |p|+|q| over its literals must be at most "
                                                f"{MAX_EXPONENT})")
    return product


# ---------------------------------------------------------------------------------------------- printing

# Precedence levels of the language (Python's): sums < products < unary minus < power < postfix/atoms.
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5
_PREC: Mapping[str, int] = MappingProxyType({"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT,
                                             "@": _PRODUCT, "**": _POWER})


def to_source(node: Node) -> str:
    """Print a tree in the language with the fewest parentheses that reparse to the same tree.

    Inverse of :func:`read_expression` on canonical trees (non-negative ``Num`` values, decimals whose
    denominators divide a power of ten); a ``Num`` outside that form is printed so that it still
    denotes the same value (``(-2)``, ``(1/3)``).
    """
    text, _ = _print(node)
    return text


def _print(node: Node) -> tuple[str, int]:
    if isinstance(node, Num):
        return _number(node.value)
    if isinstance(node, Name):
        return node.id, _ATOM
    if isinstance(node, BinOp):
        prec = _PREC[node.op]
        if node.op == "**":  # right-associative; the base must be a primary, the exponent a unary or power
            left_min, right_min = _ATOM, _UNARY
        else:  # left-associative: the same level is fine on the left, not on the right
            left_min, right_min = prec, prec + 1
        left = _wrap(node.left, left_min)
        right = _wrap(node.right, right_min)
        sep = "" if node.op == "**" else " "
        return f"{left}{sep}{node.op}{sep}{right}", prec
    if isinstance(node, Neg):
        return "-" + _wrap(node.operand, _UNARY), _UNARY
    if isinstance(node, Transpose):
        inner, prec = _print(node.operand)
        if prec < _ATOM or isinstance(node.operand, Num):  # `2.T` would lex as the float `2.`
            inner = f"({inner})"
        return inner + ".T", _ATOM
    if isinstance(node, Call):
        return f"{node.func}({', '.join(to_source(a) for a in node.args)})", _ATOM
    return f"[{', '.join(to_source(item) for item in node.items)}]", _ATOM


def _wrap(node: Node, minimum: int) -> str:
    text, prec = _print(node)
    return text if prec >= minimum else f"({text})"


def _number(value: int | Fraction) -> tuple[str, int]:
    if value < 0:
        text, _ = _number(-value)
        return f"(-{text})", _ATOM
    frac = Fraction(value)
    if frac.denominator == 1:
        return str(frac.numerator), _ATOM
    den = frac.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"({frac.numerator}/{frac.denominator})", _ATOM
    places = max(twos, fives)
    scaled = frac.numerator * 10**places // frac.denominator
    whole, part = divmod(scaled, 10**places)
    return f"{whole}.{part:0{places}d}", _ATOM

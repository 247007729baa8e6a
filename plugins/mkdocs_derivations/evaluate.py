"""Turn a parsed expression into a SymPy object, at concrete sizes or with symbolic dimensions.

Two modes, because SymPy gives two different kinds of evidence:

* **concrete** (``sizes`` maps every dimension to an int): vectors and matrices become explicit
  ``Matrix`` objects with one real symbol per entry, undefined functions become ``Function`` applications
  of the entries. Everything SymPy can do with explicit matrices works, and a check is exact for that size.
* **symbolic** (``sizes is None``): vectors and matrices become ``MatrixSymbol`` of symbolic dimension, so
  an identity that SymPy proves holds for every size. Only plain matrix algebra is supported (no undefined
  functions, matrix literals or partial derivatives); anything else raises :class:`Unsupported` and the
  caller falls back to concrete sizes.

Definitions (``:=`` steps and ``where:``) are substitutions. Which of them are substituted at the top level
is the caller's choice (``expand``), because "by (13)" means "this step follows once (13) is substituted".
Inside a derivative, however, every definition except the variable itself is always substituted: that a
defined quantity depends on the variable is part of what the derivative means.

Derivatives are evaluated eagerly (``diff``, not an unevaluated ``Derivative``), so a claim about a
derivative is a claim about its value. Jacobians use numerator layout like the book: the derivative of a
scalar with respect to an n-vector is a 1×n row.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixExpr

from .declarations import Declaration, DimDecl, FunctionDecl, MatrixDecl, ScalarDecl
from .expr import DIMENSION_BUILTINS, to_source
from .expr_ast import BinOp, Call, ListExpr, Name, Neg, Node, Num, Transpose
from .printable import shorten
from .sampling import consistent, zero_or_certainly_nonzero
from .shapes import MAX_DERIVATIVE_ORDER


def _refuse_undecided_jump(name: str, arg: Any) -> None:
    """Raise unless ``arg``, an argument of a function that jumps where it is 0 (``sign``, ``atan2``), is not a
    number, is exactly 0, or is a number certainly not 0.

    Why: SymPy folds ``sign`` of a number as the expression is built, deciding its sign from a low-precision
    evaluation, and a 0 it does not recognise comes out as noise with a sign: ``sign(sinh(atan(1/2) + atan(1/3)
    - pi/4))*x`` became ``-x`` and the true step ``... = 0`` was refuted "at x = 89/33". No sample point can
    correct that afterwards: the jump is gone from the expression."""
    if not isinstance(arg, sp.Expr) or not arg.is_number or zero_or_certainly_nonzero(arg, _JUMP_DIGITS):
        return
    raise EvaluationError(f"the argument `{sp.sstr(arg)}` of {name} is a number that is 0 or too close to 0 to "
                          f"decide with {_JUMP_DIGITS} certain digits, so the side of 0 it is on (where {name} "
                          "jumps) is not known")


_JUMP_DIGITS = 15


_INVERSE_TRIG = {sp.asin: "asin", sp.acos: "acos", sp.atan: "atan"}


def _refuse_wrong_facts(value: Any) -> None:
    """Raise if ``value`` holds a part about which SymPy 1.14 holds a wrong fact that it folds expressions
    with (see the two functions below). Looked for in what SymPy built, each time a value is built or has
    definitions put in: a derivative at u := n put ``atan(n)`` into a side only by substitution, and
    ``sqrt(w)**n`` is built by SymPy as ``w**(n/2)``."""
    if not isinstance(value, sp.Basic):
        return
    for call in value.atoms(sp.asin, sp.acos, sp.atan):
        _refuse_unjustified_inverse_trig(_INVERSE_TRIG[type(call)], call.args[0], call)
    _refuse_misjudged_powers(value)


def _refuse_unjustified_inverse_trig(name: str, arg: Any, value: Any) -> None:
    """Raise if SymPy holds a fact about ``value`` = asin, acos or atan of ``arg`` that ``arg`` does not
    justify: asin and atan are 0 exactly where their argument is 0 (and have its sign on the reals), acos
    exactly where it is 1.

    Why: SymPy 1.14 applies "the inverse sine, cosine or tangent of a non-zero rational is transcendental"
    without its "non-zero": ``atan(n).is_zero`` is False for an integer n (for n/2, sign(x)/2, I*x too) and
    ``atan(k)`` positive for k ≥ 0, and the sides are folded with that as they are built, so
    ``sign(atan(n))**2 = 1`` (false at n = 0) was proved with no point ever tried (red team)."""
    if not isinstance(value, sp.Expr):
        return
    vanishes_at = arg - 1 if name == "acos" else arg
    unjustified = value.is_zero is False and vanishes_at.is_zero is not False
    if name != "acos":
        unjustified = unjustified or (value.is_positive is True and arg.is_positive is not True) \
            or (value.is_negative is True and arg.is_negative is not True)
    if unjustified:
        where = "1" if name == "acos" else "0"
        raise EvaluationError(f"{name}(`{sp.sstr(arg)}`): SymPy decides that it is non-zero (or its sign) where its "
                              f"argument leaves that open, which is false where the argument is {where}, so it would "
                              "fold the step with a wrong fact")


def _refuse_misjudged_powers(value: Any) -> None:
    """Raise if ``value`` holds a power of a negative base to an exponent that is not a number and not known
    to be an integer.

    Why: SymPy 1.14 takes ``(-1)**(n/2)`` with n integer to be imaginary (it is real for even n), and so any
    negative base (``w**(n/2)``, ``(-exp(x))**(n/2)``, ``sqrt(w)**n``, which it makes ``w**(n/2)``), so
    ``I*(-1)**(n/2)`` counts as real and ``log(exp(4*I*(-1)**(n/2)))`` folded to ``4*I*(-1)**(n/2)``, false at
    n = 0, and the step was proved as it was built (red team). The power is looked for in what SymPy built,
    not in what was written, since SymPy makes such powers itself."""
    if not isinstance(value, sp.Basic):
        return
    for power in value.atoms(sp.Pow):
        base, exponent = power.args
        # The exponent first: most are numbers, and an assumption query on the base is the costly part.
        if not exponent.is_number and exponent.is_integer is not True and base.is_extended_negative is True:
            raise EvaluationError(f"`{sp.sstr(power)}`: a negative base raised to `{sp.sstr(exponent)}`, which is not "
                                  "known to be an integer; SymPy's facts about such powers (real or imaginary) are "
                                  "not reliable, so the step could not be checked (declare the exponent `integer` "
                                  "if it is one)")


def _sign(arg: Any) -> Any:
    """``sign``, as SymPy defines it (z/|z|, and 0 at 0), written out when ``arg`` may be non-real: SymPy
    1.14 folds ``sign(w)**2`` to 1 for any non-zero w, so ``sign(exp(I*t))**2 = 1`` was proved. Written as
    z/|z| alone it had no value at 0, where a sample point was then skipped, and ``Abs(sign(z)) = 1`` (false
    at z = 0) got numeric evidence."""
    if arg.is_extended_real:
        return sp.sign(arg)
    if arg.is_zero is False:
        return arg / sp.Abs(arg)
    return sp.Piecewise((0, sp.Eq(arg, 0)), (arg / sp.Abs(arg), True))


_UNARY = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
    "Abs": sp.Abs, "sign": _sign,
}
_CONSTANTS = {"pi": sp.pi, "E": sp.E, "I": sp.I}
# Functions with poles: (its name in messages, the function of the argument that must not be 0 there, what
# that is called). tanh's are at complex arguments only (cosh z = 0 at z = iπ/2), and so are atan's (z = ±i:
# with the argument I*(sin(x)**2 + cos(x)**2), x + atan(...) - atan(...) = x was proved).
_POLES = {
    "tan": ("tangent", sp.cos, "cosine"),
    "tanh": ("hyperbolic tangent", sp.cosh, "hyperbolic cosine"),
    "atan": ("inverse tangent", lambda z: 1 + z**2, "1 + its square"),
}


class Unsupported(Exception):
    """The expression needs a construct the symbolic-dimension mode cannot represent."""


class EvaluationError(Exception):
    """A well-formed expression that SymPy cannot evaluate (e.g. a singular inverse at some size)."""


class SingularMatrix(EvaluationError):
    """An inverse of a matrix that is singular at the size being checked: at concrete sizes, often a
    matter of the sizes rather than of the step (ΦᵀΦ with fewer rows than columns), so the checker says so."""


@dataclass(frozen=True)
class MustNotVanish:
    """A part of an evaluated expression that has a value only where ``value`` is not 0: a divisor (``/``, a
    negative power, ``inv`` of a scalar), the argument of ``log``, the cosine of the argument of ``tan``, or
    the determinant of a matrix inverted at a concrete size. SymPy folds a divisor it sees is 0 into zoo,
    but not one that is 0 only by an identity (sin² + cos² - 1), and it cancels 0·z, z - z and z/z before
    anyone looks: 0·x/(sin² x + cos² x - 1) = 0 was proved, and so was 0·tan(π/2 + sin² x + cos² x - 1) = 0.
    The verifier asks of each such part whether it is 0 everywhere (``vanishing.py``)."""

    what: str  # "divides by", "takes the logarithm of", "takes the tangent of", "inverts", "computes"
    node: Node  # as the contributor wrote it
    value: Any  # its SymPy value, in the context where it was met (definitions substituted)
    definition: str | None  # the defined name whose definition it is written in, if any
    whose: str | None = None  # what of ``node`` ``value`` is, when not ``node`` itself: "cosine", "determinant"


@dataclass(frozen=True)
class Definition:
    """``name := expr``; ``node`` is evaluated in the same environment as the claim that uses it."""

    name: str
    node: Node


def _entry_name(name: str, i: int, j: int | None = None) -> str:
    """``A[1,2]`` for entry (1, 2) of a matrix, ``x[3]`` for entry 3 of a vector. The brackets keep every
    entry apart from any name a spec can declare: as ``x_1``, a declared scalar ``x_1`` was the same SymPy
    symbol as the vector's entry, and ``norm2(x) = x_1**2 + x_2**2`` was "proved" for unrelated scalars."""
    return f"{name}[{i + 1}]" if j is None else f"{name}[{i + 1},{j + 1}]"


_WEAKER: dict[str, tuple[tuple[str, bool], ...]] = {
    "positive": (("nonnegative", True), ("zero", False)),
    "negative": (("nonpositive", True), ("zero", False)),
}
"""What a declared assumption implies (as SymPy keywords): kept for a defined name whose definition provably
has it when the declared assumption itself cannot be shown (:meth:`Evaluator._defined_assumptions`)."""


def sympy_assumptions(decl: ScalarDecl) -> dict[str, bool]:
    """SymPy keywords for the declared words. SymPy's ``nonzero`` means *real* and not zero, so a declared
    `nonzero` is ``zero=False``: with `z: complex nonzero`, ``Abs(z)**2 = z**2`` was proved."""
    return {("zero" if word == "nonzero" else word): word != "nonzero"
            for word in decl.assumptions if word != "complex"}


def _entries_real(value: Any) -> bool:
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return all(getattr(e, "is_extended_real", None) is True and getattr(e, "is_finite", None) is True
               for e in entries)


def _provably_symmetric(value: Any) -> bool:
    """True if ``value`` is a square matrix equal to its transpose once each mirrored pair is expanded."""
    if not isinstance(value, sp.MatrixBase) or not value.is_square:
        return False
    size = value.rows
    return all(sp.expand(value[i, j] - value[j, i]) == 0 for i in range(size) for j in range(i + 1, size))


def _dim_symbol(dim: str | int) -> sp.Expr:
    return sp.Integer(dim) if isinstance(dim, int) else sp.Symbol(dim, integer=True, positive=True)


class Evaluator:
    """Evaluates expressions of one claim: one environment, one set of definitions, one size assignment."""

    def __init__(
        self,
        env: Mapping[str, Declaration],
        definitions: Mapping[str, Definition],
        sizes: Mapping[str, int] | None,
    ) -> None:
        self.env = env
        self.definitions = definitions
        self.sizes = sizes
        self._symbols: dict[str, Any] = {}
        # A defined name is met again in every use, every substitution and every derivative that follows
        # it; its value for one ``expand`` set never changes (errors are not kept, they are raised again).
        self._defined: dict[tuple[str, frozenset[str], frozenset[str]], Any] = {}
        # Variables of the derivatives being evaluated, outermost first: d/dx of d(x t)/dt keeps x a variable
        # inside the inner derivative too (x := sin t substituted there made it 0, not 1).
        self._enclosing: frozenset[str] = frozenset()
        self._all_defined = frozenset(definitions)
        # Both sides of a step often invert the same matrix (inv(Phi.T*Phi) in every row of a least-squares
        # chain), and at 4×4 one inverse of a product of symbol matrices costs about 6 s.
        self._inverses: dict[sp.ImmutableMatrix, sp.MatrixBase] = {}
        # What must not be 0 for the values evaluated since the list was last replaced (see MustNotVanish);
        # a definition's parts are kept with its cached value and counted again at every use of it.
        self.must_not_vanish: list[MustNotVanish] = []
        self._parts_of_defined: dict[tuple[str, frozenset[str], frozenset[str]], tuple[MustNotVanish, ...]] = {}
        self._defining: list[str] = []

    def side(self, node: Node, expand: frozenset[str]) -> tuple[Any, list[MustNotVanish]]:
        """The value of ``node`` and the parts of it that must not be 0 (:class:`MustNotVanish`)."""
        with self._parts_apart() as parts:
            return self.value(node, expand), parts

    @contextlib.contextmanager
    def _parts_apart(self) -> Iterator[list[MustNotVanish]]:
        """Collect the parts met inside the block in a list of their own (yielded), not the caller's."""
        outer = self.must_not_vanish
        self.must_not_vanish = []
        try:
            yield self.must_not_vanish
        finally:
            self.must_not_vanish = outer

    def _must_not_vanish(self, what: str, node: Node, value: Any, whose: str | None = None) -> None:
        """Record ``value`` (see :class:`MustNotVanish`); a matrix, or None (a determinant already seen to be
        non-zero), is nothing to record."""
        if not isinstance(value, sp.MatrixBase | MatrixExpr) and isinstance(value, sp.Expr):
            self.must_not_vanish.append(MustNotVanish(what, node, value, self._defining[-1] if self._defining
                                                      else None, whose))

    def _probe_definition(self, name: str) -> Any:
        """The value of ``name``'s definition as the assumption probes see it: what it must not divide by is
        not the current expression's when the name is left opaque there, so it is not recorded (it is when the
        definition is used)."""
        with self._parts_apart():
            return self.defined(name, self._all_defined - self._enclosing - {name})

    def _inverse_once(self, node: Node, m: sp.MatrixBase) -> sp.MatrixBase:
        """:func:`_inverse`, once per distinct matrix of this evaluator (a singular one raises each time); a
        determinant that only the symbolic computation found non-zero must not vanish (``node`` is the matrix
        as written), at every use."""
        key = m.as_immutable()
        if key not in self._inverses:
            self._inverses[key] = _inverse(m, node)
        inverse, det = self._inverses[key]
        self._must_not_vanish("inverts", node, det, whose="determinant")
        return inverse

    # ----- symbols -------------------------------------------------------------------------------------
    def _dim(self, dim: str | int) -> Any:
        if isinstance(dim, int):
            return dim
        if self.sizes is None:
            return _dim_symbol(dim)
        if dim not in self.sizes:
            raise EvaluationError(f"no size given for dimension {dim}")
        return self.sizes[dim]

    def symbol(self, name: str) -> Any:
        """The SymPy object standing for a declared name (not its definition)."""
        if name in self._symbols:
            return self._symbols[name]
        decl = self.env.get(name)
        value: Any
        if isinstance(decl, ScalarDecl):
            value = sp.Symbol(name, **self._defined_assumptions(name, sympy_assumptions(decl)))
        elif isinstance(decl, MatrixDecl):
            value = self._matrix_symbol(name, decl)
        elif isinstance(decl, FunctionDecl):
            value = self._apply(name, decl, self._declared_args(decl))
        elif isinstance(decl, DimDecl):
            raise EvaluationError(f"dimension {name} cannot be used as a value")
        elif name in _CONSTANTS:
            value = _CONSTANTS[name]
        else:
            raise EvaluationError(f"undeclared symbol {name}")
        self._symbols[name] = value
        return value

    def _defined_assumptions(self, name: str, declared: dict[str, bool]) -> dict[str, bool]:
        """The assumptions the symbol of ``name`` may carry. A defined name stands for its definition, so
        where it is left opaque (a step that cites other definitions) or is a derivative's variable, it
        carries a declared assumption only if its definition provably has it: with `y: positive` and
        `y := x - 5`, `sqrt(y**2) = y` was refuted with the definition substituted, proved when the step
        cited another row, and `diff(sqrt(y**2), y) = 1` was proved. An assumption that is dropped (or
        cannot be judged) only makes the symbol more general, and the check weaker, never unsound."""
        if not declared or name not in self.definitions:
            return declared
        try:
            value = self._probe_definition(name)
        except Exception:  # noqa: BLE001 - a definition that cannot be evaluated proves nothing
            value = None
        kept = {key: wanted for key, wanted in declared.items()
                if getattr(value, f"is_{key}", None) is wanted}
        # A dropped assumption leaves what it implies and the definition provably has: with `r: positive` and
        # r := sqrt(f**2 + g**2), r is 0 where f and g are, but never negative, so sqrt(r**2) = r still holds.
        for key in declared.keys() - kept.keys():
            for weaker, wanted in _WEAKER.get(key, ()):
                if weaker not in kept and getattr(value, f"is_{weaker}", None) is wanted:
                    kept[weaker] = wanted
        if getattr(value, "is_extended_real", None) is True and getattr(value, "is_finite", None) is True:
            kept.setdefault("real", True)
        return kept

    def _matrix_symbol(self, name: str, decl: MatrixDecl) -> Any:
        rows, cols = self._dim(decl.rows), self._dim(decl.cols)
        if self.sizes is None:
            if decl.symmetric:
                raise Unsupported("symmetric matrices are checked at concrete sizes")
            return sp.MatrixSymbol(name, rows, cols)
        real, symmetric = self._matrix_entries(name, decl)
        known = {"real": True} if real else {}  # not real=False: that would claim the entries are not real
        if cols == 1:
            return sp.Matrix([sp.Symbol(_entry_name(name, i), **known) for i in range(rows)])

        def entry(i: int, j: int) -> sp.Symbol:
            if symmetric and j < i:
                i, j = j, i
            return sp.Symbol(_entry_name(name, i, j), **known)

        return sp.Matrix(rows, cols, lambda i, j: entry(i, j))

    def _matrix_entries(self, name: str, decl: MatrixDecl) -> tuple[bool, bool]:
        """Whether the entries of the symbol of matrix ``name`` are real, and mirrored if it is declared
        symmetric. As for a scalar (:meth:`_defined_assumptions`), a defined matrix left opaque keeps what
        its declaration says only if its definition provably has it: with `v := I*x`, |vᵀv| = vᵀv was proved
        when the step cited another row, and with `S: matrix(n, n, symmetric)` and `S := A`, xᵀSy = yᵀSx
        was checked at sizes. Dropping a property only makes the symbol more general, never the check
        unsound."""
        if name not in self.definitions:
            return True, decl.symmetric
        try:
            value = self._probe_definition(name)
        except Exception:  # noqa: BLE001 - a definition that cannot be evaluated proves nothing
            return False, False
        return _entries_real(value), decl.symmetric and _provably_symmetric(value)

    def _declared_args(self, decl: FunctionDecl) -> list[Any]:
        return [self.symbol(arg) for arg in decl.args]

    def _apply(self, name: str, decl: FunctionDecl, args: list[Any]) -> Any:
        if self.sizes is None:
            raise Unsupported("undefined functions are checked at concrete sizes")
        flat: list[Any] = []
        for arg in args:
            flat.extend(list(arg) if isinstance(arg, sp.MatrixBase) else [arg])
        result = decl.result
        if isinstance(result, MatrixDecl):
            rows, cols = self._dim(result.rows), self._dim(result.cols)
            if cols == 1:
                return sp.Matrix([sp.Function(_entry_name(name, i))(*flat) for i in range(rows)])
            symmetric = result.symmetric  # H(x) declared symmetric: entry (j, i) is entry (i, j)
            return sp.Matrix(rows, cols, lambda i, j: sp.Function(
                _entry_name(name, *((j, i) if symmetric and j < i else (i, j))))(*flat))
        return sp.Function(name, **sympy_assumptions(result))(*flat)

    def _refuse_defined_arguments(self, name: str, expand: frozenset[str]) -> None:
        """A function written bare stands for itself applied to its declared arguments as symbols. If one of
        them (or of a bare function among them) is defined, the bare name cannot mean what the page means
        (with x := sin t, `f` built as f(x) made df/dt = 0 "proved"; built as f(sin t), a derivative by `f`
        or by x broke instead). Such a step is not checked; the message says how to write it."""
        todo, seen = [name], set()
        while todo:
            current = todo.pop()
            decl = self.env.get(current)
            if current in seen or not isinstance(decl, FunctionDecl):
                continue
            seen.add(current)
            for arg in decl.args:
                if arg in self.definitions and arg in expand:
                    raise EvaluationError(
                        f"`{name}` is declared as a function of `{arg}`, and `{arg}` is defined here; the checker "
                        f"does not substitute a definition into a bare function name: declare `{name}` as a "
                        "function of the variables it finally depends on, or differentiate by "
                        f"`{arg}` itself")
                todo.append(arg)

    # ----- definitions -----------------------------------------------------------------------------------
    def inside_derivatives(self, bound: frozenset[str]) -> frozenset[str]:
        """What a derivative's operand is evaluated with: every definition but the variables' of this and
        every enclosing derivative. A defined name left opaque there would be a constant, and a check that
        cites only some definitions proved g = 0 for g := dL/dx. (verify.py names the uncited definitions a
        derivative used.)"""
        return self._all_defined - self._enclosing - bound

    def defined(self, name: str, expand: frozenset[str]) -> Any:
        """The value of a defined name with its definition substituted (recursively, per ``expand``)."""
        # The enclosing derivatives' variables are part of the value: a derivative inside the definition keeps
        # them (a key without them let `g + diff(g, x) = s**2` be proved from a value cached at top level).
        key = (name, expand, self._enclosing)
        if key not in self._defined:
            self._defining.append(name)
            try:
                with self._parts_apart() as parts:
                    value = self.value(self.definitions[name].node, expand)
                self._parts_of_defined[key] = tuple(parts)
            finally:
                self._defining.pop()
            self._defined[key] = value
        self.must_not_vanish.extend(self._parts_of_defined[key])
        return self._defined[key]

    def substitute(self, value: Any, names_: frozenset[str], expand: frozenset[str]) -> Any:
        """Replace the symbols of the defined ``names_`` in an already evaluated value by their definitions,
        themselves evaluated with the caller's ``expand`` (so definitions inside definitions follow too)."""
        names = [n for n in names_ if n in self.definitions]
        if not names:
            return value
        mapping: dict[Any, Any] = {}
        for name in names:
            sym, val = self.symbol(name), self.defined(name, expand)
            if isinstance(sym, sp.MatrixBase):
                entries = list(val) if isinstance(val, sp.MatrixBase) else [val]  # a 1×1 value is a scalar
                mapping.update(zip(list(sym), entries, strict=True))
            else:
                mapping[sym] = val
        if isinstance(value, MatrixExpr):
            return value.xreplace(mapping)
        if isinstance(value, sp.MatrixBase):
            result = value.applyfunc(lambda e: _replace(e, mapping))
            for entry in result:
                _refuse_wrong_facts(entry)
            return result
        result = _replace(value, mapping) if hasattr(value, "xreplace") else value
        _refuse_wrong_facts(result)
        return result

    # ----- expressions -----------------------------------------------------------------------------------
    def value(self, node: Node, expand: frozenset[str]) -> Any:
        """Evaluate ``node``; defined names listed in ``expand`` are replaced by their definitions.

        An explicit 1×1 result is a scalar, whatever produced it (eᵀe, a Jacobian at size 1, ``[[a]]``), as
        in the book and as the shape checker sees it, so the two sides of a claim always compare alike.
        """
        result = self._value(node, expand)
        if isinstance(result, sp.MatrixBase) and result.shape == (1, 1):
            return result[0, 0]
        return result

    def _value(self, node: Node, expand: frozenset[str]) -> Any:
        if isinstance(node, Num):
            v = node.value
            return sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.Integer(v)
        if isinstance(node, Name):
            if node.id in expand and node.id in self.definitions:
                return self.defined(node.id, expand)
            if node.id in _CONSTANTS and node.id not in self.env:
                return _CONSTANTS[node.id]
            if isinstance(self.env.get(node.id), FunctionDecl):
                self._refuse_defined_arguments(node.id, expand)
            return self.symbol(node.id)
        if isinstance(node, Neg):
            return -self.value(node.operand, expand)
        if isinstance(node, Transpose):
            return self._transpose(self.value(node.operand, expand))
        if isinstance(node, BinOp):
            return self._binop(node, expand)
        if isinstance(node, Call):
            return self._call(node, expand)
        raise EvaluationError("a list is only allowed as an argument of Matrix, jacobian or grad")

    @staticmethod
    def _transpose(value: Any) -> Any:
        if isinstance(value, sp.MatrixBase | MatrixExpr):
            return value.T
        return value

    def _binop(self, node: BinOp, expand: frozenset[str]) -> Any:
        left, right = self.value(node.left, expand), self.value(node.right, expand)
        op = node.op
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op in ("*", "@"):
            return left * right
        if op == "/":
            self._must_not_vanish("divides by", node.right, right)
            return left / right
        if isinstance(left, sp.MatrixBase | MatrixExpr):
            if not (isinstance(right, sp.Integer) or (isinstance(right, int))):
                raise EvaluationError("a matrix can only be raised to an integer power")
            if int(right) < 0 and isinstance(left, sp.MatrixBase):
                return self._inverse_once(node.left, left) ** -int(right)
            return left ** int(right)
        if getattr(right, "is_negative", None) is True:
            self._must_not_vanish("divides by", node.left, left)
        power = sp.Pow(left, right)
        _refuse_wrong_facts(power)
        return power

    def _variables(self, node: Node) -> tuple[list[Any], frozenset[str]]:
        """The differentiation variables of ``node`` and the names they bind (kept out of expansion)."""
        items = list(node.items) if isinstance(node, ListExpr) else [node]
        out: list[Any] = []
        names: set[str] = set()
        for item in items:
            if not isinstance(item, Name):
                raise EvaluationError("differentiation variables must be declared names")
            names.add(item.id)
            value = self.symbol(item.id)
            if isinstance(value, sp.MatrixBase):
                out.extend(list(value))
            else:
                out.append(value)
        bound = frozenset(names)
        for name in bound:  # a variable `f` = f(x) with x := sin t: the operand has f(sin t), never f(x)
            self._refuse_defined_arguments(name, self.inside_derivatives(bound))
        return out, bound

    def _call(self, node: Call, expand: frozenset[str]) -> Any:
        name, args = node.func, node.args
        if name in _UNARY:
            arg = self.value(args[0], expand)
            if isinstance(arg, sp.MatrixBase | MatrixExpr):
                raise EvaluationError(f"{name} takes a scalar")
            if name == "log":
                self._must_not_vanish("takes the logarithm of", args[0], arg)
            elif name == "sign":
                _refuse_undecided_jump(name, arg)
            if name in _POLES:
                self._must_not_vanish(f"takes the {_POLES[name][0]} of", args[0], _POLES[name][1](arg),
                                      whose=_POLES[name][2])
            value = _UNARY[name](arg)
            if name in ("asin", "acos", "atan"):
                _refuse_wrong_facts(value)
            return value
        if name == "atan2":
            y, x = self.value(args[0], expand), self.value(args[1], expand)
            for part in (y, x):
                _refuse_undecided_jump(name, part)
            # atan2(0, 0) has no value; SymPy folds it to nan only when it sees both zeros (with
            # s = sin(x)**2 + cos(x)**2 - 1, x + 0*atan2(s, s) = x was proved).
            if isinstance(y, sp.Expr) and isinstance(x, sp.Expr):
                self._must_not_vanish("computes", node, y**2 + x**2, whose="sum of the squares of the arguments")
            return sp.atan2(y, x)
        if name in ("Derivative", "diff"):
            return self._derivative(node, expand)
        if name in ("jacobian", "grad"):
            return self._jacobian(node, expand)
        if name == "Matrix":
            return self._matrix_literal(node, expand)
        if name in DIMENSION_BUILTINS:
            return self._constant_matrix(node)
        if name == "transpose":
            return self._transpose(self.value(args[0], expand))
        if name == "norm2":
            v = self.value(args[0], expand)
            return v.T * v if isinstance(v, sp.MatrixBase | MatrixExpr) else v * v
        if name == "det" and self.sizes is not None:
            inverse = self._inverse_power(args[0], expand)
            if inverse is not None:
                return inverse
        if name in ("trace", "det", "inv"):
            m = self.value(args[0], expand)
            if not isinstance(m, sp.MatrixBase | MatrixExpr):  # a 1×1 product already became a scalar
                if name == "inv":
                    self._must_not_vanish("divides by", args[0], m)
                return sp.Integer(1) / m if name == "inv" else m
            if name == "trace":
                return _doit(sp.Trace(m)) if isinstance(m, MatrixExpr) else m.trace()
            if name == "det":
                return _doit(sp.Determinant(m)) if isinstance(m, MatrixExpr) else self._determinant(m)
            return m.I if isinstance(m, MatrixExpr) else self._inverse_once(args[0], m)
        decl = self.env.get(name)
        if isinstance(decl, FunctionDecl):
            return self._apply(name, decl, [self.value(a, expand) for a in args])
        raise EvaluationError(f"unknown function {name}")

    def _inverse_power(self, node: Node, expand: frozenset[str]) -> Any:
        """det(inv(M)) as 1/det(M) and det(M**-k) as det(M)**-k at a concrete size, or None for any other
        argument. The determinant of the inverse of a 3×3 matrix of symbols (rational-function entries) ran
        past the exact check's time, and det(inv(A B)) = 1/(det A det B) got numeric evidence only (red
        team 3). A singular M is refused as ``inv`` refuses it."""
        if isinstance(node, Call) and node.func == "inv":
            inner, power = node.args[0], 1
        elif isinstance(node, BinOp) and node.op == "**":
            exponent = self.value(node.right, frozenset())
            if not isinstance(exponent, sp.Integer) or exponent == 0:
                return None
            if exponent > 0:  # det(inv(A)**2), det((A**-1)**2): the power of the inverse's determinant
                base = self._inverse_power(node.left, expand)
                return None if base is None else base ** int(exponent)
            inner, power = node.left, int(-exponent)
        else:
            return None
        m = self.value(inner, expand)
        if not isinstance(m, sp.MatrixBase):
            return None
        det = self._determinant(m)  # the answer needs it anyway: computed once, for both uses
        self._must_not_vanish("inverts", inner, _refuse_singular(m, lambda: sp.expand(det), inner),
                              whose="determinant")
        return det ** -power

    def _determinant(self, m: sp.MatrixBase) -> Any:
        """Berkowitz: division-free; SymPy's default (Bareiss) took 160 s on a 4×4 product of symbols."""
        return m.det(method="berkowitz")

    def _constant_matrix(self, node: Call) -> Any:
        """``eye(n)`` and ``zeros(m, n)``: ``Identity``/``ZeroMatrix`` of the same dimension symbols as the
        declared matrices when the dimensions are symbolic, explicit matrices at concrete sizes. A 1×1 one is
        the scalar 1 or 0, as the shape checker sees it (a 1×1 ``Identity`` would not add to a scalar)."""
        dims = [self._dim(_dimension_of(arg)) for arg in node.args]
        rows, cols = (dims[0], dims[0]) if node.func == "eye" else (dims[0], dims[1])
        if rows == 1 and cols == 1:
            return sp.Integer(1 if node.func == "eye" else 0)
        if self.sizes is None:
            return sp.Identity(rows) if node.func == "eye" else sp.ZeroMatrix(rows, cols)
        return sp.eye(rows) if node.func == "eye" else sp.zeros(rows, cols)

    def _derivative(self, node: Call, expand: frozenset[str]) -> Any:
        if self.sizes is None:
            raise Unsupported("partial derivatives are checked at concrete sizes")
        variables, bound = self._variables(node.args[1])
        if len(variables) != 1:
            raise EvaluationError("Derivative/diff take one scalar variable; use jacobian for vectors")
        order = 1
        if len(node.args) == 3:
            order_value = self.value(node.args[2], frozenset())
            if not (isinstance(order_value, sp.Integer) and 1 <= int(order_value) <= MAX_DERIVATIVE_ORDER):
                raise EvaluationError(f"the order of a derivative must be an integer from 1 to {MAX_DERIVATIVE_ORDER}")
            order = int(order_value)
        inner = self._operand(node.args[0], bound, expand)
        var = variables[0]
        if isinstance(inner, sp.MatrixBase):
            result = inner.applyfunc(lambda e: sp.diff(e, var, order))
        else:
            result = sp.diff(inner, var, order)
        return self._derived(node, inner, result, variables, expand & bound, expand)

    def _derived(self, node: Call, inner: Any, result: Any, variables: list[Any], names_: frozenset[str],
                 expand: frozenset[str]) -> Any:
        """The derivative ``result`` of ``inner`` by ``variables``, with the definitions of ``names_`` put in,
        and what it needs to exist recorded.

        SymPy folds ``log(0)``, ``1/0`` and ``tan(pi/2)`` into zoo as it builds the operand, and the
        derivative of zoo is 0: ``diff(log(t - t), t) = 0`` was proved, and so was ``diff(L, x) = 0`` in an
        example that puts ``s = 0`` into ``L := x**2 + log(s)`` (red team). A derivative of an undefined
        operand is undefined (nan, refused like any undefined side).

        SymPy also differentiates ``Abs(u)`` to ``sign(u)``, which is 0 at ``u = 0``, where ``|u|`` has no
        derivative: with ``u := 0``, ``diff(Abs(u) + u**2, u) = 0`` was proved. The argument of every ``Abs``
        and ``sign`` that depends on a variable, and for ``atan2(y, x)`` a value that is 0 exactly on its cut
        (``y = 0``, ``x <= 0``), are recorded as parts that must not vanish, definitions put in: one that is 0
        everywhere leaves the side with no value (``vanishing.py``), one that is 0 at some points only does
        not, as for a divisor."""
        if undefined(inner):
            return result.applyfunc(lambda _: sp.nan) if isinstance(result, sp.MatrixBase) else sp.nan
        wrt = set(variables)
        entries = [e for e in (inner if isinstance(inner, sp.MatrixBase) else [inner]) if isinstance(e, sp.Basic)]
        for entry in entries:
            for kink in entry.atoms(sp.Abs, sp.sign, sp.atan2):
                if not kink.free_symbols & wrt:
                    continue
                if isinstance(kink, sp.atan2):
                    y, x = kink.args
                    part, whose = y**2 + (x + sp.Abs(x))**2, "distance from the cut of atan2 (y = 0, x <= 0)"
                else:
                    part, whose = kink.args[0], f"argument of {type(kink).__name__}"
                self._must_not_vanish("differentiates", node.args[0], self.substitute(part, names_, expand),
                                      whose=whose)
        self._refuse_change_of_variables(entries, variables, names_, expand)
        _refuse_other_applications(entries, variables)
        return self.substitute(result, names_, expand)

    def _refuse_change_of_variables(self, entries: list[Any], variables: list[Any], names_: frozenset[str],
                                    expand: frozenset[str]) -> None:
        """Refuse a derivative by a defined variable of something written without it, in the variables it is
        defined from: with ``x := r*cos(theta)`` and ``f := r**3*cos(theta)**2*sin(theta)`` (x²y in polar
        form), ``diff(f, x)`` held r and θ fixed and was 0, so "∂f/∂x = 0" was proved and the true
        ∂f/∂x = 2xy refuted (a contributor's trial). Holding fixed what the variable is made of is no
        derivative a reader means; which one is meant (∂/∂x with y fixed, after a change of variables) depends
        on the other new variables, which the expression does not name. Something written in the variable
        itself (``x**2*y``), or by an undefined variable, is differentiated as before."""
        for var in variables:
            value = self.substitute(var, names_, expand)
            defining: set[Any] = getattr(value, "free_symbols", set()) - {var}
            if value == var or not defining:
                continue  # no definition, or one of constants (an example's point)
            for entry in entries:
                written = entry.free_symbols & defining
                if var not in entry.free_symbols and written:
                    names = ", ".join(f"`{s}`" for s in sorted(map(str, written)))
                    raise EvaluationError(
                        f"it differentiates by `{var}`, defined as `{value}`, something written without `{var}` "
                        f"but in {names}, which `{var}` is made of: a derivative that holds {names} fixed while "
                        f"`{var}` changes is 0 only by how it is written, not the derivative after a change of "
                        f"variables; write it in terms of `{var}` (and the other new variables), or "
                        f"differentiate by {names}")

    def _operand(self, node: Node, bound: frozenset[str], expand: frozenset[str]) -> Any:
        """What a derivative by the names ``bound`` differentiates (see :meth:`inside_derivatives`).

        Its parts that must not be 0 are recorded as met (with the variables free) and again at the point the
        variables are defined to be, if any: the derivative is taken there. Recorded only with the variables
        free, ``cos(u)`` (tan's) and ``u`` (log's) were not 0 everywhere, and with ``u := pi/2`` the step
        ``diff(atan(tan(u)), u) = 1`` was proved, though atan(tan u) jumps there (red team)."""
        inner_expand = self.inside_derivatives(bound)
        enclosing = self._enclosing
        self._enclosing = enclosing | bound
        try:
            with self._parts_apart() as parts:
                inner = self.value(node, inner_expand)
        finally:
            self._enclosing = enclosing
        for part in parts:
            self.must_not_vanish.append(part)
            at_point = self.substitute(part.value, expand & bound, expand)
            if at_point is not part.value:
                self.must_not_vanish.append(dataclasses.replace(part, value=at_point))
        return inner

    def _jacobian(self, node: Call, expand: frozenset[str]) -> Any:
        variables, bound = self._variables(node.args[1])
        target = node.args[0]
        if isinstance(target, ListExpr):
            if self.sizes is None:
                raise Unsupported("lists are checked at concrete sizes")
            inner = sp.Matrix([self._operand(item, bound, expand) for item in target.items])
        else:
            inner = self._operand(target, bound, expand)
        if self.sizes is None:
            var = self.symbol(_single_name(node.args[1]))
            if not isinstance(inner, MatrixExpr) or not isinstance(var, MatrixExpr):
                raise Unsupported("this derivative is checked at concrete sizes")
            # SymPy differentiates by a MatrixSymbol in denominator layout; the book uses numerator layout.
            derivative = inner.diff(var)
            if not isinstance(derivative, MatrixExpr):
                raise Unsupported("this derivative is checked at concrete sizes")
            return self.substitute(derivative.T, expand & bound, expand)
        if not isinstance(inner, sp.MatrixBase):
            inner = sp.Matrix([inner])
        return self._derived(node, inner, inner.jacobian(variables), variables, expand & bound, expand)

    def _matrix_literal(self, node: Call, expand: frozenset[str]) -> Any:
        if self.sizes is None:
            raise Unsupported("matrix literals are checked at concrete sizes")
        arg = node.args[0]
        if not isinstance(arg, ListExpr):
            raise EvaluationError("Matrix takes a list of rows")
        if arg.items and all(isinstance(item, ListExpr) for item in arg.items):
            rows = [[self.value(x, expand) for x in row.items] for row in arg.items if isinstance(row, ListExpr)]
            return sp.Matrix(rows)
        return sp.Matrix([self.value(x, expand) for x in arg.items])


def _doit(expr: Any) -> Any:
    """``doit`` until nothing changes (at most three times): Determinant(inv(A B)) becomes
    Determinant(A⁻¹)·Determinant(B⁻¹) at the first, 1/(det A det B) only at the second."""
    for _ in range(3):
        done = expr.doit()
        if done == expr:
            break
        expr = done
    return expr


def _refuse_other_applications(entries: list[Any], variables: list[Any]) -> None:
    """Refuse a derivative by a function whose operand holds that function at other arguments. A function's
    name as a variable means the function at its declared arguments (`u` is u(t)); u(|t|) is another
    quantity to SymPy, so its derivative by u was 0, but it is u(t) itself wherever t > 0: both
    diff(u(Abs(t)), u) = 0 and diff(u(t*(sin(t)**2 + cos(t)**2)), u) = 0 were proved (red team)."""
    for variable in variables:
        if not isinstance(variable, AppliedUndef):
            continue
        for entry in entries:
            other = next((a for a in entry.atoms(AppliedUndef) if a.func == variable.func and a != variable), None)
            if other is not None:
                raise EvaluationError(
                    f"this derivative is by `{variable}`, and what it differentiates also has `{other}`, the same "
                    "function at other arguments, which is neither that variable nor a constant; give it a name of "
                    "its own, or differentiate by the arguments")


def undefined(value: Any) -> bool:
    """Whether SymPy folded part of ``value`` into something that is not a number: nan, zoo, an infinity, or
    the interval ``AccumBounds`` (``atan(1/0)`` becomes AccumBounds(-pi/2, pi/2), with no zoo left to see,
    and ``x + atan(1/(x - x)) = atan(1/(x - x)) + x`` was proved)."""
    has = getattr(value, "has", None)
    return bool(has is not None and has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.AccumBounds))


def _inverse(m: sp.MatrixBase, node: Node) -> tuple[sp.MatrixBase, Any]:
    """``inv(M)`` and ``M**-k`` at a concrete size, with the determinant :func:`_refuse_singular` computed
    (or None): a singular matrix is the step's problem, said as such (SymPy's own ValueError was reported as
    an internal error, and is still what SymPy raises for a determinant that is 0 only by an identity)."""
    det = _refuse_singular(m, m.det, node)
    try:
        return m.inv(), det
    except ValueError:
        raise _singular(m, node) from None


def _refuse_singular(m: sp.MatrixBase, det: Callable[[], Any], node: Node) -> Any:
    """Raise unless ``m`` is square and invertible: a non-zero determinant at a rational point
    (:func:`_invertible_at_a_point`) settles it (None is returned), else ``det()`` (the slow symbolic
    determinant) must not be 0, and is returned: it may still be 0 by an identity SymPy does not apply, so
    the caller records it as a part that must not vanish."""
    if not m.is_square:
        raise EvaluationError(f"only a square matrix can be inverted; this one is {m.rows}×{m.cols}")
    if _invertible_at_a_point(m):
        return None
    value = det()
    if value == 0:
        raise _singular(m, node)
    return value


def _singular(m: sp.MatrixBase, node: Node) -> SingularMatrix:
    """Named as written: a step with three inverses said only "the matrix is singular" (a docs-only trial)."""
    return SingularMatrix(f"the matrix `{shorten(to_source(node), 80)}` is singular at this size ({m.rows}×{m.cols})")


def _probe_value(symbol: sp.Symbol, magnitude: sp.Rational) -> sp.Rational | None:
    """``magnitude`` as a value ``symbol``'s declaration allows (negated for a negative one, rounded up for
    an integer one), or ``None``: a determinant that is non-zero only where the declaration cannot be
    (``sin(pi*n)`` for an integer ``n``) must not make a singular matrix look invertible."""
    value = -magnitude if symbol.is_nonpositive else magnitude
    if symbol.is_integer:
        value = sp.Integer(sp.ceiling(value))
    return value if consistent(symbol, value) else None


_PROBES = 3
"""Rational points at which :func:`_invertible_at_a_point` tries the determinant."""


def _invertible_at_a_point(m: sp.MatrixBase) -> bool:
    """Whether ``m``'s determinant is non-zero at some rational point, which proves it is not identically
    zero, so ``m`` is invertible as a matrix of functions. Only a matrix whose entries all become rationals
    at the point counts (no undefined function or irrational value left).

    Why: the symbolic determinant is the slow part of inverting at a concrete size. Of ``inv(inv(B))`` at
    4×4 it ran for more than five minutes (the inverse, 4 s, is a matrix of rational functions), and the
    step ended at the time limit. A determinant of rationals takes microseconds. When it is 0 at every
    probe, or no probe gives rationals, the exact determinant decides as before."""
    symbols = sorted(m.free_symbols, key=sp.default_sort_key)
    for k in range(_PROBES):
        point = {s: _probe_value(s, sp.Rational(7 + 11 * k + 3 * i, 5 + 4 * i + k)) for i, s in enumerate(symbols)}
        if None in point.values():
            return False  # a declaration no probe value meets: the exact determinant decides
        at = m.xreplace(point)
        if all(isinstance(entry, sp.Rational) for entry in at) and at.det() != 0:
            return True
    return False


def _replace(value: Any, mapping: dict[Any, Any]) -> Any:
    """``value`` with the symbols of ``mapping`` replaced. A derivative of an undefined function by a
    replaced symbol (f'(x) with x := sin t) has no such replacement: SymPy refuses to differentiate by sin t,
    and its ``subs`` turns a partial derivative into a total one (∂f/∂t = df/dt was proved), so the step is
    not checked."""
    try:
        return value.xreplace(mapping)
    except ValueError as err:
        # Also reached by a derivative SymPy leaves unevaluated for another reason (of |vᵀv| by a defined v).
        said = " ".join(str(err).split())  # SymPy's text starts with a line break
        raise EvaluationError(f"a derivative that SymPy leaves unevaluated (of an undefined function, or of "
                              f"Abs or sign of a non-real argument) by a variable that has a definition here "
                              f"cannot be evaluated at that definition ({said}); differentiate by a variable "
                              "without one (for f(x) with x := sin(t): by t, or leave x undefined)") from None


def _dimension_of(node: Node) -> str | int:
    """A dimension argument as the parser allows it: a name or a whole-number literal."""
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Num) and isinstance(node.value, int):
        return node.value
    raise EvaluationError("eye() and zeros() take dimensions: names or positive integers")


def _single_name(node: Node) -> str:
    if isinstance(node, Name):
        return node.id
    raise Unsupported("lists of variables are checked at concrete sizes")

"""Exact evaluation at rational points: what a check at a concrete size falls back on when its symbolic
work runs out of time.

Why: at a concrete size every entry of a matrix is a symbol, and a step full of inverses (the Woodbury
identity at n = 3, k = 2) makes SymPy invert matrices of rational functions. That ran past the 10 s limit,
so the true step and its false twin both ended as "could not be checked". The same sides with every entry a
rational number are a few inverses of rational matrices: about 3 ms a point. Exact arithmetic makes the two
possible outcomes unequal in strength:

* a point where both sides are defined and differ **refutes** the step at that size, with no rounding: a
  difference of rational functions that is not 0 at one point is not the zero function (an irrational
  algebraic difference, |z| − √(z²) at a complex z, refutes only when 30 of its digits are certain);
* agreement at every point is **evidence** only (a non-zero rational function vanishes on a thin set, but
  the points are seeded, so a step could be built to vanish at them): the verdict is numeric, never proved.

The variables of derivatives stay symbols until the end (a number's derivative is 0). A point is skipped
where some part of a side has no value (a singular matrix, a division by 0, even one SymPy folds away) or
where the difference is neither a (Gaussian) rational number nor certainly non-zero (``sin(3/7)``). Half
the points spread their values over 10**-8 to 10**12, and at a third a symbol not declared real is complex.
A step with an undefined function is evaluated this way too: each value of a function or of one of its
derivatives at the point gets a value of its own (:func:`_with_stand_ins`). Where that cannot be done soundly (a
function of an argument that is not rational at the point, ``f(sin(3/7))``), no other point could either,
so the first such point ends the search (:class:`_FunctionLeft`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from . import sampling
from .declarations import Declaration, FunctionDecl, MatrixDecl, ScalarDecl
from .evaluate import Definition, EvaluationError, Evaluator, sympy_assumptions, undefined
from .expr import DERIVATIVE_BUILTINS
from .expr_ast import BinOp, Call, Node, names, walk
from .identity import Outcome, budgeted

METHOD = "exact evaluation at rational points"
"""The method of a numeric verdict from this fallback (a refutation names its single point)."""
REFUTING_METHOD = "exact evaluation at a rational point"

POINTS = 8
"""Agreeing points that make the evidence; at least :data:`FEWEST` must agree before time runs out."""
FEWEST = 3
TRIES = 24
"""Points tried at most (a point where a matrix is singular or a side is not rational is skipped)."""
ZERO_EVERY = 4
"""Every this many points, an integer symbol that may be 0 is 0 (the others draw from 1 to 12 in size)."""
POINT_BUDGET_S = 0.5
"""CPU seconds for one point (a few milliseconds is usual; a power of a wide value can take hours)."""

def derivative_variables(nodes: Iterable[Node]) -> frozenset[str]:
    """The names some derivative in ``nodes`` differentiates by: their symbols stay symbols."""
    found: set[str] = set()
    for node in nodes:
        for sub in walk(node):
            if isinstance(sub, Call) and sub.func in DERIVATIVE_BUILTINS and len(sub.args) > 1:
                found |= names(sub.args[1])
    return frozenset(found)


class _Undefined(Exception):
    """A part of a side has no value at this point (a division by 0, log(0)): the point is skipped."""


class _FunctionLeft(Exception):
    """An undefined function is left in a side at the point with no value of its own (``f(sin(3/7))``, or a
    derivative of one that is not by whole arguments): it would be left at every point, so none decides."""


@dataclass
class _Shared:
    """What the points of one size share: a symbolic evaluator, and the assumptions it gave defined names."""

    exact: Evaluator
    assumptions: dict[str, dict[str, bool] | None] = field(default_factory=dict)
    # a defined matrix's entries: real, symmetric (None: judging them took too long)
    entries: dict[str, tuple[bool, bool] | None] = field(default_factory=dict)


class _AtPoint(Evaluator):
    """An evaluator whose symbols are numbers: each symbol gets its value the first time it is met, seeded
    by the point's key and its name, so the same point gives the same values whatever the order.

    Every part of a side must have a value at the point, not only the whole: SymPy turns an undefined part
    into a number without a trace (the derivative of zoo is 0, a zero matrix divided by 0 stays zero), and
    the red team got true steps refuted that way (``diff(t**(j+1)/(j+1), t)*A = t**j*A`` at j = -1)."""

    def __init__(self, env: Mapping[str, Declaration], definitions: Mapping[str, Definition],
                 sizes: Mapping[str, int], index: int, kept: frozenset[str], shared: _Shared) -> None:
        super().__init__(env, definitions, sizes)
        self.index = index
        self.kept = kept
        self.shared = shared
        self.values: dict[sp.Basic, sp.Expr] = {}
        self.used: set[sp.Basic] = set()  # symbols whose values went into the sides (the counterexample)

    def symbol(self, name: str) -> Any:
        value = super().symbol(name)
        free = sorted(getattr(value, "free_symbols", ()), key=str)
        for symbol in free:
            self.draw(symbol)
        if not free or name in self.kept:
            return value
        given = {symbol: self.values[symbol] for symbol in free if symbol not in self._kept_symbols}
        self.used.update(given)
        return value.xreplace(given)

    def draw(self, symbol: sp.Symbol) -> None:
        """Give ``symbol`` its value at this point, once: a declared name's symbol, or a function value's
        stand-in (:func:`_stand_in`). Half the points spread over 10**-8 .. 10**12 (|x - 5| = 5 - x held at
        every generic point), a third give symbols not declared real complex values, and every fourth gives an
        integer that may be 0 the value 0: seeded values are never 0, and sign(m)**2*A + W = A + W' (false at
        m = 0 only) agreed at every point (red team)."""
        if symbol in self.values:
            return
        if symbol.is_integer and symbol.is_zero is not False and self.index % ZERO_EVERY == ZERO_EVERY - 1:
            self.values[symbol] = sp.S.Zero
            return
        self.values[symbol] = sampling.seeded_value(symbol, f"point {self.index}", wide=self.index % 2 == 1,
                                                    complex_phase=self.index % 3 == 2)

    @functools.cached_property
    def _kept_symbols(self) -> frozenset[sp.Basic]:
        """The symbols of the derivatives' variables, which stay symbols inside other names' values too: a
        function g declared of t is g(t), and with t given its number there, d/dt g(t) A was 0, and
        diff(g*A, t) = 2*A*diff(g, t) agreed at every point. A derivative by a function w declared of m keeps
        m: with m given its number, the variable was w(11), and w(a) at a = 11 became it (∂w(a)/∂w = 0 was
        refuted at n = 4, red team)."""
        found: set[sp.Basic] = set()
        for name in self.kept:  # the exact route's symbols, the same as this evaluator's (and no recursion)
            if isinstance(self.env.get(name), ScalarDecl | MatrixDecl | FunctionDecl):
                found |= getattr(self.shared.exact.symbol(name), "free_symbols", set())
        return frozenset(found)

    def _defined_assumptions(self, name: str, declared: dict[str, bool]) -> dict[str, bool]:
        """Exactly the exact route's (its symbolic evaluator at the same sizes judges the definition, once for
        all points), so that the symbol is the exact route's and its values are in the exact route's domain.
        Judged at the point instead, they held at that point only: with `y: positive`, y := t + 1 and
        t = -1, y = 0 made y `nonnegative`, sqrt(y**2) differentiated to 1 and sign(0) = 0 refuted a true
        step; and where the definition had no value at the point they were all dropped, and a `positive`
        name left opaque got a negative value (both found by the red team).

        If judging the definition takes too long: the declared ones for a name given a value at random
        (values meeting all of them meet the exact route's), none for a derivative's variable (a more
        general symbol differentiates correctly everywhere)."""
        if name not in self.definitions or not declared:
            return declared
        if name not in self.shared.assumptions:
            run = budgeted(functools.partial(self.shared.exact._defined_assumptions, name, declared),
                           POINT_BUDGET_S, catch=False)
            self.shared.assumptions[name] = run.value if run.ok else None
        found = self.shared.assumptions[name]
        if found is None:
            return {} if name in self.kept else declared
        return found

    def _matrix_entries(self, name: str, decl: MatrixDecl) -> tuple[bool, bool]:
        """The exact route's, for the reason given at :meth:`_defined_assumptions`. If judging the definition
        takes too long: for a name given a value at random, what its declaration says (real entries, mirrored
        if declared symmetric: such a matrix is one the exact route's symbol can also be, so a point that
        differs is still a counterexample); for a derivative's variable, complex entries, not mirrored (the
        most general matrix, differentiated correctly everywhere). The most general matrix for every name made
        a step citing another row fail at the larger sizes the verifier tries (an opaque symmetric
        S := inv(A + Aᵀ), whose symmetry takes seconds to judge at 5×5, got mirror-less entries), and it was
        told it "also uses the definition of S", which the exact check at its sizes had not needed."""
        if name not in self.definitions:
            return super()._matrix_entries(name, decl)
        if name not in self.shared.entries:
            run = budgeted(functools.partial(self.shared.exact._matrix_entries, name, decl), POINT_BUDGET_S,
                           catch=False)
            self.shared.entries[name] = run.value if run.ok else None
        found = self.shared.entries[name]
        if found is None:
            return (False, False) if name in self.kept else (True, decl.symmetric)
        return found

    def _determinant(self, m: sp.MatrixBase) -> Any:
        """In exact polynomial arithmetic where the entries are (Gaussian) rationals and polynomials in the
        derivatives' variables: Berkowitz leaves an unexpanded tree that the derivative then walks. The
        second derivative in t of det(A + tB) took 0.5 s a point at 4×4, so the search for a counterexample
        at a larger size gave up, and a term that cancels (that derivative minus itself) turned a trace
        formula false from n = 4 on into "checked at sizes n = 2, 3" (red team). Here: 10 ms."""
        dm = m.to_DM()
        ring = dm.domain
        ground = ring.domain if ring.is_PolynomialRing else ring
        if (ground.is_QQ or ground.is_ZZ or ground.is_GaussianField or ground.is_GaussianRing) and (
                not ring.is_PolynomialRing or all(isinstance(s, sp.Symbol) for s in ring.symbols)):
            return ring.to_sympy(dm.det())
        return super()._determinant(m)

    def _value(self, node: Node, expand: frozenset[str]) -> Any:
        result = super()._value(node, expand)
        if undefined(result):
            raise _Undefined
        return result

    def _binop(self, node: BinOp, expand: frozenset[str]) -> Any:
        if node.op != "/":
            return super()._binop(node, expand)
        right = self.value(node.right, expand)
        if getattr(right, "is_zero", None) is True or (isinstance(right, sp.MatrixBase) and right.is_zero_matrix):
            raise _Undefined
        return self.value(node.left, expand) / right


RAN_OUT = "the exact symbolic check at this size ran out of time"
"""Why a size is decided at rational points, in the usual case (``decide``'s ``why``)."""


def decide(env: Mapping[str, Declaration], definitions: Mapping[str, Definition], sizes: Mapping[str, int],
           sides: tuple[Node, Node], expand: frozenset[str], *, deadline: float, enough: int = POINTS,
           why: str = RAN_OUT, point_budget: float = POINT_BUDGET_S) -> Outcome | None:
    """Evaluate both sides at up to :data:`TRIES` rational points until one refutes, ``enough`` agree or
    the CPU clock (``time.process_time``) passes ``deadline``; ``None`` when too few points were conclusive
    (fewer than :data:`FEWEST`, or than ``enough`` if that is smaller). ``why`` says in a refutation's detail
    why this size was decided this way, and ``point_budget`` bounds each point: the verifier also uses the
    points to look for a counterexample at sizes beyond the checked ones, where a few quick points are
    enough."""
    kept = derivative_variables([*sides, *(d.node for d in definitions.values())])
    shared = _Shared(Evaluator(env, definitions, sizes))
    agreed = 0
    for index in range(TRIES):
        if agreed >= enough or time.process_time() > deadline:
            break
        evaluator = _AtPoint(env, definitions, sizes, index, kept, shared)
        try:
            run = budgeted(functools.partial(_sides_at, evaluator, sides, expand), point_budget, catch=False)
        except _FunctionLeft:
            return None
        if not run.ok or run.value is None:
            continue  # no value here, or one too slow to compute (10**12 as an exponent)
        values, left, right = run.value
        if len(left) != len(right):
            return None  # the exact route says why; nothing to add here
        gaps = [_gaussian(a - b) for a, b in zip(left, right, strict=True)]
        wrong = next((i for i, gap in enumerate(gaps) if gap is not None and gap != (0, 0)), None)
        digits = False
        if wrong is None:  # an entry that is not a (Gaussian) rational may still differ beyond doubt
            wrong = next((i for i, gap in enumerate(gaps) if gap is None and _certainly_nonzero(left[i], right[i])),
                         None)
            digits = wrong is not None
        if wrong is not None:
            point = {s: v for s, v in evaluator.values.items() if s in evaluator.used}
            return _refutation(values, left[wrong], right[wrong], wrong, point, digits=digits, why=why)
        if any(gap is None and _function_in(a - b) for gap, a, b in zip(gaps, left, right, strict=True)):
            return None  # see _FunctionLeft
        if any(gap is None for gap in gaps):
            continue  # some entry is not a (Gaussian) rational and not certainly different: cannot tell
        agreed += 1
    if agreed < min(FEWEST, enough):
        return None
    return Outcome("numeric", METHOD, points=agreed,
                   detail=f"the exact symbolic check at this size ran out of time; the sides agree exactly "
                          f"(rational arithmetic, no rounding) at {agreed} random rational points: evidence, "
                          "not proof")


def _sides_at(evaluator: _AtPoint, sides: tuple[Node, Node], expand: frozenset[str]
              ) -> tuple[list[Any], list[Any], list[Any]] | None:
    """Both sides at the evaluator's point, and their entries with every symbol given its value; None where
    some part has no value (singular, 0/0, a derivative that cannot be evaluated at the point)."""
    try:
        values = [evaluator.value(side, expand) for side in sides]
        left, right = (_entries(_at(v, evaluator)) for v in values)
    except (_Undefined, EvaluationError, sampling.Unsampleable, ZeroDivisionError, ValueError):
        return None
    return values, left, right


def _at(value: Any, evaluator: _AtPoint) -> Any:
    """``value`` with the derivatives' variables, symbols until now, given their values too, and every value
    of an undefined function or of its derivatives given one of its own (:func:`_with_stand_ins`)."""
    if isinstance(value, sp.MatrixBase) and value.has(AppliedUndef):
        value = value.applyfunc(lambda entry: _with_stand_ins(entry, evaluator))
    elif isinstance(value, sp.Basic) and value.has(AppliedUndef):
        value = _with_stand_ins(value, evaluator)
    free: set[sp.Basic] = getattr(value, "free_symbols", set())
    evaluator.used.update(free)
    try:
        result = value.xreplace(evaluator.values) if free else value
    except ValueError as err:  # an unevaluated derivative (of a function) by a variable given a number
        raise _FunctionLeft from err
    if undefined(result):
        raise _Undefined
    return result


def _with_stand_ins(expr: sp.Basic, evaluator: _AtPoint) -> sp.Basic:
    """``expr`` with a symbol, with a seeded value of its own, for each value of an undefined function and of
    each of its partial derivatives, at the point: ``f(t)``, ``Derivative(f(t), t)`` and SymPy's
    ``Subs(Derivative(f(u), u), u, t**2)`` (the chain rule's f′(t²)) become ``f(3/7)``, ``f^(1)(3/7)`` and
    ``f^(1)(9/49)``. Inner ones first: f(x(t)) is f at the value given to x(3/7).

    Why this is sound: the claim holds for every function its declaration allows, and the values of a function
    and of its derivatives at finitely many distinct arguments can be chosen independently (a smooth function
    through them exists), so a point that then differs is a counterexample. The values follow the declared
    result, as the exact check's function does (`-> positive`), and a derivative of an integer-valued function
    is 0. The same value and derivative at the same argument is one symbol; so that "the same" is decided
    exactly, every argument must be a (Gaussian) rational number at the point, and a derivative must be by
    whole arguments (d/dt f(t, t) is two partial derivatives). Anything else is left as it is: a function of
    sin(3/7) that cancels between the sides does not stop the point deciding, and one that does not cancels
    ends the search (:class:`_FunctionLeft`). Without this, a function left on both sides (E4·A + f′(t)A =
    f′(t)A, false from n = 4 on) stopped the search for a larger size (red team)."""
    if not expr.has(AppliedUndef):
        return expr
    if isinstance(expr, sp.Subs | sp.Derivative | AppliedUndef):
        stand_in = _stand_in(expr, evaluator)
        return expr if stand_in is None else stand_in
    return expr.func(*(_with_stand_ins(arg, evaluator) for arg in expr.args))


def _stand_in(node: sp.Basic, evaluator: _AtPoint) -> sp.Basic | None:
    point: dict[sp.Basic, Any] = {}
    inner = node
    if isinstance(inner, sp.Subs):
        point = dict(zip(inner.variables, inner.point, strict=True))
        inner = inner.expr
    counts: dict[sp.Basic, int] = {}
    if isinstance(inner, sp.Derivative):
        counts = {variable: int(count) for variable, count in inner.variable_count}
        inner = inner.expr
    if not isinstance(inner, AppliedUndef):
        return None
    orders = []
    for index, arg in enumerate(inner.args):
        if arg in counts:  # a derivative by this argument slot, which it must fill alone
            if any(arg in other.free_symbols for i, other in enumerate(inner.args) if i != index):
                return None
            orders.append(counts.pop(arg))
        else:
            orders.append(0)
    if counts:
        return None
    at = []
    for arg in inner.args:
        try:
            number = _with_stand_ins(arg.xreplace(point), evaluator).xreplace(evaluator.values)
        except ValueError:  # a derivative left in the argument, by a variable that has its number
            return None
        if _gaussian(number) is None:
            return None
        at.append(number)
    decl = evaluator.env.get(str(inner.func))
    result = decl.result if isinstance(decl, FunctionDecl) else None
    declared = sympy_assumptions(result) if isinstance(result, ScalarDecl) else {}
    if any(orders) and declared.get("integer"):
        return sp.S.Zero  # a function with whole values only is constant near every point
    shown = ", ".join(map(str, at))
    name = f"{inner.func}({shown})" if not any(orders) else f"{inner.func}^({', '.join(map(str, orders))})({shown})"
    assumptions = declared
    if any(orders):  # a real function of real arguments has real derivatives; at complex ones, nothing is known
        real = sp.Symbol("value", **declared).is_real and all(n.is_real for n in at)
        assumptions = {"real": True} if real else {}
    symbol = sp.Symbol(name, **assumptions)
    evaluator.draw(symbol)
    return symbol


def _function_in(value: Any) -> bool:
    return isinstance(value, sp.Basic) and value.has(AppliedUndef)


def _gaussian(value: Any) -> tuple[sp.Rational, sp.Rational] | None:
    """``value`` as (real part, imaginary part) if both are rational numbers, else None."""
    if isinstance(value, sp.Rational):
        return value, sp.S.Zero
    if not isinstance(value, sp.Expr) or value.free_symbols:
        return None
    real, imaginary = value.as_real_imag()
    if isinstance(real, sp.Rational) and isinstance(imaginary, sp.Rational):
        return real, imaginary
    return None


def _entries(value: Any) -> list[Any]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _certainly_nonzero(left: Any, right: Any) -> bool:
    """True if ``left - right``, an algebraic number that is not a (Gaussian) rational (``sqrt(2) - 1``,
    ``|1 + 2i| - 3``), is not 0 beyond doubt: SymPy evaluates it to :data:`DIGITS` correct significant
    digits (``strict``: it raises rather than return fewer, which is what a hidden 0 such as
    ``sqrt(3 + 2 sqrt(2)) - 1 - sqrt(2)`` gives) and they are not all 0. Without this, |z| = sqrt(z²) agreed
    at every point where it could be decided: at the complex points, where it is false, neither side was
    rational.

    Only algebraic numbers (roots, absolute values, real and imaginary parts of rationals): a hidden 0 among
    exponentials of the wide values (``exp(288190)`` terms that cancel) made SymPy raise its working
    precision without end, 20 GB in one test before this restriction."""
    gap = left - right
    if not _algebraic(gap):
        return False
    run = budgeted(functools.partial(sampling.certainly_nonzero, gap, DIGITS, maxn=MAX_WORKING_DIGITS),
                   POINT_BUDGET_S, catch=False)
    return bool(run.ok and run.value)


# Not sign: strict evaluation does not follow the digits through a jump, so the sign of a hidden 0 came out
# as a certain ±1 (red team).
_ALGEBRAIC = (sp.Add, sp.Mul, sp.Abs, sp.re, sp.im, sp.conjugate)


def _algebraic(value: Any) -> bool:
    """Whether ``value`` is built from rationals and ``i`` by arithmetic, rational powers, ``Abs``, ``re``,
    ``im`` and ``conjugate`` only."""
    if not isinstance(value, sp.Expr) or value.free_symbols:
        return False
    for node in sp.preorder_traversal(value):
        if isinstance(node, (sp.Rational, sp.core.numbers.ImaginaryUnit, *_ALGEBRAIC)):
            continue
        if isinstance(node, sp.Pow) and isinstance(node.exp, sp.Rational):
            continue
        return False
    return True


DIGITS = 30
MAX_WORKING_DIGITS = 300


def _refutation(values: list[Any], left: sp.Expr, right: sp.Expr, flat: int,
                point: dict[sp.Basic, sp.Expr], *, digits: bool = False, why: str = RAN_OUT) -> Outcome:
    example = sampling.describe_point(point)
    example["lhs"], example["rhs"] = _shown(left), _shown(right)
    where = ""
    if isinstance(values[0], sp.MatrixBase):
        row, col = divmod(flat, values[0].cols)
        example["entry"] = f"({row + 1}, {col + 1})"
        where = f"entry {example['entry']} "
    how = (f"their difference, not a rational number there, evaluated to {DIGITS} correct significant digits"
           if digits else "in exact arithmetic")
    detail = (f"{where}differs at the rational point of the counterexample, where both sides are defined: "
              f"left side {_relation(example['lhs'])}, right side {_relation(example['rhs'])}, {how} "
              f"({why}; one such point decides)")
    return Outcome("refuted", REFUTING_METHOD, detail, example, points=1)


def _shown(value: sp.Expr) -> str:
    """The exact value (a complex one as a + b*I), or ``≈`` and 15 significant digits of it when long."""
    parts = _gaussian(value)
    if parts is not None:
        value = parts[0] + parts[1] * sp.I
    text = str(value)
    return text if len(text) <= 40 else f"≈ {sp.N(value, 15)}"


def _relation(shown: str) -> str:
    return shown if shown.startswith("≈") else f"= {shown}"

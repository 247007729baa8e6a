"""Whether a divisor (or the argument of a logarithm, the cosine of a tangent's argument, the determinant of an
inverted matrix) is 0 everywhere, so that a side has no value at all.

Why: SymPy folds a divisor it sees is 0 into zoo, which the verifier refuses, but not one that is 0 only by
an identity (``sin(x)**2 + cos(x)**2 - 1``, ``x*(x + 1) - x**2 - x``), and it cancels ``0*z``, ``z - z`` and
``z/z`` as it builds the expression. ``0*x/(sin(x)**2 + cos(x)**2 - 1) = 0`` and ``d/d = 1`` for such a d
were "proved", though their left sides have no value anywhere.

How: the divisor is evaluated at the sample points of the numeric check (``sampling``), its undefined
functions replaced by smooth stand-ins (two different sets, so a stand-in that happens to satisfy the
divisor's identity cannot decide alone). One point where strict evaluation certifies a non-zero value
clears it: a tiny genuine value such as ``exp(-1000*x**2)`` is certified, since strict evaluation follows
relative, not absolute, precision. It is 0 everywhere only if it is 0 at several points and certainly
non-zero at none, where 0 at a point means exactly 0, or a value below 10^-25 at 30 digits of working
precision that shrinks below 10^-55 at 60 digits (a hidden 0 comes out as rounding noise that shrinks with
the precision; a genuine value does not). A divisor that is 0 only at some points (``1/x``) is not flagged:
the step holds wherever its sides are defined, as before. Anything that cannot be evaluated, or runs out of
its time, is not flagged either (the check is then as it was before).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

import sympy as sp

from . import sampling
from .evaluate import MustNotVanish
from .expr import to_source
from .expr_ast import names
from .identity import budgeted

POINTS = 6
"""Sample points at which a divisor is evaluated (generic, large, tiny values, both signs)."""
ZERO_POINTS = 2
"""Points at which a divisor must be 0 (and non-zero at none) to be 0 everywhere."""
BUDGET_S = 1.0
"""CPU seconds for deciding one divisor, and :data:`TOTAL_S` for all of a step's together; a divisor not
decided in time is not flagged. A divisor that is not 0 is cleared at its first point, in milliseconds; one
that is 0 everywhere costs all its points (0.01 s for sin² + cos² - 1, 0.3 s with an undefined function)."""
TOTAL_S = 2.0
_LOW, _HIGH = 30, 60
"""The two working precisions (digits) of the test for a hidden 0."""
_STAND_IN_SEEDS = (sampling.SEED, sampling.SEED + 1)


def first_vanishing(sides: Sequence[tuple[str, Iterable[MustNotVanish]]], *,
                    deadline: float | None = None) -> tuple[str, MustNotVanish] | None:
    """The first part, of the first of ``sides`` (name, parts) that has one, whose value is 0 at every point
    checked, or None. The search takes at most :data:`TOTAL_S` and ends by ``deadline`` (CPU clock): the
    step must keep its time for the check proper."""
    stop = time.process_time() + TOTAL_S
    if deadline is not None:
        stop = min(stop, deadline)
    seen: set[Any] = set()
    for side, parts in sides:
        for part in parts:
            value = part.value
            if isinstance(value, sp.Rational):  # a divisor's 0 was folded into zoo already; a kink's was not
                if value == 0:
                    return side, part
                continue
            if value in seen:
                continue
            seen.add(value)
            budget = min(BUDGET_S, stop - time.process_time())
            if budget <= 0:
                return None
            run = budgeted(functools.partial(zero_everywhere, value), budget)
            if run.ok and run.value:
                return side, part
    return None


def zero_everywhere(value: sp.Expr) -> bool:
    """Whether ``value`` is 0 at every point checked (see the module's docstring)."""
    if not sampling.has_non_numeric(value):
        return _zero_at_points(value)
    functions = sampling.undefined_functions(value)
    for seed in _STAND_IN_SEEDS:
        stand_ins = sampling.concrete_functions(functions, seed=seed)
        if not stand_ins:
            return False
        concrete = value.subs(stand_ins).doit()
        if sampling.has_non_numeric(concrete) or not _zero_at_points(concrete):
            return False
    return True


def _zero_at_points(value: sp.Expr) -> bool:
    symbols = sampling.variables(value)
    try:
        points: Sequence[sampling.Point] = sampling.sample_points(symbols, POINTS) if symbols else [{}]
    except sampling.Unsampleable:
        return False
    zeros = 0
    for point in points:
        at = value.xreplace(point)
        if sampling.certainly_nonzero(at, 15, maxn=300):
            return False
        zeros += _zero_at(at)
    return zeros >= min(ZERO_POINTS, len(points))


def _zero_at(at: sp.Basic) -> bool:
    """Whether the number ``at`` is 0: exactly, or as a hidden 0 that shrinks with the working precision."""
    if at == 0:
        return True
    if not isinstance(at, sp.Expr) or at.free_symbols or at.has(*sampling.NON_FINITE):
        return False
    try:
        low, high = at.evalf(_LOW), at.evalf(_HIGH)
    except (ArithmeticError, ValueError, TypeError):
        return False
    bounds = []
    for approx, digits in ((low, _LOW), (high, _HIGH)):
        re_, im_ = approx.as_real_imag()
        if not (isinstance(re_, sp.Number) and isinstance(im_, sp.Number)):
            return False
        bounds.append((abs(re_) + abs(im_), digits))
    return all(size < sp.Rational(1, 10 ** (digits - 5)) for size, digits in bounds)


def message(side: str, part: MustNotVanish) -> str:
    """Why the ``side`` ("left" or "right") has no value, naming the part as written and as SymPy has it."""
    written = to_source(part.node)
    where = f" (in the definition of `{part.definition}`)" if part.definition else ""
    evaluated = sp.sstr(part.value)
    # SymPy's form only where it says more: a defined name substituted, a derivative worked out.
    hidden = [name for name in names(part.node) if not re.search(rf"\b{re.escape(name)}\b", evaluated)]
    if part.whose:  # the value is the argument's cosine, the matrix's determinant: it names it
        also = f" (`{evaluated}`)" if hidden else ""
        zero = f", whose {part.whose}{also} is 0 at every point checked"
    else:
        also = f", which is `{evaluated}`," if hidden else ""
        zero = f"{also} and that is 0 at every point checked"
    return f"the {side} side is undefined: it {part.what} `{written}`{where}{zero}, so the side has no value anywhere"

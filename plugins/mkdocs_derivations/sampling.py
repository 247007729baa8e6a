"""Numeric evidence for and against ``lhs = rhs``: deterministic sample points and careful evaluation.

Why this exists: a numeric disagreement is the cheapest *sound* refutation there is (one point where both
sides are finite and differ disproves the claim), and numeric agreement is the only thing left when no
symbolic route closes a step. Both only work if the points are chosen well and compared honestly:

* Points are exact ``Rational`` values (never floats), so substitution is exact and ``x = x + 10**-20``
  stays refutable; they are evaluated with ``evalf(digits, strict=True)``, which raises instead of
  returning digits it could not certify (``cosh(10**12)**2 - sinh(10**12)**2`` has no correct digit at
  working precision: that point is skipped, not counted as a disagreement).
* Magnitudes span ``10**-8 .. 10**12`` plus small simple values, and every sign pattern of up to two
  symbols appears in each magnitude profile, because near-misses hide far from the origin
  (``|x - 10**6| = 10**6 - x``) or on one sign only (``sqrt(x**2) = x``, ``log(x*y) = log x + log y``).
* Assumptions are respected (positive symbols get positive values, integers integers, ...): a sample that
  violates a declared assumption could "refute" a true step. Symbols that are not declared real also get
  complex values at some random points, since the claim must then hold for complex values too.
* Undefined functions ``f(x1, x2)`` cannot be evaluated, but a claim about *every* smooth ``f`` is refuted
  by one concrete ``f`` for which it fails; :func:`concrete_functions` builds such stand-ins.

Everything is seeded, so a page build is reproducible and a counterexample can be quoted.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from sympy.core.evalf import PrecisionExhausted
from sympy.core.function import AppliedUndef, UndefinedFunction

Point = dict[sympy.Basic, sympy.Expr]

SEED = 20240607
"""Seed of every random choice here: the same step always gets the same points."""

_SIMPLE: tuple[sympy.Rational, ...] = tuple(
    sympy.Rational(p, q) for p, q in ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (3, 2), (2, 3), (5, 4))
)
_DENOMINATORS = (7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47)


class Unsampleable(Exception):
    """No value could be found that satisfies a symbol's declared assumptions (e.g. ``prime`` and ``even``
    and larger than 2): numeric evidence is then unavailable, which is reported, never guessed around."""


class NotNumeric(Exception):
    """The expression still contains something with no numeric value after substitution (a free symbol
    that was not sampled, an undefined function, an unevaluated derivative)."""


@dataclass(frozen=True)
class Value:
    """A side evaluated at a point: an exact Rational when substitution produced one, otherwise an
    mpmath complex number carrying ``digits`` certified significant digits."""

    exact: sympy.Rational | None
    approx: mpmath.mpc

    def text(self, digits: int, exact: bool = True) -> str:
        """The value as a reader would write it (``3/7``, ``-1.25e-20``, ``0.5 + 3.14*I``)."""
        if exact and self.exact is not None:
            return str(self.exact)
        re_, im_ = self.approx.real, self.approx.imag
        if im_ == 0:
            return mpmath.nstr(re_, digits)
        if re_ == 0:
            return f"{mpmath.nstr(im_, digits)}*I"
        sign = "-" if im_ < 0 else "+"
        return f"{mpmath.nstr(re_, digits)} {sign} {mpmath.nstr(abs(im_), digits)}*I"


# ----------------------------------------------------------------------------------------------- points


def _random_mantissa(rng: random.Random) -> tuple[int, int]:
    """An awkward rational in [1, 10), as ``(numerator, denominator)``: awkward so that no special value
    (0, 1, a root of unity of a trig argument) is hit by accident."""
    q = rng.choice(_DENOMINATORS)
    return rng.randint(q, 10 * q - 1), q


def _scaled(mantissa: tuple[int, int], exponent: int) -> sympy.Rational:
    p, q = mantissa
    return sympy.Rational(p * 10**exponent, q) if exponent >= 0 else sympy.Rational(p, q * 10**-exponent)


def _magnitude(profile: str, rng: random.Random) -> sympy.Rational:
    """A positive magnitude for one symbol in one profile (see :func:`sample_points`).

    Built from Python integers with one ``Rational`` per value (SymPy arithmetic is the slow part of
    sampling); the random draws and the values are those of ``mantissa * 10**exponent`` in SymPy.
    """
    if profile == "generic":
        p, q = _random_mantissa(rng)
        return sympy.Rational(p, 3 * q)  # about 0.3 .. 3
    if profile == "large":
        return _scaled(_random_mantissa(rng), rng.randint(6, 11))  # 10**6 .. 10**12
    if profile == "tiny":
        return _scaled(_random_mantissa(rng), rng.randint(-8, -4))  # 10**-8 .. 10**-3
    if profile == "simple":
        return rng.choice(_SIMPLE)
    return _scaled(_random_mantissa(rng), rng.randint(-8, 11))  # "wide": log-uniform 10**-8 .. 10**12


@functools.lru_cache(maxsize=4096)
def _assumptions(symbol: sympy.Basic) -> tuple[tuple[str, str, bool], ...]:
    """``(key, "is_key", wanted)`` for every assumption declared on ``symbol`` (computed once per symbol)."""
    return tuple((key, f"is_{key}", bool(wanted)) for key, wanted in symbol.assumptions0.items())


def consistent(symbol: sympy.Basic, value: sympy.Expr) -> bool:
    """Whether ``value`` satisfies every assumption declared on ``symbol`` that the value can judge."""
    for _key, attribute, wanted in _assumptions(symbol):
        actual = getattr(value, attribute, None)
        if actual is not None and actual != wanted:
            return False
    return True


_HALF = sympy.Rational(1, 2)


def _candidates(symbol: sympy.Basic, m: sympy.Rational, sign: int, phase: sympy.Expr | None) -> Iterator[sympy.Expr]:
    """The values :func:`_value_for` tries, in order, each built only when the previous one did not fit."""
    if phase is not None and symbol.is_extended_real is None:
        yield sign * m * phase
    yield sign * m
    yield -sign * m
    for step in (sympy.S.One, sympy.Integer(2), _HALF):
        base = m + step
        yield sign * base
        yield -sign * base
    yield sign * m * sympy.sqrt(2)
    yield sign * m * sympy.pi
    yield sympy.S.Zero


def _value_for(
    symbol: sympy.Basic, magnitude: sympy.Rational, sign: int, phase: sympy.Expr | None
) -> sympy.Expr:
    """A value near ``sign * magnitude`` (times a complex ``phase`` if given) that fits the assumptions.

    The first candidate is the intended one; the others repair sign, integrality, parity or rationality
    so that declared domains (``positive``, ``integer``, ``odd``, ``irrational``, ...) are met. Candidates
    are built lazily: the first one fits almost always.
    """
    if symbol.is_zero:
        return sympy.S.Zero
    if symbol.is_nonnegative or symbol.is_extended_nonnegative:
        sign = 1
    elif symbol.is_nonpositive or symbol.is_extended_nonpositive:
        sign = -1
    m = magnitude
    if symbol.is_integer:
        m = sympy.Integer(max(1, int(sympy.floor(m + _HALF))))
    for candidate in _candidates(symbol, m, sign, phase):
        if consistent(symbol, candidate):
            return candidate
    raise Unsampleable(f"no sample value satisfies the assumptions of {symbol}")


def seeded_value(symbol: sympy.Basic, key: str, *, wide: bool = False, complex_phase: bool = False) -> sympy.Expr:
    """A value for ``symbol`` that fits its assumptions, drawn from a generator seeded by ``key`` and the
    symbol's name: a symbol gets the same value at the same point whatever order the symbols are met in, as
    when they appear one at a time during an evaluation (``rational_points``). Generic magnitudes (about 0.3
    to 3) or, if ``wide``, 10**-8 to 10**12; either sign; with ``complex_phase`` a symbol not declared real
    gets a Gaussian rational. An integer gets 1 to 12 in size (a wide integer exponent would make a power
    with 10**12 digits). Raises :class:`Unsampleable` like :func:`sample_points`."""
    rng = random.Random(f"{SEED}:{key}:{symbol}")  # a str seed is hashed with SHA-512, not hash(): stable
    magnitude = sympy.Integer(rng.randint(1, 12)) if symbol.is_integer else _magnitude("wide" if wide else "generic",
                                                                                        rng)
    phase = None
    if complex_phase:
        a, b = rng.randint(-4, 4), rng.randint(1, 4) * rng.choice((-1, 1))
        phase = (a + b * sympy.I) / max(abs(a), abs(b))
    return _value_for(symbol, magnitude, rng.choice((1, -1)), phase)


def feasibility_varies(symbols: Sequence[sympy.Basic]) -> bool:
    """Whether some point could fail to be sampleable (:class:`Unsampleable`) while others succeed.

    Only declared parity or primality (and non-primality of integers) can make every candidate miss at
    some magnitudes and not at others: ``m, m + 1, m + 2`` may all be composite. Every other assumption is
    met (or missed) by the same kind of candidate at every magnitude and sign; an undeclared parity
    (``even=False`` of a non-integer) is met by ``m + 1/2``. Callers that build points lazily build all
    of them at once when this is True, so laziness never changes which claims are sampleable.
    """
    for s in symbols:
        for key, _, wanted in _assumptions(s):
            if (wanted and key in ("even", "odd", "prime", "composite")) or (
                key in ("prime", "composite") and s.is_integer
            ):
                return True
    return False


def _sign_patterns(n: int) -> list[tuple[int, ...]]:
    """Sign patterns that every structured profile is combined with: all of them for one or two symbols,
    otherwise all-positive, all-negative and the two alternating ones (random signs come later)."""
    if n == 0:
        return [()]
    if n == 1:
        return [(1,), (-1,)]
    alternating = tuple(1 if i % 2 == 0 else -1 for i in range(n))
    return [(1,) * n, (-1,) * n, alternating, tuple(-s for s in alternating)]


_PROFILES = ("generic", "large", "tiny", "simple")


def iter_points(symbols: Sequence[sympy.Basic], *, seed: int = SEED) -> Iterator[Point]:
    """The endless sequence whose first ``count`` points are :func:`sample_points`, built one at a time."""
    ordered = sorted(set(symbols), key=sympy.default_sort_key)
    if not ordered:
        yield {}
        return
    rng = random.Random(seed + len(ordered))
    for profile in _PROFILES:
        for pattern in _sign_patterns(len(ordered)):
            yield {
                s: _value_for(s, _magnitude(profile, rng), sign, None) for s, sign in zip(ordered, pattern, strict=True)
            }
    while True:
        point: Point = {}
        for s in ordered:
            phase = None
            if rng.random() < 1 / 3:
                a, b = rng.randint(-4, 4), rng.randint(1, 4) * rng.choice((-1, 1))
                phase = (a + b * sympy.I) / max(abs(a), abs(b))
            point[s] = _value_for(s, _magnitude("wide", rng), rng.choice((-1, 1)), phase)
        yield point


def sample_points(symbols: Sequence[sympy.Basic], count: int, *, seed: int = SEED) -> list[Point]:
    """``count`` deterministic points assigning an exact value to each symbol.

    Order matters because callers screen with the first few points: structured profiles come first
    (``generic`` ~1, ``large`` 10**6..10**12, ``tiny`` 10**-8..10**-3, ``simple`` 1, 2, 1/2, ...), each
    combined with every sign pattern of :func:`_sign_patterns`; then random points with log-uniform
    magnitudes over the whole range, random signs and, for symbols not declared real, complex values.
    :func:`iter_points` yields the same points one at a time.

    Raises :class:`Unsampleable` when a symbol's assumptions cannot be met.
    """
    return list(itertools.islice(iter_points(symbols, seed=seed), max(count, 0)))


# ------------------------------------------------------------------------------------- claim's literals

_BIG = sympy.Integer(10) ** 3
_SMALL = sympy.Rational(1, 10**3)
_SCALE_FACTORS = (sympy.Rational(7, 3), sympy.Rational(3, 7))


def literals(*exprs: sympy.Basic) -> set[sympy.Rational]:
    """The absolute values of the non-zero rational numbers written in ``exprs`` (integers included)."""
    found: set[sympy.Rational] = set()
    for expr in exprs:
        found.update(abs(r) for r in expr.atoms(sympy.Rational) if r != 0)
    return found


def literal_digits(*exprs: sympy.Basic) -> int:
    """The most decimal digits in the numerator or denominator of any literal of ``exprs`` (0 if none).

    A claim that writes ``10**-50`` can be off by a relative ``10**-50``; the working precision must then
    exceed 50 digits, or the gap drowns in the rounding tolerance and a false step passes as ``numeric``.
    """
    return max((max(len(str(r.p)), len(str(r.q))) for r in literals(*exprs)), default=0)


def literal_points(symbols: Sequence[sympy.Basic], *exprs: sympy.Basic) -> list[Point]:
    """Points at the scales the claim itself names: ``7/3`` and ``3/7`` times its largest literal above
    ``10**3`` and its smallest below ``10**-3``, each with every symbol positive, then every symbol negative
    (assumptions respected).

    The structured profiles stop at ``10**12`` and ``10**-8``; a claim such as ``|x - 10**15| = 10**15 - x``
    is false only beyond its own constant, so the constant says where to look. Empty when the claim has no
    such literal or no symbols.
    """
    ordered = sorted(set(symbols), key=sympy.default_sort_key)
    found = literals(*exprs)
    big = [r for r in found if r > _BIG]
    small = [r for r in found if r < _SMALL]
    scales = ([max(big)] if big else []) + ([min(small)] if small else [])
    points: list[Point] = []
    if not ordered:
        return points
    for scale in scales:
        for factor in _SCALE_FACTORS:
            for sign in (1, -1):
                point = {s: _value_for(s, scale * factor, sign, None) for s in ordered}
                if point not in points:
                    points.append(point)
    return points


_FAR_EXPONENTS = (15, 30, 60, -15, -30)
_COMPLEX_POINTS = 6
_ZERO_POINTS_UP_TO = 4  # symbols; a claim about more (matrix entries) gets no zero points


def far_points(symbols: Sequence[sympy.Basic], *, seed: int = SEED) -> list[Point]:
    """Points where the generic ones never go, for a claim about to be given numeric evidence.

    * every symbol at the magnitudes ``10**15``, ``10**30``, ``10**60``, ``10**-15`` and ``10**-30``, all
      positive, then all negative: ``|log x - 30| = 30 - log x`` and ``|x - exp(35)| = exp(35) - x`` are
      false only beyond ``10**13``, and no literal of theirs says so;
    * irrational values (a random mantissa times ``sqrt(2)``, both signs): every other point is a rational
      with one of a few known denominators, on which ``sin(pi*L*x)`` vanishes for a suitable ``L``;
    * each symbol at 0 (where its assumptions allow it) with the others at generic values, all positive,
      then all negative, for claims with at most four symbols: ``sign(x)**2 = 1`` and
      ``atan2(-y, x) = -atan2(y, x)`` are false only there (a side with no finite value at such a point
      skips it, as everywhere);
    * for symbols not declared real, complex values of modest size (1 to 10) in random directions: the
      random complex points are mostly tiny or huge, and ``sqrt(exp(2*z)) = exp(z)`` is false only for an
      imaginary part beyond pi/2.

    Assumptions are respected as everywhere; a point that cannot meet them is left out. Seeded.
    """
    ordered = sorted(set(symbols), key=sympy.default_sort_key)
    if not ordered:
        return []
    rng = random.Random(seed + 104729 + len(ordered))
    points: list[Point] = []

    def add(values: Iterator[tuple[sympy.Basic, sympy.Expr]]) -> None:
        try:
            point = dict(values)
        except Unsampleable:
            return
        if point not in points:
            points.append(point)

    for exponent in _FAR_EXPONENTS:
        for sign in (1, -1):
            add((s, _value_for(s, _scaled(_random_mantissa(rng), exponent), sign, None)) for s in ordered)
    for sign in (1, -1):
        add((s, _value_for(s, _scaled(_random_mantissa(rng), 0) * sympy.sqrt(2), sign, None)) for s in ordered)
    if len(ordered) <= _ZERO_POINTS_UP_TO:
        for zero in ordered:
            for sign in (1, -1):
                if consistent(zero, sympy.S.Zero):
                    add((s, sympy.S.Zero if s == zero else _value_for(s, _magnitude("generic", rng), sign, None))
                        for s in ordered)
    if any(s.is_extended_real is None for s in ordered):
        for _ in range(_COMPLEX_POINTS):
            phases = []
            for _s in ordered:
                a, b = rng.randint(-4, 4), rng.randint(1, 4) * rng.choice((-1, 1))
                phases.append((a + b * sympy.I) / max(abs(a), abs(b)))
            magnitudes = [_scaled(_random_mantissa(rng), 0) for _s in ordered]
            add((s, _value_for(s, m, 1, phase)) for s, m, phase in zip(ordered, magnitudes, phases, strict=True))
    return points


_KINK_POINTS = 8


def kink_points(symbols: Sequence[sympy.Basic], *exprs: sympy.Basic, seed: int = SEED) -> list[Point]:
    """Points where the argument of a ``sign`` or ``Abs``, or the ``y`` of an ``atan2(y, x)``, is exactly 0.

    Such a function jumps or turns there, and a step can be false only there: ``sign(3*x - 1)**2 = 1`` fails
    at ``x = 1/3`` alone, which no generic point, no zero point and no literal (3 and 1) hits. For each
    argument linear in one of the symbols, that symbol is solved for exactly, the others taken at generic
    values (a root that breaks the symbol's assumptions, or is not finite, is left out). At most
    :data:`_KINK_POINTS`; seeded.
    """
    ordered = sorted(set(symbols), key=sympy.default_sort_key)
    rng = random.Random(seed + 7919 + len(ordered))
    points: list[Point] = []
    for argument in _kink_arguments(*exprs):
        for symbol in ordered:
            if symbol not in argument.free_symbols:
                continue
            try:
                poly = sympy.Poly(argument, symbol)
                if poly.degree() != 1:
                    continue
                slope, offset = poly.all_coeffs()
                others = _generic_values([s for s in ordered if s != symbol], rng)
            except (sympy.PolynomialError, Unsampleable):
                continue
            root = (-offset / slope).xreplace(others)
            if root.free_symbols or not root.is_finite or not consistent(symbol, root):
                continue
            point = {**others, symbol: root}
            if point not in points:
                points.append(point)
            if len(points) >= _KINK_POINTS:
                return points
    return points


def _generic_values(symbols: Sequence[sympy.Basic], rng: random.Random) -> dict[sympy.Basic, sympy.Expr]:
    """A generic rational value of either sign for each of ``symbols``, as its declaration allows, for the
    symbols held fixed while another one's zeros are sought; raises :class:`Unsampleable`."""
    return {s: _value_for(s, _magnitude("generic", rng), rng.choice((1, -1)), None) for s in symbols}


def _kink_arguments(*exprs: sympy.Basic) -> list[sympy.Basic]:
    """The arguments of every ``sign`` and ``Abs``, and the ``y`` of every ``atan2(y, x)``, in a fixed order."""
    arguments: set[sympy.Basic] = set()
    for expr in exprs:
        arguments.update(f.args[0] for f in expr.atoms(sympy.sign, sympy.Abs, sympy.atan2))
    return sorted(arguments, key=sympy.default_sort_key)


_ROOT_DEGREE = 4
"""Highest degree of a polynomial factor whose roots :func:`root_points` takes (exact roots of higher degree
are CRootOf objects of every degree, but one argument of degree 4 is already rare in a derivation)."""
_HIGH_DEGREE = 12
"""Highest degree of a polynomial factor whose real roots are only separated (:func:`root_points`)."""
_ROOT_POLYNOMIALS = 6  # polynomial factors per symbol, all arguments together
_ROOT_POINTS = 8
_REFINEMENTS = 12  # refinements of an isolating interval, each 2**-16 of the last: gaps down to about 1e-58
_TRIG_ZEROS: dict[type[sympy.Function], tuple[sympy.Expr, ...]] = {
    sympy.sin: (sympy.S.Zero, sympy.pi),
    sympy.cos: (sympy.pi / 2, -sympy.pi / 2),
    sympy.tan: (sympy.S.Zero, sympy.pi),
}
_JUMPS = (sympy.sign, sympy.Abs, sympy.atan2, sympy.Heaviside, sympy.DiracDelta)


def root_points(symbols: Sequence[sympy.Basic], *exprs: sympy.Basic, seed: int = SEED) -> Iterator[Point]:
    """Points where a ``sign``, ``Abs`` or ``atan2`` argument (as in :func:`kink_points`) that is not linear
    vanishes, and rational points between adjacent such zeros: ``sign(x**2 - 2)**2 = 1`` fails at
    ``x = sqrt(2)`` alone, ``sign((n - 4)**2) = 1`` at ``n = 4``, ``sign(cos(x))**2 = 1`` at ``pi/2``, and
    ``|x**3 - 1| + |x**3 - 1 - 10**-12| = |2*x**3 - 2 - 10**-12|`` only for ``1 < x**3 < 1 + 10**-12``,
    between the zeros of two different arguments, where no generic point lands.

    For each symbol in turn the others are fixed at generic rational values; every multiplicative factor
    of an argument that is then a polynomial of degree at most :data:`_ROOT_DEGREE` with rational
    coefficients contributes its real roots (exact: rationals, radicals or ``CRootOf``), and a ``sin``,
    ``cos`` or ``tan`` of a linear form its zeros ``0, pi`` or ``pi/2, -pi/2``. Between two adjacent real
    roots of all the polynomials together (isolated by exact intervals) a rational point is taken. A symbol
    not declared real also gets the non-real roots. Assumptions are respected (an integer symbol only gets
    integer roots).

    A root is an irrational algebraic number that the evaluation never sees as a rational, and a jump
    evaluated at an argument that is 0 in a form SymPy does not recognise would be rounding noise (a
    ``sign`` of such a 0 is -1, 0 or 1 by chance). So a point is kept only when the argument of every
    ``sign``, ``Abs``, ``atan2``, ``Heaviside`` and ``DiracDelta`` of ``exprs`` is, there, either recognised
    by SymPy as exactly 0 (then the jump folds exactly, as it will in the evaluation) or certified non-zero
    by strict evaluation. At most :data:`_ROOT_POINTS`; seeded. Points are yielded as they are found, so
    that a caller that bounds the time (``identity``) keeps those found before the bound: recognising a 0
    at a ``CRootOf`` of a quartic with large coefficients can take a second.
    """
    ordered = sorted(set(symbols), key=sympy.default_sort_key)
    arguments = _kink_arguments(*exprs)
    jumps = sorted({a for expr in exprs for f in expr.atoms(*_JUMPS) for a in f.args}, key=sympy.default_sort_key)
    rng = random.Random(seed + 15485863 + len(ordered))
    points: list[Point] = []
    for symbol in ordered:
        if len(points) >= _ROOT_POINTS:
            return
        relevant = [a for a in arguments if symbol in a.free_symbols]
        if not relevant:
            continue
        try:
            others = _generic_values([s for s in ordered if s != symbol], rng)
        except Unsampleable:
            continue
        polynomials: list[sympy.Poly] = []
        values: list[sympy.Expr] = []
        high: list[sympy.Poly] = []
        monotone: list[sympy.Expr] = []
        for argument in relevant:
            _zeros(argument.xreplace(others), symbol, polynomials, values, high, monotone)
        found = list(values) + _numbers_between(monotone)
        if polynomials:
            product = _square_free_product(polynomials)
            found = _real_zeros(product) + found
            if symbol.is_extended_real is not True:  # complex: Abs(sign(z**2 + 1)) = 1 fails at z = i only
                found += [root for root in product.all_roots() if root.is_real is False]
        if high:
            # Of a higher degree only the rational points between adjacent real roots (no slow exact root):
            # |x**5 - 2| + |x**5 - 3| = |2*x**5 - 5| fails only for 2 < x**5 < 3 (red team; numeric evidence).
            found += _real_zeros(_square_free_product(polynomials + high), roots=False)
        for value in found:
            point = {**others, symbol: value}
            if point in points or not value.is_finite or not consistent(symbol, value):
                continue
            if _jumps_exact(jumps, point):
                points.append(point)
                yield point
                if len(points) >= _ROOT_POINTS:
                    return
    yield from _critical_points(ordered, arguments, jumps, points, rng)


_CRITICAL_DEGREE = 4
"""Highest total degree of a jump argument whose critical points :func:`_critical_points` solves for."""
_CRITICAL_POINTS = 4


def _critical_points(ordered: list[sympy.Basic], arguments: list[sympy.Basic], jumps: list[sympy.Basic],
                     taken: list[Point], rng: random.Random) -> Iterator[Point]:
    """Where a polynomial argument of several variables has a zero gradient, and is 0 there: a zero that no
    search in one variable with the others at generic values finds, because the argument only touches 0.
    ``sign(x**2 + y**2)**2 = 1`` is false at the origin alone, and for every fixed ``y != 0`` the argument
    has no real root in ``x`` (found by the red team: numeric evidence). A non-negative polynomial's zeros
    are among its critical points. Variables the solution leaves free get generic values; only real points
    that fit the declarations, where the argument is recognised as exactly 0, are kept (and, as for every
    root point, where every jump argument is exactly 0 or certified non-zero). At most
    :data:`_CRITICAL_POINTS`."""
    found = 0
    for argument in arguments:
        variables = sorted(argument.free_symbols & set(ordered), key=sympy.default_sort_key)
        if len(variables) < 2:
            continue  # one variable: its roots are root_points' own
        try:
            poly = sympy.Poly(argument, *variables, domain=sympy.QQ)
        except (sympy.PolynomialError, sympy.polys.polyerrors.CoercionFailed):
            continue
        if poly.total_degree() > _CRITICAL_DEGREE:
            continue
        try:
            solutions = sympy.solve([poly.diff(v).as_expr() for v in variables], variables, dict=True)
        except (NotImplementedError, sympy.PolynomialError):
            continue
        for solution in solutions:
            try:
                free = _generic_values([s for s in ordered if s not in solution], rng)
            except Unsampleable:
                continue
            point = {**free, **{s: v.xreplace(free) for s, v in solution.items()}}
            if point in taken or any(v.free_symbols or not v.is_finite or not consistent(s, v)
                                     for s, v in point.items()):
                continue
            if argument.xreplace(point) != 0 or not _jumps_exact(jumps, point):
                continue
            taken.append(point)
            yield point
            found += 1
            if found >= _CRITICAL_POINTS:
                return


def _square_free_product(polynomials: list[sympy.Poly]) -> sympy.Poly:
    """The square-free part of the product of the first :data:`_ROOT_POLYNOMIALS` of ``polynomials``."""
    return functools.reduce(operator.mul, polynomials[:_ROOT_POLYNOMIALS]).sqf_part()


def _rational_poly(expr: sympy.Expr, symbol: sympy.Basic) -> sympy.Poly | None:
    """``expr`` as a polynomial in ``symbol`` with rational coefficients, or None."""
    try:
        return sympy.Poly(expr, symbol, domain=sympy.QQ)
    except (sympy.PolynomialError, sympy.polys.polyerrors.CoercionFailed):
        return None


def _zeros(argument: sympy.Expr, symbol: sympy.Basic, polynomials: list[sympy.Poly],
           values: list[sympy.Expr], high: list[sympy.Poly], monotone: list[sympy.Expr]) -> None:
    """Collect the zeros of ``argument`` in ``symbol`` by factor: a polynomial factor of modest degree
    goes to ``polynomials``, one of a higher degree (up to :data:`_HIGH_DEGREE`) to ``high``, the zeros of a
    trigonometric function of a linear form to ``values``, the zero of an exp or log of one
    (:func:`_monotone_zero`) to ``monotone``."""
    for factor in sympy.Mul.make_args(argument):
        if factor.is_Pow and factor.exp.is_Integer and factor.exp > 0:
            factor = factor.base
        if symbol not in factor.free_symbols:
            continue
        poly = _rational_poly(factor, symbol)
        if poly is not None:
            if 1 <= poly.degree() <= _ROOT_DEGREE:
                polynomials.append(poly)
            elif _ROOT_DEGREE < poly.degree() <= _HIGH_DEGREE:
                high.append(poly)
            continue
        zeros = _TRIG_ZEROS.get(type(factor))
        inner = _rational_poly(factor.args[0], symbol) if zeros and factor.args else None
        if zeros and inner is not None and inner.degree() == 1:
            slope, offset = inner.all_coeffs()
            values.extend((zero - offset.as_expr()) / slope.as_expr() for zero in zeros)
            continue
        zero = _monotone_zero(factor, symbol)
        if zero is not None:
            monotone.append(zero)


_INVERSES: dict[type[sympy.Function], Callable[[sympy.Expr], sympy.Expr]] = {
    sympy.exp: sympy.log,
    sympy.log: sympy.exp,
}


def _monotone_zero(factor: sympy.Expr, symbol: sympy.Basic) -> sympy.Expr | None:
    """The real zero of ``c + a*g(s*x + o)`` for ``g`` exp or log (a, s non-zero rationals, c a real number):
    ``|log(x) - 30| + |log(x) - 31| = 2*|log(x) - 61/2|`` fails only for e**30 < x < e**31, and
    ``sign(exp(x) - 2)**2 = 1`` only at log 2 (red team: numeric evidence)."""
    constant, dependent = factor.as_independent(symbol, as_Add=True)
    coefficient, call = dependent.as_independent(symbol, as_Add=False)
    inverse = _INVERSES.get(type(call))
    if inverse is None or not coefficient.is_Rational or coefficient == 0:
        return None
    if not constant.is_number or constant.is_extended_real is not True:
        return None
    inner = _rational_poly(call.args[0], symbol)
    if inner is None or inner.degree() != 1:
        return None
    target = -constant / coefficient
    if isinstance(call, sympy.exp) and target.is_positive is not True:
        return None  # exp is never 0 or negative
    slope, offset = inner.all_coeffs()
    return (inverse(target) - offset.as_expr()) / slope.as_expr()


def _numbers_between(values: list[sympy.Expr]) -> list[sympy.Expr]:
    """``values`` (real numbers) in increasing order, each followed by the simplest rational strictly between
    it and the next one (kept only if it really lies between): a counterexample reads x = 15 rather than a
    30-digit fraction."""
    ordered = sorted(set(values), key=lambda v: sympy.N(v, _BETWEEN_DIGITS))
    found: list[sympy.Expr] = []
    for low, high in itertools.zip_longest(ordered, ordered[1:]):
        found.append(low)
        if high is None or not (_modest(low) and _modest(high)):
            continue
        # decimals just inside the two ends, then the simplest fraction between those
        inside = [Fraction(str(sympy.N(low + (high - low) * sympy.Rational(q, 8), _BETWEEN_DIGITS)))
                  for q in (1, 7)]
        middle = sympy.Rational(*_simplest_between(*inside).as_integer_ratio())
        if (middle - low).is_positive and (high - middle).is_positive:
            found.append(middle)
    return found


_MODEST = 10**100
"""Largest magnitude (and reciprocal of the smallest) of a zero that :func:`_numbers_between` takes a point
after: the 30-digit decimal of exp(10**20) is 2.4e+43429448190325182765, whose Fraction is an integer of
4e19 digits (a single C-level power that no time guard interrupts; it ended in a MemoryError)."""


_BETWEEN_DIGITS = 80
"""Digits at which :func:`_numbers_between` orders the zeros and places a point between two of them: at 30,
exp(30) and exp(30 + 10**-40) sorted as equal (in the wrong order, so no point was taken between them) and
|log x - 30| + |log x - 30 - 10**-40| = |2 log x - 60 - 10**-40| had numeric evidence only."""


def _modest(value: sympy.Expr) -> bool:
    """Whether the real number ``value`` is 0 or has a magnitude within 1/:data:`_MODEST` .. :data:`_MODEST`."""
    magnitude = abs(sympy.N(value, 15))
    return bool(magnitude == 0 or sympy.Rational(1, _MODEST) < magnitude < _MODEST)


def _simplest_between(low: Fraction, high: Fraction) -> Fraction:
    """The fraction with the smallest denominator (then numerator) in [low, high], by continued fractions."""
    if low <= 0 <= high:
        return Fraction(0)
    if high < 0:
        return -_simplest_between(-high, -low)
    whole = math.ceil(low)
    if whole <= high:
        return Fraction(whole)
    floor = whole - 1  # low and high lie strictly between floor and floor + 1
    return floor + 1 / _simplest_between(1 / (high - floor), 1 / (low - floor))


def _real_zeros(product: sympy.Poly, *, roots: bool = True) -> list[sympy.Expr]:
    """The real roots of the square-free ``product`` in increasing order, each followed by a rational point
    strictly between it and the next (only those points when not ``roots``)."""
    intervals = [interval for interval, _ in product.intervals()]
    found: list[sympy.Expr] = []
    for i, root in enumerate(product.real_roots() if roots else [None] * len(intervals)):
        if root is not None:
            found.append(root)
        if i + 1 < len(intervals):
            between = _rational_between(product, intervals[i], intervals[i + 1])
            if between is not None:
                found.append(between)
    return found


def _rational_between(poly: sympy.Poly, lower: tuple[Any, Any], upper: tuple[Any, Any]) -> sympy.Rational | None:
    """A rational strictly between the roots isolated by ``lower`` and ``upper`` (adjacent isolating
    intervals of the square-free ``poly``, ``lower`` first), refining them while they touch."""
    (a0, b0), (a1, b1) = lower, upper
    for _ in range(_REFINEMENTS):
        if b0 < a1:
            return sympy.Rational(b0 + a1) / 2
        if b0 == a1 and poly(b0) != 0:  # a shared end that is no root lies between the two
            return sympy.Rational(b0)
        if b0 - a0 >= b1 - a1:
            a0, b0 = poly.refine_root(a0, b0, eps=sympy.Rational(b0 - a0) / 2**16)
        else:
            a1, b1 = poly.refine_root(a1, b1, eps=sympy.Rational(b1 - a1) / 2**16)
    return None


def _jumps_exact(arguments: list[sympy.Basic], point: Point, digits: int = 30) -> bool:
    """Whether each of ``arguments`` is, at ``point``, recognised as exactly 0 or certified non-zero."""
    return all(zero_or_certainly_nonzero(argument.xreplace(point), digits) for argument in arguments)


# ------------------------------------------------------------------------------------ concrete functions


def undefined_functions(*exprs: sympy.Basic) -> dict[UndefinedFunction, int]:
    """Undefined function classes applied in ``exprs`` with their arity: ``-1`` (no faithful stand-in) if one
    is used with several, or if one with declared assumptions is applied to an argument that may not be
    real (its real stand-in would not be real there, see :func:`concrete_functions`)."""
    found: dict[UndefinedFunction, int] = {}
    for app in set().union(*(expr.atoms(AppliedUndef) for expr in exprs)):
        arity = len(app.args)
        if _result_assumptions(app.func) and not all(arg.is_real is True for arg in app.args):
            arity = -1
        found[app.func] = arity if found.get(app.func, arity) == arity else -1
    return found


def _result_assumptions(func: UndefinedFunction) -> dict[str, bool]:
    """The assumptions declared on a function's result (``function(t) -> positive``), SymPy's derived ones included."""
    kwargs = getattr(func, "_kwargs", {})
    return {k: v for k, v in kwargs.items() if k != "commutative"}


def concrete_functions(
    functions: dict[UndefinedFunction, int], *, seed: int = SEED
) -> dict[UndefinedFunction, sympy.Lambda] | None:
    """Smooth stand-ins for undefined functions, or ``None`` when stand-ins would not be faithful.

    A stand-in is a cubic polynomial in its arguments with awkward rational coefficients plus a sine and a
    cosine of two different linear forms, so no derivative of any order vanishes identically and no product
    or chain rule holds by accident. One sinusoid was not enough: from the fourth derivative on it was all
    that was left, and f'''' f^(7) = f^(5) f^(6), false for f = exp(x**2), held for every stand-in. A
    function without assumptions is complex-valued, so its stand-in has an imaginary part (a linear form
    times i) as well: with real stand-ins, ``Abs(f)**2 = f**2`` and ``log(exp(f)) = f``, false for f = i,
    got numeric evidence.

    A function with declared assumptions (``function(t) -> positive``) is real for *every* argument, which
    no non-constant analytic stand-in can honour; but :func:`undefined_functions` lets one through only
    when every argument it is applied to is real, and there the real body (``-> real``), its exponential
    (``-> positive``) or minus that (``-> negative``) is a fair sample of what was declared; any other
    declaration (``nonzero``, ``nonnegative``, ``integer``) gets no stand-in (:func:`_honouring`). False
    steps about such functions were "could not be checked" (``sqrt(h**2) = h`` with
    ``h: function(t) -> real``), never refuted.
    """
    rng = random.Random(seed + 7919)
    result: dict[UndefinedFunction, sympy.Lambda] = {}
    for func in sorted(functions, key=lambda f: str(f)):
        arity = functions[func]
        if arity < 0:
            return None
        extra = _result_assumptions(func)
        args = sympy.symbols(f"_a0:{arity}", cls=sympy.Dummy, real=bool(extra)) if arity else ()

        def coeff() -> sympy.Rational:
            return sympy.Rational(rng.randint(-9, 9) or 1, rng.randint(2, 9))

        body: sympy.Expr = coeff()
        for i, a in enumerate(args):
            body += coeff() * a + coeff() * a**3
            for b in args[i:]:
                body += coeff() * a * b
        body += sympy.sin(sum((coeff() * a for a in args), sympy.S.Zero) + coeff()) / 3
        body += sympy.cos(sum((coeff() * a for a in args), sympy.S.Zero) + coeff()) / 5
        # drawn for every function, so that a declared result leaves the others' coefficients unchanged
        imaginary = sympy.I * (sum((coeff() * a for a in args), sympy.S.Zero) + coeff())
        honoured = _honouring(body, extra) if extra else body + imaginary
        if honoured is None:
            return None
        result[func] = sympy.Lambda(tuple(args), honoured)
    return result


def _honouring(real_body: sympy.Expr, assumptions: dict[str, bool]) -> sympy.Expr | None:
    """The stand-in for a function declared ``-> real``, ``-> positive`` or ``-> negative`` exactly: the real
    body (which takes both signs and crosses zero), its exponential, or minus that, each confirmed by SymPy
    to have every declared assumption. Any other declaration gets ``None``: a sample that covers only part
    of what was declared is no evidence (an exponential for ``-> nonzero``, which is complex, or for
    ``-> real nonzero`` gave ``Abs(r) = r`` and ``sqrt(q**2) = q`` numeric evidence)."""
    for words, candidate in _REPRESENTATIVE:
        if assumptions == _derived(words):
            stand_in = candidate(real_body)
            if all(getattr(stand_in, f"is_{name}") is value for name, value in assumptions.items()):
                return stand_in
    return None


_REPRESENTATIVE: tuple[tuple[str, Callable[[sympy.Expr], sympy.Expr]], ...] = (
    ("real", lambda body: body),
    ("positive", sympy.exp),
    ("negative", lambda body: -sympy.exp(body)),
)


@functools.cache
def _derived(word: str) -> dict[str, bool]:
    """The assumptions SymPy derives for a function declared with the one word ``word``."""
    return _result_assumptions(sympy.Function("_f", **{word: True}))


# -------------------------------------------------------------------------------------------- evaluation


def variables(*exprs: sympy.Basic) -> list[sympy.Basic]:
    """The atoms that sample points must assign: free symbols, with matrix symbols replaced by the
    elements ``A[i, j]`` that actually occur."""
    found: set[sympy.Basic] = set()
    for expr in exprs:
        for s in expr.free_symbols:
            if isinstance(s, sympy.MatrixSymbol):
                found.update(e for e in expr.atoms(sympy.MatrixElement) if e.parent == s)
            else:
                found.add(s)
    return sorted(found, key=sympy.default_sort_key)


def has_non_numeric(expr: sympy.Basic) -> bool:
    """Whether ``expr`` contains parts that no point assignment can turn into a number."""
    return bool(expr.has(AppliedUndef, sympy.Derivative, sympy.Subs))


NON_FINITE = (sympy.S.NaN, sympy.S.ComplexInfinity, sympy.S.Infinity, sympy.S.NegativeInfinity)


def evaluate(expr: sympy.Expr, point: Point, digits: int, *, simplify: bool = True) -> Value | None:
    """``expr`` at ``point`` with ``digits`` certified digits; ``None`` where it has no finite value.

    Substitution is exact (``xreplace`` re-evaluates, so ``sqrt(x**2)`` at ``-3/7`` is exactly ``3/7`` and
    ``log(-1)`` is ``I*pi``); ``strict=True`` makes evalf raise rather than invent digits after
    catastrophic cancellation, and such points are skipped. Raises :class:`NotNumeric` when something
    without a numeric value remains.

    ``simplify=False`` substitutes without SymPy's automatic evaluation, so that only evalf computes. That
    evaluation has a weakness of its own (a ``sign`` of an argument that is exactly 0 sees rounding noise),
    but not the one it is there to check: re-evaluating ``atan(acos(u))`` at ``u = 1 - 1.07e-9`` asks
    whether ``acos(u)`` is zero, SymPy decides that from a 2-digit evaluation that rounds ``u`` to 1, and
    (depending on the hash seed) the side becomes exactly 0.
    """
    if simplify:
        if not _steps_decided_before_evaluation(expr, point, digits):
            return None
        exact = expr.xreplace(point)
    else:
        with sympy.evaluate(False):
            exact = expr.xreplace(point)
    if isinstance(exact, sympy.Rational):  # the common case of rational sides: nothing else to look at
        with mpmath.workdps(2 * digits + 10):  # the approximation must carry the digits compared later
            return Value(exact, mpmath.mpc(mpmath.mpf(exact.p) / exact.q))
    if exact.has(*NON_FINITE):
        return None
    if exact.free_symbols or has_non_numeric(exact):
        raise NotNumeric(f"cannot evaluate {exact}")
    if not _steps_decided(exact, digits):
        return None
    try:
        approx = exact.evalf(digits, strict=True)
    except (PrecisionExhausted, ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
        return None
    if approx.has(*NON_FINITE):
        return None
    re_, im_ = approx.as_real_imag()
    if not (isinstance(re_, sympy.Number) and isinstance(im_, sympy.Number)):
        return None
    with mpmath.workdps(2 * digits + 10):  # mpf() rounds to the context precision: keep every digit
        parts = [mpmath.mpf(sympy.Float(part, digits)._mpf_) for part in (re_, im_)]
        if not all(mpmath.isfinite(p) for p in parts):
            return None
        return Value(None, mpmath.mpc(parts[0], parts[1]))


_STEPS = (sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.atan2)


def _steps_decided(exact: sympy.Expr, digits: int) -> bool:
    """Whether every function of ``exact`` that jumps where its (first) argument is 0 has an argument that
    is exactly 0 (SymPy then folded it) or certainly not 0 here: strict evalf follows the digits of a sum
    but not through a jump, so ``sign`` of a 0 that SymPy does not recognise (``cos(x) + cos(x + 2pi/3)
    + cos(x + 4pi/3)``) read the rounding noise as 1 and refuted a true step (red team). Such a point has
    no reliable value and is skipped."""
    return all(zero_or_certainly_nonzero(step.args[0], digits) for step in exact.atoms(*_STEPS))


def _steps_decided_before_evaluation(expr: sympy.Expr, point: Point, digits: int) -> bool:
    """:func:`_steps_decided` for the jumps of ``expr`` as written, their arguments taken at ``point``: SymPy's
    automatic evaluation folds ``sign`` of a number as it substitutes, deciding its sign from a low-precision
    evaluation, so no jump is left to look at afterwards. ``sign(sinh(sin(x)**2 + cos(x)**2 - 1)) = 0``
    (true: the argument is 0 everywhere) was refuted "at x = 89/33: left side = -1". An argument that is not a
    number at the point is left to the rest of :func:`evaluate`, which says why (:class:`NotNumeric`)."""
    numeric = [arg for arg in (step.args[0] for step in _steps_of(expr))
               if arg.free_symbols <= point.keys() and not has_non_numeric(arg)]
    return _jumps_exact(numeric, point, digits)


@functools.lru_cache(maxsize=256)
def _steps_of(expr: sympy.Expr) -> frozenset[sympy.Expr]:
    """The jumps of ``expr`` (one walk per expression: it is evaluated at every sample point)."""
    return frozenset(expr.atoms(*_STEPS))


def zero_or_certainly_nonzero(value: sympy.Basic, digits: int) -> bool:
    """Whether ``value`` is recognised as exactly 0 or is :func:`certainly_nonzero`: whether a function that
    jumps at 0 (``sign``, ``atan2``) has a value there that rounding noise did not decide."""
    return isinstance(value, sympy.Rational) or value.is_zero is True or certainly_nonzero(value, digits)


def certainly_nonzero(value: sympy.Basic, digits: int, *, maxn: int = 100) -> bool:
    """True if ``value`` is a number that strict evaluation gives to ``digits`` correct significant digits
    (working precision up to ``maxn`` digits), not all 0, with every jump inside it decided as well, and
    that evaluation at :data:`_RECHECK_DIGITS` more digits confirms. A hidden 0 (``sqrt(3 + 2 sqrt(2)) - 1 -
    sqrt(2)``) makes strict evalf raise rather than return noise, so it is never certified; neither is
    anything that is not a number.

    Why the second evaluation: strict evalf follows the digits through sums, products, powers, exp, log,
    sin, cos, tan and atan, but not through functions it evaluates by their generic route (sinh, tanh,
    asin): of ``sinh(sin(1/3)**2 + cos(1/3)**2 - 1)`` it returned -1.7e-136 as certain, and a divisor
    ``sinh`` of a hidden 0 was cleared (``0*t/sinh(...) = 0`` proved). Such noise scales with the working
    precision; a genuine value, however small, does not move."""
    if not isinstance(value, sympy.Expr) or value.free_symbols or value.has(*NON_FINITE) or has_non_numeric(value):
        return False
    if not _steps_decided(value, digits):
        return False
    try:
        approx = value.evalf(digits, strict=True, maxn=maxn)
        if not (approx.is_number and approx != 0):
            return False
        again = value.evalf(digits + _RECHECK_DIGITS, strict=True, maxn=maxn + _RECHECK_DIGITS)
    except (ArithmeticError, ValueError, TypeError, NotImplementedError, AttributeError, RecursionError,
            MemoryError):  # PrecisionExhausted is an ArithmeticError: fewer digits than asked, no decision
        return False
    if not again.is_number or again.has(*NON_FINITE):
        return False
    return bool(abs(approx - again) <= abs(again) * sympy.Rational(1, 10 ** (digits - 2)))


_RECHECK_DIGITS = 20
"""Extra digits of the confirming evaluation in :func:`certainly_nonzero`."""


def agree(a: Value, b: Value, digits: int) -> bool:
    """Equal up to rounding at ``digits`` significant digits.

    The relative tolerance ``10**-(digits - 5)`` leaves five digits of slack for rounding of each side,
    and far below the ``10**-20`` differences that must be caught at 40 digits; the absolute tolerance
    ``10**-(2*digits)`` only matters when both values are essentially zero (strict evalf certifies
    relative accuracy, so a side it reports as non-zero really is). Exact rationals compare exactly.
    """
    if a.exact is not None and b.exact is not None:
        return bool(a.exact == b.exact)
    with mpmath.workdps(2 * digits + 10):
        gap = abs(a.approx - b.approx)
        scale = max(abs(a.approx), abs(b.approx))
        return bool(gap <= mpmath.mpf(10) ** (5 - digits) * scale + mpmath.mpf(10) ** (-2 * digits))


def show_pair(a: Value, b: Value, digits: int) -> tuple[str, str]:
    """Two differing values in one style: short exact rationals as such, otherwise decimals with enough
    digits to *see* the difference."""
    if all(v.exact is not None and _short(v.exact) for v in (a, b)):
        return a.text(digits), b.text(digits)
    shown = _digits_to_show(a, b, digits)
    return a.text(shown, exact=False), b.text(shown, exact=False)


def show_gap(a: Value, b: Value, digits: int) -> str | None:
    """``a - b`` to 3 significant digits when the values shown by :func:`show_pair` need more than 20
    digits to differ: a reader should not have to find the 174th digit in which two 180-digit numbers part."""
    if _digits_to_show(a, b, digits) <= 20:
        return None
    with mpmath.workdps(2 * digits + 10):
        gap = a.approx - b.approx
        re_, im_ = (mpmath.nstr(part, 3) if part != 0 else None for part in (gap.real, gap.imag))
    if im_ is None:
        return re_
    return f"{im_}*I" if re_ is None else f"{re_} + ({im_})*I"


def slip_hint(a: Value, b: Value, digits: int) -> str | None:
    """How two differing values are related when the relation is a common slip (a lost sign, a lost factor of
    2), said of this point only: a contributor reading "left side = -0.0632, right side = 0.0632" should not
    have to notice it. None otherwise, and when the right side is 0."""
    for num, den, text in ((-1, 1, "the negative of"), (2, 1, "twice"), (1, 2, "half")):
        if a.exact is not None and b.exact is not None:
            related = b.exact != 0 and den * a.exact == num * b.exact
        else:
            with mpmath.workdps(2 * digits + 10):
                scaled = Value(None, b.approx * num / den)
            related = b.approx != 0 and agree(a, scaled, digits)
        if related:
            return f"here the left side is {text} the right side"
    return None


def _short(value: Any) -> bool:
    """Whether an exact rational prints in at most about 25 characters, judged without printing it (Python
    refuses to print integers of more than 4300 digits)."""
    p, q = getattr(value, "p", None), getattr(value, "q", None)
    if not isinstance(p, int) or not isinstance(q, int):
        return False
    return abs(p) < 10**12 and q < 10**12


def _digits_to_show(a: Value, b: Value, digits: int) -> int:
    """Enough significant digits for a reader to see that two values differ (at least 15)."""
    with mpmath.workdps(2 * digits + 10):
        gap = abs(a.approx - b.approx)
        scale = max(abs(a.approx), abs(b.approx))
        if gap == 0 or scale == 0:
            return 15
        needed = int(math.ceil(float(mpmath.log10(scale / gap)))) + 3
    return max(15, min(digits, needed))


def describe_point(point: Point) -> dict[str, str]:
    """``{name: value}`` strings of a point, for counterexamples."""
    return {str(k): str(v) for k, v in sorted(point.items(), key=lambda kv: sympy.default_sort_key(kv[0]))}


def function_texts(functions: dict[UndefinedFunction, sympy.Lambda] | None) -> dict[str, str]:
    """``{"f(u)": "u**2 + 1"}``: the stand-ins used, for counterexamples, written as a reader would define
    them (a ``Lambda`` prints its internal dummy arguments as ``__a0``)."""
    texts = {}
    for func, lam in (functions or {}).items():
        arity = len(lam.variables)
        names = _ARGUMENT_NAMES[:arity] if arity <= len(_ARGUMENT_NAMES) else [f"u{i}" for i in range(1, arity + 1)]
        shown = [sympy.Symbol(name) for name in names]
        body = lam.expr.xreplace(dict(zip(lam.variables, shown, strict=True)))
        texts[f"{func}({', '.join(map(str, shown))})"] = str(body)
    return texts


_ARGUMENT_NAMES = ("u", "v", "w", "p", "q", "r", "s")

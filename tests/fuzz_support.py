"""What the verifier's property-based hunts share (``test_verifier_soundness_fuzz.py``,
``test_verifier_definitions_fuzz.py``): the declared variables, random SymPy expressions over them, near-miss
mutations and correct rewrites, the independent mpmath oracle, and the round trip through the project's own
parser and evaluator. See the first module's docstring for what each piece is for.

The oracle never asks SymPy to evaluate anything: :func:`mp_value` walks the tree itself. Defined names
(``u := ...``) are evaluated the same way, from their definitions at the point (``definitions``), so that a
derivative by ``x`` of an expression in ``u`` sees ``u`` move with ``x`` and a derivative by ``u`` sees it as
the variable, as the pages mean them.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import mpmath
import sympy as sp
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st

from mkdocs_derivations import verify
from mkdocs_derivations.claims import Claim
from mkdocs_derivations.declarations import Environment
from mkdocs_derivations.errors import Location
from mkdocs_derivations.evaluate import Evaluator
from mkdocs_derivations.expr import read_expression
from mkdocs_derivations.model import Text

EXAMPLES = int(os.environ.get("DERIVATIONS_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=list(HealthCheck))

ACCEPTING = frozenset({"proved", "proved-all", "sizes", "numeric"})

# ------------------------------------------------------------------------------------------ the variables

DECLARED = {"x": "real", "y": "real", "p": "positive", "q": "positive", "w": "complex"}
# The SymPy symbols the project's evaluator builds for these declarations (checked by the round trip below).
X, Y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
P, Q = sp.Symbol("p", positive=True), sp.Symbol("q", positive=True)
W = sp.Symbol("w")  # declared `complex`: a claim about it must hold for every complex value
REALS, POSITIVES = (X, Y), (P, Q)
SYMBOLS = REALS + POSITIVES
ALL_SYMBOLS = (*SYMBOLS, W)


# -------------------------------------------------------------------------------------- random expressions

coefficients = st.builds(sp.Rational, st.integers(-9, 9).filter(bool), st.integers(1, 5))
positive_coefficients = st.builds(sp.Rational, st.integers(1, 9), st.integers(1, 5))


UNARY: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "sin": sp.sin, "cos": sp.cos, "exp": sp.exp, "tan": sp.tan, "atan": sp.atan, "abs": sp.Abs}
"""The functions both generators apply to any subexpression as it is (the domain-restricted ones, such as log
and sqrt, are built case by case)."""


@st.composite
def real_expr(draw: st.DrawFn, depth: int = 3, leaves: tuple[sp.Symbol, ...] = SYMBOLS) -> sp.Expr:
    """A real-valued expression (wherever it is defined) over the real and positive variables; with ``W`` among
    the ``leaves``, a complex-valued one (``W`` never reaches log, sqrt or a root: those take positive
    expressions, built from the real variables only, so the oracle never meets a branch cut)."""
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(leaves) | coefficients)
    sub = real_expr(depth - 1, leaves)
    kind = draw(st.sampled_from(["add", "sub", "mul", "div", "pow", "sin", "cos", "exp", "log", "sqrt", "abs",
                                 "affine", "root", "positive", "tan", "atan", "hyperbolic", "inverse", "sign",
                                 "scale"]))
    if kind == "add":
        return draw(sub) + draw(sub)
    if kind == "sub":
        return draw(sub) - draw(sub)
    if kind == "mul":
        return draw(coefficients) * draw(sub) * draw(sub)
    if kind == "div":
        return draw(sub) / draw(positive_expr(depth - 1))
    if kind == "pow":
        return draw(sub) ** draw(st.integers(-2, 3))
    if kind in UNARY:
        return UNARY[kind](draw(sub))
    if kind == "log":
        return sp.log(draw(positive_expr(depth - 1)))
    if kind == "sqrt":
        return sp.sqrt(draw(positive_expr(depth - 1)))
    if kind == "affine":
        return draw(coefficients) * draw(sub) + draw(coefficients)
    if kind == "hyperbolic":
        return draw(st.sampled_from([sp.sinh, sp.cosh, sp.tanh]))(draw(sub))
    if kind == "inverse":  # asin and acos of an argument inside (-1, 1)
        u = draw(sub)
        return draw(st.sampled_from([sp.asin, sp.acos]))(u / (sp.Abs(u) + draw(positive_coefficients)))
    if kind == "sign":
        return sp.sign(draw(sub))
    if kind == "scale":  # a variable at a far scale, where the generic sample points rarely go
        return draw(st.sampled_from(leaves)) - draw(st.sampled_from([sp.Integer(10)**15, sp.Rational(1, 10**12),
                                                                      sp.Integer(10)**8 / 7]))
    if kind == "root":
        return draw(positive_expr(depth - 1)) ** sp.Rational(draw(st.integers(-3, 3).filter(bool)),
                                                             draw(st.integers(2, 4)))
    return draw(positive_expr(depth - 1))


@st.composite
def positive_expr(draw: st.DrawFn, depth: int = 2) -> sp.Expr:
    """An expression that is positive wherever it is defined, for log, sqrt, rational powers and denominators."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(POSITIVES) | positive_coefficients)
    kind = draw(st.sampled_from(["exp", "square", "abs", "mul", "add", "div", "sqrt", "pos"]))
    sub, real = positive_expr(depth - 1), real_expr(depth - 1)
    if kind == "exp":
        return sp.exp(draw(real))
    if kind == "square":
        return draw(real) ** 2 + draw(positive_coefficients)
    if kind == "abs":
        return sp.Abs(draw(real)) + draw(positive_coefficients)
    if kind == "mul":
        return draw(sub) * draw(sub)
    if kind == "add":
        return draw(sub) + draw(sub)
    if kind == "div":
        return draw(sub) / draw(sub)
    if kind == "sqrt":
        return sp.sqrt(draw(sub))
    return draw(st.sampled_from(POSITIVES)) ** draw(st.integers(1, 3)) * draw(positive_coefficients)


def _interesting(expr: sp.Expr) -> bool:
    """Worth a check: it mentions a variable and SymPy did not fold it into something non-finite."""
    return bool(expr.free_symbols) and not expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo)


expressions = (real_expr() | real_expr(leaves=ALL_SYMBOLS)).filter(_interesting)


# --------------------------------------------------------------------------------------- the oracle (mpmath)


class OracleCannot(Exception):
    """The expression has a part the oracle does not evaluate."""


_MP_FUNCTIONS: dict[Any, Callable[[Any], Any]] = {
    sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan, sp.exp: mpmath.exp, sp.log: mpmath.log,
    sp.Abs: abs, sp.asin: mpmath.asin, sp.acos: mpmath.acos, sp.atan: mpmath.atan, sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh, sp.tanh: mpmath.tanh, sp.sign: mpmath.sign,
}


_HUGE_ARGUMENT = 10**6
_PERIODIC_OR_EXPONENTIAL = frozenset({sp.sin, sp.cos, sp.tan, sp.exp, sp.sinh, sp.cosh, sp.tanh})


def mp_value(expr: sp.Basic, point: Mapping[sp.Symbol, Any], definitions: Mapping[sp.Symbol, sp.Expr] | None = None,
             snap: bool = False, largest: list[Any] | None = None) -> Any:
    """``expr`` at ``point`` in mpmath at the current precision, by walking the tree ourselves (principal
    branches, as SymPy and the pages mean them). Derivatives are taken numerically (``mpmath.diff``), so a
    derivative side is checked independently of ``sympy.diff``.

    A symbol missing from ``point`` is a defined name: its value is its definition's at the point (so inside a
    derivative by ``x`` it moves with ``x``; a derivative by the defined name itself puts it in the point, and
    there it is the variable). With ``snap``, a real or imaginary part far below the working precision's
    rounding (relative 10**-(dps - 12)) is set to 0 after each operation: the rounding noise of complex
    arithmetic (``exp(log(-2))`` is ``-2 + 1e-60 i``) would otherwise put a later ``log`` or ``sqrt`` on the
    wrong side of its branch cut. (The noise shrinks with the precision, a genuine part does not, so the
    60- and 120-digit values of :func:`stable_value` disagree where snapping changed a branch wrongly.)
    ``largest`` (a one-element list) is raised to the largest absolute value met on the way: a result far
    below it may be cancellation noise (``cosh(143) - sinh(143)`` is 0 at 60 digits and at 120)."""
    defined = definitions or {}

    def cleaned(value: Any) -> Any:
        if not snap or not isinstance(value, mpmath.mpc):
            return value
        size = abs(value) * mpmath.mpf(10) ** -(mpmath.mp.dps - 12)
        re_, im_ = value.real, value.imag
        if abs(im_) <= size:
            return re_
        if abs(re_) <= size:
            return mpmath.mpc(0, im_)
        return value

    def at(e: sp.Basic, here: Mapping[sp.Symbol, Any]) -> Any:
        value = cleaned(walk(e, here))
        if largest is not None and mpmath.isfinite(value):
            largest[0] = max(largest[0], abs(value))
        return value

    def symbol(s: sp.Basic, here: Mapping[sp.Symbol, Any]) -> Any:
        if s in here:
            return here[s]
        if s in defined:
            return at(defined[s], here)
        raise OracleCannot(f"no value for {s}")

    def walk(e: sp.Basic, here: Mapping[sp.Symbol, Any]) -> Any:
        if isinstance(e, sp.Symbol):
            return symbol(e, here)
        if isinstance(e, sp.Rational):
            return mpmath.mpf(e.p) / e.q
        if e is sp.pi:
            return +mpmath.pi
        if e is sp.E:
            return mpmath.e()
        if e is sp.I:
            return mpmath.mpc(0, 1)
        if isinstance(e, sp.Add):
            return mpmath.fsum(at(a, here) for a in e.args)
        if isinstance(e, sp.Mul):
            return mpmath.fprod(at(a, here) for a in e.args)
        if isinstance(e, sp.Pow):
            base, exponent = e.args
            b = at(base, here)
            if isinstance(exponent, sp.Integer):
                return b ** int(exponent)
            if isinstance(exponent, sp.Rational) and exponent.q == 2:
                return cleaned(mpmath.sqrt(b)) ** int(exponent.p)
            return mpmath.power(b, at(exponent, here))
        if isinstance(e, sp.Derivative):
            if len(e.variable_count) != 1:
                raise OracleCannot("mixed derivative")
            variable, order = e.variable_count[0]
            return mpmath.diff(lambda t: at(e.expr, {**here, variable: t}), symbol(variable, here), int(order))
        if e.func in _MP_FUNCTIONS and len(e.args) == 1:
            argument = at(e.args[0], here)
            if e.func in _PERIODIC_OR_EXPONENTIAL and abs(argument) > _HUGE_ARGUMENT:
                # exp(10**100) or sin(10**100) would need hundreds of digits of the argument (mpmath takes
                # minutes): such a point is skipped, never guessed at
                raise OverflowError("argument too large for the oracle")
            return _MP_FUNCTIONS[e.func](argument)
        raise OracleCannot(f"{e.func} is not evaluated by the oracle")

    return at(expr, point)


def _mp_point(point: dict[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, Any]:
    out = {}
    for s, v in point.items():
        re_, im_ = v.as_real_imag()
        out[s] = mpmath.mpf(re_.p) / re_.q if im_ == 0 else mpmath.mpc(mpmath.mpf(re_.p) / re_.q,
                                                                     mpmath.mpf(im_.p) / im_.q)
    return out


def stable_value(expr: sp.Basic, point: dict[sp.Symbol, sp.Expr], complex_allowed: bool,
                 definitions: Mapping[sp.Symbol, sp.Expr] | None = None, snap: bool = False,
                 largest: list[Any] | None = None) -> Any | None:
    """The value at 120 digits if it is finite and agrees with the 60-digit value (and is real unless
    ``complex_allowed``); else None. ``definitions``, ``snap`` and ``largest`` as in :func:`mp_value`."""
    values = []
    for dps in (60, 120):
        with mpmath.workdps(dps):
            try:
                value = mpmath.mpmathify(mp_value(expr, _mp_point(point), definitions, snap, largest))
            except (ZeroDivisionError, ValueError, OverflowError):
                return None
            if not mpmath.isfinite(value):
                return None
            if not complex_allowed:
                if abs(mpmath.im(value)) > abs(value) * mpmath.mpf(10) ** -50:
                    return None
                value = mpmath.re(value)
            values.append(value)
    with mpmath.workdps(130):
        low, high = values
        if abs(low - high) > abs(high) * mpmath.mpf(10) ** -45 + mpmath.mpf(10) ** -100:
            return None
        return high


def oracle_points(seed: int, count: int = 6) -> Iterator[dict[sp.Symbol, sp.Expr]]:
    """Random exact points inside the declared domain: reals of either sign, positives above 0, the complex
    variable off both axes."""
    rng = random.Random(seed)

    def magnitude() -> sp.Rational:
        return sp.Rational(rng.randint(1, 4000), rng.randint(97, 1009))

    for _ in range(count):
        point: dict[sp.Symbol, sp.Expr] = {}
        for s in SYMBOLS:
            point[s] = magnitude() if s in POSITIVES or rng.random() < 0.5 else -magnitude()
        point[W] = rng.choice((1, -1)) * magnitude() + rng.choice((1, -1)) * magnitude() * sp.I
        yield point


def differ(lhs: sp.Expr, rhs: sp.Expr, seed: int) -> bool | None:
    """True if the oracle finds a point where both sides are finite, stable (real unless ``w`` occurs) and far
    apart; False if they agree at every point where both could be evaluated (at least one); None if no point
    could be evaluated."""
    seen = False
    for point in oracle_points(seed):
        # A gap below the rounding of the largest intermediate value (10**-100 of it, at 120 digits) is no
        # gap: sinh(sinh(x + 2y)) expanded by expand_trig passes through 9e143 on its way to 0.356, and at 60
        # and at 120 digits alike that sum cancels to exactly 0, a "stable" 0 (found by a 150-example hunt).
        largest = [mpmath.mpf(0)]
        a = stable_value(lhs, point, complex_allowed=W in lhs.free_symbols, largest=largest)
        b = stable_value(rhs, point, complex_allowed=W in rhs.free_symbols, largest=largest)
        if a is None or b is None:
            continue
        seen = True
        with mpmath.workdps(130):
            scale = max(abs(a), abs(b))
            noise = max(scale * mpmath.mpf(10) ** -30 + mpmath.mpf(10) ** -90, largest[0] * mpmath.mpf(10) ** -100)
            if abs(a - b) > noise:
                return True
    return False if seen else None


# ---------------------------------------------------------------------------------- printing and checking

_NOWHERE = Location("fuzz/case.yml", 1, 1)


def environment(declared: Mapping[str, str]) -> Environment:
    """The project's environment for these declarations (name -> declaration string)."""
    return Environment.from_layers([{n: Text(v, _NOWHERE) for n, v in declared.items()}])


_ENVIRONMENT = environment(DECLARED)


def printed(expr: sp.Expr, env: Environment = _ENVIRONMENT) -> str | None:
    """``expr`` in the project's expression language, or None when the project's parser and evaluator do not
    give back exactly ``expr`` (the round trip must be faithful, or the verdict would be about another claim).
    ``env`` declares the names (without definitions: the round trip is about the printing, not a meaning)."""
    text = str(expr)
    try:
        node = read_expression(Text(text, _NOWHERE), functions=env.functions)
        back = Evaluator(env, {}, {}).value(node, frozenset())
    except Exception:  # noqa: BLE001 - anything the project cannot read is simply not a case
        return None
    return text if back == expr else None



LOG = os.environ.get("DERIVATIONS_FUZZ_LOG")  # a file to append every checked pair to (one JSON line each)


def check_logged(claim: Claim, lhs: str, rhs: str, expect: str, kind: str) -> dict[str, Any]:
    """The verdict of ``claim`` (whose sides read ``lhs`` and ``rhs``), noted for Hypothesis's report of a
    failing example and, with ``DERIVATIONS_FUZZ_LOG`` set, appended to that file."""
    verdict = verify.check_claim(claim)
    note(f"claim: {lhs} = {rhs}\nverdict: {verdict['status']} ({verdict.get('method')}): {verdict.get('detail')}")
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            print(json.dumps({"expect": expect, "kind": kind, "lhs": lhs, "rhs": rhs, "status": verdict["status"],
                              "method": verdict.get("method"), "seconds": verdict.get("seconds")}), file=log)
    return verdict


def verdict_kind(verdict: dict[str, Any]) -> str:
    status = verdict["status"]
    return f"{status} ({verdict.get('method')})" if status == "error" else status



# ------------------------------------------------------------------------------------------- false pairs


def _subexpressions(expr: sp.Basic) -> list[sp.Basic]:
    return list(sp.preorder_traversal(expr))


def _branch_slips(node: sp.Basic) -> list[sp.Expr]:
    """Replacements of ``node`` that agree with it on part of the domain only (the classic wrong steps)."""
    if isinstance(node, sp.Abs):
        return [node.args[0], -node.args[0]]
    if isinstance(node, sp.sign):
        return [sp.Integer(1)]
    if isinstance(node, sp.atan):
        return [sp.pi / 2 - sp.atan(1 / node.args[0])]
    if isinstance(node, sp.sin | sp.tan | sp.sinh | sp.atan):
        return [node.func(sp.Abs(node.args[0]))]
    if isinstance(node, sp.Pow) and node.exp == 2:
        return [node.base * sp.Abs(node.base)]
    return []


@st.composite
def mutated(draw: st.DrawFn, expr: sp.Expr) -> tuple[str, sp.Expr]:
    """One near-miss of ``expr``: (what was changed, the changed expression). Not necessarily false: the
    oracle decides."""
    nodes = _subexpressions(expr)
    kind = draw(st.sampled_from(["coefficient", "sign", "swap", "drop", "exponent", "tiny", "tiny-factor", "branch",
                                 "absolute"]))
    if kind == "branch":  # an identity that holds on part of the domain only, applied at one node
        candidates = [(n, r) for n in nodes for r in _branch_slips(n)]
        if candidates:
            target, replacement = draw(st.sampled_from(candidates))
            return kind, expr.xreplace({target: replacement})
        kind = "absolute"
    if kind == "absolute":  # a real variable replaced by its absolute value in one subexpression
        subterms = [n for n in nodes if n.free_symbols & set(REALS) and not n.is_Symbol]
        if not subterms:
            return kind, expr.xreplace({X: sp.Abs(X), Y: sp.Abs(Y)})
        target = draw(st.sampled_from(subterms))
        variable = draw(st.sampled_from(sorted(target.free_symbols & set(REALS), key=str)))
        return kind, expr.xreplace({target: target.xreplace({variable: sp.Abs(variable)})})
    if kind == "coefficient":
        numbers = [n for n in nodes if isinstance(n, sp.Rational) and n.is_Rational]
        target = draw(st.sampled_from(numbers)) if numbers else sp.S.One
        delta = draw(st.sampled_from([sp.Rational(1, 10), sp.Rational(-1, 7), sp.Rational(1, 1000),
                                      sp.Rational(1, 10**12), sp.Integer(1)]))
        return kind, expr.xreplace({target: target + delta}) if numbers else expr + delta
    if kind == "sign":
        adds = [n for n in nodes if isinstance(n, sp.Add)]
        if not adds:
            return kind, -expr
        target = draw(st.sampled_from(adds))
        term = draw(st.sampled_from(target.args))
        return kind, expr.xreplace({target: target - 2 * term})
    if kind == "swap":
        trig = [n for n in nodes if isinstance(n, sp.sin | sp.cos)]
        if not trig:
            return kind, expr.xreplace({s: sp.Integer(-1) * s for s in REALS[:1]})
        target = draw(st.sampled_from(trig))
        other = sp.cos if isinstance(target, sp.sin) else sp.sin
        return kind, expr.xreplace({target: other(target.args[0])})
    if kind == "drop":
        adds = [n for n in nodes if isinstance(n, sp.Add)]
        if not adds:
            return kind, expr + draw(st.sampled_from(SYMBOLS))
        target = draw(st.sampled_from(adds))
        term = draw(st.sampled_from(target.args))
        return kind, expr.xreplace({target: target - term})
    if kind == "exponent":
        powers = [n for n in nodes if isinstance(n, sp.Pow) and n.exp.is_Integer]
        if not powers:
            return kind, expr * draw(st.sampled_from(SYMBOLS))
        target = draw(st.sampled_from(powers))
        return kind, expr.xreplace({target: target.base ** (target.exp + draw(st.sampled_from([1, -1])))})
    if kind == "tiny":
        return kind, expr + draw(st.sampled_from([sp.exp(-40), sp.exp(-60) * sp.sqrt(2), sp.Rational(1, 10**25)]))
    return kind, expr * (1 + draw(st.sampled_from([sp.exp(-45), sp.Rational(1, 10**22), sp.exp(-30) * sp.pi])))


# -------------------------------------------------------------------------------------------- true rewrites

def _inject_pythagoras(expr: sp.Expr, z: sp.Expr) -> sp.Expr:
    return sp.expand(expr * (sp.sin(z) ** 2 + sp.cos(z) ** 2))


def _local_identities(node: sp.Basic) -> list[sp.Expr]:
    """Correct rewrites of ``node`` on the whole declared domain (where the node is defined)."""
    if isinstance(node, sp.sin):
        u = node.args[0]
        return [2 * sp.sin(u / 2) * sp.cos(u / 2), sp.cos(sp.pi / 2 - u), 3 * sp.sin(u / 3) - 4 * sp.sin(u / 3) ** 3]
    if isinstance(node, sp.cos):
        u = node.args[0]
        return [1 - 2 * sp.sin(u / 2) ** 2, 2 * sp.cos(u / 2) ** 2 - 1, sp.sin(u + sp.pi / 2)]
    if isinstance(node, sp.tan):
        return [sp.sin(node.args[0]) / sp.cos(node.args[0])]
    if isinstance(node, sp.exp):
        u = node.args[0]
        return [sp.exp(u / 3) ** 3, sp.cosh(u) + sp.sinh(u)]
    if isinstance(node, sp.sinh):
        return [(sp.exp(node.args[0]) - sp.exp(-node.args[0])) / 2]
    if isinstance(node, sp.cosh):
        return [2 * sp.sinh(node.args[0] / 2) ** 2 + 1]
    if isinstance(node, sp.tanh):
        return [1 - 2 / (sp.exp(2 * node.args[0]) + 1)]
    if isinstance(node, sp.Abs | sp.atan | sp.asin) and not node.args[0].is_extended_real:
        return []  # the rewrites below hold for real arguments only
    if isinstance(node, sp.Abs):
        return [node.args[0] * sp.sign(node.args[0]), sp.sqrt(sp.expand(node.args[0] ** 2))]
    if isinstance(node, sp.atan):
        u = node.args[0]
        return [sp.asin(u / sp.sqrt(1 + u**2)), 2 * sp.atan(u / (1 + sp.sqrt(1 + u**2)))]
    if isinstance(node, sp.asin):
        return [sp.pi / 2 - sp.acos(node.args[0]), sp.atan(node.args[0] / sp.sqrt(1 - node.args[0] ** 2))]
    if isinstance(node, sp.acos):
        return [sp.pi / 2 - sp.asin(node.args[0])]
    if isinstance(node, sp.log) and node.args[0].is_positive:
        u = node.args[0]
        return [2 * sp.log(sp.sqrt(u)), -sp.log(1 / u)]
    if isinstance(node, sp.Pow) and node.base.is_positive and node.exp.is_Rational and not node.exp.is_Integer:
        return [sp.exp(node.exp * sp.log(node.base)), sp.sqrt(node.base ** (2 * node.exp))]
    return []


@st.composite
def locally_rewritten(draw: st.DrawFn, expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``expr`` and ``expr`` with one node replaced by a correct rewrite of it (a sum of zero added if no node
    has one)."""
    candidates = [(n, r) for n in sp.preorder_traversal(expr) for r in _local_identities(n)]
    if not candidates:
        return expr, expr + sp.sin(X + P) ** 2 + sp.cos(X + P) ** 2 - 1
    target, replacement = draw(st.sampled_from(candidates))
    return expr, expr.xreplace({target: replacement})


def _same(rewrite: Callable[[sp.Expr], sp.Expr]) -> Callable[[sp.Expr], tuple[sp.Expr, sp.Expr]]:
    return lambda e: (e, rewrite(e))


def _trig_of_sum(e: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """x replaced by x + 2y on both sides, then the angle sums expanded (sin(a + b) = ...) on one."""
    shifted = e.xreplace({X: X + 2 * Y})
    return shifted, sp.expand_trig(shifted)


REWRITES: dict[str, Callable[[sp.Expr], tuple[sp.Expr, sp.Expr]]] = {
    "expand": _same(sp.expand),
    "factor": _same(sp.factor),
    "together": _same(sp.together),
    "cancel": _same(sp.cancel),
    "apart": _same(lambda e: sp.apart(e, X) if e.is_rational_function(X) and e.has(X) else sp.expand(e)),
    "expand_trig": _trig_of_sum,
    "pythagoras": _same(lambda e: _inject_pythagoras(e, X - 2 * P)),
    "exp_sum": _same(lambda e: sp.expand(e, power_exp=True, mul=False, multinomial=False, log=False)),
    "expand_log": _same(sp.expand_log),  # no force: SymPy expands only where the arguments are positive
    "powsimp": _same(sp.powsimp),
    "expand_mul_trig": _same(lambda e: sp.expand(sp.expand_trig(e))),
}


"""Check one ``=`` claim with SymPy and say honestly how strong the result is.

Runs inside a checking worker (see `pool.py`), so it may take its time and import SymPy; the pool enforces
the hard time and memory limits. The strategy, strongest evidence first:

1. claims about plain scalars: one exact symbolic decision (`identity.decide`);
2. claims involving vectors and matrices: an attempt with symbolic dimensions (``MatrixSymbol``), which
   proves the identity for every size, always cross-checked at concrete sizes; otherwise exact checks at
   concrete sizes with symbolic entries (at least two size assignments, every dimension ≥ 2 in at least
   one of them, since many false matrix identities hold at size 1).

``by:`` steps are first checked with only the cited definitions substituted; when that is not enough, with
all definitions in scope, and the page is told which uncited ones were needed.
"""

from __future__ import annotations

import dataclasses
import functools
import time
import warnings
from collections.abc import Collection, Iterable
from typing import Any

import sympy as sp
from sympy.utilities.exceptions import SymPyDeprecationWarning

from . import identity, rational_points, vanishing
from .claims import Claim
from .declarations import Environment, FunctionDecl, MatrixDecl, ScalarDecl
from .errors import Location, SpecError
from .evaluate import Definition, EvaluationError, Evaluator, SingularMatrix, undefined
from .expr import DERIVATIVE_BUILTINS, DIMENSION_BUILTINS, NAME, RESERVED_NAMES, read_expression
from .expr_ast import BinOp, Call, Name, Neg, Node, children, names, walk
from .model import Text
from .verdict import VERIFIED, Verdict, out_of_time

# Default size assignments alternate 2 and 3 across the dimensions, then swap them, so that every
# dimension is ≥ 2 and unequal dimensions are really unequal in at least one check.
_DEFAULT_SIZE_PATTERNS = ((2, 3), (3, 2))


# A worker sees the same page's declarations and definitions again for every claim of the page; parsing
# them was 15 % of the checking time on the benchmark. Both memos hold pure values of strings (syntax trees
# and a read-only Environment), so a hit is the same object a fresh parse would build. Errors are never
# memoised: a failing parse is repeated with the claim's own location so the message points at it.
_NOWHERE = Location("")


@functools.lru_cache(maxsize=256)
def _environment_of(symbols: tuple[tuple[tuple[str, str], ...], ...]) -> Environment:
    return Environment.from_layers([{n: Text(v, _NOWHERE) for n, v in layer} for layer in symbols])


def _environment(symbols: tuple[tuple[tuple[str, str], ...], ...], location: Location) -> Environment:
    try:
        return _environment_of(symbols)
    except SpecError:
        Environment.from_layers([{n: Text(v, location) for n, v in layer} for layer in symbols])
        raise


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str, functions: frozenset[str]) -> Node:
    return read_expression(Text(text, _NOWHERE), functions=functions)


def _parse(text: str, location: Location, functions: frozenset[str]) -> Node:
    try:
        return _parse_text(text, functions)
    except SpecError:
        read_expression(Text(text, location), functions=functions)
        raise


def default_sizes(dims: list[str]) -> list[dict[str, int]]:
    """2 and 3 alternating, then swapped; with three or more dimensions also 2 or 3 by each further bit of a
    dimension's place, so that every two dimensions differ at some size; with two or more also all equal (2),
    the case the alternation never meets: det(AB)·det(BA) = 0 for A m×n, B n×m holds whenever m ≠ n and was
    accepted. The alternation alone kept the first and third of three dimensions equal at every size, and
    det(ABC) = det(BCA) for A N×D, B D×M, C M×N, false unless D = N, was "checked at sizes" (red team): the
    rule that hand-written sizes must follow (:func:`claims.check_sizes`) holds for these too."""
    if not dims:
        return [{}]
    ordered = sorted(dims)
    sizes = [{d: pattern[i % 2] for i, d in enumerate(ordered)} for pattern in _DEFAULT_SIZE_PATTERNS]
    for bit in range(1, (len(ordered) - 1).bit_length()):
        sizes.append({d: 2 + ((i >> bit) & 1) for i, d in enumerate(ordered)})
    if len(ordered) > 1:
        sizes.append(dict.fromkeys(ordered, 2))
    return sizes


def unproved_sizes(dims: list[str], mentioned: Collection[str]) -> list[dict[str, int]]:
    """All 3, for a claim with two or more dimensions that uses ``det`` and that the symbolic-dimension
    attempt did not prove (its verdict then rests on the sizes alone). A determinant at size n carries
    factors such as (-1)^n, so some false identities hold for every even or every odd size, and the default
    sizes never make two dimensions both odd and equal: det(-(M Mᵀ)) = det(M Mᵀ) for M N×D, false only where
    N is odd and D ≥ N, was "checked at sizes" (found by the matrix fuzzer). Only then, because a 3×3 check
    of a large claim can cost several times the others (a Jacobian of a quartic went from 1.5 to 8 s, near
    the 10 s limit), and a proved claim's sizes are a cross-check only."""
    return [dict.fromkeys(sorted(dims), 3)] if len(dims) > 1 and "det" in mentioned else []


LARGER_POINTS = 1
"""Agreeing rational points after which a larger size is left alone. It is tried only to refute, and a false
step, a rational function that is not 0, differs at almost every point, the first one included."""
LARGER_BUDGET_S = 1.0
"""CPU seconds for all the larger sizes of one check together."""
LARGER_SIZE_S = 0.3
"""CPU seconds for one larger size. A size that decides nothing in its time, or that takes more than a
quarter of it, ends the search, since the sizes after it are larger: a point costs milliseconds (the inverse
of a 5×5 rational matrix) unless it keeps the variable of a derivative a symbol (the t of d/dt det(A + tB):
0.2 s at 4×4, 6 s at 5×5)."""
LARGER_POINT_S = 0.25


def larger_sizes(dims: list[str], checked: list[dict[str, int]]) -> list[dict[str, int]]:
    """Sizes beyond the default ones, tried at rational points only to refute (see
    :func:`_refuted_at_larger_sizes`): 4 and 5 for one dimension; every dimension 3, then 4, then 4 and 5
    alternating both ways for more (those already among ``checked`` left out). A trace formula for the
    fourth elementary symmetric function of the eigenvalues, tr(A)⁴ - 6 tr(A)² tr(A²) + ... = 0, holds for
    every n×n matrix with n ≤ 3 and was "checked at sizes n = 2; n = 3"; its third-order twin for the
    product of an n×m and an m×n matrix holds whenever m or n is at most 2, so at every default size, and
    failed only at m = n = 3 (red team 4)."""
    ordered = sorted(dims)
    if not ordered:
        return []
    if len(ordered) == 1:
        candidates = [{ordered[0]: 4}, {ordered[0]: 5}]
    else:
        candidates = [dict.fromkeys(ordered, 3), dict.fromkeys(ordered, 4),
                      {d: (4, 5)[i % 2] for i, d in enumerate(ordered)},
                      {d: (5, 4)[i % 2] for i, d in enumerate(ordered)}]
    return [s for s in candidates if s not in checked]


class _Context:
    """The parsed claim: environment, both sides, definitions."""

    def __init__(self, claim: Claim, time_limit_s: float | None = None) -> None:
        self.time_limit_s = time_limit_s
        self.deadlines = _deadlines(time_limit_s)
        self.env = _environment(claim.symbols, claim.location)
        functions = self.env.functions
        self.lhs = _parse(claim.lhs, claim.location, functions)
        self.rhs = _parse(claim.rhs, claim.location, functions)
        self.definitions = {name: Definition(name, _parse(text, claim.location, functions))
                            for name, text in claim.definitions}
        self.cited = frozenset(claim.cited)
        # Names used by the claim, following definitions and function arguments transitively (the sizes, the
        # note on inverses and the citation check all ask).
        self.mentioned = frozenset(self.reachable(names(self.lhs) | names(self.rhs)))
        self.dims = self.dimensions()  # the same for every set of substituted definitions
        self.sizes = [dict(s) for s in claim.sizes] or default_sizes(self.dims)
        self.unproved_sizes = [] if claim.sizes else unproved_sizes(self.dims, self.mentioned)
        # Every dimension 1, only to refute (see :func:`_refuted_at_size_one`); hand-written sizes are the
        # author's statement of where the claim is meant to hold.
        self.size_one = [] if claim.sizes or not self.dims else [dict.fromkeys(self.dims, 1)]
        # Larger sizes, only to refute and only at rational points (see :func:`_refuted_at_larger_sizes`); as
        # for size 1, not with hand-written sizes.
        self.larger_sizes = [] if claim.sizes else larger_sizes(self.dims, self.sizes + self.unproved_sizes)

    def reachable(self, start: set[str], *, function_arguments: bool = True,
                  opaque: frozenset[str] = frozenset()) -> set[str]:
        """``start`` and every name its definitions use, transitively (and, if asked, the declared
        arguments of the functions met); the definitions of the ``opaque`` names are not followed."""
        todo = set(start)
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.definitions and name not in opaque:
                todo |= names(self.definitions[name].node)
            decl = self.env.get(name)
            if function_arguments and isinstance(decl, FunctionDecl):
                todo |= set(decl.args)
        return seen

    def dimensions(self) -> list[str]:
        dims: set[str] = set()
        for name in self.mentioned:
            if name in self.env.dims:  # an argument of eye(N) or zeros(N, D), the only place a dimension is written
                dims.add(name)
                continue
            decl = self.env.get(name)
            if isinstance(decl, FunctionDecl):
                decl = decl.result if isinstance(decl.result, MatrixDecl) else None
            if isinstance(decl, MatrixDecl):
                dims |= {d for d in (decl.rows, decl.cols) if isinstance(d, str)}
        return sorted(dims)


def _deadlines(time_limit_s: float | None) -> tuple[float, float] | None:
    """CPU-clock deadlines for the exact check at sizes and for the rational-point fallback after it: the
    fallback gets the last quarter of the limit (at most 2 s; a point costs milliseconds) and stops a little
    before the pool would kill the worker. None without a limit: the exact check alone, as long as it takes."""
    if time_limit_s is None or time_limit_s <= 0:
        return None
    start = time.process_time()
    return (start + time_limit_s - min(2.0, 0.25 * time_limit_s),
            start + time_limit_s - min(0.5, 0.1 * time_limit_s))


def _decide_at(ctx: _Context, expand: frozenset[str], sizes: dict[str, int]) -> identity.Outcome | None:
    """The exact check at ``sizes``; when the step can be evaluated at rational points and a time limit is
    known, the exact check stops at its deadline and the points decide (``None``: time ran out for both)."""
    if ctx.deadlines is None:
        return _decide(Evaluator(ctx.env, ctx.definitions, sizes), ctx, expand)
    exact_deadline, deadline = ctx.deadlines
    left = exact_deadline - time.process_time()
    if left > 0:  # the evaluator lives in the attempt only: what it built is freed before the points
        run = identity.budgeted(lambda: _decide(Evaluator(ctx.env, ctx.definitions, sizes), ctx, expand), left,
                                catch=False)
        if run.ok:
            return run.value
    if deadline <= time.process_time():
        return None
    run = identity.budgeted(lambda: rational_points.decide(ctx.env, ctx.definitions, sizes, (ctx.lhs, ctx.rhs),
                                                           expand, deadline=deadline),
                            deadline - time.process_time(), catch=False)
    return run.value if run.ok else None


def _decide(ev: Evaluator, ctx: _Context, expand: frozenset[str]) -> identity.Outcome:
    (lhs, left_parts), (rhs, right_parts) = ev.side(ctx.lhs, expand), ev.side(ctx.rhs, expand)
    lshape, rshape = getattr(lhs, "shape", None), getattr(rhs, "shape", None)
    if lshape != rshape:
        return identity.Outcome("refuted", "shape", f"the sides have shapes {lshape} and {rshape}")
    for side, value in (("left", lhs), ("right", rhs)):
        if undefined(value):
            # SymPy folds 0/0, 1/0 and log(0) into nan or zoo at once, and nan == nan structurally: without
            # this, 3 + 0*(0/0) = 5 + 0*(0/0) was "proved". Such a step is not checkable, never verified.
            return identity.Outcome("unknown", "undefined value",
                                    f"the {side} side is undefined ({_UNDEFINED_NOTE})")
    # A divisor that is 0 only by an identity is not folded, and 0*z, z - z, z/z cancel it away as the side is
    # built: 0*x/(sin(x)**2 + cos(x)**2 - 1) = 0 was proved. Within the step's time, as the check proper.
    found = vanishing.first_vanishing((("left", left_parts), ("right", right_parts)),
                                      deadline=None if ctx.deadlines is None else ctx.deadlines[1])
    if found is not None:
        return identity.Outcome("unknown", "undefined value", vanishing.message(*found))
    return identity.decide(lhs, rhs)


_UNDEFINED_NOTE = ("it contains nan, zoo, an infinity or an interval of values: a division by zero, log(0), "
                   "tan(pi/2) or atan(1/0)?")


def _symbolic_all_dims(ctx: _Context, expand: frozenset[str]) -> bool:
    """True only if SymPy shows lhs − rhs is the zero matrix (or 0) for symbolic dimensions.

    SymPy's own deprecation warnings are silenced here: the derivative of (xᵀAx)² by a matrix symbol makes an
    ArrayContraction that MatMul warns about, fifteen lines on the CLI's stderr for a claim that is then
    checked at sizes, correctly (red team)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SymPyDeprecationWarning)
            ev = Evaluator(ctx.env, ctx.definitions, None)
            lhs, rhs = ev.value(ctx.lhs, expand), ev.value(ctx.rhs, expand)
            difference = (lhs - rhs).expand()
    except Exception:  # noqa: BLE001 - any failure of this optional attempt just means "no proof this way"
        return False
    return bool(difference == 0 or getattr(difference, "is_ZeroMatrix", False))


def _check(ctx: _Context, expand: frozenset[str]) -> Verdict:
    """Check the claim with the definitions in ``expand`` substituted; a step whose two sides are one
    expression is checked all the same, and said to be notation (:func:`_written_alike`) only if it holds."""
    verdict = _check_sides(ctx, expand)
    if ctx.lhs == ctx.rhs and verdict.status in _HOLDS:
        return _written_alike(ctx.dims)
    return verdict


def _check_sides(ctx: _Context, expand: frozenset[str]) -> Verdict:
    """The check proper: the sides evaluated at every size (symbolic dimensions too where they can be), so
    that a side with no value at some size, undefined or a singular matrix, is never verified. The step
    whose sides are one expression goes through it too: inv(y yᵀ) = inv(y yᵀ) for a vector y has a value
    with symbolic dimensions, Inverse(y yᵀ), and a singular matrix at every checked size; it was "proved
    for all dimensions" as notation when only the symbolic side was evaluated first."""
    dims = ctx.dims
    if not dims:
        return _from_outcome(_decide(Evaluator(ctx.env, ctx.definitions, {}), ctx, expand), status_if_proved="proved")
    all_dims = _symbolic_all_dims(ctx, expand)
    methods: list[str] = []
    weakest_numeric = False
    fewest_points = 0  # of the sizes decided numerically: the evidence is as strong as its weakest size
    checked = ctx.sizes if all_dims else ctx.sizes + ctx.unproved_sizes
    ran_out: list[dict[str, int]] = []  # sizes decided by rational points after the exact check ran out of time
    for sizes in checked:
        try:
            outcome = _decide_at(ctx, expand, sizes)
        except SingularMatrix as err:
            return Verdict("error", method="evaluation", sizes=[sizes], detail=f"{err}{_SINGULAR_HINT}")
        if outcome is None:
            verdict = out_of_time(ctx.time_limit_s or 0.0)
            verdict.sizes = [sizes]
            return verdict
        if outcome.status == "numeric" and outcome.method == rational_points.METHOD:
            ran_out.append(sizes)
        if outcome.status != "proved" and outcome.status != "numeric":
            return _disagreement([sizes]) if all_dims and outcome.status == "refuted" else _decided_at(outcome, sizes)
        if outcome.status == "numeric":
            fewest_points = outcome.points if not weakest_numeric else min(fewest_points, outcome.points)
            weakest_numeric = True
        method = identity.method_name(outcome.method)
        if method not in methods:
            methods.append(method)
    refuted = None
    if ctx.lhs != ctx.rhs:  # one expression on both sides has one value wherever it has any: no size refutes it
        refuted = _refuted_at_size_one(ctx, expand) or (None if all_dims else _refuted_at_larger_sizes(ctx, expand))
    if refuted is not None:
        return _disagreement(refuted.sizes) if all_dims else refuted
    if weakest_numeric:
        detail = "agreement at random points at the listed sizes: evidence, not proof"
        if ran_out:
            shown = "; ".join(", ".join(f"{d} = {n}" for d, n in s.items()) for s in ran_out)
            detail += f" (the exact check ran out of time at {shown}; {_PROVISIONAL_NOTE})"
        return Verdict("numeric", method=", ".join(methods), sizes=checked, points=fewest_points,
                       detail=detail, provisional=bool(ran_out))
    if all_dims:
        return Verdict("proved-all", method="MatrixSymbol expand", sizes=checked,
                       detail="proved with symbolic dimensions; cross-checked exactly at the listed sizes")
    return Verdict("sizes", method=", ".join(methods), sizes=checked,
                   detail="exact check with symbolic entries at each listed size")


#: The method of a step whose sides are one expression (see :func:`_written_alike`).
SAME_EXPRESSION = "same expression"

def _written_alike(dims: list[str]) -> Verdict:
    """The verdict of a step whose two `sympy` forms are the same expression: a change of notation, such as
    (g ∘ f)(x) = g(f(x)) on the chain-rule page. It holds for every size and wherever the sides are defined,
    and saying so is more honest than "checked at sizes" after evaluating one expression twice (an audit
    of the seed page found exactly that); the method also shows a reviewer that nothing but the TeX changed."""
    return Verdict("proved-all" if dims else "proved", method=SAME_EXPRESSION,
                   detail="both sides are the same expression as written in their sympy fields, so the step "
                          "holds wherever they are defined; whatever differs is in the TeX only")


def _decided_at(outcome: identity.Outcome, sizes: dict[str, int]) -> Verdict:
    """The verdict of ``outcome``, reached at ``sizes``, which it names."""
    verdict = _from_outcome(outcome, status_if_proved="sizes")
    verdict.sizes = [sizes]
    return verdict


def _disagreement(sizes: list[dict[str, int]]) -> Verdict:
    """A concrete size refuted what the symbolic dimensions proved: a bug of ours, never a verdict."""
    return Verdict("error", method="engine disagreement",
                   detail="the symbolic-dimension proof and a concrete-size check disagree; please report this",
                   sizes=sizes)


def _refuted_at_size_one(ctx: _Context, expand: frozenset[str]) -> Verdict | None:
    """The refutation at size 1 of a claim that held at its default sizes, or None.

    Size 1 is never evidence (many false identities hold there: (AB)ᵀ = AᵀBᵀ), but a counterexample there
    is one: det(x yᵀ) = 0 for vectors x, y of size n holds from n = 2 on and was "checked at sizes n = 2,
    n = 3" although it fails at n = 1 (red team 3). Only a counterexample counts: a singular matrix, a time
    limit or a 1×1 matrix that the evaluator made a scalar on one side only (a shape "refutation") say
    nothing about the claim."""
    for sizes in ctx.size_one:
        try:
            outcome = _decide_at(ctx, expand, sizes)
        except (SingularMatrix, EvaluationError):
            continue
        if outcome is not None and outcome.status == "refuted" and outcome.method != "shape":
            return _decided_at(outcome, sizes)
    return None


def _refuted_at_larger_sizes(ctx: _Context, expand: frozenset[str]) -> Verdict | None:
    """The refutation at a size beyond the checked ones (:func:`larger_sizes`) of a claim that held at every
    checked size and was not proved for all dimensions, or None.

    "Checked at sizes" is a proof for the sizes it names, and a claim can hold at every default size and
    fail at a larger one (a dimension-specific identity such as a trace formula that is true only while
    n ≤ 3). A few exact rational points at the larger sizes (milliseconds each) catch such a claim; as at
    size 1, agreement there is no evidence and is not reported, and a singular matrix or a point that takes
    too long decides nothing. Exact arithmetic: a point where both sides are defined and differ is a
    counterexample, with no rounding. Bounded by :data:`LARGER_BUDGET_S` and by the check's deadline."""
    if not ctx.larger_sizes:
        return None
    stop = time.process_time() + LARGER_BUDGET_S
    if ctx.deadlines is not None:
        stop = min(stop, ctx.deadlines[1])
    for sizes in ctx.larger_sizes:
        now = time.process_time()
        until = min(stop, now + LARGER_SIZE_S)
        if until <= now:
            return None
        run = identity.budgeted(
            functools.partial(rational_points.decide, ctx.env, ctx.definitions, sizes, (ctx.lhs, ctx.rhs), expand,
                              deadline=until, enough=LARGER_POINTS, why=_LARGER_WHY, point_budget=LARGER_POINT_S),
            until - now, catch=False)
        outcome = run.value if run.ok else None
        if outcome is not None and outcome.status == "refuted":
            return _decided_at(outcome, sizes)
        if outcome is None or time.process_time() - now > LARGER_SIZE_S / 4:
            return None  # slow here: a larger size would take longer still
    return None


_LARGER_WHY = ("the step holds at the sizes checked before, and this larger size is tried only to refute it: "
               "\"checked at sizes\" would have been a proof for those sizes only")

_PROVISIONAL_NOTE = "a longer `time_limit` may prove it; this verdict is not cached"

# A default size can make a matrix singular that the page means at other sizes: the normal equations'
# ΦᵀΦ (N×D) at N = 2, D = 3 (a hunt over ML identities found least-squares steps failing this way).
_SINGULAR_HINT = ("; if it is invertible only at some sizes (ΦᵀΦ needs at least as many rows as columns), "
                  "give `sizes` where it is")


def _from_outcome(outcome: identity.Outcome, status_if_proved: str) -> Verdict:
    if outcome.status == "proved":
        method = identity.method_name(outcome.method)
        return Verdict(status_if_proved, method=method, detail=outcome.detail)  # type: ignore[arg-type]
    if outcome.status == "numeric":
        return Verdict("numeric", method=outcome.method, points=outcome.points,
                       detail=outcome.detail or "agreement at random points: evidence, not proof")
    if outcome.status == "refuted":
        return Verdict("refuted", method=outcome.method, detail=outcome.detail,
                       counterexample=outcome.counterexample, points=outcome.points)
    return Verdict("error", method=outcome.method or "undecided",
                   detail=outcome.detail or "SymPy could neither prove nor refute this step")


_HOLDS = VERIFIED | {"numeric"}


def _remaining_defined(ctx: _Context, expand: frozenset[str]) -> list[str]:
    """Defined names a claim still mentions once the definitions in ``expand`` are substituted."""
    out: set[str] = set()
    todo = list(names(ctx.lhs) | names(ctx.rhs))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in ctx.definitions:
            continue
        seen.add(name)
        if name in expand:
            todo.extend(names(ctx.definitions[name].node))
        else:
            out.add(name)
    return sorted(out)


def _inside_derivatives(ctx: _Context, expand: frozenset[str]) -> set[str]:
    """The defined names a check with ``expand`` substitutes inside derivatives, where every definition but
    the variables' is substituted whatever the citation (``Evaluator.inside_derivatives``), following
    definitions as the evaluator does. (A bare function of a defined argument is never evaluated, see
    ``Evaluator._refuse_defined_arguments``, so its arguments need no following here.)"""
    found: set[str] = set()
    seen: set[tuple[str, bool, frozenset[str]]] = set()
    todo: list[tuple[Node, bool, frozenset[str]]] = [(ctx.lhs, False, frozenset()), (ctx.rhs, False, frozenset())]
    while todo:
        node, inside, bound = todo.pop()
        if isinstance(node, Name):
            name = node.id
            if name in ctx.definitions and name not in bound and (inside or name in expand):
                if inside:
                    found.add(name)
                if (name, inside, bound) not in seen:
                    seen.add((name, inside, bound))
                    todo.append((ctx.definitions[name].node, inside, bound))
        elif isinstance(node, Call) and node.func in DERIVATIVE_BUILTINS and len(node.args) >= 2:
            todo.append((node.args[0], True, bound | names(node.args[1])))  # enclosing variables stay bound
            todo.extend((arg, inside, bound) for arg in node.args[1:])
        else:
            todo.extend((child, inside, bound) for child in children(node))
    return found


def _inverts(ctx: _Context) -> bool:
    """Whether the claim inverts a matrix with a symbol in it: ``inv(...)``, or ``M**-k`` of a vector or
    matrix expression. A matrix of numbers (an example's data, given in `where`) is inverted as it is, or
    refused as singular, so "holds wherever the inverted matrices are invertible" would say nothing there
    (a contributor's trial asked what it meant under inv([[3, 1], [1, 3]]))."""
    nodes = [ctx.lhs, ctx.rhs, *(ctx.definitions[n].node for n in ctx.mentioned if n in ctx.definitions)]
    for top in nodes:
        for node in walk(top):
            if isinstance(node, Call) and node.func == "inv":
                operand = node.args[0]
            elif (isinstance(node, BinOp) and node.op == "**" and isinstance(node.right, Neg)
                    and any(_matrix_valued(ctx, n) for n in names(node.left))):
                operand = node.left
            else:
                continue
            if any(isinstance(ctx.env.get(n), ScalarDecl | MatrixDecl | FunctionDecl) and n not in ctx.definitions
                   for n in ctx.reachable(names(operand))):
                return True
    return False


def _matrix_valued(ctx: _Context, name: str) -> bool:
    decl = ctx.env.get(name)
    if isinstance(decl, FunctionDecl):
        decl = decl.result
    return name in ("Matrix", "jacobian", "grad") or name in DIMENSION_BUILTINS or isinstance(decl, MatrixDecl)


def _uses_note(extra: Iterable[str]) -> str:
    return "also uses the definition of " + ", ".join(f"`{n}`" for n in sorted(extra))


def _names_outside_derivatives(top: Node) -> set[str]:
    """The names ``top`` uses outside the arguments of every derivative (``diff``, ``jacobian``, ...)."""
    found: set[str] = set()
    todo = [top]
    while todo:
        node = todo.pop()
        if isinstance(node, Call) and node.func in DERIVATIVE_BUILTINS:
            continue
        if isinstance(node, Name):
            found.add(node.id)
        todo.extend(children(node))
    return found


def _constant_notes(ctx: _Context) -> list[str]:
    """Why a refuted derivative may be the contributor's declaration, not their algebra: a declared scalar
    with no definition is a constant, so d/dt of it is 0, which is rarely what `diff(L, t)` meant."""
    constant_in: dict[str, set[str]] = {}  # name -> the variables it is differentiated by as a constant
    # A name the claim also uses outside every derivative is a quantity in its own right there (the mean and
    # the scale of a Gaussian, the other terms of a softmax normaliser): naming each of them on every wrong
    # derivative buried the step's real fault under notes that told the contributor to break the page.
    outside = ctx.reachable(_names_outside_derivatives(ctx.lhs) | _names_outside_derivatives(ctx.rhs),
                            function_arguments=False)
    derivatives = [(node.args[0], node.args[1].id) for top in (ctx.lhs, ctx.rhs) for node in walk(top)
                   if isinstance(node, Call) and node.func in ("diff", "Derivative") and isinstance(node.args[1], Name)]
    # A name the claim differentiates by is a coordinate of its own (θ beside r in a polar Laplacian): the
    # note told a contributor whose step lacked a factor 1/r to make θ a function of r, x and y.
    coordinates = {variable for _, variable in derivatives}
    for operand, variable in derivatives:
        # Definitions are substituted inside a derivative, so follow them; but not the variable's own: with
        # y := x - 5, d/dy sqrt(y²) keeps y a variable, and a note blaming the constant x misled (red team).
        for name in ctx.reachable(names(operand), function_arguments=False, opaque=frozenset({variable})):
            if (name not in ctx.definitions and name not in coordinates and name not in outside
                    and isinstance(ctx.env.get(name), ScalarDecl)):
                constant_in.setdefault(name, set()).add(variable)
    # One note per name: a second derivative by two variables of two such names (the labels of a softmax
    # loss) gave four notes on one line, burying the counterexample (a docs-only trial).
    notes = []
    for name, variables in sorted(constant_in.items()):
        ordered = sorted(variables)
        listed = " or ".join(f"`{v}`" for v in ordered)
        what, them = ("derivative is", listed) if len(ordered) == 1 else ("derivatives by them are", "them")
        notes.append(f"`{name}` has no definition in scope here and is not a function of {listed}, so its "
                     f"{what} 0; if it should depend on {them}, define it (`:=`) or declare it "
                     f"`function({', '.join(ordered)})`")
    return notes


def _given_notes(claim: Claim, ctx: _Context) -> list[str]:
    """Why a refuted step that cites a `given` may be the citation's fault: a given is never substituted, so
    `by:` a row `Ex = mu` does not let the check use it (the step was refuted at a point where Ex is not mu).
    Only for givens that share a name with the claim: a citation of an unrelated one explains nothing."""
    notes = []
    for label, lhs, rhs in claim.given_cited:
        if not (set(NAME.findall(f"{lhs} {rhs}")) - RESERVED_NAMES) & ctx.mentioned:
            continue
        name = lhs.strip()
        if not _given_would_help(claim, ctx, name, rhs):
            continue
        fix = (f"if `{name}` stands for `{rhs}`, make that row a definition (`rel: ':='`)" if NAME.fullmatch(name)
               else "state what the step needs as a `:=` definition of a name")
        notes.append(f"`by: {label}` cites `{lhs} = {rhs}`, a `given`, which the check never uses (a given is "
                     f"not substituted): {fix}")
    return notes


GIVEN_TRIAL_S = 1.0
"""CPU seconds for checking a refuted step again with a cited given as a definition (:func:`_given_would_help`)."""


def _given_would_help(claim: Claim, ctx: _Context, name: str, rhs: str) -> bool:
    """Whether the refuted step might hold with the cited given ``name = rhs`` substituted, as the note on it
    supposes: the step is checked again with the given as a definition, and a refutation then too means the
    given is not what the step lacks. `Ex + x = Ex + 2x` citing the given `Ex = mu` was told to make that
    row a definition, which would not have made it true (regression hunt 5). Anything but that refutation
    (a given that is not a name's, that could not be a definition, or a check out of its time) keeps the
    note."""
    definable = isinstance(ctx.env.get(name), ScalarDecl | MatrixDecl) and name not in ctx.definitions
    if not (NAME.fullmatch(name) and definable) or name in set(NAME.findall(rhs)):
        return True
    budget = GIVEN_TRIAL_S
    if ctx.deadlines is not None:  # within the claim's limit: a refutation must not become "out of time"
        budget = min(budget, ctx.deadlines[1] - time.process_time())
        if budget <= 0:
            return True
    trial = dataclasses.replace(claim, definitions=(*claim.definitions, (name, rhs)), given_cited=())
    try:
        run = identity.budgeted(lambda: _check_with_citations(_Context(trial)), budget, catch=False)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a trial that fails says nothing against the note
        return True
    return not (run.ok and run.value.status == "refuted")


def check_equal(claim: Claim, time_limit_s: float | None = None) -> Verdict:
    """Check one claim. With ``time_limit_s`` (the pool's limit, CPU seconds) a step at concrete sizes keeps
    time to fall back on exact evaluation at rational points (``rational_points``) before the pool kills it."""
    ctx = _Context(claim, time_limit_s)
    verdict = _check_with_citations(ctx)
    if verdict.status == "refuted":
        verdict.notes.extend(_constant_notes(ctx))
        verdict.notes.extend(_given_notes(claim, ctx))
    if verdict.status in _HOLDS and _inverts(ctx):
        # SymPy cancels M·M⁻¹ to I and inverts matrices of symbols generically: say what that assumes.
        verdict.notes.append("holds wherever the inverted matrices are invertible")
    return verdict


def _check_with_citations(ctx: _Context) -> Verdict:
    everything = frozenset(ctx.definitions)
    if not ctx.cited:
        return _check(ctx, everything)
    # Substituting a definition the claim never reaches changes nothing, so two sets that agree on the
    # reached names give the same verdict: it is computed once (a true step that cannot be proved would
    # otherwise run every budgeted transform twice).
    reached = ctx.mentioned
    done: dict[frozenset[str], Verdict] = {}

    def check(expand: frozenset[str]) -> Verdict:
        key = expand & reached
        if key not in done:
            done[key] = _check(ctx, expand)
        return done[key]

    verdict = check(ctx.cited)
    if verdict.status in _HOLDS:
        # A derivative substitutes every definition, cited or not: a citation it uses cannot be left out,
        # and an uncited definition it uses is named.
        if not _inside_derivatives(ctx, frozenset()) & ctx.cited and check(frozenset()).status in _HOLDS:
            verdict.notes.append("holds even without the cited definition")
        extra = _inside_derivatives(ctx, ctx.cited) - ctx.cited
        if extra:
            verdict.notes.append(_uses_note(extra))
        return verdict
    if verdict.status == "error" and verdict.method == "engine disagreement":
        return verdict
    full = check(everything)
    if full.status in _HOLDS:
        extra = set(_remaining_defined(ctx, ctx.cited)) | (_inside_derivatives(ctx, everything) - ctx.cited)
        if extra:
            full.notes.append(_uses_note(extra))
    return full


def check_claim(claim: Claim, time_limit_s: float | None = None) -> dict[str, Any]:
    """Worker entry point: a claim in, a verdict (as a dict) out; never raises."""
    started = time.perf_counter()
    try:
        verdict = check_equal(claim, time_limit_s)
    except MemoryError:
        raise  # the pool reports it with the limit that was hit
    except RecursionError:
        verdict = Verdict("error", method="limit", detail="the expression is too deeply nested to check")
    except EvaluationError as err:
        verdict = Verdict("error", method="evaluation", detail=str(err))
    except ValueError as err:
        if "4300 digits" in str(err):  # Python's cap on converting huge integers to text (and back)
            verdict = Verdict("error", method="limit",
                              detail="a number in this step grows past 4300 digits, too large to check")
        else:
            verdict = Verdict("error", method="internal error", detail=f"ValueError: {err}")
    except Exception as err:  # noqa: BLE001 - a crash must become an error verdict, never a green check
        verdict = Verdict("error", method="internal error", detail=f"{type(err).__name__}: {err}")
    verdict.seconds = round(time.perf_counter() - started, 4)
    return verdict.to_dict()


def warm_up() -> None:
    """Pay for importing SymPy (and its first-use caches) in a worker's initializer, before its clock runs."""
    x = sp.Symbol("x")
    sp.simplify(sp.sin(x) ** 2 + sp.cos(x) ** 2)
    vanishing.zero_everywhere(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1)  # strict evalf of a hidden 0, the slow kind

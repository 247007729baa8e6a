"""Property-based hunt for false accepts and false refutes through DEFINITIONS (``:=``, ``where``) and the
COMPLEX variable (derandomized: the same run every time). Companion of ``test_verifier_soundness_fuzz.py``,
whose generators, mutations, rewrites and oracle it reuses (``fuzz_support.py``).

**Definitions.** A page declares ``x``, ``y`` real, ``p``, ``q`` positive, ``w`` complex and two names ``v`` and
``u`` with random declarations (``positive``, ``real``, ``nonzero``, ...), and defines them from random
expressions: ``v := <expr in x, y, p, q, w>``, ``u := <expr, possibly in v>``, each as a labelled ``:=`` row or
in the page's ``where``. A definition is not checked against its name's declaration, so ``u: positive`` with
``u := x - 5`` is allowed and the declaration proves nothing (docs/verdicts.md, "by semantics"). A last block
then claims ``E = R`` with ``E`` an expression in ``u``, ``v`` and the variables (often around the places where a
declared assumption matters: ``sqrt(u**2)``, ``Abs(u)``, ``sign(u)``, ``log(u*p)``, ...), with a random ``by:``
(none: every definition is substituted; some of the definition rows, or only the row of an unrelated
definition ``k := 1``: the uncited names stay opaque symbols
that keep only the assumptions their definitions provably have).

The meaning of such a claim, as docs/format.md gives it, is the claim with the definitions substituted; inside a
derivative every definition but the derivative's variable is substituted, and the variable's own definition is
put in after differentiating. The oracle evaluates it exactly so, and independently of SymPy: a defined name's
value at a point is its definition's value there, computed by the oracle's own mpmath tree walk
(``fuzz_support.mp_value`` with ``definitions``), so ``d/dx`` of an expression in ``u`` moves ``u`` with ``x``, and
``d/du`` holds the others fixed and then puts ``u``'s definition in.

* **false**: ``R`` is a near-miss of ``E`` (the shared mutations), an *assumption slip* (``E`` rewritten by SymPy
  as if ``u`` and ``v`` had their declared assumptions: ``sqrt(u**2) -> u`` for ``u: positive``, ``expand_log``,
  ``powdenest``, ...), ``E`` with a mutated definition put in, or a near-miss of the derivative. Counted false
  only when the oracle sees a large gap at two points, or at one point where both sides are real. Property:
  never an accepting verdict.
* **true**: ``R`` is a SymPy rewrite of ``E`` with the definitions put in, of ``E`` itself (``u`` generic: valid
  for every value), ``E`` with the definitions put in at some places only, an assumption slip whose declared
  assumptions the definition has by construction (``u: positive`` with ``u := exp(x)``), or ``sympy.diff``.
  The oracle must see no gap at any point (else the test is wrong). Property: never ``refuted``.

**Complex.** Expressions dominated by ``w`` (polynomials and rational functions with complex coefficients,
``exp``, ``sin``, ``cos``, hyperbolic functions, ``Abs``, ``sign`` (written ``w/Abs(w)``, as the evaluator reads
it for a non-real argument), ``sqrt``, ``log``, ``atan``, with cuts), near-misses including the slips that
hold for real or positive values only (``Abs(z) -> z``, ``Abs(z)**2 -> z**2``, ``log(a*b) -> log a + log b``,
``sqrt(z**2) -> z``, ``log(exp(z)) -> z``, ``i -> -i``) and true rewrites including complex identities
(``exp(i z) = cos z + i sin z``, ``sign(z) Abs(z) = z``, ``sqrt(z)**2 = z``). The oracle samples ``w`` off the
axes and also on them (both sides of the cut ``w < 0``, where the principal branch is what SymPy means), with
complex values compared and rounding noise snapped off (a branch cut crossed by noise would show a false gap).

Every claim goes through the project's loader (``load_spec_text``, ``build_layout``) and ``verify.check_claim``;
every printed side must be read back by the project's parser and evaluator as the SymPy object it was printed
from (``u`` and ``v`` read as assumption-free symbols there). No string is ever handed to sympify, parse_expr or
eval. :data:`STATS` is printed at the end (``-s``); ``DERIVATIONS_FUZZ_EXAMPLES`` raises the examples per
property.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from fuzz_support import (
    ACCEPTING,
    DECLARED,
    FUZZ,
    REWRITES,
    SYMBOLS,
    UNARY,
    OracleCannot,
    P,
    W,
    X,
    check_logged,
    coefficients,
    environment,
    locally_rewritten,
    mutated,
    oracle_points,
    positive_coefficients,
    positive_expr,
    printed,
    real_expr,
    stable_value,
    verdict_kind,
)
from mkdocs_derivations.claims import Claim, build_layout
from mkdocs_derivations.spec import load_spec_text

pytestmark = pytest.mark.slow

# Fewer examples per property than the scalar hunt by default (this module has six properties and longer
# pages); DERIVATIONS_FUZZ_EXAMPLES sets them all alike for a real hunt.
EXAMPLES = int(os.environ.get("DERIVATIONS_FUZZ_EXAMPLES", "20"))
HUNT = settings(FUZZ, max_examples=EXAMPLES)

STATS: dict[str, Counter[str]] = {"false": Counter(), "true": Counter(), "rejected": Counter()}


def teardown_module() -> None:
    """The counts, for a hunt run with ``-s`` (see the scalar hunt's module)."""
    for kind, counts in STATS.items():
        if counts:
            print(f"\n{kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


# ------------------------------------------------------------------------------------ the defined names

U, V = sp.Symbol("u"), sp.Symbol("v")  # as the round trip reads them: the text `u` means u's definition
K = sp.Symbol("k")  # `k: real`, `k := 1` in a row of its own, never used: citing only it leaves u and v opaque
DEFINED = (V, U)  # in the order they are defined: u's definition may use v, never the other way round
GENERIC_ENV = environment({**DECLARED, "u": "complex", "v": "complex"})

# Weighted towards the declarations that SymPy acts on (a slip needs one), each word at least once.
DECLARATIONS = ("positive", "positive", "positive", "negative", "nonnegative", "nonnegative", "nonpositive", "real",
                "real", "nonzero", "real nonzero", "complex")


def _sympy_assumptions(declaration: str) -> dict[str, bool]:
    """SymPy keywords for a declaration, as the evaluator maps them (`nonzero` is ``zero=False``)."""
    return {("zero" if word == "nonzero" else word): word != "nonzero"
            for word in declaration.split() if word != "complex"}


@dataclass(frozen=True)
class Page:
    """The names' declarations and definitions, where each definition is written, and what the claim cites."""

    declarations: dict[sp.Symbol, str]
    definitions: dict[sp.Symbol, sp.Expr]  # the generic (assumption-free) SymPy form of each definition
    # declarations the definition has by construction (`positive` for exp(x)); others may or may not hold
    satisfied: dict[sp.Symbol, frozenset[str]]
    placement: dict[sp.Symbol, str]  # "row" (a labelled `:=` block) or "where" (the page's `where`)
    cited: tuple[sp.Symbol, ...]  # K: the unrelated definition's row, which leaves every other name opaque

    def substituted(self, expr: sp.Expr, keep: frozenset[sp.Symbol] = frozenset()) -> sp.Expr:
        """``expr`` with every definition but those of ``keep`` put in (u's may use v: repeated until none
        is left)."""
        mapping = {s: d for s, d in self.definitions.items() if s not in keep}
        for _ in range(len(DEFINED) + 1):
            expr = expr.xreplace(mapping)
        return expr

    def slip_symbols(self) -> dict[sp.Symbol, sp.Symbol]:
        """Each defined name as a symbol with its declared assumptions."""
        return {s: sp.Symbol(str(s), **_sympy_assumptions(self.declarations[s])) for s in self.definitions}

    def satisfies_declarations(self) -> bool:
        return all(self.declarations[s] in self.satisfied[s] for s in self.definitions)


_POSITIVE_WORDS = frozenset({"positive", "nonnegative", "nonzero", "real nonzero", "real", "complex"})
_NEGATIVE_WORDS = frozenset({"negative", "nonpositive", "nonzero", "real nonzero", "real", "complex"})
_REAL_WORDS = frozenset({"real", "complex"})


@st.composite
def definition(draw: st.DrawFn, may_use: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, frozenset[str]]:
    """A defining expression and the declarations it has by construction."""
    kind = draw(st.sampled_from(["shifted", "real", "positive", "negative", "square", "complex", "constant",
                                 "uses"] if may_use else
                                ["shifted", "real", "positive", "negative", "square", "complex", "constant"]))
    if kind == "shifted":  # the classic: positive-looking, negative for part of the domain
        return draw(st.sampled_from(SYMBOLS)) - draw(positive_coefficients) * draw(st.sampled_from([1, 10])), \
            _REAL_WORDS
    if kind == "real":
        return draw(real_expr(2).filter(lambda e: bool(e.free_symbols))), _REAL_WORDS
    if kind == "positive":
        return draw(positive_expr(2).filter(lambda e: bool(e.free_symbols))), _POSITIVE_WORDS
    if kind == "negative":
        return -draw(positive_expr(2).filter(lambda e: bool(e.free_symbols))), _NEGATIVE_WORDS
    if kind == "square":
        return draw(real_expr(1)) ** 2, frozenset({"nonnegative", "real", "complex"})
    if kind == "constant":
        c = draw(coefficients)
        return c, _POSITIVE_WORDS if c > 0 else _NEGATIVE_WORDS
    if kind == "uses":
        other = draw(st.sampled_from(may_use))
        return draw(st.sampled_from([other - 1, other * X, other**2 - P, sp.exp(other), other + W])), \
            frozenset({"complex"})
    shape = draw(st.sampled_from(["shift", "scale", "unit", "imaginary", "square"]))
    c = draw(coefficients)
    return {"shift": W + c, "scale": W * X + c, "unit": sp.exp(sp.I * X) * c, "imaginary": sp.I * P + X,
            "square": W**2 + c * W}[shape], frozenset({"complex"})


@st.composite
def pages(draw: st.DrawFn) -> Page:
    names = (V, U) if draw(st.booleans()) else (U,)
    declarations, definitions, satisfied, placement = {}, {}, {}, {}
    for s in names:
        expr, words = draw(definition(tuple(d for d in definitions if d is not s)))
        if printed(expr, GENERIC_ENV) is None:  # the page must mean what the oracle evaluates
            STATS["rejected"]["definition not printable"] += 1
            assume(False)
        declarations[s] = draw(st.sampled_from(DECLARATIONS))
        definitions[s] = expr
        satisfied[s] = words
        placement[s] = draw(st.sampled_from(["row", "row", "where"]))
    rows = [s for s in names if placement[s] == "row"]
    how = draw(st.sampled_from(["none", "unrelated", "rows"]))
    cited: tuple[sp.Symbol, ...] = ()
    if how == "unrelated":
        cited = (K,)
    elif how == "rows":
        cited = tuple(s for s in (*rows, K) if draw(st.booleans()))
    return Page(declarations, definitions, satisfied, placement, cited)


def _sensitive(draw: st.DrawFn, z: sp.Expr) -> sp.Expr:
    """``z`` in a place where its assumptions matter."""
    return draw(st.sampled_from([
        sp.sqrt(z**2), sp.Abs(z), sp.sign(z), sp.log(z), sp.sqrt(z), z ** sp.Rational(1, 3), sp.log(z**2),
        sp.sqrt(z * P), sp.log(z * P), sp.exp(sp.log(z)), sp.Abs(z) ** 2, (z**2) ** sp.Rational(3, 2),
        sp.atan(z) + sp.atan(1 / z), sp.sqrt(z) ** 2, sp.log(sp.exp(z)), sp.sqrt(1 / z), z / sp.Abs(z),
        (z**3) ** sp.Rational(1, 3), sp.asin(sp.sin(z)), sp.sqrt(z**2 + 2 * z + 1),
    ]))


@st.composite
def claim_expr(draw: st.DrawFn, page: Page) -> sp.Expr:
    """An expression in the defined names and the variables, usually with a name (or a small expression of
    it) in a place where its assumptions matter."""
    names = tuple(page.definitions)
    leaves = (*names, *names, X, P)
    parts = [draw(real_expr(2, leaves=leaves))]
    if draw(st.integers(0, 3)):
        name = draw(st.sampled_from(names))
        z = draw(st.sampled_from([name, name, name, name * X, name + P, 2 * name - 1, name * names[0]]))
        parts.append(_sensitive(draw, z))
    combine = draw(st.sampled_from(["add", "mul", "only", "only"]))
    expr = parts[-1] if combine == "only" or len(parts) == 1 else (
        parts[0] + parts[1] if combine == "add" else parts[0] * parts[1])
    assume(expr.free_symbols & set(names))
    assume(not expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo))
    return expr


def spec_text(page: Page, lhs: str, rhs: str) -> str:
    """The page: declarations, the definitions (rows labelled `def-<name>` or the page's `where`), the claim."""
    symbols = {**DECLARED, **{str(s): d for s, d in page.declarations.items()}, "k": "real"}
    lines = ["version: 1", "title: Fuzz", "symbols:"]
    lines += [f"  {name}: {decl}" for name, decl in symbols.items()]
    where = [s for s in page.definitions if page.placement[s] == "where"]
    if where:
        lines.append("where:")
        lines += [f"  {s}: {json.dumps(str(page.definitions[s]))}" for s in where]
    lines.append("blocks:")
    if K in page.cited:
        lines += ["  - math:", "      label: def-k", "      start: {tex: 'k', sympy: 'k'}",
                  "      steps:", "        - {rel: ':=', tex: '1', sympy: '1'}"]
    for s in page.definitions:
        if page.placement[s] == "row":
            defining = json.dumps(str(page.definitions[s]))
            lines += ["  - math:", f"      label: def-{s}", f"      start: {{tex: '{s}', sympy: '{s}'}}",
                      "      steps:", f"        - {{rel: ':=', tex: 'd', sympy: {defining}}}"]
    lines += ["  - math:", f"      start: {{tex: 'a', sympy: {json.dumps(lhs)}}}", "      steps:",
              "        - tex: 'b'", f"          sympy: {json.dumps(rhs)}"]
    if page.cited:
        lines.append("          by: [" + ", ".join(f"def-{s}" for s in page.cited) + "]")
    return "\n".join(lines) + "\n"


def claim_on(page: Page, lhs: str, rhs: str) -> Claim:
    text = spec_text(page, lhs, rhs)
    note(text)
    layout, errors = build_layout(load_spec_text(text, "fuzz/definitions.yml"))
    assert not errors, [str(e) for e in errors]
    (claim,) = [c for c in layout.claims if c.kind == "equal"]
    return claim


# ------------------------------------------------------------------------------------------------ the oracle

# The real and positive variables as in the scalar hunt; w also on the axes: both sides of the cut w < 0
# (where the principal branch is what SymPy means), the positive axis and the imaginary axis.
_AXIS_POINTS = (sp.Rational(-7, 3), sp.Rational(-2, 5), sp.Rational(13, 11), sp.Rational(5, 4) * sp.I)


def judged_points(seed: int) -> Iterator[dict[sp.Symbol, sp.Expr]]:
    yield from oracle_points(seed, count=8)
    rng = random.Random(seed + 1)
    base = list(oracle_points(seed + 2, count=len(_AXIS_POINTS)))
    for point, value in zip(base, _AXIS_POINTS, strict=True):
        yield {**point, W: value * rng.choice((1, sp.Rational(3, 7)))}


@dataclass
class Judgement:
    gaps: int  # points where both sides are finite, stable and far apart
    real_gaps: int  # of those, points where both sides are real
    seen: int  # points where both sides could be evaluated

    @property
    def different(self) -> bool:
        """A gap at two points, or at one where both sides are real (a complex gap alone could be a branch
        crossed by rounding that the two precisions happened to agree on)."""
        return self.gaps >= 2 or self.real_gaps >= 1


def judge(lhs: sp.Expr, rhs: sp.Expr, seed: int, definitions: Mapping[sp.Symbol, sp.Expr]) -> Judgement:
    """Both sides at every point of :func:`judged_points`. A gap counts only if it is also far above the
    rounding of the largest intermediate value (10**-100 of it, at 120 digits): ``exp(-w + exp(w))`` against
    ``cosh(w - exp(w)) - sinh(w - exp(w))`` near w = 5 is a difference of two numbers near 1e62 that is 0
    at 60 digits and at 120, a stable value far from the true 1e-62."""
    judgement = Judgement(0, 0, 0)
    for point in judged_points(seed):
        largest = [mpmath.mpf(0)]
        a = stable_value(lhs, point, True, definitions, snap=True, largest=largest)
        b = stable_value(rhs, point, True, definitions, snap=True, largest=largest) if a is not None else None
        if a is None or b is None:
            continue
        judgement.seen += 1
        with mpmath.workdps(130):
            scale = max(abs(a), abs(b))
            gap = abs(a - b)
            noise = max(scale * mpmath.mpf(10) ** -30 + mpmath.mpf(10) ** -90, largest[0] * mpmath.mpf(10) ** -100)
            if gap > noise:
                judgement.gaps += 1
                judgement.real_gaps += mpmath.im(a) == 0 and mpmath.im(b) == 0
    return judgement


# ----------------------------------------------------------------------------------------------- properties


def _sides(lhs_expr: sp.Expr, rhs_expr: sp.Expr, truth: str, lhs_text: str | None = None) -> tuple[str, str]:
    lhs = lhs_text or printed(lhs_expr, GENERIC_ENV)
    rhs = printed(rhs_expr, GENERIC_ENV)
    if lhs is None or rhs is None:
        STATS["rejected"][f"{truth}: not printable"] += 1
        assume(False)
    assert lhs is not None and rhs is not None
    return lhs, rhs


def _distinct(lhs_expr: sp.Expr, rhs_expr: sp.Expr, truth: str) -> None:
    if lhs_expr == rhs_expr:
        STATS["rejected"][f"{truth}: no change"] += 1
        assume(False)


def _judged(lhs_expr: sp.Expr, rhs_expr: sp.Expr, seed: int, definitions: Mapping[sp.Symbol, sp.Expr],
            truth: str) -> Judgement:
    try:
        return judge(lhs_expr, rhs_expr, seed, definitions)
    except OracleCannot:
        STATS["rejected"][f"{truth}: oracle cannot evaluate"] += 1
        assume(False)
        raise AssertionError("unreachable") from None


def false_property(claim: Callable[[str, str], Claim], lhs_expr: sp.Expr, rhs_expr: sp.Expr, kind: str, seed: int,
                   definitions: Mapping[sp.Symbol, sp.Expr], lhs_text: str | None = None) -> None:
    _distinct(lhs_expr, rhs_expr, "false")
    lhs, rhs = _sides(lhs_expr, rhs_expr, "false", lhs_text)
    if not _judged(lhs_expr, rhs_expr, seed, definitions, "false").different:
        STATS["rejected"]["false: oracle shows no difference"] += 1
        assume(False)
    verdict = check_logged(claim(lhs, rhs), lhs, rhs, "false", kind)
    STATS["false"][f"{kind}: {verdict_kind(verdict)}"] += 1
    assert verdict["status"] not in ACCEPTING, (
        f"FALSE ACCEPT ({kind}): {lhs} = {rhs} got {verdict['status']} ({verdict.get('method')})")


def true_property(claim: Callable[[str, str], Claim], lhs_expr: sp.Expr, rhs_expr: sp.Expr, kind: str, seed: int,
                  definitions: Mapping[sp.Symbol, sp.Expr], lhs_text: str | None = None) -> None:
    _distinct(lhs_expr, rhs_expr, "true")
    lhs, rhs = _sides(lhs_expr, rhs_expr, "true", lhs_text)
    judgement = _judged(lhs_expr, rhs_expr, seed, definitions, "true")
    # A rewrite done by SymPy that the oracle shows to be different is a bug of this test (or of SymPy).
    assert judgement.gaps == 0, f"the oracle says the 'true' rewrite ({kind}) is false: {lhs} = {rhs}"
    verdict = check_logged(claim(lhs, rhs), lhs, rhs, "true", kind)
    STATS["true"][f"{kind}: {verdict_kind(verdict)}"] += 1
    assert verdict["status"] != "refuted", (
        f"FALSE REFUTE ({kind}): {lhs} = {rhs}: {verdict.get('method')}: {verdict.get('detail')}")


# ---------------------------------------------------------------------------------------------- definitions

_SLIPS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "assumptions": lambda e: e,  # what SymPy folds by itself once the symbols carry the declarations
    "expand_log": sp.expand_log,
    "powdenest": sp.powdenest,
    "powsimp": sp.powsimp,
    "power_base": lambda e: sp.expand(e, power_base=True, mul=False, multinomial=False, log=True),
    "simplify": lambda e: sp.simplify(e, rational=True),
}


def slipped(page: Page, expr: sp.Expr, how: str) -> sp.Expr:
    """``expr`` rewritten by SymPy as if the defined names had their declared assumptions."""
    declared = page.slip_symbols()
    rewritten = _SLIPS[how](expr.xreplace(declared))
    return rewritten.xreplace({d: s for s, d in declared.items()})


def _claim_maker(page: Page) -> Callable[[str, str], Claim]:
    return lambda lhs, rhs: claim_on(page, lhs, rhs)


@HUNT
@given(pages(), st.data(), st.integers(0, 2**32))
def test_definition_near_miss_is_never_accepted(page: Page, data: st.DataObject, seed: int) -> None:
    expr = data.draw(claim_expr(page))
    kind = data.draw(st.sampled_from(["slip", "slip", "mutation", "substituted mutation", "wrong definition"]))
    if kind == "slip":
        how = data.draw(st.sampled_from(sorted(_SLIPS)))
        kind, wrong = f"slip {how}", slipped(page, expr, how)
    elif kind == "mutation":
        kind, wrong = data.draw(mutated(expr))
    elif kind == "substituted mutation":
        kind, wrong = data.draw(mutated(page.substituted(expr)))
    else:
        name = data.draw(st.sampled_from(sorted(page.definitions, key=str)))
        kind, other = data.draw(mutated(page.definitions[name]))
        kind, wrong = f"wrong definition ({kind})", page.substituted(expr.xreplace({name: other}))
    false_property(_claim_maker(page), expr, wrong, kind, seed, page.definitions)


def _partly_substituted(draw: st.DrawFn, page: Page, expr: sp.Expr) -> sp.Expr:
    """``expr`` with the definitions put in inside one subexpression only."""
    nodes = [n for n in sp.preorder_traversal(expr) if n.free_symbols & set(page.definitions) and not n.is_Symbol]
    if not nodes:
        return page.substituted(expr)
    target = draw(st.sampled_from(nodes))
    return expr.xreplace({target: page.substituted(target)})


@HUNT
@given(pages(), st.data(), st.integers(0, 2**32))
def test_definition_consequence_is_never_refuted(page: Page, data: st.DataObject, seed: int) -> None:
    expr = data.draw(claim_expr(page))
    kind = data.draw(st.sampled_from(["substituted", "rewrite of substituted", "opaque rewrite", "local",
                                      "partly substituted", "slip that holds"]))
    if kind == "substituted":
        right = page.substituted(expr)
    elif kind == "rewrite of substituted":
        rewrite = data.draw(st.sampled_from(sorted(REWRITES)))
        kind = f"{rewrite} of substituted"
        left, right = REWRITES[rewrite](page.substituted(expr))
        assume(left == page.substituted(expr))  # the shifting rewrites change both sides
    elif kind == "opaque rewrite":
        rewrite = data.draw(st.sampled_from(sorted(REWRITES)))
        kind = f"opaque {rewrite}"
        left, right = REWRITES[rewrite](expr)
        assume(left == expr)
    elif kind == "local":
        _, right = data.draw(locally_rewritten(expr))
    elif kind == "partly substituted":
        right = _partly_substituted(data.draw, page, expr)
    else:
        if not page.satisfies_declarations():
            STATS["rejected"]["true: declarations not satisfied by construction"] += 1
            assume(False)
        how = data.draw(st.sampled_from(sorted(_SLIPS)))
        kind, right = f"slip {how} that holds", slipped(page, expr, how)
    true_property(_claim_maker(page), expr, right, kind, seed, page.definitions)


@HUNT
@given(pages(), st.data(), st.booleans(), st.integers(0, 2**32))
def test_derivative_through_definitions(page: Page, data: st.DataObject, wrong: bool, seed: int) -> None:
    """d/dx through definitions and d/du by a defined name: ``sympy.diff`` must not be refuted, a near-miss
    of it must not be accepted."""
    expr = data.draw(claim_expr(page))
    variable = data.draw(st.sampled_from([X, P, *page.definitions]))
    operand = page.substituted(expr, keep=frozenset({variable}))
    assume(variable in operand.free_symbols)
    inner = printed(expr, GENERIC_ENV)
    assume(inner is not None)
    derivative = sp.diff(operand, variable)
    lhs_text = f"diff({inner}, {variable})"
    lhs = sp.Derivative(expr, variable)
    if wrong:
        kind, rhs = data.draw(mutated(derivative))
        false_property(_claim_maker(page), lhs, rhs, f"diff {kind}", seed, page.definitions, lhs_text)
    else:
        rhs = derivative if data.draw(st.booleans()) else sp.expand(derivative)
        true_property(_claim_maker(page), lhs, rhs, "diff", seed, page.definitions, lhs_text)


# -------------------------------------------------------------------------------------- the complex variable

COMPLEX_ENV = GENERIC_ENV
complex_coefficients = st.builds(lambda a, b: a + b * sp.I, coefficients, coefficients | st.just(sp.Integer(0)))


def _sign_of(z: sp.Expr) -> sp.Expr:
    """``sign(z)`` as the evaluator reads it: z/|z| for an argument that may be non-real."""
    return sp.sign(z) if z.is_extended_real else z / sp.Abs(z)


@st.composite
def complex_expr(draw: st.DrawFn, depth: int = 3) -> sp.Expr:
    """An expression dominated by ``w`` (``x`` and ``p`` as occasional leaves)."""
    try:
        return _complex_expr(draw, depth)
    except (TypeError, ValueError):  # SymPy's automatic evaluation compares a non-real number (sinh(1 - I) ...)
        assume(False)
        raise AssertionError("unreachable") from None


def _complex_expr(draw: st.DrawFn, depth: int) -> sp.Expr:
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from([W, W, W, X, P]) | complex_coefficients)
    sub = complex_expr(depth - 1)
    kind = draw(st.sampled_from(["add", "sub", "mul", "div", "pow", "poly", "rational", "exp", "sin", "cos",
                                 "hyperbolic", "tan", "abs", "sign", "sqrt", "log", "atan", "i", "affine"]))
    if kind == "add":
        return draw(sub) + draw(sub)
    if kind == "sub":
        return draw(sub) - draw(sub)
    if kind == "mul":
        return draw(sub) * draw(sub)
    if kind == "div":
        return draw(sub) / (draw(sub) + draw(complex_coefficients))
    if kind == "pow":
        return draw(sub) ** draw(st.integers(-2, 3))
    if kind in ("poly", "rational"):
        degree = draw(st.integers(1, 3))
        numerator = sum(draw(complex_coefficients) * W**k for k in range(degree + 1))
        if kind == "poly":
            return numerator
        return numerator / (W**2 + draw(complex_coefficients) * W + draw(complex_coefficients))
    if kind in UNARY:
        return UNARY[kind](draw(sub))
    if kind == "hyperbolic":
        return draw(st.sampled_from([sp.sinh, sp.cosh, sp.tanh]))(draw(sub))
    if kind == "sign":
        return _sign_of(draw(sub))
    if kind == "sqrt":
        return sp.sqrt(draw(sub))
    if kind == "log":
        return sp.log(draw(sub))
    if kind == "i":
        return sp.I * draw(sub)
    return draw(complex_coefficients) * draw(sub) + draw(complex_coefficients)


def _with_w(expr: sp.Expr) -> bool:
    return W in expr.free_symbols and not expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo)


complex_expressions = complex_expr().filter(_with_w)


def _complex_slips(node: sp.Basic) -> list[sp.Expr]:
    """Replacements of ``node`` that hold for real or positive values only (or nowhere)."""
    out: list[sp.Expr] = []
    if isinstance(node, sp.Abs):
        z = node.args[0]
        out += [z, -z, sp.sqrt(z**2)]
    if isinstance(node, sp.Pow) and isinstance(node.base, sp.Abs) and node.exp == 2:
        out.append(node.base.args[0] ** 2)
    if isinstance(node, sp.Pow) and node.exp == sp.Rational(1, 2):
        base = node.base
        if isinstance(base, sp.Pow) and base.exp == 2:
            out.append(base.base)
        if isinstance(base, sp.Mul):
            out.append(sp.Mul(*(sp.sqrt(a) for a in base.args)))
        if isinstance(base, sp.Pow) and base.exp == -1:
            out.append(1 / sp.sqrt(base.base))
    if isinstance(node, sp.Pow) and node.exp.is_Rational and isinstance(node.base, sp.Pow):
        out.append(node.base.base ** (node.base.exp * node.exp))
    if isinstance(node, sp.log):
        z = node.args[0]
        if isinstance(z, sp.Mul):
            out.append(sp.Add(*(sp.log(a) for a in z.args)))
        if isinstance(z, sp.Pow) and z.exp.is_Integer:
            out.append(z.exp * sp.log(z.base))
        if isinstance(z, sp.exp):
            out.append(z.args[0])
        out.append(sp.log(sp.Abs(z)))
    if isinstance(node, sp.atan):
        out.append(sp.pi / 2 - sp.atan(1 / node.args[0]))
    if isinstance(node, sp.exp):
        out.append(sp.exp(node.args[0].xreplace({sp.I: -sp.I})))
    return out


@st.composite
def complex_mutated(draw: st.DrawFn, expr: sp.Expr) -> tuple[str, sp.Expr]:
    try:
        return _complex_mutated(draw, expr)
    except (TypeError, ValueError):  # a mutation SymPy cannot build (w -> -w inside Derivative(re(w), w), ...)
        assume(False)
        raise AssertionError("unreachable") from None


def _one_node_replaced(draw: st.DrawFn, expr: sp.Expr,
                       replacements: Callable[[sp.Basic], list[sp.Expr]]) -> sp.Expr | None:
    """``expr`` with one node replaced by one of its ``replacements`` (a slip or a correct local identity), or
    None when no node has any."""
    candidates = [(n, r) for n in sp.preorder_traversal(expr) for r in replacements(n)]
    if not candidates:
        return None
    target, replacement = draw(st.sampled_from(candidates))
    return expr.xreplace({target: replacement})


def _complex_mutated(draw: st.DrawFn, expr: sp.Expr) -> tuple[str, sp.Expr]:
    kind = draw(st.sampled_from(["shared", "slip", "slip", "conjugate", "reflect", "rotate"]))
    nodes = [n for n in sp.preorder_traversal(expr) if W in n.free_symbols and not n.is_Symbol] or [expr]
    if kind == "slip":
        slipped = _one_node_replaced(draw, expr, _complex_slips)
        if slipped is not None:
            return kind, slipped
        kind = "conjugate"
    if kind == "conjugate":  # i -> -i in one subexpression (the conjugate, if w were real there)
        target = draw(st.sampled_from(nodes))
        if target.has(sp.I):
            return kind, expr.xreplace({target: target.xreplace({sp.I: -sp.I})})
        kind = "reflect"
    if kind == "reflect":  # w -> -w in one subexpression
        target = draw(st.sampled_from(nodes))
        return kind, expr.xreplace({target: target.xreplace({W: -W})})
    if kind == "rotate":  # w -> i w in one subexpression
        target = draw(st.sampled_from(nodes))
        return kind, expr.xreplace({target: target.xreplace({W: sp.I * W})})
    return draw(mutated(expr))


def _complex_identities(node: sp.Basic) -> list[sp.Expr]:
    """Correct rewrites of ``node`` for every complex value of its argument."""
    if isinstance(node, sp.exp):
        z = node.args[0]
        return [sp.exp(z / 2) ** 2, sp.cos(-sp.I * z) + sp.I * sp.sin(-sp.I * z), sp.cosh(z) + sp.sinh(z)]
    if isinstance(node, sp.cos):
        z = node.args[0]
        return [(sp.exp(sp.I * z) + sp.exp(-sp.I * z)) / 2, 1 - 2 * sp.sin(z / 2) ** 2]
    if isinstance(node, sp.sin):
        z = node.args[0]
        return [(sp.exp(sp.I * z) - sp.exp(-sp.I * z)) / (2 * sp.I), 2 * sp.sin(z / 2) * sp.cos(z / 2)]
    if isinstance(node, sp.Abs):
        z = node.args[0]
        return [sp.Abs(z * sp.exp(sp.I * P)), sp.Abs(2 * z) / 2, sp.sqrt(sp.Abs(z) ** 2)]
    if isinstance(node, sp.Pow) and node.exp == sp.Rational(1, 2):  # sqrt(z) = 2 sqrt(z/4), sqrt(w z) unsplit
        return [2 * sp.sqrt(node.base / 4)]
    if isinstance(node, sp.log):
        return [sp.log(node.args[0] / 2) + sp.log(2), 2 * sp.log(sp.sqrt(node.args[0]))]
    if isinstance(node, sp.atan):
        z = node.args[0]
        return [sp.I / 2 * (sp.log(1 - sp.I * z) - sp.log(1 + sp.I * z))]
    return []


@st.composite
def complex_rewritten(draw: st.DrawFn, expr: sp.Expr) -> tuple[str, sp.Expr]:
    kind = draw(st.sampled_from(["identity", "identity", "expand", "factor", "together", "cancel", "apart",
                                 "exp_sum", "powsimp", "pythagoras"]))
    if kind == "identity":
        rewritten = _one_node_replaced(draw, expr, _complex_identities)
        if rewritten is not None:
            return kind, rewritten
        kind = "expand"
    if kind == "apart":
        return kind, sp.apart(expr, W) if expr.is_rational_function(W) else sp.expand(expr)
    if kind == "pythagoras":
        return kind, sp.expand(expr * (sp.sin(W) ** 2 + sp.cos(W) ** 2))
    return kind, REWRITES[kind](expr)[1]


def _complex_claim(lhs: str, rhs: str) -> Claim:
    symbols = "\n".join(f"  {name}: {decl}" for name, decl in DECLARED.items())
    text = (f"version: 1\ntitle: Fuzz\nsymbols:\n{symbols}\nblocks:\n  - math:\n      start: {{tex: 'a', sympy: "
            f"{json.dumps(lhs)}}}\n      steps:\n        - tex: 'b'\n          sympy: {json.dumps(rhs)}\n")
    layout, errors = build_layout(load_spec_text(text, "fuzz/complex.yml"))
    assert not errors, [str(e) for e in errors]
    (claim,) = [c for c in layout.claims if c.kind == "equal"]
    return claim


_NO_DEFINITIONS: dict[sp.Symbol, sp.Expr] = {}


@HUNT
@given(complex_expressions, st.data(), st.booleans(), st.integers(0, 2**32))
def test_complex_near_miss_is_never_accepted(expr: sp.Expr, data: st.DataObject, derivative: bool,
                                             seed: int) -> None:
    if derivative:
        inner = printed(expr, COMPLEX_ENV)
        assume(inner is not None)
        derivative_value = sp.diff(expr, W)
        assume(not derivative_value.has(sp.Derivative, sp.re, sp.im))  # |w| has no complex derivative
        kind, wrong = data.draw(complex_mutated(derivative_value))
        false_property(_complex_claim, sp.Derivative(expr, W), wrong, f"diff {kind}", seed, _NO_DEFINITIONS,
                       f"diff({inner}, w)")
    else:
        kind, wrong = data.draw(complex_mutated(expr))
        false_property(_complex_claim, expr, wrong, kind, seed, _NO_DEFINITIONS)


@HUNT
@given(complex_expressions, st.data(), st.booleans(), st.integers(0, 2**32))
def test_complex_rewrite_is_never_refuted(expr: sp.Expr, data: st.DataObject, derivative: bool, seed: int) -> None:
    if derivative:
        inner = printed(expr, COMPLEX_ENV)
        assume(inner is not None)
        right = sp.diff(expr, W)
        if data.draw(st.booleans()):
            right = sp.expand(right)
        true_property(_complex_claim, sp.Derivative(expr, W), right, "diff", seed, _NO_DEFINITIONS,
                      f"diff({inner}, w)")
    else:
        kind, right = data.draw(complex_rewritten(expr))
        true_property(_complex_claim, expr, right, kind, seed, _NO_DEFINITIONS)


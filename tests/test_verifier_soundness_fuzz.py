"""Property-based hunt for false accepts and false refutes in the verifier (derandomized: the same run every time).

Until this module the verifier was only attacked by hand (``tests/corpus``). Here Hypothesis builds random scalar
expressions over declared variables (``x``, ``y`` real; ``p``, ``q`` positive; ``w`` complex) as SymPy objects,
and from each:

* **false near-misses**: one small mutation (a coefficient nudged, a sign flipped, ``sin`` swapped for ``cos``, a
  term dropped, an exponent off by one, a tiny constant such as ``exp(-40)`` added). A mutation can land on a true
  identity by accident (``cos(0)``, a term that cancels), so a pair counts as false only when an *independent*
  oracle shows it: both sides evaluated with mpmath (our own tree walk, no SymPy evaluation, no ``lambdify``) at
  60 and 120 digits at random points of the declared domain, and a relative gap far above rounding at one point
  where both sides are finite, stable and real (complex values are compared only where ``w`` occurs, which never
  meets a branch cut). Property: the verdict is never an accepting one (``proved``, ``proved-all``, ``sizes``,
  ``numeric``).
* **true rewrites**: the expression against a correct transformation of it done by SymPy in Python (``expand``,
  ``factor``, ``together``, ``apart``, ``expand_trig``, ``sin**2 + cos**2`` injected as a factor,
  ``exp(a + b) = exp(a) exp(b)``, ``log`` expanded for positive arguments; one node replaced by a correct local
  identity such as ``cos u = 1 - 2 sin(u/2)**2`` or ``atan u = asin(u/sqrt(1 + u**2))``), and ``diff(E, x)``
  against ``sympy.diff`` (the oracle differentiates numerically). Property: the verdict is never ``refuted``.
  (The oracle double-checks these too: a rewrite it shows to be different is a bug of this test, and fails it.)

Both sides are printed with ``str()`` and go through the project's own loader (a spec text, ``load_spec_text``,
``build_layout``) and ``verify.check_claim``, exactly as a page's claims do. A printed side counts only if the
project's parser and evaluator turn it back into the very SymPy object it was printed from; otherwise the example
is rejected (never guessed at). No string is ever handed to sympify, parse_expr or eval.

How often each status occurs is collected in :data:`STATS` and printed at the end of the module (run with ``-s``):
a true pair that only gets ``numeric`` or "could not be checked", or a false pair that is left undecided, is
information about the verifier's strength, not a failure. ``DERIVATIONS_FUZZ_EXAMPLES`` raises the number of
examples per property for a real hunt (the default keeps the module at about a minute on two cores).

The generators, the mutations and rewrites, the oracle and the printing live in ``fuzz_support.py``, shared with
``test_verifier_definitions_fuzz.py`` (definitions and the complex variable).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from fuzz_support import (
    ACCEPTING,
    ALL_SYMBOLS,
    DECLARED,
    FUZZ,
    REWRITES,
    OracleCannot,
    check_logged,
    differ,
    expressions,
    locally_rewritten,
    mutated,
    printed,
    verdict_kind,
)
from mkdocs_derivations.claims import Claim, build_layout
from mkdocs_derivations.spec import load_spec_text

pytestmark = pytest.mark.slow

STATS: dict[str, Counter[str]] = {"false": Counter(), "true": Counter(), "rejected": Counter()}

def teardown_module() -> None:
    """The counts, for a hunt run with ``-s``: the share of undecided false pairs and of weakly accepted
    true pairs says how strong the verifier is, which no assertion here can."""
    for kind, counts in STATS.items():
        if counts:
            print(f"\n{kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


# ------------------------------------------------------------------------------------------------ checking


def claim_for(lhs: str, rhs: str) -> Claim:
    """The ``=`` claim of a one-step page, built by the project's own loader and layout builder."""
    symbols = "\n".join(f"        {name}: {decl}" for name, decl in DECLARED.items())
    text = (f"version: 1\ntitle: Fuzz\nblocks:\n  - math:\n      symbols:\n{symbols}\n      start:\n"
            f"        tex: 'a'\n        sympy: {json.dumps(lhs)}\n      steps:\n"
            f"        - tex: 'b'\n          sympy: {json.dumps(rhs)}\n")
    layout, errors = build_layout(load_spec_text(text, "fuzz/case.yml"))
    assert not errors, [str(e) for e in errors]
    (claim,) = [c for c in layout.claims if c.kind == "equal"]
    return claim


def check(lhs: str, rhs: str, expect: str, kind: str) -> dict[str, Any]:
    return check_logged(claim_for(lhs, rhs), lhs, rhs, expect, kind)


_kind = verdict_kind


# ------------------------------------------------------------------------------------------- false pairs


def _printed_and_judged(lhs_expr: sp.Expr, rhs_expr: sp.Expr, seed: int, truth: str,
                        lhs_text: str | None) -> tuple[str, str, bool | None]:
    """Both sides as the project reads them (an example whose side does not print back is rejected), and
    the oracle's judgement of the pair (None: it could not tell)."""
    lhs = lhs_text or printed(lhs_expr)
    rhs = printed(rhs_expr)
    if lhs is None or rhs is None:
        STATS["rejected"][f"{truth}: not printable"] += 1
        assume(False)
    assert lhs is not None and rhs is not None
    try:
        return lhs, rhs, differ(lhs_expr, rhs_expr, seed)
    except OracleCannot:
        return lhs, rhs, None


def _false_pair_property(lhs_expr: sp.Expr, rhs_expr: sp.Expr, kind: str, seed: int,
                         lhs_text: str | None = None) -> None:
    lhs, rhs, different = _printed_and_judged(lhs_expr, rhs_expr, seed, "false", lhs_text)
    if not different:
        STATS["rejected"]["false: oracle shows no difference"] += 1
        assume(False)
    verdict = check(lhs, rhs, "false", kind)
    STATS["false"][_kind(verdict)] += 1
    assert verdict["status"] not in ACCEPTING, (
        f"FALSE ACCEPT ({kind}): {lhs} = {rhs} got {verdict['status']} ({verdict.get('method')})")


@FUZZ
@given(expressions, st.data(), st.integers(0, 2**32))
def test_near_miss_is_never_accepted(expr: sp.Expr, data: st.DataObject, seed: int) -> None:
    kind, wrong = data.draw(mutated(expr))
    _false_pair_property(expr, wrong, kind, seed)


@FUZZ
@given(expressions, st.sampled_from(ALL_SYMBOLS), st.data(), st.integers(0, 2**32))
def test_wrong_derivative_is_never_accepted(expr: sp.Expr, variable: sp.Symbol, data: st.DataObject,
                                            seed: int) -> None:
    assume(variable in expr.free_symbols)
    inner = printed(expr)
    assume(inner is not None)
    derivative = sp.diff(expr, variable)
    kind, wrong = data.draw(mutated(derivative))
    _false_pair_property(sp.Derivative(expr, variable), wrong, kind, seed, lhs_text=f"diff({inner}, {variable})")




def _true_pair_property(lhs_expr: sp.Expr, rhs_expr: sp.Expr, kind: str, seed: int,
                        lhs_text: str | None = None) -> None:
    lhs, rhs, different = _printed_and_judged(lhs_expr, rhs_expr, seed, "true", lhs_text)
    # A rewrite done by SymPy that the oracle shows to be different is a bug of this test (or of SymPy), not
    # a claim the verifier must accept.
    assert not different, f"the oracle says the 'true' rewrite ({kind}) is false: {lhs} = {rhs}"
    verdict = check(lhs, rhs, "true", kind)
    STATS["true"][_kind(verdict)] += 1
    assert verdict["status"] != "refuted", (
        f"FALSE REFUTE ({kind}): {lhs} = {rhs}: {verdict.get('method')}: {verdict.get('detail')}")


@FUZZ
@given(expressions, st.sampled_from(sorted(REWRITES)), st.integers(0, 2**32))
def test_true_rewrite_is_never_refuted(expr: sp.Expr, kind: str, seed: int) -> None:
    lhs, rhs = REWRITES[kind](expr)
    assume(lhs != rhs)
    _true_pair_property(lhs, rhs, kind, seed)


@FUZZ
@given(expressions, st.data(), st.integers(0, 2**32))
def test_true_local_rewrite_is_never_refuted(expr: sp.Expr, data: st.DataObject, seed: int) -> None:
    lhs, rhs = data.draw(locally_rewritten(expr))
    assume(lhs != rhs)
    _true_pair_property(lhs, rhs, "local", seed)


@FUZZ
@given(expressions, st.sampled_from(ALL_SYMBOLS), st.booleans(), st.integers(0, 2**32))
def test_true_derivative_is_never_refuted(expr: sp.Expr, variable: sp.Symbol, expanded: bool, seed: int) -> None:
    assume(variable in expr.free_symbols)
    inner = printed(expr)
    assume(inner is not None)
    derivative = sp.diff(expr, variable)
    if expanded:
        derivative = sp.expand(derivative)
    _true_pair_property(sp.Derivative(expr, variable), derivative, "diff", seed,
                        lhs_text=f"diff({inner}, {variable})")


"""`vanishing`: is a divisor 0 at every point checked (a side with no value anywhere), or not?"""

from __future__ import annotations

import pytest
import sympy as sp

from mkdocs_derivations import vanishing
from mkdocs_derivations.evaluate import MustNotVanish
from mkdocs_derivations.expr_ast import BinOp, Name, Num

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)
n = sp.Symbol("n", integer=True)
w = sp.Symbol("w")  # complex: sampled at complex points too
f = sp.Function("f")(x)


@pytest.mark.parametrize("divisor", [
    sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1,
    sp.cosh(x) ** 2 - sp.sinh(x) ** 2 - 1,  # no certain digit at x ~ 10**10: those points decide nothing
    sp.sin(w) ** 2 + sp.cos(w) ** 2 - 1,
    x * (x + 1) - x**2 - x,  # exactly 0 at every rational point
    sp.log(p**2) - 2 * sp.log(p),  # 0 under the assumption only
    sp.sin(1) ** 2 + sp.cos(1) ** 2 - 1,  # no symbol at all
    f * (f + 1) - f**2 - f,  # an undefined function: two sets of stand-ins agree
    sp.Derivative(f, x) * (f + 1) - f * sp.Derivative(f, x) - sp.Derivative(f, x),
    # strict evalf does not follow the digits through these: it gave noise such as -1.7e-136 as certain
    sp.sinh(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1),
    sp.asin(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1),
    sp.tanh(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1),
])
def test_a_hidden_zero_is_zero_everywhere(divisor: sp.Expr) -> None:
    assert divisor != 0  # SymPy does not see it
    assert vanishing.zero_everywhere(divisor)


@pytest.mark.parametrize("divisor", [
    x,  # 0 at one point: the step holds wherever it is defined, as before
    x - 1,
    sp.exp(-1000 * x**2),  # tiny at most points, but certified non-zero
    sp.sinh(sp.exp(-1000 * x**2)),  # ... also through a function whose evaluation is confirmed at more digits
    sp.exp(-1000 * x**2) + sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1,
    sp.Abs(x) - x,  # 0 for x > 0 only
    sp.sqrt(p**2) - p + sp.Rational(1, 10**40),
    sp.sin(sp.pi * x),
    sp.Derivative(f, x),
    # A known limit: a function declared `-> nonzero` has no faithful stand-in, so even its hidden 0 is not
    # decided (and not flagged); the step is then checked as before.
    sp.Function("g", nonzero=True)(x) * (sp.Function("g", nonzero=True)(x) + 1)
    - sp.Function("g", nonzero=True)(x) ** 2 - sp.Function("g", nonzero=True)(x),
])
def test_a_divisor_that_is_not_zero_everywhere_is_not_flagged(divisor: sp.Expr) -> None:
    assert not vanishing.zero_everywhere(divisor)


def _part(value: sp.Expr, definition: str | None = None) -> MustNotVanish:
    return MustNotVanish("divides by", BinOp("-", Name("y"), Num(1)), value, definition)


def test_the_first_vanishing_part_is_found_with_its_side() -> None:
    zero = sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1
    found = vanishing.first_vanishing([("left", [_part(x)]), ("right", [_part(x + 1), _part(zero)])])
    assert found is not None and found[0] == "right" and found[1].value == zero
    assert vanishing.first_vanishing([("left", [_part(x), _part(sp.Integer(3))])]) is None


def test_no_time_left_flags_nothing() -> None:
    zero = sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1
    assert vanishing.first_vanishing([("left", [_part(zero)])], deadline=0.0) is None


def test_the_message_names_the_divisor_as_written_and_as_evaluated() -> None:
    """SymPy's form is added only where the written one hides something (a definition substituted)."""
    message = vanishing.message("left", _part(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, definition="z"))
    assert message == ("the left side is undefined: it divides by `y - 1` (in the definition of `z`), which is "
                       "`sin(x)**2 + cos(x)**2 - 1`, and that is 0 at every point checked, so the side has no value "
                       "anywhere")
    plain = vanishing.message("right", MustNotVanish("divides by", Name("x"), x, None))
    assert plain.startswith("the right side is undefined: it divides by `x` and that is 0")

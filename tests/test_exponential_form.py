"""The exponential substitution in a polynomial ring: it proves what it should and nothing false."""

from __future__ import annotations

import random

import pytest
import sympy
from sympy import I, Rational, cos, cosh, cot, coth, csc, csch, exp, log, pi, sec, sech, sin, sinh, sqrt, tan, tanh

from mkdocs_derivations.exponential_form import MAX_POWER, Unsupported, vanishes
from mkdocs_derivations.identity import decide

x, y = sympy.symbols("x y", real=True)
z = sympy.Symbol("z")  # complex: the substitution is an identity of analytic functions

TRUE = [
    sin(3 * x + y) - (sin(3 * x) * cos(y) + cos(3 * x) * sin(y)),
    sin(6 * x) - 2 * sin(3 * x) * cos(3 * x),
    cos(4 * x) - (1 - 2 * sin(2 * x) ** 2),
    sin(3 * z) - (3 * sin(z) - 4 * sin(z) ** 3),
    cosh(x) ** 2 - sinh(x) ** 2 - 1,
    tan(2 * x) - 2 * tan(x) / (1 - tan(x) ** 2),
    sec(x) ** 2 - 1 - tan(x) ** 2,
    cot(x) ** 2 + 1 - csc(x) ** 2,
    tanh(x) * coth(x) - 1,
    sech(x) * cosh(x) - csch(x) * sinh(x),
    exp(x) - cosh(x) - sinh(x),
    exp(I * x) - cos(x) - I * sin(x),
    sin(x / 2) ** 2 - (1 - cos(x)) / 2,
    2 * sin(x**2) * cos(x**2) - sin(2 * x**2),  # any term, not only a symbol, can be the angle
    log(x) * (sin(x) ** 2 + cos(x) ** 2) - log(x),  # opaque atoms ride along
    sin(pi * x / 3) ** 2 + cos(pi * x / 3) ** 2 - 1,
]

FALSE = [
    sin(2 * x) - sin(x) * cos(x),
    sin(x + y) - (sin(x) * cos(y) - cos(x) * sin(y)),
    cos(2 * x) - (2 * sin(x) ** 2 - 1),
    cosh(x) ** 2 + sinh(x) ** 2 - 1,
    sin(x) ** 2 + cos(x) ** 2 - 2,
    exp(I * x) - cos(x) + I * sin(x),
    tan(x) - cos(x) / sin(x),
    sin(x) ** 2 + cos(x) ** 2 - 1 + Rational(1, 10**30),  # a tiny gap is still a gap
]


@pytest.mark.parametrize("expr", TRUE, ids=str)
def test_true_identities_vanish(expr: sympy.Expr) -> None:
    assert vanishes(expr) is True


@pytest.mark.parametrize("expr", FALSE, ids=str)
def test_false_identities_do_not(expr: sympy.Expr) -> None:
    assert vanishes(expr) is False


def test_generators_are_independent_so_related_values_only_hide_identities() -> None:
    """``sin(x + pi/3)`` expands with ``pi`` as a generator of its own: true, but not shown here (and the
    engine still proves it another way); nothing false becomes true by the same independence."""
    claim = sin(x + pi / 3) - (sin(x) / 2 + sqrt(3) * cos(x) / 2)
    assert vanishes(claim) is False
    assert decide(sin(x + pi / 3), sin(x) / 2 + sqrt(3) * cos(x) / 2).status == "proved"
    assert vanishes(exp(x + 1) - exp(x) * sympy.E) is True  # the terms 1 and x of exp(x + 1) split; E is exp(1)
    assert vanishes(exp(x + 1) - exp(x) * 3) is False


def test_refuses_what_it_cannot_take() -> None:
    with pytest.raises(Unsupported):
        vanishes(sin(x) ** (MAX_POWER + 1) - cos(x) ** (MAX_POWER + 1))
    with pytest.raises(Unsupported):
        vanishes(sin(x) + sympy.Float(0.5))
    with pytest.raises(ZeroDivisionError):  # 1/(sin² + cos² - 1) is nowhere defined: never "proved"
        vanishes(1 / (sin(x) ** 2 + cos(x) ** 2 - 1))
    assert vanishes(sin(sympy.Float(0.5) * x) - sin(x / 2)) is False  # a float coefficient: an opaque atom


def test_engine_uses_it_and_says_so() -> None:
    outcome = decide(sin(3 * x + y), sin(3 * x) * cos(y) + cos(3 * x) * sin(y))
    assert outcome.status == "proved" and outcome.method == "rewrite(exp) in a polynomial ring"
    wrong = decide(sin(3 * x + y), sin(3 * x) * cos(y) - cos(3 * x) * sin(y))
    assert wrong.status == "refuted"


def _random_expression(rng: random.Random) -> sympy.Expr:
    functions = [sin, cos, tan, sinh, cosh, tanh, exp]
    terms = []
    for _ in range(rng.randint(1, 3)):
        factor = sympy.Integer(rng.randint(-3, 3))
        for _ in range(rng.randint(1, 2)):
            arg = rng.randint(1, 3) * x + rng.randint(-1, 1) * y
            factor *= rng.choice(functions)(arg) ** rng.randint(1, 2)
        terms.append(factor)
    return sympy.Add(*terms)


def test_randomised_soundness_against_numbers() -> None:
    """100 seeded random expressions, each against its own ``expand(trig=True)`` (true) and against that
    plus a seventh of one of its terms (false, the gap is that term). A proof must be ~0 at random points;
    the false ones must not be proved."""
    rng = random.Random(20261126)
    proved = 0
    for _ in range(100):
        expr = _random_expression(rng)
        if expr == 0:
            continue
        true_claim = expr - sympy.expand_trig(expr)
        if vanishes(true_claim):
            proved += 1
            for _ in range(2):
                point = {x: sympy.Float(rng.uniform(-2, 2), 30), y: sympy.Float(rng.uniform(-2, 2), 30)}
                assert abs(complex(true_claim.xreplace(point))) < 1e-9, true_claim
        gap = sympy.Add.make_args(expr)[0] / 7
        assert vanishes(true_claim + gap) is False, true_claim + gap
    assert proved >= 90

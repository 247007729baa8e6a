"""Derivatives through definitions: what the checker verifies, refutes, or refuses to check.

Two audits found false steps shown as verified here: a bare function `f` declared `function(x)` with
x := sin t made df/dt = 0 "proved"; substituting definitions into the bare name made a derivative by `f`
vanish; SymPy's ``subs`` turned ∂f/∂t into df/dt; and a nested derivative substituted the outer variable's
definition. Each case below is one of those specs: it must end refuted or "could not be checked", never
verified. Marked slow: SymPy in-process, a few seconds.
"""

from __future__ import annotations

import pytest

from mkdocs_derivations.claims import build_layout
from mkdocs_derivations.spec import load_spec_text
from mkdocs_derivations.verdict import VERIFIED
from mkdocs_derivations.verify import check_claim

pytestmark = pytest.mark.slow

SCALAR = "symbols:\n  t: real\n  x: real\n  f: function(x)\n  g: function(f)\nwhere:\n  x: 'sin(t)'\n"
VECTOR = ("symbols:\n  u: vector(n)\n  x: vector(n)\n  A: matrix(n, n)\n  f: function(x) -> vector(m)\n"
          "  h: function(f) -> vector(k)\nwhere:\n  x: 'A*u'\n")
MIXED = "symbols:\n  t: real\n  x: real\n  f: function(x, t)\nwhere:\n  x: 't**2'\n"
NESTED = "symbols:\n  t: real\n  x: real\nwhere:\n  x: 'sin(t)'\n"


def verdict(head: str, lhs: str, rhs: str) -> dict:
    text = (f"version: 1\ntitle: T\n{head}blocks:\n  - math:\n      start: {{tex: a, sympy: '{lhs}'}}\n"
            f"      steps: [{{tex: b, sympy: '{rhs}'}}]\n")
    layout, errors = build_layout(load_spec_text(text, "t.yml"))
    assert errors == []
    return check_claim(layout.claims[0])


@pytest.mark.parametrize(("head", "lhs", "rhs"), [
    (SCALAR, "diff(f, t)", "0"),  # f is f(sin t): df/dt = f'(sin t) cos t
    (SCALAR, "Derivative(g(f), f)", "0"),
    (SCALAR, "diff(g, t)", "0"),  # g of f of the defined x
    (VECTOR, "jacobian(f, u)", "0*jacobian(f, u)"),
    (VECTOR, "jacobian(h(f), f)", "0*jacobian(h(f), f)"),
    (MIXED, "jacobian(f, [x, t])*Matrix([[0], [1]])", "diff(f, t)"),  # ∂f/∂t is not df/dt
])
def test_a_false_step_through_a_defined_argument_is_never_verified(head: str, lhs: str, rhs: str) -> None:
    result = verdict(head, lhs, rhs)
    assert result["status"] not in VERIFIED, result
    assert result["status"] in ("refuted", "error") and result["method"] != "internal error", result


def test_a_bare_function_of_a_defined_argument_says_how_to_write_it() -> None:
    result = verdict(SCALAR, "diff(f, t)", "diff(f, x)*cos(t)")
    assert result["status"] == "error" and result["method"] == "evaluation"
    assert result["detail"].startswith("`f` is declared as a function of `x`, and `x` is defined here")


def test_a_nested_derivative_keeps_the_outer_variable() -> None:
    wrong = verdict(NESTED, "diff(diff(x*t, t), x)", "0")  # d/dx (x) = 1 with x held as the variable
    assert wrong["status"] == "refuted"
    assert verdict(NESTED, "diff(diff(x*t, t), x)", "1")["status"] == "proved"
    assert verdict(NESTED, "diff(diff(x*t**2, t), x)", "diff(diff(x*t**2, x), t)")["status"] == "proved"


CACHED = """\
version: 1
title: T
symbols: {s: real, t: real, x: real, g: real}
blocks:
  - math: {label: x-def, start: {tex: x, sympy: x}, steps: [{tex: a, rel: ':=', sympy: 's**2'}]}
  - math: {label: g-def, start: {tex: g, sympy: g}, steps: [{tex: a, rel: ':=', sympy: 'diff(x*t, t)'}]}
  - math: {start: {tex: a, sympy: 'g + diff(g, x)'}, steps: [{tex: b, sympy: 's**2', by: g-def}]}
  - math: {start: {tex: a, sympy: 'g + diff(g, x)'}, steps: [{tex: b, sympy: 's**2 + 1', by: g-def}]}
  - math: {start: {tex: a, sympy: 'g'}, steps: [{tex: b, sympy: 'g + diff(g, x)', by: g-def}]}
"""


def test_a_definitions_value_depends_on_the_enclosing_derivative() -> None:
    # g = x = s**2 and dg/dx = 1 (x held as the variable). The citation set {g} equals every definition but
    # x, so a value of g cached at top level was reused inside d/dx and two false steps were proved.
    layout, errors = build_layout(load_spec_text(CACHED, "t.yml"))
    assert errors == []
    steps = [c for c in layout.claims if c.kind == "equal"]
    assert [check_claim(c)["status"] for c in steps] == ["refuted", "proved", "refuted"]


POLAR = ("symbols:\n  r: positive\n  theta: real\n  x: real\n  y: real\n  f: real\n"
         "where:\n  x: 'r*cos(theta)'\n  y: 'r*sin(theta)'\n")


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("diff(r**3*cos(theta)**2*sin(theta), x)", "0"),  # x²y in polar form: ∂/∂x is 2xy, not 0
    ("diff(r**3*cos(theta)**2*sin(theta), x)", "2*x*y"),  # true, but which ∂/∂x is not said
    ("diff(r, x)", "0"),  # ∂r/∂x = x/r
    ("jacobian([r, theta], [x, y])", "zeros(2, 2)"),
])
def test_a_derivative_by_a_defined_variable_of_what_it_is_made_of_is_refused(lhs: str, rhs: str) -> None:
    """With x := r cos θ, an expression written in r and θ was differentiated by x holding r and θ fixed:
    "∂(x²y)/∂x = 0" was proved and the true 2xy refuted (a contributor's trial of the docs)."""
    result = verdict(POLAR, lhs, rhs)
    assert result["status"] == "error" and result["method"] == "evaluation", result
    assert "it differentiates by `x`, defined as `r*cos(theta)`, something written without `x`" in result["detail"]
    assert "differentiate by `r`" in result["detail"]


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("diff(x**2*y, x)", "2*r**2*cos(theta)*sin(theta)"),  # written in x itself: ∂/∂x with y fixed
    ("diff(x**2*y + r, x)", "2*x*y"),  # x is there; what else it holds fixed is the author's statement
    ("diff(r**2, r)", "2*r"),  # r has no definition
])
def test_a_derivative_written_in_the_defined_variable_is_checked_as_before(lhs: str, rhs: str) -> None:
    assert verdict(POLAR, lhs, rhs)["status"] in VERIFIED


@pytest.mark.parametrize(("head", "lhs", "rhs"), [
    ("symbols:\n  t: real\n  u: function(t)\n", "diff(u(Abs(t)), u)", "0"),  # u(|t|) is u(t) where t > 0
    ("symbols:\n  t: real\n  u: function(t)\n", "diff(u(t*(sin(t)**2 + cos(t)**2)), u)", "0"),  # it is u(t)
    ("symbols:\n  m: integer\n  a: integer\n  w: function(m)\n", "diff(w + w(a), w)", "1"),  # w(a) is w(m) at a = m
])
def test_a_derivative_by_a_function_of_the_function_at_other_arguments_is_not_checked(
        head: str, lhs: str, rhs: str) -> None:
    """A function's name as a variable means the function at its declared arguments; the same function at
    other arguments is neither that variable nor a constant, and SymPy's derivative of it (0) was proved."""
    result = verdict(head, lhs, rhs)
    assert result["status"] == "error", result
    assert "the same function at other arguments" in result["detail"], result


def test_a_derivative_by_a_function_at_a_rational_point_keeps_the_functions_arguments() -> None:
    """At a larger size, w's argument m took a number, the variable became w(11), and w(a) at a = 11 was it:
    the step below, checked at sizes 2 and 3, was refuted at n = 4 (red team). The exact check refuses it now
    (above), so the rational points are asked directly: none may refute it."""
    import time

    from mkdocs_derivations import rational_points, verify

    head = "symbols:\n  m: integer\n  a: integer\n  w: function(m)\n  A: matrix(n, n)\n"
    text = (f"version: 1\ntitle: T\n{head}blocks:\n  - math:\n      start: {{tex: a, sympy: 'diff(w + w(a), w)*A'}}\n"
            "      steps: [{tex: b, sympy: 'A'}]\n")
    layout, errors = build_layout(load_spec_text(text, "t.yml"))
    assert errors == []
    ctx = verify._Context(layout.claims[0])
    for n in (4, 5):
        outcome = rational_points.decide(ctx.env, ctx.definitions, {"n": n}, (ctx.lhs, ctx.rhs), frozenset(),
                                         deadline=time.process_time() + 10)
        assert outcome is None or outcome.status != "refuted", outcome

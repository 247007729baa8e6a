"""Tests of :mod:`mkdocs_derivations.evaluate` that the identity and corpus tests do not reach."""

from __future__ import annotations

import pytest

from mkdocs_derivations.declarations import Environment
from mkdocs_derivations.errors import Location
from mkdocs_derivations.evaluate import Evaluator
from mkdocs_derivations.expr import BUILTINS, read_expression
from mkdocs_derivations.expr_ast import Name
from mkdocs_derivations.model import Text
from mkdocs_derivations.shapes import infer_shape

DECLARATIONS = {"n": "dim", "x": "vector(n)", "F": "function(x) -> matrix(n, n)", "A": "matrix(n, n)"}


@pytest.mark.parametrize("name", ["F", "A"])
@pytest.mark.parametrize("size", [9, 11, 12])
def test_every_entry_of_a_matrix_is_its_own_symbol(name: str, size: int) -> None:
    """At a size of 10 or more, entries (1, 11) and (11, 1) were both named F_111 for a matrix-valued
    function: one symbol for two entries, which can make a false step look proved."""
    env = Environment.from_layers([{k: Text(v, Location("t.yml", 1, 1)) for k, v in DECLARATIONS.items()}])
    value = Evaluator(env, {}, {"n": size}).symbol(name)
    entries = list(value)
    assert len(set(entries)) == size * size


# One valid use of every builtin; a builtin added to expr.BUILTINS without a rule in the shape checker and
# the evaluator fails here instead of falling through to another builtin's rule.
_BUILTIN_USES = {
    "sin": "sin(t)", "cos": "cos(t)", "tan": "tan(t)", "asin": "asin(t)", "acos": "acos(t)", "atan": "atan(t)",
    "sinh": "sinh(t)", "cosh": "cosh(t)", "tanh": "tanh(t)", "exp": "exp(t)", "log": "log(t)", "sqrt": "sqrt(t)",
    "Abs": "Abs(t)", "sign": "sign(t)", "atan2": "atan2(t, 1)", "Derivative": "Derivative(t**3, t, 2)",
    "diff": "diff(t**2, t)", "Matrix": "Matrix([[t, 1], [0, t]])", "transpose": "transpose(B)",
    "trace": "trace(B)", "det": "det(B)", "inv": "inv(Matrix([[t, 1], [0, 1]]))", "jacobian": "jacobian(B*v, v)",
    "grad": "grad(t*norm2(v), v)", "norm2": "norm2(v)", "eye": "eye(2) + B", "zeros": "zeros(2, 1)",
}


@pytest.mark.parametrize("builtin", sorted(BUILTINS))
def test_every_builtin_has_a_shape_rule_and_a_value(builtin: str) -> None:
    source = _BUILTIN_USES[builtin]
    declared = {"t": "real", "v": "vector(2)", "B": "matrix(2, 2)"}
    env = Environment.from_layers([{k: Text(v, Location("t.yml", 1, 1)) for k, v in declared.items()}])
    text = Text(source, Location("t.yml", 1, 1))
    node = read_expression(text)
    shape = infer_shape(node, env, text)
    value = Evaluator(env, {}, {}).value(node, frozenset())
    rows, cols = value.shape if hasattr(value, "shape") else (1, 1)
    assert (rows, cols) == tuple(shape)


def test_a_determinant_that_is_non_zero_at_one_rational_point_proves_invertibility() -> None:
    """The symbolic determinant decided whether ``inv`` may invert a matrix at a concrete size; for the
    4×4 matrix of rational functions in ``inv(inv(B))`` it ran for more than five minutes. A non-zero
    determinant at one rational point proves the determinant is not identically zero; a matrix that is 0 at
    every probe still goes to the exact determinant (singular stays singular)."""
    import sympy as sp

    from mkdocs_derivations.evaluate import EvaluationError, _inverse, _invertible_at_a_point

    b = sp.Matrix(4, 4, sp.symbols("b0:16", real=True))
    assert _invertible_at_a_point(b.inv())
    a = sp.Symbol("a", real=True)
    singular = sp.Matrix([[a, a], [a, a]])
    assert not _invertible_at_a_point(singular)
    with pytest.raises(EvaluationError, match="the matrix `S` is singular at this size"):
        _inverse(singular, Name("S"))
    f = sp.Function("f")
    assert not _invertible_at_a_point(sp.Matrix([[f(a)]]))  # no rational value at a point: exact path
    # ... and that determinant comes back, for the caller to test for a hidden 0 (vanishing.py)
    assert _inverse(sp.Matrix([[f(a)]]), Name("F")) == (sp.Matrix([[1 / f(a)]]), f(a))
    assert _inverse(sp.Matrix([[a, 1], [1, a]]), Name("A"))[1] is None  # certified at a rational point: nothing to test


def test_the_probe_values_meet_the_declarations() -> None:
    """A probe outside a symbol's declaration could find a non-zero determinant where the declared symbol
    never has one; such a symbol gets a value that meets it, or none (then the exact determinant decides)."""
    import sympy as sp

    from mkdocs_derivations.evaluate import _probe_value

    r = sp.Rational(7, 5)
    assert _probe_value(sp.Symbol("x", real=True), r) == r
    assert _probe_value(sp.Symbol("q", negative=True), r) == -r
    assert _probe_value(sp.Symbol("n", integer=True, positive=True), r) == 2
    assert _probe_value(sp.Symbol("k", odd=True), r) is None
    assert _probe_value(sp.Symbol("z", zero=True), r) is None


def test_an_evaluator_inverts_each_matrix_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sides of a least-squares step invert the same matrix; at 4×4 one such inverse costs seconds."""
    from mkdocs_derivations import evaluate

    calls: list[object] = []
    real = evaluate._inverse
    monkeypatch.setattr(evaluate, "_inverse", lambda m, node: calls.append(m) or real(m, node))
    env = Environment.from_layers([{k: Text(v, Location("t.yml", 1, 1)) for k, v in DECLARATIONS.items()}])
    evaluator = Evaluator(env, {}, {"n": 2})
    first = evaluator.value(read_expression(_text("inv(A)*x + A**-1*x")), frozenset())
    again = evaluator.value(read_expression(_text("inv(A)")), frozenset())
    assert len(calls) == 1
    assert (first - 2 * again * evaluator.symbol("x")).applyfunc(lambda e: e.simplify()).is_zero_matrix


@pytest.mark.slow
def test_a_determinant_at_size_four_is_exact_and_division_free() -> None:
    """det at a concrete size uses Berkowitz's division-free method: SymPy's default (Bareiss) took 160 s on
    det(A*B) at 4×4 and 0.06 s this way. The value is the same polynomial."""
    import sympy as sp

    env = Environment.from_layers([{k: Text(v, Location("t.yml", 1, 1)) for k, v in
                                    {"n": "dim", "A": "matrix(n, n)", "B": "matrix(n, n)"}.items()}])
    evaluator = Evaluator(env, {}, {"n": 4})
    value = evaluator.value(read_expression(_text("det(A*B) - det(A)*det(B)")), frozenset())
    assert sp.sring(value)[1] == 0
    a = evaluator.symbol("A")
    assert sp.expand(evaluator.value(read_expression(_text("det(A)")), frozenset())
                     - a.det(method="bareiss")) == 0


def _text(source: str) -> Text:
    return Text(source, Location("t.yml", 1, 1))


def _eye_env() -> Environment:
    declared = {"A": "matrix(N, N)", "Phi": "matrix(N, D)", "K": "dim"}
    return Environment.from_layers([{k: Text(v, Location("t.yml", 1, 1)) for k, v in declared.items()}])


def _value(source: str, sizes: dict[str, int] | None) -> object:
    env = _eye_env()
    text = Text(source, Location("t.yml", 1, 1))
    node = read_expression(text)
    infer_shape(node, env, text)
    return Evaluator(env, {}, sizes).value(node, frozenset())


def test_eye_and_zeros_use_the_dimension_symbols_of_the_declared_matrices() -> None:
    """With symbolic dimensions they are Identity and ZeroMatrix of the very symbols MatrixSymbol gets, so
    (Phi.T*Phi + lam*eye(D))*Phi.T - Phi.T*(Phi*Phi.T + lam*eye(N)) expands to the zero matrix."""
    import sympy as sp

    n, d = (sp.Symbol(name, integer=True, positive=True) for name in ("N", "D"))
    assert _value("eye(N)", None) == sp.Identity(n)
    assert _value("zeros(N, D)", None) == sp.ZeroMatrix(n, d)
    assert _value("eye(K)", None) == sp.Identity(sp.Symbol("K", integer=True, positive=True))
    phi = Evaluator(_eye_env(), {}, None).symbol("Phi")
    assert phi.shape == (n, d)
    assert _value("eye(3)", None) == sp.Identity(3)
    difference = _value("(Phi.T*Phi + 2*eye(D))*Phi.T - Phi.T*(Phi*Phi.T + 2*eye(N))", None)
    assert getattr(difference.expand(), "is_ZeroMatrix", False)


def test_eye_and_zeros_are_explicit_matrices_at_concrete_sizes() -> None:
    import sympy as sp

    sizes = {"N": 3, "D": 2, "K": 4}
    assert _value("eye(N)", sizes) == sp.eye(3)
    assert _value("zeros(N, D)", sizes) == sp.zeros(3, 2)
    assert _value("eye(K)", sizes) == sp.eye(4)
    assert _value("eye(2) + zeros(2, 2)", {}) == sp.eye(2)
    assert _value("A*eye(N) - A", sizes) == sp.zeros(3, 3)
    # a 1×1 one is a scalar, as the shape checker sees it, in both modes
    for mode in (None, sizes):
        assert _value("eye(1)", mode) == 1 and _value("zeros(1, 1)", mode) == 0

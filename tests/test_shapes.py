"""Shape inference: the seed page checks, and the mismatches SymPy would silently accept are refused."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from mkdocs_derivations.declarations import Environment
from mkdocs_derivations.errors import Location, SpecError
from mkdocs_derivations.expr import read_expression
from mkdocs_derivations.expr_ast import Call, Name
from mkdocs_derivations.model import Text
from mkdocs_derivations.shapes import SCALAR, Shape, claimed_shape, infer_shape, same_shape
from mkdocs_derivations.yaml_safe import YScalar, load_yaml
from site_support import SEED

LOC = Location("spec.yml", 5, 1)


def env_of(**decls: str) -> Environment:
    return Environment.from_layers([{name: Text(value, LOC) for name, value in decls.items()}])


LINEAR = env_of(theta="vector(D)", Phi="matrix(N, D)", y="vector(N)", e="vector(N)", L="real",
                S="matrix(N, N, symmetric)", t="real", x="vector(n)", f="function(x)",
                F="function(x) -> vector(m)", u="vector(m)", G="function(u) -> vector(k)", x1="function(t)",
                x2="function(t)", h="function(x1, x2)", j="integer", r="function(t) -> integer")


def shape(source: str, env: Environment = LINEAR) -> Shape:
    text = Text(source, LOC)
    return infer_shape(read_expression(text, functions=env.functions), env, text)


@pytest.mark.parametrize(("source", "expected"), [
    ("Phi*theta", ("N", 1)),
    ("Phi @ theta", ("N", 1)),
    ("y - Phi*theta", ("N", 1)),
    ("theta.T*Phi.T", (1, "N")),
    ("e.T*e", SCALAR),  # a 1x1 product is a scalar ...
    ("e.T*e + 1", SCALAR),  # ... so it adds to one
    ("2*e.T", (1, "N")),
    ("-2*e.T*Phi", (1, "D")),
    ("-2*(y.T - theta.T*Phi.T)*Phi", (1, "D")),
    ("(y - Phi*theta).T*(y - Phi*theta)", SCALAR),
    ("norm2(y - Phi*theta)", SCALAR),
    ("Phi/2", ("N", "D")),
    ("Phi/L", ("N", "D")),
    ("S**2", ("N", "N")),
    ("S**-1", ("N", "N")),
    ("inv(S)*S", ("N", "N")),
    ("trace(S) + det(S)", SCALAR),
    ("transpose(Phi)", ("D", "N")),
    ("Phi.T*Phi", ("D", "D")),
    ("L**2 + sin(L)*exp(L) + atan2(L, 1)", SCALAR),
    ("pi*I + E", SCALAR),
    ("jacobian(L, e)", (1, "N")),
    ("jacobian(e, theta)", ("N", "D")),
    ("grad(L, theta)", (1, "D")),
    ("jacobian(f, x)", (1, "n")),
    ("jacobian(F, x)", ("m", "n")),
    ("jacobian(G(F), x)", ("k", "n")),
    ("jacobian(G(F), F)*jacobian(F, x)", ("k", "n")),
    ("jacobian(h, [x1, x2])", (1, 2)),
    ("jacobian([x1, x2], [t])", (2, 1)),
    ("jacobian([x1, x2], t)", (2, 1)),
    ("diff(h, t)", SCALAR),
    ("Derivative(h, x1)*Derivative(x1, t)", SCALAR),
    ("Derivative(Phi*theta, t, 2)", ("N", 1)),
    ("Matrix([[1, 2, 3], [4, 5, 6]])", (2, 3)),
    ("Matrix([a1, a2])".replace("a1", "L").replace("a2", "t"), (2, 1)),
    ("Matrix([[L, t]])*Matrix([L, t])", SCALAR),
    ("G(u)", ("k", 1)),
    ("F", ("m", 1)),
    ("h(x1, x2)", SCALAR),
    # eye and zeros take dimensions; their shapes are those dimensions
    ("S + L*eye(N)", ("N", "N")),
    ("(Phi.T*Phi + L*eye(D))*Phi.T", ("D", "N")),
    ("Phi.T*(Phi*Phi.T + L*eye(N))", ("D", "N")),
    ("zeros(N, D)*theta", ("N", 1)),
    ("zeros(N, D) + Phi", ("N", "D")),
    ("eye(3)", (3, 3)),
    ("zeros(2, D)", (2, "D")),
    ("eye(1) + L", SCALAR),  # 1×1 is a scalar
    ("trace(eye(n))", SCALAR),
])
def test_shapes(source: str, expected: tuple[object, object]) -> None:
    assert same_shape(shape(source), expected)  # type: ignore[arg-type]


# (source, expected column, message fragment)
MISMATCHES: list[tuple[str, int, str]] = [
    ("Phi*Phi", 4, "cannot multiply N×D by N×D: inner dimensions D and N differ"),
    ("theta.T*Phi", 8, "cannot multiply 1×D by N×D: inner dimensions D and N differ"),
    ("y + theta", 3, "cannot add N×1 and D×1: shapes differ"),
    ("y - L", 3, "cannot subtract a scalar from N×1"),
    ("L + Phi", 3, "cannot add a scalar and N×D"),
    ("Phi @ Phi", 5, "cannot multiply N×D by N×D"),
    ("L/theta", 2, "cannot divide by D×1"),
    ("Phi**2", 4, "only square matrices"),
    ("S**L", 2, "integer literal exponent"),
    ("L**theta", 2, "exponent must be a scalar"),
    ("sin(theta)", 5, "sin() needs a scalar argument, got D×1"),
    # softmax and the sigmoid of a vector are entry-by-entry: say there is no such thing, and where to read on
    ("exp(theta)", 5, "exp() needs a scalar argument, got D×1: functions apply to scalars, never entry by entry "
                      "(see Expressions, Functions of each entry)"),
    ("log(Phi)", 5, "log() needs a scalar argument, got N×D: functions apply"),
    ("atan2(L, y)", 10, "needs a scalar argument"),
    ("trace(Phi)", 7, "square matrix, got N×D"),
    ("inv(Phi)", 5, "square matrix"),
    ("norm2(theta.T)", 12, "column vector, got 1×D"),
    ("jacobian(Phi, theta)", 10, "scalar or a column vector"),
    ("jacobian(L, Phi)", 13, "`Phi` is N×D"),
    ("jacobian(L, 2)", 13, "declared vector or a list"),
    ("jacobian([L, theta], t)", 14, "entries of the list"),
    ("jacobian(L, [t, theta])", 17, "`theta` is D×1, not a scalar (a list of variables holds scalars: write "
                                    "jacobian(F, theta))"),
    ("diff(L, theta)", 9, "not a scalar (differentiate by a vector with jacobian(F, theta))"),
    ("diff(L, 2*t)", 10, "declared scalar symbol"),
    # a derivative by a whole-number variable: SymPy folds sin(pi*j) to 0 first (d sin(pi j)/dj = 0 was proved)
    ("diff(sin(pi*j), j)", 17, "`j` is declared `integer`"),
    ("diff(L, r)", 9, "`r` is declared `integer`"),
    ("jacobian([L], [t, j])", 19, "`j` is declared `integer`"),
    ("diff(L, t, 0)", 12, "order of a derivative"),
    ("diff(L, t, 100)", 12, "order of a derivative"),
    ("Matrix([[1, 2], [3]])", 17, "ragged Matrix: row 2 has 1 entries, row 1 has 2"),
    ("Matrix([theta, t])", 9, "Matrix entries must be scalars"),
    ("G(theta)", 3, "argument 1 of G must be m×1"),
    ("G(u, u)", 1, "G takes 1 argument (u), got 2"),
    ("L(t)", 1, "unknown function `L`"),  # the parser sees it first
    ("z + 1", 1, "undeclared symbol `z`"),
    ("thetaa*2", 1, "did you mean `theta`?"),
    ("D*theta", 1, "`D` is a dimension, not a value"),
    ("S + eye(D)", 3, "cannot add N×N and D×D: shapes differ"),
    ("Phi + eye(N)", 5, "cannot add N×D and N×N"),
    ("Phi.T*(Phi*Phi.T + L*eye(D))", 18, "cannot add N×N and D×D"),
    ("zeros(N, D)*Phi", 12, "cannot multiply N×D by N×D"),
    ("eye(L)", 5, "`L` is declared as `real`, not a dimension; eye() takes dimensions"),
    ("zeros(N, theta)", 10, "`theta` is declared as `vector(D)`, not a dimension"),
    ("eye(d)", 5, "`d` is not a dimension (did you mean `D`?)"),
    ("eye(z)", 5, "`z` is not a dimension; eye() takes dimensions"),
    ("eye(pi)", 5, "`pi` is a constant, not a dimension"),
    ("N + eye(N)", 1, "`N` is a dimension, not a value"),  # only eye and zeros take dimensions
]


@pytest.mark.parametrize(("source", "column", "fragment"), MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_shape_errors(source: str, column: int, fragment: str) -> None:
    with pytest.raises(SpecError) as info:
        shape(source)
    assert fragment in info.value.message
    assert info.value.location == Location("spec.yml", 5, column)


def test_shape_error_on_a_later_line_of_a_yaml_scalar_points_at_the_source() -> None:
    doc = "k: >-\n  Phi*theta\n  + thetaa\n"
    node = load_yaml(doc, "spec.yml").values["k"]
    assert isinstance(node, YScalar)
    text = Text(node.value, node.value_location, source=node)
    with pytest.raises(SpecError, match="did you mean `theta`") as info:
        infer_shape(read_expression(text, functions=LINEAR.functions), LINEAR, text)
    assert info.value.location == Location("spec.yml", 3, 5)


def test_call_of_a_non_function_found_by_the_checker() -> None:
    text = Text("L(t)", LOC)
    with pytest.raises(SpecError, match="`L` is not declared as a function"):
        infer_shape(Call("L", (Name("t"),), 1), LINEAR, text)


def test_undeclared_symbol_hints_at_symbols_section() -> None:
    with pytest.raises(SpecError, match="declare it under `symbols:`"):
        shape("q")


def test_symbolic_and_literal_dims_never_match() -> None:
    env = env_of(x="vector(n)", a="real", b="real")
    with pytest.raises(SpecError, match="cannot add n×1 and 2×1"):
        shape("x + Matrix([a, b])", env)


def test_bare_function_name_is_its_applied_value() -> None:
    assert same_shape(infer_shape(Name("F"), LINEAR, Text("F", LOC)), ("m", 1))


def test_same_shape() -> None:
    assert same_shape(Shape("N", 1), ("N", 1))
    assert not same_shape(Shape("N", 1), Shape(1, "N"))
    assert not same_shape(Shape(2, 1), Shape("n", 1))


def test_claimed_shape() -> None:
    assert claimed_shape([Text("1", LOC), Text("D", LOC)], LINEAR) == Shape(1, "D")
    with pytest.raises(SpecError, match="not a dimension"):
        claimed_shape([Text("1", LOC), Text("Q", LOC)], LINEAR)
    assert claimed_shape([Text("D", LOC)], LINEAR) == Shape("D", 1)  # [n] is a column vector
    with pytest.raises(SpecError, match="3 entries"):
        claimed_shape([Text("1", LOC)] * 3, LINEAR)


# --------------------------------------------------------------------------------------------- the seed


def _walk_seed(node: dict[str, Any], stack: list[dict[str, str]], out: list[tuple[list[dict[str, str]],
                                                                                   dict[str, Any]]]) -> None:
    """Collect (scope stack, block) for every math block and container of the seed."""
    for block in node.get("blocks", []):
        if "math" in block:
            out.append(([*stack, block["math"].get("symbols", {})], block["math"]))
        for kind in ("example", "remark"):
            if kind in block:
                inner = [*stack, block[kind].get("symbols", {})]
                out.append((inner, {"where": block[kind].get("where", {})}))
                _walk_seed(block[kind], inner, out)


def test_every_seed_expression_parses_and_shape_checks() -> None:
    spec = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    found: list[tuple[list[dict[str, str]], dict[str, Any]]] = [([spec["symbols"]], {"where": {}})]
    _walk_seed(spec, [spec["symbols"]], found)
    checked = shapes_claimed = 0
    for stack, block in found:
        env = Environment.from_layers([{n: Text(v, LOC) for n, v in layer.items()} for layer in stack])
        for name, source in block.get("where", {}).items():  # a definition has its symbol's shape
            assert same_shape(shape(source, env), shape(name, env)), (name, source)
            checked += 1
        if "start" not in block:
            continue
        previous = shape(block["start"]["sympy"], env)
        checked += 1
        for step in block["steps"]:
            if step.get("rel") == "in":
                wanted = claimed_shape([Text(str(d), LOC) for d in step["shape"]], env)
                assert same_shape(previous, wanted), (block.get("label"), previous, wanted)
                shapes_claimed += 1
                continue
            current = shape(step["sympy"], env)
            assert same_shape(current, previous), (block.get("label"), step["sympy"], current, previous)
            previous = current
            checked += 1
    assert checked >= 40 and shapes_claimed == 4


def test_a_vector_of_one_entry_is_not_called_a_scalar_when_refused_as_a_variable() -> None:
    """Its shape is a scalar's, and the message read "`v` is a scalar, not a scalar" (red team)."""
    env = env_of(v="vector(1)", t="real")
    with pytest.raises(SpecError) as info:
        shape("diff(t*v**2, v)", env)
    assert "`v` is a 1×1 vector or matrix, not a scalar (differentiate by a vector with jacobian(F, v))" in str(
        info.value)

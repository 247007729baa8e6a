"""Declaration strings (``vector(N)``, ``function(x) -> vector(m)``) and scoped environments."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from mkdocs_derivations.declarations import (
    SCALAR_ASSUMPTIONS,
    DimDecl,
    Environment,
    FunctionDecl,
    MatrixDecl,
    ScalarDecl,
    parse_declaration,
)
from mkdocs_derivations.errors import Location, SpecError
from mkdocs_derivations.model import Text
from mkdocs_derivations.yaml_safe import YScalar, load_yaml
from site_support import SEED


def text(value: str, line: int = 4) -> Text:
    return Text(value, Location("spec.yml", line, 1))


def layer(**decls: str) -> dict[str, Text]:
    return {name: text(value, line) for line, (name, value) in enumerate(decls.items(), start=1)}


@pytest.mark.parametrize(("source", "expected"), [
    ("real", ScalarDecl(("real",))),
    ("positive", ScalarDecl(("positive",))),
    ("real nonzero", ScalarDecl(("nonzero", "real"))),
    ("  nonzero   real ", ScalarDecl(("nonzero", "real"))),
    ("complex", ScalarDecl(("complex",))),
    ("dim", DimDecl()),
    ("vector(N)", MatrixDecl("N", 1)),
    ("vector(3)", MatrixDecl(3, 1)),
    ("matrix(N, D)", MatrixDecl("N", "D")),
    ("matrix(2,3)", MatrixDecl(2, 3)),
    ("matrix(N, N, symmetric)", MatrixDecl("N", "N", True)),
    ("function(x)", FunctionDecl(("x",))),
    ("function(x1, x2)", FunctionDecl(("x1", "x2"))),
    ("function(x) -> vector(m)", FunctionDecl(("x",), MatrixDecl("m", 1))),
    ("function(x)->real", FunctionDecl(("x",), ScalarDecl(("real",)))),
    ("function(s, t) -> matrix(a, b)", FunctionDecl(("s", "t"), MatrixDecl("a", "b"))),
])
def test_valid_declarations(source: str, expected: object) -> None:
    assert parse_declaration(text(source)) == expected


def test_every_assumption_word_is_accepted() -> None:
    for word in SCALAR_ASSUMPTIONS:
        assert parse_declaration(text(word)) == ScalarDecl((word,))


@pytest.mark.parametrize(("source", "column", "fragment"), [
    ("", 1, "empty declaration"),
    ("reel", 1, "unknown declaration word `reel`"),
    ("real vector", 6, "unknown declaration word `vector`"),
    ("real real", 6, "repeated"),
    ("positive negative", 10, "contradict"),
    ("complex positive", 9, "`complex` and `positive` contradict"),
    ("integer complex", 9, "`complex` and `integer` contradict"),
    ("vector(N", 9, "expected `)`"),
    ("vector()", 8, "expected a dimension"),
    ("vector(0)", 8, "positive integer"),
    ("vector(1000)", 8, "positive integer"),
    ("vector(N) x", 11, "end of the declaration"),
    ("matrix(N)", 9, "expected `,`"),
    ("matrix(N, D, symmetric)", 8, "must be square"),
    ("matrix(N, N, sym)", 14, "expected `symmetric`"),
    ("matrix(N, pi)", 11, "builtin"),
    ("vector(_n)", 8, "cannot be used"),
    ("function()", 10, "argument name"),
    ("function(x, x)", 13, "repeated"),
    ("function(x) -> dim", 16, "unknown declaration word `dim`"),
    ("function(x) -> function(y)", 16, "unknown declaration word `function`"),
    ("function(x) vector(m)", 13, "end of the declaration"),
    ("function(lambda)", 10, "keyword"),
    ("vector(N) \u2212", 11, "U+2212"),
    ("vector[N]", 7, "unexpected character"),
    ("x" * 500, 1, "too long"),
])
def test_invalid_declarations(source: str, column: int, fragment: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_declaration(text(source))
    assert fragment in info.value.message
    assert info.value.location == Location("spec.yml", 4, column)


def test_a_string_parsed_before_gives_the_same_declaration_and_a_faulty_one_its_own_place() -> None:
    # Successes are shared across pages (parse_declaration keeps them by string); an error is not, so
    # each place that writes a faulty declaration is named.
    first = parse_declaration(text("matrix(K, K, symmetric)", line=3))
    assert parse_declaration(text("matrix(K, K, symmetric)", line=9)) == first == MatrixDecl("K", "K", True)
    for line in (5, 7):
        with pytest.raises(SpecError) as info:
            parse_declaration(text("vector(Q", line))
        assert info.value.location == Location("spec.yml", line, 9)


def test_parse_errors_list_the_valid_forms() -> None:
    with pytest.raises(SpecError, match=r"valid forms: .*vector\(n\).*function\(x\) -> real"):
        parse_declaration(text("tensor(3)"))


# --------------------------------------------------------------------------------------------- Environment


def test_layers_shadow_outer_declarations() -> None:
    page, block = layer(x="vector(n)", f="function(x)"), layer(f="function(x) -> vector(m)")
    env = Environment.from_layers([page, block])
    assert env["f"] == FunctionDecl(("x",), MatrixDecl("m", 1))
    assert env["x"] == MatrixDecl("n", 1)
    assert env.dims == {"n", "m"}
    assert env.functions == {"f"}
    assert dict(env) == {"x": MatrixDecl("n", 1), "f": FunctionDecl(("x",), MatrixDecl("m", 1))}
    assert env.source("f") is not None and env.source("f").value == "function(x) -> vector(m)"  # type: ignore[union-attr]


def test_environment_is_immutable() -> None:
    env = Environment.from_layers([layer(x="real")])
    with pytest.raises(TypeError):
        env["y"] = ScalarDecl()  # type: ignore[index]
    with pytest.raises(AttributeError):
        env.foo = 1  # type: ignore[attr-defined]


def test_child_adds_an_inner_layer() -> None:
    env = Environment.from_layers([layer(x="vector(n)")]).child(layer(t="real", x1="function(t)"))
    assert set(env) == {"x", "t", "x1"} and env.functions == {"x1"}


def test_explicit_dims_are_dims() -> None:
    env = Environment.from_layers([layer(n="dim", k="dim", A="matrix(n, n, symmetric)")])
    assert env.dims == {"n", "k"}


def test_function_of_functions_is_allowed() -> None:
    env = Environment.from_layers([layer(t="real", x1="function(t)", x2="function(t)", f="function(x1, x2)")])
    assert env["f"] == FunctionDecl(("x1", "x2"))


def test_function_of_vector_valued_function_is_allowed() -> None:
    """``h`` takes the vector-valued ``f`` as its argument: both are functions, ``f`` keeps its vector result
    (and with it the dimension ``m``), ``h`` is scalar."""
    env = Environment.from_layers([layer(x="vector(n)", f="function(x) -> vector(m)", h="function(f)")])
    assert env["f"] == FunctionDecl(("x",), MatrixDecl("m", 1))
    assert env["h"] == FunctionDecl(("f",), ScalarDecl(("complex",)))
    assert env["x"] == MatrixDecl("n", 1)
    assert env.functions == {"f", "h"} and env.dims == {"n", "m"}


def _env_error(*layers: dict[str, Text]) -> SpecError:
    with pytest.raises(SpecError) as info:
        Environment.from_layers(list(layers))
    return info.value


def test_undeclared_function_argument_is_located() -> None:
    err = _env_error(layer(t="real", f="function(t, z)"))
    assert "argument `z` of function `f` is not declared" in err.message
    assert err.location == Location("spec.yml", 2, 13)


def test_dimension_as_function_argument() -> None:
    err = _env_error(layer(x="vector(n)", f="function(n)"))
    assert "is a dimension" in err.message


def test_matrix_function_argument_is_refused() -> None:
    err = _env_error(layer(A="matrix(n, d)", f="function(A)"))
    assert "column vectors" in err.message


class _UnplacedSource:
    """A YAML scalar stand-in that fails the test when asked where its characters are."""

    @property
    def positions(self) -> tuple[tuple[int, int], ...] | None:
        raise AssertionError("a valid declaration was mapped back to its source")


def test_valid_declarations_are_not_placed_character_by_character() -> None:
    """Placing a word of a declaration maps its whole YAML scalar back to the file: only an error needs it."""
    values = {"x": "vector(n)", "A": "matrix(n, d)", "S": "matrix(k, k, symmetric)", "u": "real",
              "f": "function(x, u) -> vector(k)", "g": "function(f)"}
    unplaced = {name: Text(value, Location("spec.yml", 1, 5), source=_UnplacedSource())
                for name, value in values.items()}
    env = Environment.from_layers([unplaced])
    assert env.dims == {"n", "d", "k"} and env.functions == {"f", "g"}
    with pytest.raises(AssertionError, match="mapped back"):
        Environment.from_layers([{**unplaced, "h": Text("function(A)", Location("spec.yml", 2, 5),
                                                       source=_UnplacedSource())}])


def test_name_cannot_be_dimension_and_symbol() -> None:
    err = _env_error(layer(x="vector(n)"), layer(n="real"))
    assert "`n` is used as a dimension (in `x`)" in err.message
    assert err.location.line == 1


def test_shadowing_removes_a_dimension_use() -> None:
    env = Environment.from_layers([layer(x="vector(n)"), layer(x="real", n="real")])
    assert env.dims == frozenset()


@pytest.mark.parametrize("name", ["sin", "Matrix", "pi", "E", "I", "jacobian", "_x", "lambda", "x-y", "1x"])
def test_reserved_or_invalid_symbol_names(name: str) -> None:
    err = _env_error({name: text("real")})
    assert "cannot be used" in err.message


def test_function_cycle_is_refused() -> None:
    err = _env_error(layer(a="function(b)", b="function(a)"))
    assert "cycle" in err.message


def test_self_referential_function_is_refused() -> None:
    assert "cycle" in _env_error(layer(f="function(f)")).message


def test_declaration_error_points_at_its_text() -> None:
    err = _env_error({"x": Text("vector(N, D)", Location("spec.yml", 9, 8))})
    assert err.location == Location("spec.yml", 9, 16)


def test_errors_about_a_name_point_at_the_name() -> None:
    value, key = Location("spec.yml", 6, 8), Location("spec.yml", 6, 3)
    # A Text that knows its key (as the spec loader makes them) ...
    err = _env_error({"x": text("real"), "sin": Text("real", value, key=key)})
    assert "`sin` is a builtin" in err.message and err.location == key
    # ... in an inner layer too; without a key, the value's own location is the best there is.
    with pytest.raises(SpecError) as info:
        Environment.from_layers([{"x": text("real")}, {"pi": Text("real", value, key=key)}])
    assert info.value.location == key
    with pytest.raises(SpecError) as info:
        Environment.from_layers([{}]).child({"E": Text("real", value)})
    assert info.value.location == value
    # A dimension also declared as a symbol: the error is about the symbol's name.
    err = _env_error({"v": text("vector(n)"), "n": Text("real", value, key=key)})
    assert "`n` is used as a dimension" in err.message and err.location == key
    # Errors about the declaration itself stay in the value.
    err = _env_error({"v": Text("vector(N, D)", value, key=key)})
    assert err.location == Location("spec.yml", 6, 16)


def test_declaration_errors_inside_a_yaml_scalar_point_at_the_source() -> None:
    node = load_yaml('k: "function(a, \\x62, \n  pi)"\n', "spec.yml").values["k"]
    assert isinstance(node, YScalar) and node.value == "function(a, b, pi)"
    with pytest.raises(SpecError, match="`pi` is a builtin") as info:
        parse_declaration(Text(node.value, node.value_location, source=node))
    assert info.value.location == Location("spec.yml", 2, 3)


# --------------------------------------------------------------------------------------------- the seed


def _scopes(node: Any, outer: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """Every scope stack of the seed (page; container; block), innermost last."""
    stacks = [outer]
    for block in node.get("blocks", []):
        for kind in ("math", "example", "remark"):
            if kind in block:
                inner = [*outer, block[kind].get("symbols", {})]
                stacks += _scopes(block[kind], inner) if kind != "math" else [inner]
    return stacks


def test_every_seed_declaration_parses_and_every_scope_validates() -> None:
    spec = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    stacks = _scopes(spec, [spec["symbols"]])
    assert len(stacks) > 10
    count = 0
    for stack in stacks:
        layers = [{name: text(value) for name, value in scope.items()} for scope in stack]
        for scope in layers:
            for value in scope.values():
                parse_declaration(value)
                count += 1
        Environment.from_layers(layers)
    assert count > 40

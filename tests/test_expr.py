"""The expression parser: what it accepts, what it refuses (with the column), and print/parse round trips."""

from __future__ import annotations

import keyword
import subprocess
import sys
import time
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mkdocs_derivations.errors import Location, SpecError
from mkdocs_derivations.expr import (
    BUILTINS,
    CONSTANTS,
    MAX_DEPTH,
    MAX_EXPONENT,
    RESERVED_NAMES,
    read_expression,
    to_source,
)
from mkdocs_derivations.expr_ast import BinOp, Call, ListExpr, Name, Neg, Node, Num, Transpose, children
from mkdocs_derivations.model import Text
from mkdocs_derivations.yaml_safe import YScalar, load_yaml

LOC = Location("spec.yml", 7, 1)  # column 1: a reported column is then the 1-based column in the string
FUNCS = frozenset({"f", "g"})


def parse(source: str, functions: frozenset[str] = FUNCS) -> Node:
    return read_expression(Text(source, LOC), functions=functions)


# --------------------------------------------------------------------------------------------- accepted


def test_tree_shapes_and_columns() -> None:
    tree = parse("-2*e.T*Phi")
    assert tree == BinOp("*", BinOp("*", Neg(Num(2)), Transpose(Name("e"))), Name("Phi"))
    assert isinstance(tree, BinOp) and tree.col == 7  # the operator's column, not the operand's
    assert isinstance(tree.left, BinOp) and tree.left.col == 3
    assert isinstance(tree.left.right, Transpose) and tree.left.right.col == 5  # the dot


def test_operator_column_skips_parentheses() -> None:
    tree = parse("(a + b) * c")
    assert isinstance(tree, BinOp) and tree.op == "*" and tree.col == 9


def test_negative_literal_is_neg_of_num() -> None:
    assert parse("-2") == Neg(Num(2))
    assert parse("x**-1") == BinOp("**", Name("x"), Neg(Num(1)))
    assert parse("+x") == Name("x")  # unary plus is dropped


def test_decimals_are_exact_fractions() -> None:
    assert parse("0.1") == Num(Fraction(1, 10))
    assert parse("2.50") == Num(Fraction(5, 2))
    assert parse("2.0") == Num(2) and isinstance(parse("2.0"), Num)
    node = parse("2.0")
    assert isinstance(node, Num) and type(node.value) is int
    assert parse(".5") == Num(Fraction(1, 2))


def test_calls_lists_and_constants() -> None:
    assert parse("jacobian(f, [x1, x2])") == Call("jacobian", (Name("f"), ListExpr((Name("x1"), Name("x2")))))
    assert parse("Matrix([[a, b], [c, d]])") == Call(
        "Matrix", (ListExpr((ListExpr((Name("a"), Name("b"))), ListExpr((Name("c"), Name("d"))))),))
    assert parse("Matrix([a, b])") == Call("Matrix", (ListExpr((Name("a"), Name("b"))),))
    assert parse("2*pi*I + E") == BinOp("+", BinOp("*", BinOp("*", Num(2), Name("pi")), Name("I")), Name("E"))
    assert parse("g(f)") == Call("g", (Name("f"),))
    assert parse("Derivative(f, x1, 2)") == Call("Derivative", (Name("f"), Name("x1"), Num(2)))


def test_whitespace_and_newlines_keep_columns() -> None:
    assert parse("  x + y") == BinOp("+", Name("x"), Name("y"))
    with pytest.raises(SpecError) as info:
        parse("  x % y")
    assert info.value.location.column == 5
    assert parse("x +\n  y") == BinOp("+", Name("x"), Name("y"))  # a YAML literal block
    assert parse("\tx") == Name("x")


def test_exponent_rule_accepts_ordinary_powers() -> None:
    """Each is read as one power whose exponent is the whole written exponent (``x**-(1/2)`` is not
    ``(x**-1)/2``), and prints back as written, up to spaces around operators."""
    cases = {
        "x**2": BinOp("**", Name("x"), Num(2)),
        "x**-3": BinOp("**", Name("x"), Neg(Num(3))),
        "x**0.5": BinOp("**", Name("x"), Num(Fraction(1, 2))),
        "x**(1/2)": BinOp("**", Name("x"), BinOp("/", Num(1), Num(2))),
        "x**(-1/2)": BinOp("**", Name("x"), BinOp("/", Neg(Num(1)), Num(2))),
        "x**-(1/2)": BinOp("**", Name("x"), Neg(BinOp("/", Num(1), Num(2)))),
        "x**(n + 1)": BinOp("**", Name("x"), BinOp("+", Name("n"), Num(1))),
        "x**(2*k - 1)": BinOp("**", Name("x"), BinOp("-", BinOp("*", Num(2), Name("k")), Num(1))),
        "x**((n + 1)/2)": BinOp("**", Name("x"), BinOp("/", BinOp("+", Name("n"), Num(1)), Num(2))),
        "(x**10)**100": BinOp("**", BinOp("**", Name("x"), Num(10)), Num(100)),
        "1000**1000": BinOp("**", Num(1000), Num(1000)),
        "x**n": BinOp("**", Name("x"), Name("n")),
        "A**-1": BinOp("**", Name("A"), Neg(Num(1))),
        f"x**{MAX_EXPONENT}": BinOp("**", Name("x"), Num(MAX_EXPONENT)),
    }
    for source, tree in cases.items():
        parsed = parse(source)
        assert parsed == tree, source
        assert to_source(parsed).replace(" ", "") == source.replace(" ", ""), source


def test_limits_at_the_edge_are_accepted() -> None:
    assert parse("9" * 30) == Num(int("9" * 30))
    assert parse("0." + "1" * 30) == Num(Fraction(int("1" * 30), 10**30))
    assert to_source(parse("-" * (MAX_DEPTH - 1) + "x")).replace(" ", "") == "-" * (MAX_DEPTH - 1) + "x"
    assert to_source(parse("+".join(["x"] * MAX_DEPTH))).replace(" ", "") == "+".join(["x"] * MAX_DEPTH)
    assert parse("(" * 150 + "x" + ")" * 150) == Name("x")  # parentheses make no nodes


def test_builtins_table() -> None:
    for name in ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "sqrt",
                 "Abs", "sign", "transpose", "trace", "det", "inv", "norm2"]:
        assert (BUILTINS[name].min_args, BUILTINS[name].max_args) == (1, 1)
    assert BUILTINS["atan2"][:2] == (2, 2)
    assert BUILTINS["Derivative"][:2] == BUILTINS["diff"][:2] == (2, 3)
    assert BUILTINS["jacobian"][:2] == BUILTINS["grad"][:2] == (2, 2)
    assert BUILTINS["Matrix"][:2] == (1, 1)
    assert set(CONSTANTS) == {"pi", "E", "I"}
    assert RESERVED_NAMES == set(BUILTINS) | set(CONSTANTS)
    assert all(b.description for b in BUILTINS.values())


def test_eye_and_zeros_are_builtins_of_dimensions() -> None:
    """`eye(D)` was "unknown function `eye` (declare it under `symbols:`, e.g. eye: function(t))"."""
    assert parse("eye(D)") == Call("eye", (Name("D"),))
    assert parse("zeros(N, 3)") == Call("zeros", (Name("N"), Num(3)))
    assert parse("Phi.T*Phi + lam*eye(D)") == BinOp("+", BinOp("*", Transpose(Name("Phi")), Name("Phi")),
                                                      BinOp("*", Name("lam"), Call("eye", (Name("D"),))))
    for source in ["eye(D)", "zeros(N, 3)", "x + 2 * zeros(1, 100)"]:
        assert to_source(parse(source)) == source
    assert {"eye", "zeros"} <= RESERVED_NAMES
    assert (BUILTINS["eye"].min_args, BUILTINS["eye"].max_args) == (1, 1)
    assert (BUILTINS["zeros"].min_args, BUILTINS["zeros"].max_args) == (2, 2)
    with pytest.raises(SpecError, match="did you mean `eye`"):
        parse("ey(D)")


# --------------------------------------------------------------------------------------------- refused

# (source, expected 1-based column, a fragment of the message)
REJECTED: list[tuple[str, int, str]] = [
    ("__import__('os').system('x')", 18, "attribute `.system`"),
    ("().__class__.__bases__[0].__subclasses__()", 27, "attribute `.__subclasses__`"),
    ("(lambda: 1)()", 2, "lambda"),
    ("lambda x: x", 1, "lambda"),
    ("[x for x in y]", 1, "comprehension"),
    ("{x for x in y}", 1, "comprehension"),
    ("(x for x in y)", 1, "generator"),
    ('f"{x}"', 1, "f-string"),
    ("x[0]", 2, "subscripting"),
    ("x[1:2]", 2, "subscripting"),
    ("sin(x=1)", 5, "keyword arguments"),
    ("f(*x)", 3, "starred"),
    ("9**9**9", 5, "power inside an exponent"),
    ("x**(10**10)", 7, "power inside an exponent"),
    ("1" * 100_000, 1, "too long"),
    ("(" * 5000 + "x" + ")" * 5000, 1, "too long"),
    ("-" * 100_000 + "x", 1, "too long"),
    ("+".join(["x"] * 50_000), 1, "too long"),
    ("x \u2212 1", 3, "U+2212 MINUS SIGN"),
    ("x\u200b+1", 2, "U+200B ZERO WIDTH SPACE"),
    ("x+\x00", 3, "U+0000"),
    ("caf\u00e9", 4, "U+00E9"),
    ("x.__class__", 3, "attribute `.__class__`"),
    ("x.T.T.real", 7, "attribute `.real`"),
    ("x.real()", 3, "attribute `.real`"),
    ("x if y else z", 1, "if expression"),
    ("x < y", 1, "comparison"),
    ("x and y", 1, "boolean"),
    ("not x", 1, "`not`"),
    ("~x", 1, "`~`"),
    ("(y := 1)", 2, ":="),
    ("'abc'", 1, "string"),
    ("b'x'", 1, "string"),
    ("None", 1, "`None`"),
    ("True", 1, "`True`"),
    ("...", 1, "`...`"),
    ("x % 2", 3, "operator `%`"),
    ("x // 2", 3, "operator `//`"),
    ("x ^ 2", 3, "write ** for a power"),
    ("1j", 1, "imaginary"),
    ("1e5", 1, "exponent notation"),
    ("0x10", 1, "plain decimal digits"),
    ("1_000", 1, "plain decimal digits"),
    ("2*" + "1" * 31, 3, "more than 30 digits"),
    ("0." + "1" * 31, 1, "more than 30 digits"),
    ("_x", 1, "not a valid name"),
    ("__builtins__", 1, "not a valid name"),
    ("sin", 1, "is a function"),
    ("pi(2)", 1, "constant"),
    ("gg(x)", 1, "unknown function `gg`"),
    ("x.T()", 1, "only named functions"),
    ("sin(x)(y)", 1, "only named functions"),
    ("Matrix(x)", 8, "Matrix takes a list"),
    ("Matrix([])", 8, "empty list"),
    ("[1, 2]", 1, "only allowed as an argument"),
    ("sin([x])", 5, "only allowed as an argument"),
    ("Matrix([[[1]]])", 10, "row of Matrix"),
    ("jacobian([[x]], x)", 11, "row of Matrix"),
    ("Matrix([[1, 2], 3])", 17, "all be lists"),
    ("x**(1000*1000)", 2, "exponent too large"),
    ("x**(1000*n/n*1000)", 2, "exponent too large"),
    ("x**1001", 2, "too large"),
    ("x**-1001", 2, "too large"),
    ("x**(1/1001)", 2, "too large"),
    ("x ** 0.0001", 3, "too large"),
    ("((x**10)**10)**11", 14, "nested powers"),
    ("(1000**1000)**1000", 13, "nested powers"),
    ("sin(x, y)", 1, "takes 1 argument, got 2"),
    ("atan2(x)", 1, "takes 2 arguments"),
    ("Derivative(x, y, 2, 3)", 1, "takes 2 to 3 arguments"),
    ("x, y", 1, "tuple"),
    ("{x}", 1, "set"),
    ("{x: y}", 1, "dict"),
    ("x # c", 3, "'#'"),
    ("", 1, "empty"),
    ("   ", 1, "empty"),
    ("x = 1", 3, "cannot parse"),
    ("import os", 1, "cannot parse"),
    ("-" * 1000 + "x", MAX_DEPTH + 1, "nested too deeply"),
    ("x" + "+x" * 100, 1, "each term of a long sum or factor of a long product is a level"),
    ("(" * 300 + "x" + ")" * 300, 201, "too many nested parentheses"),
    ("await x", 1, "await"),
    ("(yield x)", 2, "yield"),
    # eye and zeros take dimensions: a name (the shape checker decides whether it is one) or 1 to 100
    ("eye(0)", 5, "eye() takes dimensions, got `0`: write a dimension name such as N"),
    ("eye(2.5)", 5, "eye() takes dimensions, got `2.5`"),
    ("eye(2.0)", 5, "eye() takes dimensions, got `2.0`"),
    ("zeros(N, -1)", 10, "zeros() takes dimensions, got `-1`"),
    ("eye(n + 1)", 5, "eye() takes dimensions, got `n + 1`"),
    ("eye(101)", 5, "a whole number from 1 to 100"),
    ("x*eye(f(x))", 7, "eye() takes dimensions, got `f(x)`"),
    ("eye(N, D)", 1, "eye() takes 1 argument, got 2 (eye(n): the n x n identity matrix"),
    ("zeros(N)", 1, "zeros() takes 2 arguments, got 1 (zeros(m, n): the m x n zero matrix"),
    ("eye", 1, "`eye` is a function: call it"),
    ("eye(sin)", 5, "`sin` is a function: call it"),
    # SymPy's and NumPy's names point at ours, not at declaring a function under `symbols:`
    ("2*Identity(N)", 3, "unknown function `Identity`: the identity matrix is eye(n), with n a dimension"),
    ("ZeroMatrix(N, D)", 1, "unknown function `ZeroMatrix`: the zero matrix is zeros(m, n)"),
    ("I(N)", 1, "`I` is a constant, not a function (the identity matrix is eye(n))"),
    # sums, the all-ones vector and `ln` too: declared as functions they would silently mean something else
    ("Sum((x - mu)**2, (i, 1, N))", 1, "unknown function `Sum`: the language has no sums: stack the terms in a "
                                       "vector, `x: vector(N)`, declare `one: vector(N)`"),
    ("2*sum(x)", 3, "unknown function `sum`: the language has no sums"),
    ("ones(N).T*x", 1, "unknown function `ones`: there is no all-ones vector: declare one, `one: vector(N)`"),
    ("ln(y) + 1", 1, "unknown function `ln`: the natural logarithm is log(x)"),
    # a contributor's first guesses for a Hessian, a diagonal matrix and an expectation: "did you mean `sin`?"
    # for hessian(), and "declare it under `symbols:`" for diag(), sent them the wrong way
    ("hessian(f, x)", 1, "unknown function `hessian`: the Hessian of a scalar f by a vector x is "
                         "jacobian(jacobian(f, x).T, x)"),
    ("diag(s) - s*s.T", 1, "unknown function `diag`: there is no diagonal matrix of a vector's entries"),
    ("E(x)", 1, "`E` is a constant, not a function (Euler's number e; there is no expectation: name the "
                "moments, see Expressions, Expectations)"),
]


@pytest.mark.parametrize(("source", "column", "fragment"), REJECTED, ids=[repr(r[0][:30]) for r in REJECTED])
def test_rejected_with_column(source: str, column: int, fragment: str) -> None:
    start = time.perf_counter()
    with pytest.raises(SpecError) as info:
        parse(source)
    assert time.perf_counter() - start < 1.0  # refused at once, not after a blow-up (room for a busy machine)
    assert fragment in info.value.message
    assert info.value.location == Location("spec.yml", 7, column)


def test_enough_rejection_cases() -> None:
    assert len(REJECTED) >= 40


STAR = " (a missing `*`? a product is written `a*b`)"


@pytest.mark.parametrize(("source", "column", "message"), [
    ("x.T A x", 5, "cannot parse expression: invalid syntax" + STAR),
    ("2 x", 3, "cannot parse expression: invalid syntax" + STAR),
    ("  1.5   y", 9, "cannot parse expression: invalid syntax" + STAR),
    ("x 2", 3, "cannot parse expression: invalid syntax" + STAR),
    ("2 (x + 1)", 1, "only named functions can be called, as in sin(x) or f(x)" + STAR),
    ("y (x)", 1, "unknown function `y` (declare it under `symbols:`, e.g. y: function(t))" + STAR),
    ("x + * y", 5, "cannot parse expression: invalid syntax"),  # an operator, not an operand, before: no hint
    ("y(x)", 1, "unknown function `y` (declare it under `symbols:`, e.g. y: function(t))"),
])
def test_two_operands_side_by_side_suggest_a_missing_star(source: str, column: int, message: str) -> None:
    with pytest.raises(SpecError) as info:
        parse(source)
    assert info.value.message == message
    assert info.value.location == Location("spec.yml", 7, column)


def test_error_column_is_shifted_from_the_text_location() -> None:
    with pytest.raises(SpecError) as info:
        read_expression(Text("x + y[0]", Location("a.yml", 3, 12)))
    assert str(info.value.location) == "a.yml:3:17"


def _from_yaml(doc: str) -> Text:
    """The `k:` value of a YAML document as the spec loader makes it: with where each character is."""
    node = load_yaml(doc, "a.yml").values["k"]
    assert isinstance(node, YScalar)
    return Text(node.value, node.value_location, source=node)


@pytest.mark.parametrize(("doc", "needle", "fragment"), [
    ("k: |\n  x +\n  y *\n  z )\n", ")", "unmatched"),  # SyntaxError on line 3 of a literal block
    ("k: >-\n  x +\n  y )\n", ")", "unmatched"),  # folded
    ('k: "f(\\"a\\") + )"\n', ")", "unmatched"),  # `\"` before the error
    ("k: 'f(''a'') + )'\n", ")", "unmatched"),  # `''` before the error
    ("k: x +\n  y )\n", ")", "unmatched"),  # a plain scalar folded over two lines
    ("k: >-\n  x +\n  y.real\n", "real", "attribute"),  # an error from the converter
    ("k: |\n  x +\n  y**x**x**x**x\n", "**x**x**x\n", "power inside"),  # the exponent rule
    ('k: "x + \\u2212y"\n', "\\u2212", r"U\+2212"),  # a bad character written as an escape
    ("k: |-\n  x +\n  y # z\n", "#", "'#'"),
])
def test_errors_inside_yaml_scalars_point_at_the_source(doc: str, needle: str, fragment: str) -> None:
    with pytest.raises(SpecError, match=fragment) as info:
        read_expression(_from_yaml(doc))
    index = doc.rindex(needle) if fragment == "unmatched" else doc.index(needle)
    assert (info.value.location.line, info.value.location.column) == (
        doc.count("\n", 0, index) + 1, index - doc.rfind("\n", 0, index))


def test_unknown_function_suggests_a_close_name() -> None:
    with pytest.raises(SpecError, match="did you mean `jacobian`"):
        parse("jacobain(f, x)")


def test_front_end_needs_no_sympy_and_survives_unary_minus_flood() -> None:
    """ast.parse itself raises MemoryError on 100k unary minus signs; the length check must come first and
    refuse the expression as too long (a SpecError with the lengths), in a process that never imports SymPy
    or MkDocs. The child prints what it caught, so a missing error or another exception fails here."""
    code = (
        "import mkdocs_derivations.shapes, mkdocs_derivations.declarations\n"
        "from mkdocs_derivations.expr import read_expression\n"
        "from mkdocs_derivations.model import Text\n"
        "from mkdocs_derivations.errors import Location, SpecError\n"
        "import sys\n"
        "try:\n"
        "    read_expression(Text('-' * 100000 + 'x', Location('spec.yml', 3, 9)))\n"
        "except SpecError as err:\n"
        "    print(err)\n"
        "else:\n"
        "    print('no SpecError')\n"
        "print(sorted(m for m in ('sympy', 'mkdocs') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, timeout=60, capture_output=True, text=True)
    assert result.stdout.splitlines() == [
        "spec.yml:3:9: this expression is too long (100001 characters; the limit is 2000)",
        "[]",
    ]


# --------------------------------------------------------------------------------------------- round trips

_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,4}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s) and s not in BUILTINS)
_INTS = st.integers(min_value=0, max_value=10**30 - 1).map(Num)
_DECIMALS = st.builds(lambda n, k: Fraction(n, 10**k), st.integers(1, 10**12), st.integers(1, 12)).filter(
    lambda f: f.denominator != 1).map(Num)
_SMALL_EXPONENTS = st.sampled_from([Num(2), Num(3), Neg(Num(1)), Num(Fraction(1, 2)),
                                    BinOp("/", Num(1), Num(3)), Neg(BinOp("/", Num(1), Num(2)))])
_LEAVES = st.one_of(_NAMES.map(Name), _INTS, _DECIMALS, st.sampled_from([Name("pi"), Name("E"), Name("I")]))


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    scalar_builtin = st.sampled_from(["sin", "exp", "sqrt", "Abs", "transpose", "det", "norm2"])
    return st.one_of(
        st.builds(BinOp, st.sampled_from(["+", "-", "*", "/", "@"]), children, children),
        st.builds(lambda b, e: BinOp("**", b, e), children, st.one_of(_SMALL_EXPONENTS, _NAMES.map(Name))),
        st.builds(Neg, children),
        st.builds(Transpose, children),
        st.builds(lambda f, a: Call(f, (a,)), scalar_builtin, children),
        st.builds(lambda a, b: Call("atan2", (a, b)), children, children),
        st.builds(lambda a, v, k: Call("diff", (a, v) if k is None else (a, v, Num(k))),
                  children, _NAMES.map(Name), st.none() | st.integers(1, 3)),
        st.builds(lambda f, a: Call(f, tuple(a)), st.sampled_from(["f", "g"]), st.lists(children, min_size=1,
                                                                                         max_size=3)),
        st.builds(lambda rows: Call("Matrix", (ListExpr(tuple(ListExpr(tuple(r)) for r in rows)),)),
                  st.lists(st.lists(children, min_size=1, max_size=2), min_size=1, max_size=2)),
        st.builds(lambda items: Call("Matrix", (ListExpr(tuple(items)),)), st.lists(children, min_size=1,
                                                                                     max_size=3)),
        st.builds(lambda a, vs: Call("jacobian", (a, ListExpr(tuple(vs)))), children,
                  st.lists(_NAMES.map(Name), min_size=1, max_size=3)),
    )


TREES = st.recursive(_LEAVES, _extend, max_leaves=20)


def _depth(node: Node) -> int:
    return 1 + max((_depth(c) for c in children(node)), default=0)


def _tower(node: Node) -> int:
    """The product of literal exponent sizes along nested bases (the parser's nested-power budget)."""
    if isinstance(node, BinOp) and node.op == "**":
        size = 1 if isinstance(node.right, Name) else 3
        return size * max(1, _tower(node.left))
    return max((_tower(c) for c in children(node)), default=0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES)
def test_print_then_parse_is_identity(tree: Node) -> None:
    assume(_depth(tree) <= MAX_DEPTH and _tower(tree) <= MAX_EXPONENT)
    source = to_source(tree)
    assert parse(source) == tree, source


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text_raises_only_spec_error(source: str) -> None:
    _parse_or_spec_error(source)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xyfg12.0 +-*/@()[],T_sinMatrixjacobian*", max_size=40))
def test_random_expression_like_text(source: str) -> None:
    tree = _parse_or_spec_error(source)
    if tree is not None:
        assert parse(to_source(tree)) == tree


def _parse_or_spec_error(source: str) -> Node | None:
    try:
        return parse(source)
    except SpecError:
        return None


def test_printer_parenthesises_minimally() -> None:
    cases = {
        "a - (b - c)": "a - (b - c)",
        "(a - b) - c": "a - b - c",
        "a*(b*c)": "a * (b * c)",
        "-x**2": "-x**2",
        "(-x)**2": "(-x)**2",
        "(x**2)**3": "(x**2)**3",
        "x**-y": "x**-y",
        "(a + b).T": "(a + b).T",
        "(2).T": "(2).T",
        "a * -b": "a * -b",
        "--x": "--x",
        "0.125 + 1.5": "0.125 + 1.5",
    }
    for source, printed in cases.items():
        assert to_source(parse(source)) == printed


def test_non_canonical_numbers_still_print_their_value() -> None:
    assert to_source(Num(-2)) == "(-2)"
    assert to_source(Num(Fraction(1, 3))) == "(1/3)"

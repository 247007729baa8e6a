"""Property-based hunt for false accepts and false refutes in the verifier's vector and matrix checks
(derandomized: the same run every time). The scalar twin is ``test_verifier_soundness_fuzz.py``.

Hypothesis builds random well-shaped expressions over declared matrices and vectors of symbolic dimension
(``A``, ``B``, ``C``: N×N; ``M``: N×D; ``x``, ``y``: vector(N); ``theta``: vector(D); ``s``, ``t`` real) in a
small tree of this module's own (products of conformable shapes, sums, transposes, rational and scalar
multiples, ``inv`` of square matrices, 1×1 products such as ``x.T*A*x``). The generator tracks shapes, so
every expression is well formed. From each:

* **false near-misses**: a correct rewrite of the expression (see below) with one mutation (a product's
  order swapped, a transpose dropped or added, a sign flipped, a coefficient nudged, inv(PQ) -> inv(P) inv(Q),
  (PQ)^T -> P^T Q^T, a term dropped, a matrix replaced by another of its shape). A pair counts as false only
  if an *independent* oracle shows it: both sides evaluated exactly (``Fraction`` matrices, our own tree
  walk, no SymPy) at random integer entries, at the sizes the verifier checks (its documented default
  sizes, or a ``sizes:`` key this test writes into the spec) and at other sizes (4 and 3, all 3, all 1).
  Properties: (1) a pair false at a checked size never gets an accepting verdict (``proved``, ``proved-all``,
  ``sizes``, ``numeric``); (2) a pair false at *any* size is never ``proved-all`` ("proved for all
  dimensions"). A pair true at the checked sizes and false elsewhere may honestly get ``sizes`` ("checked
  at sizes"): how often is counted in :data:`STATS` (``false elsewhere only``).
* **true rewrites**: one correct local rule applied at a node ((PQ)^T = Q^T P^T, (P^T)^T = P, distributivity,
  inv(PQ) = inv(Q) inv(P) for square P and Q, inv(P^T) = inv(P)^T, associativity, a scalar moved through
  a product, the transpose of a 1×1 product dropped) or the whole expression expanded. Property: never
  ``refuted`` (the oracle double-checks the rewrite: a difference there is a bug of this test); and if an
  inverted matrix is singular at every oracle point of a checked size, never accepted either.
* **Jacobians**: templates ``jacobian(P*x + u, x) = P``, ``jacobian(x.T*P*x, x) = x.T*(P + P.T)``,
  ``jacobian(norm2(P*x - u), x) = 2*(P*x - u).T*P`` and kin, with random x-free ``P`` and ``u``; the same
  properties for the true form and for mutations of its right side. The oracle differentiates by exact
  central differences (exact, since every operand is at most quadratic in the variable).

Each claim is printed in the project's ``sympy:`` syntax and goes through the project's own loader (a spec
text, ``load_spec_text``, ``build_layout``) and ``verify.check_claim``, exactly like a page's claims. No string
is handed to sympify, parse_expr or eval. ``DERIVATIONS_FUZZ_EXAMPLES`` raises the number of examples per
property for a real hunt (the default keeps the module at about 15 s on two cores); run with ``-s`` to see
:data:`STATS`.
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Union

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from mkdocs_derivations import rational_points, verify
from mkdocs_derivations.claims import Claim, build_layout
from mkdocs_derivations.spec import load_spec_text

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("DERIVATIONS_FUZZ_EXAMPLES", "20"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=list(HealthCheck))

ACCEPTING = frozenset({"proved", "proved-all", "sizes", "numeric"})

STATS: dict[str, Counter[str]] = collections.defaultdict(Counter)  # printed in this order, then the others
STATS.update({"false": Counter(), "false elsewhere only": Counter(), "true": Counter(), "size-specific": Counter(),
              "jacobian false": Counter(), "jacobian true": Counter(), "mutations": Counter(), "rejected": Counter()})


def teardown_module() -> None:
    """The counts, for a hunt run with ``-s``: how often a false pair is left undecided, or a true one only
    gets "checked at sizes", says how strong the verifier is, which no assertion here can."""
    for kind, counts in STATS.items():
        if counts:
            print(f"\n{kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for claim in SLOW:
        print(f"\nover the time limit: {claim}")


# ------------------------------------------------------------------------------------- the expression tree

Dim = Union[str, int]  # "N", "D" or 1  # noqa: UP007 - a runtime alias
Shape = tuple[Dim, Dim]
SCALAR: Shape = (1, 1)

DECLARED: dict[str, str] = {"A": "matrix(N, N)", "B": "matrix(N, N)", "C": "matrix(N, N)", "M": "matrix(N, D)",
                            "x": "vector(N)", "y": "vector(N)", "theta": "vector(D)", "s": "real", "t": "real"}
SHAPES: dict[str, Shape] = {"A": ("N", "N"), "B": ("N", "N"), "C": ("N", "N"), "M": ("N", "D"), "x": ("N", 1),
                            "y": ("N", 1), "theta": ("D", 1), "s": SCALAR, "t": SCALAR}


@dataclass(frozen=True)
class Node:
    """One node: ``op`` is sym, num, add, neg, mul, T, inv, pow, trace, det, norm2 or jac; ``name`` a symbol's
    name, ``value`` a number's; ``args`` the children. ``shape`` is computed when the node is built (1×1 is a
    scalar)."""

    op: str
    args: tuple[Node, ...] = ()
    name: str = ""
    value: Fraction = Fraction(0)
    shape: Shape = SCALAR


def sym(name: str) -> Node:
    return Node("sym", name=name, shape=SHAPES[name])


def num(value: Fraction | int) -> Node:
    return Node("num", value=Fraction(value))


def add(a: Node, b: Node) -> Node:
    assert a.shape == b.shape, (a, b)
    return Node("add", (a, b), shape=a.shape)


def neg(a: Node) -> Node:
    return Node("neg", (a,), shape=a.shape)


def mul(a: Node, b: Node) -> Node:
    if a.shape == SCALAR:
        return Node("mul", (a, b), shape=b.shape)
    if b.shape == SCALAR:
        return Node("mul", (a, b), shape=a.shape)
    assert a.shape[1] == b.shape[0], (a, b)
    shape = (a.shape[0], b.shape[1])
    return Node("mul", (a, b), shape=SCALAR if shape == (1, 1) else shape)


def tr(a: Node) -> Node:
    return Node("T", (a,), shape=(a.shape[1], a.shape[0]))


def inv(a: Node) -> Node:
    assert a.shape[0] == a.shape[1], a
    return Node("inv", (a,), shape=a.shape)


def trace(a: Node) -> Node:
    assert square(a.shape), a
    return Node("trace", (a,))


def det(a: Node) -> Node:
    assert square(a.shape), a
    return Node("det", (a,))


def power(a: Node, exponent: int) -> Node:
    """``a**exponent`` of a square matrix (an integer literal exponent, as the language requires)."""
    assert square(a.shape), a
    return Node("pow", (a, num(exponent)), shape=a.shape)


def norm2(a: Node) -> Node:
    assert a.shape[1] == 1 and a.shape[0] != 1, a
    return Node("norm2", (a,))


def jac(f: Node, var: str) -> Node:
    rows = 1 if f.shape == SCALAR else f.shape[0]
    assert f.shape[1] == 1 and SHAPES[var][1] == 1
    n = SHAPES[var][0]
    return Node("jac", (f, sym(var)), shape=SCALAR if (rows, n) == (1, 1) else (rows, n))


def square(shape: Shape) -> bool:
    return shape[0] == shape[1] and shape != SCALAR


def nodes_of(node: Node) -> Iterator[Node]:
    """``node`` and its subtrees, but not a power's exponent or a Jacobian's variable (not expressions of
    their own: a mutation there would write a claim the language refuses)."""
    yield node
    for a in node.args[:1] if node.op in ("pow", "jac") else node.args:
        yield from nodes_of(a)


def replace(node: Node, target: Node, new: Node) -> Node:
    """``node`` with the one subtree ``target`` (by identity: the first such object met) replaced by ``new``."""
    done = False

    def walk(n: Node) -> Node:
        nonlocal done
        if not done and n is target:
            done = True
            return new
        if not n.args:
            return n
        args = tuple(walk(a) for a in n.args)
        return n if all(x is y for x, y in zip(args, n.args, strict=True)) else rebuild(n, args)

    return walk(node)


def rebuild(n: Node, args: tuple[Node, ...]) -> Node:
    builders: dict[str, Callable[..., Node]] = {"add": add, "neg": neg, "mul": mul, "T": tr, "inv": inv,
                                                  "norm2": norm2, "trace": trace, "det": det}
    if n.op == "jac":
        return jac(args[0], n.args[1].name)
    if n.op == "pow":
        return power(args[0], int(n.args[1].value))
    return builders[n.op](*args)


def symbols_in(node: Node) -> set[str]:
    return {n.name for n in nodes_of(node) if n.op == "sym"}


def dims_in(node: Node) -> list[str]:
    return sorted({d for name in symbols_in(node) for d in SHAPES[name] if isinstance(d, str)})


# ----------------------------------------------------------------------------------------------- printing

_ATOMS = frozenset({"sym", "inv", "norm2", "jac", "T", "trace", "det"})


def _atom(node: Node) -> str:
    """``node`` printed as an operand: parenthesised unless it is a name, a call, a transpose or a natural
    number."""
    text = printed(node)
    natural = node.op == "num" and node.value >= 0 and node.value.denominator == 1
    return text if node.op in _ATOMS or natural else f"({text})"


def printed(node: Node) -> str:
    """``node`` in the project's ``sympy:`` syntax, parenthesised so that the grouping is the tree's."""
    if node.op == "sym":
        return node.name
    if node.op == "num":
        v = node.value
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    if node.op == "add":
        a, b = node.args
        return f"{printed(a)} + {_atom(b) if b.op in ('add', 'neg') else printed(b)}"
    if node.op == "neg":
        return f"-{_atom(node.args[0])}"
    if node.op == "mul":
        a, b = node.args
        left = printed(a) if a.op == "mul" else _atom(a)  # a chain x.T*A*x is left-associative, as written
        return f"{left}*{_atom(b)}"
    if node.op == "T":
        return f"{_atom(node.args[0])}.T"
    if node.op == "inv":
        return f"inv({printed(node.args[0])})"
    if node.op in ("norm2", "trace", "det"):
        return f"{node.op}({printed(node.args[0])})"
    if node.op == "pow":
        return f"{_atom(node.args[0])}**{int(node.args[1].value)}"
    if node.op == "jac":
        return f"jacobian({printed(node.args[0])}, {node.args[1].name})"
    raise AssertionError(node.op)


# ---------------------------------------------------------------------------------------------- generation

LEAVES: dict[Shape, list[Callable[[], Node]]] = {
    ("N", "N"): [lambda: sym("A"), lambda: sym("B"), lambda: sym("C"), lambda: tr(sym("A")), lambda: tr(sym("B"))],
    ("N", "D"): [lambda: sym("M")],
    ("D", "N"): [lambda: tr(sym("M"))],
    ("D", "D"): [lambda: mul(tr(sym("M")), sym("M"))],
    ("N", 1): [lambda: sym("x"), lambda: sym("y")],
    (1, "N"): [lambda: tr(sym("x")), lambda: tr(sym("y"))],
    ("D", 1): [lambda: sym("theta")],
    (1, "D"): [lambda: tr(sym("theta"))],
    SCALAR: [lambda: sym("s"), lambda: sym("t")],
}
INNER: tuple[Dim, ...] = ("N", "N", "D", 1)

coefficients = st.builds(Fraction, st.integers(-9, 9).filter(bool), st.integers(1, 4))


@st.composite
def expression(draw: st.DrawFn, shape: Shape, depth: int = 3, avoid: frozenset[str] = frozenset(),
               inverses: int = 1) -> Node:
    """A random expression of ``shape`` with no symbol from ``avoid``, at most ``inverses`` nested ``inv``
    (an inverse of a 3×3 matrix of sums is already a large rational function at the sizes)."""
    leaves = [leaf() for leaf in LEAVES[shape]]
    leaves = [leaf for leaf in leaves if not symbols_in(leaf) & avoid]
    if shape == SCALAR:
        leaves.append(num(draw(coefficients)))
    if depth <= 0 or (leaves and draw(st.integers(0, 3)) == 0):
        if leaves:
            return draw(st.sampled_from(leaves))
        # theta avoided: M.T*y (or its transpose) is the smallest (D, 1)
        a = draw(expression((shape[0], "N"), 0, avoid, 0))
        return mul(a, draw(expression(("N", shape[1]), 0, avoid, 0)))
    kinds = ["add", "sub", "mul", "mul", "mul", "scale", "transpose", "inv", "neg", "power"]
    if shape == SCALAR:
        kinds += ["trace", "det", "norm2"]
    kind = draw(st.sampled_from(kinds))
    sub = expression(shape, depth - 1, avoid, inverses)
    if kind in ("add", "sub"):
        a, b = draw(sub), draw(sub)
        return add(a, b if kind == "add" else neg(b))
    if kind == "scale":
        factor = draw(st.sampled_from([num(draw(coefficients)), sym("s"), sym("t")]))
        if factor.name in avoid:
            factor = num(draw(coefficients))
        return mul(factor, draw(sub)) if draw(st.booleans()) else mul(draw(sub), factor)
    if kind == "transpose" and shape != SCALAR:
        return tr(draw(expression((shape[1], shape[0]), depth - 1, avoid, inverses)))
    if kind == "inv" and square(shape) and inverses > 0:
        return inv(draw(expression(shape, min(depth - 1, 1), avoid, inverses - 1)))
    if kind == "power" and square(shape):
        exponent = draw(st.sampled_from([2, 2, 3, -1, -2] if inverses > 0 else [2, 2, 3]))
        return power(draw(expression(shape, min(depth - 1, 1), avoid, inverses - (exponent < 0))), exponent)
    if kind in ("trace", "det"):
        d: Dim = draw(st.sampled_from(["N", "N", "D"]))
        operand = draw(expression((d, d), min(depth - 1, 2 if kind == "trace" else 1), avoid, 0))
        return trace(operand) if kind == "trace" else det(operand)
    if kind == "norm2":
        return norm2(draw(expression((draw(st.sampled_from(["N", "D"])), 1), depth - 1, avoid, 0)))
    if kind == "neg":
        return neg(draw(sub))
    inner = draw(st.sampled_from(INNER))
    if shape == SCALAR and inner == 1:
        inner = "N"  # a 1×1 product of vectors, x.T*A*y
    a = draw(expression((shape[0], inner), depth - 1, avoid, inverses))
    b = draw(expression((inner, shape[1]), depth - 1, avoid, inverses))
    return mul(a, b)


TOP_SHAPES: list[Shape] = [("N", "N"), ("N", "N"), ("N", 1), (1, "N"), ("N", "D"), ("D", "D"), SCALAR, SCALAR]


@st.composite
def expressions(draw: st.DrawFn) -> Node:
    node = draw(expression(draw(st.sampled_from(TOP_SHAPES)), inverses=draw(st.sampled_from([0, 1, 1, 2]))))
    assume(dims_in(node))  # a claim about scalars only is the scalar fuzzer's business
    return node


# ------------------------------------------------------------------------------------------- true rewrites

def local_rewrites(n: Node) -> list[tuple[str, Node]]:
    """Correct rewrites of the node ``n`` (for every size and every invertible matrix)."""
    out: list[tuple[str, Node]] = []
    if n.op == "T":
        (a,) = n.args
        if a.op == "mul":
            out.append(("transpose-product", mul(tr(a.args[1]), tr(a.args[0]))))
        if a.op == "T":
            out.append(("double-transpose", a.args[0]))
        if a.op == "add":
            out.append(("transpose-sum", add(tr(a.args[0]), tr(a.args[1]))))
        if a.op == "inv":
            out.append(("transpose-inverse", inv(tr(a.args[0]))))
        if n.shape == SCALAR:
            out.append(("transpose-1x1", a))
    if n.op == "mul":
        a, b = n.args
        if b.op == "add":
            out.append(("distribute", add(mul(a, b.args[0]), mul(a, b.args[1]))))
        if a.op == "add":
            out.append(("distribute", add(mul(a.args[0], b), mul(a.args[1], b))))
        if a.op == "mul":
            out.append(("associate", mul(a.args[0], mul(a.args[1], b))))
        if b.op == "mul":
            out.append(("associate", mul(mul(a, b.args[0]), b.args[1])))
        if a.shape == SCALAR or b.shape == SCALAR:
            out.append(("scalar-commutes", mul(b, a)))
        if a.shape == SCALAR and b.op == "mul":
            out.append(("scalar-moves", mul(b.args[0], mul(a, b.args[1]))))
    if n.op == "inv":
        (a,) = n.args
        if a.op == "mul" and square(a.args[0].shape) and square(a.args[1].shape):
            out.append(("inverse-product", mul(inv(a.args[1]), inv(a.args[0]))))
        if a.op == "mul" and a.args[0].shape == SCALAR and a.args[0].op == "num":
            out.append(("inverse-scaled", mul(num(1 / a.args[0].value), inv(a.args[1]))))
        if a.op == "T":
            out.append(("inverse-transpose", tr(inv(a.args[0]))))
        if a.op == "inv":
            out.append(("double-inverse", a.args[0]))
    if n.op == "trace":
        (a,) = n.args
        if a.op == "mul":  # trace(θ θᵀ) = θᵀθ: a rotation to 1×1 is the number itself, not its trace
            rotated = mul(a.args[1], a.args[0])
            out.append(("trace-cyclic", rotated if rotated.shape == SCALAR else trace(rotated)))
        if a.op == "add":
            out.append(("trace-sum", add(trace(a.args[0]), trace(a.args[1]))))
        if a.op == "T":
            out.append(("trace-transpose", trace(a.args[0])))
        if a.op == "mul" and a.args[0].shape == SCALAR:
            out.append(("trace-scalar", mul(a.args[0], trace(a.args[1]))))
    if n.op == "det":
        (a,) = n.args
        if a.op == "mul" and square(a.args[0].shape) and square(a.args[1].shape):
            out.append(("det-product", mul(det(a.args[0]), det(a.args[1]))))
        if a.op == "T":
            out.append(("det-transpose", det(a.args[0])))
        if a.op == "inv":
            out.append(("det-inverse", inv(det(a.args[0]))))
    if n.op == "pow":
        a, k = n.args[0], int(n.args[1].value)
        if k >= 2:
            out.append(("power-split", mul(a, power(a, k - 1)) if k > 2 else mul(a, a)))
        if k == -1:
            out.append(("power-inverse", inv(a)))
        if k < -1:
            out.append(("power-inverse", power(inv(a), -k)))
            out.append(("power-inverse", inv(power(a, -k))))
    if n.op == "norm2":
        out.append(("norm2", mul(tr(n.args[0]), n.args[0])))
    if n.shape == SCALAR and n.op == "mul" and dims_in(n):
        out.append(("transpose-1x1", tr(n)))
    if n.op == "neg":
        out.append(("minus-one", mul(num(-1), n.args[0])))
    if square(n.shape) and n.op == "sym":
        out.append(("transpose-twice", tr(tr(n))))
    return out


def expanded(n: Node) -> Node:
    """``n`` with every product distributed over its sums and every transpose pushed down to the symbols (an
    inverse is left whole; its inside is expanded)."""
    if n.op in ("sym", "num"):
        return n
    if n.op == "add":
        return add(expanded(n.args[0]), expanded(n.args[1]))
    if n.op == "neg":
        return neg(expanded(n.args[0]))
    if n.op in ("inv", "trace", "det"):
        return rebuild(n, (expanded(n.args[0]),))
    if n.op == "pow":
        return power(expanded(n.args[0]), int(n.args[1].value))
    if n.op == "norm2":
        a = n.args[0]
        return expanded(mul(tr(a), a))
    if n.op == "T":
        a = n.args[0]
        if a.op == "sym":
            return n
        if a.op == "num":
            return a
        if a.op == "T":
            return expanded(a.args[0])
        if a.op == "add":
            return expanded(add(tr(a.args[0]), tr(a.args[1])))
        if a.op == "neg":
            return neg(expanded(tr(a.args[0])))
        if a.op == "mul":
            return expanded(mul(tr(a.args[1]), tr(a.args[0])))
        if a.op == "inv":
            return inv(expanded(tr(a.args[0])))
        return tr(expanded(a))
    if n.op == "mul":
        a, b = expanded(n.args[0]), expanded(n.args[1])
        if a.op == "add":
            return add(expanded(mul(a.args[0], b)), expanded(mul(a.args[1], b)))
        if b.op == "add":
            return add(expanded(mul(a, b.args[0])), expanded(mul(a, b.args[1])))
        if a.op == "neg":
            return neg(expanded(mul(a.args[0], b)))
        if b.op == "neg":
            return neg(expanded(mul(a, b.args[0])))
        return mul(a, b)
    return n


@st.composite
def true_rewrite(draw: st.DrawFn, node: Node) -> tuple[str, Node]:
    """A correct rewrite of ``node``: the whole of it expanded, or one local rule at one node."""
    candidates = [(n, kind, r) for n in nodes_of(node) for kind, r in local_rewrites(n)]
    if not candidates or draw(st.integers(0, 3)) == 0:
        return "expand", expanded(node)
    target, kind, replacement = draw(st.sampled_from(candidates))
    return kind, replace(node, target, replacement)


# ------------------------------------------------------------------------------------------------ mutations

OTHER: dict[str, list[str]] = {"A": ["B", "C"], "B": ["A", "C"], "C": ["A", "B"], "x": ["y"], "y": ["x"],
                               "s": ["t"], "t": ["s"]}


def local_mutations(n: Node) -> list[tuple[str, Node]]:
    """Near-misses of the node ``n`` (of its shape; not necessarily false: the oracle decides)."""
    out: list[tuple[str, Node]] = []
    if n.op == "mul":
        a, b = n.args
        if a.shape == b.shape and square(a.shape):
            out.append(("swap-product", mul(b, a)))
        if a.op == "mul" and b.shape == a.args[1].shape == a.args[0].shape and square(b.shape):
            out.append(("swap-product", mul(mul(a.args[0], b), a.args[1])))
    if n.op == "T":
        if square(n.shape):
            out.append(("drop-transpose", n.args[0]))
        a = n.args[0]
        if a.op == "mul" and square(a.args[0].shape) and a.args[0].shape == a.args[1].shape:
            out.append(("transpose-product-same-order", mul(tr(a.args[0]), tr(a.args[1]))))
    if square(n.shape) and n.op != "T":
        out.append(("add-transpose", tr(n)))
    if n.op == "add":
        a, b = n.args
        out.append(("drop-term", a))
        out.append(("drop-term", b))
        out.append(("flip-sign", add(a, neg(b))))
    if n.op == "neg":
        out.append(("flip-sign", n.args[0]))
    if n.op == "num":
        for delta in (Fraction(1), Fraction(1, 10), Fraction(-1, 7)):
            out.append(("nudge-coefficient", num(n.value + delta)))
    if n.op == "inv":
        a = n.args[0]
        if a.op == "mul" and square(a.args[0].shape) and a.args[0].shape == a.args[1].shape:
            out.append(("inverse-product-same-order", mul(inv(a.args[0]), inv(a.args[1]))))
        out.append(("drop-inverse", a))
    if n.op == "sym" and n.name in OTHER:
        out.extend(("other-symbol", sym(o)) for o in OTHER[n.name])
    if n.op == "mul" and n.args[0].op == "num":
        out.append(("drop-coefficient", n.args[1]))
    if n.op == "trace" and n.args[0].op == "mul":
        a, b = n.args[0].args
        if a.op == "mul":  # trace(PQR) -> trace(RQP): not a cyclic permutation
            out.extend(("trace-reversed", r) for r in _attempt(lambda: trace(mul(mul(b, a.args[1]), a.args[0]))))
        if square(a.shape) and square(b.shape):
            out.append(("trace-of-product", mul(trace(a), trace(b))))
    if n.op == "det":
        a = n.args[0]
        if a.op == "add":
            out.append(("det-of-sum", add(det(a.args[0]), det(a.args[1]))))
        if a.op == "mul" and a.args[0].shape == SCALAR:
            out.append(("det-scalar-once", mul(a.args[0], det(a.args[1]))))
        if a.op == "neg":
            out.append(("det-negated", det(a.args[0])))  # holds at even sizes only
        out.append(("det-as-trace", trace(a)))
    if n.op == "pow":
        a, k = n.args[0], int(n.args[1].value)
        out.extend(("exponent-off-by-one", power(a, e)) for e in (k - 1, k + 1) if e not in (0, 1))
        if a.op == "mul" and a.args[0].shape == a.args[1].shape and square(a.args[0].shape):
            out.append(("power-of-product", mul(power(a.args[0], k), power(a.args[1], k))))
        if k == -1:
            out.append(("drop-inverse", a))
    if n.op == "mul" and n.args[0].shape == SCALAR and n.args[1].shape == SCALAR and n.args[0].op != "num":
        out.append(("scalar-squared", mul(n.args[0], n.args[0])))
    return out


def _attempt(build: Callable[[], Node]) -> list[Node]:
    """``[build()]``, or ``[]`` when the shapes do not fit."""
    try:
        return [build()]
    except AssertionError:
        return []


@st.composite
def mutated(draw: st.DrawFn, node: Node) -> tuple[str, Node]:
    candidates = [(n, kind, r) for n in nodes_of(node) for kind, r in local_mutations(n)]
    if not candidates:
        return "scaled", mul(num(2), node)
    target, kind, replacement = draw(st.sampled_from(candidates))
    return kind, replace(node, target, replacement)


# ------------------------------------------------------------------------------------------------ the oracle
# Exact evaluation with Fraction matrices (lists of rows); a 1×1 result is a scalar (a Fraction), as in the
# project and the book.

Value = Union[Fraction, list[list[Fraction]]]  # noqa: UP007 - a runtime alias


class Singular(Exception):
    """An inverse of a singular matrix (or 1/0) at this point: the point says nothing."""


def _scalar(m: Value) -> Value:
    if isinstance(m, list) and len(m) == 1 and len(m[0]) == 1:
        return m[0][0]
    return m


def _matmul(a: list[list[Fraction]], b: list[list[Fraction]]) -> Value:
    assert len(a[0]) == len(b), (len(a[0]), len(b))
    return _scalar([[sum((a[i][k] * b[k][j] for k in range(len(b))), Fraction(0)) for j in range(len(b[0]))]
                    for i in range(len(a))])


def _inverse(m: list[list[Fraction]]) -> list[list[Fraction]]:
    n = len(m)
    work = [row[:] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(m)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if work[r][col] != 0), None)
        if pivot is None:
            raise Singular
        work[col], work[pivot] = work[pivot], work[col]
        p = work[col][col]
        work[col] = [v / p for v in work[col]]
        for r in range(n):
            if r != col and work[r][col] != 0:
                f = work[r][col]
                work[r] = [v - f * w for v, w in zip(work[r], work[col], strict=True)]
    return [row[n:] for row in work]


def _determinant(m: list[list[Fraction]]) -> Fraction:
    work = [row[:] for row in m]
    n, result = len(work), Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if work[r][col] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != col:
            work[col], work[pivot] = work[pivot], work[col]
            result = -result
        result *= work[col][col]
        for r in range(col + 1, n):
            f = work[r][col] / work[col][col]
            work[r] = [v - f * w for v, w in zip(work[r], work[col], strict=True)]
    return result


def _combine(a: Value, b: Value, op: Callable[[Fraction, Fraction], Fraction]) -> Value:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return op(a, b)
    assert isinstance(a, list) and isinstance(b, list), (a, b)
    return [[op(u, v) for u, v in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def _scale(f: Fraction, m: Value) -> Value:
    return f * m if isinstance(m, Fraction) else [[f * v for v in row] for row in m]


def evaluate(node: Node, point: dict[str, Value]) -> Value:
    """``node`` at ``point`` (a value per symbol), exactly."""
    op = node.op
    if op == "sym":
        return point[node.name]
    if op == "num":
        return node.value
    if op == "add":
        return _combine(evaluate(node.args[0], point), evaluate(node.args[1], point), lambda u, v: u + v)
    if op == "neg":
        return _scale(Fraction(-1), evaluate(node.args[0], point))
    if op == "mul":
        a, b = evaluate(node.args[0], point), evaluate(node.args[1], point)
        if isinstance(a, Fraction):
            return _scale(a, b)
        if isinstance(b, Fraction):
            return _scale(b, a)
        return _matmul(a, b)
    if op == "T":
        a = evaluate(node.args[0], point)
        return a if isinstance(a, Fraction) else _scalar([list(col) for col in zip(*a, strict=True)])
    if op == "inv":
        a = evaluate(node.args[0], point)
        if isinstance(a, Fraction):
            if a == 0:
                raise Singular
            return 1 / a
        return _inverse(a)
    if op == "pow":
        a = evaluate(node.args[0], point)
        k = int(node.args[1].value)
        if k < 0:
            a = evaluate(inv(node.args[0]), point)
        if isinstance(a, Fraction):  # a matrix of size 1
            return a ** abs(k)
        result: Value = a
        for _ in range(abs(k) - 1):
            assert isinstance(result, list)
            result = _matmul(result, a)
        return result
    if op == "trace":
        a = evaluate(node.args[0], point)
        return a if isinstance(a, Fraction) else sum((a[i][i] for i in range(len(a))), Fraction(0))
    if op == "det":
        a = evaluate(node.args[0], point)
        return a if isinstance(a, Fraction) else _determinant(a)
    if op == "norm2":
        a = evaluate(node.args[0], point)
        return a * a if isinstance(a, Fraction) else sum((row[0] ** 2 for row in a), Fraction(0))
    if op == "jac":
        return _jacobian(node, point)
    raise AssertionError(op)


def _jacobian(node: Node, point: dict[str, Value]) -> Value:
    """dF/dv in numerator layout by central differences with step 1: exact for F at most quadratic in v
    (which the templates guarantee)."""
    f, var = node.args[0], node.args[1].name
    v = point[var]
    column = [[v]] if isinstance(v, Fraction) else v
    columns: list[list[Fraction]] = []
    for i in range(len(column)):
        def shifted(h: int, i: int = i) -> list[list[Fraction]]:
            moved = [[c[0] + (h if k == i else 0)] for k, c in enumerate(column)]
            value = evaluate(f, {**point, var: _scalar(moved)})
            return [[value]] if isinstance(value, Fraction) else value
        plus, minus = shifted(1), shifted(-1)
        columns.append([(p[0] - m[0]) / 2 for p, m in zip(plus, minus, strict=True)])
    return _scalar([list(row) for row in zip(*columns, strict=True)])


def random_point(rng: random.Random, sizes: dict[str, int]) -> dict[str, Value]:
    def entry() -> Fraction:
        return Fraction(rng.randint(-9, 9), rng.randint(1, 3))

    point: dict[str, Value] = {}
    for name, (r, c) in SHAPES.items():
        rows = r if isinstance(r, int) else sizes.get(r, 1)
        cols = c if isinstance(c, int) else sizes.get(c, 1)
        point[name] = _scalar([[entry() for _ in range(cols)] for _ in range(rows)])
    return point


def differs_at(lhs: Node, rhs: Node, sizes: dict[str, int], rng: random.Random, points: int = 3) -> bool | None:
    """True if the sides differ at some random point of these sizes; False if they agree at every point where
    both are defined (at least one); None if no point was (an inverted matrix singular at every point)."""
    seen = False
    for _ in range(points):
        point = random_point(rng, sizes)
        try:
            a, b = evaluate(lhs, point), evaluate(rhs, point)
        except Singular:
            continue
        seen = True
        if a != b:
            return True
    return False if seen else None


def default_sizes(dims: list[str]) -> list[dict[str, int]]:
    """The sizes docs/verdicts.md promises ("The size rule"): 2, 3, 2, ... over the dimensions sorted by name,
    then 3, 2, 3, ..., then with three or four dimensions 2, 2, 3, 3 (five to eight: also 2, 2, 2, 2, 3, 3, 3,
    3), and with two or more dimensions also all 2. Written out here from the documentation, so that a change
    of the verifier's choice shows up as a failure (the accepted verdicts list their sizes)."""
    ordered = sorted(dims)
    sizes = [{d: (2, 3)[i % 2] for i, d in enumerate(ordered)}, {d: (3, 2)[i % 2] for i, d in enumerate(ordered)}]
    if len(ordered) >= 3:
        sizes.append({d: (2, 2, 3, 3)[i % 4] for i, d in enumerate(ordered)})
    if len(ordered) >= 5:
        sizes.append({d: (2, 2, 2, 2, 3, 3, 3, 3)[i % 8] for i, d in enumerate(ordered)})
    if len(ordered) > 1:
        sizes.append(dict.fromkeys(ordered, 2))
    return sizes


def unproved_sizes(dims: list[str], lhs: Node, rhs: Node) -> list[dict[str, int]]:
    """What the same section adds for a claim with ``det`` not proved for all dimensions: with two or more
    dimensions, all 3."""
    uses_det = any(n.op == "det" for side in (lhs, rhs) for n in nodes_of(side))
    return [dict.fromkeys(sorted(dims), 3)] if len(dims) > 1 and uses_det else []


def other_sizes(dims: list[str]) -> list[dict[str, int]]:
    """Sizes where a step may be false although the checked ones agree: 4 and 3, all 3, all 1 (one that is a
    checked size, such as all 3 for a claim with two dimensions, is left out by :func:`judge`)."""
    ordered = sorted(dims)
    return [{d: (4, 3)[i % 2] for i, d in enumerate(ordered)}, dict.fromkeys(ordered, 3), dict.fromkeys(ordered, 1)]


# Hand-written `sizes:` keys the test sometimes puts in the spec (each obeys the documented rule: two or more
# assignments, every dimension with two different values ≥ 2).
USER_SIZES: list[list[tuple[int, int]]] = [[(2, 2), (5, 3)], [(3, 2), (4, 5)], [(2, 3), (3, 2), (4, 2)]]


@dataclass
class Judgement:
    checked: list[dict[str, int]]  # the sizes the verifier checks a claim at that it does not prove for all sizes
    false_checked: bool  # the oracle shows a difference at one of them
    false_elsewhere: bool  # ... at one of the other sizes
    undefined_checked: bool  # every point at some checked size inverted a singular matrix
    cross_checked: list[dict[str, int]]  # the sizes listed with "proved for all dimensions" (the extra all 3 is not)


def judge(lhs: Node, rhs: Node, seed: int, user_sizes: list[dict[str, int]] | None) -> Judgement:
    dims = sorted(set(dims_in(lhs)) | set(dims_in(rhs)))
    cross_checked = user_sizes or default_sizes(dims)
    checked = user_sizes or default_sizes(dims) + unproved_sizes(dims, lhs, rhs)
    rest = [s for s in default_sizes(dims) + other_sizes(dims) if s not in checked]
    rng = random.Random(seed)
    at_checked = [differs_at(lhs, rhs, s, rng) for s in checked]
    at_rest = [differs_at(lhs, rhs, s, rng) for s in rest]
    return Judgement(checked, any(at_checked), any(at_rest), None in at_checked, cross_checked)


# ------------------------------------------------------------------------------------- printing and checking

def spec_text(lhs: str, rhs: str, names: set[str], sizes: list[dict[str, int]] | None) -> str:
    symbols = "\n".join(f"        {name}: {json.dumps(DECLARED[name])}" for name in sorted(names))
    sizes_key = f"      sizes: {json.dumps(sizes)}\n" if sizes else ""
    return (f"version: 1\ntitle: Fuzz\nblocks:\n  - math:\n      symbols:\n{symbols}\n{sizes_key}      start:\n"
            f"        tex: 'a'\n        sympy: {json.dumps(lhs)}\n      steps:\n"
            f"        - tex: 'b'\n          sympy: {json.dumps(rhs)}\n")


def claim_for(lhs: Node, rhs: Node, sizes: list[dict[str, int]] | None) -> tuple[Claim, str]:
    """The ``=`` claim of a one-step page (declaring the symbols the claim uses), built by the project's own
    loader and layout builder; and the spec text, for the failure message."""
    text = spec_text(printed(lhs), printed(rhs), symbols_in(lhs) | symbols_in(rhs), sizes)
    layout, errors = build_layout(load_spec_text(text, "fuzz/case.yml"))
    assert not errors, (text, [str(e) for e in errors])  # the generator's shapes are the project's shapes
    (claim,) = [c for c in layout.claims if c.kind == "equal"]
    return claim, text


LOG = os.environ.get("DERIVATIONS_FUZZ_LOG")  # a file to append every checked pair to (one JSON line each)
# Pages are checked in workers with a time limit (pool.py); here the claim runs in the test's process, so the
# test imposes one itself, and a claim over it counts as "could not be checked" (listed at the end).
CHECK_SECONDS = float(os.environ.get("DERIVATIONS_FUZZ_CHECK_SECONDS", "20"))
SLOW: list[str] = []


class _TimeLimit(BaseException):
    """Raised by the alarm; a BaseException, so that ``check_claim``'s own error handling lets it through."""


def _within_time_limit(claim: Claim) -> dict[str, Any]:
    def alarm(signum: int, frame: Any) -> None:
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, alarm)
    # The alarm repeats every second: a bare ``except:`` somewhere in SymPy swallowed a one-shot alarm once,
    # and the check ran on for minutes.
    signal.setitimer(signal.ITIMER_REAL, CHECK_SECONDS, 1.0)
    try:
        return verify.check_claim(claim)
    except _TimeLimit:
        return {"status": "error", "method": "time limit", "detail": f"over {CHECK_SECONDS} s", "sizes": [],
                "seconds": CHECK_SECONDS}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(lhs: Node, rhs: Node, sizes: list[dict[str, int]] | None, expect: str, kind: str) -> tuple[dict[str, Any],
                                                                                                    str]:
    claim, text = claim_for(lhs, rhs, sizes)
    verdict = _within_time_limit(claim)
    if verdict["method"] == "time limit":
        SLOW.append(f"{printed(lhs)} = {printed(rhs)} (sizes {sizes})")
    note(f"spec:\n{text}verdict: {verdict['status']} ({verdict.get('method')}): {verdict.get('detail')}")
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            print(json.dumps({"expect": expect, "kind": kind, "lhs": printed(lhs), "rhs": printed(rhs),
                              "sizes": sizes, "status": verdict["status"], "method": verdict.get("method"),
                              "seconds": verdict.get("seconds")}), file=log)
    return verdict, text


def fallback_statuses(lhs: Node, rhs: Node, sizes: list[dict[str, int]] | None) -> set[str | None]:
    """What the fallback of a check that runs out of time (exact evaluation at rational points) concludes at
    each size the verifier checks: "refuted", "numeric", or None (no point decided)."""
    claim, _ = claim_for(lhs, rhs, sizes)
    ctx = verify._Context(claim)
    deadline = time.process_time() + CHECK_SECONDS
    return {outcome.status if outcome is not None else None
            for outcome in (rational_points.decide(ctx.env, ctx.definitions, checked, (ctx.lhs, ctx.rhs),
                                                   frozenset(ctx.definitions), deadline=deadline)
                            for checked in ctx.sizes + ctx.unproved_sizes)}


def _kind(verdict: dict[str, Any]) -> str:
    status = verdict["status"]
    return f"{status} ({verdict.get('method')})" if status == "error" else status


@st.composite
def user_sizes(draw: st.DrawFn) -> list[tuple[int, int]] | None:
    """None (the verifier's own sizes) three times in four; else a hand-written `sizes:` pattern."""
    return draw(st.sampled_from([None, None, None, *USER_SIZES]))


def sizes_for(pattern: list[tuple[int, int]] | None, lhs: Node, rhs: Node) -> list[dict[str, int]] | None:
    """A pattern of (first, second dimension) sizes applied to the dimensions the claim uses, sorted."""
    if pattern is None:
        return None
    dims = sorted(set(dims_in(lhs)) | set(dims_in(rhs)))
    return [{d: pair[i] for i, d in enumerate(dims)} for pair in pattern]


def false_pair_property(lhs: Node, rhs: Node, kind: str, seed: int, pattern: list[tuple[int, int]] | None,
                        stats: str = "false", explicit: list[dict[str, int]] | None = None) -> None:
    sizes = explicit or sizes_for(pattern, lhs, rhs)
    judgement = judge(lhs, rhs, seed, sizes)
    if not (judgement.false_checked or judgement.false_elsewhere):
        STATS["rejected"][f"{stats}: oracle shows no difference"] += 1
        assume(False)
    STATS["mutations"][kind] += 1
    verdict, text = check(lhs, rhs, sizes, "false", kind)
    status = verdict["status"]
    if judgement.false_checked:
        STATS[stats][_kind(verdict)] += 1
        assert status not in ACCEPTING, f"FALSE ACCEPT ({kind}): {status} for\n{text}{verdict}"
        fallback = fallback_statuses(lhs, rhs, sizes)
        STATS[f"{stats}, rational points"][str(sorted(fallback, key=str))] += 1
        assert fallback != {"numeric"}, f"RATIONAL POINTS AGREE ON A FALSE STEP ({kind}):\n{text}"
    else:
        STATS["false elsewhere only"][_kind(verdict)] += 1
    assert status != "proved-all", f"FALSE 'proved for all dimensions' ({kind}):\n{text}{verdict}"
    if status in ACCEPTING and status != "proved":
        assert verdict["sizes"] == judgement.checked, (verdict["sizes"], judgement.checked)  # never proved-all here


def true_pair_property(lhs: Node, rhs: Node, kind: str, seed: int, pattern: list[tuple[int, int]] | None,
                       stats: str = "true") -> None:
    sizes = sizes_for(pattern, lhs, rhs)
    judgement = judge(lhs, rhs, seed, sizes)
    # A rewrite that the oracle shows to be different is a bug of this test, not a claim to accept.
    assert not (judgement.false_checked or judgement.false_elsewhere), (
        f"the oracle says the 'true' rewrite ({kind}) is false: {printed(lhs)} = {printed(rhs)}")
    verdict, text = check(lhs, rhs, sizes, "true", kind)
    STATS[stats][_kind(verdict)] += 1
    assert verdict["status"] != "refuted", f"FALSE REFUTE ({kind}):\n{text}{verdict}"
    fallback = fallback_statuses(lhs, rhs, sizes)
    STATS[f"{stats}, rational points"][str(sorted(fallback, key=str))] += 1
    assert "refuted" not in fallback, f"FALSE REFUTE BY RATIONAL POINTS ({kind}):\n{text}"
    if judgement.undefined_checked:
        # A matrix inverted at every point of a checked size is singular there (M.T*M with M 3×2... at D = 3):
        # the step means nothing at that size, and no check mark may say otherwise.
        STATS["rejected"][f"{stats}: singular at a checked size"] += 1
        assert verdict["status"] not in ACCEPTING, f"ACCEPTED WHILE SINGULAR ({kind}):\n{text}{verdict}"
    if verdict["status"] in ACCEPTING and verdict["status"] != "proved":
        listed = judgement.cross_checked if verdict["status"] == "proved-all" else judgement.checked
        assert verdict["sizes"] == listed, (verdict["sizes"], listed)


# --------------------------------------------------------------------------------------------------- tests

@FUZZ
@given(expressions(), st.data(), user_sizes(), st.integers(0, 2**32))
def test_matrix_near_miss_is_never_accepted(expr: Node, data: st.DataObject, pattern: list[tuple[int, int]] | None,
                                            seed: int) -> None:
    _, rewritten = data.draw(true_rewrite(expr)) if data.draw(st.booleans()) else ("same", expr)
    kind, wrong = data.draw(mutated(rewritten))
    false_pair_property(expr, wrong, kind, seed, pattern)


@FUZZ
@given(expressions(), st.data(), user_sizes(), st.integers(0, 2**32))
def test_matrix_rewrite_is_never_refuted(expr: Node, data: st.DataObject, pattern: list[tuple[int, int]] | None,
                                         seed: int) -> None:
    kind, rewritten = data.draw(true_rewrite(expr))
    assume(rewritten != expr)
    true_pair_property(expr, rewritten, kind, seed, pattern)


# Jacobian templates: (operand, its Jacobian) from x-free parts P (n×n, or N×D for theta), u (a column), w
# (a row of the variable's length) and a scalar c.
JacobianTemplate = Callable[[Node, Node, Node, Node, str], tuple[Node, Node]]


def _v(var: str) -> Node:
    return sym(var)


JACOBIANS: dict[str, JacobianTemplate] = {
    "linear": lambda P, u, w, c, v: (mul(P, _v(v)), P),
    "affine": lambda P, u, w, c, v: (add(mul(P, _v(v)), u), P),
    "residual": lambda P, u, w, c, v: (add(u, neg(mul(P, _v(v)))), neg(P)),
    "scaled": lambda P, u, w, c, v: (mul(c, mul(P, _v(v))), mul(c, P)),
    "row-linear": lambda P, u, w, c, v: (mul(w, _v(v)), w),
    "bilinear": lambda P, u, w, c, v: (mul(mul(tr(u), P), _v(v)), mul(tr(u), P)),
    "quadratic": lambda P, u, w, c, v: (mul(mul(tr(_v(v)), P), _v(v)), mul(tr(_v(v)), add(P, tr(P)))),
    "least-squares": lambda P, u, w, c, v: (norm2(add(mul(P, _v(v)), neg(u))),
                                            mul(mul(num(2), tr(add(mul(P, _v(v)), neg(u)))), P)),
    "gram": lambda P, u, w, c, v: (mul(tr(mul(P, _v(v))), mul(P, _v(v))), mul(mul(mul(num(2), tr(_v(v))), tr(P)), P)),
}


@st.composite
def jacobian_claims(draw: st.DrawFn) -> tuple[str, Node, Node]:
    """(template name, jacobian(F, v), its value) for random x-free parts."""
    var = draw(st.sampled_from(["x", "x", "theta"]))
    avoid = frozenset({var})
    n: Dim = SHAPES[var][0]
    name = draw(st.sampled_from(sorted(JACOBIANS)))
    square_part = name in ("quadratic", "gram") or var == "x"
    p_shape: Shape = (n, n) if square_part else ("N", n)
    P = draw(expression(p_shape, 2, avoid, inverses=draw(st.sampled_from([0, 0, 1]))))
    u = draw(expression((p_shape[0], 1), 1, avoid, 0))
    w = draw(expression((1, n), 1, avoid, 0))
    c = draw(expression(SCALAR, 1, avoid, 0))
    operand, value = JACOBIANS[name](P, u, w, c, var)
    return name, jac(operand, var), value


@FUZZ
@given(jacobian_claims(), st.data(), st.integers(0, 2**32))
def test_jacobian_claims(claim: tuple[str, Node, Node], data: st.DataObject, seed: int) -> None:
    """The template's true form is never refuted; a mutation of its right side, when the oracle shows it
    false, is never accepted (false at a checked size) nor proved for all dimensions."""
    name, lhs, rhs = claim
    true_pair_property(lhs, rhs, name, seed, None, stats="jacobian true")
    kind, wrong = data.draw(mutated(rhs))
    sizes = sizes_for(None, lhs, wrong)
    judgement = judge(lhs, wrong, seed, sizes)
    if judgement.false_checked or judgement.false_elsewhere:
        false_pair_property(lhs, wrong, f"jacobian {kind}", seed, None, stats="jacobian false")
    else:
        STATS["rejected"]["jacobian false: oracle shows no difference"] += 1


def test_oracle_sanity() -> None:
    """The oracle tells the classic pairs apart: (AB)^T = B^T A^T everywhere, A^T B^T differs at size 2 and
    agrees at size 1; inv(AB) = inv(B) inv(A); d(x^T A x)/dx = x^T (A + A^T), not 2 x^T A."""
    A, B, x = sym("A"), sym("B"), sym("x")
    assert judge(tr(mul(A, B)), mul(tr(B), tr(A)), 1, None) == Judgement([{"N": 2}, {"N": 3}], False, False, False,
                                                                                  [{"N": 2}, {"N": 3}])
    wrong = judge(tr(mul(A, B)), mul(tr(A), tr(B)), 1, None)
    assert wrong.false_checked
    assert differs_at(tr(mul(A, B)), mul(tr(A), tr(B)), {"N": 1}, random.Random(0)) is False
    assert differs_at(inv(mul(A, B)), mul(inv(B), inv(A)), {"N": 3}, random.Random(0)) is False
    quadratic = jac(mul(mul(tr(x), A), x), "x")
    assert differs_at(quadratic, mul(tr(x), add(A, tr(A))), {"N": 3}, random.Random(0)) is False
    assert differs_at(quadratic, mul(num(2), mul(tr(x), A)), {"N": 3}, random.Random(0)) is True
    assert printed(mul(mul(tr(x), A), x)) == "x.T*A*x"
    assert printed(neg(mul(num(Fraction(-3, 2)), tr(add(A, neg(B)))))) == "-((-3/2)*(A + (-B)).T)"
    for dims in (["N"], ["N", "D"], ["N", "D", "M"], ["a", "b", "c", "d"], list("abcdefgh")):
        assert verify.default_sizes(dims) == default_sizes(dims), dims
        # every two dimensions differ in some assignment, the rule hand-written sizes follow (red team)
        assert all(any(s[p] != s[q] for s in default_sizes(dims)) for p in dims for q in dims if p < q), dims
    det_of_a = det(A)
    assert verify.unproved_sizes(["N", "D"], {"det"}) == unproved_sizes(["N", "D"], det_of_a, det_of_a) != []
    assert verify.unproved_sizes(["N", "D"], set()) == unproved_sizes(["N", "D"], A, A) == []
    assert verify.unproved_sizes(["N"], {"det"}) == unproved_sizes(["N"], det_of_a, det_of_a) == []


# Claims that hold at some sizes only: (name, builder from P (n×n), u (n-vector), c (scalar), M (N×D)).
SIZE_SPECIFIC: dict[str, Callable[[Node, Node, Node], tuple[Node, Node]]] = {
    "det-negated (even sizes)": lambda P, u, c: (det(neg(P)), det(P)),
    "det-negated (odd sizes)": lambda P, u, c: (det(neg(P)), neg(det(P))),
    "det-scaled (size 2)": lambda P, u, c: (det(mul(c, P)), mul(c, mul(c, det(P)))),
    "cayley-hamilton (size 2)": lambda P, u, c: (mul(power(P, 2), u),
                                                  add(mul(trace(P), mul(P, u)), neg(mul(det(P), u)))),
    "det-gram (D > N)": lambda P, u, c: (det(mul(tr(sym("M")), sym("M"))), num(0)),
    "det-outer-gram (N > D)": lambda P, u, c: (det(mul(sym("M"), tr(sym("M")))), num(0)),
}
# Hand-written sizes (each obeys the documented rule) under which some of the claims above hold at every
# checked size: N even, N odd, D > N, N > D.
SPECIFIC_SIZES: list[list[dict[str, int]]] = [
    [{"N": 2}, {"N": 5}], [{"N": 3}, {"N": 2}], [{"N": 3}, {"N": 4}],
    [{"N": 2, "D": 3}, {"N": 3, "D": 4}], [{"N": 3, "D": 2}, {"N": 4, "D": 3}], [{"N": 2, "D": 2}, {"N": 5, "D": 3}],
]


@FUZZ
@given(st.sampled_from(sorted(SIZE_SPECIFIC)), expression(("N", "N"), 1, inverses=0), expression(("N", 1), 0),
       expression(SCALAR, 1, frozenset({"x", "y"}), 0), st.sampled_from([None, *SPECIFIC_SIZES]),
       st.integers(0, 2**32))
def test_size_specific_identity_is_never_proved_for_all_dimensions(
        name: str, P: Node, u: Node, c: Node, sizes: list[dict[str, int]] | None, seed: int) -> None:
    """An identity that holds at some sizes only (the ones the rule of docs/verdicts.md exists for) is never
    "proved for all dimensions"; it may get "checked at sizes" only when the oracle finds it true at every
    checked size (``false elsewhere only`` in the stats)."""
    lhs, rhs = SIZE_SPECIFIC[name](P, u, c)
    dims = sorted(set(dims_in(lhs)) | set(dims_in(rhs)))
    if sizes is not None and sorted({d for s in sizes for d in s}) != dims:
        sizes = None  # a `sizes` key must name exactly the block's dimensions
    false_pair_property(lhs, rhs, name, seed, None, stats="size-specific", explicit=sizes)

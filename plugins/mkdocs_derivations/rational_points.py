"""Exact evaluation at rational points: what a check at a concrete size falls back on when its symbolic
work runs out of time.

Why: at a concrete size every entry of a matrix is a symbol, and a step full of inverses (the Woodbury
identity at n = 3, k = 2) makes SymPy invert matrices of rational functions. That ran past the 10 s limit,
so the true step and its false twin both ended as "could not be checked". The same sides with every entry a
rational number are a few inverses of rational matrices: about 3 ms a point. Exact arithmetic makes the two
possible outcomes unequal in strength:

* a point where both sides are defined and differ **refutes** the step at that size, with no rounding: a
  difference of rational functions that is not 0 at one point is not the zero function;
* agreement at every point is **evidence** only (a non-zero rational function vanishes on a thin set, but
  the points are seeded, so a step could be built to vanish at them): the verdict is numeric, never proved.

The variables of derivatives stay symbols until the end (a number's derivative is 0). A point where a side
is not a rational number (an irrational constant, ``sin(3/7)``, a complex value) or where a matrix is
singular is skipped. Steps with undefined functions are not evaluated this way (:func:`applies`): a
function has no rational value.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import sympy as sp

from . import sampling
from .declarations import Declaration, FunctionDecl
from .evaluate import Definition, EvaluationError, Evaluator
from .expr_ast import Call, ListExpr, Name, Node, walk
from .identity import Outcome

METHOD = "exact evaluation at rational points"
"""The method of a numeric verdict from this fallback (a refutation names its single point)."""
REFUTING_METHOD = "exact evaluation at a rational point"

POINTS = 8
"""Agreeing points that make the evidence; at least :data:`FEWEST` must agree before time runs out."""
FEWEST = 3
TRIES = 24
"""Points tried at most (a point where a matrix is singular or a side is not rational is skipped)."""

_DERIVATIVES = frozenset({"Derivative", "diff", "jacobian", "grad"})


def applies(env: Mapping[str, Declaration], mentioned: Collection[str]) -> bool:
    """Whether a step can be evaluated at rational points: it uses no undefined function."""
    return not any(isinstance(env.get(name), FunctionDecl) for name in mentioned)


def derivative_variables(nodes: Iterable[Node]) -> frozenset[str]:
    """The names some derivative in ``nodes`` differentiates by: their symbols stay symbols."""
    found: set[str] = set()
    for node in nodes:
        for sub in walk(node):
            if isinstance(sub, Call) and sub.func in _DERIVATIVES and len(sub.args) > 1:
                variable = sub.args[1]
                items = variable.items if isinstance(variable, ListExpr) else (variable,)
                found |= {item.id for item in items if isinstance(item, Name)}
    return frozenset(found)


class _AtPoint(Evaluator):
    """An evaluator whose symbols are numbers: each symbol gets its value the first time it is met, seeded
    by the point's key and its name, so the same point gives the same values whatever the order."""

    def __init__(self, env: Mapping[str, Declaration], definitions: Mapping[str, Definition],
                 sizes: Mapping[str, int], key: str, kept: frozenset[str]) -> None:
        super().__init__(env, definitions, sizes)
        self.key = key
        self.kept = kept
        self.values: dict[sp.Basic, sp.Expr] = {}

    def symbol(self, name: str) -> Any:
        value = super().symbol(name)
        free = sorted(getattr(value, "free_symbols", ()), key=str)
        for symbol in free:
            if symbol not in self.values:
                self.values[symbol] = sampling.seeded_value(symbol, self.key)
        if not free or name in self.kept:
            return value
        return value.xreplace(self.values)


def decide(env: Mapping[str, Declaration], definitions: Mapping[str, Definition], sizes: Mapping[str, int],
           sides: tuple[Node, Node], expand: frozenset[str], *, deadline: float) -> Outcome | None:
    """Evaluate both sides at up to :data:`TRIES` rational points until one refutes, :data:`POINTS` agree or
    the CPU clock (``time.process_time``) passes ``deadline``; ``None`` when too few points were conclusive."""
    kept = derivative_variables([*sides, *(d.node for d in definitions.values())])
    agreed = 0
    for index in range(TRIES):
        if agreed >= POINTS or time.process_time() > deadline:
            break
        evaluator = _AtPoint(env, definitions, sizes, f"point {index}", kept)
        try:
            values = [evaluator.value(side, expand) for side in sides]
        except (EvaluationError, sampling.Unsampleable, ZeroDivisionError):
            continue  # singular here, or a declaration no generic value meets
        lhs, rhs = (_entries(v.xreplace(evaluator.values) if hasattr(v, "xreplace") else v) for v in values)
        if len(lhs) != len(rhs):
            return None  # the exact route says why; nothing to add here
        gaps = [a - b for a, b in zip(lhs, rhs, strict=True)]
        if not all(isinstance(gap, sp.Rational) for gap in gaps):
            continue  # not rational at this point: exact arithmetic cannot tell
        wrong = next((i for i, gap in enumerate(gaps) if gap != 0), None)
        if wrong is not None:
            return _refutation(values, lhs[wrong], rhs[wrong], wrong, evaluator.values)
        agreed += 1
    if agreed < FEWEST:
        return None
    return Outcome("numeric", METHOD, points=agreed,
                   detail=f"the exact symbolic check at this size ran out of time; the sides agree exactly "
                          f"(rational arithmetic, no rounding) at {agreed} random rational points: evidence, "
                          "not proof")


def _entries(value: Any) -> list[Any]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _refutation(values: list[Any], left: sp.Rational, right: sp.Rational, flat: int,
                point: dict[sp.Basic, sp.Expr]) -> Outcome:
    example = sampling.describe_point(point)
    example["lhs"], example["rhs"] = _shown(left), _shown(right)
    where = ""
    if isinstance(values[0], sp.MatrixBase):
        row, col = divmod(flat, values[0].cols)
        example["entry"] = f"({row + 1}, {col + 1})"
        where = f"entry {example['entry']} "
    detail = (f"{where}differs at the rational point of the counterexample, where both sides are defined: "
              f"left side {_relation(example['lhs'])}, right side {_relation(example['rhs'])}, in exact "
              "arithmetic (the exact symbolic check at this size ran out of time; one such point decides)")
    return Outcome("refuted", REFUTING_METHOD, detail, example, points=1)


def _shown(value: sp.Rational) -> str:
    """The exact value, or ``≈`` and 15 significant digits of it when the fraction is long."""
    text = str(value)
    return text if len(text) <= 40 else f"≈ {sp.Float(value, 15)}"


def _relation(shown: str) -> str:
    return shown if shown.startswith("≈") else f"= {shown}"

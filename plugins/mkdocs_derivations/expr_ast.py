"""The expression language's syntax tree: plain frozen dataclasses, no SymPy.

Contributor strings are parsed (`expr.py`) into these nodes and nothing else, so the set of things an
expression can do is exactly the set of node types below. Keeping the tree SymPy-free lets the loader
reject bad input, check shapes and compute cache keys without importing SymPy at all.

``col`` is the 1-based column of the node in the source string; it is excluded from equality so that
parse(print(tree)) == tree holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

BinOpName = Literal["+", "-", "*", "/", "**", "@"]


@dataclass(frozen=True)
class Num:
    value: int | Fraction
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    id: str
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BinOp:
    op: BinOpName
    left: Node
    right: Node
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Neg:
    operand: Node
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Transpose:
    """``A.T``: the only attribute access the language has."""

    operand: Node
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    """A call of a whitelisted function (see ``expr.BUILTINS``) or of a function the page declares."""

    func: str
    args: tuple[Node, ...]
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ListExpr:
    """``[a, b]``: allowed only as an argument of ``Matrix`` and ``jacobian``/``grad``."""

    items: tuple[Node, ...]
    col: int = field(default=0, compare=False)


Node = Num | Name | BinOp | Neg | Transpose | Call | ListExpr


def children(node: Node) -> tuple[Node, ...]:
    """The direct subexpressions of ``node``, left to right."""
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Neg | Transpose):
        return (node.operand,)
    if isinstance(node, Call):
        return tuple(node.args)
    if isinstance(node, ListExpr):
        return tuple(node.items)
    return ()


def walk(node: Node):
    """Every node of the tree, parents first."""
    yield node
    for child in children(node):
        yield from walk(child)


def names(node: Node) -> set[str]:
    """The identifiers an expression mentions (variables and called function names)."""
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Name):
            out.add(n.id)
        elif isinstance(n, Call):
            out.add(n.func)
    return out

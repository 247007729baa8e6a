"""Shape inference for expression trees, before (and without) SymPy.

SymPy does not check symbolic shapes: ``Phi*Phi`` with Phi N x D, ``theta.T*Phi`` and ``y + theta`` all
build without complaint. So every expression is walked here against the declared shapes, and a mismatch
is a :class:`SpecError` at the operator, naming both shapes (``cannot multiply N×D by N×D: inner
dimensions D and N differ``).

Shapes are (rows, cols) of dimensions that are names (``N``) or integers. Two symbolic dimensions are equal
only when they are the same name, and a name never equals an integer (``vector(n)`` does not fit a
2-entry ``Matrix([a, b])``). A scalar is (1, 1), and any 1 x 1 result is a scalar (the book writes e^T e as
a number). Derivatives use numerator layout: dF/dv is m x n for F in R^m and v in R^n, a row for scalar F.
"""

from __future__ import annotations

from typing import NamedTuple

from .declarations import (
    Dim,
    DimDecl,
    Environment,
    FunctionDecl,
    MatrixDecl,
    ScalarDecl,
    declaration_shape,
)
from .errors import SpecError, close_match, nearest
from .expr import BUILTINS, CONSTANTS, DIMENSION_BUILTINS, error_at, is_identifier
from .expr_ast import BinOp, Call, ListExpr, Name, Neg, Node, Num, Transpose
from .model import Text

MAX_DERIVATIVE_ORDER = 20

# Builtins of one or two scalar arguments with a scalar value.
_SCALAR_FUNCTIONS = frozenset(name for name, builtin in BUILTINS.items() if builtin.scalar)


# exp(z) of a vector z is how softmax and the sigmoid are written in NumPy: say that the language has no such
# thing, and where the page on expressions shows what to write instead.
_ENTRYWISE = ": functions apply to scalars, never entry by entry (see Expressions, Functions of each entry)"


class Shape(NamedTuple):
    """(rows, cols); ``Shape(1, 1)`` is a scalar."""

    rows: Dim
    cols: Dim


SCALAR = Shape(1, 1)


def same_shape(a: Shape | tuple[Dim, Dim], b: Shape | tuple[Dim, Dim]) -> bool:
    """Whether two shapes are provably equal (same names or same integers, position by position)."""
    return a is b or (_same_dim(a[0], b[0]) and _same_dim(a[1], b[1]))  # most scalars are SCALAR itself


def _same_dim(a: Dim, b: Dim) -> bool:
    return type(a) is type(b) and a == b


def is_scalar(shape: Shape | tuple[Dim, Dim]) -> bool:
    return same_shape(shape, SCALAR)


def shape_text(shape: Shape | tuple[Dim, Dim]) -> str:
    """A shape as messages show it: ``a scalar`` or ``N×D``."""
    return "a scalar" if is_scalar(shape) else f"{shape[0]}×{shape[1]}"


def claimed_shape(items: list[Text], env: Environment) -> Shape:
    """The shape of an ``in`` step (``shape: [1, D]``): [rows, cols], or [n] for a column vector; each entry a
    positive integer or a dimension."""
    if len(items) not in (1, 2):
        where = items[2].location if len(items) > 2 else None
        raise SpecError(f"`shape` has {len(items)} entries; give [rows, columns] (or [n] for a column vector)",
                        where)
    dims: list[Dim] = []
    for item in items:
        value = item.value.strip()
        if value.isdigit() and len(value) <= 6 and int(value) >= 1:
            dims.append(int(value))
        elif is_identifier(value) and value in env.dims:
            dims.append(value)
        else:
            known = ", ".join(sorted(env.dims)) or "none declared"
            raise SpecError(f"`{value}` is not a dimension (a positive integer or one of: {known})",
                            item.location)
    return Shape(dims[0], dims[1] if len(dims) == 2 else 1)


def infer_shape(node: Node, env: Environment, text: Text) -> Shape:
    """The shape of ``node`` under ``env``; SpecError (at the column of the faulty node in ``text``)."""
    try:
        return _Checker(env, text).shape(node)
    except RecursionError:
        raise SpecError("expression nested too deeply", text.location) from None


class _Checker:
    def __init__(self, env: Environment, text: Text) -> None:
        self.env = env
        self.text = text

    def fail(self, node: Node, message: str) -> SpecError:
        return error_at(self.text, node.col, message)

    def shape(self, node: Node) -> Shape:
        if isinstance(node, Num):
            return SCALAR
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Neg):
            return self.shape(node.operand)
        if isinstance(node, Transpose):
            rows, cols = self.shape(node.operand)
            return Shape(cols, rows)
        if isinstance(node, BinOp):
            return self.binop(node)
        if isinstance(node, Call):
            return self.call(node)
        raise self.fail(node, "a list [...] is only allowed inside Matrix(...), jacobian(...) or grad(...)")

    # -- names ------------------------------------------------------------------------------------------

    def lookup(self, node: Name) -> ScalarDecl | MatrixDecl | FunctionDecl | None:
        """The declaration of a value name (None for a constant); errors for unknown names and dims."""
        if node.id in CONSTANTS:
            return None
        decl = self.env.get(node.id)
        if decl is None:
            if node.id in self.env.dims:
                raise self.fail(node, f"`{node.id}` is a dimension, not a value")
            close = close_match(node.id, [*self.env, *CONSTANTS])
            hint = f"; did you mean `{close}`?" if close else ""
            raise self.fail(node, f"undeclared symbol `{node.id}`{hint} (declare it under `symbols:`, "
                                  f"e.g. {node.id}: real)")
        if isinstance(decl, DimDecl):
            raise self.fail(node, f"`{node.id}` is a dimension, not a value")
        return decl

    def name(self, node: Name) -> Shape:
        decl = self.lookup(node)
        if decl is None:
            return SCALAR
        value = decl.result if isinstance(decl, FunctionDecl) else decl
        return SCALAR if isinstance(value, ScalarDecl) else Shape(*declaration_shape(value))

    # -- operators --------------------------------------------------------------------------------------

    def binop(self, node: BinOp) -> Shape:
        left, right = self.shape(node.left), self.shape(node.right)
        if node.op in ("+", "-"):
            if not same_shape(left, right):
                verb = (f"add {shape_text(left)} and {shape_text(right)}" if node.op == "+"
                        else f"subtract {shape_text(right)} from {shape_text(left)}")
                raise self.fail(node, f"cannot {verb}: shapes differ")
            return left
        if node.op in ("*", "@"):
            if is_scalar(left):
                return right
            if is_scalar(right):
                return left
            if not _same_dim(left.cols, right.rows):
                raise self.fail(node, f"cannot multiply {shape_text(left)} by {shape_text(right)}: inner "
                                      f"dimensions {left.cols} and {right.rows} differ")
            return Shape(left.rows, right.cols)
        if node.op == "/":
            if not is_scalar(right):
                raise self.fail(node, f"cannot divide by {shape_text(right)}: only division by a scalar "
                                      "is allowed (multiply by inv(...) instead)")
            return left
        # "**"
        if not is_scalar(right):
            raise self.fail(node, f"an exponent must be a scalar, got {shape_text(right)}")
        if is_scalar(left):
            return SCALAR
        if not _same_dim(left.rows, left.cols):
            raise self.fail(node, f"cannot raise {shape_text(left)} to a power: only square matrices have "
                                  "powers")
        if not _is_integer_literal(node.right):
            raise self.fail(node, "a matrix power needs an integer literal exponent (like A**2 or A**-1)")
        return left

    # -- calls ------------------------------------------------------------------------------------------

    def call(self, node: Call) -> Shape:
        func, args = node.func, node.args
        if func not in BUILTINS:
            return self.declared_call(node)
        if func in _SCALAR_FUNCTIONS:
            for arg in args:
                self.expect_scalar(arg, f"{func}() needs a scalar argument", _ENTRYWISE)
            return SCALAR
        if func in ("Derivative", "diff"):
            return self.derivative(node)
        if func in ("jacobian", "grad"):
            return self.jacobian(node)
        if func in DIMENSION_BUILTINS:
            dims = [self.dimension(node, arg) for arg in args]
            return Shape(dims[0], dims[0]) if func == "eye" else Shape(dims[0], dims[1])
        if func == "Matrix":
            return self.matrix(node)
        shape = self.shape(args[0])
        if func == "transpose":
            return Shape(shape.cols, shape.rows)
        if func == "norm2":
            if not _same_dim(shape.cols, 1):
                raise self.fail(args[0], f"norm2() needs a column vector, got {shape_text(shape)}")
            return SCALAR
        if func not in ("trace", "det", "inv"):
            raise AssertionError(f"builtin {func} has no shape rule")  # a builtin added without one: our bug
        if not _same_dim(shape.rows, shape.cols):
            raise self.fail(args[0], f"{func}() needs a square matrix, got {shape_text(shape)}")
        return shape if func == "inv" else SCALAR

    def dimension(self, call: Call, node: Node) -> Dim:
        """An argument of ``eye``/``zeros``: a literal (the parser allowed 1 to 100) or a name the page uses
        as a dimension. A value name is refused, as is a name the page does not know (with the nearest
        dimension as a hint): the argument is a size, never evaluated."""
        if isinstance(node, Num) and isinstance(node.value, int):
            return node.value
        if not isinstance(node, Name):  # the parser lets only names and literals through
            raise self.fail(node, f"{call.func}() takes dimensions (a dimension name or a positive integer)")
        if node.id in self.env.dims:
            return node.id
        known = ", ".join(sorted(self.env.dims)) or "none declared here"
        usage = (f"{call.func}() takes dimensions: a name used as one in a declaration (N in matrix(N, D), or "
                 f"declared `N: dim`) or a positive integer; the dimensions here: {known}")
        if node.id in CONSTANTS:
            raise self.fail(node, f"`{node.id}` is a constant, not a dimension; {usage}")
        source = self.env.source(node.id)
        if node.id in self.env:
            declared = f"`{source.value}`" if source is not None else "a value"
            raise self.fail(node, f"`{node.id}` is declared as {declared}, not a dimension; {usage}")
        close = nearest(node.id, self.env.dims)
        hint = f" (did you mean `{close}`?)" if close else ""
        raise self.fail(node, f"`{node.id}` is not a dimension{hint}; {usage}")

    def expect_scalar(self, node: Node, message: str, hint: str = "") -> None:
        if isinstance(node, ListExpr):
            raise self.fail(node, f"{message}, got a list")
        shape = self.shape(node)
        if not is_scalar(shape):
            raise self.fail(node, f"{message}, got {shape_text(shape)}{hint}")

    def declared_call(self, node: Call) -> Shape:
        decl = self.env.get(node.func)
        if not isinstance(decl, FunctionDecl):
            what = "undeclared" if decl is None else "not declared as a function"
            raise self.fail(node, f"`{node.func}` is {what} (declare it as {node.func}: function(x))")
        if len(node.args) != len(decl.args):
            raise self.fail(node, f"{node.func} takes {len(decl.args)} argument"
                                  f"{'s' if len(decl.args) != 1 else ''} ({', '.join(decl.args)}), "
                                  f"got {len(node.args)}")
        for i, (arg, param) in enumerate(zip(node.args, decl.args, strict=True), start=1):
            if isinstance(arg, ListExpr):
                raise self.fail(arg, f"argument {i} of {node.func} cannot be a list")
            got = self.shape(arg)
            want = self.name(Name(param, node.col))
            if not same_shape(got, want):
                raise self.fail(arg, f"argument {i} of {node.func} must be {shape_text(want)} (like "
                                     f"`{param}`), got {shape_text(got)}")
        return Shape(*declaration_shape(decl.result))

    def scalar_variable(self, node: Node, context: str, *, listed_in: str | None = None) -> None:
        """A variable of differentiation: a scalar symbol or a scalar function's name (meaning f(args)).
        ``listed_in``: the function whose list of variables (scalars only) the item is in."""
        if not isinstance(node, Name) or node.id in CONSTANTS:
            raise self.fail(node, f"{context}: differentiate with respect to a declared scalar symbol or "
                                  "function name")
        decl = self.lookup(node)
        value = decl.result if isinstance(decl, FunctionDecl) else decl
        if not isinstance(value, ScalarDecl):
            # A vector(1) has a scalar's shape: "`v` is a scalar, not a scalar" said nothing (red team).
            shape = self.name(node)
            what = f"a {shape.rows}×{shape.cols} vector or matrix" if is_scalar(shape) else shape_text(shape)
            hint = (f"a list of variables holds scalars: write {listed_in}(F, {node.id})" if listed_in
                    else f"differentiate by a vector with jacobian(F, {node.id})")
            raise self.fail(node, f"{context}: `{node.id}` is {what}, not a scalar ({hint})")
        if "integer" in value.assumptions:
            # SymPy folds sin(pi*n) to 0 and cos(pi*n) to (-1)**n for an integer n before differentiating, so
            # d sin(pi n)/dn = 0 was proved and the true d sin(pi n)/dn = pi cos(pi n) refuted (red team).
            raise self.fail(node, f"{context}: `{node.id}` is declared `integer`, and a derivative by a variable "
                                  "that takes only whole values has no meaning; declare it `real` to "
                                  "differentiate by it")

    def derivative(self, node: Call) -> Shape:
        expr, var = node.args[0], node.args[1]
        if isinstance(expr, ListExpr):
            raise self.fail(expr, f"{node.func}() cannot differentiate a list; use Matrix([...])")
        shape = self.shape(expr)
        self.scalar_variable(var, node.func + "()")
        if len(node.args) == 3:
            order = node.args[2]
            if not (isinstance(order, Num) and isinstance(order.value, int)
                    and 1 <= order.value <= MAX_DERIVATIVE_ORDER):
                raise self.fail(order, f"the order of a derivative must be an integer from 1 to "
                                       f"{MAX_DERIVATIVE_ORDER}")
        return shape

    def jacobian(self, node: Call) -> Shape:
        expr, var = node.args
        if isinstance(expr, ListExpr):
            for item in expr.items:
                self.expect_scalar(item, f"the entries of the list in {node.func}() must be scalars")
            m: Dim = len(expr.items)
        else:
            shape = self.shape(expr)
            if not _same_dim(shape.cols, 1):
                # A row is most often a gradient (numerator layout) whose Jacobian is meant: a Hessian.
                hint = f" (a row: differentiate its transpose, {node.func}(F.T, v))" if _same_dim(shape.rows, 1) else ""
                raise self.fail(expr, f"{node.func}() needs a scalar or a column vector to differentiate, "
                                      f"got {shape_text(shape)}{hint}")
            m = shape.rows
        if isinstance(var, ListExpr):
            for item in var.items:
                self.scalar_variable(item, f"{node.func}()", listed_in=node.func)
            n: Dim = len(var.items)
        elif isinstance(var, Name) and var.id not in CONSTANTS:
            vshape = self.name(var)
            if not _same_dim(vshape.cols, 1):
                raise self.fail(var, f"{node.func}() differentiates with respect to a column vector or a "
                                     f"list of scalars, and `{var.id}` is {shape_text(vshape)}")
            n = vshape.rows
        else:
            raise self.fail(var, f"{node.func}() differentiates with respect to a declared vector or a list "
                                 "of scalar symbols, like [x1, x2]")
        return Shape(m, n)

    def matrix(self, node: Call) -> Shape:
        rows = node.args[0]
        if not isinstance(rows, ListExpr):
            raise self.fail(rows, "Matrix takes a list of rows or a list of entries")
        if not isinstance(rows.items[0], ListExpr):
            for item in rows.items:
                self.expect_scalar(item, "Matrix entries must be scalars")
            return Shape(len(rows.items), 1)
        width = len(rows.items[0].items)
        for number, row in enumerate(rows.items, start=1):
            if not isinstance(row, ListExpr):
                raise self.fail(row, "Matrix rows must all be lists")
            if len(row.items) != width:
                raise self.fail(row, f"ragged Matrix: row {number} has {len(row.items)} entries, row 1 has "
                                     f"{width}")
            for item in row.items:
                self.expect_scalar(item, "Matrix entries must be scalars")
        return Shape(len(rows.items), width)


def _is_integer_literal(node: Node) -> bool:
    if isinstance(node, Neg):
        node = node.operand
    return isinstance(node, Num) and isinstance(node.value, int)

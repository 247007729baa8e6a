"""A step whose two `sympy` forms are one expression is a change of notation, proved as such.

The seed page's (g ∘ f)(x) = g(f(x)) is written `jacobian(g(f), x)` on both sides; it was "checked at sizes"
after evaluating that one expression twice at each size, which undersells it and hides from a reviewer that
only the TeX changed. It is now proved (for all dimensions where it has any) with the method "same
expression", and only for sides that really are one expression: a reordering is left to the checker.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs_derivations.checking import Checker
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.verdict import Verdict
from mkdocs_derivations.verify import SAME_EXPRESSION

SPEC = """\
version: 1
title: Notation
symbols:
  x: real
  u: real
  A: matrix(n, n)
  B: matrix(n, n)
blocks:
  - math:
      label: scalar
      start: {tex: 'x', sympy: 'x**2 + 1'}
      steps:
        - {tex: 'y', sympy: 'x ** 2+1'}
  - math:
      label: matrix
      start: {tex: 'A', sympy: '(A*B).T'}
      steps:
        - {tex: 'B', sympy: '(A * B).T'}
  - math:
      label: reordered
      start: {tex: 'x', sympy: 'x + 1'}
      steps:
        - {tex: 'y', sympy: '1 + x'}
  - math:
      label: defined
      start: {tex: 'u', sympy: 'u'}
      steps:
        - {tex: 'v', sympy: 'x*x', rel: ':='}
  - math:
      label: cited
      start: {tex: 'u', sympy: 'u + x'}
      steps:
        - {tex: 'v', sympy: 'u + x', by: defined}
"""


def _verdicts(tmp_path: Path, spec: str = SPEC) -> dict[str, Verdict]:
    path = tmp_path / "notation.yml"
    path.write_text(spec, encoding="utf-8")
    checker = Checker(CheckOptions(jobs=1, cache_dir=None))
    try:
        [checked] = checker.check_paths([path], root=tmp_path)
    finally:
        checker.close()
    assert checked.errors == [] and checked.layout is not None
    labels = checked.layout.labels
    return {label: checked.verdicts[labels[label].claims[0]] for label in labels if label != "defined"}


def test_one_expression_on_both_sides_is_proved_as_notation(tmp_path: Path) -> None:
    verdicts = _verdicts(tmp_path)
    # Spacing is not part of the expression; a matrix claim holds for every n, not just at the checked sizes.
    assert (verdicts["scalar"].status, verdicts["scalar"].method) == ("proved", SAME_EXPRESSION)
    assert (verdicts["matrix"].status, verdicts["matrix"].method) == ("proved-all", SAME_EXPRESSION)
    assert "TeX only" in verdicts["matrix"].detail
    # The same sum written in another order is a claim to check, not notation.
    assert verdicts["reordered"].status == "proved" and verdicts["reordered"].method != SAME_EXPRESSION
    # A citation such a step does not need is named as one, as for any other step.
    assert verdicts["cited"].method == SAME_EXPRESSION
    assert verdicts["cited"].notes == ["holds even without the cited definition"]


SINGULAR_SPEC = """\
version: 1
title: Notation with no value
symbols:
  y: vector(n)
  A: matrix(n, n)
  X: matrix(N, D)
blocks:
  - math:
      label: rank-one
      start: {tex: 'a', sympy: 'inv(y*y.T)'}
      steps:
        - {tex: 'b', sympy: 'inv(y*y.T)'}
  - math:
      label: rank-one-power
      start: {tex: 'a', sympy: '(y*y.T)**-1'}
      steps:
        - {tex: 'b', sympy: '(y*y.T)**-1'}
  - math:
      label: normal-equations
      start: {tex: 'a', sympy: 'inv(X.T*X)*X.T'}
      steps:
        - {tex: 'b', sympy: 'inv(X.T*X)*X.T'}
  - math:
      label: skew-determinant
      start: {tex: 'a', sympy: '1/det(A - A.T)'}
      steps:
        - {tex: 'b', sympy: '1/det(A - A.T)'}
"""


def test_one_expression_with_no_value_at_a_checked_size_is_never_proved(tmp_path: Path) -> None:
    """Each side has a value with symbolic dimensions (Inverse(y yᵀ), 1/Determinant(A - Aᵀ)) and none at a
    checked size: y yᵀ is singular at every n ≥ 2, XᵀX at N = 2, D = 3, and det(A - Aᵀ) is 0 at n = 3. Evaluated
    with symbolic dimensions only, each was "proved for all dimensions" as notation (regression hunt 5); before
    the shortcut, and now, each is an error that says why."""
    verdicts = _verdicts(tmp_path, SINGULAR_SPEC)
    for label in ("rank-one", "rank-one-power", "normal-equations"):
        assert (verdicts[label].status, verdicts[label].method) == ("error", "evaluation"), label
        assert "singular" in verdicts[label].detail or "invertible" in verdicts[label].detail, verdicts[label]
    assert (verdicts["skew-determinant"].status, verdicts["skew-determinant"].method) == ("error", "undefined value")
    assert verdicts["skew-determinant"].sizes == [{"n": 3}]

"""Tests of :mod:`mkdocs_derivations.evaluate` that the identity and corpus tests do not reach."""

from __future__ import annotations

import pytest

from mkdocs_derivations.declarations import Environment
from mkdocs_derivations.errors import Location
from mkdocs_derivations.evaluate import Evaluator
from mkdocs_derivations.model import Text

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

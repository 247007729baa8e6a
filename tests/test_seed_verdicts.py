"""The seed page's verdicts, pinned equation by equation.

A change in the engine that weakens (or wrongly strengthens) the evidence for any equation of the source
section must show up here as a failing test, not as a quiet change of badge on the site.
"""

from __future__ import annotations

import pytest

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.verdict import weakest

pytestmark = pytest.mark.slow

# equation number -> the status of each claim in that row, in order
EXPECTED: dict[str, list[str]] = {
    "1": ["sizes"],
    "2": ["sizes"],
    "3": ["proved-all", "sizes"],  # (g ∘ f)(x) = g(f(x)) is one expression on both sides: notation
    "4": ["proved", "proved"],
    "5": ["proved"],
    "6": ["proved"],
    "7": ["proved", "proved"],
    "8": ["proved"],
    "9": ["proved"],
    "10": ["proved", "proved"],
    "11": ["definition"],
    "12": ["definition"],
    "13": ["definition"],
    "14": ["proved-all"],
    "15": ["proved-all"],
    "16": ["proved-all", "proved-all"],
    "17": ["proved-all", "proved-all"],
    "18": ["proved-all", "proved-all", "proved-all"],
    "19": ["definition", "proved-all"],
}


def test_every_equation_has_its_pinned_verdict(seed_checked: CheckedSpec) -> None:
    assert seed_checked.errors == []
    layout = seed_checked.layout
    assert layout is not None
    got = {row.number: [seed_checked.verdicts[i].status for i in row.claims] for row in layout.rows}
    assert got == EXPECTED


def test_nineteen_numbered_rows_in_order(seed_checked: CheckedSpec) -> None:
    assert seed_checked.layout is not None
    assert [row.number for row in seed_checked.layout.rows] == [str(n) for n in range(1, 20)]


def test_no_row_is_unchecked_refuted_or_error(seed_checked: CheckedSpec) -> None:
    assert seed_checked.layout is not None
    for row in seed_checked.layout.rows:
        status = weakest([seed_checked.verdicts[i] for i in row.claims])
        assert status in {"proved", "proved-all", "sizes", "definition"}, row.number


def test_matrix_checks_use_two_sizes_with_every_dimension_at_least_two(seed_checked: CheckedSpec) -> None:
    for verdict in seed_checked.verdicts.values():
        if verdict.status in {"sizes", "proved-all"} and verdict.sizes:
            assert len(verdict.sizes) >= 2
            dims = set().union(*verdict.sizes)
            for dim in dims:
                assert min(s[dim] for s in verdict.sizes) >= 2


def test_by_13_step_uses_only_the_cited_definition(seed_checked: CheckedSpec) -> None:
    layout = seed_checked.layout
    assert layout is not None
    row = layout.labels["gradient-result"]
    cited_claim = layout.claims[row.claims[1]]
    assert cited_claim.cited == ("e",)
    verdict = seed_checked.verdicts[row.claims[1]]
    assert verdict.status == "proved-all"
    assert verdict.notes == []  # (13) was needed and sufficed: no "also uses", no "holds without"

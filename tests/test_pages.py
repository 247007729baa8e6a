"""Every derivation page in derivations/ loads and checks cleanly.

End to end through the real checker (worker processes, SymPy): no load errors, no refuted or error
verdicts, no unchecked claims (every displayed relation carries a `sympy:` form), and every `{eq:...}`
reference resolves, on the same page or on another page of the folder. The checker runs once for the
whole folder, shared by all tests of this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mkdocs_derivations.checked import CheckedSpec, claim_message
from mkdocs_derivations.checking import Checker, find_specs
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.render import RenderedPage, render_site_pages

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DERIVATIONS = ROOT / "derivations"
SPECS = find_specs(DERIVATIONS)


@pytest.fixture(scope="module")
def checked() -> Iterator[dict[str, CheckedSpec]]:
    checker = Checker(CheckOptions(jobs=2, cache_dir=None, time_limit_s=30))
    try:
        results = checker.check_paths(SPECS, root=ROOT)
    finally:
        checker.close()
    yield {result.path.name: result for result in results}


@pytest.fixture(scope="module")
def rendered(checked: dict[str, CheckedSpec]) -> dict[str, RenderedPage]:
    pages = list(checked.values())
    return {page.path.name: out for page, out in zip(pages, render_site_pages(pages), strict=True)}


def _ids() -> list[str]:
    return [path.name for path in SPECS]


def test_the_folder_has_pages() -> None:
    assert any(path.name == "mml-5-2-2-multivariate-chain-rule.yml" for path in SPECS)
    assert len(SPECS) >= 2


@pytest.mark.parametrize("name", _ids())
def test_page_loads(checked: dict[str, CheckedSpec], name: str) -> None:
    page = checked[name]
    assert not page.errors, "\n".join(str(error) for error in page.errors)
    assert page.layout is not None
    assert page.layout.claims, f"{name} makes no claims"


@pytest.mark.parametrize("name", _ids())
def test_page_has_no_refuted_or_error_verdicts(checked: dict[str, CheckedSpec], name: str) -> None:
    page = checked[name]
    assert page.layout is not None
    assert not page.problems(), "\n".join(page.problems())


@pytest.mark.parametrize("name", _ids())
def test_page_has_no_unchecked_claims(checked: dict[str, CheckedSpec], name: str) -> None:
    page = checked[name]
    assert page.layout is not None
    missing = [index for index in range(len(page.layout.claims)) if index not in page.verdicts]
    assert not missing, f"claims without a verdict: {missing}"
    unchecked = [claim_message(claim, row, verdict) for claim, row, verdict in page.claim_records()
                 if verdict.status == "unchecked"]
    assert not unchecked, "\n".join(unchecked)


@pytest.mark.parametrize("name", _ids())
def test_page_references_resolve(checked: dict[str, CheckedSpec], rendered: dict[str, RenderedPage],
                                 name: str) -> None:
    errors = [e for e in checked[name].errors if "names no equation" in e.message]
    assert "(???" not in rendered[name].markdown
    assert not errors, "\n".join(str(error) for error in errors)

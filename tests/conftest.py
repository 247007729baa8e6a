"""Shared fixtures: the seed spec checked once per test session by the real checker."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_derivations.checking import CheckedSpec, Checker, CheckOptions

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "derivations" / "mml-5-2-2-multivariate-chain-rule.yml"


@pytest.fixture(scope="session")
def seed_checked() -> CheckedSpec:
    """The seed page after a real, uncached check (about ten seconds of SymPy on two workers)."""
    checker = Checker(CheckOptions(jobs=2, cache_dir=None, time_limit_s=60))
    try:
        [checked] = checker.check_paths([SEED], root=ROOT)
    finally:
        checker.close()
    return checked

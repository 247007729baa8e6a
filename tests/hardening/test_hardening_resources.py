"""Claims that are expensive for SymPy: each must end as a failing verdict within the limits, never `proved`.

Run through the real Checker with a 3 s time limit; every case must finish well inside WALL_LIMIT_S and
must not be cached (an error depends on the machine's load).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hardening_support import WALL_LIMIT_S, Outcome, base_spec, run_checker

from mkdocs_derivations.verdict import FAILING

FIVE = "".join(f"  {v}: real\n" for v in "abcdexy")
EIGHT = "".join(f"  {v}: real\n" for v in "abcdefghxy")
CHAIN = ("  x: real\n  y: real\n  p: real\n  q: real\n  r: real\n"
         "where:\n  p: 'x**1000'\n  q: 'p**1000'\n  r: 'q**1000'\n")
BIG_MATRIX = "  x: real\n  y: real\n  A: matrix(N, N)\nsizes:\n  - {N: 3000}\n  - {N: 2999}\n"
HUGE_SIZES = "  x: real\n  y: real\n  A: matrix(N, N)\nsizes:\n  - {N: 100000}\n  - {N: 99999}\n"

TIME_LIMITED = {
    # true, but a 60 x 60 symbolic determinant is hopeless
    "det-60": base_spec("'det(A.T)'", symbols="  x: real\n  y: real\n  A: matrix(60, 60)\n", start="'det(A)'"),
    # true (det is multiplicative), at 100 x 100
    "det-product-100": base_spec("'det(A)*det(B)'", start="'det(A*B)'",
                                 symbols="  x: real\n  y: real\n  A: matrix(100, 100)\n  B: matrix(100, 100)\n"),
    # definitions multiply exponents past the parser's power budget: x**(10**9)
    "definition-power-chain": base_spec("'r + 1'", symbols=CHAIN, start="'r'"),
    # `sizes` has no upper bound: 100000 x 100000 matrices with symbolic entries
    "huge-sizes": base_spec("'trace(A.T)'", symbols=HUGE_SIZES, start="'trace(A)'"),
}


@pytest.mark.parametrize("name", list(TIME_LIMITED))
def test_slow_claim_stops_at_the_time_limit(name: str, tmp_path: Path) -> None:
    spec = tmp_path / f"{name}.yml"
    spec.write_text(TIME_LIMITED[name], encoding="utf-8")
    cache = tmp_path / "cache"
    outcome = run_checker(spec, time_limit_s=3, cache_dir=cache)
    assert outcome.seconds < WALL_LIMIT_S
    assert outcome.errors == []
    [verdict] = outcome.verdicts.values()
    assert verdict.status == "error", verdict
    assert verdict.method == "time limit"
    assert "time limit of 3 s" in verdict.detail
    assert not any(cache.rglob("*.json")), "an error verdict was cached"
    assert "Traceback" not in outcome.stdout + outcome.stderr


def test_huge_expand_plus_one_is_not_proved(tmp_path: Path) -> None:
    spec = tmp_path / "expand.yml"
    spec.write_text(base_spec("'(a+b+c+d+e)**40 + 1'", symbols=FIVE, start="'(a+b+c+d+e)**40'"))
    outcome = run_checker(spec, time_limit_s=3)
    assert outcome.seconds < WALL_LIMIT_S
    [verdict] = outcome.verdicts.values()
    # refuted at a sample point (the right answer) or stopped at the time limit; never proved
    assert verdict.status in FAILING, verdict
    assert verdict.status == "refuted" or verdict.method == "time limit"


EXPAND_1000 = base_spec("'(a+b+c+d+e+f+g+h)**999*(a+b+c+d+e+f+g+h) + 1'", symbols=EIGHT,
                        start="'(a+b+c+d+e+f+g+h)**1000'")


def test_false_claim_with_huge_values_fails(tmp_path: Path) -> None:
    spec = tmp_path / "expand1000.yml"
    spec.write_text(EXPAND_1000)
    outcome = run_checker(spec, time_limit_s=3)
    assert outcome.seconds < WALL_LIMIT_S
    [verdict] = outcome.verdicts.values()
    assert verdict.status in FAILING


def test_false_claim_with_huge_values_is_refuted(tmp_path: Path) -> None:
    spec = tmp_path / "expand1000.yml"
    spec.write_text(EXPAND_1000)
    [verdict] = run_checker(spec, time_limit_s=3).verdicts.values()
    assert verdict.status == "refuted", verdict


def _memory_case(tmp_path: Path) -> Outcome:
    spec = tmp_path / "memory.yml"
    # 9 million symbolic entries: far more than 16 MiB, reached in about two seconds
    spec.write_text(base_spec("'trace(A.T)'", symbols=BIG_MATRIX, start="'trace(A)'"))
    # The time limit is generous so that the memory cap, not the clock, stops it even on a loaded machine.
    return run_checker(spec, time_limit_s=30, memory_limit_mb=16)


def test_memory_heavy_claim_hits_the_memory_cap(tmp_path: Path) -> None:
    outcome = _memory_case(tmp_path)
    assert outcome.seconds < 3 * WALL_LIMIT_S  # about 2.5 s on an idle machine; CI may be busy
    [verdict] = outcome.verdicts.values()
    assert (verdict.status, verdict.method, verdict.detail) == (
        "error", "memory limit", "memory limit of 16 MiB exceeded; not verified"), verdict
    assert "Traceback" not in outcome.stdout + outcome.stderr

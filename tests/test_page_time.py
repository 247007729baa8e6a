"""The page time limit: once a page's claims have used it, its claims not yet handed to a worker are errors
that were never run; other pages keep their own time; nothing of it is cached or kept."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import site_support
from mkdocs_derivations import pool, verify
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.cli import main
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.page_time import METHOD, PageTimes
from mkdocs_derivations.pool import LATER, TaskResult

CLAIM_CPU_S = 0.2


def _page(folder: Path, name: str, claims: int, first: int = 3, fast: bool = False) -> Path:
    """A page of ``claims`` true steps, each its own cache key: 2*x = 3*x - x = 4*x - 2*x = ... (with
    ``fast``, the fake engine answers its claims at once)."""
    tail = " + 0" if fast else ""
    steps = "\n".join(f"        - {{tex: 'a', sympy: '{k}*x - {k - 2}*x{tail}'}}" for k in range(first, first + claims))
    path = folder / f"{name}.yml"
    path.write_text(textwrap.dedent(f"""\
        version: 1
        title: {name}
        symbols:
          x: real
        blocks:
          - math:
              start: {{tex: 'x', sympy: '2*x'}}
              steps:
        """) + steps + "\n")
    return path


def _burning_check(claim: object, time_limit_s: float | None = None) -> dict:
    if not claim.rhs.endswith("+ 0"):  # type: ignore[attr-defined]
        site_support.compute_for(CLAIM_CPU_S)  # CPU time, which the page limit counts
    return {"status": "proved", "method": "fake"}


def _quick_warm_up() -> None:
    pass


@pytest.fixture
def burning(monkeypatch: pytest.MonkeyPatch) -> None:
    # The checker's pool forks its workers after this: they inherit the fake engine.
    monkeypatch.setattr(verify, "check_claim", _burning_check)
    monkeypatch.setattr(verify, "warm_up", _quick_warm_up)
    monkeypatch.setattr(pool, "WALL_FACTOR", 1000)  # a loaded machine must not stop a claim as overloaded


def _methods(checked: object) -> list[str]:
    return [checked.verdicts[i].method for i in sorted(checked.verdicts)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("warm_up_claims", [0, 40])
def test_a_page_past_its_time_limit_gets_its_remaining_claims_refused_and_others_keep_theirs(
        tmp_path: Path, burning: None, jobs: int, warm_up_claims: int) -> None:
    """A page uses at most its limit plus one claim time limit. Instant claims checked first (on another
    page) made the pool's mean task time about 1 ms and each worker's queue 16 deep: every queued claim
    of the slow page ran, 17 times its limit (red team)."""
    paths = [_page(tmp_path, "fast", warm_up_claims, first=1000, fast=True)] if warm_up_claims else []
    long_page = _page(tmp_path, "long", 12)
    short_page = _page(tmp_path, "short", 2, first=100)
    limit, claim_limit = 0.5, 0.25
    checker = Checker(CheckOptions(jobs=jobs, cache_dir=tmp_path / "cache", time_limit_s=claim_limit,
                                   page_time_limit_s=limit))
    try:
        *_, long_result, short_result = checker.check_paths([*paths, long_page, short_page])
        ran = _methods(long_result).count("fake")
        refused = _methods(long_result).count(METHOD)
        assert ran + refused == 12
        # It ran until its claims had used the limit (3 claims of 0.2 s), and no further than the limit plus
        # one claim limit (0.75 s: 3 claims): a claim goes to a worker only while the page's used time and a
        # claim limit reserved for each of its claims the workers hold stay under its limit.
        assert ran == 3
        assert _methods(short_result) == ["fake", "fake"]  # a page of its own: its own time
        assert checker.checked_claims == warm_up_claims + ran + 2  # refused claims are not counted as checked
        verdict = next(v for v in long_result.verdicts.values() if v.method == METHOD)
        assert verdict.status == "error"
        assert f"its limit is {limit:g} s" in verdict.detail and "`page_time_limit`" in verdict.detail
        assert checker.cache.stats.writes == warm_up_claims + ran + 2  # the refused are not cached...

        [again] = checker.check_paths([long_page])
        # ... nor kept for the session: the second check asks for them again (the page's time starts afresh,
        # and the claims that ran come from the memo).
        assert checker.checked_claims > warm_up_claims + ran + 2
        assert _methods(again).count("fake") > ran
    finally:
        checker.close()


def test_the_default_limit_leaves_an_ordinary_page_alone(tmp_path: Path, burning: None) -> None:
    page = _page(tmp_path, "page", 6)
    checker = Checker(CheckOptions(jobs=2, cache_dir=None, time_limit_s=30))
    try:
        [result] = checker.check_paths([page])
    finally:
        checker.close()
    assert _methods(result) == ["fake"] * 6


def test_the_accounts_of_shared_claims_reservations_and_refusals() -> None:
    """A claim shared by two pages is checked once: it goes while either page has time no claim in the
    workers has reserved, waits while a page's time could be used by what it has in the workers, and is
    refused only when every page waiting for it has used its time; its time is charged once to each."""
    one, two = object(), object()
    ONE, TWO, BOTH = {1: one}, {2: two}, {1: one, 2: two}  # noqa: N806 - the pages of a claim, by id()
    times = PageTimes(1.0)
    times.spend(ONE, TaskResult(True, seconds=9.0, cpu_seconds=0.5))  # its CPU time, not its wall time
    assert times.used(one) == 0.5 and times.used(two) == 0.0  # type: ignore[arg-type]
    assert times.admission(ONE, [], 0.4) is None  # 0.5 used, nothing reserved: 0.5 < 1
    assert times.admission(ONE, [ONE], 0.4) is None  # 0.5 + 0.4 < 1
    assert times.admission(ONE, [ONE, TWO], 0.4) is None  # the other page's claim reserves nothing here
    assert times.admission(ONE, [ONE, BOTH], 0.4) is LATER  # 0.5 + 0.8: wait for those
    assert times.admission(BOTH, [ONE, BOTH], 0.4) is None  # page two has 1 - 0.4 left
    times.spend(BOTH, TaskResult(True, cpu_seconds=0.5))
    times.spend(TWO, TaskResult(True, cpu_seconds=0.5))
    refusal = times.admission(BOTH, [ONE], 0.4)
    assert refusal is not None and refusal is not LATER and times.refused(refusal)  # type: ignore[arg-type]
    assert not times.refused(TaskResult(False, error=refusal.error))  # type: ignore[union-attr]
    times.spend({1: one}, TaskResult(False, seconds=0.7))  # a worker that died: its wall-clock time
    assert times.used(one) == 1.7  # type: ignore[arg-type]
    assert "had used 1.0 s of computing time, and its limit is 1 s" in times.verdict(BOTH).detail  # type: ignore[arg-type]


def test_check_reports_the_refused_claims_and_fails(tmp_path: Path, burning: None,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    page = _page(tmp_path, "long", 8)
    code = main(["check", "--no-cache", "--jobs", "1", "--page-time-limit", "0.3", str(page)])
    out = capsys.readouterr().out
    assert code == 1
    assert "could not be checked" in out and "page time limit" in out and "--page-time-limit" in out


_BURNING_ENGINE = f"""
import time
from mkdocs_derivations import verify
def _check(claim, time_limit_s=None):
    until = time.process_time() + {CLAIM_CPU_S}
    while time.process_time() < until:
        pass
    return {{"status": "proved", "method": "fake"}}
verify.check_claim = _check
verify.warm_up = lambda: None
"""


@pytest.mark.slow
def test_a_build_names_the_refused_steps_and_shows_them_unverified(tmp_path: Path) -> None:
    """`mkdocs build --strict` fails naming file, line and step; the page shows them as not verified; the
    other page of the site is whole."""
    site = site_support.make_site(tmp_path, {})
    _page(site / "derivations", "long", 8)
    _page(site / "derivations", "short", 2, first=100)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "      page_time_limit: 0.3\n")
    strict = site_support.run_mkdocs(site, "build", "--strict", patch=_BURNING_ENGINE)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert "derivations/long.yml:" in strict.stderr and "step 8" in strict.stderr
    assert "page time limit was reached" in strict.stderr
    plain = site_support.run_mkdocs(site, "build", patch=_BURNING_ENGINE)
    assert plain.returncode == 0, plain.stderr
    long_html = (site / "site" / "derivations" / "long" / "index.html").read_text()
    short_html = (site / "site" / "derivations" / "short" / "index.html").read_text()
    assert "deriv-error" in long_html and "page time limit was reached" in long_html
    assert "deriv-error" not in short_html and short_html.count("deriv-proved") >= 2

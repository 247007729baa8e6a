"""Incremental checking: what a second run re-verifies, counted with ``Checker.checked_claims`` (no timings).

Uses the benchmark's site generator (bench/sitegen.py) for small sites with unique claims and known answers.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import site_support
from mkdocs_derivations import cache as cache_module
from mkdocs_derivations import pool, verify
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.options import CheckOptions

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import sitegen  # noqa: E402


def _checker(cache: Path | None, **kw: object) -> Checker:
    kw.setdefault("jobs", 2)
    return Checker(CheckOptions(cache_dir=cache, time_limit_s=kw.pop("time_limit_s", 60), **kw))  # type: ignore[arg-type]


def _keys(checker: Checker, results: list) -> set[str]:
    return {checker.key(c) for r in results for c in r.layout.claims if c.kind == "equal"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> sitegen.Site:
    return sitegen.generate(tmp_path_factory.mktemp("incremental") / "site", pages=4, steps=4)


def test_generated_claims_are_unique_and_well_formed(site: sitegen.Site) -> None:
    checker = _checker(None, verify=False)
    results = checker.check_paths(site.spec_paths())
    assert all(not r.errors for r in results)
    assert len(_keys(checker, results)) == site.claims == 16
    assert checker.checked_claims == 0  # verify: false sends nothing


def test_second_check_sends_nothing_and_an_edit_resends_only_changed_keys(site: sitegen.Site,
                                                                          tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    checker = _checker(cache)
    try:
        first = checker.check_paths(site.spec_paths())
        assert checker.checked_claims == site.claims
        for r in first:  # the engine agrees with the known answers
            truths = site.expected[r.slug]
            accepted = [r.verdicts[i].status in sitegen_accepted() for i in range(len(truths))]
            assert accepted == truths, r.slug

        checker.check_paths(site.spec_paths())
        assert checker.checked_claims == site.claims  # unchanged specs: 0 more claims (memo)
    finally:
        checker.close()

    # A NEW checker (empty memo, no pool) answers everything from the disk cache.
    again = _checker(cache)
    try:
        before = again.check_paths(site.spec_paths())
        assert again.checked_claims == 0
        keys_before = _keys(again, before)

        edited = sitegen.edit_one_step(site, page_index=1, step=2)
        touched: list[tuple[str, int]] = []
        after = again.check_paths(site.spec_paths(), progress=lambda c, i, v: touched.append((c.slug, i)))
        changed = _keys(again, after) - keys_before
        assert len(changed) == 1
        assert again.checked_claims == len(changed) == 1
        assert touched == [(edited.stem, 2)]
        assert again._pool is not None  # the re-verification really went to a worker
    finally:
        again.close()


def test_editing_a_definition_reverifies_exactly_the_claims_whose_key_changed(tmp_path: Path) -> None:
    """Keys include the definitions in scope: changing one re-verifies the claims that see it, no others."""
    specs = tmp_path / "derivations"
    specs.mkdir()
    page = textwrap.dedent("""\
        version: 1
        title: Definitions
        symbols:
          x: real
          u: real
        blocks:
          - math:
              start: {tex: 'u', sympy: 'u'}
              steps:
                - {rel: ':=', tex: 'x^2', sympy: 'DEF'}
          - math:
              start: {tex: 'diff(u, x)', sympy: 'diff(u, x)'}
              steps:
                - {tex: '2x', sympy: 'DIFF'}
          - math:
              start: {tex: 'x + x', sympy: 'x + x'}
              steps:
                - {tex: '2x', sympy: '2*x'}
        """)
    (specs / "a.yml").write_text(page.replace("DEF", "x**2").replace("DIFF", "2*x"))
    (specs / "b.yml").write_text(page.replace("DEF", "x**3").replace("DIFF", "3*x**2"))
    paths = sorted(specs.glob("*.yml"))
    cache = tmp_path / "cache"
    checker = _checker(cache)
    try:
        first = checker.check_paths(paths)
        sent_first = checker.checked_claims
        keys_first = _keys(checker, first)
        assert sent_first == len(keys_first)
        (specs / "a.yml").write_text(page.replace("DEF", "x**2 + 0*x").replace("DIFF", "2*x"))
        after = checker.check_paths(paths)
        changed = _keys(checker, after) - keys_first
        # Both claims of a.yml below the `:=` see the definition (it is in their scope, so in their key).
        assert checker.checked_claims - sent_first == len(changed) == 2
        assert all(v.status == "proved" for r in after for i, v in r.verdicts.items()
                   if r.layout.claims[i].kind == "equal")
    finally:
        checker.close()


def sitegen_accepted() -> set[str]:
    return {"proved", "proved-all", "sizes", "numeric"}


WARM_RUN = textwrap.dedent("""\
    import json, sys
    from pathlib import Path
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.options import CheckOptions
    paths = [Path(p) for p in sys.argv[2:]]
    checker = Checker(CheckOptions(jobs=2, cache_dir=Path(sys.argv[1])))
    results = checker.check_paths(paths)
    checker.close()
    print(json.dumps({
        "sympy": "sympy" in sys.modules,
        "sent": checker.checked_claims,
        "statuses": sorted({v.status for r in results for v in r.verdicts.values()}),
        "hits": checker.cache.stats.hits,
    }))
    """)


def test_host_process_never_imports_sympy_cold_or_warm(site: sitegen.Site, tmp_path: Path) -> None:
    """Cold, the workers import SymPy themselves (overlapping the host's loading); warm, nobody does."""
    cache = tmp_path / "cache"
    paths = [str(p) for p in site.spec_paths()]
    runs = []
    for _ in range(2):  # the first run fills the cache, the second must be answered from it
        proc = subprocess.run([sys.executable, "-c", WARM_RUN, str(cache), *paths], capture_output=True,
                              text=True, check=True)
        runs.append(json.loads(proc.stdout))
    cold, warm = runs
    assert cold["sent"] == site.claims
    assert cold["sympy"] is False
    assert warm == {"sympy": False, "sent": 0, "statuses": cold["statuses"], "hits": site.claims}
    assert site.wrong > 0 and "refuted" in warm["statuses"]  # the cached wrong steps stay refuted


# ----- error and time-limit verdicts are not cached ----------------------------------------------------


def _spec_paths(tmp_path: Path) -> list[Path]:
    specs = tmp_path / "derivations"
    specs.mkdir()
    (specs / "p.yml").write_text(textwrap.dedent("""\
        version: 1
        title: P
        symbols:
          x: real
        blocks:
          - math:
              start: {tex: 'x', sympy: 'x + x'}
              steps:
                - {tex: '2x', sympy: '2*x'}
          - math:
              start: {tex: 'x', sympy: 'x*x'}
              steps:
                - {tex: 'x^2', sympy: 'x**2'}
        """))
    return [specs / "p.yml"]


def _failing_check(claim: object, time_limit_s: float | None = None) -> dict:
    return {"status": "error", "method": "internal error", "detail": "simulated failure"}


def _slow_check(claim: object, time_limit_s: float | None = None) -> dict:
    site_support.compute_for(30)  # the time limit counts CPU time
    return {"status": "proved"}


def _waiting_check(claim: object, time_limit_s: float | None = None) -> dict:
    time.sleep(30)  # uses no CPU time, as a starved worker: stopped by the wall-clock backstop
    return {"status": "proved"}


def _quick_warm_up() -> None:
    pass


@pytest.mark.parametrize("fake, method, rerun", [(_failing_check, "internal error", True),
                                                (_slow_check, "time limit", False),
                                                (_waiting_check, "machine overloaded", True)])
def test_error_and_time_limit_verdicts_are_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      fake: object, method: str, rerun: bool) -> None:
    """Neither goes to the disk; an internal error is retried at the next build of the same process, a
    time limit is not (in `mkdocs serve` it would cost the whole limit on every save of any file)."""
    paths = _spec_paths(tmp_path)
    cache = tmp_path / "cache"
    # The checker imports verify.check_claim when it creates its pool; the forked workers inherit the fake.
    monkeypatch.setattr(verify, "check_claim", fake)
    monkeypatch.setattr(verify, "warm_up", _quick_warm_up)
    if fake is _slow_check:  # on a loaded machine the wall-clock backstop would stop it first, as overloaded
        monkeypatch.setattr(pool, "WALL_FACTOR", 1000)
    checker = _checker(cache, time_limit_s=0.5)
    try:
        [first] = checker.check_paths(paths)
        assert {v.method for v in first.verdicts.values()} == {method}
        assert {v.status for v in first.verdicts.values()} == {"error"}
        assert checker.checked_claims == 2
        assert checker.cache.stats.writes == 0
        [second] = checker.check_paths(paths)
        assert checker.checked_claims == (4 if rerun else 2)
        assert {v.method for v in second.verdicts.values()} == {method}
    finally:
        checker.close()
    assert not any(p.suffix == ".json" for p in cache.rglob("*"))

    monkeypatch.undo()  # the real engine now: the retry verifies and caches
    real = _checker(cache)
    try:
        [again] = real.check_paths(paths)
        assert real.checked_claims == 2
        assert {v.status for v in again.verdicts.values()} == {"proved"}
        assert real.cache.stats.writes == 2
    finally:
        real.close()


def test_workers_file_the_verdicts_they_compute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The host never writes an entry (in the plugin every system call of its checking thread can wait
    5 ms for MkDocs); the workers do, and the host counts what they filed."""
    paths = _spec_paths(tmp_path)
    host = os.getpid()
    real_write = cache_module.write_atomically

    def write_outside_the_host(path: Path, text: str) -> None:
        assert os.getpid() != host, "the host process wrote a cache entry"
        real_write(path, text)

    monkeypatch.setattr(cache_module, "write_atomically", write_outside_the_host)  # the workers inherit it
    checker = _checker(tmp_path / "cache")
    try:
        [first] = checker.check_paths(paths)
    finally:
        checker.close()
    assert {v.status for v in first.verdicts.values()} == {"proved"}
    assert checker.cache.stats.writes == 2
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 2
    again = _checker(tmp_path / "cache")
    assert again.check_paths(paths)[0].verdicts == first.verdicts  # read back exactly as computed
    assert again.checked_claims == 0  # both answered from what the workers filed


def test_a_write_refused_in_a_worker_warns_once_and_stops_the_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    paths = _spec_paths(tmp_path)

    def refuse(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache_module, "write_atomically", refuse)
    checker = _checker(tmp_path / "cache", jobs=1)
    try:
        with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
            [first] = checker.check_paths(paths)
    finally:
        checker.close()
    assert {v.status for v in first.verdicts.values()} == {"proved"}  # the verdicts do not suffer
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "read-only for this run" in warnings[0] and "Permission denied" in warnings[0]
    assert checker.cache.stats.writes == 0 and checker.cache.entry_for_writing("0" * 64) is None


def test_a_serve_rebuild_writes_again_once_the_cache_folder_is_fixed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """`mkdocs serve` keeps its checker between rebuilds: one refused write (the cache folder replaced by a
    file, a full disk) stopped the writes for the rest of the session, with one warning long scrolled away,
    however soon the folder was fixed. Each rebuild (`Checker.start`) tries the folder again."""
    paths = _spec_paths(tmp_path)
    refusing = tmp_path / "refusing"
    refusing.touch()
    real_write = cache_module.write_atomically

    def refuse_while_flagged(path: Path, text: str) -> None:  # runs in the forked workers
        if refusing.exists():
            raise PermissionError(13, "Permission denied")
        real_write(path, text)

    monkeypatch.setattr(cache_module, "write_atomically", refuse_while_flagged)
    checker = _checker(tmp_path / "cache", jobs=1)
    try:
        with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
            checker.start(paths).wait_all()
            refusing.unlink()  # fixed
            paths[0].write_text(paths[0].read_text().replace("x + x", "2*x - x + x"))  # a claim to check
            rebuilt = checker.start(paths)
            rebuilt.wait_all()
    finally:
        checker.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "read-only for this run" in warnings[0]
    assert {v.status for v in rebuilt.specs[0].verdicts.values()} == {"proved"}
    assert checker.cache.stats.writes == 1  # the rebuild's new claim was filed
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1


# ----- identical claims are checked once, also across specs streamed to the pool ---------------------


def test_identical_claims_are_sent_once_and_all_get_the_verdict(tmp_path: Path) -> None:
    spec = textwrap.dedent("""\
        version: 1
        title: {title}
        symbols:
          x: real
        blocks:
          - math:
              start: {{tex: 'x', sympy: 'sin(x)**2 + cos(x)**2'}}
              steps:
                - {{tex: '1', sympy: '1'}}
          - math:
              start: {{tex: 'x', sympy: 'sin(x)**2 + cos(x)**2'}}
              steps:
                - {{tex: '1', sympy: '1'}}
          - math:
              start: {{tex: 'x', sympy: 'x + x'}}
              steps:
                - {{tex: '3x', sympy: '3*x'}}
        """)
    paths = []
    for name in ("a", "b"):
        (tmp_path / f"{name}.yml").write_text(spec.format(title=name.upper()))
        paths.append(tmp_path / f"{name}.yml")
    reported: list[tuple[str, int, str]] = []
    checker = _checker(None)
    try:
        results = checker.check_paths(paths, progress=lambda c, i, v: reported.append((c.slug, i, v.status)))
    finally:
        checker.close()
    assert checker.checked_claims == 2  # six claims, two distinct keys
    for result in results:
        statuses = [result.verdicts[i].status for i, c in enumerate(result.layout.claims) if c.kind == "equal"]
        assert statuses == ["proved", "proved", "refuted"], result.slug
    assert sorted(reported) == sorted((slug, i, status) for slug in ("a", "b")
                                      for i, status in ((0, "proved"), (1, "proved"), (2, "refuted")))


SPEC_WITH_A_BAD_REFERENCE = site_support.TINY_SPEC.replace("{eq:tiny}", "{eq:nowhere}").replace("Tiny", "Memo")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The displayed path of every spec the checker parses, in order."""
    from mkdocs_derivations import checking

    seen: list[str] = []
    real = checking.load_spec_text
    monkeypatch.setattr(checking, "load_spec_text", lambda data, shown: seen.append(shown) or real(data, shown))
    return seen


def test_an_unchanged_spec_is_not_parsed_again_and_an_edited_one_is(tmp_path: Path, parsed: list[str]) -> None:
    spec = tmp_path / "memo.yml"
    spec.write_text(SPEC_WITH_A_BAD_REFERENCE)
    other = tmp_path / "other.yml"
    other.write_text(SPEC_WITH_A_BAD_REFERENCE.replace("Memo", "Other"))
    checker = _checker(None, verify=False)
    first = checker.check_paths([spec, other], root=tmp_path)
    second = checker.check_paths([spec, other], root=tmp_path)
    assert parsed == ["memo.yml", "other.yml"]
    assert second[0].layout is first[0].layout and second[0] is not first[0]
    # The reference check adds to each load's own error list: nothing piles up from one rebuild to the next.
    assert [str(e) for e in first[0].errors] == [str(e) for e in second[0].errors]
    assert len(second[0].errors) == 1 and "nowhere" in str(second[0].errors[0])

    spec.write_text(SPEC_WITH_A_BAD_REFERENCE.replace("title: Memo", "title: Edited"))
    third = checker.check_paths([spec, other], root=tmp_path)
    assert parsed == ["memo.yml", "other.yml", "memo.yml"]
    assert third[0].title == "Edited" and third[1].layout is first[1].layout


def test_a_spec_that_failed_to_load_fails_the_same_way_until_it_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]) -> None:
    from mkdocs_derivations import checking

    spec = tmp_path / "broken.yml"
    spec.write_text(SPEC_WITH_A_BAD_REFERENCE.replace("symbols:", "symbolz:"))
    checker = _checker(None, verify=False)
    first, second = (checker.load(spec, tmp_path) for _ in range(2))
    assert parsed == ["broken.yml"]  # the error was kept, not found again
    assert first.layout is None and second.layout is None
    assert [str(e) for e in first.errors] == [str(e) for e in second.errors] and "symbolz" in str(first.errors[0])

    # A failure that may not repeat (a bug of ours, memory) is not kept: the next load parses again.
    spec.write_text(SPEC_WITH_A_BAD_REFERENCE)
    calls: list[int] = []

    def explode(spec_model: object) -> object:
        calls.append(1)
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(checking, "build_layout", explode)
    assert "internal error" in str(checker.load(spec, tmp_path).errors[0])
    monkeypatch.undo()
    fixed = checker.load(spec, tmp_path)
    assert calls == [1] and fixed.layout is not None and not fixed.errors


def test_a_full_site_pass_forgets_the_parses_of_removed_specs(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yml").write_text(SPEC_WITH_A_BAD_REFERENCE.replace("Memo", name))
    checker = _checker(None, verify=False)
    checker.start(sorted(tmp_path.glob("*.yml")), root=tmp_path).wait_all()
    (tmp_path / "b.yml").unlink()
    checker.start(sorted(tmp_path.glob("*.yml")), root=tmp_path).wait_all()
    assert set(checker._parsed) == {"a.yml"}


def test_loading_holds_the_cycle_collector_and_gives_it_back(site: sitegen.Site, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker holds the collector while it loads (most of the host's share of a cold check on 2 cores);
    afterwards it runs again, and a caller that had disabled it finds it still disabled."""
    import gc

    from mkdocs_derivations import checking

    seen: list[bool] = []
    load = Checker.load

    def watched(self: Checker, path: Path, root: Path | None = None) -> object:
        seen.append(gc.isenabled())
        return load(self, path, root)

    monkeypatch.setattr(Checker, "load", watched)
    assert gc.isenabled()
    checker = _checker(tmp_path / "cache")
    try:
        checker.check_paths(site.spec_paths())
        assert seen and not any(seen)
        assert gc.isenabled()
        checker.start(site.spec_paths()).wait_all()
        assert len(seen) == 2 * len(site.spec_paths()) and not any(seen)
        assert gc.isenabled()
        gc.disable()
        try:
            with checking.collector_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        finally:
            gc.enable()
        with pytest.raises(RuntimeError), checking.collector_paused():
            raise RuntimeError("a load that fails")
        assert gc.isenabled()

        def stop(*_: object) -> None:
            raise RuntimeError("a check that ends half-way, with specs left to load")

        fresh = _checker(tmp_path / "other-cache")  # its claims are all misses, so `stop` is called
        try:
            with pytest.raises(RuntimeError, match="half-way"):
                fresh.check_paths(site.spec_paths(), progress=stop)
            assert gc.isenabled()  # at once, not when the loading generator is garbage-collected
        finally:
            fresh.close()
    finally:
        checker.close()


def test_what_loading_made_is_out_of_the_collectors_reach_while_the_workers_check(site: sitegen.Site) -> None:
    """`check_paths` freezes the heap once the specs are loaded (the collector walked those live objects
    twice, 60-65 ms of a 200-spec check) and thaws it when it returns; a caller's own freeze is left as it
    was, since thawing cannot tell whose objects it thaws."""
    frozen_at_verdicts: list[int] = []

    def progress(*_: object) -> None:
        frozen_at_verdicts.append(gc.get_freeze_count())

    gc.unfreeze()  # as in the CLI: nothing frozen (this session's fixture froze the earlier tests' heap)
    checker = _checker(None, jobs=1)
    try:
        checker.check_paths(site.spec_paths(), progress=progress)
        assert len(frozen_at_verdicts) == site.claims and frozen_at_verdicts[-1] > 0
        assert gc.get_freeze_count() == 0
        gc.freeze()
        held = gc.get_freeze_count()
        frozen_at_verdicts.clear()
        checker._memo.clear()  # checked again, not answered from memory
        checker.check_paths(site.spec_paths(), progress=progress)
        # Not frozen again (the count only falls, as frozen objects are freed), and not thawed.
        assert len(frozen_at_verdicts) == site.claims and max(frozen_at_verdicts) <= held
        assert 0 < gc.get_freeze_count() <= held
    finally:
        checker.close()

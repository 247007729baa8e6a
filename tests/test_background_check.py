"""Checking in the background while MkDocs works: ``Checker.start``, ``PendingCheck`` and ``SitePages``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from mkdocs_derivations import verify
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.references import DASHBOARD_SLUG, GRAPH_SLUG
from mkdocs_derivations.site_pages import SitePages, build_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import sitegen  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> sitegen.Site:
    return sitegen.generate(tmp_path_factory.mktemp("background") / "site", pages=3, steps=4)


def _statuses(specs: list) -> dict[str, list[str]]:
    return {c.slug: [c.verdict(i).status for i, k in enumerate(c.layout.claims) if k.kind == "equal"]
            for c in specs}


def _slow_claims(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Workers are forked after this, so they inherit the slowed-down entry point."""
    real = verify.check_claim

    def slow(claim: object, time_limit_s: float | None = None) -> dict:
        time.sleep(seconds)
        return real(claim, time_limit_s)  # type: ignore[arg-type]

    monkeypatch.setattr(verify, "check_claim", slow)


def test_start_returns_before_the_verdicts_and_wait_delivers_them(site: sitegen.Site, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Time bounds here and below leave room for a busy CI machine: 12 claims on 2 workers are about 3 s of
    # checking, and start must return well before that.
    _slow_claims(monkeypatch, 0.5)
    checker = Checker(CheckOptions(jobs=2, cache_dir=tmp_path / "cache"))
    try:
        started = time.monotonic()
        pending = checker.start(site.spec_paths())
        assert time.monotonic() - started < 2.0
        first, *_ = pending.specs
        assert len(first.verdicts) < 4  # still arriving
        pending.wait(first)
        assert len(first.verdicts) == 4
        pending.wait_all()
        assert not pending.failure
        truth = {slug: ["proved" if ok else "refuted" for ok in oks] for slug, oks in site.expected.items()}
        assert {s: [v if v in ("proved", "refuted") else "other" for v in vs]
                for s, vs in _statuses(pending.specs).items()} == truth
        # everything is cached now: a second start needs no worker and is finished at once
        again = Checker(CheckOptions(jobs=2, cache_dir=tmp_path / "cache"))
        warm = again.start(site.spec_paths())
        assert again._pool is None and _statuses(warm.specs) == _statuses(pending.specs)
        warm.wait_all()
    finally:
        checker.close()


def test_a_failing_check_ends_every_wait_and_leaves_claims_unchecked(site: sitegen.Site,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Checker, misses: object, progress: object, **options: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Checker, "_check_misses", broken)
    checker = Checker(CheckOptions(jobs=1, cache_dir=None))
    try:
        pages = SitePages(checker.start(site.spec_paths()))
        markdown = pages.markdown(pages.slugs[0])  # returns although no verdict ever arrives
        assert "deriv-unchecked" in markdown and "deriv-proved" not in markdown
        problems = pages.problems()
        assert problems[-1].startswith("internal error while checking (RuntimeError: boom)")
    finally:
        checker.close()


def test_cancel_stops_at_once_and_the_next_start_does_not_wait(site: sitegen.Site,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed `mkdocs serve` rebuild cancels its check; the next rebuild (and Ctrl-C) must not wait for
    the claims it was checking, which could take the whole time limit."""
    _slow_claims(monkeypatch, 120.0)  # waits, not computing: only a cancel ends these claims early
    checker = Checker(CheckOptions(jobs=2, cache_dir=None))
    try:
        pending = checker.start(site.spec_paths())
        time.sleep(0.5)  # the workers are inside their first claims
        started = time.monotonic()
        pending.cancel()
        pending.wait_all()
        assert time.monotonic() - started < 3.0
        assert pending.failure == "checking was cancelled"
        assert all(s == "unchecked" for statuses in _statuses(pending.specs).values() for s in statuses)
        monkeypatch.undo()  # the next check: real claims, in workers forked from now on
        started = time.monotonic()
        again = checker.start(site.spec_paths()[:1])
        assert time.monotonic() - started < 3.0  # starting took the pool without waiting for the old claims
        again.wait_all()
        assert again.failure == ""
        assert all(s != "unchecked" for statuses in _statuses(again.specs).values() for s in statuses)
    finally:
        checker.close()


def test_site_pages_match_the_synchronous_rendering(site: sitegen.Site) -> None:
    checker = Checker(CheckOptions(jobs=2, cache_dir=None))
    try:
        pages = SitePages(checker.start(site.spec_paths()))
        assert pages.slugs[-2:] == [DASHBOARD_SLUG, GRAPH_SLUG]
        lazily = {slug: pages.markdown(slug) for slug in pages.slugs}
        at_once = build_site(pages.pending.specs)
    finally:
        checker.close()
    assert lazily == dict(at_once.pages)
    assert at_once.total == pages.total() and "12 claims" in at_once.total
    for slug in pages.slugs:  # the stand-in has the final title, which MkDocs reads for the navigation
        assert pages.placeholder(slug).splitlines()[0] == lazily[slug].splitlines()[0]


def test_slotted_pages_need_no_verdict_and_fill_to_the_final_pages(site: sitegen.Site,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin's path: every page's Markdown at once, while checking; filled, it equals the final page."""
    _slow_claims(monkeypatch, 0.5)  # 12 claims on 2 workers: about 3 s of checking
    checker = Checker(CheckOptions(jobs=2, cache_dir=None))
    try:
        pages = SitePages(checker.start(site.spec_paths()))
        started = time.monotonic()
        slotted = {slug: pages.page_markdown(slug) for slug in pages.slugs}
        assert time.monotonic() - started < 1.5 and any(len(c.verdicts) < 4 for c in pages.pending.specs)
        for markdown in slotted.values():
            assert "derivslot-" in markdown
            assert "deriv-proved" not in markdown and "deriv-refuted" not in markdown  # nothing shown early
        filled = {slug: pages.fill(slug, markdown) for slug, markdown in slotted.items()}
        final = {slug: pages.markdown(slug) for slug in pages.slugs}
    finally:
        checker.close()
    assert filled == final
    assert all("derivslot-" not in text for text in filled.values())
    assert any("deriv-refuted" in text for text in filled.values())  # the sitegen site has wrong steps
    assert not [p for p in pages.problems() if "placeholder" in p]


def test_a_slot_dropped_before_the_final_html_is_a_problem_not_a_silent_gap(site: sitegen.Site) -> None:
    checker = Checker(CheckOptions(jobs=2, cache_dir=None))
    try:
        pages = SitePages(checker.start(site.spec_paths()))
        slug = pages.slugs[0]
        markdown = pages.page_markdown(slug)
        first = markdown.index("<!--derivslot-")
        dropped = markdown[:first] + markdown[markdown.index("-->", first) + 3:]  # e.g. a comment-stripping plugin
        pages.fill(slug, dropped)
        lost = [p for p in pages.problems() if "placeholder" in p]
    finally:
        checker.close()
    assert lost == [f"{slug}: 1 verdict placeholder(s) were missing from the page's HTML (a plugin or theme "
                    "override dropped HTML comments?), so some verdicts are not shown"]


def test_one_miss_starts_one_worker_and_many_start_all(tmp_path: Path) -> None:
    """After an edit, one claim to check must not cost a SymPy import per core during the build."""
    site = sitegen.generate(tmp_path / "site", pages=3, steps=4)  # its own: this test edits it
    cache = tmp_path / "cache"
    warm = Checker(CheckOptions(jobs=2, cache_dir=cache))
    try:
        cold = warm.start(site.spec_paths())
        assert warm._pool is not None and len(warm._pool.worker_pids()) == 2  # 12 misses
        cold.wait_all()
    finally:
        warm.close()
    sitegen.edit_one_step(site, page_index=1, step=1)
    edited = Checker(CheckOptions(jobs=2, cache_dir=cache))
    try:
        pending = edited.start(site.spec_paths())
        assert edited._pool is not None and len(edited._pool.worker_pids()) == 1
        pending.wait_all()
        assert not pending.failure and edited.checked_claims == 1
        assert len(edited._pool.worker_pids()) == 1
    finally:
        edited.close()

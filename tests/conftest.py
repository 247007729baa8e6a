"""Shared fixtures: the seed spec checked once per test session by the real checker."""

from __future__ import annotations

import gc
import signal
from collections.abc import Iterator

import pytest

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.options import CheckOptions
from site_support import ROOT, SEED


@pytest.fixture(scope="session", autouse=True)
def _claims_are_checked() -> Iterator[None]:
    """Unset a developer's MKDOCS_DERIVATIONS_VERIFY (=0 renders drafts unchecked) for the whole session.

    Every in-process build and every `mkdocs build` subprocess (which inherits os.environ) then checks its
    claims as its configuration says; a test that wants the variable sets it with its own monkeypatch.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MKDOCS_DERIVATIONS_VERIFY", raising=False)
        yield


@pytest.fixture(scope="session", autouse=True)
def _ctrl_c_is_not_ignored() -> Iterator[None]:
    """Let the tests' children receive Ctrl-C even when the tests were started with it ignored.

    A shell without job control starts a background command (`.ci/run &`) with SIGINT ignored, and every
    process started from it inherits that through exec: the tests that press Ctrl-C in a check or a build
    then saw it ignored and the run finish (exit 0, a site written), a failure of the launcher, not of the
    code. Python's own handler here makes each child start with the default action, as from a terminal."""
    if signal.getsignal(signal.SIGINT) != signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture(autouse=True)
def _earlier_tests_heap_is_frozen() -> Iterator[None]:
    """Give every test a pool worker's garbage collector: a worker freezes its heap once SymPy is loaded
    (``pool.py``), so a full collection there walks only what the check made. In one pytest process, 2,000
    tests in, a full collection walks everything the earlier tests left, 0.1-0.2 s of CPU time, and an
    in-process check lost its CPU budget to it (CI: a 0.06 s transform ran out of 0.3 s and a true step fell
    back to numeric evidence). ``gc.freeze`` and ``gc.unfreeze`` only splice lists."""
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def seed_checked() -> CheckedSpec:
    """The seed page after a real, uncached check (about ten seconds of SymPy on two workers)."""
    checker = Checker(CheckOptions(jobs=2, cache_dir=None, time_limit_s=60))
    try:
        [checked] = checker.check_paths([SEED], root=ROOT)
    finally:
        checker.close()
    return checked

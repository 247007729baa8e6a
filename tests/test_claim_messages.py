"""The whole message a reader gets for each way a claim can fail: ``path:line:col: equation (n), block b,
step s: <badge>: <detail>``, as the CLI prints it and a strict build logs it (``CheckedSpec.problems``).

A time limit, a memory limit, a crashed worker and a bug of ours are each provoked in the real worker pool:
the fakes are installed with monkeypatch before the checker forks its workers, which inherit them (the
checker imports ``verify.check_claim`` only inside the worker). Each message must name the step, so that a
CI log alone says which line of which file to look at, and must say the step was not verified.
"""

from __future__ import annotations

import faulthandler
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_derivations import pool, verify
from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.options import CheckOptions
from site_support import compute_for, position

SPEC = """\
version: 1
title: Messages
symbols:
  x: real
blocks:
  - text: One step.
  - math:
      start: {tex: 'x', sympy: 'x + x'}
      steps:
        - {tex: '2x', sympy: '2*x'}
"""
# The step is block 2 (the text is block 1); the claim is located at its flow mapping.
WHERE = "m.yml:10:11: equation (1), block 2 (math), step 1: could not be checked: "


def _spinning_check(claim: object, time_limit_s: float | None = None) -> dict:
    try:  # where allowed (root), so that a busy machine cannot starve it into "machine overloaded" instead
        os.nice(-5)
    except OSError:
        pass
    compute_for(30)  # the time limit counts CPU time, not wall-clock time
    return {"status": "proved"}


def _hungry_check(claim: object, time_limit_s: float | None = None) -> dict:
    hoard = bytearray(1 << 34)  # 16 GiB: far past the address-space cap, so the allocation itself fails
    return {"status": "proved", "detail": str(len(hoard))}


def _crashing_check(claim: object, time_limit_s: float | None = None) -> dict:
    faulthandler.disable()  # pytest's handler (inherited through fork) would print a traceback to the log
    os.kill(os.getpid(), signal.SIGSEGV)  # as a segfault in a C extension would
    return {"status": "proved"}


def _quick_warm_up() -> None:
    pass


def _check(tmp_path: Path, **options: object) -> CheckedSpec:
    path = tmp_path / "m.yml"
    path.write_text(SPEC, encoding="utf-8")
    checker = Checker(CheckOptions(jobs=1, cache_dir=None, **options))  # type: ignore[arg-type]
    try:
        [checked] = checker.check_paths([path], root=tmp_path)
    finally:
        checker.close()
    return checked


def test_the_step_is_located_where_the_messages_say() -> None:
    """The fixed prefix of every message below is where the step really is."""
    assert position(SPEC, "{tex: '2x'") == (10, 11)


@pytest.mark.parametrize(("fake", "limits", "method", "message"), [
    (_spinning_check, {"time_limit_s": 1.0}, "time limit",
     "stopped after the time limit of 1 s of computing time; not verified"),
    (_hungry_check, {"memory_limit_mb": 64, "time_limit_s": 30.0}, "memory limit",
     "memory limit of 64 MiB exceeded; not verified"),
    # A worker killed by a signal takes only its claim with it; the message says how it died.
    (_crashing_check, {"time_limit_s": 30.0}, "worker failure",
     "worker process died (killed by signal SIGSEGV); not verified"),
], ids=["time limit", "memory limit", "crashed worker"])
def test_a_claim_stopped_by_its_worker_names_the_step_and_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: Callable[[object], dict], limits: dict[str, float],
        method: str, message: str) -> None:
    monkeypatch.setattr(verify, "check_claim", fake)
    monkeypatch.setattr(verify, "warm_up", _quick_warm_up)
    if method == "time limit":  # a loaded machine must not make the wall-clock backstop stop it first
        monkeypatch.setattr(pool, "WALL_FACTOR", 1000)
    checked = _check(tmp_path, **limits)
    [verdict] = checked.verdicts.values()
    assert (verdict.status, verdict.method) == ("error", method)
    assert checked.problems() == [WHERE + message]


def test_a_bug_inside_verify_is_an_internal_error_of_that_step(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The real ``check_claim`` runs and SymPy proves the step, then verify's own code raises (its table of
    method names is broken): the catch-all must turn that into an error verdict naming the exception, never
    a crash of the worker and never the proof it was about to report."""
    monkeypatch.setattr(verify.identity, "METHOD_NAMES", None)
    checked = _check(tmp_path, time_limit_s=30.0)
    [verdict] = checked.verdicts.values()
    assert (verdict.status, verdict.method) == ("error", "internal error")
    assert checked.problems() == [WHERE + "AttributeError: 'NoneType' object has no attribute 'get'"]

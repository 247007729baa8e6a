"""The benchmark script runs from one command and ends with the figures the issue asks for (not timed here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("plain_s", "cold_s", "warm_s", "warm_over_plain", "cold_over_plain", "pool_speedup",
            "engine_over_naive", "false_accepts", "false_rejects", "reverified_after_one_edit",
            "serve_plain_rebuild_s", "serve_next_edit_rebuild_s", "serve_edit_checked_claims")


@pytest.mark.slow
def test_quick_benchmark_prints_every_figure_and_counts_the_edits() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench.py"), "--quick"], capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = dict(line.split(": ", 1) for line in run.stdout.splitlines() if ": " in line and " " not in
                   line.split(": ", 1)[0])
    missing = [key for key in REQUIRED if key not in figures]
    assert not missing, missing
    for key in REQUIRED:
        float(figures[key])  # a number, not a placeholder
    assert figures["false_accepts"] == "0"
    assert figures["reverified_after_one_edit"] == figures["keys_changed_by_edit"] == "1"
    assert figures["serve_edit_checked_claims"] == "2"  # each serve edit re-verified its one changed claim

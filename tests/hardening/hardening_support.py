"""Helpers shared by the hardening tests: run a spec through the real checker, build small specs."""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.errors import SpecError
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.verdict import FAILING, Verdict
from site_support import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")

#: Every case must finish well inside this (the checker's own time limit is 3 s per claim).
WALL_LIMIT_S = 10.0


def base_spec(sympy_value: str, *, symbols: str = "  x: real\n  y: real\n", start: str = "'x'") -> str:
    """A one-equation spec whose single step's `sympy:` is ``sympy_value`` written verbatim (YAML text)."""
    return (
        "version: 1\n"
        "title: Hardening case\n"
        "symbols:\n"
        f"{symbols}"
        "blocks:\n"
        "  - math:\n"
        "      start:\n"
        "        tex: 'x'\n"
        f"        sympy: {start}\n"
        "      steps:\n"
        "        - tex: 'y'\n"
        f"          sympy: {sympy_value}\n"
    )


@dataclass
class Outcome:
    checked: CheckedSpec
    seconds: float
    stdout: str
    stderr: str
    errors: list[SpecError] = field(default_factory=list)

    @property
    def verdicts(self) -> dict[int, Verdict]:
        return self.checked.verdicts

    def failing(self) -> list[Verdict]:
        return [v for v in self.checked.verdicts.values() if v.status in FAILING]


def run_checker(path: Path, *, time_limit_s: float = 3.0, memory_limit_mb: int | None = 2048,
                cache_dir: Path | None = None) -> Outcome:
    """Check one file with the real Checker; stdout/stderr are captured so a printed traceback is seen."""
    out, err = io.StringIO(), io.StringIO()
    checker = Checker(CheckOptions(jobs=1, time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb,
                                   cache_dir=cache_dir))
    began = time.monotonic()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            [checked] = checker.check_paths([path])
    finally:
        checker.close()
    seconds = time.monotonic() - began
    return Outcome(checked, seconds, out.getvalue(), err.getvalue(), list(checked.errors))

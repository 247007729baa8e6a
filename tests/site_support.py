"""Helpers shared across the test suite.

A throwaway MkDocs site for end-to-end tests (one mkdocs.yml shape, specs written into a folder), shared by
the build, hardening and fault tests so that a change to what a minimal site needs (an extension, a plugin
option) is made once; the seed spec's path; :func:`position` for expected error locations; and
:func:`compute_for`, work that uses CPU time (time limits count CPU time, not the clock).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "derivations" / "mml-5-2-2-multivariate-chain-rule.yml"

# A one-step spec that proves, with a reference to its own equation; tests derive broken variants from it.
TINY_SPEC = """\
version: 1
title: Tiny
symbols:
  t: real
blocks:
  - text: See {eq:tiny}.
  - math:
      label: tiny
      start: {tex: a, sympy: 'diff(sin(t)**2, t)'}
      steps:
        - {tex: b, sympy: '2*sin(t)*cos(t)'}
"""


def position(text: str, needle: str, nth: int = 1, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the ``nth`` occurrence of ``needle`` in ``text``, plus ``offset`` columns.

    Columns count characters (not bytes), lines are split at ``\\n`` only, which is what the specs here use.
    """
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    return line, start - line_start + 1 + offset


def mkdocs_yml(*, specs_dir: str = "derivations", jobs: int = 1, time_limit: float | None = None,
               cache_dir: str | None = None, site_name: str = "t") -> str:
    options = [f"      specs_dir: {specs_dir}", f"      jobs: {jobs}"]
    if time_limit is not None:
        options.append(f"      time_limit: {time_limit}")
    if cache_dir is not None:
        options.append(f"      cache_dir: '{cache_dir}'")
    return (f"site_name: {site_name}\n"
            "theme: {name: material, font: false}\n"
            "markdown_extensions:\n"
            "  - admonition\n  - footnotes\n  - attr_list\n  - md_in_html\n  - pymdownx.details\n"
            "  - pymdownx.arithmatex: {generic: true}\n"
            "plugins:\n  - derivations:\n" + "\n".join(options) + "\n")


def make_site(root: Path, specs: dict[str, str], **options: object) -> Path:
    """Write docs/index.md, the specs and mkdocs.yml under ``root``; returns ``root``."""
    specs_dir = str(options.get("specs_dir", "derivations"))
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / specs_dir).mkdir(exist_ok=True)
    for name, text in specs.items():
        (root / specs_dir / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(mkdocs_yml(**options), encoding="utf-8")  # type: ignore[arg-type]
    return root


def run_mkdocs(site: Path, *args: str, patch: str = "", timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``mkdocs <args>`` in a child process whose Python first runs ``patch``: how the fault tests make an
    OS call fail (a monkeypatch) and still see exactly what a user sees (exit code, messages, no traceback)."""
    code = f"{patch}\nimport sys\nfrom mkdocs.__main__ import cli\nsys.argv = ['mkdocs', *{list(args)!r}]\ncli()\n"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-c", code], cwd=site, env=env, capture_output=True, text=True,
                          timeout=timeout)


def compute_for(seconds: float) -> None:
    """Use ``seconds`` of this process's CPU time (a sleep would use none)."""
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass

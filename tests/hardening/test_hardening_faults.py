"""Faults around a check: a damaged verdict cache, and a `mkdocs build` killed half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hardening_support import run_checker

from mkdocs_derivations.cache import FORMAT
from site_support import mkdocs_yml

SPEC = """version: 1
title: Cache victims
symbols:
  x: real
  y: real
blocks:
  - math:
      start: {tex: 'xy', sympy: 'x*y'}
      steps:
        - {tex: 'yx', sympy: 'y*x + 0*x'}
  - math:
      start: {tex: 'x+y', sympy: 'x + y'}
      steps:
        - {tex: 'x-y', sympy: 'x - y'}
"""


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xff not json at all \xfe")


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _foreign_format(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["format"] = "someone-else/cache/9"
    path.write_text(json.dumps(entry))


def _wrong_key(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["key"] = "0" * 64
    path.write_text(json.dumps(entry))


def _tampered_value(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["value"]["status"] = "proved" if entry["value"]["status"] == "refuted" else "refuted"
    path.write_text(json.dumps(entry))


def _swap_with_sibling(path: Path) -> None:
    others = [p for p in path.parent.parent.rglob("*.json") if p != path]
    path.write_bytes(others[0].read_bytes())


def _not_a_dict(path: Path) -> None:
    path.write_text('["format", "' + FORMAT + '"]')


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _huge(path: Path) -> None:
    path.write_bytes(b"{" + b" " * (5 * 1024 * 1024) + b"}")


def _deep_json(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage, "truncated": _truncate, "empty": _empty, "foreign-format": _foreign_format,
    "wrong-key": _wrong_key, "tampered-value": _tampered_value, "swapped": _swap_with_sibling,
    "not-a-dict": _not_a_dict, "directory": _directory, "huge": _huge, "deep-json": _deep_json,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_cache_entry_is_a_miss(damage: str, tmp_path: Path) -> None:
    spec = tmp_path / "victims.yml"
    spec.write_text(SPEC)
    cache = tmp_path / "cache"
    first = run_checker(spec, cache_dir=cache)
    assert first.errors == []
    expected = {i: v.status for i, v in first.verdicts.items()}
    assert sorted(expected.values()) == ["proved", "refuted"]
    entries = sorted(cache.rglob("*.json"))
    assert len(entries) == 2
    for entry in entries:
        DAMAGE[damage](entry)
    second = run_checker(spec, cache_dir=cache)
    assert "Traceback" not in second.stdout + second.stderr
    assert second.errors == []
    assert {i: v.status for i, v in second.verdicts.items()} == expected
    # re-verified (not served from the damaged entries), and the entries were rewritten
    assert all(v.seconds > 0 for v in second.verdicts.values())
    third = run_checker(spec, cache_dir=cache)
    assert {i: v.status for i, v in third.verdicts.items()} == expected


def test_cache_folder_is_a_file(tmp_path: Path) -> None:
    spec = tmp_path / "victims.yml"
    spec.write_text(SPEC)
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    outcome = run_checker(spec, cache_dir=cache)
    assert outcome.errors == []
    assert sorted(v.status for v in outcome.verdicts.values()) == ["proved", "refuted"]


# --------------------------------------------------------------------------------------------- killed build

MKDOCS_YML = mkdocs_yml(specs_dir="specs", cache_dir="", time_limit=60, site_name="killed")

FAST = """version: 1
title: Fast page
symbols:
  x: real
blocks:
  - text: The previous build wrote this page.
  - math:
      start: {tex: 'x', sympy: 'x'}
      steps:
        - {tex: 'x', sympy: 'x + 0'}
"""

# a true claim that keeps a checking worker busy far beyond the moment of the kill
SLOW = """version: 1
title: Slow page
symbols:
  A: matrix(60, 60)
blocks:
  - math:
      start: {tex: '\\\\det A', sympy: 'det(A)'}
      steps:
        - {tex: '\\\\det A^T', sympy: 'det(A.T)'}
"""


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _build(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


@pytest.fixture
def killed_build(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """Build once, add a slow spec, start a second build and SIGKILL it (and its workers) mid-check."""
    root = tmp_path
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\nPrevious build.\n")
    (root / "specs").mkdir()
    (root / "specs" / "fast.yml").write_text(FAST)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    first = _build(root)
    out, _ = first.communicate(timeout=300)
    assert first.returncode == 0, out
    site = root / "site"
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    assert "derivations/fast/index.html" in before

    (root / "specs" / "slow.yml").write_text(SLOW)
    second = _build(root)
    try:
        deadline = time.monotonic() + 60
        while not _children(second.pid):  # a checking worker exists: the build is in on_files
            assert second.poll() is None, second.communicate()[0]
            assert time.monotonic() < deadline, "the build never started checking"
            time.sleep(0.05)
        time.sleep(1.0)
        assert second.poll() is None, "the build finished before it could be killed"
    finally:
        os.killpg(second.pid, signal.SIGKILL)  # the build and the workers it forked: its own group
        second.communicate(timeout=60)
    assert second.returncode == -signal.SIGKILL
    return site, before


@pytest.mark.slow
def test_killed_build_leaves_previous_site_intact(killed_build: tuple[Path, dict[str, bytes]]) -> None:
    site, before = killed_build
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")} if site.is_dir() else {}
    missing = sorted(set(before) - set(after))
    assert not missing, f"{len(missing)} of {len(before)} pages gone, e.g. {missing[:3]}"
    assert all(after[name] == before[name] for name in before)


@pytest.mark.slow
def test_build_after_a_killed_build_succeeds(killed_build: tuple[Path, dict[str, bytes]]) -> None:
    site, before = killed_build
    root = site.parent
    (root / "specs" / "slow.yml").unlink()
    again = _build(root)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    assert set(after) == set(before)
    leftovers = sorted(p.name for p in root.iterdir() if p.name not in {"docs", "specs", "site", "mkdocs.yml"})
    assert leftovers == [], leftovers  # no staging folder of the killed build left beside the site


@pytest.mark.slow
def test_killed_build_leaves_no_stray_workers(killed_build: tuple[Path, dict[str, bytes]],
                                              tmp_path: Path) -> None:
    """Killing the build's process group must not leave a checking worker burning CPU."""
    marker = str(tmp_path)
    deadline = time.monotonic() + 10
    while True:
        stray = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cwd = os.readlink(proc / "cwd")
            except OSError:
                continue
            if cwd.startswith(marker):
                stray.append(proc.name)
        if not stray or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not stray, stray

"""Faults around a check: a damaged verdict cache, and a `mkdocs build` killed half-way."""

from __future__ import annotations

import contextlib
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
from site_support import make_site, mkdocs_yml

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


def _wait_until_checking(build: subprocess.Popen[str]) -> None:
    """Return once the build has a checking worker (it is in on_files) and is still running a second on."""
    deadline = time.monotonic() + 60
    while not _children(build.pid):
        assert build.poll() is None, build.communicate()[0]
        assert time.monotonic() < deadline, "the build never started checking"
        time.sleep(0.05)
    time.sleep(1.0)
    assert build.poll() is None, "the build finished before it could be killed"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _build(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _project(root: Path, home: str, specs: dict[str, str]) -> Path:
    """A site in ``root``: the home page, the specs in `specs/`, and the plugin's mkdocs.yml."""
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(home)
    (root / "specs").mkdir()
    for name, text in specs.items():
        (root / "specs" / name).write_text(text)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    return root


@pytest.fixture
def killed_build(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """Build once, add a slow spec, start a second build and SIGKILL it (and its workers) mid-check."""
    root = _project(tmp_path, "# Home\n\nPrevious build.\n", {"fast.yml": FAST})
    first = _build(root)
    out, _ = first.communicate(timeout=300)
    assert first.returncode == 0, out
    site = root / "site"
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    assert "derivations/fast/index.html" in before

    (root / "specs" / "slow.yml").write_text(SLOW)
    second = _build(root)
    try:
        _wait_until_checking(second)
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


# many quick true claims: the build is still checking a second after its workers start, and a worker is at
# most a few milliseconds into a task whenever the build dies
QUICK = "version: 1\ntitle: Quick page\nsymbols:\n  x: real\nblocks:\n" + "".join(
    f"  - math:\n      start: {{tex: 'a', sympy: '(x + {i})**2'}}\n"
    f"      steps:\n        - {{tex: 'b', sympy: 'x**2 + {2 * i}*x + {i * i}'}}\n" for i in range(1000))

# A worker orphaned mid-task (or mid-initializer) is stopped by its CPU backstop of 4 * time_limit + 1 s
# (plus up to 1 s of rounding), so a short time limit bounds how long any orphan can live.
ORPHAN_TIME_LIMIT_S = 1
ORPHAN_DEADLINE_S = 20.0  # the backstop's 6 CPU seconds, with room for a loaded machine


def _live_group_members(pgid: int) -> list[int]:
    """The processes of process group ``pgid`` that are still running (zombies have exited)."""
    members = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat[stat.rindex(")") + 2:].split()[:3]
        if int(group) == pgid and state not in {"Z", "X"}:
            members.append(int(proc.name))
    return members


@pytest.mark.slow
def test_killed_build_leaves_no_stray_workers(tmp_path: Path) -> None:
    """SIGKILL on the build process alone (not its group): its workers must end on their own, soon.

    An idle worker sees EOF on its pipe when the parent dies; one busy with a task (or its initializer) is
    ended by its CPU backstop. Only the build is killed, so the workers' own exit is what is observed.
    """
    root = make_site(tmp_path, {"quick.yml": QUICK}, specs_dir="specs", jobs=2, time_limit=ORPHAN_TIME_LIMIT_S,
                     cache_dir="", site_name="orphans")
    build = _build(root)  # a session of its own: its process group holds exactly the build and its workers
    try:
        _wait_until_checking(build)
        workers = _children(build.pid)
        assert workers, "no worker to orphan"
        os.kill(build.pid, signal.SIGKILL)  # the build only: its workers are left to notice by themselves
        assert build.wait(timeout=60) == -signal.SIGKILL  # not communicate(): the workers hold its stdout
        killed_at = time.monotonic()
        stray = _live_group_members(build.pid)
        while stray and time.monotonic() - killed_at < ORPHAN_DEADLINE_S:
            time.sleep(0.1)
            stray = _live_group_members(build.pid)
        assert not stray, f"workers {stray} of {workers} still running {ORPHAN_DEADLINE_S:.0f} s after the kill"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)  # whatever the assertions found left over
        build.communicate(timeout=60)


@pytest.mark.slow
def test_ctrl_c_in_a_build_leaves_no_staging_folder(tmp_path: Path) -> None:
    """Ctrl-C raises KeyboardInterrupt, which MkDocs does not report as a build error but follows with its
    shutdown: the staging folder (a whole site) was left beside site_dir, and under a new name after each
    interrupted rebuild of `mkdocs serve --clean`, whose site_dir is a fresh temporary folder."""
    root = _project(tmp_path, "# Home\n", {"slow.yml": SLOW})
    build = _build(root)
    try:
        _wait_until_checking(build)
        assert (root / "site.derivations-staging").is_dir()
        os.killpg(build.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        out, _ = build.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
    assert "Traceback" not in out, out
    leftovers = sorted(p.name for p in root.iterdir() if p.name not in {"docs", "specs", "mkdocs.yml", ".cache"})
    assert leftovers == [], leftovers

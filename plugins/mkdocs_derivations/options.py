"""The checking options and their one set of defaults and bounds.

The plugin, the CLI and the Markdown extension all make their options here, so that a value means the
same in each (``jobs: 0`` is one worker per core everywhere) and a value out of bounds is the same usage
error in each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# The checking defaults, written once for the plugin, the CLI and the Markdown extension (the documented
# ones: docs/configuration.md and docs/cli.md), so that the three shells cannot drift apart again.
DEFAULT_TIME_LIMIT_S = 10.0  # CPU seconds per claim
DEFAULT_PAGE_TIME_LIMIT_S = 120.0  # CPU seconds for all the claims of one page (twelve claims at the time limit)
DEFAULT_MEMORY_LIMIT_MB = 2048
DEFAULT_JOBS = 0  # one worker per CPU core
DEFAULT_CACHE_DIR = ".cache/derivations"


# The bounds (documented in docs/configuration.md and docs/cli.md). Above them a value is a mistake, not a
# wish: a 1e300 s limit overflowed the worker's setrlimit and failed every claim as an internal error, and
# 100000 jobs hung the build starting processes. Below MIN_TIME_LIMIT_S a claim is stopped before SymPy has
# parsed it, and reported as an overloaded machine.
MIN_TIME_LIMIT_S = 0.1
MAX_TIME_LIMIT_S = 3600.0  # an hour for one claim
MAX_PAGE_TIME_LIMIT_S = 86400.0  # a day for one page
MAX_MEMORY_LIMIT_MB = 1024 * 1024  # 1 TiB
MAX_JOBS = 64


def option_problem(name: str, value: float) -> str | None:
    """Why ``value`` cannot be the checking option ``name`` (``jobs``, ``time_limit``, ``page_time_limit``,
    ``memory_limit``), or None. One rule for the CLI's arguments and the plugin's config, so that a bad value
    is a usage error in both rather than an internal error (a zero time limit) or a silent change (``jobs:
    -1`` ran one worker)."""
    if name == "jobs":
        return None if 0 <= value <= MAX_JOBS else (
            f"must be 0 (one worker per CPU core) or a number of workers from 1 to {MAX_JOBS}")
    if name in ("time_limit", "page_time_limit"):
        longest = MAX_TIME_LIMIT_S if name == "time_limit" else MAX_PAGE_TIME_LIMIT_S
        return None if MIN_TIME_LIMIT_S <= value <= longest else (
            f"must be a number of seconds from {MIN_TIME_LIMIT_S:g} to {longest:g}")
    if name == "memory_limit":
        return None if 1 <= value <= MAX_MEMORY_LIMIT_MB else (
            f"must be a number of MiB from 1 to {MAX_MEMORY_LIMIT_MB} (1 TiB)")
    raise KeyError(name)


class OptionError(ValueError):
    """A checking option out of bounds, as ``<name>: <problem>`` (the name as the user wrote it)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def workers_for(jobs: int) -> int:
    """The worker count for the ``jobs`` setting, where 0 means one per CPU core."""
    return jobs or (os.cpu_count() or 1)


@dataclass(frozen=True)
class CheckOptions:
    """What a :class:`Checker` runs with; ``jobs`` is a number of workers here (see :meth:`from_settings`)."""

    verify: bool = True
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    # What the claims of one page may use together: without it a spec of 1000 steps that each run to the
    # time limit asks for 1000 times that limit (hours of a CI runner, from one pull request).
    page_time_limit_s: float = DEFAULT_PAGE_TIME_LIMIT_S
    memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB
    jobs: int = field(default_factory=lambda: workers_for(DEFAULT_JOBS))
    cache_dir: Path | None = None

    @classmethod
    def from_settings(cls, *, verify: bool = True, time_limit: float = DEFAULT_TIME_LIMIT_S,
                      page_time_limit: float = DEFAULT_PAGE_TIME_LIMIT_S,
                      memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB, jobs: int = DEFAULT_JOBS,
                      cache_dir: Path | None = None) -> CheckOptions:
        """The options for a user's settings, held to :func:`option_problem`'s bounds (raises
        :class:`OptionError`): the one way the plugin, the CLI and the Markdown extension make them, so a
        value means the same in all three (``jobs: 0`` is one worker per core in each)."""
        settings: list[tuple[str, object, type | tuple[type, ...]]] = [
            ("jobs", jobs, int), ("time_limit", time_limit, (int, float)),
            ("page_time_limit", page_time_limit, (int, float)), ("memory_limit_mb", memory_limit_mb, int)]
        for name, value, kind in settings:
            if isinstance(value, bool) or not isinstance(value, kind):
                raise OptionError(name, "must be a whole number" if kind is int else "must be a number")
            assert isinstance(value, (int, float))
            problem = option_problem(name.removesuffix("_mb"), value)
            if problem:
                raise OptionError(name, problem)
        return cls(verify=verify, time_limit_s=float(time_limit), page_time_limit_s=float(page_time_limit),
                   memory_limit_mb=memory_limit_mb, jobs=workers_for(jobs), cache_dir=cache_dir)

"""What runs in a checking worker for one claim, and how its answer becomes a verdict.

``verify`` (and with it SymPy) is imported only here, inside the workers, never in the host process.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .cache import write_entry
from .claims import Claim
from .pool import TaskResult
from .verdict import Verdict, out_of_time


@dataclass(frozen=True)
class Task:
    """A claim for a worker, with the cache entry where it files the verdict if that is cacheable (None:
    the cache takes no writes)."""

    claim: Claim
    key: str
    entry: Path | None
    time_limit_s: float | None = None  # the check keeps time to fall back on rational points before it


def check_in_worker(task: Task) -> tuple[dict, str | None]:
    """Runs in a worker: the verdict's dict and, if the worker filed it, the outcome of that write.

    ``verify`` (and with it SymPy) is imported there, never in the host process. The worker writes the cache
    entry itself because in the MkDocs plugin the host's checking thread gives up the interpreter lock at
    every system call, and MkDocs' rendering then keeps it for up to 5 ms: five calls per file made that
    thread too slow to keep two workers fed (measured in ``bench/README.md``).
    """
    from . import verify

    value = verify.check_claim(task.claim, task.time_limit_s)
    verdict = Verdict.from_dict(value)
    if task.entry is None or not verdict.cacheable:
        return value, None
    return value, write_entry(task.entry, task.key, verdict.to_dict())  # what the host reads back


def unpack(result: TaskResult) -> tuple[TaskResult, str | None]:
    """Split a worker's answer into the verdict's result and the outcome of its cache write (None: no
    write was tried); an answer of any other shape is left for :func:`verdict_from_result` to refuse."""
    value = result.value
    if result.ok and isinstance(value, tuple) and len(value) == 2:
        return dataclasses.replace(result, value=value[0]), value[1]
    return result, None


def warm_up_worker() -> None:
    from . import verify

    verify.warm_up()


def verdict_from_result(result: TaskResult, limit: float) -> Verdict:
    if result.ok:
        try:
            return Verdict.from_dict(result.value)
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            return Verdict("error", method="internal error", detail=f"bad verdict from worker: {err}")
    if result.timed_out and result.starved:  # not kept for the session: a quieter moment may check it
        return Verdict("error", method="machine overloaded", seconds=result.seconds,
                       detail=f"{result.error}; not verified")
    if result.timed_out:
        return out_of_time(limit, result.seconds)
    method = "memory limit" if result.out_of_memory else "worker failure"
    return Verdict("error", method=method, detail=f"{result.error}; not verified", seconds=result.seconds)

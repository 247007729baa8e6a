"""The verdicts of one build that are still arriving from a background thread.

The MkDocs plugin starts checking, lets MkDocs convert and render every page meanwhile, and makes each
generated page wait only for its own spec's verdicts; this is the object those waits go through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .checked import CheckedSpec
from .verdict import Verdict


class Cancelled(Exception):
    pass


class PendingCheck:
    """The specs of one :meth:`Checker.start`, whose missing verdicts arrive from a background thread.

    A spec's verdicts are complete once :meth:`wait` returns for it. If the thread fails (a bug of ours,
    never a contributor's claim), waiting ends anyway: the claims left without a verdict show as unchecked
    and :attr:`failure` says why, so nothing hangs and nothing unproved looks proved.
    """

    def __init__(self, specs: list[CheckedSpec], left: dict[int, int],
                 wake: Callable[[], None] | None = None) -> None:
        self.specs = specs
        self._wake = wake  # ends the checking thread's wait for a worker, so that a cancel acts at once
        self.failure = ""
        self._left = left  # id(spec) -> claims still without a verdict
        self._done = False
        self._cancelled = False
        self._changed = threading.Condition()

    @classmethod
    def finished(cls, specs: list[CheckedSpec]) -> PendingCheck:
        """Specs whose checking is already over."""
        pending = cls(specs, {})
        pending.finish(None)
        return pending

    def run(self, check: Callable[[Callable[[CheckedSpec, int, Verdict], None]], None]) -> None:
        """Run ``check(progress)`` (in the background thread) and end every wait when it returns or fails."""
        failure = None
        try:
            check(self._arrived)
        except Cancelled:
            failure = "checking was cancelled"
        except BaseException as exc:  # noqa: BLE001 - reported through `failure`, never lost in the thread
            failure = f"internal error while checking ({type(exc).__name__}: {exc}); please report it"
        self.finish(failure)

    def finish(self, failure: str | None) -> None:
        with self._changed:
            self._done = True
            self.failure = failure or ""
            self._changed.notify_all()

    def cancel(self) -> None:
        """Stop checking now (the build failed or MkDocs is shutting down): the claims being checked are
        abandoned, their workers killed, rather than finished for a build that is gone."""
        self._cancelled = True
        if self._wake is not None:
            self._wake()

    def checkpoint(self) -> None:
        """Called by the checking thread between waits; raises out of the pool's map once cancelled."""
        if self._cancelled:
            raise Cancelled  # the map kills its busy workers on the way out

    def _arrived(self, checked: CheckedSpec, index: int, verdict: Verdict) -> None:
        self.checkpoint()
        with self._changed:
            self._left[id(checked)] -= 1
            if not self._left[id(checked)]:
                self._changed.notify_all()

    def wait(self, checked: CheckedSpec) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._done or not self._left.get(id(checked)))

    def wait_all(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._done)

"""The page time limit: how much computing the claims of each page have had in one check, and the answer for
the claims a page has no time left for.

The time limit of one claim bounds one step, not a page: a spec of 1000 steps that each run to the limit
asked a CI runner for 1000 times that limit (10 s each by default: close to three hours) from one pull
request. With a page limit, once the claims of a page have used it, the claims of that page not yet handed
to a worker are answered "could not be checked" without running. What a worker already holds finishes (its
running claim and those queued behind it, about 25 ms of expected work and at least one), so a page can pass
its limit by those; when a claim runs to its time limit, its worker is replaced and the queued claims come
back to be asked again, so slow claims pass it by at most one per worker. What counts is each claim's CPU
time in its worker (its wall-clock time where the worker's clock is not known: a worker that died), so that
a loaded machine does not use up a page's time faster. Like every error, such a verdict is neither cached
nor kept for the session: the next check tries the claims again.
"""

from __future__ import annotations

from collections.abc import Sequence

from .checked import CheckedSpec
from .pool import TaskResult
from .verdict import Verdict

METHOD = "page time limit"


class PageTimes:
    """The computing time each page's claims have used in one check, against ``limit_s`` per page."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self._used: dict[int, float] = {}  # by id() of the CheckedSpec, which lives as long as the check
        # The one result that stands for a claim that was not run: recognised by identity, so that no error a
        # worker reports can be taken for it.
        self._refusal = TaskResult(False, error=f"{METHOD} reached")

    def used(self, page: CheckedSpec) -> float:
        return self._used.get(id(page), 0.0)

    def refusal(self, pages: Sequence[CheckedSpec]) -> TaskResult | None:
        """None while a page that waits for the claim has time left (identical claims of several pages are
        checked once); else the result that stands for the claim, which is then not run."""
        if any(self.used(page) < self.limit_s for page in pages):
            return None
        return self._refusal

    def refused(self, result: TaskResult) -> bool:
        return result is self._refusal

    def spend(self, pages: Sequence[CheckedSpec], result: TaskResult) -> None:
        """Charge a claim's time to every page that waited for it (each would have had to check it)."""
        seconds = result.cpu_seconds if result.cpu_seconds is not None else result.seconds
        for page in pages:
            self._used[id(page)] = self.used(page) + seconds

    def verdict(self, pages: Sequence[CheckedSpec]) -> Verdict:
        used = min(self.used(page) for page in pages)
        return Verdict("error", method=METHOD,
                       detail=(f"the page time limit was reached before this step: the page's claims had used "
                               f"{used:.1f} s of computing time, and its limit is {self.limit_s:g} s "
                               "(`page_time_limit` in mkdocs.yml, `--page-time-limit` for `check`); split the page, "
                               "or raise the limit if its steps need that time; not verified"))

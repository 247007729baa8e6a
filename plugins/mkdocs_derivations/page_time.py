"""The page time limit: how much computing the claims of each page have had in one check, and the answer for
the claims a page has no time left for.

The time limit of one claim bounds one step, not a page: a spec of 1000 steps that each run to the limit
asked a CI runner for 1000 times that limit (10 s each by default: close to three hours) from one pull
request. With a page limit, a claim handed to a worker reserves one claim time limit of its page's time
until it finishes, when the page is charged what the claim used instead; a page's claim goes to a worker
only while the page's used and reserved time is below its limit, waits while it is not (its page's claims
in the workers may leave time), and is answered "could not be checked" without running once the page has
used its limit. So a page uses at most its limit plus one claim time limit, however deep the workers'
queues are (filled by the pool-wide mean task time: one trivial claim made it about 1 ms, the queues 16
deep, and a page ran 17 times past its limit, red team). What counts is each claim's CPU time in its
worker (its wall-clock time where the worker's clock is not known: a worker that died), so that a loaded
machine does not use up a page's time faster. Like every error, such a verdict is neither cached nor kept
for the session: the next check, or the next rebuild of `mkdocs serve`, tries the claims again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .checked import CheckedSpec
from .pool import LATER, Admission, TaskResult
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

    def admission(self, pages: Mapping[int, CheckedSpec], in_flight: Sequence[Mapping[int, CheckedSpec]],
                  claim_limit_s: float) -> Admission:
        """Whether a claim that ``pages`` wait for (by id(); identical claims of several pages are checked
        once) may go to a worker now (None), must wait for claims ``in_flight`` (the pages of each claim the
        workers hold) to finish (LATER), or is answered without running (the refusal). It goes if one of its
        pages has time that no claim in the workers has reserved."""
        if any(self.used(page) + claim_limit_s * len(in_flight) < self.limit_s for page in pages.values()):
            return None  # time left even if every claim in the workers were this page's, without counting
        free = False
        for key, page in pages.items():
            reserved = claim_limit_s * sum(1 for waiting in in_flight if key in waiting)
            free = free or self.used(page) + reserved < self.limit_s
        if free:
            return None
        if any(self.used(page) < self.limit_s for page in pages.values()):
            return LATER  # only with a reservation, so with a claim in a worker to wait for
        return self._refusal

    def refused(self, result: TaskResult) -> bool:
        return result is self._refusal

    def spend(self, pages: Mapping[int, CheckedSpec], result: TaskResult) -> None:
        """Charge a claim's time once to every page that waited for it (each would have had to check it; a
        page that repeats a step is charged once for it, not twice: red team)."""
        seconds = result.cpu_seconds if result.cpu_seconds is not None else result.seconds
        for page in pages.values():
            self._used[id(page)] = self.used(page) + seconds

    def verdict(self, pages: Mapping[int, CheckedSpec]) -> Verdict:
        used = min(self.used(page) for page in pages.values())
        return Verdict("error", method=METHOD,
                       detail=(f"the page time limit was reached before this step: the page's claims had used "
                               f"{used:.1f} s of computing time, and its limit is {self.limit_s:g} s "
                               "(`page_time_limit` in mkdocs.yml, `--page-time-limit` for `check`); split the page, "
                               "or raise the limit if its steps need that time; not verified"))

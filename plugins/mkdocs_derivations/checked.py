"""One spec file after checking, and the one wording of a claim's verdict for every output.

Kept apart from the checker so that the renderer, the dashboard and the CLI's reports can read results
without importing the worker pool or the cache.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .claims import Claim, Layout, Row
from .errors import SpecError
from .verdict import BADGES, FAILING, Verdict, counterexample_text, sizes_text


@dataclass
class CheckedSpec:
    """One spec file after checking: its layout and verdicts, or the errors that stopped it."""

    path: Path
    shown_path: str
    layout: Layout | None
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    errors: list[SpecError] = field(default_factory=list)
    has_page: bool = True  # false when its name is taken (see references.page_name_errors)

    @property
    def slug(self) -> str:
        return self.layout.spec.slug if self.layout else self.path.stem

    @property
    def title(self) -> str:
        return self.layout.spec.title if self.layout else self.path.stem

    def verdict(self, index: int) -> Verdict:
        """The verdict of claim ``index``; a claim without one shows as unchecked."""
        return self.verdicts.get(index) or Verdict("unchecked", detail="not checked")

    def claim_records(self) -> Iterator[tuple[Claim, Row | None, Verdict]]:
        """Each claim with the row that shows it (for its equation number) and its verdict."""
        if self.layout is None:
            return
        owner: dict[int, Row] = {}
        for row in self.layout.rows:
            for index in row.claims:
                owner[index] = row
        for index, claim in enumerate(self.layout.claims):
            yield claim, owner.get(index), self.verdict(index)

    def status_counts(self) -> Counter[str]:
        """How many claims have each status, a claim still without a verdict counting as unchecked: the one
        count for the CLI, the dashboard and the graph, so that a check that failed half-way cannot make a
        page look verified anywhere."""
        return Counter(verdict.status for _, _, verdict in self.claim_records())

    def failing_claims(self, failing: frozenset[str] = FAILING) -> Iterator[tuple[Claim, Row | None, Verdict]]:
        """The claims with a status in ``failing``, except the steps a spec error stopped: that error is among
        :attr:`errors` and is reported there, once."""
        for claim, row, verdict in self.claim_records():
            if verdict.status in failing and claim.kind != "error":
                yield claim, row, verdict

    def problem_records(self, failing: frozenset[str] = FAILING) -> list[Problem]:
        """The spec's errors and its failing claims, in the order they are written in the file: a contributor
        reads the report top to bottom beside the spec (the errors all came first, so a shape error in block 2
        was listed above a refuted step of block 1). Stable: what has no line keeps its place, first."""
        records: list[Problem] = [(err, None, None, None) for err in self.errors]
        records += [(None, claim, row, verdict) for claim, row, verdict in self.failing_claims(failing)]
        return sorted(records, key=_written_at)

    def problems(self) -> list[str]:
        """Messages for everything that must fail a strict build: the spec's errors, refuted and error claims,
        in file order."""
        return [problem_message(problem) for problem in self.problem_records()]


#: A spec error, or a failing claim with its row and verdict (the other members None).
Problem = tuple[SpecError | None, Claim | None, Row | None, Verdict | None]


def problem_message(problem: Problem) -> str:
    """The one line that reports a problem, in the CLI and the build log alike."""
    err, claim, row, verdict = problem
    if err is not None:
        return str(err)
    assert claim is not None and verdict is not None
    return claim_message(claim, row, verdict)


def _written_at(problem: Problem) -> tuple[int, int]:
    err, claim, _, _ = problem
    written = err if err is not None else claim
    assert written is not None  # a problem is an error or a claim
    return written.location.line, written.location.column


def describe_claim(claim: Claim, row: Row | None, verdict: Verdict) -> str:
    """``equation (n), block b, step s: refuted: detail [sizes ...] (counterexample ...)``."""
    eq = f"equation ({row.number})" if row and row.number else "unnumbered row"
    text = f"{eq}, {claim.where}: {BADGES[verdict.status][1]}"
    if verdict.detail:
        text += f": {verdict.detail}"
    if verdict.sizes and verdict.status in FAILING:
        text += f" [sizes {sizes_text(verdict.sizes)}]"
    text += counterexample_text(verdict)
    if verdict.status in FAILING:  # a hint at the likely cause belongs next to the failure, not only on the page
        text += "".join(f"; note: {note}" for note in verdict.notes)
    return text


def claim_message(claim: Claim, row: Row | None, verdict: Verdict) -> str:
    """``path:line:col: `` and :func:`describe_claim`: the same text in the CLI, the build log and tests."""
    return f"{claim.location}: {describe_claim(claim, row, verdict)}"

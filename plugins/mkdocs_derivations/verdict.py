"""What a check concluded about one claim, and how strong that conclusion is.

The status vocabulary is the product's promise to readers, so it is small and fixed: each status says
exactly what kind of evidence stands behind it (see ``docs/verdicts.md``). Verdicts are plain data (no
SymPy objects) so that workers can send them back, the cache can store them as JSON and the renderer can
show them without importing SymPy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["proved", "proved-all", "sizes", "numeric", "definition", "unchecked", "refuted", "error"]

# From strongest to weakest evidence; a row with several claims shows its weakest.
STATUS_ORDER: tuple[Status, ...] = (
    "definition", "proved", "proved-all", "sizes", "numeric", "unchecked", "error", "refuted",
)

# Statuses that count as machine-checked agreement (numeric is evidence, reported separately).
VERIFIED: frozenset[Status] = frozenset({"proved", "proved-all", "sizes"})
# Statuses that fail `mkdocs build --strict` and `mkdocs-derivations check`.
FAILING: frozenset[Status] = frozenset({"refuted", "error"})

BADGES: dict[Status, tuple[str, str]] = {
    "proved": ("✓", "proved"),
    "proved-all": ("✓", "proved for all dimensions"),
    "sizes": ("✓", "checked at sizes"),
    "numeric": ("≈", "numeric evidence only"),
    "definition": ("≔", "definition"),
    "unchecked": ("?", "unchecked"),
    "refuted": ("✗", "refuted"),
    "error": ("!", "could not be checked"),
}


@dataclass
class Verdict:
    status: Status
    method: str = ""
    detail: str = ""
    sizes: list[dict[str, int]] = field(default_factory=list)
    points: int = 0
    seconds: float = 0.0
    counterexample: dict[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    # Reached because an exact attempt ran out of time (numeric evidence from rational points): a faster
    # machine or a longer limit may prove the step, so like a time limit it is kept for the session only.
    provisional: bool = False

    @property
    def cacheable(self) -> bool:
        """Errors (time limits, crashes) may go away on a retry, and a provisional verdict may get stronger;
        neither is cached."""
        return self.status != "error" and not self.provisional

    def to_dict(self) -> dict[str, Any]:
        """The JSON form the cache stores (``dataclasses.asdict`` was a tenth of the host's time per result)."""
        return {
            "status": self.status, "method": self.method, "detail": self.detail,
            "sizes": [dict(s) for s in self.sizes], "points": self.points, "seconds": self.seconds,
            "counterexample": dict(self.counterexample) if self.counterexample is not None else None,
            "notes": list(self.notes), "provisional": self.provisional,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        if data.get("status") not in BADGES:
            raise ValueError(f"not a verdict status: {data.get('status')!r}")
        return cls(
            status=data["status"],
            method=str(data.get("method", "")),
            detail=str(data.get("detail", "")),
            sizes=[{str(k): int(v) for k, v in s.items()} for s in data.get("sizes", [])],
            points=int(data.get("points", 0)),
            seconds=float(data.get("seconds", 0.0)),
            counterexample=({str(k): str(v) for k, v in data["counterexample"].items()}
                            if data.get("counterexample") else None),
            notes=[str(n) for n in data.get("notes", [])],
            provisional=bool(data.get("provisional", False)),
        )


def out_of_time(limit_s: float, seconds: float = 0.0) -> Verdict:
    """The verdict of a step stopped at the time limit, by the pool or by the check itself."""
    return Verdict("error", method="time limit", seconds=seconds,
                   detail=f"stopped after the time limit of {limit_s:g} s of computing time; not verified")


# The method of the "error" verdict of a step that a spec error kept from being checked (claims.py).
SPEC_ERROR = "spec error"

# The "definition" status counted over a page or a site: it covers `:=` definitions and `given` assumptions
# (singular, plural), which a single row's badge tells apart (:func:`badge`).
DEFINITION_WORDS = ("definition or assumption", "definitions or assumptions")


def badge(verdicts: list[Verdict]) -> tuple[str, str]:
    """The symbol and words of the badge of a row carrying ``verdicts`` (its weakest status). A row that
    states an assumption with ``given`` says "assumption": the equation is taken on trust, and a reader must
    see that."""
    status = weakest(verdicts)
    if status == "definition" and any(_is_assumption(v) for v in verdicts):
        return BADGES[status][0], "assumption"
    if status == "error" and all(v.method == SPEC_ERROR for v in verdicts if v.status == status):
        return BADGES[status][0], "not checked: error in the spec"  # what to fix is the spec, not the checker
    return BADGES[status]


def weakest(verdicts: list[Verdict]) -> Status:
    """The status a row shows when it carries several claims.

    A ``:=`` definition never weakens a row (it cannot be wrong, so a row "L := ‖e‖² = eᵀe" whose equality
    is proved shows ✓), but an assumption stated with ``given`` does: it ranks after the machine-checked
    statuses. "y = Φθ ∈ ℝᴺ" (the equation given, its shape proved) showed "✓ proved for all dimensions",
    and a reader took the model's assumption for a proved equation."""
    if not verdicts:
        return "unchecked"
    return max(verdicts, key=_rank).status


def _rank(verdict: Verdict) -> float:
    """How weak a claim is for its row: its status's place in :data:`STATUS_ORDER`, but an assumption's
    between "sizes" and "numeric"."""
    return STATUS_ORDER.index("sizes") + 0.5 if _is_assumption(verdict) else STATUS_ORDER.index(verdict.status)


def _is_assumption(verdict: Verdict) -> bool:
    return verdict.status == "definition" and verdict.method == "given"


def counterexample_text(verdict: Verdict) -> str:
    """`` (counterexample: f(u) = u**2 + 1)`` to append to a message: the parts of the counterexample
    that the detail does not already quote (it names the point and both values; not the sample functions
    that stood in for undefined ones), or "" when nothing is left."""
    if not verdict.counterexample:
        return ""
    detail = verdict.detail or ""
    left = [f"{k} = {v}" for k, v in verdict.counterexample.items() if v not in detail]
    return f" (counterexample: {', '.join(left)})" if left else ""


def sizes_text(sizes: list[dict[str, int]]) -> str:
    """``N = 3, D = 2; N = 2, D = 3`` — how a reader sees the sizes a check used."""
    return "; ".join(", ".join(f"{k} = {v}" for k, v in sorted(s.items())) for s in sizes)

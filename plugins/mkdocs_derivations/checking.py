"""Check a set of spec files: load, lay out, look up cached verdicts, verify the rest in workers.

Shared by the MkDocs plugin and the CLI so that both give the same verdicts and the same messages. SymPy is
imported only inside the workers, and the workers are started only when some claim misses the cache: a
fully warm run never pays for SymPy.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .cache import VerdictCache
from .claims import Claim, Layout, build_layout
from .errors import Location, SpecError, display_path
from .pool import TaskResult, WorkerPool
from .references import pages_registry, reference_errors
from .spec import load_spec
from .verdict import FAILING, Verdict

ENGINE_VERSION = f"{__version__}+engine1"


@dataclass(frozen=True)
class CheckOptions:
    verify: bool = True
    time_limit_s: float = 10.0
    memory_limit_mb: int | None = 2048
    jobs: int = 2
    cache_dir: Path | None = None


@dataclass
class CheckedSpec:
    """One spec file after checking: its layout and verdicts, or the errors that stopped it."""

    path: Path
    shown_path: str
    layout: Layout | None
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    errors: list[SpecError] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.layout.spec.slug if self.layout else self.path.stem

    @property
    def title(self) -> str:
        return self.layout.spec.title if self.layout else self.path.stem

    def problems(self) -> list[str]:
        """Messages for everything that must fail a strict build: load errors, refuted and error claims."""
        out = [str(e) for e in self.errors]
        if self.layout is not None:
            for index, claim in enumerate(self.layout.claims):
                verdict = self.verdicts.get(index)
                if verdict is not None and verdict.status in FAILING:
                    out.append(claim_message(claim, verdict))
        return out


def claim_message(claim: Claim, verdict: Verdict) -> str:
    """``path:line:col: [where] refuted: detail (counterexample)``, the same text everywhere."""
    text = f"{claim.location}: [{claim.where}] {verdict.status}: {verdict.detail}".rstrip()
    if verdict.counterexample:
        text += " (counterexample: " + ", ".join(f"{k} = {v}" for k, v in verdict.counterexample.items()) + ")"
    return text


def find_specs(folder: Path) -> list[Path]:
    """The spec files of a folder (not its subfolders: a page's slug is its file stem), in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in {".yml", ".yaml"} and p.is_file())


def _sympy_version() -> str:
    try:
        return importlib.metadata.version("sympy")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - sympy is a dependency
        return "unknown"


class Checker:
    """Owns the worker pool, the on-disk cache and an in-memory memo (for `mkdocs serve` rebuilds)."""

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.cache = VerdictCache(options.cache_dir)
        self._pool: WorkerPool | None = None
        self._memo: dict[str, Verdict] = {}
        self._versions = (ENGINE_VERSION, _sympy_version())
        self.checked_claims = 0  # claims actually sent to workers (tests count re-verification with it)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _get_pool(self) -> WorkerPool:
        if self._pool is None:
            from .verify import check_claim, warm_up

            # Only on a cache miss: import SymPy here, before forking, so that workers (and the ones that
            # replace a killed worker) start in milliseconds instead of re-importing it.
            warm_up()
            self._pool = WorkerPool(check_claim, jobs=max(1, self.options.jobs),
                                    time_limit_s=self.options.time_limit_s,
                                    memory_limit_mb=self.options.memory_limit_mb, initializer=warm_up)
        return self._pool

    def key(self, claim: Claim) -> str:
        return VerdictCache.make_key(*self._versions, *claim.key_parts())

    def load(self, path: Path, root: Path | None = None) -> CheckedSpec:
        shown = display_path(path, root)
        try:
            spec = load_spec(path, shown)
            layout, errors = build_layout(spec)
        except SpecError as err:
            return CheckedSpec(path, shown, None, errors=[err])
        except (RecursionError, MemoryError):
            return CheckedSpec(path, shown, None, errors=[SpecError("the spec is too large or deeply nested to "
                                                                    "load", Location(shown))])
        except Exception as err:  # noqa: BLE001 - a bug of ours must cost one page, not the whole site
            message = f"internal error while loading this spec ({type(err).__name__}: {err}); please report it"
            return CheckedSpec(path, shown, None, errors=[SpecError(message, Location(shown))])
        return CheckedSpec(path, shown, layout, dict(layout.verdicts), errors)

    def check_paths(self, paths: Iterable[Path], root: Path | None = None,
                    progress: Callable[[CheckedSpec, int, Verdict], None] | None = None,
                    context: Iterable[Path] = ()) -> list[CheckedSpec]:
        """Load and check every spec; never raises for a contributor's mistake.

        ``context`` names other specs of the site that are loaded (not checked) so that references to
        them resolve, e.g. when one file is checked on its own.
        """
        return self.check_loaded([self.load(p, root) for p in paths], [self.load(p, root) for p in context],
                                 progress)

    def check_loaded(self, specs: list[CheckedSpec], context: Iterable[CheckedSpec] = (),
                     progress: Callable[[CheckedSpec, int, Verdict], None] | None = None) -> list[CheckedSpec]:
        """Check specs already loaded with :meth:`load`; ``context`` pages only resolve references."""
        registry = pages_registry([*specs, *context])
        for checked in specs:
            if checked.layout is not None:
                checked.errors.extend(reference_errors(checked.slug, checked.layout, registry))
        pending: list[tuple[CheckedSpec, int, str]] = []
        for checked in specs:
            if checked.layout is None:
                continue
            for index, claim in enumerate(checked.layout.claims):
                if index in checked.verdicts:
                    continue
                if claim.kind != "equal":
                    continue
                if not self.options.verify:
                    checked.verdicts[index] = Verdict("unchecked", method="verification off",
                                                      detail="rendered without checking (verify: false)")
                    continue
                key = self.key(claim)
                known = self._memo.get(key) or self._cached(key)
                if known is not None:
                    checked.verdicts[index] = known
                else:
                    pending.append((checked, index, key))
        if pending:
            self._verify(pending, progress)
        return specs

    def _cached(self, key: str) -> Verdict | None:
        data = self.cache.get(key)
        if data is None:
            return None
        try:
            verdict = Verdict.from_dict(data)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        self._memo[key] = verdict
        return verdict

    def _verify(self, pending: list[tuple[CheckedSpec, int, str]],
                progress: Callable[[CheckedSpec, int, Verdict], None] | None) -> None:
        # Identical claims (same key) are checked once and their verdict shared.
        by_key: dict[str, list[tuple[CheckedSpec, int]]] = {}
        claims: list[Claim] = []
        for checked, index, key in pending:
            if key not in by_key:
                assert checked.layout is not None
                claims.append(checked.layout.claims[index])
                by_key[key] = []
            by_key[key].append((checked, index))
        keys = list(by_key)
        pool = self._get_pool()

        def done(position: int, result: TaskResult) -> None:
            key = keys[position]
            verdict = _verdict_from_result(result, self.options.time_limit_s)
            self.checked_claims += 1
            if verdict.cacheable:
                self._memo[key] = verdict
                self.cache.put(key, verdict.to_dict())
            for checked, index in by_key[key]:
                checked.verdicts[index] = verdict
                if progress is not None:
                    progress(checked, index, verdict)

        pool.map(claims, on_result=done)


def _verdict_from_result(result: TaskResult, limit: float) -> Verdict:
    if result.ok:
        try:
            return Verdict.from_dict(result.value)
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            return Verdict("error", method="internal error", detail=f"bad verdict from worker: {err}")
    if result.timed_out:
        return Verdict("error", method="time limit", seconds=result.seconds,
                       detail=f"stopped after the time limit of {limit:g} s; not verified")
    method = "memory limit" if result.out_of_memory else "worker failure"
    return Verdict("error", method=method, detail=f"{result.error}; not verified", seconds=result.seconds)

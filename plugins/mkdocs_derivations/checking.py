"""Check a set of spec files: load, lay out, look up cached verdicts, verify the rest in workers.

Shared by the MkDocs plugin and the CLI so that both give the same verdicts and the same messages. SymPy is
imported only inside the workers, and the workers are started only when some claim misses the cache: a
fully warm run never pays for SymPy.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.metadata
import itertools
import os
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .cache import VerdictCache
from .checked import CheckedSpec
from .claims import Claim, Layout, build_layout
from .errors import Location, SpecError, display_path
from .options import CheckOptions
from .page_time import PageTimes
from .pending import PendingCheck
from .pool import Admission, TaskResult, WorkerPool, WorkerStartError
from .references import page_name_errors, pages_registry, reference_errors
from .spec import load_spec_text, read_spec_file
from .verdict import Verdict
from .worker_task import Task, check_in_worker, unpack, verdict_from_result, warm_up_worker

ENGINE_VERSION = f"{__version__}+engine47"  # bump when a verdict (or its method text) can change

_EDITOR_LOCK = ".#"  # Emacs names its lock file of `a.yml` `.#a.yml`


def find_specs(folder: Path) -> list[Path]:
    """The spec files of a folder (not its subfolders: a page's slug is its file stem), in a stable order.

    Every entry named like a spec is returned, also one that is not a readable file (a symbolic link, a
    link loop, a folder named ``x.yml``): loading it then says why it makes no page, where skipping it
    would lose a contributor's page without a word. Except Emacs' lock files (`.#a.yml`, a link that exists
    while a buffer of `a.yml` has unsaved changes): no one's page, they were an error on the dashboard and in
    the build log (a failed `--strict` build, a failed `check`) for as long as the file was being edited."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if named_like_spec(p) and not p.name.startswith(_EDITOR_LOCK))


def named_like_spec(path: Path) -> bool:
    """Whether ``path``'s name is a spec's: ``*.yml`` or ``*.yaml``, in any case (`x.YML` too)."""
    return path.suffix.lower() in {".yml", ".yaml"}


def _sympy_version() -> str:
    try:
        return importlib.metadata.version("sympy")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - sympy is a dependency
        return "unknown"


@dataclass(frozen=True)
class _Parsed:
    """What loading one file's bytes gave: kept so that a rebuild does not parse an unchanged spec again,
    unless the failure may not happen again (``lasting`` False: out of memory, a bug of ours)."""

    data: bytes
    layout: Layout | None
    errors: tuple[SpecError, ...]
    lasting: bool = True


def _parse(data: bytes, shown: str) -> _Parsed:
    """Parse and lay out a spec's bytes; never raises, a contributor's mistake or a bug of ours becomes the
    page's error."""
    try:
        layout, errors = build_layout(load_spec_text(data, shown))
    except SpecError as err:
        return _Parsed(data, None, (err,))
    except (RecursionError, MemoryError):
        error = SpecError("the spec is too large or deeply nested to load", Location(shown))
        return _Parsed(data, None, (error,), lasting=False)
    except Exception as err:  # noqa: BLE001 - a bug of ours must cost one page, not the whole site
        message = f"internal error while loading this spec ({type(err).__name__}: {err}); please report it"
        return _Parsed(data, None, (SpecError(message, Location(shown)),), lasting=False)
    return _Parsed(data, layout, tuple(errors))


class Checker:
    """Owns the worker pool, the on-disk cache and in-memory memos of verdicts and of parsed specs (both
    for `mkdocs serve` rebuilds, where this object lives on)."""

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.cache = VerdictCache(options.cache_dir)
        self._pool: WorkerPool | None = None
        self._memo: dict[str, Verdict] = {}
        # By displayed path (it names the page and every message): parsing is most of a warm rebuild's own
        # work, 0.4-0.5 s for 200 specs, and an edit in `mkdocs serve` changes one file.
        self._parsed: dict[str, _Parsed] = {}
        self._versions = (ENGINE_VERSION, _sympy_version())
        self.checked_claims = 0  # claims actually sent to workers (tests count re-verification with it)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _get_pool(self, start_workers: int | None = None) -> WorkerPool:
        """The pool, forked now if it is not running; ``start_workers`` bounds how many workers a new pool
        starts with (it grows as tasks come); by default one per core, at most ``jobs``."""
        if self._pool is None:
            # Workers import SymPy in their initializer, not this process: the imports then run on the other
            # cores while this process goes on loading specs. (A worker that replaces a killed one imports
            # it again, about 0.4 s, paid only after a time or memory limit.) More workers than cores start
            # only when tasks wait for them: `--jobs 64` for one claim on 2 cores took 60 s of SymPy imports.
            jobs = max(1, self.options.jobs)
            if start_workers is None:
                start_workers = min(jobs, os.cpu_count() or 1)
            self._pool = WorkerPool(check_in_worker, jobs=jobs,
                                    time_limit_s=self.options.time_limit_s,
                                    memory_limit_mb=self.options.memory_limit_mb, initializer=warm_up_worker,
                                    start_workers=start_workers)
        return self._pool

    def key(self, claim: Claim) -> str:
        return VerdictCache.make_key(*self._versions, *claim.key_parts())

    def load(self, path: Path, root: Path | None = None) -> CheckedSpec:
        """Read and lay out one spec; a file whose bytes are those of its last load is not parsed again."""
        shown = display_path(path, root)
        try:
            data = read_spec_file(path, shown)
        except SpecError as err:
            return CheckedSpec(path, shown, None, errors=[err])
        parsed = self._parsed.get(shown)
        if parsed is None or parsed.data != data:
            parsed = _parse(data, shown)
            if parsed.lasting:
                self._parsed[shown] = parsed
        layout = parsed.layout
        verdicts = dict(layout.verdicts) if layout is not None else {}
        return CheckedSpec(path, shown, layout, verdicts, list(parsed.errors))  # lists of its own: they grow

    def check_paths(self, paths: Iterable[Path], root: Path | None = None,
                    progress: Callable[[CheckedSpec, int, Verdict], None] | None = None,
                    context: Iterable[Path] = ()) -> list[CheckedSpec]:
        """Load and check every spec; never raises for a contributor's mistake.

        Specs are loaded while the workers check the claims of the ones loaded before. ``context`` names
        other specs of the site that are loaded (not checked) so that references to them resolve, e.g.
        when one file is checked on its own.
        """
        loaded: list[CheckedSpec] = []
        heap = LoadedHeap()

        def load_all() -> Generator[CheckedSpec, None, None]:
            with collector_paused():
                for path in paths:
                    loaded.append(self.load(path, root))
                    yield loaded[-1]
                neighbours = [self.load(p, root) for p in context]
                heap.freeze()
            # Here, not after the last verdict: the workers are still checking the last specs' claims, so this
            # runs beside them, not after them with both workers idle (0.03 s of a cold check of 200 specs).
            self._check_across_pages(loaded, neighbours)

        source = load_all()
        try:
            self._check_claims(source, progress)
            next(source, None)  # the checking drains it; should it ever not, the pages are still compared
        finally:
            source.close()  # after an exception: the collector comes back now, not when the generator is freed
            heap.thaw()
        return loaded

    def check_loaded(self, specs: list[CheckedSpec], context: Iterable[CheckedSpec] = (),
                     progress: Callable[[CheckedSpec, int, Verdict], None] | None = None) -> list[CheckedSpec]:
        """Check specs already loaded with :meth:`load`; ``context`` pages only resolve references.

        A new pool starts no more workers than there are claims to check: the Markdown extension checks one
        page per call, and a SymPy import per core for a page with two cache misses is wasted."""
        misses = [(checked, self._answer_known(checked)) for checked in specs]
        self._check_misses(misses, progress, workers=sum(len(left) for _, left in misses))
        self._check_across_pages(specs, context)
        return specs

    def start(self, paths: Iterable[Path], root: Path | None = None) -> PendingCheck:
        """Load every spec now and check the claims the caches cannot answer in a background thread.

        For the MkDocs plugin: MkDocs converts and renders the pages while the workers check, and each
        generated page waits only for its own spec's verdicts (:meth:`PendingCheck.wait`) before they are
        filled into its HTML. The workers are forked here, in the calling thread, and only for misses.
        """
        self.cache.retry()  # a folder that refused a write in an earlier build may have been fixed
        misses: list[tuple[CheckedSpec, list[tuple[int, Claim, str]]]] = []
        missed = 0
        can_start = True
        with collector_paused():
            for path in paths:
                checked = self.load(path, root)
                misses.append((checked, self._answer_known(checked)))
                if misses[-1][1]:
                    # A worker per miss so far, up to `jobs`, started as the misses are found: they import
                    # SymPy while the rest loads, and an edit that left one claim to check costs one import,
                    # not one per core (each is half a CPU-second that MkDocs' own work would wait for).
                    missed += len(misses[-1][1])
                    if can_start:
                        try:
                            self._get_pool(start_workers=missed).grow(missed)
                        except WorkerStartError:  # the background check tries once more, then gives the
                            can_start = False  # reason to every claim left: a traceback would lose the site
            loaded = [checked for checked, _ in misses]
            self._check_across_pages(loaded, [])
        shown = {checked.shown_path for checked in loaded}
        self._parsed = {name: parsed for name, parsed in self._parsed.items() if name in shown}  # files removed
        pending = PendingCheck(loaded, {id(checked): len(left) for checked, left in misses}, wake=self._wake_pool)
        if missed:
            def check(arrived: Callable[[CheckedSpec, int, Verdict], None]) -> None:
                self._check_misses(misses, arrived, checkpoint=pending.checkpoint)

            thread = threading.Thread(target=pending.run, args=(check,), daemon=True, name="derivations-check")
            thread.start()
        else:
            pending.finish(None)
        return pending

    @staticmethod
    def _check_across_pages(specs: list[CheckedSpec], context: Iterable[CheckedSpec]) -> None:
        """What needs the whole site: page names that collide, and references between pages."""
        for index, error, keeps_page in page_name_errors([(c.slug, c.shown_path) for c in specs]):
            specs[index].errors.append(error)
            specs[index].has_page = specs[index].has_page and keeps_page
        everything = [*specs, *context]
        registry = pages_registry(c for c in everything if c.has_page)
        broken = {c.slug for c in everything if c.layout is None}
        for checked in specs:
            if checked.layout is not None and checked.has_page:
                checked.errors.extend(reference_errors(checked.slug, checked.layout, registry, broken))

    def _check_claims(self, specs: Iterator[CheckedSpec],
                      progress: Callable[[CheckedSpec, int, Verdict], None] | None) -> None:
        """Give every ``equal`` claim a verdict: from the memo or the disk cache, else from a worker.

        The pool starts at the first miss, so a fully warm run never starts one (nor imports SymPy).
        """
        self._check_misses(((checked, self._answer_known(checked)) for checked in specs), progress)

    def _wake_pool(self) -> None:
        pool = self._pool
        if pool is not None:
            pool.wake()

    def _check_misses(self, misses: Iterable[tuple[CheckedSpec, list[tuple[int, Claim, str]]]],
                      progress: Callable[[CheckedSpec, int, Verdict], None] | None,
                      workers: int | None = None, checkpoint: Callable[[], None] | None = None) -> None:
        """Check in the workers the claims the caches could not answer, given spec by spec (lazily, so that
        loading the next spec overlaps checking). Identical claims (same key) are checked once and their
        verdict shared. A page whose claims have used its time limit gets no more of them checked."""
        waiting: dict[str, list[tuple[CheckedSpec, int]]] = {}  # key -> claims sharing that key
        sent: list[Task] = []  # in the order the pool numbers them
        budget = PageTimes(self.options.page_time_limit_s)
        pages: list[dict[int, CheckedSpec]] = []  # by position: the pages waiting for the claim, by id()
        position_of: dict[str, int] = {}

        def tasks() -> Iterator[Task]:
            for checked, left in misses:
                for index, claim, key in left:
                    if key in waiting:
                        waiting[key].append((checked, index))
                        pages[position_of[key]][id(checked)] = checked
                    else:
                        waiting[key] = [(checked, index)]
                        position_of[key] = len(sent)
                        pages.append({id(checked): checked})
                        sent.append(Task(claim, key, self.cache.entry_for_writing(key), self.options.time_limit_s))
                        yield sent[-1]

        def admit(position: int, in_flight: list[int]) -> Admission:
            return budget.admission(pages[position], [pages[held] for held in in_flight], self.options.time_limit_s)

        def done(position: int, result: TaskResult) -> None:
            task = sent[position]
            key = task.key
            filed = None
            if budget.refused(result):
                verdict = budget.verdict(pages[position])
            else:
                result, filed = unpack(result)
                verdict = verdict_from_result(result, self.options.time_limit_s)
                budget.spend(pages[position], result)
                self.checked_claims += 1
            if verdict.cacheable or verdict.provisional or verdict.method in _KEPT_FOR_THE_SESSION:
                self._memo[key] = verdict
            if verdict.cacheable and task.entry is not None and filed is not None:
                self.cache.written(task.entry, filed)
            for checked, index in waiting.pop(key):
                checked.verdicts[index] = verdict
                if progress is not None:
                    progress(checked, index, verdict)

        source = tasks()
        first = next(source, None)
        if first is None:
            return
        try:
            self._get_pool(start_workers=workers).map(itertools.chain([first], source), on_result=done,
                                                      checkpoint=checkpoint, admit=admit)
        except WorkerStartError as err:
            # The OS would not give a process (EAGAIN, ENOMEM) or a pipe (EMFILE): the claims are not verified,
            # and each says why, as a worker that died would; the specs not yet loaded still are.
            for _ in source:
                pass
            verdict = Verdict("error", method="worker failure",
                              detail=f"could not start a checking worker ({err}); not verified")
            for key in list(waiting):
                for checked, index in waiting.pop(key):
                    checked.verdicts[index] = verdict
                    if progress is not None:
                        progress(checked, index, verdict)

    def _answer_known(self, checked: CheckedSpec) -> list[tuple[int, Claim, str]]:
        """Give the claims of a spec their memoised or cached verdicts; return the rest with their keys."""
        left = []
        for index, claim in self._unanswered(checked):
            key = self.key(claim)
            known = self._memo.get(key) or self._cached(key)
            if known is not None:
                checked.verdicts[index] = known
            else:
                left.append((index, claim, key))
        return left

    def _unanswered(self, checked: CheckedSpec) -> Iterator[tuple[int, Claim]]:
        """The ``equal`` claims of a spec still without a verdict; with verification off, they get
        ``unchecked`` here instead."""
        if checked.layout is None:
            return
        for index, claim in enumerate(checked.layout.claims):
            if index in checked.verdicts or claim.kind != "equal":
                continue
            if not self.options.verify:
                checked.verdicts[index] = Verdict("unchecked", method="verification off",
                                                  detail="rendered without checking (verify: false)")
                continue
            yield index, claim

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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Hold CPython's cycle collector while specs are loaded, and let it run as before afterwards (in
    `check_paths` loading happens between the pool's steps; the hold ends with the last spec).

    Loading keeps some 250 objects per spec alive and makes almost no cyclic garbage, yet each few hundred
    allocations count towards a collection, and every tenth of those walks the older objects: during a
    200-spec load in a process that has SymPy or MkDocs' pages in memory, the collector took 0.08 of the
    host's 0.55 CPU-seconds, which the workers, on a 2-core machine, wait for. The collector is only
    disabled if it was enabled, and enabled again on the way out, so a caller that disabled it keeps it so;
    two threads pausing at once at worst leave it running early. Workers enable it again (`pool`).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class LoadedHeap:
    """Keep the cycle collector off what loading made while the workers check (`check_paths`).

    Loading 200 specs leaves some 50,000 live objects, all young, since the collector was held while they
    were made (:func:`collector_paused`). Once it runs again, a young collection walks them all and an older
    one walks them again, though none is garbage: 60-65 ms of the host's ~0.5 CPU-seconds in a cold check of
    1000 claims, time the two workers wait for on a 2-core machine (measured, `bench/host_cpu.py`: host CPU
    0.551 -> 0.454 s, paired ratio 0.846 over 9 runs). ``gc.freeze`` moves every tracked object out of the
    collector's reach, and :meth:`thaw` gives them back, to the oldest generation, when the check returns:
    a cycle that dies meanwhile is collected later, not lost. Only when nothing else is frozen, because
    ``gc.unfreeze`` cannot tell whose objects it thaws (a forked worker or a test fixture freezes its own).
    """

    def __init__(self) -> None:
        self._frozen = False

    def freeze(self) -> None:
        if not self._frozen and gc.get_freeze_count() == 0:
            gc.freeze()
            self._frozen = True

    def thaw(self) -> None:
        if self._frozen:
            gc.unfreeze()
            self._frozen = False


# Errors never go to the disk cache (the next run may be on a quieter machine), but a claim that ran out of
# time or memory is not run again by the same process: in `mkdocs serve` it would cost its whole time limit
# on every save of any file. Editing it (a new key) or restarting retries it. Crashes and internal errors
# cost little and are retried.
_KEPT_FOR_THE_SESSION = frozenset({"time limit", "memory limit"})

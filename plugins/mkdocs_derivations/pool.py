"""Run untrusted checks in forked worker processes under a hard time limit and a memory cap.

Specs arrive in pull requests, and a single step can make SymPy run for minutes, allocate gigabytes or crash
the interpreter. A timer inside the process cannot interrupt C code and does not bound memory, so every
check runs in a worker process that the pool can kill:

* workers are forked once (``os.fork``; the initializer imports SymPy once per worker) and reused, so a
  check costs one pickle round trip instead of a process start;
* a task that has used ``time_limit_s`` of CPU time gets its worker killed with SIGKILL and replaced; so
  does one still running after :data:`WALL_FACTOR` times that in wall-clock time, whatever its CPU time
  (a worker that waits instead of computing, or one the machine starves);
* each worker caps its own address space with ``RLIMIT_AS`` so a runaway allocation raises MemoryError in
  the worker instead of swapping the machine; a worker that dies anyway (segfault, ``os._exit``, OOM kill)
  costs only its own task;
* nothing a task does makes the pool raise or hang: every task gets a :class:`TaskResult`.

Workers are plain ``os.fork`` children talking over a socket pair (``multiprocessing.connection``), not
``multiprocessing.Process``: that was ~1 ms cheaper per start, gives the exit status for the error message,
and lets each child close its siblings' pipe ends, so that a worker notices its parent's death through EOF.
An idle worker whose parent dies (say ``mkdocs serve`` killed with SIGKILL) thus exits at once; a busy one
exits within :data:`_PARENT_POLL_S` through a thread of its own that watches its parent's pid (a SIGTERM or
SIGHUP, a closed terminal, ends ``mkdocs serve`` without its shutdown: the busy worker went on computing for
4 x the time limit, two minutes at the site's 30 s). An ``RLIMIT_CPU`` backstop armed before each task at
several times the time limit, which the parent's own kill always beats while it lives, remains for a task
that keeps that thread from running (C code holding the GIL). (``PR_SET_PDEATHSIG`` was rejected: it fires
when the forking *thread* ends, and a serve process builds from more than one thread.)

The limit counts CPU time, not wall-clock time, so that whether a claim is checked does not depend on what
else the machine is doing: on a CI runner shared with other jobs, or beside four test processes, a claim of
2.5 s took over 30 s of wall-clock time and failed a strict build. A worker reports its CPU clock with every
message, so the parent knows where a task's CPU time started without a system call per task; it reads the
worker's clock from ``/proc`` only when a task has run as long in wall-clock time as its limit (where
``/proc`` cannot be read, wall-clock time is taken for CPU time, the stricter reading).

A task's clock starts when it is sent to an idle worker that has finished its initializer, or, for a task
queued behind another, when that worker's previous result arrives; so warming up belongs in the
initializer: SymPy's first ``simplify`` costs ~0.15 s of lazy imports and caches, which would
otherwise be charged to whichever step comes first. Measured (2 cores): ~0.04 ms pool overhead per trivial
task; a kill and respawn costs ~3 ms of fork when the parent has already imported and warmed SymPy (the
child inherits it) but ~0.4 s when each new worker must import SymPy itself. The checker takes the second
way on purpose: its host (MkDocs) never needs SymPy, the first workers import it on the other cores while
the host goes on loading specs, and only a replacement after a killed task pays the import again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import itertools
import math
import os
import pickle
import resource
import select
import signal
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe
from typing import Any

_MESSAGE_LIMIT = 2000  # SymPy exceptions can quote huge expressions; a report needs the first lines only
_START_ATTEMPTS = 3  # consecutive failed worker starts before the pending tasks are failed instead
# How much work each worker gets ahead of its running task, in expected seconds (from the running mean of
# task times), so that it keeps busy while the host is slow to answer; the queue holds 2 to 16 tasks.
_LEAD_S = 0.025
_MIN_QUEUE, _MAX_QUEUE = 2, 16
# How long one step of the pool's loop may pull tasks from a lazy source before it looks at the workers.
_PULL_S = 0.005
# How many held-back tasks one hand-out asks about before it gives up until the next result (see _admit_first).
_HELD_BACK_SCAN = 8
# Bytes of tasks waiting in a worker's socket behind its running one, far below the socket's buffer (~200
# KiB): a send that filled it would block this process until the worker finished, deadlines unenforced.
_QUEUED_BYTES = 64 * 1024
# How often a worker looks whether its parent is still alive (a thread in the worker; see the docstring).
_PARENT_POLL_S = 0.25
#: A task still running after this many times its time limit in wall-clock time is stopped even if it has
#: not used its CPU time: the limit on how long a starved or waiting worker can hold up a build.
WALL_FACTOR = 3


@dataclass(frozen=True)
class TaskResult:
    """The outcome of one task; ``ok`` is False for a timeout, memory error, crash or raised exception."""

    ok: bool
    value: Any = None
    error: str = ""
    seconds: float = 0.0
    timed_out: bool = False
    out_of_memory: bool = False
    starved: bool = False  # timed out by the wall-clock backstop before using its CPU time: the machine's load
    # The worker's CPU time for the task, where the worker's clock tells it (None: it died, or never ran it).
    cpu_seconds: float | None = None


class _Later:
    """The type of :data:`LATER`."""

    def __repr__(self) -> str:
        return "LATER"


#: What ``admit`` answers for a task that may run, but not yet: it goes to the end of the line, and a
#: hand-out that meets only such tasks waits for the next result (see :meth:`WorkerPool._admit_first`).
LATER = _Later()
Admission = TaskResult | _Later | None


@dataclass
class _Worker:
    """Parent-side bookkeeping of one child process."""

    pid: int
    conn: Connection
    born: float
    ready: bool = False
    # indices into the tasks of the running ``map`` sent to this worker, oldest (the running one) first
    queue: deque[int] = field(default_factory=deque)
    since: float = 0.0  # when the running task started, as far as the parent can tell
    cpu: float = 0.0  # the worker's CPU clock in its last message: where the next task's CPU time starts
    cpu_since: float = 0.0  # the worker's CPU clock when the running task started
    check_at: float = 0.0  # when to look at the running task's CPU time next (wall clock)
    ended: str = ""  # how it ended, once reaped; its pid may then belong to another process
    # A send found its socket closed. Results it sent before dying may still wait unread, so it is reaped
    # only when reading reaches the end of its socket: that tells which task was running when it died.
    unreachable: bool = False

    @property
    def task(self) -> int | None:
        """The task the worker is running, if any."""
        return self.queue[0] if self.queue else None


@dataclass
class _Run:
    """The state of one ``map`` call, kept apart from the pool so that ``map`` can be called again."""

    source: Iterator[Any] | None  # tasks not pulled yet; None once exhausted
    on_result: Callable[[int, TaskResult], None] | None
    checkpoint: Callable[[], None] | None = None
    admit: Callable[[int, list[int]], Admission] | None = None
    tasks: list[Any] = field(default_factory=list)
    results: list[TaskResult | None] = field(default_factory=list)
    pending: deque[int] = field(default_factory=deque)
    encoded: dict[int, bytes | memoryview] = field(default_factory=dict)  # pickled, not sent yet
    sizes: dict[int, int] = field(default_factory=dict)  # pickled size of each task sent
    done: int = 0
    failed_starts: int = 0
    last_start_error: str = ""

    def pull(self) -> None:
        """Take the next task from the source (which may do real work, such as loading a spec)."""
        assert self.source is not None
        try:
            task = next(self.source)
        except StopIteration:
            self.source = None
            return
        self.pending.append(len(self.tasks))
        self.tasks.append(task)
        self.results.append(None)

    @property
    def finished(self) -> bool:
        return self.source is None and self.done >= len(self.tasks)


class _Waker:
    """A pipe whose read end sits in the pool's poll set, so that another thread can end a wait at once.

    A ``map`` may block in ``poll`` until the running task's deadline, which can be the whole time limit
    away; cancelling a build, or closing the pool as MkDocs exits, must not wait that long.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a write never meets a descriptor closed (and reused) meanwhile
        self.fd, self._write_fd = os.pipe()
        os.set_blocking(self.fd, False)
        os.set_blocking(self._write_fd, False)

    def wake(self) -> None:
        with self._lock:
            if self._write_fd >= 0:
                try:
                    os.write(self._write_fd, b"!")
                except BlockingIOError:  # the pipe is full of earlier wake-ups: the poll returns anyway
                    pass

    def drain(self) -> None:
        try:
            while os.read(self.fd, 4096):
                pass
        except BlockingIOError:
            pass

    def close_in_child(self) -> None:  # pragma: no cover - runs in the child
        """Close the forked copy of the pipe without the lock, which another thread may have held at the
        fork and which nobody would then release."""
        self._close_pipe()

    def close(self) -> None:
        with self._lock:
            self._close_pipe()

    def _close_pipe(self) -> None:
        if self._write_fd >= 0:
            os.close(self.fd)
            os.close(self._write_fd)
            self.fd = self._write_fd = -1


class WorkerStartError(Exception):
    """No worker could be started: the OS refused a process (``fork``: EAGAIN, ENOMEM) or the pipe to one
    (EMFILE). The message is the call and the OS's reason. Raised only when no worker runs: a pool that
    cannot grow goes on with the workers it has."""


class WorkerPool:
    """A persistent pool of forked workers applying ``fn`` to tasks under hard limits.

    ``fn`` and ``initializer`` run in the workers; tasks and return values must be picklable. ``jobs=0``
    runs ``fn`` in the calling process for debugging: no time limit, no memory limit, no crash isolation.
    ``memory_limit_mb`` is the address space a worker may add to what it holds once its initializer has run
    (so neither a large host process such as ``mkdocs serve`` nor the SymPy import eats the tasks' budget);
    ``None`` sets no limit. The initializer is trusted code and runs before the cap, under the CPU-time
    backstop only; a worker must finish it within ``start_limit_s``, and a worker whose initializer fails
    three times in a row fails the pending tasks of that ``map`` with the reason.

    The pool is not fork-safe itself (do not share it with a child) but ``map`` may be called from any
    thread; calls are serialised. :meth:`wake` and :meth:`close` may be called from another thread while a
    ``map`` runs: the map then calls its ``checkpoint`` (which may raise to stop it) or, once the pool is
    closing, stops with RuntimeError, killing its busy workers, without waiting for a deadline.
    """

    def __init__(
        self,
        fn: Callable[[Any], Any],
        *,
        jobs: int = 2,
        time_limit_s: float = 5.0,
        memory_limit_mb: int | None = 2048,
        initializer: Callable[[], None] | None = None,
        start_limit_s: float = 60.0,
        start_workers: int | None = None,
    ) -> None:
        if jobs < 0:
            raise ValueError("jobs must be >= 0")
        if time_limit_s <= 0:
            raise ValueError("time_limit_s must be > 0")
        self._fn = fn
        self._jobs = jobs
        self._time_limit = time_limit_s
        self._memory_mb = memory_limit_mb
        self._initializer = initializer
        self._start_limit = start_limit_s
        self._workers: dict[int, _Worker] = {}
        # How many workers to keep alive between maps: ``start_workers`` at first (all by default), raised by
        # :meth:`grow` and by a map with more tasks than workers, restored after a worker is killed.
        self._wanted = jobs if start_workers is None else max(1, min(jobs, start_workers))
        # One poll set kept up to date as workers come and go: building a selector for every wait (what
        # multiprocessing.connection.wait does) cost the host more than the rest of a short task's round trip.
        self._poller = select.poll()
        self._by_fd: dict[int, _Worker] = {}
        self._mean_task_s: float | None = None  # running mean of task times, sizing the queues (see _dispatch)
        self._lock = threading.Lock()
        self._closed = False
        self._closing = False  # set by close() before it waits for a running map to stop
        self._waker = _Waker()
        self._poller.register(self._waker.fd, select.POLLIN)
        # Kills the workers even if the owner forgets close(), including at interpreter exit.
        self._finalizer = weakref.finalize(self, _release, self._workers, self._waker)
        if jobs > 0:
            self._top_up()  # the initializers (SymPy imports) overlap with whatever the host does next
        elif initializer is not None:
            initializer()

    @property
    def jobs(self) -> int:
        return self._jobs

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill and reap all workers; the pool cannot be used afterwards. Idempotent.

        A ``map`` running in another thread stops at once (its busy workers killed, RuntimeError raised in
        it) instead of this call waiting for its tasks."""
        self._closing = True
        self._waker.wake()
        with self._lock:
            self._closed = True
            self._finalizer()

    def wake(self) -> None:
        """Make a ``map`` running in another thread call its ``checkpoint`` now rather than at its next
        message or deadline (see :meth:`map`)."""
        self._waker.wake()

    def grow(self, workers: int) -> None:
        """Start workers now, up to ``workers`` (at most ``jobs``), for tasks the caller knows are coming.

        A pool started with fewer workers than ``jobs`` (one claim to re-check needs one SymPy import, not
        one per core) grows here, or by itself in :meth:`map` when more tasks wait than workers run.
        """
        with self._lock:
            if not self._closed and self._jobs > 0:
                self._wanted = max(self._wanted, min(self._jobs, workers))
                self._top_up()

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (for tests and diagnostics)."""
        return sorted(list(self._workers))

    def map(
        self, tasks: Iterable[Any], on_result: Callable[[int, TaskResult], None] | None = None,
        checkpoint: Callable[[], None] | None = None,
        admit: Callable[[int, list[int]], Admission] | None = None,
    ) -> list[TaskResult]:
        """Apply ``fn`` to every task; results come back in task order.

        ``tasks`` may be a lazy iterable whose items cost work to produce (the checker loads spec files in
        it): it is drained eagerly, a task at a time, handing each to an idle worker at once and polling
        the workers in between, so that producing tasks overlaps with running them. ``on_result(index,
        result)`` is called in the calling thread as each task finishes (in completion order), for progress
        reports. ``checkpoint()`` is called before each wait and whenever :meth:`wake` is called; it may
        raise to stop the map (a cancelled build). If it, ``on_result`` or the iterable raises, or the caller
        is interrupted, the busy workers are killed so that the next ``map`` starts clean, and the exception
        propagates. ``admit(index, in_flight)`` is asked just before a task goes to a worker (in serial mode,
        before it runs), and again whenever the task is back in line (its worker died); ``in_flight`` lists
        the tasks the workers hold, running or queued. ``None`` lets the task go; a result becomes the
        task's, which never runs; :data:`LATER` moves it to the end of the line, and may only be answered
        while ``in_flight`` is not empty (or the map would wait for ever). The checker's page time limit: a
        page's claims wait while those it has handed out could use the rest of its time, and are answered
        without running once it is used up.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("WorkerPool is closed")
            if self._jobs == 0:
                return self._map_serial(tasks, on_result, admit)
            run = _Run(iter(tasks), on_result, checkpoint, admit)
            try:
                while not run.finished:
                    self._step(run)
            except BaseException:
                for worker in [w for w in self._workers.values() if w.task is not None]:
                    self._discard(worker)
                raise
            self._top_up()  # replacements start their initializers now, not at the next map
            return [
                r if r is not None else TaskResult(False, error="internal error: lost") for r in run.results
            ]

    # -- serial mode -------------------------------------------------------------------------------------

    def _map_serial(
        self, tasks: Iterable[Any], on_result: Callable[[int, TaskResult], None] | None,
        admit: Callable[[int, list[int]], Admission] | None,
    ) -> list[TaskResult]:
        results = []
        for index, task in enumerate(tasks):
            result = admit(index, []) if admit is not None else None
            if not isinstance(result, TaskResult):  # one task at a time: nothing runs that LATER could wait for
                cpu = time.process_time()
                result = _run_task(self._fn, task, self._memory_mb, serial=True)
                result = dataclasses.replace(result, cpu_seconds=time.process_time() - cpu)
            results.append(result)
            if on_result is not None:
                on_result(index, result)
        return results

    # -- the event loop ----------------------------------------------------------------------------------

    def _step(self, run: _Run) -> None:
        """Pull a task while the source lasts, start workers, hand out tasks, handle what has arrived, and
        hand out tasks again.

        While tasks are still being produced the wait is a poll, so producing is never held up by a busy
        worker; afterwards it blocks until the next message or deadline. The second hand-out gives a worker
        that has just become ready or finished its work a task before the next pull, which may take a while
        (the checker loads a spec file there): without it, workers that became ready during one pull waited
        idle through the next.
        """
        if self._closing:
            raise RuntimeError("WorkerPool is closed")
        if run.checkpoint is not None:
            run.checkpoint()
        if run.source is not None:
            # Several tasks a step while pulling is quick and no worker waits: each step's polls and hand-outs
            # cost the host more than pulling a task of a loaded spec, and a queue holds 25 ms of work.
            until = time.monotonic() + _PULL_S
            run.pull()
            while run.source is not None and time.monotonic() < until and not self._idle_with(run):
                run.pull()
        if run.pending and len(self._workers) < self._jobs:  # to replace dead ones or grow a small pool
            self._wanted = max(self._wanted, min(self._jobs, len(run.pending) + self._busy()))
            self._top_up()
        self._dispatch(run)
        if run.finished:
            return
        now = time.monotonic()
        deadlines = [w.check_at for w in self._workers.values() if w.task is not None]
        deadlines += [w.born + self._start_limit for w in self._workers.values() if not w.ready]
        timeout_ms = math.ceil(max(0.0, min(deadlines) - now) * 1000) if deadlines else None
        if run.source is not None:
            timeout_ms = 0
        by_fd = dict(self._by_fd)
        for fd, _ in self._poller.poll(timeout_ms):
            if fd == self._waker.fd:
                self._waker.drain()  # the next step's checkpoint is what the waker wanted
            else:
                self._receive(run, by_fd[fd])
        self._enforce_deadlines(run)
        if run.source is not None:
            self._dispatch(run)

    def _idle_with(self, run: _Run) -> bool:
        """Whether a task is pending and a worker ready for it has nothing to do."""
        return bool(run.pending) and any(w.ready and not w.queue for w in self._workers.values())

    def _dispatch(self, run: _Run) -> None:
        """Give every idle worker a task, then, while tasks remain, queue more behind the running ones, a
        level at a time across the workers, up to :func:`queue_depth`.

        Queued tasks wait in the worker's pipe and start the moment the one ahead ends, so a worker keeps
        busy while this process is slow to answer. In the MkDocs plugin it is a thread, and every system
        call it makes (poll, each read and write) gives up the interpreter lock that MkDocs' rendering then
        holds for up to the 5 ms switch interval: in cold builds of 1000 claims of ~3 ms, a two-deep queue
        left each of two workers idle for 1.4-3.0 s, a queue of 25 ms of expected work for 0.3-1.4 s.
        Only a task that is running can overrun: a queued one is sent to another worker if its worker dies.
        Nothing is queued while a worker is starting, which would leave it idle with work waiting elsewhere.
        """
        if not run.pending:
            return
        depth_wanted = queue_depth(self._mean_task_s)
        open_ = [w for w in self._workers.values() if w.ready and not w.unreachable and len(w.queue) < depth_wanted]
        if not open_:
            return  # the usual case while specs load: every queue is full
        # A worker still starting will want a task soon: until all have started, none waits behind a running one.
        queue_ahead = len(self._workers) >= self._wanted and all(w.ready for w in self._workers.values())
        for depth in range(min(len(w.queue) for w in open_), depth_wanted if queue_ahead else 1):
            for worker in open_:
                if not run.pending:
                    return
                if len(worker.queue) == depth and not worker.unreachable and not self._send(run, worker):
                    return  # every task asked about waits for a result

    def _send(self, run: _Run, worker: _Worker) -> bool:
        """Send the first pending task that ``run.admit`` lets through; False if it held back every one it was
        asked about (nothing changes for them until a result arrives)."""
        if run.admit is not None and not self._admit_first(run):
            return False
        if not run.pending:
            return True
        index = run.pending[0]
        try:
            data = run.encoded.pop(index, None) or _encode(run.tasks[index])
        except Exception as exc:  # the task cannot be pickled
            run.pending.popleft()
            self._finish(run, index, TaskResult(False, error=f"internal error: {_describe(exc)}"))
            return True
        waiting = sum(run.sizes[i] for i in itertools.islice(worker.queue, 1, None))
        if worker.queue and waiting + len(data) > _QUEUED_BYTES:
            run.encoded[index] = data  # for the next worker with room, at worst this one once it is idle
            return True
        run.pending.popleft()
        try:
            worker.conn.send_bytes(data)
        except (BrokenPipeError, ConnectionError, EOFError, OSError):
            run.pending.appendleft(index)  # the worker died: not this task's fault
            run.encoded[index] = data
            # Not discarded here: the poll reads what it sent, then its end, and _on_death settles. (Discarding
            # it now also left the pool, its last worker gone, polling nothing for ever.)
            worker.unreachable = True
            return True
        run.sizes[index] = len(data)
        if not worker.queue:
            self._started(worker)
        worker.queue.append(index)
        return True

    def _admit_first(self, run: _Run) -> bool:
        """Bring to the front of the line a task ``run.admit`` lets go, finishing those it answers and moving
        those it holds back to the end of the line (a page at its time limit must not hold up other pages'
        claims behind it); False after :data:`_HELD_BACK_SCAN` held back, or a line of them only."""
        assert run.admit is not None
        in_flight = [index for held in self._workers.values() for index in held.queue]
        held_back = 0
        while run.pending and held_back < min(_HELD_BACK_SCAN, len(run.pending)):
            answer = run.admit(run.pending[0], in_flight)
            if answer is None:
                return True
            if isinstance(answer, _Later):
                if not in_flight:  # the contract broken: the task goes rather than the map waiting for ever
                    return True
                run.pending.rotate(-1)
                held_back += 1
            else:
                self._finish(run, run.pending.popleft(), answer)
        return not run.pending

    def _started(self, worker: _Worker) -> None:
        """A task of ``worker`` starts now: its clocks start, and the first look at its CPU time is due when
        it has run for the time limit in wall-clock time (it cannot have used more CPU time than that)."""
        worker.since = time.monotonic()
        worker.cpu_since = worker.cpu
        worker.check_at = worker.since + self._time_limit

    def _receive(self, run: _Run, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._on_death(run, worker)
            return
        except Exception as exc:  # a result that pickles but does not unpickle
            message = ("err", f"internal error: {_describe(exc)}", 0.0, worker.cpu)
        kind = message[0]
        cpu_used = max(0.0, message[-1] - worker.cpu_since)  # the task's, if this answers one
        worker.cpu = message[-1]
        if kind == "ready":
            worker.ready = True
            run.failed_starts = 0
        elif kind == "initfail":
            run.last_start_error = message[1]
            self._start_failed(run, worker)
        elif worker.queue:
            index = worker.queue.popleft()
            self._started(worker)  # the next queued task, if any, starts now
            if kind == "ok":
                self._finish(run, index, TaskResult(True, value=message[1], seconds=message[2], cpu_seconds=cpu_used))
            elif kind == "mem":
                self._discard(worker, run)  # it exits after a MemoryError; its queued task goes elsewhere
                self._finish(run, index, dataclasses.replace(_out_of_memory(self._memory_mb, message[1]),
                                                             cpu_seconds=cpu_used))
            else:
                self._finish(run, index, TaskResult(False, error=message[1], seconds=message[2], cpu_seconds=cpu_used))

    def _on_death(self, run: _Run, worker: _Worker) -> None:
        running = worker.queue.popleft() if worker.queue else None
        status = self._discard(worker, run)
        if not worker.ready:
            run.last_start_error = f"worker process died while starting ({status})"
            self._start_failed(run, worker)
        elif running is not None:
            seconds = time.monotonic() - worker.since
            self._finish(run, running, TaskResult(False, error=f"worker process died ({status})", seconds=seconds))

    def _enforce_deadlines(self, run: _Run) -> None:
        now = time.monotonic()
        for worker in list(self._workers.values()):
            if worker.queue and now >= worker.check_at:
                error, starved, used = self._overrun(worker, now)
                if error:
                    running = worker.queue.popleft()
                    self._discard(worker, run)
                    self._finish(run, running, TaskResult(False, error=error, seconds=now - worker.since,
                                                          timed_out=True, starved=starved, cpu_seconds=used))
            elif not worker.ready and now - worker.born >= self._start_limit:
                run.last_start_error = f"worker did not start within {self._start_limit:g} s"
                self._start_failed(run, worker)

    def _overrun(self, worker: _Worker, now: float) -> tuple[str, bool, float]:
        """Why the running task of ``worker`` must stop now, whether the machine's load is to blame, and the
        CPU time it used; or ("", False, used) after setting when to look again."""
        limit = self._time_limit
        wall = now - worker.since
        clock = _cpu_clock(worker.pid)
        # /proc counts in clock ticks, the worker's own clock finer: a task that only waited can read -0.00 s
        used = wall if clock is None else max(0.0, clock - worker.cpu_since)
        if used >= limit:
            return f"time limit of {limit:g} s exceeded", False, used
        if wall >= WALL_FACTOR * limit:
            why = (f"still running after {_seconds(wall)} s of wall-clock time, {WALL_FACTOR} times the time limit "
                   f"of {limit:g} s, having computed for only {_seconds(used)} s: the machine is overloaded")
            return why, True, used
        worker.check_at = min(now + (limit - used), worker.since + WALL_FACTOR * limit)
        return "", False, used

    def _start_failed(self, run: _Run, worker: _Worker) -> None:
        """Count a failed start; after several in a row, fail what is pending rather than loop forever."""
        self._discard(worker)
        run.failed_starts += 1
        if run.failed_starts >= _START_ATTEMPTS and not any(w.ready for w in self._workers.values()):
            error = f"internal error: {run.last_start_error}"
            while run.pending:
                self._finish(run, run.pending.popleft(), TaskResult(False, error=error))
            run.failed_starts = 0

    def _finish(self, run: _Run, index: int, result: TaskResult) -> None:
        if result.seconds > 0:
            mean = self._mean_task_s
            self._mean_task_s = result.seconds if mean is None else 0.8 * mean + 0.2 * result.seconds
        run.results[index] = result
        run.done += 1
        if run.on_result is not None:
            run.on_result(index, result)

    # -- process management ------------------------------------------------------------------------------

    def _busy(self) -> int:
        return sum(1 for w in self._workers.values() if w.task is not None)

    def _top_up(self) -> None:
        with _interrupts_held():  # a Ctrl-C during a fork would be lost (see _interrupts_held)
            self._start_wanted()

    def _start_wanted(self) -> None:
        while len(self._workers) < self._wanted:
            try:
                worker = self._spawn()
            except WorkerStartError:
                if not self._workers:
                    raise
                return  # fewer workers than wanted is slower, not wrong; growing is tried again later
            self._workers[worker.pid] = worker
            fd = worker.conn.fileno()
            self._by_fd[fd] = worker
            self._poller.register(fd, select.POLLIN)

    def _spawn(self) -> _Worker:
        try:
            parent_end, child_end = Pipe(duplex=True)
        except OSError as err:
            raise WorkerStartError(f"pipe: {err.strerror or err}") from err
        siblings = [w.conn for w in self._workers.values()]
        parent = os.getpid()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()  # or the child would print the parent's buffered output again
            except Exception:
                pass
        try:
            pid = os.fork()
        except OSError as err:
            parent_end.close()
            child_end.close()
            raise WorkerStartError(f"fork: {err.strerror or err}") from err
        if pid == 0:  # pragma: no cover - runs in the child, which always leaves through os._exit
            code = 70
            try:
                parent_end.close()
                for conn in siblings:
                    conn.close()
                self._waker.close_in_child()
                code = _worker_main(child_end, self._fn, self._initializer, self._memory_mb, self._time_limit,
                                    parent)
            finally:
                os._exit(code)
        child_end.close()
        return _Worker(pid, parent_end, time.monotonic())

    def _discard(self, worker: _Worker, run: _Run | None = None) -> str:
        """Kill (if alive) and reap one worker; return how it ended, for error messages.

        With ``run``, the tasks still queued go back to the front of the pending tasks: the caller has taken
        out the one that was running (and settles it), so these never started and are nobody's fault."""
        if self._workers.pop(worker.pid, None) is not None:
            fd = worker.conn.fileno()
            self._poller.unregister(fd)
            del self._by_fd[fd]
        if run is not None:
            run.pending.extendleft(reversed(worker.queue))
        worker.queue.clear()
        return _kill(worker)


def _seconds(value: float) -> str:
    """Seconds to the precision a message needs: "35", "2.5", "0.16" (a 0.05 s limit read "after 0 s")."""
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def _cpu_clock(pid: int) -> float | None:
    """CPU seconds (user and system) process ``pid`` has used, from ``/proc``; None if that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()  # the command name may hold spaces and brackets
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return None


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def queue_depth(mean_task_s: float | None) -> int:
    """How many tasks a worker holds, the running one included: :data:`_LEAD_S` of expected work queued
    behind it, at least one task and at most ``_MAX_QUEUE - 1``. Longer queues would only let one slow task
    hold back more of the tasks behind it while another worker idles at the end of a run."""
    if mean_task_s is None:
        return _MIN_QUEUE  # nothing measured yet
    ahead = math.ceil(_LEAD_S / max(mean_task_s, 1e-6))
    return max(_MIN_QUEUE, min(_MAX_QUEUE, 1 + ahead))


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold a SIGINT (Ctrl-C) that arrives while workers are forked until they are all registered.

    ``os.fork`` runs the at-fork hooks of the standard library (``logging`` takes and releases its lock),
    and a signal handler that runs inside one of them raises KeyboardInterrupt where CPython only prints
    "Exception ignored": the Ctrl-C was lost, and `mkdocs-derivations check` went on to the end and could
    exit 0. Here the interrupt is noted and raised once the forks are done, with every child registered, so
    that closing the pool kills them. Only the main thread may change a handler, and only a handler that is
    a Python function is replaced (an ignored or default SIGINT stays as it is)."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(previous):
        yield
        return
    held: list[tuple[int, Any]] = []
    signal.signal(signal.SIGINT, lambda signum, frame: held.append((signum, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            previous(*held[0])


def _release(workers: dict[int, _Worker], waker: _Waker) -> None:
    for worker in list(workers.values()):
        _kill(worker)
    workers.clear()
    waker.close()


def _kill(worker: _Worker) -> str:
    """Close, SIGKILL and reap a worker, once: signalling a reaped pid could hit an unrelated process."""
    if worker.ended:
        return worker.ended
    try:
        worker.conn.close()
    except OSError:
        pass
    try:
        os.kill(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        _, status = os.waitpid(worker.pid, 0)
    except ChildProcessError:
        worker.ended = "exit status unknown"
    else:
        worker.ended = _describe_status(status)
    return worker.ended


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        hint = ", possibly out of memory" if number == signal.SIGKILL else ""
        return f"killed by signal {name}{hint}"
    if os.WIFEXITED(status):
        return f"exit code {os.WEXITSTATUS(status)}"
    return f"status {status}"


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = "<unprintable>"
    if len(text) > _MESSAGE_LIMIT:
        text = text[:_MESSAGE_LIMIT] + " ..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- the worker side -------------------------------------------------------------------------------------


def _worker_main(
    conn: Connection,
    fn: Callable[[Any], Any],
    initializer: Callable[[], None] | None,
    memory_mb: int | None,
    time_limit_s: float,
    parent: int,
) -> int:  # pragma: no cover - runs in the child
    """The loop of one worker: limits, initializer, then tasks until EOF. Returns the exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Before the address-space cap is measured, which thus includes the thread's stack.
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()
    cpu_budget = 4 * time_limit_s + 1
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
        _arm_cpu_backstop(cpu_budget)  # also bounds an initializer orphaned by its parent
        if initializer is not None:
            initializer()
        if memory_mb is not None:
            _limit_address_space(memory_mb)
    except BaseException as exc:
        _send(conn, "initfail", f"worker initializer failed: {_describe(exc)}")
        return 1
    # What the parent had and the initializer loaded (SymPy: some 70 000 tracked objects) lives as long as the
    # worker; frozen, the collector stops walking it in every full collection a check's allocations trigger,
    # and stops writing into the pages this process shares copy-on-write with its parent (CPython's advice for
    # forked workers, `gc.freeze`).
    gc.enable()
    gc.freeze()
    _send(conn, "ready")
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return 0  # the parent closed the pool or died
        _arm_cpu_backstop(cpu_budget)
        result = _run_task(fn, task, memory_mb, serial=False)
        if result.ok:
            message: tuple[Any, ...] = ("ok", result.value, result.seconds)
        elif result.out_of_memory:
            message = ("mem", result.seconds)
        else:
            message = ("err", result.error, result.seconds)
        try:
            _send(conn, *message)
        except (BrokenPipeError, ConnectionError, OSError):
            return 0
        except MemoryError:
            _send(conn, "mem", result.seconds)
            return 0
        except Exception as exc:  # the value does not pickle; pickling happens before any byte is written
            _send(conn, "err", f"internal error: result cannot be sent: {_describe(exc)}", result.seconds)
        if message[0] == "mem":
            return 0  # the heap may be fragmented or half-built objects alive: start afresh


def _exit_with_parent(parent: int) -> None:  # pragma: no cover - runs in the child
    """End this worker at once when ``parent`` is no longer its parent (it died; the worker was re-parented),
    even in the middle of a task, which EOF on the pipe would only tell after the task."""
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_S)
    os._exit(0)


def _send(conn: Connection, *message: Any) -> None:  # pragma: no cover - runs in the child
    """Send one message to the parent, ending with this worker's CPU clock: the parent measures the next
    task's CPU time from it."""
    conn.send_bytes(_encode((*message, time.process_time())))


def _encode(message: Any) -> bytes:
    """Pickle one message. The plain pickler, not `multiprocessing`'s: that one also looks every object up in
    a table of reducers for handles and sockets, which no task or result holds (a few milliseconds of the
    host's CPU for a cold check of 1000 claims)."""
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _run_task(fn: Callable[[Any], Any], task: Any, memory_mb: int | None, *, serial: bool) -> TaskResult:
    """Call ``fn`` and turn anything it raises into a result (shared by workers and serial mode)."""
    start = time.perf_counter()
    try:
        value = fn(task)
    except MemoryError:
        return _out_of_memory(memory_mb, time.perf_counter() - start)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt from fn are the task's fault too
        if isinstance(exc, KeyboardInterrupt) and serial:
            raise  # in serial mode a Ctrl-C belongs to the user
        error = f"internal error: {_describe(exc)}"
        return TaskResult(False, error=error, seconds=time.perf_counter() - start)
    return TaskResult(True, value=value, seconds=time.perf_counter() - start)


def _out_of_memory(memory_mb: int | None, seconds: float) -> TaskResult:
    """The result of a task that hit the memory limit (in the worker or, in serial mode, in this process)."""
    return TaskResult(False, error=f"memory limit of {memory_mb} MiB exceeded", seconds=seconds, out_of_memory=True)


def _limit_address_space(memory_mb: int) -> None:  # pragma: no cover - runs in the child
    """Cap the address space at what the worker holds now (inherited and initialized) plus ``memory_mb`` MiB."""
    wanted = _current_address_space() + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, wanted))


def _current_address_space() -> int:  # pragma: no cover - runs in the child
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _arm_cpu_backstop(budget_s: float) -> None:  # pragma: no cover - runs in the child
    """Let the kernel end this worker after ``budget_s`` more CPU seconds (SIGXCPU).

    The parent kills a task at its time limit long before; this only matters for a worker whose
    parent died mid-task. One getrusage and one setrlimit: a few microseconds per task.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + budget_s) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))

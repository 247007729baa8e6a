"""Tests of the worker pool: every fault of a task becomes a result, and the pool never hangs or leaks."""

from __future__ import annotations

import faulthandler
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

import pytest

from mkdocs_derivations import pool as pool_module
from mkdocs_derivations.pool import TaskResult, WorkerPool, queue_depth
from site_support import compute_for


def work(task: tuple[str, Any]) -> Any:
    """One function for all tests; the task says what misbehaviour to show."""
    kind, arg = task
    if kind == "square":
        return arg * arg
    if kind == "sleep":
        time.sleep(arg)
        return "slept"
    if kind == "spin":
        while True:
            pass
    if kind == "nap_then_compute":  # waits (no CPU time), then computes for the CPU seconds given
        nap, compute = arg
        time.sleep(nap)
        compute_for(compute)
        return "computed"
    if kind == "alloc":
        block = bytearray(arg)
        return len(block)
    if kind == "exit":
        os._exit(arg)
    if kind == "signal":
        faulthandler.disable()  # pytest's handler (inherited through fork) would print a traceback to the log
        os.kill(os.getpid(), arg)
        time.sleep(5)
    if kind == "raise":
        raise ValueError(arg)
    if kind == "system_exit":
        raise SystemExit(arg)
    if kind == "unpicklable":
        return lambda: None
    if kind == "pid":
        return os.getpid()
    if kind == "stamp":  # when it ended, on the clock all processes share
        time.sleep(arg)
        return time.monotonic()
    if kind == "read_marker":
        return os.environ.get("POOL_TEST_MARKER", "")
    if kind == "touch":  # leaves a trace of having run, wherever it ran
        with open(arg, "x"):
            return "touched"
    if kind == "collector":  # whether the cycle collector runs here, and how much it leaves alone
        import gc

        return gc.isenabled(), gc.get_freeze_count()
    raise AssertionError(kind)


def set_marker() -> None:
    os.environ["POOL_TEST_MARKER"] = "initialized"


def failing_initializer() -> None:
    raise RuntimeError("cannot import")


def children() -> set[int]:
    """Live (non-zombie) and zombie children of this process, from /proc, without psutil."""
    me = os.getpid()
    found = set()
    for task_dir in os.listdir(f"/proc/{me}/task"):
        try:
            with open(f"/proc/{me}/task/{task_dir}/children") as handle:
                found.update(int(pid) for pid in handle.read().split())
        except OSError:
            pass
    return found


def zombies(pids: set[int]) -> set[int]:
    result = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                    result.add(pid)
        except OSError:
            pass
    return result


@pytest.fixture
def pool():
    with WorkerPool(work, jobs=2, time_limit_s=1.0, memory_limit_mb=512) as created:
        yield created


def test_results_in_order_with_several_jobs(pool: WorkerPool) -> None:
    tasks = [("square", n) for n in range(50)] + [("sleep", 0.05), ("square", 7)]
    results = pool.map(tasks)
    assert [r.value for r in results[:50]] == [n * n for n in range(50)]
    assert results[50].value == "slept" and results[51].value == 49
    assert all(r.ok and not r.error for r in results)


def test_jobs_one_keeps_order_and_isolation() -> None:
    with WorkerPool(work, jobs=1, time_limit_s=1.0) as single:
        results = single.map([("pid", None), ("square", 3), ("exit", 2), ("square", 4)])
    assert results[0].value != os.getpid()
    assert [r.value for r in results[1::2]] == [9, 16]
    assert not results[2].ok


def test_computing_forever_is_stopped_at_the_time_limit_and_later_tasks_succeed(
        pool: WorkerPool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the wall-clock backstop (tested below), which a loaded machine would make stop these first.
    monkeypatch.setattr(pool_module, "WALL_FACTOR", 1000)
    start = time.monotonic()
    results = pool.map([("spin", None), ("spin", None), ("square", 5), ("square", 6)])
    elapsed = time.monotonic() - start
    # Both killed once they have computed for 1 s (2 workers); on a busy machine that takes longer on the clock.
    assert elapsed < 1.0 + 6.0
    for result in results[:2]:
        assert not result.ok and result.timed_out
        assert result.error == "time limit of 1 s exceeded"
        assert 1.0 <= result.seconds < 6.0  # 1 s of CPU time; on a busy machine longer on the clock
    assert [r.value for r in results[2:]] == [25, 36]
    assert len(pool.worker_pids()) == 2


def test_the_time_limit_counts_cpu_time_so_a_starved_task_is_not_stopped_early(pool: WorkerPool) -> None:
    """A worker that gets the CPU late (here: it waits 1.3 s, as one does on a machine shared with other
    jobs) and then computes for 0.3 s has run past the 1 s limit in wall-clock time but used only 0.3 s:
    it is not stopped, so whether a claim is checked does not depend on the machine's load."""
    [result] = pool.map([("nap_then_compute", (1.3, 0.3))])
    assert result.ok and result.value == "computed" and result.seconds > 1.5


def test_a_task_that_waits_is_stopped_at_three_times_the_limit_in_wall_clock_time(pool: WorkerPool) -> None:
    """Without computing, a task never uses its CPU time: the wall-clock backstop still ends it, so nothing
    holds up a build for ever, and its message says why."""
    start = time.monotonic()
    [result, after] = pool.map([("sleep", 3600), ("square", 3)])
    assert result.timed_out and 3.0 <= result.seconds < 4.5 and time.monotonic() - start < 5.0
    assert re.fullmatch(r"still running after [34]\.\d s of wall-clock time, 3 times the time limit of 1 s, "
                        r"having computed for only 0\.\d\d s: the machine is overloaded", result.error)
    assert after.value == 9


def test_timeout_does_not_disturb_tasks_on_other_workers() -> None:
    with WorkerPool(work, jobs=2, time_limit_s=0.5) as two:
        results = two.map([("spin", None)] + [("sleep", 0.02)] * 10)
    assert results[0].timed_out
    assert all(r.ok for r in results[1:])


def test_allocating_4_gb_is_a_memory_error(pool: WorkerPool) -> None:
    results = pool.map([("alloc", 4 * 1024**3), ("alloc", 10 * 1024**2), ("square", 2)])
    assert not results[0].ok and not results[0].timed_out
    assert results[0].error == "memory limit of 512 MiB exceeded"
    assert results[1].ok and results[1].value == 10 * 1024**2
    assert results[2].value == 4


def test_worker_death_is_an_error_result(pool: WorkerPool) -> None:
    results = pool.map(
        [("exit", 3), ("signal", signal.SIGSEGV), ("signal", signal.SIGKILL), ("square", 9)] * 2
    )
    for result in results[0::4]:
        assert not result.ok and result.error == "worker process died (exit code 3)"
    for result in results[1::4]:
        assert not result.ok and "SIGSEGV" in result.error
    for result in results[2::4]:
        assert not result.ok and "SIGKILL" in result.error
    assert [r.value for r in results[3::4]] == [81, 81]


def test_exceptions_become_error_results_with_the_type(pool: WorkerPool) -> None:
    results = pool.map(
        [("raise", "bad step"), ("system_exit", 4), ("unpicklable", None), ("raise", "x" * 10**5)]
    )
    assert results[0].error == "internal error: ValueError: bad step"
    assert results[1].error == "internal error: SystemExit: 4"
    assert results[2].error.startswith("internal error: result cannot be sent: ")
    assert len(results[3].error) < 3000
    assert not any(r.ok for r in results)


def test_unpicklable_task_is_an_error_result(pool: WorkerPool) -> None:
    results = pool.map([("square", lambda: None), ("square", 3)])
    assert results[0].error.startswith("internal error: ")
    assert results[1].value == 9


def test_map_is_reusable_and_workers_are_reused(pool: WorkerPool) -> None:
    first = {r.value for r in pool.map([("pid", None)] * 20)}
    second = {r.value for r in pool.map([("pid", None)] * 20)}
    assert first | second <= set(pool.worker_pids())
    assert pool.map([]) == []


def test_initializer_runs_in_each_worker() -> None:
    with WorkerPool(work, jobs=2, initializer=set_marker) as created:
        assert {r.value for r in created.map([("read_marker", None)] * 10)} == {"initialized"}
    assert "POOL_TEST_MARKER" not in os.environ


def test_failing_initializer_fails_tasks_instead_of_hanging() -> None:
    with WorkerPool(work, jobs=2, initializer=failing_initializer) as created:
        results = created.map([("square", 1), ("square", 2)])
    assert [r.ok for r in results] == [False, False]
    assert "worker initializer failed: RuntimeError: cannot import" in results[0].error


def test_pool_recovers_when_all_workers_died(pool: WorkerPool) -> None:
    for pid in pool.worker_pids():
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    results = pool.map([("square", n) for n in range(10)])
    assert [r.value for r in results] == [n * n for n in range(10)]


def test_on_result_reports_each_task_once(pool: WorkerPool) -> None:
    seen: dict[int, TaskResult] = {}
    results = pool.map([("square", n) for n in range(20)] + [("raise", "x")], seen.__setitem__)
    assert sorted(seen) == list(range(21))
    assert [seen[i] for i in range(21)] == results


def test_failing_callback_propagates_and_pool_stays_usable(pool: WorkerPool) -> None:
    def explode(index: int, result: TaskResult) -> None:
        raise KeyError("callback")

    with pytest.raises(KeyError):
        pool.map([("sleep", 0.2)] * 4, explode)
    assert [r.value for r in pool.map([("square", 3)] * 3)] == [9, 9, 9]


class _Stop(Exception):
    pass


def _map_in_thread(target: WorkerPool, tasks: list, **kwargs: Any) -> tuple[threading.Thread, list]:
    """Run ``target.map`` in a thread; the list receives its result or the exception it raised."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(target.map(tasks, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_wake_runs_the_checkpoint_at_once_and_a_raise_kills_the_busy_workers() -> None:
    """A cancelled build must not wait for the running claim's deadline (up to 3 x its time limit)."""
    with WorkerPool(work, jobs=2, time_limit_s=600) as created:
        stop = threading.Event()

        def checkpoint() -> None:
            if stop.is_set():
                raise _Stop

        thread, outcome = _map_in_thread(created, [("sleep", 3600), ("sleep", 3600)], checkpoint=checkpoint)
        time.sleep(0.5)  # both tasks running, the map blocked in poll until a deadline 600 s away
        busy = set(created.worker_pids())
        stop.set()
        asked = time.monotonic()
        created.wake()
        thread.join(10)
        assert not thread.is_alive()
        assert time.monotonic() - asked < 2.0
        assert isinstance(outcome[0], _Stop)
        assert busy.isdisjoint(children())  # the sleeping workers were killed, not left to finish
        assert [r.value for r in created.map([("square", 3)] * 2)] == [9, 9]  # replacements work


def test_close_from_another_thread_stops_a_running_map_at_once() -> None:
    before = children()
    created = WorkerPool(work, jobs=2, time_limit_s=600)
    thread, outcome = _map_in_thread(created, [("sleep", 3600)])
    time.sleep(0.5)
    asked = time.monotonic()
    created.close()
    assert time.monotonic() - asked < 2.0
    thread.join(10)
    assert isinstance(outcome[0], RuntimeError) and "closed" in str(outcome[0])
    created.wake()  # after close: a no-op, not a write to a closed (maybe reused) descriptor
    left = children() - before
    assert left == set(), f"children left behind: {left}, zombies: {zombies(left)}"


def test_close_leaves_no_child_processes() -> None:
    before = children()
    created = WorkerPool(work, jobs=2, time_limit_s=0.5)
    created.map([("exit", 1), ("spin", None), ("square", 2), ("signal", signal.SIGSEGV)])
    busy = WorkerPool(work, jobs=2)
    assert len(children() - before) == 4
    created.close()
    created.close()  # idempotent
    busy.close()
    left = children() - before
    assert left == set(), f"children left behind: {left}, zombies: {zombies(left)}"
    with pytest.raises(RuntimeError):
        created.map([("square", 1)])


def test_forgotten_pool_is_reaped_by_its_finalizer() -> None:
    before = children()
    created = WorkerPool(work, jobs=2)
    created.map([("square", 1)])
    del created
    import gc

    gc.collect()
    assert children() - before == set()


def test_serial_mode_runs_in_process_without_limits() -> None:
    with WorkerPool(work, jobs=0, initializer=set_marker) as serial:
        results = serial.map([("pid", None), ("raise", "boom"), ("square", 3)])
    try:
        assert results[0].value == os.getpid()
        assert results[1].error == "internal error: ValueError: boom"
        assert results[2].value == 9
        assert os.environ["POOL_TEST_MARKER"] == "initialized"
    finally:
        os.environ.pop("POOL_TEST_MARKER", None)


def test_timing_of_trivial_tasks(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the overheads; asserts only generous bounds."""
    with WorkerPool(work, jobs=2) as created:
        created.map([("square", 1)] * 4)  # workers warm
        start = time.perf_counter()
        results = created.map([("square", n) for n in range(200)])
        per_task = (time.perf_counter() - start) / 200
        start = time.perf_counter()
        for _ in range(10):
            created.map([("exit", 0)])
        per_respawn = (time.perf_counter() - start) / 10
    assert all(r.ok for r in results)
    with capsys.disabled():
        print(
            f"\npool: 200 trivial tasks, 2 jobs: {per_task * 1e3:.3f} ms/task; "
            f"death + respawn: {per_respawn * 1e3:.1f} ms"
        )
    assert per_task < 0.05


ORPHAN_SCRIPT = """
import os, sys, threading, time
sys.path.insert(0, {tests!r})
from test_pool import work
from mkdocs_derivations.pool import WorkerPool
pool = WorkerPool(work, jobs=2, time_limit_s={limit!r})
if {busy!r}:
    threading.Thread(target=pool.map, args=([("spin", None)] * 2,), daemon=True).start()
    time.sleep(0.3)
print(" ".join(map(str, pool.worker_pids())), flush=True)
os._exit(0)  # dies without close() or finalizers, like a SIGKILLed mkdocs serve
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"  # exited, awaiting a reaper
    except OSError:
        return True


def _orphans_end(busy: bool, within_s: float, limit: float = 0.5) -> None:
    script = ORPHAN_SCRIPT.format(tests=os.path.dirname(__file__), busy=busy, limit=limit)
    with tempfile.TemporaryFile("w+") as output:  # not a pipe: a stray worker would hold it open
        subprocess.run([sys.executable, "-c", script], stdout=output, check=True, timeout=60)
        output.seek(0)
        pids = [int(pid) for pid in output.read().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + within_s
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [pid for pid in pids if not _gone(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def test_idle_workers_exit_when_the_parent_dies() -> None:
    _orphans_end(busy=False, within_s=2.0)


@pytest.mark.slow
def test_busy_workers_end_by_cpu_backstop_when_the_parent_dies() -> None:
    """Orphans spinning on a task stop after 4 x limit + 1 CPU seconds (3 s here)."""
    _orphans_end(busy=True, within_s=8.0)


def test_busy_workers_end_soon_when_the_parent_dies_whatever_the_time_limit() -> None:
    """`mkdocs serve` ended by SIGTERM or SIGHUP (a closed terminal) runs no shutdown: a worker in a claim
    went on for its CPU backstop, 4 x the time limit + 1 s (two minutes at the site's 30 s, four hours at the
    largest limit). A thread in each worker watches the parent's pid."""
    _orphans_end(busy=True, within_s=3.0, limit=600.0)


def test_lazy_tasks_are_run_while_the_rest_are_still_being_produced(pool: WorkerPool) -> None:
    """The checker's task source loads spec files; the first tasks must not wait for the last file."""
    events: list[str] = []

    def produce():
        for n in range(4):
            events.append(f"produced {n}")
            yield ("square", n)
            time.sleep(0.3)  # stands for loading the next spec

    results = pool.map(produce(), on_result=lambda i, r: events.append(f"result {i}"))
    assert [r.value for r in results] == [0, 1, 4, 9]
    assert events.index("result 0") < events.index("produced 3")
    assert sorted(e for e in events if e.startswith("result")) == [f"result {i}" for i in range(4)]


def test_a_quick_source_is_pulled_several_tasks_a_step_without_starving_the_workers() -> None:
    """A step's polls and hand-outs cost the host more than taking the next task of a loaded spec: tasks are
    pulled for up to 5 ms a step (far less than the 25 ms of work a queue holds), not one at a time."""
    pulls_by_step: list[int] = []
    with WorkerPool(work, jobs=2, time_limit_s=5.0) as created:
        created.map([("square", 0)] * 4)  # workers ready
        step = created._step

        def counted(run: Any) -> None:
            before = len(run.tasks)
            step(run)
            pulls_by_step.append(len(run.tasks) - before)

        created._step = counted  # type: ignore[method-assign]
        results = created.map(iter([("square", n) for n in range(400)]))
    assert [r.value for r in results] == [n * n for n in range(400)]
    # One pull a step was 400 steps of one; a pull here takes microseconds, so even a busy machine takes
    # dozens in the 5 ms of one step.
    assert max(pulls_by_step) >= 20, pulls_by_step
    assert sum(pulls_by_step) == 400


def test_a_worker_collects_cycles_and_leaves_what_it_inherited_alone() -> None:
    """Workers start from a fork, maybe while the parent held its collector (the checker does while loading
    specs): they run it, with the inherited and initialized heap frozen out of its walks."""
    import gc

    gc.disable()
    try:
        with WorkerPool(work, jobs=1, time_limit_s=5.0) as created:
            (result,) = created.map([("collector", None)])
    finally:
        gc.enable()
    enabled, frozen = result.value
    assert enabled is True
    assert frozen > 1000


def test_a_failing_task_source_propagates_and_pool_stays_usable(pool: WorkerPool) -> None:
    def produce():
        yield ("sleep", 3600)
        raise ValueError("bad source")

    with pytest.raises(ValueError, match="bad source"):
        pool.map(produce())
    assert [r.value for r in pool.map([("square", 3)])] == [9]


# -- tasks queued behind the running one ----------------------------------------------------------------


def test_queued_task_clock_starts_when_the_one_ahead_ends() -> None:
    """With every worker ready, each gets a second task ahead of time. Two 0.6 s tasks on one worker under
    a 1 s limit both succeed: the second one's clock starts when the first's result arrives, not when it
    was sent."""
    with WorkerPool(work, jobs=1, time_limit_s=1.0) as single:
        single.map([("square", 1)])  # the worker is ready: the next map queues ahead
        results = single.map([("sleep", 0.6), ("sleep", 0.6)])
    assert [r.ok for r in results] == [True, True]
    assert all(r.seconds < 1.0 for r in results)


def test_a_worker_found_dead_by_a_send_is_replaced_not_waited_for() -> None:
    """The worker runs its queued ("exit", 3) while the host is busy with the result before it, so the
    host finds it dead only when it sends the next task. The pool then has no worker and nothing left to
    poll; it must start one, not wait forever."""
    outcome: list[list[TaskResult]] = []

    def busy_host(index: int, result: TaskResult) -> None:
        if index == 0:
            time.sleep(0.2)  # meanwhile the worker takes ("exit", 3) from its queue and dies

    def run() -> None:
        with WorkerPool(work, jobs=1, time_limit_s=5.0) as single:
            outcome.append(single.map([("sleep", 0.2), ("exit", 3), ("square", 3), ("square", 4)],
                                      on_result=busy_host))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert outcome, "the pool hung"
    results = outcome[0]
    assert results[0].ok and results[1].error == "worker process died (exit code 3)"
    assert [r.value for r in results[2:]] == [9, 16]


def test_a_death_found_by_a_send_is_charged_to_the_task_that_caused_it() -> None:
    """The worker finishes ("sleep", 0.05), sends its result and dies on the queued ("exit", 2), all while
    the host loads the next task. The send of that task finds the socket closed; the sleep's result is
    still unread in it, so the death belongs to "exit", not to the task the host last knew as running."""

    def produce():
        yield ("sleep", 0.05)
        yield ("exit", 2)
        time.sleep(0.3)  # stands for loading a spec
        yield ("square", 4)

    with WorkerPool(work, jobs=1, time_limit_s=5.0) as single:
        single.map([("square", 1)] * 5)  # ready, and both tasks will be sent before either ends
        results = single.map(produce())
    assert results[0].ok and results[0].value == "slept"
    assert results[1].error == "worker process died (exit code 2)"
    assert results[2].value == 16


def test_fast_tasks_queue_deep_enough_for_a_worker_to_work_through_a_stalled_host() -> None:
    """In the MkDocs plugin the checking thread can wait several ms for the interpreter lock each time it
    wakes. A worker given fast tasks holds enough of them (25 ms of expected work) that it keeps working
    while its host does not answer; a two-deep queue finished at most 2 tasks in such a stall."""
    stall: dict[str, float] = {}

    def on_result(index: int, result: TaskResult) -> None:
        if index == 10:
            stall["from"] = time.monotonic()
            time.sleep(0.06)
            stall["to"] = time.monotonic()

    with WorkerPool(work, jobs=1, time_limit_s=5.0) as single:
        single.map([("stamp", 0.002)] * 10)  # the pool learns how long these take
        results = single.map([("stamp", 0.002)] * 40, on_result=on_result)
    assert all(r.ok for r in results)
    ended_in_stall = [r.value for r in results if stall["from"] < r.value < stall["to"]]
    assert len(ended_in_stall) >= 6


def test_large_tasks_queue_only_while_the_socket_has_room_so_a_deadline_still_holds() -> None:
    """Fast tasks make the queues deep; if large ones then filled a busy worker's socket, sending the next
    would block the pool until that worker finished, here never, and its deadline would pass unenforced
    until the CPU-time backstop (5 s here). The pool queues at most 64 KiB behind a running task."""
    with WorkerPool(work, jobs=1, time_limit_s=1.0) as single:
        single.map([("stamp", 0.001)] * 20)  # deep queues from now on
        large = [("square", 10**50_000 + n) for n in range(12)]  # ~21 KB each when pickled
        started = time.monotonic()
        results = single.map([("spin", None), *large])
        elapsed = time.monotonic() - started
    assert results[0].timed_out and results[0].seconds < 2.5
    assert [r.value for r in results[1:]] == [t[1] * t[1] for t in large]
    assert elapsed < 4.0


@pytest.mark.parametrize(("mean_task_s", "depth"), [(None, 2), (5.0, 2), (0.025, 2), (0.01, 4), (0.003, 10),
                                                    (0.0005, 16), (0.0, 16)])
def test_queue_depth_is_25_ms_of_expected_work_within_bounds(mean_task_s: float | None, depth: int) -> None:
    assert queue_depth(mean_task_s) == depth


@pytest.mark.parametrize("trouble", [("spin", None), ("exit", 3), ("alloc", 2 * 1024**3)])
def test_task_queued_behind_a_failing_one_runs_elsewhere(trouble: tuple[str, Any]) -> None:
    """A timeout, a crash or a memory error costs the task that caused it; the task queued behind it in the
    same worker's pipe never started, so it runs on another worker and succeeds."""
    with WorkerPool(work, jobs=1, time_limit_s=1.0, memory_limit_mb=256) as single:
        single.map([("square", 1)])
        first = single.worker_pids()
        results = single.map([trouble, ("square", 7), ("square", 8)])
        assert single.worker_pids() != first  # the worker that failed was replaced
    assert not results[0].ok
    assert [r.value for r in results[1:]] == [49, 64] and all(r.ok and not r.error for r in results[1:])


def test_a_pool_started_small_grows_only_when_tasks_need_it() -> None:
    """One claim to re-check costs one worker start (a SymPy import in the checker), not one per core."""
    with WorkerPool(work, jobs=2, time_limit_s=2.0, start_workers=1) as pool:
        assert len(pool.worker_pids()) == 1
        assert [r.value for r in pool.map([("square", 3)])] == [9]
        assert len(pool.worker_pids()) == 1  # no second worker after a map that did not need one
        results = pool.map([("sleep", 0.05)] * 6)  # more tasks waiting than workers: it grows
        assert all(r.ok for r in results) and len(pool.worker_pids()) == 2
        pool.grow(5)  # never past jobs
        assert len(pool.worker_pids()) == 2


def test_grow_starts_workers_before_any_task_and_a_killed_one_is_replaced() -> None:
    with WorkerPool(work, jobs=2, time_limit_s=0.5, start_workers=1) as pool:
        pool.grow(2)
        assert len(pool.worker_pids()) == 2
        results = pool.map([("sleep", 3600), ("square", 4)])
        assert results[0].timed_out and results[1].value == 16
        assert len(pool.worker_pids()) == 2  # the killed worker was replaced: the pool keeps what it grew to


# ----- admit: a task answered without running ---------------------------------------------------------


@pytest.mark.parametrize("jobs", [0, 2])
def test_a_task_that_admit_answers_never_runs(jobs: int, tmp_path: Any) -> None:
    """The answer becomes the task's result, in order, and the function is not called for it: each run
    leaves a file, and only the admitted tasks' files exist."""
    refused = TaskResult(False, error="not admitted")
    asked: list[int] = []

    def admit(index: int, in_flight: list[int]) -> TaskResult | None:
        asked.append(index)
        return refused if index % 3 == 1 else None

    tasks = [("touch", str(tmp_path / f"ran-{i}")) for i in range(9)]
    seen: list[int] = []
    with WorkerPool(work, jobs=jobs, time_limit_s=10) as pool:
        results = pool.map(tasks, on_result=lambda i, r: seen.append(i), admit=admit)
    assert sorted(seen) == list(range(9))
    assert [r is refused for r in results] == [i % 3 == 1 for i in range(9)]
    assert all(r.ok and r.value == "touched" for i, r in enumerate(results) if i % 3 != 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"ran-{i}" for i in range(9) if i % 3 != 1)
    assert sorted(set(asked)) == list(range(9))


@pytest.mark.parametrize("jobs", [0, 1])
def test_results_carry_the_task_cpu_time(jobs: int) -> None:
    """What a task computed, from the worker's own clock: a sleep counts (almost) nothing."""
    with WorkerPool(work, jobs=jobs, time_limit_s=10) as pool:
        computed, slept = pool.map([("nap_then_compute", (0.0, 0.3)), ("sleep", 0.3)])
    assert computed.ok and slept.ok
    assert computed.cpu_seconds is not None and 0.29 <= computed.cpu_seconds < 1.5
    assert slept.cpu_seconds is not None and slept.cpu_seconds < 0.1


def test_a_timed_out_task_carries_the_cpu_time_it_used() -> None:
    with WorkerPool(work, jobs=1, time_limit_s=0.3) as pool:
        [result] = pool.map([("spin", None)])
    assert result.timed_out and not result.starved
    assert result.cpu_seconds is not None and result.cpu_seconds >= 0.3


def test_a_task_admit_holds_back_waits_for_what_is_in_flight_and_never_hangs_the_map() -> None:
    """LATER keeps a task in line while others run; answered with nothing in flight (against the contract),
    the task goes rather than the map waiting for ever."""
    seen_in_flight: dict[int, list[int]] = {}

    def admit(index: int, in_flight: list[int]) -> pool_module.Admission:
        seen_in_flight.setdefault(index, list(in_flight))
        if index == 3 and in_flight:  # task 3 waits until every earlier task has left the workers
            return pool_module.LATER
        return None

    with WorkerPool(work, jobs=2, time_limit_s=10) as pool:
        results = pool.map([("sleep", 0.2), ("sleep", 0.2), ("sleep", 0.2), ("square", 3)], admit=admit)
        assert [r.value for r in results] == ["slept", "slept", "slept", 9]
        assert seen_in_flight[3] and set(seen_in_flight[3]) <= {0, 1, 2}
        always_later = pool.map([("square", 2)], admit=lambda index, in_flight: pool_module.LATER)
        assert [r.value for r in always_later] == [4]


def test_a_held_back_task_does_not_hold_up_the_tasks_behind_it() -> None:
    """A page at its time limit must not stall other pages' claims: the held-back task goes to the end of
    the line, and the next one is sent."""

    def admit(index: int, in_flight: list[int]) -> pool_module.Admission:
        return pool_module.LATER if index == 1 and 0 in in_flight else None

    with WorkerPool(work, jobs=1, time_limit_s=10) as pool:
        first, held, behind = pool.map([("sleep", 0.3), ("stamp", 0.0), ("stamp", 0.0)], admit=admit)
    assert first.value == "slept"
    assert behind.value < held.value  # sent while task 1 waited for task 0 to finish

"""CPU time of the host process in a cold check: what limits the pool's speed-up on a 2-core machine.

    python bench/host_cpu.py                          # 200 specs x 5 claims, 7 repetitions
    python bench/host_cpu.py --reps 11 --specs /tmp/site/derivations
    python bench/host_cpu.py --plugins /work/main/plugins --plugins plugins   # compare two checkouts

With one worker the host's own work (reading, parsing and laying out the specs, feeding the pool) runs on
the idle second core; with two workers it takes CPU from them, so ``pool_speedup`` (bench/README.md) is
bounded by about 2W / (W + H) for W worker and H host CPU-seconds. This script measures H.

Each figure comes from a fresh process (a second load in the same process would find warm caches and a
grown heap), with SymPy pre-imported and warmed as in ``bench.py --helper engine``. CPU time, not wall
time: this VM's wall clock drifts 20-40 % within minutes. The modes (and the checkouts, with several
``--plugins``) alternate run by run, so a slow spell hits them alike; the figures are medians.

Printed as ``key: value`` lines (the median, then the minimum: noise only ever adds CPU time):

* ``load_cpu_s``: ``Checker.load`` of every spec (no pool).
* ``check_j2_host_cpu_s``: ``Checker.check_paths`` with 2 workers (loading overlapped with checking,
  the pool's host loop included), and ``check_j2_wall_s`` beside it.

With several ``--plugins`` each key is prefixed with the checkout's number (``a_``, ``b_``, ...) and the
ratio of each to the first is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, folder: Path) -> dict[str, float]:
    """One measurement in this (fresh) process."""
    import bench  # the same pre-import as the engine helper
    from mkdocs_derivations.checking import Checker, find_specs
    from mkdocs_derivations.options import CheckOptions

    bench._preimport()
    paths = find_specs(folder)
    if mode == "load":
        checker = Checker(CheckOptions(jobs=1, cache_dir=None))
        started = time.process_time()
        specs = [checker.load(path) for path in paths]
        seconds = time.process_time() - started
        assert all(s.layout is not None and not s.errors for s in specs)
        return {"load_cpu_s": seconds}
    checker = Checker(CheckOptions(jobs=2, cache_dir=None, time_limit_s=60))
    cpu, wall = _cpu(), time.perf_counter()
    try:
        results = checker.check_paths(paths)
    finally:
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
        checker.close()
    assert all(r.layout is not None and not r.errors for r in results)
    return {"check_j2_host_cpu_s": cpu, "check_j2_wall_s": wall}


def run_child(mode: str, folder: Path, plugins: str | None) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if plugins is not None:
        env["PYTHONPATH"] = str(Path(plugins).resolve())
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--specs", str(folder)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"child {mode} failed:\n{proc.stdout}\n{proc.stderr}")
    answer: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--specs", type=Path, help="a folder of specs (default: a generated 200 x 5 site)")
    parser.add_argument("--plugins", action="append", help="a plugins folder to import (repeat to compare)")
    parser.add_argument("--modes", default="load,check", help="comma-separated: load, check")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.specs)))
        return 0
    with tempfile.TemporaryDirectory(prefix="host-cpu-") as tmp:
        folder = args.specs
        if folder is None:
            import sitegen

            sitegen.generate(Path(tmp) / "site", 200, 5)
            folder = Path(tmp) / "site" / "derivations"
        checkouts = args.plugins or [None]
        runs: list[dict[str, list[float]]] = [{} for _ in checkouts]
        for _ in range(args.reps):
            for mode in args.modes.split(","):
                for figures, plugins in zip(runs, checkouts, strict=True):
                    for key, value in run_child(mode, folder, plugins).items():
                        figures.setdefault(key, []).append(value)
    for number, figures in enumerate(runs):
        prefix = f"{chr(ord('a') + number)}_" if len(checkouts) > 1 else ""
        if prefix:
            print(f"{prefix}plugins: {checkouts[number]}")
        for key, values in figures.items():
            shown = ", ".join(f"{v:.3f}" for v in values)
            print(f"{prefix}{key}: {statistics.median(values):.3f}  (min {min(values):.3f}; {shown})")
            if number:
                paired = [v / first for v, first in zip(values, runs[0][key], strict=True)]
                print(f"{prefix}{key}_over_a: {statistics.median(paired):.3f}  (paired by repetition)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

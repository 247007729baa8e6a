"""Benchmark of mkdocs-derivations: build times, cache behaviour, pool speed-up, engine vs a naive loop.

    python bench/bench.py            # full run: 200 pages x 5 steps (1000 claims) + the seed site, a few minutes
    python bench/bench.py --quick    # 10 pages x 10 steps, under a minute

Everything happens in a temporary folder (``--keep`` keeps it). Every ``mkdocs build`` is a fresh
``python -m mkdocs build`` process, as a user would run it, so each one pays for its own imports; figures
are medians over ``--reps`` repetitions. See bench/README.md for what each figure means and a recorded run.
The last lines of the output are ``key: value`` pairs for scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import sitegen  # noqa: E402

ACCEPTED = {"proved", "proved-all", "sizes", "numeric"}
TARGETS = {  # key: (comparison, bound) -- the targets on a 2-core machine
    "warm_over_plain": ("<=", 1.10),
    "seed_cold_over_plain": ("<=", 2.5),
    "steps_1000_cold_s": ("<=", 6.0),
    "pool_speedup": (">=", 1.8),
    "naive_over_engine": (">=", 3.0),
    "false_accepts": ("==", 0),
}


# ------------------------------------------------------------------------------------------- helpers


def _env(verify: bool | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("MKDOCS_DERIVATIONS_VERIFY", None)
    if verify is not None:
        env["MKDOCS_DERIVATIONS_VERIFY"] = "1" if verify else "0"
    return env


def mkdocs_build(root: Path, config: str, *, verify: bool | None = None) -> float:
    """One ``mkdocs build`` in a fresh process; returns wall-clock seconds."""
    out = root / "site-out"
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / config), "-d", str(out)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=_env(verify), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"mkdocs build failed ({config}):\n{proc.stdout}\n{proc.stderr}")
    return seconds


def clear_cache(root: Path) -> None:
    shutil.rmtree(root / ".cache", ignore_errors=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def alternate(reps: int, first: Callable[[], float], second: Callable[[], float]) -> tuple[list[float], list[float]]:
    """Time two builds in turn ``reps`` times, so that a slow spell of this VM (20-60 % within minutes) hits
    both alike: a ratio of the two medians compares builds run side by side, not minutes apart."""
    firsts, seconds = [], []
    for _ in range(reps):
        firsts.append(first())
        seconds.append(second())
    return firsts, seconds


def helper(mode: str, *args: str, verify: bool | None = None) -> dict:
    """Run this file in helper mode in a fresh process and return its JSON answer."""
    return helpers_side_by_side(1, mode, *args, verify=verify)[0]


def helpers_side_by_side(copies: int, mode: str, *args: str, verify: bool | None = None) -> list[dict]:
    """Start ``copies`` identical helper processes at once and return each one's JSON answer."""
    cmd = [sys.executable, str(Path(__file__).resolve()), f"--helper={mode}", *args]
    procs = [subprocess.Popen(cmd, env=_env(verify), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(copies)]
    answers = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"helper {mode} failed:\n{out}\n{err}")
        answers.append(json.loads(out.strip().splitlines()[-1]))
    return answers


def say(text: str) -> None:
    print(text, flush=True)


# ----------------------------------------------------------------------------- helper processes


def _preimport() -> None:
    """The engine, the naive loop and the bare loop all start with SymPy and the evaluator imported and
    warmed (its first ``simplify`` loads more modules), so the comparison is about checking, not start-up
    (forked workers inherit the modules and the warmed caches)."""
    import sympy  # noqa: F401

    import mkdocs_derivations.evaluate  # noqa: F401
    import mkdocs_derivations.verify

    mkdocs_derivations.verify.warm_up()


def helper_engine(jobs: int, paths: list[Path], preloaded: bool = False) -> dict:
    """Cold check (no cache) of ``paths`` with the real Checker; verdicts by spec for the error counts.

    ``preloaded``: the specs are loaded before the clock starts, so only the pool's checking is timed."""
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.options import CheckOptions

    _preimport()
    checker = Checker(CheckOptions(jobs=jobs, cache_dir=None, time_limit_s=60))
    specs = [checker.load(path) for path in paths] if preloaded else []
    started = time.perf_counter()
    try:
        results = checker.check_loaded(specs) if preloaded else checker.check_paths(paths)
    finally:
        checker.close()
    seconds = time.perf_counter() - started
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, reaped by close()
    verdicts = {}
    for r in results:
        if r.layout is None or r.errors:
            raise SystemExit(f"{r.shown_path}: {r.problems()}")
        verdicts[r.slug] = [r.verdicts[i].status for i, c in enumerate(r.layout.claims) if c.kind == "equal"]
    return {"seconds": seconds, "checked": checker.checked_claims, "verdicts": verdicts,
            "worker_cpu_s": children.ru_utime + children.ru_stime}


def helper_naive(paths: list[Path]) -> dict:
    """The baseline: each claim evaluated by the project's own evaluator, then ``simplify(a - b) == 0``.

    Same parsing, same SymPy objects and the same sizes as the engine (``_Context.sizes``), all
    definitions substituted; no numeric screen, no staged transforms, no worker pool, no cache.
    """
    import signal

    import sympy as sp

    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.evaluate import Evaluator
    from mkdocs_derivations.options import CheckOptions
    from mkdocs_derivations.verify import _Context

    _preimport()

    class _Slow(Exception):
        pass

    def on_alarm(*_: object) -> None:
        raise _Slow

    signal.signal(signal.SIGALRM, on_alarm)

    def holds(claim: object) -> bool:
        ctx = _Context(claim)  # type: ignore[arg-type]
        expand = frozenset(ctx.definitions)
        for sizes in ctx.sizes:
            ev = Evaluator(ctx.env, ctx.definitions, sizes)
            a, b = ev.value(ctx.lhs, expand), ev.value(ctx.rhs, expand)
            if isinstance(a, sp.MatrixBase) != isinstance(b, sp.MatrixBase) or getattr(a, "shape", 0) != getattr(
                    b, "shape", 0):
                return False
            d = sp.simplify(a - b)
            if not (all(e == 0 for e in d) if isinstance(d, sp.MatrixBase) else d == 0):
                return False
        return True

    loader = Checker(CheckOptions(verify=False, cache_dir=None))
    started = time.perf_counter()
    verdicts: dict[str, list[str]] = {}
    slow = 0
    for path in paths:
        spec = loader.load(path)
        assert spec.layout is not None
        out = verdicts.setdefault(spec.slug, [])
        for claim in spec.layout.claims:
            if claim.kind != "equal":
                continue
            signal.setitimer(signal.ITIMER_REAL, 30.0)  # a runaway simplify counts as "not shown equal"
            try:
                out.append("proved" if holds(claim) else "refuted")
            except _Slow:
                slow += 1
                out.append("error")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    return {"seconds": time.perf_counter() - started, "verdicts": verdicts, "timeouts": slow}


def helper_loop(paths: list[Path]) -> dict:
    """The engine's worker function called in this one process over every claim: no pool, no IPC.

    Run alone and as two copies side by side, it measures how much two processes doing this work slow
    each other down on this machine (shared caches, memory bandwidth, the hypervisor): the ceiling of
    any two-worker speed-up, whatever the pool does."""
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.options import CheckOptions
    from mkdocs_derivations.verify import check_claim

    _preimport()
    loader = Checker(CheckOptions(verify=False, cache_dir=None))
    claims = []
    for path in paths:
        layout = loader.load(path).layout
        assert layout is not None, path
        claims += [c for c in layout.claims if c.kind == "equal"]
    started = time.perf_counter()
    for claim in claims:
        check_claim(claim)
    return {"seconds": time.perf_counter() - started, "claims": len(claims)}


def helper_serve(root: Path, config: str, edits: list[Path], reps: int) -> dict:
    """Rebuilds as ``mkdocs serve`` does them: one process, one config and plugin object, the same
    ``build`` called again. The first build is not timed; then ``reps`` rebuilds with nothing changed, then
    one rebuild after each edit (one step of one spec each). Without ``edits``, only the rebuilds.
    """
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.chdir(root)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    cfg = load_config(str(root / config), site_dir=str(root / "site-serve"))
    cfg.plugins.on_startup(command="serve", dirty=False)
    plugin = cfg.plugins["derivations"]

    def timed() -> float:
        started = time.perf_counter()
        build(cfg)
        return time.perf_counter() - started

    try:
        build(cfg)
        rebuilds = [timed() for _ in range(reps)]
        after_edits, checked = [], []
        for path in edits:
            before = plugin._checker.checked_claims
            sitegen.edit_step_of(path, step=2)
            after_edits.append(timed())
            checked.append(plugin._checker.checked_claims - before)
    finally:
        cfg.plugins.on_shutdown()
    return {"rebuilds": rebuilds, "after_edits": after_edits, "checked": checked}


def run_helper(mode: str, rest: list[str]) -> None:
    jobs = 1
    if rest and rest[0].startswith("--jobs="):
        jobs = int(rest.pop(0).split("=", 1)[1])
    preloaded = bool(rest) and rest[0] == "--preloaded"
    if preloaded:
        rest.pop(0)
    paths = [Path(p) for p in rest]
    modes = {"engine": lambda: helper_engine(jobs, paths, preloaded), "naive": lambda: helper_naive(paths),
             "loop": lambda: helper_loop(paths),
             "serve": lambda: helper_serve(paths[0], str(paths[1]), paths[2:], reps=3)}
    print(json.dumps(modes[mode]()))


# ------------------------------------------------------------------------------------------- scoring


def score(site: sitegen.Site, verdicts: dict[str, list[str]]) -> tuple[int, int, int]:
    """(false accepts, false rejects, errors) of verdicts against the known answers."""
    fa = fr = errors = 0
    for slug, truths in site.expected.items():
        got = verdicts[slug]
        assert len(got) == len(truths), (slug, len(got), len(truths))
        for truth, status in zip(truths, got, strict=True):
            accepted = status in ACCEPTED
            errors += status == "error"
            fa += accepted and not truth
            fr += (not accepted) and truth
    return fa, fr, errors


def count_reverified(site: sitegen.Site, cache_src: Path, work: Path) -> dict:
    """Check the warm site in-process, edit one step of one spec, check again; count claims sent to workers.

    Works on a copy of the build cache, so the timed rebuild afterwards still finds the edit uncached.
    """
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.options import CheckOptions

    cache = work / "edit-cache"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copytree(cache_src, cache)
    checker = Checker(CheckOptions(jobs=2, cache_dir=cache, time_limit_s=60))
    try:
        paths = site.spec_paths()
        before = checker.check_paths(paths)
        warm_sent = checker.checked_claims
        keys_before = {checker.key(c) for r in before for c in r.layout.claims if c.kind == "equal"}
        edited = sitegen.edit_one_step(site, page_index=len(paths) // 2, step=1)
        touched: set[str] = set()
        after = checker.check_paths(paths, progress=lambda checked, i, v: touched.add(checked.slug))
        sent = checker.checked_claims - warm_sent
        keys_after = {checker.key(c) for r in after for c in r.layout.claims if c.kind == "equal"}
        edited_claims = sum(1 for r in after if r.path == edited for c in r.layout.claims if c.kind == "equal")
    finally:
        checker.close()
    return {
        "warm_sent": warm_sent,
        "sent": sent,
        "changed_keys": len(keys_after - keys_before),
        "specs_touched": sorted(touched),
        "edited": edited.stem,
        "edited_claims": edited_claims,
    }


# -------------------------------------------------------------------------------------------- phases


def bench_site(work: Path, pages: int, steps: int, reps: int, cold_reps: int,
               check_reps: int) -> dict[str, float | int | str]:
    root = work / "site"
    say(f"\n== synthetic site: {pages} pages x {steps} steps ==")
    site = sitegen.generate(root, pages, steps)
    say(f"generated {site.claims} claims ({site.wrong} deliberately wrong) in {root}")
    r: dict[str, float | int | str] = {"pages": pages, "claims": site.claims, "wrong_claims": site.wrong}

    # The floor: the same site and plugin, verification switched off (specs loaded, laid out, rendered,
    # MathJax copied, but no checking and no cache lookups).
    mkdocs_build(root, "mkdocs-j2.yml", verify=False)  # warm the OS file cache; not counted
    plain = [mkdocs_build(root, "mkdocs-j2.yml", verify=False) for _ in range(reps)]
    r["plain_s"] = median(plain)
    say(f"plain build (MKDOCS_DERIVATIONS_VERIFY=0): {_fmt(plain)}")

    # For reference: the pre-rendered Markdown of the same pages built without the plugin at all.
    _prerender(site)
    pre = [mkdocs_build(root, "mkdocs-nopl.yml") for _ in range(max(1, reps - 2))]
    r["prerendered_s"] = median(pre)
    say(f"pre-rendered Markdown, no plugin:          {_fmt(pre)}")

    for jobs in (1, 2):
        cold = []
        for _ in range(cold_reps):
            clear_cache(root)
            cold.append(mkdocs_build(root, f"mkdocs-j{jobs}.yml"))
        r[f"cold_j{jobs}_s"] = median(cold)
        say(f"cold build, {jobs} worker{'s' if jobs > 1 else ''}:                  {_fmt(cold)}")
    r["cold_s"] = r["cold_j2_s"]

    # The cache is full from the last cold build; warm_over_plain divides these two lists.
    warm, plain_beside = alternate(reps, lambda: mkdocs_build(root, "mkdocs-j2.yml"),
                                   lambda: mkdocs_build(root, "mkdocs-j2.yml", verify=False))
    r["warm_s"], r["plain_beside_warm_s"] = median(warm), median(plain_beside)
    say(f"warm build (nothing changed):              {_fmt(warm)}")
    say(f"plain builds alternating with those:       {_fmt(plain_beside)}")

    # Engine alone (no mkdocs), cold, fresh processes with SymPy pre-imported and warmed: pool speed-up, errors.
    # 1 and 2 workers alternate, so a slow spell of the machine hits both alike; medians.
    paths = [str(p) for p in site.spec_paths()]
    runs: dict[int, list[dict]] = {1: [], 2: []}
    pool_only: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(check_reps):
        for jobs in (1, 2):
            runs[jobs].append(helper("engine", f"--jobs={jobs}", *paths))
            pool_only[jobs].append(helper("engine", f"--jobs={jobs}", "--preloaded", *paths)["seconds"])
    eng = {jobs: runs[jobs][0] for jobs in (1, 2)}
    check = {jobs: [run["seconds"] for run in runs[jobs]] for jobs in (1, 2)}
    r["check_j1_s"], r["check_j2_s"] = median(check[1]), median(check[2])
    r["check_worker_cpu_s"] = median([run["worker_cpu_s"] for run in runs[2]])
    say(f"check only, cold, 1 worker:  {_fmt(check[1])}\ncheck only, cold, 2 workers: {_fmt(check[2])}  "
        f"({eng[2]['checked']} claims sent; the 2 workers used {r['check_worker_cpu_s']:.2f} s CPU)")

    r["pool_only_j1_s"], r["pool_only_j2_s"] = median(pool_only[1]), median(pool_only[2])
    say(f"the same with the specs loaded before the clock starts (the pool alone):\n"
        f"  1 worker:  {_fmt(pool_only[1])}\n  2 workers: {_fmt(pool_only[2])}")

    # The machine's own ceiling for two processes doing this work (see helper_loop).
    alone: list[float] = []
    pairs: list[float] = []
    for _ in range(check_reps):  # alternating, like the checks above
        alone.append(helper("loop", *paths)["seconds"])
        pairs.append(max(a["seconds"] for a in helpers_side_by_side(2, "loop", *paths)))
    r["loop_alone_s"], r["loop_pair_s"] = median(alone), median(pairs)
    r["parallel_ceiling"] = 2 * median(alone) / median(pairs)
    say(f"engine loop in one process, no pool, alone:      {_fmt(alone)}\n"
        f"the same, two copies side by side (the slower): {_fmt(pairs)}\n"
        f"  -> ceiling of any 2-worker speed-up on this machine: {r['parallel_ceiling']:.2f}")
    fa, fr, errors = score(site, eng[2]["verdicts"])
    fa1, fr1, _ = score(site, eng[1]["verdicts"])
    r["false_accepts"], r["false_rejects"], r["engine_errors"] = max(fa, fa1), max(fr, fr1), errors
    say(f"against the known answers: {fa} false accepts, {fr} false rejects, {errors} errors "
        f"(1 worker: {fa1}, {fr1})")

    naive = helper("naive", *paths)
    nfa, nfr, _ = score(site, naive["verdicts"])
    r["naive_s"] = naive["seconds"]
    r["naive_false_accepts"], r["naive_false_rejects"] = nfa, nfr
    say(f"naive simplify(a - b) == 0 loop, 1 process: {naive['seconds']:.2f} s "
        f"({nfa} false accepts, {nfr} false rejects, {naive['timeouts']} over 30 s)")

    edit = count_reverified(site, root / ".cache" / "derivations", work)
    r["warm_claims_sent"] = edit["warm_sent"]
    r["reverified_after_one_edit"] = edit["sent"]
    r["keys_changed_by_edit"] = edit["changed_keys"]
    r["reverified_only_edited_spec"] = int(edit["specs_touched"] == [edit["edited"]])
    say(f"edit one step of {edit['edited']} ({edit['edited_claims']} claims): {edit['sent']} claim(s) "
        f"re-verified, {edit['changed_keys']} key(s) changed, specs re-verified: {edit['specs_touched']} "
        f"(warm pass before the edit sent {edit['warm_sent']})")
    rebuild = mkdocs_build(root, "mkdocs-j2.yml")
    r["edit_rebuild_s"] = rebuild
    say(f"mkdocs build after the edit:               {rebuild:.2f} s")

    # mkdocs serve: rebuilds in one process. Two edits of other pages: at the first the pool starts (a
    # worker imports SymPy); at the second it is running.
    specs = site.spec_paths()
    served = helper("serve", str(root), "mkdocs-j2.yml", str(specs[len(specs) // 4]), str(specs[len(specs) // 3]))
    floor = helper("serve", str(root), "mkdocs-j2.yml", verify=False)
    r["serve_plain_rebuild_s"] = median(floor["rebuilds"])
    r["serve_warm_rebuild_s"] = median(served["rebuilds"])
    r["serve_first_edit_rebuild_s"], r["serve_next_edit_rebuild_s"] = served["after_edits"]
    r["serve_edit_checked_claims"] = sum(served["checked"])
    say(f"mkdocs serve rebuilds, verification off:    {_fmt(floor['rebuilds'])}\n"
        f"mkdocs serve rebuilds, nothing changed:     {_fmt(served['rebuilds'])}\n"
        f"mkdocs serve rebuild after an edit: {served['after_edits'][0]:.2f} s (the pool starts), then "
        f"{served['after_edits'][1]:.2f} s (pool running); claims checked: {served['checked']}")

    r["warm_over_plain"] = r["warm_s"] / r["plain_beside_warm_s"]
    r["serve_edit_over_plain"] = r["serve_next_edit_rebuild_s"] / r["serve_plain_rebuild_s"]
    r["cold_over_plain"] = r["cold_s"] / r["plain_s"]
    r["cold_j1_over_plain"] = r["cold_j1_s"] / r["plain_s"]
    r["build_pool_speedup"] = r["cold_j1_s"] / r["cold_j2_s"]
    r["pool_speedup"] = r["check_j1_s"] / r["check_j2_s"]
    r["pool_only_speedup"] = r["pool_only_j1_s"] / r["pool_only_j2_s"]  # a diagnostic, not the target
    r["engine_over_naive"] = r["check_j1_s"] / r["naive_s"]
    r["naive_over_engine"] = r["naive_s"] / r["check_j1_s"]
    return r


def _prerender(site: sitegen.Site) -> None:
    """Write the pages the plugin would generate (verification off) as plain Markdown files."""
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.options import CheckOptions
    from mkdocs_derivations.site_pages import build_site

    docs = site.root / "docs-prerendered"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(site.root / "docs", docs)
    (docs / "derivations").mkdir()
    checker = Checker(CheckOptions(verify=False, cache_dir=None))
    # The same pages the plugin adds (derivations, dashboard, graph), so the comparison is like for like.
    for slug, markdown in build_site(checker.check_paths(site.spec_paths())).pages:
        (docs / "derivations" / f"{slug}.md").write_text(markdown, encoding="utf-8")


SEED_SPEC = "mml-5-2-2-multivariate-chain-rule.yml"


def bench_seed(work: Path, reps: int, whole_site: bool = False) -> dict[str, float]:
    """The project's own site (mkdocs.yml and docs/) with only the seed spec (key prefix ``seed_``), or with
    every spec of derivations/ (prefix ``site_``): plain vs cold vs warm."""
    prefix = "site" if whole_site else "seed"
    what = "all of derivations/" if whole_site else f"only derivations/{SEED_SPEC}"
    say(f"\n== {prefix} site (the repository's mkdocs.yml and docs/, {what}) ==")
    root = work / prefix
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("derivations", "__pycache__"))
    specs = sorted((REPO / "derivations").glob("*.yml")) if whole_site else [REPO / "derivations" / SEED_SPEC]
    (root / "derivations").mkdir()
    for spec in specs:
        shutil.copy(spec, root / "derivations" / spec.name)
    mkdocs_build(root, "mkdocs.yml", verify=False)
    def plain_build() -> float:
        return mkdocs_build(root, "mkdocs.yml", verify=False)

    def cold_build() -> float:
        clear_cache(root)
        return mkdocs_build(root, "mkdocs.yml")

    plain, cold = alternate(reps, plain_build, cold_build)
    warm, plain_beside_warm = alternate(reps, lambda: mkdocs_build(root, "mkdocs.yml"), plain_build)
    say(f"plain {_fmt(plain)}\ncold  {_fmt(cold)}\nwarm  {_fmt(warm)}\nplain {_fmt(plain_beside_warm)} (beside warm)")
    return {
        f"{prefix}_plain_s": median(plain),
        f"{prefix}_cold_s": median(cold),
        f"{prefix}_warm_s": median(warm),
        f"{prefix}_cold_over_plain": median(cold) / median(plain),
        f"{prefix}_warm_over_plain": median(warm) / median(plain_beside_warm),
    }


def _fmt(values: list[float]) -> str:
    return f"median {median(values):.2f} s  (" + ", ".join(f"{v:.2f}" for v in values) + ")"


def verdict_on_targets(results: dict) -> list[str]:
    lines = []
    for key, (op, bound) in TARGETS.items():
        if key not in results:
            continue
        value = results[key]
        ok = {"<=": value <= bound, ">=": value >= bound, "==": value == bound}[op]
        lines.append(f"target {key} {op} {bound}: {'HOLDS' if ok else 'MISSED'} ({_show(value)})")
    if "steps_1000_cold_s" in results and results.get("claims") == 1000:
        ok = results["cold_j2_s"] <= TARGETS["steps_1000_cold_s"][1]
        lines.append(f"  the same 1000 steps over {results['pages']} pages: cold {results['cold_j2_s']:.3f} s: "
                     f"{'HOLDS' if ok else 'MISSED'} (the plain build of those pages alone: "
                     f"{results['plain_s']:.3f} s)")
    if "reverified_after_one_edit" in results:
        ok = (results["reverified_after_one_edit"] == results["keys_changed_by_edit"]
              and results["reverified_only_edited_spec"] == 1)
        lines.append(f"target editing one spec re-verifies only that spec: {'HOLDS' if ok else 'MISSED'} "
                     f"({results['reverified_after_one_edit']} claim(s) re-verified)")
    return lines


def _show(value: float | int | str) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small site, fewer repetitions (< 1 minute)")
    parser.add_argument("--pages", type=int, help="pages of the synthetic site (full: 200, quick: 10)")
    parser.add_argument("--steps", type=int, help="steps per page (full: 5, quick: 10)")
    parser.add_argument("--reps", type=int, help="repetitions of plain and warm builds (full: 5, quick: 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    parser.add_argument("--helper", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.helper:
        run_helper(args.helper, rest)
        return 0
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    pages = args.pages or (10 if args.quick else 200)
    steps = args.steps or (10 if args.quick else 5)
    reps = args.reps or (3 if args.quick else 5)
    cold_reps = 2 if args.quick else 3
    work = Path(tempfile.mkdtemp(prefix="derivations-bench-"))
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    say(f"mkdocs-derivations benchmark ({'quick' if args.quick else 'full'}), python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {load_start:.2f}")
    try:
        results: dict = bench_site(work, pages, steps, reps, cold_reps, 1 if args.quick else 5)
        if not args.quick:
            results.update(_cold_1000(work))
            results.update(bench_seed(work, 3))
            results.update(bench_seed(work, 3, whole_site=True))
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["total_bench_s"] = time.perf_counter() - started
    results["load_avg_start"], results["load_avg_end"] = load_start, os.getloadavg()[0]
    say("")
    for line in verdict_on_targets(results):
        say(line)
    say("")
    for key, value in results.items():
        say(f"{key}: {_show(value)}")
    return 1 if results["false_accepts"] else 0


def _cold_1000(work: Path) -> dict[str, float | int]:
    """1000 steps on pages of 25 (the seed page has 28 claims): cold with 2 workers, and its plain floor.

    The main synthetic site spreads its 1000 claims over 200 pages of 5, where MkDocs' own work for 200
    pages (about 4 s here, most of it Material's navigation template) is more than the checking; both
    figures are printed."""
    pages, steps = 40, 25
    say(f"\n== 1000 steps on {pages} pages of {steps} ==")
    site = sitegen.generate(work / "site-1000", pages, steps)
    mkdocs_build(site.root, "mkdocs-j2.yml", verify=False)  # warm the OS file cache; not counted
    plain, cold = [], []
    for _ in range(3):
        plain.append(mkdocs_build(site.root, "mkdocs-j2.yml", verify=False))
        clear_cache(site.root)
        cold.append(mkdocs_build(site.root, "mkdocs-j2.yml"))
    say(f"plain {_fmt(plain)}\ncold, 2 workers {_fmt(cold)}")
    return {"steps_1000_pages": pages, "steps_1000_plain_s": median(plain), "steps_1000_cold_s": median(cold)}


if __name__ == "__main__":
    sys.exit(main())

"""Tests of the verdict cache: a hit returns exactly what was put; nothing on disk makes it lie or raise."""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_derivations.cache import FORMAT, VerdictCache
from mkdocs_derivations.verdict import Verdict

VERDICT = {"status": "proved", "method": "simplify", "detail": "", "seconds": 0.0123, "sizes": [2, 3]}


def key(*parts: str) -> str:
    return VerdictCache.make_key("engine 1", "sympy 1.14", *parts)


def test_roundtrip_and_stats(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path / "cache")
    k = key("x + x = 2*x")
    assert cache.get(k) is None
    cache.put(k, VERDICT)
    assert cache.get(k) == VERDICT
    assert VerdictCache(tmp_path / "cache").get(k) == VERDICT  # a fresh instance reads the same file
    assert (cache.stats.hits, cache.stats.misses, cache.stats.writes) == (1, 1, 1)
    path = cache.path_for(k)
    assert path is not None and path.parent.name == k[:2] and path.name == f"{k}.json"
    stored = json.loads(path.read_text())
    assert stored["format"] == FORMAT and stored["key"] == k and stored["value"] == VERDICT
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_put_overwrites(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    k = key("a")
    cache.put(k, {"status": "failed"})
    cache.put(k, VERDICT)
    assert cache.get(k) == VERDICT


def test_disabled_cache_misses_and_ignores_puts() -> None:
    cache = VerdictCache(None)
    k = key("a")
    cache.put(k, VERDICT)
    assert cache.get(k) is None and not cache.enabled
    assert (cache.stats.hits, cache.stats.misses, cache.stats.writes) == (0, 1, 0)


CORRUPTIONS = {
    "empty": lambda text: b"",
    "truncated": lambda text: text[: len(text) // 2],
    "binary garbage": lambda text: bytes(range(256)) * 4,
    "not utf-8": lambda text: b"\xff\xfe" + text,
    "json list": lambda text: b"[1, 2, 3]",
    "json string": lambda text: b'"proved"',
    "wrong marker": lambda text: text.replace(FORMAT.encode(), b"someone-else/1"),
    "no marker": lambda text: json.dumps({"value": VERDICT}).encode(),
    "hand edited value": lambda text: text.replace(b'"proved"', b'"failed"'),
    "value not a dict": lambda text: text.replace(b'"value":{', b'"value":[{').replace(b"}}", b"}]}"),
    "nan": lambda text: text.replace(b"0.0123", b"NaN"),
    "deep nesting": lambda text: b"[" * 100_000 + b"]" * 100_000,
    "huge": lambda text: b" " * (5 * 1024 * 1024) + text,
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupt_entry_is_a_miss_then_rebuilt(tmp_path: Path, corruption: str) -> None:
    cache = VerdictCache(tmp_path)
    k = key("step")
    cache.put(k, VERDICT)
    path = cache.path_for(k)
    assert path is not None
    path.write_bytes(CORRUPTIONS[corruption](path.read_bytes()))
    assert cache.get(k) is None
    assert cache.stats.rejected == 1
    assert not path.exists()  # removed, so a stale entry never lingers
    cache.put(k, VERDICT)
    assert cache.get(k) == VERDICT


def test_entry_of_another_key_is_a_miss(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    mine, other = key("mine"), key("other")
    cache.put(other, {"status": "proved"})
    source, target = cache.path_for(other), cache.path_for(mine)
    assert source is not None and target is not None
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(source.read_bytes())  # a copied (or renamed) file
    assert cache.get(mine) is None
    assert cache.get(other) == {"status": "proved"}


def test_directory_in_place_of_entry_is_a_miss(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    k = key("dir")
    path = cache.path_for(k)
    assert path is not None
    path.mkdir(parents=True)
    assert cache.get(k) is None


def test_malformed_keys_are_refused(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    for bad in ["../../etc/passwd", "", "A" * 64, key("a")[:-1], key("a") + "0"]:
        with pytest.raises(ValueError):
            cache.get(bad)


def test_values_that_would_not_roundtrip_are_refused(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    k = key("a")
    for bad in [{"sizes": (2, 3)}, {1: "x"}, {"x": float("nan")}, {"x": object()}, ["not", "a", "dict"]]:
        with pytest.raises(ValueError):
            cache.put(k, bad)  # type: ignore[arg-type]
    assert cache.get(k) is None


def test_folder_that_cannot_be_created_disables_the_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
        cache = VerdictCache(blocker / "cache")
        k = key("a")
        cache.put(k, VERDICT)
        assert cache.get(k) is None
    assert not cache.enabled
    assert len(caplog.records) == 1 and "cannot create" in caplog.text


def test_unwritable_folder_serves_hits_and_warns_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder that refuses every write (read-only, full, or owned by someone else) still serves its hits,
    and says so once, naming the first write that failed. Simulated by an ``os.open`` that refuses, because
    a chmod-ed folder proves nothing under root (root ignores file permissions, and the suite often runs as
    root in containers): no test here depends on who runs it, and none is skipped."""
    old = key("old")
    VerdictCache(tmp_path).put(old, VERDICT)
    before = (tmp_path / old[:2] / f"{old}.json").read_bytes()

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
        cache = VerdictCache(tmp_path)
        for n in range(5):
            cache.put(key(f"new {n}"), VERDICT)
            cache.put(old, VERDICT)
        assert cache.get(old) == VERDICT
        assert cache.get(key("new 0")) is None
    first = cache.path_for(key("new 0"))
    assert [r.getMessage() for r in caplog.records] == [
        f"verdict cache is read-only for this run: cannot write {first} (Permission denied)"]
    assert cache.stats.writes == 0
    assert (tmp_path / old[:2] / f"{old}.json").read_bytes() == before


def _hammer(folder: str, k: str, worker: int, rounds: int) -> None:
    cache = VerdictCache(Path(folder))
    for n in range(rounds):
        cache.put(k, {"writer": worker, "round": n, "pad": "x" * 5000})
        value = cache.get(k)
        assert value is not None and value["pad"] == "x" * 5000


def test_concurrent_writers_leave_a_valid_entry(tmp_path: Path) -> None:
    k = key("contended")
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_hammer, args=(str(tmp_path), k, w, 300)) for w in range(2)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(60)
    assert [p.exitcode for p in writers] == [0, 0]
    value = VerdictCache(tmp_path).get(k)
    assert value is not None and value["round"] == 299
    path = VerdictCache(tmp_path).path_for(k)
    assert path is not None and [p.name for p in path.parent.iterdir()] == [path.name]


def test_key_sensitivity() -> None:
    make = VerdictCache.make_key
    assert make("ab", "c") != make("a", "bc")
    assert make("ab", "") != make("ab") != make("", "ab")
    assert make("a", "b") != make("b", "a")
    assert make("x") != make(b"x")
    assert make("x", "y") == make("x", "y")
    assert make("é") == make("é") != make("e")
    keys = {make("sympy 1.14", "ctx", f"step {n}") for n in range(1000)}
    assert len(keys) == 1000
    assert all(len(k) == 64 and int(k, 16) >= 0 for k in keys)
    with pytest.raises(TypeError):
        make(1)  # type: ignore[arg-type]


def test_importing_the_cache_does_not_import_sympy() -> None:
    code = "import sys, mkdocs_derivations.cache; print('sympy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_verdict_stored_in_the_cache_comes_back_whole(tmp_path: Path) -> None:
    """Every field of a verdict survives the cache; the JSON form copies, so later edits don't leak in."""
    verdict = Verdict("refuted", method="numeric screen", detail="differs", sizes=[{"n": 2}], points=3,
                      seconds=0.25, counterexample={"x": "1/2"}, notes=["a note"])
    data = verdict.to_dict()
    assert set(data) == {f.name for f in dataclasses.fields(Verdict)}
    assert data == dataclasses.asdict(verdict)
    cache = VerdictCache(tmp_path)
    key = VerdictCache.make_key("verdict")
    cache.put(key, data)
    data["sizes"][0]["n"] = 5
    data["notes"].append("later")
    assert verdict.sizes == [{"n": 2}] and verdict.notes == ["a note"]
    stored = cache.get(key)
    assert stored is not None and Verdict.from_dict(stored) == verdict
    assert Verdict.from_dict(Verdict("proved").to_dict()) == Verdict("proved")


def test_a_cache_folder_deleted_while_in_use_is_made_again(tmp_path: Path) -> None:
    """`mkdocs serve` keeps one cache object; `rm -rf .cache` meanwhile must not turn caching off."""
    import shutil

    folder = tmp_path / "cache"
    cache = VerdictCache(folder)
    first, second = VerdictCache.make_key("first"), VerdictCache.make_key("second")
    cache.put(first, {"status": "proved"})
    shutil.rmtree(folder)
    cache.put(second, {"status": "refuted"})
    assert cache.get(second) == {"status": "refuted"} and cache.get(first) is None
    assert cache.stats.writes == 2


def test_retry_takes_a_folder_that_was_a_file_once_it_is_fixed(tmp_path: Path) -> None:
    """`mkdocs serve` keeps one cache object for the session: a folder that could not be created at its
    start (a file in its place) is tried again at each rebuild, silently while it still cannot be."""
    folder = tmp_path / "cache"
    folder.write_text("not a folder")
    cache = VerdictCache(folder)
    assert not cache.enabled
    cache.retry()
    assert not cache.enabled
    folder.unlink()
    cache.retry()
    assert cache.enabled
    cache.put(key("after"), VERDICT)
    assert VerdictCache(folder).get(key("after")) == VERDICT

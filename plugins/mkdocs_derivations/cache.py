"""Verdicts by content hash, in a folder that may be corrupt, foreign, shared or read-only.

A fully warm run must answer every claim from this cache without importing SymPy (~0.4 s), so this module
imports only the standard library. The cache must never *lie*: a wrong hit would print a check mark on a
step nobody checked. Hence:

* the key is a SHA-256 over length-prefixed parts chosen by the caller (engine version, SymPy version,
  context, step), so different inputs cannot collide by concatenation;
* each entry is one JSON file ``<folder>/<key[:2]>/<key>.json`` holding a format marker, the key itself,
  a checksum of the value and the value; a file that is unreadable, truncated, not JSON, of another format,
  filed under the wrong name (copied or foreign) or edited by hand is a miss, removed when possible, and
  never an exception;
* entries are written to a temporary file in the same folder and renamed over the target (``os.replace``),
  so readers and concurrent writers see either the old entry, the new one or none; no fsync is needed
  because a file torn by a power cut fails the checks above and is a miss;
* a folder that cannot be created degrades to a disabled cache; one that cannot be written keeps serving
  its valid entries but stops writing; either way one warning (which fails a ``--strict`` build: the folder
  is the user's to fix) and never an exception, every verdict still being computed; the next run of the
  same object (:meth:`VerdictCache.retry`, a `mkdocs serve` rebuild) tries the folder again;
* an entry may be written by another process (the checker's workers file the verdicts they compute, see
  :meth:`VerdictCache.entry_for_writing`) and its outcome reported back with :meth:`VerdictCache.written`;
  a writer killed between creating its temporary file and the rename leaves a dot-file that readers never
  look at.

What is cacheable is the caller's decision, not this module's: a verdict that depends on luck or load (an
error, a time limit hit, a crashed worker) must not be put, or one slow CI machine would freeze a spurious
"error" into every later run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .printable import plugin_logger

FORMAT = "mkdocs-derivations/verdict-cache/1"
_KEY = re.compile(r"[0-9a-f]{64}")
_MAX_ENTRY_BYTES = 4 * 1024 * 1024  # a verdict is a few hundred bytes; anything huge is not ours

log = plugin_logger()  # "mkdocs.plugins.derivations", each message held to one line


@dataclass
class CacheStats:
    """Counters of one cache instance, for tests."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    rejected: int = 0  # entries found but refused (corrupt, foreign, wrong key); counted in misses too


class VerdictCache:
    """A content-addressed store of JSON-native dicts; ``VerdictCache(None)`` is a disabled cache.

    Values must survive a JSON round trip unchanged (``put`` raises ``ValueError`` otherwise: a tuple would
    come back as a list, an integer dict key as a string), so that a hit returns exactly what was put.
    """

    def __init__(self, folder: Path | None) -> None:
        self.stats = CacheStats()
        self._configured = folder
        self._folder: Path | None = None
        self._writable = False
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("verdict cache disabled: cannot create %s (%s)", folder, exc.strerror or exc)
            return
        self._folder = folder
        self._writable = True

    def retry(self) -> None:
        """For a new run with this object (a `mkdocs serve` rebuild): take writes again, and create the
        folder if it could not be created, since it may have been fixed meanwhile. Silent when it still
        cannot be created; a write that fails again warns again.

        Without it, one failed write (the folder replaced by a file, a full disk) stopped the writes for the
        rest of a serve session, however soon the folder was fixed, and every verdict was computed again at
        the next start."""
        if self._configured is None or self._writable:
            return
        try:
            self._configured.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        self._folder = self._configured
        self._writable = True

    @property
    def enabled(self) -> bool:
        return self._folder is not None

    @staticmethod
    def make_key(*parts: str | bytes) -> str:
        """SHA-256 (hex) over the parts, each tagged with its type and length so no two sequences collide.

        ``("ab", "c")``, ``("a", "bc")`` and ``(b"ab", "c")`` give three different keys.
        """
        digest = hashlib.sha256(b"mkdocs-derivations/key/1\0")
        for part in parts:
            if isinstance(part, str):
                data, tag = part.encode("utf-8", "surrogatepass"), b"s"
            elif isinstance(part, bytes | bytearray | memoryview):
                data, tag = bytes(part), b"b"
            else:
                raise TypeError(f"key parts must be str or bytes, not {type(part).__name__}")
            digest.update(tag + len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def path_for(self, key: str) -> Path | None:
        """Where the entry for ``key`` lives (None when disabled); the key must come from :meth:`make_key`."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a cache key (64 lowercase hex digits): {key[:80]!r}")
        if self._folder is None:
            return None
        return self._folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The value stored under ``key``, or None (a miss) for anything less than a valid entry."""
        path = self.path_for(key)
        if path is None:
            self.stats.misses += 1
            return None
        value = self._read(path, key)
        if value is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store ``value`` under ``key`` atomically; a no-op when disabled or the folder is not writable."""
        text = _encode(key, value)  # validates even when disabled, so a bad value fails in every setup
        path = self.entry_for_writing(key)
        if path is not None:
            self.written(path, _write_entry_text(path, text))

    def entry_for_writing(self, key: str) -> Path | None:
        """Where :func:`write_entry` should file ``key``, or None when this cache takes no writes."""
        path = self.path_for(key)
        return path if self._writable else None

    def written(self, path: Path, error: str) -> None:
        """Record the outcome of :func:`write_entry` for ``path`` (``error`` empty on success); after a failed
        write the cache stops writing, with one warning."""
        if not error:
            self.stats.writes += 1
        elif self._writable:
            self._writable = False
            log.warning("verdict cache is read-only for this run: cannot write %s (%s)", path, error)

    def _read(self, path: Path, key: str) -> dict[str, Any] | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read(_MAX_ENTRY_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError:
            self._reject(path)
            return None
        value = _decode(data, key) if len(data) <= _MAX_ENTRY_BYTES else None
        if value is None:
            self._reject(path)
        return value

    def _reject(self, path: Path) -> None:
        """Count and remove an invalid entry so the next ``put`` starts clean (best effort)."""
        self.stats.rejected += 1
        if not self._writable:
            return
        try:
            path.unlink()
        except OSError:
            pass  # a directory in its place, a read-only folder, or a concurrent writer's fresh file


def _checksum(value_json: str) -> str:
    return hashlib.sha256(value_json.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _encode(key: str, value: dict[str, Any]) -> str:
    if not isinstance(value, dict):
        raise ValueError(f"cache values are dicts, not {type(value).__name__}")
    try:
        value_json = _canonical(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cache value is not JSON-native: {exc}") from exc
    if json.loads(value_json) != value:
        raise ValueError("cache value would not survive JSON unchanged (tuple, non-str dict key, ...)")
    entry = {"format": FORMAT, "key": key, "checksum": _checksum(value_json), "value": value}
    return _canonical(entry) + "\n"


def _decode(data: bytes, key: str) -> dict[str, Any] | None:
    """The value of a valid entry for ``key``; None for anything else, however malformed."""
    try:
        entry = json.loads(data.decode("utf-8"))
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        value = entry.get("value")
        if not isinstance(value, dict) or entry.get("checksum") != _checksum(_canonical(value)):
            return None
        return value
    except (ValueError, TypeError, RecursionError):  # ValueError covers JSON and Unicode decode errors
        return None


def write_entry(path: Path, key: str, value: dict[str, Any]) -> str:
    """File ``value`` under ``key`` at ``path`` (from :meth:`VerdictCache.entry_for_writing`), in any process;
    returns "" or why the folder refused it, for :meth:`VerdictCache.written`."""
    return _write_entry_text(path, _encode(key, value))


def _write_entry_text(path: Path, text: str) -> str:
    try:
        try:
            write_atomically(path, text)
        except FileNotFoundError:  # its subfolder is new (or was deleted, say during `mkdocs serve`)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
    except OSError as exc:
        return str(exc.strerror or exc)
    return ""


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write to a unique temporary file beside ``path``, then rename it over ``path``: a reader (or the next
    step of a CI job) sees the old file or the whole new one, never half of one. Text is written as UTF-8."""
    temporary = path.with_name(f".{path.stem[:16]}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise

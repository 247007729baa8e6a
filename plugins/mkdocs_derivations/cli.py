"""``mkdocs-derivations``: check specs without building the site (the command CI runs on pull requests).

It never reads ``mkdocs.yml`` (whose ``hooks:`` a pull request could change to run code), only the spec files
it is given. Exit codes: 0 every claim holds (definitions and unchecked claims allowed unless ``--strict``),
1 some claim is refuted or could not be checked, 2 a spec could not be loaded or the tool itself failed,
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO
from xml.etree import ElementTree as ET

from .cache import write_atomically
from .checked import CheckedSpec, claim_message, describe_claim, problem_message
from .checking import Checker, find_specs, named_like_spec
from .claims import Claim, Row
from .errors import unfollowed
from .launch import interrupted  # exit 130, not a spec's fault: the shell's code for a Ctrl-C
from .options import (
    DEFAULT_CACHE_DIR,
    DEFAULT_JOBS,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_PAGE_TIME_LIMIT_S,
    DEFAULT_TIME_LIMIT_S,
    MAX_JOBS,
    MAX_MEMORY_LIMIT_MB,
    MAX_PAGE_TIME_LIMIT_S,
    MAX_TIME_LIMIT_S,
    MIN_TIME_LIMIT_S,
    CheckOptions,
    option_problem,
)
from .printable import json_printable, printable
from .verdict import BADGES, FAILING, Verdict

EXIT_OK, EXIT_FAILED, EXIT_LOAD = 0, 1, 2
STRICT_FAILING = FAILING | {"unchecked", "numeric"}


def _record(checked: CheckedSpec, claim: Claim, row: Row | None, verdict: Verdict) -> dict[str, object]:
    return {
        "file": checked.shown_path,
        "line": claim.location.line,
        "column": claim.location.column,
        "where": claim.where,
        "equation": row.number if row else None,
        "label": row.label if row else None,
        "kind": claim.kind,
        "lhs": claim.lhs,
        "rhs": claim.rhs,
        "verdict": verdict.status,
        "method": verdict.method,
        "detail": verdict.detail,
        "sizes": verdict.sizes,
        "counterexample": verdict.counterexample,
        "notes": verdict.notes,
        "seconds": verdict.seconds,
    }


def _line(out: TextIO, text: str, *, command: bool = False) -> None:
    """Every line the CLI prints but JSON: one line, whatever contributor text it quotes, and none but a
    ``command`` (an annotation of ``--format github``) starting with ``::``, which GitHub Actions runs as a
    workflow command even after leading spaces. Only a file's path starts a line with contributor text, and
    a spec named ``::add-mask::x.yml`` in the working directory started one: it is shown as ``./::add-...``,
    the same file."""
    shown = printable(text)
    if not command and shown.lstrip().startswith("::"):
        shown = "./" + shown  # (a path's own leading spaces, which GitHub would skip, kept: it is the name)
    out.write(shown + "\n")


def _github_escape(text: str, *, prop: bool = False) -> str:
    """Control characters are shown as escapes (not as GitHub's ``%0A``), so an annotation reads as the log
    line does."""
    text = printable(text).replace("%", "%25")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def write_human(results: list[CheckedSpec], failing: frozenset[str], out: TextIO) -> None:
    totals: Counter[str] = Counter()
    for checked in results:
        counts = checked.status_counts()
        totals.update(counts)
        state = "LOAD ERROR" if checked.layout is None else ("FAIL" if any(
            s in failing for s in counts) or checked.errors else "ok")
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        _line(out, f"{state:>10}  {checked.shown_path}  ({summary or 'no claims'})")
        for problem in checked.problem_records(failing):
            _line(out, problem_message(problem))
    out.write("\n")
    _line(out, "claims: " + (", ".join(f"{n} {s}" for s, n in sorted(totals.items())) or "none"))
    _line(out, f"specs: {len(results)}, load errors: {sum(1 for r in results if r.errors)}")


def write_json(results: list[CheckedSpec], failing: frozenset[str], out: TextIO) -> None:
    """One JSON object per line: each load error, then every claim (``failing`` plays no part: a consumer
    decides what fails from each object's ``verdict``)."""
    for checked in results:
        for err in checked.errors:
            record = {"file": checked.shown_path, "line": err.location.line, "column": err.location.column,
                      "where": err.where, "verdict": "load-error", "detail": err.message}
            out.write(json_printable(json.dumps(record, ensure_ascii=False)) + "\n")
        for claim, row, verdict in checked.claim_records():
            out.write(json_printable(json.dumps(_record(checked, claim, row, verdict), ensure_ascii=False)) + "\n")


def write_github(results: list[CheckedSpec], failing: frozenset[str], out: TextIO) -> None:
    for checked in results:
        for err, claim, row, verdict in checked.problem_records(failing):
            if err is not None:
                loc, title, message = err.location, "derivation spec error", err.message
                if err.where:
                    message = f"[{err.where}] {message}"
            else:
                assert claim is not None and verdict is not None
                loc, title = claim.location, f"derivation step {verdict.status}"
                message = describe_claim(claim, row, verdict)
            props = f"file={_github_escape(checked.shown_path, prop=True)},line={max(loc.line, 1)}"
            if loc.column:
                props += f",col={loc.column}"
            props += f",title={_github_escape(title, prop=True)}"
            _line(out, f"::error {props}::{_github_escape(message)}", command=True)
    write_human(results, failing, out)


def write_junit(results: list[CheckedSpec], failing: frozenset[str], path: Path) -> None:
    """Every attribute and text passes :func:`printable`: XML 1.0 cannot hold most control characters at all,
    and a CI system shows a test's message as one line of its log. The counts are of test cases, as JUnit
    readers take them (a spec's errors share its `load` case), and the file is replaced whole."""
    suites = ET.Element("testsuites", name="mkdocs-derivations")
    for checked in results:
        _junit_suite(suites, checked, failing)
    for count in ("tests", "failures", "errors", "skipped"):
        suites.set(count, str(sum(int(suite.get(count, "0")) for suite in suites)))
    # Replaced whole: a run stopped while writing (a cancelled CI job, a full disk) leaves the old report or
    # none, never half of one for the next step to upload or parse.
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, ET.tostring(suites, encoding="utf-8", xml_declaration=True))


def _junit_suite(suites: ET.Element, checked: CheckedSpec, failing: frozenset[str]) -> None:
    """One spec's `testsuite`: a `load` case holding its errors, then a case per claim."""
    shown = printable(checked.shown_path)
    suite = ET.SubElement(suites, "testsuite", name=shown)
    load = ET.SubElement(suite, "testcase", classname=shown, name="load")
    for err in checked.errors:
        ET.SubElement(load, "error", message=printable(err.message), type="SpecError").text = printable(str(err))
    for claim, row, verdict in checked.claim_records():
        eq = f"({row.number}) " if row and row.number else ""
        case = ET.SubElement(suite, "testcase", classname=shown,
                             name=printable(f"{eq}{claim.where} line {claim.location.line}"),
                             time=f"{verdict.seconds:.4f}")
        if verdict.status in failing:
            tag = "failure" if verdict.status == "refuted" else "error"
            ET.SubElement(case, tag, message=printable(describe_claim(claim, row, verdict)),
                          type=verdict.status).text = printable(claim_message(claim, row, verdict))
        elif verdict.status in {"unchecked", "definition"}:
            ET.SubElement(case, "skipped", message=BADGES[verdict.status][1])
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for count, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(count, str(sum(1 for case in cases if case.find(tag) is not None)))


_WRITERS: dict[str, Callable[[list[CheckedSpec], frozenset[str], TextIO], None]] = {
    "human": write_human, "json": write_json, "github": write_github}


def _collect(paths: list[str]) -> list[Path]:
    """The spec files named, each once: a file given both by itself and through its folder (or as
    ``./a.yml`` and ``a.yml``) was checked twice and reported as taking its own page name."""
    out: dict[Path, Path] = {}
    for raw in paths or ["derivations"]:
        p = Path(raw)
        for spec in find_specs(p) if p.is_dir() else [p]:
            out.setdefault(unfollowed(spec), spec)
    return list(out.values())


def _named_as_spec(path: Path) -> bool:
    """A path given to `check` names a folder, a spec (`*.yml`, `*.yaml`, as :func:`find_specs` takes them
    from a folder), or nothing yet (reported as missing, later)."""
    if named_like_spec(path) or path.is_dir():
        return True
    return not (path.exists() or path.is_symlink())


def nonempty_path(text: str) -> str:
    """An argparse type: ``""`` is the working directory to pathlib, which an unset variable
    (`check "$SPECS"`, `--cache-dir "$CACHE"`) must not silently mean."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path names no file or folder")
    return text


def shard_option(text: str) -> tuple[int, int]:
    """``I/N`` as (I, N); a usage error (exit 2 with the usage line) otherwise, not an internal one."""
    index, slash, total = text.partition("/")
    if slash and index.isdigit() and total.isdigit() and 1 <= int(index) <= int(total):
        return int(index), int(total)
    raise argparse.ArgumentTypeError(f"`{text}` is not I/N with 1 <= I <= N (for example 2/4)")


def bounded(name: str, kind: type[int] | type[float]) -> Callable[[str], float]:
    """An argparse type for the checking option ``name``: a usage error (exit 2) for a value out of bounds."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"`{text}` is not a{'n integer' if kind is int else ' number'}") from None
        problem = option_problem(name, value)
        if problem:
            raise argparse.ArgumentTypeError(f"`{text}`: {problem}")
        return value

    return parse


def _shard(paths: list[Path], shard: tuple[int, int] | None) -> list[Path]:
    """The files of shard ``I/N``: page names are sorted and dealt out in turn, and every file goes with its
    page name, so that two files making one page (`a.yml`, `A.yaml`) meet in one shard and the collision is
    reported there (dealt out by file, they could land in different shards and both pass)."""
    if not shard:
        return paths
    index, total = shard
    names = sorted({p.stem.casefold() for p in paths})
    mine = {name for i, name in enumerate(names) if i % total == index - 1}
    return [p for p in sorted(paths, key=lambda p: p.as_posix()) if p.stem.casefold() in mine]


def _unreadable(err: OSError) -> int:
    """A folder that cannot be listed (a spec file's own read errors are load errors of that spec)."""
    _line(sys.stderr, f"{err.filename or ''}: cannot read the folder: {err.strerror or err}")
    return EXIT_LOAD


def _junit_refused(path: Path, err: OSError | None = None) -> bool:
    """Says why the JUnit report cannot be written to ``path`` (a folder is found before any checking, so the
    run is not spent for nothing), instead of the internal error an ``IsADirectoryError`` was. A name that
    a spec could have is refused too: `--junit-xml derivations/a.yml` replaced the spec with the report."""
    if path.is_dir():
        reason = "it is a folder"
    elif named_like_spec(path):
        reason = "it is named like a spec (.yml, .yaml), and would replace one or become one"
    elif err is not None:
        reason = err.strerror or str(err)
    else:
        return False
    _line(sys.stderr, f"cannot write the JUnit report to {path}: {reason}")
    return True


def _wrote_junit(results: list[CheckedSpec], failing: frozenset[str], path: Path) -> bool:
    try:
        write_junit(results, failing, path)
    except OSError as err:  # the verdicts stand, but a job whose report is missing must fail
        _junit_refused(path, err)
        return False
    return True


def cmd_check(args: argparse.Namespace) -> int:
    if args.junit_xml and _junit_refused(Path(args.junit_xml)):
        return EXIT_LOAD
    try:
        not_specs = [raw for raw in args.paths if not _named_as_spec(Path(raw))]
        collected = _collect(args.paths)
    except OSError as unreadable:
        return _unreadable(unreadable)
    if not_specs:  # it would pass here, and the site, or `check` of its folder, would never take it
        for raw in not_specs:
            _line(sys.stderr, f"{raw}: not a spec file (a spec's name ends in .yml or .yaml)")
        return EXIT_LOAD
    if not collected:  # a CI job pointed at the wrong folder must not pass with nothing checked
        _line(sys.stderr, f"no spec files (*.yml, *.yaml) in {', '.join(args.paths or ['derivations'])}")
        return EXIT_LOAD
    paths = _shard(collected, args.shard)
    if args.shard and not paths:  # more shards than pages: nothing is wrong, but nothing was checked either
        pages = len({p.stem.casefold() for p in collected})
        _line(sys.stderr, f"shard {args.shard[0]}/{args.shard[1]} has no spec files: {pages} page "
                          f"name{'s were' if pages != 1 else ' was'} dealt out to {args.shard[1]} shards")
    missing = [p for p in paths if not (p.exists() or p.is_symlink())]  # the rest say why when loaded
    if missing:
        for p in missing:
            default = "" if args.paths else " (the folder checked when no path is given)"
            _line(sys.stderr, f"{p}: no such file or folder{default}")
        return EXIT_LOAD
    cache_dir = None if args.no_cache else Path(args.cache_dir)
    options = CheckOptions.from_settings(time_limit=args.time_limit, page_time_limit=args.page_time_limit,
                                         memory_limit_mb=args.memory_limit,
                                         jobs=args.jobs, cache_dir=cache_dir)
    checker = Checker(options)
    progress_out = sys.stderr if args.format == "human" and sys.stderr.isatty() else None
    done = [0]

    def progress(checked: CheckedSpec, index: int, verdict: Verdict) -> None:
        done[0] += 1
        if progress_out is not None:
            progress_out.write(f"\rchecked {done[0]} claims ({printable(checked.shown_path)})\033[K")
            progress_out.flush()

    # Other specs in the same folders are loaded (not checked) so that references to them resolve.
    given = {unfollowed(p) for p in paths}  # a spec that is a link loop becomes its load error
    try:
        neighbours = sorted({n for p in paths for n in find_specs(p.parent) if unfollowed(n) not in given})
    except OSError as unreadable:
        checker.close()
        return _unreadable(unreadable)
    try:
        results = checker.check_paths(paths, progress=progress, context=neighbours)
    finally:
        checker.close()
    if progress_out is not None:
        progress_out.write("\n")
    failing = frozenset(STRICT_FAILING if args.strict else FAILING)
    try:
        _WRITERS[args.format](results, failing, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (`| head`): the verdicts, and so the exit code, stand
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor may the exit's flush fail again
    if args.junit_xml and not _wrote_junit(results, failing, Path(args.junit_xml)):
        return EXIT_LOAD
    if any(r.errors for r in results):
        return EXIT_LOAD
    if any(v.status in failing for r in results for _, _, v in r.claim_records()):
        return EXIT_FAILED
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mkdocs-derivations", description="Check derivation specs without "
                                     "building the site (what CI runs on pull requests), or start a new one.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="verify spec files (default: derivations/)")
    check.add_argument("paths", nargs="*", type=nonempty_path, metavar="PATHS",
                       help="spec files (*.yml, *.yaml) or folders (default: derivations)")
    check.add_argument("--format", choices=list(_WRITERS), default="human", help="report format (default: human)")
    check.add_argument("--junit-xml", metavar="FILE", type=nonempty_path,
                       help="also write a JUnit XML report (one case per claim)")
    check.add_argument("--strict", action="store_true", help="also fail on unchecked and numeric-only claims")
    check.add_argument("--jobs", metavar="N", type=bounded("jobs", int), default=DEFAULT_JOBS,
                       help=f"worker processes, at most {MAX_JOBS} (default 0: one per core)")
    check.add_argument("--time-limit", metavar="SECONDS", type=bounded("time_limit", float),
                       default=DEFAULT_TIME_LIMIT_S, help=f"CPU seconds per claim, {MIN_TIME_LIMIT_S:g} to "
                       f"{MAX_TIME_LIMIT_S:g} (default {DEFAULT_TIME_LIMIT_S:g})")
    check.add_argument("--page-time-limit", metavar="SECONDS", type=bounded("page_time_limit", float),
                       default=DEFAULT_PAGE_TIME_LIMIT_S, help=f"CPU seconds for all the claims of one page, "
                       f"{MIN_TIME_LIMIT_S:g} to {MAX_PAGE_TIME_LIMIT_S:g} (default {DEFAULT_PAGE_TIME_LIMIT_S:g})")
    check.add_argument("--memory-limit", metavar="MIB", type=bounded("memory_limit", int),
                       default=DEFAULT_MEMORY_LIMIT_MB, help=f"MiB each worker may add, 1 to {MAX_MEMORY_LIMIT_MB} "
                       f"(default {DEFAULT_MEMORY_LIMIT_MB})")
    check.add_argument("--cache-dir", metavar="DIR", type=nonempty_path, default=DEFAULT_CACHE_DIR,
                       help=f"verdict cache folder (default {DEFAULT_CACHE_DIR})")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the verdict cache")
    check.add_argument("--shard", metavar="I/N", type=shard_option,
                       help="check only the I-th of N deterministic shards")
    check.set_defaults(func=cmd_check, subparser=check)
    new = sub.add_parser("new", help="write a commented starter spec that passes `check`")
    new.add_argument("slug", metavar="SLUG", help="file name without .yml, e.g. my-derivation")
    new.add_argument("--dir", metavar="DIR", type=nonempty_path, default="derivations",
                     help="folder for the new spec (default: derivations)")
    new.set_defaults(func=cmd_new, subparser=new)
    return parser


def cmd_new(args: argparse.Namespace) -> int:
    from .starter import starter_spec

    folder = Path(args.dir)
    target = folder / f"{args.slug}.yml"
    try:
        # Both end up in comments of the spec: a newline in a folder's name made the rest of it YAML.
        text = starter_spec(args.slug, schema_path=printable(_schema_reference(folder)),
                            path=printable(shlex.quote(target.as_posix())))
    except ValueError as err:
        _line(sys.stderr, f"mkdocs-derivations new: {err}")
        return EXIT_LOAD
    problem = _create_spec(folder, target, text)
    if problem:
        _line(sys.stderr, problem)
        return EXIT_LOAD
    _line(sys.stdout, f"wrote {target}; check it with: mkdocs-derivations check {shlex.quote(target.as_posix())}")
    return EXIT_OK


def _create_spec(folder: Path, target: Path, text: str) -> str | None:
    """Write a new spec ``target`` in ``folder``, or say why not: the name, or its page, is taken (the starter
    would fail `check` beside a `SLUG.yaml`), or the folder cannot take it (a file, read-only: these were
    internal errors). The file is created exclusively, so neither a file nor a link of that name (a dangling
    one was written through, outside the folder) is ever overwritten."""
    slug = target.stem
    try:
        taken = [p for p in find_specs(folder) if p.stem.casefold() == slug and p.name != target.name]
        if taken:
            return f"{taken[0]}: already makes the page `{slug}`; not writing {target}"
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # mkdir's word for "a file has the folder's name"
        return f"mkdocs-derivations new: cannot write {target}: {folder} is not a folder"
    except OSError as err:
        return f"mkdocs-derivations new: cannot write {target}: {err.strerror or err}"
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return f"{target}: already exists; not overwritten"
    except OSError as err:
        return f"mkdocs-derivations new: cannot write {target}: {err.strerror or err}"
    return None


def _schema_reference(folder: Path) -> str:
    """The schema as a new spec should name it: relative to the spec when this is a checkout of the project
    (so the line works on every contributor's machine), otherwise the installed package's file."""
    schema = Path(__file__).parent / "schema" / "derivation.schema.json"
    repo_copy = Path.cwd() / "plugins" / "mkdocs_derivations" / "schema" / "derivation.schema.json"
    if repo_copy.is_file():
        return os.path.relpath(repo_copy, folder.resolve())
    return schema.as_posix()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # with the usage of the subcommand, not of the whole program as parse_args would give
        args.subparser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        return interrupted()
    except Exception as err:  # noqa: BLE001 - an internal crash must never look like a green run
        _line(sys.stderr, f"mkdocs-derivations: internal error: {type(err).__name__}: {err}")
        return EXIT_LOAD


if __name__ == "__main__":
    sys.exit(main())

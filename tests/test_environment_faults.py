"""A failing environment (a missing package, an OS call that fails) is a clear error naming what went wrong,
in `mkdocs build` and the CLI: never a traceback, never a site left half-replaced.

Each test makes one OS call fail in the child that runs MkDocs (``site_support.run_mkdocs``'s patch), so the
assertions are on what a user sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_support import TINY_SPEC, make_site, run_mkdocs

pytestmark = pytest.mark.slow


def assert_clean_failure(result: object, *messages: str) -> None:
    output = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 1, output  # type: ignore[attr-defined]
    assert "Traceback" not in output, output
    for message in messages:
        assert message in output, output


def test_missing_mathjax_package_stops_the_build_before_it_starts(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": TINY_SPEC})
    patch = ("import importlib.util\n_find = importlib.util.find_spec\n"
             "importlib.util.find_spec = lambda name, *a: None if name == 'mathjax' else _find(name, *a)\n")
    result = run_mkdocs(site, "build", patch=patch)
    assert_clean_failure(
        result, "ERROR   -  derivations: serve_mathjax: MathJax not found; install the `django-static-mathjax` "
        "package (a dependency of mkdocs-derivations); or set `serve_mathjax: false` if the site loads its own "
        "MathJax 3", "Aborted with a BuildError!")
    assert not (site / "site").exists()


def test_a_damaged_mathjax_install_is_named(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": TINY_SPEC})
    patch = ("import pathlib\n_is_file = pathlib.Path.is_file\n"
             "pathlib.Path.is_file = lambda self: False if self.name == 'safe.js' else _is_file(self)\n")
    result = run_mkdocs(site, "build", patch=patch)
    assert_clean_failure(result, "derivations: serve_mathjax: MathJax file ", "/ui/safe.js not found; reinstall the "
                         "`django-static-mathjax` package")


def _fail_os_replace(when: str, error: str) -> str:
    """A patch making ``os.replace(src, dst)`` raise ``error`` (an errno name) when ``when`` (a Python
    expression over ``src`` and ``dst``) holds."""
    return ("import errno, os\n_replace = os.replace\n"
            "def replace(src, dst, *a, **k):\n"
            f"    src, dst = os.fspath(src), os.fspath(dst)\n    if {when}:\n"
            f"        raise OSError(errno.{error}, os.strerror(errno.{error}), src)\n"
            "    return _replace(src, dst, *a, **k)\n"
            "os.replace = replace\n")


def _previous_site(tmp_path: Path) -> Path:
    site = make_site(tmp_path, {"good.yml": TINY_SPEC})
    first = run_mkdocs(site, "build")
    assert first.returncode == 0, first.stderr
    (site / "docs" / "index.md").write_text("# Changed\n", encoding="utf-8")
    return site


def _assert_previous_site_intact(site: Path) -> None:
    assert "Changed" not in (site / "site" / "index.html").read_text(encoding="utf-8")
    assert (site / "site" / "derivations" / "good" / "index.html").is_file()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("site")) == ["site"]  # no staging, no old


def test_new_site_that_cannot_be_moved_into_place_puts_the_previous_one_back(tmp_path: Path) -> None:
    site = _previous_site(tmp_path)
    result = run_mkdocs(site, "build", patch=_fail_os_replace("src.endswith('.derivations-staging')", "EBUSY"))
    assert_clean_failure(
        result, f"ERROR   -  derivations: atomic_build: cannot move the new site {site}/site.derivations-staging "
        f"to {site}/site: Device or resource busy; the previous site is unchanged (a site_dir that cannot be "
        "renamed, such as a mount point, needs `atomic_build: false`)", "Aborted with a BuildError!")
    _assert_previous_site_intact(site)


def test_previous_site_that_cannot_be_moved_aside_stays(tmp_path: Path) -> None:
    site = _previous_site(tmp_path)
    result = run_mkdocs(site, "build", patch=_fail_os_replace("'.derivations-old-' in dst", "EACCES"))
    assert_clean_failure(result, f"ERROR   -  derivations: atomic_build: cannot move the previous site {site}/site "
                         f"aside to {site}/site.derivations-old-",
                         ": Permission denied; the previous site is unchanged")
    _assert_previous_site_intact(site)


def test_leftover_staging_folder_that_cannot_be_removed(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": TINY_SPEC})
    (site / "site.derivations-staging").mkdir()
    patch = ("import errno, os, shutil\n"
             "def rmtree(path, *a, **k):\n"
             "    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))\n"
             "shutil.rmtree = rmtree\n")
    result = run_mkdocs(site, "build", patch=patch)
    assert_clean_failure(result, f"ERROR   -  derivations: atomic_build: cannot remove {site}/site.derivations-staging,"
                         " left over from an earlier build: Permission denied; remove it by hand")


def test_when_the_previous_site_cannot_be_put_back_the_message_says_where_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from mkdocs_derivations import staging

    site_dir, new = tmp_path / "site", tmp_path / "site.derivations-staging"
    site_dir.mkdir()
    new.mkdir()
    real_replace = os.replace

    def replace(src: Path, dst: Path) -> None:
        if Path(dst) == site_dir:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(staging.StagingError) as caught:
        staging.swap_into_place(new, site_dir)
    old = tmp_path / f"site.derivations-old-{os.getpid()}"
    assert str(caught.value) == (f"cannot move the new site {new} to {site_dir}: Device or resource busy; nor the "
                                 f"previous site back from {old}: Device or resource busy")
    assert old.is_dir()


_FORK_FAILS = ("import errno, os\n"
               "def fork():\n    raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))\n"
               "os.fork = fork\n")


def test_a_worker_that_cannot_be_forked_makes_error_verdicts_not_a_traceback(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": TINY_SPEC})
    message = ("derivations/good.yml:11:11: equation (1), block 2 (math 'tiny'), step 1: could not be checked: could "
               "not start a checking worker (fork: Resource temporarily unavailable); not verified")
    result = run_mkdocs(site, "build", patch=_FORK_FAILS)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert f"WARNING -  {message}" in result.stderr
    assert_clean_failure(run_mkdocs(site, "build", "--strict", patch=_FORK_FAILS), message)


def test_an_unreadable_specs_folder_stops_the_build(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": TINY_SPEC})
    patch = ("import errno, os, pathlib\n_iterdir = pathlib.Path.iterdir\n"
             "def iterdir(self):\n    if self.name == 'derivations':\n"
             "        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))\n"
             "    return _iterdir(self)\n"
             "pathlib.Path.iterdir = iterdir\n")
    result = run_mkdocs(site, "build", patch=patch)
    assert_clean_failure(result, "ERROR   -  derivations: specs_dir: cannot read the folder derivations: "
                         "Permission denied", "Aborted with a BuildError!")


def test_cli_reports_a_worker_that_cannot_be_forked_per_claim(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import errno
    import os

    from mkdocs_derivations.cli import main

    (tmp_path / "good.yml").write_text(TINY_SPEC, encoding="utf-8")

    def fork() -> int:
        raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))

    monkeypatch.setattr(os, "fork", fork)
    assert main(["check", str(tmp_path / "good.yml"), "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert ("good.yml:11:11: equation (1), block 2 (math 'tiny'), step 1: could not be checked: could not start a "
            "checking worker (fork: Resource temporarily unavailable); not verified") in out
    assert "internal error" not in out + err


def test_cli_reports_an_unreadable_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import errno
    import os

    from mkdocs_derivations.cli import main

    (tmp_path / "derivations").mkdir()

    def iterdir(self: Path) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "iterdir", iterdir)
    assert main(["check", str(tmp_path / "derivations")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'derivations'}: cannot read the folder: Permission denied\n"


def test_a_pool_that_cannot_grow_goes_on_with_the_workers_it_has(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from mkdocs_derivations import pool

    with pool.WorkerPool(abs, jobs=1) as small:
        def pipe(duplex: bool = True) -> object:
            raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))

        monkeypatch.setattr(pool, "Pipe", pipe)
        small._jobs = 3  # as if started with jobs=3 and one worker: growing now needs a pipe
        assert [r.value for r in small.map([-1, -2, -3, -4])] == [1, 2, 3, 4]
        assert len(small.worker_pids()) == 1
    with pytest.raises(pool.WorkerStartError, match="pipe: Too many open files"):
        pool.WorkerPool(abs, jobs=2)

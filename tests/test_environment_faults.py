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

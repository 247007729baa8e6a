"""What the published files hold: the wheel everything a site needs at build time, the sdist the whole
test suite.

An adoption audit installed the wheel into a fresh virtual environment (fine) and ran the tests of the
sdist: it held only ``tests/test_*.py`` (setuptools' default), without conftest.py, the site helpers, the
fixtures, the docs and the specs they read, so not one test could run from it. MANIFEST.in adds them.
The build runs as ``python -m build`` does for a release (sdist first, the wheel from the sdist), on a copy
of the checkout so that nothing is written into it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "plugins" / "mkdocs_derivations"
pytestmark = pytest.mark.slow

_NOT_SOURCES = shutil.ignore_patterns(".git", "site", "site.*", ".cache", ".venv", "build", "dist", "*.egg-info",
                                      "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache", ".pytest_cache")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], zipfile.ZipFile]:
    """(the sdist's paths below its top folder, the wheel built from it)."""
    pytest.importorskip("build", reason="the packaging test needs `build` (pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("packaging")
    shutil.copytree(ROOT, work / "src", ignore=_NOT_SOURCES)
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(work / "src")],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [sdist] = (work / "dist").glob("*.tar.gz")
    [wheel] = (work / "dist").glob("*.whl")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    return names, zipfile.ZipFile(wheel)


def test_the_sdist_holds_what_the_tests_read(built: tuple[set[str], zipfile.ZipFile]) -> None:
    sdist, _ = built
    wanted = {"tests/conftest.py", "tests/site_support.py", "tests/browser/conftest.py",
              "tests/fixtures/mathjax-site/mkdocs.yml", "tests/corpus/README.md", "tests/golden",
              "docs/index.md", "docs/assets/seed-page.png", "derivations/mml-5-2-2-multivariate-chain-rule.yml",
              "mkdocs.yml", "bench/bench.py", "pyproject.toml", "README.md", "LICENSE"}
    assert wanted - sdist == set()
    tests = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*") if p.is_file()
             and "__pycache__" not in p.parts and ".hypothesis" not in p.parts}
    assert tests - sdist == set()
    assert not [name for name in sdist if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_holds_the_package_its_assets_and_its_entry_points(
        built: tuple[set[str], zipfile.ZipFile]) -> None:
    _, wheel = built
    names = set(wheel.namelist())
    package = {"mkdocs_derivations/" + p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert {"mkdocs_derivations/assets/mathjax-config.js", "mkdocs_derivations/assets/derivations.css",
            "mkdocs_derivations/schema/derivation.schema.json", "mkdocs_derivations/py.typed"} <= package
    assert package - names == set()
    assert not [name for name in names if name.split("/")[0] not in {"mkdocs_derivations"}
                and not name.startswith("mkdocs_derivations-")]  # no tests, docs or bench in the wheel
    info = next(name.rsplit("/", 1)[0] for name in names if name.endswith(".dist-info/METADATA"))
    entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert "derivations = mkdocs_derivations.plugin:DerivationsPlugin" in entry_points
    assert "mkdocs-derivations = mkdocs_derivations.launch:main" in entry_points
    metadata = wheel.read(f"{info}/METADATA").decode()
    assert "Requires-Dist: django-static-mathjax==3.2.2.1" in metadata  # the MathJax the site serves
    # An SPDX licence expression: setuptools refuses the older `license = {text = ...}` from 2027-02-18.
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata

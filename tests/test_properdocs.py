"""The real site builds with ProperDocs (the maintained fork of MkDocs 1.6), plugin and theme unchanged.

ProperDocs runs ``mkdocs.plugins`` entry points and redirects every ``mkdocs.*`` import to its own modules,
so the plugin needs no change. The honest test is a clean virtual environment holding only what a user
would install (``pip install properdocs mkdocs-derivations``), then ``properdocs build --strict`` on the
repository's own ``mkdocs.yml`` (read as ProperDocs' fallback config name). The package is installed
from a copy of its sources so that pip's build leaves nothing in the working tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SEED = "derivations/mml-5-2-2-multivariate-chain-rule/index.html"


def _run(args: list[str], *, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"MKDOCS_DERIVATIONS_VERIFY", "VIRTUAL_ENV", "PYTHONPATH"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def test_properdocs_builds_the_real_site(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "plugins", source / "plugins",
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", "properdocs", str(source)], cwd=tmp_path, timeout=600)

    site = tmp_path / "site"
    result = _run([str(python), "-m", "properdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"),
                   "-d", str(site)], cwd=REPO, timeout=900)
    assert "Documentation built" in result.stderr + result.stdout

    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="generator" content="mkdocs-ProperDocs [0-9.]+, mkdocs-material-', home), \
        "the site was not built by ProperDocs"
    seed = (site / SEED).read_text(encoding="utf-8")
    assert re.findall(r"\\tag\{(\d+)\}", seed) == [str(n) for n in range(1, 20)]
    summary = re.search(r'<p class="deriv-summary">([^<]*)</p>', seed)
    assert summary is not None
    assert summary.group(1) == ("16 of 19 equations machine-checked: 7 proved, 6 for all dimensions, 3 at sizes; "
                                "3 definitions or assumptions."), summary.group(1)
    assert (site / "assets/derivations/derivations.js").is_file()
    assert (site / "assets/mathjax/tex-chtml-full.js").is_file()

"""Sites set up the way an adopter's are, not like this repository's.

An adoption audit found the TeX macros a site defines for MathJax dropped without a word (the plugin's
MathJax configuration replaced the site's), which left each `\\RR` an undefined-macro error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import BrowserPage

import site_support

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MATERIAL = "theme: {name: material, font: false}"


def _site(root: Path, specs: dict[str, str], theme: str = MATERIAL, extra: str = "") -> Path:
    """A site made like the test suite's others, with another theme line and more `mkdocs.yml`; built
    without --strict (a refuted step is a warning), so that its page can be looked at."""
    site_support.make_site(root, specs)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert MATERIAL in text
    # with `search`, as sites have it: the `mkdocs` theme's own script fails on a page without its search box
    text = text.replace(MATERIAL, theme).replace("plugins:\n", "plugins:\n  - search\n")
    config.write_text(text + extra, encoding="utf-8")
    result = site_support.run_mkdocs(root, "build")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return root / "site"


MACROS_JS = 'window.MathJax = {tex: {macros: {RR: "{\\\\mathbb{R}}", sq: ["{#1}^{2}", 1]}}};\n'
MACRO_SPEC = """\
version: 1
title: Macros
symbols:
  t: real
blocks:
  - text: 'For $t \\in \\RR$, the square $\\sq{t}$:'
  - math:
      label: square
      start: {tex: '\\sq{t}', sympy: 't**2'}
      steps:
        - {tex: 't \\cdot t \\in \\RR', sympy: 't*t'}
"""


def test_the_sites_own_mathjax_macros_are_kept(tmp_path: Path, serve: Callable[[Path], str],
                                               browser_page: BrowserPage) -> None:
    """A site defines macros as MathJax documents it, in a script of extra_javascript; MkDocs loads the
    site's scripts before the plugin's, whose configuration then replaced them."""
    (tmp_path / "docs" / "js").mkdir(parents=True)
    (tmp_path / "docs" / "js" / "macros.js").write_text(MACROS_JS, encoding="utf-8")
    site = _site(tmp_path, {"macros.yml": MACRO_SPEC}, extra="extra_javascript:\n  - js/macros.js\n")
    browser_page.goto(f"{serve(site)}/derivations/macros/")
    page = browser_page.page
    assert browser_page.math_errors() == []
    assert page.locator("article mjx-container").count() == 3
    mml = "".join(page.evaluate("() => [...document.querySelectorAll('article mjx-assistive-mml')]"
                                ".map(e => e.innerHTML)"))
    assert mml.count('mathvariant="double-struck"') == 2 and mml.count("<msup>") == 2  # \RR, \sq twice each
    # Only the macros are the site's: the rest of the configuration stays the plugin's.
    assert page.evaluate("() => MathJax.config.tex.tags") == "none"
    assert "ui/safe" in page.evaluate("() => MathJax.config.loader.load")
    browser_page.assert_clean()

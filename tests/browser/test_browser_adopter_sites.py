"""Sites set up the way an adopter's are, not like this repository's: MkDocs' own themes, and the site's own
MathJax macros.

An adoption audit found the pages of a site on the `mkdocs` or `readthedocs` theme with plain black
badges and no red edge on a refuted step (the styles applied inside Material's `.md-typeset` only), and
the TeX macros a site defines for MathJax dropped without a word (the plugin's MathJax configuration
replaced the site's), which left each `\\RR` an undefined-macro error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import CONTRAST_JS, BrowserPage

import site_support

pytestmark = [pytest.mark.slow, pytest.mark.browser]

GOOD = site_support.TINY_SPEC
WRONG = GOOD.replace("'2*sin(t)*cos(t)'", "'2*sin(t)'")
# A second row citing the first: its "by (1)" is repeated after the formula for screen readers only.
CITING = GOOD + """\
  - math:
      start: {tex: c, sympy: '2*sin(t)*cos(t)'}
      steps:
        - {tex: d, sympy: 'sin(2*t)', by: tiny}
"""
MATERIAL = "theme: {name: material, font: false}"
# highlight.js comes from cdnjs unless turned off (docs/configuration.md, "Working offline").
THEMES = {
    "mkdocs": "theme: {name: mkdocs, highlightjs: false}",
    "mkdocs-dark": "theme: {name: mkdocs, highlightjs: false, color_mode: dark}",
    "readthedocs": "theme: {name: readthedocs, highlightjs: false}",
}
# MkDocs 1.6's darkmode.js (the `mkdocs` theme with a color_mode) switches the highlight.js stylesheets
# that `highlightjs: false` leaves out: the theme's own error, on every page of such a site.
THEME_ERRORS = {"mkdocs-dark": ["Cannot set properties of null (setting 'disabled')"]}
# --deriv-refuted and --deriv-proved of derivations.css, light and dark.
REFUTED = {"light": "rgb(198, 40, 40)", "dark": "rgb(255, 122, 112)"}
PROVED = {"light": "rgb(27, 127, 59)", "dark": "rgb(95, 209, 127)"}

_ROW_JS = "(status) => {" + CONTRAST_JS + """
  const row = document.querySelector('.deriv-eq.deriv-' + status);
  const summary = row.querySelector('details.deriv-verdict > summary');
  const style = getComputedStyle(row), badge = getComputedStyle(summary);
  return {edge: parseFloat(style.borderLeftWidth), edgeColor: style.borderLeftColor, color: badge.color,
          size: parseFloat(badge.fontSize), contrast: contrast(summary, 'color')};
}"""

# An open badge swaps its text and fill: the text on the verdict's colour.
_OPEN_JS = "() => {" + CONTRAST_JS + """
  const summary = document.querySelector('.deriv-eq.deriv-refuted details.deriv-verdict > summary');
  summary.click();
  const fill = rgba(getComputedStyle(summary).backgroundColor);
  return ratio(over(rgba(getComputedStyle(summary).color), fill), fill.slice(0, 3));
}"""


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


@pytest.fixture(scope="module")
def theme_urls(tmp_path_factory: pytest.TempPathFactory, serve: Callable[[Path], str]) -> Iterator[dict[str, str]]:
    yield {name: serve(_site(tmp_path_factory.mktemp(name), {"good.yml": CITING, "wrong.yml": WRONG}, theme))
           for name, theme in THEMES.items()}


@pytest.mark.parametrize("theme", list(THEMES))
def test_verdicts_are_styled_on_mkdocs_own_themes(browser_page: BrowserPage, theme_urls: dict[str, str],
                                                  theme: str) -> None:
    scheme = "dark" if theme.endswith("-dark") else "light"
    browser_page.goto(f"{theme_urls[theme]}/derivations/wrong/")
    wrong = browser_page.page.evaluate(_ROW_JS, "refuted")
    assert wrong["color"] == REFUTED[scheme]
    assert wrong["edge"] >= 3 and wrong["edgeColor"] == REFUTED[scheme]  # noticed while scrolling
    assert wrong["size"] >= 12, "badge text under 12 px: the rem sizes are Material's 20 px root"
    assert wrong["contrast"] >= 4.5
    assert browser_page.page.evaluate(_OPEN_JS) >= 4.5
    _assert_clean(browser_page, theme)

    browser_page.goto(f"{theme_urls[theme]}/derivations/good/")
    good = browser_page.page.evaluate(_ROW_JS, "proved")
    assert good["color"] == PROVED[scheme] and good["edge"] == 0 and good["contrast"] >= 4.5
    # The copy of "by (1)" for screen readers stays out of sight here too (the class was Material's only).
    hidden = browser_page.page.locator(".deriv-sr-only")
    assert hidden.count() == 1 and hidden.locator("a").count() == 1
    box = hidden.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1
    _assert_clean(browser_page, theme)


def _assert_clean(browser_page: BrowserPage, theme: str) -> None:
    expected = THEME_ERRORS.get(theme, [])
    assert [e for e in browser_page.console_errors if e not in expected] == []
    browser_page.console_errors.clear()
    browser_page.assert_clean()


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

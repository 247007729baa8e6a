"""The real site (mkdocs.yml at the repository root) in headless Chromium: the seed chain-rule page.

Builds with the plugin, so SymPy checks every claim; the page must show the book's numbering, the proved
verdicts of the worked example and a working "by (13)" link, all offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import BrowserPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SITE_YML = Path(__file__).resolve().parents[2] / "mkdocs.yml"
CHAIN_RULE = "derivations/mml-5-2-2-multivariate-chain-rule/"
RAW_TEX = ("\\[", "\\]", "\\(", "\\)", "$$")


@pytest.fixture(scope="module")
def base_url(built_site: Callable[[Path], Path], serve: Callable[[Path], str]) -> str:
    return serve(built_site(SITE_YML))


def test_chain_rule_page_numbers_like_the_book(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    assert browser_page.tags() == [f"({n})" for n in range(1, 20)]
    assert browser_page.math_errors() == []
    text = browser_page.visible_text()
    assert "???" not in text
    assert [d for d in RAW_TEX if d in text] == []
    browser_page.assert_clean()


def test_no_tex_source_shown_as_text(browser_page: BrowserPage, base_url: str) -> None:
    """TeX belongs in typeset math; outside it (prose, verdict details) a reader would see raw macros."""
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    leaks = sorted(set(re.findall(r".{0,30}\\[A-Za-z]+.{0,10}", browser_page.visible_text())))
    assert leaks == []


def test_worked_example_is_proved(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    proved = page.evaluate(
        """() => [5, 6, 7].map(n => document.querySelector(`.deriv-eq[data-eq-number="${n}"]`))
          .filter(row => row && (row.classList.contains('deriv-proved')
                                 || row.classList.contains('deriv-proved-all'))
                         && row.querySelector('.deriv-badge'))
          .length"""
    )
    assert proved >= 3
    assert page.locator("p.deriv-summary").count() == 1


def test_by_13_jumps_to_the_residual_definition(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    link = page.locator("mjx-container a[href='#eq-residual-def']").first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_function("() => location.hash === '#eq-residual-def'", polling=100)
    browser_page.wait_until_in_viewport("eq-residual-def")
    browser_page.assert_clean()


def test_instant_navigation_from_home_keeps_tags(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/")
    page = browser_page.page
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator(f"article a[href$='{CHAIN_RULE}']").first.click()
    page.wait_for_url(f"**/{CHAIN_RULE}")
    browser_page.wait_for_math("#eq-residual-def")
    assert page.evaluate("() => window.__sameDocument === true"), "navigation reloaded the page"
    assert browser_page.tags() == [f"({n})" for n in range(1, 20)]
    assert browser_page.math_errors() == []
    browser_page.assert_clean()


def test_instant_navigation_to_the_graph_shows_it_and_its_boxes_link(browser_page: BrowserPage, base_url: str) -> None:
    """The graph's links once were SVG <a> elements, on which mkdocs-material's instant navigation throws
    (it assigns `href`): the address changed but the old article stayed."""
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator("nav a[href$='derivations/graph/']").first.click()
    page.wait_for_url("**/derivations/graph/")
    page.wait_for_selector("article svg.deriv-graph")
    assert page.evaluate("() => window.__sameDocument === true"), "navigation reloaded the page"
    assert page.locator("article h1").first.inner_text().startswith("Dependency graph")
    boxes = page.locator("article svg.deriv-graph a.deriv-node-link")
    assert boxes.count() >= 7
    page.locator(f"article a.deriv-node-link[href$='{CHAIN_RULE}']").click()
    page.wait_for_url(f"**/{CHAIN_RULE}")
    browser_page.wait_for_math("#eq-residual-def")
    assert browser_page.tags() == [f"({n})" for n in range(1, 20)]
    browser_page.assert_clean()

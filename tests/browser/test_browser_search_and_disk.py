"""The real site as a third reader audit met it: its search box, a copy opened from disk, Escape on a badge,
and the dependency graph on a phone.

- Search results showed each equation as its TeX source ("\\[{}\\stackrel{\\href{#eq-re...") until the rows were
  left out of mkdocs-material's index;
- opened as file://, every link to another page (navigation, references, the graph) led to a folder listing,
  and hovering a reference to another page logged a CORS error;
- Escape did not close an open badge;
- at 390 px the graph was scaled to 40 %, its labels 5.6 px high.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import BrowserPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAIN_RULE = "derivations/mml-5-2-2-multivariate-chain-rule/"
LEAST_SQUARES = "derivations/least-squares/"
GRAPH = "derivations/graph/"
# What the TeX of an equation row brings along (inline math in prose, \\(x\\), is still indexed as written).
ROW_TEX = ("\\[", "\\]", "\\tag{", "\\stackrel", "\\href")


def _search(browser_page: BrowserPage, query: str) -> list[str]:
    page = browser_page.page
    page.click(".md-search__input")
    page.fill(".md-search__input", "")
    page.type(".md-search__input", query, delay=20)  # the search listens to key events, not to fill()
    page.wait_for_selector(".md-search-result__item")
    return list(page.eval_on_selector_all(".md-search-result__item", "items => items.map(i => i.innerText)"))


@pytest.mark.parametrize(("query", "title"), [("squared loss", "The multivariate chain rule"),
                                              ("push-through", "Ridge regression in closed form"),
                                              ("normal equations", "Least squares in closed form")])
def test_search_finds_derivations_without_showing_tex_source(browser_page: BrowserPage, base_url: str,
                                                             query: str, title: str) -> None:
    browser_page.goto(f"{base_url}/")
    results = _search(browser_page, query)
    assert results
    # Hand-written pages may quote TeX in code (the security page names \href); derivation pages hold none.
    found = [result for result in results if result.startswith(title)]
    assert found, results
    shown = [result for result in found if any(tex in result for tex in ROW_TEX)]
    assert shown == [], f"search results show TeX source: {shown}"
    browser_page.assert_clean()


def test_a_copy_opened_from_disk_links_to_pages_not_folders(browser_page: BrowserPage, site: Path) -> None:
    """file:// with directory URLs: the navigation, a reference to another page and a box of the graph open
    that page (its index.html) with its math typeset; hovering a reference to another page logs nothing."""
    page = browser_page.page
    browser_page.goto((site / LEAST_SQUARES / "index.html").as_uri())
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="Ridge regression in closed form").first.click()
    browser_page.wait_for_math("article h1#ridge-regression-in-closed-form")
    assert page.url == (site / "derivations/ridge-regression/index.html").as_uri()

    browser_page.goto((site / LEAST_SQUARES / "index.html").as_uri())
    reference = page.locator("article a.deriv-ref-page").first
    reference.hover()
    page.wait_for_timeout(500)  # past the preview's delay: a preview would fetch the other file here
    assert page.locator("#deriv-preview:not([hidden])").count() == 0
    reference.click()
    browser_page.wait_for_math("article h1#the-multivariate-chain-rule")
    assert page.url == (site / CHAIN_RULE / "index.html").as_uri() + "#eq-gradient-result"
    browser_page.wait_until_in_viewport("eq-gradient-result")

    page.goto((site / GRAPH / "index.html").as_uri())
    page.locator("article a.deriv-node-link").first.click()
    browser_page.wait_for_math("article h1")
    assert page.url.endswith("/index.html") and page.title() != "Index of"
    # Links inside math, typeset after the page loaded, were pointed at index.html too.
    browser_page.goto((site / "derivations/gaussian-log-likelihood/index.html").as_uri())
    in_math = page.eval_on_selector_all("mjx-container a[href]", "links => links.map(a => a.getAttribute('href'))")
    other_pages = [href for href in in_math if not href.startswith("#")]
    assert other_pages and all("/index.html#" in href for href in other_pages), other_pages
    browser_page.assert_clean()


def test_escape_closes_an_open_badge(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    summary = page.locator("article details.deriv-verdict > summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.querySelector('article details.deriv-verdict').open")
    page.keyboard.press("Escape")
    assert not page.evaluate("() => document.querySelector('article details.deriv-verdict').open")
    assert page.evaluate("() => document.activeElement.matches('details.deriv-verdict > summary')")
    browser_page.assert_clean()


def test_the_graph_keeps_readable_labels_on_a_phone(browser_page: BrowserPage, base_url: str) -> None:
    """At 390 px the graph scrolls in its own box instead of shrinking: its labels stay 10 px or more, and
    the page itself does not scroll sideways."""
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(f"{base_url}/{GRAPH}")
    label_px = page.evaluate("""() => {
      const svg = document.querySelector('article svg.deriv-graph');
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return 14 * scale;
    }""")
    assert label_px >= 10, label_px
    assert page.evaluate("() => { const w = document.querySelector('.deriv-graph-wrap'); "
                         "return w.scrollWidth > w.clientWidth; }")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    browser_page.assert_clean()

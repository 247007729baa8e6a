"""The real site (mkdocs.yml at the repository root) in headless Chromium: the seed chain-rule page.

Builds with the plugin, so SymPy checks every claim; the page must show the book's numbering, the proved
verdicts of the worked example and a working "by (13)" link, all offline.
"""

from __future__ import annotations

import re

import pytest
from browser_support import BrowserPage, lined_up

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAIN_RULE = "derivations/mml-5-2-2-multivariate-chain-rule/"
RAW_TEX = ("\\[", "\\]", "\\(", "\\)", "$$")


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


def test_the_footnote_is_linked_both_ways(browser_page: BrowserPage, base_url: str) -> None:
    """The book's footnote on the "cancelling" mnemonic: its mark jumps to the note, the note's arrow back
    to the mark, and the mark sits in the paragraph between (3) and (4), where the book has it."""
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    placed = page.evaluate(
        """() => {
          const mark = document.getElementById('fnref:fraction');
          const before = document.getElementById('eq-chain-rule');
          const after = document.getElementById('eq-chain-one-parameter');
          const follows = (a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
          return {marks: document.querySelectorAll('article sup[id^="fnref"]').length,
                  notes: document.querySelectorAll('article .footnote li').length,
                  between: !!mark && follows(before, mark) && follows(mark, after)};
        }"""
    )
    assert placed == {"marks": 1, "notes": 1, "between": True}
    page.locator("article a.footnote-ref").click()
    page.wait_for_function("() => location.hash === '#fn:fraction'", polling=100)
    browser_page.wait_until_in_viewport("fn:fraction")
    assert "not a quotient" in page.locator("article [id='fn:fraction']").inner_text()
    page.locator("article a.footnote-backref").click()
    page.wait_for_function("() => location.hash === '#fnref:fraction'", polling=100)
    browser_page.wait_until_in_viewport("fnref:fraction")
    browser_page.assert_clean()


def test_a_footnote_mark_clicked_at_once_after_loading_jumps(browser_page: BrowserPage, base_url: str) -> None:
    """Instant navigation rewrites the content's links to absolute URLs (``#fn:fraction`` becomes
    ``http://host/page/#fn:fraction``), and left to it, a click on one within about 100 ms of the page's first
    scroll changed the address without jumping: the footnote test failed in about one fresh load in three on
    a loaded machine. The page's own handler now takes such clicks whatever form the link has. Here the
    rewrite is done at once, and on each of several fresh loads the mark is scrolled to and clicked in one
    go, as a quick reader does (with the old handler, most loads failed)."""
    page = browser_page.page
    for _ in range(4):
        browser_page.goto(f"{base_url}/{CHAIN_RULE}")
        page.evaluate("() => document.querySelectorAll('article a.footnote-ref').forEach(a => { a.href = a.href; })")
        assert page.evaluate("() => document.querySelector('article a.footnote-ref').getAttribute('href')"
                             ).startswith("http")
        page.locator("article a.footnote-ref").click()
        browser_page.wait_until_in_viewport("fn:fraction", timeout_ms=3_000)
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


LOGISTIC = "derivations/logistic-regression-gradient/"
# Numbered rows that scroll with MathJax's own margin, and rows whose left margin is trimmed when they would
# not scroll with it, or kept when they would.
_TRIMMED_JS = """() => {
  let scrolling = 0, wrong = 0;
  document.querySelectorAll('.deriv-eq > .arithmatex').forEach(box => {
    const table = box.querySelector('mjx-mtable > mjx-table');
    if (!table) return;
    const trimmed = table.hasAttribute('data-deriv-trim') && table.style.marginLeft === '0px';
    if (trimmed) table.style.marginLeft = table.getAttribute('data-deriv-trim');
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (trimmed) table.style.marginLeft = '0px';
    scrolling += scrolls ? 1 : 0;
    if (scrolls !== trimmed) wrong += 1;
  });
  return {scrolling, wrong};
}"""


def _chains(probe: BrowserPage) -> list[dict]:
    chains = probe.chains()
    assert chains, "no chain on the page"
    return chains


def test_the_rows_of_a_chain_line_up_at_their_relations(browser_page: BrowserPage, base_url: str) -> None:
    """Each row is its own centred display; the book aligns a chain's rows at "=", and so does the page
    script, as long as the chain fits its column. On a phone the rows scroll and are left alone, and a
    resize back lines them up again. A moved row never leaves its chain out of line."""
    page = browser_page.page
    for path, chains in ((CHAIN_RULE, 1), (LOGISTIC, 2)):
        browser_page.goto(f"{base_url}/{path}")
        wide = _chains(browser_page)
        assert len(wide) == chains
        for chain in wide:
            assert not chain["scrolls"] and chain["moved"] and lined_up(chain), chain
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_timeout(400)  # the script measures again 100 ms after the last resize
    narrow = _chains(browser_page)
    assert any(chain["scrolls"] for chain in narrow)
    for chain in narrow:
        assert not chain["moved"] or (lined_up(chain) and not chain["scrolls"]), chain
    # A row that scrolls loses the left margin MathJax keeps for centring (a gap at the phone's edge).
    trimmed = page.evaluate(_TRIMMED_JS)
    assert trimmed["scrolling"] > 0 and trimmed["wrong"] == 0, trimmed
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(400)
    assert all(lined_up(chain) for chain in _chains(browser_page))
    assert page.evaluate(_TRIMMED_JS) == {"scrolling": 0, "wrong": 0}
    browser_page.assert_clean()


def test_a_preview_of_a_moved_row_is_not_moved(browser_page: BrowserPage, base_url: str) -> None:
    """The popup clones the typeset row; the sideways move belongs to the chain's column, not to it."""
    browser_page.goto(f"{base_url}/{LOGISTIC}")
    page = browser_page.page
    assert page.locator("#eq-sigmoid-derivative-result [data-deriv-shift]").count() == 1
    link = page.locator("article a.deriv-ref[href$='#eq-sigmoid-derivative-result']").first
    link.scroll_into_view_if_needed()
    link.hover()
    page.wait_for_function("() => { const b = document.getElementById('deriv-preview');"
                           " return b && !b.hidden && b.querySelector('mjx-container') !== null; }", polling=100)
    assert page.locator("#deriv-preview [data-deriv-shift]").count() == 0
    assert page.evaluate("() => [...document.querySelectorAll('#deriv-preview mjx-table, #deriv-preview mjx-math')]"
                         ".every(el => el.style.left === '')")
    browser_page.assert_clean()

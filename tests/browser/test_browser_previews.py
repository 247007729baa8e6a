"""Hover and focus previews of equation references on the real site, in headless Chromium.

A reference such as "(3)" in prose, or "(13)" above a relation inside math, shows the cited equation in a
popup: cloned from the page itself for a same-page target, fetched (once) and typeset for another page's.
Instant navigation swaps the content without reloading scripts, so previews must keep working after it.
"""

from __future__ import annotations

import pytest
from browser_support import MATH_TIMEOUT_MS, BrowserPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAIN_RULE = "derivations/mml-5-2-2-multivariate-chain-rule/"
LEAST_SQUARES = "derivations/least-squares/"
POPUP = "#deriv-preview"

# The label MathJax rendered in the popup (its assistive MathML), once the popup shows typeset math.
_POPUP_TAG_JS = """() => {
  const box = document.getElementById('deriv-preview');
  if (!box || box.hidden) return null;
  const label = box.querySelector('mjx-container mjx-assistive-mml mlabeledtr > mtd:first-child');
  return label ? label.textContent.trim() : null;
}"""


def popup_tag(probe: BrowserPage) -> str:
    """Wait for the popup to show typeset math and return its equation label, e.g. "(3)"."""
    handle = probe.page.wait_for_function(_POPUP_TAG_JS, polling=100, timeout=MATH_TIMEOUT_MS)
    return str(handle.json_value())


def hide_popup(probe: BrowserPage) -> None:
    probe.page.mouse.move(5, 400)  # away from any link, onto the navigation sidebar's margin
    probe.page.wait_for_selector(POPUP, state="hidden", timeout=MATH_TIMEOUT_MS)


def test_hover_previews_a_same_page_equation(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    link = page.locator("article a.deriv-ref[href$='#eq-chain-one-parameter']").first
    assert link.inner_text() == "(4)"
    link.scroll_into_view_if_needed()
    link.hover()
    assert popup_tag(browser_page) == "(4)"
    box = page.locator(POPUP)
    assert box.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == "deriv-preview"
    assert box.locator(".arithmatex mjx-container").count() == 1
    assert browser_page.math_errors() == []
    hide_popup(browser_page)
    assert link.get_attribute("aria-describedby") is None
    # Hovering (3) after (4) shows (3): the popup follows the pointer.
    other = page.locator("article a.deriv-ref[href$='#eq-chain-rule']").first
    other.scroll_into_view_if_needed()
    other.hover()
    assert popup_tag(browser_page) == "(3)"
    browser_page.assert_clean()


def test_hover_on_a_by_link_inside_math(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    link = browser_page.page.locator("article mjx-container a[href='#eq-residual-def']").first
    link.scroll_into_view_if_needed()
    link.hover()
    assert popup_tag(browser_page) == "(13)"
    browser_page.assert_clean()


def test_hover_previews_an_equation_on_another_page(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{LEAST_SQUARES}")
    page = browser_page.page
    link = page.locator("article a.deriv-ref-page[href*='mml-5-2-2-multivariate-chain-rule/#eq-gradient-result']")
    assert link.count() == 1 and link.inner_text() == "(18)"
    link.scroll_into_view_if_needed()
    link.hover()
    assert popup_tag(browser_page) == "(18)"
    caption = page.locator(f"{POPUP} .deriv-preview-caption").inner_text()
    assert "The multivariate chain rule" in caption and "proved" in caption
    # The fetched equation's own "by (13)" link points at its page, not at this one.
    inner = page.locator(f"{POPUP} mjx-container a").first.get_attribute("href")
    assert inner == f"/{CHAIN_RULE}#eq-residual-def"
    assert page.evaluate("() => document.querySelectorAll('#deriv-preview mjx-merror').length") == 0
    hide_popup(browser_page)
    # A second hover is served from the cache: no second request for the page.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    link.hover()
    assert popup_tag(browser_page) == "(18)"
    assert [u for u in requests if CHAIN_RULE in u] == []
    browser_page.assert_clean()


def test_keyboard_focus_shows_and_escape_hides(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    link = page.locator("article a.deriv-ref[href$='#eq-chain-rule']").first
    link.focus()
    assert popup_tag(browser_page) == "(3)"
    page.keyboard.press("Escape")
    page.wait_for_selector(POPUP, state="hidden", timeout=MATH_TIMEOUT_MS)
    link.focus()
    page.keyboard.press("Tab")  # focus moves on: the preview goes with it
    page.wait_for_selector(POPUP, state="hidden", timeout=MATH_TIMEOUT_MS)
    browser_page.assert_clean()


def test_previews_survive_instant_navigation(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    page.evaluate("() => { window.__sameDocument = true; }")
    same = "article a.deriv-ref[href$='#eq-chain-rule']"
    page.locator(same).first.hover()
    assert popup_tag(browser_page) == "(3)"
    hide_popup(browser_page)

    page.locator(f"nav a[href$='{LEAST_SQUARES.split('/')[1]}/']").first.click()
    page.wait_for_url(f"**/{LEAST_SQUARES}")
    browser_page.wait_for_math("#eq-normal-equations")
    cross = page.locator("article a.deriv-ref-page").first
    cross.scroll_into_view_if_needed()
    cross.hover()
    assert popup_tag(browser_page) == "(18)"
    hide_popup(browser_page)

    page.go_back()
    page.wait_for_url(f"**/{CHAIN_RULE}")
    browser_page.wait_for_math("#eq-residual-def")
    assert page.evaluate("() => window.__sameDocument === true"), "navigation reloaded the page"
    link = page.locator(same).first
    link.scroll_into_view_if_needed()
    link.hover()
    assert popup_tag(browser_page) == "(3)"
    assert browser_page.tags() == [f"({n})" for n in range(1, 20)]
    assert page.locator(POPUP).count() == 1
    browser_page.assert_clean()

"""The page behaviour (MathJax config, derivations.js/.css) on a small fixture site, in headless Chromium.

The fixture site (tests/fixtures/mathjax-site) does not run the plugin's renderer: its pages are written
in the renderer's HTML shape by hand and its hooks.py serves the plugin's own asset files, so these tests
pin the front end independently of the checking pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import BrowserPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FIXTURE_YML = Path(__file__).resolve().parents[1] / "fixtures" / "mathjax-site" / "mkdocs.yml"
RAW_TEX = ("\\[", "\\]", "\\(", "\\)", "$$")


@pytest.fixture(scope="module")
def base_url(built_site: Callable[[Path], Path], serve: Callable[[Path], str]) -> str:
    return serve(built_site(FIXTURE_YML))


def test_equations_render_with_tags_in_order(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/")
    page = browser_page.page
    assert page.locator("article mjx-container").count() >= 5  # 4 displays + inline math
    assert browser_page.tags() == ["(1)", "(2)", "(3)"]
    assert browser_page.math_errors() == []
    text = browser_page.visible_text()
    assert "???" not in text
    assert [d for d in RAW_TEX if d in text] == []
    # \underbrace, bmatrix, \boldsymbol and \mathbb made it into the rendered MathML.
    mml = page.evaluate("() => [...document.querySelectorAll('mjx-assistive-mml')].map(e => e.innerHTML)")
    mml = "".join(mml)
    assert "<munder" in mml and "<mtable" in mml and 'mathvariant="bold-italic"' in mml
    assert 'mathvariant="double-struck"' in mml or "\u211d" in mml
    browser_page.assert_clean()


def test_instant_navigation_retypesets_and_keeps_tags(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/")
    page = browser_page.page
    page.evaluate("() => { window.__sameDocument = true; }")  # survives only a navigation without reload

    page.locator("a.md-nav__link[href$='other/']").first.click()
    page.wait_for_url("**/other/")
    browser_page.wait_for_math("#eq-fourth")
    assert page.evaluate("() => window.__sameDocument === true"), "navigation reloaded the page"
    assert browser_page.tags() == ["(4)", "(5)"]

    page.locator("article a[href$='#eq-first']").first.click()  # a prose link back to the first page
    page.wait_for_url("**/#eq-first")
    browser_page.wait_for_math("#eq-third")
    assert page.evaluate("() => window.__sameDocument === true")
    assert browser_page.tags() == ["(1)", "(2)", "(3)"]
    assert browser_page.math_errors() == []
    assert "???" not in browser_page.visible_text()
    browser_page.wait_until_in_viewport("eq-first")
    # The math link still jumps on a page reached by instant navigation (the address is already #eq-first).
    link = page.locator("#eq-third mjx-container a[href='#eq-first']")
    link.scroll_into_view_if_needed()
    assert not browser_page.in_viewport("eq-first")
    link.click()
    browser_page.wait_until_in_viewport("eq-first")
    browser_page.assert_clean()


def test_href_in_math_jumps_to_the_equation(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/")
    page = browser_page.page
    link = page.locator("#eq-third mjx-container a[href='#eq-first']")
    link.scroll_into_view_if_needed()
    assert not browser_page.in_viewport("eq-first"), "fixture page too short to observe the jump"
    link.click()  # at once: instant navigation alone would drop a jump this soon after a scroll
    page.wait_for_function("() => location.hash === '#eq-first'", polling=100)
    browser_page.wait_until_in_viewport("eq-first")
    browser_page.wait_until_target("eq-first")  # the jumped-to equation is highlighted
    browser_page.assert_clean()


def test_unsafe_tex_is_neutralised(browser_page: BrowserPage, base_url: str) -> None:
    browser_page.goto(f"{base_url}/unsafe/")
    page = browser_page.page
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href], [href]')].map(a => a.getAttribute('href'))")
    # as the browser reads them: without tabs, line breaks and other control characters ("java<newline>script:"
    # passed MathJax's own filter, which found no scheme in it: red team)
    compact = ["".join(ch for ch in h if ord(ch) > 0x20).lower() for h in hrefs]
    assert [h for h in compact if h.startswith(("javascript:", "data:"))] == []
    assert page.locator("#eq-split-link mjx-container").count() == 1  # typeset, the links taken out
    assert page.locator(".injected-class").count() == 0
    assert page.locator("#injected-id").count() == 0
    styled = page.evaluate(
        "() => [...document.querySelectorAll('mjx-container [style]')].map(e => e.getAttribute('style'))"
    )
    assert [s for s in styled if "position" in s or "injected" in s] == []
    # Packages removed on purpose are errors, visible to the author, not silently working.
    errors = browser_page.math_errors()
    for macro in ("\\unicode", "\\bbox", "\\require"):
        assert any(macro in e for e in errors), (macro, errors)
    browser_page.assert_clean()  # in particular: \require fetched nothing


def test_saved_menu_settings_cannot_make_mathjax_fetch(browser_page: BrowserPage, base_url: str) -> None:
    """Settings that would load components the site does not serve are dropped; menu items are disabled."""
    page = browser_page.page
    browser_page.goto(f"{base_url}/other/")
    settings = {"renderer": "SVG", "explorer": True, "collapsible": True, "zscale": "300%"}
    page.evaluate("(s) => localStorage.setItem('MathJax-Menu-Settings', s)", json.dumps(settings))
    browser_page.goto(f"{base_url}/")
    assert browser_page.tags() == ["(1)", "(2)", "(3)"]
    assert page.locator("mjx-container[jax='SVG']").count() == 0
    disabled = page.evaluate(
        """() => { const m = MathJax.startup.document.menu.menu;
        return [['Settings', 'Renderer', 'SVG'], ['Accessibility', 'Activate'],
                ['Accessibility', 'Collapsible'], ['Language']]
          .map(p => !!(m.findID(...p) && m.findID(...p).disabled)); }"""
    )
    assert disabled == [True, True, True, True]
    refused = page.evaluate("() => MathJax.loader.load('output/svg').then(() => 'loaded', e => String(e))")
    assert "not served offline" in refused
    browser_page.assert_clean()


def test_badges_are_styled_without_javascript(browser: object, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(f"{base_url}/")
        summary = page.locator("#eq-second details.deriv-verdict > summary")
        assert summary.is_visible()
        assert "proved" in summary.inner_text()
        assert summary.evaluate("e => getComputedStyle(e).color") == "rgb(27, 127, 59)"
        assert page.locator("#eq-first .deriv-badge").inner_text() == "\u2254"
        # The dark scheme swaps to its own, lighter shade.
        page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
        assert summary.evaluate("e => getComputedStyle(e).color") == "rgb(95, 209, 127)"
        # The detail opens with a click, no script needed.
        summary.click()
        assert page.locator("#eq-second .deriv-detail").is_visible()
    finally:
        context.close()

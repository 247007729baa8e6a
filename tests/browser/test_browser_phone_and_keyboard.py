"""Reading the real site on a phone-sized screen and with the keyboard alone, in headless Chromium.

On a 375 px wide screen a display equation is often wider than the page: it must scroll inside its own
box (its number reachable there), never make the whole page scroll sideways or be cut off. A keyboard
user must be able to Tab from link to link without stopping on every formula (MathJax makes each one a
tab stop by default), yet still reach links inside math and scroll a wide equation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAIN_RULE = "derivations/mml-5-2-2-multivariate-chain-rule/"
PHONE = {"width": 375, "height": 800}

# Elements of the page that reach past the right edge of the viewport without a scroll box of their own
# between them and the page (those would widen the page, or be cut off where the page clips them).
_OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const loose = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= vw + 0.5) continue;
    let a = el.parentElement, boxed = false;
    while (a && a !== document.body) {
      if (getComputedStyle(a).overflowX !== 'visible') { boxed = true; break; }
      a = a.parentElement;
    }
    if (!boxed) loose.push(`${name(el)} (right edge ${Math.round(r.right)} px)`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: vw, loose: loose.slice(0, 10)};
}"""

# Each numbered row: whether its box stays inside the viewport and, scrolled to its end, shows its number.
_ROWS_JS = """() => {
  const vw = document.documentElement.clientWidth;
  return [...document.querySelectorAll('article .deriv-eq')].map(row => {
    const box = row.querySelector(':scope > .arithmatex');
    const tag = box && box.querySelector('mjx-labels mjx-mtd');
    if (!tag) return {id: row.id, problem: 'no rendered equation number'};
    const b = box.getBoundingClientRect();
    if (b.left < -0.5 || b.right > vw + 0.5) return {id: row.id, problem: `box spans ${b.left}..${b.right}`};
    box.scrollLeft = box.scrollWidth;
    const t = tag.getBoundingClientRect();
    const shown = t.left >= b.left - 0.5 && t.right <= b.right + 0.5;
    box.scrollLeft = 0;
    return {id: row.id, wide: box.scrollWidth > box.clientWidth, problem: shown ? null : 'number out of reach'};
  });
}"""

# The focused element, described for a message; `math` when it is a formula (or inside one, not a link).
_FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const inMath = !!e.closest('mjx-container');
  const box = e.closest('.arithmatex');
  return {
    math: inMath && !e.matches('a[href]'),
    link: e.matches('a[href]'),
    linkInMath: inMath && e.matches('a[href]'),
    inArticle: !!e.closest('article'),
    ref: e.matches('a.deriv-ref'),
    inWideBox: !!box && box.scrollWidth > box.clientWidth,
    text: e.tagName.toLowerCase() + ' ' + (e.getAttribute('href') || '') + ' '
      + (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40),
  };
}"""


def tab_stops(probe: BrowserPage, until: Callable[[dict[str, Any]], bool], limit: int = 300) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until `until(stop)` holds; return every stop, that one last."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        probe.page.keyboard.press("Tab")
        stop = probe.page.evaluate(_FOCUS_JS)
        if stop is None:
            break
        stops.append(stop)
        if until(stop):
            return stops
    raise AssertionError(f"not reached in {len(stops)} tab stops: {[s['text'] for s in stops]}")


def test_phone_width_page_never_scrolls_sideways(browser_page: BrowserPage, base_url: str, site: Path) -> None:
    """Every derivation page, the dashboard, the graph and the home page fit a 375 px screen; wide
    equations scroll in their own box, with the equation number reachable at its end."""
    pages = [""] + sorted(f"{p.parent.relative_to(site).as_posix()}/" for p in site.glob("derivations/*/index.html"))
    assert {"derivations/dashboard/", "derivations/graph/", CHAIN_RULE} <= set(pages)
    page = browser_page.page
    page.set_viewport_size(PHONE)
    problems: dict[str, Any] = {}
    wide_rows = 0
    for path in pages:
        browser_page.goto(f"{base_url}/{path}")
        layout = page.evaluate(_OVERFLOW_JS)
        if layout["scrollWidth"] > layout["clientWidth"] or layout["loose"]:
            problems[path or "/"] = layout
        rows = page.evaluate(_ROWS_JS)
        wide_rows += sum(1 for row in rows if row.get("wide"))
        bad_rows = [row for row in rows if row["problem"]]
        if bad_rows:
            problems[f"{path} rows"] = bad_rows
    assert problems == {}
    assert wide_rows > 0, "no equation is wider than a phone screen: the test no longer tests scrolling"
    browser_page.assert_clean()


def test_tab_skips_formulas_but_not_links_inside_math(browser_page: BrowserPage, base_url: str) -> None:
    """From the top of the chain-rule page (dozens of formulas), Tab reaches the first cross-reference and
    then the "by (13)" link inside a formula without ever stopping on a formula itself."""
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    assert page.locator("article mjx-container").count() > 40
    assert page.locator("article mjx-container[tabindex='0']").count() == 0

    to_first_ref = tab_stops(browser_page, lambda stop: stop["ref"])
    to_link_in_math = to_first_ref + tab_stops(browser_page, lambda stop: stop["linkInMath"])
    on_math = [stop["text"] for stop in to_link_in_math if stop["math"]]
    assert on_math == []
    assert to_link_in_math[-1]["text"].startswith("a #eq-residual-def")
    browser_page.assert_clean()


def test_wide_equation_scrolls_by_keyboard_on_a_phone(browser_page: BrowserPage, base_url: str) -> None:
    """Taking formulas out of the tab order must not strand a wide equation: Tab reaches its box, and the
    arrow keys scroll it to its number."""
    page = browser_page.page
    page.set_viewport_size(PHONE)
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    stops = tab_stops(browser_page, lambda stop: stop["inWideBox"])
    box = page.evaluate_handle("() => document.activeElement.closest('.arithmatex')")
    assert box.evaluate("b => b.scrollLeft") == 0, stops[-1]
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("b => b.scrollLeft >= b.scrollWidth - b.clientWidth - 1", arg=box, polling=100)
    browser_page.assert_clean()


def test_a_wide_equation_shows_that_it_scrolls_and_examples_keep_the_body_size(browser_page: BrowserPage,
                                                                               base_url: str) -> None:
    """A box cut at the screen's edge looks like a whole equation: a wide one carries edge shadows (fixed
    to the box) under covers that scroll with the content, so only the sides with more to see are shaded.
    Equations inside an example are typeset at the body's size, not at the example's smaller text size."""
    page = browser_page.page
    page.set_viewport_size(PHONE)
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    style = page.evaluate("""() => {
      const box = [...document.querySelectorAll('.deriv-eq > .arithmatex')].find(b => b.scrollWidth > b.clientWidth);
      const s = getComputedStyle(box);
      return {images: s.backgroundImage, attachments: s.backgroundAttachment};
    }""")
    assert style["images"].count("radial-gradient") == 2 and style["images"].count("linear-gradient") == 2
    assert style["attachments"] == "local, local, scroll, scroll"
    sizes = page.evaluate("""() => ['#eq-chain-one-parameter', '#eq-linear-model'].map(
      id => getComputedStyle(document.querySelector(id + ' > .arithmatex')).fontSize)""")
    assert sizes[0] == sizes[1], sizes
    browser_page.assert_clean()

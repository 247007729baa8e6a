"""The real site as its readers meet it: both colour schemes, the keyboard, paper and a screen reader.

Each test pins something a reader audit found: badge colours under WCAG AA in either scheme, badges that
open from the keyboard, chains that stay lined up and a dashboard that fits when printed, and names that a
screen reader can announce (badges without their symbol, "by (13)" links inside math, the graph's links).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import CONTRAST_JS, BrowserPage, lined_up

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SITE_YML = Path(__file__).resolve().parents[2] / "mkdocs.yml"
FIXTURE_YML = Path(__file__).resolve().parents[1] / "fixtures" / "mathjax-site" / "mkdocs.yml"
CHAIN_RULE = "derivations/mml-5-2-2-multivariate-chain-rule/"
LOGISTIC = "derivations/logistic-regression-gradient/"
DASHBOARD = "derivations/dashboard/"
GRAPH = "derivations/graph/"
STATUSES = ["proved", "proved-all", "sizes", "numeric", "definition", "unchecked", "refuted", "error"]
A4_PX = 794  # an A4 page's width at 96 px per inch

# Each pill of the home page's legend carries one status: its colour against the page, and against the box
# the details repeat it on (--md-code-bg-color).
_BADGES_JS = "() => {" + CONTRAST_JS + """
  const probe = document.createElement('div');
  probe.className = 'md-typeset';
  probe.style.background = 'var(--md-code-bg-color)';
  document.querySelector('article').appendChild(probe);
  const codeBg = over(rgba(getComputedStyle(probe).backgroundColor), behind(probe.parentElement));
  probe.remove();
  const out = {};
  document.querySelectorAll('article .deriv-pill').forEach(pill => {
    const status = [...pill.classList].find(c => c !== 'deriv-pill').replace('deriv-', '');
    const bg = behind(pill);
    const fg = over(rgba(getComputedStyle(pill).color), bg);
    out[status] = {page: ratio(fg, bg), details: ratio(fg, codeBg)};
  });
  return out;
}"""

# The hue (degrees) of each status colour, read from the home page's legend pills.
_HUES_JS = """() => {
  const out = {};
  document.querySelectorAll('article .deriv-pill').forEach(pill => {
    const [r, g, b] = getComputedStyle(pill).color.match(/[\\d.]+/g).map(Number);
    const max = Math.max(r, g, b), min = Math.min(r, g, b);
    let h = 0;
    if (max === min) h = 0;
    else if (max === r) h = ((g - b) / (max - min)) % 6;
    else if (max === g) h = (b - r) / (max - min) + 2;
    else h = (r - g) / (max - min) + 4;
    out[[...pill.classList].find(c => c !== 'deriv-pill').replace('deriv-', '')] = (h * 60 + 360) % 360;
  });
  return out;
}"""

_SUMMARY_JS = "() => {" + CONTRAST_JS + "return contrast(document.querySelector('p.deriv-summary'), 'color'); }"
_PREVIEW_BORDER_JS = ("() => {" + CONTRAST_JS
                      + "return contrast(document.getElementById('deriv-preview'), 'borderTopColor'); }")


@pytest.fixture(scope="module")
def fixture_url(built_site: Callable[[Path], Path], serve: Callable[[Path], str]) -> str:
    return serve(built_site(FIXTURE_YML))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_badge_colour_meets_wcag_aa_in_both_schemes(browser_page: BrowserPage, base_url: str,
                                                          scheme: str) -> None:
    """Badge text is 12.8 px: small text, so 4.5:1, on the page (a closed badge; an open one swaps text and
    fill, the same pair) and on the details' box, where each claim repeats its status word in its colour.
    The page's summary line, on that box too, is held to the same. Measured in 2026: light numeric 4.51:1
    on the box and the summary line 4.496:1 before their colours changed."""
    page = browser_page.page
    page.emulate_media(color_scheme=scheme)
    browser_page.goto(f"{base_url}/")
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == expected
    ratios = page.evaluate(_BADGES_JS)
    assert sorted(ratios) == sorted(STATUSES)
    low = {status: r for status, r in ratios.items() if min(r.values()) < 4.5}
    assert low == {}, ratios
    # "could not be checked" is orange, not refuted's red (they were 3 degrees of hue apart in light, 10 in
    # dark): at least 15 degrees from it, and from the amber of numeric evidence.
    hues = page.evaluate(_HUES_JS)
    assert abs(hues["error"] - hues["refuted"]) >= 15 and abs(hues["numeric"] - hues["error"]) >= 15, hues
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    assert page.evaluate(_SUMMARY_JS) >= 4.5
    browser_page.assert_clean()


def test_dark_preview_card_stands_out_from_the_page(browser_page: BrowserPage, base_url: str) -> None:
    """On slate a shadow does not show, so the preview's border must (at least 2:1 against the page)."""
    page = browser_page.page
    page.emulate_media(color_scheme="dark")
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    link = page.locator("article a.deriv-ref[href$='#eq-chain-one-parameter']").first
    link.scroll_into_view_if_needed()
    link.hover()
    page.wait_for_selector("#deriv-preview:not([hidden])")
    border = page.evaluate(_PREVIEW_BORDER_JS)
    assert border >= 2, border
    browser_page.assert_clean()


# The focused element: a badge (and whether its details are open), or a link inside math; its outline.
_FOCUS_JS = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {badge: e.matches('details.deriv-verdict > summary'), open: !!(e.parentElement && e.parentElement.open),
          mathLink: !!e.closest('mjx-container') && e.matches('a[href]'),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
          preview: !!document.querySelector('#deriv-preview:not([hidden]) mjx-container')};
}"""


def test_badges_open_from_the_keyboard_with_a_visible_focus(browser_page: BrowserPage, base_url: str) -> None:
    """Tab reaches every badge of the chain-rule page with a visible outline; Enter opens one and Space
    closes it again. A "by (13)" link inside math shows its outline and its preview on focus."""
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    page = browser_page.page
    badges = page.locator("article details.deriv-verdict > summary").count()
    assert badges == 19
    seen: list[dict[str, Any]] = []
    math_link: dict[str, Any] | None = None
    for _ in range(200):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUS_JS)
        if stop["badge"]:
            seen.append(stop)
            if len(seen) == 1:
                page.keyboard.press("Enter")
                assert page.evaluate(_FOCUS_JS)["open"]
                page.keyboard.press(" ")
                assert not page.evaluate(_FOCUS_JS)["open"]
        if stop["mathLink"] and math_link is None:
            page.wait_for_selector("#deriv-preview:not([hidden]) mjx-container")
            math_link = page.evaluate(_FOCUS_JS)
        if len(seen) == badges:
            break
    assert len(seen) == badges and all(stop["outline"] for stop in seen)
    assert math_link is not None and math_link["outline"] and math_link["preview"]
    browser_page.assert_clean()





def test_chains_stay_lined_up_on_paper(browser_page: BrowserPage, base_url: str) -> None:
    """Printing sets the text smaller (mkdocs-material: 0.68rem instead of 0.8rem) and fires no resize,
    so the rows are not measured again: moves in px left them 5-12 px apart on paper."""
    page = browser_page.page
    browser_page.goto(f"{base_url}/{LOGISTIC}")
    assert page.locator("[data-deriv-shift]").count() > 0
    page.evaluate("() => { window.__resized = false; addEventListener('resize', () => { window.__resized = true; }); }")
    size = "() => parseFloat(getComputedStyle(document.querySelector('.deriv-eq .arithmatex')).fontSize)"
    before = page.evaluate(size)
    page.emulate_media(media="print")
    after = page.evaluate(size)
    assert after < before and not page.evaluate("() => window.__resized")
    chains = browser_page.chains()
    assert len(chains) == 2 and all(lined_up(chain) for chain in chains), chains
    browser_page.assert_clean()


def test_printed_pages_fit_the_paper(browser_page: BrowserPage, base_url: str) -> None:
    """On paper nothing scrolls: the dashboard's eleven columns fit an A4 width (its last five were cut
    off), and equations print without the scroll-edge shadows (stray grey bars) and unclipped."""
    page = browser_page.page
    page.set_viewport_size({"width": A4_PX, "height": 1100})
    browser_page.goto(f"{base_url}/{DASHBOARD}")
    page.emulate_media(media="print")
    table = page.evaluate("""() => { const t = document.querySelector('article .deriv-dashboard table');
      const a = document.querySelector('article').getBoundingClientRect(); const r = t.getBoundingClientRect();
      return {columns: t.querySelectorAll('thead th').length, right: r.right, article: a.right}; }""")
    assert table["columns"] == 11 and table["right"] <= table["article"] + 0.5, table
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.deriv-eq > .arithmatex')].map(b => {
      const s = getComputedStyle(b); return s.backgroundImage + ' ' + s.overflowX; })""")
    assert set(boxes) == {"none visible"}, set(boxes)
    browser_page.assert_clean()


def test_a_printed_refuted_step_keeps_its_reason(browser_page: BrowserPage, fixture_url: str) -> None:
    """mkdocs-material opens every <details> for printing (beforeprint). A refuted step's explanation is
    printed; the others stay folded away, and every badge prints as an outlined pill (a filled one needs
    background printing, off by default)."""
    page = browser_page.page
    browser_page.goto(f"{fixture_url}/other/")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function("() => [...document.querySelectorAll('details.deriv-verdict')].every(d => d.open)")
    shown = page.evaluate("""() => [...document.querySelectorAll('.deriv-eq')].map(row => ({
      status: [...row.classList].find(c => c !== 'deriv-eq').replace('deriv-', ''),
      detail: row.querySelector('.deriv-detail').getBoundingClientRect().height > 0,
      fill: getComputedStyle(row.querySelector('summary')).backgroundColor}))""")
    assert {row["status"]: row["detail"] for row in shown} == {"refuted": True, "numeric": False}
    assert {row["fill"] for row in shown} == {"rgba(0, 0, 0, 0)"}
    browser_page.assert_clean()


def _accessible_nodes(page: Any) -> list[dict[str, Any]]:
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return [n for n in nodes if not n.get("ignored")]


def _name(node: dict[str, Any]) -> str:
    return str(node.get("name", {}).get("value", "")).strip()


def test_screen_reader_names(browser_page: BrowserPage, base_url: str) -> None:
    """A badge is announced by its word ("proved"), not "check mark proved"; a "by (13)" link inside math,
    whose text MathJax draws with CSS, as "equation (13)" (it was "( 1 3 )"); the graph is a named group
    whose box links stay in the accessibility tree (an "img" makes its content presentational)."""
    page = browser_page.page
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.locator("img:not([alt])").count() == 0
    names = [_name(n) for n in _accessible_nodes(page) if n.get("role", {}).get("value") == "DisclosureTriangle"]
    # Each badge also says its equation's number, to screen readers only (see test_browser_assistive.py).
    assert [name.split(", equation (")[1] for name in names] == [f"{n})" for n in range(1, 20)]
    words = {name.split(", equation (")[0] for name in names}
    assert words == {"proved", "proved for all dimensions", "checked at sizes", "definition", "assumption"}
    link = page.locator("mjx-container a[href='#eq-residual-def']").first
    assert link.get_attribute("aria-label") == "equation (13)"
    link.focus()
    # Focused, the link inside math is in the tree (besides its copy for browsing, see test_browser_assistive.py).
    focused = [n for n in _accessible_nodes(page) if n.get("role", {}).get("value") == "link"
               and _name(n) == "equation (13)"
               and any(p.get("name") == "focused" and p["value"].get("value") for p in n.get("properties", []))]
    assert len(focused) == 1

    browser_page.goto(f"{base_url}/{GRAPH}")
    svg = page.locator("article svg.deriv-graph")
    assert svg.get_attribute("role") == "group" and svg.get_attribute("aria-label")
    boxes = page.locator("article svg.deriv-graph a.deriv-node-link").count()
    assert boxes == len(list((SITE_YML.parent / "derivations").glob("*.yml")))  # one per page
    named = [n for n in _accessible_nodes(page) if n.get("role", {}).get("value") == "link"
             and _name(n).endswith("(verified)")]
    assert len(named) == boxes
    browser_page.assert_clean()

"""What browser tests need besides fixtures: a page wrapper that reads what MathJax rendered.

Kept out of conftest.py so that test modules can import it (``from browser_support import BrowserPage``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Waiting for MathJax after a load or an instant navigation; generous for a 2-core CI machine.
MATH_TIMEOUT_MS = 30_000

# Mathematics is typeset when MathJax has started and no `.arithmatex` element of the content is left
# without its rendered container (after an instant navigation the new ones have none until retypeset).
_MATH_DONE_JS = """() => {
  const mj = window.MathJax;
  if (!mj || !mj.startup || !mj.startup.document || !mj.startup.promise) return false;
  return [...document.querySelectorAll('article .arithmatex')].every(el => el.querySelector('mjx-container'));
}"""

# Equation labels as MathJax rendered them, read from the hidden MathML it adds for assistive technology
# (the visible CHTML labels are drawn with CSS `content`, which has no text to read).
_TAGS_JS = """() => [...document.querySelectorAll(
  'article mjx-container mjx-assistive-mml mlabeledtr > mtd:first-child')].map(e => e.textContent.trim())"""

_ERRORS_JS = """() => [...document.querySelectorAll('article mjx-merror, article [data-mjx-error]')]
  .map(e => e.getAttribute('data-mjx-error') || e.textContent)"""

# Text a reader sees outside rendered math and code: TeX delimiters there mean math MathJax skipped.
_VISIBLE_TEXT_JS = """() => {
  const root = document.querySelector('article');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest('mjx-container, code, pre, script, style')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.textContent);
  return parts.join(' ');
}"""

_IN_VIEWPORT_JS = """(id) => {
  const el = document.getElementById(id);
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.top < window.innerHeight;
}"""

# Where an element is and where the window is scrolled to: what a failed wait for a jump reports.
_WHERE_JS = """(id) => {
  const el = document.getElementById(id);
  const r = el ? el.getBoundingClientRect() : null;
  return {hash: location.hash, scrollY: window.scrollY, innerHeight: window.innerHeight,
          scrollHeight: document.documentElement.scrollHeight, top: r && r.top, bottom: r && r.bottom};
}"""

_IS_TARGET_JS = """(id) => { const t = document.querySelector(':target'); return !!t && t.id === id; }"""

# What a failed wait for :target reports.
_TARGET_STATE_JS = """(id) => {
  const t = document.querySelector(':target');
  return {hash: location.hash, target: t && (t.id || t.tagName), historyLength: history.length,
          historyState: JSON.stringify(history.state), withId: document.querySelectorAll(`[id="${id}"]`).length,
          connected: !!document.getElementById(id) && document.getElementById(id).isConnected};
}"""

# Per chain (a math block of several rows): where each row's first relation starts, whether any row was
# moved, and whether any row scrolls in its own box. The relation is the second item of a typeset row
# (the renderer braces the start term); under a "by (n)" label it is the label's base.
_CHAINS_JS = """() => {
  const chains = {};
  document.querySelectorAll('.deriv-eq[data-deriv-chain]').forEach(row => {
    const cell = row.querySelector('mjx-mlabeledtr > mjx-mtd') || row.querySelector('mjx-math');
    const rel = cell.children[1];
    const base = rel.querySelector('mjx-base');
    const box = row.querySelector('.arithmatex');
    const chain = chains[row.dataset.derivChain] ||= {at: [], moved: false, scrolls: false};
    chain.at.push(((base && base.firstElementChild) || base || rel).getBoundingClientRect().left);
    chain.moved ||= row.querySelector('[data-deriv-shift]') !== null;
    chain.scrolls ||= box.scrollWidth > box.clientWidth + 1;
  });
  return Object.values(chains);
}"""


# WCAG 2 contrast: colours composited over what is behind an element (its ancestors' backgrounds). Function
# definitions to paste into an evaluated arrow function's body: rgba, over, lum, ratio, behind,
# contrast(el, property = 'color', bg = its ancestors' backgrounds).
CONTRAST_JS = """
  const rgba = c => {  // rgb()/rgba(), or color(srgb r g b / a) with channels 0-1 (what color-mix() computes to)
    const m = c.match(/[\\d.]+/g).map(Number);
    const rgb = m.slice(0, 3).map(v => c.startsWith('color(srgb') ? v * 255 : v);
    return [...rgb, m.length > 3 ? m[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const lum = c => c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const behind = el => {
    const layers = [];
    for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255]);
  };
  const contrast = (el, property = 'color', bg = null) => {  // bg: what is behind it, if not its ancestors
    bg = bg || behind(el);
    return ratio(over(rgba(getComputedStyle(el)[property]), bg), bg);
  };
"""


def lined_up(chain: dict[str, Any]) -> bool:
    """Whether the rows of a chain (from :meth:`BrowserPage.chains`) start their relations at one x."""
    return bool(max(chain["at"]) - min(chain["at"]) < 0.75)


@dataclass
class BrowserPage:
    """A Playwright page plus what it tried to fetch, and helpers to read rendered mathematics."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    """Requests to hosts other than the loopback one (aborted)."""
    bad_responses: list[str] = field(default_factory=list)
    """Responses with status >= 400, e.g. a MathJax file the site does not copy."""
    console_errors: list[str] = field(default_factory=list)

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.wait_for_math()

    def wait_for_math(self, content_selector: str | None = None) -> None:
        """Wait until every formula of the current content is typeset.

        After an instant navigation the address changes before the content is swapped; pass a selector
        that only the new page matches to wait for the swap first.
        """
        if content_selector is not None:
            self.page.wait_for_selector(content_selector, state="attached", timeout=MATH_TIMEOUT_MS)
        self.page.wait_for_function(_MATH_DONE_JS, timeout=MATH_TIMEOUT_MS)
        self.page.evaluate("() => MathJax.startup.promise")

    def tags(self) -> list[str]:
        """Equation labels such as "(3)", in page order."""
        return list(self.page.evaluate(_TAGS_JS))

    def chains(self) -> list[dict[str, Any]]:
        """Each chain of the page: ``at`` (where its rows' relations start), ``moved``, ``scrolls``."""
        return list(self.page.evaluate(_CHAINS_JS))

    def math_errors(self) -> list[str]:
        return list(self.page.evaluate(_ERRORS_JS))

    def visible_text(self) -> str:
        return str(self.page.evaluate(_VISIBLE_TEXT_JS))

    def in_viewport(self, element_id: str) -> bool:
        """Whether the element's top edge is visible (below the page top, above the bottom)."""
        return bool(self.page.evaluate(_IN_VIEWPORT_JS, element_id))

    def wait_until_in_viewport(self, element_id: str, timeout_ms: int = MATH_TIMEOUT_MS) -> None:
        """Wait for a jump to land (instant navigation scrolls a moment after the address changes).

        Polls on a timer: animation-frame polling, Playwright's default, was seen to miss the jump.
        """
        try:
            self.page.wait_for_function(_IN_VIEWPORT_JS, arg=element_id, polling=100, timeout=timeout_ms)
        except Exception as err:
            state = self.page.evaluate(_WHERE_JS, element_id)
            raise AssertionError(f"#{element_id} never came into view: {state}") from err

    def wait_until_target(self, element_id: str, timeout_ms: int = MATH_TIMEOUT_MS) -> None:
        """Wait for ``:target`` (the highlighted equation) to be the element. Read at once after the jump it
        was once seen null in CI with the address and the scroll already right; the history, the number of
        elements with the id and whether the element is still in the page are reported if it never comes."""
        try:
            self.page.wait_for_function(_IS_TARGET_JS, arg=element_id, polling=100, timeout=timeout_ms)
        except Exception as err:
            state = self.page.evaluate(_TARGET_STATE_JS, element_id)
            raise AssertionError(f"#{element_id} never became :target: {state}") from err

    def assert_clean(self) -> None:
        """The page made no request off the machine, loaded every file it asked for, and logged no error."""
        assert self.blocked == [], f"requests to other hosts: {self.blocked}"
        assert self.bad_responses == [], f"failed responses: {self.bad_responses}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"

"""The site for readers who print, zoom, use a dark system theme or tell links from text without colour.

Each test pins something the fourth reader audit (assistive technology, keyboard, zoom, print, forced
colours) found: the dark scheme's badge shades printed on white paper, the dependency graph cut off on A4,
equation references told from the text by colour alone, and a link in the details under 4.5:1 on slate.
Besides the real site, a small site is built (not strict) from a spec with a refuted step, an unchecked one
and a spec error, whose page shows every kind of badge and the error box's link.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import CONTRAST_JS, BrowserPage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAIN_RULE = "derivations/mml-5-2-2-multivariate-chain-rule/"
GRAPH = "derivations/graph/"
DASHBOARD = "derivations/dashboard/"
BROKEN = "derivations/broken/"
A4_TEXT_PX = 605  # the width inside an A4 page's margins (210 mm less mkdocs-material's 2 x 25 mm) at 96 px per inch
STATUSES = ["proved", "proved-all", "sizes", "numeric", "definition", "unchecked", "refuted", "error"]

BROKEN_SPEC = """\
version: 1
title: A broken derivation
source: {citation: 'A book, §1.', url: 'https://example.org/book'}
symbols:
  x: real
  y: real
blocks:
  - math:
      label: wrong
      start: {tex: '(x + y)^2', sympy: '(x + y)**2'}
      steps:
        - {tex: 'x^2 + y^2 + 2xy', sympy: 'x**2 + y**2 + 2*x*y'}
        - {tex: 'x^2 + y^2 + 3xy', sympy: 'x**2 + y**2 + 3*x*y'}
  - text: Equation {eq:wrong} is refuted; the next one has no SymPy form.
  - math:
      label: unchecked
      start: {tex: 'x + x', sympy: 'x + x'}
      steps:
        - {tex: '2x', by: wrong}
  - math:
      label: bad
      start: {tex: 'x y', sympy: 'x * y'}
      steps:
        - {tex: 'y x', sympy: 'y * * x'}
"""

BROKEN_YML = """\
site_name: broken
theme:
  name: material
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.arithmatex: {generic: true}
plugins:
  - derivations:
      jobs: 1
"""

# On paper (white, whatever the screen's scheme): each legend pill of the home page, one per status.
_PRINTED_PILLS_JS = "() => {" + CONTRAST_JS + """
  const out = {};
  document.querySelectorAll('article .deriv-pill').forEach(pill => {
    const status = [...pill.classList].find(c => c !== 'deriv-pill').replace('deriv-', '');
    out[status] = contrast(pill, 'color', [255, 255, 255]);
  });
  return out;
}"""

# Every badge of the page and, with its details open, each claim's status word and each link there.
_BADGES_AND_DETAILS_JS = "() => {" + CONTRAST_JS + """
  const out = [];
  document.querySelectorAll('article .deriv-eq').forEach(row => {
    const details = row.querySelector('details.deriv-verdict');
    const status = [...row.classList].find(c => c !== 'deriv-eq').replace('deriv-', '');
    out.push({what: status + ' badge', ratio: contrast(details.querySelector('summary'))});
    details.open = true;
    details.querySelectorAll('.deriv-claim strong, .deriv-detail a').forEach(el => {
      out.push({what: status + ' details ' + el.tagName.toLowerCase(), ratio: contrast(el)});
    });
    details.open = false;
  });
  return out;
}"""

# How each link the plugin writes into running text stands out besides its colour: equation references in
# prose, "by (n)" inside math (its drawn content carries a bottom border), a page's source.
_LINK_CUES_JS = """() => {
  const line = sel => [...document.querySelectorAll(sel)].map(a => getComputedStyle(a).textDecorationLine);
  const math = [...document.querySelectorAll('article mjx-container a[href]')].map(a => {
    const s = getComputedStyle(a.firstElementChild);
    return parseFloat(s.borderBottomWidth) > 0 && s.borderBottomStyle === 'solid' ? 'border' : 'none';
  });
  return {prose: line('article a.deriv-ref'), math, source: line('article .deriv-source a'),
          list: line('article .deriv-graph-list a')};
}"""


@pytest.fixture(scope="module")
def broken_url(tmp_path_factory: pytest.TempPathFactory, serve: Callable[[Path], str]) -> str:
    """A site whose one spec has a refuted step, an unchecked one and a spec error (built without --strict)."""
    root = tmp_path_factory.mktemp("broken-site")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "derivations").mkdir()
    (root / "derivations" / "broken.yml").write_text(BROKEN_SPEC, encoding="utf-8")
    (root / "mkdocs.yml").write_text(BROKEN_YML, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "MKDOCS_DERIVATIONS_VERIFY"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")],
                            capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert "refuted" in result.stderr and "cannot parse" in result.stderr, result.stderr
    return serve(root / "site")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_badges_print_dark_on_white_paper_in_either_scheme(browser_page: BrowserPage, base_url: str,
                                                           scheme: str) -> None:
    """Paper is white in either scheme (mkdocs-material keeps its slate palette to the screen), but the badge
    shades of slate were not: printed from a system set to dark, proved was 1.92:1 on the paper, refuted 2.54:1,
    unchecked 2.38:1, could not be checked 2.11:1. Every status must print at 4.5:1 or more."""
    page = browser_page.page
    page.emulate_media(color_scheme=scheme)
    browser_page.goto(f"{base_url}/")
    page.emulate_media(media="print", color_scheme=scheme)
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    ratios = page.evaluate(_PRINTED_PILLS_JS)
    assert sorted(ratios) == sorted(STATUSES)
    low = {status: round(r, 2) for status, r in ratios.items() if r < 4.5}
    assert low == {}, ratios
    browser_page.assert_clean()


def test_the_graph_prints_whole_on_a4(browser_page: BrowserPage, base_url: str) -> None:
    """On screen the graph keeps a least width and scrolls in its box; on an A4 page (about 605 px inside
    mkdocs-material's margins) that cut off its right-hand column. Printed, it fits the article's width."""
    page = browser_page.page
    page.set_viewport_size({"width": A4_TEXT_PX, "height": 900})
    browser_page.goto(f"{base_url}/{GRAPH}")
    page.emulate_media(media="print")
    fit = page.evaluate("""() => {
      const svg = document.querySelector('article svg.deriv-graph').getBoundingClientRect();
      const article = document.querySelector('article').getBoundingClientRect();
      const boxes = [...document.querySelectorAll('article svg.deriv-graph rect')].map(r => r.getBoundingClientRect());
      return {svg: svg.right, article: article.right, boxes: Math.max(...boxes.map(b => b.right))};
    }""")
    assert fit["svg"] <= fit["article"] + 0.5 and fit["boxes"] <= fit["article"] + 0.5, fit
    browser_page.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_badge_and_details_link_meets_aa_on_a_broken_page(browser_page: BrowserPage, broken_url: str,
                                                                scheme: str) -> None:
    """The badges of refuted, unchecked and not-checked steps, and inside their details the status words and
    the link to the error box, at 4.5:1 or more against what is behind them. On slate that link was the
    theme's #5488e8 on the details' box: 4.13:1."""
    page = browser_page.page
    page.emulate_media(color_scheme=scheme)
    browser_page.goto(f"{broken_url}/{BROKEN}")
    measured = page.evaluate(_BADGES_AND_DETAILS_JS)
    seen = {m["what"] for m in measured}
    assert {"refuted badge", "unchecked badge", "error badge", "error details a"} <= seen, seen
    low = [f"{m['what']}: {m['ratio']:.2f}" for m in measured if m["ratio"] < 4.5]
    assert low == [], low


def test_links_in_running_text_are_underlined_not_only_coloured(browser_page: BrowserPage, broken_url: str) -> None:
    """The theme's link colour is 2.34:1 against the body text in light (1.92:1 in slate), under the 3:1 at
    which colour alone may mark a link: "(1)" in prose and "(1)" over a relation looked like the text around
    them to a reader who does not see the blue, and so did a page's source and the graph's list."""
    browser_page.goto(f"{broken_url}/{BROKEN}")
    cues = browser_page.page.evaluate(_LINK_CUES_JS)
    assert cues["prose"] and set(cues["prose"]) == {"underline"}, cues
    assert cues["math"] and set(cues["math"]) == {"border"}, cues
    assert cues["source"] == ["underline"], cues
    browser_page.goto(f"{broken_url}/{GRAPH}")
    cues = browser_page.page.evaluate(_LINK_CUES_JS)
    assert cues["list"] and set(cues["list"]) == {"underline"}, cues


def test_the_graph_is_also_a_list_of_pages_and_citations(browser_page: BrowserPage, base_url: str, site: Path) -> None:
    """Its boxes were links a screen reader could reach, but no arrow was said anywhere, and a page's state was
    the box's colour alone. Under the graph, every page is listed with its state, the pages it cites and those
    citing it (as many "cites" links as the graph has arrows); every box's label starts with the state's mark;
    assistive technology meets each page once per box (its link), not also as a group and a text; and Tab
    reaches the boxes column by column, not in the order the pages happened to come."""
    page = browser_page.page
    browser_page.goto(f"{base_url}/{GRAPH}")
    specs = len(list((Path(__file__).resolve().parents[2] / "derivations").glob("*.yml")))
    found = page.evaluate("""() => {
      const heading = document.getElementById('the-graph-as-a-list');
      const list = heading.nextElementSibling.querySelector('ul');
      const items = [...list.querySelectorAll(':scope > li')].map(li => li.textContent);
      const cites = [...list.querySelectorAll(':scope > li')].map(li => {
        const text = li.innerHTML.split('; cited by')[0];
        return (text.match(/<a /g) || []).length - 1;  // less the page's own link
      }).reduce((a, b) => a + b, 0);
      return {tag: heading.tagName, items, cites,
              arrows: document.querySelectorAll('article svg.deriv-graph line.deriv-edge').length,
              labels: [...document.querySelectorAll('article svg.deriv-graph text')].map(t => t.textContent),
              boxes: [...document.querySelectorAll('article a.deriv-node-link')].map(a => {
                const r = a.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top)]; })};
    }""")
    assert found["tag"] == "H2" and len(found["items"]) == specs
    assert all(item.split(": cites")[0].endswith("(verified)") for item in found["items"]), found["items"]
    assert found["cites"] == found["arrows"] > 0, found
    assert len(found["labels"]) == specs and all(label.startswith("✓ ") for label in found["labels"]), found["labels"]
    assert found["boxes"] == sorted(found["boxes"]), found["boxes"]  # Tab goes down each column, left to right
    cdp = page.context.new_cdp_session(page)
    nodes = [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")]
    named = [str(n.get("name", {}).get("value", "")) for n in nodes
             if n.get("role", {}).get("value") in ("group", "StaticText", "link")]
    per_box = [name for name in named if name.endswith("(verified)")]
    assert len(per_box) == specs, per_box  # the box links only
    browser_page.assert_clean()


def test_the_dashboard_table_has_a_caption_and_row_headers(browser_page: BrowserPage, base_url: str) -> None:
    """A Markdown table has neither: a screen reader moving down the "refuted" column said "0, 0, 0" without
    whose counts they were, and the table had no name. Each row is headed by its page (and the total row by
    "All"), the columns by their verdicts, and the caption names the table; the cells still read as before."""
    page = browser_page.page
    browser_page.goto(f"{base_url}/{DASHBOARD}")
    specs = len(list((Path(__file__).resolve().parents[2] / "derivations").glob("*.yml")))
    cdp = page.context.new_cdp_session(page)
    nodes = [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")]

    def named(role: str) -> list[str]:
        return [str(n.get("name", {}).get("value", "")) for n in nodes if n.get("role", {}).get("value") == role]

    assert named("table") == ["Claims of each derivation page by verdict, and the errors of its spec file"]
    assert len(named("columnheader")) == 11 and named("columnheader")[:3] == ["Derivation", "Claims", "proved"]
    rows = named("rowheader")
    assert len(rows) == specs + 1 and rows[-1] == f"All ({specs} derivations)", rows
    assert "The multivariate chain rule" in rows
    look = page.evaluate("""() => {
      const cell = document.querySelector('.deriv-dashboard tbody th');
      const plain = document.querySelector('.deriv-dashboard tbody td');
      return {weight: getComputedStyle(cell).fontWeight, border: getComputedStyle(cell).borderTopWidth,
              cellBorder: getComputedStyle(plain).borderTopWidth};
    }""")
    assert look["weight"] == "400" and look["border"] == look["cellBorder"], look
    browser_page.assert_clean()


def test_a_badge_tells_a_screen_reader_which_equation_it_is_about(browser_page: BrowserPage, base_url: str) -> None:
    """Tabbing from badge to badge, a screen reader said "proved, collapsed" nineteen times on the chain-rule
    page and never which equation each was about (a sighted reader sees the badge under its equation). Its name
    now ends with the number; what a reader sees (and the preview's caption) is unchanged."""
    page = browser_page.page
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    cdp = page.context.new_cdp_session(page)
    nodes = [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")]
    names = [str(n.get("name", {}).get("value", "")).strip() for n in nodes
             if n.get("role", {}).get("value") == "DisclosureTriangle"]
    assert len(names) == 19 and names[12] == "definition, equation (13)", names
    assert all(name.endswith(f", equation ({k})") for k, name in enumerate(names, 1)), names
    shown = page.evaluate("() => [...document.querySelectorAll('article details.deriv-verdict > summary')]"
                          ".map(s => s.innerText)")
    assert [text.split(" ", 1)[1] for text in shown] == [name.split(", equation")[0] for name in names], shown
    link = page.locator("article a.deriv-ref[href$='#eq-chain-one-parameter']").first
    link.scroll_into_view_if_needed()
    link.hover()
    page.wait_for_selector("#deriv-preview:not([hidden]) mjx-container")
    assert page.locator("#deriv-preview .deriv-preview-caption").inner_text() == "✓ proved"
    browser_page.assert_clean()


def test_by_citations_are_links_a_browsing_screen_reader_can_follow(browser_page: BrowserPage, base_url: str) -> None:
    """MathJax hides its drawing from assistive technology, so the "by (13)" link over (18)'s relation was in the
    accessibility tree only while focused: browsing, a screen reader read "(13)" from the MathML copy and found
    no link. A copy follows the formula, out of sight and out of the tab order, and leads to (13)."""
    page = browser_page.page
    browser_page.goto(f"{base_url}/{CHAIN_RULE}")
    cdp = page.context.new_cdp_session(page)
    nodes = [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")]
    links = [str(n.get("name", {}).get("value", "")) for n in nodes if n.get("role", {}).get("value") == "link"]
    assert links.count("equation (13)") == 1, [name for name in links if name.startswith("equation")]
    copy = page.locator("#eq-gradient-result .deriv-sr-only a")
    assert copy.get_attribute("tabindex") == "-1"
    assert str(copy.get_attribute("href")).endswith(f"/{CHAIN_RULE}#eq-residual-def")
    hidden = copy.evaluate("""a => {
      a.scrollIntoView({block: 'center'});
      const box = a.parentElement.getBoundingClientRect(), r = a.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return {width: box.width, height: box.height, hit: hit === a}; }""")
    assert hidden == {"width": 1, "height": 1, "hit": False}, hidden  # a 1 px box, the link clipped away in it
    copy.evaluate("a => a.click()")  # what a screen reader does with the link it is on
    browser_page.wait_until_in_viewport("eq-residual-def")
    assert page.evaluate("() => location.hash") == "#eq-residual-def"
    browser_page.assert_clean()

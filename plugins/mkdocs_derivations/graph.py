"""The dependency graph between derivation pages, and each page's "Connections" section.

The graph is inferred from the references themselves (``{eq:page#label}`` in prose and ``by: page#label``):
nobody keeps a list by hand, so it cannot drift from the pages. It is static SVG made at build time and
served with the site (no CDN, no JavaScript needed).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from .checked import CheckedSpec
from .dashboard import page_state
from .references import DASHBOARD_SLUG, Registry, cited_pages, page_href, page_link, pages_registry
from .render import counted
from .slots import Immediate, Slots

GRAPH_MIN_WIDTH = 640  # px: the narrowest the graph is drawn at, so that its labels stay readable
_COLOURS = {"verified": ("#2e7d32", "#e8f5e9"), "partial": ("#b26a00", "#fff8e1"), "failing": ("#c62828", "#ffebee")}
# A page's state is marked by a symbol too, not by colour alone (WCAG 1.4.1): the badges' symbols for a proof, for
# evidence only and for a refutation.
_MARKS = {"verified": "✓", "partial": "≈", "failing": "✗"}


@dataclass(frozen=True)
class PageNode:
    """A page of the graph: what it cites is fixed once specs are loaded, its state is read from its verdicts
    whenever asked (they may still be arriving when the graph is laid out)."""

    slug: str
    title: str
    uses: frozenset[str]
    checked: CheckedSpec = field(compare=False, repr=False)

    @property
    def state(self) -> str:
        """verified | partial | failing, from the verdicts the page has now."""
        return page_state(self.checked)


def nodes(pages: list[CheckedSpec], registry: Registry | None = None) -> list[PageNode]:
    """One node per page, citing the pages its references resolve to in ``registry`` (by default the
    registry of ``pages``)."""
    registry = registry if registry is not None else pages_registry(pages)
    return [PageNode(c.slug, c.title,
                     frozenset(cited_pages(c.slug, c.layout, registry) if c.layout is not None else ()), c)
            for c in pages]


def _layers(graph: list[PageNode]) -> dict[str, int]:
    """Longest-path layering: a page sits one column right of everything it uses (cycles are cut)."""
    uses = {n.slug: set(n.uses) for n in graph}
    layer: dict[str, int] = {}

    def depth(slug: str, trail: frozenset[str]) -> int:
        if slug in layer:
            return layer[slug]
        below = [depth(u, trail | {slug}) for u in sorted(uses.get(slug, ())) if u not in trail and u in uses]
        layer[slug] = 1 + max(below) if below else 0
        return layer[slug]

    for node in graph:
        depth(node.slug, frozenset())
    return layer


def graph_svg(graph: list[PageNode], directory_urls: bool = True, slots: Slots | None = None) -> str:
    """The graph as SVG; a node's colours follow its state, through ``slots`` if given, so that they can be
    filled once the verdicts are in."""
    put = slots or Immediate()
    layer = _layers(graph)
    columns: dict[int, list[PageNode]] = {}
    for node in sorted(graph, key=lambda n: n.title.lower()):
        columns.setdefault(layer[node.slug], []).append(node)
    width_box, height_box, gap_x, gap_y = 230, 48, 80, 26
    position: dict[str, tuple[int, int]] = {}
    for col, members in columns.items():
        for row, node in enumerate(members):
            position[node.slug] = (20 + col * (width_box + gap_x), 20 + row * (height_box + gap_y))
    width = 40 + (max(columns, default=0) + 1) * (width_box + gap_x) - gap_x
    height = 40 + max((len(m) for m in columns.values()), default=1) * (height_box + gap_y) - gap_y
    # role "group", not "img": an image's content is presentational in ARIA, so assistive technology that
    # follows the spec would hide the boxes' links inside it.
    # Scaled to fit a phone, the boxes' 14 px labels were 5.6 px high: the graph shrinks to at most
    # GRAPH_MIN_WIDTH (labels >= 10 px) and scrolls in its box below that (derivations.css).
    least = min(width, GRAPH_MIN_WIDTH)
    parts = [f'<svg class="deriv-graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" style="min-width: {least}px" role="group" '
             'aria-label="Dependency graph of the derivations">',
             '<defs><marker id="deriv-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
             'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#777"/>'
             "</marker></defs>"]
    for node in graph:
        x1, y1 = position[node.slug]
        for used in sorted(node.uses):
            if used not in position:
                continue
            x2, y2 = position[used]
            parts.append(f'<line class="deriv-edge" x1="{x1}" y1="{y1 + height_box // 2}" x2="{x2 + width_box}" '
                         f'y2="{y2 + height_box // 2}" stroke="#777" stroke-width="1.5" '
                         'marker-end="url(#deriv-arrow)"/>')
    # In reading order, column by column and down each column: the boxes' links are tab stops, and in the
    # order the pages were given the focus jumped between columns (Backpropagation, then a box of the middle
    # column, then the last box of the first...).
    for node in (node for col in sorted(columns) for node in columns[col]):
        x, y = position[node.slug]
        state = put.attribute(_state_of(node, str))
        stroke = put.attribute(_state_of(node, lambda state: _COLOURS[state][0]))
        fill = put.attribute(_state_of(node, lambda state: _COLOURS[state][1]))
        title = html.escape(node.title)
        short = title if len(node.title) <= 28 else html.escape(node.title[:26]) + "…"
        label = f"{title} ({put.text(_state_of(node, str))})"
        mark = put.text(_state_of(node, lambda state: _MARKS[state]))
        # The link is an HTML <a> in a foreignObject over the box, not an SVG <a>: mkdocs-material's instant
        # navigation assigns `el.href` on every [href] element, which throws for SVG links (read-only) and
        # left the graph page unrendered when reached from the navigation. The link names the box (title and
        # state) and shows it as a tooltip, so the drawn label is hidden from assistive technology, and the box
        # has no <title> of its own: each page was announced three times (group, text, link).
        parts.append(f'<g class="deriv-node deriv-node-{state}">'
                     f'<rect x="{x}" y="{y}" width="{width_box}" height="{height_box}" rx="8" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="2"/>'
                     f'<text x="{x + width_box // 2}" y="{y + height_box // 2 + 5}" text-anchor="middle" '
                     f'font-size="14" fill="#222" aria-hidden="true">{mark} {short}</text>'
                     f'<foreignObject x="{x}" y="{y}" width="{width_box}" height="{height_box}">'
                     f'<a class="deriv-node-link" href="{page_href(node.slug, directory_urls)}" title="{label}" '
                     f'aria-label="{label}"></a></foreignObject></g>')
    parts.append("</svg>")
    return "".join(parts)


def graph_markdown(graph: list[PageNode], directory_urls: bool = True, slots: Slots | None = None) -> str:
    edges = sum(len(n.uses) for n in graph)
    legend = ("✓ and green: every claim verified; ≈ and amber: some claim only numeric or unchecked; "
              "✗ and red: some claim refuted or not checkable, or the spec has errors")
    return ("# Dependency graph\n\n"
            f"{counted(len(graph), 'derivation')}, {counted(edges, 'citation')} between them. An arrow points "
            "from a page to a page it cites; pages further right build on those to their left. "
            f"Each box is marked by its page's state: {legend}. Each box links to its page; the same pages and "
            "citations are listed below it, in words.\n\n"
            f'<div class="deriv-graph-wrap">{graph_svg(graph, directory_urls, slots)}</div>\n\n'
            + graph_list_markdown(graph, slots) +
            f"\nSee also the [verification dashboard]({DASHBOARD_SLUG}.md).\n")


def graph_list_markdown(graph: list[PageNode], slots: Slots | None = None) -> str:
    """The graph as a list: each page, its state, the pages it cites and those citing it.

    A drawing says who cites whom only to a reader who sees the arrows: a screen reader found ten links and no
    citation, a keyboard user the boxes' truncated titles. The list says it in words, and is searchable."""
    put = slots or Immediate()
    titles = {n.slug: n.title for n in graph}

    def links(slugs: list[str]) -> str:
        return ", ".join(_markdown_link(titles[s], s) for s in slugs)

    lines = ['## The graph as a list {#the-graph-as-a-list}', "", '<div class="deriv-graph-list" markdown="1">', ""]
    for node in sorted(graph, key=lambda n: n.title.lower()):
        uses = sorted((s for s in node.uses if s in titles), key=lambda s: titles[s].lower())
        used_by = sorted((n.slug for n in graph if node.slug in n.uses), key=lambda s: titles[s].lower())
        state = put.text(_state_of(node))
        cites = f"cites {links(uses)}" if uses else "cites no other page"
        cited = f"cited by {links(used_by)}" if used_by else "cited by no other page"
        lines.append(f"- {_markdown_link(node.title, node.slug)} ({state}): {cites}; {cited}.")
    return "\n".join([*lines, "", "</div>"]) + "\n"


def _state_of(node: PageNode, pick: Callable[[str], str] = str) -> Callable[[], str]:
    """What ``pick`` makes of the node's state, when asked (through a slot, once its verdicts are in)."""
    return lambda: pick(node.state)


def _markdown_link(title: str, slug: str) -> str:
    """A Markdown link to a generated page (MkDocs resolves and checks it)."""
    return f"[{html.escape(title)}]({page_link(slug)})"


def connections_markdown(slug: str, graph: list[PageNode]) -> str:
    """The "uses / used by" section at the end of a derivation page (empty when it has neither)."""
    titles = {n.slug: n.title for n in graph}
    me = next((n for n in graph if n.slug == slug), None)
    if me is None:
        return ""
    uses = sorted(me.uses)
    used_by = sorted(n.slug for n in graph if slug in n.uses)
    if not uses and not used_by:
        return ""
    lines = ["", "## Connections", ""]
    if uses:
        lines.append("Uses: " + ", ".join(_markdown_link(titles[s], s) for s in uses) + ".")
        lines.append("")
    if used_by:
        lines.append("Used by: " + ", ".join(_markdown_link(titles[s], s) for s in used_by) + ".")
        lines.append("")
    return "\n".join(lines)

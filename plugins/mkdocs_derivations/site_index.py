"""Site-wide pages: the verification dashboard, the dependency graph and each page's connections.

The graph is inferred from the references themselves (``{eq:page#label}`` in prose and ``by: page#label``):
nobody keeps a list by hand, so it cannot drift from the pages. Everything here is static HTML/SVG made at
build time and served with the site (no CDN, no JavaScript needed).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .checking import CheckedSpec, PendingCheck
from .references import DASHBOARD_SLUG, GRAPH_SLUG, Registry, cited_pages, pages_registry
from .render import counted, page_heading, render_page
from .slots import Immediate, Slots
from .verdict import BADGES, FAILING, VERIFIED

SITE_TOTAL_MARKER = "<!-- derivations:site-total -->"

_COLUMNS = (("proved", "proved"), ("proved-all", "all dimensions"), ("sizes", "at sizes"),
            ("numeric", "numeric"), ("definition", "definitions"), ("unchecked", "unchecked"),
            ("refuted", "refuted"), ("error", "errors"))
_COLOURS = {"verified": ("#2e7d32", "#e8f5e9"), "partial": ("#b26a00", "#fff8e1"), "failing": ("#c62828", "#ffebee")}


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
        return page_state(claim_counts(self.checked))


def claim_counts(checked: CheckedSpec) -> Counter[str]:
    """Verdict statuses over every claim of a page (load errors count as errors)."""
    counts = checked.status_counts()
    counts["error"] += len(checked.errors)
    return counts


def page_state(counts: Counter[str]) -> str:
    if any(counts[s] for s in FAILING):
        return "failing"
    if counts["numeric"] or counts["unchecked"]:
        return "partial"
    return "verified"


def nodes(pages: list[CheckedSpec], registry: Registry | None = None) -> list[PageNode]:
    """One node per page, citing the pages its references resolve to in ``registry`` (by default the
    registry of ``pages``)."""
    registry = registry if registry is not None else pages_registry(pages)
    return [PageNode(c.slug, c.title,
                     frozenset(cited_pages(c.slug, c.layout, registry) if c.layout is not None else ()), c)
            for c in pages]


def _link(slug: str, directory_urls: bool) -> str:
    return f"../{slug}/" if directory_urls else f"{slug}.html"


def dashboard_markdown(pages: list[CheckedSpec], slots: Slots | None = None) -> str:
    """The dashboard: one table row per page counting its claims by verdict (counts in ``slots``, if given)."""
    put = slots or Immediate()

    def count(of: list[CheckedSpec], status: str | None = None) -> str:
        return put.text(lambda: str(sum(claim_counts(c)[status] if status else sum(claim_counts(c).values())
                                        for c in of)))

    header = "| Derivation | Claims | " + " | ".join(label for _, label in _COLUMNS) + " |"
    rule = "|---|---:|" + "---:|" * len(_COLUMNS)
    rows = [header, rule]
    for checked in sorted(pages, key=lambda c: c.title.lower()):
        cells = " | ".join(count([checked], s) for s, _ in _COLUMNS)
        title = html.escape(checked.title).replace("|", "&#124;")
        rows.append(f"| [{title}]({checked.slug}.md) | {count([checked])} | {cells} |")
    cells = " | ".join(f"**{count(pages, s)}**" for s, _ in _COLUMNS)
    rows.append(f"| **All ({counted(len(pages), 'derivation')})** | **{count(pages)}** | {cells} |")
    legend = ", ".join(f"{BADGES[s][0]} {BADGES[s][1]}" for s, _ in _COLUMNS)  # type: ignore[index]
    total = put.text(lambda: html.escape(site_total_sentence(pages)))
    return ("# Verification dashboard\n\n"
            f'<p class="deriv-summary">{total}</p>\n\n'
            "One row per derivation page, counting every claim by the verdict it received when this site "
            f"was built. Legend: {legend}.\n\n" + "\n".join(rows) + "\n\n"
            f"See also the [dependency graph]({GRAPH_SLUG}.md).\n")


def site_total_sentence(pages: list[CheckedSpec]) -> str:
    totals: Counter[str] = Counter()
    for checked in pages:
        totals.update(claim_counts(checked))
    verified = sum(totals[s] for s in VERIFIED)
    failing = sum(totals[s] for s in FAILING)
    text = (f"{counted(len(pages), 'derivation')}, {counted(sum(totals.values()), 'claim')}: "
            f"{verified} machine-checked "
            f"({totals['proved']} proved, {totals['proved-all']} for all dimensions, {totals['sizes']} at sizes), "
            f"{counted(totals['definition'], 'definition')}")
    if totals["numeric"]:
        text += f", {totals['numeric']} numeric evidence only"
    if totals["unchecked"]:
        text += f", {totals['unchecked']} unchecked"
    return text + (f", {failing} refuted or failing." if failing else ", none refuted.")


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

    def of(node: PageNode, pick: Callable[[str], str]) -> Callable[[], str]:
        return lambda: pick(node.state)

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
    parts = [f'<svg class="deriv-graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="Dependency graph of the derivations">',
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
    for node in graph:
        x, y = position[node.slug]
        state = put.attribute(of(node, str))
        stroke = put.attribute(of(node, lambda state: _COLOURS[state][0]))
        fill = put.attribute(of(node, lambda state: _COLOURS[state][1]))
        title = html.escape(node.title)
        short = title if len(node.title) <= 30 else html.escape(node.title[:28]) + "…"
        label = f"{title} ({put.text(of(node, str))})"
        # The link is an HTML <a> in a foreignObject over the box, not an SVG <a>: mkdocs-material's instant
        # navigation assigns `el.href` on every [href] element, which throws for SVG links (read-only) and
        # left the graph page unrendered when reached from the navigation.
        parts.append(f'<g class="deriv-node deriv-node-{state}"><title>{label}</title>'
                     f'<rect x="{x}" y="{y}" width="{width_box}" height="{height_box}" rx="8" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="2"/>'
                     f'<text x="{x + width_box // 2}" y="{y + height_box // 2 + 5}" text-anchor="middle" '
                     f'font-size="14" fill="#222">{short}</text>'
                     f'<foreignObject x="{x}" y="{y}" width="{width_box}" height="{height_box}">'
                     f'<a class="deriv-node-link" href="{_link(node.slug, directory_urls)}" title="{label}" '
                     f'aria-label="{label}"></a></foreignObject></g>')
    parts.append("</svg>")
    return "".join(parts)


def graph_markdown(graph: list[PageNode], directory_urls: bool = True, slots: Slots | None = None) -> str:
    edges = sum(len(n.uses) for n in graph)
    legend = ("green: every claim verified; amber: some claim only numeric or unchecked; "
              "red: some claim refuted or not checkable")
    return ("# Dependency graph\n\n"
            f"{counted(len(graph), 'derivation')}, {counted(edges, 'citation')} between them. An arrow points "
            "from a page to a page it cites; pages further right build on those to their left. "
            f"Colours: {legend}. Each box links to its page.\n\n"
            f'<div class="deriv-graph-wrap">{graph_svg(graph, directory_urls, slots)}</div>\n\n'
            f"See also the [verification dashboard]({DASHBOARD_SLUG}.md).\n")


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
        lines.append("Uses: " + ", ".join(f"[{html.escape(titles[s])}]({s}.md)" for s in uses) + ".")
        lines.append("")
    if used_by:
        lines.append("Used by: " + ", ".join(f"[{html.escape(titles[s])}]({s}.md)" for s in used_by) + ".")
        lines.append("")
    return "\n".join(lines)


@dataclass
class Site:
    """Everything the site gets from the specs: pages as (slug, Markdown), problems to warn about, the total."""

    pages: list[tuple[str, str]]
    problems: list[str]
    total: str


class SitePages:
    """The generated pages of a site whose verdicts may still be arriving (see :class:`PendingCheck`).

    Which pages exist, their titles and their citations do not depend on verdicts, so they are known as
    soon as the specs are loaded and MkDocs can lay out its navigation. A page's Markdown is available at
    once with a slot wherever a verdict shows (:meth:`page_markdown`); :meth:`fill` waits for the verdicts
    the page shows (its own spec's, or every spec's for the dashboard and the graph) and fills its HTML.
    :meth:`markdown` gives the final Markdown in one go, for callers that can wait.
    """

    def __init__(self, pending: PendingCheck, directory_urls: bool = True, dashboard: bool = True) -> None:
        self.pending = pending
        self._directory_urls = directory_urls
        # A spec whose name is taken has no page (its error is among the problems, failing a strict build).
        self._pages = [checked for checked in pending.specs if checked.has_page]
        self._registry = pages_registry(self._pages)
        self._specs = {checked.slug: checked for checked in self._pages}
        self._graph = nodes(self._pages, self._registry)  # citations are final; states are read when asked
        self._extra = (DASHBOARD_SLUG, GRAPH_SLUG) if dashboard and self._pages else ()
        self.slugs = [checked.slug for checked in self._pages] + list(self._extra)
        self._slots: dict[str, Slots] = {}
        self._lost: list[str] = []

    def placeholder(self, slug: str) -> str:
        """Markdown to stand in for the page until :meth:`page_markdown` is asked for: its title, which is
        what MkDocs reads from a page before converting it."""
        if slug in self._extra:
            return "# Verification dashboard\n" if slug == DASHBOARD_SLUG else "# Dependency graph\n"
        return page_heading(self._specs[slug]) + "\n"

    def markdown(self, slug: str) -> str:
        """The page's final Markdown; waits for the verdicts it shows."""
        self._wait_for(slug)
        return self._render(slug, None)

    def page_markdown(self, slug: str) -> str:
        """The page's Markdown with its verdicts as slots, without waiting; :meth:`fill` completes it."""
        slots = self._slots[slug] = Slots()
        return self._render(slug, slots)

    def fill(self, slug: str, text: str) -> str:
        """``text`` (the page's HTML) with its slots filled; waits for the verdicts the page shows."""
        slots = self._slots.pop(slug, None)
        if slots is None:
            return text
        self._wait_for(slug)
        filled, missing = slots.fill(text)
        if missing:
            self._lost.append(f"{slug}: {missing} verdict placeholder(s) were missing from the page's HTML (a "
                              "plugin or theme override dropped HTML comments?), so some verdicts are not shown")
        return filled

    def _wait_for(self, slug: str) -> None:
        if slug in self._extra:
            self.pending.wait_all()
        else:
            self.pending.wait(self._specs[slug])

    def _render(self, slug: str, slots: Slots | None) -> str:
        if slug == DASHBOARD_SLUG and slug in self._extra:
            return dashboard_markdown(self._pages, slots)
        if slug == GRAPH_SLUG and slug in self._extra:
            return graph_markdown(self._graph, self._directory_urls, slots)
        page = render_page(self._specs[slug], self._registry, self._directory_urls, slots)
        return page.markdown + connections_markdown(slug, self._graph)

    def problems(self) -> list[str]:
        """What must fail a strict build; waits for every verdict."""
        self.pending.wait_all()
        problems = [problem for checked in self.pending.specs for problem in checked.problems()]
        return problems + ([self.pending.failure] if self.pending.failure else []) + self._lost

    def total(self) -> str:
        self.pending.wait_all()
        return site_total_sentence(self._pages) if self._pages else ""


def build_site(checked: list[CheckedSpec], directory_urls: bool = True, dashboard: bool = True) -> Site:
    """Render every derivation page of specs already checked, with its connections, the dashboard and graph."""
    site = SitePages(PendingCheck.finished(checked), directory_urls=directory_urls, dashboard=dashboard)
    return Site([(slug, site.markdown(slug)) for slug in site.slugs], site.problems(), site.total())

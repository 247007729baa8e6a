"""The generated pages of a site: each derivation page with its connections, the dashboard and the graph.

MkDocs needs the list of pages and their titles before any verdict is known, and their HTML after; this
module is the one place that knows which page waits for which verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checked import CheckedSpec
from .dashboard import dashboard_markdown, site_total_sentence
from .graph import connections_markdown, graph_markdown, nodes
from .pending import PendingCheck
from .references import DASHBOARD_SLUG, GRAPH_SLUG, pages_registry
from .render import page_heading, render_page
from .slots import Slots


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
        # Specs whose name is taken show on the dashboard, so it is made even when no spec has a page.
        self._without_page = [checked for checked in pending.specs if not checked.has_page]
        self._extra = (DASHBOARD_SLUG, GRAPH_SLUG) if dashboard and pending.specs else ()
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
            return dashboard_markdown(self._pages, slots, self._without_page, self._directory_urls)
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
        return site_total_sentence(self._pages, self._without_page) if self.pending.specs else ""


def build_site(checked: list[CheckedSpec], directory_urls: bool = True, dashboard: bool = True) -> Site:
    """Render every derivation page of specs already checked, with its connections, the dashboard and graph."""
    site = SitePages(PendingCheck.finished(checked), directory_urls=directory_urls, dashboard=dashboard)
    return Site([(slug, site.markdown(slug)) for slug in site.slugs], site.problems(), site.total())

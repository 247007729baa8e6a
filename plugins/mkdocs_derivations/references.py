"""Equation references across a site: ``{eq:label}`` / ``{eq:page#label}`` in prose, ``by: page#label``.

Resolution needs every page's labels, so it runs once all specs are laid out. The checker reports broken
references as located errors (so ``mkdocs-derivations check`` fails exactly where ``mkdocs build
--strict`` would), and the renderer uses the same registry to write the links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from .claims import Layout, MathItem, TextItem, walk_items
from .errors import Location, SpecError

# The pages the plugin generates beside the specs' own; a spec of the same name would have no page.
DASHBOARD_SLUG = "dashboard"
GRAPH_SLUG = "graph"
GENERATED_SLUGS = (DASHBOARD_SLUG, GRAPH_SLUG)

REFERENCE = re.compile(r"\{eq:([a-z0-9][a-z0-9-]*)(?:#([a-z0-9][a-z0-9-]*))?\}")


@dataclass(frozen=True)
class Target:
    """Where a label points: its number and anchor on the page ``slug``."""

    number: str
    anchor: str
    slug: str


Registry = dict[str, dict[str, Target]]  # slug -> label -> target


def build_registry(layouts: Iterable[tuple[str, Layout]]) -> Registry:
    return {slug: {label: Target(row.number or label, row.anchor, slug) for label, row in layout.labels.items()}
            for slug, layout in layouts}


class _Page(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def layout(self) -> Layout | None: ...


def pages_registry(pages: Iterable[_Page]) -> Registry:
    """The registry of a set of loaded pages (those that failed to load contribute nothing)."""
    return build_registry((p.slug, p.layout) for p in pages if p.layout is not None)


def split(match: re.Match[str], here: str) -> tuple[str, str]:
    """(slug, label) of a prose reference; a bare label refers to the page it is on."""
    first, second = match.group(1), match.group(2)
    return (first, second) if second else (here, first)


def text_references(item: TextItem) -> Iterator[tuple[re.Match[str], Location]]:
    """Every reference in a prose block with its exact location (lines of a block scalar are kept)."""
    for lineno, line in enumerate(item.markdown.splitlines()):
        for match in REFERENCE.finditer(line):
            if item.location.line:
                # Lines of a block scalar share its indentation; other scalars arrive on one line.
                column = item.location.column + match.start() if item.location.column else 0
                yield match, Location(item.location.path, item.location.line + lineno, column)
            else:
                yield match, Location(item.location.path)


def _references(slug: str, layout: Layout) -> Iterator[tuple[str, str, str, Location]]:
    """(target page, label, as written, location) of every reference and cross-page `by:` of one page."""
    items = list(walk_items(layout.items))
    for item in (i for i in items if isinstance(i, TextItem)):
        for match, location in text_references(item):
            target_slug, label = split(match, slug)
            yield target_slug, label, match.group(0), location
    for math in (i for i in items if isinstance(i, MathItem)):
        for row in math.rows:
            for part in row.parts:
                for number, anchor in part.by:
                    if not number:  # a number means it was resolved on the page itself when laid out
                        target_slug, label = anchor.split("#", 1)
                        yield target_slug, label, f"by: {anchor}", row.location


def reference_errors(slug: str, layout: Layout, registry: Registry,
                     broken: frozenset[str] | set[str] = frozenset()) -> list[SpecError]:
    """Located errors for every reference of one page that names no equation; ``broken`` names the pages
    that exist but could not be loaded (their labels are unknown, which is not the citing page's fault)."""
    errors: list[SpecError] = []
    for target_slug, label, written, location in _references(slug, layout):
        if label in registry.get(target_slug, {}):
            continue
        if target_slug in broken:
            what = f"page `{target_slug}` has errors that stop it loading; fix those first"
        elif target_slug in registry:
            what = f"page `{target_slug}`"
        else:
            what = f"no page `{target_slug}`"
        if written.startswith("by: "):
            errors.append(SpecError(f"`{written}` names no equation on another page ({what})", location))
        else:
            errors.append(SpecError(f"reference `{written}` names no equation ({what})", location))
    return errors


def page_name_errors(pages: list[tuple[str, str]]) -> dict[int, SpecError]:
    """Specs that cannot have a page of their own, by position in ``pages`` ((slug, shown path) pairs in
    site order): a name the plugin uses for a generated page, or the name of an earlier spec (`a.yml` and
    `a.yaml`). Otherwise the later page silently replaced the earlier one."""
    errors: dict[int, SpecError] = {}
    first: dict[str, str] = {}
    for index, (slug, shown) in enumerate(pages):
        if slug in GENERATED_SLUGS:
            errors[index] = SpecError(f"`{slug}` is the name of a page the plugin generates (the verification "
                                      "dashboard or the dependency graph); rename this spec", Location(shown))
        elif slug in first:
            errors[index] = SpecError(f"`{first[slug]}` already makes the page `{slug}` (a page is named after "
                                      "its file, without .yml or .yaml); rename one of them", Location(shown))
        else:
            first[slug] = shown
    return errors


def cited_pages(slug: str, layout: Layout, registry: Registry) -> set[str]:
    """The other pages whose equations this page cites (references that resolve), for the graph."""
    return {target for target, label, _, _ in _references(slug, layout)
            if target != slug and label in registry.get(target, {})}

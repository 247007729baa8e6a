"""Equation references across a site: ``{eq:label}`` / ``{eq:page#label}`` in prose, ``by: page#label``.

Resolution needs every page's labels, so it runs once all specs are laid out. The checker reports broken
references as located errors (so ``mkdocs-derivations check`` fails exactly where ``mkdocs build
--strict`` would), and the renderer uses the same registry to write the links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from .claims import Layout, MathItem, TextItem, walk_items
from .errors import Location, SpecError, close_match
from .markdown_code import mask_code
from .spec import LABEL_RE

# The pages the plugin generates beside the specs' own; a spec of the same name would have no page.
DASHBOARD_SLUG = "dashboard"
GRAPH_SLUG = "graph"
GENERATED_SLUGS = (DASHBOARD_SLUG, GRAPH_SLUG)


def page_link(slug: str, suffix: str = ".md") -> str:
    """A generated page's name as it goes into a link: percent-encoded, since any file name makes a page. As
    written, `a#b` and `c?d` linked to nothing, `e%20f` to `e f`, `x:y` read as a URL scheme and was
    removed, and `p|q` or `p(q` broke the dashboard's table or its Markdown link. MkDocs decodes the link
    to find the page."""
    return quote(slug, safe="") + suffix


def page_href(slug: str, directory_urls: bool = True) -> str:
    """A generated page's URL as seen from another generated page (they share one folder), for raw HTML, whose
    links MkDocs does not rewrite as it does Markdown's ``page.md``: the graph's boxes, the dashboard's rows."""
    return f"../{page_link(slug, '/')}" if directory_urls else page_link(slug, ".html")

REFERENCE = re.compile(r"\{eq:([a-z0-9][a-z0-9-]*)(?:#([a-z0-9][a-z0-9-]*))?\}")
# Anything that starts like a reference: one that is not also a REFERENCE is written wrong (`{eq: a}`, `{eq:A}`)
# and stayed on the page as literal text, with the check and the strict build passing.
_REFERENCE_LIKE = re.compile(r"\{eq:[^}\n]{0,80}\}?")
def references_in(markdown: str) -> Iterator[re.Match[str]]:
    """The references of a prose text that are outside code (matched in :func:`mask_code`'s text, whose
    offsets are the original's)."""
    return REFERENCE.finditer(mask_code(markdown))


def substitute_references(markdown: str, replace: Callable[[re.Match[str]], str]) -> str:
    """``markdown`` with each reference outside code replaced by ``replace(match)``."""
    pieces, last = [], 0
    for match in references_in(markdown):
        pieces += [markdown[last:match.start()], replace(match)]
        last = match.end()
    return "".join(pieces) + markdown[last:]


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
    """Every reference outside code in a prose block, with its exact location."""
    for _, match, location in _matches(item, REFERENCE):
        yield match, location


def _matches(item: TextItem, pattern: re.Pattern[str]) -> Iterator[tuple[str, re.Match[str], Location]]:
    """(line, match, location) of every match of ``pattern`` outside code in a prose block (lines of a block
    scalar are kept; other scalars arrive on one line)."""
    lines = item.markdown.splitlines()
    for lineno, masked in enumerate(mask_code(item.markdown).splitlines()):
        for match in pattern.finditer(masked):
            if item.location.line:
                column = item.location.column + match.start() if item.location.column else 0
                yield lines[lineno], match, Location(item.location.path, item.location.line + lineno, column)
            else:
                yield lines[lineno], match, Location(item.location.path)


def malformed_references(layout: Layout) -> list[SpecError]:
    """Located errors for text that starts like a reference but is not one (``{eq: a}``, ``{eq:A}``).

    A line indented by four or more is skipped: it may be an indented code block (or a fence's content in a
    list) showing the syntax, which Markdown prints as code; a missed typo there is the lesser harm."""
    errors = []
    for item in (i for i in walk_items(layout.items) if isinstance(i, TextItem)):
        for line, match, location in _matches(item, _REFERENCE_LIKE):
            written = match.group(0)
            if REFERENCE.fullmatch(written) or len(line) - len(line.lstrip(" \t")) >= 4:
                continue
            page = written[4:].split("#", 1)[0] if "#" in written else ""
            if page and not LABEL_RE.match(page):
                why = (f"a page is named in a reference by its file name, and `{page}` is not lower-case letters, "
                       "digits and `-`: rename the file")
            else:
                why = ("write `{eq:label}` or `{eq:page#label}` with the label in lower-case letters, digits and "
                       "`-`, no spaces (in backticks it is left as code)")
            errors.append(SpecError(f"`{written}` is not a reference: {why}", location))
    return errors


def _references(slug: str, layout: Layout) -> Iterator[tuple[str, str, str, Location, str]]:
    """(target page, label, as written, location, step) of every reference and cross-page `by:` of one page
    (the step is "" for prose)."""
    items = list(walk_items(layout.items))
    for item in (i for i in items if isinstance(i, TextItem)):
        for match, location in text_references(item):
            target_slug, label = split(match, slug)
            yield target_slug, label, match.group(0), location, ""
    for math in (i for i in items if isinstance(i, MathItem)):
        for row in math.rows:
            for anchor, location, where in row.cited_elsewhere:
                target_slug, label = anchor.split("#", 1)
                yield target_slug, label, f"by: {anchor}", location, where


_SUGGESTED = 20
"""Broken references of one page that get a "did you mean" (see errors.SUGGESTION_WORD)."""


def reference_errors(slug: str, layout: Layout, registry: Registry,
                     broken: frozenset[str] | set[str] = frozenset()) -> list[SpecError]:
    """Located errors for every reference of one page that names no equation; ``broken`` names the pages
    that exist but could not be loaded (their labels are unknown, which is not the citing page's fault),
    and for text written like a reference that is not one."""
    errors: list[SpecError] = malformed_references(layout)
    for target_slug, label, written, location, where in _references(slug, layout):
        if label in registry.get(target_slug, {}):
            continue
        # "did you mean" for the first few only: each is a difflib search over a page's labels
        suggest = len(errors) < _SUGGESTED
        if target_slug in broken:
            what = f"page `{target_slug}` has errors that stop it loading; fix those first"
        elif target_slug in registry:
            close = close_match(label, registry[target_slug]) if suggest else None
            if target_slug == slug and "#" not in written:
                # A reference on the same page: "did you mean `e#derivative`" sent the author to the other syntax.
                what = f"on this page, `{slug}`" + (f"; did you mean `{{eq:{close}}}`?" if close else "")
            else:
                what = f"page `{target_slug}`" + (f"; did you mean `{target_slug}#{close}`?" if close else "")
        elif cased := [name for name in registry if name.casefold() == target_slug.casefold()]:
            # A reference is written in lower case, so a page named after `B.yml` cannot be cited at all.
            what = (f"no page `{target_slug}`; the page `{cased[0]}` is named after a file with capital letters, "
                    f"which a reference cannot name: rename the file to `{cased[0].lower()}.yml`")
        else:
            close = close_match(target_slug, registry) if suggest else None
            what = f"no page `{target_slug}`" + (f"; did you mean `{close}#{label}`?" if close else "")
        if written.startswith("by: "):
            errors.append(SpecError(f"`{written}` names no equation on another page ({what})", location, where))
        else:
            errors.append(SpecError(f"reference `{written}` names no equation ({what})", location))
    return errors


def page_name_errors(pages: list[tuple[str, str]]) -> list[tuple[int, SpecError, bool]]:
    """Specs whose page name is taken, by position in ``pages`` ((slug, shown path) pairs in site order), each
    with its error and whether it keeps a page: a name the plugin uses for a generated page (no page), or a name
    two specs share (`a.yml` and `a.yaml`: the first keeps the page, the others have none). Both files of a
    shared name get an error, the one whose page it is too: otherwise its page showed one file's content as if
    nothing were wrong, and the other's error was in the build log only. Names are compared ignoring case,
    as the file systems of macOS and Windows would, where `A.yml` and `a.yml` make one page.

    The errors are placed at line 1 (the file's name is at fault, not a line of it), so that every output can
    point at the file as it points at any other spec error."""
    errors: list[tuple[int, SpecError, bool]] = []
    first: dict[str, tuple[int, str, str]] = {}
    for index, (slug, shown) in enumerate(pages):
        key = slug.casefold()
        if slug.startswith("."):
            errors.append((index, SpecError(f"`{slug}` starts with a dot, and MkDocs leaves such files out of the "
                                            "site, so this spec has no page; rename it without the dot",
                                            Location(shown, 1)), False))
        elif key in GENERATED_SLUGS:
            errors.append((index, SpecError(f"`{slug}` is the name of a page the plugin generates (the verification "
                                            "dashboard or the dependency graph), so this spec has no page; rename "
                                            "this spec", Location(shown, 1)), False))
        elif key in first:
            owner, owner_slug, owner_shown = first[key]
            errors.append((index, SpecError(f"`{owner_shown}` already makes the page `{owner_slug}` (a page is named "
                                            "after its file, without .yml or .yaml), so this spec has no page; "
                                            "rename one of them", Location(shown, 1)), False))
            errors.append((owner, SpecError(f"`{shown}` also makes the page `{owner_slug}` (a page is named after its "
                                            "file, without .yml or .yaml), and the page shows this spec only; "
                                            "rename one of them", Location(owner_shown, 1)), True))
        else:
            first[key] = (index, slug, shown)
    return errors


def cited_pages(slug: str, layout: Layout, registry: Registry) -> set[str]:
    """The other pages whose equations this page cites (references that resolve), for the graph."""
    return {target for target, label, _, _, _ in _references(slug, layout)
            if target != slug and label in registry.get(target, {})}

"""Layout + verdicts → the Markdown of a page (no SymPy, no MkDocs).

Equations are emitted as raw HTML blocks (``<div class="arithmatex">\\[…\\]</div>``) so that Markdown never
touches the TeX (no emphasis from ``*``, no escapes eaten), and each carries its number as ``\\tag{n}``
assigned here, not by MathJax, so numbers match the source and survive instant navigation. Badges are plain
``<details>`` elements: readers without JavaScript still see them. Examples and remarks are admonitions
written as ``<div markdown="1">`` (md_in_html), which keeps nested equation blocks raw.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from .checked import CheckedSpec
from .claims import Claim, ContainerItem, Item, Layout, MathItem, Row, TextItem
from .errors import SpecError
from .printable import printable, shorten
from .references import Registry, pages_registry, split, substitute_references
from .sanitize import defuse_script_words, mark_prose, prose_nonce, sanitize_markdown
from .slots import Immediate, Slots
from .verdict import DEFINITION_WORDS, VERIFIED, Status, Verdict, badge, sizes_text, weakest


@dataclass
class RenderedPage:
    slug: str
    title: str
    markdown: str
    problems: list[str] = field(default_factory=list)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 claim``, ``2 claims``: counts in the page summary, the site total and the build log read as
    sentences."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class _PageRenderer:
    def __init__(self, checked: CheckedSpec, registry: Registry, directory_urls: bool = True,
                 slots: Slots | Immediate | None = None) -> None:
        assert checked.layout is not None
        self.checked = checked
        self.layout: Layout = checked.layout
        self.registry = registry
        self.directory_urls = directory_urls
        self.slots = slots if slots is not None else Immediate()
        self.chains = 0  # math blocks of more than one row so far: each is a chain whose relations line up
        self.nonce = prose_nonce(checked.slug)  # marks the contributor's prose on this page (see mark_prose)

    def page_url(self, slug: str, anchor: str) -> str:
        """A URL to another generated page, usable where MkDocs does not rewrite `.md` links (inside TeX)."""
        return f"../{slug}/#{anchor}" if self.directory_urls else f"{slug}.html#{anchor}"

    def cited(self, number: str, anchor: str) -> tuple[str, str]:
        """(number, URL) of a `by:` citation; another page's is looked up in the registry (a missing one
        was reported by the checker, see references.py)."""
        if number:
            return number, f"#{anchor}"
        slug, label = anchor.split("#", 1)
        target = self.registry.get(slug, {}).get(label)
        if target is None:
            return "?", "#"
        return target.number, self.page_url(slug, target.anchor)

    # ----- references ------------------------------------------------------------------------------------
    def resolve(self, match: re.Match[str]) -> str:
        slug, label = split(match, self.checked.slug)
        target = self.registry.get(slug, {}).get(label)
        if target is None:  # reported by the checker (references.py); shown, not hidden
            return f"**(??? {html.escape(match.group(0))})**"
        if slug == self.checked.slug:
            return f"[({target.number})](#{target.anchor}){{.deriv-ref}}"
        return f"[({target.number})]({slug}.md#{target.anchor}){{.deriv-ref .deriv-ref-page}}"

    def text(self, item: TextItem) -> str:
        return self.prose(substitute_references(item.markdown, self.resolve).strip("\n"))

    def prose(self, markdown: str) -> str:
        """Contributor Markdown, sanitised and marked as such for :func:`sanitize.sanitize_html`."""
        return mark_prose(sanitize_markdown(markdown), self.nonce)

    # ----- equations -------------------------------------------------------------------------------------
    def row_tex(self, row: Row, chain: int | None = None) -> str:
        """The row's TeX. In a chain, the start term is one braced group, so that the relation is always the
        second item of the typeset row: the page script finds it there and lines the relations up."""
        pieces = []
        for index, part in enumerate(row.parts):
            if chain is not None and index == 0 and not part.rel:
                pieces.append("{" + part.tex.strip() + "}")
                continue
            if part.rel:
                rel = part.rel
                if part.by:
                    # one link per cited number: "(10),(15)" used to be one link, to (10)
                    numbers = ",".join(rf"\href{{{anchor}}}{{({n})}}" for n, anchor in
                                       (self.cited(n, a) for n, a in part.by))
                    rel = rf"\stackrel{{{numbers}}}{{{rel}}}"
                if index == 0:
                    pieces.append("{}" + rel)
                else:
                    pieces.append(rel)
            pieces.append(part.tex.strip())
        tex = " ".join(pieces)
        if row.number:
            tex += rf" \tag{{{row.number}}}"
        return tex

    def row_verdicts(self, row: Row) -> list[tuple[Claim, Verdict]]:
        out = []
        for index in row.claims:
            out.append((self.layout.claims[index], self.checked.verdict(index)))
        return out

    def detail(self, claim: Claim, verdict: Verdict) -> str:
        label = badge([verdict])[1]
        lines = [f"<p><strong>{_esc(label)}</strong>"]
        if verdict.method:
            lines[-1] += f" — method: {_esc(verdict.method)}"
        lines[-1] += "</p>"
        if claim.kind == "error":  # nothing was checked, so there is no checked form to show
            lines.append(f"<p>{_esc(verdict.detail)}</p>"
                         f'<p><a href="#{ERRORS_ANCHOR}">This page\'s errors are listed at its top.</a></p>')
            return "".join(lines)
        if claim.lhs or claim.rhs:
            rel = {"shape": "∈", "define": ":=", "given": "= (given)"}.get(claim.kind, "=")
            checked = _esc(claim.lhs)
            if claim.rhs:
                checked += f" {rel} " + _esc(claim.rhs)
            lines.append(f"<p>Checked form: <code>{checked}</code></p>")
            used = claim.definitions_used()
            if used:
                shown = ", ".join(f"<code>{_esc(name)} := {_esc(shorten(text))}</code>" for name, text in used)
                lines.append(f"<p>With: {shown}</p>")
        if verdict.detail:
            lines.append(f"<p>{_esc(verdict.detail)}</p>")
        if verdict.sizes:
            lines.append(f"<p>Sizes: {_esc(sizes_text(verdict.sizes))}</p>")
        if verdict.points:
            lines.append(f"<p>Numeric points: {verdict.points}</p>")
        if verdict.counterexample:
            items = "".join(f"<li>{_esc(k)} = <code>{_esc(v)}</code></li>"
                            for k, v in verdict.counterexample.items())
            lines.append(f"<p>Counterexample:</p><ul>{items}</ul>")
        for note in verdict.notes:
            lines.append(f'<p class="deriv-note">Note: {_esc(note)}</p>')
        if verdict.seconds:
            lines.append(f"<p>Time: {verdict.seconds * 1000:.0f} ms</p>")
        if verdict.status not in VERIFIED and verdict.status != "definition":
            # What a contributor needs to find the step in the spec, as the build log and the CLI name it.
            where = f", {_esc(claim.where)}" if claim.where else ""
            lines.append(f'<p class="deriv-source">Source: <code>{_esc(str(claim.location))}</code>{where}</p>')
        return "".join(lines)

    def row(self, row: Row, chain: int | None = None) -> str:
        tex = _esc(self.row_tex(row, chain))
        number = f' data-eq-number="{_esc(row.number)}"' if row.number else ""
        number += f' data-deriv-chain="{chain}"' if chain is not None else ""
        ident = f' id="{_esc(row.anchor)}"' if row.anchor else ""
        # data-search-exclude: mkdocs-material's search index leaves the TeX out. Search results showed rows as
        # raw source ("\\[{}\\stackrel{\\href{#eq-re..."), and TeX is not what a reader types into a search box.
        status = self.slots.attribute(lambda: self.row_status(row))
        return (
            f'<div class="deriv-eq deriv-{status}"{ident}{number}>\n'
            f'<div class="arithmatex" data-search-exclude="tex">\\[{tex}\\]</div>\n'
            f"{self.cited_for_screen_readers(row)}"
            f"{self.slots.text(lambda: self.verdict_box(row))}\n"
            "</div>"
        )

    def cited_for_screen_readers(self, row: Row) -> str:
        """The row's "by (13)" citations again, as links for screen readers only, or "".

        MathJax hides its drawing of a formula from assistive technology (a screen reader reads the MathML copy,
        where "(13)" over "=" is no link), so a link inside math is in the accessibility tree only while it has
        the focus: browsing a page, a screen reader met "(13)" and no link to follow. These copies are out of
        sight and out of the tab order (Tab reaches the link inside the formula); browsing, they follow the
        formula they belong to."""
        cited: list[tuple[str, str]] = []
        for part in row.parts:
            for target in (self.cited(number, anchor) for number, anchor in part.by):
                if target not in cited:
                    cited.append(target)
        if not cited:
            return ""
        links = ", ".join(f'<a href="{_esc(url)}" tabindex="-1">equation ({_esc(number)})</a>' for number, url in cited)
        return f'<span class="deriv-sr-only" data-search-exclude="cited">by {links}</span>\n'

    def row_status(self, row: Row) -> Status:
        """What a row shows: the weakest verdict of its claims."""
        return weakest([v for _, v in self.row_verdicts(row)])

    def verdict_box(self, row: Row) -> str:
        """The badge of a row (its weakest verdict) and, folded, every claim's details."""
        pairs = self.row_verdicts(row)
        symbol, label = badge([v for _, v in pairs])
        details = "".join(f'<div class="deriv-claim deriv-{v.status}">{self.detail(c, v)}</div>' for c, v in pairs)
        # Filled into the page after its HTML was sanitised (slots.py), and a spec error's message quotes the
        # contributor's text: no copy of a script URL may reach the page this way either.
        details = defuse_script_words(details)
        # The symbol is hidden from screen readers: the summary's name is then "proved", not "check mark proved"
        # (or "colon equals definition"); the word beside it says the same. A numbered row's badge is named with
        # its equation too (seen, the badge sits under its equation): tabbing from badge to badge, a screen reader
        # said "proved, collapsed" nineteen times without saying which equation each one was about.
        name = f' aria-label="{_esc(label)}, equation ({_esc(row.number)})"' if row.number else ""
        return (f'<details class="deriv-verdict"><summary{name}><span class="deriv-badge" title="{_esc(label)}" '
                f'aria-hidden="true">{symbol}</span> {_esc(label)}</summary>'
                f'<div class="deriv-detail">{details}</div></details>')

    # ----- blocks ----------------------------------------------------------------------------------------
    def items(self, items: list[Item]) -> list[str]:
        out: list[str] = []
        for item in items:
            if isinstance(item, TextItem):
                out.append(self.text(item))
            elif isinstance(item, MathItem):
                if item.assumptions:
                    out.append(assumptions_line(item.assumptions))
                chain = None
                if len(item.rows) > 1:
                    self.chains += 1
                    chain = self.chains
                out.extend(self.row(row, chain) for row in item.rows)
            else:
                out.append(self.container(item))
        return out

    def container(self, item: ContainerItem) -> str:
        kind = "example" if item.kind == "example" else "note"
        default = "Example" if item.kind == "example" else "Remark"
        title = f"{default}: {item.title}" if item.title else default
        body = [f'<div class="admonition {kind} deriv-{item.kind}" markdown="1">',
                f'<p class="admonition-title">{_esc(title)}</p>', ""]
        if item.assumptions:
            body += [assumptions_line(item.assumptions), ""]
        for block in self.items(item.items):
            body += [block, ""]
        body.append("</div>")
        return "\n".join(body)

    def summary(self) -> str:
        return f'<p class="deriv-summary">{self.slots.text(self.summary_text)}</p>'

    def summary_text(self) -> str:
        """``16 of 19 equations machine-checked: ...`` (escaped), counting each numbered row once, then the
        unnumbered rows that are not machine-checked: a page with one proved equation and two refuted
        unnumbered rows read "1 of 1 equation machine-checked: 1 proved." (red team)."""
        counts: Counter[str] = Counter()
        unnumbered: Counter[str] = Counter()
        numbered = 0
        for row in self.layout.rows:
            if row.number is None:
                unnumbered[self.row_status(row)] += 1
                continue
            numbered += 1
            counts[self.row_status(row)] += 1
        checked = sum(counts[s] for s in VERIFIED)
        parts = []
        for status, words in (("proved", "proved"), ("proved-all", "for all dimensions"),
                              ("sizes", "at sizes")):
            if counts[status]:
                parts.append(f"{counts[status]} {words}")
        text = f"{checked} of {counted(numbered, 'equation')} machine-checked"
        if parts:
            text += ": " + ", ".join(parts)
        others = [counted(counts["definition"], *DEFINITION_WORDS)] if counts["definition"] else []
        others += _not_checked(counts)
        if others:
            text += "; " + ", ".join(others)
        loose = _not_checked(unnumbered)
        if loose:
            text += f"; unnumbered rows: {', '.join(loose)}"
        return _esc(text + ".")

    def page(self) -> RenderedPage:
        spec = self.layout.spec
        body_blocks = self.items(self.layout.items)
        summary = self.summary()
        head = [page_heading(self.checked), "", summary, ""]
        if spec.source is not None:
            link = f" [{spec.source.url}]({spec.source.url})" if spec.source.url else ""
            head += ['<div class="admonition quote deriv-source" markdown="1">',
                     '<p class="admonition-title">Source</p>', "",
                     self.prose(f"{spec.source.citation.strip()}{link}"), "", "</div>", ""]
        if self.layout.assumptions:
            head += [assumptions_line(self.layout.assumptions), ""]
        errors = self.checked.errors
        if errors:
            head += [error_box(errors), ""]
        markdown = "\n".join(head) + "\n" + "\n\n".join(body_blocks) + "\n"
        return RenderedPage(spec.slug, spec.title, markdown, self.checked.problems())


def _not_checked(counts: Counter[str]) -> list[str]:
    """``["1 numeric evidence only", "2 refuted"]``: the rows of ``counts`` that are not machine-checked."""
    return [f"{counts[status]} {words}" for status, words in (
        ("numeric", "numeric evidence only"), ("unchecked", "unchecked"), ("refuted", "refuted"),
        ("error", "could not be checked")) if counts[status]]


def assumptions_line(assumptions: list[str]) -> str:
    """What every check of the page, box or equation below assumes (the checks use it, so readers see it)."""
    return "*Assumptions:* " + "; ".join(assumptions) + "."


def page_heading(checked: CheckedSpec) -> str:
    """The first line of a page's Markdown, its title (MkDocs takes the page title from it). ``&`` is written
    as ``&amp;``: the browser tab shows the title through ``striptags``, which decodes character references,
    and ``&lt;/title&gt;`` written in a title would come out as ``</title>`` there (the loader refuses ``<``)."""
    return f"# {sanitize_markdown(checked.title.replace('&', '&amp;'))}"


# The id of a page's error box, which the badge of every step an error kept from being checked links to.
ERRORS_ANCHOR = "deriv-errors"


def error_box(errors: list[SpecError]) -> str:
    """The errors as the build log shows them (:func:`printable`): one line each, and no blank line to end
    the raw HTML block half way and leave the rest of a message to Markdown."""
    items = "".join(f"<li><code>{_esc(printable(str(e)))}</code></li>" for e in errors)
    return (f'<div class="admonition failure deriv-load-error" id="{ERRORS_ANCHOR}">'
            '<p class="admonition-title">This derivation has errors</p>'
            f"<ul>{items}</ul></div>")


def render_page(checked: CheckedSpec, registry: Registry | None = None, directory_urls: bool = True,
                slots: Slots | None = None) -> RenderedPage:
    """The page's Markdown; with ``slots``, verdicts show as slots to fill later and need not be known yet."""
    if checked.layout is None:
        markdown = f"{page_heading(checked)}\n\n{error_box(checked.errors)}\n"
        return RenderedPage(checked.slug, checked.title, markdown, checked.problems())
    registry = registry if registry is not None else pages_registry([checked])
    return _PageRenderer(checked, registry, directory_urls, slots).page()


def render_site_pages(pages: list[CheckedSpec], directory_urls: bool = True) -> list[RenderedPage]:
    registry = pages_registry(pages)
    return [render_page(p, registry, directory_urls) for p in pages]

"""The verification dashboard: every page's claims counted by verdict, and the site's one-sentence total.

Counts come from :meth:`CheckedSpec.status_counts`, the same as the CLI's, so a claim left without a verdict
counts as unchecked here too. A spec's own errors (its YAML, its format, its references, its name) are not
claims: they are counted apart, as the CLI's "load errors" are, so that a spec that could not be loaded adds
no claim to the totals. The table is Markdown with its numbers in slots, filled once the verdicts are in.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence

from .checked import CheckedSpec, claim_message
from .references import GRAPH_SLUG, page_href
from .render import counted
from .slots import Immediate, Slots
from .verdict import BADGES, DEFINITION_WORDS, FAILING, VERIFIED

SITE_TOTAL_MARKER = "<!-- derivations:site-total -->"

_COLUMNS = (("proved", "proved"), ("proved-all", "all dimensions"), ("sizes", "at sizes"),
            ("numeric", "numeric"), ("definition", "definitions"), ("unchecked", "unchecked"),
            ("refuted", "refuted"), ("error", "errors"))
LOAD_ERRORS = "load errors"  # the column of a spec's own errors, worded as the CLI's summary words them


def page_state(checked: CheckedSpec) -> str:
    """verified | partial | failing; a spec with errors of its own fails, whatever its claims say."""
    counts = checked.status_counts()
    if checked.errors or any(counts[s] for s in FAILING):
        return "failing"
    if counts["numeric"] or counts["unchecked"]:
        return "partial"
    return "verified"


def dashboard_markdown(pages: list[CheckedSpec], slots: Slots | None = None,
                       without_page: Sequence[CheckedSpec] = (), directory_urls: bool = True) -> str:
    """The dashboard: one table row per page counting its claims by verdict (counts in ``slots``, if given),
    and first, the specs ``without_page`` (their name is taken), which the site shows nowhere else."""
    put = slots or Immediate()
    # A `given` step shows "≔ assumption" on its page and is counted with the definitions here.
    words = {"definition": DEFINITION_WORDS[0]}
    legend = ", ".join(f"{BADGES[s][0]} {words.get(s, BADGES[s][1])}" for s, _ in _COLUMNS)  # type: ignore[index]
    total = put.text(lambda: html.escape(site_total_sentence(pages, without_page)))
    return ("# Verification dashboard\n\n"
            f'<p class="deriv-summary">{total}</p>\n\n' + without_page_box(without_page, put) +
            "One row per derivation page, counting every claim by the verdict it received when this site "
            f"was built. Legend: {legend}. The last column counts the errors of the spec file itself (its YAML, "
            "its format, its references, its name), which its page lists; they are not claims.\n\n"
            # In a box of its own, so that its print style (derivations.css) can fit the eleven columns on paper,
            # where mkdocs-material's scrolling table would cut off the last five.
            + f'<div class="deriv-dashboard">{dashboard_table(pages, put, directory_urls)}</div>\n\n'
            f"See also the [dependency graph]({GRAPH_SLUG}.md).\n")


def dashboard_table(pages: list[CheckedSpec], put: Slots | Immediate, directory_urls: bool = True) -> str:
    """The table as HTML, one line (a raw HTML block): a caption, column headers, and each row headed by its
    page, so that a screen reader reading a count says whose it is ("Least squares, proved, 5"). Markdown's
    tables have neither a caption nor row headers; the title is escaped as the graph's boxes escape it."""

    def count(of: list[CheckedSpec], status: str | None = None) -> str:
        if status == LOAD_ERRORS:  # known once the specs are loaded, but a slot keeps one way of writing cells
            return put.text(lambda: str(sum(len(c.errors) for c in of)))
        return put.text(lambda: str(sum(c.status_counts()[status] if status else sum(c.status_counts().values())
                                        for c in of)))

    def row(header: str, cells: list[str], strong: bool = False) -> str:
        wrap = (lambda text: f"<strong>{text}</strong>") if strong else (lambda text: text)
        return (f'<tr><th scope="row">{wrap(header)}</th>'
                + "".join(f'<td style="text-align: right;">{wrap(cell)}</td>' for cell in cells) + "</tr>")

    statuses = [s for s, _ in _COLUMNS] + [LOAD_ERRORS]
    labels = ["Claims"] + [label for _, label in _COLUMNS] + [LOAD_ERRORS]
    head = ('<tr><th scope="col">Derivation</th>'
            + "".join(f'<th scope="col" style="text-align: right;">{label}</th>' for label in labels) + "</tr>")
    body = [row(f'<a href="{page_href(c.slug, directory_urls)}">{html.escape(c.title)}</a>',
                [count([c])] + [count([c], s) for s in statuses])
            for c in sorted(pages, key=lambda c: c.title.lower())]
    foot = row(f"All ({counted(len(pages), 'derivation')})", [count(pages)] + [count(pages, s) for s in statuses],
               strong=True)
    return ("<table><caption>Claims of each derivation page by verdict, and the errors of its spec file</caption>"
            f"<thead>{head}</thead><tbody>{''.join(body)}</tbody><tfoot>{foot}</tfoot></table>")


def without_page_box(specs: Sequence[CheckedSpec], put: Slots | Immediate) -> str:
    """An error box listing the specs that make no page and why, or "" if every spec has its page.

    Their errors are known once the specs are loaded; a refuted claim of theirs only later, hence the slot."""
    if not specs:
        return ""
    def item(problem: str) -> str:
        return f"<li><code>{html.escape(problem)}</code></li>"

    errors = "".join(item(str(error)) for checked in specs for error in checked.errors)
    claims = put.text(lambda: "".join(item(claim_message(claim, row, verdict)) for checked in specs
                                      for claim, row, verdict in checked.claim_records()
                                      if verdict.status in FAILING))
    return ('<div class="admonition failure deriv-load-error deriv-no-page">'
            '<p class="admonition-title">Specs that make no page</p>'
            "<p>These spec files make no page, so their derivations are not on this site:</p>"
            f"<ul>{errors}{claims}</ul></div>\n\n")


def site_total_sentence(pages: list[CheckedSpec], without_page: Sequence[CheckedSpec] = ()) -> str:
    """``7 derivations, 163 claims: ..., none refuted.``, then ``; 1 spec with load errors`` if any spec (with a
    page or without) has errors of its own: the number the CLI's summary gives as ``load errors``."""
    totals = Counter[str]()
    for checked in pages:
        totals.update(checked.status_counts())
    verified = sum(totals[s] for s in VERIFIED)
    failing = sum(totals[s] for s in FAILING)
    text = (f"{counted(len(pages), 'derivation')}, {counted(sum(totals.values()), 'claim')}: "
            f"{verified} machine-checked "
            f"({totals['proved']} proved, {totals['proved-all']} for all dimensions, {totals['sizes']} at sizes), "
            f"{counted(totals['definition'], *DEFINITION_WORDS)}")
    if totals["numeric"]:
        text += f", {totals['numeric']} numeric evidence only"
    if totals["unchecked"]:
        text += f", {totals['unchecked']} unchecked"
    text += f", {failing} refuted or failing" if failing else ", none refuted"
    broken = sum(1 for checked in [*pages, *without_page] if checked.errors)
    if broken:
        text += f"; {counted(broken, 'spec')} with load errors"
    return text + "."

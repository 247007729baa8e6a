"""The verification dashboard: every page's claims counted by verdict, and the site's one-sentence total.

Counts come from :meth:`CheckedSpec.status_counts`, the same as the CLI's, so a claim left without a verdict
counts as unchecked here too. The table is Markdown with its numbers in slots, filled once the verdicts are
in.
"""

from __future__ import annotations

import html
from collections import Counter

from .checked import CheckedSpec
from .references import GRAPH_SLUG
from .render import counted
from .slots import Immediate, Slots
from .verdict import BADGES, DEFINITION_WORDS, FAILING, VERIFIED

SITE_TOTAL_MARKER = "<!-- derivations:site-total -->"

_COLUMNS = (("proved", "proved"), ("proved-all", "all dimensions"), ("sizes", "at sizes"),
            ("numeric", "numeric"), ("definition", "definitions"), ("unchecked", "unchecked"),
            ("refuted", "refuted"), ("error", "errors"))


def claim_counts(checked: CheckedSpec) -> Counter[str]:
    """Verdict statuses over every claim of a page; a load error counts as an error unless it is counted
    already as the steps it kept from being checked."""
    counts = checked.status_counts()
    counts["error"] += len(checked.unclaimed_errors())
    return counts


def page_state(counts: Counter[str]) -> str:
    if any(counts[s] for s in FAILING):
        return "failing"
    if counts["numeric"] or counts["unchecked"]:
        return "partial"
    return "verified"


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
    # A `given` step shows "≔ assumption" on its page and is counted with the definitions here.
    words = {"definition": DEFINITION_WORDS[0]}
    legend = ", ".join(f"{BADGES[s][0]} {words.get(s, BADGES[s][1])}" for s, _ in _COLUMNS)  # type: ignore[index]
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
            f"{counted(totals['definition'], *DEFINITION_WORDS)}")
    if totals["numeric"]:
        text += f", {totals['numeric']} numeric evidence only"
    if totals["unchecked"]:
        text += f", {totals['unchecked']} unchecked"
    return text + (f", {failing} refuted or failing." if failing else ", none refuted.")

"""Dashboard, dependency graph and connections, inferred from the references between pages."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.claims import build_layout
from mkdocs_derivations.dashboard import dashboard_markdown, site_total_sentence
from mkdocs_derivations.graph import connections_markdown, graph_svg, nodes
from mkdocs_derivations.render import render_site_pages
from mkdocs_derivations.spec import load_spec_text
from mkdocs_derivations.verdict import Verdict


def page(slug: str, text: str, status: str = "proved") -> CheckedSpec:
    spec = load_spec_text("version: 1\ntitle: " + slug.title() + "\nsymbols: {t: real}\nblocks:\n" + text,
                          f"{slug}.yml")
    layout, errors = build_layout(spec)
    verdicts = dict(layout.verdicts)
    for i, claim in enumerate(layout.claims):
        if claim.kind == "equal":
            verdicts[i] = Verdict(status)  # type: ignore[arg-type]
    return CheckedSpec(Path(f"{slug}.yml"), f"{slug}.yml", layout, verdicts, errors)


BASE = "  - math:\n      label: base\n      start: {tex: a, sympy: 't'}\n      steps: [{tex: b, sympy: 't'}]\n"
USER = ("  - text: 'from {eq:base#base}'\n  - math:\n      label: mine\n      start: {tex: a, sympy: 't'}\n"
        "      steps: [{tex: b, sympy: 't', by: 'base#base'}]\n")


def test_graph_is_inferred_from_prose_and_by_references() -> None:
    pages = [page("base", BASE), page("user", USER, status="refuted")]
    rendered = render_site_pages(pages)
    assert all(p.errors == [] for p in pages)
    assert r"\stackrel{\href{../base/#eq-base}{(1)}}{=}" in rendered[1].markdown
    graph = {n.slug: n for n in nodes(pages)}
    assert graph["user"].uses == {"base"} and graph["base"].uses == frozenset()
    assert graph["base"].state == "verified" and graph["user"].state == "failing"
    svg = graph_svg(list(graph.values()))
    assert svg.count('class="deriv-edge"') == 1 and "deriv-node-failing" in svg
    # Every link is HTML inside a foreignObject (an SVG <a> breaks mkdocs-material's instant navigation).
    links = re.findall(r"<foreignObject [^>]*><a ([^>]*)></a></foreignObject>", svg)
    assert len(links) == svg.count("<a ") == 2
    assert all(link.startswith('class="deriv-node-link" href="../') for link in links)
    assert "Used by: [User](user.md)" in connections_markdown("base", list(graph.values()))
    assert "Uses: [Base](base.md)" in connections_markdown("user", list(graph.values()))


def test_missing_cross_page_by_is_an_error() -> None:
    from mkdocs_derivations.references import build_registry, reference_errors

    [user] = [page("user", USER)]
    assert user.layout is not None
    messages = [e.message for e in reference_errors("user", user.layout, build_registry([("user", user.layout)]))]
    assert any("`by: base#base` names no equation" in m for m in messages)
    assert any("{eq:base#base}" in m for m in messages)


def test_dashboard_counts_claims_per_page_and_totals() -> None:
    pages = [page("base", BASE), page("user", USER, status="refuted")]
    markdown = dashboard_markdown(pages)
    assert "| [Base](base.md) | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in markdown
    assert "| [User](user.md) | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 |" in markdown
    assert "| **All (2 derivations)** | **2** |" in markdown
    assert site_total_sentence(pages).endswith("1 refuted or failing.")


def test_a_claim_left_without_a_verdict_counts_as_unchecked_not_verified() -> None:
    """A check that failed half-way leaves claims without a verdict: the graph and the dashboard must not
    show that page as verified (they used to count only the verdicts that arrived)."""
    base = page("base", BASE)
    [index] = [i for i, claim in enumerate(base.layout.claims) if claim.kind == "equal"]  # type: ignore[union-attr]
    del base.verdicts[index]
    [node] = nodes([base])
    assert node.state == "partial"
    assert base.status_counts()["unchecked"] == 1
    assert "| [Base](base.md) | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 |" in dashboard_markdown([base])

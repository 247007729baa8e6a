"""Dashboard, dependency graph and connections, inferred from the references between pages."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.claims import build_layout
from mkdocs_derivations.dashboard import dashboard_markdown, site_total_sentence
from mkdocs_derivations.graph import connections_markdown, graph_markdown, graph_svg, nodes
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


def dashboard_rows(markdown: str) -> dict[str, list[str]]:
    """The dashboard table's rows as text: each row's header (a page's title, or the total) -> its cells."""
    table = markdown.split("<table>", 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table):
        cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        rows[cells[0]] = cells[1:]
    return rows


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
    rows = dashboard_rows(markdown)
    assert rows["Base"] == ["1", "1", "0", "0", "0", "0", "0", "0", "0", "0"]
    assert rows["User"] == ["1", "0", "0", "0", "0", "0", "0", "1", "0", "0"]
    assert rows["All (2 derivations)"][0] == "2"
    assert '<th scope="row"><a href="../base/">Base</a></th>' in markdown
    assert site_total_sentence(pages).endswith("1 refuted or failing.")


def test_the_graph_says_in_words_who_cites_whom_and_marks_states_by_more_than_colour() -> None:
    """A screen reader found the graph's boxes (links) but no arrow, and a sighted reader told a failing page
    from a verified one by the box's colour alone: the page lists every page with its state and citations,
    and each box's label starts with the state's symbol (the drawn label is hidden from assistive technology,
    whose name for the box is its link's)."""
    pages = [page("base", BASE), page("user", USER, status="refuted"), page("alone", BASE, status="numeric")]
    markdown = graph_markdown(nodes(pages))
    after = markdown.split("## The graph as a list {#the-graph-as-a-list}\n\n", 1)[1]
    listed = after.split('<div class="deriv-graph-list" markdown="1">\n\n', 1)[1].split("\n\n", 1)[0]
    assert listed.splitlines() == [
        "- [Alone](alone.md) (partial): cites no other page; cited by no other page.",
        "- [Base](base.md) (verified): cites no other page; cited by [User](user.md).",
        "- [User](user.md) (failing): cites [Base](base.md); cited by no other page.",
    ]
    labels = re.findall(r'<text [^>]*aria-hidden="true">([^<]*)</text>', markdown)
    assert sorted(labels) == ["≈ Alone", "✓ Base", "✗ User"]
    assert "<title>" not in markdown


def test_the_graph_boxes_are_tab_stops_in_reading_order() -> None:
    """Column by column, top to bottom: in the order the pages came, Tab jumped between the graph's columns."""
    user = USER.replace("label: mine", "label: mine2")
    pages = [page("zeta", USER), page("base", BASE), page("alpha", user), page("mid", BASE)]
    svg = graph_svg(nodes(pages))
    boxes = [(int(x), int(y)) for x, y in re.findall(r'<foreignObject x="(\d+)" y="(\d+)"', svg)]
    assert boxes == sorted(boxes) and len(boxes) == 4
    assert re.findall(r'href="\.\./([a-z]+)/"', svg) == ["base", "mid", "alpha", "zeta"]


def test_a_claim_left_without_a_verdict_counts_as_unchecked_not_verified() -> None:
    """A check that failed half-way leaves claims without a verdict: the graph and the dashboard must not
    show that page as verified (they used to count only the verdicts that arrived)."""
    base = page("base", BASE)
    [index] = [i for i, claim in enumerate(base.layout.claims) if claim.kind == "equal"]  # type: ignore[union-attr]
    del base.verdicts[index]
    [node] = nodes([base])
    assert node.state == "partial"
    assert base.status_counts()["unchecked"] == 1
    assert dashboard_rows(dashboard_markdown([base]))["Base"] == ["1", "0", "0", "0", "0", "0", "1", "0", "0", "0"]


def _site(*specs: CheckedSpec) -> dict[str, str]:
    """The generated pages of ``specs`` after the checks that need the whole site (page names)."""
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.site_pages import build_site

    checked = list(specs)
    Checker._check_across_pages(checked, [])
    return dict(build_site(checked).pages)


def _broken(name: str) -> CheckedSpec:
    from mkdocs_derivations.errors import Location, SpecError

    error = SpecError("could not parse the YAML", Location(name, 3, 1))
    return CheckedSpec(Path(name), name, None, errors=[error])


def test_a_spec_that_failed_to_load_counts_as_a_load_error_not_a_claim() -> None:
    """It has no claims: counting its error as a claim told the site it had one more claim than it has, and a
    failing one, while the page said it has none."""
    pages = [page("base", BASE), _broken("broken.yml")]
    markdown = dashboard_markdown(pages)
    rows = dashboard_rows(markdown)
    assert rows["broken"] == ["0", "0", "0", "0", "0", "0", "0", "0", "0", "1"]
    assert rows["Base"] == ["1", "1", "0", "0", "0", "0", "0", "0", "0", "0"]
    assert rows["All (2 derivations)"][0] == "1"
    total = site_total_sentence(pages)
    assert total.startswith("2 derivations, 1 claim: 1 machine-checked"), total
    assert total.endswith("none refuted; 1 spec with load errors."), total
    assert {n.slug: n.state for n in nodes(pages)}["broken"] == "failing"


def test_two_files_making_one_page_are_shown_on_that_page_and_the_dashboard() -> None:
    """`a.yaml` and `a.yml` both make the page `a`; the page shows one of them, so it must say so, naming both
    files and the fix, and the dashboard must count the problem (it used to be in the build log only)."""
    first, second = page("dup", BASE), page("dup", BASE)
    first.path, first.shown_path = Path("dup.yaml"), "dup.yaml"
    second.path, second.shown_path = Path("dup.yml"), "dup.yml"
    pages = _site(first, second)
    assert [slug for slug in pages if slug == "dup"] == ["dup"]
    box = pages["dup"].split('deriv-load-error" id="deriv-errors">', 1)[1].split("</div>", 1)[0]
    assert "dup.yaml:1:" in box and "`dup.yml` also makes the page `dup`" in box and "rename one of them" in box
    assert "dup.yml" in pages["dashboard"] and "`dup.yaml` already makes the page `dup`" in pages["dashboard"]
    assert dashboard_rows(pages["dashboard"])["Dup"] == ["1", "1", "0", "0", "0", "0", "0", "0", "0", "1"]
    assert "none refuted; 2 specs with load errors." in pages["dashboard"]


def test_a_spec_named_like_a_generated_page_is_shown_on_the_dashboard() -> None:
    """`dashboard.yml` (or `graph.yml`, in any case) has no page of its own: the dashboard lists it with its
    file, line 1 and the fix, so that the problem is on the site and not only in the build log."""
    pages = _site(page("base", BASE), page("dashboard", BASE), page("Graph", BASE))
    assert sorted(pages) == ["base", "dashboard", "graph"]
    dashboard = pages["dashboard"]
    assert "Specs that make no page" in dashboard
    assert "dashboard.yml:1: `dashboard` is the name of a page the plugin generates" in dashboard
    assert "Graph.yml:1: `Graph` is the name of a page the plugin generates" in dashboard
    assert "rename this spec" in dashboard
    assert "1 derivation, 1 claim:" in dashboard and "none refuted; 2 specs with load errors." in dashboard


def test_the_dashboard_is_made_even_when_no_spec_has_a_page() -> None:
    pages = _site(page("dashboard", BASE))
    assert "dashboard.yml:1: `dashboard` is the name of a page the plugin generates" in pages["dashboard"]


def test_page_names_differing_only_in_case_collide() -> None:
    """`Audit.yml` and `audit.yml` are two pages on Linux but one file on macOS and Windows, where a build
    would silently keep one of them: an error everywhere instead."""
    first, second = page("Audit", BASE), page("audit", BASE)
    pages = _site(first, second)
    assert "Audit" in pages and "audit" not in pages
    assert "`audit.yml` also makes the page `Audit`" in pages["Audit"]
    assert "audit.yml:1: `Audit.yml` already makes the page `Audit`" in pages["dashboard"]


def test_a_misspelt_cross_page_reference_suggests_the_label_or_page_meant() -> None:
    """Another page's labels are not in front of the contributor, so the error names the closest one."""
    from mkdocs_derivations.references import build_registry, reference_errors

    pages = [page("base", BASE), page("user", USER.replace("base#base", "base#bsae")),
             page("other", USER.replace("base#base", "bsae#base"))]
    registry = build_registry([(p.slug, p.layout) for p in pages if p.layout is not None])
    [user, other] = [[e.message for e in reference_errors(p.slug, p.layout, registry)] for p in pages[1:]
                     if p.layout is not None]
    assert "reference `{eq:base#bsae}` names no equation (page `base`; did you mean `base#base`?)" in user
    assert "`by: bsae#base` names no equation on another page (no page `bsae`; did you mean `base#base`?)" in other


def test_a_reference_to_a_page_named_with_capitals_says_to_rename_the_file() -> None:
    """A reference is lower case, so `{eq:base#base}` cannot name the page of `Base.yml`; the error said only
    "no page `base`" although the page was in plain sight in the navigation."""
    from mkdocs_derivations.references import build_registry, reference_errors

    pages = [page("Base", BASE), page("user", USER)]
    registry = build_registry([(p.slug, p.layout) for p in pages if p.layout is not None])
    assert pages[1].layout is not None
    [message, *_] = [e.message for e in reference_errors("user", pages[1].layout, registry)]
    assert message == ("reference `{eq:base#base}` names no equation (no page `base`; the page `Base` is named after "
                       "a file with capital letters, which a reference cannot name: rename the file to `base.yml`)")


def test_text_written_like_a_reference_is_an_error_and_code_is_left_alone() -> None:
    """`{eq: base}` and `{eq:Base}` stayed on the page as literal text with the check and the strict build
    passing; a reference shown as an example in backticks or a fenced block was turned into a link (or, if
    its label did not exist, reported)."""
    from mkdocs_derivations.references import build_registry, reference_errors

    text = ("  - text: |\n      Typos {eq: base}, {eq:Base} and {eq:}; in code `{eq:base}`, ``{eq:nope}`` and\n\n"
            "      ```yaml\n      text: see {eq:nope}\n      ```\n\n      then {eq:base}.\n")
    user = page("user", BASE + text)
    assert user.layout is not None
    registry = build_registry([("user", user.layout)])
    errors = reference_errors("user", user.layout, registry)
    assert [(e.message.split(" is not")[0], e.location.line, e.location.column) for e in errors] == [
        ("`{eq: base}`", 10, 13), ("`{eq:Base}`", 10, 25), ("`{eq:}`", 10, 39)]
    [markdown] = [p.markdown for p in render_site_pages([user])]
    assert "in code `{eq:base}`, ``{eq:nope}``" in markdown and "text: see {eq:nope}" in markdown
    assert "then [(1)](#eq-base){.deriv-ref}." in markdown


def test_a_cross_page_by_error_points_at_the_by_value_and_names_the_step() -> None:
    """It pointed at the row's first line (the block's `start:` for a first step) and named no step."""
    from mkdocs_derivations.references import build_registry, reference_errors

    text = ("  - math:\n      start: {tex: a, sympy: 't'}\n      steps:\n        - tex: b\n          sympy: 't'\n"
            "        - tex: c\n          sympy: 't'\n          by: base#nope\n")
    pages = [page("base", BASE), page("user", text)]
    registry = build_registry([(p.slug, p.layout) for p in pages if p.layout is not None])
    assert pages[1].layout is not None
    [error] = reference_errors("user", pages[1].layout, registry)
    assert (error.location.line, error.location.column) == (12, 15)
    assert str(error).startswith("user.yml:12:15: [block 1 (math), step 2] `by: base#nope` names no equation")


def test_code_is_masked_as_markdown_reads_it_and_nothing_more() -> None:
    """Spans do not cross a blank line (TeX-style quotes ``like this'' hid every reference after them), an
    escaped backtick opens none, and a fence inside a list item is still a fence; an indented line may be an
    indented code block, so a malformed reference there is not an error (a regression hunt)."""
    from mkdocs_derivations.markdown_code import mask_code
    from mkdocs_derivations.references import build_registry, reference_errors

    assert "{eq:a}" in mask_code("the ``normal equations'' of it.\n\nBy {eq:a}, the ``Hessian''.")
    assert "{eq:a}" in mask_code("Type \\` to quote, see {eq:a}, or `code`.")
    assert "{eq:a}" not in mask_code("1. Write:\n\n    ~~~yaml\n    text: see {eq:a}\n    ~~~\n")
    text = ("  - text: |\n      The ``normal equations'' of it.\n\n      By {eq:base} and {eq:nope}.\n\n"
            "      Shown as code:\n\n          {eq: label}\n\n      and {eq:least_squares#loss}.\n")
    user = page("user", BASE + text)
    assert user.layout is not None
    messages = [e.message for e in reference_errors("user", user.layout, build_registry([("user", user.layout)]))]
    assert messages == [
        "`{eq:least_squares#loss}` is not a reference: a page is named in a reference by its file name, and "
        "`least_squares` is not lower-case letters, digits and `-`: rename the file",
        "reference `{eq:nope}` names no equation (on this page, `user`)",
    ]


def test_a_misspelt_reference_on_the_same_page_suggests_the_same_page_syntax() -> None:
    """`{eq:dervative}` suggested `e#derivative`, the syntax for another page."""
    from mkdocs_derivations.references import build_registry, reference_errors

    user = page("user", BASE + "  - text: See {eq:bsae}.\n")
    assert user.layout is not None
    messages = [e.message for e in reference_errors("user", user.layout, build_registry([("user", user.layout)]))]
    assert messages == ["reference `{eq:bsae}` names no equation (on this page, `user`; did you mean `{eq:base}`?)"]

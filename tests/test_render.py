"""The renderer: golden Markdown for the seed page, and the HTML contract the site's CSS/JS rely on.

Regenerate the golden file after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_render.py``
and review the diff like code.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.render import render_page, render_site_pages
from mkdocs_derivations.verdict import Verdict, badge, weakest

pytestmark = pytest.mark.slow  # uses the session's real check of the seed page
GOLDEN = Path(__file__).parent / "golden" / "mml-5-2-2-multivariate-chain-rule.md"


def _without_timings(checked: CheckedSpec) -> CheckedSpec:
    verdicts = {i: dataclasses.replace(v, seconds=0.0) for i, v in checked.verdicts.items()}
    return dataclasses.replace(checked, verdicts=verdicts)


def test_seed_page_matches_golden_markdown(seed_checked: CheckedSpec) -> None:
    # The marks around prose carry a random nonce (see sanitize.mark_prose); the golden file has a fixed one.
    markdown = re.sub(r"<!-- [0-9a-f]{16}:", "<!-- 0123456789abcdef:",
                      render_page(_without_timings(seed_checked)).markdown)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(markdown, encoding="utf-8")
        pytest.fail("golden updated; review and rerun")
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_tags_one_to_nineteen_in_order(seed_checked: CheckedSpec) -> None:
    markdown = render_page(seed_checked).markdown
    assert re.findall(r"\\tag\{(\d+)\}", markdown) == [str(n) for n in range(1, 20)]


def test_by_13_renders_a_linked_stackrel(seed_checked: CheckedSpec) -> None:
    markdown = render_page(seed_checked).markdown
    assert r"\stackrel{\href{#eq-residual-def}{(13)}}{=}" in markdown
    assert 'id="eq-residual-def" data-eq-number="13"' in markdown


def test_only_the_rows_of_a_chain_are_marked_for_lining_up(seed_checked: CheckedSpec) -> None:
    """The page script lines up the relations of a block's rows and finds each row's relation as its second
    item: the start term of a chain's first row is one braced group, a later row starts with `{}`."""
    markdown = render_page(seed_checked).markdown
    chained = re.findall(r'data-eq-number="(\d+)" data-deriv-chain="(\d+)">\n<div class="arithmatex"[^>]*>\\\[(.)',
                         markdown)
    assert [(number, chain) for number, chain, _ in chained] == [("5", "1"), ("6", "1"), ("7", "1")]
    assert [first for _, _, first in chained] == ["{", "{", "{"]  # `{\frac…}` and `{}=` alike
    assert r"\[{}= 2 \sin t" in markdown
    single = re.search(r'data-eq-number="4">\n<div class="arithmatex"[^>]*>\\\[(.)', markdown)
    assert single is not None and single.group(1) != "{"  # a one-row block is not a chain


def test_summary_line_counts_rows(seed_checked: CheckedSpec) -> None:
    markdown = render_page(seed_checked).markdown
    summary = re.search(r'<p class="deriv-summary">([^<]*)</p>', markdown)
    assert summary is not None
    assert summary.group(1) == ("16 of 19 equations machine-checked: 7 proved, 6 for all dimensions, 3 at sizes; "
                                "3 definitions or assumptions.")  # whole: a trailing "1 refuted" must fail


def test_footnote_examples_and_remark_survive(seed_checked: CheckedSpec) -> None:
    markdown = render_page(seed_checked).markdown
    assert "[^fraction]:" in markdown and "[^fraction]" in markdown.split("[^fraction]:")[0]
    assert markdown.count('class="admonition example deriv-example" markdown="1"') == 2
    assert markdown.count('class="admonition note deriv-remark" markdown="1"') == 1
    assert markdown.count(r"\underbrace") == 4


def test_tex_is_html_escaped_inside_equations(seed_checked: CheckedSpec) -> None:
    markdown = render_page(seed_checked).markdown
    assert r"\begin{bmatrix} \frac{\partial f}{\partial x_1} &amp; " in markdown


def test_refuted_step_shows_counterexample_and_is_a_problem(seed_checked: CheckedSpec) -> None:
    from mkdocs_derivations.verdict import Verdict

    assert seed_checked.layout is not None
    index = seed_checked.layout.labels["example-result"].claims[0]
    verdicts = dict(seed_checked.verdicts)
    verdicts[index] = Verdict("refuted", method="numeric screen", detail="the sides differ",
                              counterexample={"t": "1/3", "lhs": "0.1", "rhs": "0.2"})
    page = render_page(dataclasses.replace(seed_checked, verdicts=verdicts))
    assert "deriv-eq deriv-refuted" in page.markdown and "t = <code>1/3</code>" in page.markdown
    assert len(page.problems) == 1 and "counterexample: t = 1/3" in page.problems[0]
    # The step is named on the page as the log names it, so a contributor can find it in the spec.
    claim = seed_checked.layout.claims[index]
    assert claim.where and claim.location.line > 0
    source = (f'<p class="deriv-source">Source: <code>{claim.location}</code>, '
              f"{claim.where.replace(chr(39), '&#x27;')}</p>")
    assert page.markdown.count(source) == 1
    assert page.markdown.count('class="deriv-source"') == 1  # verified steps and definitions: no source line


def test_problem_message_quotes_only_what_the_detail_does_not_say() -> None:
    from mkdocs_derivations.verdict import Verdict, counterexample_text

    stated = Verdict("refuted", method="numeric", detail="at t = 1/3: left side = 0.1, right side = 0.2",
                     counterexample={"t": "1/3", "lhs": "0.1", "rhs": "0.2"})
    assert counterexample_text(stated) == ""
    with_function = Verdict("refuted", method="numeric", detail="at t = 1/3: left side = 0.1, right side = 0.2",
                            counterexample={"t": "1/3", "f(u)": "u**2", "lhs": "0.1", "rhs": "0.2"})
    assert counterexample_text(with_function) == " (counterexample: f(u) = u**2)"


def test_cross_page_reference_links_to_the_other_page(seed_checked: CheckedSpec, tmp_path: Path) -> None:
    from mkdocs_derivations.claims import build_layout
    from mkdocs_derivations.spec import load_spec_text

    text = ("version: 1\ntitle: Other\nblocks:\n"
            "  - text: 'see {eq:mml-5-2-2-multivariate-chain-rule#residual-def}'\n")
    other_spec = load_spec_text(text, "other.yml")
    layout, errors = build_layout(other_spec)
    other = CheckedSpec(tmp_path / "other.yml", "other.yml", layout, dict(layout.verdicts), errors)
    pages = render_site_pages([seed_checked, other])
    assert "[(13)](mml-5-2-2-multivariate-chain-rule.md#eq-residual-def)" in pages[1].markdown
    assert pages[1].problems == []


def test_an_assumption_is_badged_as_one_and_a_definition_as_a_definition(seed_checked: CheckedSpec) -> None:
    """(11) is stated with `given` (the model is assumed), (12) and (13) with `:=`: a reader must not read
    the model as something the page defined."""
    markdown = render_page(seed_checked).markdown
    badges = dict(re.findall(r'data-eq-number="(\d+)">.*?<span class="deriv-badge" title="([^"]+)"[^>]*>', markdown,
                             re.S))
    assert [badges["11"], badges["12"], badges["13"]] == ["assumption", "definition", "definition"]


def test_a_row_with_an_assumption_shows_the_assumption_over_its_proved_shape() -> None:
    """"y = Φθ ∈ ℝᴺ" (format.md's own fragment: the equation given, its shape proved) showed "✓ proved for all
    dimensions" and counted as machine-checked; a `:=` definition beside a proved equality still shows ✓."""
    given = Verdict("definition", method="given")
    defined = Verdict("definition", method="definition")
    proved = Verdict("proved-all", method="shape")
    assert weakest([given, proved]) == "definition" and badge([proved, given]) == ("≔", "assumption")
    assert weakest([defined, proved]) == "proved-all" and badge([defined, proved])[1] == "proved for all dimensions"
    assert badge([defined, given, proved])[1] == "assumption"
    assert weakest([given, Verdict("numeric")]) == "numeric"  # evidence, not proof: shown over the assumption
    assert weakest([given, Verdict("sizes")]) == "definition"


def test_a_step_citing_several_rows_links_each_number_to_its_row() -> None:
    """`by: [a, b]` rendered "(1),(5)" as one link, to the first row; each number is its own link now."""
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.options import CheckOptions

    spec = Path(__file__).parents[1] / "derivations" / "logistic-regression-gradient.yml"
    checker = Checker(CheckOptions(verify=False, cache_dir=None))
    [checked] = checker.check_paths([spec])
    markdown = render_page(checked).markdown
    assert not re.search(r"\\href\{[^}]*\}\{\(\d+\),", markdown)  # no link holds two numbers
    links = re.findall(r"\\href\{(#eq-[^}]*)\}\{\((\d+)\)\}", markdown)
    assert ("#eq-sigmoid", "1") in links and ("#eq-score", "7") in links and ("#eq-loss", "8") in links, links

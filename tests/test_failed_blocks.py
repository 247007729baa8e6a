"""A math block with a spec error keeps its place on the page.

The serve audit changed one `sympy:` of least-squares.yml into a shape mismatch: the error box was right, but
the block vanished, the page's numbers jumped from (3) to (5) and `{eq:gradient-column}` linked to an anchor
that no longer existed. A failed block must keep its rows (numbers, anchors, TeX where it is allowed) and
show every step it could not check as an error, never as verified, counted once.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.claims import Layout, build_layout
from mkdocs_derivations.dashboard import site_total_sentence
from mkdocs_derivations.render import render_page
from mkdocs_derivations.spec import load_spec_text
from mkdocs_derivations.verdict import VERIFIED, Verdict

HEAD = "symbols:\n  t: real\n  x: vector(N)\n  A: matrix(N, N)\n"


def spec_text(body: str, head: str = HEAD) -> str:
    return "version: 1\ntitle: T\n" + head + "blocks:\n" + textwrap.dedent(body)


# The stand-in verdict :func:`checked_of` gives every claim the layout sends to the checker. These tests
# are about what the layout stops, so "SENT" means "would be checked", not that SymPy proved anything.
SENT = "proved"


def checked_of(body: str, head: str = HEAD) -> CheckedSpec:
    """The page as the checker would leave it, every `=` claim given the stand-in :data:`SENT` (no SymPy)."""
    layout, errors = build_layout(load_spec_text(spec_text(body, head), "t.yml"))
    verdicts = dict(layout.verdicts)
    for index, claim in enumerate(layout.claims):
        if claim.kind == "equal":
            verdicts[index] = Verdict(SENT, method="expand")
    return CheckedSpec(Path("t.yml"), "t.yml", layout, verdicts, errors)


def block(label: str, lhs: str, rhs: str, extra: str = "", block_extra: str = "") -> str:
    return (f"  - math:\n      label: {label}\n{block_extra}      start: {{tex: 'L_{{{label}}}', sympy: '{lhs}'}}\n"
            f"      steps:\n        - {{tex: 'R_{{{label}}}', sympy: '{rhs}'{extra}}}\n")


def page(middle: str) -> str:
    """Three numbered blocks around prose that cites the middle one; ``middle`` is that block."""
    return (block("first", "t", "t") + "  - text: 'Setting {eq:middle} to zero.'\n" + middle
            + block("last", "A*x", "A*x"))


def statuses(checked: CheckedSpec, label: str) -> list[str]:
    assert checked.layout is not None
    return [checked.verdict(i).status for i in checked.layout.labels[label].claims]


def row_html(markdown: str, anchor: str) -> str:
    """The HTML of the row with id ``anchor``, up to the next row."""
    [row] = [chunk for chunk in markdown.split('<div class="deriv-eq ') if f'id="{anchor}"' in chunk]
    return row


def assert_kept_in_place(checked: CheckedSpec) -> str:
    """Numbers (1), (2), (3) in order with their anchors, the prose link resolving to (2), the middle row
    an error that the page counts as one, and nothing of it verified; returns the page's Markdown."""
    layout = checked.layout
    assert isinstance(layout, Layout)
    assert checked.errors, "the middle block must have an error"
    assert [(r.number, r.anchor) for r in layout.rows] == [("1", "eq-first"), ("2", "eq-middle"), ("3", "eq-last")]
    middle = statuses(checked, "middle")
    assert middle and all(s == "error" for s in middle), middle
    markdown = render_page(checked).markdown
    assert re.findall(r"\\tag\{(\d+)\}", markdown) == ["1", "2", "3"]
    assert "[(2)](#eq-middle){.deriv-ref}" in markdown
    assert 'class="deriv-eq deriv-error" id="eq-middle" data-eq-number="2"' in markdown
    row = row_html(markdown, "eq-middle")
    assert "✓" not in row and "deriv-proved" not in row
    assert "deriv-load-error" in markdown and 'href="#deriv-errors"' in row
    summary = re.search(r'<p class="deriv-summary">([^<]*)</p>', markdown)
    assert summary is not None and summary.group(1).startswith("2 of 3 equations machine-checked"), summary
    assert summary.group(1).endswith("; 1 could not be checked."), summary
    return markdown


def test_the_audit_case_a_shape_mismatch_keeps_number_anchor_tex_and_link() -> None:
    checked = checked_of(page(block("middle", "A*x", "A*A")))
    markdown = assert_kept_in_place(checked)
    [error] = checked.errors
    assert error.where == "block 3 (math 'middle'), step 1"
    row = row_html(markdown, "eq-middle")
    assert "L_{middle} = R_{middle}" in row  # the TeX is still shown
    # The badge repeats the message.
    assert "the two sides have different shapes: N×1 on the left, N×N on the right" in row
    assert "Checked form" not in row  # nothing was checked


@pytest.mark.parametrize(("middle", "message"), [
    (block("middle", "t", "t + zz"), "undeclared symbol `zz`"),
    (block("middle", "t + (", "t"), ""),
    (block("middle", "t", "t", extra=", by: nowhere"), "`by: nowhere` names no earlier equation"),
    (block("middle", "A*x", "A*x", block_extra="      sizes: [{N: 2}]\n"), "`sizes` needs at least two"),
    (block("middle", "t", "t", block_extra="      symbols: {u: 'vector('}\n"), ""),
    (block("middle", "t", "t", block_extra="      where: {t: 'zz'}\n"), ""),
])
def test_an_error_anywhere_in_a_block_keeps_it_in_place(middle: str, message: str) -> None:
    checked = checked_of(page(middle))
    assert_kept_in_place(checked)
    assert message in str(checked.errors[0])


def test_refused_tex_is_not_shown_but_its_row_keeps_its_place() -> None:
    checked = checked_of(page(block("middle", "t", "t").replace("'R_{middle}'", "'\\cssId{x}{R}'")))
    markdown = assert_kept_in_place(checked)
    assert "cssId" not in row_html(markdown, "eq-middle").split("<details")[0]
    assert "cssId" in str(checked.errors[0])


def test_a_refused_script_link_is_quoted_nowhere_on_the_page_as_a_script_url() -> None:
    """The badge repeats the error, which quotes the TeX; badges are filled in after the page's HTML was
    sanitised (slots.py), so the renderer itself must defuse the quote."""
    checked = checked_of(page(block("middle", "t", "t").replace("'R_{middle}'", "'\\href{javascript:alert(1)}{R}'")))
    markdown = assert_kept_in_place(checked)
    assert "javascript:alert" in str(checked.errors[0])
    assert "javascript:" not in row_html(markdown, "eq-middle") and "javascript&#58;alert(1)" in markdown


def test_the_steps_before_an_error_keep_their_verdicts_and_the_later_ones_are_not_checked() -> None:
    body = textwrap.dedent("""\
      - math:
          label: chain
          start: {tex: a, sympy: 't'}
          steps:
            - {tex: b, sympy: 't'}
            - {tex: c, sympy: 't + zz', label: broken}
            - {tex: d, sympy: 't', label: after}
            - {tex: e, sympy: 't', same_row: true}
      - text: 'See {eq:after}.'
    """) + textwrap.dedent(block("next", "t", "t"))
    checked = checked_of(body)
    assert checked.layout is not None
    assert [(r.number, r.anchor) for r in checked.layout.rows] == [
        ("1", "eq-chain"), ("2", "eq-broken"), ("3", "eq-after"), ("4", "eq-next")]
    assert statuses(checked, "chain") == [SENT]
    assert statuses(checked, "broken") == ["error"]
    assert statuses(checked, "after") == ["error", "error"]
    assert statuses(checked, "next") == [SENT]
    after = row_html(render_page(checked).markdown, "eq-after")
    assert "undeclared symbol `zz`" in after and "✓" not in after


def test_a_definition_after_an_error_is_not_made_and_its_row_is_an_error() -> None:
    head = HEAD + "  y: real\n"
    body = """\
      - math:
          label: bad
          start: {tex: a, sympy: 't + zz'}
          steps:
            - {tex: b, sympy: 't'}
      - math:
          label: y-def
          start: {tex: y, sympy: 'y'}
          steps:
            - {tex: b, sympy: 't', rel: ':='}
    """
    checked = checked_of(body, head)
    assert statuses(checked, "bad") == ["error"]
    assert statuses(checked, "y-def") == ["definition"]  # a later block is laid out and checked as before


def test_an_error_in_an_example_keeps_the_example_and_its_rows() -> None:
    body = """\
      - math:
          label: before
          start: {tex: a, sympy: 't'}
          steps: [{tex: b, sympy: 't'}]
      - example:
          title: E
          symbols: {u: 'vector('}
          blocks:
            - text: 'Inside, {eq:inner} holds.'
            - math:
                label: inner
                start: {tex: 'I_1', sympy: 't'}
                steps: [{tex: 'I_2', sympy: 't'}]
            - remark:
                blocks:
                  - math:
                      label: deeper
                      start: {tex: 'D_1', sympy: 't'}
                      steps: [{tex: 'D_2', sympy: 't'}]
      - math:
          label: after
          start: {tex: a, sympy: 't'}
          steps: [{tex: b, sympy: 't'}]
    """
    checked = checked_of(body)
    assert checked.layout is not None and len(checked.errors) == 1
    assert [(r.number, r.anchor) for r in checked.layout.rows] == [
        ("1", "eq-before"), ("2", "eq-inner"), ("3", "eq-deeper"), ("4", "eq-after")]
    assert statuses(checked, "inner") == statuses(checked, "deeper") == ["error"]
    assert statuses(checked, "before") == statuses(checked, "after") == [SENT]
    markdown = render_page(checked).markdown
    assert 'class="admonition example deriv-example"' in markdown and "I_1 = I_2" in markdown
    assert "[(2)](#eq-inner){.deriv-ref}" in markdown and "D_1 = D_2" in markdown


def test_a_nested_block_error_keeps_its_row_inside_the_example() -> None:
    body = textwrap.dedent("""\
      - example:
          title: E
          blocks:
            - math:
                label: inner
                start: {tex: 'I_1', sympy: 't + zz'}
                steps: [{tex: 'I_2', sympy: 't'}]
    """) + textwrap.dedent(block("after", "t", "t"))
    checked = checked_of(body)
    assert checked.layout is not None
    assert [(r.number, r.anchor) for r in checked.layout.rows] == [("1", "eq-inner"), ("2", "eq-after")]
    assert statuses(checked, "inner") == ["error"]
    assert checked.errors[0].where == "block 1 (example 'E'), block 1 (math 'inner'), start"


def test_a_page_level_error_marks_every_step_and_is_reported_once() -> None:
    head = "symbols:\n  sin: real\n  t: real\n"
    checked = checked_of(block("a", "t", "t") + block("b", "t", "t"), head)
    assert len(checked.errors) == 1 and checked.errors[0].where == "symbols"
    assert statuses(checked, "a") == statuses(checked, "b") == ["error"]


@pytest.mark.parametrize("head", [HEAD + "where:\n  t: 'zz'\n", HEAD + "sizes: [{N: 2}]\n"])
def test_a_bad_page_where_or_sizes_stops_every_block_and_is_reported_once(head: str) -> None:
    checked = checked_of(block("a", "A*x", "A*x") + block("b", "t", "t"), head)
    assert len(checked.errors) == 1
    assert statuses(checked, "a") == statuses(checked, "b") == ["error"]
    assert checked.status_counts()["error"] == 2


def test_a_bad_box_sizes_stops_the_steps_inside_only() -> None:
    body = """\
      - example:
          title: E
          sizes: [{N: 2}]
          blocks:
            - math:
                label: inner
                start: {tex: 'I_1', sympy: 'A*x'}
                steps: [{tex: 'I_2', sympy: 'A*x'}]
    """
    checked = checked_of(textwrap.dedent(body) + textwrap.dedent(block("after", "t", "t")))
    assert len(checked.errors) == 1 and "`sizes` needs at least two" in str(checked.errors[0])
    assert (statuses(checked, "inner"), statuses(checked, "after")) == (["error"], [SENT])


def test_an_error_is_one_problem_and_counts_once() -> None:
    """The step a spec error keeps from being checked is counted as an error claim; the error itself is
    one problem (the build log must not print it twice) and is not counted again beside its claim."""
    checked = checked_of(page(block("middle", "A*x", "A*A")))
    assert len(checked.problems()) == 1
    counts = checked.status_counts()
    assert (counts["error"], counts["proved"], sum(counts.values())) == (1, 2, 3)
    assert site_total_sentence([checked]) == ("1 derivation, 3 claims: 2 machine-checked (2 proved, 0 for all "
                                              "dimensions, 0 at sizes), 0 definitions or assumptions, "
                                              "1 refuted or failing; 1 spec with load errors.")
    assert not any(checked.verdict(i).status in VERIFIED for i in range(len(checked.layout.claims))
                   if checked.layout.claims[i].kind == "error")


def test_an_error_that_blocks_no_claim_still_counts() -> None:
    """A broken reference in prose keeps no step from being checked: it is no claim, but the spec's own
    error, counted with the load errors."""
    from mkdocs_derivations.errors import Location, SpecError

    checked = checked_of(block("first", "t", "t"))
    checked.errors.append(SpecError("reference `{eq:nowhere}` names no equation", Location("t.yml", 3, 1)))
    assert checked.status_counts()["error"] == 0 and len(checked.problems()) == 1
    assert site_total_sentence([checked]).endswith(", none refuted; 1 spec with load errors.")


DEFINED_HEAD = "symbols:\n  t: real\n  f: real\n"


def definition(label: str, tex: str) -> str:
    return (f"  - math:\n      label: {label}\n      start: {{tex: 'f', sympy: 'f'}}\n"
            f"      steps:\n        - {{rel: ':=', tex: '{tex}', sympy: 't**2'}}\n")


def test_a_step_using_a_definition_an_error_stopped_is_not_checked_either() -> None:
    """Checked without its definition, `f` was a free symbol: `diff(f, t) = 0` got a check mark on a page
    whose definition said f := t**2."""
    body = (definition("f-def", "t^2 $") + block("uses", "diff(f, t)", "0") + block("unrelated", "t", "t")
            + block("chained", "f + 1", "f + 1", block_extra="      symbols: {g: real}\n"))
    checked = checked_of(body, DEFINED_HEAD)
    assert statuses(checked, "f-def") == ["error"]
    assert statuses(checked, "uses") == statuses(checked, "chained") == ["error"]
    assert statuses(checked, "unrelated") == [SENT]
    messages = [str(e) for e in checked.errors]
    assert messages[1] == ("t.yml:16:9: [block 2 (math 'uses'), step 1] this step uses `f`, whose definition "
                           "(t.yml:11:9) was not checked because of an error there; fix that error to check this "
                           "step")
    assert len(messages) == 3  # the definition's own error, and one for each step that uses it


def test_a_step_using_a_definition_that_holds_is_checked() -> None:
    checked = checked_of(definition("f-def", "t^2") + block("uses", "diff(f, t)", "2*t"), DEFINED_HEAD)
    assert checked.errors == []
    assert statuses(checked, "f-def") == ["definition"] and statuses(checked, "uses") == [SENT]


def test_a_refused_redefinition_stops_the_later_uses_in_its_scope() -> None:
    """The first definition stays in force for what came before, but the page shows the refused one last: a
    later step checked with the first could show a check mark under a definition it does not follow (a
    contributor's box said `L := t**3` after the page's `L := t**2`). Uses before the refusal are checked."""
    body = (block("before", "f", "t**2") + definition("f-def", "t^2") + definition("again", "t^3")
            + block("uses", "f", "t**2"))
    checked = checked_of(body, DEFINED_HEAD)
    messages = [str(e) for e in checked.errors]
    assert len(messages) == 2 and "`f` is already defined" in messages[0], messages
    assert "this step uses `f`, whose definition" in messages[1]
    assert statuses(checked, "before") == [SENT] and statuses(checked, "uses") == ["error"]


CHAINED_HEAD = "symbols:\n  t: real\n  f: real\n  g: real\n"


def g_definition(label: str) -> str:
    return (f"  - math:\n      label: {label}\n      start: {{tex: 'g', sympy: 'g'}}\n"
            f"      steps:\n        - {{rel: ':=', tex: 'f + 1', sympy: 'f + 1'}}\n")


@pytest.mark.parametrize("head, first", [
    (CHAINED_HEAD, g_definition("g-def")),  # g := f + 1 in force before f's definition is stopped
    (CHAINED_HEAD + "where:\n  g: 'f + 1'\n", ""),  # the same through the page's `where:`
], ids=["definition", "page-where"])
def test_a_stopped_definition_reached_through_another_definition_stops_the_step(head: str, first: str) -> None:
    """The re-audit's false check mark: `diff(g, t) = 0` was proved with g := f + 1 in force and f's own
    definition stopped (f a free symbol); with the error fixed it is refuted."""
    checked = checked_of(first + definition("f-def", "t^2 $") + block("uses", "diff(g, t)", "0"), head)
    assert statuses(checked, "f-def") == statuses(checked, "uses") == ["error"]
    assert "this step uses `f`, whose definition" in str(checked.errors[-1])


def test_a_definition_stopped_in_a_box_does_not_stop_a_valid_one_outside() -> None:
    """The stopped name counts only where no valid definition of it is in force."""
    box = ("  - example:\n      title: box\n      blocks:\n"
           + textwrap.indent(definition("inner", "t^2 $"), "    "))
    body = (box + "  - math:\n      label: outer\n      start: {tex: 'f', sympy: 'f'}\n      steps:\n"
            "        - {rel: ':=', tex: 't^3', sympy: 't**3'}\n  - math:\n      label: uses\n"
            "      start: {tex: 'a', sympy: 'diff(f, t)'}\n      steps:\n        - {tex: 'b', sympy: '3*t**2'}\n")
    checked = checked_of(body, DEFINED_HEAD)
    assert statuses(checked, "inner") == ["error"] and len(checked.errors) == 1
    assert statuses(checked, "outer") == ["definition"] and statuses(checked, "uses") == [SENT]


def test_a_definition_error_is_reported_at_its_step_not_on_the_next_block() -> None:
    """A cycle was found only when the next math block started: the error named that innocent block and
    stopped its steps, and with no block after it, nothing was reported at all."""
    cycle = (g_definition("g-def") + "  - math:\n      label: f-def\n      start: {tex: 'f', sympy: 'f'}\n"
             "      steps:\n        - {rel: ':=', tex: 'g', sympy: 'g'}\n")
    for after in ("", block("innocent", "t", "t")):
        checked = checked_of(cycle + after, CHAINED_HEAD)
        [error] = checked.errors
        assert error.where == "block 2 (math 'f-def'), step 1"
        assert error.message == "definitions refer to each other in a circle: g → f → g"
        assert statuses(checked, "g-def") == ["definition"] and statuses(checked, "f-def") == ["error"]
        if after:
            assert statuses(checked, "innocent") == [SENT]


def test_defining_a_name_declared_as_a_function_is_an_error_at_that_step() -> None:
    body = ("  - math:\n      label: f-def\n      start: {tex: 'f', sympy: 'f'}\n      steps:\n"
            "        - {rel: ':=', tex: 't^2', sympy: 't**2'}\n        - {tex: 't t', sympy: 't*t'}\n")
    checked = checked_of(body, "symbols:\n  t: real\n  f: function(t)\n")
    [error] = checked.errors
    assert error.where == "block 1 (math 'f-def'), step 1" and "`f` is declared as a function" in error.message
    assert checked.layout is not None
    assert [checked.verdict(i).status for i in range(len(checked.layout.claims))] == ["error", "error"]

"""Layout: scopes, numbering, labels, citations and the located errors of `claims.build_layout`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.claims import Claim, build_layout
from mkdocs_derivations.errors import SpecError
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.render import render_page
from mkdocs_derivations.spec import load_spec_text
from mkdocs_derivations.verdict import Verdict
from site_support import position

HEAD = "symbols:\n  t: real\n  x: vector(N)\n  A: matrix(N, N)\n"


def spec_text(body: str, head: str = HEAD) -> str:
    return "version: 1\ntitle: T\n" + head + "blocks:\n" + textwrap.dedent(body)


def layout_of(body: str, head: str = HEAD):
    return build_layout(load_spec_text(spec_text(body, head), "t.yml"))


def math(label: str, lhs: str, rhs: str, extra: str = "") -> str:
    return (f"  - math:\n      label: {label}\n      start: {{tex: a, sympy: '{lhs}'}}\n"
            f"      steps:\n        - {{tex: b, sympy: '{rhs}'{extra}}}\n")


def only_error(body: str, **kw: str) -> SpecError:
    _, errors = layout_of(body, **kw)
    assert len(errors) == 1, errors
    return errors[0]


def test_rows_are_numbered_with_prefix_and_start() -> None:
    head = "numbering: {start: 4, prefix: '5.'}\nsymbols:\n  t: real\n"
    layout, errors = layout_of(math("a", "t", "t") + math("b", "t", "t"), head=head)
    assert errors == []
    assert [r.number for r in layout.rows] == ["5.4", "5.5"]
    assert [r.anchor for r in layout.rows] == ["eq-a", "eq-b"]


def test_same_row_steps_share_a_number_and_new_rows_get_the_next() -> None:
    body = """\
      - math:
          start: {tex: a, sympy: 't'}
          steps:
            - {tex: b, sympy: 't'}
            - {tex: c, sympy: 't', same_row: true}
            - {tex: d, sympy: 't', label: later}
    """
    layout, errors = layout_of(body)
    assert errors == []
    assert [(r.number, len(r.parts), len(r.claims)) for r in layout.rows] == [("1", 3, 2), ("2", 1, 1)]
    assert layout.rows[0].anchor == "eq-1" and layout.rows[1].anchor == "eq-later"


def test_unnumbered_row_takes_no_number() -> None:
    body = "  - math:\n      number: false\n      start: {tex: a, sympy: 't'}\n      steps: [{tex: b, sympy: 't'}]\n"
    layout, errors = layout_of(body + math("z", "t", "t"))
    assert errors == []
    assert [r.number for r in layout.rows] == [None, "1"]


def test_definition_and_by_citation_resolve_to_names_and_numbers() -> None:
    head = "symbols:\n  t: real\n  e: real\n"
    body = """\
      - math:
          label: e-def
          start: {tex: e, sympy: 'e'}
          steps: [{rel: ':=', tex: t+1, sympy: 't + 1'}]
      - math:
          label: use
          start: {tex: a, sympy: '2*e'}
          steps: [{tex: b, sympy: '2*t + 2', by: e-def}]
    """
    layout, errors = layout_of(body, head=head)
    assert errors == []
    claim = layout.claims[layout.labels["use"].claims[0]]
    assert claim.cited == ("e",)
    assert claim.definitions == (("e", "t + 1"),)
    assert layout.labels["use"].parts[1].by == [("1", "eq-e-def")]
    assert layout.verdicts[layout.labels["e-def"].claims[0]].status == "definition"


def test_duplicate_label_names_the_first_line() -> None:
    body = math("a", "t", "t") + math("a", "t", "t")
    with pytest.raises(SpecError) as caught:  # the loader refuses it before any layout
        layout_of(body)
    err = caught.value
    first, second = position(spec_text(body), "a\n", 1), position(spec_text(body), "a\n", 2)
    assert "duplicate label `a`" in err.message and f"line {first[0]}" in err.message
    assert (err.location.line, err.location.column) == second


def test_a_block_label_and_a_first_step_label_say_to_remove_one() -> None:
    body = math("a", "t", "t", extra=", label: b")
    err = only_error(body)
    assert err.message == ("the first step shares the block's row, which already has `label: a`; a row has one "
                           "label: remove `label: b` from the first step or `label: a` from the block")
    assert (err.location.line, err.location.column) == position(spec_text(body), "b}")


def test_by_to_missing_label_is_located() -> None:
    """The message names the missing label and the labels that do exist, at the label's own column."""
    body = math("earlier", "t", "t") + math("a", "t", "t", extra=", by: nowhere")
    err = only_error(body)
    assert (err.location.line, err.location.column) == position(spec_text(body), "nowhere") == (17, 34)
    # The step's own row (`a`) is not an earlier equation, so it is not offered.
    assert str(err) == ("t.yml:17:34: [block 2 (math 'a'), step 1] `by: nowhere` names no earlier equation "
                        "(labels so far: earlier)")


def test_by_to_a_label_further_down_says_so() -> None:
    """A label that exists but comes later (in a later block, or inside a later box) is not 'no equation'."""
    body = math("a", "t", "t", extra=", by: later") + math("later", "t", "t")
    err = only_error(body)
    assert err.message == ("`by: later` names an equation further down (line 14); `by` cites an earlier equation "
                           "that justifies the step: move this step after it, or cite what the step rests on")
    assert (err.location.line, err.location.column) == position(spec_text(body), "later}")


def test_by_to_an_equation_number_says_to_cite_a_label() -> None:
    body = math("a", "t", "t", extra=", by: '1'")  # quoted, it could be a label: only the layout can tell
    err = only_error(body)
    assert err.message == ("`by: 1` looks like an equation number, but `by` names an earlier row by its `label:`, "
                           "not by its number; give that row a `label:` and cite that label (labels so far: "
                           "none yet)")
    assert (err.location.line, err.location.column) == position(spec_text(body), "1'")


def test_the_loader_and_the_layout_name_a_step_alike() -> None:
    """One step, named in a loader error, a layout error and its claim: always the same way."""
    body = """\
      - text: hi
      - example:
          title: A worked example whose title is too long to repeat
          blocks:
            - text: hi
            - math:
                label: q
                start: {tex: a, sympy: 't'}
                steps:
                  - {tex: b, sympy: 't'STEP}
    """
    where = "block 2 (example 'A worked example whose title is too l...'), block 2 (math 'q'), step 1"
    with pytest.raises(SpecError) as loader:
        layout_of(body.replace("STEP", ", rel: '<'"))
    assert loader.value.where == where
    assert only_error(body.replace("STEP", ", by: zz")).where == where
    layout, errors = layout_of(body.replace("STEP", ""))
    assert errors == [] and [claim.where for claim in layout.claims] == [where]


def test_undeclared_symbol_is_located_at_its_column() -> None:
    """Inside a flow mapping on one YAML line: the column is that of `zz` in the file, not in the string."""
    body = math("a", "t + zz", "t")
    err = only_error(body)
    assert (err.location.line, err.location.column) == position(spec_text(body), "zz") == (10, 33)
    assert str(err) == ("t.yml:10:33: [block 1 (math 'a'), start] undeclared symbol `zz` (declare it under "
                        "`symbols:`, e.g. zz: real)")


@pytest.mark.parametrize(("body", "where"), [
    # The start term's `sympy` is named `start`, as an error in its `tex` is (it was called step 1).
    (math("a", "y", "t"), "block 1 (math 'a'), start"),
    (math("a", "t", "y"), "block 1 (math 'a'), step 1"),
    (math("a", "x + t", "x", ", rel: in, shape: [N]").replace(", sympy: 'x'", ""), "block 1 (math 'a'), start"),
    # Step 1 is unchecked (the start has no `sympy`), so its own `sympy` is first read by step 2.
    ("  - math:\n      start: {tex: a}\n      steps: [{tex: b, sympy: 'y'}, {tex: c, sympy: 't'}]\n",
     "block 1 (math), step 1"),
])
def test_an_error_in_a_term_names_the_term_where_it_is_written(body: str, where: str) -> None:
    err = only_error(body)
    assert err.where == where, str(err)
    assert err.location.line > 0


def test_calling_a_declared_scalar_says_it_is_not_a_function() -> None:
    """`t` is declared: "unknown function `t` ... declare it, e.g. t: function(t)" sent a contributor who had
    defined a sigmoid to a declaration the loader then refuses for a defined name."""
    body = math("a", "t(2)", "t")
    err = only_error(body)
    assert (err.location.line, err.location.column) == position(spec_text(body), "t(2)")
    assert err.message == ("`t` is declared as `real`, not as a function, so it cannot be called: only names "
                           "declared `function(...)` take arguments, and they cannot be defined (to use one "
                           "formula at two arguments, define it through a free scalar: see Expressions)")
    assert "declared as `vector(N)`" in only_error(math("a", "x(t)", "x")).message
    assert only_error(math("a", "zz(t)", "t")).message.startswith("unknown function `zz`")


def test_shape_mismatch_between_sides() -> None:
    """Both shapes are named, in order, and the error points at the step that changed the shape."""
    body = math("a", "A*x", "x.T")
    err = only_error(body)
    assert (err.location.line, err.location.column) == position(spec_text(body), "{tex: b") == (12, 9)
    assert str(err) == ("t.yml:12:9: [block 1 (math 'a'), step 1] the two sides have different shapes: N×1 on the "
                        "left, 1×N on the right (one is the transpose of the other: a missing `.T`?)")


def test_shape_claim_refuted_without_sympy() -> None:
    """`rel: in` is decided by shape inference alone: the verdict says which shape was claimed and which
    one the expression has, and the claim is located at the step that makes it."""
    body = """\
      - math:
          start: {tex: a, sympy: 'A*x'}
          steps: [{rel: in, tex: R, shape: [1, N]}]
    """
    layout, errors = layout_of(body)
    assert errors == []
    assert layout.verdicts[0] == Verdict("refuted", method="shape inference",
                                         detail="the expression is N×1, not 1×N",
                                         counterexample={"claimed": "1×N", "actual": "N×1"})
    claim = layout.claims[0]
    assert (claim.kind, claim.where) == ("shape", "block 1 (math), step 1")
    assert (claim.location.line, claim.location.column) == position(spec_text(body), "{rel: in") == (10, 13)


@pytest.mark.parametrize(("shape", "status", "detail"), [
    ("[N, 1]", "proved-all", "the expression is N×1 for all dimensions"),
    ("[3, 3]", "proved", "the expression is 3×3"),
])
def test_a_shape_claim_is_for_all_dimensions_only_when_it_has_one(shape: str, status: str, detail: str) -> None:
    """A row shows its weakest claim, and "proved for all dimensions" ranks below "proved": a shape claim of
    numbers only, badged for all dimensions, made a trial contributor's 3×3 row det(-B) B = -det(B) B (true at
    odd sizes only) read as proved for every size, on the row, in the page summary and in the build log."""
    head = HEAD + "  B: matrix(3, 3)\n"
    start = "'det(-B)*B'" if shape == "[3, 3]" else "'A*x'"
    body = f"""\
      - math:
          start: {{tex: a, sympy: {start}}}
          steps: [{{rel: in, tex: R, shape: {shape}}}]
    """
    layout, errors = layout_of(body, head=head)
    assert errors == []
    assert layout.verdicts[0] == Verdict(status, method="shape inference", detail=detail)


def test_definition_cycle_is_an_error() -> None:
    head = "symbols:\n  a: real\n  b: real\nwhere:\n  a: 'b + 1'\n  b: 'a - 1'\n"
    err = only_error(math("q", "a", "a"), head=head)
    assert "circle" in err.message


PAGE_WHERE = "symbols:\n  a: real\n  b: real\n  t: real\n  x: vector(N)\nwhere:\n"
BOX = "  - example:\n      title: E\n      where: {{{where}}}\n      blocks:\n" + \
    "        - math: {{start: {{tex: a, sympy: 't'}}, steps: [{{tex: b, sympy: 't'}}]}}\n"


@pytest.mark.parametrize(("head", "body", "fragment", "where", "at"), [
    # The page's `where` was named after the first block that checked it: "[block 2 (math)]".
    (PAGE_WHERE + "  a: 'b + 1'\n  b: 'a - 1'\n", "  - text: hi\n" + math("q", "t", "t"),
     "in a circle: a → b → a", "where", "a - 1"),  # at the definition that closes the circle
    # on a page without math the page's `where` was never checked: the circle was accepted in silence
    (PAGE_WHERE + "  a: 'b + 1'\n  b: 'a - 1'\n", "  - text: hi\n", "in a circle: a → b → a", "where", "a - 1"),
    (PAGE_WHERE + "  c: 't + 1'\n", math("q", "t", "t"), "`c` is defined but not declared", "where", "c:"),
    (PAGE_WHERE + "  a: 'zz'\n", math("q", "t", "t"), "undeclared symbol `zz`", "where", "zz"),
    (PAGE_WHERE + "  a: 'x'\n", math("q", "t", "t"), "`a` is declared as a scalar", "where", "x'"),
    (PAGE_WHERE.removesuffix("where:\n"), BOX.format(where="a: 'x'"), "`a` is declared as a scalar",
     "block 1 (example 'E'), where", "x'"),
    (PAGE_WHERE.removesuffix("where:\n"), "  - math:\n      label: q\n      where: {a: 'b + 1', b: 'a'}\n"
     "      start: {tex: a, sympy: 't'}\n      steps: [{tex: b, sympy: 't'}]\n",
     "in a circle", "block 1 (math 'q'), where", "a'}"),
    # A `:=` step that closes a circle with the page's `where` is named as the step.
    (PAGE_WHERE + "  a: 'b + 1'\n", math("q", "b", "a - 1", ", rel: ':='"), "in a circle",
     "block 1 (math 'q'), step 1", "a - 1"),
])
def test_an_error_in_a_where_names_that_where(head: str, body: str, fragment: str, where: str, at: str) -> None:
    err = only_error(body, head=head)
    assert fragment in err.message and err.where == where, str(err)
    assert (err.location.line, err.location.column) == position(spec_text(body, head), at), str(err)


def test_a_second_definition_of_a_name_is_an_error_at_it() -> None:
    head = "symbols:\n  x: real\n  y: real\nwhere:\n  y: 'x'\n"
    body = math("again", "y", "x + 1", ", rel: ':='")
    err = only_error(body, head=head)
    assert "`y` is already defined (line 7)" in err.message
    assert (err.location.line, err.location.column) == position(spec_text(body, head), "x + 1")


def test_a_block_where_cannot_redefine_a_page_definition() -> None:
    head = "symbols:\n  x: real\n  y: real\nwhere:\n  y: 'x'\n"
    body = "  - math:\n      where: {y: 'x + 1'}\n      start: {tex: a, sympy: 'y'}\n" \
           "      steps: [{tex: b, sympy: 'x + 1'}]\n"
    err = only_error(body, head=head)
    assert "`y` is already defined (line 7)" in err.message
    assert (err.location.line, err.location.column) == position(spec_text(body, head), "x + 1")


LOCAL_WHERE_HEAD = "symbols:\n  t: real\n  u: real\n  g: real\n  h: real\n  k: real\n"


@pytest.mark.parametrize(("definition", "leak"), [
    ("t + 1", "t"),  # directly
    ("diff(g, t)", "t"),  # as the variable of a derivative, evaluated at the block's value
    ("k + 1", "t"),  # through another definition (k := t**2, made before the block)
])
def test_a_definition_cannot_use_what_its_block_where_defines(definition: str, leak: str) -> None:
    """A block's `where` holds in that block only, a `:=` in the later blocks too: they read the name the `where`
    defined as a free symbol. `x1 := x0 - inv(H)*jacobian(f, x).T` under the block's `x: x0` was the Newton step at
    x0 in its block and at a free x after it, where two uses were refuted at a point of `x`."""
    body = (math("g-def", "g", "t**2", ", rel: ':='") + math("k-def", "k", "t**2", ", rel: ':='")
            + "  - math:\n      where: {t: 'u + 1'}\n      start: {tex: a, sympy: 'h'}\n"
            f"      steps: [{{tex: b, sympy: '{definition}', rel: ':='}}]\n"
            + math("use", "h", "h"))
    layout, errors = layout_of(body, head=LOCAL_WHERE_HEAD)
    assert len(errors) == 2, errors
    assert errors[0].message.startswith(f"the definition of `h` uses `{leak}`, which this block's own `where` "
                                        "defines"), errors[0]
    assert f"define `{leak}` with a `:=` row before this block" in errors[0].message
    assert (errors[0].location.line, errors[0].location.column) == position(
        spec_text(body, LOCAL_WHERE_HEAD), definition + "'")
    assert "this step uses `h`, whose definition" in errors[1].message  # the later use is not checked either


def test_a_definition_beside_a_block_where_that_it_does_not_use_is_fine() -> None:
    body = ("  - math:\n      where: {t: 'u + 1'}\n      start: {tex: a, sympy: 'h'}\n"
            "      steps: [{tex: b, sympy: 'u**2', rel: ':='}, {tex: c, sympy: 't**2 - 2*u - 1'}]\n"
            + math("use", "h", "u**2"))
    _, errors = layout_of(body, head=LOCAL_WHERE_HEAD)
    assert errors == []


def test_a_definition_in_a_box_may_use_the_box_where() -> None:
    """A box's `where` and the `:=` made inside the box have the same reach: nothing leaks."""
    body = ("  - remark:\n      where: {t: 'u + 1'}\n      blocks:\n"
            "        - math:\n            start: {tex: a, sympy: 'h'}\n"
            "            steps: [{tex: b, sympy: 't**2', rel: ':='}, {tex: c, sympy: '(u + 1)**2'}]\n")
    _, errors = layout_of(body, head=LOCAL_WHERE_HEAD)
    assert errors == []


def test_term_without_sympy_is_unchecked() -> None:
    body = "  - math:\n      start: {tex: a}\n      steps: [{tex: b, sympy: 't'}]\n"
    layout, errors = layout_of(body)
    assert errors == []
    assert layout.verdicts[0].status == "unchecked"


def test_inner_symbols_shadow_outer_ones() -> None:
    body = """\
      - math:
          symbols: {t: vector(N)}
          start: {tex: a, sympy: 't.T*t'}
          steps: [{tex: b, sympy: 'norm2(t)'}]
    """
    layout, errors = layout_of(body)
    assert errors == []
    assert layout.claims[0].symbols[-1] == (("t", "vector(N)"),)


def test_claims_under_the_same_declarations_carry_them_once() -> None:
    """Every claim carries its declarations (they are part of its cache key); the claims under the same
    layers share one copy instead of each rebuilding it, and a block's own layer gives it its own."""
    body = math("a", "t", "t") + math("b", "2*t", "t + t") + (
        "  - math:\n      symbols: {t: vector(N)}\n      start: {tex: a, sympy: 't.T*t'}\n"
        "      steps: [{tex: b, sympy: 'norm2(t)'}]\n")
    layout, errors = layout_of(body)
    assert errors == []
    page = (("t", "real"), ("x", "vector(N)"), ("A", "matrix(N, N)"))
    first, second, third = layout.claims
    assert first.symbols == second.symbols == (page,) and first.symbols is second.symbols
    assert third.symbols == (page, (("t", "vector(N)"),))


@pytest.mark.parametrize("bad", ["{eq:nope}", "{eq:other-page#x}"])
def test_unknown_reference_in_prose_is_a_located_error_on_the_page(bad: str) -> None:
    from mkdocs_derivations.checked import CheckedSpec
    from mkdocs_derivations.references import build_registry, reference_errors
    from mkdocs_derivations.render import render_page

    body = f"  - text: 'see {bad}'\n" + math("a", "t", "t")
    layout, errors = layout_of(body)
    errors += reference_errors("t", layout, build_registry([("t", layout)]))
    [error] = errors
    assert "names no equation" in error.message
    assert (error.location.line, error.location.column) == position(spec_text(body), bad)
    page = render_page(CheckedSpec(path=__import__("pathlib").Path("t.yml"), shown_path="t.yml",
                                   layout=layout, verdicts=dict(layout.verdicts), errors=errors))
    assert any("names no equation" in p for p in page.problems)
    assert "deriv-load-error" in page.markdown and "(&#63;??" in page.markdown  # "(???": no details box


@pytest.mark.parametrize(("tex", "message"), [
    (r"\href{javascript:alert(1)}{x}", "only `#anchor` and http(s)"),
    (r"\url{data:text/html,x}", "only `#anchor` and http(s)"),
    (r"\class{x}{y}", "could style the page"),
    (r"\style{color:red}{y}", "could style the page"),
    (r"\unicode{x41}", "could style the page"),
    (r"\require{physics}", "could style the page"),
    (r"\mmlToken{mi}[href=#x]{v}", "could style the page, link"),  # writes attributes no check reads
    (r"\smash{\mathrlap{\rule{80em}{45em}}}", "draw over the page"),  # covered a whole page (red team)
    (r"\rlap{x}", "draw over the page"),
    (r"x \tag{9}", "equation numbers"),
    (r"x \label{a}", "equation numbers"),
    (r"x \] <script>", "math delimiter"),
    (r"$$ x", "math delimiter"),
    (r"x \quad \colorbox{lightgreen}{\checkmark\ \text{proved}}", "check mark"),  # a badge no check gave
    ("x \\quad \\text{\u2713 proved}", "check mark"),
    ("x \\quad \\text{\u2714}", "check mark"),
])
def test_tex_policy_refuses_dangerous_or_numbering_commands(tex: str, message: str) -> None:
    body = ("  - math:\n      start: {tex: 'a', sympy: 't'}\n      steps:\n"
            f"        - tex: '{tex}'\n          sympy: 't'\n")
    err = only_error(body)
    assert message in err.message
    assert err.where.endswith("step 1")


def tex_step(tex: str) -> str:
    return ("  - math:\n      start: {tex: 'a', sympy: 't'}\n      steps:\n"
            f"        - tex: '{tex}'\n          sympy: 't'\n")


@pytest.mark.parametrize("tex", [r"$x$", r"x \\$"])  # `\\` is a line break: the `$` after it is a delimiter
def test_tex_policy_refuses_a_single_dollar(tex: str) -> None:
    body = tex_step(tex)
    err = only_error(body)
    assert err.message == ("`tex` must not contain the math delimiter `$`: the renderer wraps every equation itself "
                           "(write `\\$` for a dollar sign)")
    assert (err.location.line, err.location.column) == position(spec_text(body), f"tex: '{tex}'")
    assert err.where == "block 1 (math), step 1"


@pytest.mark.parametrize("tex", [r"\$5", r"\text{costs \$5}", r"a \\[2pt] b"])
def test_tex_policy_allows_an_escaped_dollar_and_a_spaced_line_break(tex: str) -> None:
    body = tex_step(tex)
    _, errors = layout_of(body)
    assert errors == []


@pytest.mark.parametrize(("tex", "refused"), [
    (r"\tagged \labelled \reference \datum \classy", None),  # a command is refused by its whole name
    (r"\class{x}{y} \tag{1}", r"`\class` is not allowed in `tex` (it could style the page, link, load code or "
                              r"draw over the page)"),
    (r"\tag{1} \class{x}{y}", r"`\tag` is not allowed in `tex`: equation numbers and labels come from the spec "
                              r"(`label:`, `number:`, `{eq:...}`)"),
    (r"\$ \( x \tag{1}", r"`tex` must not contain the math delimiter `\(`: the renderer wraps every equation "
                          r"itself"),
    (r"\\( x", None),  # a line break, then a parenthesis
    ("x \\", None),  # a lone backslash at the end
    (r"\checkmarks \surd", None),  # not a check mark: a command by its whole name, and the root sign
    (r"x \checkmark", r"`tex` must not contain a check mark (`\checkmark`): on the page it would read as a "
                       r"verdict badge, which only a check gives"),
    ("x \u2713", "`tex` must not contain a check mark (`\u2713`): on the page it would read as a verdict badge, "
                 "which only a check gives"),
])
def test_tex_policy_names_the_first_refused_construct(tex: str, refused: str | None) -> None:
    from mkdocs_derivations.errors import Location
    from mkdocs_derivations.tex_policy import check_tex

    where = Location(Path("t.yml"), 3, 9)
    if refused is None:
        check_tex(tex, where, "step 1")
        return
    with pytest.raises(SpecError) as caught:
        check_tex(tex, where, "step 1")
    assert (caught.value.message, caught.value.location, caught.value.where) == (refused, where, "step 1")


@pytest.mark.parametrize(("prose", "message"), [
    ("Click $\\href{java\n  script:alert(1)}{here}$.", "prose math has a `\\href` whose target is not"),
    ("Text $\\smash{\\mathrlap{\\rule{80em}{45em}}}$.", "`\\smash` is not allowed in prose math"),
    ("$\\mmlToken{mi}[href=x]{v}$", "`\\mmlToken` is not allowed in prose math"),
    ("$\\class{deriv-proved}{x}$", "`\\class` is not allowed in prose math"),
    ("So $x = 1$ $\\checkmark$.", "`\\checkmark` is not allowed in prose math: on the page it would read as a "
                                   "verdict badge"),
])
def test_prose_math_follows_the_tex_policy(prose: str, message: str) -> None:
    """Prose math was never checked: a link split by a line break ran script on click (MathJax's filter took
    `java<newline>script:` for a link without a scheme) and \\smash'ed rules covered whole pages."""
    body = "  - text: |\n      " + prose.replace("\n", "\n      ") + "\n"
    err = only_error(body)
    assert err.message.startswith(message), err.message
    assert err.where == "block 1 (text)" and err.location.line == 9  # where the text starts


def test_prose_math_may_link_to_anchors_and_https() -> None:
    _, errors = layout_of("  - text: 'See $\\href{#eq-a}{(1)}$ and $\\url{https://example.org}$.'\n")
    assert errors == []


def test_tex_policy_allows_fragment_and_https_links() -> None:
    body = ("  - math:\n      start: {tex: 'a', sympy: 't'}\n      steps:\n"
            r"        - tex: '\href{#eq-x}{(1)} \href{https://example.org}{y}'" + "\n          sympy: 't'\n")
    _, errors = layout_of(body)
    assert errors == []


@pytest.mark.slow
@pytest.mark.parametrize("inverse", ["inv(A)", "A**-1", "(A*A)**-1*A"])
def test_claims_with_an_inverse_say_what_they_assume(inverse: str) -> None:
    from mkdocs_derivations.verify import check_equal

    body = f"  - math:\n      start: {{tex: a, sympy: 'A*{inverse}*x'}}\n      steps: [{{tex: b, sympy: 'x'}}]\n"
    layout, errors = layout_of(body)
    assert errors == []
    verdict = check_equal(layout.claims[0])
    assert verdict.status == "proved-all"
    assert verdict.notes == ["holds wherever the inverted matrices are invertible"]


@pytest.mark.parametrize(("where", "noted"), [
    ("{M: 'Matrix([[3, 1], [1, 3]])'}", False),  # an example's data: inverted as it is, or refused as singular
    ("{M: 'Matrix([[3, t], [1, 3]])'}", True),
    ("{M: 'Matrix([[3, 1], [1, 3]]) + t*N'}", True),
])
def test_the_inverse_note_is_left_out_for_a_matrix_of_numbers(where: str, noted: bool) -> None:
    from mkdocs_derivations.verify import check_equal

    head = "symbols:\n  t: real\n  M: matrix(2, 2)\n  N: matrix(2, 2)\n"
    body = (f"  - math:\n      where: {where}\n      start: {{tex: a, sympy: 'M*inv(M)*M'}}\n"
            "      steps: [{tex: b, sympy: 'M'}]\n")
    layout, errors = layout_of(body, head=head)
    assert errors == []
    verdict = check_equal(layout.claims[0])
    assert verdict.status in ("proved", "proved-all", "sizes"), verdict
    assert verdict.notes == (["holds wherever the inverted matrices are invertible"] if noted else [])


@pytest.mark.slow
@pytest.mark.parametrize("inverse", ["inv(M)", "M**-1", "M**-2"])
def test_a_singular_matrix_is_the_steps_problem_not_an_internal_error(inverse: str) -> None:
    from mkdocs_derivations.verify import check_claim

    head = "symbols:\n  a: real\n"
    body = (f"  - math:\n      where: {{M: 'Matrix([[a, a], [a, a]])'}}\n      symbols: {{M: 'matrix(2, 2)'}}\n"
            f"      start: {{tex: a, sympy: '{inverse}*M'}}\n      steps: [{{tex: b, sympy: 'M'}}]\n")
    layout, errors = layout_of(body, head=head)
    assert errors == []
    verdict = check_claim(layout.claims[0])
    assert verdict["status"] == "error" and verdict["method"] == "evaluation"
    assert verdict["detail"] == "the matrix `M` is singular at this size (2×2)"


@pytest.mark.slow
def test_a_matrix_singular_at_a_default_size_names_the_size_and_suggests_sizes() -> None:
    """MᵀM (n×d) is singular at n = 2, d = 3, one of the default sizes: the step is not wrong, its sizes are."""
    from mkdocs_derivations.verify import check_claim

    head = "symbols:\n  M: matrix(n, d)\n  y: vector(n)\n"
    body = ("  - math:\n      start: {tex: a, sympy: 'M.T*M*inv(M.T*M)*M.T*y'}\n"
            "      steps: [{tex: b, sympy: 'M.T*y'}]\n")
    layout, errors = layout_of(body, head=head)
    assert errors == []
    verdict = check_claim(layout.claims[0])
    assert verdict["status"] == "error" and verdict["sizes"] == [{"d": 3, "n": 2}], verdict
    assert verdict["detail"] == ("the matrix `M.T * M` is singular at this size (3×3); if it is invertible only at "
                                 "some sizes (ΦᵀΦ needs at least as many rows as columns), give `sizes` where it is")
    layout, errors = layout_of(body, head=head + "sizes: [{n: 3, d: 2}, {n: 4, d: 3}]\n")
    assert errors == [] and check_claim(layout.claims[0])["status"] == "proved-all"

def test_tex_policy_refuses_links_it_cannot_read() -> None:
    body = ("  - math:\n      start: {tex: 'a', sympy: 't'}\n      steps:\n"
            r"        - tex: '\href{java{}script:alert(1)}{x}'" + "\n          sympy: 't'\n")
    assert "plain `{...}` argument" in only_error(body).message


def test_an_example_states_the_symmetric_matrices_it_declares_and_nothing_else() -> None:
    """Read from the parsed declarations: a dimension or argument whose name contains "symmetric" is not
    an assumption, a function with symmetric matrix values is."""
    layout, errors = layout_of("""\
        - example:
            title: Ex
            symbols:
              symmetricN: dim
              S: matrix(N, N, symmetric)
              v: vector(symmetricN)
              F: function(t) -> matrix(N, N, symmetric)
              G: matrix(N, N)
            blocks:
              - text: hi
        """)
    assert not errors, errors
    [container] = layout.items
    assert container.assumptions == ["S is symmetric", "F is symmetric"]



@pytest.mark.parametrize(("words", "phrase"), [
    ("real", None), ("complex", None), ("positive", "t is positive"), ("real nonzero", "t is nonzero"),
    ("integer", "t is an integer"), ("positive integer", "t is a positive integer"),
    ("nonnegative nonzero", "t is nonnegative and nonzero"),
])
def test_scalar_assumptions_other_than_real_are_stated(words: str, phrase: str | None) -> None:
    """They change what is true (sqrt(t**2) = t for a positive t): a box that declared `t: positive` proved
    a row that the page's real t refuted, with identical TeX and nothing on the page to tell them apart."""
    layout, errors = layout_of(math("a", "t", "t"), head=f"symbols:\n  t: {words}\n  f: function(t) -> {words}\n")
    assert not errors, errors
    assert layout.assumptions == ([] if phrase is None else [phrase, phrase.replace("t is", "f is", 1)])


def test_a_box_that_redeclares_a_scalar_states_its_assumption_at_the_box(tmp_path: Path) -> None:
    body = """\
        - math:
            number: false
            start: {tex: a, sympy: 'sqrt(t**2)'}
            steps:
              - {tex: b, sympy: 't'}
        - example:
            title: for positive t
            symbols: {t: positive}
            blocks:
              - math:
                  start: {tex: a, sympy: 'sqrt(t**2)'}
                  steps:
                    - {tex: b, sympy: 't'}
        """
    layout, errors = layout_of(body, head="symbols:\n  t: real\n")
    assert not errors and layout.assumptions == [], errors
    assert layout.items[1].assumptions == ["t is positive"]
    spec = tmp_path / "t.yml"
    spec.write_text(spec_text(body, "symbols:\n  t: real\n"))
    checker = Checker(CheckOptions(cache_dir=None, jobs=1))
    try:
        [checked] = checker.check_paths([spec])
    finally:
        checker.close()
    markdown = render_page(checked).markdown
    assert "*Assumptions:* t is positive." in markdown
    # The summary counts numbered rows, and then the unnumbered ones that are not machine-checked: it read
    # "1 of 1 equation machine-checked: 1 proved." above a refuted unnumbered row (red team).
    assert ('<p class="deriv-summary">1 of 1 equation machine-checked: 1 proved; unnumbered rows: 1 refuted.</p>'
            in markdown), markdown[:600]


@pytest.mark.parametrize(("cited", "message"), [
    ("t#own", "`by: t#own` cites the row this step is on"),
    ("t#later", "`by: t#later` names an equation further down (line 14)"),
    ("t#nowhere", "`by: t#nowhere` names no earlier equation"),
])
def test_a_citation_of_this_page_by_its_slug_follows_the_rules_of_a_plain_label(cited: str, message: str) -> None:
    """`by: this-page#label` was taken for another page's equation, so a row could cite itself or one further
    down; the same citations without the slug were refused."""
    body = (f"  - math:\n      label: own\n      start: {{tex: a, sympy: 't'}}\n"
            f"      steps:\n        - {{tex: b, sympy: 't', by: '{cited}'}}\n" + math("later", "t", "t"))
    assert only_error(body).message.startswith(message)


def test_a_citation_of_an_earlier_equation_of_this_page_by_its_slug_links_it_and_uses_its_definitions() -> None:
    body = (math("def", "s", "t**2").replace("'t**2'}", "'t**2', rel: ':='}")
            + math("use", "s", "t**2", ", by: 't#def'"))
    layout, errors = layout_of(body, head="symbols:\n  t: real\n  s: real\n")
    assert not errors, errors
    use = layout.labels["use"]
    assert use.cited_elsewhere == []
    [claim] = [c for c in layout.claims if c.kind == "equal"]
    assert claim.definitions and "s" in str(claim.definitions)


def test_symmetric_matrices_are_stated_wherever_they_are_declared(tmp_path: Path) -> None:
    """Every check uses the assumption, so the page shows it at the page, box or equation declaring it."""
    head = "symbols:\n  S: matrix(N, N, symmetric)\n  x: vector(N)\n"
    body = """\
        - math:
            label: with-u
            symbols:
              U: matrix(N, N, symmetric)
            start: {tex: a, sympy: 'x.T*U*x'}
            steps:
              - {tex: b, sympy: 'x.T*U.T*x'}
        - math:
            start: {tex: c, sympy: 'S'}
            steps:
              - {tex: d, sympy: 'S.T'}
        """
    layout, errors = layout_of(body, head=head)
    assert not errors, errors
    assert layout.assumptions == ["S is symmetric"]
    first, second = layout.items
    assert first.assumptions == ["U is symmetric"] and second.assumptions == []
    spec = tmp_path / "t.yml"
    spec.write_text(spec_text(body, head))
    checker = Checker(CheckOptions(verify=False, cache_dir=None))
    [checked] = checker.check_paths([spec])
    markdown = render_page(checked).markdown
    assert markdown.count("*Assumptions:* S is symmetric.") == 1
    assert markdown.index("*Assumptions:* S is symmetric.") < markdown.index("*Assumptions:* U is symmetric.")
    assert markdown.index("*Assumptions:* U is symmetric.") < markdown.index('id="eq-with-u"')


def test_a_bad_page_level_declaration_is_reported_once() -> None:
    head = "symbols:\n  sin: real\n  t: real\n"
    _, errors = layout_of(math("a", "t", "t") + math("b", "t", "t"), head=head)
    assert len(errors) == 1, errors
    assert errors[0].where == "symbols"


def test_a_sizes_entry_missing_a_dimension_is_named_readably() -> None:
    head = "symbols:\n  x: vector(n)\n  A: matrix(m, n)\nsizes:\n  - {n: 2}\n  - {n: 3, m: 2}\n"
    error = only_error(math("a", "A*x", "A*x"), head=head)
    assert error.message == "`sizes` entry `n = 2` does not give m"


def test_an_error_in_inherited_sizes_names_the_block_and_where_the_sizes_are_written() -> None:
    """The sizes are judged against the dimensions of each block that uses them, but the key to fix is the
    page's (or the example's): "[block 1 (math)]" alone sent a contributor looking in the block."""
    head = "symbols:\n  A: matrix(n, n)\nsizes: [{n: 2}]\n"
    error = only_error(math("a", "A", "A.T.T"), head=head)
    assert error.where == "block 1 (math 'a'), `sizes` of the page" and error.location.line == 5
    boxed = ("  - example:\n      title: E\n      sizes: [{n: 3}]\n      blocks:\n"
             + "\n".join("    " + line for line in math("a", "A", "A.T.T").splitlines()) + "\n")
    error = only_error(boxed, head="symbols:\n  A: matrix(n, n)\n")
    assert error.where == "block 1 (example 'E'), block 1 (math 'a'), `sizes` of block 1 (example 'E')"
    own = only_error(math("a", "A", "A.T.T", "").replace("      label: a\n", "      label: a\n      sizes: [{n: 2}]\n"),
                     head="symbols:\n  A: matrix(n, n)\n")
    assert own.where == "block 1 (math 'a')"


@pytest.mark.parametrize(("sizes", "message"), [
    ("[{n: 2, m: 2}, {n: 3, m: 2}]", "`sizes` gives m only the value 2; give it at least two different values of 2 or "
                                     "more (e.g. 2 and 3): an identity can hold at one size and fail at the next"),
    ("[{n: 1, m: 2}, {n: 1, m: 1}]", "`sizes` gives m only the values 1 and 2, n only the value 1; give each at least "
                                     "two different values of 2 or more (e.g. 2 and 3): an identity can hold at one "
                                     "size and fail at the next, and many false identities hold at size 1"),
])
def test_sizes_with_too_few_values_say_which_values_they_give(sizes: str, message: str) -> None:
    head = f"symbols:\n  x: vector(n)\n  A: matrix(m, n)\nsizes: {sizes}\n"
    error = only_error(math("a", "A*x", "A*x"), head=head)
    assert error.message == message
    assert (error.location.line, error.location.column) == position(spec_text(math("a", "A*x", "A*x"), head), "sizes")



@pytest.mark.parametrize(("sizes", "parity"), [("[{K: 2}, {K: 4}]", "even"), ("[{K: 3}, {K: 5}, {K: 1}]", "odd")])
def test_sizes_of_one_parity_are_an_error(sizes: str, parity: str) -> None:
    """det(-S) = det(S), false at every odd size, was "checked at sizes K = 2; K = 4" (red team)."""
    text = math("a", "det(-S)", "det(S)")
    error = only_error(text, head=f"symbols:\n  S: matrix(K, K)\nsizes: {sizes}\n")
    assert error.message == (f"`sizes` gives K only {parity} values of 2 or more; give it an even and an odd one "
                             "(e.g. 2 and 3): a determinant changes sign with the parity of the size, and "
                             "det(-S) = det(S) holds at every even size")
    _, errors = layout_of(text, head="symbols:\n  S: matrix(K, K)\nsizes: [{K: 2}, {K: 5}]\n")
    assert errors == []


def test_sizes_that_keep_two_dimensions_equal_are_an_error() -> None:
    """det(ΦᵀΦ + λI) = det(ΦΦᵀ + λI) holds whenever N = D: with sizes that kept them equal, a new
    contributor's page showed it as checked. Sizes with one assignment where they differ pass."""
    text = math("a", "det(Phi.T*Phi)", "det(Phi*Phi.T)")
    head = "symbols:\n  Phi: matrix(N, D)\nsizes: [{N: 2, D: 2}, {N: 3, D: 3}]\n"
    error = only_error(text, head=head)
    assert error.message == ("`sizes` keeps D and N equal in every assignment; add one where they differ "
                             "(e.g. {D: 2, N: 3}): an identity can hold whenever two dimensions are equal and "
                             "fail otherwise")
    assert (error.location.line, error.location.column) == position(spec_text(text, head), "sizes")
    apart = "symbols:\n  Phi: matrix(N, D)\nsizes: [{N: 2, D: 2}, {N: 3, D: 2}, {N: 3, D: 3}]\n"
    _, errors = layout_of(text, head=apart)
    assert errors == []


def test_a_sizes_entry_with_a_misspelt_dimension_suggests_it() -> None:
    head = "symbols:\n  A: matrix(N, N)\nsizes: [{n: 2}, {n: 3}]\n"
    error = only_error(math("a", "A*A", "A*A"), head=head)
    assert error.message == "`sizes` entry `n = 2` does not give N; did you mean `N`?"


def test_sizes_on_a_page_of_scalars_is_an_error_at_the_sizes_key() -> None:
    """Ignored in silence, a `sizes:` on scalars let a contributor believe some check ran at those sizes."""
    head = "symbols:\n  t: real\nsizes: [{N: 2}, {N: 3}]\n"
    error = only_error(math("a", "t + t", "2*t"), head=head)
    assert error.message.startswith("`sizes` has nothing to size: no step it applies to uses a vector or matrix")
    assert (error.location.line, error.location.column) == position(spec_text(math("a", "t + t", "2*t"), head),
                                                                    "sizes")


def test_a_sizes_name_no_block_uses_is_an_error_with_the_dimensions_used() -> None:
    head = "symbols:\n  A: matrix(N, N)\nsizes: [{N: 2, M: 3}, {N: 3, M: 2}]\n"
    error = only_error(math("a", "A*A", "A*A"), head=head)
    assert error.message == ("`sizes` gives `M`, which no declaration it applies to uses as a dimension (the "
                             "dimensions there: N)")
    assert error.where == "sizes"


def test_a_page_sizes_may_size_the_dimensions_of_a_box_inside() -> None:
    """A page's `sizes` serves every block under it: M is used only inside the example, N outside it."""
    head = "symbols:\n  A: matrix(N, N)\nsizes: [{N: 2, M: 3}, {N: 3, M: 2}]\n"
    body = math("a", "A*A", "A*A") + (
        "  - example:\n      title: E\n      symbols:\n        C: matrix(M, N)\n      blocks:\n"
        + textwrap.indent(math("b", "C*A", "C*A"), "      "))
    _, errors = layout_of(body, head=head)
    assert errors == []


def test_a_block_whose_declarations_fail_does_not_make_its_sizes_look_unused() -> None:
    """Its dimensions are unknown, so `M` may well be one of them: the declaration's error is the one."""
    head = "symbols:\n  A: matrix(N, N)\nsizes: [{N: 2, M: 3}, {N: 3, M: 2}]\n"
    body = math("a", "A*A", "A*A") + math("b", "C", "C").replace(
        "      start:", "      symbols:\n        C: matrix(M, N, 3)\n      start:")
    error = only_error(body, head=head)
    assert error.message.startswith("expected `symmetric`, found `3`") and error.where == "block 2 (math 'b')"


def _verdict_of(lhs: str, rhs: str, head: str = HEAD) -> Verdict:
    """The verdict a worker would send back (its entry point turns exceptions into verdicts)."""
    from mkdocs_derivations.verify import check_claim

    layout, errors = layout_of(math("a", lhs, rhs), head=head)
    assert errors == [], errors
    [claim] = [c for c in layout.claims if c.kind == "equal"]
    return Verdict.from_dict(check_claim(claim))


_INTEGERS = HEAD + "  n: integer\n  m: integer positive\n  k: integer nonnegative\n  r: real\n  w: negative\n"


@pytest.mark.parametrize(("lhs", "rhs", "false_at"), [
    ("log(exp(4*I*(-1)**(n/2)))", "4*I*(-1)**(n/2)", "n = 0"),
    ("log(exp(4*I*(-1)**(sign(r)/2)))", "4*I*(-1)**(sign(r)/2)", "r = 0"),
    ("sign(atan(m - 1))", "1", "m = 1"),
    ("sign(atan(n))**2", "1", "n = 0"),
    ("Abs(sign(atan(n)))", "1", "n = 0"),
    ("0**atan(k)", "0", "k = 0"),
    ("sign(atan(sign(r)))**2", "1", "r = 0"),
    ("sign(asin(n))**2", "1", "n = 0"),
    ("sign(acos(n))**2", "1", "n = 1"),
    # a second round: other rational-valued arguments, other negative bases, powers SymPy makes itself
    ("sign(atan(n/2))**2", "1", "n = 0"),
    ("sign(atan((n + 1)/3))**2", "1", "n = -1"),
    ("0**asin(k/2)", "0", "k = 0"),
    ("sign(asin(sign(r)/2))**2", "1", "r = 0"),
    ("log(exp(4*I*w**(n/2)))", "4*I*w**(n/2)", "n = 0"),
    ("log(exp(4*I*(-exp(r))**(n/2)))", "4*I*(-exp(r))**(n/2)", "n = 0"),
    ("log(exp(4*I*sqrt(w)**n))", "4*I*sqrt(w)**n", "n = 0"),  # SymPy makes it w**(n/2)
])
def test_facts_sympy_gets_wrong_about_integers_are_not_used_to_prove(lhs: str, rhs: str, false_at: str) -> None:
    """A red team's false accepts: SymPy 1.14 takes atan/asin/acos of an integer-valued expression to be
    non-zero and (-1)**(n/2) to be imaginary, and folds the sides with it as they are built, so each of these
    steps (false at the point given) was proved as "identical once evaluated" with no point tried."""
    verdict = _verdict_of(lhs, rhs, head=_INTEGERS)
    assert verdict.status == "error", (verdict, false_at)
    assert "SymPy" in verdict.detail


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("(-1)**n * (-1)**n", "1"),  # an integer exponent: SymPy's facts hold
    ("atan(1) + atan(r) - atan(r)", "pi/4"),  # numbers and real arguments: no integer-valued argument
    ("(-1)**(2*n)", "1"),
    ("atan(m) + atan(-m)", "0"),  # a positive argument justifies a positive atan
    ("sign(acos(r**2 + 2))**2", "sign(acos(r**2 + 2))**2"),
])
def test_what_sympy_decides_rightly_about_integers_is_still_proved(lhs: str, rhs: str) -> None:
    assert _verdict_of(lhs, rhs, head=_INTEGERS).status == "proved"


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("diff(sign(atan(u))**2, u)", "0"),  # no derivative at u = n = 0: atan(n) came in by substitution only
    ("diff(u*sign(atan(u))**2, u)", "1"),
])
def test_a_wrong_fact_that_comes_in_by_a_definition_is_not_used_either(lhs: str, rhs: str) -> None:
    verdict = _verdict_of(lhs, rhs, head=_INTEGERS + "  u: real\nwhere:\n  u: 'n'\n")
    assert verdict.status == "error" and "SymPy decides that it is non-zero" in verdict.detail, verdict


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("3 + 0*(0/0)", "5 + 0*(0/0)"),
    ("3 + 0*log(0)", "5 + 0*log(0)"),
    ("1/0", "2/0"),
    ("0/0", "0/0 + 1"),
    ("tan(pi/2)", "tan(pi/2) + 1"),
    ("t/(t - t)", "t/(t - t)"),  # one expression written twice: the 'same expression' shortcut proved it
    ("x*(t/(t - t))", "x*(t/(t - t))"),  # ... for all dimensions, too
    ("t + atan(1/(t - t))", "atan(1/(t - t)) + t"),  # atan(zoo) is AccumBounds(-pi/2, pi/2): no zoo left
])
def test_an_undefined_side_is_never_verified(lhs: str, rhs: str) -> None:
    """SymPy folds these to nan, zoo or an interval, and nan == nan: the audit found '3 = 5' proved this way."""
    verdict = _verdict_of(lhs, rhs)
    assert verdict.status == "error" and verdict.method == "undefined value", verdict
    assert "undefined" in verdict.detail


ZERO = "(sin(t)**2 + cos(t)**2 - 1)"  # 0 for every t, which SymPy does not see when it builds the expression
ZERO_HEAD = HEAD + "  f: function(t)\n  p: positive\n  z: real\nwhere:\n  z: 't/(sin(t)**2 + cos(t)**2 - 1)'\n"


@pytest.mark.parametrize(("lhs", "rhs", "side", "divisor"), [
    (f"0*t/{ZERO}", "0", "left", "sin(t)**2 + cos(t)**2 - 1"),  # SymPy cancels 0*z ...
    (f"t/{ZERO} - t/{ZERO}", "0", "left", "sin(t)**2 + cos(t)**2 - 1"),  # ... z - z ...
    (f"{ZERO}/{ZERO}", "1", "left", "sin(t)**2 + cos(t)**2 - 1"),  # ... and z/z as it builds the side
    ("1", f"1 + 0*t/{ZERO}", "right", "sin(t)**2 + cos(t)**2 - 1"),
    (f"1 + 0*{ZERO}**(-2)", "1", "left", "divides by `sin(t)**2 + cos(t)**2 - 1`"),
    (f"1 + 0*inv({ZERO})", "1", "left", "divides by `sin(t)**2 + cos(t)**2 - 1`"),
    (f"log({ZERO}) - log({ZERO})", "0", "left", "takes the logarithm of `sin(t)**2 + cos(t)**2 - 1`"),
    (f"0*diff(t/{ZERO}, t)", "0", "left", "sin(t)**2 + cos(t)**2 - 1"),
    ("0*z", "0", "left", "(in the definition of `z`)"),
    ("diff(z, t) - diff(z, t)", "0", "left", "(in the definition of `z`)"),
    ("0*t/(t*(t + 1) - t**2 - t)", "0", "left", "t * (t + 1) - t**2 - t"),  # a rational function, too
    ("0*p/(log(p**2) - 2*log(p))", "0", "left", "log(p**2) - 2 * log(p)"),  # 0 under the assumption
    ("0/(f*(f + 1) - f**2 - f)", "0", "left", "f * (f + 1) - f**2 - f"),  # with stand-ins for f
    ("0*t/(atan(t) + atan(1/t) - pi*sign(t)/2)", "0", "left", "atan(t)"),  # 0 wherever it is defined
    (f"x*t/{ZERO} - x*t/{ZERO}", "0*x", "left", "sin(t)**2 + cos(t)**2 - 1"),  # at every size
    (f"0*t*tan(pi/2 + {ZERO})", "0", "left", "takes the tangent of `pi / 2 + (sin(t)**2"),  # a pole everywhere
    ("1", f"1 + 0*tanh(I*pi/2 + {ZERO})", "right", "whose hyperbolic cosine"),
    (f"t + atan(I*({ZERO} + 1)) - atan(I*({ZERO} + 1))", "t", "left", "whose 1 + its square"),  # atan(i): a pole
    (f"t + 0*atan2({ZERO}, {ZERO})", "t", "left", "whose sum of the squares of the arguments"),  # atan2(0, 0)
    ("0*det(inv(Matrix([[sin(t)**2, 1 - cos(t)**2], [1, 1]])))", "0", "left", "whose determinant"),
    ("0*det(Matrix([[sin(t)**2, 1 - cos(t)**2], [1, 1]])**-2)", "0", "left", "inverts `Matrix("),
])
def test_a_side_that_divides_by_a_hidden_zero_is_never_verified(lhs: str, rhs: str, side: str, divisor: str) -> None:
    """A divisor that is 0 everywhere only by an identity is not folded into zoo, and SymPy cancels it away:
    0*t/(sin² t + cos² t - 1) = 0 was proved. The step is as undefined as 1/0 = 2/0, and said to be so."""
    verdict = _verdict_of(lhs, rhs, head=ZERO_HEAD)
    assert (verdict.status, verdict.method) == ("error", "undefined value"), verdict
    assert verdict.detail.startswith(f"the {side} side is undefined: it "), verdict.detail
    assert divisor in verdict.detail and "0 at every point checked" in verdict.detail, verdict.detail


@pytest.mark.parametrize(("lhs", "rhs", "status", "method"), [
    ("t/t", "1", "proved", "identical once evaluated"),  # 0 at one point only: "wherever both are defined"
    ("(t**2 - 1)/(t - 1)", "t + 1", "proved", "arithmetic in a polynomial ring"),
    ("t/(t**2 + 1)", "t/(1 + t**2)", "proved", "identical once evaluated"),
    ("(sin(t)**2 + cos(t)**2)/(sin(t)**2 + cos(t)**2)", "1", "proved", "identical once evaluated"),
    ("t*exp(-1000*t**2)/exp(-1000*t**2)", "t", "proved", "identical once evaluated"),  # tiny, but not 0
    ("exp(-1000*t**2)/(exp(-1000*t**2) + sin(t)**2 + cos(t)**2 - 1)", "1", "proved",
     "rewrite(exp) in a polynomial ring"),
    ("0*t/(sqrt(t**2) - t)", "0", "proved", "identical once evaluated"),  # 0 for t > 0 only
    ("diff(1/t, t)", "-1/t**2", "proved", "identical once evaluated"),
    ("diff(f, t)/diff(f, t)", "1", "proved", "identical once evaluated"),
    ("(x.T*x)/(x.T*x)", "1", "sizes", "identical once evaluated"),
    ("tan(t)*cos(t)", "sin(t)", "proved", "rewrite(exp) in a polynomial ring"),  # cos t is 0 at some points only
    ("det(inv(Matrix([[sin(t), 0], [0, 1]])))", "1/sin(t)", "proved", "identical once evaluated"),
])
def test_a_divisor_that_is_not_zero_everywhere_keeps_its_verdict(lhs: str, rhs: str, status: str, method: str) -> None:
    verdict = _verdict_of(lhs, rhs, head=ZERO_HEAD)
    assert (verdict.status, verdict.method) == (status, method), verdict


KINK_HEAD = HEAD + "  u: real\n  s: real\n  v: real\n  y: vector(2)\nwhere:\n  u: '0'\n  s: '0'\n  v: 'pi/2'\n"


@pytest.mark.parametrize(("lhs", "rhs", "why"), [
    ("diff(log(t - t), t)", "0", "the left side is undefined (it contains nan"),  # SymPy: diff(zoo, t) = 0
    ("diff(1/(t - t), t)", "0", "the left side is undefined (it contains nan"),
    ("diff(tan(pi/2), t)", "0", "the left side is undefined (it contains nan"),
    ("diff(atan(1/(t - t)), t)", "0", "the left side is undefined (it contains nan"),
    ("diff(t**2 + log(s), t)", "2*t", "the left side is undefined (it contains nan"),  # s := 0
    ("jacobian(log(y.T*y - y.T*y), y)", "zeros(1, 2)", "the left side is undefined (it contains nan"),
    ("diff(Abs(u), u)", "0", "it differentiates `Abs(u)`, whose argument of Abs (`0`) is 0"),  # sign(0) = 0
    ("diff(Abs(u) + u**2, u)", "0", "whose argument of Abs (`0`) is 0 at every point checked"),
    ("diff(sign(u)*u, u)", "0", "whose argument of sign (`0`) is 0 at every point checked"),
    ("jacobian(Matrix([Abs(u), u]), [u])", "Matrix([0, 1])", "whose argument of Abs (`0`) is 0"),
    ("diff(atan2(u, -1 - t**2), u)", "-1/(1 + t**2)", "whose distance from the cut of atan2"),  # jumps by 2 pi
    # At the variable's own point (red team): atan(tan v) jumps at pi/2, and log u has no value at 0.
    ("diff(atan(tan(v)), v)", "1", "takes the tangent of `v`, whose cosine (`0`) is 0"),
    ("diff(log(u) - log(u) + u**2, u)", "0", "takes the logarithm of `u`, which is `0`"),
])
def test_a_derivative_that_does_not_exist_is_never_verified(lhs: str, rhs: str, why: str) -> None:
    """SymPy folds log(0) into zoo before differentiating (and the derivative of zoo is 0), and takes
    sign(u) for the derivative of |u|, 0 at u = 0: each of these false or meaningless steps was proved."""
    verdict = _verdict_of(lhs, rhs, head=KINK_HEAD)
    assert (verdict.status, verdict.method) == ("error", "undefined value"), verdict
    assert why in verdict.detail, verdict.detail


@pytest.mark.parametrize(("lhs", "rhs", "status"), [
    ("diff(Abs(t), t)", "sign(t)", "proved"),  # 0 at one point only: wherever the derivative exists
    ("diff(Abs(t - 1) + Abs(u), t)", "sign(t - 1)", "proved"),  # Abs(u) does not depend on t
    ("diff(atan2(u, 1 + t**2), u)", "1/(1 + t**2)", "proved"),  # off the cut
    ("diff(t**2 + log(s + 1), t)", "2*t", "proved"),
    ("diff(Abs(u + 1), u)", "1", "proved"),
    ("diff(Abs(u + 1), u)", "0", "refuted"),
])
def test_a_derivative_away_from_a_kink_keeps_its_verdict(lhs: str, rhs: str, status: str) -> None:
    assert _verdict_of(lhs, rhs, head=KINK_HEAD).status == status


def test_the_default_sizes_separate_every_two_of_three_dimensions() -> None:
    """2, 3, 2 and 3, 2, 3 kept D = N at every size, and det(ABC) = det(BCA), false unless D = N, was
    "checked at sizes" (red team); the trace, which is cyclic, still is."""
    head = "symbols:\n  A: matrix(N, D)\n  B: matrix(D, M)\n  C: matrix(M, N)\n"
    verdict = _verdict_of("det(A*B*C)", "det(B*C*A)", head=head)
    assert verdict.status == "refuted" and verdict.sizes == [{"D": 2, "M": 2, "N": 3}], verdict
    assert _verdict_of("trace(A*B*C)", "trace(B*C*A)", head=head).status in ("proved-all", "sizes")


ATAN_ZERO = "(atan(1/2) + atan(1/3) - pi/4)"  # 0, which SymPy neither sees nor can evaluate to a certain digit


@pytest.mark.parametrize(("lhs", "rhs"), [
    (f"sign(sinh({ATAN_ZERO}))*t", "0"),  # SymPy made the left side -t, and the true step was refuted
    (f"atan2(sinh({ATAN_ZERO}), -1)*t", "pi*t"),  # ... -pi*t
    (f"atan2(1, sinh({ATAN_ZERO}))*t", "pi*t/2"),
])
def test_a_jump_at_a_number_too_close_to_0_to_decide_is_not_decided(lhs: str, rhs: str) -> None:
    """SymPy folds sign and atan2 of a number as it builds the side, deciding from rounding noise."""
    verdict = _verdict_of(lhs, rhs)
    assert verdict.status == "error" and "too close to 0 to decide" in verdict.detail, verdict


@pytest.mark.parametrize(("lhs", "rhs", "status"), [
    ("sign(pi - 3)*t", "t", "proved"),
    ("sign(sqrt(2) - 1 - 1/1000000000000)*t", "t", "proved"),
    ("atan2(sqrt(3), 1)*t", "pi*t/3", "proved"),
    ("atan2(0, -1)*t", "pi*t", "proved"),
])
def test_a_jump_at_a_number_certainly_not_0_is_decided(lhs: str, rhs: str, status: str) -> None:
    assert _verdict_of(lhs, rhs).status == status


def test_a_matrix_singular_only_by_an_identity_is_said_to_be_singular() -> None:
    """SymPy's inverse finds the determinant sin² t + cos² t - 1 is 0 and raises its own ValueError, which
    reached the page as "could not be checked: ValueError: Matrix det == 0; not invertible."."""
    verdict = _verdict_of("0*inv(Matrix([[sin(t)**2, 1 - cos(t)**2], [1, 1]]))", "zeros(2, 2)", head=ZERO_HEAD)
    assert verdict.status == "error" and verdict.detail.startswith(
        "the matrix `Matrix([[sin(t)**2, 1 - cos(t)**2], [1, 1]])` is singular at this size (2×2)"), \
        verdict


def test_an_undefined_definition_makes_its_uses_errors() -> None:
    head = HEAD + "  z: real\nwhere:\n  z: '0/0'\n"
    assert _verdict_of("3 + 0*z", "5 + 0*z", head=head).status == "error"


@pytest.mark.parametrize(("head", "lhs", "rhs"), [
    ("symbols:\n  x: vector(2)\n  x_1: real\n  x_2: real\n", "norm2(x)", "x_1**2 + x_2**2"),
    ("symbols:\n  A: matrix(2, 2)\n  A_11: real\n  A_12: real\n  A_21: real\n  A_22: real\n",
     "det(A)", "A_11*A_22 - A_12*A_21"),
    ("symbols:\n  t: real\n  g: function(t) -> vector(2)\n  g_1: function(t)\n", "g_1", "Matrix([[1, 0]])*g"),
])
def test_declared_scalars_are_not_the_entries_of_a_vector_or_matrix(head: str, lhs: str, rhs: str) -> None:
    """Entries were named x_1, A_11, g_1 (so a declared scalar of that name was the same symbol)."""
    assert _verdict_of(lhs, rhs, head=head).status == "refuted"


CONSTANT_NOTE = ("`L` has no definition in scope here and is not a function of `t`, so its derivative is 0; if it "
                 "should depend on `t`, define it (`:=`) or declare it `function(t)`")
# A softmax entry s_i = e^{z_i}/(e^{z_i} + e^{z_j} + R) with a wrong sign: z_i and R are meant as constants here,
# and a note that told the contributor to "declare it `function(zj)`" was an instruction to break the page.
SOFTMAX_HEAD = ("symbols:\n  zi: real\n  zj: real\n  R: positive\n  si: real\n"
                "where:\n  si: 'exp(zi)/(exp(zi) + exp(zj) + R)'\n")


@pytest.mark.parametrize(("head", "lhs", "rhs", "status", "notes"), [
    ("symbols:\n  t: real\n  L: real\n", "diff(L, t)", "2*t", "refuted", [CONSTANT_NOTE]),
    ("symbols:\n  t: real\n  L: real\n  K: real\nwhere:\n  K: 'L*t'\n", "diff(K, t)", "2*t", "refuted",
     [CONSTANT_NOTE]),  # through a definition, which a derivative substitutes
    ("symbols:\n  t: real\n  L: real\nwhere:\n  L: 't**2'\n", "diff(L, t)", "2*t", "proved", []),
    ("symbols:\n  t: real\n  L: real\n", "diff(t**2, t) + L", "3*t", "refuted", []),  # L is not differentiated
    # ... and names that the claim also uses outside any derivative are quantities in their own right: the
    # note named zi and R here, and mu, s besides t in the Gaussian (four notes on one wrong step)
    ("" + SOFTMAX_HEAD, "diff(si, zj)", "si*exp(zj)/(exp(zi) + exp(zj) + R)", "refuted", []),
    ("symbols:\n  x: real\n  mu: real\n  s: positive\n  r: real\nwhere:\n  r: '(x - mu)**2/s'\n",
     "diff(r, x)", "(x - mu)/s", "refuted", []),
    # one that the claim uses only inside the derivative is still named
    (SOFTMAX_HEAD, "diff(si, zj)", "-exp(zj)", "refuted",
     [f"`{n}` has no definition in scope here and is not a function of `zj`, so its derivative is 0; if it should "
      f"depend on `zj`, define it (`:=`) or declare it `function(zj)`" for n in ("R", "zi")]),
    # one note per name: a wrong second derivative of a loss with constant labels y1, y2 gave four notes, one per
    # name and variable (a docs-only trial)
    ("symbols:\n  z1: real\n  z2: real\n  y1: real\n  y2: real\n  L: real\nwhere:\n"
     "  L: 'y1*z1**2*z2 + y2*z1*z2**2'\n", "diff(diff(L, z1), z2)", "0", "refuted",
     [f"`{n}` has no definition in scope here and is not a function of `z1` or `z2`, so its derivatives by them "
      f"are 0; if it should depend on them, define it (`:=`) or declare it `function(z1, z2)`" for n in ("y1", "y2")]),
    # the variable's own definition is not substituted inside the derivative: x is not the cause, y < 0 is
    ("symbols:\n  x: real\n  y: positive\nwhere:\n  y: 'x - 5'\n", "diff(sqrt(y**2), y)", "1", "refuted", []),
    # a name the claim differentiates by is a coordinate: a polar Laplacian missing 1/r on f_r was told to make
    # theta a function of r (a contributor's trial of the docs)
    ("symbols:\n  r: positive\n  theta: real\n  f: real\nwhere:\n  f: 'r**3*cos(theta)**2*sin(theta)'\n",
     "diff(f, r, 2) + diff(f, r) + diff(f, theta, 2)/r**2", "diff(f, r, 2) + diff(f, r)/r + diff(f, theta, 2)/r**2",
     "refuted", []),
])
def test_a_refuted_derivative_of_an_undefined_scalar_says_it_is_a_constant(head: str, lhs: str, rhs: str,
                                                                           status: str, notes: list[str]) -> None:
    verdict = _verdict_of(lhs, rhs, head=head)
    assert (verdict.status, verdict.notes) == (status, notes), verdict


def test_a_number_past_pythons_digit_limit_is_a_limit_error_not_an_internal_one() -> None:
    verdict = _verdict_of("999999999999999999999999999999**1000", "t")
    assert verdict.status == "error" and verdict.method == "limit", verdict
    assert "4300 digits" in verdict.detail


@pytest.mark.slow
def test_numeric_evidence_at_matrix_sizes_stays_numeric() -> None:
    """``atan(p) + atan(1/p) = pi/2`` (p > 0) has no symbolic route, so at each size every entry of
    ``(atan(p) + atan(1/p))*u = pi/2*u`` agrees only numerically. Exact at no size, the step must show as
    numeric evidence, never as "checked at sizes", which promises an exact check at each listed size."""
    head = "symbols:\n  p: positive\n  u: vector(N)\n"
    verdict = _verdict_of("(atan(p) + atan(1/p))*u", "pi/2*u", head=head)
    assert (verdict.status, verdict.method, verdict.sizes) == ("numeric", "numeric", [{"N": 2}, {"N": 3}])
    assert verdict.detail == "agreement at random points at the listed sizes: evidence, not proof"
    # the fewest agreeing points of any size, shown on the page as the evidence: the 24 generic points of an
    # entry and its far points (sampling.far_points), which all agree here
    import sympy

    from mkdocs_derivations import sampling

    far = sampling.far_points([sympy.Symbol("p", positive=True), sympy.Symbol("u[1]", real=True)])
    assert verdict.points == 24 + len(far)


def test_an_undecidable_step_is_an_error_that_fails_a_strict_build(tmp_path: Path) -> None:
    """A true step that SymPy can neither prove nor show numerically (one constant, one sample point) is
    "could not be checked": an error the page and a strict build report, not a quiet "unchecked" (which
    only fails under ``--strict`` of the CLI) and never "verified"."""
    head = "symbols:\n  t: real\n"
    body = math("a", "log(atan(2) + atan(1/2))", "log(pi/2)")
    layout, errors = layout_of(body, head=head)
    assert errors == []
    assert position(spec_text(body, head), "{tex: b") == (10, 9)
    verdict = _verdict_of("log(atan(2) + atan(1/2))", "log(pi/2)", head=head)
    detail = ("no symbolic route closed the difference; the claim has no variable, so there is one point to "
              "evaluate, and agreement there is no proof")
    assert (verdict.status, verdict.method, verdict.detail) == ("error", "none", detail)
    checked = CheckedSpec(tmp_path / "t.yml", "t.yml", layout, {0: verdict})
    where = "t.yml:10:9: equation (1), block 1 (math 'a'), step 1"
    assert checked.problems() == [f"{where}: could not be checked: {detail}"]


def _stopped_messages(body: str, head: str) -> list[tuple[int, str]]:
    """(claim index, message) of the claims a spec error stopped, in page order."""
    layout, _ = layout_of(body, head)
    return [(i, layout.verdicts[i].detail) for i, claim in enumerate(layout.claims) if claim.kind == "error"]


def test_a_refused_redefinition_stops_the_later_steps_that_use_the_name_in_its_box() -> None:
    """A box that says `L := t**3` again, after the page's `L := t**2`, is refused; the page still shows it
    as the latest definition, so the box's `diff(L, t) = 2*t` must not be proved with the page's L (a
    contributor found a refutation, with 3*t**2, checked against the definition they had not meant).
    After the box the page's definition holds again."""
    head = "symbols:\n  t: real\n  L: real\n"
    body = (math("page-def", "L", "t**2", ", rel: ':='")
            + "  - example:\n      title: again\n      symbols: {L: real}\n      blocks:\n"
            + textwrap.indent(math("box-def", "L", "t**3", ", rel: ':='") + math("box-use", "diff(L, t)", "2*t"),
                              "      ")
            + math("after", "diff(L, t)", "2*t"))
    layout, errors = layout_of(body, head)
    assert [e.message.split(";")[0] for e in errors] == ["`L` is already defined (line 11)",
                                                         "this step uses `L`, whose definition (t.yml:20:32) "
                                                         "was not checked because of an error there"]
    assert position(spec_text(body, head), "t**3") == (20, 32)
    kinds = [claim.kind for claim in layout.claims]
    assert kinds == ["define", "error", "error", "equal"]  # the last, after the box, is checked as usual


def test_by_cannot_cite_the_row_the_step_is_on() -> None:
    body = ("  - math:\n      start: {tex: a, sympy: '(t + 1)**2'}\n      steps:\n"
            "        - {tex: b, sympy: 't**2 + 2*t + 1', by: own, label: own}\n")
    err = only_error(body)
    assert err.message == ("`by: own` cites the row this step is on; `by` names an earlier equation that "
                           "justifies the step")
    body = math("own", "(t + 1)**2", "t**2 + 2*t + 1", ", by: own")
    assert "cites the row this step is on" in only_error(body).message


def test_the_jacobian_of_a_row_suggests_its_transpose() -> None:
    err = only_error(math("h", "jacobian(jacobian(t*x.T*x, x), x)", "2*x.T"))
    assert err.message.endswith("got 1×N (a row: differentiate its transpose, jacobian(F.T, v))"), err.message


# ------------------------------------------------------------------------------ eye(n) and zeros(m, n)

RIDGE = ("symbols:\n  lam: positive\n  c: real\n  A: matrix(N, N)\n  Phi: matrix(N, D)\n  x: vector(D)\n"
         "  K: dim\n")


@pytest.mark.parametrize(("lhs", "rhs", "status"), [
    ("inv(A + lam*eye(N))*(A + lam*eye(N))", "eye(N)", "proved-all"),
    ("(Phi.T*Phi + lam*eye(D))*Phi.T", "Phi.T*(Phi*Phi.T + lam*eye(N))", "proved-all"),  # the push-through
    ("A + zeros(N, N)", "A", "proved-all"),
    ("zeros(N, D)*x", "zeros(N, 1)", "proved-all"),
    ("det(eye(K))", "1", "proved-all"),  # K is written only as an argument: still a dimension of the claim
    ("c*eye(2) + zeros(2, 2)", "Matrix([[c, 0], [0, c]])", "proved"),  # literal sizes: no dimension to vary
    ("A*eye(N)", "2*A", "refuted"),
    ("(Phi.T*Phi + lam*eye(D))*Phi.T", "Phi.T*(Phi*Phi.T + eye(N))", "refuted"),  # the lambda lost on one side
    ("trace(eye(K))", "2", "refuted"),  # true at K = 2 only
    ("A + zeros(N, N)", "A + eye(N)", "refuted"),
])
def test_identity_and_zero_matrices_are_checked(lhs: str, rhs: str, status: str) -> None:
    verdict = _verdict_of(lhs, rhs, head=RIDGE)
    assert verdict.status == status, verdict
    if status == "proved-all":
        assert verdict.method == "MatrixSymbol expand"
    if status == "refuted":
        assert verdict.counterexample or verdict.detail


def test_a_dimension_given_to_eye_is_not_a_symbol_of_the_citation_check() -> None:
    """M := A + lam*eye(N) cited by a step: N is neither an uncited definition nor a used name to note."""
    head = RIDGE + "  M: matrix(N, N)\n  y: vector(N)\n"
    body = ("  - math:\n      label: def-m\n      start: {tex: M, sympy: 'M'}\n"
            "      steps: [{rel: ':=', tex: b, sympy: 'A + lam*eye(N)'}]\n"
            + math("uses-m", "M*y", "A*y + lam*y", ", by: def-m"))
    layout, errors = layout_of(body, head=head)
    assert errors == []
    from mkdocs_derivations.verify import check_claim

    [claim] = [c for c in layout.claims if c.kind == "equal"]
    assert claim.cited == ("M",)
    verdict = Verdict.from_dict(check_claim(claim))
    assert (verdict.status, verdict.notes) == ("proved-all", []), verdict


@pytest.mark.parametrize(("lhs", "rhs", "side", "column", "message"), [
    ("(Phi.T*Phi + lam*eye(D))*Phi.T", "Phi.T*(Phi*Phi.T + lam*eye(D))", "rhs", 18,
     "cannot add N×N and D×D: shapes differ"),  # the false twin of the push-through identity
    ("A + eye(D)", "A", "lhs", 3, "cannot add N×N and D×D"),
    ("A*eye(c)", "A", "lhs", 7, "`c` is declared as `real`, not a dimension; eye() takes dimensions"),
    ("A*eye(n)", "A", "lhs", 7, "`n` is not a dimension (did you mean `N`?)"),
    ("A*eye(0)", "A", "lhs", 7, "eye() takes dimensions, got `0`"),
    ("A*eye(2.5)", "A", "lhs", 7, "eye() takes dimensions, got `2.5`"),
    ("A*eye(N, D)", "A", "lhs", 3, "eye() takes 1 argument, got 2"),
    ("A + zeros(N)", "A", "lhs", 5, "zeros() takes 2 arguments, got 1"),
    ("trace(eye(N))", "N", "rhs", 1, "`N` is a dimension, not a value"),  # a dimension is no scalar
])
def test_a_bad_identity_or_zero_matrix_is_a_located_error(lhs: str, rhs: str, side: str, column: int,
                                                          message: str) -> None:
    error = only_error(math("a", lhs, rhs), head=RIDGE)
    assert message in error.message, error
    assert error.where == ("block 1 (math 'a'), start" if side == "lhs" else "block 1 (math 'a'), step 1")
    source = lhs if side == "lhs" else rhs
    line, start = position(spec_text(math("a", lhs, rhs), RIDGE), f"sympy: '{source}'", offset=len("sympy: '"))
    assert (error.location.line, error.location.column) == (line, start + column - 1)


@pytest.mark.parametrize("name", ["eye", "zeros"])
def test_eye_and_zeros_cannot_be_declared(name: str) -> None:
    error = only_error(math("a", "t", "t"), head=f"symbols:\n  t: real\n  {name}: real\n")
    assert error.message == f"`{name}` is a builtin function or constant and cannot be used as a symbol name"


def test_a_claim_names_the_definitions_it_reaches_in_document_order() -> None:
    """The details showed `diff(f, x) = pi/2*exp(-pi/2)` with nothing saying x = pi/2 (a box's `where`):
    out of context it read as a false identity (docs walkthrough)."""
    from mkdocs_derivations.errors import Location

    claim = Claim("equal", "diff(f, x)", "2*g", (), (("g", "x + 1"), ("f", "x**2 + g*t"), ("x", "pi/2"),
                                                   ("h", "7")), (), (), Location("p.yml"), "")
    assert claim.definitions_used() == [("g", "x + 1"), ("f", "x**2 + g*t"), ("x", "pi/2")]
    definition = Claim("define", "g", "x + 1", (), (("g", "x + 1"), ("x", "pi/2")), (), (), Location("p.yml"), "")
    assert definition.definitions_used() == [("x", "pi/2")]  # not the name it defines


def test_an_unevaluated_derivative_by_a_defined_vector_is_an_error_that_names_abs_too() -> None:
    """d|vᵀv|/dv with v := sqrt(q)·y (q real, so v may be non-real) said "of an undefined function", and
    there was none (second red team)."""
    head = "symbols:\n  q: real\n  y: vector(N)\n  v: vector(N)\nwhere:\n  v: 'sqrt(q)*y'\n"
    verdict = _verdict_of("jacobian(Abs(v.T*v), v)", "2*v.T", head=head)
    assert verdict.status == "error"
    assert verdict.detail.startswith("a derivative that SymPy leaves unevaluated (of an undefined function, or of "
                                     "Abs or sign of a non-real argument) by a variable that has a definition here")
    assert "\n" not in verdict.detail  # SymPy's own text, quoted inside, starts with a line break


@pytest.mark.parametrize(("symbols", "definition", "name", "why"), [
    ("{J: real}", "t**2", "J", "is declared in this block's own `symbols:`"),  # the defined name
    ("{D: real}", "D*t", "D", "the definition of `J` uses `D`, declared in this block's own `symbols:`"),
])
def test_a_definition_cannot_rest_on_its_block_symbols(symbols: str, definition: str, name: str, why: str) -> None:
    """A block's `symbols` hold in that block only, a `:=` in the later blocks too. `J: real` declared on the
    block and `J := ...` there was reported as "[where] `J` is defined but not declared under `symbols:`" at
    the next block (or at the page's `where`), although the contributor had declared it, and the next block,
    which never used `J`, was stopped by it."""
    head = "symbols:\n  t: real\n  J: real\n" if name != "J" else "symbols:\n  t: real\n"
    body = (f"  - math:\n      symbols: {symbols}\n      start: {{tex: a, sympy: 'J'}}\n"
            f"      steps: [{{tex: b, sympy: '{definition}', rel: ':='}}]\n" + math("other", "t", "t")
            + math("use", "J", "J"))
    layout, errors = layout_of(body, head=head)
    assert len(errors) == 2, errors
    assert why in errors[0].message and errors[0].where == "block 1 (math), step 1", errors[0]
    assert f"declare `{name}` in the page's `symbols:`" in errors[0].message, errors[0]
    assert (errors[0].location.line, errors[0].location.column) == position(spec_text(body, head), definition + "'")
    assert "this step uses `J`, whose definition" in errors[1].message  # the use is stopped ...
    assert [c.kind for c in layout.claims] == ["error", "equal", "error"]  # ... the block in between is not


def test_an_outer_definition_that_a_box_redeclaration_breaks_says_so() -> None:
    """A box re-declared `A` and `b` at size 2 to work an example; the page's `g0 := A*x0 + b` (which the box
    never used) was read with them and failed with "[block 2 (example 'E'), block 1 (math)] cannot multiply
    2×2 by n×1" at the page's line of `g0`: the message named neither the definition nor the re-declaration."""
    head = "symbols:\n  A: matrix(n, n)\n  b: vector(n)\n  x0: vector(n)\n  g0: vector(n)\n  y: vector(n)\n"
    body = (math("g0-def", "g0", "A*x0 + b", ", rel: ':='")
            + "  - example:\n      title: E\n      symbols: {A: 'matrix(2, 2)', b: vector(2), y: vector(2)}\n"
            "      where: {A: 'Matrix([[2, 1], [1, 3]])', b: 'Matrix([1, 1])'}\n      blocks:\n"
            + textwrap.indent(math("use", "y", "y"), "      "))
    err = only_error(body, head=head)
    assert err.message.startswith("the definition of `g0` (line 14), read with the declarations in force here, "
                                  "fails: cannot multiply 2×2 by n×1"), err
    assert "here `g0` is `vector(n)`, `A` is `matrix(2, 2)`, `b` is `vector(2)`, `x0` is `vector(n)`" in err.message
    assert "declare again here every name it uses" in err.message
    assert err.where == "block 2 (example 'E'), block 1 (math 'use')", err
    assert (err.location.line, err.location.column) == position(spec_text(body, head), "*x0")


GIVEN_HEAD = "symbols:\n  Ex: real\n  mu: real\n  v: real\n"


@pytest.mark.parametrize(("rel", "status", "notes"), [
    ("given: true", "refuted", ["`by: mean` cites `Ex = mu`, a `given`, which the check never uses (a given is not "
                                "substituted): if `Ex` stands for `mu`, make that row a definition (`rel: ':='`)"]),
    ("rel: ':='", "proved", []),  # the fix the note proposes
])
def test_a_refuted_step_that_cites_a_given_says_the_given_is_not_used(rel: str, status: str,
                                                                       notes: list[str]) -> None:
    """E[x] = mu stated as a `given` and cited with `by:` to simplify an expectation: the step was refuted at a
    point where Ex is not mu, with nothing saying that a citation of a given changes nothing in the check."""
    from mkdocs_derivations.verify import check_claim

    body = (math("mean", "Ex", "mu", f", {rel}")
            + math("use", "v*(Ex - mu) + mu", "mu", ", by: mean"))
    layout, errors = layout_of(body, head=GIVEN_HEAD)
    assert errors == [], errors
    [claim] = [c for c in layout.claims if c.kind == "equal"]
    verdict = Verdict.from_dict(check_claim(claim))
    assert (verdict.status, verdict.notes) == (status, notes), verdict


def test_a_cited_given_the_step_does_not_touch_adds_no_note() -> None:
    from mkdocs_derivations.verify import check_claim

    body = math("mean", "Ex", "mu", ", given: true") + math("use", "v + 1", "v", ", by: mean")
    layout, _ = layout_of(body, head=GIVEN_HEAD)
    [claim] = [c for c in layout.claims if c.kind == "equal"]
    verdict = Verdict.from_dict(check_claim(claim))
    assert (verdict.status, verdict.notes) == ("refuted", []), verdict


def test_a_cited_given_that_would_not_make_the_step_true_adds_no_note() -> None:
    """`Ex + v = Ex + 2 v` citing the given `Ex = mu` is wrong in its coefficient of v, with or without the given:
    the note told the contributor to make the given a definition, which would not have made it true
    (regression hunt 5). The note stays for a step the given would fix (the test above)."""
    from mkdocs_derivations.verify import check_claim

    body = math("mean", "Ex", "mu", ", given: true") + math("use", "Ex + v", "Ex + 2*v", ", by: mean")
    layout, errors = layout_of(body, head=GIVEN_HEAD)
    assert errors == [], errors
    [claim] = [c for c in layout.claims if c.kind == "equal"]
    verdict = Verdict.from_dict(check_claim(claim))
    assert (verdict.status, verdict.notes) == ("refuted", []), verdict


def test_a_box_that_sizes_every_matrix_of_a_definition_using_a_dimension_is_told_to_rename() -> None:
    """A trial's example re-declared X and theta at a literal size; the page's `ts := inv(X.T*X + eye(D))*...`
    then read `eye(D)` with nothing left that makes `D` a dimension, and the advice "declare again here every
    name it uses" could not be followed: a dimension has no declaration to repeat at a number."""
    head = "symbols:\n  X: matrix(N, D)\n  y: vector(N)\n  ts: vector(D)\n"
    body = (math("ts-def", "ts", "(X.T*X + eye(D))**-1*X.T*y", ", rel: ':='")
            + "  - example:\n      title: E\n      symbols: {X: 'matrix(3, 2)', y: vector(3), ts: vector(2)}\n"
            "      blocks:\n" + textwrap.indent(math("use", "y", "y"), "      "))
    err = only_error(body, head=head)
    assert "fails: `D` is not a dimension" in err.message, err
    assert err.message.endswith("a dimension cannot be declared again at a number: give the quantities declared "
                                "here names of their own, and define again here, at their size, what the steps "
                                "here need"), err

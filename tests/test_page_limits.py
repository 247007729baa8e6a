"""Page limits: what would make loading or rendering one page slow in the MkDocs process is refused early,
with a located error, and everything below the limits loads (the limits are far above real pages)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mkdocs_derivations import model
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.errors import SpecError
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.page_limits import (
    MAX_DECLARATIONS,
    MAX_DEFINITIONS,
    MAX_PROSE_BRACKETS,
    MAX_PROSE_MATH_OPENERS,
    MAX_PROSE_NESTING,
    MAX_STEPS,
)
from mkdocs_derivations.spec import MAX_LABEL, MAX_LINE_FIELD, load_spec_text

MATH = "  - math: {start: {tex: a, sympy: x}, steps: [{tex: b, sympy: x}]}\n"


def spec(symbols: int = 1, where: int = 0, prose: str = "", blocks: int = 1) -> str:
    head = "version: 1\ntitle: T\nsymbols:\n  x: real\n" + "".join(f"  a{i}: real\n" for i in range(symbols - 1))
    if where:
        head += "where:\n" + "".join(f"  a{i}: 'x'\n" for i in range(where))
    body = f"  - text: '{prose}'\n" if prose else ""
    return head + "blocks:\n" + body + MATH * blocks


def error_of(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "p.yml")
    return info.value


def test_a_page_at_every_limit_loads() -> None:
    """Exactly at each limit is allowed (only the item past it is refused), and nothing is dropped on the
    way: every declaration, definition and bracket is in the loaded page."""
    loaded = load_spec_text(spec(symbols=MAX_DECLARATIONS, where=MAX_DEFINITIONS, prose="[" * MAX_PROSE_BRACKETS),
                            "p.yml")
    assert len(loaded.scope.symbols) == MAX_DECLARATIONS
    assert len(loaded.scope.where) == MAX_DEFINITIONS
    text, math = loaded.blocks
    assert isinstance(text, model.TextBlock) and text.markdown == "[" * MAX_PROSE_BRACKETS
    assert isinstance(math, model.MathBlock) and [s.term.sympy.value for s in math.steps if s.term.sympy] == ["x"]


def test_too_many_brackets_in_prose() -> None:
    error = error_of(spec(prose="[" * (MAX_PROSE_BRACKETS + 1)))
    assert f"more than {MAX_PROSE_BRACKETS} `[`" in error.message and error.location.line == 6


def test_equation_references_count_as_the_links_they_become() -> None:
    """141 000 `{eq:a}` in a valid 1 MB spec took a minute to render, in every build and serve rebuild."""
    half = MAX_PROSE_BRACKETS // 2
    load_spec_text(spec(prose="[" * half + "{eq:a}" * half), "p.yml")
    error = error_of(spec(prose="[" * half + "{eq:a}" * (half + 1)))
    assert f"more than {MAX_PROSE_BRACKETS} `[` and `{{eq:...}}` references" in error.message


def test_too_many_math_openers_in_prose() -> None:
    """Unclosed `\\(` are quadratic in Python-Markdown too: 64 KB of them took 24 s (red team)."""
    loaded = load_spec_text(spec(prose="\\(" * MAX_PROSE_MATH_OPENERS), "p.yml")
    assert isinstance(loaded.blocks[0], model.TextBlock)
    error = error_of(spec(prose="\\(" * (MAX_PROSE_MATH_OPENERS + 1)))
    assert f"more than {MAX_PROSE_MATH_OPENERS} `\\(`" in error.message and error.location.line == 6


def test_too_many_steps() -> None:
    """Every claim carries its scope: 28 000 steps under 500 definitions took 41 s and 1.1 GB (red team)."""
    load_spec_text(spec(blocks=MAX_STEPS), "p.yml")
    error = error_of(spec(blocks=MAX_STEPS + 1))
    assert error.message == f"more than {MAX_STEPS} steps on one page; split the page"
    assert error.location.line == 6 + MAX_STEPS


@pytest.mark.parametrize(("key", "value"), [("title", "T" * (MAX_LINE_FIELD + 1)),
                                            ("source", "{citation: '" + "[" * (MAX_LINE_FIELD + 1) + "'}")])
def test_one_line_fields_have_a_length_limit(key: str, value: str) -> None:
    """Markdown renders the title and the citation outside the prose limits: 32 000 `[` in a citation took
    5 minutes to build (red team)."""
    text = spec().replace("title: T\n", "title: T\n" if key != "title" else f"title: {value}\n")
    if key == "source":
        text = text.replace("blocks:\n", f"source: {value}\nblocks:\n")
    error = error_of(text)
    assert f"is {MAX_LINE_FIELD + 1} characters long; at most {MAX_LINE_FIELD} are allowed" in error.message


def test_a_label_has_a_length_limit() -> None:
    """Each step names its block's label: a 300 000-character label on 20 000 steps took 6 GB (red team)."""
    ok = spec().replace("  - math: {", "  - math: {label: " + "a" * MAX_LABEL + ", ")
    load_spec_text(ok, "p.yml")
    error = error_of(spec().replace("  - math: {", "  - math: {label: " + "a" * (MAX_LABEL + 1) + ", "))
    assert error.message == f"a label has at most {MAX_LABEL} characters; this one has {MAX_LABEL + 1}"


def test_too_many_declarations() -> None:
    error = error_of(spec(symbols=MAX_DECLARATIONS + 1))
    assert f"more than {MAX_DECLARATIONS} declarations" in error.message
    assert error.location.line == 4 + MAX_DECLARATIONS  # the first one over


def test_too_many_definitions_counts_where_and_steps() -> None:
    error = error_of(spec(symbols=2, where=1) + "  - math: {start: {tex: c, sympy: a0}, steps: [{rel: ':=', tex: d, "
                     "sympy: x}]}\n" * MAX_DEFINITIONS)
    assert f"more than {MAX_DEFINITIONS} definitions" in error.message


def test_many_definitions_and_blocks_load_in_linear_time(tmp_path: Path) -> None:
    """Every block checked every definition in scope again: 1000 definitions over 1000 blocks took 8 s."""
    path = tmp_path / "p.yml"
    path.write_text(spec(symbols=MAX_DECLARATIONS, where=MAX_DEFINITIONS - 1, blocks=MAX_STEPS))
    started = time.perf_counter()
    checked = Checker(CheckOptions(verify=False, cache_dir=None)).load(path)
    assert checked.errors == [] and checked.layout is not None
    assert time.perf_counter() - started < 5  # 1.0 s; the old code took 8.8 s


@pytest.mark.parametrize("line", ["1. " * 60, "> " * 60, "- " * 30 + "1. " * 30, " " * 4 * 51 + "x",
                                  "    " * 20 + "* " * 31, ">" * 51 + " x", ">" * 2000, "> >" * 10 + ">>- " * 11])
def test_prose_nested_past_the_limit_is_refused(line: str) -> None:
    """800 list markers on one line made Python-Markdown raise RecursionError, aborting the whole build."""
    text = spec() + f"  - text: |\n      Fine.\n      {line}\n"
    error = error_of(text)
    assert f"at most {MAX_PROSE_NESTING}" in error.message and error.location.line == 9  # the line itself


def test_ordinary_lists_quotes_and_code_are_not_nesting_errors() -> None:
    prose = "1. one\n      - a\n          > quote\n      2. two\n      " + "    " * 10 + "code\n      - 3 - 2 = 1\n"
    loaded = load_spec_text(spec() + f"  - text: |\n      {prose}", "p.yml")
    text = loaded.blocks[-1]
    assert isinstance(text, model.TextBlock) and text.markdown == prose.replace("\n      ", "\n")  # kept whole


def test_unspaced_quote_markers_count_like_spaced_ones() -> None:
    """`>>>>` nests as deep as `> > > >`; only the spaced form was counted, so 2000 levels passed."""
    for prose in (">" * MAX_PROSE_NESTING + " x", "-> not a quote, >> nor this"):
        text = load_spec_text(spec() + f"  - text: '{prose}'\n", "p.yml").blocks[-1]
        assert isinstance(text, model.TextBlock) and text.markdown.strip() == prose
    assert "at most" in error_of(spec() + "  - text: '" + ">" * (MAX_PROSE_NESTING + 1) + " x'\n").message


def test_a_line_at_the_nesting_limit_renders() -> None:
    """The limit itself must be safe for Markdown (with the page's own nesting around the prose)."""
    import markdown

    html = markdown.markdown("!!! note\n    " + "1. " * MAX_PROSE_NESTING + "x", extensions=["admonition"])
    assert html.count("<ol>") == MAX_PROSE_NESTING and "<li>x</li>" in html

"""The spec loader: the seed spec in full, and every contributor mistake at its line, column and place."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from mkdocs_derivations import model
from mkdocs_derivations.errors import Location, SpecError
from mkdocs_derivations.expr import read_expression
from mkdocs_derivations.spec import load_spec, load_spec_text

SEED = Path(__file__).resolve().parents[1] / "derivations" / "mml-5-2-2-multivariate-chain-rule.yml"


@pytest.fixture(scope="module")
def seed() -> model.Spec:
    return load_spec(SEED)


def math_blocks(blocks: list[model.Block]) -> Iterator[model.MathBlock]:
    for block in blocks:
        if isinstance(block, model.MathBlock):
            yield block
        elif isinstance(block, model.Container):
            yield from math_blocks(block.blocks)


def by_label(spec: model.Spec, label: str) -> model.MathBlock:
    for block in math_blocks(spec.blocks):
        if block.label is not None and block.label.value == label:
            return block
    raise AssertionError(label)


def position_in_seed(fragment: str, whole_line: bool = False) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``fragment`` in the seed file."""
    for number, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        if (line.strip() == fragment) if whole_line else (fragment in line):
            return number, line.index(fragment) + 1
    raise AssertionError(fragment)


# --- the seed spec -----------------------------------------------------------------------------------------


def test_seed_top_level(seed: model.Spec) -> None:
    assert seed.version == 1
    assert seed.title == "The multivariate chain rule"
    assert seed.slug == "mml-5-2-2-multivariate-chain-rule"
    assert seed.path == SEED.as_posix()
    assert seed.numbering == model.Numbering(start=1, prefix="")
    assert seed.source is not None and seed.source.url == "https://mml-book.github.io/"
    assert seed.source.citation.startswith("M. P. Deisenroth") and "\n" not in seed.source.citation
    assert {name: text.value for name, text in seed.scope.symbols.items()} == {
        "x": "vector(n)", "f": "function(x)", "g": "function(x)"}
    assert seed.scope.sizes is None
    kinds = [type(block).__name__ for block in seed.blocks]
    assert len(kinds) == 16
    assert kinds.count("MathBlock") == 7 and kinds.count("TextBlock") == 6 and kinds.count("Container") == 3


def test_seed_labels(seed: model.Spec) -> None:
    labels = []
    for block in math_blocks(seed.blocks):
        labels += [block.label.value] if block.label else []
        labels += [step.label.value for step in block.steps if step.label]
    assert len(labels) == 19 and len(set(labels)) == 19
    assert labels[:4] == ["product-rule", "sum-rule", "chain-rule", "chain-one-parameter"]
    assert {"example-substituted", "example-result", "residual-def", "direct-loss"} <= set(labels)


def test_seed_steps(seed: model.Spec) -> None:
    result = by_label(seed, "gradient-result")
    assert [text.value for text in result.steps[1].by] == ["residual-def"]
    assert result.steps[1].same_row and result.steps[1].rel == "="
    assert result.steps[2].rel == "in" and result.steps[2].term.sympy is None
    assert [dim.value for dim in result.steps[2].shape or []] == ["1", "D"]
    loss = by_label(seed, "loss-def")
    assert loss.start.sympy is not None and loss.start.sympy.value == "L"
    assert loss.steps[0].rel == ":=" and loss.steps[0].term.tex == r"\|\mathbf{e}\|^2,"
    assert by_label(seed, "linear-model").steps[0].given is True
    chain = by_label(seed, "chain-rule")
    assert [step.same_row for step in chain.steps] == [True, True]
    assert set(chain.scope.symbols) == {"f", "u", "g"}
    example = by_label(seed, "example-chain")
    assert [step.label.value if step.label else None for step in example.steps] == [
        None, "example-substituted", "example-result", None]
    assert all(step.number and not step.given for step in example.steps)


def test_seed_containers(seed: model.Spec) -> None:
    containers = [block for block in seed.blocks if isinstance(block, model.Container)]
    assert [(c.kind, c.title, len(c.blocks)) for c in containers] == [
        ("example", "A scalar function of a moving point", 3),
        ("example", "Gradient of the squared loss for a linear model", 15),
        ("remark", "", 3),
    ]
    assert containers[2].scope.symbols["L2"].value == "real"
    assert {name: text.value for name, text in containers[0].scope.where.items()} == {
        "f": "x1**2 + 2*x2", "x1": "sin(t)", "x2": "cos(t)"}


def test_seed_locations_point_inside_the_quotes(seed: model.Spec) -> None:
    start = by_label(seed, "product-rule").start
    assert start.sympy is not None
    line, column = position_in_seed("sympy: 'jacobian(f*g, x)'")
    assert start.sympy.location == Location(SEED.as_posix(), line, column + len("sympy: '"))
    multiline = by_label(seed, "chain-as-matrix-product").steps[1].term.sympy
    assert multiline is not None and multiline.value.startswith("Matrix([[Derivative(f, x1)")
    line, column = position_in_seed("Matrix([[Derivative(f, x1), Derivative(f, x2)]])", whole_line=True)
    # A `>-` block scalar: the location of its first content line.
    assert (multiline.location.line, multiline.location.column) == (line, column)
    first_text = seed.blocks[0]
    assert isinstance(first_text, model.TextBlock)
    assert (first_text.location.line, first_text.location.column) == position_in_seed("Once the input")
    symbol = seed.scope.symbols["x"]
    assert (symbol.location.line, symbol.location.column) == position_in_seed("vector(n)")


def test_seed_multiline_expression_knows_where_its_second_line_is(seed: model.Spec) -> None:
    multiline = by_label(seed, "chain-as-matrix-product").steps[1].term.sympy
    assert multiline is not None and multiline.source is not None and multiline.source.positions is not None
    offset = multiline.value.index("* Matrix([[Derivative(x1, s)")
    line, column = position_in_seed("* Matrix([[Derivative(x1, s)")
    assert multiline.at(offset) == Location(SEED.as_posix(), line, column)
    # The folded line break before it is placed at the end of the line above.
    above = SEED.read_text(encoding="utf-8").splitlines()[line - 2]
    assert multiline.at(offset - 1) == Location(SEED.as_posix(), line - 1, len(above) + 1)


def test_scope_keeps_where_each_name_is_written(seed: model.Spec) -> None:
    assert seed.scope.symbols["f"].name_location == Location(SEED.as_posix(), *position_in_seed("f: function(x)"))
    spec = load_spec_text(MINIMAL.replace("blocks:", "symbols:\n  L: real\nwhere:\n  L: 'x**2'\nblocks:"), "s.yml")
    assert spec.scope.symbols["L"].name_location == Location("s.yml", 4, 3)
    assert spec.scope.where["L"].name_location == Location("s.yml", 6, 3)
    assert spec.scope.where["L"].location == Location("s.yml", 6, 7)


@pytest.mark.parametrize(("sympy", "needle", "fragment"), [
    ("|-\n          x +\n          y )", ")", "unmatched"),
    (">-\n          x +\n\n          y )", ")", "unmatched"),
    ("x +\n          y )", ")", "unmatched"),
    ("'''a'' + )'", ")", "unmatched"),
    ('"\\x41 + y.T.real"', "real", "attribute"),
    ('"x \\" )"', '\\"', "unterminated string"),
])
def test_expression_errors_inside_multiline_and_escaped_scalars(sympy: str, needle: str, fragment: str) -> None:
    text = MINIMAL.replace("sympy: 'x'", "sympy: " + sympy, 1)
    spec = load_spec_text(text, "s.yml")
    block = spec.blocks[0]
    assert isinstance(block, model.MathBlock) and block.start.sympy is not None
    with pytest.raises(SpecError, match=fragment) as info:
        read_expression(block.start.sympy)
    index = text.rindex(needle)
    expected = (text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index))
    assert (info.value.location.line, info.value.location.column) == expected


def test_bom_and_crlf_load_the_same_spec(seed: model.Spec) -> None:
    raw = SEED.read_bytes()
    variant = load_spec_text(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"), SEED.as_posix())
    assert variant == seed


def test_load_spec_text_accepts_str_and_takes_the_slug_from_the_stem() -> None:
    spec = load_spec_text(MINIMAL, "docs/derivations/my-page.yml")
    assert (spec.slug, spec.path, spec.title) == ("my-page", "docs/derivations/my-page.yml", "T")
    block = spec.blocks[0]
    assert isinstance(block, model.MathBlock)
    assert block.label is not None and block.label.location == Location("docs/derivations/my-page.yml", 5, 14)


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "nope.yml")
    assert "cannot read the spec file" in info.value.message


def test_large_file_on_disk_is_refused_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yml"
    big.write_bytes(b"a: " + b"x" * (2 * 1024 * 1024))

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(SpecError) as info:
        load_spec(big)
    assert "the file is 2,097,155 bytes; a spec may be at most 1,048,576 bytes (1 MiB)" in info.value.message


# --- contributor mistakes ------------------------------------------------------------------------------

MINIMAL = dedent("""\
    version: 1
    title: T
    blocks:
      - math:
          label: a
          start:
            tex: 'x'
            sympy: 'x'
          steps:
            - tex: 'y'
              sympy: 'y'
    """)


def fail(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_spec_text(dedent(text), "spec.yml")
    return info.value


def with_step(step: str, start_sympy: str = "'x'") -> str:
    """MINIMAL plus a second step whose keys (``step``, one per line) start at line 12, column 11."""
    lines = dedent(step).splitlines()
    body = "        - " + lines[0] + "\n" + "".join(f"          {line}\n" for line in lines[1:])
    return MINIMAL.replace("sympy: 'x'", f"sympy: {start_sympy}") + body


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


HEAD = ("version: 1", "title: T")
TEXT = "blocks: [{text: hi}]"
MATH = (*HEAD, "blocks:", "  - math:")

# Each case: spec text, (line, column), a fragment of the message, the expected `where`.
CASES: dict[str, tuple[str, tuple[int, int], str, str]] = {
    "version missing": (doc("title: T", TEXT), (1, 1), "missing the required key `version`", ""),
    "version 2": (doc("version: 2", "title: T", TEXT), (1, 10), "unsupported format `version: 2`", ""),
    "version text": (doc("version: one", "title: T", TEXT), (1, 10), "`version` must be a whole", ""),
    "title number": (doc("version: 1", "title: 2024", TEXT), (2, 8), "must be a string; found `2024`", ""),
    # mkdocs-material's <title> is `page.title | striptags`, which decodes &lt;: a title ran script (red team)
    # the citation is prose: its math follows the tex rules (a \\smash'ed rule could cover the page)
    "citation math": (doc(*HEAD, "source: {citation: 'A $\\smash{\\rule{80em}{45em}}$'}", TEXT), (3, 20),
                      "`\\smash` is not allowed in prose math", "source"),
    "title with markup": (doc("version: 1", "title: 'A </title><script>x()</script>'", TEXT), (2, 11),
                          "`title` must not contain `<`: the browser tab would read it as HTML", ""),
    "title over two lines": (doc("version: 1", "title: |", "  A title", "  # Injected heading", TEXT), (3, 10),
                             "`title` must be one line", ""),
    "title with an escaped newline": (doc("version: 1", 'title: "A\\n\\nparagraph"', TEXT), (2, 10),
                                      "`title` must be one line", ""),
    "citation with a paragraph": (doc(*HEAD, "source:", "  citation: >-", "    A. Author,", "", "    # Book",
                                      TEXT), (6, 1), "`citation` must be one line", "source"),
    "url over two lines": (doc(*HEAD, "source: {citation: C, url: 'https://a.org/\n\n  # x'}", TEXT), (4, 1),
                           "`url` must be one line", "source"),
    "example title over two lines": (doc(*HEAD, "blocks:", "  - example:", '      title: "Ex\\n# h"',
                                         "      blocks: [{text: hi}]"), (5, 17), "`title` must be one line",
                                     "block 1 (example)"),
    "remark title over two lines": (doc(*HEAD, "blocks:", "  - remark:", "      title: |", "        R",
                                        "        S", "      blocks: [{text: hi}]"), (6, 10),
                                    "`title` must be one line", "block 1 (remark)"),
    "unknown top key": (doc(*HEAD, "block: []"), (3, 1),
                        "unknown key `block` in the spec; did you mean `blocks`?", ""),
    "blocks missing": (doc(*HEAD), (1, 1), "missing the required key `blocks`", ""),
    "blocks empty": (doc(*HEAD, "blocks: []"), (3, 9), "`blocks` must not be empty", "blocks"),
    "blocks not list": (doc(*HEAD, "blocks: hi"), (3, 9), "`blocks` must be a list", "blocks"),
    "numbering start": (doc(*HEAD, "numbering: {start: -1}", TEXT), (3, 20),
                        "`start` must be at least 0", "numbering"),
    "numbering prefix": (doc(*HEAD, "numbering: {prefix: 5.}", TEXT), (3, 21),
                         "`prefix` must be a string; found `5.`, a number; quote it", "numbering"),
    "numbering prefix closing the tag": (doc(*HEAD, "numbering: {prefix: '}\\tag{x'}", TEXT), (3, 22),
                                         "`prefix` may hold only ASCII letters, digits, `.` and `-`", "numbering"),
    "numbering prefix with math": (doc(*HEAD, "numbering: {prefix: 'A$$'}", TEXT), (3, 23), "found `$`",
                                   "numbering"),
    "numbering prefix with a TeX link": (doc(*HEAD, "numbering:", r"  prefix: '5\href{javascript:x}{y}'", TEXT),
                                         (4, 13), "found `\\`", "numbering"),
    "numbering prefix with a newline": (doc(*HEAD, 'numbering: {prefix: "5.\\n"}', TEXT), (3, 24), "U+000A",
                                        "numbering"),
    "numbering prefix with a space": (doc(*HEAD, "numbering: {prefix: '5 '}", TEXT), (3, 23), "U+0020",
                                      "numbering"),
    "numbering prefix too long": (doc(*HEAD, f"numbering: {{prefix: '{'A' * 17}'}}", TEXT), (3, 21),
                                  "`prefix` has 17 characters; at most 16", "numbering"),
    "source no citation": (doc(*HEAD, "source: {url: 'u'}", TEXT), (3, 9),
                           "missing the required key `citation`", "source"),
    "block two keys": (doc(*HEAD, "blocks:", "  - text: hi", "    label: x"), (5, 5),
                       "a block has exactly one key, but this one has `text` and `label`", "block 1"),
    "block kind typo": (doc(*HEAD, "blocks:", "  - text: hi", "  - maths: {}"), (5, 5),
                        "unknown key `maths` in block; did you mean `math`?", "block 2"),
    "block not map": (doc(*HEAD, "blocks:", "  - hi"), (4, 5), "a block is a one-key mapping", "block 1"),
    "text empty": (doc(*HEAD, "blocks:", "  - text:"), (4, 10),
                   "`text` block must be a string; found nothing", "block 1 (text)"),
    "math no steps": (doc(*MATH, "      label: m", "      start: {tex: x}"), (5, 7),
                      "math block is missing the required key `steps`", "block 1 (math 'm')"),
    "steps empty": (doc(*MATH, "      start: {tex: x}", "      steps: []"), (6, 14),
                    "`steps` must not be empty", "block 1 (math)"),
    "term unknown key": (doc(*MATH, "      start: {tex: x, sympi: x}", "      steps: [{tex: y}]"), (5, 23),
                         "unknown key `sympi` in term; did you mean `sympy`?", "block 1 (math), start"),
    "tex missing": (doc(*MATH, "      start: {sympy: x}", "      steps: [{tex: y}]"), (5, 14),
                    "term is missing the required key `tex`", "block 1 (math), start"),
    "tex blank line": (doc(*MATH, "      start:", "        tex: |", "          a", "", "          b",
                           "      steps: [{tex: y}]"), (6, 14),
                       "must not contain a blank line", "block 1 (math), start"),
    "label invalid": (doc(*MATH, "      label: Chain_Rule", "      start: {tex: x}",
                          "      steps: [{tex: y}]"), (5, 14),
                      "label `Chain_Rule` is not valid", "block 1 (math)"),
    "label ending in a newline": (doc(*MATH, '      label: "a\\n"', "      start: {tex: x}",
                                      "      steps: [{tex: y}]"), (5, 14),
                                  "is not valid", "block 1 (math)"),
    "by ending in a newline": (doc(*MATH, "      label: a", "      start: {tex: x}",
                                   '      steps: [{tex: y, by: "a\\n"}]'), (7, 28),
                               "which is not a valid label", "block 1 (math 'a'), step 1"),
    "symbol name ending in a newline": (doc(*HEAD, "symbols:", '  "x\\n": real', TEXT), (4, 3),
                                        "is not a valid name", "symbols"),
    "example no title": (doc(*HEAD, "blocks:", "  - example:", "      blocks: [{text: hi}]"), (5, 7),
                         "example is missing the required key `title`", "block 1 (example)"),
    "remark unknown key": (doc(*HEAD, "blocks:", "  - remark:", "      blocks: [{text: hi}]",
                               "      tilte: x"), (6, 7),
                           "unknown key `tilte` in remark; did you mean `title`?", "block 1 (remark)"),
    "nested where": (doc(*HEAD, "blocks:", "  - example:", "      title: Ex", "      blocks:",
                         "        - text: hi",
                         "        - math:", "            label: q", "            start: {tex: x}",
                         "            steps: [{tex: y, sympy: 2}]"), (11, 37), "quote it",
                     "block 1 (example 'Ex'), block 2 (math 'q'), step 1"),
    "symbols value": (doc(*HEAD, "symbols:", "  x: vector(n)", "  y: 3", TEXT), (5, 6),
                      "expression fields must be strings; quote it", "symbols"),
    "symbols name": (doc(*HEAD, "symbols:", "  2x: real", TEXT), (4, 3),
                     "symbol name `2x` is not a valid name", "symbols"),
    "where null": (doc(*HEAD, "where:", "  f: null", TEXT), (4, 6),
                   "expression fields must be strings; quote it", "where"),
    "where empty": (doc(*HEAD, "where:", "  f:", TEXT), (4, 5), "`where.f` is empty", "where"),
    "sizes zero": (doc(*HEAD, "sizes:", "  - {N: 2}", "  - {N: 0}", TEXT), (5, 9),
                   "size of `N` must be at least 1", "sizes, entry 2"),
    "sizes not list": (doc(*HEAD, "sizes: {N: 2}", TEXT), (3, 8), "`sizes` must be a list", "sizes"),
    "sizes empty entry": (doc(*HEAD, "sizes: [{}]", TEXT), (3, 9),
                          "must give at least one dimension", "sizes, entry 1"),
}


@pytest.mark.parametrize("prefix", ["", "5.", "A.", "2.3-", "IIb."])
def test_textbook_number_prefixes_are_accepted(prefix: str) -> None:
    spec = load_spec_text(doc(*HEAD, f"numbering: {{prefix: '{prefix}'}}", TEXT), "spec.yml")
    assert spec.numbering.prefix == prefix


@pytest.mark.parametrize("name", list(CASES))
def test_spec_errors(name: str) -> None:
    text, position, fragment, where = CASES[name]
    exc = fail(text)
    assert (exc.location.path, exc.location.line, exc.location.column) == ("spec.yml", *position), str(exc)
    assert fragment in exc.message, exc.message
    assert exc.where == where


STEP_CASES: dict[str, tuple[str, tuple[int, int], str]] = {
    # The second step's keys start at line 12, column 11 (`- ` at column 9).
    "unknown camelCase": ("tex: 'y'\nsameRow: true\n", (13, 11),
                          "unknown key `sameRow` in step; did you mean `same_row`?"),
    "same_row yes": ("tex: 'y'\nsame_row: yes\n", (13, 21), "`same_row` must be true or false; found `yes`"),
    "number string": ("tex: 'y'\nnumber: 'no'\n", (13, 19), "`number` must be true or false"),
    "given text": ("tex: 'y'\ngiven: 1\n", (13, 18), "`given` must be true or false"),
    "rel unknown": ("tex: 'y'\nrel: '<='\n", (13, 16), "`rel` must be one of `=`, `:=`, `in`"),
    "in without shape": ("rel: in\ntex: 'y'\n", (12, 11), "needs `shape`"),
    "in with sympy": ("rel: in\ntex: 'y'\nsympy: 'y'\nshape: [N]\n", (14, 11), "takes `shape`, not `sympy`"),
    "shape without in": ("tex: 'y'\nshape: [N]\n", (13, 11), "`shape` belongs only to steps with `rel: in`"),
    "shape zero": ("rel: in\ntex: 'y'\nshape: [N, 0]\n", (14, 22), "positive whole number; found `0`"),
    "shape quoted number": ("rel: in\ntex: 'y'\nshape: ['2']\n", (14, 19), "dimension name or a positive"),
    "shape not list": ("rel: in\ntex: 'y'\nshape: N\n", (14, 18), "`shape` must be a list"),
    "given with :=": ("rel: ':='\ntex: 'y'\ngiven: true\n", (14, 18), "needs `rel: '='`, not `:=`"),
    "by invalid": ("tex: 'y'\nby: [ok, Not-OK]\n", (13, 20), "`by` names `Not-OK`, which is not a valid"),
    "by number": ("tex: 'y'\nby: 13\n", (13, 15), "`by: 13` looks like an equation number"),
    "by empty": ("tex: 'y'\nby: []\n", (13, 15), "`by` must name at least one label"),
    "duplicate label": ("tex: 'y'\nlabel: a\n", (13, 18), "duplicate label `a` (first used on line 5)"),
    "sympy no": ("tex: 'y'\nsympy: no\n", (13, 18), "expression fields must be strings; quote it"),
    "sympy yes": ("tex: 'y'\nsympy: yes\n", (13, 18), "quote it"),
    "sympy on": ("tex: 'y'\nsympy: on\n", (13, 18), "quote it"),
    "sympy time": ("tex: 'y'\nsympy: 1:30\n", (13, 18), "quote it"),
    "sympy octal": ("tex: 'y'\nsympy: 012\n", (13, 18), "quote it"),
    "sympy exponent": ("tex: 'y'\nsympy: 1e3\n", (13, 18), "quote it"),
    "sympy tilde": ("tex: 'y'\nsympy: ~\n", (13, 18), "`sympy` is empty"),
    "sympy null": ("tex: 'y'\nsympy: null\n", (13, 18), "quote it"),
    "sympy true": ("tex: 'y'\nsympy: true\n", (13, 18), "quote it"),
    "sympy two": ("tex: 'y'\nsympy: 2\n", (13, 18), "quote it"),
    "sympy list": ("tex: 'y'\nsympy: [x]\n", (13, 18), "`sympy` must be a string; found a list"),
    "tex number": ("tex: 2\n", (12, 16), "`tex` must be a string; found `2`, an integer; quote it"),
    "tex empty": ("tex: ''\n", (12, 16), "`tex` must not be empty"),
}


@pytest.mark.parametrize("name", list(STEP_CASES))
def test_step_errors(name: str) -> None:
    step, position, fragment = STEP_CASES[name]
    exc = fail(with_step(step))
    assert (exc.location.line, exc.location.column) == position, str(exc)
    assert fragment in exc.message, exc.message
    assert exc.where == "block 1 (math 'a'), step 2"


@pytest.mark.parametrize(("by", "column"), [("2", 15), ("[a, 2]", 19), ("5.2", 15), ("(2)", 15), ("'(2)'", 15)])
def test_by_with_an_equation_number_says_to_cite_a_label(by: str, column: int) -> None:
    exc = fail(with_step(f"tex: 'y'\nby: {by}\n"))
    shown = by.strip("'[]").removeprefix("a, ")
    assert exc.message == (f"`by: {shown}` looks like an equation number, but `by` names an earlier row by its "
                           "`label:`, not by its number; give that row a `label:` and cite that label")
    assert (exc.location.line, exc.location.column) == (13, column)
    assert exc.where == "block 1 (math 'a'), step 2"



def test_by_with_the_number_of_a_numeric_label_says_to_quote_it() -> None:
    exc = fail(with_step("tex: 'y'\nby: 7\n").replace("label: a", "label: '7'"))
    assert exc.message == "`by` (a label or a list of labels) must be a string; found `7`, an integer; quote it"
    assert (exc.location.line, exc.location.column) == (13, 15)


DEFINITION = """\
version: 1
title: T
blocks:
  - math:
      label: d
      start:
        tex: 'L'
{start_sympy}
      steps:
        - rel: ':='
          tex: 'y'
"""


@pytest.mark.parametrize(
    ("start_sympy", "fragment"),
    [
        ("        sympy: 'jacobian(L, x)'", "must be a plain symbol name; found `jacobian(L, x)` (line 8)"),
        ("", "that term needs a `sympy` that is a plain symbol name"),
    ],
)
def test_definition_needs_a_bare_symbol_before_it(start_sympy: str, fragment: str) -> None:
    text = DEFINITION.format(start_sympy=start_sympy).replace("\n\n", "\n")
    exc = fail(text)
    line = 10 if start_sympy else 9
    assert (exc.location.line, exc.location.column) == (line, 16), str(exc)
    assert fragment in exc.message
    assert exc.where == "block 1 (math 'd'), step 1"


def test_definition_after_a_plain_symbol_loads() -> None:
    spec = load_spec_text(DEFINITION.format(start_sympy="        sympy: 'L'"), "s.yml")
    block = spec.blocks[0]
    assert isinstance(block, model.MathBlock) and block.steps[0].rel == ":="
    # The previous term of a second `:=` is the first step's term, whose sympy is `y`: a plain symbol too.
    assert load_spec_text(with_step("rel: ':='\ntex: 'z'\nsympy: 'z'\n"), "s.yml")


def test_definition_after_a_shape_step_is_refused() -> None:
    first_step = "        - tex: 'y'\n          sympy: 'y'\n"
    shape_step = "        - rel: in\n          tex: 'y'\n          shape: [N]\n"
    text = with_step("rel: ':='\ntex: 'z'\n").replace(first_step, shape_step)
    exc = fail(text)
    assert (exc.location.line, exc.location.column) == (13, 16)
    assert "that term needs a `sympy`" in exc.message
    assert exc.where == "block 1 (math 'a'), step 2"


def test_valid_variants_load() -> None:
    text = with_step("rel: =\ntex: 'z'\nby: a\nlabel: b-2\nnumber: false\ngiven: TRUE\n")
    spec = load_spec_text(text, "s.yml")
    block = spec.blocks[0]
    assert isinstance(block, model.MathBlock)
    step = block.steps[1]
    assert (step.rel, step.given, step.number, [t.value for t in step.by]) == ("=", True, False, ["a"])
    assert step.label is not None and step.label.value == "b-2"
    shaped = load_spec_text(with_step("rel: in\ntex: 'z'\nshape: [1, n_2, 3]\n"), "s.yml").blocks[0]
    assert isinstance(shaped, model.MathBlock)
    assert [d.value for d in shaped.steps[1].shape or []] == ["1", "n_2", "3"]
    sizes = load_spec_text(MINIMAL.replace("blocks:", "sizes: [{N: 2, D: 3}, {N: 3}]\nblocks:"), "s.yml")
    assert sizes.scope.sizes == [{"N": 2, "D": 3}, {"N": 3}]


# --- footnotes -------------------------------------------------------------------------------------------

FOOTNOTES = """\
version: 1
title: T
blocks:
  - text: |
      A[^n] and B[^m].

      [^n]: The first note.
      ```
      [^m]: a line of code, not a definition
      ```
  - example:
      title: E
      blocks:
        - text: |
            C[^m]

            [^m]: Defined once.
"""


def test_footnote_names_may_be_used_once_each_and_in_code() -> None:
    loaded = load_spec_text(FOOTNOTES, "spec.yml")
    text, example = loaded.blocks
    assert isinstance(text, model.TextBlock) and "[^m]: a line of code" in text.markdown
    assert isinstance(example, model.Container) and example.kind == "example"


def test_a_footnote_name_defined_twice_on_a_page_is_refused_at_the_second() -> None:
    text = FOOTNOTES + "  - text: '[^n]: Defined again.'\n"
    exc = fail(text)
    assert (exc.location.line, exc.location.column) == (18, 12)
    assert "the footnote `[^n]` is already defined (line 7)" in exc.message
    assert exc.where == "block 3 (text)"
    nested = FOOTNOTES.replace("Defined once.", "Defined once.\n\n               [^n]: Again.")
    exc = fail(nested)
    assert (exc.location.line, exc.location.column) == (19, 16)
    assert exc.where == "block 2 (example 'E'), block 1 (text)"

"""Property-based fuzzing of the loader and the layout builder (fixed budget, derandomized: same run every time).

The properties: `load_spec_text` returns a Spec or raises SpecError, nothing else; every SpecError names the
file it was given and a line inside it; `build_layout` on whatever loads returns its errors instead of raising.
"""

from __future__ import annotations

from hardening_support import SEED_TEXT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_derivations.claims import build_layout
from mkdocs_derivations.errors import Location, SpecError
from mkdocs_derivations.expr import read_expression
from mkdocs_derivations.model import Text
from mkdocs_derivations.spec import load_spec_text

PATH = "fuzz/case.yml"
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

YAML_TOKENS = [
    "version: 1\n", "title: T\n", "blocks:\n", "  - text: a\n", "  - math:\n", "      start:\n",
    "        tex: x\n", "        sympy: 'x'\n", "      steps:\n", "        - tex: y\n", "symbols:\n", "  x: real\n",
    "where:\n", "  x: '1'\n", "sizes: [{N: 2}]\n", "numbering: {start: 0}\n", "- ", ": ", "? ", "&a ", "*a ",
    "!!python/object/apply:os.system ['true'] ", "!tag ", "%YAML 1.1\n", "---\n", "...\n", "|\n", ">-\n",
    "'", '"', "[", "]", "{", "}", ",", "#", "\t", "\n", "  ", "\r\n", "\ufeff", "\u2212", "\x00", "\x85",
    "~", "no", "yes", "1:30", "012", "1e3", ".inf", "2001-01-01", "<<", "=", ":=", "in", "label: a\n",
    "by: a\n", "{eq:a}", "x", "\\", "\u2028",
]

yamlish = st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=5), max_size=40).map("".join)


def _check_error(err: SpecError, text: str | bytes) -> None:
    assert isinstance(err.location, Location)
    assert err.location.path == PATH
    lines = (text.count(b"\n") if isinstance(text, bytes) else text.count("\n")) + 2
    lines += (text.count(b"\r") if isinstance(text, bytes) else text.count("\r"))
    assert 0 <= err.location.line <= lines
    assert err.location.column >= 0
    str(err)  # printable


def _load_and_layout(text: str | bytes) -> None:
    try:
        spec = load_spec_text(text, PATH)
    except SpecError as err:
        _check_error(err, text)
        return
    layout, errors = build_layout(spec)
    for problem in errors:
        assert isinstance(problem, SpecError)
        _check_error(problem, text)
    assert all(0 <= i < len(layout.claims) for row in layout.rows for i in row.claims)  # rows point at claims


@FUZZ
@given(yamlish)
def test_random_yamlish_text(text: str) -> None:
    _load_and_layout(text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _load_and_layout(data)


SEED_LINES = SEED_TEXT.splitlines(keepends=True)
MUTATION_CHARS = list(":-'\"[]{}&*!#|>\t\n ~=,?%@`\\") + ["\u2212", "\u200b", "\x00", "0", "1", "x", "é"]


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "char", "insert", "truncate", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "char":
            line = lines[i]
            k = draw(st.integers(0, max(len(line) - 1, 0)))
            lines[i] = line[:k] + draw(st.sampled_from(MUTATION_CHARS)) + line[k + 1:]
        elif op == "insert":
            line = lines[i]
            k = draw(st.integers(0, len(line)))
            lines[i] = line[:k] + draw(st.sampled_from(YAML_TOKENS)) + line[k:]
        elif op == "truncate":
            lines = lines[: max(i, 1)]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    "])) + lines[i].lstrip(" ")
    return "".join(lines)


@FUZZ
@given(mutated_seed())
def test_mutated_seed_loads_or_fails_cleanly(text: str) -> None:
    _load_and_layout(text)


@FUZZ
@given(st.lists(st.sampled_from(list("xyab()[]*/+-.,_ 0123456789TfMnsic") + ["**", "sin(", "Matrix(", "jacobian(",
                                                                         ".T", "1e5", "lambda", "__"]),
                max_size=40).map("".join))
def test_expression_parser_raises_only_spec_errors(source: str) -> None:
    try:
        read_expression(Text(source, Location(PATH, 3, 11)), functions=["f"])
    except SpecError as err:
        assert err.location.path == PATH and err.location.line == 3
        assert 11 <= err.location.column <= 11 + len(source)

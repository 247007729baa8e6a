"""The hardened YAML reader: every refusal at its exact line and column, and the positions it keeps."""

from __future__ import annotations

import dataclasses
import os
import time
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mkdocs_derivations.errors import Location, SpecError
from mkdocs_derivations.model import Text
from mkdocs_derivations.yaml_safe import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    MAX_BYTES,
    MAX_DEPTH,
    NULL_TAG,
    STR_TAG,
    YMap,
    YScalar,
    YSeq,
    _Builder,
    load_yaml,
)
from site_support import SEED


def error(data: bytes | str) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_yaml(data, "spec.yml")
    return info.value


def at(exc: SpecError) -> tuple[int, int]:
    assert exc.location.path == "spec.yml"
    return exc.location.line, exc.location.column


def scalar(node: object) -> YScalar:
    assert isinstance(node, YScalar)
    return node


# --- what it accepts and what it keeps ---------------------------------------------------------------------


def test_seed_spec_loads_into_nodes_with_positions() -> None:
    root = load_yaml(SEED.read_bytes(), "seed.yml")
    assert list(root.values) == ["version", "title", "source", "numbering", "symbols", "blocks"]
    assert root.keys["version"] == Location("seed.yml", 2, 1)
    blocks = root.values["blocks"]
    assert isinstance(blocks, YSeq)
    assert len(blocks.items) == 16


def test_scalar_styles_tags_and_value_locations() -> None:
    root = load_yaml(
        "plain: a b\n"
        "single: 'x y'\n"
        'double: "z"\n'
        "literal: |\n"
        "\n"
        "    first line\n"
        "    second\n"
        "folded: >-\n"
        "  one\n"
        "  two\n",
        "spec.yml",
    )
    plain = scalar(root.values["plain"])
    assert (plain.value, plain.style, plain.tag, plain.plain) == ("a b", "plain", STR_TAG, True)
    assert plain.location == plain.value_location == Location("spec.yml", 1, 8)
    single = scalar(root.values["single"])
    assert (single.style, single.location.column, single.value_location.column) == ("single", 9, 10)
    double = scalar(root.values["double"])
    assert (double.style, double.value_location) == ("double", Location("spec.yml", 3, 10))
    literal = scalar(root.values["literal"])
    assert literal.value == "\nfirst line\nsecond\n"
    assert literal.location == Location("spec.yml", 4, 10)  # the `|` indicator
    assert literal.value_location == Location("spec.yml", 6, 5)  # the first content line, blank lines skipped
    folded = scalar(root.values["folded"])
    assert (folded.value, folded.style) == ("one two", "folded")
    assert folded.value_location == Location("spec.yml", 9, 3)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("no", BOOL_TAG), ("yes", BOOL_TAG), ("on", BOOL_TAG), ("true", BOOL_TAG),
        ("~", NULL_TAG), ("null", NULL_TAG), ("", NULL_TAG),
        ("2", INT_TAG), ("012", INT_TAG), ("1:30", INT_TAG), ("0o17", INT_TAG), ("0x1F", INT_TAG),
        ("1e3", FLOAT_TAG), ("1.5", FLOAT_TAG), (".inf", FLOAT_TAG),
        ("y", STR_TAG), ("e", STR_TAG), ("jacobian(f, x)", STR_TAG), ("1e", STR_TAG), ("'no'", STR_TAG),
        # longer than the values whose tags are remembered across files: resolved each time, alike
        ("1" * 100, INT_TAG), ("1." + "5" * 100, FLOAT_TAG), ("x" * 100, STR_TAG), ("no" * 50, STR_TAG),
    ],
)
def test_plain_scalars_carry_the_tag_a_yaml_reader_would_give(text: str, tag: str) -> None:
    node = scalar(load_yaml(f"k: {text}\n", "spec.yml").values["k"])
    assert node.tag == tag
    assert node.is_str == (tag == STR_TAG)


def test_bom_and_crlf_give_the_same_tree_as_plain_lf() -> None:
    lf = "a: 1\nb: |\n  hello\n  world\nc:\n  - 'x'\n"
    expected = load_yaml(lf, "spec.yml")
    assert load_yaml(lf.replace("\n", "\r\n"), "spec.yml") == expected
    assert load_yaml(b"\xef\xbb\xbf" + lf.replace("\n", "\r\n").encode(), "spec.yml") == expected
    assert load_yaml("\ufeff" + lf, "spec.yml") == expected
    assert scalar(expected.values["b"]).value == "hello\nworld\n"


def test_tabs_inside_block_scalar_content_are_allowed() -> None:
    root = load_yaml("a: |\n  x\n  \ty\nb: 1\n", "spec.yml")
    assert scalar(root.values["a"]).value == "x\n\ty\n"


def test_nesting_up_to_the_limit_is_allowed() -> None:
    root = load_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n", "spec.yml")
    assert isinstance(root.values["a"], YSeq)


# --- refusals -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "shown"),
    [
        ("a: 1\nb: !foo x\n", (2, 4), "!foo"),
        ("a: !!str x\n", (1, 4), "!!str"),
        ("a: ! x\n", (1, 4), "`!`"),
        ("a: !!binary aGVsbG8=\n", (1, 4), "!!binary"),
        ("a: !!map {b: 1}\n", (1, 4), "!!map"),
        ("a:\n  - !!python/name:os.system x\n", (2, 5), "!!python/name:os.system"),
    ],
)
def test_explicit_tags_are_refused(text: str, position: tuple[int, int], shown: str) -> None:
    exc = error(text)
    assert at(exc) == position
    assert "tags" in exc.message and shown in exc.message


def test_python_object_apply_tag_is_refused_without_running_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    def spy(*args: object) -> int:
        calls.append(args)
        return 0

    monkeypatch.setattr(os, "system", spy)
    exc = error("title: x\nrun: !!python/object/apply:os.system ['echo pwned']\n")
    assert at(exc) == (2, 6)
    assert "!!python/object/apply:os.system" in exc.message
    assert calls == []


def test_anchor_is_refused_at_the_anchor() -> None:
    exc = error("a: 1\nb: &x hello\nc: *x\n")
    assert at(exc) == (2, 4)
    assert "anchors (`&x`)" in exc.message


def test_alias_is_refused() -> None:
    # An alias without its anchor is a syntax error in PyYAML; either way it never loads.
    exc = error("a:\n  - *x\n")
    assert at(exc) == (2, 5)


def test_alias_bomb_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 30):
        prev, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    exc = error("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2.0  # the expansion would never end
    assert at(exc) == (1, 4)


def test_duplicate_key_is_refused_at_the_second_naming_the_first() -> None:
    exc = error("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n")
    assert at(exc) == (5, 3)
    assert exc.message == "duplicate key `c` (first given on line 3)"


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("a: 1\n2: x\n", (2, 1), "`2` is read as an integer"),
        ("yes: x\n", (1, 1), "a boolean"),
        ("~: x\n", (1, 1), "null"),
        ("1e3: x\n", (1, 1), "a number"),
        ("a: 1\n? [b]\n: 1\n", (2, 3), "not lists or mappings"),
        ("a: 1\n{b: 1}: 2\n", (2, 1), "not lists or mappings"),
    ],
)
def test_non_string_keys_are_refused(text: str, position: tuple[int, int], fragment: str) -> None:
    exc = error(text)
    assert at(exc) == position
    assert "keys must be strings" in exc.message and fragment in exc.message


def test_quoted_numeric_key_is_a_string() -> None:
    assert list(load_yaml("'2': x\n", "spec.yml").values) == ["2"]


@pytest.mark.parametrize("text", ["a: 1\n---\nb: 2\n", "---\na: 1\n---\nb: 2\n", "a: 1\n...\n---\nb: 2\n"])
def test_multiple_documents_are_refused_at_the_second(text: str) -> None:
    exc = error(text)
    assert exc.location.line == text.split("\n").index("b: 2")  # the `---` before `b: 2`
    assert "exactly one YAML document" in exc.message


@pytest.mark.parametrize("data", ["", b"", "# only a comment\n", "\n\n", "---\n", "\ufeff"])
def test_empty_file_is_refused(data: bytes | str) -> None:
    exc = error(data)
    assert "the file is empty" in exc.message
    assert exc.location.line >= 1


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "a list"), ("hello\n", "a single value"), ("'x'\n", "a single value")]
)
def test_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    exc = error(text)
    assert at(exc) == (1, 1)
    assert f"must be a mapping (`key: value` lines), not {kind}" in exc.message


def test_deep_flow_nesting_is_refused_at_the_level_that_exceeds() -> None:
    exc = error("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert at(exc) == (1, 3 + MAX_DEPTH)  # the mapping is level 1; `[` number MAX_DEPTH opens level 51
    assert f"more than {MAX_DEPTH} levels" in exc.message


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(60)) + "  " * 60 + "leaf\n"
    exc = error(text)
    assert at(exc) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)  # line n+1 opens mapping level n+1


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a:\n\tb: 1\n", (2, 1)),
        ("a:\n  b: 1\n \t c: 2\n", (3, 2)),
        ("a: [1,\n\t2]\n", (2, 1)),
        ("a:\n  - x\n\t- y\n", (3, 1)),
    ],
)
def test_tab_indentation_is_refused_with_its_line(text: str, position: tuple[int, int]) -> None:
    exc = error(text)
    assert at(exc) == position
    assert exc.message == f"tab character in indentation on line {position[0]}; YAML indents with spaces only"


def test_file_over_the_size_limit_is_refused_before_parsing() -> None:
    data = b"a: [" + b"[" * (2 * 1024 * 1024) + b"\n"  # 2 MB that would be slow (and invalid) to parse
    started = time.perf_counter()
    exc = error(data)
    assert time.perf_counter() - started < 1.0  # parsing it would take far longer
    expected = f"the file is {len(data):,} bytes; a spec may be at most 1,048,576 bytes (1 MiB)"
    assert expected in exc.message
    assert expected in error(data.decode()).message
    assert load_yaml(b"a: '" + b"x" * (MAX_BYTES - 10) + b"'\n", "spec.yml")  # just under the limit is fine


def test_invalid_utf8_names_the_byte_offset_and_position() -> None:
    exc = error(b"a: 1\nb: x\xc3\xa9\xff\n")
    assert at(exc) == (2, 6)  # after `b: x` and the two-byte `é`, which is one column
    assert "not valid UTF-8" in exc.message and "byte 0xff at byte offset 11" in exc.message


def test_control_character_is_refused_with_its_position() -> None:
    exc = error("a: 1\nb: x\x01\n")
    assert at(exc) == (2, 5)
    assert "U+0001" in exc.message


@pytest.mark.parametrize(
    ("text", "position", "shown"),
    [
        ("version: 1\ntitle: Looks like one line\x85where: {}\n", (2, 27), "U+0085 NEXT LINE (NEL)"),
        ("title: ls\u2028x\nsymbols:\n  t: real\n", (1, 10), "U+2028 LINE SEPARATOR"),
        ("a: 1\n# note\u2029\nb: 2\n", (2, 7), "U+2029 PARAGRAPH SEPARATOR"),  # in a comment too
        ("a: |\n  x\n  y\u2028z\n", (3, 4), "U+2028 LINE SEPARATOR"),  # counted in \n lines, as editors do
    ],
)
def test_line_breaks_only_yaml_sees_are_refused_where_an_editor_shows_them(
        text: str, position: tuple[int, int], shown: str) -> None:
    exc = error(text)
    assert at(exc) == position
    assert shown in exc.message and "remove it" in exc.message


@pytest.mark.parametrize(
    ("text", "position", "code"),
    [
        ('version: 1\ntitle: nul\nblocks:\n  - text: "hi \\0 there"\n', (4, 15), "U+0000"),
        ('a: "x\\ey"\n', (1, 6), "U+001B"),
        ('a: "ok"\nb: "two\\\n    li\\x7fne"\n', (3, 7), "U+007F"),  # on the second line of the value
        ('a: "\\N"\n', (1, 5), "U+0085"),  # C1
        ('a: "\\u009b"\n', (1, 5), "U+009B"),
        ('a: "x\\ry"\n', (1, 6), "U+000D"),
        ('a: "\\L"\n', (1, 5), "U+2028"),
        ('"k\\x01": 1\n', (1, 3), "U+0001"),  # a key
        ("a: [1, \"\\v\"]\n", (1, 9), "U+000B"),
    ],
)
def test_control_characters_written_as_escapes_are_refused_at_the_escape(
        text: str, position: tuple[int, int], code: str) -> None:
    exc = error(text)
    assert at(exc) == position
    assert code in exc.message and "inside double quotes a backslash starts an escape" in exc.message


def test_line_feed_and_tab_stay_allowed_in_values() -> None:
    root = load_yaml('a: "x\\ty\\nz"\nb: "p\tq"\nc: |\n  one\n  two\n', "spec.yml")
    assert [scalar(root.values[k]).value for k in "abc"] == ["x\ty\nz", "p\tq", "one\ntwo\n"]


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("a: [1, 2\nb: 3\n", (2, 2), "expected ',' or ']'"),
        ("a: b: c\n", (1, 5), "mapping values are not allowed here"),
        ("a: 'unterminated\n", (1, 4), "error: a quoted scalar that is never closed (the file ends at line 2"),
        ("a: x\nb: \"open\n\nc: 3\nd: 4\n", (2, 4), "a quoted scalar that is never closed"),
        ("a:\n  b: 1\n c: 2\n", (3, 2), "expected <block end>"),
    ],
)
def test_syntax_errors_carry_the_problem_mark(text: str, position: tuple[int, int], fragment: str) -> None:
    exc = error(text)
    assert at(exc) == position
    assert exc.message.startswith("YAML syntax error:") and fragment in exc.message


@pytest.mark.parametrize(("text", "hint"), [
    # a step's `sympy:` dedented to the column of its `- tex:` (a docs-only trial got "found '?'")
    ("steps:\n  - tex: a\n  sympy: b\n", "; line 3 does not fit the indentation of the list it is in (which starts "
     "at line 2, column 3): the keys of one mapping start in one column, and so do the `-` of one list, and the "
     "keys of a list item start after its `- `"),
    # `label:` dedented to the column of `math:`, the keys below it not (the error is at line 3's `:`)
    ("- math:\n  label: x\n    start: y\n", "; line 3 is indented more than the key on line 2, so it is read as "
     "part of that key's value: check the indentation of those two lines"),
])
def test_indentation_slips_say_which_lines_to_look_at(text: str, hint: str) -> None:
    assert error(text).message.endswith(hint)


def test_a_second_colon_on_one_line_gets_no_indentation_hint() -> None:
    assert error("x: 1\na: b: c\n").message == "YAML syntax error: mapping values are not allowed here"


def test_nodes_are_plain_data() -> None:
    root = load_yaml("a:\n  b: [x, 'y']\n", "spec.yml")
    inner = root.values["a"]
    assert isinstance(inner, YMap)
    seq = inner.values["b"]
    assert isinstance(seq, YSeq)
    assert [scalar(item).value for item in seq.items] == ["x", "y"]
    assert seq.location == Location("spec.yml", 2, 6)


# --- where each character of a scalar was written --------------------------------------------------------


def _both_parsers(doc: str) -> list[YMap]:
    """The document read by the fast (libyaml) and by the pure-Python parser: positions must agree."""
    return [_Builder(doc, "spec.yml").build(fast=True), _Builder(doc, "spec.yml").build(fast=False)]


def assert_positions_reproduce(doc: str, node: YScalar) -> None:
    """Every character of the value is found where its position says (an escape at its backslash)."""
    positions = node.positions
    assert positions is not None, (doc, node.value)
    assert len(positions) == len(node.value) + 1
    assert list(positions) == sorted(positions)
    lines = doc.split("\n")
    for ch, (line, column) in zip(node.value, positions, strict=False):
        written = lines[line - 1][column - 1 : column] or "\n"  # just past a line's end is its line break
        if node.style == "double" and written == "\\":
            continue  # an escape: `\"`, `\x41`, `\u2212`, `\t`, an escaped line break
        if ch in " \n" and written == "\n":
            continue  # a line break, kept or folded into a space
        assert written == ch, (doc, node.value, ch, line, column)


@pytest.mark.parametrize(
    ("doc", "needle", "expected"),
    [
        ("k: |\n  x +\n  y *\n  z )\n", ")", (4, 5)),  # a literal block: the third line of the block
        ("k: >-\n  x +\n  y )\n", ")", (3, 5)),  # folded
        ('k: "f(\\"a\\") + )"\n', ")", (1, 16)),  # `\"` before: two source characters each
        ("k: 'f(''a'') + )'\n", ")", (1, 16)),  # `''` before
        ("k: x +\n  y )\n", ")", (2, 5)),  # a plain scalar folded over two lines
        ('k: "x\\x41 \\u2212 y"\n', "\u2212", (1, 11)),  # a character written as an escape: its backslash
        ("k:\n  - 'a\n\n     b )'\n", ")", (4, 8)),  # an empty line in a quoted scalar reads as a line break
        ("k: |2-\n     x\n    y )\n", ")", (3, 7)),  # an explicit indentation indicator
    ],
)
def test_positions_of_characters_inside_scalars(doc: str, needle: str, expected: tuple[int, int]) -> None:
    for root in _both_parsers(doc):
        node = root.values["k"]
        node = scalar(node.items[0] if isinstance(node, YSeq) else node)
        assert node.positions is not None
        assert node.positions[node.value.rindex(needle)] == expected
        assert_positions_reproduce(doc, node)


# U+FEFF is written as an escape by the dumper (a control character, also escaped, would be refused).
_VALUES = st.text(alphabet="ab x+)('\"\\\n\t#:-\u00e9\u2212\ufeff", min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(value=_VALUES, style=st.sampled_from([None, "'", '"', "|", ">"]), width=st.sampled_from([8, 20, 80]),
       indent=st.sampled_from([2, 4]), nested=st.booleans(), fast=st.booleans())
@example(value=" :::::: :", style=">", width=8, indent=2, nested=False, fast=False)
def test_positions_reproduce_every_generated_scalar(value: str, style: str | None, width: int, indent: int,
                                                    nested: bool, fast: bool) -> None:
    data: object = {"outer": {"k": [value]}} if nested else {"k": value}
    doc = yaml.dump(data, default_style=style, width=width, indent=indent, allow_unicode=True)
    try:
        root = _Builder(doc, "spec.yml").build(fast=fast)
    except SpecError:
        return  # e.g. a tab the dumper put in indentation-like position: refused, nothing to map
    found = root.values["outer"] if nested else root
    assert isinstance(found, YMap)
    node = found.values["k"]
    node = scalar(node.items[0] if isinstance(node, YSeq) else node)
    # What the document says, which is `value` but for PyYAML's dumper sometimes folding a line that starts
    # with a space into one that reads back otherwise (' :::::: :' at width 8 as `>2-`, read ' ::::::\n:')
    read_back = yaml.safe_load(doc)
    assert node.value == (read_back["outer"]["k"][0] if nested else read_back["k"])
    assert_positions_reproduce(doc, node)


@pytest.mark.parametrize(
    "doc",
    [
        "k: one two\n  three\n\n  four\n\n\n  five\n",
        "k:\n  - x +\n    y\n  - {a: b, k2: c\n      d}\n",
        "k: |+\n  a\n\n   b\n\n\nz: 1\n",
        "k: >\n  a\n    b\n  c\n\n  d\n",
        "k: >2\n   a\n  b\n",
        "k: |\n\n  \n  a\n   b # not a comment\n# a comment\n",
        'k: "a \\\n    b\\\n  c\n\n  d  "\n',
        "k: 'a  \n   b'\n",
        "k: \"\\x41\\u00e9\\U0001F600\\t\\\\\\\"\\/\\_\\uFEFF\"\n",
    ],
)
def test_positions_reproduce_hand_written_scalars(doc: str) -> None:
    for root in _both_parsers(doc):
        nodes = [root.values["k"]]
        while nodes:
            node = nodes.pop()
            if isinstance(node, YSeq):
                nodes.extend(node.items)
            elif isinstance(node, YMap):
                nodes.extend(node.values.values())
            else:
                assert_positions_reproduce(doc, node)


def test_positions_fall_back_when_the_source_does_not_read_back() -> None:
    root = load_yaml("k: 'abc'\n", "spec.yml")
    node = scalar(root.values["k"])
    assert node.positions == ((1, 5), (1, 6), (1, 7), (1, 8))
    # A scalar whose recorded source does not give its value (a reader rule gone wrong) has no map...
    wrong = dataclasses.replace(node, value="xyz")
    assert wrong.positions is None
    # ... nor does one built without a source (nodes made by hand).
    assert YScalar("abc", "single", STR_TAG, node.location, node.value_location).positions is None
    # and a Text without a map is placed by column offsets, as before
    assert Text("abc", Location("spec.yml", 1, 5)).at(2) == Location("spec.yml", 1, 7)


def test_text_at_uses_the_map_and_counts_on_past_the_end() -> None:
    node = scalar(load_yaml("k: |-\n  ab\n  c\n", "spec.yml").values["k"])
    text = Text(node.value, node.value_location, source=node)
    assert text == Text("ab\nc", Location("spec.yml", 2, 3))  # the map is not part of equality
    assert [text.at(i) for i in range(6)] == [Location("spec.yml", *p) for p in
                                              [(2, 3), (2, 4), (2, 5), (3, 3), (3, 4), (3, 5)]]
    assert text.at(-3) == Location("spec.yml", 2, 3)
    # A map of the wrong length (not made for this value) is ignored.
    wrong_length = SimpleNamespace(positions=((5, 5),))
    assert Text("abc", Location("s", 1, 1), source=wrong_length).at(1) == Location("s", 1, 2)


@pytest.mark.parametrize("text", ["a:\n  tex: 'f'(x)'\n", "a: {tex: 'f'(x)', sympy: 'x'}\n", "a:\n  - tex: 'f' '\n"])
def test_a_prime_that_closes_a_single_quoted_value_gets_a_hint(text: str) -> None:
    """`tex: 'f'(x)'` is the natural way to write a prime, and YAML's message ("expected <block end>, but
    found '<scalar>'") says nothing about quotes: a contributor following the docs' advice to single-quote TeX
    could not tell what was wrong."""
    with pytest.raises(SpecError) as err:
        load_yaml(text, "p.yml")
    assert str(err.value).endswith("inside single quotes, write a quote (a prime) twice: `tex: 'f''(x)'`")


@pytest.mark.parametrize("text", ["a: 'x' y\n", 'a: "x\n'])
def test_other_syntax_errors_get_no_quote_hint(text: str) -> None:
    with pytest.raises(SpecError) as err:
        load_yaml(text, "p.yml")
    assert "twice" not in str(err.value)


def test_tex_in_double_quotes_gets_the_fix_not_remove_it() -> None:
    """`tex: "x \\Phi"`: YAML reads `\\P` as U+2029; "remove it" would have left `hi` (a regression hunt)."""
    with pytest.raises(SpecError) as err:
        load_yaml('a: {tex: "x \\Phi"}\n', "p.yml")
    assert "U+2029" in str(err.value) and str(err.value).endswith("write TeX in single quotes: `tex: '\\Phi'`")


@pytest.mark.parametrize(("length", "hinted"), [(1025, True), (3000, True), (1000, False)])
def test_a_key_longer_than_yaml_reads_is_named_as_such(length: int, hinted: bool) -> None:
    """PyYAML stops reading a key after 1024 characters and reports only "could not find expected ':'",
    with the `:` plainly there (a hostile-spec red team)."""
    text = "version: 1\n" + "k" * length + (": 1\n" if hinted else "\n  : 1\n")
    with pytest.raises(SpecError) as err:
        load_yaml(text, "p.yml")
    message = str(err.value)
    assert "could not find expected ':'" in message  # the same problem, a key broken over two lines: no hint
    assert message.endswith("; a key may be at most 1024 characters long") == hinted

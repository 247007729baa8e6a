"""A corpus of hostile and broken spec files, each run through the real checker (and the real CLI).

Every case asserts the project's promise for contributor input: the outcome is the project's own error (a
located ``SpecError`` in ``checked.errors``, or a failing verdict), never an escaping exception or a printed
traceback; the error names the exact ``line:column`` computed here from the input text; no payload ran (each
payload tries to ``touch`` a marker file); and the check finished within a fixed wall-clock bound.

Positions are computed from the input text by :func:`position`, with these conventions: a YAML problem is
reported where the offending token starts (a tag at its ``!``, an anchor at its ``&``, a duplicate key at the
second key); an expression problem at the first character of the refused construct in Python's evaluation
order (an attribute at its name, an operator at the operator, a call of an unknown function at its name); a
problem with a whole mapping at that mapping's first key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest.mark.structures import ParameterSet
from hardening_support import SEED_TEXT, WALL_LIMIT_S, base_spec, run_checker

from mkdocs_derivations import cli
from site_support import position

Pos = tuple[int, int]


@dataclass(frozen=True)
class Case:
    """One bad input: ``make(marker)`` returns the file content; ``at(content)`` the expected (line, col)."""

    id: str
    make: Callable[[str], str | bytes]
    at: Callable[[str | bytes], Pos]
    message: str  # a fragment the error message must contain (case-insensitive regex)


def _text(content: str | bytes) -> str:
    if isinstance(content, bytes):
        return content.decode("utf-8", "replace")
    return content


def at(needle: str, nth: int = 1, offset: int = 0) -> Callable[[str | bytes], Pos]:
    return lambda content: position(_text(content), needle, nth, offset)


def fixed(line: int, column: int) -> Callable[[str | bytes], Pos]:
    return lambda content: (line, column)


def value_at(offset: int = 0) -> Callable[[str | bytes], Pos]:
    """Column ``offset`` (0-based) inside the step's double-quoted `sympy:` value of :func:`base_spec`."""
    return at('sympy: "', 1, len('sympy: "') + offset)


def in_value(needle: str, nth: int = 1) -> Callable[[str | bytes], Pos]:
    """The ``nth`` occurrence of ``needle`` after the step's `sympy: "` (the start term uses single quotes)."""

    def find(content: str | bytes) -> Pos:
        text = _text(content)
        base = text.index('sympy: "')
        start = base
        for _ in range(nth):
            start = text.index(needle, start + 1)
        line = text.count("\n", 0, start) + 1
        return line, start - (text.rfind("\n", 0, start) + 1) + 1

    return find


def expr(value: str, **kw: str) -> Callable[[str], str]:
    """A spec whose step `sympy:` is ``value`` in YAML double quotes (``{M}`` becomes the marker path)."""
    return lambda marker: base_spec('"' + value.replace("{M}", marker) + '"', **kw)


def raw(text: str) -> Callable[[str], str]:
    return lambda marker: text.replace("{M}", marker)


MINIMAL = "version: 1\ntitle: T\nblocks:\n  - text: hello\n"

# --------------------------------------------------------------------------------------------- YAML

YAML_CASES = [
    Case("python-object-apply", raw(base_spec("!!python/object/apply:os.system ['touch {M}']")),
         at("!!python"), r"YAML tags .*not allowed"),
    Case("python-object-new", raw("version: 1\ntitle: !!python/object/new:os.system {args: ['touch {M}']}\n"
                                  "blocks:\n  - text: a\n"), at("!!python"), r"YAML tags"),
    Case("python-name", raw("version: 1\ntitle: !!python/name:os.system\nblocks:\n  - text: a\n"),
         at("!!python"), r"YAML tags"),
    Case("python-module", raw("version: 1\ntitle: T\nblocks:\n  - text: !!python/module:os\n"),
         at("!!python"), r"YAML tags"),
    Case("python-object-on-mapping",
         raw("version: 1\ntitle: T\nsource: !!python/object/apply:subprocess.check_output\n"
             "  args: [[touch, {M}]]\nblocks:\n  - text: a\n"), at("!!python"), r"YAML tags"),
    Case("custom-tag", raw("version: 1\ntitle: !include /etc/passwd\nblocks:\n  - text: a\n"),
         at("!include"), r"YAML tags"),
    Case("custom-tag-on-block", raw("version: 1\ntitle: T\nblocks:\n  - !shell\n    text: touch {M}\n"),
         at("!shell"), r"YAML tags"),
    Case("verbatim-tag",
         raw("version: 1\ntitle: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {M}']\n"
             "blocks:\n  - text: a\n"), at("!<"), r"YAML tags"),
    Case("tag-directive",
         raw("%TAG !e! tag:yaml.org,2002:python/object/apply:\n---\nversion: 1\n"
             "title: !e!os.system ['touch {M}']\nblocks:\n  - text: a\n"), at("!e!os"), r"YAML tags"),
    Case("benign-str-tag", raw("version: 1\ntitle: !!str hello\nblocks:\n  - text: a\n"),
         at("!!str"), r"YAML tags"),
    Case("anchor", raw("version: 1\ntitle: &t Hello\nblocks:\n  - text: a\n"), at("&t"), r"anchors"),
    Case("undefined-alias", raw("version: 1\ntitle: *nothing\nblocks:\n  - text: a\n"),
         at("*nothing"), r"aliases"),
    Case("billion-laughs",
         raw("version: 1\ntitle: T\nlol:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
             "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
             "  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
             "  f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\nblocks:\n  - text: a\n"), at("&a"), r"anchors"),
    Case("merge-alias",
         raw("version: 1\ntitle: T\nblocks:\n  - math:\n      start: &s {tex: x, sympy: x}\n"
             "      steps:\n        - <<: *s\n"), at("&s"), r"anchors"),
    Case("merge-key", raw("version: 1\n<<: {title: T}\nblocks:\n  - text: a\n"), at("<<"),
         r"keys must be strings.*merge"),
    Case("duplicate-key-top", raw("version: 1\ntitle: A\nblocks:\n  - text: a\ntitle: B\n"),
         at("title", 2), r"duplicate key `title` \(first given on line 2\)"),
    Case("duplicate-key-step", raw(base_spec("'x'") + "          sympy: '__import__'\n"),
         at("sympy", 3), r"duplicate key `sympy`"),
    Case("duplicate-symbol", raw(base_spec("'x'", symbols="  x: real\n  y: real\n  x: vector(n)\n")),
         at("  x: vector", 1, 2), r"duplicate key `x` \(first given on line 4\)"),
    Case("integer-key", raw("version: 1\ntitle: T\n1: one\nblocks:\n  - text: a\n"), at("1: one"),
         r"keys must be strings; `1` is read as an integer"),
    Case("bool-key", raw("version: 1\ntitle: T\nyes: 1\nblocks:\n  - text: a\n"), at("yes:"),
         r"keys must be strings; `yes` is read as a boolean"),
    Case("complex-key", raw("version: 1\ntitle: T\n? [a, b]\n: c\nblocks:\n  - text: a\n"), at("[a, b]"),
         r"keys must be strings, not lists"),
    Case("coerce-no", raw(base_spec("no")), at("sympy: no", 1, 7), r"quote it: 'no'.*boolean"),
    Case("coerce-sexagesimal", raw(base_spec("1:30")), at("1:30"), r"quote it: '1:30'.*integer"),
    Case("coerce-octal", raw(base_spec("012")), at("012"), r"quote it: '012'.*integer"),
    Case("coerce-yaml12-float", raw(base_spec("1e3")), at("1e3"), r"quote it: '1e3'.*number"),
    Case("coerce-hex", raw(base_spec("0x1F")), at("0x1F"), r"quote it: '0x1F'"),
    Case("coerce-date", raw(base_spec("2001-12-14")), at("2001-12-14"), r"quote it: '2001-12-14'.*date"),
    Case("coerce-inf", raw(base_spec(".inf")), at(".inf"), r"quote it: '\.inf'"),
    Case("coerce-null", raw(base_spec("~")), at("~"), r"`sympy` is empty"),
    Case("coerce-where-yes",
         raw("version: 1\ntitle: T\nsymbols:\n  x: real\nwhere:\n  x: yes\nblocks:\n  - text: a\n"),
         at("yes"), r"`where.x`.*quote it: 'yes'"),
    Case("coerce-declaration-on", raw(base_spec("'x'", symbols="  x: real\n  y: on\n")), at("y: on", 1, 3),
         r"`symbols.y`.*quote it: 'on'"),
    Case("tab-indentation", raw("version: 1\ntitle: T\nsymbols:\n  x: real\n\ty: real\nblocks:\n  - text: a\n"),
         at("\t"), r"tab character in indentation on line 5"),
    Case("tab-after-spaces", raw("version: 1\ntitle: T\nblocks:\n  - math:\n \t    start: {tex: x}\n"),
         at("\t"), r"tab character in indentation on line 5"),
    Case("second-document", raw(MINIMAL + "---\nversion: 1\n"), at("---"), r"exactly one YAML document"),
    Case("second-document-after-end", raw("---\n" + MINIMAL + "...\n---\n!!python/object/apply:os.system "
                                          "['touch {M}']\n"), at("---", 2), r"exactly one YAML document"),
    Case("empty-file", raw(""), fixed(1, 1), r"the file is empty"),
    Case("only-comments", raw("# just a comment\n\n"), fixed(1, 1), r"the file is empty"),
    Case("only-null", raw("~\n"), fixed(1, 1), r"the file is empty"),
    Case("top-level-list", raw("- version: 1\n- title: T\n"), fixed(1, 1), r"top level .* not a list"),
    Case("top-level-scalar", raw("touch {M}\n"), fixed(1, 1), r"top level .* not a single value"),
    Case("deep-flow-nesting", raw("version: 1\ntitle: T\nblocks: " + "[" * 300 + "]" * 300 + "\n"),
         at("[", 50), r"nested more than 50 levels"),
    Case("deep-block-nesting", raw("\n".join(" " * (2 * i) + f"k{i}:" for i in range(80)) + " x\n"),
         fixed(51, 101), r"nested more than 50 levels"),
    Case("yaml-syntax-error", raw("version: 1\ntitle: a: b\nblocks:\n  - text: a\n"), at(": b"),
         r"YAML syntax error: mapping values are not allowed"),
    Case("invalid-utf8-latin1", lambda m: b"version: 1\ntitle: caf\xe9 au lait\nblocks:\n  - text: a\n",
         fixed(2, 11), r"not valid UTF-8: byte 0xe9 at byte offset 21"),
    Case("invalid-utf8-after-multibyte",
         lambda m: "version: 1\ntitle: é".encode() + b"\xff\nblocks:\n  - text: a\n",
         fixed(2, 9), r"not valid UTF-8: byte 0xff at byte offset 20"),
    Case("invalid-utf8-truncated", lambda m: b"version: 1\ntitle: T\nblocks:\n  - text: x \xe2\x88",
         fixed(4, 13), r"not valid UTF-8: byte 0xe2 at byte offset 40"),
    Case("utf16-file", lambda m: MINIMAL.encode("utf-16"), fixed(1, 1),
         r"not valid UTF-8: byte 0xff at byte offset 0"),
    Case("control-character", raw("version: 1\ntitle: a\x07b\nblocks:\n  - text: a\n"), fixed(2, 9),
         r"control character \(U\+0007\)"),
    Case("nul-byte", raw("version: 1\ntitle: T\nblocks:\n  - text: a\x00b\n"), fixed(4, 12),
         r"control character \(U\+0000\)"),
    Case("crlf-with-error", raw("version: 1\r\ntitle: T\r\nblocks:\r\n  - text: a\r\ntitle: again\r\n"),
         fixed(5, 1), r"duplicate key `title` \(first given on line 2\)"),
    Case("cr-only-line-ends", raw("version: 1\rtitle: T\rtitel: U\rblocks:\r  - text: a\r"), fixed(3, 1),
         r"unknown key `titel`"),
    Case("bom-with-error", lambda m: "\ufeffversion: one\ntitle: T\nblocks:\n  - text: a\n".encode(),
         fixed(1, 10), r"`version` must be a whole number"),
]

# --------------------------------------------------------------------------------------------- expressions

EXPR_CASES = [
    Case("import-system", expr("__import__('os').system('touch {M}')"), in_value("system"),
         r"attribute `\.system` is not allowed"),
    Case("import-call", expr("__import__('os')"), value_at(0), r"`__import__` is not a valid name"),
    Case("class-walk", expr("().__class__.__bases__[0].__subclasses__()"), in_value("__subclasses__"),
         r"attribute `\.__subclasses__`"),
    Case("class-attribute", expr("x.__class__"), in_value("__class__"), r"attribute `\.__class__`"),
    Case("call-attribute", expr("x.__class__()"), in_value("__class__"), r"attribute `\.__class__`"),
    Case("getattr", expr("getattr(x, '__class__')"), value_at(0), r"unknown function `getattr`"),
    Case("exec", expr("exec(\\\"import os; os.system('touch {M}')\\\")"), value_at(0),
         r"unknown function `exec`"),
    Case("lambda", expr("(lambda: __import__('os').system('touch {M}'))()"), in_value("lambda"),
         r"a lambda is not allowed"),
    Case("comprehension", expr("[__import__('os').system('touch {M}') for _ in [1]]"), value_at(0),
         r"a comprehension is not allowed"),
    Case("f-string", expr("f'{__import__(\\\"os\\\").system(\\\"touch {M}\\\")}'"), value_at(0),
         r"an f-string is not allowed"),
    Case("keyword-argument", expr("sin(x, y=__import__('os'))"), in_value("y="),
         r"keyword arguments are not allowed"),
    Case("subscript", expr("x[0]"), in_value("["), r"subscripting"),
    Case("walrus", expr("(z := __import__('os'))"), value_at(1), r"assignment expression"),
    Case("if-expression", expr("x if y else __import__('os')"), value_at(0), r"an if expression"),
    Case("comparison-script", expr("x < y"), value_at(0), r"a comparison is not allowed"),
    Case("starred", expr("sin(*x)"), in_value("*"), r"starred argument"),
    Case("string-literal", expr("'touch {M}'"), value_at(0), r"a string is not allowed"),
    Case("bool-literal", expr("True"), value_at(0), r"`True` is not allowed"),
    Case("dunder-name", expr("__builtins__"), value_at(0), r"not a valid name"),
    Case("statement-separator", expr("x; __import__('os').system('touch {M}')"), in_value(";"),
         r"cannot parse expression"),
    Case("comment", expr("x # __import__('os')"), in_value("#"), r"'#' is not allowed"),
    Case("modulo", expr("x % y"), in_value("%"), r"operator `%` is not allowed"),
    Case("caret", expr("x ^ y"), in_value("^"), r"operator `\^`.*write \*\* for a power"),
    Case("imaginary", expr("2j"), value_at(0), r"imaginary"),
    Case("hex-literal", expr("0x1F"), value_at(0), r"plain decimal digits"),
    Case("exponent-float", expr("1e400"), value_at(0), r"no exponent notation"),
    Case("power-tower-999", expr("9**9**9"), in_value("**", 2), r"power inside an exponent"),
    Case("power-10-10", expr("x**(10**10)"), in_value("**", 2), r"power inside an exponent"),
    Case("power-literal-huge", expr("x**10000000000"), in_value("**"), r"exponent 10000000000 too large"),
    Case("power-product", expr("x**(1000*1000)"), in_value("**"), r"exponent too large"),
    Case("power-nested-tower", expr("((x**100)**100)**100"), in_value("**", 2), r"nested powers too large"),
    Case("factorial", expr("factorial(10**6)"), value_at(0), r"unknown function `factorial`"),
    Case("gamma", expr("gamma(100000)"), value_at(0), r"unknown function `gamma`"),
    Case("digits-100000", expr("1" * 100_000), value_at(0), r"too long \(100000 characters"),
    Case("digits-31", expr("2*" + "9" * 31), value_at(2), r"integer literal too long"),
    Case("decimal-31", expr("0." + "1" * 31), value_at(0), r"decimal literal too long"),
    Case("parentheses-500", expr("(" * 500 + "x" + ")" * 500), value_at(200), r"too many nested parentheses"),
    Case("nested-calls-100", expr("sin(" * 100 + "x" + ")" * 100), in_value("sin(", 61),
         r"nested too deeply"),
    Case("unary-minus-1500", expr("-" * 1500 + "x"), value_at(60), r"nested too deeply"),
    Case("unary-minus-100000", expr("-" * 100_000 + "x"), value_at(0), r"too long"),
    Case("sum-900-terms", expr("+".join(["x"] * 900)), value_at(0), r"nested too deeply"),
    Case("sum-50000-terms", expr("+".join(["x"] * 50_000)), value_at(0), r"too long"),
    Case("unicode-minus", expr("x \u2212 y"), in_value("\u2212"), r"U\+2212 MINUS SIGN.*write '-'"),
    Case("zero-width-space", expr("x\u200b + y"), in_value("\u200b"), r"U\+200B ZERO WIDTH SPACE"),
    Case("bidi-override", expr("x + \u202ey"), in_value("\u202e"), r"U\+202E"),
    Case("nul-escape", expr("x\\0 + y"), in_value("\\0"), r"U\+0000"),
    Case("latex-identifier", lambda m: base_spec("'x\\alpha'"), at("\\alpha", 1, 1),
         r"cannot parse expression: unexpected character after line continuation"),
    Case("html-identifier", expr("<script>alert(1)</script>"), value_at(0), r"cannot parse expression"),
    # positions inside quoted, escaped and multi-line scalars (the seed itself has a multi-line `sympy: >-`)
    Case("single-quote-escape-location", raw(base_spec("'''a'' + )'")), at("+ )", 1, 2),
         r"cannot parse expression: unmatched", ),
    Case("double-quote-escape-location", raw(base_spec('"\\x41 + )"')), at("+ )", 1, 2),
         r"cannot parse expression: unmatched", ),
    Case("literal-block-second-line", raw(base_spec("|-\n            x +\n            y )")), at("y )", 1, 2),
         r"cannot parse expression: unmatched", ),
    Case("folded-block-second-line", raw(base_spec(">-\n            x +\n            y )")), at("y )", 1, 2),
         r"cannot parse expression: unmatched", ),
    Case("plain-multiline-second-line", raw(base_spec("x +\n            y )")), at("y )", 1, 2),
         r"cannot parse expression: unmatched", ),
    Case("literal-block-first-line", raw(base_spec("|-\n              x + )")), at("+ )", 1, 2),
         r"cannot parse expression: unmatched"),
    Case("where-import", raw("version: 1\ntitle: T\nsymbols:\n  x: real\nwhere:\n"
                             "  x: \"__import__('os').system('touch {M}')\"\nblocks:\n"
                             "  - math:\n      start: {tex: x, sympy: 'x'}\n      steps:\n"
                             "        - {tex: x, sympy: 'x'}\n"), at("system"), r"attribute `\.system`"),
    Case("declaration-import", raw(base_spec("'x'", symbols="  x: real\n  y: \"function(__import__('os'))\"\n")),
         at("'os'"), r"unexpected character \"'\" in declaration"),
    Case("declaration-name-latex", raw(base_spec("'x'", symbols="  x: real\n  x\\alpha: real\n")),
         at("x\\alpha"), r"symbol name `x\\alpha` is not a valid name"),
    Case("declaration-name-html", raw(base_spec("'x'", symbols="  x: real\n  <script>: real\n")),
         at("<script>"), r"symbol name `<script>` is not a valid name"),
    Case("label-html", raw(base_spec("'x'").replace("  - math:\n", "  - math:\n      label: '<script>'\n")),
         at("'<script>'"), r"label `<script>` is not valid"),
]

# --------------------------------------------------------------------------------------------- specs


def spec_with(steps: str, *, symbols: str = "  x: real\n  y: real\n", extra: str = "") -> Callable[[str], str]:
    """A spec with one math block whose steps are ``steps`` (YAML lines at step indentation)."""
    text = ("version: 1\ntitle: T\nsymbols:\n" + symbols + extra + "blocks:\n  - math:\n      label: first\n"
            "      start:\n        tex: 'x'\n        sympy: 'x'\n      steps:\n" + steps)
    return raw(text)


SPEC_CASES = [
    Case("unknown-key-suggestion", raw("version: 1\ntitel: T\nblocks:\n  - text: a\n"), at("titel"),
         r"unknown key `titel` in the spec; did you mean `title`\?"),
    Case("unknown-step-key", spec_with("        - tex: y\n          sympi: 'y'\n"), at("sympi"),
         r"did you mean `sympy`\?"),
    Case("same-row-dash", spec_with("        - tex: y\n          sympy: 'y'\n          same-row: true\n"),
         at("same-row"), r"did you mean `same_row`\?"),
    Case("unknown-key-no-hint", raw("version: 1\ntitle: T\nzzzz: 1\nblocks:\n  - text: a\n"), at("zzzz"),
         r"unknown key `zzzz`.*Allowed keys"),
    Case("version-2", raw("version: 2\ntitle: T\nblocks:\n  - text: a\n"), at("2"), r"unsupported format"),
    Case("version-string", raw("version: '1'\ntitle: T\nblocks:\n  - text: a\n"), at("'1'"),
         r"`version` must be a whole number"),
    Case("title-list", raw("version: 1\ntitle: [a]\nblocks:\n  - text: a\n"), at("[a]"),
         r"`title` must be a string; found a list"),
    Case("blocks-mapping", raw("version: 1\ntitle: T\nblocks: {a: 1}\n"), at("{a"), r"must be a list"),
    Case("blocks-empty", raw("version: 1\ntitle: T\nblocks: []\n"), at("[]"), r"must not be empty"),
    Case("missing-blocks", raw("version: 1\ntitle: T\n"), fixed(1, 1), r"missing the required key `blocks`"),
    Case("given-yes", spec_with("        - tex: y\n          sympy: 'y'\n          given: yes\n"), at("yes"),
         r"`given` must be true or false"),
    Case("block-two-keys", raw("version: 1\ntitle: T\nblocks:\n  - text: a\n    math: b\n"), at("math"),
         r"a block has exactly one key"),
    Case("undeclared-symbol", spec_with("        - tex: y\n          sympy: 'y + zeta'\n"), at("zeta"),
         r"zeta"),
    Case("shape-mismatch", spec_with("        - tex: v\n          sympy: 'v'\n",
                                     symbols="  x: real\n  v: vector(n)\n"), at("tex: v"),
         r"different shapes"),
    Case("by-missing-label", spec_with("        - tex: y\n          sympy: 'x'\n          by: nowhere\n"),
         at("nowhere"), r"`by: nowhere` names no earlier equation"),
    Case("duplicate-label", raw("version: 1\ntitle: T\nsymbols:\n  x: real\nblocks:\n"
                                "  - math:\n      label: same\n      start: {tex: x, sympy: 'x'}\n"
                                "      steps:\n        - {tex: x, sympy: 'x'}\n"
                                "  - math:\n      label: same\n      start: {tex: x, sympy: 'x'}\n"
                                "      steps:\n        - {tex: x, sympy: 'x'}\n"), at("same", 2),
         r"duplicate label `same` \(first used on line 7\)"),
    Case("reference-missing", raw("version: 1\ntitle: T\nblocks:\n  - text: |\n      Some prose.\n"
                                  "      As {eq:missing} shows.\n"), at("{eq:missing}"),
         r"reference `\{eq:missing\}` names no equation"),
    Case("reference-missing-plain", raw("version: 1\ntitle: T\nblocks:\n  - text: See {eq:nope}.\n"),
         at("{eq:nope}"), r"names no equation"),
    Case("definition-cycle", spec_with("        - tex: y\n          sympy: 'a'\n",
                                       symbols="  x: real\n  a: real\n  b: real\n",
                                       extra="where:\n  a: 'b + 1'\n  b: 'a - 1'\n"), at("'a - 1'", 1, 1),
         r"definitions refer to each other in a circle: a → b → a"),
    Case("definition-self-cycle", spec_with("        - tex: y\n          sympy: 'a'\n",
                                            symbols="  x: real\n  a: real\n", extra="where:\n  a: '2*a'\n"),
         at("'2*a'", 1, 1), r"circle: a → a"),
    Case("define-non-symbol", raw("version: 1\ntitle: T\nsymbols:\n  x: real\nblocks:\n  - math:\n"
                                  "      start: {tex: x, sympy: 'x + 1'}\n      steps:\n"
                                  "        - {rel: ':=', tex: x, sympy: 'x'}\n"), at("':='"),
         r"must be a plain symbol name"),
    Case("in-without-shape", spec_with("        - tex: y\n          rel: in\n"), at("tex: y"),
         r"needs `shape`"),
    Case("shape-zero", spec_with("        - tex: y\n          rel: in\n          shape: [0]\n"), at("0]"),
         r"positive whole number"),
    Case("label-invalid", spec_with("        - tex: y\n          sympy: 'x'\n        - tex: y\n"
                                    "          sympy: 'x'\n          label: Bad_Label\n"), at("Bad_Label"),
         r"label `Bad_Label` is not valid"),
    Case("reserved-symbol", raw(base_spec("'x'", symbols="  x: real\n  y: real\n  sin: real\n")),
         at("sin"), r"`sin` is a builtin function or constant"),
    Case("contradictory-assumptions", raw(base_spec("'x'", symbols="  x: positive negative\n  y: real\n")),
         at("negative"), r"`positive` and `negative` contradict each other"),
    Case("numbering-negative", raw("version: 1\ntitle: T\nnumbering: {start: -1}\nblocks:\n  - text: a\n"),
         at("-1"), r"at least 0"),
    Case("sizes-zero", raw("version: 1\ntitle: T\nsizes: [{N: 0}]\nblocks:\n  - text: a\n"), at("0}"),
         r"at least 1"),
    Case("tex-blank-line", spec_with("        - tex: \"y\\n\\nz\"\n          sympy: 'y'\n"), at('"y'),
         r"must not contain a blank line"),
    Case("where-undeclared", spec_with("        - tex: y\n          sympy: 'x'\n", extra="where:\n  q: 'x'\n"),
         at("q: 'x'"), r"`q` is defined but not declared"),  # at the name, where the fix belongs
    Case("rel-unknown", spec_with("        - tex: y\n          sympy: 'y'\n          rel: '<'\n"), at("'<'"),
         r"`rel` must be one of"),
    Case("dimension-too-large", raw(base_spec("'x'", symbols="  x: real\n  y: real\n  v: vector(1000000)\n")),
         at("1000000"), r"a dimension must be a positive integer up to 100"),
]

CASES = [*YAML_CASES, *EXPR_CASES, *SPEC_CASES]


def _params(cases: list[Case]) -> list[ParameterSet]:
    return [pytest.param(case, id=case.id) for case in cases]


def _write(tmp_path: Path, case: Case) -> tuple[Path, Path, str | bytes]:
    marker = tmp_path / "PWNED-marker"
    content = case.make(str(marker))
    spec = tmp_path / "specs" / f"{case.id}.yml"
    spec.parent.mkdir()
    if isinstance(content, bytes):
        spec.write_bytes(content)
    else:
        spec.write_bytes(content.encode("utf-8"))
    return spec, marker, content


def test_corpus_size() -> None:
    assert len(YAML_CASES) >= 25 and len(EXPR_CASES) >= 25 and len(SPEC_CASES) >= 15
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", _params(CASES))
def test_bad_input_through_checker(case: Case, tmp_path: Path) -> None:
    spec, marker, content = _write(tmp_path, case)
    outcome = run_checker(spec)
    assert outcome.seconds < WALL_LIMIT_S, f"took {outcome.seconds:.1f} s"
    assert not marker.exists(), "a payload ran"
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert outcome.errors, f"no SpecError; verdicts: {outcome.verdicts}"
    err = outcome.errors[0]
    assert re.search(case.message, err.message, re.IGNORECASE | re.DOTALL), str(err)
    assert (err.location.line, err.location.column) == case.at(content), str(err)
    assert err.location.path == spec.as_posix()
    # the one-line form every surface prints
    assert str(err).startswith(f"{spec.as_posix()}:{err.location.line}:{err.location.column}: ")


@pytest.mark.parametrize("case", _params(CASES))
def test_bad_input_through_cli(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, marker, content = _write(tmp_path, case)
    code = cli.main(["check", str(spec), "--format", "json", "--jobs", "1", "--time-limit", "3", "--no-cache"])
    out, err = capsys.readouterr()
    assert not marker.exists(), "a payload ran"
    assert "Traceback" not in out + err and "internal error" not in err
    assert code == cli.EXIT_LOAD, out + err
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    loads = [r for r in records if r["verdict"] == "load-error"]
    assert loads, out
    assert (loads[0]["line"], loads[0]["column"]) == case.at(content)


# --------------------------------------------------------------------------------------------- accepted


def _bom(text: str) -> bytes:
    return b"\xef\xbb\xbf" + text.encode("utf-8")


ACCEPTED = {
    "seed-with-bom": lambda: _bom(SEED_TEXT),
    "seed-with-crlf": lambda: SEED_TEXT.replace("\n", "\r\n").encode("utf-8"),
    "seed-with-bom-and-crlf": lambda: _bom(SEED_TEXT.replace("\n", "\r\n")),
}


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_bom_and_crlf_are_accepted(name: str, tmp_path: Path) -> None:
    spec = tmp_path / f"{name}.yml"
    spec.write_bytes(ACCEPTED[name]())
    outcome = run_checker(spec, time_limit_s=30)
    assert outcome.errors == []
    assert outcome.failing() == []
    statuses = {v.status for v in outcome.verdicts.values()}
    assert statuses <= {"proved", "proved-all", "sizes", "definition"}, statuses
    # rows keep the seed's line numbers (CRLF counted once, BOM not a column)
    assert outcome.checked.layout is not None
    first_step = outcome.checked.layout.claims[0].location
    line, column = position(SEED_TEXT, "tex: '\\frac{\\partial f}{\\partial \\mathbf{x}} g")
    assert (first_step.line, first_step.column) == (line, column)


def test_fifty_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED-marker"
    spec = tmp_path / "huge.yml"
    line = f"# {'x' * 97}\n".encode()
    with spec.open("wb") as handle:
        handle.write(f"version: 1\ntitle: !!python/object/apply:os.system ['touch {marker}']\n".encode())
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    outcome = run_checker(spec)
    assert outcome.seconds < 1.0
    assert not marker.exists()
    [err] = outcome.errors
    size = spec.stat().st_size
    assert f"the file is {size:,} bytes; a spec may be at most 1,048,576 bytes (1 MiB)" in err.message
    assert (err.location.line, err.location.column) == (0, 0)  # a whole-file problem: the path alone
    assert str(err).startswith(f"{spec.as_posix()}: ")


def test_one_byte_over_the_limit(tmp_path: Path) -> None:
    spec = tmp_path / "over.yml"
    body = MINIMAL + "#"
    spec.write_bytes((body + "x" * (1024 * 1024 + 1 - len(body))).encode())
    [err] = run_checker(spec).errors
    assert "the file is 1,048,577 bytes; a spec may be at most 1,048,576 bytes (1 MiB)" in err.message


def test_missing_reference_location_when_rendered(tmp_path: Path) -> None:
    from mkdocs_derivations.render import render_page

    text = "version: 1\ntitle: T\nblocks:\n  - text: |\n      Some prose.\n      As {eq:missing} shows.\n"
    spec = tmp_path / "ref.yml"
    spec.write_text(text)
    outcome = run_checker(spec)
    [problem] = render_page(outcome.checked).problems
    line, column = position(text, "{eq:missing}")
    assert problem.startswith(f"{spec.as_posix()}:{line}:{column}: "), problem

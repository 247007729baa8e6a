"""The documentation must keep up with the code: every format key, builtin, option and status is documented,
and every YAML example in the docs is either a complete spec that loads (and, for the tutorial and the format
reference, checks green) or clearly marked as something else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mkdocs_derivations import expr
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.claims import build_layout
from mkdocs_derivations.cli import build_parser
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.plugin import VERIFY_ENV, DerivationsConfig
from mkdocs_derivations.spec import ALLOWED_KEYS, load_spec_text
from mkdocs_derivations.verdict import BADGES, FAILING

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMA = ROOT / "plugins" / "mkdocs_derivations" / "schema" / "derivation.schema.json"

# Pages whose complete specs must not only load but also pass `check`.
VERIFIED_PAGES = ("tutorial.md", "format.md", "expressions.md")

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[A-Za-z0-9_+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _schema_keys(node: Any) -> Iterator[str]:
    """Every property name anywhere in the schema (recursively through $defs, oneOf, allOf, if/then)."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            yield from properties
        for value in node.values():
            yield from _schema_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _schema_keys(item)


def _yaml_blocks(name: str) -> list[tuple[int, str]]:
    """(line number, body) of every ```yaml fence in a docs page, with the fence's indentation removed."""
    text = _read(name)
    out = []
    for match in _FENCE.finditer(text):
        if match["lang"] not in ("yaml", "yml"):
            continue
        indent = len(match["indent"])
        body = "\n".join(line[indent:] for line in match["body"].splitlines()) + "\n"
        out.append((text.count("\n", 0, match.start()) + 1, body))
    return out


def _doc_pages() -> list[str]:
    return sorted(p.name for p in DOCS.glob("*.md"))


def _is_spec(body: str) -> bool:
    return re.search(r"^version:", body, re.MULTILINE) is not None


# --------------------------------------------------------------------------------------------- coverage


def test_every_schema_key_is_documented_in_format_md() -> None:
    keys = set(_schema_keys(json.loads(SCHEMA.read_text(encoding="utf-8"))))
    assert keys, "no keys found in the schema"
    text = _read("format.md")
    missing = sorted(key for key in keys if f"`{key}`" not in text)
    assert not missing, f"keys of the JSON Schema not documented in docs/format.md: {missing}"


def test_every_loader_key_is_documented_in_format_md() -> None:
    text = _read("format.md")
    keys = set().union(*ALLOWED_KEYS.values())
    missing = sorted(key for key in keys if f"`{key}`" not in text)
    assert not missing, f"keys the loader accepts but docs/format.md does not mention: {missing}"


def test_every_builtin_and_constant_is_documented_in_expressions_md() -> None:
    text = _read("expressions.md")
    missing = sorted(name for name in [*expr.BUILTINS, *expr.CONSTANTS]
                     if not re.search(rf"`{re.escape(name)}[(`]", text))
    assert not missing, f"builtins not documented in docs/expressions.md: {missing}"


def test_every_status_is_documented_in_verdicts_md() -> None:
    text = _read("verdicts.md")
    for status, (symbol, label) in BADGES.items():
        assert label in text, f"the badge label {label!r} of status {status!r} is not in docs/verdicts.md"
        assert symbol in text, f"the badge symbol {symbol!r} of status {status!r} is not in docs/verdicts.md"
        assert f"deriv-{status}" in text, f"the CSS class deriv-{status} is not in docs/verdicts.md"
    for status in FAILING:
        assert BADGES[status][1] in text


def test_every_cli_option_is_documented_in_cli_md() -> None:
    text = _read("cli.md")
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in subparsers.choices.items():
        assert f"mkdocs-derivations {name}" in text, f"the subcommand {name!r} is not in docs/cli.md"
        for action in sub._actions:
            for option in action.option_strings:
                if option in ("-h", "--help"):
                    continue
                assert f"`{option}" in text, f"the option {option} of {name!r} is not in docs/cli.md"
    for code in ("0", "1", "2"):
        assert f"| {code} |" in text, f"exit code {code} is not in the exit-code table of docs/cli.md"


def test_every_plugin_option_is_documented_in_configuration_md() -> None:
    text = _read("configuration.md")
    options = [name for name in vars(DerivationsConfig) if not name.startswith("_")
               and name not in ("config_file_path",)]
    assert "specs_dir" in options
    missing = [name for name in options if f"`{name}`" not in text]
    assert not missing, f"plugin options not documented in docs/configuration.md: {missing}"
    assert VERIFY_ENV in text


def test_pages_link_only_to_existing_pages() -> None:
    pages = set(_doc_pages())
    for name in pages:
        for target in re.findall(r"\]\(([a-z0-9-]+\.md)(?:#[a-z0-9-]+)?\)", _read(name)):
            assert target in pages, f"docs/{name} links to {target}, which does not exist"


# ------------------------------------------------------------------------------------- YAML examples


def test_every_yaml_fence_of_the_docs_is_seen_by_the_example_tests() -> None:
    """The example tests below loop over what ``_yaml_blocks`` finds; a fence it misses (an indentation or
    info-string variant the regex does not match) would go unchecked, and a regex that finds nothing would
    make them pass vacuously. So the blocks found must match a plain count of opening fences, page by page,
    and the docs must hold at least the 19 examples and 5 complete specs they hold today."""
    opening = re.compile(r"^[ \t]*```(?:yaml|yml)\b", re.MULTILINE)
    found = {name: len(_yaml_blocks(name)) for name in _doc_pages()}
    assert found == {name: len(opening.findall(_read(name))) for name in _doc_pages()}
    assert sum(found.values()) >= 19
    specs = {name: sum(_is_spec(body) for _, body in _yaml_blocks(name)) for name in VERIFIED_PAGES}
    assert specs["tutorial.md"] >= 2 and specs["format.md"] >= 3 and specs["expressions.md"] >= 1, specs


@pytest.mark.parametrize("name", _doc_pages())
def test_yaml_examples_are_complete_specs_or_marked(name: str) -> None:
    """A YAML example is a complete spec (it has `version:`) that loads and lays out without errors, or its
    first line is a comment saying what it is (`# fragment: ...`, `# mkdocs.yml`, a workflow file)."""
    for line, body in _yaml_blocks(name):
        if _is_spec(body):
            spec = load_spec_text(body, f"docs/{name}:{line}.yml")
            _, errors = build_layout(spec)
            assert not errors, f"the spec at docs/{name} line {line} has errors: {[str(e) for e in errors]}"
        else:
            first = body.lstrip("\n").splitlines()[0]
            assert first.startswith("#"), (
                f"the YAML example at docs/{name} line {line} is neither a complete spec nor marked by a "
                "first-line comment such as `# fragment: ...`")


@pytest.mark.slow
def test_complete_specs_of_the_tutorial_and_format_pages_check_green(tmp_path: Path) -> None:
    paths = []
    for name in VERIFIED_PAGES:
        for line, body in _yaml_blocks(name):
            if _is_spec(body):
                path = tmp_path / f"{Path(name).stem}-{line}.yml"
                path.write_text(body, encoding="utf-8")
                paths.append(path)
    assert len(paths) >= 4
    checker = Checker(CheckOptions(jobs=2, cache_dir=None))
    try:
        results = checker.check_paths(paths, root=tmp_path)
    finally:
        checker.close()
    for checked in results:
        assert not checked.problems(), f"{checked.shown_path}: {checked.problems()}"
        statuses = {v.status for v in checked.verdicts.values()}
        assert statuses <= {"proved", "proved-all", "sizes", "definition"}, (checked.shown_path, statuses)


# A page's request for a file on another host: a stylesheet, a font, a script or an image (not a plain link).
_OFF_SITE = re.compile(r'<(?:link\b(?=[^>]*\brel="(?:stylesheet|preconnect|preload|icon|modulepreload)")[^>]*'
                       r'\bhref|(?:script|img)\b[^>]*\bsrc)="(?:https?:)?//[^"]*"')


def _mkdocs_yml_examples() -> list[tuple[str, int, str]]:
    """(page, line, body) of every complete `mkdocs.yml` of the docs: a reader copies these as they are."""
    return [(name, line, body) for name in _doc_pages() for line, body in _yaml_blocks(name)
            if body.startswith("# mkdocs.yml\n") and "site_name:" in body]


def test_the_docs_have_complete_mkdocs_yml_examples() -> None:
    assert {name for name, _, _ in _mkdocs_yml_examples()} >= {"tutorial.md", "configuration.md"}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "line", "body"), _mkdocs_yml_examples(),
                         ids=[f"{n}:{ln}" for n, ln, _ in _mkdocs_yml_examples()])
def test_a_documented_mkdocs_yml_builds_a_site_that_loads_nothing_from_other_hosts(
        tmp_path: Path, name: str, line: int, body: str) -> None:
    """The site works offline, the docs say; a site set up from the tutorial loaded Google Fonts (Material's
    default) on every page."""
    import os
    import subprocess
    import sys

    from mkdocs_derivations.starter import starter_spec

    (tmp_path / "mkdocs.yml").write_text(body, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSome $x^2$.\n", encoding="utf-8")
    (tmp_path / "derivations").mkdir()
    (tmp_path / "derivations" / "my-first.yml").write_text(starter_spec("my-first", schema_path=""),
                                                           encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != VERIFY_ENV} | {"NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"docs/{name} line {line}:\n{result.stderr}"
    pages = list((tmp_path / "site").rglob("*.html"))
    assert any(p.parts[-3:] == ("derivations", "my-first", "index.html") for p in pages)
    requests = {m.group() for page in pages for m in _OFF_SITE.finditer(page.read_text(encoding="utf-8"))}
    assert not requests, f"docs/{name} line {line}: the pages load {sorted(requests)}"


def test_the_least_squares_example_of_one_orientation_gets_the_verdicts_it_is_quoted_with(tmp_path: Path) -> None:
    """expressions.md quotes two verdicts for the steps of the least-squares loss: they are the checker's."""
    text = _read("expressions.md")
    expanded = "y.T*y - y.T*X*theta - theta.T*X.T*y + theta.T*X.T*X*theta"
    merged = "y.T*y - 2*y.T*X*theta + theta.T*X.T*X*theta"
    assert f"`(y - X*theta).T*(y - X*theta) = {expanded}`" in text and f"`... = {merged}`" in text
    spec = tmp_path / "ls.yml"
    spec.write_text("version: 1\ntitle: T\nsymbols:\n  X: matrix(N, D)\n  y: vector(N)\n  theta: vector(D)\n"
                    "blocks:\n  - math:\n      start: {tex: a, sympy: '(y - X*theta).T*(y - X*theta)'}\n"
                    f"      steps:\n        - {{tex: b, sympy: '{expanded}'}}\n"
                    f"        - {{tex: c, sympy: '{merged}'}}\n")
    checker = Checker(CheckOptions(jobs=1, cache_dir=None))
    try:
        [checked] = checker.check_paths([spec])
    finally:
        checker.close()
    assert [checked.verdicts[i].status for i in sorted(checked.verdicts)] == ["proved-all", "sizes"]

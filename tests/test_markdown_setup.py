"""The plugin refuses a site whose Markdown settings would show its generated pages as raw Markdown.

Unit tests of the probe (markdown_setup.py): every way of enabling an extension counts, a setting that turns
its construct off does not. The end-to-end refusal by ``mkdocs build`` is in test_plugin_build.py.
"""

from __future__ import annotations

import pytest

from mkdocs_derivations.markdown_setup import missing_extensions

ARITHMATEX = "pymdownx.arithmatex with `generic: true` (for $...$ in prose)"
GENERIC = {"pymdownx.arithmatex": {"generic": True}}


def test_the_documented_extensions_are_enough() -> None:
    assert missing_extensions(["attr_list", "md_in_html", "pymdownx.arithmatex"], GENERIC) == []


def test_nothing_enabled_misses_all_three_in_order() -> None:
    assert missing_extensions([], {}) == ["attr_list", "md_in_html", ARITHMATEX]


@pytest.mark.parametrize("extensions", [
    ["extra", "pymdownx.arithmatex"],
    ["markdown.extensions.extra", "pymdownx.arithmatex"],
    ["pymdownx.extra", "pymdownx.arithmatex"],
    ["markdown.extensions.attr_list", "markdown.extensions.md_in_html", "pymdownx.arithmatex"],
])
def test_any_way_of_enabling_an_extension_counts(extensions: list[str]) -> None:
    assert missing_extensions(extensions, GENERIC) == []


@pytest.mark.parametrize("settings", [
    {},  # arithmatex's default is the MathJax 2 <script> form, which the served MathJax 3 does not read
    {"pymdownx.arithmatex": {"generic": False}},
    {"pymdownx.arithmatex": {"generic": True, "inline_syntax": ["round"]}},  # no $...$ in prose
])
def test_arithmatex_that_does_not_turn_dollars_into_generic_spans_is_missing(settings: dict[str, object]) -> None:
    assert missing_extensions(["attr_list", "md_in_html", "pymdownx.arithmatex"], settings) == [ARITHMATEX]


def test_one_missing_extension_is_named_alone() -> None:
    assert missing_extensions(["attr_list", "pymdownx.arithmatex"], GENERIC) == ["md_in_html"]

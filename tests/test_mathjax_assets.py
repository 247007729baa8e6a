"""Which MathJax the site serves, and which scripts of a site would load a second one."""

from __future__ import annotations

import pytest

from mkdocs_derivations.mathjax_assets import COMPONENT, SITE_FOLDER, files_to_copy, other_mathjax


def test_the_served_files_include_the_component_safe_mode_and_fonts() -> None:
    targets = {target for _, target in files_to_copy()}
    assert f"{SITE_FOLDER}/{COMPONENT}" in targets and f"{SITE_FOLDER}/ui/safe.js" in targets
    assert any(t.endswith(".woff") for t in targets)


@pytest.mark.parametrize("script", [
    "https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js",  # Material's recipe for math
    "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js",
    "https://cdn.jsdelivr.net/npm/mathjax@3.2.2/es5/tex-mml-svg.js",
    "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-MML-AM_CHTML",
    "vendor/mathjax/tex-svg-full.js",
    "js/tex-chtml.min.js",
])
def test_a_mathjax_of_the_site_is_found(script: str) -> None:
    assert other_mathjax([script]) == [script]


@pytest.mark.parametrize("script", [
    f"{SITE_FOLDER}/{COMPONENT}",  # the plugin's own, also when the site lists it to order its scripts
    "assets/derivations/mathjax-config.js",
    "javascripts/mathjax.js",  # a configuration script (its TeX macros are kept)
    "js/macros.js",
    "https://polyfill.io/v3/polyfill.min.js?features=es6",
    "js/katex.min.js",
])
def test_other_scripts_are_not_mathjax(script: str) -> None:
    assert other_mathjax([script]) == []

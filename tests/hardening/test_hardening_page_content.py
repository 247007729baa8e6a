"""Contributor prose and TeX end up in the built site: build a spec full of active content with `mkdocs build`.

The sanitising policy is still open; these tests state the SAFE outcome (no `<script>` or event handler from
prose, no `javascript:` anywhere in the built HTML) and are marked xfail where the build is not safe yet.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_support import mkdocs_yml

pytestmark = pytest.mark.slow

SPEC = r"""version: 1
title: Hostile prose
source:
  citation: A citation with <b onmouseover="alert(3)">bold</b> in it.
  url: javascript:alert(4)
symbols:
  x: real
blocks:
  - text: |
      Harmless words before the payloads.

      <script>alert(1)</script>

      <img src=x onerror=alert(2)>

      A [click](javascript:alert(1)) link and an autolink <javascript:alert(5)>.

      A reference-style [link][evil].

      [evil]: javascript:alert(6)
  - math:
      label: tex-href
      start:
        tex: '\href{javascript:alert(7)}{x}'
        sympy: 'x'
      steps:
        - tex: 'x'
          sympy: 'x'
  - example:
      title: <img src=y onerror=alert(8)>
      blocks:
        - text: |
            Inside an example: <script>alert(9)</script>
"""

MKDOCS_YML = mkdocs_yml(specs_dir="specs", cache_dir="", time_limit=20, site_name="hardening")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-site")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "specs").mkdir()
    (root / "specs" / "hostile.yml").write_text(SPEC, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return root / "site"


def _page(site: Path) -> str:
    return (site / "derivations" / "hostile" / "index.html").read_text(encoding="utf-8")


def _all_html(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def _main(html: str) -> str:
    """The article body (the theme's own scripts live outside it)."""
    match = re.search(r"<article\b.*?</article>", html, re.DOTALL)
    assert match, "no <article> in the page"
    return match.group(0)


def test_page_was_rendered(site: Path) -> None:
    html = _page(site)
    assert "Harmless words before the payloads." in html
    # The \href{javascript:...} block is refused at load with a located error shown on the page; the rest
    # of the page still renders.
    assert "deriv-load-error" in html and "only `#anchor` and http(s) targets are allowed" in html


def test_no_script_from_prose(site: Path) -> None:
    body = _main(_page(site))
    assert "<script" not in body.lower(), re.findall(r"<script[^>]*>.*?</script>", body, re.I | re.S)


def test_no_event_handlers_from_prose(site: Path) -> None:
    body = _main(_page(site))
    assert not re.search(r"<[^>]+\son\w+\s*=", body, re.I), re.findall(r"<[^>]+\son\w+\s*=[^>]*>", body, re.I)


def test_no_javascript_href_from_prose(site: Path) -> None:
    body = _main(_page(site))
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", body, re.I), \
        re.findall(r"<a[^>]*javascript:[^>]*>", body, re.I)


def test_no_javascript_href_from_source_url(site: Path) -> None:
    body = _main(_page(site))
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:alert\(4\)", body, re.I), body


def test_no_javascript_anywhere_in_built_html(site: Path) -> None:
    hits = {name: re.findall(r".{0,40}javascript:.{0,40}", html, re.I) for name, html in _all_html(site).items()}
    hits = {name: found for name, found in hits.items() if found}
    assert not hits, hits


def test_no_javascript_url_in_any_attribute(site: Path) -> None:
    """The security-relevant form of the rule: no attribute value anywhere in the site is a javascript: URL."""
    attribute = re.compile(r"""\b[\w-]+\s*=\s*(?:"\s*javascript:[^"]*"|'\s*javascript:[^']*'"""
                           r"""|javascript:[^\s>]*)""", re.I)
    hits = {name: attribute.findall(html) for name, html in _all_html(site).items()}
    assert not {name: found for name, found in hits.items() if found}


def test_title_and_example_title_are_escaped(site: Path) -> None:
    body = _main(_page(site))
    assert "<img src=y" not in body  # the example title goes through html.escape
    assert "&lt;img src=y onerror=alert(8)&gt;" in body

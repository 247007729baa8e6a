"""Contributor prose cannot inject HTML or script links; math and code keep their `<`."""

from __future__ import annotations

import markdown
import pytest

from mkdocs_derivations.sanitize import BLOCKED, sanitize_html, sanitize_markdown

EXTENSIONS = ["pymdownx.arithmatex", "md_in_html", "attr_list", "footnotes", "admonition"]


def to_html(text: str) -> str:
    return markdown.markdown(sanitize_markdown(text), extensions=EXTENSIONS,
                             extension_configs={"pymdownx.arithmatex": {"generic": True}})


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src='https://example.org'></iframe>",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "<!-- hidden --><b>x</b>",
])
def test_raw_html_in_prose_is_shown_as_text(attack: str) -> None:
    html = to_html(f"Before {attack} after.")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<svg" not in html
    assert "<a href" not in html and "<!--" not in html and "<b>" not in html


@pytest.mark.parametrize("link", [
    "[x](javascript:alert(1))", "[x]( JavaScript:alert(1))", "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox)", "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x][r]\n\n[r]: javascript:alert(1)",
])
def test_script_links_are_neutralised(link: str) -> None:
    html = to_html(link)
    lowered = html.lower()
    for scheme in ("javascript:", "vbscript:", "data:"):
        assert scheme not in lowered, html
    assert f'href="{BLOCKED}' in html, html


def test_math_and_code_keep_their_angle_brackets() -> None:
    html = to_html("If $a<b$ and `x<y` then $$c<d$$ holds.")
    assert r"\(a&lt;b\)" in html and "<code>x&lt;y</code>" in html and "c&lt;d" in html


@pytest.mark.parametrize("text", ["`<b>x</b>``", "``<b>x</b>`", "```<b>x</b>``"])
def test_backtick_runs_of_different_lengths_protect_nothing(text: str) -> None:
    """Markdown closes a code span only with a run of as many backticks; an earlier sanitizer also took a
    shorter run as the closer and left the HTML between them raw."""
    assert "<b>" not in to_html(f"Before {text} after.")


def test_code_spans_and_math_pair_as_markdown_reads_them() -> None:
    html = to_html("`` a ` b `` then ``` x``y ``` and \\( p<q \\) but \\( r<s")
    assert "<code>a ` b</code>" in html and "<code>x``y</code>" in html
    assert "p&lt;q" in html and "r&lt;s" in html


@pytest.mark.parametrize("unit", ["`", "``` `", "\\( ", "\\[ ", "$$ ", "$a\\$ "])
def test_thousands_of_unclosed_openers_take_linear_time(unit: str) -> None:
    """30 KB of backticks once took minutes (a backtracking regex), and rendering runs in the host."""
    import time

    text = unit * (60_000 // len(unit))
    started = time.perf_counter()
    sanitize_markdown(text)
    assert time.perf_counter() - started < 2.0  # ~0.06 s; the old pattern needed minutes


def test_ordinary_links_and_references_survive() -> None:
    html = to_html("See [(3)](#eq-chain-rule) and [docs](https://example.org).")
    assert 'href="#eq-chain-rule"' in html and 'href="https://example.org"' in html


def test_html_layer_defuses_what_slipped_through() -> None:
    html = '<p><img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a><script>x()</script></p>'
    clean = sanitize_html(html)
    assert "onerror=" not in clean.replace("data-blocked-onerror=", "")
    assert 'href="javascript:' not in clean and "<script" not in clean


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "java&#115;cript:alert(1)", " JavaScript:alert(1)", "\tjava\nscript:x",
    "&#106;avascript:x", "data:text/html,x", "vbscript:x",
])
def test_html_layer_blocks_encoded_script_urls(url: str) -> None:
    clean = sanitize_html(f'<a href="{url}">x</a><img src=\'{url}\'>')
    assert clean.count(BLOCKED) == 2
    assert "script:" not in clean.lower().replace("script&#58;", "")


def test_html_layer_keeps_safe_urls_and_defangs_the_word() -> None:
    clean = sanitize_html('<a href="#eq-1">a</a><a href="../x/">b</a><a href="https://e.org">c</a>'
                          "<p>never write javascript: links</p>")
    assert 'href="#eq-1"' in clean and 'href="../x/"' in clean and 'href="https://e.org"' in clean
    assert "javascript&#58; links" in clean

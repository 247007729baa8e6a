"""Make contributor prose safe to publish: no raw HTML, no attribute lists, no script links.

Prose in a spec is Markdown, and specs come from pull requests, so the policy is strict and simple: raw
HTML in prose is shown as text (every ``<`` that would open a tag is escaped), so are attribute lists
(every ``{`` is written as ``&#123;``: ``{: style=... }`` gave a refuted step a "proved" look) and the line
starts of admonitions and the like (``!!!``, ``???``, ``===``, ``///``: ``??? deriv-verdict`` is the
badges' own markup), and links whose target uses a script-capable scheme (``javascript:``, ``vbscript:``,
``data:``) are neutralised. Inline math needs no exception: pymdownx.arithmatex passes the escaped
characters to MathJax as the characters (``$a&lt;b$`` is typeset as a < b). Only what Python-Markdown shows
as written is left untouched: code spans on one line, fenced code that reads as code with or without a
fence extension, and math blocks as arithmatex reads them (a block of its own that is ``$$...$$``,
``\\[...\\]`` or ``\\begin{env}...\\end{env}``). Anything these rules might read differently from the
Markdown parser is escaped, never left raw: a red team got ``<base href>`` past an earlier version that
took ``\\` `` and ``\\\\(`` for the start of code and math. Equations never pass through here: the renderer
HTML-escapes them.
"""

from __future__ import annotations

import bisect
import hmac
import html
import re
import secrets
from collections.abc import Iterator
from html.parser import HTMLParser

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_UNSAFE_SCHEME = r"(?:java|vb)script:|data:"
_INLINE_LINK = re.compile(r"(\]\(\s*<?)\s*(" + _UNSAFE_SCHEME + r")", re.IGNORECASE)
_REFERENCE_LINK = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)\s*(" + _UNSAFE_SCHEME + r")",
                             re.IGNORECASE | re.MULTILINE)
BLOCKED = "#unsafe-link-removed:"
# The renderer's own attribute lists, on the equation links it writes for {eq:...} (render.py): kept.
_REFERENCE_CLASS = re.compile(r"(?<=\))\{(?=\.deriv-ref(?: \.deriv-ref-page)?\})")
_BRACE = re.compile(r"\{")
# What opens a block with a class or a title of the author's choosing: admonition (!!!), details (???),
# tabbed (=== "title"), pymdownx.blocks (///); at the start of a line, after a list marker or a quote's `>`,
# so wherever it is (a setext heading's === underline is left alone).
_BLOCK_MARKER = re.compile(r"!(?=!!)|\?(?=\?\?)|=(?===[+!]?[ \t]+\")|/(?=//)")
_BLOCK_SPLIT = re.compile(r"\n(?:[ \t]*\n)+")
# Math blocks as pymdownx.arithmatex reads them: the whole block, from its first character.
_MATH_BLOCK = re.compile(r"(?s)(?:\$\$(?:\\.|[^\\])+?\$\$|\\\[(?:\\[^\]]|[^\\])+?\\\]"
                         r"|\\begin\{(?P<env>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=env)\})[ ]*")
_BACKTICKS = re.compile(r"`+")
# A backtick fence that reads as code with or without a fence extension: ``` (exactly as long at both
# ends), lines that start no block of their own and hold no backtick, no blank line (which would end an
# inline code span if no extension read it as a fence).
_FENCE = re.compile(r"^ {0,3}(`{3,})[^`\n]*\n(?:(?! {0,3}(?:[-+*>#|=!?:~\[]|\d+[.)])|[ \t]*\n)[^`\n]*\n)*?"
                    r" {0,3}\1[ \t]*$", re.MULTILINE)


def _clean(text: str) -> str:
    text = _INLINE_LINK.sub(lambda m: m.group(1) + BLOCKED, text)
    text = _REFERENCE_LINK.sub(lambda m: m.group(1) + BLOCKED, text)
    text = _BLOCK_MARKER.sub(lambda m: f"&#{ord(m.group(0))};", text)
    kept = {m.start() for m in _REFERENCE_CLASS.finditer(text)}
    text = _BRACE.sub(lambda m: "{" if m.start() in kept else "&#123;", text)
    return _TAG_START.sub("&lt;", text)


def _protected(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each segment Python-Markdown shows as written, left to right, in time linear in
    ``text``: math blocks and backtick fences (see the module docstring), then code spans, each on one line:
    from a run of backticks not escaped by a backslash to the next run of exactly as many (as
    Python-Markdown reads it). An opener with no closer is ordinary text."""
    blocks: list[tuple[int, int]] = []
    start = 0
    for gap in [*_BLOCK_SPLIT.finditer(text), None]:
        end = gap.start() if gap is not None else len(text)
        if _MATH_BLOCK.fullmatch(text, start, end):
            blocks.append((start, end))
        start = gap.end() if gap is not None else end
    blocks += [(m.start(), m.end()) for m in _FENCE.finditer(text)]
    blocks.sort()
    position = 0
    for block_start, block_end in blocks:
        if block_start < position:
            continue
        yield from _code_spans(text, position, block_start)
        yield block_start, block_end
        position = block_end
    yield from _code_spans(text, position, len(text))


def _code_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The code spans of ``text[start:end]``, each within one line."""
    line_start = start
    while line_start < end:
        line_end = text.find("\n", line_start, end)
        line_end = end if line_end < 0 else line_end
        found = list(_BACKTICKS.finditer(text, line_start, line_end))
        runs: dict[int, list[int]] = {}
        for run in found:
            runs.setdefault(run.end() - run.start(), []).append(run.start())
        i = line_start
        for run in found:
            if run.start() < i:
                continue
            opener = run.start()
            before = opener
            while before > line_start and text[before - 1] == "\\":
                before -= 1
            if (opener - before) % 2:  # an escaped backtick is a backtick; the rest of the run may open a span
                opener += 1
                if opener == run.end():
                    continue
            width = run.end() - opener
            starts = runs.get(width, [])
            after = bisect.bisect_right(starts, opener)
            while after < len(starts) and starts[after] < run.end():
                after += 1
            if after < len(starts):
                yield opener, starts[after] + width
                i = starts[after] + width
        line_start = line_end + 1


def sanitize_markdown(text: str) -> str:
    """``text`` with raw HTML escaped and script links neutralised outside math and code."""
    out: list[str] = []
    last = 0
    for start, end in _protected(text):
        out.append(_clean(text[last:start]))
        out.append(text[start:end])
        last = end
    out.append(_clean(text[last:]))
    return "".join(out)


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Browsers drop tabs and line breaks inside a URL, so `java<newline>script:` is a script URL; in HTML text
# those characters may also be written as character references.
_URL_GAP = r"(?:[\t\n\r]|&#0*(?:9|10|13);|&#[xX]0*(?:9|[aA]|[dD]);|&(?:Tab|NewLine);)*"
_SCRIPT_WORD = re.compile(r"\b(" + "|".join(_URL_GAP.join(word) for word in ("java", "vb")) + ")"
                          + _URL_GAP + _URL_GAP.join("script") + _URL_GAP + ":", re.IGNORECASE)


def _safe_url(value: str) -> bool:
    """Whether a URL attribute value is harmless once the browser has decoded it (entities, spaces and
    control characters are how filters are usually dodged: ``java&#115;cript:``, ``\tjavascript:``)."""
    decoded = html.unescape(value.strip("\"'"))
    compact = "".join(ch for ch in decoded if ord(ch) > 0x20).lower()
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1) in _SAFE_SCHEMES


# What a generated page may contain: the renderer's own markup, what Python-Markdown and the site's
# extensions make of prose (headings, lists, tables, footnotes, admonitions, details, code, arithmatex),
# and the dependency graph's SVG. Everything else is shown as text.
_TAGS = frozenset("""a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption
    figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strong sub summary sup table
    tbody td tfoot th thead tr u ul var wbr svg g line marker path rect text tspan defs title desc circle
    ellipse polygon polyline foreignobject""".split())
_ATTRIBUTES = frozenset("""class id title role tabindex lang dir href name rel src alt width height loading
    colspan rowspan scope headers align start type reversed value open span xmlns viewbox x y x1 y1 x2 y2 rx
    ry cx cy r d fill stroke stroke-width marker-end marker-start refx refy markerwidth markerheight orient
    text-anchor dominant-baseline font-size transform points opacity fill-opacity stroke-dasharray
    preserveaspectratio""".split())
_URL_ATTRIBUTES = frozenset({"href", "src", "xlink:href"})
_VOID = frozenset({"br", "col", "hr", "img", "wbr"})
# The only styles the site's own markup writes: table cell alignment and the graph's minimum width.
_SAFE_STYLE = re.compile(r"\s*(?:text-align:\s*(?:left|right|center)|min-width:\s*\d+px)\s*;?\s*\Z")
# HTMLParser lowers attribute and tag names; SVG's are case-sensitive.
_SVG_CASE = {name.lower(): name for name in ("viewBox", "refX", "refY", "markerWidth", "markerHeight",
                                             "preserveAspectRatio", "foreignObject")}


_PROCESS_KEY = secrets.token_bytes(16)
"""Drawn once per process: each page's nonce (:func:`prose_nonce`) is the same for every rendering of the page
in one build or serve session (so a page rendered twice reads the same) and unknown to a contributor."""


def prose_nonce(slug: str) -> str:
    """The nonce that marks the prose of page ``slug`` (see :func:`mark_prose`)."""
    return hmac.new(_PROCESS_KEY, slug.encode(), "sha256").hexdigest()[:16]


def mark_prose(markdown: str, nonce: str) -> str:
    """``markdown`` (already through :func:`sanitize_markdown`) between two HTML comments that tell
    :func:`sanitize_html` it is contributor prose. ``nonce`` (random, per page) is what a contributor cannot
    write: a closing mark of their own, slipped through, does not end the region."""
    return f"<!-- {nonce}:prose -->\n\n{markdown}\n\n<!-- {nonce}:/prose -->"


_PROSE = re.compile(r"<!-- ([0-9a-f]{16}):prose -->(.*?)<!-- \1:/prose -->", re.DOTALL)
# In prose, what only the renderer may give an element: the plugin's own classes (badges, boxes) but the
# equation links it writes, Material's (md-*), admonitions and the details element (a "??? deriv-verdict"
# box has the badge's markup), and the ids of equations and of the error box that badges link to.
_RENDERER_CLASS = re.compile(r"\A(?:deriv-(?!ref\Z|ref-page\Z)|md-|admonition)")
_RENDERER_ID = re.compile(r"\A(?:deriv-|eq-)")
_RENDERER_TAGS = frozenset({"details", "summary"})


class _Allowlist(HTMLParser):
    """Rewrites HTML keeping only :data:`_TAGS` with :data:`_ATTRIBUTES` (plus ``aria-*`` and ``data-*``,
    safe URLs and the styles :data:`_SAFE_STYLE` allows): any other tag is shown as text, any other
    attribute dropped. A tag that keeps all of its attributes is copied as written."""

    def __init__(self, prose: bool = False) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.prose = prose  # contributor prose: nothing that only the renderer may write (see _PROSE)
        self.open: list[str] = []  # elements opened and not yet closed

    def _attribute(self, name: str, value: str | None) -> str | None:
        """The attribute as it should be written, or None to drop it."""
        if value is None:
            return name if _allowed(name) else None
        if self.prose and name == "class":
            value = " ".join(token for token in value.split() if not _RENDERER_CLASS.match(token))
        elif self.prose and name == "id" and _RENDERER_ID.match(value):
            return None
        if name in _URL_ATTRIBUTES:
            value = value if _safe_url(value) else BLOCKED
        elif name == "style":
            if not _SAFE_STYLE.match(value):
                return None
        elif not _allowed(name):
            return None
        return _written(name, value)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        written = self.get_starttag_text() or ""
        if tag not in _TAGS or (self.prose and tag in _RENDERER_TAGS):
            self.out.append(html.escape(written, quote=False))
            return
        kept = [self._attribute(name, value) for name, value in attrs]
        if not closed and tag not in _VOID:
            self.open.append(tag)
        if kept == [name if value is None else _written(name, value) for name, value in attrs]:
            self.out.append(written)
            return
        parts = [_SVG_CASE.get(tag, tag), *(k for k in kept if k is not None)]
        self.out.append(f"<{' '.join(parts)}{' /' if closed else ''}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        # In prose, an end tag must close an element opened there: `</div>` would end the renderer's box.
        if tag in _TAGS and not (self.prose and (tag in _RENDERER_TAGS or tag not in self.open)):
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]
            self.out.append(f"</{_SVG_CASE.get(tag, tag)}>")
        else:
            self.out.append(f"&lt;/{html.escape(tag)}&gt;")

    def handle_data(self, data: str) -> None:
        self.out.append(data.replace("<", "&lt;"))  # a `<` that opens no tag, or a refused element's text

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(html.escape(f"<!{decl}>", quote=False))

    def handle_pi(self, data: str) -> None:
        self.out.append(html.escape(f"<?{data}>", quote=False))

    def unknown_decl(self, data: str) -> None:
        self.out.append(html.escape(f"<![{data}]>", quote=False))


def _allowed(name: str) -> bool:
    return name in _ATTRIBUTES or name.startswith(("aria-", "data-"))


def _written(name: str, value: str) -> str:
    """An attribute as the allow-list writes it (a kept tag whose attributes all read so is copied as is)."""
    return f'{_SVG_CASE.get(name, name)}="{html.escape(value, quote=True)}"'


def sanitize_html(page_html: str) -> str:
    """Second line of defence on a generated page's HTML: only an allow-list of tags and attributes is kept
    (:class:`_Allowlist`), since contributor text reaches the page through Python-Markdown and its extensions,
    whose reading of code, math and escapes :func:`sanitize_markdown` cannot mirror exactly: a red team got
    ``<base href>``, forms and ``<meta http-equiv>`` through such a mismatch when this layer removed only
    script elements, event handlers and script URLs. Finally the words ``javascript:``/``vbscript:`` left in
    text are written with an entity colon, so no copy of a script URL is left anywhere in the page."""
    page_html = _PROSE.sub(lambda m: _allowlisted(m.group(2), prose=True), page_html)
    return defuse_script_words(_allowlisted(page_html))


def _allowlisted(fragment: str, prose: bool = False) -> str:
    parser = _Allowlist(prose)
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def defuse_script_words(text: str) -> str:
    """``text`` (HTML) with ``javascript:``/``vbscript:`` written with an entity colon: what reads the same
    but is no copy of a script URL."""
    return _SCRIPT_WORD.sub(lambda m: m.group(1) + "script&#58;", text)

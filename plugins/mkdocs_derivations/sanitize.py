"""Make contributor prose safe to publish: no raw HTML, no script links.

Prose in a spec is Markdown, and specs come from pull requests, so the policy is strict and simple: raw
HTML in prose is shown as text (every ``<`` that would open a tag is escaped) and links whose target uses
a script-capable scheme (``javascript:``, ``vbscript:``, ``data:``) are neutralised. Math (``$…$``,
``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) and code spans are left untouched, since ``<`` is ordinary there and
MathJax's safe mode guards the TeX. Equations never pass through here: the renderer HTML-escapes them.
"""

from __future__ import annotations

import html
import re

# Math and code segments, which are copied verbatim. Order matters: $$ before $.
_PROTECTED = re.compile(
    r"(`+)(?:.|\n)*?\1"            # code spans
    r"|\$\$(?:.|\n)*?\$\$"         # display math
    r"|(?<![\\$])\$(?!\s)(?:[^$\\\n]|\\.)+?\$"  # inline math
    r"|\\\((?:.|\n)*?\\\)"          # \( ... \)
    r"|\\\[(?:.|\n)*?\\\]"          # \[ ... \]
)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_UNSAFE_SCHEME = r"(?:java|vb)script:|data:"
_INLINE_LINK = re.compile(r"(\]\(\s*<?)\s*(" + _UNSAFE_SCHEME + r")", re.IGNORECASE)
_REFERENCE_LINK = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)\s*(" + _UNSAFE_SCHEME + r")",
                             re.IGNORECASE | re.MULTILINE)
BLOCKED = "#unsafe-link-removed:"


def _clean(text: str) -> str:
    text = _INLINE_LINK.sub(lambda m: m.group(1) + BLOCKED, text)
    text = _REFERENCE_LINK.sub(lambda m: m.group(1) + BLOCKED, text)
    return _TAG_START.sub("&lt;", text)


def sanitize_markdown(text: str) -> str:
    """``text`` with raw HTML escaped and script links neutralised outside math and code."""
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        out.append(_clean(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_clean(text[last:]))
    return "".join(out)


_SCRIPT_ELEMENT = re.compile(r"<(script|iframe|object|embed|style)\b", re.IGNORECASE)
_EVENT_ATTRIBUTE = re.compile(r"(<[^>]*?\s)(on[a-z]+\s*=)", re.IGNORECASE)
_URL_ATTRIBUTE = re.compile(r"""(\s(?:href|src|action|formaction|xlink:href|poster|background)\s*=\s*)"""
                            r"""("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCRIPT_WORD = re.compile(r"\b(java|vb)script:", re.IGNORECASE)


def _safe_url(value: str) -> bool:
    """Whether a URL attribute value is harmless once the browser has decoded it (entities, spaces and
    control characters are how filters are usually dodged: ``java&#115;cript:``, ``\tjavascript:``)."""
    decoded = html.unescape(value.strip("\"'"))
    compact = "".join(ch for ch in decoded if ord(ch) > 0x20).lower()
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1) in _SAFE_SCHEMES


def sanitize_html(page_html: str) -> str:
    """Second line of defence on a generated page's HTML: the renderer never emits script elements,
    event-handler attributes or script URLs, so any that appear came from contributor text and are
    defused (a mismatch between our Markdown escaping and the Markdown parser must not become an XSS).
    Finally the words ``javascript:``/``vbscript:`` left in text are written with an entity colon, so no
    copy of a script URL is left anywhere in the published page."""
    page_html = _SCRIPT_ELEMENT.sub(lambda m: "&lt;" + m.group(1), page_html)
    previous = None
    while previous != page_html:  # nested matches: repeat until stable
        previous = page_html
        page_html = _EVENT_ATTRIBUTE.sub(lambda m: m.group(1) + "data-blocked-" + m.group(2), page_html)
    page_html = _URL_ATTRIBUTE.sub(
        lambda m: m.group(0) if _safe_url(m.group(2)) else f'{m.group(1)}"{BLOCKED}"', page_html)
    return _SCRIPT_WORD.sub(lambda m: m.group(1) + "script&#58;", page_html)

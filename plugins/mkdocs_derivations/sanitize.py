"""Make contributor prose safe to publish: no raw HTML, no script links.

Prose in a spec is Markdown, and specs come from pull requests, so the policy is strict and simple: raw
HTML in prose is shown as text (every ``<`` that would open a tag is escaped) and links whose target uses
a script-capable scheme (``javascript:``, ``vbscript:``, ``data:``) are neutralised. Math (``$…$``,
``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) and code spans are left untouched, since ``<`` is ordinary there and
MathJax's safe mode guards the TeX. Equations never pass through here: the renderer HTML-escapes them.
"""

from __future__ import annotations

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
_UNSAFE_URL_ATTRIBUTE = re.compile(r"((?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*)("
                                   + _UNSAFE_SCHEME + r")", re.IGNORECASE)


def sanitize_html(html: str) -> str:
    """Second line of defence on a generated page's HTML: the renderer never emits script elements,
    event-handler attributes or script URLs, so any that appear came from contributor text and are
    defused (a mismatch between our Markdown escaping and the Markdown parser must not become an XSS)."""
    html = _SCRIPT_ELEMENT.sub(lambda m: "&lt;" + m.group(1), html)
    previous = None
    while previous != html:  # nested matches: repeat until stable
        previous = html
        html = _EVENT_ATTRIBUTE.sub(lambda m: m.group(1) + "data-blocked-" + m.group(2), html)
    return _UNSAFE_URL_ATTRIBUTE.sub(lambda m: m.group(1) + BLOCKED, html)

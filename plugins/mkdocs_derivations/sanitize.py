"""Make contributor prose safe to publish: no raw HTML, no script links.

Prose in a spec is Markdown, and specs come from pull requests, so the policy is strict and simple: raw
HTML in prose is shown as text (every ``<`` that would open a tag is escaped) and links whose target uses
a script-capable scheme (``javascript:``, ``vbscript:``, ``data:``) are neutralised. Math (``$…$``,
``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) and code spans are left untouched, since ``<`` is ordinary there and
MathJax's safe mode guards the TeX. Equations never pass through here: the renderer HTML-escapes them.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator

# Inline math: `$…$` on one line, not after a backslash or a `$`, not opening on a space.
_INLINE_MATH = re.compile(r"\$(?!\s)(?:[^$\\\n]|\\.)+?\$")
_BACKTICKS = re.compile(r"`+")
_CANDIDATE = re.compile(r"[`$\\]")  # the only characters a segment can start with
_PAIRED = (("$$", "$$"), ("\\(", "\\)"), ("\\[", "\\]"))
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


def _protected(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each math or code segment, left to right, in time linear in ``text``.

    A code span runs from a run of backticks to the next run of exactly as many (as Python-Markdown reads
    it); math runs from ``$$``, ``\\(`` or ``\\[`` to its closer, or is ``$…$`` on one line. An opener
    with no closer is ordinary text. A regular expression doing the same took quadratic time on thousands
    of unclosed openers (30 KB of backticks hung the build), so closers are found by lookup instead: the
    backtick runs of each length are listed once, and a closer that is absent from some point on is never
    searched for again from a later point.
    """
    runs: dict[int, list[int]] = {}
    for run in _BACKTICKS.finditer(text):
        runs.setdefault(run.end() - run.start(), []).append(run.start())
    absent_from: dict[str, int] = {}

    def find(closer: str, start: int) -> int:
        if start >= absent_from.get(closer, len(text) + 1):
            return -1
        found = text.find(closer, start)
        if found < 0:
            absent_from[closer] = start
        return found

    i = 0
    while True:
        candidate = _CANDIDATE.search(text, i)  # skip ordinary text at C speed
        if candidate is None:
            return
        i = candidate.start()
        ch = text[i]
        if ch == "`":
            width = len(_BACKTICKS.match(text, i).group(0))  # type: ignore[union-attr]
            starts = runs[width]
            after = bisect.bisect_right(starts, i)
            if after < len(starts):
                end = starts[after] + width
                yield i, end
                i = end
            else:
                i += width
            continue
        opener = next((pair for pair in _PAIRED if text.startswith(pair[0], i)), None)
        if opener is not None:
            close = find(opener[1], i + len(opener[0]))
            if close >= 0:
                yield i, close + len(opener[1])
                i = close + len(opener[1])
                continue
        if ch == "$" and (i == 0 or text[i - 1] not in "\\$"):
            match = _INLINE_MATH.match(text, i)
            if match:
                yield i, match.end()
                i = match.end()
                continue
        i += 1


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
    return defuse_script_words(page_html)


def defuse_script_words(text: str) -> str:
    """``text`` (HTML) with ``javascript:``/``vbscript:`` written with an entity colon: what reads the same
    but is no copy of a script URL."""
    return _SCRIPT_WORD.sub(lambda m: m.group(1) + "script&#58;", text)

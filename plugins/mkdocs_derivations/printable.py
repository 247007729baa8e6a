"""Every line the project prints is one line of its own making.

Contributor text reaches the reports: a symbol name, a label, a ``by:`` reference, a value, a file name.
Such text may hold a newline, a carriage return or an escape sequence, and printed raw it starts a line of
the contributor's choosing: ``::error file=...::`` in a CI log is a workflow command that GitHub Actions
runs (a forged annotation, a masked or changed step), ESC sequences rewrite a terminal. The CLI's reports
(human, GitHub, JUnit), the build log (a filter on the plugin's logger) and the page's error box all pass
their messages through :func:`printable`, so each problem they report is exactly one line and shows the
offending characters as visible escapes (``\\n``, ``\\x1b``, ``\\u2028``). JSON keeps its own escaping,
completed by :func:`json_printable` for the characters ``json.dumps`` leaves raw.
"""

from __future__ import annotations

import logging
import re

LOGGER_NAME = "mkdocs.plugins.derivations"

def shorten(text: str, most: int = 120) -> str:
    """``text`` cut to ``most`` characters, the last an ellipsis: for what a message or the details show of
    something shown whole elsewhere (a definition has its own row, an expression its spec line)."""
    return text if len(text) <= most else text[: most - 1] + "…"


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Control characters (C0, DEL, C1 including NEL U+0085) and the line and paragraph separators: the
# characters a terminal, a log viewer or a line splitter (str.splitlines) may act on instead of showing.
# (Unicode's categories Cc, Zl and Zp, all of them.) Also what no UTF-8 text or XML 1.0 document can hold:
# lone surrogates (a file name's bytes that are not UTF-8 come back as U+DC80-U+DCFF) and U+FFFE, U+FFFF,
# which made the JUnit report unreadable XML and the JSON lines not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# The same characters that json.dumps(ensure_ascii=False) writes raw (it escapes only C0 controls); U+FFFE
# and U+FFFF are valid UTF-8 and JSON, and stay.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_UNDECODED = range(0xDC80, 0xDD00)  # the byte 0xNN of a name that is not UTF-8, as os.fsdecode gives it


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    if ord(ch) in _UNDECODED:
        return f"\\x{ord(ch) - 0xDC00:02x}"  # shown as the byte it was
    return f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"


# GitHub Actions also runs its older command syntax, `##[add-mask]text` or `##[error]text`, found anywhere in a
# log line (not only at its start, as `::error::`): contributor text quoting it forged an annotation, or
# masked or stopped what the log said next. Its second `#` is shown as an escape.
_LEGACY_COMMAND = "##["


def printable(text: str) -> str:
    """``text`` as one line with every control or line-separating character shown as an escape, and no
    command GitHub Actions would run in it."""
    return _UNPRINTABLE.sub(_escape, text).replace(_LEGACY_COMMAND, "#\\x23[")


def json_printable(line: str) -> str:
    """A line of ``json.dumps(..., ensure_ascii=False)`` output with DEL, C1 controls, U+2028/U+2029, lone
    surrogates and the `#` that makes `##[` a workflow command as ``\\uXXXX`` escapes too: the same JSON
    value, but a reader that splits lines on them, a terminal that acts on them, or GitHub Actions, sees one
    line of text."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", line).replace(_LEGACY_COMMAND, "#\\u0023[")


class _OneLine(logging.Filter):
    """Makes each record of the plugin's logger one printable line, whichever module logged it and whatever
    its arguments held: the build log is read by CI as the CLI's report is."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: logging reports that itself, later
            return True
        record.msg, record.args = printable(message), None
        return True


def plugin_logger() -> logging.Logger:
    """The logger of the plugin, the Markdown extension and the cache (under ``mkdocs``, so that a warning
    fails ``mkdocs build --strict``), with its messages held to one line."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(f, _OneLine) for f in logger.filters):
        logger.addFilter(_OneLine())
    return logger

"""Where Markdown prose holds code: what must be left as written, not read as references or definitions.

A page shows the syntax of a reference (`` `{eq:label}` ``), of a footnote or of a directive as code, and
code is not prose. Three readers of prose (the references, the footnote names, the `!derivation`
directive) each kept a fence tracker of their own, with different rules; they share this one.
"""

from __future__ import annotations

import re

# A fence at any indentation: inside a list item or an admonition it is indented by 4 or more.
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"(?<!\\)`+")  # `\`` is a literal backtick, not a code span's
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def mask_code(markdown: str) -> str:
    """``markdown`` with the inside of code spans and fenced code blocks blanked (same length, newlines
    kept), so that a reference written there as an example is neither checked nor turned into a link: the
    offsets of what is left are the original's."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line[opening.end():].strip():
                fence = None
            out.append(_blank(line))
        elif opening and not (opening.group(1)[0] == "`" and "`" in line[opening.end():]):
            fence = opening.group(1)
            out.append(_blank(line))
        else:
            out.append(line)
    return _mask_spans("".join(out))


def _mask_spans(text: str) -> str:
    """Blank inline code: a run of n backticks up to the next run of exactly n in the same paragraph
    (CommonMark's rule). Across a blank line, TeX-style quotes (``like this'') hid every reference after them
    from the check and from the links (a regression hunt)."""
    pieces, last = [], 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        pieces += [_mask_paragraph(text[last:gap.start()]), gap.group()]
        last = gap.end()
    return "".join(pieces) + _mask_paragraph(text[last:])


def _mask_paragraph(text: str) -> str:
    chars = list(text)
    runs = list(_BACKTICKS.finditer(text))
    index = 0
    while index < len(runs):
        opening = runs[index]
        closing = next((k for k in range(index + 1, len(runs))
                        if len(runs[k].group()) == len(opening.group())), None)
        if closing is None:
            index += 1
            continue
        for position in range(opening.end(), runs[closing].start()):
            if chars[position] != "\n":
                chars[position] = " "
        index = closing + 1
    return "".join(chars)


def _blank(line: str) -> str:
    return " " * len(line.rstrip("\n")) + "\n" * line.endswith("\n")

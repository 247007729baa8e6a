"""What a `tex:` field may contain.

MathJax's safe mode already filters what TeX can do in the reader's browser; refusing the dangerous and
the numbering-breaking commands when the spec is loaded gives the contributor a located error instead of
a silently altered page, and keeps script URLs out of the built HTML altogether.
"""

from __future__ import annotations

import re

from .errors import Location, SpecError

# Commands that write classes, ids, styles, links or fonts, fetch code, or change MathJax's settings; and
# the boxes of no size that draw outside their place (\smash{\mathrlap{\rule{80em}{45em}}} covered a whole
# page, badges included, and \mmlToken{mi}[href=...] wrote a link that no check read: red team).
_FORBIDDEN = ("class", "cssId", "style", "unicode", "require", "bbox", "data", "setOptions", "mmlToken",
              "smash", "rlap", "llap", "clap", "mathrlap", "mathllap", "mathclap")
# Equation numbers and math delimiters belong to the renderer.
_RENDERER_OWNED = ("tag", "notag", "nonumber", "label", "eqref", "ref")
# The first refused command: a whole command name (`\\tagged` is not `\\tag`), found in one scan.
_REFUSED_COMMAND = re.compile(r"\\(" + "|".join(_RENDERER_OWNED + _FORBIDDEN) + r")(?![A-Za-z])")
# The first delimiter, found in one scan: any other escape pair is skipped as one token (`\$` is a dollar
# sign, and the `$` of `\\$`, a line break then `$`, is a delimiter).
_FIRST_DELIMITER = re.compile(r"(?:[^\\$]|\\[^\[\]()])*?(?P<delimiter>\\[\[\]()]|\$\$?)", re.DOTALL)
# A check mark beside an equation reads as its verdict badge (\colorbox{lightgreen}{\checkmark\ proved} next to
# an unchecked step), and only a check may give one. The glyphs are refused in `tex` fields, the command in
# prose math too (a ✓ in a sentence is text, not a badge).
_CHECK_MARK = re.compile("\\\\checkmark(?![A-Za-z])|[\u2611\u2705\u2713\u2714\U0001F5F8]")
_CHECK_MARK_WHY = "on the page it would read as a verdict badge, which only a check gives"
_SAFE_TARGET = re.compile(r"^(#[A-Za-z0-9_-]+|https?://[^\s{}]+)$")
_LINK = re.compile(r"\\(?:href|url)\s*\{([^{}]*)\}")
_LINK_COMMAND = re.compile(r"\\(?:href|url)(?![A-Za-z])")


def check_tex(tex: str, location: Location, where: str) -> None:
    """Raise a SpecError for TeX the site will not publish."""
    first = _FIRST_DELIMITER.match(tex)
    if first is not None:
        delimiter = first["delimiter"]
        dollar = " (write `\\$` for a dollar sign)" if delimiter == "$" else ""
        raise SpecError(f"`tex` must not contain the math delimiter `{delimiter}`: the renderer "
                        f"wraps every equation itself{dollar}", location, where)
    commands = _LINK_COMMAND.findall(tex)
    links = list(_LINK.finditer(tex)) if commands else []  # every link starts with one of the commands
    if len(links) != len(commands):
        raise SpecError("`tex` has a `\\href` or `\\url` whose target is not a plain `{...}` argument",
                        location, where)
    for link in links:
        if not _SAFE_TARGET.match(link.group(1).strip()):
            raise SpecError(f"`tex` links to `{link.group(1)}`; only `#anchor` and http(s) targets are allowed",
                            location, where)
    mark = _CHECK_MARK.search(tex)
    if mark is not None:
        raise SpecError(f"`tex` must not contain a check mark (`{mark.group(0)}`): {_CHECK_MARK_WHY}", location, where)
    refused = _REFUSED_COMMAND.search(tex)
    if refused is not None:
        name = refused.group(1)
        if name in _RENDERER_OWNED:
            raise SpecError(f"`\\{name}` is not allowed in `tex`: equation numbers and labels come from the "
                            "spec (`label:`, `number:`, `{eq:...}`)", location, where)
        raise SpecError(f"`\\{name}` is not allowed in `tex` ({_WHY})", location, where)


_WHY = "it could style the page, link, load code or draw over the page"
_PROSE_COMMAND = re.compile(r"\\(" + "|".join(_FORBIDDEN) + r"|href|url|checkmark)(?![A-Za-z])")


def check_prose_tex(text: str, location: Location, where: str) -> None:
    """Raise a SpecError for math in prose (a `text` block) that the site will not publish: the commands
    :func:`check_tex` refuses, and links (`\\href`, `\\url`) to anything but `#anchor` and http(s). MathJax's
    safe mode filters links by their scheme, but read `java<newline>script:` as having none, and the
    browser drops the line break (red team). Prose is checked as a whole, code spans included."""
    for found in _PROSE_COMMAND.finditer(text):
        name = found.group(1)
        if name == "checkmark":
            raise SpecError(f"`\\checkmark` is not allowed in prose math: {_CHECK_MARK_WHY}", location, where)
        if name in ("href", "url"):
            link = _LINK.match(text, found.start())
            if link is not None and _SAFE_TARGET.match(link.group(1).strip()):
                continue
            raise SpecError(f"prose math has a `\\{name}` whose target is not a plain `#anchor` or http(s) "
                            "address", location, where)
        raise SpecError(f"`\\{name}` is not allowed in prose math ({_WHY})", location, where)

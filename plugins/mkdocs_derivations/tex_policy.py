"""What a `tex:` field may contain.

MathJax's safe mode already filters what TeX can do in the reader's browser; refusing the dangerous and
the numbering-breaking commands when the spec is loaded gives the contributor a located error instead of
a silently altered page, and keeps script URLs out of the built HTML altogether.
"""

from __future__ import annotations

import re

from .errors import Location, SpecError

# Commands that write classes, ids, styles or fonts, fetch code, or change MathJax's settings.
_FORBIDDEN = ("class", "cssId", "style", "unicode", "require", "bbox", "data", "setOptions")
# Equation numbers and math delimiters belong to the renderer.
_RENDERER_OWNED = ("tag", "notag", "nonumber", "label", "eqref", "ref")
# The first refused command: a whole command name (`\\tagged` is not `\\tag`), found in one scan.
_REFUSED_COMMAND = re.compile(r"\\(" + "|".join(_RENDERER_OWNED + _FORBIDDEN) + r")(?![A-Za-z])")
# The first delimiter, found in one scan: any other escape pair is skipped as one token (`\$` is a dollar
# sign, and the `$` of `\\$`, a line break then `$`, is a delimiter).
_FIRST_DELIMITER = re.compile(r"(?:[^\\$]|\\[^\[\]()])*?(?P<delimiter>\\[\[\]()]|\$\$?)", re.DOTALL)
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
    refused = _REFUSED_COMMAND.search(tex)
    if refused is not None:
        name = refused.group(1)
        if name in _RENDERER_OWNED:
            raise SpecError(f"`\\{name}` is not allowed in `tex`: equation numbers and labels come from the "
                            "spec (`label:`, `number:`, `{eq:...}`)", location, where)
        raise SpecError(f"`\\{name}` is not allowed in `tex` (it could style the page or load code)",
                        location, where)

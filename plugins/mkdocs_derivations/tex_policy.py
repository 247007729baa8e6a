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
_COMMAND = re.compile(r"\\([A-Za-z]+)")
# Any other escape pair is skipped as one token: `\$` is a dollar sign, and the `$` of `\\$` (a line break,
# then `$`) is a delimiter.
_DELIMITERS = re.compile(r"(?P<delimiter>\\[\[\]()]|\$\$?)|\\.", re.DOTALL)
_SAFE_TARGET = re.compile(r"^(#[A-Za-z0-9_-]+|https?://[^\s{}]+)$")
_LINK = re.compile(r"\\(?:href|url)\s*\{([^{}]*)\}")


def check_tex(tex: str, location: Location, where: str) -> None:
    """Raise a SpecError for TeX the site will not publish."""
    delimiter = next((m["delimiter"] for m in _DELIMITERS.finditer(tex) if m["delimiter"]), None)
    if delimiter:
        dollar = " (write `\\$` for a dollar sign)" if delimiter == "$" else ""
        raise SpecError(f"`tex` must not contain the math delimiter `{delimiter}`: the renderer "
                        f"wraps every equation itself{dollar}", location, where)
    links = list(_LINK.finditer(tex))
    if len(links) != len(re.findall(r"\\(?:href|url)(?![A-Za-z])", tex)):
        raise SpecError("`tex` has a `\\href` or `\\url` whose target is not a plain `{...}` argument",
                        location, where)
    for link in links:
        if not _SAFE_TARGET.match(link.group(1).strip()):
            raise SpecError(f"`tex` links to `{link.group(1)}`; only `#anchor` and http(s) targets are allowed",
                            location, where)
    for match in _COMMAND.finditer(tex):
        name = match.group(1)
        if name in _RENDERER_OWNED:
            raise SpecError(f"`\\{name}` is not allowed in `tex`: equation numbers and labels come from the "
                            "spec (`label:`, `number:`, `{eq:...}`)", location, where)
        if name in _FORBIDDEN:
            raise SpecError(f"`\\{name}` is not allowed in `tex` (it could style the page or load code)",
                            location, where)

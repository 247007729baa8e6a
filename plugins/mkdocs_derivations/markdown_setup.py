"""Whether a site's Markdown settings render what the generated pages are written in.

A generated page uses three constructs that plain Markdown leaves as literal text: an equation reference is
a link with a class (``[(3)](#eq-x){.deriv-ref}``, attr_list), examples and remarks are HTML boxes with
Markdown inside (``<div markdown="1">``, md_in_html), and prose writes inline math as ``$...$``
(pymdownx.arithmatex in generic mode, whose ``\\(...\\)`` spans are what the page's MathJax typesets). A site
whose ``mkdocs.yml`` lacks one of them built without a word, also with ``--strict``, and its pages showed
``{.deriv-ref}``, ``*m*`` and ``$x$`` to the reader. Each construct is converted once with the site's own
extensions and settings, so that any way of enabling it counts (``extra``, ``pymdownx.extra``, a full
module path) and a setting that turns it off (``generic: false``, an ``inline_syntax`` without dollars) does
not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import markdown

# (what to enable, a line as the renderer writes it, what the line must become)
_PROBES = (
    ("attr_list", "[r](#a){.deriv-probe}", 'class="deriv-probe"'),
    ("md_in_html", '<div markdown="1">\n*m*\n</div>', "<em>m</em>"),
    ("pymdownx.arithmatex with `generic: true` (for $...$ in prose)", "$z$",
     '<span class="arithmatex">\\(z\\)</span>'),
)


def missing_extensions(extensions: Sequence[Any], configs: Mapping[str, Any]) -> list[str]:
    """The required extensions that ``extensions`` (with their ``configs``, as in ``mkdocs.yml``) do not
    provide, in the order of the module docstring; empty when the generated pages will render."""
    md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))
    missing = []
    for name, source, expected in _PROBES:
        md.reset()
        if expected not in md.convert(source):
            missing.append(name)
    return missing

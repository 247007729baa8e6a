"""The commented starter spec that ``mkdocs-derivations new SLUG`` writes.

It is a small but complete derivation (a scalar chain and a matrix identity) so that a contributor starts
from something that passes ``check`` and shows every common construct once.
"""

from __future__ import annotations

import re

from .printable import printable
from .references import GENERATED_SLUGS

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A derivation spec: prose and numbered equations, every step checked by SymPy.
# Format reference: the "Format" page of the mkdocs-derivations documentation (docs/format.md in its
# repository). Check this file with: mkdocs-derivations check {path}
version: 1
title: {title}
source:
  citation: Where this derivation comes from (book, section, page).
numbering:
  start: 1            # number of the first equation; add `prefix: "5."` for (5.1), (5.2), ...

# Every symbol used in a `sympy:` form is declared once here (blocks may add or shadow their own).
symbols:
  t: real             # a scalar with assumptions: real, positive, integer, ...
  x: vector(n)        # a column vector with a symbolic dimension n
  A: matrix(n, n)     # a matrix; a step is proved for every n if SymPy can, else checked at n = 2 and n = 3

blocks:
  - text: |
      Prose is Markdown with inline math such as $\\sin^2 t$. Refer to an equation with {{eq:double-angle}}.

  - math:
      label: double-angle             # anchors the row; cite it as {{eq:double-angle}} or `by: double-angle`
      start:
        tex: '\\frac{{\\mathrm{{d}}}}{{\\mathrm{{d}}t}} \\sin^2 t'     # what the reader sees
        sympy: 'diff(sin(t)**2, t)'                 # what is checked
      steps:
        - tex: '2 \\sin t \\cos t'
          sympy: '2*sin(t)*cos(t)'
        - tex: '\\sin 2t'
          sympy: 'sin(2*t)'
          same_row: true                            # continue the same numbered row

  - math:
      label: quadratic-form-gradient
      start:
        tex: '\\frac{{\\partial}}{{\\partial \\mathbf{{x}}}} \\mathbf{{x}}^\\top A \\mathbf{{x}}'
        sympy: 'jacobian(x.T*A*x, x)'               # numerator layout: a 1×n row
      steps:
        - tex: '\\mathbf{{x}}^\\top (A + A^\\top)'
          sympy: 'x.T*(A + A.T)'
        - rel: in
          tex: '\\mathbb{{R}}^{{1 \\times n}}'
          shape: [1, n]
          same_row: true
"""


def starter_spec(slug: str, schema_path: str, path: str = "") -> str:
    """The starter text for ``slug``; raises ValueError for a slug that is not a valid file name."""
    if not _SLUG.fullmatch(slug):  # not `match` with `$`, which let `abc\n` through
        raise ValueError(f"`{printable(slug)}` is not a valid slug: use lower-case letters, digits and hyphens")
    if slug in GENERATED_SLUGS:
        raise ValueError(f"`{slug}` is the name of a page the plugin generates (the verification dashboard or the "
                         "dependency graph); choose another slug")
    title = slug.replace("-", " ").capitalize()
    return _TEMPLATE.format(schema=schema_path, path=path or f"{slug}.yml", title=title)

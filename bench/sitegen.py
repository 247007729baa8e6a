"""Generate a synthetic derivations site with known answers (used by bench.py and tests/test_incremental.py).

A site is ``pages`` spec files of ``steps`` claims each. Every claim is one ``math`` block (start term and
one step), drawn from three families with per-page coefficients so that no two pages share a cache key:

* scalar calculus: derivatives of products, compositions and powers (``diff``);
* trigonometric and hyperbolic identities;
* matrix identities at concrete (literal) sizes: transposes of products, determinants, traces, Jacobians.

About 4 % of the claims are deliberately wrong (a flipped sign, a dropped factor, a wrong rule) with the
*same shape* as the true form, so they reach the checker instead of being stopped by the shape checker.
``expected[slug]`` lists, for each claim of the page in order, whether it is true.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Page-wide declarations: literal sizes, so every matrix claim is an exact check at one concrete size.
SYMBOLS = {
    "x": "real",
    "y": "real",
    "A": "matrix(2, 3)",
    "B": "matrix(3, 2)",
    "D": "matrix(2, 3)",
    "C": "matrix(2, 2)",
    "G": "matrix(2, 2)",
    "w": "vector(2)",
}

# Each template: (params) -> (lhs, true rhs, wrong rhs).
Template = Callable[[int, int], tuple[str, str, str]]

SCALAR: list[Template] = [
    lambda c, n: (f"diff(x**{n}*sin({c}*x), x)",
                  f"{n}*x**{n - 1}*sin({c}*x) + {c}*x**{n}*cos({c}*x)",
                  f"{n}*x**{n - 1}*sin({c}*x) - {c}*x**{n}*cos({c}*x)"),
    lambda c, n: (f"diff(exp({c}*x)*cos(x), x)",
                  f"exp({c}*x)*({c}*cos(x) - sin(x))",
                  f"exp({c}*x)*({c}*cos(x) + sin(x))"),
    lambda c, n: (f"diff(log(x**2 + {c}), x)", f"2*x/(x**2 + {c})", f"x/(x**2 + {c})"),
    lambda c, n: (f"diff((x + {c})**{n + 1}, x, 2)",
                  f"{(n + 1) * n}*(x + {c})**{n - 1}",
                  f"{(n + 1) * (n + 2)}*(x + {c})**{n - 1}"),
    lambda c, n: (f"diff(x*atan({c}*x), x)",
                  f"atan({c}*x) + {c}*x/(1 + {c * c}*x**2)",
                  f"atan({c}*x) + x/(1 + {c * c}*x**2)"),
]

TRIG: list[Template] = [
    lambda c, n: (f"sin({2 * c}*x)", f"2*sin({c}*x)*cos({c}*x)", f"sin({c}*x)*cos({c}*x)"),
    lambda c, n: (f"cos({2 * c}*x)", f"1 - 2*sin({c}*x)**2", f"2*sin({c}*x)**2 - 1"),
    lambda c, n: (f"sin({c}*x + y)",
                  f"sin({c}*x)*cos(y) + cos({c}*x)*sin(y)",
                  f"sin({c}*x)*cos(y) - cos({c}*x)*sin(y)"),
    lambda c, n: (f"cosh({c}*x)**2 - sinh({c}*x)**2 + {n}", f"{n + 1}", f"{n - 1}"),
    lambda c, n: (f"cos({c}*x)**2 - sin({c}*x)**2", f"2*cos({c}*x)**2 - 1", f"1 - 2*cos({c}*x)**2"),
]

MATRIX: list[Template] = [
    lambda c, n: (f"(A*B + {c}*C).T", f"B.T*A.T + {c}*C.T", f"{c}*C + B.T*A.T"),
    lambda c, n: (f"det({c}*C)", f"{c * c}*det(C)", f"{c}*det(C)"),
    lambda c, n: (f"trace(A*B) + {c}", f"trace(B*A) + {c}", f"trace(A*A.T) + {c}"),
    lambda c, n: (f"(A + {c}*D).T", f"A.T + {c}*D.T", f"{c}*A.T + D.T"),
    lambda c, n: (f"det(C*G) + {c}", f"det(C)*det(G) + {c}", f"det(C) + det(G) + {c}"),
    lambda c, n: (f"jacobian({c}*C*w, w)", f"{c}*C", f"{c}*C.T"),
]

FAMILIES = (("scalar calculus", SCALAR), ("trigonometric identity", TRIG), ("concrete-size matrices", MATRIX))

WRONG_RATE = 0.04


@dataclass
class Site:
    root: Path
    pages: int
    steps: int
    expected: dict[str, list[bool]] = field(default_factory=dict)  # slug -> truth of each claim, in order

    @property
    def specs_dir(self) -> Path:
        return self.root / "derivations"

    def spec_paths(self) -> list[Path]:
        return sorted(self.specs_dir.glob("*.yml"))

    @property
    def claims(self) -> int:
        return self.pages * self.steps

    @property
    def wrong(self) -> int:
        return sum(not t for truths in self.expected.values() for t in truths)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Every (family, template) pair, interleaved so that consecutive claims come from different families.
COMBOS = [(name, templates[t]) for t in range(max(len(f[1]) for f in FAMILIES))
          for name, templates in FAMILIES if t < len(templates)]


def claim_forms(number: int) -> tuple[str, str, str, str]:
    """(family, lhs, true rhs, wrong rhs) of the claim with this site-wide number (0-based).

    The template cycles fastest and the coefficient grows by one per cycle, so no two claims of a site
    are the same (the checker shares one verdict between identical claims, which would flatter it).
    """
    family, template = COMBOS[number % len(COMBOS)]
    c = 2 + number // len(COMBOS)
    n = 2 + (number // len(COMBOS)) % 4
    return (family, *template(c, n))


def page_spec(page: int, steps: int, rng: random.Random) -> tuple[str, list[bool]]:
    """The YAML of one page and the truth of its claims."""
    lines = [
        "version: 1",
        f"title: Synthetic page {page}",
        "symbols:",
        *(f"  {name}: {decl}" for name, decl in SYMBOLS.items()),
        "blocks:",
        "  - text: |",
        f"      Page {page}: generated steps for the benchmark. Each block below is one checked claim.",
    ]
    truths: list[bool] = []
    for step in range(steps):
        family, lhs, good, bad = claim_forms((page - 1) * steps + step)
        true = rng.random() >= WRONG_RATE
        truths.append(true)
        rhs = good if true else bad
        lines += [
            "  - math:",
            f"      label: s{step + 1}",
            "      start:",
            f"        tex: {_q(lhs)}",
            f"        sympy: {_q(lhs)}",
            "      steps:",
            f"        - tex: {_q(rhs)}",
            f"          sympy: {_q(rhs)}",
        ]
        if step % 5 == 4:
            lines += ["  - text: |", f"      Steps up to {{eq:s{step + 1}}} are done ({family})."]
    return "\n".join(lines) + "\n", truths


MKDOCS_YML = """\
site_name: derivations benchmark
site_url: http://127.0.0.1:8000/
theme:
  name: material
  font: false
  features:
    - navigation.instant
    - navigation.sections
markdown_extensions:
  - admonition
  - footnotes
  - attr_list
  - md_in_html
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.arithmatex:
      generic: true
plugins:
  - search
"""


def plugin_config(jobs: int) -> str:
    return MKDOCS_YML + f"  - derivations:\n      jobs: {jobs}\n      cache_dir: .cache/derivations\n"


def write_configs(root: Path, jobs_list: tuple[int, ...] = (1, 2)) -> None:
    """``mkdocs-j<N>.yml`` per worker count, ``mkdocs-nopl.yml`` without the plugin (pre-rendered pages)."""
    for jobs in jobs_list:
        (root / f"mkdocs-j{jobs}.yml").write_text(plugin_config(jobs), encoding="utf-8")
    (root / "mkdocs-nopl.yml").write_text(MKDOCS_YML + "docs_dir: docs-prerendered\n", encoding="utf-8")


def generate(root: Path, pages: int, steps: int, seed: int = 1) -> Site:
    """Write the site under ``root`` (replacing what is there) and return its known answers."""
    if root.exists():
        shutil.rmtree(root)
    (root / "docs").mkdir(parents=True)
    (root / "derivations").mkdir()
    (root / "docs" / "index.md").write_text("# Benchmark site\n\nGenerated derivation pages.\n", encoding="utf-8")
    rng = random.Random(seed)
    site = Site(root, pages, steps)
    width = len(str(pages))
    for page in range(1, pages + 1):
        slug = f"page-{page:0{width}d}"
        text, truths = page_spec(page, steps, rng)
        (root / "derivations" / f"{slug}.yml").write_text(text, encoding="utf-8")
        site.expected[slug] = truths
    if site.wrong == 0 and pages * steps > 0:  # a tiny site still gets one wrong step to catch
        slug = next(iter(site.expected))
        path = root / "derivations" / f"{slug}.yml"
        _, _, good, bad = claim_forms(0)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(_q(good), _q(bad), 2), encoding="utf-8")
        site.expected[slug][0] = False
    write_configs(root)
    return site


def edit_one_step(site: Site, page_index: int = 0, step: int = 1) -> Path:
    """Rewrite one step of one spec as ``1*(...)``: same truth, new text, so exactly one new cache key."""
    slug = sorted(site.expected)[page_index]
    path = site.specs_dir / f"{slug}.yml"
    edit_step_of(path, step)
    return path


def edit_step_of(path: Path, step: int) -> None:
    """:func:`edit_one_step` on a spec file given by its path (for a helper process without the Site)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    seen = 0
    for i, line in enumerate(lines):
        if line.startswith("          sympy: "):
            if seen == step:
                body = line[len("          sympy: "):]
                expr = body[1:-1].replace("''", "'")
                lines[i] = "          sympy: " + _q(f"1*({expr})")
                break
            seen += 1
    else:
        raise ValueError(f"{path.stem} has no step {step}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

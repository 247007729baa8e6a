"""Where the MathJax files come from and which of them the site serves.

MathJax is served from the built site itself (the site must work offline), taken at install time from the
``django-static-mathjax`` wheel, which ships MathJax 3.2.2 as plain files and has no Django dependency.
Only what the pages load is copied: the all-in-one TeX→CommonHTML component (so no extension is fetched
lazily), the safe-mode component and the WOFF fonts.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

# Where the files land below site_dir, and the URLs pages use (relative to the site root).
SITE_FOLDER = "assets/mathjax"
COMPONENT = "tex-chtml-full.js"
_EXTRA_FILES = ("ui/safe.js",)
_FONT_FOLDER = "output/chtml/fonts/woff-v2"


def mathjax_root() -> Path:
    """The ``es5`` folder of the installed MathJax distribution."""
    spec = importlib.util.find_spec("mathjax")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        root = Path(location) / "static" / "mathjax" / "es5"
        if (root / COMPONENT).is_file():
            return root
    raise FileNotFoundError(
        "MathJax not found; install the `django-static-mathjax` package (a dependency of mkdocs-derivations)"
    )


def files_to_copy() -> list[tuple[Path, str]]:
    """(source file, destination path relative to site_dir) for everything the pages load.

    Raises FileNotFoundError when a file is missing, so that a damaged install is named before the build
    starts rather than when MkDocs copies the file, half-way through writing the site.
    """
    root = mathjax_root()
    wanted = [COMPONENT, *_EXTRA_FILES]
    wanted += sorted(p.relative_to(root).as_posix() for p in (root / _FONT_FOLDER).glob("*.woff"))
    for rel in wanted:
        if not (root / rel).is_file():
            raise FileNotFoundError(f"MathJax file {root / rel} not found; reinstall the `django-static-mathjax` "
                                    "package (a dependency of mkdocs-derivations)")
    return [(root / rel, f"{SITE_FOLDER}/{rel}") for rel in wanted]


# The file names of MathJax's combined components (3: tex-chtml.js, tex-mml-chtml.js, tex-svg-full.js, ...)
# and of MathJax 2's loader (MathJax.js?config=...), wherever they are served from.
_MATHJAX_SCRIPT = re.compile(r"(?:^|/)(?:(?:tex|mml)-(?:mml-)?(?:chtml|svg)(?:-full)?(?:-speech)?(?:\.min)?\.js"
                             r"|MathJax\.js)(?:[?#].*)?$")


def other_mathjax(scripts: list[str]) -> list[str]:
    """The scripts of a site's ``extra_javascript`` that load a MathJax of their own, besides the one the
    plugin serves (Material's recipe for math adds one from a CDN): a page would then load MathJax twice,
    the site's copy from another host, and the two configurations fight over ``window.MathJax``."""
    own = f"{SITE_FOLDER}/{COMPONENT}"
    return [script for script in scripts if script != own and _MATHJAX_SCRIPT.search(script)]

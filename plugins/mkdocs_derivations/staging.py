"""Build into a staging folder and swap it into place, so a killed build never leaves a broken site.

MkDocs empties ``site_dir`` when a build starts; a build that is then killed (SIGKILL, CI timeout, Ctrl-C
during a long verification) would leave an empty or half-written site behind. Building into a sibling
folder and renaming it over the old one at the very end keeps the previous site intact until the new one
is complete. Renames within one folder stay on one filesystem, so each is atomic.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SUFFIX = ".derivations-staging"


def staging_dir(site_dir: Path) -> Path:
    """The folder the build writes to instead of ``site_dir`` (emptied first)."""
    staging = site_dir.with_name(site_dir.name + SUFFIX)
    if staging.exists():
        shutil.rmtree(staging)  # left over from a killed build
    return staging


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by the finished ``staging`` folder."""
    old = site_dir.with_name(f"{site_dir.name}.derivations-old-{os.getpid()}")
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(staging, site_dir)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    """Remove a staging folder after a failed build; the previous site stays as it was."""
    shutil.rmtree(staging, ignore_errors=True)

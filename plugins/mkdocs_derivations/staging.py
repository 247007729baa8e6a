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


class StagingError(Exception):
    """A folder could not be removed or renamed (permissions, a busy folder, ``site_dir`` a mount point);
    the message names the folder, the OS's reason and what became of the previous site."""


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def staging_dir(site_dir: Path) -> Path:
    """The folder the build writes to instead of ``site_dir`` (emptied first)."""
    staging = site_dir.with_name(site_dir.name + SUFFIX)
    if staging.exists():
        try:
            shutil.rmtree(staging)  # left over from a killed build
        except OSError as err:
            raise StagingError(f"cannot remove {staging}, left over from an earlier build: {_reason(err)}; "
                               "remove it by hand") from err
    return staging


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by the finished ``staging`` folder; on failure the previous site is where it was."""
    old = site_dir.with_name(f"{site_dir.name}.derivations-old-{os.getpid()}")
    moved_aside = False
    if site_dir.exists():
        try:
            os.replace(site_dir, old)
        except OSError as err:
            raise StagingError(f"cannot move the previous site {site_dir} aside to {old}: {_reason(err)}; "
                               "the previous site is unchanged") from err
        moved_aside = True
    try:
        os.replace(staging, site_dir)
    except OSError as err:
        if moved_aside:
            try:
                os.replace(old, site_dir)  # or site_dir would be missing, the old site under a name nobody knows
            except OSError as back:
                raise StagingError(f"cannot move the new site {staging} to {site_dir}: {_reason(err)}; nor the "
                                   f"previous site back from {old}: {_reason(back)}") from err
        raise StagingError(f"cannot move the new site {staging} to {site_dir}: {_reason(err)}; "
                           "the previous site is unchanged") from err
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    """Remove a staging folder after a failed build; the previous site stays as it was."""
    shutil.rmtree(staging, ignore_errors=True)

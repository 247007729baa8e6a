"""The ``mkdocs-derivations`` command's entry point: the command line is imported inside a guard.

Why: importing the command line and the checker behind it takes about 150 ms, and a Ctrl-C in that time
reached the console script before ``cli.main`` could catch it, so it printed a Python traceback where an
interrupted check otherwise says so and exits 130. Only the standard library is imported before the guard.
"""

from __future__ import annotations

import sys

#: 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


def main() -> int:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        return interrupted()
    return run()


def interrupted() -> int:
    """Say that the command was interrupted, on standard error, and return its exit code."""
    sys.stderr.write("mkdocs-derivations: interrupted\n")
    return EXIT_INTERRUPTED

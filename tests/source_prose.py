"""Words of prose, and fingerprints of their runs, for telling a page's sentences from a source's.

The seed page follows a textbook section: its mathematics must be the book's, its sentences must not be. The
book's prose is not in this repository; only a fingerprint of each run of :data:`RUN` consecutive words
is (``tests/fixtures/source/*.shingles``, one hex digest per line), so a test can find a run the page
shares with the book without the repository holding the book's text. Run this file with the extract's path
to regenerate the fingerprints: ``python tests/source_prose.py SOURCE.md > tests/fixtures/source/NAME.shingles``.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator

# Six words: the shortest run that no sentence of the page should share with the book by accident
# (runs of four, "with respect to m", "the gradient of m", are common English of the subject).
RUN = 6
DIGEST_CHARS = 12  # 48 bits: a chance collision among ~10^3 runs on each side is about 10^-9

_DISPLAY = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]", re.S)
_INLINE = re.compile(r"\$[^$]+\$|\\\(.*?\\\)", re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The prose's words, lower-cased, with displayed equations and HTML tags left out and each inline
    formula one word ("m"): formulas are the book's on purpose, and a run such as "let m with m and m" is no
    echo."""
    text = _DISPLAY.sub(" ", text)
    text = _INLINE.sub(" m ", text)
    text = _TAG.sub(" ", text)
    return _WORD.findall(text.lower())


def runs(tokens: list[str]) -> Iterator[tuple[str, str]]:
    """Each run of :data:`RUN` words, as (the words, their fingerprint)."""
    for i in range(len(tokens) - RUN + 1):
        phrase = " ".join(tokens[i:i + RUN])
        yield phrase, fingerprint(phrase)


def fingerprint(phrase: str) -> str:
    return hashlib.sha256(phrase.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def _main(path: str) -> None:
    with open(path, encoding="utf-8") as source:
        digests = sorted({digest for _, digest in runs(words(source.read()))})
    sys.stdout.write("".join(f"{digest}\n" for digest in digests))


if __name__ == "__main__":
    _main(sys.argv[1])

"""The seed page against the textbook section it follows: the book's equations and structure, own prose.

The page reproduces a section of *Mathematics for Machine Learning* (the extract is kept outside this
repository). Its 19 displayed equations must be the book's, numbered as the book numbers them, sitting in
the same examples and remark; its sentences must be the project's. A change to the spec that alters an
equation (a factor moved, a transpose lost, an underbrace relabelled) or brings back the book's wording
fails here, whatever the checker says about it: a page can be proved and still not be the book's.

Verification is off: this is about what the page shows, not about its verdicts (test_seed_verdicts.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_derivations.checking import Checker
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.render import render_page
from site_support import ROOT, SEED
from source_prose import runs, words

SHINGLES = Path(__file__).parent / "fixtures" / "source" / "mml-5-2-2-multivariate-chain-rule.shingles"

# The extract's displayed equations, number -> TeX, as printed there.
BOOK: dict[str, str] = {
    "1": r"\text{Product Rule: } \frac{\partial}{\partial \mathbf{x}} (f(\mathbf{x})g(\mathbf{x})) = "
         r"\frac{\partial f}{\partial \mathbf{x}} g(\mathbf{x}) + f(\mathbf{x}) \frac{\partial g}{\partial \mathbf{x}}",
    "2": r"\text{Sum Rule: } \frac{\partial}{\partial \mathbf{x}} (f(\mathbf{x}) + g(\mathbf{x})) = "
         r"\frac{\partial f}{\partial \mathbf{x}} + \frac{\partial g}{\partial \mathbf{x}}",
    "3": r"\text{Chain Rule: } \frac{\partial}{\partial \mathbf{x}} (g \circ f)(\mathbf{x}) = "
         r"\frac{\partial}{\partial \mathbf{x}} (g(f(\mathbf{x}))) = \frac{\partial g}{\partial f} "
         r"\frac{\partial f}{\partial \mathbf{x}}",
    "4": r"\frac{df}{dt} = \begin{bmatrix} \frac{\partial f}{\partial x_1} & \frac{\partial f}{\partial x_2} "
         r"\end{bmatrix} \begin{bmatrix} \frac{\partial x_1(t)}{\partial t} \\ \frac{\partial x_2(t)}{\partial t} "
         r"\end{bmatrix} = \frac{\partial f}{\partial x_1} \frac{\partial x_1}{\partial t} + "
         r"\frac{\partial f}{\partial x_2} \frac{\partial x_2}{\partial t}",
    "5": r"\frac{df}{dt} = \frac{\partial f}{\partial x_1} \frac{\partial x_1}{\partial t} + "
         r"\frac{\partial f}{\partial x_2} \frac{\partial x_2}{\partial t}",
    "6": r"= 2 \sin t \frac{\partial \sin t}{\partial t} + 2 \frac{\partial \cos t}{\partial t}",
    "7": r"= 2 \sin t \cos t - 2 \sin t = 2 \sin t (\cos t - 1)",
    "8": r"\frac{df}{ds} = \frac{\partial f}{\partial x_1} \frac{\partial x_1}{\partial s} + "
         r"\frac{\partial f}{\partial x_2} \frac{\partial x_2}{\partial s},",
    "9": r"\frac{df}{dt} = \frac{\partial f}{\partial x_1} \frac{\partial x_1}{\partial t} + "
         r"\frac{\partial f}{\partial x_2} \frac{\partial x_2}{\partial t},",
    "10": r"\frac{df}{d(s, t)} = \frac{\partial f}{\partial \mathbf{x}} \frac{\partial \mathbf{x}}{\partial (s, t)} = "
          r"\underbrace{\begin{bmatrix} \frac{\partial f}{\partial x_1} & \frac{\partial f}{\partial x_2} "
          r"\end{bmatrix}}_{=\frac{\partial f}{\partial \mathbf{x}}} \underbrace{\begin{bmatrix} "
          r"\frac{\partial x_1}{\partial s} & \frac{\partial x_1}{\partial t} \\ \frac{\partial x_2}{\partial s} & "
          r"\frac{\partial x_2}{\partial t} \end{bmatrix}}_{=\frac{\partial \mathbf{x}}{\partial (s, t)}}.",
    "11": r"\mathbf{y} = \Phi \boldsymbol{\theta},",
    "12": r"L(e) := \|e\|^2,",
    "13": r"e(\boldsymbol{\theta}) := \mathbf{y} - \Phi \boldsymbol{\theta}.",
    "14": r"\frac{\partial L}{\partial \boldsymbol{\theta}} \in \mathbb{R}^{1 \times D}.",
    "15": r"\frac{\partial L}{\partial \boldsymbol{\theta}} = \frac{\partial L}{\partial \mathbf{e}} "
          r"\frac{\partial \mathbf{e}}{\partial \boldsymbol{\theta}}.",
    "16": r"\frac{\partial L}{\partial \mathbf{e}} = 2\mathbf{e}^\top \in \mathbb{R}^{1 \times N}.",
    "17": r"\frac{\partial \mathbf{e}}{\partial \boldsymbol{\theta}} = -\Phi \in \mathbb{R}^{N \times D},",
    "18": r"\frac{\partial L}{\partial \boldsymbol{\theta}} = -2\mathbf{e}^\top \Phi \stackrel{(13)}{=} "
          r"-\underbrace{2(\mathbf{y}^\top - \boldsymbol{\theta}^\top \Phi^\top)}_{1 \times N} "
          r"\underbrace{\Phi}_{N \times D} \in \mathbb{R}^{1 \times D}.",
    "19": r"L_2(\boldsymbol{\theta}) := \|\mathbf{y} - \boldsymbol{\Phi}\boldsymbol{\theta}\|^2 = "
          r"(\mathbf{y} - \boldsymbol{\Phi}\boldsymbol{\theta})^\top "
          r"(\mathbf{y} - \boldsymbol{\Phi}\boldsymbol{\theta}).",
}

# Where the page's typography knowingly differs from the extract, as (page, book). Nothing else may.
HOUSE_STYLE: list[tuple[str, str]] = [
    (r"\mathrm{d}", "d"),  # the differential d is set upright on every page of the site
    (r"\boldsymbol{\Phi}", r"\Phi"),  # the extract prints Φ bold in (19) only; the page, like θ, always
    (r"\mathbf{e}", "e"),  # the extract's e is bold from (15) on but not in (12) and (13); the page always
]
# Spacing and sizing that change nothing a reader could quote.
LAYOUT = [r"\quad", r"\bigl", r"\bigr", r"\,"]

# (5)-(7) in the first example, (11)-(18) in the second, (19) in the remark, as in the book.
CONTAINER = {**{n: "example" for n in (5, 6, 7)}, **{n: "example" for n in range(11, 19)}, 19: "remark"}


@pytest.fixture(scope="module")
def markdown() -> str:
    checker = Checker(CheckOptions(verify=False, jobs=1, cache_dir=None))
    try:
        [checked] = checker.check_paths([SEED], root=ROOT)
    finally:
        checker.close()
    assert checked.errors == []
    return render_page(checked).markdown


def displayed(markdown: str) -> dict[str, str]:
    """Each numbered display's TeX, by its number."""
    found = re.findall(r"\\\[(.*?)\\tag\{(\d+)\}\\\]", markdown, re.S)
    return {number: tex for tex, number in found}


def canonical(tex: str) -> str:
    """TeX with the page's house style and layout undone, its links and a chain's braces dropped, HTML
    escapes decoded and white space removed: two displays a reader would read alike compare equal."""
    tex = tex.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    tex = re.sub(r"\\href\{[^{}]*\}\{([^{}]*)\}", r"\1", tex)
    for page, book in HOUSE_STYLE:
        tex = tex.replace(page, book)
    for macro in LAYOUT:
        tex = tex.replace(macro, "")
    tex = _unbrace_start(tex.strip())
    return re.sub(r"\s+", "", tex)


def _unbrace_start(tex: str) -> str:
    """Drop the braces the renderer puts round a chain's first term ({\\frac…} = …) or before a continuing
    row's relation ({}= …), which MathJax shows as nothing."""
    if not tex.startswith("{"):
        return tex
    depth = 0
    for i, char in enumerate(tex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return tex[1:i] + tex[i + 1:]
    return tex


def containers(markdown: str) -> dict[int, str]:
    """For each numbered row, the kind of box it sits in ("example", "remark", or "" for none)."""
    where: dict[int, str] = {}
    stack: list[str] = []
    for tag in re.finditer(r"<div\b[^>]*>|</div>", markdown):
        text = tag.group(0)
        if text == "</div>":
            stack.pop()
            continue
        kind = re.search(r"deriv-(example|remark)\b", text)
        stack.append(kind.group(1) if kind else "")
        number = re.search(r'data-eq-number="(\d+)"', text)
        if number:
            where[int(number.group(1))] = next((k for k in reversed(stack) if k), "")
    return where


def test_the_page_shows_the_books_nineteen_equations(markdown: str) -> None:
    page = displayed(markdown)
    assert list(page) == [str(n) for n in range(1, 20)]
    differing = {n: (canonical(page[n]), canonical(book)) for n, book in BOOK.items()
                 if canonical(page[n]) != canonical(book)}
    assert differing == {}


def test_a_changed_factor_or_label_is_not_the_book_any_more() -> None:
    """The comparison is strict where it matters: order of factors, transposes, underbrace labels, the
    number over the relation, and punctuation."""
    book = canonical(BOOK["18"])
    for wrong in (BOOK["18"].replace(r"\Phi \stackrel", r"\Phi^\top \stackrel"),
                  BOOK["18"].replace(r"_{1 \times N}", r"_{N \times 1}"),
                  BOOK["18"].replace(r"\stackrel{(13)}", r"\stackrel{(12)}"),
                  BOOK["18"].replace(r"\in \mathbb{R}^{1 \times D}.", r"\in \mathbb{R}^{1 \times D},")):
        assert canonical(wrong) != book
    assert canonical(BOOK["15"].replace(r"\frac{\partial L}{\partial \mathbf{e}} \frac", r"\frac")) != \
        canonical(BOOK["15"])


def test_examples_and_remark_hold_the_books_equations(markdown: str) -> None:
    where = containers(markdown)
    assert sorted(where) == list(range(1, 20))
    assert {n: kind for n, kind in where.items() if kind} == CONTAINER
    examples = re.findall(r'<p class="admonition-title">Example: [^<]+</p>', markdown)
    assert len(examples) == 2 and markdown.count('<p class="admonition-title">Remark</p>') == 1
    # (5)-(7) are one example, (11)-(18) the other: the first example closes before (8).
    first_example = markdown.index(examples[0])
    second_example = markdown.index(examples[1])
    assert first_example < markdown.index('data-eq-number="5"') < markdown.index('data-eq-number="7"') \
        < markdown.index('data-eq-number="8"') < second_example < markdown.index('data-eq-number="11"')


def test_the_by_13_annotation_is_on_18_and_links_to_13(markdown: str) -> None:
    page = displayed(markdown)
    stacked = {n: re.findall(r"\\stackrel\{\\href\{#([^}]*)\}\{\((\d+)\)\}\}", tex) for n, tex in page.items()}
    assert {n: found for n, found in stacked.items() if found} == {"18": [("eq-residual-def", "13")]}
    assert 'id="eq-residual-def" data-eq-number="13"' in markdown


def test_the_footnote_hangs_on_the_cancelling_mnemonic_between_3_and_4(markdown: str) -> None:
    references = [m.start() for m in re.finditer(r"\[\^fraction\](?!:)", markdown)]
    assert len(references) == 1 and markdown.count("[^fraction]:") == 1
    assert markdown.index('data-eq-number="3"') < references[0] < markdown.index('data-eq-number="4"')
    assert re.findall(r"\[\^(\w+)\]:", markdown) == ["fraction"]


def page_prose(markdown: str) -> str:
    """What a reader reads as sentences: the page without its displays and verdict details."""
    markdown = re.sub(r"<details\b.*?</details>", " ", markdown, flags=re.S)
    return re.sub(r'<div class="arithmatex"[^>]*>.*?</div>', " ", markdown, flags=re.S)


def test_no_six_word_run_of_the_pages_prose_is_the_books(markdown: str) -> None:
    book = set(SHINGLES.read_text(encoding="utf-8").split())
    assert len(book) > 400  # the fingerprints are there (an empty file would pass anything)
    echoes = sorted({phrase for phrase, digest in runs(words(page_prose(markdown))) if digest in book})
    assert echoes == []


def test_the_echo_check_finds_a_sentence_of_the_book() -> None:
    """The fingerprints are the book's: a phrase it prints (the footnote's, quoted in the commit that
    reworded it) is found, and the same thought in other words is not."""
    book = set(SHINGLES.read_text(encoding="utf-8").split())
    quoted = "the partial derivative is not a fraction"
    assert any(digest in book for _, digest in runs(words(quoted)))
    reworded = "a factor such as $\\partial g / \\partial f$ is one symbol, not a quotient of two quantities"
    assert not any(digest in book for _, digest in runs(words(reworded)))

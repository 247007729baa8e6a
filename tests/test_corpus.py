"""The verifier's corpus: deliberately wrong steps must be refuted, tricky true steps accepted.

The cases live in ``tests/corpus/*.yml`` (see ``tests/corpus/README.md``), one ``math`` block per case whose
``label`` names it. The file name says what is expected:

* ``false-*.yml``: every ``=`` step is false and must be **refuted** (with a counterexample);
* ``true-*.yml``: every ``=`` step is true and must be accepted (``proved``, ``proved-all`` or ``sizes``;
  ``numeric`` only for the cases in :data:`NUMERIC_ONLY`, where no symbolic route exists);
* ``undefined-*.yml``: every ``=`` step has a side with no value anywhere (it divides by something that is
  0 everywhere) and must be an error, "the left/right side is undefined", never verified nor refuted;
* ``shape-*.yml``: a false step with a shape mismatch, and ``sizes-*.yml``: a false step with hand-written
  ``sizes`` under which it would pass; both must stop loading with a located error at exactly the
  ``path:line:column`` given in :data:`LOAD_ERRORS`.

The checker runs once per module (in its worker pool, like the CLI), then each case is one test. Cases the
checker gets wrong today are strict ``xfail``s in :data:`KNOWN_ISSUES` with the diagnosis, so the suite
stays meaningful and turns red the day a fix lands without the mark being removed.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import pytest

from mkdocs_derivations import model
from mkdocs_derivations.checked import CheckedSpec
from mkdocs_derivations.checking import Checker
from mkdocs_derivations.errors import display_path
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.spec import load_spec
from mkdocs_derivations.verdict import Verdict

pytestmark = pytest.mark.slow  # the whole corpus takes ~15 s on two workers

CORPUS = Path(__file__).parent / "corpus"
ACCEPTED = frozenset({"proved", "proved-all", "sizes"})
MIN_FALSE = 45
MIN_TRUE = 25

#: True cases for which ``numeric`` (agreement at sample points, evidence only) is the expected verdict,
#: because no symbolic route in the checker (or in SymPy) closes them. Keep this list short and explained.
NUMERIC_ONLY: dict[str, str] = {
    "atan-reciprocal-positive": (
        "atan x + atan(1/x) = pi/2 for x > 0: simplify, trigsimp and fu leave it unchanged, rewrite(log) "
        "does not cancel, and equals() answers False (VERIFICATION-FINDINGS.md); the only proof is "
        "'derivative 0 on a connected domain + one exact value', which the checker does not attempt"
    ),
    "sign-at-a-heptagon-zero": (
        "cos(pi/7) + cos(3pi/7) + cos(5pi/7) = 1/2 is a fact about 14th roots of unity that no simplification "
        "the checker tries reaches; the case is here so that the sign of that hidden 0 is never read as 1"
    ),
}

#: True cases whose verdict must carry exactly these notes (what the page tells the reader about the proof;
#: a note that is not true of the proof is as wrong as a missing one).
EXPECTED_NOTES: dict[str, list[str]] = {
    "gradient-cites-residual": [],
    "gradient-cites-wrong-definition": ["also uses the definition of `e`"],
    "derivative-of-cited-definition": [],
    # def-h is not needed, and the derivative substitutes g's definition (it always does): both notes.
    "derivative-cites-unrelated-definition": ["holds even without the cited definition",
                                              "also uses the definition of `g`"],
    "jacobian-through-uncited-definition": ["also uses the definition of `q`"],
}

#: Cases the checker gets wrong today (strict xfail): label -> diagnosis. See tests/corpus/README.md.
KNOWN_ISSUES: dict[str, str] = {}

#: shape-*.yml and sizes-*.yml file -> (``line:column`` of the one load error, a substring of its message).
LOAD_ERRORS: dict[str, tuple[str, str]] = {
    "shape-missing-transpose.yml": ("16:11", "the two sides have different shapes"),
    "shape-phi-order.yml": ("19:41", "cannot multiply 1×D by N×D"),
    "shape-jacobian-order-nonsquare.yml": ("17:11", "the two sides have different shapes"),
    "shape-chain-rule-order.yml": ("20:33", "cannot multiply m×n by k×m"),
    "shape-vector-sum.yml": ("15:19", "cannot add N×1 and D×1"),
    "shape-inverse-nonsquare.yml": ("18:23", "inv() needs a square matrix"),
    "shape-gradient-as-column.yml": ("17:11", "the two sides have different shapes"),
    "shape-push-through-identity-size.yml": ("18:36", "cannot add N×N and D×D: shapes differ"),
    "sizes-single-size-1.yml": ("13:7", "`sizes` needs at least two size assignments"),
    "sizes-all-size-1.yml": ("13:7", "`sizes` gives N only the value 1; give it at least two"),
    "sizes-commutator-sizes-2-and-1.yml": ("15:7", "`sizes` gives N only the values 1 and 2; give it at"),
    "sizes-transpose-product-sizes-1-and-2.yml": ("14:7", "`sizes` gives N only the values 1 and 2; give"),
}
LOAD_ERROR_KINDS = ("shape", "sizes")


# ------------------------------------------------------------------------------------- case discovery


@dataclass(frozen=True)
class Case:
    file: str
    label: str
    expect: str  # "false", "true" or "undefined"


def _math_blocks(blocks: list[model.Block]) -> list[model.MathBlock]:
    out: list[model.MathBlock] = []
    for block in blocks:
        if isinstance(block, model.MathBlock):
            out.append(block)
        elif isinstance(block, model.Container):
            out.extend(_math_blocks(block.blocks))
    return out


def _discover() -> list[Case]:
    """Every labelled math block with an ``=`` step in the false-/true- files (parsed without SymPy)."""
    cases: list[Case] = []
    for path in sorted(CORPUS.glob("*.yml")):
        expect = path.name.split("-", 1)[0]
        if expect in LOAD_ERROR_KINDS:
            continue
        assert expect in {"false", "true", "undefined"}, (
            f"{path.name}: corpus files start with false-, true-, undefined-, shape- or sizes-")
        for block in _math_blocks(load_spec(path).blocks):
            if not any(step.rel == "=" and not step.given for step in block.steps):
                continue  # a definition block that cases cite
            assert block.label is not None, f"{path.name}:{block.location.line}: a case needs a label"
            assert len(block.steps) == 1, f"{path.name}: case {block.label.value} must have exactly one step"
            cases.append(Case(path.name, block.label.value, expect))
    return cases


CASES = _discover()
LOAD_ERROR_FILES = sorted(p.name for kind in LOAD_ERROR_KINDS for p in CORPUS.glob(f"{kind}-*.yml"))


def _params(expect: str) -> list[object]:
    out: list[object] = []
    for case in CASES:
        if case.expect != expect:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_ISSUES[case.label])] if case.label in KNOWN_ISSUES else []
        out.append(pytest.param(case, id=case.label, marks=marks))
    return out


# ---------------------------------------------------------------------------------------------- running


@dataclass
class Results:
    specs: dict[str, CheckedSpec]  # by file name
    verdicts: dict[str, Verdict]  # by case label (the `=` claims only)


@pytest.fixture(scope="module")
def results() -> Results:
    checker = Checker(CheckOptions(jobs=2, cache_dir=None, time_limit_s=30))
    try:
        checked = checker.check_paths(sorted(CORPUS.glob("*.yml")))
    finally:
        checker.close()
    specs = {c.path.name: c for c in checked}
    verdicts: dict[str, Verdict] = {}
    for spec in checked:
        if spec.layout is None:
            continue
        for row in spec.layout.rows:
            for index in row.claims:
                if spec.layout.claims[index].kind == "equal" and row.label is not None:
                    assert row.label not in verdicts, f"label {row.label} is used twice in the corpus"
                    verdicts[row.label] = spec.verdicts[index]
    return Results(specs, verdicts)


def _describe(verdict: Verdict) -> str:
    return f"{verdict.status} ({verdict.method}): {verdict.detail}"


# ------------------------------------------------------------------------------------------------ cases


@pytest.mark.parametrize("case", _params("false"))
def test_false_step_is_refuted(results: Results, case: Case) -> None:
    spec = results.specs[case.file]
    assert not spec.errors, [str(e) for e in spec.errors]
    verdict = results.verdicts[case.label]
    assert verdict.status == "refuted", f"{case.file} [{case.label}] was not refuted: {_describe(verdict)}"
    assert verdict.counterexample, f"{case.label}: a refutation must come with a counterexample"


@pytest.mark.parametrize("case", _params("true"))
def test_true_step_is_accepted(results: Results, case: Case) -> None:
    spec = results.specs[case.file]
    assert not spec.errors, [str(e) for e in spec.errors]
    verdict = results.verdicts[case.label]
    allowed = ACCEPTED | ({"numeric"} if case.label in NUMERIC_ONLY else set())
    assert verdict.status in allowed, f"{case.file} [{case.label}] was not accepted: {_describe(verdict)}"
    if case.label in EXPECTED_NOTES:
        assert verdict.notes == EXPECTED_NOTES[case.label]


@pytest.mark.parametrize("case", _params("undefined"))
def test_undefined_side_is_an_error(results: Results, case: Case) -> None:
    spec = results.specs[case.file]
    assert not spec.errors, [str(e) for e in spec.errors]
    verdict = results.verdicts[case.label]
    assert (verdict.status, verdict.method) == ("error", "undefined value"), (
        f"{case.file} [{case.label}] was not found undefined: {_describe(verdict)}")
    assert verdict.detail.startswith(("the left side is undefined", "the right side is undefined")), verdict.detail


# Shape errors inside the start term itself (not between the two sides), named `start`.
START_TERM_ERRORS = {"shape-vector-sum.yml"}


@pytest.mark.parametrize("name", LOAD_ERROR_FILES)
def test_false_step_is_a_located_load_error(results: Results, name: str) -> None:
    """A shape mismatch (or sizes that would hide a false step) stops the block with a located error."""
    assert name in LOAD_ERRORS, f"{name}: add its expected line:column and message to LOAD_ERRORS"
    where, message = LOAD_ERRORS[name]
    spec = results.specs[name]
    assert len(spec.errors) == 1, [str(e) for e in spec.errors]
    err = spec.errors[0]
    assert str(err.location) == f"{display_path(CORPUS / name)}:{where}", str(err)
    assert message in err.message
    # ... and names the term (a shape error: the start term's own, or step 1's) or the block (a sizes error)
    # for a reader of a CI log.
    math = load_spec(CORPUS / name).blocks[0]
    assert isinstance(math, model.MathBlock) and math.label is not None
    block = f"block 1 (math '{math.label.value}')"
    term = "start" if name in START_TERM_ERRORS else "step 1"
    assert err.where == (f"{block}, {term}" if name.startswith("shape-") else block), str(err)
    # The failing block keeps its rows, but each of its claims is an error that the error stopped: nothing
    # about it can be shown as checked.
    assert spec.layout is not None and spec.layout.claims and spec.layout.rows
    assert all(claim.kind == "error" and spec.verdict(index).status == "error"
               for index, claim in enumerate(spec.layout.claims))


# --------------------------------------------------------------------------------------- corpus as a whole


def test_corpus_is_big_enough() -> None:
    """Deleting cases must fail the suite; known issues do not count towards the minimum."""
    false = [c for c in CASES if c.expect == "false" and c.label not in KNOWN_ISSUES]
    true = [c for c in CASES if c.expect == "true" and c.label not in KNOWN_ISSUES]
    assert len(false) + len(LOAD_ERROR_FILES) >= MIN_FALSE, (len(false), len(LOAD_ERROR_FILES))
    assert len(true) >= MIN_TRUE, len(true)
    assert set(LOAD_ERRORS) == set(LOAD_ERROR_FILES)


def test_labels_are_unique_and_lists_are_current() -> None:
    labels = [c.label for c in CASES]
    assert len(labels) == len(set(labels)), "every case label must be unique across the corpus"
    stale = (set(NUMERIC_ONLY) | set(EXPECTED_NOTES) | set(KNOWN_ISSUES)) - set(labels)
    assert not stale, f"lists name cases that no longer exist: {sorted(stale)}"


def test_every_case_got_a_verdict(results: Results) -> None:
    missing = [c.label for c in CASES if c.label not in results.verdicts]
    assert not missing


def test_claims_are_fast(results: Results) -> None:
    """The 14-fraction sum (simplify alone takes > 10 s, the time limit) is decided well within the limit.

    Bounds are loose on purpose (wall-clock time in a worker on a shared machine): they catch a checker
    that runs simplify first, not noise. Typical: median ~0.05 s, the 14 fractions ~1.5 s.
    """
    seconds = [v.seconds for v in results.verdicts.values()]
    assert statistics.median(seconds) < 1.0, statistics.median(seconds)
    assert results.verdicts["fourteen-fractions-together"].seconds < 8.0

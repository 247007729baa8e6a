"""The Python-Markdown extension: ``!derivation spec.yml`` includes a checked page in plain Markdown.

Driven with ``markdown.markdown(...)`` only (no MkDocs), as a site generator without MkDocs plugins
(Zensical) would run it. The specs are tiny scalar ones so that SymPy answers in well under a second.
"""

from __future__ import annotations

import html as html_module
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from mkdocs_derivations.markdown_ext import DerivationProblems, DerivationsExtension

# The extensions the generated Markdown is written for (the same list mkdocs.yml enables).
HOST_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "pymdownx.details", "pymdownx.arithmatex"]

GOOD = """\
version: 1
title: Two small identities
blocks:
  - text: The square {eq:square}; the other page has the cube {eq:other#cube}.
  - math:
      symbols:
        x: real
      start:
        tex: '(x + 1)^2'
        sympy: '(x + 1)**2'
      steps:
        - tex: 'x^2 + 2 x + 1'
          sympy: 'x**2 + 2*x + 1'
          label: square
"""

OTHER = """\
version: 1
title: The other page
blocks:
  - math:
      symbols:
        y: real
      start:
        tex: '(y - 1)^3'
        sympy: '(y - 1)**3'
      steps:
        - tex: 'y^3 - 3 y^2 + 3 y - 1'
          sympy: 'y**3 - 3*y**2 + 3*y - 1'
          label: cube
"""

WRONG = """\
version: 1
title: A wrong step
blocks:
  - math:
      symbols:
        x: real
      start:
        tex: '(x + 1)^2'
        sympy: '(x + 1)**2'
      steps:
        - tex: 'x^2 + 1'
          sympy: 'x**2 + 1'
"""


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    folder = tmp_path / "derivations"
    folder.mkdir()
    (folder / "good.yml").write_text(GOOD, encoding="utf-8")
    (folder / "other.yml").write_text(OTHER, encoding="utf-8")
    (folder / "wrong.yml").write_text(WRONG, encoding="utf-8")
    return tmp_path


def convert(text: str, base: Path, **options: object) -> str:
    ext = DerivationsExtension(base_dir=str(base), cache_dir="", **{"jobs": 1, **options})
    return markdown.markdown(text, extensions=[ext, *HOST_EXTENSIONS],
                             extension_configs={"pymdownx.arithmatex": {"generic": True}})


def test_includes_a_checked_page_with_tags_and_badges(specs: Path) -> None:
    html = convert("# Notes\n\nBefore.\n\n!derivation derivations/good.yml\n\nAfter.\n", specs)
    assert "<h1>Notes</h1>" in html and "<p>Before.</p>" in html and "<p>After.</p>" in html
    assert "<h1>Two small identities</h1>" in html
    assert re.findall(r"\\tag\{(\d+)\}", html) == ["1"]
    row = re.search(r'<div class="deriv-eq deriv-(\w[\w-]*)" id="eq-square" data-eq-number="1">', html)
    assert row is not None and row.group(1) in {"proved", "proved-all"}
    assert '<span class="deriv-badge" title="proved" aria-hidden="true">✓</span>' in html
    assert "1 of 1 equation machine-checked: 1 proved." in html
    # References: same page and (loaded, not checked) sibling page, rendered as links.
    assert '<a class="deriv-ref" href="#eq-square">(1)</a>' in html
    assert '<a class="deriv-ref deriv-ref-page" href="other.md#eq-cube">(1)</a>' in html
    assert "{eq:" not in html and "!derivation" not in html
    assert "derivations-" not in html  # the sanitiser's markers are gone


def test_a_directive_inside_a_code_fence_stays_text(specs: Path) -> None:
    html = convert("```\n!derivation derivations/good.yml\n```\n", specs)
    assert "!derivation derivations/good.yml" in html
    assert "deriv-eq" not in html


def test_a_refuted_step_is_shown_and_reported(specs: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
        html = convert("!derivation derivations/wrong.yml\n", specs)
    assert 'class="deriv-eq deriv-refuted"' in html
    assert any("refuted" in r.getMessage() for r in caplog.records)
    with pytest.raises(DerivationProblems, match="refuted"):
        convert("!derivation derivations/wrong.yml\n", specs, strict=True)


def test_paths_must_stay_inside_base_dir(specs: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
        html = convert("!derivation ../outside.yml\n\n!derivation derivations/missing.yml\n", specs / "derivations")
    assert html.count("This derivation has errors") == 2
    assert "leaves base_dir" in html and "no spec file" in html
    assert len(caplog.records) == 2


def test_a_link_loop_is_an_error_box_not_a_crash(specs: Path, caplog: pytest.LogCaptureFixture) -> None:
    (specs / "derivations" / "loop.yml").symlink_to(specs / "derivations" / "loop.yml")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
        html = convert("!derivation derivations/loop.yml\n", specs)
    assert html.count("This derivation has errors") == 1
    assert "`!derivation derivations/loop.yml`: the path cannot be followed: Symlink loop" in html
    assert len(caplog.records) == 1


def test_loads_by_name_as_python_markdown_extensions_do(specs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(specs)
    html = markdown.markdown("!derivation derivations/other.yml\n",
                             extensions=["mkdocs_derivations.markdown_ext", *HOST_EXTENSIONS],
                             extension_configs={"mkdocs_derivations.markdown_ext": {"cache_dir": ""}})
    assert re.findall(r"\\tag\{(\d+)\}", html) == ["1"]
    assert "deriv-badge" in html


@pytest.mark.slow
def test_a_warning_of_the_extension_fails_a_strict_mkdocs_build(specs: Path) -> None:
    """The extension listed under ``markdown_extensions`` of a MkDocs site (no plugin): its warnings must
    reach MkDocs' strict-mode counter, which counts only the ``mkdocs`` logger tree."""
    (specs / "docs").mkdir()
    (specs / "docs" / "index.md").write_text("# Home\n\n!derivation derivations/wrong.yml\n", encoding="utf-8")
    (specs / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n"
        + "".join(f"  - {name}\n" for name in HOST_EXTENSIONS[:-1])
        + "  - pymdownx.arithmatex: {generic: true}\n"
        + f"  - mkdocs_derivations.markdown_ext: {{base_dir: '{specs}', cache_dir: '', jobs: 1}}\n",
        encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=specs, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "derivations/wrong.yml" in result.stderr and "refuted" in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr


@pytest.mark.parametrize(("option", "value", "problem"), [
    ("time_limit", 0, "option 'time_limit': must be a number of seconds from 0.1 to 3600"),
    ("time_limit", 1e300, "option 'time_limit': must be a number of seconds from 0.1 to 3600"),
    ("page_time_limit", 0.01, "option 'page_time_limit': must be a number of seconds from 0.1 to 86400"),
    ("jobs", -1, "option 'jobs': must be 0 (one worker per CPU core) or a number of workers from 1 to 64"),
    ("jobs", 100000, "option 'jobs': must be 0 (one worker per CPU core) or a number of workers from 1 to 64"),
    ("memory_limit_mb", "lots", "option 'memory_limit_mb': must be a whole number"),
])
def test_an_option_out_of_bounds_is_reported_not_raised_from_the_pool(
        specs: Path, caplog: pytest.LogCaptureFixture, option: str, value: object, problem: str) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
        html = convert("!derivation derivations/good.yml\n", specs, **{option: value})
    assert "This derivation has errors" in html and problem in html_module.unescape(html)
    assert [r.getMessage() for r in caplog.records] == [f"mkdocs_derivations.markdown_ext: {problem}"]
    with pytest.raises(DerivationProblems, match=re.escape(problem)):
        convert("!derivation derivations/good.yml\n", specs, strict=True, **{option: value})


def test_jobs_0_means_one_worker_per_core_and_a_page_starts_only_the_workers_it_needs(
        specs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    ext = DerivationsExtension(base_dir=str(specs), cache_dir="", jobs=0)
    assert ext.checker().options.jobs == 3
    assert DerivationsExtension(base_dir=str(specs), cache_dir="").checker().options.jobs == 3  # the default
    checker = ext.checker()
    [checked] = checker.check_loaded([checker.load(specs / "derivations" / "good.yml", specs)])
    assert checked.verdict(0).status in {"proved", "proved-all"}
    assert checker._pool is not None and len(checker._pool.worker_pids()) == 1  # one claim: one SymPy import
    checker.close()


def test_an_unreadable_spec_folder_is_an_error_box(specs: Path, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    import errno
    import os

    def iterdir(self: Path) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "iterdir", iterdir)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.derivations"):
        html = convert("!derivation derivations/good.yml\n", specs)
    message = f"`!derivation derivations/good.yml`: cannot read the folder {specs / 'derivations'}: Permission denied"
    assert "This derivation has errors" in html and message in html_module.unescape(html)
    assert [r.getMessage() for r in caplog.records] == [message]

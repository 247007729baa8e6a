"""End-to-end builds through MkDocs: the real site, strict-mode failures, and serve-style rebuilds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import site_support
from site_support import mkdocs_yml

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

GOOD = site_support.TINY_SPEC
WRONG = GOOD.replace("'2*sin(t)*cos(t)'", "'2*sin(t)'")
BROKEN = GOOD.replace("symbols:", "symbolz:")

MKDOCS_YML = mkdocs_yml()


def make_site(tmp_path: Path, specs: dict[str, str]) -> Path:
    return site_support.make_site(tmp_path, specs)


def mkdocs_build(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=site, env=env,
                          capture_output=True, text=True, timeout=600)


def test_real_site_builds_strict_and_offline(tmp_path: Path) -> None:
    site = tmp_path / "repo"
    site.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", site)
    shutil.copytree(ROOT / "docs", site / "docs")
    shutil.copytree(ROOT / "derivations", site / "derivations")
    result = mkdocs_build(site, "--strict", "-d", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    page = (out / "derivations" / "mml-5-2-2-multivariate-chain-rule" / "index.html").read_text()
    assert "16 of 19 equations machine-checked" in page
    home = (out / "index.html").read_text()  # the total is filled in after checking, into the final HTML
    total = re.search(r"\d+ derivations, \d+ claims[^<]*", home)
    assert total is not None and "derivations:site-total" not in home
    assert total.group().startswith("10 derivations, 238 claims: 214 machine-checked"), total.group()
    assert (out / "assets" / "mathjax" / "tex-chtml-full.js").is_file()
    assert list((out / "assets" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    dashboard = (out / "derivations" / "dashboard" / "index.html").read_text()
    assert "<strong>238</strong>" in dashboard and "214 machine-checked" in dashboard
    graph = (out / "derivations" / "graph" / "index.html").read_text()
    assert "deriv-node deriv-node-verified" in graph and 'fill="#e8f5e9"' in graph
    for html in out.rglob("*.html"):
        text = html.read_text(errors="replace")
        assert "derivslot-" not in text, html  # every verdict placeholder was filled
        for cdn in ("unpkg.com", "jsdelivr.net", "cdnjs.", "polyfill.io", "fonts.googleapis"):
            assert cdn not in text, (html, cdn)
    assert "derivslot-" not in (out / "search" / "search_index.json").read_text()  # comments are not indexed


def test_strict_build_fails_on_a_refuted_step_names_it_and_keeps_the_previous_site(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": GOOD})
    assert mkdocs_build(site, "--strict").returncode == 0
    (site / "derivations" / "wrong.yml").write_text(WRONG)
    strict = mkdocs_build(site, "--strict")
    assert strict.returncode != 0
    # the whole warning: the step's file, line and column, equation, block (the text is block 1), step
    assert ("WARNING -  derivations/wrong.yml:11:11: equation (1), block 2 (math 'tiny'), step 1: refuted: at "
            "t = 89/33: left side = -0.776596895356417, right side = 0.860235052671281") in strict.stderr.splitlines()
    # MkDocs aborts after the last build event: the rejected pages must not have replaced the site.
    assert (site / "site" / "derivations" / "good" / "index.html").exists()
    assert not (site / "site" / "derivations" / "wrong").exists()
    assert [p.name for p in site.iterdir() if p.name.startswith("site")] == ["site"]
    relaxed = mkdocs_build(site)
    assert relaxed.returncode == 0, relaxed.stderr
    good_page = (site / "site" / "derivations" / "good" / "index.html").read_text()
    wrong_page = (site / "site" / "derivations" / "wrong" / "index.html").read_text()
    assert "deriv-eq deriv-proved" in good_page
    assert "deriv-eq deriv-refuted" in wrong_page and "Counterexample" in wrong_page


def test_broken_spec_gets_an_error_page_and_other_pages_survive(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": GOOD, "broken.yml": BROKEN})
    result = mkdocs_build(site)
    assert result.returncode == 0
    assert "derivations/broken.yml:3:1:" in result.stderr
    broken = (site / "site" / "derivations" / "broken" / "index.html").read_text()
    assert "deriv-load-error" in broken and "did you mean" in broken
    assert "deriv-proved" in (site / "site" / "derivations" / "good" / "index.html").read_text()


def test_contributor_text_cannot_start_a_line_of_the_build_log(tmp_path: Path) -> None:
    """A CI job that runs ``mkdocs build`` on a pull request gets its log read by GitHub Actions as the CLI's
    report is: the newline of a symbol name shows as ``\\n`` in the warning and on the error page."""
    forged = "::error file=a.yml,line=1::forged"
    # (an escaped ESC is refused by the reader now; a line break in a key is not, being plain YAML)
    injected = GOOD.replace("  t: real\n", f'  t: real\n  "x\\n{forged}": real\n')
    site = make_site(tmp_path, {"a.yml": injected})
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    assert not [ln for ln in result.stderr.splitlines() if ln.startswith("::")]
    assert f"symbol name `x\\n{forged}` is not a valid name" in result.stderr
    page = (site / "site" / "derivations" / "a" / "index.html").read_text()
    assert f"symbol name `x\\n{forged}` is not a valid name" in page


def test_a_block_with_an_error_keeps_its_number_and_anchor_in_the_built_site(tmp_path: Path) -> None:
    """The serve audit: a shape mismatch made its block vanish, the next number skip and a reference lead
    to an anchor MkDocs could not find. The block stays, marked as not checked, and the link resolves."""
    after = "  - math:\n      label: after\n      start: {tex: c, sympy: 't'}\n      steps: [{tex: d, sympy: 't'}]\n"
    site = make_site(tmp_path, {"good.yml": (GOOD + after).replace("'2*sin(t)*cos(t)'", "'2*sin(t)*cos(zz)'")})
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    assert "undeclared symbol `zz`" in result.stderr and "no such anchor" not in result.stderr
    page = (site / "site" / "derivations" / "good" / "index.html").read_text()
    assert re.findall(r"\\tag\{(\d+)\}", page) == ["1", "2"]
    assert 'class="deriv-eq deriv-error" id="eq-tiny" data-eq-number="1"' in page
    assert "not checked: error in the spec" in page and 'id="deriv-errors"' in page
    assert 'href="#eq-tiny">(1)</a>' in page and 'class="deriv-eq deriv-proved" id="eq-after"' in page


def test_serve_style_rebuilds_show_then_clear_the_error_and_reverify_only_the_edit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = make_site(tmp_path, {"good.yml": GOOD, "other.yml": GOOD.replace("Tiny", "Other")})
    monkeypatch.chdir(site)
    config = load_config(str(site / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["derivations"]
    try:
        build(config)
        checker = plugin._checker
        assert checker is not None
        first = checker.checked_claims
        assert first == 1  # identical claims on two pages are checked once

        (site / "derivations" / "good.yml").write_text(BROKEN)
        build(config)
        page = (site / "site" / "derivations" / "good" / "index.html").read_text()
        assert "deriv-load-error" in page
        assert "deriv-proved" in (site / "site" / "derivations" / "other" / "index.html").read_text()

        (site / "derivations" / "good.yml").write_text(GOOD.replace("2*sin(t)*cos(t)", "sin(2*t)"))
        build(config)
        page = (site / "site" / "derivations" / "good" / "index.html").read_text()
        assert "deriv-load-error" not in page and "deriv-proved" in page
        assert plugin._checker is checker and checker.checked_claims == first + 1
    finally:
        config.plugins.on_shutdown()


def test_a_dirty_rebuild_updates_the_site_total_on_a_hand_written_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --dirty` rebuilds only the pages whose source changed: the home page's total was the earlier
    build's after a spec was edited. A page without the marker is still left alone."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = make_site(tmp_path, {"good.yml": GOOD})
    (site / "docs" / "index.md").write_text("# Home\n\n<!-- derivations:site-total -->\n")
    (site / "docs" / "plain.md").write_text("# Plain\n")
    monkeypatch.chdir(site)
    config = load_config(str(site / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)
    home, plain = site / "site" / "index.html", site / "site" / "plain" / "index.html"
    try:
        build(config, dirty=True)
        assert "none refuted" in home.read_text()
        plain_written = plain.stat().st_mtime_ns
        (site / "derivations" / "good.yml").write_text(GOOD.replace("'2*sin(t)*cos(t)'", "'2*sin(t)'"))
        build(config, dirty=True)
        assert "1 refuted" in home.read_text(), home.read_text()
        assert plain.stat().st_mtime_ns == plain_written
        assert config.plugins["derivations"]._dirty
    finally:
        config.plugins.on_shutdown()


def test_serve_style_rebuilds_show_a_second_file_for_a_page_then_clear_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The serve audit's steps: `audit.yaml` added beside `audit.yml` while serving, then removed again. The
    error must show on the page and the dashboard at once, and go with the file (nothing kept between
    rebuilds may carry it over)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = make_site(tmp_path, {"audit.yml": GOOD})
    monkeypatch.chdir(site)
    config = load_config(str(site / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    page, dashboard = (site / "site" / "derivations" / name / "index.html" for name in ("audit", "dashboard"))
    try:
        build(config)
        assert "deriv-load-error" not in page.read_text()
        (site / "derivations" / "audit.yaml").write_text(GOOD.replace("Tiny", "Other"))
        build(config)
        assert "derivations/audit.yaml:1: `derivations/audit.yml` also makes the page `audit`" in page.read_text()
        assert "Specs that make no page" in dashboard.read_text()
        (site / "derivations" / "audit.yaml").unlink()
        build(config)
        assert "deriv-load-error" not in page.read_text() and "deriv-load-error" not in dashboard.read_text()
        assert "none refuted." in dashboard.read_text()
    finally:
        config.plugins.on_shutdown()


def test_serve_logs_an_unreadable_specs_folder_and_recovers_when_it_can_be_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """`mkdocs serve` keeps running after a rebuild fails, so the folder that cannot be listed is one
    logged error (no traceback, no derivation pages), and the next rebuild after it is fixed has them."""
    import errno
    import logging
    import os

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from mkdocs_derivations import plugin as plugin_module

    site = make_site(tmp_path, {"good.yml": GOOD})
    monkeypatch.chdir(site)
    config = load_config(str(site / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)

    def unreadable(folder: Path) -> list[Path]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))

    try:
        with monkeypatch.context() as patched:
            patched.setattr(plugin_module, "find_specs", unreadable)
            with caplog.at_level(logging.ERROR, logger="mkdocs.plugins.derivations"):
                build(config)
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
            "derivations: specs_dir: cannot read the folder derivations: Permission denied; no derivation "
            "pages until it can be read"]
        assert not (site / "site" / "derivations" / "good").exists()
        build(config)
        assert "deriv-proved" in (site / "site" / "derivations" / "good" / "index.html").read_text()
    finally:
        config.plugins.on_shutdown()


def test_a_build_killed_half_way_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    import signal
    import time

    site = make_site(tmp_path, {"good.yml": GOOD})
    assert mkdocs_build(site).returncode == 0
    index = site / "site" / "derivations" / "good" / "index.html"
    before = index.read_text()
    # A hook that runs after every page is written (into the staging folder), then stalls: the test kills
    # the build there, the worst moment for a build that writes into site_dir directly.
    (site / "stall.py").write_text(
        "import pathlib, time\n"
        "def on_post_build(config):\n"
        "    pathlib.Path('written.marker').write_text(config.site_dir)\n"
        "    time.sleep(60)\n"
    )
    (site / "mkdocs.yml").write_text(MKDOCS_YML + "hooks:\n  - stall.py\n")
    (site / "derivations" / "good.yml").write_text(GOOD.replace("Tiny", "Changed title"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build"], cwd=site, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = site / "written.marker"
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert marker.exists(), "the build never reached the end of writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert marker.read_text().endswith(".derivations-staging")  # the new pages went elsewhere
    assert index.read_text() == before  # the previous site is untouched
    # The next build cleans up the leftover staging folder and swaps in the new site.
    (site / "mkdocs.yml").write_text(MKDOCS_YML)
    assert mkdocs_build(site).returncode == 0
    assert "Changed title" in index.read_text()
    assert not (site / ("site" + ".derivations-staging")).exists()


def test_an_internal_error_costs_one_page_not_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs_derivations import checking, options

    def explode(spec: object) -> object:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(checking, "build_layout", explode)
    checker = checking.Checker(options.CheckOptions(jobs=1, cache_dir=None))
    site = make_site(tmp_path, {"good.yml": GOOD})
    [checked] = checker.check_paths([site / "derivations" / "good.yml"])
    checker.close()
    [error] = checked.errors
    assert "internal error while loading this spec (ZeroDivisionError: simulated bug)" in error.message


def test_page_name_collisions_are_warnings_not_silent_replacements(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": GOOD, "dashboard.yml": GOOD.replace("Tiny", "Mine")})
    (site / "docs" / "derivations").mkdir(parents=True)
    (site / "docs" / "derivations" / "good.md").write_text("# Hand-written\n")
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    problem = "derivations/dashboard.yml:1: `dashboard` is the name of a page the plugin generates"
    assert problem in result.stderr
    assert "derivations/good.md: the page generated from the spec `good` replaces this hand-written page" \
        in result.stderr
    dashboard = (site / "site" / "derivations" / "dashboard" / "index.html").read_text()
    assert "Verification dashboard" in dashboard and "Mine" not in dashboard
    # Not in the log only: the dashboard lists the spec that makes no page, where and how to fix it.
    assert "Specs that make no page" in dashboard and problem in dashboard and "rename this spec" in dashboard
    assert mkdocs_build(site, "--strict").returncode != 0


def test_two_files_making_one_page_show_an_error_on_it(tmp_path: Path) -> None:
    """The serve audit: with `audit.yml` in place, adding `audit.yaml` silently made the page show the new file.
    The page now says so in its error box, naming both files, and the dashboard counts it."""
    site = make_site(tmp_path, {"audit.yml": GOOD, "audit.yaml": GOOD.replace("Tiny", "Other")})
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    assert ("derivations/audit.yml:1: `derivations/audit.yaml` already makes the page `audit`" in result.stderr)
    page = (site / "site" / "derivations" / "audit" / "index.html").read_text()
    box = page.split('deriv-load-error" id="deriv-errors">', 1)[1].split("</div>", 1)[0]
    assert "derivations/audit.yaml:1: `derivations/audit.yml` also makes the page `audit`" in box
    assert "rename one of them" in box
    dashboard = (site / "site" / "derivations" / "dashboard" / "index.html").read_text()
    assert "none refuted; 2 specs with load errors." in dashboard
    assert "`derivations/audit.yaml` already makes the page `audit`" in dashboard  # the file without a page
    assert mkdocs_build(site, "--strict").returncode != 0


def test_a_spec_that_fails_to_load_is_a_load_error_not_a_claim(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": GOOD, "broken.yml": "version: 1\ntitle: [unclosed\n"})
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    assert "derivations: 2 derivations, 1 claim: 1 machine-checked" in result.stderr
    assert "none refuted; 1 spec with load errors; SymPy checked" in result.stderr
    dashboard = (site / "site" / "derivations" / "dashboard" / "index.html").read_text()
    assert "2 derivations, 1 claim: 1 machine-checked" in dashboard
    strict = mkdocs_build(site, "--strict")
    assert strict.returncode != 0 and "derivations/broken.yml:" in strict.stderr


@pytest.mark.parametrize(("option", "problem"), [
    ("jobs: -1", "option 'jobs': must be 0 (one worker per CPU core) or a number of workers from 1 to 64"),
    ("jobs: 100000", "option 'jobs': must be 0 (one worker per CPU core) or a number of workers from 1 to 64"),
    ("jobs: true", "option 'jobs': must be a number"),
    ("time_limit: 0", "option 'time_limit': must be a number of seconds from 0.1 to 3600"),
    ("time_limit: .inf", "option 'time_limit': must be a number of seconds from 0.1 to 3600"),
    ("time_limit: 1.0e+300", "option 'time_limit': must be a number of seconds from 0.1 to 3600"),
    ("time_limit: 0.000001", "option 'time_limit': must be a number of seconds from 0.1 to 3600"),
    ("page_time_limit: 0", "option 'page_time_limit': must be a number of seconds from 0.1 to 86400"),
    ("page_time_limit: .inf", "option 'page_time_limit': must be a number of seconds from 0.1 to 86400"),
    ("page_time_limit: false", "option 'page_time_limit': must be a number"),
    ("memory_limit_mb: 0", "option 'memory_limit_mb': must be a number of MiB from 1 to 1048576 (1 TiB)"),
    ("memory_limit_mb: 99999999999999999999",
     "option 'memory_limit_mb': must be a number of MiB from 1 to 1048576 (1 TiB)"),
    ("output_dir: ../elsewhere", "option 'output_dir': `../elsewhere` must be a folder inside docs_dir"),
    ("output_dir: /abs", "option 'output_dir': `/abs` must be a folder inside docs_dir"),
    ("specs_dir: ''", "option 'specs_dir': must name the folder of the spec files"),
    ("specs_dir: .", "option 'specs_dir': must name the folder of the spec files"),
])
def test_a_bad_plugin_option_is_a_configuration_error(tmp_path: Path, option: str, problem: str) -> None:
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    site = make_site(tmp_path, {"good.yml": GOOD})
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + f"      {option}\n")
    with pytest.raises(Abort):
        load_config(str(config))
    result = mkdocs_build(site)
    assert result.returncode == 1 and problem in result.stderr and "Traceback" not in result.stderr


def test_the_plugin_listed_twice_is_refused_and_the_site_kept(tmp_path: Path) -> None:
    """Two instances each staged the site, the second inside the first's staging folder: a plain build
    passed with no site_dir at all, the new site left in `site.derivations-staging`."""
    site = make_site(tmp_path, {"good.yml": GOOD})
    assert mkdocs_build(site).returncode == 0
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "  - derivations:\n      time_limit: 10\n")
    result = mkdocs_build(site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the derivations plugin is listed twice in mkdocs.yml" in result.stderr
    assert (site / "site" / "derivations" / "good" / "index.html").is_file()
    assert [p.name for p in site.iterdir() if p.name.startswith("site")] == ["site"]


@pytest.mark.parametrize(("dropped", "named"), [
    ("  - attr_list\n", "attr_list"),
    ("  - md_in_html\n", "md_in_html"),
    ("  - pymdownx.arithmatex: {generic: true}\n", "pymdownx.arithmatex with `generic: true`"),
])
def test_a_missing_markdown_extension_stops_the_build_before_anything_is_written(
        tmp_path: Path, dropped: str, named: str) -> None:
    """A site set up with only `plugins: [derivations]` built, also with --strict, and its pages showed
    `{.deriv-ref}`, raw `*...*` in the boxes and `$x$` to the reader."""
    site = make_site(tmp_path, {"good.yml": GOOD})
    config = site / "mkdocs.yml"
    assert dropped in config.read_text()
    config.write_text(config.read_text().replace(dropped, ""))
    for args in ((), ("--strict",)):
        result = mkdocs_build(site, *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
        assert len(errors) == 1 and "the generated pages need Markdown extensions" in errors[0], result.stderr
        assert f"does not enable: {named}" in errors[0]
        assert not [p.name for p in site.iterdir() if p.name.startswith("site")]


def test_markdown_extensions_enabled_through_extra_are_enough(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": GOOD})
    config = site / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text.replace("  - attr_list\n  - md_in_html\n", "  - markdown.extensions.extra\n"))
    assert "attr_list" not in config.read_text()
    result = mkdocs_build(site, "--strict")
    assert result.returncode == 0, result.stderr
    assert 'class="deriv-eq deriv-proved"' in (site / "site" / "derivations" / "good" / "index.html").read_text()


def test_a_second_mathjax_in_extra_javascript_is_a_warning(tmp_path: Path) -> None:
    """Material's recipe for math loads MathJax from unpkg: with the plugin's own, a page loaded two copies,
    one from another host, and the recipe's script failed at every page load."""
    site = make_site(tmp_path, {"good.yml": GOOD})
    config = site / "mkdocs.yml"
    cdn = "https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js"
    config.write_text(config.read_text() + f"extra_javascript:\n  - javascripts/mathjax.js\n  - {cdn}\n")
    strict = mkdocs_build(site, "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert [line for line in strict.stderr.splitlines() if line.startswith("WARNING")] == [
        f"WARNING -  extra_javascript: {cdn} loads a second MathJax besides the one the plugin serves (it would "
        "come first and fight over the page's MathJax settings); remove it, with its configuration script, or "
        "set `serve_mathjax: false` to keep your own"]
    config.write_text(config.read_text().replace("      jobs: 1\n", "      jobs: 1\n      serve_mathjax: false\n"))
    assert "serve_mathjax: false" in config.read_text()
    kept = mkdocs_build(site, "--strict")
    assert kept.returncode == 0, kept.stderr


def test_a_missing_specs_folder_is_a_warning(tmp_path: Path) -> None:
    site = site_support.make_site(tmp_path, {}, specs_dir="specs")
    shutil.rmtree(site / "specs")
    result = mkdocs_build(site)
    assert result.returncode == 0
    assert "specs_dir: the folder specs does not exist, so no derivation pages are generated" in result.stderr
    assert mkdocs_build(site, "--strict").returncode != 0


def test_an_empty_specs_folder_is_a_warning(tmp_path: Path) -> None:
    """`check` refuses a folder without specs (exit 2); the build made a site without derivations in silence."""
    site = site_support.make_site(tmp_path, {}, specs_dir="specs")
    result = mkdocs_build(site)
    assert result.returncode == 0
    assert "specs_dir: no spec files (*.yml, *.yaml) in specs, so no derivation pages are generated" in result.stderr
    assert mkdocs_build(site, "--strict").returncode != 0


def test_a_spec_named_with_a_leading_dot_is_an_error_not_a_lost_page(tmp_path: Path) -> None:
    """MkDocs leaves dot-files out of the site: `.chain-rule.yml` was "ok", counted and linked, never built."""
    site = make_site(tmp_path, {"good.yml": GOOD, ".hidden.yml": GOOD})
    result = mkdocs_build(site, "--strict")
    assert result.returncode != 0
    assert "`.hidden` starts with a dot, and MkDocs leaves such files out of the site" in result.stderr


def test_the_build_log_ends_with_the_site_total_and_what_sympy_checked(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.yml": GOOD})
    first, second = mkdocs_build(site), mkdocs_build(site)
    total = "INFO    -  derivations: 1 derivation, 1 claim: 1 machine-checked (1 proved, "
    total += "0 for all dimensions, 0 at sizes), 0 definitions or assumptions, none refuted"
    assert total in first.stderr and "none refuted; SymPy checked 1 claim in this build" in first.stderr
    assert "none refuted; SymPy checked 0 claims in this build" in second.stderr  # answered by the cache


def test_pages_of_any_file_name_are_linked_from_the_dashboard_graph_and_connections(tmp_path: Path) -> None:
    """A spec's file name is its page's name, and any name makes a page; the links to it were written as
    the bare name: `a#b` and `c?d` linked to nothing, `e%20f` to `e f` (a strict build failed on that, naming
    the dashboard), `x:y` read as a URL scheme and was removed, and `p|q` split the dashboard's table row,
    dropping a verdict placeholder."""
    from urllib.parse import unquote

    cites = GOOD.replace("See {eq:tiny}.", "See {eq:tiny} and {eq:good#tiny}.")
    names = ["a#b", "c?d", "e%20f", "x:y", "p|q", "p(q", "sp ace"]
    site = make_site(tmp_path, {"good.yml": GOOD, **{f"{name}.yml": cites for name in names}})
    result = mkdocs_build(site, "--strict")
    assert result.returncode == 0, result.stderr
    out = site / "site" / "derivations"

    def targets(page: str, pattern: str) -> set[str]:
        html = (out / page / "index.html").read_text()
        return {unquote(link) for link in re.findall(pattern, html)}

    pages = set(names) | {"good"}
    assert targets("dashboard", r'<th scope="row"><a href="\.\./([^"]+)/">') == pages
    assert targets("graph", r'class="deriv-node-link" href="\.\./([^"]+)/"') == pages
    used_by = (out / "good" / "index.html").read_text().split("Used by:")[1].split("</p>")[0]
    assert {unquote(link) for link in re.findall(r'href="\.\./([^"]+)/"', used_by)} == set(names)
    assert all((out / name / "index.html").is_file() for name in pages)

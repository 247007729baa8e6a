"""`mkdocs-derivations check`: exit codes, formats (JSON, GitHub annotations, JUnit) and `new`."""

from __future__ import annotations

import json
import os
import shlex
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_derivations.checking import Checker
from mkdocs_derivations.cli import main
from mkdocs_derivations.options import CheckOptions
from mkdocs_derivations.printable import printable

GOOD = """\
version: 1
title: Good
symbols:
  t: real
blocks:
  - math:
      label: ok
      start: {tex: a, sympy: 'diff(sin(t)**2, t)'}
      steps:
        - {tex: b, sympy: '2*sin(t)*cos(t)'}
"""

WRONG = GOOD.replace("'2*sin(t)*cos(t)'", "'2*sin(t)'")
UNCHECKED = GOOD.replace(", sympy: '2*sin(t)*cos(t)'", "")
BROKEN = GOOD.replace("symbols:", "symbolz:")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--no-cache", "--jobs", "1", *args])
    return code, capsys.readouterr().out


def test_exit_0_when_every_claim_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, str(write(tmp_path, "good.yml", GOOD)))
    assert code == 0
    assert "1 proved" in out


def test_an_editor_lock_file_beside_a_spec_is_no_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Emacs links `.#good.yml` while a buffer of `good.yml` has unsaved changes: it was reported as a spec
    that is a symbolic link and starts with a dot (exit 2, and a failed strict build or a dashboard error
    under `mkdocs serve`) for as long as the file was being edited. A dot-file that is a spec still is one."""
    write(tmp_path, "good.yml", GOOD)
    (tmp_path / ".#good.yml").symlink_to("someone@host.4242:1700000000")  # dangling, as Emacs makes it
    code, out = run(capsys, str(tmp_path))
    assert (code, ".#good" in out) == (0, False), out
    write(tmp_path, ".hidden.yml", GOOD)
    code, out = run(capsys, str(tmp_path))
    assert code == 2 and "`.hidden` starts with a dot" in out


def test_exit_1_on_refuted_with_location_and_counterexample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The whole line: file, line and column of the step, its equation, block and step, and the point with
    both values (seeded, so always the same point); the point is stated once, not again as a
    counterexample."""
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the working directory
    path = write(tmp_path, "wrong.yml", WRONG)
    code, out = run(capsys, str(path))
    assert code == 1
    [line] = [ln for ln in out.splitlines() if "refuted:" in ln]
    assert line == ("wrong.yml:10:11: equation (1), block 1 (math 'ok'), step 1: refuted: at t = 89/33: "
                    "left side = -0.776596895356417, right side = 0.860235052671281")


def test_problems_are_listed_in_the_order_they_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A refuted step of block 1 comes before a shape error in block 2, in the report and the build log
    alike: the spec's errors were all listed first, whatever their line."""
    monkeypatch.chdir(tmp_path)
    text = WRONG.replace("  t: real\n", "  t: real\n  A: matrix(2, 3)\n  B: matrix(2, 2)\n") + """\
  - math:
      start: {tex: c, sympy: 'A + B'}
      steps:
        - {tex: d, sympy: 'B + A'}
"""
    code, out = run(capsys, str(write(tmp_path, "both.yml", text)))
    assert code == 2
    problems = [line.split(": ", 1)[0] for line in out.splitlines() if line.startswith("both.yml:")]
    assert problems == ["both.yml:12:11", "both.yml:14:33"], out
    checker = Checker(CheckOptions(jobs=1, cache_dir=None))
    try:
        [checked] = checker.check_paths([tmp_path / "both.yml"])
    finally:
        checker.close()
    assert [problem.split(": ", 1)[0] for problem in checked.problems()] == problems


def test_exit_2_on_load_error_with_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, str(write(tmp_path, "broken.yml", BROKEN)))
    assert code == 2
    assert "broken.yml:3:1:" in out and "did you mean `symbols`" in out


def test_missing_file_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """A missing folder, the default one too, was reported as `derivations: no such spec file`."""
    monkeypatch.chdir(tmp_path)
    assert main(["check", "nope.yml", "nope/"]) == 2
    assert capsys.readouterr().err == "nope.yml: no such file or folder\nnope: no such file or folder\n"
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        "derivations: no such file or folder (the folder checked when no path is given)\n")


def test_unchecked_passes_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(write(tmp_path, "u.yml", UNCHECKED))
    assert run(capsys, path)[0] == 0
    assert run(capsys, "--strict", path)[0] == 1


def test_json_has_one_object_per_claim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "good.yml", GOOD)
    code, out = run(capsys, "--format", "json", str(path))
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 1
    record = records[0]
    assert record["file"].endswith("good.yml") and record["line"] == 10 and record["equation"] == "1"
    assert record["label"] == "ok" and record["verdict"] == "proved" and record["seconds"] > 0
    assert set(record) >= {"method", "detail", "column", "where"}


def test_github_annotations_point_at_the_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "wrong.yml", WRONG)
    code, out = run(capsys, "--format", "github", str(path))
    assert code == 1
    [annotation] = [ln for ln in out.splitlines() if ln.startswith("::error ")]
    props, message = annotation[len("::error "):].split("::", 1)
    fields = dict(p.split("=", 1) for p in props.split(","))
    assert fields["file"].endswith("wrong.yml") and fields["line"] == "10" and fields["col"] == "11"
    assert fields["title"] == "derivation step refuted"
    assert "at t = " in message and "left side = " in message


def test_github_annotation_for_load_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--format", "github", str(write(tmp_path, "broken.yml", BROKEN)))
    assert code == 2
    assert any(ln.startswith("::error file=") and ",line=3," in ln for ln in out.splitlines())


def test_junit_report_has_a_case_per_claim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, wrong = write(tmp_path, "good.yml", GOOD), write(tmp_path, "wrong.yml", WRONG)
    report = tmp_path / "out" / "junit.xml"
    code, _ = run(capsys, "--junit-xml", str(report), str(good), str(wrong))
    assert code == 1
    root = ET.parse(report).getroot()
    suites = root.findall("testsuite")
    assert len(suites) == 2
    failures = root.findall(".//testcase/failure")
    assert len(failures) == 1 and "refuted" in (failures[0].get("message") or "")
    assert sum(1 for _ in root.iter("testcase")) == 4  # a load case and a claim case per spec


FORGED = "::error file=a.yml,line=1::forged"
# A symbol name (a load error quotes it) carrying a second line for GitHub Actions to run.
INJECTED = GOOD.replace("  t: real\n", '  t: real\n  "x\\n::error file=a.yml,line=1::forged": real\n')


@pytest.mark.parametrize("output", ["human", "github"])
def test_contributor_text_cannot_start_a_line_of_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str],
                                                            output: str) -> None:
    """GitHub Actions runs every line of the log that starts with ``::``: the only such line is the
    annotation the CLI writes itself, and the newline it was sent shows as ``\\n``."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yml", INJECTED)
    code, out = run(capsys, "--format", output, "a.yml")
    assert code == 2
    commands = [ln for ln in out.splitlines() if ln.startswith("::")]
    assert commands == ([] if output == "human" else [commands[0]])
    assert all(ln.startswith("::error file=a.yml,line=5,col=3,title=derivation spec error::") for ln in commands)
    assert f"`x\\n{FORGED}` is not a valid name" in out


def test_every_report_escapes_control_characters_in_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A file name is contributor text too, and may hold ESC, a carriage return, C1 controls and Unicode's
    line separators; JSON keeps its escaping (and parses back to the name) and JUnit stays well-formed XML."""
    monkeypatch.chdir(tmp_path)
    name = "x\r\x1b[2J\x85\u2028" + FORGED + ".yml"
    write(tmp_path, name, BROKEN)
    shown = "x\\r\\x1b[2J\\x85\\u2028" + FORGED + ".yml"
    for output in ("human", "github"):
        code, out = run(capsys, "--format", output, "--junit-xml", "junit.xml", name)
        assert code == 2 and out.count("\n") == len(out.splitlines()) and shown in out
        assert not [ln for ln in out.splitlines() if ln.startswith("::error file=a.yml")]
    code, out = run(capsys, "--format", "json", name)
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["file"] == name and "\x85" not in out and "\u2028" not in out
    [error] = ET.parse(tmp_path / "junit.xml").getroot().iter("error")
    assert (error.text or "").startswith(shown + ":3:1: ")


def test_printable_shows_each_control_character_as_an_escape() -> None:
    from mkdocs_derivations.printable import printable

    assert printable("a\tb\nc\rd\x00\x1b\x7f\x85\x9b\u2028\u2029 é √ \\n") == (
        "a\\tb\\nc\\rd\\x00\\x1b\\x7f\\x85\\x9b\\u2028\\u2029 é √ \\n")


def test_a_junit_report_that_cannot_be_written_names_its_path(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A folder is refused before anything is checked; a file under a file is found on writing, after the
    report, and fails the run all the same: a job whose report is missing must not pass."""
    good = str(write(tmp_path, "good.yml", GOOD))
    (tmp_path / "reports").mkdir()
    code = main(["check", "--no-cache", "--jobs", "1", "--junit-xml", str(tmp_path / "reports"), good])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err == f"cannot write the JUnit report to {tmp_path / 'reports'}: it is a folder\n"
    target = tmp_path / "good.yml" / "junit.xml"
    code = main(["check", "--no-cache", "--jobs", "1", "--junit-xml", str(target), good])
    captured = capsys.readouterr()
    assert code == 2 and "1 proved" in captured.out
    assert captured.err.startswith(f"cannot write the JUnit report to {target}: ")
    assert "internal error" not in captured.err


def test_a_file_named_twice_is_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """By itself and through its folder, or by two spellings of one path: not a second spec taking its own
    page name ("rename one of them")."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "derivations").mkdir()
    write(tmp_path / "derivations", "good.yml", GOOD)
    code, out = run(capsys, "derivations", "derivations/good.yml", "./derivations/../derivations/good.yml")
    assert code == 0 and "rename" not in out
    assert out.splitlines()[0] == "        ok  derivations/good.yml  (1 proved)"
    assert out.endswith("claims: 1 proved\nspecs: 1, load errors: 0\n")


def test_shard_partitions_the_specs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(5):
        write(tmp_path, f"s{i}.yml", GOOD)
    seen = []
    for shard in ("1/2", "2/2"):
        _, out = run(capsys, "--format", "json", "--shard", shard, str(tmp_path))
        seen += [json.loads(line)["file"] for line in out.splitlines()]
    assert sorted(Path(s).name for s in seen) == [f"s{i}.yml" for i in range(5)]


def test_two_files_making_one_page_land_in_one_shard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Dealt out by file, `s1.yml` and `s1.yaml` went to different shards and each passed alone."""
    for name in ("s0.yml", "s1.yml", "s1.yaml", "s2.yml", "S1.yml"):
        write(tmp_path, name, GOOD)
    outcomes = {shard: run(capsys, "--shard", shard, str(tmp_path)) for shard in ("1/2", "2/2")}
    code, out = outcomes["2/2"]  # page names s0, s1, s2: the second shard holds s1 alone
    assert code == 2 and "load errors: 3" in out
    assert "S1.yml:1: `" in out and "s1.yaml:1: `" in out and "s1.yml:1: `" in out
    code, out = outcomes["1/2"]
    assert code == 0 and "s0.yml" in out and "s2.yml" in out
    assert not any(name in out for name in ("s1.yml", "s1.yaml", "S1.yml"))


@pytest.mark.parametrize("shard", ["3/2", "0/2", "1", "a/b", "1/2/3", "-1/2"])
def test_a_bad_shard_is_a_usage_error_not_an_internal_one(shard: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", f"--shard={shard}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --shard: `{shard}` is not I/N with 1 <= I <= N" in err and "internal error" not in err


@pytest.mark.parametrize(("option", "value", "problem"), [
    ("--jobs", "-1", "must be 0 (one worker per CPU core) or a number of workers from 1 to 64"),
    ("--jobs", "65", "must be 0 (one worker per CPU core) or a number of workers from 1 to 64"),
    ("--jobs", "100000", "must be 0 (one worker per CPU core) or a number of workers from 1 to 64"),
    ("--jobs", "two", "`two` is not an integer"),
    ("--time-limit", "0", "must be a number of seconds from 0.1 to 3600"),
    ("--time-limit", "0.000001", "must be a number of seconds from 0.1 to 3600"),
    ("--time-limit", "3600.5", "must be a number of seconds from 0.1 to 3600"),
    ("--time-limit", "1e300", "must be a number of seconds from 0.1 to 3600"),
    ("--time-limit", "inf", "must be a number of seconds from 0.1 to 3600"),
    ("--time-limit", "nan", "must be a number of seconds from 0.1 to 3600"),
    ("--page-time-limit", "0", "must be a number of seconds from 0.1 to 86400"),
    ("--page-time-limit", "86401", "must be a number of seconds from 0.1 to 86400"),
    ("--page-time-limit", "nan", "must be a number of seconds from 0.1 to 86400"),
    ("--memory-limit", "0", "must be a number of MiB from 1 to 1048576 (1 TiB)"),
    ("--memory-limit", "1048577", "must be a number of MiB from 1 to 1048576 (1 TiB)"),
    ("--memory-limit", "99999999999999999999", "must be a number of MiB from 1 to 1048576 (1 TiB)"),
])
def test_a_checking_option_out_of_bounds_is_a_usage_error(option: str, value: str, problem: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", f"{option}={value}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}:" in err and problem in err and "internal error" not in err


def test_no_claims_at_all_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, str(write(tmp_path, "broken.yml", "version: 1\n")))
    assert code == 2
    assert "\nclaims: none\n" in out


def test_new_writes_a_starter_that_passes_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "my-first", "--dir", str(tmp_path)]) == 0
    target = tmp_path / "my-first.yml"
    assert target.read_text().startswith("# yaml-language-server: $schema=")
    assert main(["new", "my-first", "--dir", str(tmp_path)]) == 2  # never overwrites
    code, out = run(capsys, "--strict", str(target))
    assert code == 0, out


def test_the_starter_says_how_its_matrix_steps_are_checked(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The comment is what a contributor reads first; it said 'checked at sizes' of a step proved for all n."""
    assert main(["new", "s", "--dir", str(tmp_path)]) == 0
    capsys.readouterr()
    text = (tmp_path / "s.yml").read_text()
    assert ("  A: matrix(n, n)     # a matrix; a step is proved for every n if SymPy can, else checked at n = 2 "
            "and n = 3\n") in text
    _, out = run(capsys, "--format", "json", str(tmp_path / "s.yml"))
    [matrix_step] = [r for r in map(json.loads, out.splitlines()) if r.get("lhs", "").startswith("jacobian(x.T*A")]
    assert (matrix_step["verdict"], matrix_step["sizes"]) == ("proved-all", [{"n": 2}, {"n": 3}])


def test_a_failing_step_prints_its_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = ("version: 1\ntitle: T\nsymbols: {t: real, L: real}\nblocks:\n  - math:\n"
            "      start: {tex: a, sympy: 'diff(L, t)'}\n      steps:\n        - {tex: b, sympy: '2*t'}\n")
    code, out = run(capsys, str(write(tmp_path, "c.yml", spec)))
    assert code == 1
    assert (f"{tmp_path}/c.yml:8:11: equation (1), block 1 (math), step 1: refuted: at t = 89/33: left side = 0, "
            "right side = 178/33; note: `L` has no definition in scope here and is not a function of `t`, so its "
            "derivative is 0; if it should depend on `t`, define it (`:=`) or declare it `function(t)`\n") in out


def test_new_refuses_a_bad_slug(tmp_path: Path) -> None:
    assert main(["new", "Bad Slug", "--dir", str(tmp_path)]) == 2


def test_specs_whose_page_name_is_taken_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A spec named like a generated page, or a second spec with the same name, would have no page."""
    for name in ("dashboard.yml", "dup.yml", "dup.yaml", "graph.yaml"):
        write(tmp_path, name, GOOD)
    code, out = run(capsys, str(tmp_path))
    assert code == 2
    assert f"{tmp_path}/dashboard.yml:1: `dashboard` is the name of a page the plugin generates" in out
    assert f"{tmp_path}/graph.yaml:1: `graph` is the name of a page the plugin generates" in out
    assert f"{tmp_path}/dup.yml:1: `{tmp_path}/dup.yaml` already makes the page `dup`" in out
    # The file that keeps the page is at fault too (its page shows the error): both are counted, as on the site.
    assert f"{tmp_path}/dup.yaml:1: `{tmp_path}/dup.yml` also makes the page `dup`" in out
    assert "specs: 4, load errors: 4" in out


def test_a_reference_to_a_page_that_failed_to_load_says_so(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "base.yml", BROKEN)
    user = write(tmp_path, "user.yml", GOOD.replace("blocks:\n", "blocks:\n  - text: See {eq:base#ok}.\n"))
    code, out = run(capsys, str(user))
    assert code == 2
    assert ("reference `{eq:base#ok}` names no equation (page `base` has errors that stop it loading; "
            "fix those first)") in out


def test_a_folder_without_specs_fails_instead_of_passing_empty(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--no-cache", str(tmp_path)])
    assert code == 2
    assert f"no spec files (*.yml, *.yaml) in {tmp_path}" in capsys.readouterr().err


def test_a_symlinked_spec_is_refused_without_reading_its_target(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A pull request's link to a secret would otherwise be read and quoted in the error."""
    secret = tmp_path / "secret.txt"
    secret.write_text("version: SECRET_TOKEN_123\n")
    specs = tmp_path / "derivations"
    specs.mkdir()
    (specs / "s.yml").symlink_to(secret)
    code, out = run(capsys, str(specs))
    assert code == 2
    assert "s.yml: a spec file may not be a symbolic link" in out and "SECRET" not in out
    assert "secret.txt" not in out  # named as the link, not as its target


def test_a_symlinked_specs_folder_is_refused_without_reading_its_files(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`derivations -> ../outside` (git stores the link) had every file beyond it read and quoted. A link
    that stays inside the folder holding it (`lnk -> real`, or macOS's /tmp) is not refused: it can only
    show what is there anyway, and `check lnk/a.yml` worked before."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "config.yml").write_text("version: 1\nghp_SECRET_TOKEN: 1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "derivations").symlink_to(Path("..") / "outside")
    code, out = run(capsys, str(repo / "derivations"))
    assert code == 2
    assert "config.yml: the folder `derivations` holding this spec is a symbolic link that leads out" in out
    assert "SECRET" not in out
    (repo / "real").mkdir()
    write(repo / "real", "ok.yml", GOOD)
    (repo / "lnk").symlink_to("real")
    code, out = run(capsys, str(repo / "lnk" / "ok.yml"))
    assert code == 0, out


@pytest.mark.parametrize("make, message", [
    (lambda path: path.symlink_to(path), "a spec file may not be a symbolic link"),  # a link loop
    (lambda path: path.symlink_to(path.parent / "gone.yml"), "a spec file may not be a symbolic link"),
    (lambda path: path.mkdir(), "this spec name is a folder; a spec must be a plain file"),
    (lambda path: os.mkfifo(path), "this spec name is not a regular file; a spec must be a plain file"),
], ids=["link-loop", "dangling-link", "folder", "named-pipe"])
def test_an_entry_named_like_a_spec_that_is_no_file_is_a_load_error_not_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], None], message: str) -> None:
    """Skipping it would lose a contributor's page without a word; reading a named pipe would hang."""
    specs = tmp_path / "derivations"
    specs.mkdir()
    write(specs, "ok.yml", GOOD)
    make(specs / "odd.yml")
    named = [] if (specs / "odd.yml").is_dir() else [specs / "odd.yml"]  # a folder named is a folder to check
    for target in [specs, *named]:  # the folder, and the entry named on the command line
        code, out = run(capsys, str(target))
        assert code == 2
        assert f"{(specs / 'odd.yml').as_posix()}: {message}" in out


def test_an_integer_too_long_for_python_is_a_located_error(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, str(write(tmp_path, "big.yml", "version: 1" + "0" * 5000 + "\ntitle: T\nblocks: []\n")))
    assert code == 2
    assert "big.yml:1:10: `version` has 5001 digits; at most 18 are allowed" in out
    assert "internal error" not in out


def test_the_three_shells_share_the_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from mkdocs_derivations.cli import build_parser
    from mkdocs_derivations.markdown_ext import DerivationsExtension
    from mkdocs_derivations.options import CheckOptions
    from mkdocs_derivations.plugin import DerivationsPlugin

    monkeypatch.setattr(os, "cpu_count", lambda: 5)
    documented = {"time_limit": 10.0, "memory_limit_mb": 2048, "jobs": 0, "cache_dir": ".cache/derivations"}
    plugin = DerivationsPlugin()
    assert plugin.load_config({}) == ([], [])
    assert {name: plugin.config[name] for name in documented} == documented
    args = build_parser().parse_args(["check"])
    assert (args.time_limit, args.memory_limit, args.jobs, args.cache_dir) == tuple(documented.values())
    ext = DerivationsExtension()
    assert {name: ext.getConfig(name) for name in documented} == documented
    options = CheckOptions.from_settings()
    assert (options.time_limit_s, options.memory_limit_mb, options.jobs) == (10.0, 2048, 5)
    assert CheckOptions().jobs == 5


@pytest.mark.parametrize(("spec", "code"), [(GOOD, 0), (WRONG, 1)])
def test_a_reader_that_stops_early_does_not_change_the_exit_code(tmp_path: Path, spec: str, code: int) -> None:
    """``check ... | head`` closes the pipe before the report is written: that is no internal error, and
    the exit code still says whether the derivation holds (CI with ``pipefail`` depends on it)."""
    import subprocess
    import sys

    (tmp_path / "d.yml").write_text(spec, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs_derivations.cli", "check", "--no-cache", "--jobs", "1",
                             "--format", "json", str(tmp_path / "d.yml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    assert proc.wait(timeout=120) == code
    assert proc.stderr.read().decode() == ""


EYE_ERRORS = """\
version: 1
title: Identity matrices
symbols:
  x: real
  A: matrix(N, D)
blocks:
""" + "".join(f"""\
  - math:
      start: {{tex: a, sympy: 'A'}}
      steps:
        - {{tex: b, sympy: 'A + 0*{bad}'}}
""" for bad in ["eye(x)", "eye(0)", "eye(N, D)", "zeros(N)", "eye(2.5)"])


def test_a_bad_argument_of_eye_or_zeros_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Each mistake is an error at its own block, line and column, saying what eye and zeros take."""
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, str(write(tmp_path, "eye.yml", EYE_ERRORS)))
    assert code == 2
    lines = [ln for ln in out.splitlines() if ln.startswith("eye.yml:")]
    assert lines == [
        "eye.yml:10:38: [block 1 (math), step 1] `x` is declared as `real`, not a dimension; eye() takes "
        "dimensions: a name used as one in a declaration (N in matrix(N, D), or declared `N: dim`) or a positive "
        "integer; the dimensions here: D, N",
        "eye.yml:14:38: [block 2 (math), step 1] eye() takes dimensions, got `0`: write a dimension name such as N "
        "(from vector(N), matrix(N, D) or `N: dim`) or a whole number from 1 to 100",
        "eye.yml:18:34: [block 3 (math), step 1] eye() takes 1 argument, got 2 (eye(n): the n x n identity matrix; "
        "n is a dimension or a positive integer)",
        "eye.yml:22:34: [block 4 (math), step 1] zeros() takes 2 arguments, got 1 (zeros(m, n): the m x n zero "
        "matrix; m and n are dimensions or positive integers)",
        "eye.yml:26:38: [block 5 (math), step 1] eye() takes dimensions, got `2.5`: write a dimension name such as "
        "N (from vector(N), matrix(N, D) or `N: dim`) or a whole number from 1 to 100",
    ]


def test_more_jobs_than_cores_start_only_as_tasks_wait(tmp_path: Path) -> None:
    """`--jobs 64` for one claim forked 64 workers, each importing SymPy: 60 s on 2 cores (red team)."""
    from mkdocs_derivations.checking import Checker
    from mkdocs_derivations.options import CheckOptions

    path = write(tmp_path, "one.yml", GOOD)
    checker = Checker(CheckOptions(jobs=16, cache_dir=None))
    try:
        [checked] = checker.check_paths([path])
        assert checked.errors == [] and checker._pool is not None
        assert len(checker._pool.worker_pids()) <= min(16, os.cpu_count() or 1)
    finally:
        checker.close()


INTERRUPTED_DURING_FORK = """\
import os, signal, sys
from mkdocs_derivations.cli import main

sent = []


def interrupt_once() -> None:
    if not sent:
        sent.append(True)
        os.kill(os.getpid(), signal.SIGINT)  # as a Ctrl-C that arrives while a worker is forked


os.register_at_fork(before=interrupt_once)
sys.exit(main(["check", "--no-cache", "--jobs", "1", sys.argv[1]]))
"""


def test_a_ctrl_c_while_a_worker_is_forked_stops_the_run(tmp_path: Path) -> None:
    """The interrupt landed in the standard library's at-fork hooks, where CPython only prints "Exception
    ignored": the check went on to the end and exited 0 (red team: `--jobs 64`, Ctrl-C at 0.6 s, a green run
    36 s later). Now it stops, says so, exits 130 as a shell reports a Ctrl-C, and leaves no worker."""
    import subprocess
    import sys

    write(tmp_path, "good.yml", GOOD)
    write(tmp_path, "fork.py", INTERRUPTED_DURING_FORK)
    script = str(tmp_path / "fork.py")
    proc = subprocess.run([sys.executable, script, "good.yml"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "plugins")})
    assert (proc.returncode, proc.stdout) == (130, ""), proc.stderr
    assert proc.stderr == "mkdocs-derivations: interrupted\n"
    left = subprocess.run(["pgrep", "-f", script], capture_output=True, text=True).stdout.split()
    assert left == []  # the workers were killed when the pool closed, not left to notice their parent's death


def _junit_counts(report: Path) -> list[tuple[str, dict[str, str], dict[str, int]]]:
    """Per suite: its count attributes, and what its test cases hold (each case counted once)."""
    suites = []
    for suite in ET.parse(report).getroot().iter("testsuite"):
        cases = suite.findall("testcase")
        held = {"tests": len(cases)}
        for tag in ("failure", "error", "skipped"):
            held[tag] = sum(1 for case in cases if case.find(tag) is not None)
        attributes = {name: suite.get(name, "") for name in ("tests", "failures", "errors", "skipped")}
        suites.append((suite.get("name", ""), attributes, held))
    return suites


def test_junit_counts_are_those_of_its_test_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A claim that could not be checked is an `<error>` case but was counted in `failures`, and a spec's
    errors were counted one by one though they share the `load` case: a report reader showed 1 failure and
    no failed case, or more errors than cases."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "undeclared.yml", GOOD.replace("'2*sin(t)*cos(t)'", "'2*sin(u)*cos(w)'"))
    write(tmp_path, "wrong.yml", WRONG)
    write(tmp_path, "unchecked.yml", UNCHECKED)
    for strict in ([], ["--strict"]):
        code, _ = run(capsys, *strict, "--junit-xml", "junit.xml", "undeclared.yml", "wrong.yml", "unchecked.yml")
        assert code == 2
        suites = _junit_counts(tmp_path / "junit.xml")
        for _, attributes, held in suites:
            assert attributes == {"tests": str(held["tests"]), "failures": str(held["failure"]),
                                  "errors": str(held["error"]), "skipped": str(held["skipped"])}
        assert [(name, held["failure"], held["error"], held["skipped"]) for name, _, held in suites] == [
            ("undeclared.yml", 0, 2, 0), ("wrong.yml", 1, 0, 0), ("unchecked.yml", 0, 1 if strict else 0,
                                                                  0 if strict else 1)]
        root = ET.parse(tmp_path / "junit.xml").getroot()
        assert {name: root.get(name) for name in ("tests", "failures", "errors", "skipped")} == {
            "tests": "6", "failures": "1", "errors": "3" if strict else "2", "skipped": "0" if strict else "1"}


def test_the_junit_report_replaces_the_old_one_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """It was written in place: a run stopped while writing it (a cancelled CI job, a full disk) left half a
    report for the next step to upload or parse. Now it is written beside it and renamed over it."""
    import mkdocs_derivations.cli as cli

    monkeypatch.chdir(tmp_path)
    write(tmp_path, "good.yml", GOOD)
    report = write(tmp_path, "junit.xml", "<old/>")

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(cli.os, "replace", full_disk)
        code = main(["check", "--no-cache", "--jobs", "1", "--junit-xml", "junit.xml", "good.yml"])
    refused = "cannot write the JUnit report to junit.xml: No space left on device\n"
    assert (code, capsys.readouterr().err) == (2, refused)
    assert report.read_text() == "<old/>" and sorted(p.name for p in tmp_path.iterdir()) == ["good.yml", "junit.xml"]
    code, _ = run(capsys, "--junit-xml", "junit.xml", "good.yml")
    assert code == 0 and [case.get("name") for case in ET.parse(report).getroot().iter("testcase")] == [
        "load", "(1) block 1 (math 'ok'), step 1 line 10"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.yml", "junit.xml"]


def test_characters_xml_cannot_hold_leave_every_report_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A file name that is not UTF-8 (its bytes come back as lone surrogates) and a U+FFFF in a spec made
    the JUnit report XML that no parser reads (a character reference to a surrogate, a raw U+FFFF) and
    put bytes that are not UTF-8 in the JSON lines. Each is now shown as an escape, as control characters
    are, and JSON escapes the surrogate, so the name still parses back."""
    monkeypatch.chdir(tmp_path)
    name = os.fsdecode(b"w\xff.yml")
    write(tmp_path, name, WRONG)
    write(tmp_path, "sym.yml", GOOD.replace("  t: real\n", '  t: real\n  "x\\uffffy": real\n'))
    code, out = run(capsys, "--junit-xml", "junit.xml", name, "sym.yml")
    assert code == 2 and "w\\xff.yml:10:11: " in out and "`x\\uffffy` is not a valid name" in out
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert [suite.get("name") for suite in root.iter("testsuite")] == ["w\\xff.yml", "sym.yml"]
    main(["check", "--no-cache", "--jobs", "1", "--format", "json", name, "sym.yml"])
    raw = capsys.readouterr().out.encode("utf-8", "surrogateescape")
    records = [json.loads(line) for line in raw.decode("utf-8").splitlines()]  # strict UTF-8
    assert [r["file"] for r in records] == [name, "sym.yml"]


@pytest.mark.parametrize(("slug", "problem"), [
    ("abc\n", "`abc\\n` is not a valid slug"),  # `$` matched before the newline: `abc\n.yml` was written
    ("dashboard", "`dashboard` is the name of a page the plugin generates"),
    ("graph", "`graph` is the name of a page the plugin generates"),
])
def test_new_refuses_a_slug_that_would_not_make_its_page(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         slug: str, problem: str) -> None:
    assert main(["new", slug, "--dir", str(tmp_path)]) == 2
    assert problem in capsys.readouterr().err and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("existing", ["clash.yaml", "Clash.yml", "CLASH.YAML"])
def test_new_refuses_a_page_name_another_spec_makes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    existing: str) -> None:
    """`new clash` beside `clash.yaml` wrote `clash.yml`, and the starter that "passes check" then failed it:
    two files making one page."""
    write(tmp_path, existing, GOOD)
    assert main(["new", "clash", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"{tmp_path / existing}: already makes the page `clash`; "
                                       f"not writing {tmp_path / 'clash.yml'}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]


def test_new_never_writes_through_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A dangling link `new.yml` did not "exist", and the starter was written where it pointed, outside the
    folder; the file is now created only if nothing, not even a link, has the name."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "new.yml").symlink_to(tmp_path / "elsewhere.yml")
    assert main(["new", "new", "--dir", str(tmp_path / "specs")]) == 2
    assert "already exists; not overwritten" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere.yml").exists()


def test_new_says_why_it_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A `--dir` that is a file, or under one, was an internal error with a Python exception's name."""
    write(tmp_path, "file", "")
    for folder in ("file", "file/sub"):
        assert main(["new", "s", "--dir", str(tmp_path / folder)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"mkdocs-derivations new: cannot write {tmp_path / folder / 's.yml'}: ")
        assert "internal error" not in err and "Error" not in err


@pytest.mark.parametrize("folder", ["my specs", "new\nx: 1"])
def test_the_starter_passes_check_in_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str], folder: str) -> None:
    """The folder is quoted in the command the starter's comment and `new`'s message suggest; a newline in
    it ended the comment, and the rest of the line became a key of the spec (`unknown key x`)."""
    monkeypatch.chdir(tmp_path)
    assert main(["new", "s", "--dir", folder]) == 0
    quoted = printable(shlex.quote(f"{folder}/s.yml"))
    wrote = f"wrote {printable(folder)}/s.yml; check it with: mkdocs-derivations check {quoted}\n"
    assert capsys.readouterr().out == wrote
    assert f"# repository). Check this file with: mkdocs-derivations check {quoted}\n" in (
        tmp_path / folder / "s.yml").read_text()
    code, out = run(capsys, "--strict", f"{folder}/s.yml")
    assert code == 0, out


@pytest.mark.parametrize("name", ["notes.txt", "good.json", "README"])
def test_a_file_that_is_not_named_as_a_spec_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str], name: str) -> None:
    """`check good.json` checked it and passed, but neither the site nor a folder given to `check` takes it
    as a spec: a green check of a page that will never be built."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, name, GOOD)
    write(tmp_path, "good.yml", GOOD)
    assert main(["check", "--no-cache", "--jobs", "1", "good.yml", name]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"{name}: not a spec file (a spec's name ends in .yml or .yaml)\n")


@pytest.mark.parametrize("args", [["check", ""], ["check", "--cache-dir", "", "good.yml"],
                                  ["check", "--cache-dir=", "good.yml"], ["check", "--junit-xml=", "good.yml"],
                                  ["new", "s", "--dir", ""]])
def test_an_empty_path_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    """`""` is the working directory to pathlib: `check "$SPECS"` with the variable unset checked whatever
    specs lay there, `--cache-dir "$CACHE"` filled the working directory with cache folders, and
    `new --dir "$DIR"` wrote the spec there."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "good.yml", GOOD)
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert "an empty path names no file or folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.yml"]


def test_a_shard_without_files_says_so_and_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A matrix of more shards than pages is no mistake of the specs (exit 0), but the job log should not
    look like a run that checked something."""
    for name in ("a.yml", "b.yml"):
        write(tmp_path, name, GOOD)
    assert main(["check", "--no-cache", "--jobs", "1", "--shard", "3/4", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "shard 3/4 has no spec files: 2 page names were dealt out to 4 shards\n"
    assert captured.out.endswith("specs: 0, load errors: 0\n")


def test_an_unknown_option_of_check_shows_the_usage_of_check(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--stirct"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("usage: mkdocs-derivations check ")
    assert err.endswith("mkdocs-derivations check: error: unrecognized arguments: --stirct\n")


@pytest.mark.parametrize("output", ["human", "github"])
def test_a_file_name_cannot_start_a_workflow_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], output: str) -> None:
    """A spec named `::add-mask::x.yml` in the working directory began its problem line, and GitHub Actions
    ran it (after trimming leading spaces): it masked, or with `::stop-commands::` switched off, what the
    log said next. The path is shown from `./` instead."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "::add-mask::x.yml", BROKEN)
    write(tmp_path, "::stop-commands::y.yml", WRONG)
    write(tmp_path, "\u3000::warning::z.yml", BROKEN)  # GitHub skips Unicode spaces before `::` too
    code, out = run(capsys, "--format", output, ".")
    assert code == 2
    commands = [ln for ln in out.splitlines() if ln.lstrip().startswith("::")]
    assert all(ln.startswith("::error file=") for ln in commands) and len(commands) == (
        3 if output == "github" else 0)
    assert "\n./\u3000::warning::z.yml:3:1: unknown key `symbolz`" in out
    assert "\n./::add-mask::x.yml:3:1: unknown key `symbolz`" in out
    assert "\n./::stop-commands::y.yml:10:11: equation (1)" in out


LEGACY = GOOD.replace("  t: real\n", '  t: real\n  "x##[add-mask]y": real\n')


@pytest.mark.parametrize("output", ["human", "github", "json"])
def test_contributor_text_cannot_hold_a_legacy_workflow_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str],
                                                                output: str) -> None:
    """GitHub Actions runs `##[add-mask]...`, `##[error]...` or `##[stop-commands]...` wherever it stands in a
    line of the log; an error quoting a symbol name held one. The text reads `#\\x23[` (in JSON `#\\u0023[`,
    which parses back to the name)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yml", LEGACY)
    code, out = run(capsys, "--format", output, "--junit-xml", "junit.xml", "a.yml")
    assert code == 2 and "##[" not in out
    if output == "json":
        [record] = [json.loads(line) for line in out.splitlines()]
        assert record["detail"].startswith("symbol name `x##[add-mask]y` is not a valid name")
    else:
        assert "symbol name `x#\\x23[add-mask]y` is not a valid name" in out
    assert "##[" not in (tmp_path / "junit.xml").read_text()


def test_the_pre_commit_hook_passes_the_files_the_site_makes_pages_of() -> None:
    """Its pattern took specs in subfolders, which make no page (and so were checked for nothing), and left
    out `A.YML`, which does."""
    import re

    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "mkdocs-derivations-check"]
    taken = [name for name in ("derivations/a.yml", "derivations/b.yaml", "derivations/C.YML", "derivations/d.Yaml",
                               "derivations/sub/e.yml", "docs/f.yml", "derivations/g.yml.bak", "derivations.yml")
             if re.search(hook["files"], name)]
    assert taken == ["derivations/a.yml", "derivations/b.yaml", "derivations/C.YML", "derivations/d.Yaml"]


def test_the_junit_report_never_replaces_a_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`check --junit-xml a.yml b.yml` (a report path forgotten) replaced the spec `a.yml` with XML."""
    monkeypatch.chdir(tmp_path)
    spec = write(tmp_path, "a.yml", GOOD)
    write(tmp_path, "b.yml", GOOD)
    assert main(["check", "--no-cache", "--jobs", "1", "--junit-xml", "a.yml", "b.yml"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "cannot write the JUnit report to a.yml: it is named like a spec "
                                                "(.yml, .yaml), and would replace one or become one\n")
    assert spec.read_text() == GOOD


def test_a_ctrl_c_while_the_command_line_is_imported_is_an_interrupt_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The console script enters through `launch`, which imports the command line (about 150 ms) inside a
    guard: a Ctrl-C then exits 130 with the usual line, as one during the check does."""
    import importlib.abc

    from mkdocs_derivations import launch

    class Interrupting(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name == "mkdocs_derivations.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "mkdocs_derivations.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    assert launch.main() == 130
    assert capsys.readouterr().err == "mkdocs-derivations: interrupted\n"


def test_the_launcher_runs_the_command_line(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from mkdocs_derivations import launch

    monkeypatch.setattr(sys, "argv", ["mkdocs-derivations", "--help"])
    with pytest.raises(SystemExit) as stopped:
        launch.main()
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("usage: mkdocs-derivations")

"""How messages name a spec file (errors.display_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_derivations.cli import main
from mkdocs_derivations.errors import Location, display_path, unfollowed


def test_a_spec_is_named_from_the_working_directory_even_one_entered_through_a_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The working directory is used as the system names it (no links); a root given through a link is
    resolved, and a folder that is a link is named where it leads, the spec itself where it is."""
    real = tmp_path / "real"
    (real / "derivations").mkdir(parents=True)
    (real / "docs").mkdir()
    (real / "derivations" / "a.yml").write_text("version: 1\n")
    (tmp_path / "via").symlink_to(real)
    (real / "specs").symlink_to("docs")
    monkeypatch.chdir(tmp_path / "via")
    assert display_path(Path("derivations/a.yml")) == "derivations/a.yml"
    assert display_path(tmp_path / "via" / "derivations" / "a.yml") == "derivations/a.yml"
    assert display_path(real / "derivations" / "a.yml") == "derivations/a.yml"
    assert display_path("specs/b.yml") == "docs/b.yml"
    assert display_path(tmp_path / "via" / "derivations" / "a.yml", tmp_path / "via") == "derivations/a.yml"
    assert display_path(real / "derivations" / "a.yml", tmp_path / "via" / "derivations") == "a.yml"
    assert display_path(tmp_path / "elsewhere.yml") == (tmp_path / "elsewhere.yml").as_posix()
    assert display_path("../x.yml") == "../x.yml"


def test_a_location_is_an_immutable_value_that_prints_as_a_place() -> None:
    here = Location("a.yml", 3, 4)
    assert str(here) == "a.yml:3:4" and str(Location("a.yml", 3)) == "a.yml:3" and str(Location("a.yml")) == "a.yml"
    assert str(Location()) == "<string>"
    assert repr(here) == "Location(path='a.yml', line=3, column=4)"
    assert here == Location("a.yml", 3, 4) and {here: 1}[Location("a.yml", 3, 4)] == 1
    assert here.shifted(2) == Location("a.yml", 3, 6) and here != Location("a.yml", 3, 5)
    with pytest.raises(AttributeError):
        here.line = 5  # type: ignore[misc]


def test_a_spec_in_a_folder_that_is_a_link_loop_is_named_as_written_not_an_internal_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Resolving the folder raised RuntimeError (Python before 3.13), and `check loop/x.yml` said
    "internal error: RuntimeError: Symlink loop" instead of naming the file."""
    (tmp_path / "loop").symlink_to("loop")
    monkeypatch.chdir(tmp_path)
    assert unfollowed(Path("loop/x.yml")) == tmp_path / "loop" / "x.yml"
    assert display_path(Path("loop/x.yml")) == "loop/x.yml"
    assert main(["check", "--no-cache", "loop/x.yml"]) == 2
    err = capsys.readouterr().err
    assert "loop/x.yml: no such file or folder" in err and "internal error" not in err

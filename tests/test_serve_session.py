"""A real `mkdocs serve` over an editing session: what only a live server shows (its file watch, its worker
processes between rebuilds, the pages it answers with after each save)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import site_support

pytestmark = pytest.mark.slow

GOOD = site_support.TINY_SPEC
WRONG = GOOD.replace("'2*sin(t)*cos(t)'", "'2*sin(t)'")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`mkdocs serve` in its own process group, its log in a file; :meth:`stop` ends it and its workers."""

    def __init__(self, site: Path, *args: str) -> None:
        self.port = _free_port()
        self.log_path = site.parent / f"serve-{self.port}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}", *args], cwd=site, env=env,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_for_log("Serving on", timeout=60)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def builds(self) -> int:
        """Builds finished so far (MkDocs says so with each reload; its 'built in' line can be deduplicated)."""
        return self.log().count("Reloading browsers")

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            assert self.process.poll() is None, f"mkdocs serve exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.log()}"
            time.sleep(0.1)

    def wait_for_build(self, after: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.builds() <= after:
            assert self.process.poll() is None, f"mkdocs serve exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"no rebuild after {after}:\n{self.log()}"
            time.sleep(0.1)

    def page(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=60) as response:
            return str(response.read().decode())

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        try:  # workers left behind would be in the group too
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()


@pytest.fixture
def serve() -> Iterator[type[Server]]:
    started: list[Server] = []

    class Started(Server):
        def __init__(self, site: Path, *args: str) -> None:
            started.append(self)  # stopped even if it fails to come up
            super().__init__(site, *args)

    try:
        yield Started
    finally:
        for server in started:
            server.stop()


def _badges(html: str) -> list[str]:
    return re.findall(r'class="deriv-eq (deriv-[a-z-]+)"', html)


def test_a_specs_folder_made_deleted_and_restored_while_serving_is_watched_again(
        tmp_path: Path, serve: type[Server]) -> None:
    """A specs folder missing at the start stopped `mkdocs serve` with a watchdog traceback; one deleted (or
    moved away) while serving ended MkDocs' watch of it for good, so edits after it came back did nothing."""
    site = site_support.make_site(tmp_path / "site", {})
    (site / "derivations").rmdir()
    server = serve(site)
    assert "specs_dir: the folder derivations does not exist" in server.log()

    before = server.builds()
    (site / "derivations").mkdir()
    time.sleep(1.5)  # MkDocs polls the folders it watches every 0.5 s
    (site / "derivations" / "tiny.yml").write_text(GOOD)
    server.wait_for_build(before)
    assert _badges(server.page("derivations/tiny/")) == ["deriv-proved"]

    (site / "derivations").rename(tmp_path / "away")
    time.sleep(1.5)
    (tmp_path / "away").rename(site / "derivations")
    time.sleep(1.5)
    before = server.builds()
    (site / "derivations" / "tiny.yml").write_text(WRONG)
    server.wait_for_build(before)
    assert _badges(server.page("derivations/tiny/")) == ["deriv-refuted"]
    assert "Traceback" not in server.log()


def test_disabling_the_plugin_while_serving_stops_its_workers(tmp_path: Path, serve: type[Server]) -> None:
    """`enabled: false` saved in mkdocs.yml while serving left the checking workers (a SymPy import each,
    about 85 MB of memory) idle until `mkdocs serve` exited."""
    site = site_support.make_site(tmp_path / "site", {"tiny.yml": GOOD}, cache_dir="")
    server = serve(site)
    assert _badges(server.page("derivations/tiny/")) == ["deriv-proved"]
    assert len(server.workers()) == 1
    config = site / "mkdocs.yml"
    before = server.builds()
    config.write_text(config.read_text().replace("  - derivations:\n", "  - derivations:\n      enabled: false\n"))
    server.wait_for_build(before)
    assert server.workers() == []
    before = server.builds()
    config.write_text(config.read_text().replace("      enabled: false\n", ""))
    server.wait_for_build(before)
    assert _badges(server.page("derivations/tiny/")) == ["deriv-proved"]
    assert len(server.workers()) == 1

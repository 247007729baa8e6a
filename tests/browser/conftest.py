"""Fixtures for browser tests: build a MkDocs site, serve it on 127.0.0.1, drive it in headless Chromium.

Reusable pieces, so that tests for any site (the fixture site, the real one) read as a few assertions:

- ``built_site(mkdocs_yml)`` builds once per session with ``mkdocs build --strict`` and returns the folder;
- ``serve(folder)`` serves it on a free loopback port and returns the base URL;
- ``browser_page`` is a fresh page whose requests to any host but the loopback one are aborted and
  recorded (the site must work offline), with helpers that wait for MathJax and read what it rendered.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser here.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_support import BrowserPage

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_MISSING = f"{CHROMIUM} not found; install Debian's chromium (apt-get install chromium)"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _chromium_missing() -> bool:
    return not CHROMIUM.is_file()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests only when Chromium itself is absent, and say how to get it."""
    if not _chromium_missing():
        return
    skip = pytest.mark.skip(reason=_MISSING)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Build a site once per session (``mkdocs build --strict``) and return its folder.

    The build runs as configured in the file: a developer's MKDOCS_DERIVATIONS_VERIFY=0 (drafts without
    checking) must not turn the verdicts the tests look for into "unchecked".
    """
    cache: dict[Path, Path] = {}

    def build(mkdocs_yml: Path) -> Path:
        mkdocs_yml = mkdocs_yml.resolve()
        if mkdocs_yml not in cache:
            out = tmp_path_factory.mktemp(mkdocs_yml.parent.name or "site")
            env = {k: v for k, v in os.environ.items() if k != "MKDOCS_DERIVATIONS_VERIFY"}
            env["NO_MKDOCS_2_WARNING"] = "1"  # keep a failure's output to the point
            result = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(mkdocs_yml), "-d", str(out)],
                capture_output=True,
                text=True,
                env=env,
                timeout=900,
                check=False,
            )
            assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
            cache[mkdocs_yml] = out
        return cache[mkdocs_yml]

    return build


_LOC = re.compile(r"<loc>([^<]*)</loc>")


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as if it were deployed at its ``site_url``.

    mkdocs-material's instant navigation only intercepts links found in ``sitemap.xml``, whose URLs start
    with ``site_url`` (it swaps in the page's scheme and host, but keeps the port and path). The sitemap
    is therefore served rebased onto this server; every other file is served as built.
    """

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if urlsplit(self.path).path != "/sitemap.xml":
            super().do_GET()
            return
        text = (Path(self.directory) / "sitemap.xml").read_text(encoding="utf-8")
        locs = _LOC.findall(text)
        if locs:
            site_url = min(locs, key=len)  # the home page's URL is site_url itself
            base = f"http://{self.headers.get('Host', '127.0.0.1')}/"
            text = text.replace(f"<loc>{site_url}", f"<loc>{base}")
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# Module scope for the server and the browser: the rest of the suite forks worker processes, which is
# best done from a process without extra threads (server, Playwright's child watcher) or a live driver.
@pytest.fixture(scope="module")
def serve() -> Iterator[Callable[[Path], str]]:
    """Serve a folder over HTTP on 127.0.0.1 (free port, background thread); returns the base URL."""
    servers: dict[Path, http.server.ThreadingHTTPServer] = {}

    def start(folder: Path) -> str:
        folder = folder.resolve()
        if folder not in servers:
            handler = functools.partial(_SiteHandler, directory=str(folder))
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, name=f"serve {folder}", daemon=True).start()
            servers[folder] = server
        return f"http://127.0.0.1:{servers[folder].server_address[1]}"

    yield start
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (starting it costs about a second)."""
    if _chromium_missing():
        pytest.skip(_MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[BrowserPage]:
    """A fresh page (own context: no shared storage) that may only talk to 127.0.0.1/localhost (or read
    files, for a site opened from disk)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    probe = BrowserPage(page)

    def route(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or urlsplit(url).scheme == "file":  # a site opened from disk
            route.continue_()
        else:
            probe.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("response", lambda r: r.status >= 400 and probe.bad_responses.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and probe.console_errors.append(m.text))
    page.on("pageerror", lambda e: probe.console_errors.append(str(e)))
    yield probe
    context.close()


REPO_MKDOCS_YML = Path(__file__).resolve().parents[2] / "mkdocs.yml"


@pytest.fixture(scope="module")
def site(built_site: Callable[[Path], Path]) -> Path:
    """The repository's own site (built once per session), for the modules that test it; a module that
    tests another site defines its own ``base_url``."""
    return built_site(REPO_MKDOCS_YML)


@pytest.fixture(scope="module")
def base_url(site: Path, serve: Callable[[Path], str]) -> str:
    return serve(site)

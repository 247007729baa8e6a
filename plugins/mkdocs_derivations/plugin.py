"""The MkDocs plugin `derivations`: thin glue between MkDocs events and the core.

All the work (loading specs, checking claims, rendering Markdown) happens in modules that know nothing of
MkDocs; this file only maps MkDocs events onto them, turns problems into warnings on the
``mkdocs.plugins.derivations`` logger (so ``mkdocs build --strict`` refuses a wrong derivation) and adds
the generated pages and the locally served MathJax files to the site.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from html import escape
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from watchdog.events import FileSystemEvent, FileSystemEventHandler

from . import markdown_setup, mathjax_assets, staging
from .checking import Checker, find_specs
from .dashboard import SITE_TOTAL_MARKER
from .errors import display_path
from .options import (
    DEFAULT_CACHE_DIR,
    DEFAULT_JOBS,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_PAGE_TIME_LIMIT_S,
    DEFAULT_TIME_LIMIT_S,
    CheckOptions,
    option_problem,
)
from .printable import plugin_logger
from .render import counted
from .sanitize import sanitize_html
from .site_pages import SitePages

if TYPE_CHECKING:  # imported by `mkdocs serve` only, not by every build
    from mkdocs.livereload import LiveReloadServer

log = plugin_logger()  # "mkdocs.plugins.derivations", each message held to one line

_ASSETS = Path(__file__).parent / "assets"
_ASSET_FOLDER = "assets/derivations"
# Set to 0/false/no to render every claim as unchecked (fast drafts, and the benchmark's floor).
VERIFY_ENV = "MKDOCS_DERIVATIONS_VERIFY"


class _CheckingOption(c.Type):
    """A number held to the same bounds as the CLI's argument of the same name (``option_problem``)."""

    def __init__(self, name: str, kind: type | tuple[type, ...], default: float) -> None:
        super().__init__(kind, default=default)
        self._option = name

    def run_validation(self, value: object) -> object:
        value = super().run_validation(value)  # an int (or float) by now; YAML's `true` passes as an int
        if isinstance(value, bool):
            raise c.ValidationError("must be a number")
        problem = option_problem(self._option, value)  # type: ignore[arg-type]
        if problem:
            raise c.ValidationError(problem)
        return value


class _SpecsFolder(c.Type):
    """The specs folder: not empty or `.`, which named the folder of `mkdocs.yml` and read it as a spec
    ("unknown key `site_name`")."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> object:
        value = super().run_validation(value)
        assert isinstance(value, str)
        if PurePosixPath(value.strip().replace("\\", "/") or ".") == PurePosixPath("."):
            raise c.ValidationError("must name the folder of the spec files, such as `derivations`, not the "
                                    "folder of mkdocs.yml itself")
        return value


class _FolderInDocs(c.Type):
    """A folder below ``docs_dir``: generated pages written through ``..`` or an absolute path would land
    outside the site's sources (or overwrite other pages' URLs) without a word."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> object:
        value = super().run_validation(value)
        assert isinstance(value, str)
        path = PurePosixPath(value.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in value:
            raise c.ValidationError(f"`{value}` must be a folder inside docs_dir, such as `derivations` "
                                    "(a relative path without `..`), or empty for the top of the site")
        return value


class DerivationsConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from `mkdocs.yml`."""
    specs_dir = _SpecsFolder(default="derivations")
    """Folder (relative to `mkdocs.yml`) holding the `*.yml` derivation specs."""
    output_dir = _FolderInDocs(default="derivations")
    """Folder below `docs_dir` where the generated pages appear (their URL prefix)."""
    verify = c.Type(bool, default=True)
    """Check claims with SymPy; false renders every claim as unchecked. Overridden by $MKDOCS_DERIVATIONS_VERIFY."""
    time_limit = _CheckingOption("time_limit", (int, float), default=DEFAULT_TIME_LIMIT_S)
    """Seconds one claim may take before it is stopped and shown as an error."""
    page_time_limit = _CheckingOption("page_time_limit", (int, float), default=DEFAULT_PAGE_TIME_LIMIT_S)
    """Seconds the claims of one page may take together; the claims left when they are used are shown as errors."""
    memory_limit_mb = _CheckingOption("memory_limit", int, default=DEFAULT_MEMORY_LIMIT_MB)
    """Address space each checking worker may add for its claims (beyond SymPy itself), in MiB."""
    jobs = _CheckingOption("jobs", int, default=DEFAULT_JOBS)
    """Worker processes for checking; 0 means one per CPU core."""
    cache_dir = c.Type(str, default=DEFAULT_CACHE_DIR)
    """Verdict cache folder (relative to `mkdocs.yml`); an empty string disables the cache."""
    serve_mathjax = c.Type(bool, default=True)
    """Serve MathJax from the site itself and load it on every page (no CDN)."""
    dashboard = c.Type(bool, default=True)
    """Generate `<output_dir>/dashboard.md` (verdict counts per page) and `<output_dir>/graph.md` (citations)."""
    atomic_build = c.Type(bool, default=True)
    """`mkdocs build` writes to a staging folder and swaps it in at the end: a killed build keeps the old site."""


def _env_verify(default: bool) -> bool:
    value = os.environ.get(VERIFY_ENV, "").strip().lower()
    if value in {"0", "false", "no", "off"}:
        return False
    if value in {"1", "true", "yes", "on"}:
        return True
    return default


class _StrictWarnings(logging.Handler):
    """Counts what MkDocs' strict mode counts (warnings and worse on the ``mkdocs`` logger), so that a build
    MkDocs is about to abort is not swapped over the previous site: the abort comes after ``on_post_build``."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _rebuild_pages_with_the_total(files: Files) -> None:
    """Under `--dirty`, MkDocs skips a page whose source is older than its HTML, so a hand-written page that
    shows the site's total kept the total of an earlier build after a spec changed. Giving such a page its
    own text as content makes MkDocs count it as changed (a generated page always is)."""
    for file in files.documentation_pages():
        if file.generated_by or file.abs_src_path is None:
            continue
        try:
            text = file.content_string
        except (OSError, UnicodeDecodeError):
            continue  # MkDocs reports it when it reads the page
        if SITE_TOTAL_MARKER in text:
            source = file.abs_src_path
            file.content_string = text
            file.abs_src_path = source  # which the setter drops: other plugins may still read the file's date


class DerivationsPlugin(BasePlugin[DerivationsConfig]):
    def __init__(self) -> None:
        self._checker: Checker | None = None
        self._root = Path.cwd()
        self._generated: dict[str, str] = {}  # src_uri of each generated page -> its slug
        self._site: SitePages | None = None
        self._command = "build"
        self._dirty = False  # `--dirty`: MkDocs rebuilds only the pages whose source changed
        self._final_site_dir: str | None = None
        self._staging_dir: Path | None = None
        self._strict_warnings: _StrictWarnings | None = None
        self._checked_before = 0  # the checker's count of claims sent to workers when this build started
        self._mathjax_files: list[tuple[Path, str]] = []
        self._server: LiveReloadServer | None = None  # `mkdocs serve`'s, which watches the specs folder
        self._watch_lock = threading.Lock()
        self._awaited: set[str] = set()  # specs folders whose parent is watched for their return

    # Defining on_startup makes MkDocs keep this object across `mkdocs serve` rebuilds, so the worker pool
    # and the verdicts of unchanged specs survive an edit of one file.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = command
        self._dirty = dirty

    # First of all plugins, so that a warning from any of them is counted (MkDocs counts from the start).
    @event_priority(100)
    def _count_strict_warnings(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._stop_counting()
        if self.config.enabled and self.config.atomic_build and config.strict:
            self._strict_warnings = _StrictWarnings()
            logging.getLogger("mkdocs").addHandler(self._strict_warnings)
        return config

    def _stop_counting(self) -> int:
        """Detach the strict-mode counter; return how many warnings it saw."""
        counter, self._strict_warnings = self._strict_warnings, None
        if counter is None:
            return 0
        logging.getLogger("mkdocs").removeHandler(counter)
        return counter.count

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            # `enabled: false` saved while serving: the workers of the earlier builds would idle until exit.
            self._close_checker()
            return config
        self._refuse_a_second_instance(config)
        self._root = Path(config.config_file_path or ".").resolve().parent
        extra_js = [f"{_ASSET_FOLDER}/derivations.js"]
        if self.config.serve_mathjax:
            # Found now, so that a missing package stops the build before anything is written.
            try:
                self._mathjax_files = mathjax_assets.files_to_copy()
            except FileNotFoundError as err:
                raise PluginError(f"derivations: serve_mathjax: {err}; or set `serve_mathjax: false` if the site "
                                  "loads its own MathJax 3") from err
            extra_js.insert(0, f"{_ASSET_FOLDER}/mathjax-config.js")
            extra_js.insert(1, f"{mathjax_assets.SITE_FOLDER}/{mathjax_assets.COMPONENT}")
        for script in extra_js:
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        if self.config.serve_mathjax:
            for script in mathjax_assets.other_mathjax([str(s) for s in config.extra_javascript]):
                log.warning("extra_javascript: %s loads a second MathJax besides the one the plugin serves (it "
                            "would come first and fight over the page's MathJax settings); remove it, with "
                            "its configuration script, or set `serve_mathjax: false` to keep your own", script)
        css = f"{_ASSET_FOLDER}/derivations.css"
        if css not in config.extra_css:
            config.extra_css.append(css)
        options = CheckOptions.from_settings(  # the values passed _CheckingOption, which holds them to its bounds
            verify=_env_verify(self.config.verify),
            time_limit=self.config.time_limit,
            page_time_limit=self.config.page_time_limit,
            memory_limit_mb=self.config.memory_limit_mb,
            jobs=self.config.jobs,
            cache_dir=(self._root / self.config.cache_dir) if self.config.cache_dir else None,
        )
        if self.config.atomic_build and self._command in {"build", "gh-deploy"}:
            try:
                self._staging_dir = staging.staging_dir(Path(config.site_dir))
            except staging.StagingError as err:
                raise PluginError(f"derivations: atomic_build: {err}") from err
            self._final_site_dir = config.site_dir
            config.site_dir = str(self._staging_dir)
        if self._checker is None or self._checker.options != options:
            if self._checker is not None:
                self._checker.close()
            self._checker = Checker(options)
        return config

    # Last of all plugins, so that an extension another plugin adds in its on_config counts.
    @event_priority(-100)
    def _require_markdown_extensions(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Stop at the configuration when the generated pages would show raw Markdown (markdown_setup.py)."""
        if not self.config.enabled:
            return config
        missing = markdown_setup.missing_extensions(config.markdown_extensions, config.mdx_configs)
        if missing:
            raise PluginError("derivations: the generated pages need Markdown extensions that mkdocs.yml does "
                              f"not enable: {'; '.join(missing)}. Without them a page shows raw Markdown such "
                              "as {.deriv-ref} or $x$: add them under `markdown_extensions:` (the plugin needs "
                              "attr_list, md_in_html and `pymdownx.arithmatex: {generic: true}`)")
        return config

    on_config = CombinedEvent(_count_strict_warnings, _configure, _require_markdown_extensions)

    def _refuse_a_second_instance(self, config: MkDocsConfig) -> None:
        """Two instances each staged the site, the second inside the first's staging folder, and the swaps
        then left no site_dir at all (the build in `site.derivations-staging`), with every page's verdict
        placeholders reported missing; MkDocs' own note about it is a warning a plain build passes."""
        others = [p for p in config.plugins.values()
                  if isinstance(p, DerivationsPlugin) and p is not self and p.config.enabled]
        if others:
            raise PluginError("derivations: the derivations plugin is listed twice in mkdocs.yml; keep one "
                              "`- derivations:` entry under `plugins:`, with all its options")

    def _specs_dir(self) -> Path:
        return self._root / self.config.specs_dir

    # `mkdocs serve` watches the specs folder, but only while it exists. Given to MkDocs' `watch` list, a
    # missing folder stopped `mkdocs serve` at its start with a traceback, and the watch of a folder that was
    # deleted or moved away ended for good: once it was back, no edit of a spec rebuilt the site. So the
    # plugin arms the watch itself whenever the folder exists: when serving starts, at each rebuild, and as
    # soon as the folder appears in its parent folder (which is watched for that alone).
    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig,
                 builder: object) -> LiveReloadServer | None:
        self._server = server  # also when disabled: `enabled: true` saved later arms the watch at that rebuild
        if self.config.enabled:
            self._watch_specs_folder()
        return server

    def _watch_specs_folder(self) -> None:
        """Watch the specs folder if it exists and no live watch has it (its watch stops when it is deleted),
        and its parent folder for the folder's return."""
        server = self._server
        if server is None:
            return
        folder = os.path.abspath(self._specs_dir())
        with self._watch_lock:
            parent = os.path.dirname(folder)
            if folder not in self._awaited and os.path.isdir(parent):
                server.observer.schedule(_FolderAppears(folder, self._watch_specs_folder), parent)
                self._awaited.add(folder)
            if not os.path.isdir(folder):
                return
            if any(os.path.abspath(emitter.watch.path) == folder and not emitter.stopped_event.is_set()
                   for emitter in list(server.observer.emitters)):
                return
            while True:  # drop the dead watch, however many `watch` calls MkDocs counted for the folder
                try:
                    server.unwatch(folder)
                except KeyError:
                    break
            server.watch(folder)

    # Generated pages must exist before the navigation is built, so they are added here, not later.
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self._checker is None:
            return files
        for name in ("derivations.js", "derivations.css", "mathjax-config.js"):
            files.append(File.generated(config, f"{_ASSET_FOLDER}/{name}", abs_src_path=str(_ASSETS / name)))
        if self.config.serve_mathjax:
            for src, rel in self._mathjax_files:
                files.append(File.generated(config, rel, abs_src_path=str(src)))
        self._generated = {}
        # Specs are loaded now; their cache misses are checked by the workers while MkDocs converts and
        # renders the pages. A generated page's Markdown shows its verdicts as slots (slots.py), filled in
        # its final HTML in on_post_page, which waits for that page's verdicts only.
        specs_dir = self._specs_dir()
        self._watch_specs_folder()  # before the files are read: a save from now on rebuilds again
        try:
            if not specs_dir.is_dir():  # a typo in `specs_dir` would otherwise build a site without its derivations
                log.warning("specs_dir: the folder %s does not exist, so no derivation pages are generated",
                            display_path(specs_dir, self._root))
            paths = find_specs(specs_dir)
            if specs_dir.is_dir() and not paths:  # as `check` refuses an empty folder, and for the same reason
                log.warning("specs_dir: no spec files (*.yml, *.yaml) in %s, so no derivation pages are generated",
                            display_path(specs_dir, self._root))
        except OSError as err:
            message = (f"derivations: specs_dir: cannot read the folder {display_path(specs_dir, self._root)}: "
                       f"{err.strerror or err}")
            if self._command != "serve":
                raise PluginError(message) from err
            # `mkdocs serve` prints a traceback for an error in a rebuild, and then waits for an edit anyway.
            log.error("%s; no derivation pages until it can be read", message)
            paths = []
        self._checked_before = self._checker.checked_claims
        pending = self._checker.start(paths, root=self._root)
        self._site = SitePages(pending, directory_urls=config.use_directory_urls, dashboard=self.config.dashboard)
        for slug in self._site.slugs:
            self._add_page(files, config, slug)
        if self._dirty:
            _rebuild_pages_with_the_total(files)
        return files

    def _add_page(self, files: Files, config: MkDocsConfig, slug: str) -> None:
        assert self._site is not None
        uri = f"{self.config.output_dir}/{slug}.md" if self.config.output_dir else f"{slug}.md"
        existing = files.get_file_from_path(uri)
        if existing is not None:
            if not existing.generated_by:
                log.warning("%s: the page generated from the spec `%s` replaces this hand-written page; "
                            "rename one of them", uri, slug)
            files.remove(existing)
        files.append(File.generated(config, uri, content=self._site.placeholder(slug)))
        self._generated[uri] = slug

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        slug = self._generated.get(page.file.src_uri)
        if slug is not None and self._site is not None:
            return self._site.page_markdown(slug)
        return markdown

    # Verdicts enter the final HTML here, as late as possible so that checking overlaps MkDocs' own work,
    # but before other plugins' on_post_page (minifiers, say) see the page. Hand-written pages may show the
    # site's verification total where they write the marker (an HTML comment, which Markdown keeps).
    @event_priority(50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self._site is None:
            return output
        slug = self._generated.get(page.file.src_uri)
        if slug is not None:
            output = self._site.fill(slug, output)
        if SITE_TOTAL_MARKER in output:
            output = output.replace(SITE_TOTAL_MARKER, escape(self._site.total()))
        return output

    # Generated pages only: a second line of defence against contributor HTML (see sanitize.py).
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled and page.file.src_uri in self._generated:
            return sanitize_html(html)
        return html

    # Last, so that every other plugin (search index, sitemap...) has written into the staging folder.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._site is not None:
            for problem in self._site.problems():  # waits for the last verdicts, if any page did not
                log.warning(problem)
            total = self._site.total()
            if self._checker is not None and total:
                checked = self._checker.checked_claims - self._checked_before
                log.info("derivations: %s; SymPy checked %s in this build", total.rstrip("."),
                         counted(checked, "claim"))
            self._site = None
        warnings = self._stop_counting()
        if self._final_site_dir is not None:
            if warnings:  # MkDocs aborts right after this event; on_build_error discards the staging folder
                log.info("strict mode: %d warning(s), so %s keeps the previous build", warnings,
                         self._final_site_dir)
                return
            try:
                staging.swap_into_place(Path(config.site_dir), Path(self._final_site_dir))
            except staging.StagingError as err:  # on_build_error then discards the staging folder
                raise PluginError(f"derivations: atomic_build: {err} (a site_dir that cannot be renamed, such "
                                  "as a mount point, needs `atomic_build: false`)") from err
            config.site_dir, self._final_site_dir, self._staging_dir = self._final_site_dir, None, None

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_counting()
        self._cancel_check()
        self._discard_staging()

    def _discard_staging(self) -> None:
        if self._final_site_dir is not None and self._staging_dir is not None:
            staging.discard(self._staging_dir)
            self._final_site_dir, self._staging_dir = None, None

    # Last, so that nothing else holds the pool when MkDocs exits.
    @event_priority(-100)
    def on_shutdown(self) -> None:
        self._cancel_check()
        self._close_checker()
        # A Ctrl-C in a build raises KeyboardInterrupt, which MkDocs does not report as a build error: its
        # staging folder was left behind, a whole site, under a new name each time for `mkdocs serve --clean`
        # (whose site_dir is a fresh temporary folder).
        self._discard_staging()

    def _close_checker(self) -> None:
        if self._checker is not None:
            self._checker.close()
            self._checker = None

    def _cancel_check(self) -> None:
        """Stop a check still running in the background (the build failed, or MkDocs is exiting)."""
        if self._site is not None:
            self._site.pending.cancel()
            self._site = None


class _FolderAppears(FileSystemEventHandler):
    """Calls ``arm`` when ``folder`` is created in (or moved into) the watched folder.

    The observer calls handlers holding its own lock, which arming the watch takes too, from the build
    thread as well; so the call is made from a thread of its own, after this handler has returned."""

    def __init__(self, folder: str, arm: Callable[[], None]) -> None:
        super().__init__()
        self._folder = os.path.abspath(folder)
        self._arm = arm

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if event.is_directory and self._folder in [os.path.abspath(os.fsdecode(p)) for p in paths if p]:
            threading.Thread(target=self._arm, daemon=True, name="derivations-watch").start()

"""A Python-Markdown extension that includes a checked derivation page: ``!derivation path/to/spec.yml``.

For site generators that run Python-Markdown extensions but not MkDocs plugins (Zensical, plain
``markdown.markdown``). A line holding only ``!derivation <path>`` is replaced, before any other block
processing, by the Markdown the plugin would generate for that spec: the same core (``checking.Checker``,
``render``), the same verdicts, badges, ``\\tag{n}`` numbers and cache. The spec's sibling ``*.yml`` files
are loaded (not checked) so that ``{eq:page#label}`` and ``by: page#label`` references to them resolve.

The included part goes through the same second line of defence as a generated page of the plugin
(``sanitize.sanitize_html``), applied only between markers around it, so the host page's own HTML is left
alone. What the plugin does besides rendering (navigation entries, the dashboard and graph pages, copying
MathJax and the page assets, rebuilding on spec edits) is the host's job here: see docs/portability.md.

Options (``extension_configs``): ``base_dir`` (directive paths are relative to it and must stay inside
it; default: the working directory), ``verify``, ``jobs`` (0, the default: one worker per CPU core),
``time_limit``, ``page_time_limit``, ``memory_limit_mb``, ``cache_dir`` (empty: no cache), all with the
plugin's defaults and bounds, and ``strict`` (raise ``DerivationProblems`` on a refuted step or an error
instead of logging a warning).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from .checking import Checker, find_specs, named_like_spec
from .errors import SpecError
from .markdown_code import mask_code
from .options import (
    DEFAULT_CACHE_DIR,
    DEFAULT_JOBS,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_PAGE_TIME_LIMIT_S,
    DEFAULT_TIME_LIMIT_S,
    CheckOptions,
    OptionError,
)
from .printable import plugin_logger, printable
from .references import pages_registry
from .render import error_box, render_page
from .sanitize import sanitize_html

# The plugin's logger: under MkDocs (the extension listed in `markdown_extensions`) only the `mkdocs` logger
# tree counts toward `--strict`, so a refuted step must be warned about there to fail a strict build.
log = plugin_logger()  # "mkdocs.plugins.derivations", each message held to one line

DIRECTIVE = re.compile(r"^[ ]{0,3}!derivation[ \t]+(?P<path>\S+)[ \t]*$")


class DerivationProblems(Exception):
    """Raised in ``strict`` mode when an included spec has a refuted step, an error or a broken reference."""


class _IncludePreprocessor(Preprocessor):
    def __init__(self, md: Markdown, ext: DerivationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        masked = mask_code("\n".join(lines)).split("\n")  # a directive shown in a code block stays code
        for line, visible in zip(lines, masked, strict=True):
            match = DIRECTIVE.match(visible)
            if match is None:
                out.append(line)
                continue
            out += ["", self._marker("begin"), ""]
            out += self.ext.include(match.group("path")).splitlines()
            out += ["", self._marker("end"), ""]
        return out

    def _marker(self, which: str) -> str:
        return self.md.htmlStash.store(f"<!-- {self.ext.nonce}:{which} -->")


class _SanitizePostprocessor(Postprocessor):
    """Runs after raw HTML is restored: sanitises exactly the included parts, as the plugin's on_page_content."""

    def __init__(self, md: Markdown, ext: DerivationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        begin, end = f"<!-- {self.ext.nonce}:begin -->", f"<!-- {self.ext.nonce}:end -->"
        pattern = re.compile(re.escape(begin) + r"(.*?)" + re.escape(end), re.DOTALL)
        return pattern.sub(lambda m: sanitize_html(m.group(1)), text)


class DerivationsExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "base_dir": [".", "Folder that `!derivation` paths are relative to (and must stay inside)"],
            "verify": [True, "Check claims with SymPy; false renders every claim as unchecked"],
            "jobs": [DEFAULT_JOBS, "Worker processes for checking; 0: one per CPU core"],
            "time_limit": [DEFAULT_TIME_LIMIT_S, "Seconds one claim may take"],
            "page_time_limit": [DEFAULT_PAGE_TIME_LIMIT_S, "Seconds the claims of one page may take together"],
            "memory_limit_mb": [DEFAULT_MEMORY_LIMIT_MB, "Address-space cap of each checking worker, in MiB"],
            "cache_dir": [DEFAULT_CACHE_DIR, "Verdict cache folder relative to base_dir; empty: no cache"],
            "strict": [False, "Raise DerivationProblems instead of logging a warning for a failing spec"],
        }
        super().__init__(**kwargs)
        self.nonce = f"derivations-{secrets.token_hex(8)}"
        self._checker: Checker | None = None

    # ----- the core, driven as the plugin drives it -------------------------------------------------------
    def base_dir(self) -> Path:
        return Path(str(self.getConfig("base_dir"))).resolve()

    def checker(self) -> Checker:
        base = self.base_dir()
        cache = str(self.getConfig("cache_dir"))
        options = CheckOptions.from_settings(  # raises OptionError for a value out of bounds
            verify=bool(self.getConfig("verify")),
            time_limit=self.getConfig("time_limit"),
            page_time_limit=self.getConfig("page_time_limit"),
            memory_limit_mb=self.getConfig("memory_limit_mb"),
            jobs=self.getConfig("jobs"),
            cache_dir=(base / cache) if cache else None,
        )
        if self._checker is None or self._checker.options != options:
            self.close()
            self._checker = Checker(options)
        return self._checker

    def close(self) -> None:
        """Stop the checking workers (they are started again on the next cache miss)."""
        if self._checker is not None:
            self._checker.close()

    def include(self, name: str) -> str:
        """The Markdown of the spec at ``name`` (relative to base_dir), or an error box saying why not."""
        base = self.base_dir()
        try:
            path = (base / name).resolve()
        except (OSError, RuntimeError) as err:  # RuntimeError: a loop of symbolic links
            return self._failed(name, f"`!derivation {name}`: the path cannot be followed: {err}")
        if not path.is_relative_to(base):
            return self._failed(name, f"`!derivation {name}`: the path leaves base_dir {base}")
        if not named_like_spec(path) or not path.is_file():
            return self._failed(name, f"`!derivation {name}`: no spec file at {path}")
        try:
            checker = self.checker()
        except OptionError as err:  # reported where it costs something, as a missing spec is
            return self._failed(name, f"mkdocs_derivations.markdown_ext: option '{err.name}': {err.problem}")
        try:
            siblings = find_specs(path.parent)
        except OSError as err:
            return self._failed(name, f"`!derivation {name}`: cannot read the folder {path.parent}: "
                                      f"{err.strerror or err}")
        others = [checker.load(p, base) for p in siblings if p != path]
        try:
            [checked] = checker.check_loaded([checker.load(path, base)], others)
        finally:
            checker.close()  # no idle workers left behind by a Markdown call
        page = render_page(checked, pages_registry([checked, *others]))
        if page.problems:
            if self.getConfig("strict"):
                raise DerivationProblems("\n".join(printable(problem) for problem in page.problems))
            for problem in page.problems:
                log.warning(problem)
        return page.markdown

    def _failed(self, name: str, message: str) -> str:
        if self.getConfig("strict"):
            raise DerivationProblems(printable(message))
        log.warning(message)
        return error_box([SpecError(message)])

    # ----- Python-Markdown ---------------------------------------------------------------------------------
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)
        # Before html_block (20), so the generated raw HTML blocks are stashed like hand-written ones.
        md.preprocessors.register(_IncludePreprocessor(md, self), "derivations", 25)
        # After raw_html (30), which puts the stashed blocks back.
        md.postprocessors.register(_SanitizePostprocessor(md, self), "derivations_sanitize", 5)


def makeExtension(**kwargs: Any) -> DerivationsExtension:  # noqa: N802 - Python-Markdown's name
    return DerivationsExtension(**kwargs)

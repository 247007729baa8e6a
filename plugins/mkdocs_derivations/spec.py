"""The spec loader: a YAML file (format v1) -> :class:`model.Spec`, or a :class:`SpecError` that says where.

The YAML is read by :mod:`yaml_safe` into position-carrying nodes; this module checks every key and value
against format v1 and builds the typed model. Errors name the exact line and column *and* a human path to
the spot (``block 5 (math 'chain-rule'), step 2``) so that a CI log alone is enough to find the fault.

The allowed keys of each kind of object are module constants (:data:`ALLOWED_KEYS`) so that a test can
hold them equal to the JSON Schema that editors use.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import model
from .errors import Location, SpecError, block_where, nearest, step_where
from .expr import is_identifier
from .markdown_code import mask_code
from .page_limits import check_page_limits
from .tex_policy import check_prose_tex
from .yaml_safe import (
    BOOL_TAG,
    INT_TAG,
    MAX_BYTES,
    NULL_TAG,
    YMap,
    YNode,
    YScalar,
    YSeq,
    describe,
    load_yaml,
    size_error,
)

FORMAT_VERSION = 1

# Used with ``match``, so anchored at the start; ``\Z`` (not ``$``, which also matches before a final
# newline) at the end, or a quoted "a\n" would pass as the label ``a``.
LABEL_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# `by:` may also cite an equation on another page as `page-slug#label`.
REFERENCE_RE = re.compile(r"[a-z0-9][a-z0-9-]*(#[a-z0-9][a-z0-9-]*)?\Z")
_POSITIVE_INT_RE = re.compile(r"[1-9][0-9]*\Z")
_INT_RE = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
# An equation number as the page shows it: `13`, `5.2` or `(13)`.
_EQUATION_NUMBER_RE = re.compile(r"\(?[0-9]+(\.[0-9]+)*\)?\Z")
# An equation-number prefix as textbooks use them (`5.`, `A.`, `2.3-`): it is written into every row's
# `\tag{...}` and into the link text of every reference, where TeX or Markdown in it would be live.
_PREFIX_CHARACTER = re.compile(r"[A-Za-z0-9.-]")
MAX_PREFIX = 16
# A footnote definition as Python-Markdown's `footnotes` extension reads it (in code it is none).
_FOOTNOTE_DEFINITION = re.compile(r"[ ]{0,3}\[\^([^\]]*)\]:")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
#: Strings longer than this get no per-character positions (see :func:`_located`).
_MAX_MAPPED = 10_000

MAX_LABEL = 64
"""Characters of a label (an anchor and a part of every message about its steps)."""
MAX_LINE_FIELD = 500
"""Characters of a one-line field: a title, the citation, the URL."""

SPEC_KEYS = frozenset({"version", "title", "source", "numbering", "symbols", "where", "sizes", "blocks"})
SOURCE_KEYS = frozenset({"citation", "url"})
NUMBERING_KEYS = frozenset({"start", "prefix"})
BLOCK_KEYS = frozenset({"text", "math", "example", "remark"})
SCOPE_KEYS = frozenset({"symbols", "where", "sizes"})
MATH_KEYS = frozenset({"start", "steps", "label", "number"}) | SCOPE_KEYS
TERM_KEYS = frozenset({"tex", "sympy"})
STEP_KEYS = TERM_KEYS | frozenset({"rel", "by", "given", "same_row", "label", "number", "shape"})
EXAMPLE_KEYS = frozenset({"title", "blocks"}) | SCOPE_KEYS
REMARK_KEYS = EXAMPLE_KEYS

#: The keys the loader accepts, per kind of object (the JSON Schema must agree; see tests/test_schema.py).
ALLOWED_KEYS: Mapping[str, frozenset[str]] = {
    "spec": SPEC_KEYS,
    "source": SOURCE_KEYS,
    "numbering": NUMBERING_KEYS,
    "block": BLOCK_KEYS,
    "math": MATH_KEYS,
    "term": TERM_KEYS,
    "step": STEP_KEYS,
    "example": EXAMPLE_KEYS,
    "remark": REMARK_KEYS,
}

RELATIONS: tuple[model.Relation, ...] = ("=", ":=", "in")


def load_spec(path: Path, display: str | None = None) -> model.Spec:
    """Read and load one spec file; the file's size is checked before it is read.

    ``display`` is the path as messages show it (usually relative to the project), default ``path``.
    """
    name = display or path.as_posix()
    return load_spec_text(read_spec_file(path, name), name)


def read_spec_file(path: Path, name: str) -> bytes:
    """The bytes of a spec file, refused with a :class:`SpecError` at ``name`` if too large or unreadable."""
    if path.is_symlink():
        # In CI a pull request could otherwise make the build read (and quote in an error, on the page and
        # in the log) any file the runner can: a link to a secret, or to /proc/self/environ.
        raise SpecError("a spec file may not be a symbolic link; put the spec itself in the folder",
                        Location(name))
    if _links_out(path.parent):  # `derivations -> ../outside` is a link git stores like any other
        raise SpecError(f"the folder `{path.parent.name}` holding this spec is a symbolic link that leads out of "
                        "the folder it is in; a specs folder may not (it could point outside the repository): "
                        "make it a real folder", Location(name))
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # reading a named pipe would wait for a writer for ever
            kind = "a folder" if stat.S_ISDIR(status.st_mode) else "not a regular file"
            raise SpecError(f"this spec name is {kind}; a spec must be a plain file", Location(name))
        if status.st_size > MAX_BYTES:
            raise size_error(status.st_size, name)
        return path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read the spec file: {exc.strerror or exc}", Location(name)) from None


def _links_out(folder: Path) -> bool:
    """Whether ``folder`` is a symbolic link to somewhere outside the folder that holds it. A link inside
    it (`derivations -> docs/specs`) can only show files the repository has anyway, and a link higher up
    (macOS's /tmp) is the machine's, not a pull request's."""
    if not folder.is_symlink():
        return False
    try:
        target, home = folder.resolve(strict=True), folder.absolute().parent.resolve(strict=True)
    except (OSError, RuntimeError):
        return True
    return not target.is_relative_to(home)


def load_spec_text(data: bytes | str, path: str) -> model.Spec:
    """Load a spec from its text; ``path`` is used in messages and its stem becomes the page slug."""
    root = load_yaml(data, path)
    return _Loader(path).spec(root)


def looks_like_equation_number(value: str) -> bool:
    """Whether a `by:` value is an equation number as the page shows it (`13`, `5.2`, `(13)`)."""
    return _EQUATION_NUMBER_RE.match(value.strip()) is not None


def by_number_message(value: str) -> str:
    """Contributors copy the number they see on the page; the number changes when a row is added above it,
    so `by` cites the row's label, and the message must say so rather than "quote it" or "not valid"."""
    return (f"`by: {value}` looks like an equation number, but `by` names an earlier row by its `label:`, "
            "not by its number; give that row a `label:` and cite that label")


# --- small readers for one value each -------------------------------------------------------------------


def _where(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _check_keys(node: YMap, allowed: frozenset[str], kind: str, where: str,
                required: Iterable[str] = ()) -> None:
    for key, location in node.keys.items():
        if key not in allowed:
            listing = ", ".join(f"`{k}`" for k in sorted(allowed))
            hint = nearest(key, allowed)
            message = f"unknown key `{key}` in {kind}"
            message += f"; did you mean `{hint}`?" if hint else "."
            message += f" Allowed keys: {listing}"
            raise SpecError(message, location, where)
    for key in required:
        if key not in node.values:
            raise SpecError(f"{kind} is missing the required key `{key}`", node.location, where)


def _map(node: YNode, what: str, where: str) -> YMap:
    if not isinstance(node, YMap):
        raise SpecError(f"{what} must be a mapping (`key: value` lines); found {describe(node)}",
                        node.location, where)
    return node


def _seq(node: YNode, what: str, where: str) -> YSeq:
    if not isinstance(node, YSeq):
        raise SpecError(f"{what} must be a list (`- item` lines); found {describe(node)}",
                        node.location, where)
    if not node.items:
        raise SpecError(f"{what} must not be empty", node.location, where)
    return node


def _scalar_text(node: YNode, what: str, where: str) -> YScalar:
    """A scalar that YAML loads as a string (a plain `yes`, `2` or `~` is not one)."""
    if not isinstance(node, YScalar) or not node.is_str:
        hint = "; quote it" if isinstance(node, YScalar) and node.value and node.value != "~" else ""
        raise SpecError(f"{what} must be a string; found {describe(node)}{hint}", node.location, where)
    return node


def _string(node: YNode, what: str, where: str, allow_empty: bool = False) -> str:
    scalar = _scalar_text(node, what, where)
    if not allow_empty and not scalar.value.strip():
        raise SpecError(f"{what} must not be empty", scalar.location, where)
    return scalar.value


def _one_line(node: YNode, what: str, where: str, why: str) -> str:
    """A non-empty string without a line break inside (its ends are stripped).

    Titles, the citation and the URL are written into a heading, a paragraph or a link: a line break there
    ends the heading and starts a paragraph (or a `## heading`) that the format does not offer.
    """
    value = _string(node, what, where)
    stripped = value.strip()
    if "\n" in stripped:
        assert isinstance(node, YScalar)  # _string accepted it
        offset = value.index(stripped) + stripped.index("\n")
        raise SpecError(f"{what} must be one line: {why}; join the lines", _located(node).at(offset), where)
    if len(stripped) > MAX_LINE_FIELD:
        # Markdown renders these, outside the page limits on prose: 32 000 `[` in a citation took 5 minutes.
        raise SpecError(f"{what} is {len(stripped)} characters long; at most {MAX_LINE_FIELD} are allowed",
                        node.location, where)
    return stripped


def _plain_title(node: YNode, title: str) -> None:
    """A page title reaches the browser tab through mkdocs-material's ``page.title | striptags``, which turns
    ``&lt;`` back into ``<``: a title ending ``</title><script>...`` ran script on its page (red team), in
    prose or in math alike. So it may not contain ``<`` (an ``&`` is written as ``&amp;``, see
    ``render.page_heading``)."""
    if "<" in title:
        assert isinstance(node, YScalar)
        raise SpecError("`title` must not contain `<`: the browser tab would read it as HTML; write `less than`, "
                        "or `≤`", _located(node).at(node.value.index("<")), "")


def _text(node: YNode, what: str, where: str) -> model.Text:
    scalar = _scalar_text(node, what, where)
    return _located(scalar)


def _located(scalar: YScalar, key: Location | None = None) -> model.Text:
    """The Text of a string scalar, able to say where each of its characters is written (asked lazily).

    Strings longer than any field allows (an expression is at most 2,000 characters) are refused at their
    start, so mapping their characters would only cost time. ``key`` is where its name is written, for the
    value of a ``name: value`` entry.
    """
    source = scalar if len(scalar.value) <= _MAX_MAPPED else None
    return model.Text(scalar.value, scalar.value_location, key, source)


def _expression(node: YNode, what: str, where: str, key: Location | None = None) -> model.Text:
    """An expression string; YAML would turn a plain `no`, `1e3` or `1:30` into something else, so the
    contributor must quote anything that is not plainly a string. ``key`` as for :func:`_located`."""
    if isinstance(node, YScalar) and not node.is_str:
        if node.plain and node.tag == NULL_TAG and node.value in ("", "~"):
            raise SpecError(f"{what} is empty; write an expression or leave the key out",
                            node.location, where)
        raise SpecError(
            f"{what}: expression fields must be strings; quote it: '{node.value}' "
            f"(unquoted, YAML reads {describe(node)})",
            node.location, where,
        )
    scalar = _scalar_text(node, what, where)
    if not scalar.value.strip():
        raise SpecError(f"{what} must not be empty", scalar.location, where)
    return _located(scalar, key)


def _bool(node: YNode, what: str, where: str) -> bool:
    if (isinstance(node, YScalar) and node.plain and node.tag == BOOL_TAG
            and node.value.lower() in ("true", "false")):
        return node.value.lower() == "true"
    raise SpecError(f"{what} must be true or false; found {describe(node)}",
                    node.location, where)


def _int(node: YNode, what: str, where: str, minimum: int) -> int:
    if isinstance(node, YScalar) and node.plain and node.tag == INT_TAG and _INT_RE.match(node.value):
        if len(node.value) > 18:  # also keeps int() below Python's 4300-digit limit (a ValueError)
            raise SpecError(f"{what} has {len(node.value)} digits; at most 18 are allowed", node.location, where)
        value = int(node.value)
        if value < minimum:
            raise SpecError(f"{what} must be at least {minimum}; found {value}", node.location, where)
        return value
    raise SpecError(f"{what} must be a whole number (at least {minimum}); found {describe(node)}",
                    node.location, where)


def _identifier(name: str, location: Location, what: str, where: str) -> None:
    if not is_identifier(name):
        raise SpecError(f"{what} `{name}` is not a valid name (a letter, then letters, digits or `_`)",
                        location, where)


def _check_footnotes(blocks: list[model.Block], seen: dict[str, Location]) -> None:
    """Refuse a footnote name defined twice on a page: the footnotes of all text blocks are collected at the
    page's end, and Markdown keeps the last definition in silence, so the first reference showed a note its
    author never wrote for it."""
    for block in blocks:
        if isinstance(block, model.Container):
            _check_footnotes(block.blocks, seen)
        if not isinstance(block, model.TextBlock) or "[^" not in block.markdown:  # no definition to mask
            continue
        for number, line in enumerate(mask_code(block.markdown).split("\n")):
            definition = _FOOTNOTE_DEFINITION.match(line)
            if definition is None:
                continue
            start = block.location
            location = Location(start.path, start.line + number,
                                start.column + definition.start(1) - 2) if start.line else start
            name = definition.group(1)
            first = seen.get(name)
            if first is not None:
                raise SpecError(f"the footnote `[^{name}]` is already defined (line {first.line}); a page "
                                "collects all its footnotes at its end, so each name must be unique within "
                                "the page: rename one", location, block.where)
            seen[name] = location


# --- the loader ----------------------------------------------------------------------------------------


@dataclass
class _Loader:
    """Builds one Spec; holds the per-page label table (labels are unique within a page)."""

    path: str
    labels: dict[str, Location] = field(default_factory=dict)

    def spec(self, root: YMap) -> model.Spec:
        _check_keys(root, SPEC_KEYS, "the spec", "", required=("version", "title", "blocks"))
        version = _int(root.values["version"], "`version`", "", minimum=0)
        if version != FORMAT_VERSION:
            raise SpecError(f"unsupported format `version: {version}`; this plugin reads version "
                            f"{FORMAT_VERSION}", root.values["version"].location)
        title = _one_line(root.values["title"], "`title`", "", "a line break would split the page's heading")
        _plain_title(root.values["title"], title)
        source = self.source(root.values["source"]) if "source" in root.values else None
        numbering = model.Numbering()
        if "numbering" in root.values:
            numbering = self.numbering(root.values["numbering"])
        scope = self.scope(root, "")
        blocks = self.blocks(root.values["blocks"], "")
        spec = model.Spec(
            path=self.path,
            slug=Path(self.path).stem,
            title=title,
            blocks=blocks,
            location=root.location,
            source=source,
            numbering=numbering,
            scope=scope,
            version=version,
        )
        check_page_limits(spec)
        _check_footnotes(spec.blocks, {})
        return spec

    def source(self, node: YNode) -> model.Source:
        where = "source"
        ymap = _map(node, "`source`", where)
        _check_keys(ymap, SOURCE_KEYS, "source", where, required=("citation",))
        citation = _one_line(ymap.values["citation"], "`citation`", where,
                             "a line break could start a paragraph or a heading of its own (fold a long "
                             "citation with `>-`, without blank lines: `>-` keeps those as line breaks)")
        # Prose, rendered as Markdown: its math follows the rules of a text block's (a \smash'ed rule there
        # could cover the page).
        check_prose_tex(citation, ymap.values["citation"].location, where)
        url = None
        if "url" in ymap.values:
            url = _one_line(ymap.values["url"], "`url`", where, "a line break would end the link")
        return model.Source(citation=citation, url=url)

    def numbering(self, node: YNode) -> model.Numbering:
        where = "numbering"
        ymap = _map(node, "`numbering`", where)
        _check_keys(ymap, NUMBERING_KEYS, "numbering", where)
        result = model.Numbering()
        if "start" in ymap.values:
            result.start = _int(ymap.values["start"], "`start`", where, minimum=0)
        if "prefix" in ymap.values:
            result.prefix = self.prefix(ymap.values["prefix"], where)
        return result

    @staticmethod
    def prefix(node: YNode, where: str) -> str:
        """The prefix goes unescaped into TeX (`\tag{5.1}`) and Markdown (the link text of a reference), so
        it is held to what a textbook's number prefix needs rather than checked like a `tex` field."""
        value = _string(node, "`prefix`", where, allow_empty=True)
        assert isinstance(node, YScalar)  # _string accepted it
        rule = "ASCII letters, digits, `.` and `-` (such as `5.` or `A.`)"
        for offset, character in enumerate(value):
            if not _PREFIX_CHARACTER.match(character):
                shown = f"`{character}`" if character.isprintable() and not character.isspace() \
                    else f"U+{ord(character):04X}"
                raise SpecError(f"`prefix` may hold only {rule}, since it is written into every equation "
                                f"number; found {shown}", _located(node).at(offset), where)
        if len(value) > MAX_PREFIX:
            raise SpecError(f"`prefix` has {len(value)} characters; at most {MAX_PREFIX} are allowed",
                            node.location, where)
        return value

    # scopes

    def scope(self, owner: YMap, where: str) -> model.Scope:
        scope = model.Scope()
        if "symbols" in owner.values:
            scope.symbols = self.named(owner.values["symbols"], "symbols", _where(where, "symbols"))
        if "where" in owner.values:
            scope.where = self.named(owner.values["where"], "where", _where(where, "where"))
        if "sizes" in owner.values:
            scope.sizes = self.sizes(owner.values["sizes"], _where(where, "sizes"))
            scope.sizes_location = owner.keys["sizes"]
        return scope

    def named(self, node: YNode, key: str, where: str) -> dict[str, model.Text]:
        ymap = _map(node, f"`{key}`", where)
        result: dict[str, model.Text] = {}
        for name, value in ymap.values.items():
            _identifier(name, ymap.keys[name], "symbol name" if key == "symbols" else "name", where)
            result[name] = _expression(value, f"`{key}.{name}`", where, ymap.keys[name])
        return result

    def sizes(self, node: YNode, where: str) -> list[dict[str, int]]:
        seq = _seq(node, "`sizes`", where)
        result: list[dict[str, int]] = []
        for index, item in enumerate(seq.items, start=1):
            item_where = _where(where, f"entry {index}")
            ymap = _map(item, "each entry of `sizes`", item_where)
            if not ymap.values:
                raise SpecError("an entry of `sizes` must give at least one dimension, e.g. `{N: 3}`",
                                ymap.location, item_where)
            entry: dict[str, int] = {}
            for name, value in ymap.values.items():
                _identifier(name, ymap.keys[name], "dimension", item_where)
                entry[name] = _int(value, f"size of `{name}`", item_where, minimum=1)
            result.append(entry)
        return result

    # blocks

    def blocks(self, node: YNode, where: str) -> list[model.Block]:
        seq = _seq(node, "`blocks`", where or "blocks")
        return [self.block(item, index, where) for index, item in enumerate(seq.items, start=1)]

    def block(self, node: YNode, index: int, parent: str) -> model.Block:
        where = block_where(parent, index)
        if not isinstance(node, YMap) or not node.values:
            raise SpecError(
                "a block is a one-key mapping: `- text: ...`, `- math: ...`, `- example: ...` or "
                f"`- remark: ...`; found {describe(node)}",
                node.location, where,
            )
        kinds = list(node.values)
        if len(kinds) > 1:
            extra = kinds[1]
            raise SpecError(
                f"a block has exactly one key, but this one has `{kinds[0]}` and `{extra}`"
                f" (is `{extra}` meant to be indented under `{kinds[0]}`, or to start a new `- ` block?)",
                node.keys[extra], where,
            )
        _check_keys(node, BLOCK_KEYS, "block", where)
        kind = kinds[0]
        body = node.values[kind]
        if kind == "text":
            where = block_where(parent, index, "text")
            scalar = _scalar_text(body, "a `text` block", where)
            if not scalar.value.strip():
                raise SpecError("a `text` block must not be empty", scalar.location, where)
            return model.TextBlock(markdown=scalar.value, location=scalar.value_location, where=where)
        if kind == "math":
            return self.math(body, parent, index)
        return self.container(body, kind, parent, index)

    def math(self, node: YNode, parent: str, index: int) -> model.MathBlock:
        ymap = _map(node, "a `math` block", block_where(parent, index, "math"))
        label_node = ymap.values.get("label")
        label = self.label(label_node, block_where(parent, index, "math")) if label_node is not None else None
        where = block_where(parent, index, "math", label.value if label else "")
        _check_keys(ymap, MATH_KEYS, "math block", where, required=("start", "steps"))
        number = _bool(ymap.values["number"], "`number`", where) if "number" in ymap.values else True
        scope = self.scope(ymap, where)
        start = self.term(ymap.values["start"], _where(where, "start"))
        steps_node = _seq(ymap.values["steps"], "`steps`", where)
        steps: list[model.Step] = []
        previous = start
        for index, item in enumerate(steps_node.items, start=1):
            step = self.step(item, previous, step_where(where, index))
            steps.append(step)
            previous = step.term
        return model.MathBlock(start=start, steps=steps, location=ymap.location, where=where, scope=scope,
                               label=label, number=number)

    def term(self, node: YNode, where: str) -> model.Term:
        ymap = _map(node, "a term (`tex` and optionally `sympy`)", where)
        _check_keys(ymap, TERM_KEYS, "term", where, required=("tex",))
        return self.term_fields(ymap, where)

    def term_fields(self, ymap: YMap, where: str) -> model.Term:
        tex_node = ymap.values["tex"]
        tex = _string(tex_node, "`tex`", where).strip()
        if _BLANK_LINE.search(tex):
            raise SpecError("`tex` must not contain a blank line (it would end the displayed equation)",
                            tex_node.location, where)
        sympy = _expression(ymap.values["sympy"], "`sympy`", where) if "sympy" in ymap.values else None
        return model.Term(tex=tex, sympy=sympy, location=ymap.location)

    def step(self, node: YNode, previous: model.Term, where: str) -> model.Step:
        ymap = _map(node, "a step", where)
        _check_keys(ymap, STEP_KEYS, "step", where, required=("tex",))
        values = ymap.values
        rel = self.relation(values["rel"], where) if "rel" in values else "="
        term = self.term_fields(ymap, where)
        step = model.Step(rel=rel, term=term, location=ymap.location)
        if rel == "in":
            if "shape" not in values:
                raise SpecError("a step with `rel: in` needs `shape` (e.g. `shape: [1, D]`)",
                                ymap.location, where)
            if term.sympy is not None:
                raise SpecError("a step with `rel: in` states a shape; it takes `shape`, not `sympy`",
                                ymap.keys["sympy"], where)
            step.shape = self.shape(values["shape"], where)
        elif "shape" in values:
            raise SpecError("`shape` belongs only to steps with `rel: in`", ymap.keys["shape"], where)
        if rel == ":=":
            self.check_definition(previous, values["rel"], where)
        if "by" in values:
            step.by = self.by(values["by"], where)
        if "given" in values:
            step.given = _bool(values["given"], "`given`", where)
            if step.given and rel != "=":
                raise SpecError(f"`given: true` marks an assumed equality, so it needs `rel: '='`, "
                                f"not `{rel}`", values["given"].location, where)
        if "same_row" in values:
            step.same_row = _bool(values["same_row"], "`same_row`", where)
        if "number" in values:
            step.number = _bool(values["number"], "`number`", where)
        if "label" in values:
            step.label = self.label(values["label"], where)
        return step

    def relation(self, node: YNode, where: str) -> model.Relation:
        # Compared as raw text: a plain `=` is a special "value" scalar to YAML 1.1, but is meant as text.
        if isinstance(node, YScalar) and (node.is_str or node.value == "="):
            for rel in RELATIONS:
                if node.value.strip() == rel:
                    return rel
        choices = ", ".join(f"`{r}`" for r in RELATIONS)
        raise SpecError(f"`rel` must be one of {choices}; found {describe(node)}", node.location, where)

    def check_definition(self, previous: model.Term, rel_node: YNode, where: str) -> None:
        """``a := expr`` defines a symbol, so the term before it must be checked as a bare name."""
        if previous.sympy is None:
            raise SpecError("`:=` defines the previous term, so that term needs a `sympy` that is a plain "
                            "symbol name (e.g. `sympy: 'L'`)", rel_node.location, where)
        if not is_identifier(previous.sympy.value.strip()):
            raise SpecError(
                f"`:=` defines the previous term, so its `sympy` must be a plain symbol name; found "
                f"`{previous.sympy.value}` (line {previous.sympy.location.line})",
                rel_node.location, where,
            )

    def shape(self, node: YNode, where: str) -> list[model.Text]:
        seq = _seq(node, "`shape`", where)
        dims: list[model.Text] = []
        for item in seq.items:
            if isinstance(item, YScalar):
                if item.plain and item.tag == INT_TAG and _POSITIVE_INT_RE.match(item.value):
                    dims.append(_located(item))
                    continue
                if item.is_str and is_identifier(item.value):
                    dims.append(_located(item))
                    continue
            raise SpecError(f"each entry of `shape` is a dimension name or a positive whole number; found "
                            f"{describe(item)}", item.location, where)
        return dims

    def by(self, node: YNode, where: str) -> list[model.Text]:
        items = node.items if isinstance(node, YSeq) else (node,)
        if isinstance(node, YSeq) and not items:
            raise SpecError("`by` must name at least one label", node.location, where)
        result: list[model.Text] = []
        for item in items:
            # An unquoted `by: 2` that is no earlier label, or a `(2)` that can be no label: a number copied
            # from the page. A quoted '2' may be a label; the layout says the same if no row has it.
            if (isinstance(item, YScalar) and looks_like_equation_number(item.value)
                    and ((not item.is_str and item.value not in self.labels) or not LABEL_RE.match(item.value))):
                raise SpecError(by_number_message(item.value), item.location, where)
            text = _text(item, "`by` (a label or a list of labels)", where)
            if not REFERENCE_RE.match(text.value):
                raise SpecError(f"`by` names `{text.value}`, which is not a valid label "
                                "(lower-case letters, digits and `-`, or `page-slug#label` for another page)",
                                item.location, where)
            result.append(text)
        return result

    def label(self, node: YNode, where: str) -> model.Text:
        text = _text(node, "`label`", where)
        if len(text.value) > MAX_LABEL:
            # Every step of the block names it in its place: a 300 000-character label on 20 000 steps took 6 GB.
            raise SpecError(f"a label has at most {MAX_LABEL} characters; this one has {len(text.value)}",
                            node.location, where)
        if not LABEL_RE.match(text.value):
            raise SpecError(f"label `{text.value}` is not valid: use lower-case letters, digits and `-`, "
                            "starting with a letter or digit", node.location, where)
        first = self.labels.get(text.value)
        if first is not None:
            raise SpecError(f"duplicate label `{text.value}` (first used on line {first.line})",
                            node.location, where)
        self.labels[text.value] = node.location
        return text

    def container(self, node: YNode, kind: str, parent: str, index: int) -> model.Container:
        ymap = _map(node, f"an `{kind}` block" if kind == "example" else f"a `{kind}` block",
                    block_where(parent, index, kind))
        title = ""
        if "title" in ymap.values:
            title = _one_line(ymap.values["title"], "`title`", block_where(parent, index, kind),
                              "a line break would split the box's title")
        where = block_where(parent, index, kind, title)
        allowed = EXAMPLE_KEYS if kind == "example" else REMARK_KEYS
        required = ("title", "blocks") if kind == "example" else ("blocks",)
        _check_keys(ymap, allowed, f"{kind}", where, required=required)
        scope = self.scope(ymap, where)
        blocks = self.blocks(ymap.values["blocks"], where)
        container_kind: Literal["example", "remark"] = "example" if kind == "example" else "remark"
        return model.Container(kind=container_kind, title=title, blocks=blocks, location=ymap.location,
                               where=where, scope=scope)

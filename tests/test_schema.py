"""The JSON Schema editors use must describe exactly what the loader accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_derivations.errors import SpecError
from mkdocs_derivations.spec import ALLOWED_KEYS, load_spec_text
from site_support import SEED

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "plugins" / "mkdocs_derivations" / "schema" / "derivation.schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def validator(schema: dict[str, Any]) -> Any:
    # Only the validating tests need jsonschema (a test dependency); the key-table tests run without it.
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def subschemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object with its JSON pointer, except the if/then conditions (they restate no keys)."""
    if "/allOf/" in path:
        return
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from subschemas(value, f"{path}/{index}")


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert validator(schema).is_valid({"version": 1, "title": "T", "blocks": [{"text": "hi"}]})


def test_seed_spec_validates(schema: dict[str, Any]) -> None:
    assert SEED.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../plugins/mkdocs_derivations/schema/derivation.schema.json")
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    assert list(validator(schema).iter_errors(data)) == []


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    missing = [f"{path}/{name}" for path, node in subschemas(schema)
               if isinstance(node.get("properties"), dict)
               for name, prop in node["properties"].items() if not prop.get("description")]
    assert missing == []


def test_every_object_with_properties_forbids_others(schema: dict[str, Any]) -> None:
    # Objects with fixed keys say `additionalProperties: false`; name -> value maps (symbols, where, sizes)
    # constrain their keys with `propertyNames` instead.
    open_objects = [path for path, node in subschemas(schema)
                    if "properties" in node and node.get("additionalProperties") is not False]
    assert open_objects == []
    maps = [path for path, node in subschemas(schema)
            if node.get("type") == "object" and "properties" not in node]
    assert maps and all("propertyNames" in node for path, node in subschemas(schema) if path in maps)


def schema_keys(schema: dict[str, Any], kind: str) -> set[str]:
    if kind == "spec":
        return set(schema["properties"])
    definition = schema["$defs"][kind]
    if "oneOf" in definition:  # a block: one alternative per kind, each with one key
        return {key for alternative in definition["oneOf"] for key in alternative["properties"]}
    return set(definition["properties"])


@pytest.mark.parametrize("kind", sorted(ALLOWED_KEYS))
def test_loader_and_schema_accept_the_same_keys(schema: dict[str, Any], kind: str) -> None:
    assert set(ALLOWED_KEYS[kind]) == schema_keys(schema, kind)


HEAD = "version: 1\ntitle: T\n"
MATH = HEAD + "blocks:\n  - math:\n      start: {tex: x, sympy: 'x'}\n"

BAD_SPECS = {
    "unknown key": MATH + "      steps: [{tex: y, sameRow: true}]\n",
    "in without shape": MATH + "      steps: [{rel: in, tex: y}]\n",
    "in with sympy": MATH + "      steps: [{rel: in, tex: y, sympy: 'y', shape: [N]}]\n",
    "shape without in": MATH + "      steps: [{tex: y, shape: [N]}]\n",
    "given with :=": MATH + "      steps: [{rel: ':=', tex: y, given: true}]\n",
    "bad label": MATH + "      label: Bad\n      steps: [{tex: y}]\n",
    "numeric sympy": MATH + "      steps: [{tex: y, sympy: 2}]\n",
    "two-key block": HEAD + "blocks:\n  - text: hi\n    math: {}\n",
    "version 2": "version: 2\ntitle: T\nblocks: [{text: hi}]\n",
    "empty blocks": HEAD + "blocks: []\n",
    "example without title": HEAD + "blocks:\n  - example: {blocks: [{text: hi}]}\n",
    "zero size": HEAD + "sizes: [{N: 0}]\nblocks: [{text: hi}]\n",
    "two-line title": 'version: 1\ntitle: "A\\n## injected"\nblocks: [{text: hi}]\n',
    "two-line example title": HEAD + 'blocks:\n  - example: {title: "a\\nb", blocks: [{text: hi}]}\n',
}


@pytest.mark.parametrize("name", sorted(BAD_SPECS))
def test_loader_and_schema_both_refuse(schema: dict[str, Any], name: str) -> None:
    text = BAD_SPECS[name]
    with pytest.raises(SpecError):
        load_spec_text(text, "bad.yml")
    assert list(validator(schema).iter_errors(yaml.safe_load(text))), f"the schema accepts: {name}"

"""A small JSON Schema checker: the subset that pricing.schema.json uses.

The calculators run in Pyodide with the standard library only, so the loader cannot
lean on the ``jsonschema`` package. The tests check this checker against ``jsonschema``
on the real file and on broken copies, so the two cannot drift apart.

Supported keywords: type, enum, const, required, properties, additionalProperties,
items, minItems, minimum, minLength, pattern, allOf and local ``$ref``.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "null": type(None),
    "boolean": bool,
}


def _pointer(path: tuple) -> str:
    """Return a JSON pointer for a path of keys and indices.

    >>> _pointer(("instances", "p4d.24xlarge", "on_demand", "observations", 0, "value"))
    '/instances/p4d.24xlarge/on_demand/observations/0/value'
    """
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _is_type(value: Any, name: str) -> bool:
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def schema_errors(instance: Any, schema: dict, root: dict | None = None, path: tuple = ()) -> Iterator[str]:
    """Yield one message per violation, each starting with the JSON pointer it concerns.

    >>> schema = {"type": "object", "required": ["price"],
    ...           "properties": {"price": {"type": "number", "minimum": 0}}}
    >>> list(schema_errors({"price": -1}, schema))
    ['/price: -1 is less than the minimum of 0']
    >>> list(schema_errors({}, schema))
    ["(root): missing required field 'price'"]
    """
    root = schema if root is None else root
    where = _pointer(path) or "(root)"
    if "$ref" in schema:
        yield from schema_errors(instance, _resolve(schema["$ref"], root), root, path)
    for sub in schema.get("allOf", ()):
        yield from schema_errors(instance, sub, root, path)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(instance, name) for name in names):
            yield f"{where}: expected {' or '.join(names)}, got {instance!r}"
            return
    if "const" in schema and instance != schema["const"]:
        yield f"{where}: must be {schema['const']!r}, got {instance!r}"
    if "enum" in schema and instance not in schema["enum"]:
        yield f"{where}: {instance!r} is not one of {schema['enum']}"
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            yield f"{where}: must not be empty"
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            yield f"{where}: {instance!r} does not match {schema['pattern']}"
    if _is_type(instance, "number") and "minimum" in schema and instance < schema["minimum"]:
        yield f"{where}: {instance!r} is less than the minimum of {schema['minimum']}"
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            yield f"{where}: needs at least {schema['minItems']} item(s)"
        if "items" in schema:
            for index, item in enumerate(instance):
                yield from schema_errors(item, schema["items"], root, path + (index,))
    if isinstance(instance, dict):
        yield from _object_errors(instance, schema, root, path, where)


def _object_errors(instance: dict, schema: dict, root: dict, path: tuple, where: str) -> Iterator[str]:
    for name in schema.get("required", ()):
        if name not in instance:
            yield f"{where}: missing required field {name!r}"
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, value in instance.items():
        if key in properties:
            yield from schema_errors(value, properties[key], root, path + (key,))
        elif extra is False:
            yield f"{_pointer(path + (key,))}: unknown field {key!r}"
        elif isinstance(extra, dict):
            yield from schema_errors(value, extra, root, path + (key,))


def _resolve(ref: str, root: dict) -> dict:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref is supported, got {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node

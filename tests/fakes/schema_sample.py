"""A valid example of a JSON schema (the subset Dojo uses), for the fake model's answers."""

from __future__ import annotations

from typing import Any


def sample_for(schema: dict[str, Any], name: str = "value") -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    branches = [branch for branch in schema.get("anyOf", []) if branch.get("type") != "null"]
    if branches:
        return sample_for(branches[0], name)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((item for item in kind if item != "null"), "null")
    if kind == "object":
        properties: dict[str, Any] = schema.get("properties", {})
        return {key: sample_for(value, key) for key, value in properties.items()}
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        count = min(count, schema.get("maxItems", count))
        return [sample_for(schema.get("items", {}), name) for _ in range(count)]
    if kind in ("integer", "number"):
        low = schema.get("minimum", 0)
        high = schema.get("maximum", 100)
        return max(low, min(high, 72))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    text = f"Sample {name.replace('_', ' ')}."
    text = text.ljust(schema.get("minLength", 0), ".")
    return text[: schema.get("maxLength", len(text))]

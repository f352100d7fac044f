"""What the fake Messages API refuses per model family, and the output-config checks.

Modelled on Anthropic's documentation for the current models (the Sonnet 5.5 and Haiku 5.5
migration guides and "What's new" pages, the structured-outputs schema subset):

- claude-sonnet-5-5: 400 for a forced tool choice (`tool_choice` of type "tool" or "any"),
  sampling parameters, an assistant prefill (last message from the assistant), manual thinking
  budgets (`enabled`) and `{"type": "disabled"}`; thinking is `adaptive` or `between_tools`,
  and `between_tools` only at low, medium or high effort.
- claude-haiku-5-5: 400 for sampling parameters, an assistant prefill and manual thinking
  budgets; `disabled` only at high effort or below. `between_tools` is documented for Sonnet
  5.5 only, so the fake refuses it here (a client sending it would be relying on the unknown).
- Other (older) models keep the old rules: no per-model refusals here.

For every model, `output_config` may hold `effort` and `format`; a format is a JSON schema in
the subset the API compiles: every object closed with `additionalProperties: false`, and no
range, length or item-count keywords (apart from `minItems` 0 or 1).
"""

from __future__ import annotations

from typing import Any

EFFORTS = ("low", "medium", "high", "xhigh", "max")
HIGH_EFFORTS = ("xhigh", "max")
SAMPLING = ("temperature", "top_p", "top_k")
UNSUPPORTED_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)
CURRENT = {
    "claude-sonnet-5-5": {"adaptive", "between_tools"},
    "claude-haiku-5-5": {"adaptive", "disabled"},
}
EFFORT_LIMITED = {"between_tools", "disabled"}  # refused at xhigh and max effort


def family(model: str) -> str | None:
    return next((name for name in CURRENT if model.startswith(name)), None)


def effort_of(body: dict[str, Any]) -> str:
    config = body.get("output_config")
    effort = config.get("effort") if isinstance(config, dict) else None
    return effort if isinstance(effort, str) else "high"  # the API's default effort


def thinks(body: dict[str, Any]) -> bool:
    """Whether a current model would think up front on this request (adaptive, the default)."""
    if family(str(body.get("model", ""))) is None:
        return False
    thinking = body.get("thinking") or {"type": "adaptive"}
    return isinstance(thinking, dict) and thinking.get("type") == "adaptive"


def model_problems(body: dict[str, Any]) -> list[str]:
    name = family(str(body.get("model", "")))
    if name is None:
        return []
    problems = [f"{key}: not supported on {name}" for key in SAMPLING if key in body]
    messages = body.get("messages") or []
    if messages and isinstance(messages[-1], dict) and messages[-1].get("role") == "assistant":
        problems.append(f"assistant prefill is not supported on {name}")
    choice = body.get("tool_choice")
    forced = isinstance(choice, dict) and choice.get("type") in ("tool", "any")
    if forced and name == "claude-sonnet-5-5":
        problems.append(f"tool_choice: forced tool use is not supported on {name}")
    thinking = body.get("thinking")
    if thinking is not None:
        kind = thinking.get("type") if isinstance(thinking, dict) else None
        if kind not in CURRENT[name]:
            problems.append(f"thinking.type {kind!r} is not supported on {name}")
        elif kind in EFFORT_LIMITED and effort_of(body) in HIGH_EFFORTS:
            problems.append(f"thinking.type {kind!r} needs effort high or below on {name}")
    return problems


def output_config_problems(body: dict[str, Any]) -> list[str]:
    config = body.get("output_config")
    if config is None:
        return []
    if not isinstance(config, dict) or set(config) - {"effort", "format"}:
        return ["output_config: only effort and format are expected"]
    problems: list[str] = []
    if "effort" in config and config["effort"] not in EFFORTS:
        problems.append(f"output_config.effort: {config['effort']!r} is not a level")
    output_format = config.get("format")
    if output_format is not None:
        if not isinstance(output_format, dict) or output_format.get("type") != "json_schema":
            return [*problems, "output_config.format: type must be json_schema"]
        schema = output_format.get("schema")
        if not isinstance(schema, dict):
            return [*problems, "output_config.format.schema: required object"]
        problems.extend(schema_problems(schema, "output_config.format.schema"))
    return problems


def schema_problems(schema: dict[str, Any], where: str) -> list[str]:
    """Ways a schema leaves the subset the API compiles into a grammar."""
    problems = [
        f"{where}: property {key!r} is not supported"
        for key in UNSUPPORTED_KEYWORDS
        if key in schema
    ]
    if schema.get("minItems", 0) not in (0, 1):
        problems.append(f"{where}: minItems must be 0 or 1")
    kinds = schema.get("type")
    is_object = kinds == "object" or (isinstance(kinds, list) and "object" in kinds)
    if is_object and schema.get("additionalProperties") is not False:
        problems.append(f"{where}: objects need additionalProperties false")
    for name, item in (schema.get("properties") or {}).items():
        if isinstance(item, dict):
            problems.extend(schema_problems(item, f"{where}.{name}"))
    items = schema.get("items")
    if isinstance(items, dict):
        problems.extend(schema_problems(items, f"{where}[]"))
    for index, branch in enumerate(schema.get("anyOf") or []):
        if isinstance(branch, dict):
            problems.extend(schema_problems(branch, f"{where}.anyOf[{index}]"))
    return problems

"""What the fake Messages API refuses, as the real one would (HTTP 400).

The request's shape is checked here; per-model refusals (forced tool choice, sampling,
prefill, thinking settings) and the output-schema subset are in anthropic_models.py.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.anthropic_models import model_problems, output_config_problems

MAX_CACHE_BREAKPOINTS = 4


def _blocks_problems(where: str, content: Any) -> tuple[list[str], int]:
    """Problems with a list of content blocks, and how many cache markers it holds."""
    if isinstance(content, str):
        return ([] if content else [f"{where}: empty text"]), 0
    if not isinstance(content, list) or not content:
        return [f"{where}: content must be a string or a non-empty list of blocks"], 0
    problems: list[str] = []
    markers = 0
    for index, block in enumerate(content):
        if not isinstance(block, dict) or block.get("type") != "text":
            problems.append(f"{where}[{index}]: only text blocks are expected here")
            continue
        if not isinstance(block.get("text"), str) or not block["text"]:
            problems.append(f"{where}[{index}]: text blocks must be non-empty")
        if "cache_control" in block:
            markers += 1
            problems.extend(_marker_problems(f"{where}[{index}]", block["cache_control"]))
    return problems, markers


def _marker_problems(where: str, marker: Any) -> list[str]:
    if not isinstance(marker, dict) or marker.get("type") != "ephemeral":
        return [f"{where}: cache_control must be {{'type': 'ephemeral'}}"]
    if marker.get("ttl", "5m") not in ("5m", "1h"):
        return [f"{where}: cache_control ttl must be 5m or 1h"]
    return []


def request_problems(body: dict[str, Any], headers: dict[str, str]) -> list[str]:
    problems: list[str] = []
    if not headers.get("x-api-key") and not headers.get("authorization"):
        problems.append("no x-api-key header")
    if not headers.get("anthropic-version"):
        problems.append("no anthropic-version header")
    if not isinstance(body.get("model"), str) or not body["model"]:
        problems.append("model: required string")
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        problems.append("max_tokens: required positive integer")
    markers = 0
    system = body.get("system")
    if system is not None:
        found, count = _blocks_problems("system", system)
        problems.extend(found)
        markers += count
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        problems.append("messages: required non-empty list")
        messages = []
    expected = "user"
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role != expected:
            problems.append(f"messages[{index}]: role {role!r}, expected {expected!r}")
        expected = "assistant" if role == "user" else "user"
        found, count = _blocks_problems(f"messages[{index}].content", message.get("content"))
        problems.extend(found)
        markers += count
    tool_names = []
    for index, tool in enumerate(body.get("tools") or []):
        schema = tool.get("input_schema")
        if not tool.get("name") or not isinstance(schema, dict) or schema.get("type") != "object":
            problems.append(f"tools[{index}]: needs a name and an object input_schema")
        tool_names.append(tool.get("name"))
        if "cache_control" in tool:
            markers += 1
            problems.extend(_marker_problems(f"tools[{index}]", tool["cache_control"]))
    if len(set(tool_names)) != len(tool_names):
        problems.append("tools: names must be unique")
    choice = body.get("tool_choice")
    if choice is not None and choice.get("type") == "tool" and choice.get("name") not in tool_names:
        problems.append(f"tool_choice: no tool named {choice.get('name')!r}")
    if markers > MAX_CACHE_BREAKPOINTS:
        problems.append(f"at most {MAX_CACHE_BREAKPOINTS} cache_control blocks, found {markers}")
    problems.extend(output_config_problems(body))
    problems.extend(model_problems(body))
    return problems

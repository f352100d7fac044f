"""Turns a port request into Messages API parameters, laid out for prompt caching.

The API caches a prefix in the order tools, system, messages. So tools are declared in a fixed
order (sorted by name, whichever one is forced), the system prompt is one block carrying a
cache breakpoint, and a cached conversation gets a second breakpoint on its last block: the next
turn then reads everything up to there from the cache and pays full price only for the new
part. Nothing here adds timestamps or ids, so the same request always gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from core.ports import LLMRequest

EPHEMERAL: dict[str, str] = {"type": "ephemeral"}


def tool_definitions(request: LLMRequest) -> list[dict[str, Any]]:
    declared: dict[str, dict[str, Any]] = dict(request.extra_tools)
    if request.tool_name is not None:
        if request.tool_schema is None:
            raise ValueError(f"tool {request.tool_name!r} has no schema")
        declared[request.tool_name] = request.tool_schema
    return [
        {
            "name": name,
            "description": f"Record the {name.replace('_', ' ')} in the required structure.",
            "input_schema": declared[name],
        }
        for name in sorted(declared)
    ]


def message_params(request: LLMRequest) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [
        {"role": message.role, "content": [{"type": "text", "text": message.content}]}
        for message in request.messages
    ]
    if request.cache_conversation and messages:
        last_block = messages[-1]["content"][-1]
        last_block["cache_control"] = dict(EPHEMERAL)
    return messages


def build_params(request: LLMRequest, model: str) -> dict[str, Any]:
    """Keyword arguments for `messages.create`."""
    params: dict[str, Any] = {
        "model": request.model or model,
        "max_tokens": request.max_tokens,
        "system": [{"type": "text", "text": request.system, "cache_control": dict(EPHEMERAL)}],
        "messages": message_params(request),
    }
    tools = tool_definitions(request)
    if tools:
        params["tools"] = tools
    if request.tool_name is not None:
        params["tool_choice"] = {"type": "tool", "name": request.tool_name}
    return params

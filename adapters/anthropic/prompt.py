"""Turns a port request into Messages API parameters, laid out for prompt caching.

Structured answers come through JSON-schema output (`output_config.format`): current models
refuse a forced `tool_choice` (Claude Sonnet 5.5 answers it with a 400), and this needs no
tools at all. The API accepts only a subset of JSON Schema there (every object closed with
`additionalProperties: false`; no length, range or item-count limits), so the schema goes out
through the SDK's `transform_schema`, which moves those limits into descriptions; the full
schema is still checked on the answer (client.py).

The API caches a prefix in the order tools, system, messages, and the output format and the
thinking settings are part of what a cache entry is valid for. So a conversation keeps the same
schema, thinking and effort on every call; the system prompt is one block carrying a cache
breakpoint, and a cached conversation gets a second breakpoint on its last block: the next
turn reads everything up to there from the cache and pays full price only for the new part.
Nothing here adds timestamps or ids, so the same request always gives the same bytes. No
sampling parameters and no assistant prefill are ever sent (both are a 400 on current models):
every request ends with a user message.
"""

from __future__ import annotations

from typing import Any

import anthropic

from adapters.anthropic.models import profile_for
from core.ports import LLMRequest

EPHEMERAL: dict[str, str] = {"type": "ephemeral"}


def message_params(request: LLMRequest) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [
        {"role": message.role, "content": [{"type": "text", "text": message.content}]}
        for message in request.messages
    ]
    if not messages or messages[-1]["role"] != "user":
        raise ValueError("a request must end with a user message (no assistant prefill)")
    if request.cache_conversation:
        last_block = messages[-1]["content"][-1]
        last_block["cache_control"] = dict(EPHEMERAL)
    return messages


def output_config(request: LLMRequest, model: str) -> dict[str, Any]:
    config: dict[str, Any] = {}
    effort = profile_for(model).effort
    if effort is not None:
        config["effort"] = effort
    if request.schema is not None:
        wire_schema = anthropic.transform_schema(request.schema)
        config["format"] = {"type": "json_schema", "schema": wire_schema}
    return config


def build_params(request: LLMRequest, model: str) -> dict[str, Any]:
    """Keyword arguments for `messages.create`."""
    chosen = request.model or model
    params: dict[str, Any] = {
        "model": chosen,
        "max_tokens": request.max_tokens,
        "system": [{"type": "text", "text": request.system, "cache_control": dict(EPHEMERAL)}],
        "messages": message_params(request),
    }
    thinking = profile_for(chosen).thinking
    if thinking is not None:
        params["thinking"] = dict(thinking)
    config = output_config(request, chosen)
    if config:
        params["output_config"] = config
    return params

"""Prompt-cache accounting for the fake Messages API, modelled on the real rules.

The prompt is a sequence of blocks in cache order: tools, the output format's schema (counted
and cached like a tool definition, since the model is given it too), system blocks, then
message blocks. Each block extends a running hash of the prefix. A `cache_control` marker
makes the prefix up to that block a cache entry (if it holds at least `min_tokens`); a later
request reads the longest stored prefix found at a marker or at one of the 20 block boundaries
before it. The marker itself is not part of the hash, so moving a marker forward keeps earlier
entries valid. Changing `tool_choice` or the thinking settings (thinking, effort) invalidates
the message part, as the real API does; changing the output schema invalidates everything
after it. Tokens are counted roughly, one per `chars_per_token` characters of each block's
JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

LOOKBACK_BLOCKS = 20


@dataclass(frozen=True)
class CacheUsage:
    input_tokens: int
    cache_read_input_tokens: int
    cache_creation_input_tokens: int

    @property
    def total(self) -> int:
        return self.input_tokens + self.cache_read_input_tokens + self.cache_creation_input_tokens


@dataclass(frozen=True)
class Block:
    canonical: str
    marked: bool


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _strip_marker(block: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in block.items() if key != "cache_control"}


def prompt_blocks(body: dict[str, Any]) -> list[Block]:
    """The request's blocks in cache order, each with whether it carries a marker."""
    blocks: list[Block] = []
    for tool in body.get("tools") or []:
        blocks.append(Block(canonical(_strip_marker(tool)), "cache_control" in tool))
    config = body.get("output_config") or {}
    if config.get("format") is not None:
        blocks.append(Block(canonical({"output_format": config["format"]}), False))
    system = body.get("system")
    if isinstance(system, str):
        blocks.append(Block(canonical({"type": "text", "text": system}), False))
    else:
        for item in system or []:
            blocks.append(Block(canonical(_strip_marker(item)), "cache_control" in item))
    choice = canonical([body.get("tool_choice"), body.get("thinking"), config.get("effort")])
    first_message = True
    for message in body.get("messages") or []:
        content = message.get("content")
        items = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for item in items or []:
            prefix = f"tool_choice={choice};" if first_message else ""
            first_message = False
            text = prefix + message.get("role", "") + ":" + canonical(_strip_marker(item))
            blocks.append(Block(text, isinstance(item, dict) and "cache_control" in item))
    return blocks


class PromptCache:
    def __init__(self, min_tokens: int = 1024, chars_per_token: int = 4) -> None:
        self.min_tokens = min_tokens
        self.chars_per_token = chars_per_token
        self.entries: set[str] = set()

    def tokens(self, text: str) -> int:
        return max(1, -(-len(text) // self.chars_per_token))

    def account(self, body: dict[str, Any]) -> CacheUsage:
        """Usage for one request, storing the new cache entries it creates."""
        blocks = prompt_blocks(body)
        hashes: list[str] = []
        cumulative: list[int] = []
        running = hashlib.sha256()
        total = 0
        for block in blocks:
            running.update(block.canonical.encode())
            hashes.append(running.copy().hexdigest())
            total += self.tokens(block.canonical)
            cumulative.append(total)
        markers = [index for index, block in enumerate(blocks) if block.marked]
        read = 0
        for marker in markers:
            for index in range(marker, max(-1, marker - LOOKBACK_BLOCKS), -1):
                if hashes[index] in self.entries:
                    read = max(read, cumulative[index])
                    break
        written = 0
        for marker in markers:
            if cumulative[marker] >= self.min_tokens:
                if hashes[marker] not in self.entries:
                    written = max(written, cumulative[marker] - read)
                self.entries.add(hashes[marker])
        return CacheUsage(total - read - written, read, written)

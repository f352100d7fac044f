"""The Anthropic adapter through the real SDK against the local fake Messages API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.anthropic import AnthropicLLM, RetryPolicy
from adapters.anthropic.client import MALFORMED
from core.ports import LLMMessage, LLMRequest, LLMUnavailable
from tests.fakes.anthropic_server import Fail, FakeAnthropic, Stall, Text, ToolUse, malformed

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "message": {"type": "string", "minLength": 1},
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
    },
    "required": ["message", "score"],
    "additionalProperties": False,
}
SYSTEM = "You are a careful interviewer. " * 200  # about 1,500 tokens: cacheable


class VirtualTime:
    """Sleeps without sleeping: records waits and moves a clock, so backoff tests are instant."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.offset = 0.0

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.offset += seconds

    def clock(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
async def server() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
def virtual() -> VirtualTime:
    return VirtualTime()


def make_llm(server: FakeAnthropic, virtual: VirtualTime, **policy: float) -> AnthropicLLM:
    return AnthropicLLM(
        api_key="test-key",
        model="claude-sonnet-4-6",
        base_url=server.base_url,
        timeout=0.5,
        policy=RetryPolicy(**policy),  # type: ignore[arg-type]
        sleep=virtual.sleep,
        clock=virtual.clock,
    )


def request(*turns: str, cache: bool = False, tool: bool = True) -> LLMRequest:
    roles = ("user", "assistant")
    return LLMRequest(
        feature="test",
        system=SYSTEM,
        messages=tuple(LLMMessage(roles[i % 2], text) for i, text in enumerate(turns)),
        tool_name="verdict" if tool else None,
        tool_schema=SCHEMA if tool else None,
        extra_tools=(("another", {"type": "object", "properties": {}}),) if tool else (),
        cache_conversation=cache,
    )


async def test_structured_answer_and_request_layout(server: FakeAnthropic, virtual: VirtualTime):
    server.script(ToolUse({"message": "fine", "score": 80}))
    result = await make_llm(server, virtual).complete(request("hello"))
    assert result.data == {"message": "fine", "score": 80}
    body = server.requests[0]
    assert body["model"] == "claude-sonnet-4-6"
    assert body["tool_choice"] == {"type": "tool", "name": "verdict"}
    assert [tool["name"] for tool in body["tools"]] == ["another", "verdict"]
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert server.exchanges[0].headers["x-stainless-retry-count"] == "0"
    assert len(result.usage) == 1 and result.usage[0].cache_write_tokens > 1024
    assert not server.violations


async def test_plain_text_answer(server: FakeAnthropic, virtual: VirtualTime):
    server.script(Text("just words"))
    result = await make_llm(server, virtual).complete(request("hi", tool=False))
    assert result.text == "just words" and result.data is None
    assert "tool_choice" not in server.requests[0]


async def test_rate_limit_then_success_honours_retry_after(
    server: FakeAnthropic, virtual: VirtualTime
):
    server.script(Fail(429, retry_after=7), ToolUse({"message": "ok", "score": 1}))
    result = await make_llm(server, virtual).complete(request("hello"))
    assert result.data == {"message": "ok", "score": 1}
    assert virtual.waits == [7.0]
    assert len(result.usage) == 2 and result.usage[0].input_tokens == 0


async def test_overload_storm_gives_up_within_the_cap(server: FakeAnthropic, virtual: VirtualTime):
    server.script(*[Fail(529)] * 30)
    llm = make_llm(server, virtual, base_delay=4, max_delay=20, max_total_wait=60, max_attempts=50)
    with pytest.raises(LLMUnavailable) as raised:
        await llm.complete(request("hello"))
    assert "overloaded" in str(raised.value) and "try again" in str(raised.value)
    assert sum(virtual.waits) <= 60
    assert virtual.waits[:3] == [4, 8, 16]
    assert len(raised.value.usage) == len(server.requests) == len(virtual.waits) + 1


async def test_server_errors_retry_with_backoff(server: FakeAnthropic, virtual: VirtualTime):
    server.script(Fail(500), Fail(503), ToolUse({"message": "back", "score": 50}))
    result = await make_llm(server, virtual, base_delay=0.5).complete(request("hello"))
    assert result.data and result.data["message"] == "back"
    assert virtual.waits == [0.5, 1.0]


async def test_client_errors_are_not_retried(server: FakeAnthropic, virtual: VirtualTime):
    server.script(Fail(401))
    with pytest.raises(LLMUnavailable, match="credentials"):
        await make_llm(server, virtual).complete(request("hello"))
    assert len(server.requests) == 1 and virtual.waits == []


async def test_stalled_request_times_out_and_is_retried(
    server: FakeAnthropic, virtual: VirtualTime
):
    server.script(Stall(2), ToolUse({"message": "second try", "score": 3}))
    result = await make_llm(server, virtual, base_delay=0.1).complete(request("hello"))
    assert result.data == {"message": "second try", "score": 3}
    assert len(result.usage) == 2


async def test_malformed_answer_is_retried_once(server: FakeAnthropic, virtual: VirtualTime):
    server.script(malformed(), ToolUse({"message": "good", "score": 100}))
    result = await make_llm(server, virtual).complete(request("hello"))
    assert result.data == {"message": "good", "score": 100}
    assert len(result.usage) == 2 and all(usage.output_tokens for usage in result.usage)


async def test_malformed_twice_is_reported_plainly(server: FakeAnthropic, virtual: VirtualTime):
    server.script(ToolUse({"message": "x", "score": 900}), Text("no tool at all"))
    with pytest.raises(LLMUnavailable) as raised:
        await make_llm(server, virtual).complete(request("hello"))
    assert str(raised.value) == MALFORMED
    assert "900" not in str(raised.value)
    assert len(raised.value.usage) == 2


async def test_conversation_cache_reads_the_previous_turn(
    server: FakeAnthropic, virtual: VirtualTime
):
    llm = make_llm(server, virtual)
    answer = "My answer covers indexing and query plans in detail. " * 30
    first = await llm.complete(request("setup", cache=True))
    second = await llm.complete(request("setup", "Question one?", answer, cache=True))
    third = await llm.complete(
        request("setup", "Question one?", answer, "Question two?", "Short.", cache=True)
    )
    bodies = server.requests
    for body in bodies:
        marked = [b for m in body["messages"] for b in m["content"] if "cache_control" in b]
        assert marked == [body["messages"][-1]["content"][-1]]
    first_prefix = bodies[1]["messages"][:-1]
    assert bodies[2]["messages"][: len(first_prefix)] == first_prefix
    assert first.usage[0].cache_read_tokens == 0
    assert second.usage[0].cache_read_tokens >= first.usage[0].cache_write_tokens
    assert third.usage[0].cache_read_tokens > second.usage[0].cache_read_tokens
    assert third.usage[0].input_tokens < 20
    assert not server.violations


async def test_fake_refuses_what_the_api_refuses(server: FakeAnthropic):
    import anthropic

    client = anthropic.AsyncAnthropic(api_key="k", base_url=server.base_url, max_retries=0)
    marked = {"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}
    with pytest.raises(anthropic.BadRequestError):
        await client.messages.create(
            model="m",
            max_tokens=10,
            system=[marked] * 3,  # type: ignore[list-item]
            messages=[{"role": "user", "content": [marked, marked]}],  # type: ignore[list-item]
        )
    with pytest.raises(anthropic.BadRequestError):
        await client.messages.create(
            model="m", max_tokens=10, messages=[{"role": "assistant", "content": "x"}]
        )
    await client.close()
    assert any("at most 4 cache_control" in problem for problem in server.violations)
    assert any("expected 'user'" in problem for problem in server.violations)

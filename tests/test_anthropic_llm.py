"""The Anthropic adapter through the real SDK against the local fake Messages API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from anthropic.types import MessageParam

from adapters.anthropic import AnthropicLLM, RetryPolicy
from adapters.anthropic.client import MALFORMED, REFUSED
from core.ports import LLMMessage, LLMRequest, LLMUnavailable
from tests.fakes.anthropic_server import Fail, FakeAnthropic, Json, Stall, Text, malformed

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


MODEL = "claude-sonnet-5-5"
_made: list[AnthropicLLM] = []


@pytest.fixture(autouse=True)
async def close_clients() -> AsyncIterator[None]:
    """Every client a test made is closed on the test's own loop, so no socket outlives it."""
    yield
    while _made:
        await _made.pop().close()


def make_llm(
    server: FakeAnthropic, virtual: VirtualTime, model: str = MODEL, **policy: float
) -> AnthropicLLM:
    llm = AnthropicLLM(
        api_key="test-key",
        model=model,
        base_url=server.base_url,
        timeout=0.5,
        policy=RetryPolicy(**policy),  # type: ignore[arg-type]
        sleep=virtual.sleep,
        clock=virtual.clock,
    )
    _made.append(llm)
    return llm


def request(
    *turns: str, cache: bool = False, structured: bool = True, check: dict[str, Any] | None = None
) -> LLMRequest:
    roles = ("user", "assistant")
    return LLMRequest(
        feature="test",
        system=SYSTEM,
        messages=tuple(LLMMessage(roles[i % 2], text) for i, text in enumerate(turns)),
        schema=SCHEMA if structured else None,
        check=check,
        cache_conversation=cache,
    )


async def test_structured_answer_and_request_layout(server: FakeAnthropic, virtual: VirtualTime):
    server.script(Json({"message": "fine", "score": 80}))
    result = await make_llm(server, virtual).complete(request("hello"))
    assert result.data == {"message": "fine", "score": 80}
    body = server.requests[0]
    assert body["model"] == MODEL
    assert "tools" not in body and "tool_choice" not in body
    assert body["thinking"] == {"type": "between_tools"}
    assert body["output_config"]["effort"] == "low"
    wire = body["output_config"]["format"]
    assert wire["type"] == "json_schema"
    # The API's schema subset: limits move into descriptions and are checked locally instead.
    assert "minimum" not in wire["schema"]["properties"]["score"]
    assert "minimum" in wire["schema"]["properties"]["score"]["description"]
    assert wire["schema"]["additionalProperties"] is False
    assert not {"temperature", "top_p", "top_k"} & set(body)
    assert body["messages"][-1]["role"] == "user"
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert server.exchanges[0].headers["x-stainless-retry-count"] == "0"
    assert len(result.usage) == 1 and result.usage[0].cache_write_tokens > 1024
    assert not server.violations


async def test_the_generation_model_turns_thinking_off_its_own_way(
    server: FakeAnthropic, virtual: VirtualTime
):
    llm = make_llm(server, virtual, model="claude-haiku-5-5")
    server.script(Json({"message": "quick", "score": 5}))
    assert (await llm.complete(request("hi"))).data == {"message": "quick", "score": 5}
    body = server.requests[0]
    assert body["thinking"] == {"type": "disabled"}
    assert body["output_config"]["effort"] == "low"
    older = make_llm(server, virtual, model="claude-sonnet-4-6")
    await older.complete(request("hi"))
    assert "thinking" not in server.requests[1] and "effort" not in str(server.requests[1])
    assert not server.violations


async def test_thinking_blocks_are_skipped_by_type(server: FakeAnthropic, virtual: VirtualTime):
    server.script(Json({"message": "after thought", "score": 70}, thinking="Weighing it up."))
    result = await make_llm(server, virtual).complete(request("hello"))
    assert result.data == {"message": "after thought", "score": 70}
    assert "Weighing" not in result.text
    assert result.usage[0].output_tokens > server.thinking_tokens


async def test_left_to_think_a_current_model_bills_thinking(server: FakeAnthropic):
    import anthropic

    client = anthropic.AsyncAnthropic(api_key="k", base_url=server.base_url, max_retries=0)
    thinking = await client.messages.create(
        model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "Hello"}]
    )
    quiet = await client.messages.create(
        model=MODEL,
        max_tokens=50,
        thinking={"type": "between_tools"},
        messages=[{"role": "user", "content": "Hello"}],
    )
    await client.close()
    assert [block.type for block in thinking.content] == ["thinking", "text"]
    assert [block.type for block in quiet.content] == ["text"]
    gap = thinking.usage.output_tokens - quiet.usage.output_tokens
    assert gap == server.thinking_tokens


async def test_plain_text_answer(server: FakeAnthropic, virtual: VirtualTime):
    server.script(Text("just words"))
    result = await make_llm(server, virtual).complete(request("hi", structured=False))
    assert result.text == "just words" and result.data is None
    assert "format" not in server.requests[0]["output_config"]


async def test_rate_limit_then_success_honours_retry_after(
    server: FakeAnthropic, virtual: VirtualTime
):
    server.script(Fail(429, retry_after=7), Json({"message": "ok", "score": 1}))
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
    server.script(Fail(500), Fail(503), Json({"message": "back", "score": 50}))
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
    server.script(Stall(2), Json({"message": "second try", "score": 3}))
    result = await make_llm(server, virtual, base_delay=0.1).complete(request("hello"))
    assert result.data == {"message": "second try", "score": 3}
    assert len(result.usage) == 2


async def test_malformed_answer_is_retried_once(server: FakeAnthropic, virtual: VirtualTime):
    server.script(malformed(), Json({"message": "good", "score": 100}))
    result = await make_llm(server, virtual).complete(request("hello"))
    assert result.data == {"message": "good", "score": 100}
    assert len(result.usage) == 2 and all(usage.output_tokens for usage in result.usage)


async def test_cut_short_json_is_malformed_and_retried(server: FakeAnthropic, virtual: VirtualTime):
    server.script(
        Text('{"message": "I was cut', stop_reason="max_tokens"),
        Json({"message": "ok", "score": 9}),
    )
    result = await make_llm(server, virtual).complete(request("hello"))
    assert result.data == {"message": "ok", "score": 9} and len(server.requests) == 2


async def test_malformed_twice_is_reported_plainly(server: FakeAnthropic, virtual: VirtualTime):
    server.script(Json({"message": "x", "score": 900}), Text("no JSON at all"))
    with pytest.raises(LLMUnavailable) as raised:
        await make_llm(server, virtual).complete(request("hello"))
    assert str(raised.value) == MALFORMED
    assert "900" not in str(raised.value)
    assert len(raised.value.usage) == 2


async def test_the_narrower_check_applies_too(server: FakeAnthropic, virtual: VirtualTime):
    only_high = {"type": "object", "properties": {"score": {"type": "integer", "minimum": 50}}}
    server.script(Json({"message": "low", "score": 10}), Json({"message": "high", "score": 60}))
    result = await make_llm(server, virtual).complete(request("hello", check=only_high))
    assert result.data == {"message": "high", "score": 60}
    assert server.requests[0] == server.requests[1]  # the check itself is never sent
    assert "50" not in str(server.requests[0]["output_config"])


async def test_a_refusal_is_reported_without_asking_again(
    server: FakeAnthropic, virtual: VirtualTime
):
    server.script(Text("", stop_reason="refusal"))
    with pytest.raises(LLMUnavailable) as raised:
        await make_llm(server, virtual).complete(request("hello"))
    assert str(raised.value) == REFUSED and len(server.requests) == 1


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
            messages=[{"role": "user", "content": [marked, marked]}],  # type: ignore[list-item,misc]
        )
    with pytest.raises(anthropic.BadRequestError):
        await client.messages.create(
            model="m", max_tokens=10, messages=[{"role": "assistant", "content": "x"}]
        )
    await client.close()
    assert any("at most 4 cache_control" in problem for problem in server.violations)
    assert any("expected 'user'" in problem for problem in server.violations)


FORCED = {"tools": [{"name": "t", "input_schema": {"type": "object"}}]}
REFUSED_ON_SONNET_5_5: list[tuple[str, dict[str, Any], str]] = [
    ("forced tool", {**FORCED, "tool_choice": {"type": "tool", "name": "t"}}, "forced tool"),
    ("any tool", {**FORCED, "tool_choice": {"type": "any"}}, "forced tool"),
    ("temperature", {"temperature": 0.2}, "temperature"),
    ("top_p", {"top_p": 0.9}, "top_p"),
    ("top_k", {"top_k": 5}, "top_k"),
    ("thinking off", {"thinking": {"type": "disabled"}}, "'disabled'"),
    ("budget", {"thinking": {"type": "enabled", "budget_tokens": 2048}}, "'enabled'"),
    (
        "between_tools at xhigh",
        {"thinking": {"type": "between_tools"}, "output_config": {"effort": "xhigh"}},
        "effort high or below",
    ),
    (
        "unsupported schema keyword",
        {"output_config": {"format": {"type": "json_schema", "schema": SCHEMA}}},
        "'minimum' is not supported",
    ),
    (
        "open object",
        {"output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}}},
        "additionalProperties false",
    ),
]


@pytest.mark.parametrize("extra", [case[1] for case in REFUSED_ON_SONNET_5_5])
async def test_the_fake_refuses_what_sonnet_5_5_refuses(server: FakeAnthropic, extra: dict):
    import anthropic

    expected = next(case[2] for case in REFUSED_ON_SONNET_5_5 if case[1] is extra)
    client = anthropic.AsyncAnthropic(api_key="k", base_url=server.base_url, max_retries=0)
    with pytest.raises(anthropic.BadRequestError, match=expected):
        await client.messages.create(
            model=MODEL,
            max_tokens=10,
            messages=[{"role": "user", "content": "x"}],
            extra_body=extra,  # SDK 2.12 no longer offers sampling parameters as arguments
        )
    await client.close()


async def test_the_fake_models_prefill_and_per_model_thinking(server: FakeAnthropic):
    import anthropic

    client = anthropic.AsyncAnthropic(api_key="k", base_url=server.base_url, max_retries=0)
    prefill = [{"role": "user", "content": "x"}, {"role": "assistant", "content": "{"}]
    for model in (MODEL, "claude-haiku-5-5"):
        with pytest.raises(anthropic.BadRequestError, match="prefill"):
            await client.messages.create(model=model, max_tokens=10, messages=prefill)  # type: ignore[arg-type]
    user: list[MessageParam] = [{"role": "user", "content": "x"}]
    haiku = "claude-haiku-5-5"
    with pytest.raises(anthropic.BadRequestError, match="'between_tools'"):
        await client.messages.create(
            model=haiku, max_tokens=10, messages=user, thinking={"type": "between_tools"}
        )
    with pytest.raises(anthropic.BadRequestError, match="effort high or below"):
        await client.messages.create(
            model=haiku,
            max_tokens=10,
            messages=user,
            thinking={"type": "disabled"},
            output_config={"effort": "max"},
        )
    accepted = await client.messages.create(
        model=haiku, max_tokens=10, messages=user, thinking={"type": "disabled"}
    )
    older = await client.messages.create(  # an older model keeps the old rules
        model="claude-sonnet-4-6",
        max_tokens=10,
        messages=user,
        extra_body={"temperature": 0.2, **FORCED, "tool_choice": {"type": "tool", "name": "t"}},
    )
    await client.close()
    assert accepted.content[0].type == "text" and older.content[0].type == "text"

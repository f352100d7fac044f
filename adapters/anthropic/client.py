"""The LLM port on Anthropic's Messages API (the official async SDK).

Dojo runs its own retry loop instead of the SDK's so that each attempt's usage is reported
(the gateway charges every one) and the total wait is bounded. Structured answers come as JSON
text under the request's output schema (prompt.py): the text blocks are joined (thinking blocks,
which current models may put first, are skipped by type), parsed, and checked against the full
schema and the request's narrower `check`. A malformed answer (unparsable, cut short by
`max_tokens`, or off-schema) is asked for again once, then reported in plain words; a refusal
is reported at once, since asking again gets the same refusal.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anthropic

from adapters.anthropic.prompt import build_params
from adapters.anthropic.retry import RetryPolicy, describe, is_retryable, retry_after
from adapters.anthropic.schema import validate
from core.ports import LLMRequest, LLMResult, LLMUnavailable, LLMUsage

log = logging.getLogger(__name__)

MALFORMED = "The AI gave an answer I couldn't use, twice in a row. Please try again in a minute."
GAVE_UP = "The AI service is busy right now. Please try again in a minute."
REFUSED = "The AI declined to answer this one. Please rephrase, or try something else."
MALFORMED_RETRIES = 1  # a malformed answer is asked for again this many times


class MalformedAnswer(Exception):
    """The model answered, but not in the structure the request asked for."""


class AnthropicLLM:
    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        options: dict[str, Any] = {"api_key": api_key, "max_retries": 0, "timeout": timeout}
        if base_url:
            options["base_url"] = base_url  # otherwise the SDK reads ANTHROPIC_BASE_URL
        self.client = anthropic.AsyncAnthropic(**options)
        self.model = model
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock

    @property
    def online(self) -> bool:
        return True

    @property
    def max_answers(self) -> int:
        """Billed answers per call: the first and each malformed retry (failed HTTP attempts
        return no answer and are not billed)."""
        return 1 + MALFORMED_RETRIES

    async def close(self) -> None:
        await self.client.close()

    async def complete(self, request: LLMRequest) -> LLMResult:
        params = build_params(request, self.model)
        model = str(params["model"])
        attempts: list[LLMUsage] = []
        started = self._clock()
        malformed_left = MALFORMED_RETRIES
        attempt = 0
        while True:
            attempt += 1
            sent = self._clock()
            try:
                message = await self.client.messages.create(**params)
            except anthropic.APIError as error:
                attempts.append(LLMUsage(model, latency_ms=self._millis(sent)))
                await self._wait_or_give_up(error, attempt, started, attempts)
                continue
            attempts.append(_usage(model, message, self._millis(sent)))
            if message.stop_reason == "refusal":
                raise LLMUnavailable(REFUSED, attempts)
            try:
                return _result(message, request, attempts)
            except MalformedAnswer as problem:
                log.warning(
                    "malformed %s answer (attempt %d): %s", request.feature, attempt, problem
                )
                if malformed_left == 0:
                    raise LLMUnavailable(MALFORMED, attempts) from None
                malformed_left -= 1

    async def _wait_or_give_up(
        self, error: anthropic.APIError, attempt: int, started: float, attempts: list[LLMUsage]
    ) -> None:
        """Sleep before the next attempt, or raise LLMUnavailable when retrying is pointless."""
        log.warning("anthropic call failed (attempt %d): %s", attempt, type(error).__name__)
        if not is_retryable(error):
            raise LLMUnavailable(describe(error), attempts) from None
        asked = retry_after(error)
        delay = asked if asked is not None else self.policy.backoff(attempt)
        elapsed = self._clock() - started
        if attempt >= self.policy.max_attempts or elapsed + delay > self.policy.max_total_wait:
            raise LLMUnavailable(describe(error), attempts) from None
        await self._sleep(delay)

    def _millis(self, since: float) -> int:
        return max(0, round((self._clock() - since) * 1000))


def _usage(model: str, message: Any, latency_ms: int) -> LLMUsage:
    usage = message.usage
    return LLMUsage(
        model=model,
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cache_read_tokens=usage.cache_read_input_tokens or 0,
        cache_write_tokens=usage.cache_creation_input_tokens or 0,
        latency_ms=latency_ms,
    )


def _result(message: Any, request: LLMRequest, attempts: list[LLMUsage]) -> LLMResult:
    text = "".join(block.text for block in message.content if block.type == "text")
    if request.schema is None:
        return LLMResult(text=text, usage=list(attempts))
    try:
        data = json.loads(text)
    except ValueError:
        raise MalformedAnswer(f"answer is not JSON (stop: {message.stop_reason})") from None
    if not isinstance(data, dict):
        raise MalformedAnswer("answer is not a JSON object")
    problems = validate(data, request.schema)
    if request.check is not None:
        problems += validate(data, request.check)
    if problems:
        raise MalformedAnswer("; ".join(problems[:5]))
    return LLMResult(text=text, data=data, usage=list(attempts))

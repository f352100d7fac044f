"""A local fake of Anthropic's Messages API that the real SDK talks to over loopback.

Point the SDK at `server.base_url`. The fake checks each request's shape the way the real API
would, including the per-model refusals of current models (a violation is a 400 and is
recorded in `violations`), answers from a script of steps or, when the script is empty, from
a responder (by default: a JSON sample of the request's output schema), and reports usage with
prompt caching simulated (see anthropic_cache.py). Faults are script steps: `Fail(429,
retry_after=1)`, `Fail(529)`, `Fail(500)`, `Stall(seconds)`, `Hold(event)`, a `Json` answer that breaks the
schema, or a `Text` that is not JSON at all (`Text('{"kind": "quest')`, as when the output is
cut short). A current model left to think adaptively answers with a thinking block first and
is billed `thinking_tokens` more output, as the real one spends tokens thinking.

    async with FakeAnthropic() as server:
        server.script(Fail(529), Json({"message": "Hi"}))
        llm = AnthropicLLM(api_key="test", model="claude-sonnet-5-5", base_url=server.base_url)
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.anthropic_cache import CacheUsage, PromptCache
from tests.fakes.anthropic_checks import request_problems
from tests.fakes.anthropic_models import thinks
from tests.fakes.schema_sample import sample_for


@dataclass(frozen=True)
class Json:
    """A structured answer: one text block holding `data` as JSON."""

    data: Any
    thinking: str | None = None  # a (summarized) thinking block before the answer


@dataclass(frozen=True)
class Text:
    text: str
    stop_reason: str = "end_turn"  # "max_tokens" for a cut-short answer, "refusal"
    thinking: str | None = None


@dataclass(frozen=True)
class Fail:
    status: int
    retry_after: float | None = None
    message: str = "simulated failure"


@dataclass(frozen=True)
class Stall:
    seconds: float


@dataclass(frozen=True)
class Hold:
    """Keep the request open until `release` is set, then answer as the responder would: lets
    a test have many calls in flight at once, deterministically."""

    release: asyncio.Event


Step = Json | Text | Fail | Stall | Hold
Responder = Callable[[dict[str, Any]], Step]

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def malformed(**fields: Any) -> Json:
    """A JSON answer that does not match any sensible schema."""
    return Json(fields or {"unexpected": "shape"})


def output_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    output_format = (body.get("output_config") or {}).get("format") or {}
    schema = output_format.get("schema")
    return schema if isinstance(schema, dict) else None


def default_responder(body: dict[str, Any]) -> Step:
    schema = output_schema(body)
    if schema is not None:
        return Json(sample_for(schema))
    return Text("This is a fake answer.")


@dataclass
class Exchange:
    """One request the fake received and what it did with it."""

    body: dict[str, Any]
    headers: dict[str, str]
    status: int
    usage: CacheUsage | None = None


@dataclass
class FakeAnthropic:
    min_cache_tokens: int = 1024
    chars_per_token: int = 4
    thinking_tokens: int = 400  # output billed for adaptive thinking (its text is omitted)
    responder: Responder = default_responder
    steps: deque[Step] = field(default_factory=deque)
    exchanges: list[Exchange] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cache = PromptCache(self.min_cache_tokens, self.chars_per_token)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def script(self, *steps: Step) -> None:
        self.steps.extend(steps)

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [exchange.body for exchange in self.exchanges]

    @property
    def usages(self) -> list[CacheUsage]:
        return [exchange.usage for exchange in self.exchanges if exchange.usage is not None]

    async def __aenter__(self) -> FakeAnthropic:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/v1/messages", self._messages)
        self._runner = web.AppRunner(
            app, handle_signals=False, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _messages(self, request: web.Request) -> web.Response:
        headers = {key.lower(): value for key, value in request.headers.items()}
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return self._error(Exchange({}, headers, 400), 400, "body is not JSON")
        exchange = Exchange(body, headers, 200)
        self.exchanges.append(exchange)
        problems = request_problems(body, headers)
        if problems:
            self.violations.extend(problems)
            return self._error(exchange, 400, "; ".join(problems))
        step = self.steps.popleft() if self.steps else self.responder(body)
        if isinstance(step, Stall):
            await asyncio.sleep(step.seconds)  # the client usually gives up first
            step = self.responder(body)
        if isinstance(step, Hold):
            await step.release.wait()
            step = self.responder(body)
        if isinstance(step, Fail):
            extra = {} if step.retry_after is None else {"retry-after": f"{step.retry_after:g}"}
            return self._error(exchange, step.status, step.message, extra)
        return self._answer(exchange, body, step)

    def _answer(self, exchange: Exchange, body: dict[str, Any], step: Step) -> web.Response:
        content: list[dict[str, Any]] = []
        output_tokens = 0
        thought = getattr(step, "thinking", None)
        if thinks(body) or thought is not None:
            # Display "omitted" is the default: the text is empty, the cost is not.
            signature = f"sig_fake_{next(self._ids)}"
            content.append({"type": "thinking", "thinking": thought or "", "signature": signature})
            output_tokens += self.thinking_tokens
        stop = "end_turn"
        if isinstance(step, Json):
            text = json.dumps(step.data, ensure_ascii=False)
        else:
            assert isinstance(step, Text)
            text, stop = step.text, step.stop_reason
        content.append({"type": "text", "text": text})
        output_tokens += self.cache.tokens(text)
        usage = self.cache.account(body)
        exchange.usage = usage
        payload = {
            "id": f"msg_fake_{next(self._ids)}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": usage.input_tokens,
                "output_tokens": output_tokens,
                "cache_read_input_tokens": usage.cache_read_input_tokens,
                "cache_creation_input_tokens": usage.cache_creation_input_tokens,
            },
        }
        return web.json_response(payload)

    def _error(
        self,
        exchange: Exchange,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        exchange.status = status
        kind = _ERROR_TYPES.get(status, "api_error")
        body = {"type": "error", "error": {"type": kind, "message": message}}
        return web.json_response(body, status=status, headers=headers)

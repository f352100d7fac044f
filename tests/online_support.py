"""A Dojo whose model is the real Anthropic SDK talking to the local fake Messages API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.anthropic import AnthropicLLM, RetryPolicy
from bot.app import Dojo, build
from core.ports import FixedClock
from tests.conftest import make_settings
from tests.fakes.anthropic_server import FakeAnthropic


async def _no_wait(seconds: float) -> None:
    """Retries in tests back off without sleeping."""


@asynccontextmanager
async def online_dojo(
    database_url: str, clock: FixedClock, **env: str
) -> AsyncIterator[tuple[Dojo, FakeAnthropic]]:
    async with FakeAnthropic() as server:
        llm = AnthropicLLM(
            api_key="test-key",
            model="claude-sonnet-5-5",
            base_url=server.base_url,
            timeout=5.0,
            policy=RetryPolicy(max_attempts=2, base_delay=0.01),
            sleep=_no_wait,
        )
        app = await build(make_settings(database_url, **env), clock=clock, llm=llm)
        try:
            yield app, server
        finally:
            await app.close()
            await llm.close()

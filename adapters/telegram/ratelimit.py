"""Flood control: Telegram's limits, paced before sending, and 429s retried after retry_after.

python-telegram-bot's AIORateLimiter paces the overall rate and each group's rate and retries a
429 after its `retry_after`, but it does not pace private chats (DESIGN §7). `FloodControl` adds
a per-chat limiter in front of it for private chats, so a learner who triggers many replies gets
them at about one per second instead of a 429 from Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter, BaseRateLimiter

# Endpoints that put a message in a chat; chat actions and lookups are not paced per chat.
_PER_CHAT = ("send", "edit", "copy", "forward")
_NOT_MESSAGES = frozenset({"sendChatAction"})
_MAX_IDLE_LIMITERS = 1024

Result = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's published limits; tests shrink `time_scale` to run the same logic fast."""

    overall_per_second: float = 30
    group_per_minute: float = 20
    private_per_second: float = 1
    # A private chat may burst this many messages before the 1/s pacing starts.
    private_burst: int = 3
    max_retries: int = 8
    time_scale: float = 1.0
    enabled: bool = True


class FloodControl(BaseRateLimiter[int]):
    def __init__(self, limits: FloodLimits | None = None) -> None:
        limits = limits or FloodLimits()
        scale = limits.time_scale
        on = limits.enabled
        self._limits = limits
        # With pacing off (a local Bot API server, the benchmark) 429s are still retried.
        self._inner = AIORateLimiter(
            overall_max_rate=limits.overall_per_second if on else 0,
            overall_time_period=1 * scale,
            group_max_rate=limits.group_per_minute if on else 0,
            group_time_period=60 * scale,
            max_retries=limits.max_retries,
        )
        self._chat_limiters: dict[int, AsyncLimiter] = {}

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chat_limiters.get(chat_id)
        if limiter is None:
            if len(self._chat_limiters) > _MAX_IDLE_LIMITERS:
                idle = [k for k, v in self._chat_limiters.items() if v.has_capacity(v.max_rate)]
                for key in idle:
                    del self._chat_limiters[key]
            burst = max(1, self._limits.private_burst)
            period = burst / self._limits.private_per_second * self._limits.time_scale
            limiter = AsyncLimiter(max_rate=burst, time_period=period)
            self._chat_limiters[chat_id] = limiter
        return limiter

    @staticmethod
    def _private_chat(endpoint: str, data: dict[str, Any]) -> int | None:
        if endpoint in _NOT_MESSAGES or not endpoint.startswith(_PER_CHAT):
            return None
        try:
            chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return chat_id if chat_id > 0 else None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat_id = self._private_chat(endpoint, data) if self._limits.enabled else None
        if chat_id is not None:
            async with self._chat_limiter(chat_id):
                pass  # the slot is taken; sending may overlap with the next wait
        return await self._inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

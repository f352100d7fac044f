"""Driving the real Telegram adapter against the fake Bot API: people who talk, press and vote.

`TelegramHarness` runs the fake server and the real `Application` (long polling, rate limiter,
update processor) on one Dojo. `send(update)` waits until the Application has finished that
update (a last-group handler marks it done) and returns the Bot API calls it caused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from adapters.telegram.app import TelegramAdapter, TelegramOptions
from adapters.telegram.ratelimit import FloodLimits
from core.router import Router
from tests.fakes.telegram_server import Call, FakeLimits, FakeTelegram

SCALE = 0.05  # Telegram's time windows shrunk 20x, so flood control is exercised quickly
TEST_LIMITS = FloodLimits(time_scale=SCALE, max_retries=8)
# Time runs 20x faster here but network delays do not: the first requests wait ~10 ms for
# their connections, which at the shrunk overall rate (600/s) is six messages' worth.
FAKE_LIMITS = FakeLimits(time_scale=SCALE, jitter=0.015)


class TelegramHarness:
    def __init__(self, fake: FakeTelegram, adapter: TelegramAdapter) -> None:
        self.fake = fake
        self.adapter = adapter
        self._done: dict[int, asyncio.Event] = {}
        adapter.application.add_handler(TypeHandler(Update, self._mark_done), group=99)

    async def _mark_done(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        self._done.setdefault(update.update_id, asyncio.Event()).set()

    async def send(
        self, update: dict[str, Any], force: bool = False, wait: float = 15
    ) -> list[Call]:
        before = len(self.fake.calls)
        update_id = self.fake.push(update, force=force)
        event = self._done.setdefault(update_id, asyncio.Event())
        event.clear()
        await asyncio.wait_for(event.wait(), wait)
        return self.fake.calls[before:]

    def person(self, user_id: int, name: str = "Ada", chat_id: int | None = None) -> Person:
        return Person(self, user_id, name, chat_id if chat_id is not None else user_id)


def texts(calls: list[Call]) -> str:
    """What the learner reads: message texts, poll questions and captions, in order."""
    shown = []
    for call in calls:
        if call.error is not None or not isinstance(call.result, dict):
            continue
        result = call.result
        shown.append(result.get("text") or result.get("caption") or "")
        if "poll" in result:
            shown.append(result["poll"]["question"])
    return "\n".join(part for part in shown if part)


@dataclass
class Person:
    harness: TelegramHarness
    user_id: int
    name: str
    chat_id: int

    @property
    def fake(self) -> FakeTelegram:
        return self.harness.fake

    def user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.name}

    def in_chat(self, chat_id: int) -> Person:
        return replace(self, chat_id=chat_id)

    def message(self, text: str = "", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": int(time.time() * 1000) % 1_000_000_000,
            "date": int(time.time()),
            "chat": self.fake.chat(self.chat_id),
            "from": self.user(),
            **extra,
        }
        if text:
            body["text"] = text
            if text.startswith("/"):
                word = text.split()[0]
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(word)}]
        return {"message": body}

    async def say(self, text: str, **extra: Any) -> list[Call]:
        return await self.harness.send(self.message(text, **extra))

    def last_with_button(self, label: str) -> tuple[dict[str, Any], str]:
        for (chat_id, _), message in reversed(self.fake.messages.items()):
            if chat_id != self.chat_id:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label.lower() in button["text"].lower() and "callback_data" in button:
                        return message, button["callback_data"]
        raise AssertionError(f"no button like {label!r} in chat {self.chat_id}")

    def callback(self, message: dict[str, Any], data: str) -> dict[str, Any]:
        return {
            "callback_query": {
                "id": f"cb{self.fake.next_update_id()}",
                "from": self.user(),
                "chat_instance": "ci",
                "data": data,
                "message": message,
            }
        }

    async def press(self, label: str) -> list[Call]:
        message, data = self.last_with_button(label)
        return await self.harness.send(self.callback(message, data))

    def last_poll(self) -> dict[str, Any]:
        for (chat_id, _), message in reversed(self.fake.messages.items()):
            if chat_id == self.chat_id and "poll" in message:
                return message["poll"]
        raise AssertionError(f"no poll in chat {self.chat_id}")

    async def vote(self, option: int, poll_id: str | None = None) -> list[Call]:
        poll_id = poll_id or self.last_poll()["id"]
        answer = {
            "poll_id": poll_id,
            "user": self.user(),
            "option_ids": [option],
            "option_persistent_ids": [f"o{option}"],
        }
        return await self.harness.send({"poll_answer": answer})


@asynccontextmanager
async def running_adapter(
    router: Router,
    fake: FakeTelegram | None = None,
    **options: Any,
) -> AsyncIterator[TelegramHarness]:
    """The fake server and the real adapter, started and stopped around a test."""
    fake = fake or FakeTelegram(limits=FAKE_LIMITS)
    await fake.start()
    settings = {"limits": TEST_LIMITS, "poll_timeout": 1.0, **options}
    adapter = TelegramAdapter(
        router, TelegramOptions(token=fake.token, base_url=fake.base_url, **settings)
    )
    harness = TelegramHarness(fake, adapter)
    await adapter.start()
    try:
        yield harness
    finally:
        await adapter.stop()
        await fake.stop()

"""Duplicates, flood control, bad input, webhook mode and scheduled sends on Telegram."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.telegram.app import TelegramAdapter, TelegramOptions
from bot.app import Dojo
from core.db.models import User
from core.messages import ChatKind, Platform, SendTarget, reply
from core.ports import DeliveryError
from tests.fakes.telegram_harness import (
    FAKE_LIMITS,
    TEST_LIMITS,
    TelegramHarness,
    running_adapter,
    texts,
)
from tests.fakes.telegram_server import FakeTelegram


async def test_duplicated_update_is_processed_once(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(3001, "Ada")
        update = {"update_id": tg.fake.next_update_id(), **ada.message("/start backend mid UTC")}
        first = await tg.send(update)
        assert "You're set" in texts(first)
        again = await tg.send(update, force=True)
        assert again == []
    # A restarted adapter (empty memory) relies on processed_events in the database.
    async with running_adapter(sqlite_dojo.router) as tg:
        assert await tg.send(update, force=True) == []
    async with sqlite_dojo.services.uow_factory() as uow:
        users = await uow.session.scalar(select(func.count()).select_from(User))
        xp = await uow.session.scalar(select(User.xp))
    assert users == 1 and xp == 30  # onboarding 25 + first activity of the day 5, once


async def test_429_storm_loses_nothing(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        people = [tg.person(3100 + n, f"P{n}") for n in range(4)]
        tg.fake.storm(1.0)
        started = time.monotonic()
        results = await asyncio.gather(*(p.say("/help") for p in people))
        # The first 429 holds every send back for retry_after, then all are retried.
        assert tg.fake.rate_limited >= 1
        assert time.monotonic() - started >= 1.0
        for person, calls in zip(people, results, strict=True):
            delivered = tg.fake.sent("sendMessage", person.chat_id)
            assert delivered and "Dojo" in texts(delivered)
            assert calls


async def test_flood_control_paces_private_chats_and_groups(sqlite_dojo: Dojo) -> None:
    """Many replies at once stay under the fake's limits: no 429 without a storm."""
    async with running_adapter(sqlite_dojo.router) as tg:
        sender = tg.adapter.sender
        long_run = [reply(f"message {n}") for n in range(8)]
        await asyncio.gather(
            sender.send_replies(3201, long_run),
            sender.send_replies(-1003202, long_run),
            *(sender.send_replies(3300 + n, long_run[:2]) for n in range(20)),
        )
        assert tg.fake.rate_limited == 0
        assert len(tg.fake.sent("sendMessage", 3201)) == 8
        assert len(tg.fake.sent("sendMessage", -1003202)) == 8
        stamps = [call.at for call in tg.fake.sent("sendMessage", 3201)]
        # Burst of 3, then about one per (scaled) second.
        assert stamps[-1] - stamps[0] >= 4 * TEST_LIMITS.time_scale


BAD_INPUT: list[dict[str, Any]] = [
    {
        "edited_message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 3401, "type": "private"},
            "from": {"id": 3401, "is_bot": False, "first_name": "A"},
            "text": "/help",
        }
    },
    {
        "channel_post": {
            "message_id": 2,
            "date": 1,
            "chat": {"id": -1009, "type": "channel", "title": "News"},
            "text": "/help",
        }
    },
    {
        "poll_answer": {
            "poll_id": "nope",
            "option_ids": [1],
            "option_persistent_ids": ["o1"],
            "user": {"id": 3401, "is_bot": False, "first_name": "A"},
        }
    },
]


async def test_bad_input_is_ignored_or_answered_briefly(
    sqlite_dojo: Dojo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(3401, "Ada")
        group = ada.in_chat(-1003401)
        for update in BAD_INPUT:
            assert await tg.send(update) == []
        sticker = {
            "file_id": "s",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        assert await group.say("", sticker=sticker) == []
        assert await group.say("", photo=photo) == []
        assert "text" in texts(await ada.say("", sticker=sticker))
        assert "text" in texts(await ada.say("", photo=photo))
        origin = {"type": "user", "date": 1, "sender_user": ada.user()}
        assert "forwarded" in texts(await ada.say("hello", forward_origin=origin))
        assert await group.say("hello", forward_origin=origin) == []
        link = "https://example.com/x"
        only_entity = await ada.say(link, entities=[{"type": "url", "offset": 0, "length": 19}])
        assert len(only_entity) == 1
        gone = {"chat": tg.fake.chat(3401), "message_id": 5, "date": 0}
        calls = await tg.send(ada.callback(gone, "dj:ob:track:backend"))
        assert [c.method for c in calls] == ["answerCallbackQuery"], calls
        assert "no longer available" in calls[0].params["text"]
        forged = await tg.send(ada.callback(tg.fake.messages.popitem()[1], "not-dojo-data"))
        assert [c.method for c in forged] == ["answerCallbackQuery"]
        assert tg.fake.refusals() == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_webhook_mode_receives_updates(sqlite_dojo: Dojo) -> None:
    fake = FakeTelegram(limits=FAKE_LIMITS)
    await fake.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = TelegramOptions(
        token=fake.token,
        base_url=fake.base_url,
        webhook_url="https://dojo.example/tg-hook",
        webhook_port=port,
        webhook_listen="127.0.0.1",
        limits=TEST_LIMITS,
    )
    adapter = TelegramAdapter(sqlite_dojo.router, options)
    harness = TelegramHarness(fake, adapter)
    await adapter.start()
    try:
        assert fake.webhook["url"] == "https://dojo.example/tg-hook"
        secret = fake.webhook["secret_token"]
        ada = harness.person(3501, "Ada")
        update = {"update_id": 77, **ada.message("/help")}
        async with aiohttp.ClientSession() as session:
            wrong = await session.post(f"http://127.0.0.1:{port}/tg-hook", json=update)
            assert wrong.status == 403  # without Telegram's secret header
            posted = await session.post(
                f"http://127.0.0.1:{port}/tg-hook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            )
            assert posted.status == 200
        for _ in range(100):
            if fake.sent("sendMessage", 3501):
                break
            await asyncio.sleep(0.05)
        assert "Dojo" in texts(fake.sent("sendMessage", 3501))
    finally:
        await adapter.stop()
        await fake.stop()


async def test_notifier_sends_and_reports_blocked_chats(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        notifier = tg.adapter.notifier
        target = SendTarget(Platform.TELEGRAM, "3601", ChatKind.PRIVATE)
        await notifier.send(target, [reply("🔥 Keep your streak alive")])
        assert "streak" in texts(tg.fake.sent("sendMessage", 3601))
        tg.fake.blocked.add(3602)
        with pytest.raises(DeliveryError):
            await notifier.send(SendTarget(Platform.TELEGRAM, "3602"), [reply("hi")])

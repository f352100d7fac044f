"""The daily question on Discord, through the real adapter against the fake: a channel is
needed, each day's question opens a thread in it (or falls back to the channel), members
answer with buttons, privately told how they did, their first answer counting."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import Dojo
from core.db.models import DailyAnswer
from core.jobs.daily_question import post_daily_questions
from core.jobs.delivery import JobReport
from tests.fakes.discord_harness import DiscordBot, running_bot
from tests.fakes.discord_payloads import EVERYDAY, MANAGE_GUILD

EPHEMERAL = 64
MOD = EVERYDAY | MANAGE_GUILD
DUE = datetime(2026, 11, 24, 9, 1, tzinfo=UTC)


@pytest.fixture
async def bot(sqlite_dojo: Dojo) -> AsyncIterator[DiscordBot]:
    async with running_bot(sqlite_dojo) as running:
        yield running
    assert running.fake.violations == []


def said(log: Any) -> str:
    return " ".join(m["content"] + str(m.get("embeds")) for m in log.messages)


async def admin(bot: DiscordBot, subcommand: str, **options: Any) -> str:
    log = await bot.slash("admin", bot.mod, subcommand=subcommand, options=options, permissions=MOD)
    return said(log)


async def run(bot: DiscordBot, at: datetime = DUE) -> JobReport:
    notifier = bot.dojo.notifiers["discord"]
    return await post_daily_questions(bot.dojo.services.uow_factory, notifier, at)


def buttons(message: dict[str, Any]) -> list[str]:
    return [b["custom_id"] for row in message["components"] for b in row["components"]]


async def test_a_server_needs_a_channel_first(bot: DiscordBot) -> None:
    refused = await admin(bot, "daily", state="on", time="09:00")
    assert "no channel for the daily question" in refused and "/admin channel announce" in refused
    assert (await run(bot)).sent == 0 and bot.fake.threads == []


async def test_a_thread_a_day_with_buttons_and_first_answers(bot: DiscordBot) -> None:
    await admin(bot, "channel", purpose="announce", channel=bot.channel)
    assert "Daily question on" in await admin(bot, "daily", state="on", time="09:00", topic="sql")
    report = await run(bot)
    assert report.sent == 1, report.summary()
    (thread,) = bot.fake.threads
    assert thread["parent_id"] == bot.channel and "Daily question" in thread["name"]
    assert thread["type"] == 11, "a public thread: the whole server answers"
    (question,) = [m for m in bot.fake.sent_to(thread["id"]) if m.get("components")]
    custom_ids = buttons(question)
    assert custom_ids and all(c.startswith("dj:dq:") for c in custom_ids)
    assert (await run(bot, DUE + timedelta(minutes=1))).sent == 0
    assert len(bot.fake.threads) == 1, "one thread a day"

    first = await bot.click(question, custom_ids[0])
    assert first.messages[0]["flags"] & EPHEMERAL
    assert "streak here: 1 day" in said(first)
    again = await bot.click(question, custom_ids[1])
    assert "first answer counts" in said(again) and again.messages[0]["flags"] & EPHEMERAL
    async with bot.dojo.services.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(DailyAnswer)) == 1
        right = await uow.session.scalar(select(DailyAnswer.correct))

    await run(bot, DUE + timedelta(days=1))
    assert len(bot.fake.threads) == 2
    reveal = " ".join(m["content"] for m in bot.fake.sent_to(bot.fake.threads[1]["id"]))
    assert f"{int(bool(right))} of 1 got it right" in reveal
    assert ("Ada" in reveal) is bool(right)
    closed = await bot.click(question, custom_ids[0], user=bot.mod)
    assert "answers are closed" in said(closed)


async def test_no_threads_allowed_falls_back_to_the_channel(
    bot: DiscordBot, caplog: pytest.LogCaptureFixture
) -> None:
    await admin(bot, "channel", purpose="announce", channel=bot.channel)
    await admin(bot, "daily", state="on", time="09:00")
    bot.fake.threadless_channels.add(bot.channel)
    with caplog.at_level(logging.WARNING):
        assert (await run(bot)).sent == 1
    assert bot.fake.threads == []
    posted = [m for m in bot.fake.sent_to(bot.channel) if m.get("components")]
    assert len(posted) == 1 and buttons(posted[0])[0].startswith("dj:dq:")
    assert "cannot open thread" in caplog.text

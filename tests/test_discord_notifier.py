"""Scheduled sends through Discord's REST API, and `dojo run` starting the adapter."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from adapters.discord.standalone import standalone_notifier
from bot.app import Dojo, build
from bot.platforms import start_platforms
from core.messages import ChatKind, Platform, ReplyKind, SendTarget, reply
from core.ports import DeliveryError
from tests.conftest import make_settings
from tests.fakes.discord_server import FakeDiscord, patched_discord


@pytest.fixture
async def fake() -> object:
    server = FakeDiscord()
    server.add_guild("Study Hall", channels=("general", "locked"))
    await server.start()
    with patched_discord(server):
        yield server
    await server.stop()


async def test_notifier_posts_splits_and_refuses(fake: FakeDiscord, sqlite_url: str) -> None:
    dojo = await build(make_settings(sqlite_url, DISCORD_BOT_TOKEN=fake.token))
    guild = next(iter(fake.guilds))
    general, locked = fake.channel_of(guild, 0), fake.channel_of(guild, 1)
    fake.forbidden_channels.add(locked)
    try:
        async with standalone_notifier(dojo) as notifier:
            target = SendTarget(Platform.DISCORD, general, ChatKind.CHANNEL)
            long_text = reply("🏆 Weekly board " + "entry line\n" * 300)
            await notifier.send(target, [long_text, reply("Level 3!", kind=ReplyKind.ANNOUNCEMENT)])
            sent = fake.sent_to(general)
            assert len(sent) == 2, "3,300 characters fit one embed; the announcement is another"
            assert sent[0]["embeds"][0]["description"].startswith("🏆 Weekly board")
            assert sent[1]["embeds"][0]["description"] == "Level 3!"
            with pytest.raises(DeliveryError):
                await notifier.send(
                    SendTarget(Platform.DISCORD, locked, ChatKind.CHANNEL), [reply("x")]
                )
            with pytest.raises(DeliveryError):
                await notifier.send(
                    SendTarget(Platform.DISCORD, "404", ChatKind.CHANNEL), [reply("x")]
                )
            learner = fake.add_user("Ada")
            await notifier.send(
                SendTarget(Platform.DISCORD, learner, ChatKind.PRIVATE), [reply("⏰ streak")]
            )
            dm = fake.dm_channel(learner)["id"]
            assert fake.sent_to(dm)[0]["content"] == "⏰ streak"
            fake.closed_dms.add(learner)
            with pytest.raises(DeliveryError):
                await notifier.send(
                    SendTarget(Platform.DISCORD, dm, ChatKind.PRIVATE), [reply("x")]
                )
    finally:
        await dojo.close()
    assert fake.violations == []


async def test_dojo_run_starts_discord_when_the_token_is_set(
    fake: FakeDiscord, sqlite_url: str
) -> None:
    dojo: Dojo = await build(make_settings(sqlite_url, DISCORD_BOT_TOKEN=fake.token))
    tasks = await start_platforms(dojo)
    try:
        assert [task.get_name() for task in tasks] == ["discord"]
        await fake.wait_connected()
        assert fake.sync_count == 1 and "discord" in dojo.notifiers
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await dojo.close()

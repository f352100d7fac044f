"""Running the real Discord adapter against the fake: one connected bot per test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from adapters.discord.client import DojoClient
from adapters.discord.notifier import DiscordNotifier
from adapters.discord.runner import create_client, run_discord
from bot.app import Dojo
from tests.fakes.discord_server import FakeDiscord, InteractionLog, patched_discord


@dataclass
class DiscordBot:
    fake: FakeDiscord
    dojo: Dojo
    client: DojoClient | None
    guild: str
    channel: str
    ada: str  # a learner
    mod: str  # a member with Manage Server

    async def slash(
        self, name: str, user: str | None = None, *, messages: int = 1, **kw: Any
    ) -> InteractionLog:
        kw.setdefault("guild_id", self.guild)
        payload = self.fake.slash(name, user or self.ada, **kw)
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.interaction_done(payload["id"], messages)

    async def click(
        self, message: dict[str, Any], custom_id: str, user: str | None = None, **kw: Any
    ) -> InteractionLog:
        kw.setdefault("guild_id", self.guild)
        payload = self.fake.click(message, custom_id, user or self.ada, **kw)
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.interaction_done(payload["id"])

    async def say(
        self, content: str, user: str | None = None, *, replies: int = 1, **kw: Any
    ) -> list[dict[str, Any]]:
        """A MESSAGE_CREATE; waits for `replies` more bot messages in any channel."""
        before = len(self.fake.channel_messages)
        payload = self.fake.user_message(content, user or self.ada, **kw)
        await self.fake.dispatch("MESSAGE_CREATE", payload)
        if replies:
            await self.fake.wait_for(lambda: len(self.fake.channel_messages) >= before + replies)
        return self.fake.channel_messages[before:]


@contextlib.asynccontextmanager
async def running_bot(
    dojo: Dojo, *, message_content_allowed: bool = True, members_allowed: bool = True
) -> AsyncIterator[DiscordBot]:
    fake = FakeDiscord(
        message_content_allowed=message_content_allowed, members_allowed=members_allowed
    )
    guild = fake.add_guild("Study Hall", channels=("general", "announcements", "read-only"))
    ada = fake.add_user("Ada")
    mod = fake.add_user("Grace")
    await fake.start()
    task: asyncio.Task[None] | None = None
    try:
        with patched_discord(fake):
            task = asyncio.create_task(run_discord(dojo, fake.token, guild_ready_timeout=0.01))
            await fake.wait_connected()
            await fake.wait_for(lambda: fake.sync_count > 0 or task.done())
            notifier = dojo.notifiers["discord"]
            assert isinstance(notifier, DiscordNotifier)
            assert isinstance(notifier.client, DojoClient)
            bot = DiscordBot(fake, dojo, notifier.client, guild, fake.channel_of(guild), ada, mod)
            yield bot
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await fake.stop()
        await _settle_dispatched_events()


async def _settle_dispatched_events() -> None:
    """Cancel and await the event handlers discord.py scheduled but had not started when the
    client closed (on a loaded machine a gateway event can arrive in the last moment): left
    pending, they die with the test's loop and warn that `Client._run_event` was never
    awaited, which the suite's warnings-as-errors turns into a failed teardown."""
    pending = [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith("discord.py: ") and not task.done()
    ]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


def make_client(dojo: Dojo, **options: Any) -> DojoClient:
    return create_client(dojo, guild_ready_timeout=0.01, **options)

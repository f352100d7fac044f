"""A Discord notifier for `dojo admin run-job`: REST only, no gateway connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import discord

from adapters.discord.notifier import DiscordNotifier

if TYPE_CHECKING:
    from bot.app import Dojo


@asynccontextmanager
async def standalone_notifier(dojo: Dojo) -> AsyncIterator[DiscordNotifier]:
    token = dojo.settings.discord_bot_token
    if not token:
        raise RuntimeError("DISCORD_BOT_TOKEN is not set")
    client = discord.Client(
        intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none()
    )
    async with client:
        await client.login(token)
        yield DiscordNotifier(client)

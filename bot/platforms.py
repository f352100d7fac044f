"""Which platform adapters start, from which tokens. Each adapter adds itself here."""

from __future__ import annotations

import asyncio
import logging

from bot.app import Dojo

log = logging.getLogger(__name__)


async def start_platforms(dojo: Dojo) -> list[asyncio.Task[None]]:
    tasks: list[asyncio.Task[None]] = []
    settings = dojo.settings
    if settings.telegram_bot_token:
        from adapters.telegram.run import start_telegram

        tasks.append(await start_telegram(dojo))
    if settings.discord_bot_token:
        from adapters.discord.runner import start_discord

        tasks.append(start_discord(dojo, settings.discord_bot_token))
    return tasks

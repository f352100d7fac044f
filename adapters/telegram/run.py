"""Starting the Telegram adapter from `dojo run` (bot/platforms.py calls this)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from adapters.telegram.app import TelegramAdapter, options_from

if TYPE_CHECKING:
    from bot.app import Dojo


async def start_telegram(dojo: Dojo) -> asyncio.Task[None]:
    """Start polling (or the webhook), register the notifier, and run until cancelled."""
    adapter = TelegramAdapter(dojo.router, options_from(dojo.settings))
    await adapter.start()
    dojo.notifiers["telegram"] = adapter.notifier

    async def serve() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            dojo.notifiers.pop("telegram", None)
            await adapter.stop()

    return asyncio.create_task(serve(), name="telegram")

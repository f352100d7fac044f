"""Runs the platform adapters (and the scheduler) that have tokens, until interrupted."""

from __future__ import annotations

import asyncio
import logging

from bot.app import build
from bot.settings import Settings

log = logging.getLogger(__name__)


async def run_platforms(settings: Settings) -> None:
    dojo = await build(settings)
    tasks: list[asyncio.Task[None]] = []
    try:
        from bot.platforms import start_platforms

        tasks = await start_platforms(dojo)
        if not tasks:
            log.warning("no platform adapter could start")
            return
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await dojo.close()

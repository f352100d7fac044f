"""Runs the platform adapters (and the scheduler) that have tokens, until interrupted."""

from __future__ import annotations

import asyncio
import logging

from bot.app import build, settle_heap
from bot.settings import Settings
from core.db.statistics import refresh_planner_statistics

log = logging.getLogger(__name__)


async def run_platforms(settings: Settings) -> None:
    dojo = await build(settings)
    await refresh_planner_statistics(dojo.services.uow_factory)
    settle_heap()
    tasks: list[asyncio.Task[None]] = []
    try:
        from bot.platforms import start_platforms

        tasks = await start_platforms(dojo)
        if not tasks:
            log.warning("no platform adapter could start")
            return
        from bot.scheduler import build_scheduler

        # Adapters registered their notifiers while starting; jobs reach them all through one.
        scheduler = build_scheduler(dojo, dojo.notifier)
        scheduler.start()
        try:
            await asyncio.gather(*tasks)
        finally:
            scheduler.shutdown(wait=False)
    finally:
        for task in tasks:
            task.cancel()
        await dojo.close()

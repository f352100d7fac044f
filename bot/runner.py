"""Runs the platform adapters (and the scheduler) that have tokens, until interrupted."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import Dojo, StartupError, build, settle_heap
from bot.settings import Settings
from core.db.statistics import refresh_planner_statistics

log = logging.getLogger(__name__)


async def _stop_signal() -> None:
    """Returns on SIGINT (Ctrl-C) or SIGTERM (`docker stop`, a process manager).

    Handled on the loop rather than left to Python's KeyboardInterrupt: a process started
    with SIGINT ignored (a background job of a shell without job control) inherits that and
    would never stop on Ctrl-C, and SIGTERM would otherwise end it without closing anything."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform or thread
            continue
    try:
        await stop.wait()
        log.info("stopping: closing the adapters and the database")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(signum)
            except (NotImplementedError, RuntimeError):
                continue


@asynccontextmanager
async def serving_web(dojo: Dojo) -> AsyncIterator[None]:
    """The public web pages on DOJO_WEB_PORT while the block runs (nothing when it is unset)."""
    port = dojo.settings.web_port
    if port is None:
        yield
        return
    from adapters.web.server import start_web

    try:
        runner = await start_web(dojo.services, port)
    except OSError as error:
        raise StartupError(f"Cannot serve web pages on DOJO_WEB_PORT={port}: {error}") from None
    try:
        yield
    finally:
        await runner.cleanup()


async def run_platforms(settings: Settings) -> None:
    dojo = await build(settings)
    await refresh_planner_statistics(dojo.services.uow_factory)
    settle_heap()
    tasks: list[asyncio.Task[None]] = []
    try:
        async with serving_web(dojo):
            await _run_until_stopped(dojo, tasks)
    finally:
        for task in tasks:
            task.cancel()
        await dojo.close()


async def _run_until_stopped(dojo: Dojo, tasks: list[asyncio.Task[None]]) -> None:
    """Start the platforms (into `tasks`, which the caller cancels) and the scheduler, and
    wait for a stop signal or a platform that fails."""
    from bot.platforms import start_platforms

    tasks.extend(await start_platforms(dojo))
    if not tasks:
        log.warning("no platform adapter could start")
        return
    from bot.scheduler import build_scheduler

    # Adapters registered their notifiers while starting; jobs reach them all through one.
    scheduler = build_scheduler(dojo, dojo.notifier)
    scheduler.start()
    stopping = asyncio.ensure_future(_stop_signal())
    try:
        done, _ = await asyncio.wait({*tasks, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in done - {stopping}:
            task.result()  # a platform that failed says why
    finally:
        stopping.cancel()
        scheduler.shutdown(wait=False)

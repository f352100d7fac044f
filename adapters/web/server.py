"""Serving the web app on DOJO_WEB_PORT beside the bot, in the bot's own event loop."""

from __future__ import annotations

import logging

from aiohttp import web

from adapters.web.app import build_web_app
from core.context import Services

log = logging.getLogger(__name__)


async def start_web(services: Services, port: int, host: str | None = None) -> web.AppRunner:
    """Listen on `port` (every interface unless `host` is given) and return the runner, whose
    `cleanup()` stops it. Raises OSError when the port cannot be bound."""
    runner = web.AppRunner(build_web_app(services), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    log.info("web pages served on port %s", port)
    return runner

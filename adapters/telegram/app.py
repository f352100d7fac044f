"""Wiring the Telegram adapter: the Application, its lifecycle, and the command menu.

Long polling is the default because it needs nothing but a token; with TELEGRAM_WEBHOOK_URL set,
Telegram pushes updates to a local web server instead. TELEGRAM_BASE_URL is the Bot API root, so
a self-hosted Bot API server (or a test double) stands in for api.telegram.org.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeDefault,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, ExtBot, TypeHandler

from adapters.telegram.handler import UpdateHandler
from adapters.telegram.moderators import AdminCache
from adapters.telegram.polls import poll_links
from adapters.telegram.processor import PerChatProcessor
from adapters.telegram.ratelimit import FloodControl, FloodLimits
from adapters.telegram.send import Sender, TelegramNotifier
from adapters.telegram.transport import AiohttpRequest
from core.context import Services
from core.registry import Registry
from core.router import Router

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "poll_answer")


@dataclass(frozen=True)
class TelegramOptions:
    token: str
    base_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_port: int = 8443
    webhook_listen: str = "0.0.0.0"
    limits: FloodLimits = field(default_factory=FloodLimits)
    # Long-poll wait (seconds): how long getUpdates holds the connection when idle.
    poll_timeout: float = 30.0
    max_concurrent_updates: int = 256
    # HTTP connections for Bot API calls (adapters/telegram/transport.py). Telegram's 30
    # messages/s at ~100 ms round trips keeps only a few requests in flight; the rest wait for a
    # free connection (30 s) rather than fail.
    connection_pool_size: int = 8
    # Quizzes as native quiz polls; False sends numbered buttons instead.
    native_polls: bool = True


def api_urls(base_url: str) -> tuple[str, str]:
    """`<root>/bot<token>/<method>` and `<root>/file/bot<token>/<path>` from the API root."""
    root = base_url.rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


def _secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:48]


async def publish_commands(bot: Bot, registry: Registry) -> None:
    """The command menu: learner commands for everyone, plus moderator ones for group admins."""
    learner = [BotCommand(s.name, s.summary[:256]) for s in registry.listed_commands()]
    everyone = [BotCommand(s.name, s.summary[:256]) for s in registry.listed_commands(True)]
    try:
        await bot.set_my_commands(learner, scope=BotCommandScopeDefault())
        await bot.set_my_commands(everyone, scope=BotCommandScopeAllChatAdministrators())
    except TelegramError as error:
        log.warning("could not publish the command menu: %s", error)


class TelegramAdapter:
    """Owns the Application; `start()`/`stop()` for tests and `run()` for `dojo run`."""

    def __init__(self, router: Router, options: TelegramOptions) -> None:
        self.router = router
        self.options = options
        api, files = api_urls(options.base_url)
        self.application: Application = (  # type: ignore[type-arg]
            Application.builder()
            .token(options.token)
            .base_url(api)
            .base_file_url(files)
            .rate_limiter(FloodControl(options.limits))
            .concurrent_updates(PerChatProcessor(options.max_concurrent_updates))
            .request(AiohttpRequest(options.connection_pool_size, pool_timeout=30.0))
            # Only one getUpdates is ever in flight, on its own connection.
            .get_updates_request(AiohttpRequest(1, read_timeout=options.poll_timeout + 10))
            # Dojo owns the one scheduler (bot/scheduler.py); no platform job queue beside it.
            .job_queue(None)
            .build()
        )
        services: Services = router.services
        self.polls = poll_links(services)
        self.sender = Sender(self.application.bot, self.polls, services.clock, options.native_polls)
        self.admins = AdminCache(self.application.bot)
        self.handler = UpdateHandler(router, self.sender, self.admins, self.polls)
        self.application.add_handler(TypeHandler(Update, self.handler))
        self.application.add_error_handler(self._on_error)

    @property
    def notifier(self) -> TelegramNotifier:
        return TelegramNotifier(self.sender)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if isinstance(error, TelegramError):
            log.warning("Telegram error while handling an update: %s", error)
            return
        log.error("unexpected error while handling an update", exc_info=error)

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        assert self.router.services.registry is not None
        await publish_commands(app.bot, self.router.services.registry)
        assert app.updater is not None
        options = self.options
        if options.webhook_url:
            path = urlparse(options.webhook_url).path.strip("/")
            await app.updater.start_webhook(
                listen=options.webhook_listen,
                port=options.webhook_port,
                url_path=path,
                webhook_url=options.webhook_url,
                allowed_updates=list(ALLOWED_UPDATES),
                secret_token=_secret(options.token),
            )
        else:
            await app.updater.start_polling(
                poll_interval=0.0,
                timeout=options.poll_timeout,  # type: ignore[arg-type]
                allowed_updates=list(ALLOWED_UPDATES),
                error_callback=self._on_polling_error,
            )
        await app.start()
        log.info("Telegram adapter running as @%s", app.bot.username)

    @staticmethod
    def _on_polling_error(error: TelegramError) -> None:
        log.warning("getUpdates failed, retrying: %s", error)

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def run(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()


def options_from(settings: object) -> TelegramOptions:
    """TelegramOptions from bot.settings.Settings (typed loosely so core stays import-free)."""
    token = getattr(settings, "telegram_bot_token", None)
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return TelegramOptions(
        token=token,
        base_url=getattr(settings, "telegram_base_url", TelegramOptions.base_url),
        webhook_url=getattr(settings, "telegram_webhook_url", None),
        webhook_port=getattr(settings, "telegram_webhook_port", 8443),
    )


@asynccontextmanager
async def open_notifier(
    services: Services, options: TelegramOptions
) -> AsyncIterator[TelegramNotifier]:
    """A Notifier without polling, for `dojo admin run-job` and the scheduler."""
    api, files = api_urls(options.base_url)
    bot = ExtBot(
        options.token, base_url=api, base_file_url=files, rate_limiter=FloodControl(options.limits)
    )
    async with bot:
        yield TelegramNotifier(Sender(bot, poll_links(services), services.clock))

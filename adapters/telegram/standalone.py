"""Telegram sends without the bot running, for `dojo admin run-job` (see bot/notifiers.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from adapters.telegram.app import open_notifier, options_from
from adapters.telegram.send import TelegramNotifier

if TYPE_CHECKING:
    from bot.app import Dojo


@asynccontextmanager
async def standalone_notifier(dojo: Dojo) -> AsyncIterator[TelegramNotifier]:
    async with open_notifier(dojo.services, options_from(dojo.settings)) as notifier:
        yield notifier

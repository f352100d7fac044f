"""Who moderates a Telegram group: its chat administrators, looked up and cached briefly.

`DOJO_ADMINS` operators are added by the router itself; this only answers what Telegram says.
A short cache keeps a busy group from calling getChatAdministrators on every command, while a
demoted administrator loses their rights within a minute.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Bot
from telegram.error import TelegramError

log = logging.getLogger(__name__)


class AdminCache:
    def __init__(
        self, bot: Bot, ttl_seconds: float = 60.0, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._bot = bot
        self._ttl = ttl_seconds
        self._now = now
        self._cache: dict[int, tuple[float, frozenset[int]]] = {}

    async def admins(self, chat_id: int) -> frozenset[int]:
        cached = self._cache.get(chat_id)
        if cached is not None and self._now() - cached[0] < self._ttl:
            return cached[1]
        try:
            members = await self._bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            # Unknown is not an admin; the refusal is answered, never a crash.
            log.warning("getChatAdministrators failed for %s: %s", chat_id, error)
            return cached[1] if cached is not None else frozenset()
        ids = frozenset(member.user.id for member in members)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[chat_id] = (self._now(), ids)
        return ids

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        return user_id in await self.admins(chat_id)

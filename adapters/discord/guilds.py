"""What the adapter needs from a guild's community settings: the moderator role.

The role is stored in `communities.settings["mod_role"]`; the adapter reads it with a short
cache so a burst of interactions does not cost a query each.
"""

from __future__ import annotations

import time
from typing import Any

import discord

from core.db.uow import UnitOfWorkFactory
from core.messages import Platform

CACHE_SECONDS = 30.0


class GuildSettings:
    def __init__(self, uow_factory: UnitOfWorkFactory, ttl: float = CACHE_SECONDS) -> None:
        self._uow_factory = uow_factory
        self._ttl = ttl
        self._cache: dict[int, tuple[float, dict[str, Any]]] = {}

    async def get(self, guild_id: int) -> dict[str, Any]:
        cached = self._cache.get(guild_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        async with self._uow_factory() as uow:
            community = await uow.communities.by_ref(Platform.DISCORD, str(guild_id))
            settings = dict(community.settings or {}) if community is not None else {}
        self._cache[guild_id] = (now, settings)
        return settings

    def forget(self, guild_id: int) -> None:
        """Drop the cached settings (after an /admin command may have changed them)."""
        self._cache.pop(guild_id, None)

    async def is_moderator(
        self, guild_id: int, member: discord.Member | discord.User, permissions: discord.Permissions
    ) -> bool:
        """Manage Server (or Administrator) on Discord, or the community's moderator role."""
        if permissions.manage_guild or permissions.administrator:
            return True
        roles = getattr(member, "roles", None)
        if not roles:
            return False
        mod_role = str((await self.get(guild_id)).get("mod_role") or "").strip("<@&>")
        return bool(mod_role) and any(str(role.id) == mod_role for role in roles)

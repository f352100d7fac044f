"""What the adapter needs from a guild's community settings: the moderator role.

The core keeps the settings (core.community_settings) and answers through the port
core.ports.CommunitySettingsSource; the adapter reads them with a short cache so a burst of
interactions does not cost a query each.
"""

from __future__ import annotations

import time

import discord

from core.community_settings import CommunitySettings
from core.messages import Platform
from core.ports import CommunitySettingsSource

CACHE_SECONDS = 30.0


class GuildSettings:
    def __init__(self, source: CommunitySettingsSource, ttl: float = CACHE_SECONDS) -> None:
        self._source = source
        self._ttl = ttl
        self._cache: dict[int, tuple[float, CommunitySettings]] = {}

    async def get(self, guild_id: int) -> CommunitySettings:
        cached = self._cache.get(guild_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        settings = await self._source.settings_of(Platform.DISCORD, str(guild_id))
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
        mod_role = (await self.get(guild_id)).mod_role
        return mod_role is not None and any(str(role.id) == mod_role for role in roles)

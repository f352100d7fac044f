"""A community's settings for an adapter (core.ports.CommunitySettingsSource), read in a short
unit of work of their own: the adapter asks before an event reaches the router."""

from __future__ import annotations

from core.community_settings import CommunitySettings, settings_of
from core.db.uow import UnitOfWorkFactory


class StoredCommunitySettings:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def settings_of(self, platform: str, external_id: str) -> CommunitySettings:
        """A community Dojo has not met yet has the defaults."""
        async with self._uow_factory() as uow:
            community = await uow.communities.by_ref(platform, external_id)
            return settings_of(community.settings if community is not None else None)

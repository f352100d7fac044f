"""Platform membership events the core answers outside the router: a member joining a
community (Discord's member join). Adapters call these; they never import a feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.features.rewards.apply import apply_role_change
from core.features.rewards.rejoin import roles_on_join

if TYPE_CHECKING:
    from core.context import Services


async def member_joined(services: Services, guild_id: str, member_id: str) -> None:
    """A returning member gets the reward roles of their level back (core.features.rewards)."""
    change = await roles_on_join(services.uow_factory, guild_id, member_id)
    if change is not None:
        await apply_role_change(services.notifier, change, services.uow_factory)

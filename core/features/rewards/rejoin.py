"""A member who comes back to a server gets their reward roles back (the adapter's member
join event): Discord drops a leaver's roles, Dojo still knows their level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.features.rewards.follow import change_for
from core.features.rewards.store import RewardStore
from core.messages import RoleChange

if TYPE_CHECKING:
    from core.db.uow import UnitOfWorkFactory


async def roles_on_join(
    uow_factory: UnitOfWorkFactory, guild_id: str, member_id: str
) -> RoleChange | None:
    """The returning member's reward roles; None for a newcomer or a server without rewards."""
    async with uow_factory() as uow:
        found = await uow.repository(RewardStore).holders(member_id=member_id, guild_id=guild_id)
        if not found:
            return None
        change = await change_for(uow, found[0])
    if change is None or not change.wanted:
        return None
    return change

"""The queries role rewards need (core.db.repository): rewards, and who holds which level."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from core.db.models import (
    Community,
    CommunityMember,
    CommunityXp,
    PlatformAccount,
    RoleReward,
    User,
)
from core.db.repository import Repository
from core.messages import Platform


@dataclass(frozen=True)
class Holder:
    """A member of a rewarding community, with what decides their level there."""

    community_id: int
    guild_id: str
    user_id: int
    member_id: str  # their Discord user id
    xp: int
    adjustment: int


class RewardStore(Repository):
    async def rewards(self, community_id: int) -> Sequence[RoleReward]:
        rows = await self.session.scalars(
            select(RoleReward)
            .where(RoleReward.community_id == community_id)
            .order_by(RoleReward.level)
        )
        return rows.all()

    async def working(self, community_id: int) -> dict[int, str]:
        """Level -> role id of the rewards that are not broken."""
        return {
            reward.level: reward.role_id
            for reward in await self.rewards(community_id)
            if reward.broken_at is None
        }

    async def put(
        self,
        community_id: int,
        level: int,
        role_id: str,
        name: str,
        set_by: int | None,
        now: datetime,
    ) -> None:
        await self.remove(community_id, level)
        self.session.add(
            RoleReward(
                community_id=community_id,
                level=level,
                role_id=role_id,
                role_name=name[:100],
                set_by=set_by,
                created_at=now,
            )
        )
        await self.session.flush()

    async def remove(self, community_id: int, level: int) -> bool:
        result = await self.session.execute(
            delete(RoleReward)
            .where(RoleReward.community_id == community_id, RoleReward.level == level)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def break_role(
        self, community_id: int, role_id: str, reason: str, now: datetime
    ) -> Sequence[tuple[int, str, int | None]]:
        """Mark the rewards giving `role_id` broken; (level, name, set_by) of those that were
        not yet: whoever marks them first is the one who reports it, once."""
        rows = await self.session.execute(
            update(RoleReward)
            .where(
                RoleReward.community_id == community_id,
                RoleReward.role_id == role_id,
                RoleReward.broken_at.is_(None),
            )
            .values(broken_at=now, broken_reason=reason[:200])
            .returning(RoleReward.level, RoleReward.role_name, RoleReward.set_by)
            .execution_options(synchronize_session=False)
        )
        return [(level, name, set_by) for level, name, set_by in rows.all()]

    async def holders(
        self,
        *,
        user_ids: Collection[int] | None = None,
        community_id: int | None = None,
        member_id: str | None = None,
        guild_id: str | None = None,
    ) -> list[Holder]:
        """Members with a Discord account of communities that have a working reward: those
        among `user_ids`, or of `community_id`, or the one member `member_id` of `guild_id`.
        Returns nothing (one cheap query) where no community of theirs gives roles."""
        rewarding = (
            select(RoleReward.community_id)
            .where(RoleReward.broken_at.is_(None))
            .distinct()
            .scalar_subquery()
        )
        adjustment = (
            select(func.coalesce(func.sum(CommunityXp.amount), 0))
            .where(
                CommunityXp.community_id == CommunityMember.community_id,
                CommunityXp.user_id == CommunityMember.user_id,
            )
            .scalar_subquery()
        )
        query = (
            select(
                Community.id,
                Community.external_id,
                User.id,
                PlatformAccount.platform_user_id,
                User.xp,
                adjustment,
            )
            .join(CommunityMember, CommunityMember.community_id == Community.id)
            .join(User, User.id == CommunityMember.user_id)
            .join(
                PlatformAccount,
                (PlatformAccount.user_id == User.id)
                & (PlatformAccount.platform == str(Platform.DISCORD)),
            )
            .where(Community.platform == str(Platform.DISCORD), Community.id.in_(rewarding))
            .order_by(Community.id, User.id)
        )
        if user_ids is not None:
            query = query.where(CommunityMember.user_id.in_(list(user_ids)))
        if community_id is not None:
            query = query.where(Community.id == community_id)
        if member_id is not None and guild_id is not None:
            query = query.where(
                PlatformAccount.platform_user_id == member_id, Community.external_id == guild_id
            )
        rows = await self.session.execute(query)
        return [Holder(c, g, u, m, int(x), int(a or 0)) for c, g, u, m, x, a in rows.all()]

"""A community's own bans and board adjustments (core.db.models.standing)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import CommunityBan, CommunityXp, User
from core.db.moves import StandingMoves
from core.db.upsert import insert_ignore


class StandingRepository:
    def __init__(self, session: AsyncSession, moves: StandingMoves | None = None) -> None:
        self.session = session
        self.moves = moves if moves is not None else StandingMoves()

    async def ban_of(self, community_id: int, user_id: int) -> CommunityBan | None:
        return await self.session.get(CommunityBan, (community_id, user_id))

    async def ban(
        self, community_id: int, user_id: int, actor: str, reason: str | None, now: datetime
    ) -> bool:
        """Ban a learner in one community; False if they already were."""
        return await insert_ignore(
            self.session,
            CommunityBan,
            {
                "community_id": community_id,
                "user_id": user_id,
                "actor": actor[:100],
                "reason": reason[:500] if reason else None,
                "notified": False,
                "created_at": now,
            },
            ["community_id", "user_id"],
        )

    async def unban(self, community_id: int, user_id: int) -> bool:
        result = await self.session.execute(
            delete(CommunityBan)
            .where(CommunityBan.community_id == community_id, CommunityBan.user_id == user_id)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def banned_here(self, community_id: int) -> Sequence[tuple[CommunityBan, User]]:
        rows = await self.session.execute(
            select(CommunityBan, User)
            .join(User, User.id == CommunityBan.user_id)
            .where(CommunityBan.community_id == community_id)
            .order_by(CommunityBan.created_at)
        )
        return [(ban, user) for ban, user in rows.all()]

    async def adjust(
        self, community_id: int, user_id: int, amount: int, audit_id: int, now: datetime
    ) -> None:
        self.session.add(
            CommunityXp(
                community_id=community_id,
                user_id=user_id,
                amount=amount,
                audit_id=audit_id,
                created_at=now,
            )
        )
        await self.session.flush()
        self.moves.adjustment(community_id, user_id, amount)

    async def granted_since(self, community_id: int, user_id: int, since: datetime) -> int:
        """Positive adjustments a learner received here since `since` (the weekly bound)."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(CommunityXp.amount), 0)).where(
                CommunityXp.community_id == community_id,
                CommunityXp.user_id == user_id,
                CommunityXp.amount > 0,
                CommunityXp.created_at >= since,
            )
        )
        return int(total or 0)

    async def adjustment(self, community_id: int, user_id: int) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(CommunityXp.amount), 0)).where(
                CommunityXp.community_id == community_id, CommunityXp.user_id == user_id
            )
        )
        return int(total or 0)

"""The community_web_pages table: which community has a page, under which token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, distinct, func, select, text

from core.db.models import ActivityLog, CommunityMember, CommunityWebPage
from core.db.repository import Repository
from core.features.web.address import token_hash

# Built once: the lookup runs on every page request.
_BY_HASH = select(CommunityWebPage.community_id).where(
    CommunityWebPage.token_hash == bindparam("token_hash")
)


class WebPageStore(Repository):
    async def token_of(self, community_id: int) -> str | None:
        """The community's current page token, or None when it has no page."""
        return await self.session.scalar(
            select(CommunityWebPage.token).where(CommunityWebPage.community_id == community_id)
        )

    async def publish(self, community_id: int, token: str, now: datetime) -> None:
        """Give the community a page under `token`, replacing any address it had."""
        await self.withdraw(community_id)
        self.session.add(
            CommunityWebPage(
                community_id=community_id, token=token, token_hash=token_hash(token), created_at=now
            )
        )
        await self.session.flush()

    async def withdraw(self, community_id: int) -> bool:
        """Remove the community's page; True if it had one."""
        result = await self.session.execute(
            delete(CommunityWebPage).where(CommunityWebPage.community_id == community_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def community_for(self, token: str) -> int | None:
        """The id of the community whose page this token opens, looked up by the token's hash
        (its unique index; the row goes with its community, ON DELETE CASCADE)."""
        return await self.session.scalar(_BY_HASH, {"token_hash": token_hash(token)})

    async def active_members(self, community_id: int, since: datetime) -> int:
        """Members active anywhere since `since` (what /admin stats counts), read from the
        period's activity (the created_at index) with each learner's membership probed: /admin
        stats's form, membership first, read every member's whole history (18 s for a
        100,000-member community on the benchmark, against about 1 s this way)."""
        member = (
            select(1)
            .where(
                CommunityMember.community_id == community_id,
                CommunityMember.user_id == ActivityLog.user_id,
            )
            .exists()
        )
        query = select(func.count(distinct(ActivityLog.user_id))).where(
            ActivityLog.created_at >= since, member
        )
        return int(await self.session.scalar(query) or 0)

    async def database_answers(self) -> bool:
        """For /healthz: a query the database must answer."""
        return await self.session.scalar(text("SELECT 1")) == 1

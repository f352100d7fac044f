"""What /admin reads and writes besides the unit of work's own repositories: a community's
weekly figures (core.features.admin.reports) and learners' AI budgets (moderation)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import distinct, func, select

from core.db.models import (
    ActivityLog,
    AiBudget,
    AiUsage,
    CodeReview,
    CommunityMember,
    InterviewSession,
    QuizSession,
)
from core.db.repository import Repository


class AdminStore(Repository):
    """Figures are counted over a community's members, or over everyone when `community_id`
    is None (operators, the shell): the caller decides who may see which."""

    async def _scalar(self, query: Any, user_column: Any, community_id: int | None) -> Any:
        if community_id is not None:
            members = select(CommunityMember.user_id).where(
                CommunityMember.community_id == community_id
            )
            query = query.where(user_column.in_(members))
        return await self.session.scalar(query)

    async def active_learners(self, since: datetime, community_id: int | None) -> int:
        query = select(func.count(distinct(ActivityLog.user_id))).where(
            ActivityLog.created_at >= since
        )
        return int(await self._scalar(query, ActivityLog.user_id, community_id) or 0)

    async def quizzes_completed(self, since: datetime, community_id: int | None) -> int:
        query = select(func.count()).where(
            QuizSession.status == "completed", QuizSession.completed_at >= since
        )
        return int(await self._scalar(query, QuizSession.user_id, community_id) or 0)

    async def interviews_started(self, since: datetime, community_id: int | None) -> int:
        query = select(func.count()).where(InterviewSession.created_at >= since)
        return int(await self._scalar(query, InterviewSession.user_id, community_id) or 0)

    async def reviews(self, since: datetime, community_id: int | None) -> int:
        query = select(func.count()).where(CodeReview.created_at >= since)
        return int(await self._scalar(query, CodeReview.user_id, community_id) or 0)

    async def members(self, community_id: int) -> int:
        query = select(func.count()).where(CommunityMember.community_id == community_id)
        return int(await self.session.scalar(query) or 0)

    async def ai_spend(self, since: datetime, community_id: int | None) -> Decimal:
        """Dollars spent on the model since `since` (AiUsage's recorded costs)."""
        query = select(func.coalesce(func.sum(AiUsage.cost_usd), 0)).where(
            AiUsage.created_at >= since
        )
        return Decimal(str(await self._scalar(query, AiUsage.user_id, community_id) or 0))

    async def budget(self, user_id: int) -> AiBudget | None:
        """The learner's own monthly AI budget, if an admin set one (else the default)."""
        return await self.session.get(AiBudget, user_id)

    async def set_budget(self, user_id: int, limit: Decimal, now: datetime) -> None:
        row = await self.budget(user_id)
        if row is None:
            self.session.add(AiBudget(user_id=user_id, monthly_limit_usd=limit, updated_at=now))
        else:
            row.monthly_limit_usd = limit
            row.updated_at = now

    async def reset_budget(self, user_id: int) -> None:
        """Back to the default budget."""
        row = await self.budget(user_id)
        if row is not None:
            await self.session.delete(row)

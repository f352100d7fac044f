"""Repositories for progress: the XP ledger (and weekly and monthly XP) and the activity log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from core.db.backend import (
    ActivityEntry,
    Allowance,
    Award,
    Awarded,
    StorageBackend,
    utc_month_start,
    utc_week_start,
)
from core.db.learner_row import LearnerChanges, learner_update, parameters
from core.db.models import (
    ActivityLog,
    User,
    XpDaily,
    XpLedger,
    XpMonthly,
    XpWeekly,
    table_of,
)
from core.db.moves import StandingMoves

_LOG_ACTIVITY = insert(table_of(ActivityLog))  # a Core INSERT: cheaper than an ORM flush


def activity_entry(
    event_type: str,
    context: tuple[str, str] | None = None,
    score: int | None = None,
    meta: dict[str, Any] | None = None,
) -> ActivityEntry:
    return ActivityEntry(
        event_type,
        context[0] if context else None,
        context[1] if context else None,
        score,
        meta or {},
    )


class XpRepository:
    def __init__(
        self,
        session: AsyncSession,
        learners: LearnerChanges,
        backend: StorageBackend,
        moves: StandingMoves | None = None,
    ) -> None:
        self.session = session
        self.learners = learners
        self.backend = backend
        self.moves = moves if moves is not None else StandingMoves()

    async def award(
        self,
        user_id: int,
        source: str,
        reference: str,
        amount: int,
        now: datetime,
        community_id: int | None = None,
        log: ActivityEntry | None = None,
    ) -> int | None:
        """Add a ledger entry once per (user, source, reference); returns the new xp or None.

        The users.xp column moves in the same statement order as the ledger, so it always
        equals the ledger's sum, also under concurrent awards on PostgreSQL. The learner's
        pending changes (core.db.learner_row) are stored in that same UPDATE, and `log` is
        the activity that earned the XP: both only if awarded. On PostgreSQL it is all one
        statement (core.db.postgres_backend).
        """
        award = Award(user_id, source, reference[:128], amount, now, community_id)
        awarded = await self._award(award, log, None)
        return awarded.xp if awarded is not None else None

    async def award_daily(
        self,
        user_id: int,
        source: str,
        reference: str,
        amount: int,
        now: datetime,
        allowance: Allowance,
        community_id: int | None = None,
        log: ActivityEntry | None = None,
    ) -> Awarded | None:
        """`award`, priced by the day's count of `source` under `allowance`; None if repeated.

        The count is a row per learner, day and activity whose upsert returns this award's
        place (still in the same single statement on PostgreSQL), so awards that run at once,
        in one batch or in concurrent transactions, each get their own place. A repeated
        reference gives its place back."""
        award = Award(user_id, source, reference[:128], amount, now, community_id)
        awarded = await self._award(award, log, allowance)
        if awarded is None:
            await self.session.execute(
                update(XpDaily)
                .where(
                    XpDaily.user_id == user_id,
                    XpDaily.day == allowance.day,
                    XpDaily.activity == source,
                )
                .values(count=XpDaily.count - 1)
                .execution_options(synchronize_session=False)
            )
        return awarded

    async def _award(
        self, award: Award, log: ActivityEntry | None, allowance: Allowance | None
    ) -> Awarded | None:
        self.learners.absorb(self.session.sync_session)
        values = {"updated_at": award.now, **self.learners.pending(award.user_id)}
        awarded = await self.backend.award(self.session, award, values, log, allowance)
        if awarded is not None:
            self.moves.xp(award.user_id, awarded.xp - award.amount)
            user = self.session.identity_map.get(identity_key(User, award.user_id))
            self.learners.stored(user, award.user_id, {**values, "xp": awarded.xp})
        return awarded

    async def recount(self, user: User) -> None:
        """Set the learner's xp to the ledger's sum (after a merge of two learners)."""
        total = await self.ledger_sum(user.id)
        self.moves.xp(user.id, user.xp)
        self.learners.absorb(self.session.sync_session)
        values = {**self.learners.pending(user.id), "xp": total}
        await self.session.execute(
            learner_update(tuple(sorted(values))), parameters(user.id, values)
        )
        self.learners.stored(user, user.id, values)

    async def day_counts(self, user_id: int, day: date) -> dict[str, int]:
        """The day's count of XP-earning awards per activity (what the allowance has used)."""
        rows = await self.session.execute(
            select(XpDaily.activity, XpDaily.count).where(
                XpDaily.user_id == user_id, XpDaily.day == day
            )
        )
        return {activity: count for activity, count in rows.all() if count}

    async def rebuild_period_totals(self, user_id: int) -> None:
        """Recompute a learner's weekly and monthly XP from the ledger (after a merge of two
        learners)."""
        await self.session.execute(delete(XpWeekly).where(XpWeekly.user_id == user_id))
        await self.session.execute(delete(XpMonthly).where(XpMonthly.user_id == user_id))
        rows = await self.session.execute(
            select(XpLedger.created_at, XpLedger.amount).where(XpLedger.user_id == user_id)
        )
        weeks: dict[date, int] = {}
        months: dict[date, int] = {}
        for created_at, amount in rows.all():
            week, month = utc_week_start(created_at), utc_month_start(created_at)
            weeks[week] = weeks.get(week, 0) + amount
            months[month] = months.get(month, 0) + amount
        self.session.add_all(
            XpWeekly(user_id=user_id, week_start=week, xp=xp) for week, xp in weeks.items()
        )
        self.session.add_all(
            XpMonthly(user_id=user_id, month_start=month, xp=xp) for month, xp in months.items()
        )

    async def ledger_sum(self, user_id: int) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(XpLedger.amount), 0)).where(XpLedger.user_id == user_id)
        )
        return int(total or 0)

    async def earned_since(
        self,
        user_id: int,
        since: datetime,
        community_id: int | None = None,
        source: str | None = None,
    ) -> int:
        query = select(func.coalesce(func.sum(XpLedger.amount), 0)).where(
            XpLedger.user_id == user_id, XpLedger.created_at >= since
        )
        if source is not None:
            query = query.where(XpLedger.source == source)
        if community_id is not None:
            query = query.where(XpLedger.community_id == community_id)
        return int(await self.session.scalar(query) or 0)


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def log(
        self,
        user_id: int,
        event_type: str,
        now: datetime,
        *,
        context: tuple[str, str] | None = None,
        score: int | None = None,
        meta: dict[str, Any] | None = None,
        community_id: int | None = None,
    ) -> None:
        entry = activity_entry(event_type, context, score, meta)
        row = {"user_id": user_id, "community_id": community_id, "created_at": now}
        await self.session.execute(_LOG_ACTIVITY, {**row, **entry.columns()})

    async def count(
        self,
        user_id: int,
        event_type: str,
        min_score: int | None = None,
        min_questions: int | None = None,
    ) -> int:
        """Logged activities of a type; `min_questions` counts only those whose metadata
        names that many questions or more (quizzes)."""
        query = select(func.count()).where(
            ActivityLog.user_id == user_id, ActivityLog.event_type == event_type
        )
        if min_score is not None:
            query = query.where(ActivityLog.score >= min_score)
        if min_questions is not None:
            query = query.where(ActivityLog.meta["questions"].as_integer() >= min_questions)
        return int(await self.session.scalar(query) or 0)

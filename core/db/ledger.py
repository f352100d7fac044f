"""Repositories for progress: the XP ledger (and weekly XP) and the activity log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from core.db.award_pg import award_statement
from core.db.learner_row import HeldWrites, keep_in_step, learner_update, parameters
from core.db.models import (
    ActivityLog,
    User,
    XpDaily,
    XpLedger,
    XpWeekly,
    table_of,
)
from core.db.upsert import count_up, insert_ignore, insert_or_add

_LOG_ACTIVITY = insert(table_of(ActivityLog))  # a Core INSERT: cheaper than an ORM flush


@dataclass(frozen=True)
class ActivityEntry:
    """An activity to log with the XP it earns (see XpRepository.award)."""

    event_type: str
    context_type: str | None = None
    context_id: str | None = None
    score: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def columns(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "context_type": self.context_type,
            "context_id": self.context_id,
            "score": self.score,
            "metadata": self.meta,
        }


@dataclass(frozen=True)
class Allowance:
    """A daily allowance as the ledger applies it (core.rules.xp.DAILY_CAPS says why).

    The day's `nth` XP-earning award of the activity earns the full amount while nth <=
    `full_until`, `halved_amount` while nth <= `paid_until`, and nothing after."""

    day: date  # the learner's local day
    full_until: int
    paid_until: int
    halved_amount: int

    def amount(self, full_amount: int, nth: int) -> int:
        if nth <= self.full_until:
            return full_amount
        return self.halved_amount if nth <= self.paid_until else 0

    def parameters(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "full_until": self.full_until,
            "paid_until": self.paid_until,
            "halved_amount": self.halved_amount,
        }


@dataclass(frozen=True)
class Awarded:
    """What an award under an allowance came to."""

    xp: int  # the learner's XP after it
    amount: int  # what it earned: the full amount, half of it or 0
    nth: int  # its place among the day's XP-earning awards of the activity


@dataclass(frozen=True)
class _Award:
    """One ledger entry to add, as XpRepository.award received it."""

    user_id: int
    source: str
    reference: str
    amount: int
    now: datetime
    community_id: int | None


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


def utc_week_start(moment: datetime) -> date:
    """The Monday (UTC) of the week containing `moment`: the key of weekly XP."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


class XpRepository:
    def __init__(self, session: AsyncSession, held: HeldWrites) -> None:
        self.session = session
        self.held = held

    async def award(
        self,
        user_id: int,
        source: str,
        reference: str,
        amount: int,
        now: datetime,
        community_id: int | None = None,
        learner_values: Mapping[str, Any] | None = None,
        log: ActivityEntry | None = None,
    ) -> int | None:
        """Add a ledger entry once per (user, source, reference); returns the new xp or None.

        The users.xp column moves in the same statement order as the ledger, so it always
        equals the ledger's sum, also under concurrent awards on PostgreSQL. `learner_values`
        are other columns of the learner's row to store in that same UPDATE, and `log` the
        activity that earned the XP: both only if awarded. On PostgreSQL it is all one
        statement (core.db.award_pg).
        """
        award = _Award(user_id, source, reference[:128], amount, now, community_id)
        awarded = await self._award(award, learner_values, log, None)
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
        learner_values: Mapping[str, Any] | None = None,
        log: ActivityEntry | None = None,
    ) -> Awarded | None:
        """`award`, priced by the day's count of `source` under `allowance`; None if repeated.

        The count is a row per learner, day and activity whose upsert returns this award's
        place (still in the same single statement on PostgreSQL), so awards that run at once,
        in one batch or in concurrent transactions, each get their own place. A repeated
        reference gives its place back."""
        award = _Award(user_id, source, reference[:128], amount, now, community_id)
        awarded = await self._award(award, learner_values, log, allowance)
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
        self,
        award: _Award,
        learner_values: Mapping[str, Any] | None,
        log: ActivityEntry | None,
        allowance: Allowance | None,
    ) -> Awarded | None:
        values = {"updated_at": award.now, **(learner_values or {})}
        if self.session.get_bind().dialect.name == "postgresql":
            awarded = await self._award_in_one_statement(award, values, log, allowance)
        else:
            awarded = await self._award_step_by_step(award, values, log, allowance)
        if awarded is not None:
            user = self.session.identity_map.get(identity_key(User, award.user_id))
            keep_in_step(user, {**values, "xp": awarded.xp})
            self.held.supersede(award.user_id, values)
        return awarded

    async def _award_in_one_statement(
        self,
        award: _Award,
        values: dict[str, Any],
        log: ActivityEntry | None,
        allowance: Allowance | None,
    ) -> Awarded | None:
        statement = award_statement(tuple(sorted(values)), log is not None, allowance is not None)
        arguments = parameters(
            award.user_id,
            values,
            source=award.source,
            reference=award.reference,
            amount=award.amount,
            community_id=award.community_id,
            now=award.now,
            week=utc_week_start(award.now),
            **(log.columns() if log else {}),
            **(allowance.parameters() if allowance else {}),
        )
        row = (await self.session.execute(statement, arguments)).one_or_none()
        if row is None:
            return None
        return Awarded(row[0], row[1], row[2] if allowance else 0)

    async def _award_step_by_step(
        self,
        award: _Award,
        values: dict[str, Any],
        log: ActivityEntry | None,
        allowance: Allowance | None,
    ) -> Awarded | None:
        amount, nth = award.amount, 0
        if allowance is not None:
            nth = await count_up(
                self.session,
                XpDaily,
                {"user_id": award.user_id, "day": allowance.day, "activity": award.source},
                "count",
            )
            amount = allowance.amount(award.amount, nth)
        ledger_row = {
            "user_id": award.user_id,
            "source": award.source,
            "reference": award.reference,
            "amount": amount,
            "community_id": award.community_id,
            "created_at": award.now,
        }
        if not await insert_ignore(
            self.session, XpLedger, ledger_row, ["user_id", "source", "reference"]
        ):
            return None
        if amount:
            await insert_or_add(
                self.session,
                XpWeekly,
                {"user_id": award.user_id, "week_start": utc_week_start(award.now), "xp": amount},
                ["user_id", "week_start"],
                "xp",
            )
        new_xp = await self.session.scalar(
            learner_update(tuple(sorted(values)), add_xp=True),
            parameters(award.user_id, values, amount=amount),
        )
        if log is not None:
            row = {"user_id": award.user_id, "community_id": award.community_id}
            await self.session.execute(
                _LOG_ACTIVITY, {**row, "created_at": award.now, **log.columns()}
            )
        return Awarded(new_xp, amount, nth) if new_xp is not None else None

    async def day_counts(self, user_id: int, day: date) -> dict[str, int]:
        """The day's count of XP-earning awards per activity (what the allowance has used)."""
        rows = await self.session.execute(
            select(XpDaily.activity, XpDaily.count).where(
                XpDaily.user_id == user_id, XpDaily.day == day
            )
        )
        return {activity: count for activity, count in rows.all() if count}

    async def rebuild_weekly(self, user_id: int) -> None:
        """Recompute a learner's weekly XP from the ledger (after a merge of two learners)."""
        await self.session.execute(delete(XpWeekly).where(XpWeekly.user_id == user_id))
        rows = await self.session.execute(
            select(XpLedger.created_at, XpLedger.amount).where(XpLedger.user_id == user_id)
        )
        totals: dict[date, int] = {}
        for created_at, amount in rows.all():
            week = utc_week_start(created_at)
            totals[week] = totals.get(week, 0) + amount
        self.session.add_all(
            XpWeekly(user_id=user_id, week_start=week, xp=xp) for week, xp in totals.items()
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

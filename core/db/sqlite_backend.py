"""SQLite's storage back end (core.db.backend): the award and the claim, write by write.

SQLite has no data-modifying CTEs, and its statements cost no network round trip, so the
award's writes run one by one, each a statement built once and reused (core.db.upsert).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.backend import (
    ActivityEntry,
    Allowance,
    Award,
    Awarded,
    claim_then_preload,
    utc_month_start,
    utc_week_start,
)
from core.db.learner_row import learner_update, parameters
from core.db.models import ActivityLog, XpDaily, XpLedger, XpMonthly, XpWeekly, table_of
from core.db.upsert import count_up, insert_ignore, insert_or_add
from core.messages import UserRef

if TYPE_CHECKING:
    from core.db.repositories import EventRepository, UserRepository

_LOG_ACTIVITY = insert(table_of(ActivityLog))  # a Core INSERT: cheaper than an ORM flush

# Python's sqlite3 opens a transaction only before a write. A SAVEPOINT outside one would
# start a transaction of its own that its RELEASE then commits, outside the batch's; a write
# that matches no row makes sure the batch's transaction is open first. (It takes the write
# lock, which a batch is about to take anyway.)
_OPEN_TRANSACTION = text("DELETE FROM community_bans WHERE 0 = 1")


class SqliteBackend:
    async def award(
        self,
        session: AsyncSession,
        award: Award,
        values: Mapping[str, Any],
        log: ActivityEntry | None,
        allowance: Allowance | None,
    ) -> Awarded | None:
        amount, nth = award.amount, 0
        if allowance is not None:
            nth = await count_up(
                session,
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
            session, XpLedger, ledger_row, ["user_id", "source", "reference"]
        ):
            return None
        if amount:
            await insert_or_add(
                session,
                XpWeekly,
                {"user_id": award.user_id, "week_start": utc_week_start(award.now), "xp": amount},
                ["user_id", "week_start"],
                "xp",
            )
            await insert_or_add(
                session,
                XpMonthly,
                {"user_id": award.user_id, "month_start": utc_month_start(award.now), "xp": amount},
                ["user_id", "month_start"],
                "xp",
            )
        new_xp = await session.scalar(
            learner_update(tuple(sorted(values)), add_xp=True),
            parameters(award.user_id, values, amount=amount),
        )
        if log is not None:
            row = {"user_id": award.user_id, "community_id": award.community_id}
            await session.execute(_LOG_ACTIVITY, {**row, "created_at": award.now, **log.columns()})
        return Awarded(new_xp, amount, nth) if new_xp is not None else None

    async def claim_and_preload(
        self,
        session: AsyncSession,
        events: EventRepository,
        users: UserRepository,
        claims: Sequence[tuple[str, str]],
        learners: Sequence[UserRef],
        now: datetime,
    ) -> list[bool]:
        return await claim_then_preload(events, users, claims, learners, now)

    async def open_transaction(self, session: AsyncSession) -> None:
        await session.execute(_OPEN_TRANSACTION)

"""PostgreSQL's storage back end (core.db.backend): the award and the claim in one statement
each. Every statement is a round trip that costs this process more than the server's work, so
data-modifying CTEs chain the writes (core.db.award_pg, core.db.claim_pg)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.award_pg import award_statement
from core.db.backend import (
    ActivityEntry,
    Allowance,
    Award,
    Awarded,
    claim_then_preload,
    utc_month_start,
    utc_week_start,
)
from core.db.claim_pg import claim_and_resolve_statement
from core.db.claim_pg import parameters as claim_parameters
from core.db.learner_row import parameters
from core.db.repositories import EventRepository, UserRepository, claim_keys, claimed_flags
from core.messages import UserRef


class PostgresBackend:
    async def award(
        self,
        session: AsyncSession,
        award: Award,
        values: Mapping[str, Any],
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
            month=utc_month_start(award.now),
            **(log.columns() if log else {}),
            **(allowance.parameters() if allowance else {}),
        )
        row = (await session.execute(statement, arguments)).one_or_none()
        if row is None:
            return None
        return Awarded(row[0], row[1], row[2] if allowance else 0)

    async def claim_and_preload(
        self,
        session: AsyncSession,
        events: EventRepository,
        users: UserRepository,
        claims: Sequence[tuple[str, str]],
        learners: Sequence[UserRef],
        now: datetime,
    ) -> list[bool]:
        """One statement when the learners share a platform (core.db.claim_pg)."""
        platforms = {str(ref.platform) for ref in learners}
        if len(platforms) != 1 or not claims:
            return await claim_then_preload(events, users, claims, learners, now)
        keys = claim_keys(claims)
        rows = await session.execute(
            claim_and_resolve_statement(),
            claim_parameters(
                list(dict.fromkeys(keys)), now, platforms.pop(), sorted({r.id for r in learners})
            ),
        )
        fresh: set[tuple[str, str]] = set()
        for fresh_platforms, fresh_ids, account, user in rows:
            fresh = set(zip(fresh_platforms or (), fresh_ids or (), strict=True))
            if account is not None and user is not None:
                users.remember(account, user)
        return claimed_flags(keys, fresh)

    async def open_transaction(self, session: AsyncSession) -> None:
        """PostgreSQL's transaction begins with the session's first statement already."""

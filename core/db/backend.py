"""What the storage back ends do differently, behind one interface.

SQLite and PostgreSQL run the same repositories, except where a statement one of them lacks
would save round trips on the other: the XP award (four or five writes, one data-modifying
statement on PostgreSQL) and a batch's first work, claiming its event ids and loading its
learners (one statement on PostgreSQL). Those are a `StorageBackend`, chosen once from the
engine's dialect (core.db.backends.backend_for) by whoever builds the unit-of-work factory;
repositories never ask which database they are on. tests/test_storage_backends.py is the
contract both implementations pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from core.messages import UserRef

if TYPE_CHECKING:
    from core.db.repositories import EventRepository, UserRepository


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
class Award:
    """One ledger entry to add, once per (user_id, source, reference)."""

    user_id: int
    source: str
    reference: str
    amount: int
    now: datetime
    community_id: int | None = None


@dataclass(frozen=True)
class Awarded:
    """What an award came to."""

    xp: int  # the learner's XP after it
    amount: int  # what it earned: the full amount, half of it (an allowance) or 0
    nth: int  # its place among the day's XP-earning awards of the activity (0: no allowance)


def utc_week_start(moment: datetime) -> date:
    """The Monday (UTC) of the week containing `moment`: the key of weekly XP."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def utc_month_start(moment: datetime) -> date:
    """The first day (UTC) of the month containing `moment`: the key of monthly XP."""
    return moment.astimezone(UTC).date().replace(day=1)


class StorageBackend(Protocol):
    async def award(
        self,
        session: AsyncSession,
        award: Award,
        values: Mapping[str, Any],
        log: ActivityEntry | None,
        allowance: Allowance | None,
    ) -> Awarded | None:
        """Add the ledger entry unless its (user, source, reference) is there already (then
        None, and nothing else changes); if added, add its amount to the week's and the month's XP
        and to
        the learner's xp, set `values` on the learner's row in that same UPDATE and log
        `log`. Under `allowance` the amount is priced by the day's count of the source,
        which counts up even for a repeat (the caller gives it back)."""
        ...

    async def claim_and_preload(
        self,
        session: AsyncSession,
        events: EventRepository,
        users: UserRepository,
        claims: Sequence[tuple[str, str]],
        learners: Sequence[UserRef],
        now: datetime,
    ) -> list[bool]:
        """Claim (platform, event id) pairs, returning per pair whether it was new (an id
        repeated among them is new once), and have `users` remember the learners that are
        known already, so resolving them costs no further query."""
        ...

    async def open_transaction(self, session: AsyncSession) -> None:
        """Make sure the session's transaction has begun on the server before a SAVEPOINT."""
        ...


async def claim_then_preload(
    events: EventRepository,
    users: UserRepository,
    claims: Sequence[tuple[str, str]],
    learners: Sequence[UserRef],
    now: datetime,
) -> list[bool]:
    """`claim_and_preload` as two statements: the claim, then the learners (one learner is
    left to `UserRepository.ensure`, whose statement is simpler)."""
    claimed = await events.claim_many(claims, now)
    if len(learners) > 1:
        await users.preload(learners)
    return claimed

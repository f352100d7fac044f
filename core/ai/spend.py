"""The month's AI spend: reserved before a model call, settled after it, in one row per identity.

Checking the budget before a call and charging after it lets concurrent calls all pass the
same check. Here a call first adds its worst case to `reserved` with one statement that only
succeeds while `spent + reserved` stays within the limit (an upsert whose update has a WHERE),
so the database decides, one writer at a time per row: PostgreSQL re-checks the condition on
the row it waited for, SQLite has one writer. That holds across processes too. Settling moves
the reservation into `spent` at the real cost.

Rows are keyed by a one-way hash of a platform identity (core.ai.spend_key), not by user id,
so the spend outlives `/forget`: the row holds the hash, the month and the amounts, nothing
else. A linked learner spends under the smallest of their accounts' hashes; a merge folds the
rows together (`SpendStore.fold_on_merge`), and `/forget` copies the month's total to each of
the learner's other accounts (`SpendStore.keep_on_forget`), so no account comes back with a fresh month.

These functions work inside a caller's session and do not commit: the gateway runs reserve and
settle in their own short transactions, a merge or a forget inside its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, Update, bindparam, case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.ai.spend_key import identity_key, learner_key
from core.db.models import AiBudget, AiSpend, PlatformAccount, table_of
from core.db.repository import Repository
from core.db.upsert import dialect_insert

MICROS = Decimal(1_000_000)
_SPEND = table_of(AiSpend)


def to_micros(amount: Decimal) -> int:
    """Dollars to whole millionths, rounded up: a reservation never falls short."""
    return int((amount * MICROS).to_integral_value(rounding=ROUND_CEILING))


def to_dollars(micros: int) -> Decimal:
    return Decimal(micros) / MICROS


def month_of(moment: datetime) -> date:
    """The first day of `moment`'s month in UTC: the budget's period."""
    moment = moment.astimezone(UTC)
    return date(moment.year, moment.month, 1)


@dataclass(frozen=True)
class Spend:
    spent_micros: int = 0
    reserved_micros: int = 0

    @property
    def spent(self) -> Decimal:
        return to_dollars(self.spent_micros)

    @property
    def reserved(self) -> Decimal:
        return to_dollars(self.reserved_micros)


@dataclass(frozen=True)
class Reservation:
    """A call's claim on the budget, to be settled exactly once."""

    identity_hash: str
    month: date
    micros: int
    # The account the call was made from, to find the learner's row again after a merge.
    account: tuple[str, str]


_FELLOW = aliased(PlatformAccount)


def _owner_and_accounts(account: tuple[str, str]) -> Select[int, str, str]:
    """The learner who owns `account` and all their accounts. On PostgreSQL the account rows
    are share-locked, so a merge that re-points them waits for this short transaction, and
    one that already did is seen (the spend row it folded into is the one found)."""
    platform, platform_user_id = account
    return (
        select(PlatformAccount.user_id, _FELLOW.platform, _FELLOW.platform_user_id)
        .join(_FELLOW, _FELLOW.user_id == PlatformAccount.user_id)
        .where(
            PlatformAccount.platform == platform,
            PlatformAccount.platform_user_id == platform_user_id,
        )
        .with_for_update(read=True)
    )


async def owner_and_key(session: AsyncSession, account: tuple[str, str]) -> tuple[int | None, str]:
    """Who owns `account` now and the key their spend is kept under; an account that is gone
    (forgotten) keeps its own hash, where `/forget` left the month's spend."""
    rows = (await session.execute(_owner_and_accounts(account))).all()
    if not rows:
        return None, identity_key(*account)
    key = learner_key((platform, user_id) for _, platform, user_id in rows)
    assert key is not None
    return int(rows[0][0]), key


async def key_of_user(session: AsyncSession, user_id: int) -> str | None:
    rows = await session.execute(
        select(PlatformAccount.platform, PlatformAccount.platform_user_id).where(
            PlatformAccount.user_id == user_id
        )
    )
    return learner_key((platform, platform_user_id) for platform, platform_user_id in rows)


async def read(session: AsyncSession, identity_hash: str, month: date) -> Spend:
    row = (
        await session.execute(
            select(_SPEND.c.spent_micros, _SPEND.c.reserved_micros).where(
                _SPEND.c.identity_hash == identity_hash, _SPEND.c.month == month
            )
        )
    ).first()
    return Spend(int(row[0]), int(row[1])) if row else Spend()


@cache
def _reserve_statement(dialect: str) -> Any:
    insert = dialect_insert(dialect, _SPEND).values(
        identity_hash=bindparam("b_key"),
        month=bindparam("b_month"),
        spent_micros=0,
        reserved_micros=bindparam("b_micros"),
    )
    added = _SPEND.c.reserved_micros + insert.excluded.reserved_micros
    return insert.on_conflict_do_update(
        index_elements=["identity_hash", "month"],
        set_={"reserved_micros": added},
        where=_SPEND.c.spent_micros + added <= bindparam("limit"),
    )


async def reserve(
    session: AsyncSession, identity_hash: str, month: date, micros: int, limit_micros: int
) -> bool:
    """Add `micros` to the month's reservations if spent + reserved stays within the limit;
    False (and nothing written) otherwise. One statement: the check and the write are one."""
    if micros > limit_micros:  # a new row takes the insert branch, which has no condition
        return False
    result = await session.execute(
        _reserve_statement(_dialect(session)),
        {"b_key": identity_hash, "b_month": month, "b_micros": micros, "limit": limit_micros},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _settle_statement() -> Update:
    released = _SPEND.c.reserved_micros - bindparam("reserved")
    return (
        update(_SPEND)
        .where(_SPEND.c.identity_hash == bindparam("b_key"), _SPEND.c.month == bindparam("b_month"))
        .values(
            reserved_micros=case((released > 0, released), else_=0),
            spent_micros=_SPEND.c.spent_micros + bindparam("spent"),
        )
    )


_SETTLE = _settle_statement()


@cache
def _add_statement(dialect: str) -> Any:
    insert = dialect_insert(dialect, _SPEND)
    return insert.on_conflict_do_update(
        index_elements=["identity_hash", "month"],
        set_={
            "spent_micros": _SPEND.c.spent_micros + insert.excluded.spent_micros,
            "reserved_micros": _SPEND.c.reserved_micros + insert.excluded.reserved_micros,
        },
    )


async def _add(
    session: AsyncSession, identity_hash: str, month: date, spent: int, reserved: int = 0
) -> None:
    await session.execute(
        _add_statement(_dialect(session)),
        {
            "identity_hash": identity_hash,
            "month": month,
            "spent_micros": spent,
            "reserved_micros": reserved,
        },
    )


async def settle(session: AsyncSession, reservation: Reservation, spent_micros: int) -> int | None:
    """Release `reservation` and charge what the call really cost; returns the learner who owns
    the calling account now (None if it was forgotten meanwhile), for the usage log.

    If a merge folded the reserved row into another while the call ran, the reservation went
    with it, so it is settled on the learner's row as it is now."""
    owner, current = await owner_and_key(session, reservation.account)
    values = {"reserved": reservation.micros, "spent": spent_micros, "b_month": reservation.month}
    for key in dict.fromkeys((reservation.identity_hash, current)):
        result = await session.execute(_SETTLE, {**values, "b_key": key})
        if result.rowcount:  # type: ignore[attr-defined]
            return owner
    await _add(session, current, reservation.month, spent_micros)
    return owner


def _keys(accounts: Iterable[PlatformAccount]) -> list[str]:
    return sorted(
        {identity_key(account.platform, account.platform_user_id) for account in accounts}
    )


@cache
def _at_least_statement(dialect: str) -> Any:
    insert = dialect_insert(dialect, _SPEND)
    raised = case(
        (_SPEND.c.spent_micros < insert.excluded.spent_micros, insert.excluded.spent_micros),
        else_=_SPEND.c.spent_micros,
    )
    return insert.on_conflict_do_update(
        index_elements=["identity_hash", "month"], set_={"spent_micros": raised}
    )


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


class SpendStore(Repository):
    """The spend and budget rows as a unit of work's repository (`uow.repository(SpendStore)`):
    what the gateway, a /link merge and /forget read and write of them, so none of them holds
    the session itself."""

    async def budget_of(self, user_id: int) -> AiBudget | None:
        return await self.session.get(AiBudget, user_id)

    async def spend_of_user(self, user_id: int, month: date) -> Spend:
        key = await key_of_user(self.session, user_id)
        return Spend() if key is None else await read(self.session, key, month)

    async def owner_and_key(self, account: tuple[str, str]) -> tuple[int | None, str]:
        return await owner_and_key(self.session, account)

    async def reserve(
        self, identity_hash: str, month: date, micros: int, limit_micros: int
    ) -> bool:
        return await reserve(self.session, identity_hash, month, micros, limit_micros)

    async def fold_on_merge(
        self,
        source_accounts: Sequence[PlatformAccount],
        target_accounts: Sequence[PlatformAccount],
    ) -> None:
        """Two learners become one: every month's spend and reservations of all their accounts are
        added up under the merged learner's key (the smallest hash), and the other rows go.

        Call it after the accounts are re-pointed (core.features.link.merge_learners), so a
        concurrent reservation, which share-locks the account rows first, never waits on this in
        the opposite order. Taking the rows is one DELETE ... RETURNING, so nothing reserved
        between reading and removing them is lost."""
        keys = _keys([*source_accounts, *target_accounts])
        if len(keys) < 2:
            return
        merged, others = keys[0], keys[1:]
        taken = await self.session.execute(
            delete(_SPEND)
            .where(_SPEND.c.identity_hash.in_(others))
            .returning(_SPEND.c.month, _SPEND.c.spent_micros, _SPEND.c.reserved_micros)
        )
        for month, spent, reserved in sorted(taken.all()):
            await _add(self.session, merged, month, int(spent), int(reserved))

    async def keep_on_forget(self, accounts: Sequence[PlatformAccount], now: datetime) -> None:
        """Before a linked learner's accounts are deleted: each account's own hash gets at least
        the month's spend (reservations in flight counted as spent), so whichever platform they
        come back on, the month starts from what was already spent. A single account needs
        nothing: its hash is already the key."""
        keys = _keys(accounts)
        if len(keys) < 2:
            return
        month = month_of(now)
        spend = await read(self.session, keys[0], month)
        total = spend.spent_micros + spend.reserved_micros
        if not total:
            return
        statement = _at_least_statement(_dialect(self.session))
        for key in keys[1:]:
            await self.session.execute(
                statement,
                {"identity_hash": key, "month": month, "spent_micros": total, "reserved_micros": 0},
            )

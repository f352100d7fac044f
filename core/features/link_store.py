"""What /link reads and writes (core.features.link): one-time codes, and the merge of one
learner's rows into another's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table, and_, delete, exists, select, update
from sqlalchemy.sql.schema import PrimaryKeyConstraint, UniqueConstraint

from core.db.models import Base, LinkCode, PlatformAccount
from core.db.repository import Repository

# Not re-pointed row by row: the learner and account rows themselves; weekly and monthly XP
# are rebuilt.
_SKIP_TABLES = {"users", "platform_accounts", "xp_weekly", "xp_monthly"}


def _unique_keys(table: Table) -> list[list[str]]:
    keys = [
        [column.name for column in constraint.columns]
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint)
    ]
    keys += [[column.name for column in index.columns] for index in table.indexes if index.unique]
    return [key for key in keys if "user_id" in key]


def learner_tables() -> list[Table]:
    """The tables whose rows belong to a learner and move with a merge, in dependency order."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name not in _SKIP_TABLES and "user_id" in table.c
    ]


class LinkStore(Repository):
    async def code(self, raw: str) -> LinkCode | None:
        return await self.session.get(LinkCode, raw)

    async def drop_unused_codes(self, user_id: int) -> None:
        """A new code replaces the learner's unused ones."""
        await self.session.execute(
            delete(LinkCode).where(LinkCode.user_id == user_id, LinkCode.used_at.is_(None))
        )

    def add_code(self, raw: str, user_id: int, expires_at: datetime) -> None:
        self.session.add(LinkCode(code=raw, user_id=user_id, expires_at=expires_at))

    async def take_code(self, raw: str, now: datetime) -> bool:
        """Mark an unused code used; False if it was used already (two taps, two platforms):
        the guarded UPDATE lets exactly one of them through."""
        taken = await self.session.execute(
            update(LinkCode)
            .where(LinkCode.code == raw, LinkCode.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(taken.rowcount)  # type: ignore[attr-defined]

    async def move_accounts(self, accounts: Sequence[PlatformAccount], user_id: int) -> None:
        """Give the accounts to another learner, written at once (what follows reads them)."""
        for account in accounts:
            account.user_id = user_id
        await self.session.flush()

    async def repoint(self, table: Table, source: int, target: int) -> None:
        """Move `source`'s rows of `table` to `target`; where a unique key would collide, the
        target's row is kept and the source's dropped, so nothing counts twice."""
        for key in _unique_keys(table):
            twin = table.alias("twin")
            same = [twin.c[name] == table.c[name] for name in key if name != "user_id"]
            clash = exists(select(1).select_from(twin).where(and_(twin.c.user_id == target, *same)))
            await self.session.execute(
                delete(table).where(table.c.user_id == source, clash.correlate(table))
            )
        await self.session.execute(
            update(table).where(table.c.user_id == source).values(user_id=target)
        )

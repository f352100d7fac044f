"""INSERT ... ON CONFLICT DO NOTHING for both backends: the basis of every idempotent write.

These run on every platform event (claiming its id, recording membership, the XP ledger), so
each statement is built once per dialect and shape and then reused with fresh parameters:
building and cache-keying a statement costs SQLAlchemy more than SQLite takes to run it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def _module(session: AsyncSession) -> Any:
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def dialect_insert(dialect: str, table: Table) -> Any:
    """An INSERT with the dialect's ON CONFLICT clauses available."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


@cache
def _ignore_statement(module: Any, table: Table, conflict: tuple[str, ...]) -> Insert:
    # The table, not the mapped class: a plain Core insert, so rowcount tells inserted from not.
    return module.insert(table).on_conflict_do_nothing(index_elements=list(conflict))  # type: ignore[no-any-return]


@cache
def _add_statement(module: Any, table: Table, conflict: tuple[str, ...], column: str) -> Insert:
    statement = module.insert(table)
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(conflict),
        set_={column: table.c[column] + statement.excluded[column]},
    )


@cache
def _count_statement(module: Any, table: Table, column: str) -> Insert:
    statement = module.insert(table)
    keys = [key.name for key in table.primary_key.columns]
    counting = statement.on_conflict_do_update(
        index_elements=keys, set_={column: table.c[column] + 1}
    )
    return counting.returning(table.c[column])  # type: ignore[no-any-return]


async def count_up(
    session: AsyncSession, model: type[Any], key: dict[str, Any], column: str
) -> int:
    """Add one to a counter row keyed by its primary key (1 when new); returns the count."""
    statement = _count_statement(_module(session), model.__table__, column)
    count = await session.scalar(statement, {**key, column: 1})
    return int(count)


async def insert_ignore(
    session: AsyncSession, model: type[Any], values: dict[str, Any], conflict: list[str]
) -> bool:
    """Insert a row unless one with the same `conflict` columns exists; True if inserted."""
    statement = _ignore_statement(_module(session), model.__table__, tuple(conflict))
    result = await session.execute(statement, values)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def insert_or_add(
    session: AsyncSession,
    model: type[Any],
    values: dict[str, Any],
    conflict: list[str],
    column: str,
) -> None:
    """Insert a row, or add `values[column]` to the existing row's column (a counter upsert)."""
    statement = _add_statement(_module(session), model.__table__, tuple(conflict), column)
    await session.execute(statement, values)

"""INSERT ... ON CONFLICT DO NOTHING for both backends: the basis of every idempotent write."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignore(
    session: AsyncSession, model: type[Any], values: dict[str, Any], conflict: list[str]
) -> bool:
    """Insert a row unless one with the same `conflict` columns exists; True if inserted."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def insert_or_add(
    session: AsyncSession,
    model: type[Any],
    values: dict[str, Any],
    conflict: list[str],
    column: str,
) -> None:
    """Insert a row, or add `values[column]` to the existing row's column (a counter upsert)."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=conflict,
        set_={column: getattr(model, column) + statement.excluded[column]},
    )
    await session.execute(statement)

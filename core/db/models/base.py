"""The declarative base and the column types every table shares. Times are stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    Table,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase

# Integer keys that are BIGINT on PostgreSQL and rowid aliases on SQLite.
BigId = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}  # noqa: RUF012


def _fk(table: str) -> Any:
    return ForeignKey(f"{table}.id", ondelete="CASCADE")


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, for Core statements on the hot path: SQLAlchemy runs a statement
    on a table in well under half the time of the same statement on the mapped class."""
    table = model.__table__
    assert isinstance(table, Table)
    return table

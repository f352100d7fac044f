"""The one place that asks which database Dojo runs on (see core.db.backend)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.backend import StorageBackend
from core.db.postgres_backend import PostgresBackend
from core.db.sqlite_backend import SqliteBackend


def backend_for(engine: AsyncEngine) -> StorageBackend:
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return PostgresBackend()
    if dialect == "sqlite":
        return SqliteBackend()
    raise ValueError(f"Dojo runs on SQLite or PostgreSQL, not {dialect}")

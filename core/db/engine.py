"""Engine construction: SQLite tuned for an embedded bot, PostgreSQL pooled for production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from core.db.sqlite_driver import connector

SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of an SQLite file so a first start needs no preparation."""
    database = make_url(url).database
    if is_sqlite(url) and database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Every commit reaches the disk before its answer goes out: an acknowledged platform update
    # is never redelivered, so work lost to a power cut would be lost for good. Group commit
    # (core.batching) shares that fsync among the events that arrive together.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if is_sqlite(url):
        ensure_sqlite_directory(url)
        database = make_url(url).database
        in_memory = database in (None, "", ":memory:")
        options: dict[str, Any] = {
            "async_creator": connector(database or ":memory:", SQLITE_BUSY_TIMEOUT_MS / 1000),
        }
        if in_memory:
            options["poolclass"] = StaticPool
        engine = create_async_engine(url, echo=echo, **options)
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_recycle=1800,
    )

"""Engine construction: SQLite tuned for an embedded bot, PostgreSQL pooled for production."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

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
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=10,
        max_overflow=20,
        pool_recycle=1800,
    )
    event.listen(engine.sync_engine, "checkin", _note_checkin)
    event.listen(engine.sync_engine, "checkout", _ping_when_idle(engine.dialect))
    return engine


# A pooled connection unused for longer than this is pinged before it is handed out. Pinging
# every checkout (SQLAlchemy's pool_pre_ping) costs asyncpg three round trips (BEGIN, a query,
# ROLLBACK) per transaction, about 5% of events/s on the core benchmark, where connections
# come back within milliseconds. Connections die while idle (a PostgreSQL restart at night);
# one that dies under load fails its first statement, SQLAlchemy renews the pool, and the
# router runs the event again (Router._handle_alone).
PING_AFTER_IDLE_SECONDS = 2.0


def _note_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_when_idle(dialect: Dialect) -> Callable[[Any, ConnectionPoolEntry, Any], None]:
    def checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        checked_in = record.info.get("checked_in")
        if checked_in is None or time.monotonic() - checked_in < PING_AFTER_IDLE_SECONDS:
            return  # a new connection, or one in use moments ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool replaces it and checks out another
            raise DisconnectionError(f"idle database connection is gone: {error}") from error

    return checkout

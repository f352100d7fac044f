"""The SQLite driver: statements in place, same results as aiosqlite, waits on its thread."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.db import sqlite_driver
from core.db.engine import create_engine
from core.db.sqlite_driver import PrefetchingConnection


async def test_statements_rowcounts_and_errors_through_sqlalchemy(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/d.db")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            await connection.execute(
                text("INSERT INTO t (v) VALUES (:v)"), [{"v": f"x{n}"} for n in range(5)]
            )
            ignored = await connection.execute(
                text("INSERT INTO t (v) VALUES ('x1') ON CONFLICT DO NOTHING")
            )
            assert ignored.rowcount == 0
            inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('y')"))
            assert inserted.rowcount == 1 and inserted.lastrowid == 6
            rows = (await connection.execute(text("SELECT v FROM t ORDER BY id"))).all()
            assert [row.v for row in rows] == ["x0", "x1", "x2", "x3", "x4", "y"]
            returned = await connection.execute(
                text("UPDATE t SET v = v || '!' WHERE id <= 2 RETURNING id")
            )
            assert sorted(row.id for row in returned) == [1, 2]
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t (v) VALUES ('y')"))
        async with engine.connect() as connection:
            count = await connection.scalar(text("SELECT count(*) FROM t"))
            journal = await connection.scalar(text("PRAGMA journal_mode"))
        assert (count, journal) == (6, "wal")
    finally:
        await engine.dispose()


async def test_statements_run_in_place_and_commits_on_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statements cost no thread hand-over; a commit's fsync runs on the thread, one hand-over
    per transaction, so the loop keeps working while the disk syncs."""
    hops: list[str] = []
    original = PrefetchingConnection._execute

    async def counted(
        self: PrefetchingConnection, fn: object, *args: object, **kwargs: object
    ) -> object:
        hops.append(getattr(fn, "__name__", "call"))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(PrefetchingConnection, "_execute", counted)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/h.db")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))  # connecting opens on the thread
            hops.clear()
            for _ in range(10):
                assert (await connection.execute(text("SELECT 1, 2"))).all() == [(1, 2)]
            await connection.commit()
            assert hops == []  # aiosqlite alone: four thread hand-overs per statement
            await connection.execute(text("CREATE TABLE t (v TEXT)"))
            await connection.execute(text("INSERT INTO t VALUES ('x')"))
            assert hops == []
            await connection.commit()
            assert hops == ["_commit"]  # no busy-timeout toggling around it
    finally:
        await engine.dispose()


async def test_a_commit_told_busy_is_retried_with_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WAL commits do not wait on other processes, but should SQLite say busy anyway the
    transaction is still pending, and it is committed on the thread with the busy timeout."""
    real_commit = sqlite_driver._commit
    refusals = [sqlite3.OperationalError("database is locked")]

    def busy_once(connection: sqlite3.Connection) -> object:
        if refusals:
            raise refusals.pop()
        return real_commit(connection)

    monkeypatch.setattr(sqlite_driver, "_commit", busy_once)
    path = tmp_path / "busy.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        waited = PrefetchingConnection.waited
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (v TEXT)"))
            await connection.execute(text("INSERT INTO t VALUES ('kept')"))
        assert refusals == [] and PrefetchingConnection.waited == waited + 1
    finally:
        await engine.dispose()
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT v FROM t").fetchall() == [("kept",)]


async def test_a_locked_database_is_waited_for_on_the_thread(tmp_path: Path) -> None:
    """Another process holding the write lock: the write waits with the busy timeout, on the
    worker thread, and the event loop keeps running meanwhile."""
    path = tmp_path / "locked.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (v TEXT)"))
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES ('theirs')")
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
        waited = PrefetchingConnection.waited
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES ('ours')"))
        ticker.cancel()
        assert PrefetchingConnection.waited > waited
        assert ticks >= 10, "the loop was blocked while the database was locked"
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT v FROM t ORDER BY v"))).all()
        assert [row.v for row in rows] == ["ours", "theirs"]
        other.close()
    finally:
        await engine.dispose()

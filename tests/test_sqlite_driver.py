"""The SQLite driver: statements in place, same results as aiosqlite, waits on its thread."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import engine as engine_module
from core.db.engine import create_engine
from core.db.sqlite_driver import PrefetchingConnection
from core.db.write_gate import WriteGate


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


def _count_hand_overs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of aiosqlite's public calls that run on its thread, as they are made."""
    hops: list[str] = []
    for name in ("commit", "execute", "executemany"):
        original = getattr(aiosqlite.Connection, name)

        def counted(*args: Any, _name: str = name, _original: Any = original) -> Any:
            hops.append(_name)
            return _original(*args)

        monkeypatch.setattr(aiosqlite.Connection, name, counted)
    return hops


async def test_statements_run_in_place_and_commits_on_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claims 1 and 2: statements cost no thread hand-over (the loop runs nothing else
    meanwhile); a commit's fsync runs on the thread, one hand-over per transaction, and a
    connection that only read commits nothing."""
    hops = _count_hand_overs(monkeypatch)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/h.db")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))  # connecting opens on the thread
            hops.clear()
            others_ran: list[bool] = []
            other = asyncio.get_running_loop().call_soon(others_ran.append, True)
            for _ in range(10):
                assert (await connection.execute(text("SELECT 1, 2"))).all() == [(1, 2)]
            assert others_ran == [], "a statement gave the loop away"
            other.cancel()
            await connection.commit()
            assert hops == []  # aiosqlite alone: four thread hand-overs per statement
            await connection.execute(text("CREATE TABLE t (v TEXT)"))
            await connection.execute(text("INSERT INTO t VALUES ('x')"))
            assert hops == []
            await connection.commit()
            assert hops == ["commit"]  # no busy-timeout toggling around it
    finally:
        await engine.dispose()


async def test_a_commit_told_busy_is_retried_with_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claim 3, for commits: WAL commits do not wait on other processes, but should SQLite say
    busy anyway the transaction is still pending, and it is committed on the thread with the
    busy timeout."""
    real_commit = aiosqlite.Connection.commit
    refusals = [sqlite3.OperationalError("database is locked")]

    async def busy_once(connection: aiosqlite.Connection) -> None:
        if refusals:
            raise refusals.pop()
        await real_commit(connection)

    monkeypatch.setattr(aiosqlite.Connection, "commit", busy_once)
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
    """Claim 3: another process holding the write lock: the write waits with the busy timeout,
    on the worker thread, and the event loop keeps running meanwhile."""
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


@pytest.fixture
async def table(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/meet.db")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (v TEXT)"))
        await connection.execute(text("INSERT INTO t VALUES ('before')"))
    yield engine
    await engine.dispose()


async def _ticking() -> tuple[asyncio.Task[None], list[int]]:
    ticks = [0]

    async def tick() -> None:
        while True:
            await asyncio.sleep(0.01)
            ticks[0] += 1

    return asyncio.create_task(tick()), ticks


async def test_a_write_outside_the_gate_waits_for_a_gated_transaction_to_commit(
    table: AsyncEngine,
) -> None:
    """Claim 4: in one process, a write that does not take the write gate meets a gated
    transaction that has written: it waits on the thread (the loop keeps running) until that
    transaction commits, then goes through."""
    gate = WriteGate()
    async with gate.hold(), table.connect() as gated:
        await gated.execute(text("INSERT INTO t VALUES ('gated')"))  # the write lock is held
        ticker, ticks = await _ticking()
        asyncio.get_running_loop().call_later(0.3, asyncio.ensure_future, gated.commit())
        waited, started = PrefetchingConnection.waited, time.perf_counter()
        async with table.begin() as outside:  # a poll link, a scheduled job
            await outside.execute(text("INSERT INTO t VALUES ('outside')"))
        held_for = time.perf_counter() - started
        ticker.cancel()
    assert PrefetchingConnection.waited == waited + 1
    assert held_for >= 0.25 and ticks[0] >= 10, (held_for, ticks)
    async with table.connect() as connection:
        rows = (await connection.execute(text("SELECT v FROM t ORDER BY rowid"))).all()
    assert [row.v for row in rows] == ["before", "gated", "outside"]


async def test_past_the_busy_timeout_the_waiting_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claim 4's limit: a writer held up longer than the busy timeout is told the database
    is locked (and wrote nothing)."""
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/slow.db")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (v TEXT)"))
        async with engine.connect() as holder:
            await holder.execute(text("INSERT INTO t VALUES ('held')"))
            started = time.perf_counter()
            with pytest.raises(OperationalError, match="locked"):
                async with engine.begin() as late:
                    await late.execute(text("INSERT INTO t VALUES ('late')"))
            assert 0.15 <= time.perf_counter() - started < 2
            await holder.commit()
        async with engine.connect() as connection:
            assert (await connection.scalar(text("SELECT group_concat(v) FROM t"))) == "held"
    finally:
        await engine.dispose()


async def test_the_write_gate_lets_one_writer_in_at_a_time(table: AsyncEngine) -> None:
    """Claim 4's other half: writers that take the gate never find the file locked; each
    starts writing once the one before has committed."""
    gate = WriteGate()
    spans: list[tuple[float, float]] = []

    async def write(value: str) -> None:
        async with gate.hold(), table.begin() as connection:
            started = time.perf_counter()
            await connection.execute(text("INSERT INTO t VALUES (:v)"), {"v": value})
            await asyncio.sleep(0.05)  # the transaction stays open a while
        spans.append((started, time.perf_counter()))

    waited = PrefetchingConnection.waited
    await asyncio.gather(*(write(f"w{n}") for n in range(4)))
    assert PrefetchingConnection.waited == waited, "a gated writer met another"
    spans.sort()
    assert all(end <= after for (_, end), (after, _) in itertools.pairwise(spans))


async def test_readers_do_not_wait_for_an_open_write(
    table: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claim 5: with another connection holding the write lock, a read runs in place at once
    (no waiting, no hand-over) and sees only what was committed."""
    async with table.connect() as writer:
        await writer.execute(text("INSERT INTO t VALUES ('uncommitted')"))
        async with table.connect() as reader:
            await reader.execute(text("SELECT 1"))  # connected
            hops = _count_hand_overs(monkeypatch)
            waited, started = PrefetchingConnection.waited, time.perf_counter()
            rows = (await reader.execute(text("SELECT v FROM t"))).all()
            assert time.perf_counter() - started < 0.1
            assert (hops, PrefetchingConnection.waited) == ([], waited)
        assert [row.v for row in rows] == ["before"]
        await writer.rollback()

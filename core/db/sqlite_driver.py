"""aiosqlite, with statements run in place unless the database is locked.

aiosqlite runs every sqlite3 call on its worker thread and hands each result back to the event
loop; SQLAlchemy's adapter makes four such calls per statement (create cursor, execute, fetch,
close). Each hand-over costs 100-200 µs of thread wake-ups, while SQLite answers an indexed
query in a few µs. So a statement's execute, fetch and close run together, in place on the
event loop, and the rows wait in the cursor. Commits go the other way, to aiosqlite's thread:
a commit is an fsync (0.2-0.5 ms on this VM, milliseconds on many disks) that would otherwise
stop the loop. On the core benchmark the saturated rate is about the same either way, and a
lone commit loop is slower (each commit pays a hand-over); what is gained is a loop that keeps
serving the network while the disk syncs. Group commit makes it one commit per batch.

What this promises (tests/test_sqlite_driver.py tests each):
1. A statement runs in place, with no hand-over; so a slow query (a community board over
   100k learners, ~20 ms) holds the loop that long.
2. A commit runs on aiosqlite's thread, one hand-over per transaction; a connection that only
   read has nothing to commit and hands nothing over.
3. Nothing waits on the loop: the busy timeout is zero there. A statement that finds the
   database locked fails at once with SQLITE_BUSY, having done nothing, and runs again on the
   thread with the real busy timeout (`busy_timeout_ms`), where waiting blocks no one. A
   commit told busy is retried the same way.
4. Writers in one process do meet. The write gate (core.db.write_gate) queues the router's
   transactions and the AI gateway's writes, so those never find the file locked by each
   other; but a write outside the gate (a scheduled job, an adapter's poll link, the admin
   CLI) finds it locked while a gated transaction has written and not committed, and waits as
   in 3 until that commit: a poll-link write once waited 436 ms behind a router batch. Past the
   busy timeout it fails with "database is locked".
5. Readers do not wait (WAL): a read while another connection holds the write lock runs in
   place at once and sees what was last committed.

Only aiosqlite's public API is used, with two exceptions, both forced by SQLAlchemy. The
connection is a subclass of `aiosqlite.Connection`, not a wrapper: SQLAlchemy's aiosqlite
adapter reads private members of the connection it is given (`_connection`, `_conn`, `_tx`), so
only a real one will do. And its worker thread is made a daemon (`_thread.daemon`), as
SQLAlchemy's own aiosqlite connect does, for want of a public switch: a connection nobody
closed must not keep the process from exiting. The sqlite3 connection the statements run on
in place is the one this module's connector opened, kept by reference, not aiosqlite's; work
on the thread goes through its public `commit`, `execute` and `executemany`.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

Row = tuple[Any, ...]
_Outcome = tuple[Any, int, int | None, list[Row]]


class PrefetchingCursor:
    """The slice of aiosqlite's Cursor that SQLAlchemy uses, with results fetched up front."""

    def __init__(self, connection: PrefetchingConnection) -> None:
        self._connection = connection
        self._rows: deque[Row] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> PrefetchingCursor:
        self._take(await self._connection.run(sql, parameters if parameters else ()))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> PrefetchingCursor:
        self._take(await self._connection.run(sql, list(parameters), many=True))
        return self

    def _take(self, outcome: _Outcome) -> None:
        self.description, self.rowcount, self.lastrowid, rows = outcome
        self._rows = deque(rows)

    async def fetchone(self) -> Row | None:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Row]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()

    async def __aenter__(self) -> PrefetchingCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _execute(connection: sqlite3.Connection, sql: str, parameters: Sequence[Any]) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _execute_many(
    connection: sqlite3.Connection, sql: str, parameters: list[Sequence[Any]]
) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(sql, parameters)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


class _CursorOpener:
    """What `Connection.cursor()` returns: awaitable, and usable with `async with`."""

    def __init__(self, connection: PrefetchingConnection) -> None:
        self._cursor = PrefetchingCursor(connection)

    def __await__(self) -> Any:
        return self.__aenter__().__await__()

    async def __aenter__(self) -> PrefetchingCursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in _BUSY_CODES or "locked" in str(error)


_BUSY_CODES = {5, 261, 517}  # SQLITE_BUSY, SQLITE_BUSY_RECOVERY, SQLITE_BUSY_SNAPSHOT


class PrefetchingConnection(aiosqlite.Connection):
    # How long a statement that found the database locked may wait, on the worker thread.
    busy_timeout_ms = 10_000
    in_place = 0
    waited = 0

    def __init__(self, database: str, busy_timeout_ms: int) -> None:
        opened: list[sqlite3.Connection] = []

        def connect() -> sqlite3.Connection:
            # No waiting in place: a locked database is retried on the thread (see `run`).
            connection = sqlite3.connect(database, timeout=0, check_same_thread=False)
            opened.append(connection)
            return connection

        super().__init__(connect, iter_chunk_size=64)
        self._opened = opened
        self.busy_timeout_ms = busy_timeout_ms

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection this driver opened (on aiosqlite's thread, at connect)."""
        if not self._opened:
            raise ValueError("no active connection")
        return self._opened[0]

    def cursor(self) -> _CursorOpener:  # type: ignore[override]
        return _CursorOpener(self)

    async def run(self, sql: str, parameters: Any, *, many: bool = False) -> _Outcome:
        """Run a statement in place, or on the worker thread with the busy timeout if the
        database is locked."""
        try:
            outcome = (_execute_many if many else _execute)(self.sqlite, sql, parameters)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            PrefetchingConnection.waited += 1
            async with self._busy_timeout():
                return await self._on_thread(sql, parameters, many)
        PrefetchingConnection.in_place += 1
        return outcome

    async def _on_thread(self, sql: str, parameters: Any, many: bool) -> _Outcome:
        if many:
            cursor = await super().executemany(sql, parameters)
        else:
            cursor = await super().execute(sql, parameters)
        try:
            rows = [tuple(row) for row in await cursor.fetchall()] if cursor.description else []
            return cursor.description, cursor.rowcount, cursor.lastrowid, rows
        finally:
            await cursor.close()

    @asynccontextmanager
    async def _busy_timeout(self) -> AsyncIterator[None]:
        """The real busy timeout for what runs on the thread inside, zero again after."""
        await (await super().execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")).close()
        try:
            yield
        finally:
            await (await super().execute("PRAGMA busy_timeout=0")).close()

    async def commit(self) -> None:
        """On the worker thread (see the module docstring); a unit of work that only read has
        nothing to commit.

        In WAL mode the transaction's first write took the write lock, so the commit waits on
        no other process and runs without the busy timeout. Setting the timeout and back would
        be two more hand-overs, and each waits for the GIL while the loop is busy: on the
        Telegram benchmark that cost about a fifth of the updates/s. Should SQLite report busy
        all the same, the commit (still pending) is retried with it."""
        if not self.sqlite.in_transaction:
            return
        try:
            await super().commit()
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            PrefetchingConnection.waited += 1
            async with self._busy_timeout():
                await super().commit()

    async def rollback(self) -> None:
        self.sqlite.rollback()  # in place: a rollback never waits for a lock


def connector(database: str, timeout: float) -> Callable[[], Any]:
    """An `async_creator` for SQLAlchemy that opens a PrefetchingConnection."""

    async def open_connection() -> PrefetchingConnection:
        connection = PrefetchingConnection(database, int(timeout * 1000))
        connection._thread.daemon = True  # see the module docstring: no public switch
        await connection  # starts the thread and opens the database; typed as the base class
        return connection

    return open_connection

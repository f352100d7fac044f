"""aiosqlite, with statements run in place unless another process holds the database.

aiosqlite runs every sqlite3 call on its worker thread and hands each result back to the event
loop; SQLAlchemy's adapter makes four such calls per statement (create cursor, execute, fetch,
close). Each hand-over costs 100-200 µs of thread wake-ups, while SQLite answers an indexed
query in a few µs. So a statement's execute, fetch and close run together, in place on the
event loop, and the rows wait in the cursor.

Commits go the other way, to aiosqlite's thread: a commit is an fsync (0.2-0.5 ms on this VM,
milliseconds on many disks) that would otherwise stop the loop, and while it runs the loop
answers the events of the batch before and queues the next, so the next batch is fuller. On
the core benchmark the saturated rate is about the same either way (2,150-2,550 events/s,
within this VM's noise), and a lone commit loop is slower, since each commit pays a hand-over
(about 2,000 against 2,700 commits/s); what is gained is a loop that keeps serving the network
while the disk syncs. Group commit makes it one commit per batch of events.

Running in place never waits on another process: the busy timeout is zero there, so a
write that finds the file locked by another process fails at once with SQLITE_BUSY, and that
statement (which did nothing) is then run on aiosqlite's thread with the real busy timeout,
where waiting blocks no one. Within one process writers never meet (core.db.write_gate), and
WAL readers never wait. What does hold the loop is a slow query (a community board over 100k
learners, ~20 ms); every event waits behind it at the write gate anyway, and only network I/O
is delayed that long.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
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
        outcome = await self._connection.run(_execute, sql, parameters if parameters else ())
        self._take(outcome)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> PrefetchingCursor:
        self._take(await self._connection.run(_execute_many, sql, list(parameters)))
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

    def cursor(self) -> _CursorOpener:  # type: ignore[override]
        return _CursorOpener(self)

    async def run(self, function: Callable[..., _Outcome], *args: Any) -> _Outcome:
        """Run `function(sqlite3_connection, *args)` in place, or on the worker thread with the
        busy timeout if the database is locked by another process."""
        try:
            outcome = function(self._conn, *args)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            PrefetchingConnection.waited += 1
            return await self._execute(self._waiting, function, args)  # type: ignore[no-any-return]
        PrefetchingConnection.in_place += 1
        return outcome

    def _waiting(self, function: Callable[..., _Outcome], args: tuple[Any, ...]) -> _Outcome:
        self._conn.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
        try:
            return function(self._conn, *args)
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")

    async def commit(self) -> None:
        """On the worker thread (see the module docstring); a unit of work that only read has
        nothing to commit.

        In WAL mode the transaction's first write took the write lock, so the commit waits on
        no other process and runs without the busy timeout. Setting the timeout and back would
        be two more calls on the thread, and each call there waits for the GIL while the loop
        is busy: on the Telegram benchmark that cost about a fifth of the updates/s. Should
        SQLite report busy all the same, the commit (still pending) is retried with it."""
        if self._conn.in_transaction:
            try:
                await self._execute(_commit, self._conn)
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
                PrefetchingConnection.waited += 1
                await self._execute(self._waiting, _commit, ())

    async def rollback(self) -> None:
        await self.run(_rollback)


def _commit(connection: sqlite3.Connection) -> _Outcome:
    connection.commit()
    return None, -1, None, []


def _rollback(connection: sqlite3.Connection) -> _Outcome:
    connection.rollback()
    return None, -1, None, []


def connector(database: str, timeout: float) -> Callable[[], Any]:
    """An `async_creator` for SQLAlchemy that opens a PrefetchingConnection."""

    async def open_connection() -> PrefetchingConnection:
        def connect() -> sqlite3.Connection:
            # No waiting in place: a locked database is retried on the thread (see `run`).
            return sqlite3.connect(database, timeout=0, check_same_thread=False)

        connection = PrefetchingConnection(connect, iter_chunk_size=64)
        connection.busy_timeout_ms = int(timeout * 1000)
        connection._thread.daemon = True  # a forgotten connection must not keep the process up
        await connection  # starts the thread and opens the database; typed as the base class
        return connection

    return open_connection

"""Counting the statements an engine sends, by kind and by the tables they name.

One listener on the engine's `before_cursor_execute` sees every round trip (an executemany
or a page of a multi-row INSERT counts once, as it is one). Each statement is classified from
the statement SQLAlchemy compiled, not from its text: its kind (select, insert, update, delete,
savepoint, ...) and the tables it reads or writes, so a table's name inside a literal or a
column alias is not mistaken for a use. The texts are kept for failure messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Delete, Insert, Select, TextClause, Update, event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.elements import (
    ReleaseSavepointClause,
    RollbackToSavepointClause,
    SavepointClause,
)

_KINDS: tuple[tuple[type[Any], str], ...] = (
    (Select, "select"),
    (Insert, "insert"),
    (Update, "update"),
    (Delete, "delete"),
    (SavepointClause, "savepoint"),
    (ReleaseSavepointClause, "release"),
    (RollbackToSavepointClause, "rollback to savepoint"),
)


@dataclass(frozen=True)
class Statement:
    kind: str
    tables: frozenset[str]
    sql: str

    def __str__(self) -> str:
        return f"{self.kind} {sorted(self.tables)}: {' '.join(self.sql.split())[:300]}"


def _classify(context: ExecutionContext | None, sql: str) -> tuple[str, frozenset[str]]:
    compiled = getattr(context, "compiled", None)
    statement = getattr(compiled, "statement", None)
    if statement is not None and not isinstance(statement, TextClause):
        kind = next((name for cls, name in _KINDS if isinstance(statement, cls)), "other")
        found = sql_util.find_tables(
            statement, include_aliases=False, include_joins=False, include_crud=True
        )
        return kind, frozenset(table.name for table in found)
    # A text() statement or a driver-level one (PRAGMA): its first word is all there is.
    words = sql.split()
    return (words[0].lower() if words else "other"), frozenset()


@dataclass
class Counted:
    """What a `count_queries` block sent; compare against it with the statements shown."""

    statements: list[Statement] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.statements)

    @property
    def by_kind(self) -> Counter[str]:
        return Counter(statement.kind for statement in self.statements)

    def of(self, kind: str) -> list[Statement]:
        return [statement for statement in self.statements if statement.kind == kind]

    def touching(self, table: str) -> list[Statement]:
        return [statement for statement in self.statements if table in statement.tables]

    def clear(self) -> None:
        self.statements.clear()

    def __str__(self) -> str:
        return "\n".join(str(statement) for statement in self.statements) or "(none)"


@contextmanager
def count_queries(engine: AsyncEngine) -> Iterator[Counted]:
    """Count every statement `engine` sends inside the block."""
    counted = Counted()

    def seen(
        _connection: Connection,
        _cursor: Any,
        sql: str,
        _parameters: Any,
        context: ExecutionContext | None,
        _executemany: bool,
    ) -> None:
        kind, tables = _classify(context, sql)
        counted.statements.append(Statement(kind, tables, sql))

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield counted
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)


# The `queries` fixture (tests/conftest.py): `with queries() as counted:` on the test's Dojo.
Queries = Callable[[], AbstractContextManager[Counted]]

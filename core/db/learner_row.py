"""Core UPDATEs of a learner's row, built once per set of columns.

Most events change a few columns of the learner's row (chat XP's memory of recent messages,
the XP total). These writes are Core statements on the table rather than ORM flushes, which
cost SQLAlchemy several times more, and an XP award carries the event's other changes to the
row in the same statement. The loaded `User` is kept in step without scheduling an UPDATE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import Update, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from core.db.models import User, table_of

_USERS = table_of(User)


@lru_cache(maxsize=32)
def learner_update(columns: tuple[str, ...], add_xp: bool) -> Update:
    """UPDATE users SET <columns> [, xp = xp + :amount RETURNING xp] WHERE id = :user_id."""
    values: dict[str, Any] = {
        name: bindparam(f"set_{name}", type_=_USERS.c[name].type) for name in columns
    }
    statement = update(_USERS).where(_USERS.c.id == bindparam("user_id"))
    if add_xp:
        values["xp"] = _USERS.c.xp + bindparam("amount")
        return statement.values(values).returning(_USERS.c.xp)
    return statement.values(values)


def parameters(user_id: int, values: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    return {"user_id": user_id, **{f"set_{name}": value for name, value in values.items()}, **extra}


def keep_in_step(user: User | None, values: Mapping[str, Any]) -> None:
    """Show the written values on the loaded learner as already stored (no further UPDATE)."""
    if user is not None:
        for name, value in values.items():
            set_committed_value(user, name, value)


def _changed(user: User, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(user, name) != value}


async def store(session: AsyncSession, user: User, values: Mapping[str, Any]) -> dict[str, Any]:
    """Write columns of the learner's row that differ from what is loaded; returns them."""
    changed = _changed(user, values)
    if changed:
        statement = learner_update(tuple(sorted(changed)), add_xp=False)
        await session.execute(statement, parameters(user.id, changed))
        keep_in_step(user, changed)
    return changed


class HeldWrites:
    """Changes to learners' rows held until the transaction commits, then written together.

    Chat XP remembers every community message on the learner's row, earned or not: on the
    core benchmark that was about a third of PostgreSQL's statements, each a round trip.
    Held, a batch's changes go out just before its commit as one executemany per set of
    columns. The loaded learners show the new values at once. A later write of the same
    columns (an XP award carrying newer values) supersedes what is held, so the newest value
    is the one stored; a rollback drops them all.
    """

    def __init__(self) -> None:
        self._held: dict[int, dict[str, Any]] = {}

    def hold(self, user: User, values: Mapping[str, Any]) -> None:
        changed = _changed(user, values)
        if changed:
            keep_in_step(user, changed)
            self._held.setdefault(user.id, {}).update(changed)

    def supersede(self, user_id: int, columns: Iterable[str]) -> None:
        held = self._held.get(user_id)
        if held is not None:
            for name in columns:
                held.pop(name, None)
            if not held:
                del self._held[user_id]

    async def write(self, session: AsyncSession) -> None:
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for user_id, values in self._held.items():
            by_columns.setdefault(tuple(sorted(values)), []).append(parameters(user_id, values))
        self._held.clear()
        for columns, rows in by_columns.items():
            await session.execute(learner_update(columns, add_xp=False), rows)

    def forget(self) -> None:
        self._held.clear()

    def snapshot(self) -> dict[int, dict[str, Any]]:
        return {user_id: dict(values) for user_id, values in self._held.items()}

    def restore(self, snapshot: dict[int, dict[str, Any]]) -> None:
        """Back to a snapshot: what an event rolled back to its savepoint held is dropped."""
        self._held = {user_id: dict(values) for user_id, values in snapshot.items()}

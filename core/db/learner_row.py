"""Core UPDATEs of a learner's row, built once per set of columns.

Most events change a few columns of the learner's row (chat XP's memory of recent messages,
the XP total). These writes are Core statements on the table rather than ORM flushes, which
cost SQLAlchemy several times more, and an XP award carries the event's other changes to the
row in the same statement. The loaded `User` is kept in step without scheduling an UPDATE.
"""

from __future__ import annotations

from collections.abc import Mapping
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


async def store(session: AsyncSession, user: User, values: Mapping[str, Any]) -> None:
    """Write columns of the learner's row that differ from what is loaded."""
    changed = {name: value for name, value in values.items() if getattr(user, name) != value}
    if not changed:
        return
    statement = learner_update(tuple(sorted(changed)), add_xp=False)
    await session.execute(statement, parameters(user.id, changed))
    keep_in_step(user, changed)

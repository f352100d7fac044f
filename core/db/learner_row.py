"""Every change to a learner's row goes through one record, written at commit.

Most events change a few columns of the learner's row (chat XP's memory of recent messages,
a setting, the streak). Writing each as it happens costs a round trip per change, and there
used to be three ways to do it (ORM flush, a Core UPDATE, changes held until commit) kept
coherent by hand: a held older value once overwrote a newer assignment at commit. Now a
unit of work has one `LearnerChanges`:

- `change(user, **values)` is how code changes a learner: the loaded `User` shows the new
  values at once, and they are remembered as pending, the newest value of a column winning.
- An XP award of the learner (core.db.ledger) takes the pending changes into its own UPDATE
  of the row; what is left is written just before the commit, one UPDATE per learner, as
  one executemany per set of columns across the batch's learners.
- Plain attribute assignment (`user.track = ...`) cannot bypass it: before any flush the
  session hands such changes to the same record (`absorb`), so they are ordered with the
  others by when they happened, and the ORM itself never writes a learner's row.
- A savepoint that rolls back (UnitOfWork.savepoint) puts the record back as it was, and the
  loaded learners back to the values they showed then (an undo journal).

`xp` is not among the columns one may change: it moves only with the ledger (core.db.ledger),
so it always equals the ledger's sum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Update, bindparam, event, inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.db.models import User, table_of

_USERS = table_of(User)
_FIXED = frozenset({"id", "xp"})  # the key, and the ledger's sum (core.db.ledger)
_CHANGEABLE = frozenset(_USERS.c.keys()) - _FIXED
SESSION_KEY = "dojo.learner_changes"  # where a session keeps its unit of work's record


@lru_cache(maxsize=32)
def learner_update(columns: tuple[str, ...], add_xp: bool = False) -> Update:
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


@dataclass(frozen=True)
class Mark:
    """Where a savepoint began: the pending changes then, and the journal's length."""

    pending: dict[int, dict[str, Any]]
    journal: int


class LearnerChanges:
    """The pending changes to learners' rows of one unit of work (see the module doc)."""

    def __init__(self) -> None:
        self._pending: dict[int, dict[str, Any]] = {}
        # (learner, column, value shown before): how to undo the loaded rows to a savepoint.
        self._journal: list[tuple[User, str, Any]] = []

    def change(self, user: User, **values: Any) -> None:
        """Change columns of the learner's row: shown at once, stored at commit."""
        for name, value in values.items():
            if name not in _CHANGEABLE:
                raise ValueError(f"users.{name} cannot be changed here")
            if getattr(user, name) != value:
                self._show(user, name, value, getattr(user, name))
                self._pending.setdefault(user.id, {})[name] = value

    def drop(self, user_id: int) -> None:
        """The learner's row is deleted: nothing of it is to be written."""
        self._pending.pop(user_id, None)

    def pending(self, user_id: int) -> dict[str, Any]:
        """What is waiting to be written to the learner's row (for an award to take along)."""
        return dict(self._pending.get(user_id, {}))

    def stored(self, user: User | None, user_id: int, values: Mapping[str, Any]) -> None:
        """`values` (pending changes among them) were written to the row by someone else's
        statement (an award): no longer pending, and shown on the loaded learner."""
        pending = self._pending.get(user_id)
        if pending is not None:
            for name, value in values.items():
                if pending.get(name, value) == value:
                    pending.pop(name, None)
            if not pending:
                del self._pending[user_id]
        if user is not None:
            for name, value in values.items():
                if getattr(user, name) != value:
                    self._show(user, name, value, getattr(user, name))

    def absorb(self, session: Session) -> None:
        """Take over attribute assignments on loaded learners as changes (see module doc)."""
        for user in [item for item in session.dirty if isinstance(item, User)]:
            state = inspect(user)
            if not state.persistent:
                continue
            for attribute in state.attrs:
                history = attribute.history
                if not history.added or attribute.key not in _USERS.c:
                    continue
                if attribute.key in _FIXED:
                    raise ValueError(f"users.{attribute.key} cannot be assigned")
                value = history.added[0]
                before = history.deleted[0] if history.deleted else None
                self._show(user, attribute.key, value, before)
                self._pending.setdefault(user.id, {})[attribute.key] = value

    async def write(self, session: AsyncSession) -> None:
        """Store what is pending: one UPDATE per learner, one executemany per set of columns."""
        self.absorb(session.sync_session)
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for user_id, values in sorted(self._pending.items()):  # in id order
            by_columns.setdefault(tuple(sorted(values)), []).append(parameters(user_id, values))
        self.forget()
        for columns, rows in by_columns.items():
            await session.execute(learner_update(columns), rows)

    def forget(self) -> None:
        """After a commit (all written) or a rollback (all undone, the session reloads)."""
        self._pending.clear()
        self._journal.clear()

    def mark(self) -> Mark:
        return Mark(
            {user_id: dict(values) for user_id, values in self._pending.items()}, len(self._journal)
        )

    def back_to(self, mark: Mark) -> None:
        """A savepoint rolled back: its changes are no longer pending, nor shown."""
        while len(self._journal) > mark.journal:
            user, name, before = self._journal.pop()
            set_committed_value(user, name, before)
        self._pending = {user_id: dict(values) for user_id, values in mark.pending.items()}

    def _show(self, user: User, name: str, value: Any, before: Any) -> None:
        """The loaded learner shows `value` as if stored: the ORM has nothing to flush."""
        self._journal.append((user, name, before))
        set_committed_value(user, name, value)


class LearnerSession(Session):
    """The ORM session of a unit of work, which hands learner changes to its record."""


@event.listens_for(LearnerSession, "before_flush")
def _absorb_assignments(session: Session, _context: object, _instances: object) -> None:
    changes = session.info.get(SESSION_KEY)
    if isinstance(changes, LearnerChanges):
        changes.absorb(session)

"""PostgreSQL's XP award in one statement.

An award is up to four writes: the ledger entry (once per learner, source and reference), the
week's total, the learner's row (the XP, plus the event's other changes; core.db.learner_row)
and, for an activity, its log entry. On PostgreSQL every statement is a round trip that costs
this process about 170 µs, more than the server takes to do the write, so data-modifying CTEs
chain the four into one statement. The ledger's INSERT ... ON CONFLICT DO NOTHING RETURNING
feeds the other three: a repeated reference inserts no ledger row, so nothing else changes
and no row comes back. SQLite has no data-modifying CTEs and runs the writes one by one
(core.db.ledger); both keep the learner's XP equal to the ledger's sum.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Column, Update, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert

from core.db.models import ActivityLog, User, XpLedger, XpWeekly, table_of

_LEDGER = table_of(XpLedger)
_WEEKLY = table_of(XpWeekly)
_USERS = table_of(User)
_LOG = table_of(ActivityLog)
LOGGED_COLUMNS = ("event_type", "context_type", "context_id", "score", "metadata")


def _typed(name: str, column: Column[Any]) -> BindParameter[Any]:
    """A parameter with its column's type, so asyncpg is told what it is."""
    return bindparam(name, type_=column.type)


@lru_cache(maxsize=32)
def award_statement(columns: tuple[str, ...], logged: bool) -> Update:
    """The award with `columns` of the learner's row set alongside, and the activity's log
    entry when `logged`. Parameters: user_id, source, reference, amount, community_id, now,
    week, set_<column> for each column, and the LOGGED_COLUMNS when logged."""
    awarded = (
        insert(_LEDGER)
        .values(
            user_id=_typed("user_id", _LEDGER.c.user_id),
            source=_typed("source", _LEDGER.c.source),
            reference=_typed("reference", _LEDGER.c.reference),
            amount=_typed("amount", _LEDGER.c.amount),
            community_id=_typed("community_id", _LEDGER.c.community_id),
            created_at=_typed("now", _LEDGER.c.created_at),
        )
        .on_conflict_do_nothing(index_elements=["user_id", "source", "reference"])
        .returning(_LEDGER.c.user_id, _LEDGER.c.amount)
        .cte("awarded")
    )
    week_rows = select(awarded.c.user_id, _typed("week", _WEEKLY.c.week_start), awarded.c.amount)
    weekly_insert = insert(_WEEKLY).from_select(["user_id", "week_start", "xp"], week_rows)
    weekly = (
        weekly_insert.on_conflict_do_update(
            index_elements=["user_id", "week_start"],
            set_={"xp": _WEEKLY.c.xp + weekly_insert.excluded.xp},
        )
        .returning(_WEEKLY.c.user_id)
        .cte("weekly")
    )
    values: dict[str, Any] = {name: _typed(f"set_{name}", _USERS.c[name]) for name in columns}
    values["xp"] = _USERS.c.xp + awarded.c.amount
    statement = (
        update(_USERS)
        .where(_USERS.c.id == awarded.c.user_id)
        .values(values)
        .returning(_USERS.c.xp)
        .add_cte(weekly)
    )
    if logged:
        log_rows = select(
            awarded.c.user_id,
            _typed("community_id", _LOG.c.community_id),
            *(_typed(name, _LOG.c[name]) for name in LOGGED_COLUMNS),
            _typed("now", _LOG.c.created_at),
        )
        log = (
            insert(_LOG)
            .from_select(["user_id", "community_id", *LOGGED_COLUMNS, "created_at"], log_rows)
            .returning(_LOG.c.id)
            .cte("logged")
        )
        statement = statement.add_cte(log)
    return statement

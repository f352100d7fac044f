"""PostgreSQL's XP award in one statement.

An award is up to five writes: the ledger entry (once per learner, source and reference), the
week's and the month's totals, the learner's row (the XP, plus the event's other changes; core.db.learner_row)
and, for an activity, its log entry. On PostgreSQL every statement is a round trip that costs
this process about 170 µs, more than the server takes to do the write, so data-modifying CTEs
chain them into one statement. The ledger's INSERT ... ON CONFLICT DO NOTHING RETURNING
feeds the others: a repeated reference inserts no ledger row, so nothing else changes
and no row comes back. SQLite has no data-modifying CTEs and runs the writes one by one
(core.db.sqlite_backend); both keep the learner's XP equal to the ledger's sum.

An award under a daily allowance (core.rules.xp.DAILY_CAPS) starts with two more CTEs: a
lock on the learner's row (FOR NO KEY UPDATE, the UPDATE's own mode) and the upsert of the
day's count for the activity. Its RETURNING is the count after this award, and concurrent
awards of the learner queue on those rows (ON CONFLICT DO UPDATE takes the newest committed
version), so each sees its own number and the CASE that prices the ledger entry cannot be
fooled by two awards at once. A capped award is still a ledger entry, of 0 XP: a repeat of
its reference stays a no-op and the learner's row still takes the event's changes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Column, Update, bindparam, case, literal, select, update
from sqlalchemy.dialects.postgresql import insert

from core.db.models import ActivityLog, User, XpDaily, XpLedger, XpMonthly, XpWeekly, table_of

_DAILY = table_of(XpDaily)
_LEDGER = table_of(XpLedger)
_WEEKLY = table_of(XpWeekly)
_MONTHLY = table_of(XpMonthly)
_USERS = table_of(User)
_LOG = table_of(ActivityLog)
LOGGED_COLUMNS = ("event_type", "context_type", "context_id", "score", "metadata")


def _typed(name: str, column: Column[Any]) -> BindParameter[Any]:
    """A parameter with its column's type, so asyncpg is told what it is."""
    return bindparam(name, type_=column.type)


@lru_cache(maxsize=64)
def award_statement(columns: tuple[str, ...], logged: bool, capped: bool = False) -> Update:
    """The award with `columns` of the learner's row set alongside, and the activity's log
    entry when `logged`. Parameters: user_id, source, reference, amount, community_id, now,
    week, month, set_<column> for each column, and the LOGGED_COLUMNS when logged. It returns the
    learner's new xp and the amount awarded.

    `capped`: the amount depends on the day's count (core.db.ledger.Allowance); parameters
    day, full_until, paid_until and halved_amount too, and the day's count is returned third."""
    ledger_values: dict[str, Any] = {
        "user_id": _typed("user_id", _LEDGER.c.user_id),
        "source": _typed("source", _LEDGER.c.source),
        "reference": _typed("reference", _LEDGER.c.reference),
        "amount": _typed("amount", _LEDGER.c.amount),
        "community_id": _typed("community_id", _LEDGER.c.community_id),
        "created_at": _typed("now", _LEDGER.c.created_at),
    }
    ledger_insert = insert(_LEDGER)
    counted = None
    if capped:
        counted = _count_of_the_day()
        ledger_values["amount"] = case(
            (counted.c.count <= _typed("full_until", _DAILY.c.count), ledger_values["amount"]),
            (
                counted.c.count <= _typed("paid_until", _DAILY.c.count),
                _typed("halved_amount", _LEDGER.c.amount),
            ),
            else_=literal(0, _LEDGER.c.amount.type),
        )
        rows = select(*ledger_values.values()).select_from(counted)
        staged = ledger_insert.from_select(list(ledger_values), rows)
    else:
        staged = ledger_insert.values(ledger_values)
    awarded = (
        staged.on_conflict_do_nothing(index_elements=["user_id", "source", "reference"])
        .returning(_LEDGER.c.user_id, _LEDGER.c.amount)
        .cte("awarded")
    )
    weekly = _period_total(awarded, _WEEKLY, "week_start", "week")
    monthly = _period_total(awarded, _MONTHLY, "month_start", "month")
    values: dict[str, Any] = {name: _typed(f"set_{name}", _USERS.c[name]) for name in columns}
    values["xp"] = _USERS.c.xp + awarded.c.amount
    returned: list[Any] = [_USERS.c.xp, awarded.c.amount]
    statement = update(_USERS).where(_USERS.c.id == awarded.c.user_id)
    if counted is not None:
        statement = statement.where(counted.c.user_id == awarded.c.user_id)  # for its count
        returned.append(counted.c.count)
    statement = statement.values(values).returning(*returned).add_cte(weekly).add_cte(monthly)
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


def _period_total(awarded: Any, table: Any, key: str, parameter: str) -> Any:
    """The upsert adding the award's amount to a period's total (the month's, as the week's)."""
    rows = select(awarded.c.user_id, _typed(parameter, table.c[key]), awarded.c.amount).where(
        awarded.c.amount != 0
    )
    adding = insert(table).from_select(["user_id", key, "xp"], rows)
    return (
        adding.on_conflict_do_update(
            index_elements=["user_id", key], set_={"xp": table.c.xp + adding.excluded.xp}
        )
        .returning(table.c.user_id)
        .cte(f"{parameter}ly")
    )


def _count_of_the_day() -> Any:
    """The upsert of the day's count of an activity, returning the count after this award.

    It locks the learner's row first, in the mode the award's UPDATE takes anyway (FOR NO KEY
    UPDATE: plain FOR UPDATE would also wait on the key-share locks that inserting rows which
    reference the learner takes, and deadlock two such transactions). Every transaction then
    meets the learner's row before their count, so an event that already wrote the row and a
    batch awarding the same activity cannot wait on each other."""
    locked = (
        select(_USERS.c.id)
        .where(_USERS.c.id == _typed("user_id", _USERS.c.id))
        .with_for_update(key_share=True)
    ).cte("locked")
    rows = select(
        locked.c.id,
        _typed("day", _DAILY.c.day),
        _typed("source", _DAILY.c.activity),
        literal(1, _DAILY.c.count.type),
    )
    counting = insert(_DAILY).from_select(["user_id", "day", "activity", "count"], rows)
    return (
        counting.on_conflict_do_update(
            index_elements=["user_id", "day", "activity"],
            set_={"count": _DAILY.c.count + 1},
        )
        .returning(_DAILY.c.user_id, _DAILY.c.count)
        .cte("counted")
    )

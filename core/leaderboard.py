"""Leaderboard queries, shared by /leaderboard and the weekly and monthly posts.

"week" ranks XP earned since the start of the week, "month" since the start of the calendar
month (both read a per-period table kept by every award: xp_weekly, xp_monthly); "all" ranks
total XP. A community's month in its own zone is the UTC month's totals corrected by the
ledger's XP in the hours where the two months differ (`_month_edges`). A community board
ranks its members' XP wherever they earned it, plus the adjustments its own moderators made
(`community_xp`), which move that board alone.

One rule decides who is on a board and what rank they hold, on every path (`_shown`, then
`_board`): learners who opted out or are banned (from Dojo, or, on a community's board, from
that community) are never shown and never counted in anyone's rank, and a rank is one more than
the number of learners shown with a higher score. A learner's own rank counts the board's own
rows, except on the global week's and month's boards, where it is everyone ahead less the hidden
among them (`_period_ahead`, for speed); tests/test_leaderboard_ranks.py holds the week's paths
to the board, tests/test_seasons_boards.py the month's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.backend import utc_month_start
from core.db.ledger import utc_week_start
from core.db.models import (
    CommunityBan,
    CommunityMember,
    CommunityXp,
    User,
    XpLedger,
    XpMonthly,
    XpWeekly,
    table_of,
)
from core.rules.periods import Cadence, following
from core.rules.streaks import zone_or_utc


@dataclass(frozen=True)
class Entry:
    rank: int
    user_id: int
    name: str
    score: int
    level: int


def week_start(moment: datetime, time_zone: str = "UTC") -> datetime:
    """Monday 00:00 of the week containing `moment`, in the given zone, as UTC."""
    zone = zone_or_utc(time_zone)
    local = moment.astimezone(zone)
    monday: date = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), zone).astimezone(UTC)


def _weekly_key(since: datetime | None, until: datetime | None) -> date | None:
    """The xp_weekly key when the range is exactly one UTC week (or that week so far)."""
    if since is None:
        return None
    start = since.astimezone(UTC)
    monday = utc_week_start(start)
    if start != datetime.combine(monday, time(0), UTC):
        return None
    if until is not None and until.astimezone(UTC) != start + timedelta(days=7):
        return None
    return monday


def _monthly_key(since: datetime | None, until: datetime | None) -> date | None:
    """The xp_monthly key when the range is a calendar month in some zone: within a day of a
    UTC month at both ends (zones sit at most 14 hours off UTC), so the ledger need only be
    read for the hours in between."""
    if since is None or until is None:
        return None
    start, end = since.astimezone(UTC), until.astimezone(UTC)
    month = utc_month_start(start + timedelta(days=1))
    first = datetime.combine(month, time(0), UTC)
    after = datetime.combine(following(Cadence.MONTH, month), time(0), UTC)
    if abs(start - first) > timedelta(days=1) or abs(end - after) > timedelta(days=1):
        return None
    return month


@dataclass(frozen=True)
class _Board:
    """One shape of board (its score and scope) with its three statements, built once: the
    board is asked for on every /leaderboard, and building a statement costs SQLAlchemy more
    than the database takes to run it. Values arrive as bound parameters."""

    top: Select[int, str, int, int]
    # One learner's row with the number of learners ahead of them: their rank in one query.
    mine: Select[int, str, int, int, int]


# The boards are Core statements on the tables, not on the mapped classes: SQLAlchemy's ORM
# layer would double the cost of running each one, and the rows are plain values anyway.
_USERS = table_of(User).c
_WEEKLY = table_of(XpWeekly).c
_MONTHLY = table_of(XpMonthly).c
_LEDGER = table_of(XpLedger).c
_MEMBERS = table_of(CommunityMember).c
_ADJUSTED = table_of(CommunityXp).c
_BANS = table_of(CommunityBan).c


@dataclass(frozen=True)
class _Totals:
    """A table of XP per learner and period, and the bound parameter that names the period."""

    table: Table
    key: Column[date]
    xp: Column[int]
    parameter: str


_PERIOD_TOTALS = {
    "week": _Totals(table_of(XpWeekly), _WEEKLY.week_start, _WEEKLY.xp, "week"),
    "month": _Totals(table_of(XpMonthly), _MONTHLY.month_start, _MONTHLY.xp, "month"),
}


def _scores(kind: str, in_community: bool) -> Select[int, str, int, int]:
    return _community_scores(kind) if in_community else _global_scores(kind)


def _global_scores(kind: str) -> Select[int, str, int, int]:
    score: ColumnElement[int]
    if kind == "all":
        score = _USERS.xp.label("score")
        query = select(_USERS.id, _USERS.display_name, _USERS.level, score)
    elif kind in _PERIOD_TOTALS:
        totals = _PERIOD_TOTALS[kind]
        score = totals.xp.label("score")
        query = (
            select(_USERS.id, _USERS.display_name, _USERS.level, score)
            .select_from(totals.table)
            .join(table_of(User), _USERS.id == totals.table.c.user_id)
            .where(totals.key == bindparam(totals.parameter))
        )
    else:
        earned_sub = _earned(kind)
        score = earned_sub.c.score
        query = select(_USERS.id, _USERS.display_name, _USERS.level, score).join(
            earned_sub, earned_sub.c.user_id == _USERS.id
        )
    return _shown(query, score, in_community=False)


def _hidden() -> ColumnElement[bool]:
    """Banned from Dojo or opted out of boards: never shown on a board, never counted in a
    rank. (Written as the partial index ix_users_hidden's condition, so a count of them reads
    that index.)"""
    return or_(_USERS.banned, _USERS.leaderboard_opt_out)


def _takes_part() -> ColumnElement[bool]:
    return not_(_hidden())


def _shown(query: Select[Any], score: ColumnElement[Any], *, in_community: bool) -> Select[Any]:
    """The board's rule, for every shape: only learners who take part (not opted out, not
    banned, not banned by this community on its board) with a score above zero."""
    query = query.where(_takes_part(), score > 0)
    if in_community:
        banned_here = (
            select(1)
            .select_from(table_of(CommunityBan))
            .where(_BANS.community_id == bindparam("community_id"), _BANS.user_id == _USERS.id)
            .exists()
        )
        query = query.where(~banned_here)
    return query


def _earned(kind: str) -> Any:
    """XP earned per learner in the board's range, from the ledger."""
    earned = select(_LEDGER.user_id, func.sum(_LEDGER.amount).label("score")).where(
        _LEDGER.created_at >= bindparam("since")
    )
    if kind == "range":
        earned = earned.where(_LEDGER.created_at < bindparam("until"))
    return earned.group_by(_LEDGER.user_id).subquery()


def _month_edges() -> Any:
    """XP per learner in the hours where the board's month (a zone's) and the UTC month of
    xp_monthly differ: added where only the board's month holds them, taken away where only
    the UTC month does. Two windows of at most a day each, read from the ledger's index."""
    at = _LEDGER.created_at
    in_board = case((and_(at >= bindparam("since"), at < bindparam("until")), 1), else_=0)
    in_utc = case((and_(at >= bindparam("month_since"), at < bindparam("month_until")), 1), else_=0)
    windows = or_(
        and_(at >= bindparam("head_from"), at < bindparam("head_to")),
        and_(at >= bindparam("tail_from"), at < bindparam("tail_to")),
    )
    score = func.sum(_LEDGER.amount * (in_board - in_utc)).label("score")
    return select(_LEDGER.user_id, score).where(windows).group_by(_LEDGER.user_id).subquery()


def _community_scores(kind: str) -> Select[int, str, int, int]:
    """A community's members: their XP (as on the global board) plus its own adjustments.

    Built from the membership, so a learner whose standing here comes only from a
    moderator's adjustment is ranked too, and community bans hide a learner here alone."""
    adjusted = select(_ADJUSTED.user_id, func.sum(_ADJUSTED.amount).label("amount")).where(
        _ADJUSTED.community_id == bindparam("community_id")
    )
    if kind != "all":
        adjusted = adjusted.where(_ADJUSTED.created_at >= bindparam("since"))
    if kind != "all" and kind != "since":
        adjusted = adjusted.where(_ADJUSTED.created_at < bindparam("until"))
    adjustment = adjusted.group_by(_ADJUSTED.user_id).subquery("adjustment")
    query = (
        select(_USERS.id)
        .select_from(table_of(CommunityMember))
        .join(table_of(User), _USERS.id == _MEMBERS.user_id)
        .outerjoin(adjustment, adjustment.c.user_id == _USERS.id)
    )
    base: ColumnElement[Any]
    if kind == "all":
        base = _USERS.xp
    elif kind in _PERIOD_TOTALS or kind == "zoned_month":
        totals = _PERIOD_TOTALS["month" if kind == "zoned_month" else kind]
        query = query.outerjoin(
            totals.table,
            (totals.table.c.user_id == _USERS.id) & (totals.key == bindparam(totals.parameter)),
        )
        base = func.coalesce(totals.xp, 0)
        if kind == "zoned_month":
            edges = _month_edges()
            query = query.outerjoin(edges, edges.c.user_id == _USERS.id)
            base = base + func.coalesce(edges.c.score, 0)
    else:
        earned = _earned(kind)
        query = query.outerjoin(earned, earned.c.user_id == _USERS.id)
        base = earned.c.score
    total = func.coalesce(base, 0) + func.coalesce(adjustment.c.amount, 0)
    members = query.with_only_columns(
        _USERS.id, _USERS.display_name, _USERS.level, total.label("score")
    ).where(_MEMBERS.community_id == bindparam("community_id"))
    return _shown(members, total, in_community=True)


@cache
def _board(kind: str, in_community: bool) -> _Board:
    ranked = _scores(kind, in_community).subquery("ranked")
    top = select(ranked).order_by(ranked.c.score.desc(), ranked.c.id).limit(bindparam("limit"))
    mine = select(ranked).where(ranked.c.id == bindparam("user_id")).subquery("mine")
    ahead: ColumnElement[int]
    if kind in _PERIOD_TOTALS and not in_community:
        ahead = _period_ahead(_PERIOD_TOTALS[kind], mine.c.score)
    else:  # the same shown learners as the board, those with a higher score counted
        others = _scores(kind, in_community).subquery("others")
        ahead = select(func.count()).where(others.c.score > mine.c.score).scalar_subquery()
    return _Board(top, select(mine, ahead.label("ahead")))


def _period_ahead(totals: _Totals, score: ColumnElement[int]) -> ColumnElement[int]:
    """The shown learners ahead on the global week's (or month's) board, counted without a
    join per row: everyone with more XP in the period (an index-only count on its totals),
    less those of them who are hidden (`_hidden`, from their own small index), looked up one
    by one. Counting the board's own rows instead joins every row to its learner: 250-480 ms
    on the 100,000-learner benchmark, against a few ms this way."""
    period: BindParameter[date] = bindparam(totals.parameter)
    everyone = (
        select(func.count())
        .select_from(totals.table)
        .where(totals.key == period, totals.xp > score)
        .scalar_subquery()
    )
    theirs = (
        select(totals.xp)
        .where(totals.table.c.user_id == _USERS.id, totals.key == period)
        .scalar_subquery()
    )
    hidden = (
        select(func.count())
        .select_from(table_of(User))
        .where(_hidden(), theirs > score)
        .scalar_subquery()
    )
    return everyone - hidden


def _shape(
    since: datetime | None, until: datetime | None, community_id: int | None
) -> tuple[_Board, dict[str, Any]]:
    """The board for a range and scope, and the parameters to run it with."""
    parameters: dict[str, Any] = {"community_id": community_id}
    week = _weekly_key(since, until)
    month = _monthly_key(since, until)
    if since is None:
        kind = "all"
    elif week is not None:
        kind = "week"
        start = datetime.combine(week, time(0), UTC)
        parameters.update(week=week, since=start, until=start + timedelta(days=7))
    elif month is not None and until is not None:
        kind, month_parameters = _month_shape(month, since, until, community_id is not None)
        parameters.update(month_parameters)
    else:
        kind = "since" if until is None else "range"
        parameters.update(since=since, until=until)
    return _board(kind, community_id is not None), parameters


def _month_shape(
    month: date, since: datetime, until: datetime, in_community: bool
) -> tuple[str, dict[str, Any]]:
    """A month's kind of board and its parameters: the UTC month straight from xp_monthly, or
    a zone's month (a community's) with the hours at either end from the ledger. A global
    board in a zone other than UTC is read from the ledger: its learners need not be in
    xp_monthly at all, and no command asks for one."""
    first = datetime.combine(month, time(0), UTC)
    after = datetime.combine(following(Cadence.MONTH, month), time(0), UTC)
    parameters: dict[str, Any] = {"month": month, "since": since, "until": until}
    if since == first and until == after:
        return "month", parameters
    if not in_community:
        return "range", parameters
    parameters.update(
        month_since=first,
        month_until=after,
        head_from=min(since, first),
        head_to=max(since, first),
        tail_from=min(until, after),
        tail_to=max(until, after),
    )
    return "zoned_month", parameters


async def top(
    session: AsyncSession,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    community_id: int | None = None,
    limit: int = 10,
) -> list[Entry]:
    board, parameters = _shape(since, until, community_id)
    rows = await session.execute(board.top, {**parameters, "limit": limit})
    entries: list[Entry] = []
    previous: tuple[int, int] | None = None
    for position, row in enumerate(rows.all(), start=1):
        # Ties share a rank (1, 2, 2, 4).
        rank = previous[1] if previous and previous[0] == row.score else position
        entries.append(Entry(rank, row.id, row.display_name, int(row.score), row.level))
        previous = (int(row.score), rank)
    return entries


async def rank_of(
    session: AsyncSession,
    user_id: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    community_id: int | None = None,
) -> Entry | None:
    board, parameters = _shape(since, until, community_id)
    mine = (await session.execute(board.mine, {**parameters, "user_id": user_id})).first()
    if mine is None:
        return None
    return Entry(int(mine.ahead or 0) + 1, mine.id, mine.display_name, int(mine.score), mine.level)

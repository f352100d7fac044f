"""`leaderboard_winners`: who topped each closed week's and month's board, and for how long.

Written when a post's board is computed (core.jobs.board_posts), also for a community the post
cannot reach: a winner won whether or not the channel was set, and a streak should not break
because a moderator fixed the channel late. Written once per board and period: a rerun finds
the period's rows and writes nothing, so the streak a post names is the one first stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select

from core.db.models import CommunityBan, LeaderboardWinner, User, table_of
from core.db.repository import Repository
from core.db.upsert import dialect_insert
from core.leaderboard import Entry
from core.rules.periods import Cadence


@dataclass(frozen=True)
class Winner:
    user_id: int
    name: str
    score: int
    streak: int  # periods in a row this learner has won this board, this one included


@dataclass(frozen=True)
class PastWinner:
    cadence: Cadence
    start: date
    name: str | None  # None: hidden from boards now (opted out, banned), so not named
    score: int
    streak: int


def board_name(community_id: int | None) -> str:
    """The board's name in `leaderboard_winners.board`."""
    return "global" if community_id is None else f"community:{community_id}"


def _board(community_id: int | None) -> ColumnElement[bool]:
    return LeaderboardWinner.board == board_name(community_id)


class WinnerStore(Repository):
    async def record(
        self,
        community_id: int | None,
        cadence: Cadence,
        start: date,
        previous_start: date,
        entries: Sequence[Entry],
        now: datetime,
    ) -> list[Winner]:
        """Keep the board's first place (ties: all of them) for the period, once, and return
        the period's winners as stored. A streak continues when the learner also won the
        period before (`previous_start`)."""
        stored = await self._period(community_id, cadence, start)
        if stored:
            return stored
        names = {entry.user_id: entry.name for entry in entries}
        before = {
            winner.user_id: winner.streak
            for winner in await self._period(community_id, cadence, previous_start)
        }
        dialect = self.session.get_bind().dialect.name
        statement = dialect_insert(dialect, table_of(LeaderboardWinner)).on_conflict_do_nothing(
            index_elements=["board", "period", "period_start", "user_id"]
        )
        for entry in entries:
            if entry.rank != 1:
                continue
            await self.session.execute(
                statement,
                {
                    "board": board_name(community_id),
                    "community_id": community_id,
                    "period": cadence.value,
                    "period_start": start,
                    "user_id": entry.user_id,
                    "score": entry.score,
                    "streak": before.get(entry.user_id, 0) + 1,
                    "created_at": now,
                },
            )
        return [
            Winner(w.user_id, names.get(w.user_id, w.name), w.score, w.streak)
            for w in await self._period(community_id, cadence, start)
        ]

    async def _period(
        self, community_id: int | None, cadence: Cadence, start: date
    ) -> list[Winner]:
        rows = await self.session.execute(
            select(
                LeaderboardWinner.user_id,
                User.display_name,
                LeaderboardWinner.score,
                LeaderboardWinner.streak,
            )
            .join(User, User.id == LeaderboardWinner.user_id)
            .where(
                _board(community_id),
                LeaderboardWinner.period == cadence.value,
                LeaderboardWinner.period_start == start,
            )
            .order_by(LeaderboardWinner.user_id)
        )
        return [Winner(*row) for row in rows.all()]

    async def recent(
        self, community_id: int | None, cadence: Cadence, limit: int
    ) -> list[PastWinner]:
        """The latest `limit` winners of the board, newest period first; a learner hidden from
        this board now (opted out, banned, or banned by this community) is kept unnamed."""
        hidden = or_(User.banned, User.leaderboard_opt_out)
        if community_id is not None:
            banned_here = (
                select(1)
                .where(CommunityBan.community_id == community_id, CommunityBan.user_id == User.id)
                .exists()
            )
            hidden = or_(hidden, banned_here)
        rows = await self.session.execute(
            select(
                LeaderboardWinner.period_start,
                User.display_name,
                hidden.label("hidden"),
                LeaderboardWinner.score,
                LeaderboardWinner.streak,
            )
            .join(User, User.id == LeaderboardWinner.user_id)
            .where(_board(community_id), LeaderboardWinner.period == cadence.value)
            .order_by(LeaderboardWinner.period_start.desc(), LeaderboardWinner.user_id)
            .limit(limit)
        )
        return [
            PastWinner(cadence, start, None if is_hidden else name, score, streak)
            for start, name, is_hidden, score, streak in rows.all()
        ]

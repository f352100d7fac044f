"""Progress: the activity log, the XP ledger, weekly and monthly XP, badges, leaderboard
snapshots and the boards' winners."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


class ActivityLog(Base):
    __tablename__ = "activity_log"
    __table_args__ = (
        Index("idx_activity_log_user_event", "user_id", "event_type"),
        Index("idx_activity_log_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL")
    )
    event_type: Mapped[str] = mapped_column(String(40))
    context_type: Mapped[str | None] = mapped_column(String(40))
    context_id: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[int | None] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class XpLedger(Base):
    __tablename__ = "xp_ledger"
    __table_args__ = (
        UniqueConstraint("user_id", "source", "reference", name="uq_xp_ledger_award"),
        Index("idx_xp_ledger_created", "created_at"),
        # Covers the weekly leaderboard's sum of amounts by learner over a date range (0003).
        Index("idx_xp_ledger_week", "created_at", "user_id", "amount"),
        Index("idx_xp_ledger_community_created", "community_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"))
    source: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(128))
    amount: Mapped[int] = mapped_column(Integer)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class XpWeekly(Base):
    """XP earned per learner per week (Monday 00:00 UTC), kept by every ledger award.

    It makes the weekly leaderboard a short index walk instead of a sum over the ledger; the
    ledger stays the source of truth and the weekly rows can be rebuilt from it.
    """

    __tablename__ = "xp_weekly"
    __table_args__ = (Index("idx_xp_weekly_board", "week_start", "xp"),)

    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    xp: Mapped[int] = mapped_column(Integer, default=0)


class XpMonthly(Base):
    """XP earned per learner per calendar month (the 1st, 00:00 UTC), kept like `XpWeekly`.

    A month's board is then the same short index walk as a week's; a community's month in its
    own zone adds the few hours at either end from the ledger (core.leaderboard). A month is
    not a sum of weeks: weeks straddle month ends.
    """

    __tablename__ = "xp_monthly"
    __table_args__ = (Index("idx_xp_monthly_board", "month_start", "xp"),)

    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True)
    month_start: Mapped[date] = mapped_column(Date, primary_key=True)
    xp: Mapped[int] = mapped_column(Integer, default=0)


class XpDaily(Base):
    """How many XP-earning awards of each activity a learner had on one of their local days.

    The daily allowance (core.rules.xp.DAILY_CAPS) reads the count an award's upsert returns:
    concurrent awards queue on this row, so each sees its own number and caps hold on both
    backends. Rows are small and only for days with practice.
    """

    __tablename__ = "xp_daily"

    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    activity: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Achievement(Base):
    __tablename__ = "achievements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200))
    icon: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(20))
    rarity: Mapped[str] = mapped_column(String(20))
    xp_reward: Mapped[int] = mapped_column(Integer, default=0)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)


class UserAchievement(Base):
    __tablename__ = "user_achievements"
    __table_args__ = (UniqueConstraint("user_id", "achievement_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    achievement_id: Mapped[int] = mapped_column(_fk("achievements"))
    unlocked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LeaderboardSnapshot(Base):
    __tablename__ = "leaderboard_snapshots"
    __table_args__ = (UniqueConstraint("community_id", "period", "period_start", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int | None] = mapped_column(_fk("communities"))
    period: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(_fk("users"))
    score: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LeaderboardWinner(Base):
    """Who topped a closed week's or month's board: the hall of fame and the posts' streaks.

    Written once per board and period (a rerun inserts nothing), for a community's board or
    the global one. `board` names it (`community:<id>` or `global`): a unique key needs a
    value that is never NULL, also for a merge of two learners (core.features.link_store),
    which reads the table's unique keys. Ties for first are all winners. `streak` is how many
    periods in a row this learner has won this board, counted when the row is written."""

    __tablename__ = "leaderboard_winners"
    __table_args__ = (UniqueConstraint("board", "period", "period_start", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    board: Mapped[str] = mapped_column(String(24))
    community_id: Mapped[int | None] = mapped_column(_fk("communities"))  # None: global
    period: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    streak: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

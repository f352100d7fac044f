"""Duels (core.features.duels): a challenge, the two players' progress and their ratings.

Everything a duel needs to go on lives here, not in memory, so a duel survives a restart: the
questions and the clock on `duels`, each player's place and option order on `duel_players`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


class Duel(Base):
    __tablename__ = "duels"
    __table_args__ = (
        # The sweep's two questions: open challenges past their expiry, duels past the clock.
        Index("ix_duels_status_expires", "status", "expires_at"),
        Index("ix_duels_status_deadline", "status", "deadline"),
        # The pair rule reads a pair's recent rated duels.
        Index("ix_duels_pair", "community_id", "challenger_id", "opponent_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(_fk("communities"))
    # Where the challenge was made, and where the result is posted.
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    chat_kind: Mapped[str] = mapped_column(String(20))
    challenger_id: Mapped[int] = mapped_column(_fk("users"))
    # None while an open challenge waits for someone to take it.
    opponent_id: Mapped[int | None] = mapped_column(_fk("users"))
    topic: Mapped[str] = mapped_column(String(40))
    question_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # open -> active -> finished; or open -> declined | expired | cancelled.
    status: Mapped[str] = mapped_column(String(20))
    rated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the rating did or did not move (core.features.duels.fair_play), for the result post.
    rating_note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The whole duel's clock: an answer after it counts as missed, and the sweep ends it.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DuelPlayer(Base):
    __tablename__ = "duel_players"
    __table_args__ = (
        # One open or running duel per learner, held by the database on every backend.
        Index(
            "ux_duel_players_live",
            "user_id",
            unique=True,
            sqlite_where=text("live = 1"),
            postgresql_where=text("live"),
        ),
    )

    duel_id: Mapped[int] = mapped_column(_fk("duels"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True, index=True)
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    correct_count: Mapped[int] = mapped_column(Integer, default=0)
    # The open question's options as shown (core.features.quiz.shuffle), kept across restarts.
    option_order: Mapped[list[Any] | None] = mapped_column(JSON)
    # From the duel's start to the player's last answer: the tie-break after the score.
    time_ms: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DuelRating(Base):
    """A learner's duel rating in one community (OpenSkill's mu and sigma)."""

    __tablename__ = "duel_ratings"
    __table_args__ = (Index("ix_duel_ratings_board", "community_id", "ordinal"),)

    community_id: Mapped[int] = mapped_column(_fk("communities"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True, index=True)
    mu: Mapped[float] = mapped_column(Float)
    sigma: Mapped[float] = mapped_column(Float)
    # mu - 3 sigma, kept so the board sorts in the database.
    ordinal: Mapped[float] = mapped_column(Float)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    wins: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

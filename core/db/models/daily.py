"""The daily question: what each community was asked each local day, its learners' first
answers, and each learner's daily-question streak in that community."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


class DailyQuestion(Base):
    """One community's question of one local day; the unique (community, day) is what makes
    two processes agree on the question before either posts it."""

    __tablename__ = "daily_questions"
    __table_args__ = (UniqueConstraint("community_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(_fk("communities"))
    day: Mapped[date] = mapped_column(Date)
    question_id: Mapped[int] = mapped_column(_fk("quiz_questions"))
    # Position p of the post shows the bank's option option_order[p] (core.features.quiz.shuffle).
    option_order: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Answers count until then: the reveal hour, or the next day's post.
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted: Mapped[bool] = mapped_column(Boolean, default=False)  # only a posted one is revealed
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DailyAnswer(Base):
    """A learner's first answer to a day's question: the key makes any later one a no-op."""

    __tablename__ = "daily_answers"

    daily_id: Mapped[int] = mapped_column(_fk("daily_questions"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True, index=True)
    option: Mapped[int] = mapped_column(Integer)  # the bank's index, not the position shown
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DailyStreak(Base):
    """Consecutive community days a learner answered the daily question."""

    __tablename__ = "daily_streaks"

    community_id: Mapped[int] = mapped_column(_fk("communities"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True, index=True)
    current: Mapped[int] = mapped_column(Integer, default=0)
    longest: Mapped[int] = mapped_column(Integer, default=0)
    last_day: Mapped[date | None] = mapped_column(Date)

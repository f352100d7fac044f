"""Live quiz rounds (/quiz live): a round per channel, its questions as posted, and answers.

The round's state is all here, so a restart mid-round carries on where the database says it is:
`step` is the question that is open, `next_at` when it closes, `announced` the last step whose
posts went out. A unique partial index keeps one running round per channel, whichever process
starts it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk

RUNNING = "running"


class LiveRound(Base):
    __tablename__ = "live_rounds"
    __table_args__ = (
        Index(
            "uq_live_rounds_running_chat",
            "chat_key",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
        Index("idx_live_rounds_status_next", "status", "next_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(_fk("communities"))
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    chat_key: Mapped[str] = mapped_column(String(100))  # platform:chat id
    topic: Mapped[str] = mapped_column(String(40))
    question_ids: Mapped[list[Any]] = mapped_column(JSON)
    seconds: Mapped[int] = mapped_column(Integer)
    # The open question's position; -1 before the first, len(question_ids) once it is over.
    step: Mapped[int] = mapped_column(Integer, default=-1)
    # The last step whose posts were delivered (standings, the next question, final results).
    announced: Mapped[int] = mapped_column(Integer, default=-1)
    status: Mapped[str] = mapped_column(String(12), default=RUNNING)  # running|finished|abandoned
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when `step` is due to move
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LiveQuestion(Base):
    __tablename__ = "live_questions"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(_fk("live_rounds"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(_fk("quiz_questions"))
    # Shown position p is the bank's option option_order[p].
    option_order: Mapped[list[Any]] = mapped_column(JSON)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())  # answer times count from here
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The platform's id of the posted question, to close its buttons by an edit (Discord).
    message_id: Mapped[str | None] = mapped_column(String(64))


class LiveAnswer(Base):
    __tablename__ = "live_answers"
    __table_args__ = (
        UniqueConstraint("live_question_id", "user_id"),
        Index("idx_live_answers_round", "round_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    live_question_id: Mapped[int] = mapped_column(_fk("live_questions"))
    round_id: Mapped[int] = mapped_column(_fk("live_rounds"))
    user_id: Mapped[int] = mapped_column(_fk("users"))
    chosen: Mapped[int] = mapped_column(Integer)  # the bank's option index
    correct: Mapped[bool] = mapped_column(Boolean)
    elapsed_ms: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())

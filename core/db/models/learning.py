"""Learning activities and their AI cost: interviews, quizzes, reviews, skills, usage."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


class InterviewSession(Base):
    __tablename__ = "interview_sessions"
    __table_args__ = (Index("idx_interview_user_chat_status", "user_id", "chat_key", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"))
    chat_key: Mapped[str] = mapped_column(String(100))  # platform:chat id
    role: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[str] = mapped_column(String(20))
    focus_areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    persona: Mapped[str] = mapped_column(String(30))
    mode: Mapped[str] = mapped_column(String(10), default="offline")  # online | offline
    status: Mapped[str] = mapped_column(String(12), default="active")  # active|completed|abandoned
    # busy while an LLM call for this session is in flight; guards against double answers
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    transcript: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    feedback_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    overall_rating: Mapped[int | None] = mapped_column(Integer)
    strengths: Mapped[list[Any] | None] = mapped_column(JSON)
    improvements: Mapped[list[Any] | None] = mapped_column(JSON)
    next_steps: Mapped[list[Any] | None] = mapped_column(JSON)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizQuestion(Base):
    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    difficulty: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[Any]] = mapped_column(JSON)
    correct_index: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="bank")  # bank | generated | pack
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A moderator's question pack (core.features.packs): only its community is asked these.
    # None for bank and generated questions, which every community shares.
    pack_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("question_packs.id", ondelete="CASCADE"), index=True
    )


class QuestionPack(Base):
    """One upload of a community's question pack.

    Removing a pack, or replacing it by adding one of the same name, marks this row removed
    rather than deleting it: its questions stay for the quiz sessions and answers that point at
    them, and `QuizStore.pick_questions` stops choosing them. One live pack per name and
    community (the partial unique index)."""

    __tablename__ = "question_packs"
    __table_args__ = (
        Index(
            "uq_question_packs_live_name",
            "community_id",
            "name",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(_fk("communities"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    question_count: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(100))  # platform:id, or shell:<login>
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizSession(Base):
    __tablename__ = "quiz_sessions"
    __table_args__ = (Index("idx_quiz_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"))
    chat_key: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(40))
    question_ids: Mapped[list[Any]] = mapped_column(JSON)
    # The open question's shuffled option order: position p showed the bank's option [p].
    option_order: Mapped[list[Any] | None] = mapped_column(JSON)
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    correct_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="active")
    mode: Mapped[str] = mapped_column(String(10), default="offline")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("session_id", "question_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(_fk("quiz_sessions"))
    question_id: Mapped[int] = mapped_column(_fk("quiz_questions"))
    selected_index: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    time_taken_ms: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuizReviewSchedule(Base):
    """Spaced repetition (Leitner boxes): a missed question comes back when it falls due."""

    __tablename__ = "quiz_review_schedule"
    __table_args__ = (Index("idx_quiz_review_due", "user_id", "due_at"),)

    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True)
    question_id: Mapped[int] = mapped_column(_fk("quiz_questions"), primary_key=True)
    box: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CodeReview(Base):
    __tablename__ = "code_reviews"
    __table_args__ = (
        Index("idx_code_reviews_user_chat_status", "user_id", "chat_key", "status"),
        Index("idx_code_reviews_user_hash", "user_id", "code_hash"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    # Where a `/review` without code waits for its code (platform:chat id), and until when.
    chat_key: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(Text)
    # SHA-256 of the normalised code (layout and comments aside): the same code earns once.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[int | None] = mapped_column(Integer)
    approved: Mapped[bool | None] = mapped_column(Boolean)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    suggestion: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(60))  # model name or "offline"
    # awaiting_code | completed | failed | cancelled | expired | not_reviewed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SkillScore(Base):
    __tablename__ = "skill_scores"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(64))
    communication: Mapped[int] = mapped_column(Integer)
    code_quality: Mapped[int] = mapped_column(Integer)
    requirements_gathering: Mapped[int] = mapped_column(Integer)
    technical_depth: Mapped[int] = mapped_column(Integer)
    problem_solving: Mapped[int] = mapped_column(Integer)
    professionalism: Mapped[int] = mapped_column(Integer)
    overall: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AiUsage(Base):
    __tablename__ = "ai_usage"
    __table_args__ = (Index("idx_ai_usage_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    feature: Mapped[str] = mapped_column(String(30))
    model: Mapped[str] = mapped_column(String(60))
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_read_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_write_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=Decimal(0))
    status: Mapped[str] = mapped_column(String(20))
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AiBudget(Base):
    """A moderator-set monthly budget for one learner; absent means the configured default."""

    __tablename__ = "ai_budgets"

    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True)
    monthly_limit_usd: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AiSpend(Base):
    """A month's AI spend of one platform identity (core.ai.spend), kept through `/forget`.

    Holds no user id and no platform id: only their one-way hash (core.ai.spend_key), the
    month and the amounts, in millionths of a dollar so the budget check is exact arithmetic
    on both databases. `reserved` is the worst case of the calls in flight."""

    __tablename__ = "ai_spend"

    identity_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day
    spent_micros: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_micros: Mapped[int] = mapped_column(BigInteger, default=0)

"""SQLAlchemy models: the tables of DESIGN §4. Times are stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Integer keys that are BIGINT on PostgreSQL and rowid aliases on SQLite.
BigId = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}  # noqa: RUF012


def _fk(table: str) -> Any:
    return ForeignKey(f"{table}.id", ondelete="CASCADE")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    display_name: Mapped[str] = mapped_column(String(100))
    track: Mapped[str | None] = mapped_column(String(20))
    experience_level: Mapped[str | None] = mapped_column(String(20))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    onboarding_step: Mapped[str | None] = mapped_column(String(20), default="track")
    xp: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[int] = mapped_column(Integer, default=1)
    streak_current: Mapped[int] = mapped_column(Integer, default=0)
    streak_longest: Mapped[int] = mapped_column(Integer, default=0)
    streak_freezes: Mapped[int] = mapped_column(Integer, default=0)
    last_active_date: Mapped[date | None] = mapped_column(Date)
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    reminder_hour: Mapped[int] = mapped_column(Integer, default=19)
    reminder_minute: Mapped[int] = mapped_column(Integer, default=0)
    announce_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    leaderboard_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    banned_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    last_chat_xp_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recent_chat_digests: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlatformAccount(Base):
    __tablename__ = "platform_accounts"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    # Where private messages (reminders) reach this account; for Telegram and Discord the
    # private chat id, learned from the first private message.
    private_chat_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Community(Base):
    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # announce_channel, leaderboard_channel, chat_xp (bool), daily_question (bool), mod_role
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommunityMember(Base):
    __tablename__ = "community_members"

    community_id: Mapped[int] = mapped_column(_fk("communities"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


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
    source: Mapped[str] = mapped_column(String(20), default="bank")  # bank | generated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuizSession(Base):
    __tablename__ = "quiz_sessions"
    __table_args__ = (Index("idx_quiz_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"))
    chat_key: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(40))
    question_ids: Mapped[list[Any]] = mapped_column(JSON)
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
    __table_args__ = (Index("idx_code_reviews_user_chat_status", "user_id", "chat_key", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    # Where a `/review` without code waits for its code (platform:chat id), and until when.
    chat_key: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(Text)
    score: Mapped[int | None] = mapped_column(Integer)
    approved: Mapped[bool | None] = mapped_column(Boolean)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    suggestion: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(60))  # model name or "offline"
    # awaiting_code | completed | failed | cancelled | expired
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


class AdminAudit(Base):
    __tablename__ = "admin_audit"
    __table_args__ = (Index("idx_admin_audit_created", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(100))  # platform:id of who acted
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(500))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL")
    )
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_name", "period_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_name: Mapped[str] = mapped_column(String(60))
    period_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LinkCode(Base):
    __tablename__ = "link_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PollLink(Base):
    """Maps a platform's poll id to the callback data its answers stand for."""

    __tablename__ = "poll_links"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    poll_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

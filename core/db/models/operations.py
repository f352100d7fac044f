"""Running the bot: the audit log, processed events, job runs, link codes, poll links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


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
    # Refused attempts by the same actor for the same action, folded into one entry an hour,
    # so a flood of refusals cannot push real entries out of the log.
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
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
    # Where the poll was posted (a group's answers stay in the group) and the explanation that
    # did not fit the poll: both must outlive a restart, like the link itself.
    chat_id: Mapped[str | None] = mapped_column(String(64))
    chat_title: Mapped[str | None] = mapped_column(String(200))
    # The forum topic it was posted in, so its answers land in that topic too.
    topic_id: Mapped[int | None] = mapped_column(BigInteger)
    explanation: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

"""Learners, their platform accounts, and communities with their members."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


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
    # /settings card off: /profile answers in text, without the rank card image.
    card_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    banned_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    last_chat_xp_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recent_chat_digests: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Model work the learner has open, as core.open_work.OpenWork bits (0: none).
    open_work: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # The few learners hidden from boards (core.leaderboard counts them out of a weekly rank).
    __table_args__ = (
        Index(
            "ix_users_hidden",
            "id",
            sqlite_where=text("banned = 1 OR leaderboard_opt_out = 1"),
            postgresql_where=text("banned OR leaderboard_opt_out"),
        ),
    )


class PlatformAccount(Base):
    __tablename__ = "platform_accounts"
    __table_args__ = (
        UniqueConstraint("platform", "platform_user_id"),
        Index("ix_platform_accounts_username", "username"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    # The platform's handle (Telegram's @username), lower-case, so `@name` finds the member.
    username: Mapped[str | None] = mapped_column(String(64))
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
    # core.community_settings.CommunitySettings as JSON: read with settings_of, written only
    # through CommunityRepository.change_settings (which checks every value).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommunityMember(Base):
    __tablename__ = "community_members"

    community_id: Mapped[int] = mapped_column(_fk("communities"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())

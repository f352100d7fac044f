"""A community's own view of its members: bans that hold only there, and XP adjustments that
move only its boards.

Community moderators act on their community alone (DESIGN §9): a ban here never reaches a
learner's private chats or other communities, and an adjustment never changes global XP.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


class CommunityBan(Base):
    __tablename__ = "community_bans"

    community_id: Mapped[int] = mapped_column(_fk("communities"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_fk("users"), primary_key=True, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(500))
    # The learner is told once, then Dojo stays silent to them in that community.
    notified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommunityXp(Base):
    """One moderator adjustment of a learner's standing in one community (+ grant, - revoke)."""

    __tablename__ = "community_xp"
    __table_args__ = (
        Index("idx_community_xp_board", "community_id", "created_at", "user_id", "amount"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(_fk("communities"))
    user_id: Mapped[int] = mapped_column(_fk("users"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    # The audit entry it came from (who and why).
    audit_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

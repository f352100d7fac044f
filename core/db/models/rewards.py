"""Role rewards: the platform role a community gives at a level (`/admin reward`).

One row per (community, level). `broken_at` is set once, by whoever first finds the role gone
or out of the bot's reach; a broken reward is neither applied nor reported again until a
moderator sets it anew.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, BigId, UTCDateTime, _fk


class RoleReward(Base):
    __tablename__ = "role_rewards"

    community_id: Mapped[int] = mapped_column(_fk("communities"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[str] = mapped_column(String(32))
    role_name: Mapped[str] = mapped_column(String(100))
    # The moderator who set it: told (privately) if the role breaks later.
    set_by: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    broken_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    broken_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)

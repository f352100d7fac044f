"""A community's public web page (`/admin web on`): the address's token, kept so the same
address can be shown again, and its SHA-256, by which a request finds the page.

Looking a page up by the token's hash, not the token, means the database compares hashes:
how long a lookup of a guessed token takes says nothing about the real token's characters.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models.base import Base, UTCDateTime, _fk


class CommunityWebPage(Base):
    __tablename__ = "community_web_pages"

    community_id: Mapped[int] = mapped_column(_fk("communities"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

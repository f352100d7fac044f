"""The badge catalogue and who holds which badge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Achievement, UserAchievement
from core.db.upsert import insert_ignore

_OWNED_BADGES = (
    select(Achievement, UserAchievement.unlocked_at)
    .join(UserAchievement, UserAchievement.achievement_id == Achievement.id)
    .where(UserAchievement.user_id == bindparam("user_id"))
    .order_by(UserAchievement.unlocked_at)
)


class AchievementRepository:
    def __init__(self, session: AsyncSession, cache: dict[str, Any] | None = None) -> None:
        self.session = session
        self._cache = cache if cache is not None else {}

    async def catalogue(self) -> Sequence[Achievement]:
        return (await self.session.scalars(select(Achievement).order_by(Achievement.id))).all()

    async def catalogue_criteria(self) -> dict[str, tuple[int, dict[str, Any]]]:
        """slug -> (id, criteria); the catalogue only changes by migration, so it is cached."""
        if not self._cache.get("criteria"):
            rows = await self.session.execute(
                select(Achievement.slug, Achievement.id, Achievement.criteria)
            )
            self._cache["criteria"] = {slug: (id_, criteria) for slug, id_, criteria in rows.all()}
        cached: dict[str, tuple[int, dict[str, Any]]] = self._cache["criteria"]
        return cached

    async def get(self, achievement_id: int) -> Achievement | None:
        return await self.session.get(Achievement, achievement_id)

    async def by_slug(self, slug: str) -> Achievement | None:
        return await self.session.scalar(select(Achievement).where(Achievement.slug == slug))

    async def owned_ids(self, user_id: int) -> set[int]:
        rows = await self.session.scalars(
            select(UserAchievement.achievement_id).where(UserAchievement.user_id == user_id)
        )
        return set(rows.all())

    async def owned(self, user_id: int) -> Sequence[tuple[Achievement, datetime]]:
        rows = await self.session.execute(_OWNED_BADGES, {"user_id": user_id})
        return [(row[0], row[1]) for row in rows.all()]

    async def unlock(self, user_id: int, achievement_id: int, now: datetime) -> bool:
        return await insert_ignore(
            self.session,
            UserAchievement,
            {"user_id": user_id, "achievement_id": achievement_id, "unlocked_at": now},
            ["user_id", "achievement_id"],
        )

    async def revoke(self, user_id: int, achievement_id: int) -> bool:
        row = await self.session.scalar(
            select(UserAchievement).where(
                UserAchievement.user_id == user_id,
                UserAchievement.achievement_id == achievement_id,
            )
        )
        if row is None:
            return False
        await self.session.delete(row)
        return True

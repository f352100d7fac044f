"""Repositories for the spine of Dojo: learners, accounts, communities, XP, badges, events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from core.db.models import (
    Achievement,
    ActivityLog,
    AdminAudit,
    Community,
    CommunityMember,
    PlatformAccount,
    ProcessedEvent,
    User,
    UserAchievement,
    XpLedger,
    XpWeekly,
)
from core.db.upsert import insert_ignore, insert_or_add
from core.messages import CommunityRef, UserRef

MAX_NAME = 100


def utc_week_start(moment: datetime) -> date:
    """The Monday (UTC) of the week containing `moment`: the key of weekly XP."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def account(self, platform: str, platform_user_id: str) -> PlatformAccount | None:
        return await self.session.scalar(
            select(PlatformAccount).where(
                PlatformAccount.platform == platform,
                PlatformAccount.platform_user_id == platform_user_id,
            )
        )

    async def by_account(self, platform: str, platform_user_id: str) -> User | None:
        account = await self.account(platform, platform_user_id)
        return None if account is None else await self.get(account.user_id)

    async def ensure(self, ref: UserRef, now: datetime) -> tuple[User, PlatformAccount]:
        """The learner behind a platform identity, created on first contact.

        Two first messages racing (two processes, or a double tap) both try to create the
        account; the loser's savepoint rolls back and it reads the winner's row.
        """
        name = (ref.display_name or ref.id)[:MAX_NAME]
        found = (
            await self.session.execute(
                select(PlatformAccount, User)
                .join(User, User.id == PlatformAccount.user_id)
                .where(
                    PlatformAccount.platform == ref.platform,
                    PlatformAccount.platform_user_id == ref.id,
                )
            )
        ).first()
        if found is not None:
            account, user = found
        else:
            try:
                async with self.session.begin_nested():
                    account = await self._create(ref, name, now)
            except IntegrityError:
                account = await self.account(ref.platform, ref.id)
                if account is None:
                    raise
            found_user = await self.get(account.user_id)
            if found_user is None:
                raise LookupError(f"account {ref.key} points at no user")
            user = found_user
        if account.display_name != name:
            account.display_name = name
        return user, account

    async def _create(self, ref: UserRef, name: str, now: datetime) -> PlatformAccount:
        user = User(display_name=name, created_at=now, updated_at=now, xp=0, level=1)
        self.session.add(user)
        await self.session.flush()
        account = PlatformAccount(
            platform=str(ref.platform),
            platform_user_id=ref.id,
            user_id=user.id,
            display_name=name,
            created_at=now,
        )
        self.session.add(account)
        await self.session.flush()
        return account

    async def accounts_of(self, user_id: int) -> Sequence[PlatformAccount]:
        rows = await self.session.scalars(
            select(PlatformAccount).where(PlatformAccount.user_id == user_id)
        )
        return rows.all()

    async def find(self, needle: str) -> User | None:
        """A learner named by `platform:id`, by numeric Dojo id (`#12`) or by display name."""
        needle = needle.strip().lstrip("@")
        if needle.startswith("#") and needle[1:].isdigit():
            return await self.get(int(needle[1:]))
        platform, sep, platform_id = needle.partition(":")
        if sep:
            return await self.by_account(platform, platform_id)
        return await self.session.scalar(
            select(User).where(func.lower(User.display_name) == needle.lower()).limit(1)
        )

    async def delete(self, user: User) -> None:
        await self.session.delete(user)


class XpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def award(
        self,
        user_id: int,
        source: str,
        reference: str,
        amount: int,
        now: datetime,
        community_id: int | None = None,
    ) -> int | None:
        """Add a ledger entry once per (user, source, reference); returns the new xp or None.

        The users.xp column moves in the same statement order as the ledger, so it always
        equals the ledger's sum, also under concurrent awards on PostgreSQL.
        """
        inserted = await insert_ignore(
            self.session,
            XpLedger,
            {
                "user_id": user_id,
                "source": source,
                "reference": reference[:128],
                "amount": amount,
                "community_id": community_id,
                "created_at": now,
            },
            ["user_id", "source", "reference"],
        )
        if not inserted:
            return None
        await insert_or_add(
            self.session,
            XpWeekly,
            {"user_id": user_id, "week_start": utc_week_start(now), "xp": amount},
            ["user_id", "week_start"],
            "xp",
        )
        new_xp = await self.session.scalar(
            update(User)
            .where(User.id == user_id)
            .values(xp=User.xp + amount, updated_at=now)
            .returning(User.xp)
            .execution_options(synchronize_session=False)
        )
        user = self.session.identity_map.get(identity_key(User, user_id))
        if user is not None and new_xp is not None:
            # Keep the loaded learner in step with the row without scheduling another UPDATE.
            set_committed_value(user, "xp", new_xp)
            set_committed_value(user, "updated_at", now)
        return new_xp

    async def rebuild_weekly(self, user_id: int) -> None:
        """Recompute a learner's weekly XP from the ledger (after a merge of two learners)."""
        await self.session.execute(delete(XpWeekly).where(XpWeekly.user_id == user_id))
        rows = await self.session.execute(
            select(XpLedger.created_at, XpLedger.amount).where(XpLedger.user_id == user_id)
        )
        totals: dict[date, int] = {}
        for created_at, amount in rows.all():
            week = utc_week_start(created_at)
            totals[week] = totals.get(week, 0) + amount
        self.session.add_all(
            XpWeekly(user_id=user_id, week_start=week, xp=xp) for week, xp in totals.items()
        )

    async def ledger_sum(self, user_id: int) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(XpLedger.amount), 0)).where(XpLedger.user_id == user_id)
        )
        return int(total or 0)

    async def earned_since(
        self, user_id: int, since: datetime, community_id: int | None = None
    ) -> int:
        query = select(func.coalesce(func.sum(XpLedger.amount), 0)).where(
            XpLedger.user_id == user_id, XpLedger.created_at >= since
        )
        if community_id is not None:
            query = query.where(XpLedger.community_id == community_id)
        return int(await self.session.scalar(query) or 0)


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def log(
        self,
        user_id: int,
        event_type: str,
        now: datetime,
        *,
        context: tuple[str, str] | None = None,
        score: int | None = None,
        meta: dict[str, Any] | None = None,
        community_id: int | None = None,
    ) -> None:
        self.session.add(
            ActivityLog(
                user_id=user_id,
                event_type=event_type,
                context_type=context[0] if context else None,
                context_id=context[1] if context else None,
                score=score,
                meta=meta or {},
                community_id=community_id,
                created_at=now,
            )
        )

    async def count(self, user_id: int, event_type: str, min_score: int | None = None) -> int:
        query = select(func.count()).where(
            ActivityLog.user_id == user_id, ActivityLog.event_type == event_type
        )
        if min_score is not None:
            query = query.where(ActivityLog.score >= min_score)
        return int(await self.session.scalar(query) or 0)


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

    async def by_slug(self, slug: str) -> Achievement | None:
        return await self.session.scalar(select(Achievement).where(Achievement.slug == slug))

    async def owned_ids(self, user_id: int) -> set[int]:
        rows = await self.session.scalars(
            select(UserAchievement.achievement_id).where(UserAchievement.user_id == user_id)
        )
        return set(rows.all())

    async def owned(self, user_id: int) -> Sequence[tuple[Achievement, datetime]]:
        rows = await self.session.execute(
            select(Achievement, UserAchievement.unlocked_at)
            .join(UserAchievement, UserAchievement.achievement_id == Achievement.id)
            .where(UserAchievement.user_id == user_id)
            .order_by(UserAchievement.unlocked_at)
        )
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


class CommunityRepository:
    def __init__(self, session: AsyncSession, cache: dict[str, Any] | None = None) -> None:
        self.session = session
        self._cache = cache if cache is not None else {}
        self._written: set[tuple[int, int]] = set()

    def committed(self) -> None:
        """Memberships written in a committed transaction need never be written again."""
        known: set[tuple[int, int]] = self._cache.setdefault("members", set())
        if len(known) > 200_000:
            known.clear()
        known.update(self._written)
        self._written.clear()

    async def get(self, community_id: int) -> Community | None:
        return await self.session.get(Community, community_id)

    async def by_ref(self, platform: str, external_id: str) -> Community | None:
        return await self.session.scalar(
            select(Community).where(
                Community.platform == platform, Community.external_id == external_id
            )
        )

    async def ensure(self, ref: CommunityRef, now: datetime) -> Community:
        community = await self.by_ref(ref.platform, ref.id)
        if community is None:
            await insert_ignore(
                self.session,
                Community,
                {
                    "platform": str(ref.platform),
                    "external_id": ref.id,
                    "name": ref.name[:200],
                    "time_zone": "UTC",
                    "settings": {},
                    "created_at": now,
                },
                ["platform", "external_id"],
            )
            community = await self.by_ref(ref.platform, ref.id)
            assert community is not None
        elif ref.name and community.name != ref.name[:200]:
            community.name = ref.name[:200]
        return community

    async def add_member(self, community_id: int, user_id: int, now: datetime) -> None:
        """Record membership once; known members skip the write (a per-process memory)."""
        known: set[tuple[int, int]] = self._cache.setdefault("members", set())
        if (community_id, user_id) in known:
            return
        self._written.add((community_id, user_id))
        await insert_ignore(
            self.session,
            CommunityMember,
            {"community_id": community_id, "user_id": user_id, "joined_at": now},
            ["community_id", "user_id"],
        )

    async def all(self) -> Sequence[Community]:
        return (await self.session.scalars(select(Community).order_by(Community.id))).all()


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record a platform event id; False if it was seen before (a redelivery)."""
        return await insert_ignore(
            self.session,
            ProcessedEvent,
            {"platform": platform, "event_id": event_id[:100], "created_at": now},
            ["platform", "event_id"],
        )


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        actor: str,
        action: str,
        now: datetime,
        *,
        target: str | None = None,
        reason: str | None = None,
        community_id: int | None = None,
        allowed: bool = True,
    ) -> None:
        self.session.add(
            AdminAudit(
                actor=actor[:100],
                action=action[:40],
                target=target[:200] if target else None,
                reason=reason[:500] if reason else None,
                community_id=community_id,
                allowed=allowed,
                created_at=now,
            )
        )

    async def recent(
        self, limit: int = 20, community_id: int | None = None
    ) -> Sequence[AdminAudit]:
        query = select(AdminAudit).order_by(AdminAudit.id.desc()).limit(limit)
        if community_id is not None:
            query = query.where(AdminAudit.community_id == community_id)
        return (await self.session.scalars(query)).all()

"""Repositories for who is who: learners, accounts, communities, platform events, the audit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.community_settings import CommunitySettings, checked, settings_of
from core.db.models import (
    Community,
    CommunityMember,
    PlatformAccount,
    ProcessedEvent,
    User,
    table_of,
)
from core.db.upsert import dialect_insert, insert_ignore
from core.messages import CommunityRef, UserRef

MAX_NAME = 100

# Every event resolves its learner and community: these statements are built once (values
# arrive as bound parameters), since building one costs more than running it.
_ACCOUNT_WITH_USER = select(PlatformAccount, User).join(User, User.id == PlatformAccount.user_id)
_ACCOUNT_BY_REF = _ACCOUNT_WITH_USER.where(
    PlatformAccount.platform == bindparam("platform"),
    PlatformAccount.platform_user_id == bindparam("platform_user_id"),
)
_ACCOUNTS_BY_REFS = _ACCOUNT_WITH_USER.where(
    PlatformAccount.platform == bindparam("platform"),
    PlatformAccount.platform_user_id.in_(bindparam("ids", expanding=True)),
)
_COMMUNITY_BY_REF = select(Community).where(
    Community.platform == bindparam("platform"),
    Community.external_id == bindparam("external_id"),
)
_COMMUNITIES_BY_REFS = select(Community).where(
    Community.platform == bindparam("platform"),
    Community.external_id.in_(bindparam("ids", expanding=True)),
)


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # Learners this unit of work has resolved, by platform identity (see `preload`).
        self._resolved: dict[tuple[str, str], tuple[PlatformAccount, User]] = {}

    def forget_resolved(self) -> None:
        """After a rollback the resolved rows may be gone; resolve afresh."""
        self._resolved.clear()

    async def preload(self, refs: Sequence[UserRef]) -> dict[str, int]:
        """Resolve many platform identities in one query per platform (a batch of events).
        Returns the user id of each that is already known, by `UserRef.key`."""
        wanted: dict[str, set[str]] = {}
        for ref in refs:
            if (str(ref.platform), ref.id) not in self._resolved:
                wanted.setdefault(str(ref.platform), set()).add(ref.id)
        for platform, ids in wanted.items():
            if len(ids) == 1:  # the simpler statement: no list to expand
                (one,) = ids
                rows = await self.session.execute(
                    _ACCOUNT_BY_REF, {"platform": platform, "platform_user_id": one}
                )
            else:
                rows = await self.session.execute(
                    _ACCOUNTS_BY_REFS, {"platform": platform, "ids": sorted(ids)}
                )
            for account, user in rows:
                self._resolved[(platform, account.platform_user_id)] = (account, user)
        return {
            ref.key: found[1].id
            for ref in refs
            if (found := self._resolved.get((str(ref.platform), ref.id))) is not None
        }

    def remember(self, account: PlatformAccount, user: User) -> None:
        """A learner loaded elsewhere (core.db.claim_pg), for `ensure` to find."""
        self._resolved[(account.platform, account.platform_user_id)] = (account, user)

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
        key = (str(ref.platform), ref.id)
        found = (
            self._resolved.get(key)
            or (
                await self.session.execute(
                    _ACCOUNT_BY_REF, {"platform": key[0], "platform_user_id": ref.id}
                )
            ).first()
        )
        if found is not None:
            account, user = found
        else:
            try:
                async with self.session.begin_nested():
                    account = await self._create(ref, name, now)
            except IntegrityError:
                winner = await self.account(ref.platform, ref.id)
                if winner is None:
                    raise
                account = winner
            found_user = await self.get(account.user_id)
            if found_user is None:
                raise LookupError(f"account {ref.key} points at no user")
            user = found_user
        if account.display_name != name:
            account.display_name = name
        handle = ref.username.lower() or None
        if account.username != handle:
            account.username = handle
        self._resolved[key] = (account, user)
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
            username=ref.username.lower() or None,
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

    async def find_all(
        self, needle: str, *, community_id: int | None = None, limit: int = 6
    ) -> Sequence[User]:
        """Every learner `needle` may mean (up to `limit`), among a community's members when
        `community_id` is given."""
        needle = needle.strip().lstrip("@")
        query = select(User)
        if needle.startswith("#") and needle[1:].isdigit():
            query = query.where(User.id == int(needle[1:12]))
        elif ":" in needle:
            platform, _, platform_id = needle.partition(":")
            query = query.join(PlatformAccount, PlatformAccount.user_id == User.id).where(
                PlatformAccount.platform == platform.lower(),
                PlatformAccount.platform_user_id == platform_id,
            )
        else:
            # A display name, or a handle (`@name` on Telegram) of one of the learner's accounts.
            handles = select(PlatformAccount.user_id).where(
                PlatformAccount.username == needle.lower()
            )
            query = query.where(
                or_(func.lower(User.display_name) == needle.lower(), User.id.in_(handles))
            )
        if community_id is not None:
            query = query.join(
                CommunityMember,
                (CommunityMember.user_id == User.id)
                & (CommunityMember.community_id == community_id),
            )
        return (await self.session.scalars(query.order_by(User.id).limit(limit))).all()

    async def delete(self, user: User) -> None:
        self._resolved = {key: pair for key, pair in self._resolved.items() if pair[1] is not user}
        await self.session.delete(user)


class CommunityRepository:
    def __init__(self, session: AsyncSession, cache: dict[str, Any] | None = None) -> None:
        self.session = session
        self._cache = cache if cache is not None else {}
        self._written: set[tuple[int, int]] = set()
        # Communities this unit of work has resolved, by platform id (see `preload`).
        self._resolved: dict[tuple[str, str], Community] = {}

    def committed(self) -> None:
        """Memberships written in a committed transaction need never be written again."""
        known: set[tuple[int, int]] = self._cache.setdefault("members", set())
        if len(known) > 200_000:
            known.clear()
        known.update(self._written)
        self._written.clear()

    def forget_member(self, user_id: int) -> None:
        """A learner deleted or merged away: their memberships must be written again."""
        known: set[tuple[int, int]] = self._cache.setdefault("members", set())
        for key in [key for key in known if key[1] == user_id]:
            known.discard(key)
        self._written = {key for key in self._written if key[1] != user_id}

    def snapshot(self) -> tuple[set[tuple[int, int]], dict[tuple[str, str], Community]]:
        return set(self._written), dict(self._resolved)

    def restore(
        self, snapshot: tuple[set[tuple[int, int]], dict[tuple[str, str], Community]]
    ) -> None:
        """Back to a savepoint: memberships written after it were rolled back with it."""
        self._written, self._resolved = set(snapshot[0]), dict(snapshot[1])

    def rolled_back(self) -> None:
        """Forget what the rollback undid: memberships written, communities resolved."""
        self._written.clear()
        self._resolved.clear()

    async def get(self, community_id: int) -> Community | None:
        return await self.session.get(Community, community_id)

    async def by_ref(self, platform: str, external_id: str) -> Community | None:
        return await self.session.scalar(
            _COMMUNITY_BY_REF, {"platform": str(platform), "external_id": external_id}
        )

    async def preload(self, refs: Sequence[CommunityRef]) -> None:
        """Resolve many communities in one query per platform (a batch of events)."""
        wanted: dict[str, set[str]] = {}
        for ref in refs:
            if (str(ref.platform), ref.id) not in self._resolved:
                wanted.setdefault(str(ref.platform), set()).add(ref.id)
        for platform, ids in wanted.items():
            found = await self.session.scalars(
                _COMMUNITIES_BY_REFS, {"platform": platform, "ids": sorted(ids)}
            )
            for community in found:
                self._resolved[(platform, community.external_id)] = community

    async def ensure_all(self, refs: Sequence[CommunityRef], now: datetime) -> None:
        """`ensure` a batch's communities up front, in one order for every batch: creating or
        renaming a community locks its row, and two batches running at once (PostgreSQL) taking the
        same rows in different orders would deadlock."""
        await self.preload(refs)
        latest = {(str(ref.platform), ref.id): ref for ref in refs}
        for key in sorted(latest):
            await self.ensure(latest[key], now)

    async def ensure(self, ref: CommunityRef, now: datetime) -> Community:
        key = (str(ref.platform), ref.id)
        community = self._resolved.get(key) or await self.by_ref(ref.platform, ref.id)
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
        self._resolved[key] = community
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

    def change_settings(self, community: Community, **changes: object) -> CommunitySettings:
        """The one way to change a community's settings (core.community_settings): each change
        is checked, InvalidSetting refusing it before anything is stored; the row gets a new
        JSON object, so the ORM sees the column change and saves it with the transaction."""
        settings = checked(settings_of(community.settings), changes)
        community.settings = settings.to_json()
        return settings


@lru_cache(maxsize=4)
def _claim_rows(dialect: str) -> Any:
    """Claim event ids, returning those that were new. Run with a list of rows, SQLAlchemy
    sends it as one multi-row INSERT ("insertmanyvalues") from one cached compiled form; a
    statement written with many VALUES rows would instead be compiled afresh every time."""
    table = table_of(ProcessedEvent)
    return (
        dialect_insert(dialect, table)
        .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        .returning(table.c.platform, table.c.event_id)
    )


def claim_keys(events: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(platform, event_id[:100]) for platform, event_id in events]


def claimed_flags(keys: Sequence[tuple[str, str]], fresh: set[tuple[str, str]]) -> list[bool]:
    """Per event, whether its claim was new; an id repeated in the batch is new once."""
    flags = []
    for key in keys:
        flags.append(key in fresh)
        fresh.discard(key)
    return flags


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim_many(self, events: Sequence[tuple[str, str]], now: datetime) -> list[bool]:
        """`claim` for a batch of (platform, event id) pairs in one statement; an id repeated
        within the batch counts as fresh once, like a redelivery."""
        keys = claim_keys(events)
        unique = list(dict.fromkeys(keys))
        if len(unique) <= 1:
            fresh = {key for key in unique if await self.claim(*key, now)}
        else:
            rows = [
                {"platform": platform, "event_id": event_id, "created_at": now}
                for platform, event_id in unique
            ]
            statement = _claim_rows(self.session.get_bind().dialect.name)
            inserted = await self.session.execute(statement, rows)
            fresh = {(platform, event_id) for platform, event_id in inserted.all()}
        return claimed_flags(keys, fresh)

    async def release(self, events: Sequence[tuple[str, str]]) -> None:
        """Undo this transaction's claims of these ids (events handed back to run alone)."""
        for platform, event_id in dict.fromkeys(claim_keys(events)):
            await self.session.execute(
                delete(ProcessedEvent).where(
                    ProcessedEvent.platform == platform, ProcessedEvent.event_id == event_id
                )
            )

    async def claim(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record a platform event id; False if it was seen before (a redelivery)."""
        return await insert_ignore(
            self.session,
            ProcessedEvent,
            {"platform": platform, "event_id": event_id[:100], "created_at": now},
            ["platform", "event_id"],
        )

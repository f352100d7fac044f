"""The async unit of work: one database transaction scope with its repositories."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.db.audit import AuditRepository
from core.db.badges import AchievementRepository
from core.db.claim_pg import claim_and_resolve_statement
from core.db.claim_pg import parameters as claim_parameters
from core.db.learner_row import HeldWrites
from core.db.ledger import ActivityRepository, XpRepository
from core.db.repositories import (
    CommunityRepository,
    EventRepository,
    UserRepository,
    claim_keys,
    claimed_flags,
)
from core.db.repository import Repository
from core.db.standing import StandingRepository
from core.messages import UserRef

# Python's sqlite3 opens a transaction only before a write. A SAVEPOINT outside one would
# start a transaction of its own that its RELEASE then commits, outside the batch's; a write
# that matches no row makes sure the batch's transaction is open first. (It takes the write
# lock, which a batch is about to take anyway.)
_OPEN_SQLITE_TRANSACTION = text("DELETE FROM community_bans WHERE 0 = 1")

RepositoryT = TypeVar("RepositoryT", bound=Repository)


class SharedTransaction(Exception):
    """A handler asked to commit inside a batch of events (core.batching), whose transaction is
    not its own to commit; the batch rolls back and its events run again, each alone."""


class UnitOfWork:
    """Commit is explicit; leaving the block without committing rolls back."""

    def __init__(self, session: AsyncSession, cache: dict[str, Any] | None = None) -> None:
        self.session = session
        # True while the transaction is shared by a batch of events: commits are refused.
        self.shared = False
        # Commits made so far: work that may not be run again from the start.
        self.commits = 0
        # Learner-row changes written at commit (core.db.learner_row.HeldWrites).
        self.held = HeldWrites()
        self.users = UserRepository(session, self.held)
        self.xp = XpRepository(session, self.held)
        self.activity = ActivityRepository(session)
        self.achievements = AchievementRepository(session, cache)
        self.communities = CommunityRepository(session, cache)
        self.events = EventRepository(session)
        self.audit = AuditRepository(session)
        self.standing = StandingRepository(session)
        self._sqlite_opened = False  # see _OPEN_SQLITE_TRANSACTION
        self._repositories: dict[type[Repository], Repository] = {}

    def repository(self, kind: type[RepositoryT]) -> RepositoryT:
        """A feature's own repository (core.db.repository), one per unit of work."""
        found = self._repositories.get(kind)
        if found is None:
            found = self._repositories[kind] = kind(self.session)
        assert isinstance(found, kind)
        return found

    async def __aenter__(self) -> UnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever is still open; a committed unit of work has nothing left.
        await self.session.close()

    async def commit(self) -> None:
        if self.shared:
            raise SharedTransaction
        await self.held.write(self.session)
        await self.session.commit()
        self._sqlite_opened = False
        self.commits += 1
        self.communities.committed()

    async def rollback(self) -> None:
        self.held.forget()
        await self.session.rollback()
        self._sqlite_opened = False
        self.users.forget_resolved()
        self.communities.rolled_back()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """One event's share of a batch: if it raises, only its writes are undone (a
        SAVEPOINT), together with what the repositories remembered about them, and the
        error goes on to the caller; the rest of the batch's transaction stands."""
        held = self.held.snapshot()
        communities = self.communities.snapshot()
        if self.dialect == "sqlite" and not self._sqlite_opened:
            await self.session.execute(_OPEN_SQLITE_TRANSACTION)
            self._sqlite_opened = True
        nested = await self.session.begin_nested()
        try:
            yield
        except BaseException:
            if nested.is_active:
                await nested.rollback()
            self.held.restore(held)
            self.communities.restore(communities)
            self.users.forget_resolved()  # rows the savepoint touched are expired: reload
            raise
        else:
            if nested.is_active:
                await nested.commit()

    def forget_learner(self, user_id: int) -> None:
        """Drop every in-process memory of a learner: after /forget, a /link merge or a ban,
        nothing remembered about the old row may decide what happens to the next event."""
        self.users.forget_resolved()
        self.communities.forget_member(user_id)

    async def claim_and_preload(
        self, events: Sequence[tuple[str, str]], learners: Sequence[UserRef], now: datetime
    ) -> list[bool]:
        """A batch's first work: claim its event ids (`EventRepository.claim_many`) and load
        its learners (`UserRepository.preload`). One statement on PostgreSQL when the
        learners share a platform (core.db.claim_pg); on SQLite, a batch of one leaves its
        learner to `ensure`, whose statement is simpler."""
        platforms = {str(ref.platform) for ref in learners}
        if self.dialect != "postgresql" or len(platforms) != 1 or not events:
            claimed = await self.events.claim_many(events, now)
            if len(learners) > 1:
                await self.users.preload(learners)
            return claimed
        keys = claim_keys(events)
        unique = list(dict.fromkeys(keys))
        user_ids = sorted({ref.id for ref in learners})
        rows = await self.session.execute(
            claim_and_resolve_statement(),
            claim_parameters(unique, now, platforms.pop(), user_ids),
        )
        fresh: set[tuple[str, str]] = set()
        for fresh_platforms, fresh_ids, account, user in rows:
            fresh = set(zip(fresh_platforms or (), fresh_ids or (), strict=True))
            if account is not None and user is not None:
                self.users.remember(account, user)
        return claimed_flags(keys, fresh)

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name


class UnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
        # Per-engine cache of data that only migrations change (the badge catalogue).
        self.cache: dict[str, Any] = {}

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self._sessions(), self.cache)

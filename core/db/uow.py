"""The async unit of work: one database transaction scope with its repositories."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.db.audit import AuditRepository
from core.db.backend import StorageBackend
from core.db.backends import backend_for
from core.db.badges import AchievementRepository
from core.db.learner_row import SESSION_KEY, LearnerChanges, LearnerSession
from core.db.ledger import ActivityRepository, XpRepository
from core.db.models import User
from core.db.moves import StandingMoves
from core.db.repositories import CommunityRepository, EventRepository, UserRepository
from core.db.repository import Repository
from core.db.standing import StandingRepository
from core.messages import UserRef

RepositoryT = TypeVar("RepositoryT", bound=Repository)


class SharedTransaction(Exception):
    """A handler asked to commit inside a batch of events (core.batching), whose transaction is
    not its own to commit; the batch rolls back and its events run again, each alone."""


class UnitOfWork:
    """Commit is explicit; leaving the block without committing rolls back."""

    def __init__(
        self,
        session: AsyncSession,
        cache: dict[str, Any] | None = None,
        *,
        backend: StorageBackend,
    ) -> None:
        self.session = session
        self.backend = backend
        # True while the transaction is shared by a batch of events: commits are refused.
        self.shared = False
        # Commits made so far: work that may not be run again from the start.
        self.commits = 0
        # The one way to change a learner's row: `uow.learners.change(user, column=value)`.
        self.learners = LearnerChanges()
        session.sync_session.info[SESSION_KEY] = self.learners
        self.users = UserRepository(session)
        # Whose XP or community standing moved (role rewards follow it, after the commit).
        self.moves = StandingMoves()
        self.xp = XpRepository(session, self.learners, backend, self.moves)
        self.activity = ActivityRepository(session)
        self.achievements = AchievementRepository(session, cache)
        self.communities = CommunityRepository(session, cache)
        self.events = EventRepository(session)
        self.audit = AuditRepository(session)
        self.standing = StandingRepository(session, self.moves)
        self._opened = False  # see StorageBackend.open_transaction
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
        await self.learners.write(self.session)
        await self.session.commit()
        self._opened = False
        self.commits += 1
        self.communities.committed()

    async def rollback(self) -> None:
        self.learners.forget()
        self.moves.clear()
        await self.session.rollback()
        self._opened = False
        self.users.forget_resolved()
        self.communities.rolled_back()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """One event's share of a batch: if it raises, only its writes are undone (a
        SAVEPOINT), together with what the repositories remembered about them, and the
        error goes on to the caller; the rest of the batch's transaction stands."""
        learners = self.learners.mark()
        communities = self.communities.snapshot()
        if not self._opened:
            await self.backend.open_transaction(self.session)
            self._opened = True
        nested = await self.session.begin_nested()
        try:
            yield
        except BaseException:
            if nested.is_active:
                await nested.rollback()
            self.learners.back_to(learners)
            self.communities.restore(communities)
            self.users.forget_resolved()  # rows the savepoint touched are expired: reload
            raise
        else:
            if nested.is_active:
                await nested.commit()

    async def delete_learner(self, user: User) -> None:
        """Delete a learner's row (their accounts moved or deleted already), what is pending
        for it and every in-process memory of it (`forget_learner`), so no feature has to
        know about those memories."""
        await self.users.delete(user)
        await self.session.flush()
        self.learners.drop(user.id)
        self.forget_learner(user.id)

    def forget_learner(self, user_id: int) -> None:
        """Drop every in-process memory of a learner: after /forget, a /link merge or a ban,
        nothing remembered about the old row may decide what happens to the next event."""
        self.users.forget_resolved()
        self.communities.forget_member(user_id)

    async def claim_and_preload(
        self, events: Sequence[tuple[str, str]], learners: Sequence[UserRef], now: datetime
    ) -> list[bool]:
        """A batch's first work: claim its event ids (per event, whether it was new) and load
        its learners, as the storage back end does it best (core.db.backend)."""
        return await self.backend.claim_and_preload(
            self.session, self.events, self.users, events, learners, now
        )

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name


class UnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, backend: StorageBackend | None = None) -> None:
        self.engine = engine
        self.backend = backend or backend_for(engine)
        self._sessions = async_sessionmaker(
            engine, expire_on_commit=False, autoflush=True, sync_session_class=LearnerSession
        )
        # Per-engine cache of data that only migrations change (the badge catalogue).
        self.cache: dict[str, Any] = {}

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self._sessions(), self.cache, backend=self.backend)

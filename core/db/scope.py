"""What a quick handler may use of a unit of work: its repositories, not its transaction.

A quick handler shares its batch's transaction with other learners' events (core.batching),
so committing, rolling back or opening a savepoint is the router's alone. `Repositories` is
the type such a handler sees (core.context.QuickContext) and `RepositoryView` the object it
gets: both lack `commit`, `rollback` and `savepoint`, so mypy refuses a quick handler that
calls them and, were it to try anyway, there is nothing to call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from core.db.repository import Repository

if TYPE_CHECKING:
    from core.db.audit import AuditRepository
    from core.db.badges import AchievementRepository
    from core.db.learner_row import LearnerChanges
    from core.db.ledger import ActivityRepository, XpRepository
    from core.db.models import User
    from core.db.repositories import CommunityRepository, UserRepository
    from core.db.standing import StandingRepository
    from core.db.uow import UnitOfWork

RepositoryT = TypeVar("RepositoryT", bound=Repository)


class Repositories(Protocol):
    @property
    def learners(self) -> LearnerChanges: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def xp(self) -> XpRepository: ...

    @property
    def activity(self) -> ActivityRepository: ...

    @property
    def achievements(self) -> AchievementRepository: ...

    @property
    def communities(self) -> CommunityRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def standing(self) -> StandingRepository: ...

    @property
    def dialect(self) -> str: ...

    def forget_learner(self, user_id: int) -> None: ...

    async def delete_learner(self, user: User) -> None: ...

    def repository(self, kind: type[RepositoryT]) -> RepositoryT: ...


class RepositoryView:
    """A unit of work's repositories without its transaction (see the module docstring)."""

    __slots__ = (
        "_unit",
        "achievements",
        "activity",
        "audit",
        "communities",
        "learners",
        "standing",
        "users",
        "xp",
    )

    def __init__(self, unit: UnitOfWork) -> None:
        self._unit = unit
        self.learners = unit.learners
        self.users = unit.users
        self.xp = unit.xp
        self.activity = unit.activity
        self.achievements = unit.achievements
        self.communities = unit.communities
        self.audit = unit.audit
        self.standing = unit.standing

    @property
    def dialect(self) -> str:
        return self._unit.dialect

    def forget_learner(self, user_id: int) -> None:
        self._unit.forget_learner(user_id)

    async def delete_learner(self, user: User) -> None:
        await self._unit.delete_learner(user)

    def repository(self, kind: type[RepositoryT]) -> RepositoryT:
        return self._unit.repository(kind)

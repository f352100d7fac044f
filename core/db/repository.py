"""The shape of a repository that a feature (or a job) owns: built from the unit of work's
session, reached through `UnitOfWork.repository`.

The unit of work's own repositories (users, communities, the ledger, ...) are attributes,
since every event needs them; a feature's queries live in its own store module instead, so
core.db never imports a feature and adding a query never touches uow.py. `repository(Kind)`
builds one per unit of work on first use and keeps it. Such a repository keeps no memory of
its own: a rollback or a savepoint's undo does not reach it, so one that needed to remember
rows would also have to learn to forget them, as CommunityRepository does.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class Repository:
    """Named queries over one session; features never hold the session themselves."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

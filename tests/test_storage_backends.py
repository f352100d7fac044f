"""The contract of a storage back end (core.db.backend), passed by SQLite's and PostgreSQL's.

Each test runs on both databases (the `database_url` fixture), against the back end that
core.db.backends chooses for the engine, called directly: what the repositories rely on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.db.backend import ActivityEntry, Allowance, Award, StorageBackend
from core.db.backends import backend_for
from core.db.engine import create_engine
from core.db.models import ActivityLog, ProcessedEvent, User, XpDaily, XpLedger, XpWeekly
from core.db.postgres_backend import PostgresBackend
from core.db.sqlite_backend import SqliteBackend
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.messages import Platform, UserRef
from tests.query_counter import count_queries

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
async def factory(database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(database_url)
    yield UnitOfWorkFactory(engine, backend_for(engine))
    await engine.dispose()


async def _learners(factory: UnitOfWorkFactory, *names: str) -> list[int]:
    async with factory() as uow:
        users = [
            (await uow.users.ensure(UserRef(Platform.TELEGRAM, name, name), NOW))[0]
            for name in names
        ]
        await uow.commit()
        return [user.id for user in users]


def test_the_back_end_follows_the_dialect(factory: UnitOfWorkFactory) -> None:
    expected = SqliteBackend if factory.engine.dialect.name == "sqlite" else PostgresBackend
    assert isinstance(factory.backend, expected)
    backend: StorageBackend = factory.backend  # both satisfy the protocol (mypy)
    assert backend is factory().backend


async def test_an_award_counts_once_per_user_source_and_reference(
    factory: UnitOfWorkFactory,
) -> None:
    ana, bo = await _learners(factory, "ana", "bo")
    log = ActivityEntry("quiz_completed", "quiz", "q1", 80)
    async with factory() as uow:
        backend = uow.backend
        award = Award(ana, "quiz", "q1", 30, NOW)
        values = {"updated_at": NOW, "reminder_hour": 7}
        first = await backend.award(uow.session, award, values, log, None)
        again = await backend.award(uow.session, award, {"reminder_hour": 9}, log, None)
        other_source = await backend.award(
            uow.session, Award(ana, "quiz2", "q1", 5, NOW), {}, None, None
        )
        other_learner = await backend.award(
            uow.session, Award(bo, "quiz", "q1", 4, NOW), {}, None, None
        )
        await uow.commit()
    assert first is not None and (first.xp, first.amount, first.nth) == (30, 30, 0)
    assert again is None
    assert other_source is not None and other_source.xp == 35
    assert other_learner is not None and other_learner.xp == 4
    async with factory() as uow:
        user = await uow.users.get(ana)
        assert user is not None and (user.xp, user.reminder_hour) == (35, 7)
        assert await _count(uow, XpLedger, XpLedger.user_id == ana) == 2
        assert await _count(uow, ActivityLog, ActivityLog.user_id == ana) == 1
        weekly = await uow.session.scalar(select(XpWeekly.xp).where(XpWeekly.user_id == ana))
        assert weekly == 35


async def test_an_allowance_prices_awards_by_the_days_count(factory: UnitOfWorkFactory) -> None:
    (ana,) = await _learners(factory, "ana")
    allowance = Allowance(NOW.date(), full_until=2, paid_until=3, halved_amount=1)
    async with factory() as uow:
        awarded = [
            await uow.backend.award(
                uow.session, Award(ana, "chat", f"m{n}", 2, NOW), {}, None, allowance
            )
            for n in range(5)
        ]
        repeat = await uow.backend.award(
            uow.session, Award(ana, "chat", "m0", 2, NOW), {}, None, allowance
        )
        await uow.commit()
    assert [(a.amount, a.nth) for a in awarded if a is not None] == [
        (2, 1),
        (2, 2),
        (1, 3),
        (0, 4),
        (0, 5),
    ]
    assert repeat is None  # counted (its place is the caller's to give back), not awarded
    async with factory() as uow:
        user = await uow.users.get(ana)
        assert user is not None and user.xp == 5
        count = await uow.session.scalar(select(XpDaily.count).where(XpDaily.user_id == ana))
        assert count == 6
        assert await _count(uow, XpLedger, XpLedger.user_id == ana) == 5  # 0 XP entries too
        weekly = await uow.session.scalar(select(XpWeekly.xp).where(XpWeekly.user_id == ana))
        assert weekly == 5


async def test_a_claim_is_new_once_per_event_id(factory: UnitOfWorkFactory) -> None:
    telegram = str(Platform.TELEGRAM)
    async with factory() as uow:
        first = await _claim(uow, [(telegram, "1"), (telegram, "2"), (telegram, "1")])
        await uow.commit()
    async with factory() as uow:
        second = await _claim(uow, [(telegram, "2"), (telegram, "3"), (telegram, "3")])
        alone = await _claim(uow, [(telegram, "4")])
        await uow.commit()
    assert first == [True, True, False], "a repeat within one call is new once"
    assert second == [False, True, False]
    assert alone == [True]
    async with factory() as uow:
        assert await _count(uow, ProcessedEvent, ProcessedEvent.platform == telegram) == 4


async def test_preloading_resolves_the_learners_without_further_queries(
    factory: UnitOfWorkFactory,
) -> None:
    await _learners(factory, "ana", "bo", "cy")
    refs = [UserRef(Platform.TELEGRAM, name, name) for name in ("ana", "bo", "cy")]
    async with factory() as uow:
        claimed = await uow.backend.claim_and_preload(
            uow.session,
            uow.events,
            uow.users,
            [(str(Platform.TELEGRAM), "e1")],
            [*refs, UserRef(Platform.TELEGRAM, "newcomer", "newcomer")],
            NOW,
        )
        with count_queries(factory.engine) as counted:
            found = [(await uow.users.ensure(ref, NOW))[0] for ref in refs]
    assert claimed == [True]
    assert [user.display_name for user in found] == ["ana", "bo", "cy"]
    assert all(isinstance(user, User) for user in found)
    assert counted.total == 0, f"the learners were loaded with the claim, not: {counted}"


async def _claim(uow: UnitOfWork, claims: list[tuple[str, str]]) -> list[bool]:
    """With a learner along, so PostgreSQL takes its one-statement path."""
    learner = UserRef(Platform.TELEGRAM, "ana", "ana")
    return await uow.backend.claim_and_preload(
        uow.session, uow.events, uow.users, claims, [learner], NOW
    )


async def _count(uow: UnitOfWork, model: type[object], *where: object) -> int:
    query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
    return int(await uow.session.scalar(query) or 0)

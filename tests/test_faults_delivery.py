"""Faults: events delivered twice, concurrent awards, and the database lost while running."""

from __future__ import annotations

import asyncio
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, text

from bot.app import Dojo, build
from core.db import engine as engine_module
from core.db.models import ActivityLog, QuizSession, User, XpLedger
from core.messages import ChatKind, CommunityRef, Incoming, Platform
from core.ports import FixedClock
from core.progress import record_activity
from core.router import UNAVAILABLE
from core.rules.xp import Activity
from tests.conftest import START, fresh_postgres, make_settings
from tests.exactly_once import Forgetting, switch_off
from tests.support import ChatDriver
from tests.tcp_proxy import TcpProxy

GROUP = CommunityRef(Platform.TELEGRAM, "-7", "study group")


def _workload(dojo: Dojo, count: int) -> list[Incoming]:
    rng = random.Random(11)
    learners = [
        ChatDriver(dojo.router, f"u{n}", Platform.TELEGRAM, "-7", ChatKind.GROUP, GROUP)
        for n in range(25)
    ]
    events = []
    for number in range(count):
        chat = rng.choice(learners)
        roll = rng.random()
        if roll < 0.1:
            body = "/start backend mid UTC"
        elif roll < 0.65:
            body = f"message {number} about consistent hashing"
        elif roll < 0.8:
            body = "/profile"
        elif roll < 0.95:
            body = "/leaderboard"
        else:
            body = "/quiz sql 1"  # slow: it runs alone, and claims its id alone
        events.append(chat.incoming(body, event_id=f"upd-{number}", addressed=roll >= 0.65))
    return events


async def _snapshot(dojo: Dojo) -> dict[str, object]:
    async with dojo.services.uow_factory() as uow:
        session = uow.session
        users = (
            await session.execute(
                select(User.display_name, User.xp, User.level, User.streak_current).order_by(
                    User.display_name
                )
            )
        ).all()
        ledger = (
            await session.execute(
                select(XpLedger.source, func.count(), func.sum(XpLedger.amount))
                .group_by(XpLedger.source)
                .order_by(XpLedger.source)
            )
        ).all()
        activity = await session.scalar(select(func.count()).select_from(ActivityLog))
        quizzes = await session.scalar(select(func.count()).select_from(QuizSession))
    return {
        "users": [tuple(row) for row in users],
        "ledger": [tuple(r) for r in ledger],
        "activity": activity,
        "quizzes": quizzes,
    }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh, migrated databases on one back end: one gets each update once, the other
    gets them redelivered."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        for name in ("once.db", "twice.db"):
            shutil.copy(template, tmp_path / name)
        yield (
            f"sqlite+aiosqlite:///{tmp_path / 'once.db'}",
            f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}",
        )
        return
    template_name: str = request.getfixturevalue("postgres_template")
    once, twice = fresh_postgres(template_name), fresh_postgres(template_name)
    yield next(once), next(twice)
    for database in (once, twice):
        next(database, None)  # dropped


async def _deliver(
    url: str,
    count: int,
    redeliver: bool,
    forgetting: Forgetting | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> dict[str, object]:
    """Run `count` updates in chunks of 20 sent at once; redelivered, half of each chunk's
    updates come twice within the chunk (the same batch, or the next), the other half again
    with the next chunk (an earlier batch claimed them), and the last chunk's one at a time.
    Returns what the database holds and how many deliveries were answered."""
    clock = FixedClock(START)
    dojo = await build(make_settings(url), clock=clock)
    if forgetting is not None:
        assert monkeypatch is not None
        await switch_off(forgetting, monkeypatch, dojo.engine)
    try:
        events = _workload(dojo, count)
        answered = 0
        late: list[Incoming] = []
        for index in range(0, len(events), 20):
            chunk = events[index : index + 20]
            deliveries = chunk + (chunk[::2] + late if redeliver else [])
            late = chunk[1::2]
            random.Random(index).shuffle(deliveries)
            # Slow commands run alone, beside the batches: sent after the chunk's quick
            # updates, so a learner's /quiz never races their /start in either database.
            quick = [event for event in deliveries if event.command != "quiz"]
            replies = await asyncio.gather(*(dojo.router.handle(event) for event in quick))
            replies += [await dojo.router.handle(e) for e in deliveries if e.command == "quiz"]
            answered += sum(1 for answer in replies if answer)
            clock.advance(seconds=30)
        for event in late if redeliver else []:
            answered += 1 if await dojo.router.handle(event) else 0
        # A redelivered update is answered nothing: the learner hears each answer once.
        # (XP alone could not tell: its ledger keys are idempotent by themselves.)
        return {**await _snapshot(dojo), "answered": answered}
    finally:
        await dojo.close()


async def test_a_thousand_updates_twice_equal_once(two_databases: tuple[str, str]) -> None:
    once = await _deliver(two_databases[0], 1000, redeliver=False)
    twice = await _deliver(two_databases[1], 1000, redeliver=True)
    assert once["activity"] and once["answered"] and once["quizzes"]
    assert once == twice


@pytest.mark.parametrize("forgetting", [Forgetting.CLAIMS, Forgetting.REPEATS_IN_A_BATCH])
async def test_the_twice_equal_once_check_sees_doubles_with_de_duplication_off(
    two_databases: tuple[str, str], forgetting: Forgetting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with either de-duplication switched off, redelivered updates
    are answered (and counted) again, and the two databases differ."""
    once = await _deliver(two_databases[0], 300, redeliver=False)
    twice = await _deliver(two_databases[1], 300, True, forgetting, monkeypatch)
    assert isinstance(once["answered"], int) and isinstance(twice["answered"], int)
    assert twice["answered"] > once["answered"], forgetting


async def test_fifty_concurrent_awards_keep_xp_equal_to_ledger_and_in_the_allowance(
    dojo: Dojo,
) -> None:
    chat = ChatDriver(dojo.router, "ada")
    await chat.say("/start backend mid UTC")
    now = dojo.services.clock.now()

    async def award(number: int) -> None:
        async with dojo.services.uow_factory() as uow:
            user = await uow.users.by_account("console", "ada")
            assert user is not None
            await record_activity(
                uow, user, Activity.REVIEW_REQUESTED, now, reference=f"review:{number}"
            )
            await uow.commit()

    results = await asyncio.gather(*(award(n) for n in range(50)), return_exceptions=True)
    failures = [result for result in results if isinstance(result, Exception)]
    assert not failures, failures[:1]
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("console", "ada")
        assert user is not None
        assert user.xp == await uow.xp.ledger_sum(user.id)
        # Onboarding and the day's first practice, then the reviews under their daily allowance
        # (5 at 15, 5 at 8, the other 40 at 0: core.rules.xp.DAILY_CAPS) and review-rookie once.
        assert user.xp == 30 + 5 * 15 + 5 * 8 + 15
        rookies = await uow.session.scalar(
            text("SELECT count(*) FROM user_achievements WHERE user_id = :id"), {"id": user.id}
        )
        counted = await uow.session.scalar(
            text("SELECT count FROM xp_daily WHERE user_id = :id"), {"id": user.id}
        )
    assert rookies == 1
    assert counted == 50


@pytest.mark.postgres
async def test_database_lost_while_running_then_recovers(postgres_url: str) -> None:
    database_url = postgres_url
    parts = urlsplit(database_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    proxied = database_url.replace(f":{parts.port}/", f":{proxy.port}/")
    dojo = await build(make_settings(proxied))
    chat = ChatDriver(dojo.router, "ada")
    try:
        await chat.say("/start backend mid UTC")
        await proxy.cut()
        assert await chat.say("/profile") == UNAVAILABLE
        await proxy.restore()
        # The failure invalidated the pool's connections: the next event opens a fresh one.
        assert "Intern Arrival" in await chat.say("/profile")
    finally:
        await dojo.close()
        await proxy.cut()


@pytest.mark.postgres
async def test_connections_that_died_while_idle_cost_no_answer(postgres_url: str) -> None:
    """PostgreSQL restarts while Dojo is idle: every pooled connection is dead, and none is
    pinged before use. The next events, run alone (a slow command) or in a batch, are still
    answered: the first statement's failure renews the pool and the event runs again."""
    parts = urlsplit(postgres_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    dojo = await build(make_settings(postgres_url.replace(f":{parts.port}/", f":{proxy.port}/")))
    ada, bob = ChatDriver(dojo.router, "ada"), ChatDriver(dojo.router, "bob")
    try:
        await asyncio.gather(ada.say("/start backend mid UTC"), bob.say("/start backend mid UTC"))
        await proxy.cut()  # the restart: open connections drop...
        await proxy.restore()  # ...and the server is back before anyone writes
        review = await ada.say("/review python\n```python\nimport os\nx = 1\n```")
        assert "/100" in review
        profiles = await asyncio.gather(ada.say("/profile"), bob.say("/profile"))
        assert all("Intern Arrival" in text or "First Steps" in text for text in profiles)
        async with dojo.services.uow_factory() as uow:
            reviews = await uow.session.scalar(
                select(func.count())
                .select_from(XpLedger)
                .where(XpLedger.source == Activity.REVIEW_REQUESTED)
            )
        assert reviews == 1  # run again, counted once
    finally:
        await dojo.close()
        await proxy.cut()


@pytest.mark.postgres
async def test_an_idle_connection_is_pinged_and_replaced_before_use(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the router too (a poll answer's lookup, a scheduled job), a connection that
    died while idle is found out by a ping at checkout and replaced, unseen by the caller."""
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    parts = urlsplit(postgres_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    dojo = await build(make_settings(postgres_url.replace(f":{parts.port}/", f":{proxy.port}/")))
    try:
        await ChatDriver(dojo.router, "ada").say("/start backend mid UTC")
        await proxy.cut()
        await proxy.restore()
        async with dojo.services.uow_factory() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(User)) == 1
    finally:
        await dojo.close()
        await proxy.cut()

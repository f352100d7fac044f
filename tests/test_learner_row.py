"""One way to change a learner's row: the newest value is the one stored, whatever wrote it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bot.app import Dojo
from core.context import QuickContext
from core.db.models import User
from core.db.uow import UnitOfWork
from core.kinds import Kind
from core.messages import ChatKind, CommunityRef, Platform, Reply, reply
from core.registry import command
from tests.query_counter import Queries
from tests.support import ChatDriver, fixed_clock

GROUP = CommunityRef(Platform.TELEGRAM, "-7", "systems reading group")


def _member(dojo: Dojo, name: str = "grace") -> ChatDriver:
    return ChatDriver(dojo.router, name, Platform.TELEGRAM, "-7", ChatKind.GROUP, GROUP)


async def _stored(dojo: Dojo, name: str) -> User:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account(str(Platform.TELEGRAM), name)
        assert user is not None
        return user


async def test_a_held_chat_memory_does_not_overwrite_a_newer_assignment(dojo: Dojo) -> None:
    """The reported lost update: in one batch, chat XP remembers an unearned message (its
    write waited for the commit), then a later event of the same learner clears that memory
    by assigning the attribute; the commit wrote the older memory back over the newer one."""

    @command("hush", "Test: forget my recent chat messages", kind=Kind.QUICK)
    async def hush(context: QuickContext) -> list[Reply]:
        context.user.recent_chat_digests = []
        return [reply("hushed")]

    dojo.router.registry.add_modules([SimpleNamespace(hush=hush)])  # type: ignore[list-item]
    grace = _member(dojo)
    await grace.say("/start backend mid UTC")
    await grace.say("a first message about consistent hashing")  # earns; cooldown starts
    fixed_clock(dojo).advance(seconds=5)
    assert (await _stored(dojo, "grace")).recent_chat_digests  # remembered

    batches = dojo.router.batcher.batches
    unearned = grace.incoming("a second message, about rendezvous hashing")
    answers = await asyncio.gather(grace.send(unearned), grace.send(grace.incoming("/hush")))

    assert dojo.router.batcher.batches == batches + 1, "both events share one transaction"
    assert "hushed" in answers[1][0].text.plain
    assert (await _stored(dojo, "grace")).recent_chat_digests == []


async def _every_learner(dojo: Dojo) -> list[User]:
    async with dojo.services.uow_factory() as uow:
        return list((await uow.session.scalars(select(User).order_by(User.id))).all())


async def _learners(dojo: Dojo, *names: str) -> list[int]:
    for name in names:
        await _member(dojo, name).say("/start backend mid UTC")
    return [(await _stored(dojo, name)).id for name in names]


async def _loaded(uow: UnitOfWork, user_id: int) -> User:
    user = await uow.users.get(user_id)
    assert user is not None
    return user


async def test_changes_are_shown_at_once_and_written_together_at_commit(
    dojo: Dojo, queries: Queries
) -> None:
    ids = await _learners(dojo, "ana", "bo", "cy")
    async with dojo.services.uow_factory() as uow:
        loaded = [await _loaded(uow, user_id) for user_id in ids]
        with queries() as counted:
            for n, user in enumerate(loaded):
                uow.learners.change(user, recent_chat_digests=[f"d{n}"], reminder_hour=n)
                assert user.recent_chat_digests == [f"d{n}"]  # shown at once
            await uow.users.get(ids[0])  # a query meanwhile flushes nothing of theirs
            assert counted.total == 0, counted
            await uow.commit()
    # The three learners in one executemany, and nothing else.
    assert counted.by_kind == {"update": 1} and counted.touching("users"), counted
    stored = {user.id: user for user in await _every_learner(dojo)}
    assert [stored[user_id].recent_chat_digests for user_id in ids] == [["d0"], ["d1"], ["d2"]]
    assert [stored[user_id].reminder_hour for user_id in ids] == [0, 1, 2]


async def test_the_newest_change_wins_however_it_was_made(dojo: Dojo) -> None:
    """A column changed several times in one transaction, by `change` and by attribute
    assignment in any order, with flushes between, stores its last value."""
    (ana,) = await _learners(dojo, "ana")
    async with dojo.services.uow_factory() as uow:
        user = await _loaded(uow, ana)
        uow.learners.change(user, track="frontend", reminder_hour=7)
        user.track = "data"  # assigned after: newer
        await uow.users.get(ana)  # autoflush
        uow.learners.change(user, reminder_hour=8)
        user.reminder_hour = 9
        user.track = "backend"
        uow.learners.change(user, track="mobile")
        assert (user.track, user.reminder_hour) == ("mobile", 9)
        await uow.commit()
    (stored,) = await _every_learner(dojo)
    assert (stored.track, stored.reminder_hour) == ("mobile", 9)


async def test_newest_wins_across_the_events_of_a_batch(dojo: Dojo) -> None:
    """Three events of one learner in one batch each change the same column: the last one's
    value is stored, and each event saw the one before it."""

    @command("hour", "Test: set my reminder hour", kind=Kind.QUICK)
    async def hour(context: QuickContext) -> list[Reply]:
        before = context.user.reminder_hour
        context.uow.learners.change(context.user, reminder_hour=int(context.incoming.args[0]))
        return [reply(f"was {before}")]

    dojo.router.registry.add_modules([SimpleNamespace(hour=hour)])  # type: ignore[list-item]
    grace = _member(dojo)
    await grace.say("/start backend mid UTC")
    batches = dojo.router.batcher.batches
    answers = await asyncio.gather(*(grace.send(grace.incoming(f"/hour {n}")) for n in (5, 6, 7)))
    assert dojo.router.batcher.batches == batches + 1
    assert [answer[0].text.plain for answer in answers] == ["was 19", "was 5", "was 6"]
    assert (await _stored(dojo, "grace")).reminder_hour == 7


async def test_a_rolled_back_savepoint_drops_only_its_own_changes(dojo: Dojo) -> None:
    ana, bo = await _learners(dojo, "ana", "bo")
    async with dojo.services.uow_factory() as uow:
        first, second = await _loaded(uow, ana), await _loaded(uow, bo)
        xp_before = second.xp
        async with uow.savepoint():
            uow.learners.change(first, reminder_hour=6)
        with pytest.raises(RuntimeError):
            async with uow.savepoint():
                uow.learners.change(first, reminder_hour=22, track="data")
                uow.learners.change(second, reminder_hour=23)
                await uow.xp.award(bo, "test", "rolled-back", 40, uow_now(dojo))
                assert second.xp == xp_before + 40
                raise RuntimeError("the event failed")
        # The loaded learners show what stands again.
        assert (first.reminder_hour, first.track) == (6, "backend")
        assert (second.reminder_hour, second.xp) == (19, xp_before)
        await uow.commit()
    stored = {user.id: user for user in await _every_learner(dojo)}
    assert (stored[ana].reminder_hour, stored[ana].track) == (6, "backend")
    assert (stored[bo].reminder_hour, stored[bo].xp) == (19, xp_before)


async def test_a_savepoint_rolled_back_after_an_award_keeps_earlier_changes(dojo: Dojo) -> None:
    """An award stores the learner's pending changes with its own UPDATE; if its savepoint
    rolls back, the changes made before the savepoint are pending again, not lost."""
    (ana,) = await _learners(dojo, "ana")
    async with dojo.services.uow_factory() as uow:
        user = await _loaded(uow, ana)
        xp_before = user.xp
        uow.learners.change(user, reminder_hour=6)
        with pytest.raises(RuntimeError):
            async with uow.savepoint():
                await uow.xp.award(ana, "test", "r1", 10, uow_now(dojo))  # takes hour 6 along
                raise RuntimeError("the event failed")
        assert (user.reminder_hour, user.xp) == (6, xp_before)
        await uow.commit()
    (stored,) = await _every_learner(dojo)
    assert (stored.reminder_hour, stored.xp) == (6, xp_before)


async def test_an_award_and_a_change_of_one_learner_are_both_stored(
    dojo: Dojo, queries: Queries
) -> None:
    """Changes before an award ride in its UPDATE; changes after it are written at commit."""
    ana, bo = await _learners(dojo, "ana", "bo")
    now = uow_now(dojo)
    async with dojo.services.uow_factory() as uow:
        first, second = await _loaded(uow, ana), await _loaded(uow, bo)
        xp = first.xp  # as onboarding left both
        uow.learners.change(first, recent_chat_digests=["before"], last_chat_xp_at=now)
        with queries() as counted:
            assert await uow.xp.award(ana, "test", "a1", 10, now) == xp + 10
        uow.learners.change(first, reminder_hour=8)  # after the award
        second.announce_opt_out = True  # an assignment, then an award
        assert await uow.xp.award(bo, "test", "b1", 20, now) == xp + 20
        await uow.commit()
    if dojo.settings.database_url.startswith("postgresql"):
        # One statement: the award carried the learner's changes.
        assert counted.total == 1 and counted.touching("users"), counted
    stored = {user.id: user for user in await _every_learner(dojo)}
    assert stored[ana].recent_chat_digests == ["before"]
    assert stored[ana].last_chat_xp_at == now
    assert (stored[ana].reminder_hour, stored[ana].xp) == (8, xp + 10)
    assert (stored[bo].announce_opt_out, stored[bo].xp) == (True, xp + 20)
    async with dojo.services.uow_factory() as uow:
        assert stored[ana].xp == await uow.xp.ledger_sum(ana)
        assert stored[bo].xp == await uow.xp.ledger_sum(bo)


async def test_xp_moves_only_with_the_ledger(dojo: Dojo) -> None:
    (ana,) = await _learners(dojo, "ana")
    async with dojo.services.uow_factory() as uow:
        user = await _loaded(uow, ana)
        with pytest.raises(ValueError, match="xp"):
            uow.learners.change(user, xp=10_000)
        user.xp = 10_000
        with pytest.raises(ValueError, match="xp"):
            await uow.commit()


def uow_now(dojo: Dojo) -> datetime:
    return dojo.services.clock.now()

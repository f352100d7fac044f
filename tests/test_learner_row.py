"""One way to change a learner's row: the newest value is the one stored, whatever wrote it."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from sqlalchemy import select

from bot.app import Dojo
from core.context import Context
from core.db.models import User
from core.messages import ChatKind, CommunityRef, Platform, Reply, reply
from core.registry import command
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

    @command("hush", "Test: forget my recent chat messages")
    async def hush(context: Context) -> list[Reply]:
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

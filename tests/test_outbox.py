"""Effects after commit: what a handler sends to another chat goes out once, after the commit
that made it true; one event's failure is that event's alone (a savepoint each)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from sqlalchemy import func, select

from bot.app import Dojo
from bot.notifiers import RecordingNotifier
from core.context import QuickContext
from core.db.models import ActivityLog, Community
from core.errors import UserError
from core.kinds import Kind
from core.messages import ChatKind, CommunityRef, Platform, Post, Reply, SendTarget, reply
from core.registry import command
from tests.support import ChatDriver, text_of

GROUP = CommunityRef(Platform.DISCORD, "g-out", "Outbox guild")


def members(dojo: Dojo, count: int) -> list[ChatDriver]:
    return [
        ChatDriver(dojo.router, f"m{n}", Platform.DISCORD, "c-out", ChatKind.GROUP, GROUP)
        for n in range(count)
    ]


async def test_a_typo_in_the_batch_does_not_send_a_moderators_confirmation_twice(
    dojo: Dojo,
) -> None:
    """The issue's case: `/leaderboard sideways` beside `/admin channel` in one batch."""
    notifier = RecordingNotifier(communities={"555": GROUP.id})
    dojo.notifiers["discord"] = notifier
    mod = ChatDriver(
        dojo.router, "mod", Platform.DISCORD, "c-out", ChatKind.GROUP, GROUP, is_admin=True
    )
    others = members(dojo, 7)
    for person in (mod, *others):
        await person.say("/start backend mid UTC")
    reruns = dojo.router.batcher.rerun
    events = [(mod, mod.incoming("/admin channel announce <#555>"))]
    events += [(person, person.incoming("/leaderboard sideways")) for person in others]
    answers = await asyncio.gather(*(person.send(event) for person, event in events))
    assert "posted in channel 555" in text_of(answers[0])
    assert all("Use /leaderboard" in text_of(answer) for answer in answers[1:])
    assert len(notifier.to("555")) == 1
    assert dojo.router.batcher.rerun == reruns


async def test_an_outbox_is_sent_once_even_when_its_batch_runs_again(dojo: Dojo) -> None:
    notifier = RecordingNotifier()
    dojo.notifiers["discord"] = notifier

    failed: set[str] = set()

    @command("shout", "Test: posts to a channel", kind=Kind.QUICK)
    async def shout(context: QuickContext) -> list[Reply]:
        target = SendTarget(Platform.DISCORD, "777", ChatKind.CHANNEL)
        context.after_commit(Post(target, (reply(f"hi from {context.user.display_name}"),)))
        return [reply("shouted")]

    @command("trip", "Test: the database fails under the first batch", kind=Kind.QUICK)
    async def trip(context: QuickContext) -> list[Reply]:
        if context.user.display_name not in failed:
            failed.add(context.user.display_name)
            raise ConnectionError("connection reset")  # the batch's trouble: all rerun alone
        return [reply("tripped")]

    module = SimpleNamespace(shout=shout, trip=trip)
    dojo.router.registry.add_modules([module])  # type: ignore[list-item]
    people = members(dojo, 4)
    for person in people:
        await person.say("/start backend mid UTC")
    reruns = dojo.router.batcher.rerun
    events = [(person, person.incoming("/shout")) for person in people]
    events += [(people[0], people[0].incoming("/trip"))]
    await asyncio.gather(*(person.send(event) for person, event in events))
    assert dojo.router.batcher.rerun > reruns
    assert sorted(item.text.plain for item in notifier.to("777")) == [
        f"hi from m{n}" for n in range(4)
    ]


async def test_a_failing_event_rolls_back_alone_and_sends_nothing(dojo: Dojo) -> None:
    notifier = RecordingNotifier()
    dojo.notifiers["discord"] = notifier

    @command("oops", "Test: writes, asks for a post, then refuses", kind=Kind.QUICK)
    async def oops(context: QuickContext) -> list[Reply]:
        await context.uow.activity.log(context.user.id, "oops_written", context.now)
        target = SendTarget(Platform.DISCORD, "888", ChatKind.CHANNEL)
        context.after_commit(Post(target, (reply("must not go out"),)))
        raise UserError("no such thing")

    dojo.router.registry.add_modules([SimpleNamespace(oops=oops)])  # type: ignore[list-item]
    people = members(dojo, 6)
    for person in people:
        await person.say("/start backend mid UTC")
    events = [(person, person.incoming(text)) for person in people for text in ("/oops", "/streak")]
    answers = await asyncio.gather(*(person.send(event) for person, event in events))
    assert [text_of(answer) for answer in answers[::2]] == ["no such thing"] * len(people)
    assert all("streak" in text_of(answer).lower() for answer in answers[1::2])
    assert notifier.to("888") == []
    async with dojo.services.uow_factory() as uow:
        written = await uow.session.scalar(
            select(func.count())
            .select_from(ActivityLog)
            .where(ActivityLog.event_type == "oops_written")
        )
        assert written == 0
        assert await uow.session.scalar(select(func.count()).select_from(Community)) == 1

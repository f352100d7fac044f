"""Effects after commit: what a handler sends to another chat goes out once, after the commit
that made it true; one event's failure is that event's alone (a savepoint each)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace

from sqlalchemy import func, select

from bot.app import Dojo
from bot.notifiers import RecordingNotifier
from core.context import QuickContext
from core.db.models import ActivityLog, Community
from core.errors import UserError
from core.kinds import Kind
from core.messages import (
    ChatKind,
    CommunityRef,
    DirectMessage,
    Platform,
    Post,
    Reply,
    SendTarget,
    reply,
)
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


async def test_a_refusal_and_a_crash_in_a_batch_leave_the_rest_committed_and_sent_once(
    dojo: Dojo,
) -> None:
    """One event's UserError and another's crash roll back only those two (a savepoint each):
    the batch commits, nothing reruns, and the committed events' effects (a post to a channel,
    a private message to a learner) are each sent once, after the commit that made them true,
    while the failed events' effects are never sent."""
    friend = ChatDriver(dojo.router, "friend", Platform.DISCORD)  # a private chat with Dojo
    await friend.say("/start backend mid UTC")
    async with dojo.services.uow_factory() as uow:
        friend_id = (await uow.users.ensure(friend.user, dojo.services.clock.now()))[0].id
        await uow.commit()
    notes_seen_when_sent: list[int] = []

    class CommittedFirst(RecordingNotifier):
        async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
            notes_seen_when_sent.append(await written(dojo, "note_written"))
            await super().send(target, replies)

    notifier = CommittedFirst()
    dojo.notifiers["discord"] = notifier

    @command("note", "Test: writes, posts to a channel and tells a friend", kind=Kind.QUICK)
    async def note(context: QuickContext) -> list[Reply]:
        await context.uow.activity.log(context.user.id, "note_written", context.now)
        channel = SendTarget(Platform.DISCORD, "901", ChatKind.CHANNEL)
        context.after_commit(Post(channel, (reply(f"note by {context.user.display_name}"),)))
        words = (reply(f"{context.user.display_name} left a note"),)
        context.after_commit(DirectMessage(friend_id, words))
        return [reply("noted")]

    @command("refuse", "Test: writes, asks for a post, then refuses", kind=Kind.QUICK)
    async def refuse(context: QuickContext) -> list[Reply]:
        await context.uow.activity.log(context.user.id, "refused_written", context.now)
        context.after_commit(Post(SendTarget(Platform.DISCORD, "902"), (reply("never"),)))
        context.after_commit(DirectMessage(friend_id, (reply("never"),)))
        raise UserError("refused")

    @command("crash", "Test: writes, asks for a post, then crashes", kind=Kind.QUICK)
    async def crash(context: QuickContext) -> list[Reply]:
        await context.uow.activity.log(context.user.id, "crash_written", context.now)
        context.after_commit(Post(SendTarget(Platform.DISCORD, "903"), (reply("never"),)))
        raise RuntimeError("a bug")

    module = SimpleNamespace(note=note, refuse=refuse, crash=crash)
    dojo.router.registry.add_modules([module])  # type: ignore[list-item]
    people = members(dojo, 6)
    for person in people:
        await person.say("/start backend mid UTC")
    reruns, batches = dojo.router.batcher.rerun, dojo.router.batcher.batches
    lines = ["/note", "/refuse", "/note", "/crash", "/note", "/note"]
    events = [(person, person.incoming(line)) for person, line in zip(people, lines, strict=True)]
    answers = await asyncio.gather(*(person.send(event) for person, event in events))

    assert dojo.router.batcher.rerun == reruns, "one event's failure is one event's"
    assert dojo.router.batcher.batches - batches < len(events), "they shared a batch"
    assert [text_of(answer) for answer in answers[::2]] == ["noted"] * 3
    assert "refused" in text_of(answers[1]) and "went wrong" in text_of(answers[3])
    assert sorted(item.text.plain for item in notifier.to("901")) == [
        f"note by m{n}" for n in (0, 2, 4, 5)
    ]
    assert sorted(item.text.plain for item in notifier.to("friend")) == [
        f"m{n} left a note" for n in (0, 2, 4, 5)
    ]
    assert notifier.to("902") == notifier.to("903") == []
    assert "never" not in notifier.texts()
    assert notes_seen_when_sent == [4] * 8, "every effect went out after the commit"
    assert await written(dojo, "note_written") == 4
    assert await written(dojo, "refused_written") == await written(dojo, "crash_written") == 0


async def written(dojo: Dojo, event_type: str) -> int:
    async with dojo.services.uow_factory() as uow:
        count = await uow.session.scalar(
            select(func.count())
            .select_from(ActivityLog)
            .where(ActivityLog.event_type == event_type)
        )
    return int(count or 0)

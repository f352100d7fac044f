"""Group commit: concurrent events share transactions and still answer exactly as alone."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bot.app import POSTGRES_LANES, Dojo
from core.batching import BatchLanes, EventBatcher
from core.context import Context
from core.db.models import AdminAudit, CommunityMember, ProcessedEvent, User, XpLedger
from core.db.uow import SharedTransaction
from core.messages import ChatKind, CommunityRef, Platform, Reply, reply
from core.registry import command
from core.rules.xp import Activity
from tests.support import ChatDriver, text_of

GROUP = CommunityRef(Platform.TELEGRAM, "-42", "algorithms club")


def _learners(dojo: Dojo, count: int) -> list[ChatDriver]:
    return [
        ChatDriver(dojo.router, f"b{n}", Platform.TELEGRAM, "-42", ChatKind.GROUP, GROUP)
        for n in range(count)
    ]


async def test_concurrent_events_share_commits_and_answer_as_alone(dojo: Dojo) -> None:
    learners = _learners(dojo, 8)
    for learner in learners:
        await learner.say("/start backend mid UTC")
    expected_error = await learners[0].say("/quiz nonsense")
    batches_before = dojo.router.batcher.batches
    reruns_before = dojo.router.batcher.rerun

    events = []
    for learner in learners:
        events += [
            (learner, learner.incoming("/profile")),
            (learner, learner.incoming(f"{learner.name} thinks a trie beats a hash map here")),
            (learner, learner.incoming("/quiz nonsense")),
            (learner, learner.incoming("/admin xp tg:b0 +500 because")),
            (learner, learner.incoming("/streak")),
        ]
    replies = await asyncio.gather(*(learner.send(event) for learner, event in events))

    batches = dojo.router.batcher.batches - batches_before
    assert batches < len(events), "concurrent events should have shared transactions"
    assert dojo.router.batcher.rerun > reruns_before, "a failing event reruns its batch"
    by_kind: dict[str, list[str]] = {}
    for (_, event), answer in zip(events, replies, strict=True):
        by_kind.setdefault(event.command or "chat", []).append(text_of(answer))
    assert all(f"b{n}" in text for n, text in enumerate(by_kind["profile"]))
    assert by_kind["quiz"] == [expected_error] * len(learners)
    assert by_kind["admin"] == ["Only moderators can use that command."] * len(learners)
    assert all("Streak" in text or "streak" in text for text in by_kind["streak"])

    async with dojo.services.uow_factory() as uow:
        session = uow.session
        refusals = await session.scalar(
            select(func.count()).select_from(AdminAudit).where(AdminAudit.allowed.is_(False))
        )
        assert refusals == len(learners)
        chat_awards = await session.scalar(
            select(func.count())
            .select_from(XpLedger)
            .where(XpLedger.source == Activity.CHAT_MESSAGE)
        )
        assert chat_awards == len(learners)
        for user in (await session.scalars(select(User))).all():
            assert user.xp == await uow.xp.ledger_sum(user.id)
        members = await session.scalar(select(func.count()).select_from(CommunityMember))
        assert members == len(learners)
        claimed = await session.scalar(select(func.count()).select_from(ProcessedEvent))
        # Every event is claimed once, except the refused and failed ones, whose rollback
        # frees their ids (a redelivery of a refused command is answered again): each
        # learner's /start, then /profile, the chat message and /streak.
        assert claimed == len(learners) * 4


async def test_one_event_delivered_twice_within_a_batch_counts_once(dojo: Dojo) -> None:
    learners = _learners(dojo, 4)
    for learner in learners:
        await learner.say("/start backend mid UTC")
    chat = learners[0].incoming("a message long enough for chat XP", event_id="dup-1")
    profile = learners[0].incoming("/profile", event_id="dup-2")
    others = [learner.incoming("/profile") for learner in learners[1:]]
    replies = await asyncio.gather(
        *(dojo.router.handle(event) for event in [*others, chat, chat, profile, profile, chat])
    )
    assert all(replies[: len(others)])
    chats = [replies[len(others) + index] for index in (0, 1, 4)]
    profiles = [replies[len(others) + index] for index in (2, 3)]
    assert sum(bool(answer) for answer in chats) <= 1  # at most a badge announcement, once
    assert [bool(answer) for answer in profiles].count(True) == 1
    async with dojo.services.uow_factory() as uow:
        awards = await uow.session.scalar(
            select(func.count())
            .select_from(XpLedger)
            .where(XpLedger.source == Activity.CHAT_MESSAGE)
        )
        assert awards == 1


async def test_a_handler_committing_early_takes_its_batch_out_to_run_alone(dojo: Dojo) -> None:
    """A quick command whose handler commits midway (as slow work does before calling the
    model) cannot commit a shared transaction: its batch reruns alone, nothing doubled."""

    @command("note", "Test: records a practice note, committing before it answers")
    async def note(context: Context) -> list[Reply]:
        await context.record(Activity.REVIEW_REQUESTED, reference=context.incoming.event_id or "")
        await context.checkpoint()
        return [reply("noted")]

    dojo.router.registry.add_modules([SimpleNamespace(note=note)])  # type: ignore[list-item]
    learners = _learners(dojo, 4)
    for learner in learners:
        await learner.say("/start backend mid UTC")
    reruns = dojo.router.batcher.rerun
    events = [
        (learner, learner.incoming(text)) for learner in learners for text in ("/note", "/profile")
    ]
    replies = await asyncio.gather(*(learner.send(event) for learner, event in events))

    assert dojo.router.batcher.rerun > reruns
    assert [text_of(answer) for answer in replies[::2]] == ["noted"] * len(learners)
    assert all(text_of(answer).startswith("b") for answer in replies[1::2])
    async with dojo.services.uow_factory() as uow:
        noted = await uow.session.scalar(
            select(func.count())
            .select_from(XpLedger)
            .where(XpLedger.source == Activity.REVIEW_REQUESTED)
        )
        assert noted == len(learners)
        for user in (await uow.session.scalars(select(User))).all():
            assert user.xp == await uow.xp.ledger_sum(user.id)


async def test_commits_inside_a_shared_transaction_are_refused(dojo: Dojo) -> None:
    async with dojo.services.uow_factory() as uow:
        uow.shared = True
        with pytest.raises(SharedTransaction):
            await uow.commit()


async def test_batcher_groups_waiting_events_and_reruns_refused_batches() -> None:
    seen: list[list[int]] = []
    alone: list[int] = []

    async def run_batch(batch: list[int]) -> list[str | None]:
        seen.append(batch)
        await asyncio.sleep(0)
        # A batch holding 13 is refused as a whole, as the router does on any failure.
        return [None] * len(batch) if 13 in batch else [f"batched {n}" for n in batch]

    async def run_alone(event: int) -> str:
        alone.append(event)
        return f"alone {event}"

    batcher: EventBatcher[int, str] = EventBatcher(run_batch, run_alone, max_size=5)
    results = await asyncio.gather(*(batcher.submit(n) for n in range(20)))

    assert [n for batch in seen for n in batch] == list(range(20)), "order is kept"
    assert all(len(batch) <= 5 for batch in seen) and len(seen) < 20
    refused = next(batch for batch in seen if 13 in batch)
    assert sorted(alone) == refused
    assert results == [f"alone {n}" if n in refused else f"batched {n}" for n in range(20)]


async def test_a_cancelled_batch_leaves_no_one_waiting() -> None:
    started = asyncio.Event()

    async def run_batch(batch: list[int]) -> list[str | None]:
        started.set()
        await asyncio.sleep(3600)
        return []

    async def run_alone(event: int) -> str:
        return f"alone {event}"

    batcher: EventBatcher[int, str] = EventBatcher(run_batch, run_alone)
    leader = asyncio.create_task(batcher.submit(0))
    await started.wait()  # event 0's own coroutine runs the batch; 1 and 2 queue behind it
    others = [asyncio.create_task(batcher.submit(n)) for n in (1, 2)]
    await asyncio.sleep(0)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    # The queued events get a batch of their own, which (stuck too) is cancelled at shutdown:
    # they run alone rather than wait for ever.
    await asyncio.sleep(0)
    assert batcher._worker is not None
    batcher._worker.cancel()
    assert await asyncio.wait_for(asyncio.gather(*others), 5) == ["alone 1", "alone 2"]


async def test_events_arriving_during_a_batch_get_the_next_one() -> None:
    release = asyncio.Event()
    calls = 0

    async def run_batch(batch: list[int]) -> list[str | None]:
        nonlocal calls
        calls += 1
        await release.wait()
        return [f"batched {n}" for n in batch]

    async def run_alone(event: int) -> str:
        return f"alone {event}"

    batcher: EventBatcher[int, str] = EventBatcher(run_batch, run_alone, max_size=8)
    leader = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0)
    follower = asyncio.create_task(batcher.submit(1))
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(leader, follower) == ["batched 0", "batched 1"]
    assert calls == 2  # 1 arrived while 0's batch ran, so it got the next one


async def test_lanes_keep_each_learners_events_together_and_in_order() -> None:
    """PostgreSQL runs several batch lanes; a learner's events all go to one lane, in order,
    so two lanes never hold the same learner's rows."""
    batches: list[list[str]] = []

    async def run_batch(batch: list[str]) -> list[str | None]:
        batches.append(batch)
        await asyncio.sleep(0)
        return [f"ok {event}" for event in batch]

    async def run_alone(event: str) -> str:
        return f"alone {event}"

    lanes: BatchLanes[str, str] = BatchLanes(run_batch, run_alone, lanes=3)
    keys = [f"learner{n}" for n in range(7)]
    events = [(keys[n % 7], f"{keys[n % 7]}:{n}") for n in range(70)]
    answers = await asyncio.gather(*(lanes.submit(event, key) for key, event in events))

    assert answers == [f"ok {event}" for _, event in events]
    assert len({id(lanes.lane_for(key)) for key in keys}) > 1, "learners spread over lanes"
    lane_batches = {id(lane): lane.batches for lane in lanes.lanes}
    for key in keys:
        # Every batch holding this learner's events ran in the learner's lane, in order.
        mine = [event for batch in batches for event in batch if event.startswith(f"{key}:")]
        assert [int(event.split(":")[1]) for event in mine] == list(range(keys.index(key), 70, 7))
        assert lane_batches[id(lanes.lane_for(key))] > 0
    for batch in batches:
        assert len({id(lanes.lane_for(event.split(":")[0])) for event in batch}) == 1
    assert lanes.batches == len(batches) and lanes.rerun == 0


async def test_postgres_runs_several_lanes_and_sqlite_one(dojo: Dojo) -> None:
    expected = 1 if dojo.settings.database_url.startswith("sqlite") else POSTGRES_LANES
    assert len(dojo.router.batcher.lanes) == expected


async def test_lanes_meeting_new_groups_in_opposite_orders_do_not_deadlock(dojo: Dojo) -> None:
    """Two lanes' batches each bring the same two new groups, in opposite orders. Creating a
    group locks its row, so creating them in event order deadlocks on PostgreSQL (a lost
    second, then a rerun); batches create their groups in one shared order instead."""
    lanes = dojo.router.batcher
    lane_of_second = lanes.lanes[-1]  # SQLite has one lane: both learners share it

    def learner_in(lane: object, skip: int, group: CommunityRef) -> ChatDriver:
        names = [f"u{n}" for n in range(200) if lanes.lane_for(f"telegram:u{n}") is lane]
        name = names[skip]
        return ChatDriver(dojo.router, name, Platform.TELEGRAM, group.id, ChatKind.GROUP, group)

    first, second = (CommunityRef(Platform.TELEGRAM, f"-9{n}", f"new group {n}") for n in (1, 2))
    batch_one = [learner_in(lanes.lanes[0], 0, first), learner_in(lanes.lanes[0], 1, second)]
    batch_two = [learner_in(lane_of_second, 2, second), learner_in(lane_of_second, 3, first)]
    events = [
        (chat, chat.incoming(f"{chat.name} says hello to the new group", addressed=False))
        for pair in zip(batch_one, batch_two, strict=True)
        for chat in pair
    ]
    reruns = lanes.rerun
    await asyncio.gather(*(chat.send(event) for chat, event in events))
    assert lanes.rerun == reruns, "a batch had to be rerun (a deadlock?)"
    async with dojo.services.uow_factory() as uow:
        members = await uow.session.scalar(select(func.count()).select_from(CommunityMember))
    assert members == len(events)

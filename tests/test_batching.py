"""Group commit: concurrent events share transactions and still answer exactly as alone."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bot.app import POSTGRES_BATCHES, Dojo
from core.batching import EventBatcher
from core.context import Context
from core.db.models import (
    AdminAudit,
    CommunityMember,
    InterviewSession,
    ProcessedEvent,
    User,
    XpLedger,
)
from core.db.uow import SharedTransaction
from core.kinds import Kind
from core.messages import ChatKind, CommunityRef, Platform, Reply, reply
from core.registry import command
from core.rules.xp import Activity
from tests.query_counter import Queries
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
    # Each failing event is undone in its own savepoint: nothing reruns.
    assert dojo.router.batcher.rerun == reruns_before, "one event's failure is one event's"
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
        # Every batched event is claimed once, the refused ones too (a savepoint undoes
        # their work, not the claim): /start, /profile, the chat message and /streak of
        # each learner. /quiz and /admin are SLOW (a model, a platform check), so they run
        # alone, where a failure rolls back everything, its claim included.
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


async def test_a_slow_command_runs_alone_and_reruns_no_batch(dojo: Dojo) -> None:
    """A SLOW command commits midway (as slow work does before calling the model): it never
    joins a batch, so the quick events around it commit in theirs, nothing rerun or doubled."""

    @command("note", "Test: records a practice note, committing before it answers", kind=Kind.SLOW)
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

    assert dojo.router.batcher.rerun == reruns
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
    assert len(batcher._workers) == 1
    for worker in batcher._workers:
        worker.cancel()
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


async def test_concurrent_batches_never_share_a_learner_and_keep_their_order() -> None:
    """On PostgreSQL several batches run at once: a learner's events are never in two running
    batches, and each learner's events are answered in the order they came."""
    running: set[str] = set()
    batches: list[list[str]] = []
    overlapped = 0

    async def run_batch(batch: list[str]) -> list[str | None]:
        nonlocal overlapped
        learners = {event.split(":")[0] for event in batch}
        assert not learners & running, "a learner in two running batches"
        overlapped += bool(running)
        running.update(learners)
        batches.append(batch)
        await asyncio.sleep(0.001)  # a round trip to the server
        running.difference_update(learners)
        return [f"ok {event}" for event in batch]

    async def run_alone(event: str) -> str:
        return f"alone {event}"

    batcher: EventBatcher[str, str] = EventBatcher(
        run_batch, run_alone, max_size=4, runners=3, key=lambda event: event.split(":")[0]
    )
    events = [f"learner{n % 5}:{n}" for n in range(60)]
    answers = await asyncio.gather(*(batcher.submit(event) for event in events))

    assert answers == [f"ok {event}" for event in events]
    assert overlapped > 0, "batches should have run at once"
    assert max(len(batch) for batch in batches) <= 4
    for learner in range(5):
        mine = [
            int(e.split(":")[1]) for b in batches for e in b if e.startswith(f"learner{learner}:")
        ]
        assert mine == list(range(learner, 60, 5))
    assert batcher.batches == len(batches) and batcher.rerun == 0


async def test_postgres_runs_batches_at_once_and_sqlite_one(dojo: Dojo) -> None:
    batcher = dojo.router.batcher
    if dojo.settings.database_url.startswith("sqlite"):
        assert (batcher.max_size, batcher.runners) == (32, 1)
    else:
        assert (batcher.max_size, batcher.runners) == POSTGRES_BATCHES


async def test_batches_meeting_new_groups_in_opposite_orders_do_not_deadlock(dojo: Dojo) -> None:
    """Two batches running at once each bring the same two new groups, in opposite orders.
    Creating a group locks its row, so creating them in event order deadlocks on PostgreSQL (a
    lost second, then a rerun); batches create their groups in one shared order instead."""
    first, second = (CommunityRef(Platform.TELEGRAM, f"-9{n}", f"new group {n}") for n in (1, 2))

    def learner(name: str, group: CommunityRef) -> ChatDriver:
        return ChatDriver(dojo.router, name, Platform.TELEGRAM, group.id, ChatKind.GROUP, group)

    # a0 and a1 arrive first and fill a batch of their own when batches hold two events.
    chats = [learner("a0", first), learner("a1", second)]
    chats += [learner("b0", second), learner("b1", first)]
    batcher = dojo.router.batcher
    size = batcher.max_size
    batcher.max_size = 2
    try:
        reruns = batcher.rerun
        events = [
            (chat, chat.incoming(f"{chat.name} says hello", addressed=False)) for chat in chats
        ]
        await asyncio.gather(*(chat.send(event) for chat, event in events))
    finally:
        batcher.max_size = size
    assert batcher.rerun == reruns, "a batch had to be rerun (a deadlock?)"
    async with dojo.services.uow_factory() as uow:
        members = await uow.session.scalar(select(func.count()).select_from(CommunityMember))
    assert members == len(events)


def _private(dojo: Dojo, name: str) -> ChatDriver:
    return ChatDriver(dojo.router, name, Platform.TELEGRAM, name, ChatKind.PRIVATE)


async def test_private_messages_share_batches_and_open_work_runs_alone(dojo: Dojo) -> None:
    """Plain private messages join batches; one from a learner mid-interview (an answer, which
    may call the model) and that learner's later events run alone, in order, claimed once."""
    ada, bob, cy = (_private(dojo, name) for name in ("ada", "bob", "cy"))
    for learner in (ada, bob, cy):
        await learner.say("/start backend mid UTC")
    await ada.say("/interview backend mid system-design")
    batches, reruns = dojo.router.batcher.batches, dojo.router.batcher.rerun

    answer = ada.incoming("I would shard by user id, then cache the hot keys in Redis.")
    after = ada.incoming("/streak")
    chatter = [bob.incoming("what should I study next?"), cy.incoming("hello there")]
    replies = await asyncio.gather(
        *(dojo.router.handle(event) for event in [chatter[0], answer, after, chatter[1]])
    )

    assert dojo.router.batcher.batches - batches < 4, "the messages should share a batch"
    assert dojo.router.batcher.rerun - reruns == 2  # ada's answer and her /streak after it
    assert "Reply with your answer" in text_of(replies[1])  # the interview took it
    assert "streak" in text_of(replies[2]).lower()
    assert all(text_of(answer_) for answer_ in (replies[0], replies[3]))
    async with dojo.services.uow_factory() as uow:
        claimed = set(await uow.session.scalars(select(ProcessedEvent.event_id)))
        (transcript,) = await uow.session.scalars(select(InterviewSession.transcript))
    assert [turn["text"] for turn in transcript].count(answer.text) == 1
    events = (answer, after, *chatter)
    assert {event.event_id for event in events} <= claimed

    # Delivered again, nothing is answered or counted twice.
    again = await asyncio.gather(*(dojo.router.handle(event) for event in events))
    assert again == [[] for _ in events]


async def test_an_idle_learners_message_skips_the_lookups_for_open_work(
    dojo: Dojo, queries: Queries
) -> None:
    """With no interview or review open (the learner's row says so: users.open_work), the
    handlers that would look for one are skipped: no statement asks about them at all."""
    ada = _private(dojo, "ada")
    await ada.say("/start backend mid UTC")
    with queries() as counted:
        answer = await ada.say("what should I study next?")
    assert answer
    assert counted.touching("interview_sessions") == [], counted
    assert counted.touching("code_reviews") == [], counted


async def test_a_batch_claims_and_finds_its_learners_in_one_statement_on_postgres(
    dojo: Dojo, queries: Queries
) -> None:
    """On PostgreSQL a batch's first round trip both claims its event ids and loads its
    learners (core.db.claim_pg); SQLite runs the two statements."""
    learners = _learners(dojo, 6)
    for learner in learners:
        await learner.say("/start backend mid UTC")
    batches = dojo.router.batcher.batches
    with queries() as counted:
        replies = await asyncio.gather(*(learner.say("/streak") for learner in learners))
    assert all("streak" in text.lower() for text in replies)
    ran = dojo.router.batcher.batches - batches
    claims = counted.touching("processed_events")
    lookups = [
        statement
        for statement in counted.of("select")
        if "platform_accounts" in statement.tables and statement not in claims
    ]
    assert len(claims) == ran < len(learners), counted
    if dojo.settings.database_url.startswith("postgresql"):
        assert lookups == [], counted
        assert all({"platform_accounts", "users"} <= claim.tables for claim in claims), counted
    else:
        assert all(claim.kind == "insert" for claim in claims), counted
        assert 0 < len(lookups) <= ran, counted

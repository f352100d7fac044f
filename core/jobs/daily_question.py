"""The daily question: each community that turned it on gets one question a day at its local
time, in its channel (a Telegram group's own chat unless a channel is set; on Discord a new
thread a day in the channel).

Every tick looks at each community. The day's question is chosen once (the unique
(community, day) row settles a race between processes) and posted once (the item key
(community, day) through deliver_once); a run after downtime posts late, up to
timing.LATE_LIMIT, never twice. The post also reveals the previous day's answer unless the
community set a reveal hour, in which case the reveal is a post of its own at that hour.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, datetime

from core import channels
from core.db.models import DailyQuestion
from core.db.uow import UnitOfWorkFactory
from core.features.daily import post, timing
from core.features.daily.pick import choose_question
from core.features.daily.store import DailyStore
from core.features.quiz.bank import BANK_DIR, QuestionStore, load_bank
from core.features.quiz.schema import QuestionData
from core.features.quiz.shuffle import new_order
from core.features.quiz.store import QuizStore
from core.jobs import runs
from core.jobs.delivery import JobReport, Sent, deliver_once, run_claimed, tick_key, undeliverable
from core.jobs.posting_community import PostingCommunity
from core.messages import ChatKind, Platform, Reply, SendTarget
from core.ports import Notifier
from core.text import Doc

log = logging.getLogger(__name__)

JOB = "daily_question"
POST_JOB = "daily_question_post"
REVEAL_JOB = "daily_question_reveal"
LANES = 8  # communities handled at once
NO_CHANNEL = "no usable channel (set one with /admin channel announce)"

# The bank's questions, read once per process; written to the database when a run finds no
# question there (a process that only runs jobs never started the /quiz that loads them).
_BANK: list[QuestionData] = []


async def daily_target(community: PostingCommunity, notifier: Notifier) -> SendTarget | None:
    """The community's announcement (else leaderboard) channel while it still belongs to the
    community (core.channels); a Telegram group without one gets it in the group itself. A
    Discord server with neither has no usable channel."""
    platform = Platform(community.platform)
    settings = community.settings
    for key, chosen in (
        (channels.ANNOUNCE, settings.announce_channel),
        (channels.LEADERBOARD, settings.leaderboard_channel),
    ):
        channel = await channels.verified(notifier, community, chosen, key)
        if channel and channels.is_own_chat(community, channel):
            break
        if channel:
            return SendTarget(platform, channel, ChatKind.CHANNEL)
    if platform is Platform.TELEGRAM:
        return SendTarget(platform, community.external_id, ChatKind.GROUP)
    return None


def _for_day(target: SendTarget, name: str) -> SendTarget:
    """In a channel, a thread of its own where the platform has threads (Discord; the others
    post in the channel itself)."""
    if target.kind is not ChatKind.CHANNEL:
        return target
    return dataclasses.replace(target, thread_name=name)


def _as_poll(target: SendTarget) -> bool:
    """A poll where it can name its voters: a Telegram group, or Discord (buttons either way);
    a Telegram broadcast channel only takes anonymous polls, so it gets buttons."""
    return not (target.platform is Platform.TELEGRAM and target.kind is ChatKind.CHANNEL)


async def _bank_loaded(uow_factory: UnitOfWorkFactory, now: datetime) -> None:
    if not _BANK:
        _BANK.extend(load_bank(BANK_DIR))
    async with uow_factory() as uow:
        await uow.repository(QuestionStore).upsert_questions(_BANK, "bank", now)
        await uow.commit()


@dataclass(frozen=True)
class Prepared:
    """The day's question, ready to post: its row's id, the post, and the earlier question
    the post reveals (None: none, or the community reveals at an hour of its own)."""

    daily_id: int
    reply: Reply
    topic: str
    reveals: int | None


async def _prepare(
    uow_factory: UnitOfWorkFactory,
    community: PostingCommunity,
    day: date,
    as_poll: bool,
    now: datetime,
) -> Prepared | None:
    """Choose the day's question (or find the one an earlier run chose) and build its post;
    None when the bank has nothing to ask."""
    settings = community.settings
    assert settings.daily_time is not None
    at = timing.clock_of(settings.daily_time)
    reveal_at = timing.clock_of(settings.daily_reveal) if settings.daily_reveal else None
    for attempt in range(2):
        async with uow_factory() as uow:
            store, quiz = uow.repository(DailyStore), uow.repository(QuizStore)
            daily = await store.of_day(community.id, day)
            if daily is None:
                chosen = await choose_question(
                    uow, community.id, day, settings.daily_topic, settings.daily_level
                )
                if chosen is None:
                    if attempt:
                        return None
                    await _bank_loaded(uow_factory, now)
                    continue
                picked = await quiz.question(chosen)
                assert picked is not None
                closes = timing.closes_at(day, at, reveal_at, community.time_zone)
                order = new_order(len(picked.options))
                daily = await store.create(community.id, day, chosen, order, closes, now)
            question = await quiz.question(daily.question_id)
            if question is None:
                return None
            lead: Doc | None = None
            earlier = None if reveal_at else await store.unrevealed_before(community.id, day)
            if earlier is not None:
                lead = await _reveal_text(store, quiz, earlier)
            reply = post.question_post(daily, question, as_poll=as_poll, lead=lead)
            revealed = earlier.id if earlier is not None and lead is not None else None
            prepared = Prepared(daily.id, reply, question.topic, revealed)
            await uow.commit()
            return prepared
    return None


async def _reveal_text(store: DailyStore, quiz: QuizStore, daily: DailyQuestion) -> Doc | None:
    question = await quiz.question(daily.question_id)
    if question is None:
        return None
    return post.reveal(daily, question, await store.tally(daily.id))


async def _mark(uow_factory: UnitOfWorkFactory, daily_id: int, **flags: bool) -> None:
    async with uow_factory() as uow:
        await uow.repository(DailyStore).mark(daily_id, **flags)
        await uow.commit()


async def _post_question(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    community: PostingCommunity,
    day: date,
    target: SendTarget,
    now: datetime,
    report: JobReport,
) -> None:
    prepared = await _prepare(uow_factory, community, day, _as_poll(target), now)
    if prepared is None:
        report.skipped += 1
        report.notes.append(f"community {community.id}: no question to ask")
        return
    outcome = await deliver_once(
        uow_factory,
        notifier,
        job=POST_JOB,
        key=_key(community, day),
        target=_for_day(target, post.thread_name(day, prepared.topic)),
        replies=[prepared.reply],
        now=now,
    )
    report.count(outcome)
    if outcome is Sent.SENT:
        await _mark(uow_factory, prepared.daily_id, posted=True)
        if prepared.reveals is not None:
            await _mark(uow_factory, prepared.reveals, revealed=True)


async def _reveals_due(
    uow_factory: UnitOfWorkFactory, community: PostingCommunity, now: datetime
) -> list[tuple[int, Doc]]:
    """At the community's reveal hour: each posted question whose answers closed, with its
    reveal (one missed by more than LATE_LIMIT is not posted late)."""
    if community.settings.daily_reveal is None:
        return []
    async with uow_factory() as uow:
        store, quiz = uow.repository(DailyStore), uow.repository(QuizStore)
        found = []
        for daily in await store.due_reveals(community.id, now):
            text = await _reveal_text(store, quiz, daily)
            if text is not None and daily.closes_at > now - timing.LATE_LIMIT:
                found.append((daily.id, text))
        return found


async def _post_reveals(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    reveals: list[tuple[int, Doc]],
    target: SendTarget,
    now: datetime,
    report: JobReport,
) -> None:
    """Each reveal in a post of its own, once."""
    for daily_id, text in reveals:
        outcome = await deliver_once(
            uow_factory,
            notifier,
            job=REVEAL_JOB,
            key=str(daily_id),
            target=_for_day(target, "PostingCommunity question · the answer"),
            replies=[Reply(text)],
            now=now,
        )
        report.count(outcome)
        if outcome is Sent.SENT:
            await _mark(uow_factory, daily_id, revealed=True)


def _key(community: PostingCommunity, day: date) -> str:
    return f"{community.id}:{day.isoformat()}"


def _due(community: PostingCommunity, now: datetime) -> date | None:
    chosen = community.settings.daily_time
    if chosen is None:
        return None
    return timing.due_day(now, community.time_zone, timing.clock_of(chosen))


async def _one(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    community: PostingCommunity,
    day: date | None,
    now: datetime,
    report: JobReport,
) -> None:
    """Whatever is due in one community: a reveal at its hour, the day's question."""
    reveals = await _reveals_due(uow_factory, community, now)
    if day is None and not reveals:
        return
    target = await daily_target(community, notifier)
    reason = undeliverable(notifier, community.platform, target, NO_CHANNEL)
    if target is None or reason:
        report.skipped += 1
        report.notes.append(f"community {community.id}: {reason}")
        return
    await _post_reveals(uow_factory, notifier, reveals, target, now, report)
    if day is not None:
        await _post_question(uow_factory, notifier, community, day, target, now, report)


async def post_daily_questions(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, now: datetime
) -> JobReport:
    async def work(report: JobReport) -> None:
        async with uow_factory() as uow:
            communities = [
                found
                for found in (PostingCommunity.of(row) for row in await uow.communities.all())
                if found.settings.daily_time is not None
            ]
        due = {community.id: _due(community, now) for community in communities}
        keys = [_key(c, day) for c in communities if (day := due[c.id]) is not None]
        settled = await runs.settled(uow_factory, POST_JOB, keys, now)
        waiting = asyncio.Queue[tuple[PostingCommunity, date | None]]()
        for community in communities:
            day = due[community.id]
            waiting.put_nowait(
                (community, None if day is None or _key(community, day) in settled else day)
            )

        async def lane() -> None:
            # Several communities at once, so one's database work overlaps another's sends;
            # the adapter's flood control paces the sends themselves.
            while not waiting.empty():
                community, day = waiting.get_nowait()
                await _one(uow_factory, notifier, community, day, now, report)

        await asyncio.gather(*(lane() for _ in range(LANES)))

    return await run_claimed(uow_factory, JOB, tick_key(now), now, work)

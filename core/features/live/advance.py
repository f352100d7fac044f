"""The live rounds' timer: the job `live_rounds`, ticked every second by the scheduler.

Nothing waits in memory. Each tick reads the rounds whose open question's time is up and moves
each one step (close the question; open the next, or finish and award XP) with an UPDATE that
names the step it moves from, so of several processes exactly one moves it. The posts for a
step (standings, the next question, final results) go out after that commit, under a claim in
`job_runs` keyed by (round, step), so they are sent once; a step whose posts never went out
(the process died in between) is found by the next tick and sent then. A restart mid-round
therefore continues it: the deadline is in the database, and so is what was posted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.db.models import LiveQuestion, LiveRound, User
from core.db.models.live import RUNNING
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.features.live.render import closed, final_results, question_reply, standings_after
from core.features.live.scoring import round_xp
from core.features.live.store import ABANDONED, SCORING, LiveStore
from core.features.quiz.shuffle import new_order
from core.jobs import runs
from core.jobs.delivery import JobReport, Sent, can_deliver
from core.messages import ChatKind, Platform, Reply, SendTarget
from core.ports import DeliveryError, Notifier
from core.progress import record_activity
from core.rules.xp import QUIZ_XP_PER_QUESTION, Activity
from core.text import Doc

log = logging.getLogger(__name__)

JOB = "live_rounds"
_AWARDS_PER_TRANSACTION = 25
# The round moves on this long after a question's close: Telegram closes its poll
# `open_period` after it *sent* it, a moment after the post time, and the votes it took in that
# moment are still on their way. Ticks come every second, so standings follow a close within
# 0.5 to 1.5 s (bench/live_round.py measures it).
MOVE_SLACK = timedelta(seconds=0.5)
XP_LINE = (
    f"XP: {QUIZ_XP_PER_QUESTION} per right answer, within your daily quiz allowance "
    "(/profile shows yours)."
)


async def advance_live_rounds(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, now: datetime
) -> JobReport:
    """One tick: move every round that is due, then send every step not yet announced."""
    report = JobReport(JOB, now.isoformat(timespec="seconds"))
    async with uow_factory() as uow:
        due = await uow.repository(LiveStore).due(now)
    for round_id, step in due:
        await _move(uow_factory, round_id, step, now)
    async with uow_factory() as uow:
        pending = await uow.repository(LiveStore).unannounced()
    for round_id, step in pending:
        report.count(await _announce(uow_factory, notifier, round_id, step, now))
    async with uow_factory() as uow:
        scoring = await uow.repository(LiveStore).to_score()
    for round_id in scoring:
        await _score(uow_factory, round_id, now)
    return report


async def _move(uow_factory: UnitOfWorkFactory, round_id: int, step: int, now: datetime) -> None:
    async with uow_factory() as uow:
        store = uow.repository(LiveStore)
        live = await store.round(round_id)
        if live is None or live.status != RUNNING or live.step != step:
            return
        upcoming = step + 1
        if upcoming < len(live.question_ids):
            closes = now + timedelta(seconds=live.seconds)
            if not await store.move(round_id, step, closes + MOVE_SLACK, RUNNING, now):
                return  # another process moved it first
            question = await store.bank_question(int(live.question_ids[upcoming]))
            count = len(question.options) if question is not None else 0
            store.add_question(
                LiveQuestion(
                    round_id=round_id,
                    position=upcoming,
                    question_id=int(live.question_ids[upcoming]),
                    option_order=new_order(count),
                    posted_at=now,
                    closes_at=closes,
                )
            )
        elif not await store.move(round_id, step, None, SCORING, now):
            return
        await uow.commit()


async def _score(uow_factory: UnitOfWorkFactory, round_id: int, now: datetime) -> None:
    """XP for everyone who answered, through the one award path (the quiz's daily allowance),
    after the final results are out: a few learners a transaction, so no write waits long
    behind it. Once across processes (a claim); an award repeated after a crash is a no-op
    (its reference is the round's)."""
    key = f"{round_id}:xp"
    async with uow_factory() as uow:
        if not await runs.claim(uow, JOB, key, now):
            return
        live = await uow.repository(LiveStore).round(round_id)
        standings = await uow.repository(LiveStore).standings(round_id)
    assert live is not None
    right = {item.user_id: item.right for item in standings}
    ids = list(right)
    for start in range(0, len(ids), _AWARDS_PER_TRANSACTION):
        async with uow_factory() as uow:
            chunk = ids[start : start + _AWARDS_PER_TRANSACTION]
            for user in await uow.repository(LiveStore).users(chunk):
                await _award(uow, live, user, right[user.id], now)
            await uow.commit()
    async with uow_factory() as uow:
        await uow.repository(LiveStore).scored(round_id, now)
        await uow.commit()
    async with uow_factory() as uow:
        await runs.finish(uow, JOB, key, now)


async def _award(uow: UnitOfWork, live: LiveRound, user: User, right: int, now: datetime) -> None:
    total = len(live.question_ids)
    await record_activity(
        uow,
        user,
        Activity.QUIZ_COMPLETED,
        now,
        reference=f"live:{live.id}",
        score=round(100 * right / total) if total else 0,
        context=("live", str(live.id)),
        meta={"topic": live.topic, "questions": total, "live": True},
        community_id=live.community_id,
        xp=round_xp(right),
        reason=f"live round, {right}/{total} right",
    )


@dataclass
class _Posts:
    target: SendTarget
    edits: list[Reply] = field(default_factory=list)
    main: Reply | None = None
    asked_id: int | None = None  # the question posted, whose message id is kept


async def _announce(
    uow_factory: UnitOfWorkFactory, notifier: Notifier, round_id: int, step: int, now: datetime
) -> Sent:
    async with uow_factory() as uow:
        live = await uow.repository(LiveStore).round(round_id)
    if live is None or not can_deliver(notifier, live.platform):
        return Sent.TAKEN  # another process, connected to that platform, sends it
    key = f"{round_id}:{step}"
    async with uow_factory() as uow:
        if not await runs.claim(uow, JOB, key, now):
            return Sent.TAKEN
    try:
        async with uow_factory() as uow:
            posts = await _posts_for(uow, live, step)
        for edit in posts.edits:
            try:
                await notifier.send(posts.target, [edit])
            except DeliveryError as error:  # a closed question stays readable: not fatal
                log.info("live round %s: closing edit refused: %s", round_id, error)
        message_id = await _post(notifier, posts)
    except DeliveryError as error:
        log.warning("live round %s: channel refused step %s: %s", round_id, step, error)
        async with uow_factory() as uow:
            store = uow.repository(LiveStore)
            await store.abandon(live, now)
            await store.mark_announced(round_id, len(live.question_ids))
            await uow.commit()
        async with uow_factory() as uow:
            await runs.finish(uow, JOB, key, now, runs.FAILED)
        return Sent.FAILED
    except Exception as error:
        log.warning("live round %s: step %s not sent, will retry: %r", round_id, step, error)
        async with uow_factory() as uow:
            await runs.release(uow, JOB, key)
        return Sent.RETRY
    async with uow_factory() as uow:
        store = uow.repository(LiveStore)
        if message_id is not None and posts.asked_id is not None:
            await store.set_message(posts.asked_id, message_id)
        await store.mark_announced(round_id, step)
        await uow.commit()
    async with uow_factory() as uow:
        await runs.finish(uow, JOB, key, now)
    return Sent.SENT


async def _post(notifier: Notifier, posts: _Posts) -> str | None:
    """Send the step's main post; its message id where the notifier can tell it."""
    if posts.main is None:
        return None
    post = getattr(notifier, "post", None)
    if post is None:
        await notifier.send(posts.target, [posts.main])
        return None
    found = await post(posts.target, posts.main)
    return str(found) if found is not None else None


async def _posts_for(uow: UnitOfWork, live: LiveRound, step: int) -> _Posts:
    """What step `step` posts: the close of the question before it (an edit where the
    platform needs one to take its buttons away), its standings, and the next question or
    the final results."""
    store = uow.repository(LiveStore)
    target = SendTarget(Platform(live.platform), live.chat_id, ChatKind.GROUP)
    posts = _Posts(target)
    lead: Doc | None = None
    previous = await store.question_at(live.id, step - 1) if step > 0 else None
    if previous is not None:
        bank = await store.bank_question(previous.question_id)
        answered, right = await store.answers_to(previous.id)
        board = await store.standings(live.id, upto=step)
        if bank is not None:
            lead = standings_after(live, previous, bank, answered, right, board)
            # Telegram closes its quiz poll by itself (open_period); buttons need an edit.
            if previous.message_id and live.platform != Platform.TELEGRAM:
                posts.edits.append(closed(live, previous, bank))
    if step < len(live.question_ids) and live.status != ABANDONED:
        asked = await store.question_at(live.id, step)
        bank = await store.bank_question(asked.question_id) if asked is not None else None
        if asked is not None and bank is not None:
            posts.main = question_reply(live, asked, bank, lead)
            posts.asked_id = asked.id
        else:
            posts.main = Reply(
                Doc.lines(lead or Doc(), "", "That question left the bank: skipped.")
            )
    else:
        board = await store.standings(live.id)
        posts.main = final_results(live, board, [XP_LINE] if board else [], lead or Doc())
    return posts

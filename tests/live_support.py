"""Helpers for live-round tests: members of one group chat, the round's timer, its posts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.app import Dojo
from bot.notifiers import RecordingNotifier
from core.db.models import LiveAnswer, LiveRound, XpLedger
from core.features.live.advance import advance_live_rounds
from core.jobs.delivery import JobReport
from core.messages import ChatKind, CommunityRef, Platform, QuizPoll, Reply
from tests.support import ChatDriver, fixed_clock

GROUP_ID = "study-group"
GROUP = CommunityRef(Platform.CONSOLE, GROUP_ID, "Study group")


def member(dojo: Dojo, name: str, *, admin: bool = False) -> ChatDriver:
    return ChatDriver(
        dojo.router,
        name,
        chat_id=GROUP_ID,
        chat_kind=ChatKind.GROUP,
        community=GROUP,
        is_admin=admin,
    )


def recording(dojo: Dojo) -> RecordingNotifier:
    """Posts to the console platform are kept, as a platform would show them."""
    notifier = RecordingNotifier()
    dojo.notifiers[str(Platform.CONSOLE)] = notifier
    return notifier


async def tick(dojo: Dojo) -> JobReport:
    """One beat of the round's timer at the test clock's time (the scheduler's job)."""
    return await advance_live_rounds(
        dojo.services.uow_factory, dojo.notifier, fixed_clock(dojo).now()
    )


def last_poll(notifier: RecordingNotifier) -> QuizPoll:
    polls = [item.poll for _, item in notifier.sent if item.poll is not None]
    assert polls, f"no question was posted: {notifier.texts()}"
    return polls[-1]


async def answer(driver: ChatDriver, poll: QuizPoll, right: bool) -> str:
    """Press the right option of a posted question, or a wrong one."""
    option = poll.correct_index if right else (poll.correct_index + 1) % len(poll.options)
    return await driver.press_data(f"{poll.answer_data}:{option}")


@dataclass(frozen=True)
class RoundState:
    status: str
    step: int
    answers: int


async def round_state(dojo: Dojo) -> RoundState:
    async with dojo.services.uow_factory() as uow:
        live = await uow.session.scalar(select(LiveRound).order_by(LiveRound.id.desc()))
        assert live is not None, "no live round was started"
        answers = len((await uow.session.scalars(select(LiveAnswer))).all())
        return RoundState(live.status, live.step, answers)


async def live_xp(dojo: Dojo) -> dict[str, int]:
    """XP awarded for live rounds, by learner's display name."""
    from core.db.models import User

    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.execute(
            select(User.display_name, XpLedger.amount)
            .join(XpLedger, XpLedger.user_id == User.id)
            .where(XpLedger.reference.like("live:%"))
        )
        return {str(name): int(amount) for name, amount in rows}


def texts(replies: list[Reply]) -> str:
    return "\n".join(item.text.plain for item in replies)

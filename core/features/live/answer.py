"""An answer in a live round (a Telegram poll vote, a Discord button): the learner's first
answer to the open question counts once, timed from the question's post time in the database.

A vote Telegram delivers twice, or a second press, finds the (question, learner) pair taken and
changes nothing. An answer after the close is refused with one line. On Telegram a counted vote
gets no message (the quiz poll shows the voter right or wrong, and 200 replies would flood the
group); on Discord the presser alone sees what was counted.
"""

from __future__ import annotations

from datetime import timedelta

from core.context import QuickContext
from core.errors import UserError
from core.features.live.scoring import points_for
from core.features.live.store import LiveStore
from core.features.quiz.shuffle import original_option
from core.messages import Platform, Reply, reply

# The platform closes a poll `open_period` seconds after it *sent* it, a moment after the
# database's post time: answers that moment late still count.
GRACE = timedelta(seconds=1)
CLOSED = "That question is closed: answers count only while it is open."
GONE = "That live round is over: start a new one with /quiz live."


def _parse(args: tuple[str, ...]) -> tuple[int, int]:
    if len(args) != 2 or not all(arg.isdigit() and len(arg) <= 12 for arg in args):
        raise UserError(f"That answer is not valid any more. {GONE}")
    return int(args[0]), int(args[1])


async def answer_live(context: QuickContext) -> list[Reply]:
    action = context.incoming.action
    assert action is not None
    live_question_id, chosen = _parse(action.args)
    store = context.uow.repository(LiveStore)
    asked = await store.live_question(live_question_id)
    live = await store.round(asked.round_id) if asked is not None else None
    if asked is None or live is None:
        raise UserError(GONE)
    if live.status != "running" or live.step != asked.position:
        raise UserError(CLOSED)
    if context.now > asked.closes_at + GRACE:
        raise UserError(CLOSED)
    question = await store.bank_question(asked.question_id)
    if question is None:
        raise UserError(GONE)
    option = original_option(asked.option_order, len(question.options), chosen)
    correct = option == question.correct_index
    elapsed_ms = max(0, int((context.now - asked.posted_at).total_seconds() * 1000))
    points = points_for(correct, elapsed_ms, live.seconds)
    counted = await store.answer(
        {
            "live_question_id": asked.id,
            "round_id": live.id,
            "user_id": context.user.id,
            "chosen": option,
            "correct": correct,
            "elapsed_ms": elapsed_ms,
            "points": points,
            "answered_at": context.now,
        }
    )
    if context.incoming.platform is Platform.TELEGRAM:
        return []
    if not counted:
        return [
            reply("You already answered this question: your first answer counts.", ephemeral=True)
        ]
    seconds = f"{elapsed_ms / 1000:.1f} s"
    if correct:
        return [reply(f"✅ Right, in {seconds}: +{points} points.", ephemeral=True)]
    return [
        reply(
            f"❌ Not this one (answered in {seconds}). Standings when time is up.", ephemeral=True
        )
    ]

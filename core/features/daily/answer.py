"""Answering the daily question (a poll vote on Telegram, a button on Discord): the learner's
first answer counts, earns XP through the award path (with its daily allowance) and moves
their daily-question streak in that community; later answers and answers after the reveal
change nothing and say so in one line."""

from __future__ import annotations

from core.context import QuickContext
from core.errors import UserError
from core.features.daily.post import ANSWER_ACTION
from core.features.daily.store import DailyStore
from core.features.quiz.shuffle import original_option
from core.features.quiz.store import QuizStore
from core.kinds import Kind
from core.messages import Reply, ReplyKind
from core.progress import announcements, record_activity
from core.registry import action
from core.rules.xp import DAILY_RIGHT_XP, DAILY_WRONG_XP, Activity
from core.text import Doc, bold
from core.wording import counted
from core.xp_note import xp_note

FIRST_COUNTS = "You already answered this daily question: your first answer counts."
CLOSED = (
    "The answer to that daily question is out, so answers are closed. Look out for the next one."
)


def _parse(args: tuple[str, ...]) -> tuple[int, int]:
    if len(args) != 2 or not all(arg.isdigit() and len(arg) <= 12 for arg in args):
        raise UserError("That answer is not valid any more.")
    return int(args[0]), int(args[1])


def _private(text: Doc) -> Reply:
    """Only the learner sees how they did: the reveal is for everyone, later."""
    return Reply(text, kind=ReplyKind.PRIVATE, ephemeral=True)


@action(ANSWER_ACTION, kind=Kind.QUICK)
async def daily_answer(context: QuickContext) -> list[Reply]:
    assert context.incoming.action is not None
    daily_id, chosen = _parse(context.incoming.action.args)
    store = context.uow.repository(DailyStore)
    daily = await store.daily(daily_id)
    if daily is None:
        raise UserError("That daily question no longer exists.")
    if daily.revealed or context.now >= daily.closes_at:
        return [_private(Doc.of(CLOSED))]
    question = await context.uow.repository(QuizStore).question(daily.question_id)
    if question is None:
        raise UserError("That question was removed from the bank.")
    option = original_option(daily.option_order, len(question.options), chosen)
    correct = option == question.correct_index
    user = context.user
    if not await store.first_answer(daily.id, user.id, option, correct, context.now):
        return [_private(Doc.of(FIRST_COUNTS))]
    streak = await store.advance_streak(daily.community_id, user.id, daily.day)
    outcome = await record_activity(
        context.uow,
        user,
        Activity.DAILY_QUESTION,
        context.now,
        reference=f"daily:{daily.id}",
        context=("daily_question", str(daily.id)),
        meta={"question": question.id, "correct": correct},
        community_id=daily.community_id,
        xp=DAILY_RIGHT_XP if correct else DAILY_WRONG_XP,
        reason="the daily question, right" if correct else "taking the daily question",
    )
    verdict = (
        ("✅ ", bold("Right!"), f" {question.options[question.correct_index]}")
        if correct
        else ("❌ ", bold("Not this time."), " The answer comes with the reveal.")
    )
    lines: list[object] = [verdict]
    earned = xp_note(outcome, nothing="no XP for this one")
    if earned:
        lines.append(earned)
    lines.append(f"🔥 Daily question streak here: {counted(streak, 'day')}.")
    return [_private(Doc.lines(*lines)), *announcements(user, outcome)]  # type: ignore[arg-type]

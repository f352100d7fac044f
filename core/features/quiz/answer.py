"""Answering a quiz question by poll or button: checked, marked once, explained, rescheduled."""

from __future__ import annotations

from datetime import timedelta

from core.context import QuickContext
from core.db.models import QuizSession
from core.errors import UserError
from core.features.quiz.earning import nothing_earned, quiz_reason, quiz_xp
from core.features.quiz.focus import RESUMED, interview_touched
from core.features.quiz.render import question_reply, score_of, summary, verdict
from core.features.quiz.shuffle import original_option, present
from core.features.quiz.store import QuizStore
from core.messages import Reply
from core.rules.xp import Activity
from core.text import Doc
from core.xp_note import xp_note

QUIZ_EXPIRY = timedelta(hours=24)
NEW_QUIZ = "Start a new one with /quiz."


def _parse(args: tuple[str, ...]) -> tuple[int, int, int]:
    if len(args) != 3 or not all(arg.isdigit() and len(arg) <= 12 for arg in args):
        raise UserError(f"That answer button is not valid any more. {NEW_QUIZ}")
    quiz_id, index, option = (int(arg) for arg in args)
    return quiz_id, index, option


async def _owned_quiz(context: QuickContext, quiz_id: int) -> QuizSession:
    quiz = await context.uow.repository(QuizStore).quiz(quiz_id)
    if quiz is None:
        raise UserError(f"That quiz no longer exists. {NEW_QUIZ}")
    if quiz.user_id != context.user.id:
        raise UserError("That quiz belongs to someone else: start your own with /quiz.")
    if quiz.status == "completed":
        raise UserError(f"That quiz is finished ({score_of(quiz)}%). {NEW_QUIZ}")
    if quiz.status != "active":
        raise UserError(f"That quiz was closed, so its buttons no longer count. {NEW_QUIZ}")
    return quiz


async def answer_question(context: QuickContext) -> list[Reply]:
    action = context.incoming.action
    assert action is not None
    return await answer_choice(context, *_parse(action.args))


async def answer_choice(context: QuickContext, quiz_id: int, index: int, chosen: int) -> list[Reply]:
    """The option at position `chosen` (from 0, in the order shown) for question `index` of
    the quiz: by button, poll or typed."""
    quiz = await _owned_quiz(context, quiz_id)
    if context.now - quiz.updated_at > QUIZ_EXPIRY:
        quiz.status, quiz.updated_at = "abandoned", context.now
        return [Reply(Doc.of(f"That quiz expired after a day without answers. {NEW_QUIZ}"))]
    total = len(quiz.question_ids)
    if index >= total:
        raise UserError(f"That answer button is not valid any more. {NEW_QUIZ}")
    if index < quiz.current_index:
        raise UserError(f"You already answered question {index + 1}; it counts once.")
    if index > quiz.current_index:
        raise UserError(f"Answer question {quiz.current_index + 1} first.")
    store = context.uow.repository(QuizStore)
    question = await store.question(quiz.question_ids[index])
    if question is None:
        raise UserError(f"That question was removed from the bank. {NEW_QUIZ}")
    # `chosen` is a position in the shuffled order the learner saw; `option` is the bank's index.
    option = original_option(quiz.option_order, len(question.options), chosen)
    correct = option == question.correct_index
    asked_at = quiz.updated_at
    if not await store.claim_answer(quiz, index, correct):
        raise UserError(f"You already answered question {index + 1}; it counts once.")
    store.record_answer(quiz, question.id, option, correct, asked_at=asked_at, now=context.now)
    quiz.updated_at = context.now
    await store.reschedule(context.user.id, question.id, correct, context.now)
    marked = verdict(question, option, correct)
    if quiz.current_index < total:
        upcoming = await store.question(quiz.question_ids[index + 1])
        assert upcoming is not None
        return [question_reply(quiz, index + 1, upcoming, present(quiz, upcoming), marked)]
    return await _finish(context, quiz, marked)


async def _finish(context: QuickContext, quiz: QuizSession, marked: Doc) -> list[Reply]:
    quiz.status, quiz.completed_at = "completed", context.now
    percent = score_of(quiz)
    new_right = await context.uow.repository(QuizStore).new_right_answers(quiz)
    outcome, announced = await context.record(
        Activity.QUIZ_COMPLETED,
        reference=f"quiz:{quiz.id}",
        score=percent,
        context=("quiz", str(quiz.id)),
        meta={"topic": quiz.topic, "questions": len(quiz.question_ids), "new_right": new_right},
        xp=quiz_xp(new_right),
        reason=quiz_reason(quiz, new_right),
    )
    earned = xp_note(outcome, nothing=nothing_earned(quiz))
    missed = len(quiz.question_ids) - quiz.correct_count
    done = Doc.lines(marked, "", summary(quiz, earned, missed))
    if await interview_touched(context) is not None:
        done = Doc.lines(done, RESUMED)
    return [Reply(done), *announced]

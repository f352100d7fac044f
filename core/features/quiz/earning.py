"""What a finished quiz earns: the questions got right that never earned XP before.

Quiz XP used to be a flat 25 scaled by the score, so a one-question quiz answered right paid
as much as a perfect five, and the same question taken again paid again. Now each question
earns once, the first time it is got right in a finished quiz (a missed question that comes
back in /quiz due earns when it is finally right); the daily allowance (core.rules.xp) then
applies to the quiz as a whole.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from core.db.models import QuizAnswer, QuizSession, User
from core.db.uow import UnitOfWork
from core.rules.xp import Activity, xp_for

_EARLIER = aliased(QuizAnswer)


async def new_right_answers(uow: UnitOfWork, quiz: QuizSession) -> int:
    """Questions of `quiz` answered right that its learner had not got right in another
    finished quiz.

    On PostgreSQL the learner's row is locked first (the award that follows locks it anyway),
    so two quizzes finishing at once, from two linked platforms or two processes, take turns:
    the second sees the first as finished and a question they share earns once. SQLite runs
    one writer at a time already."""
    if uow.session.get_bind().dialect.name == "postgresql":
        mine = select(User.id).where(User.id == quiz.user_id)
        await uow.session.execute(mine.with_for_update(key_share=True))  # the UPDATE's own mode
    earned_before = (
        select(_EARLIER.id)
        .join(QuizSession, QuizSession.id == _EARLIER.session_id)
        .where(
            QuizSession.user_id == quiz.user_id,
            QuizSession.status == "completed",
            QuizSession.id != quiz.id,
            and_(_EARLIER.question_id == QuizAnswer.question_id, _EARLIER.correct),
        )
    )
    count = await uow.session.scalar(
        select(func.count())
        .select_from(QuizAnswer)
        .where(QuizAnswer.session_id == quiz.id, QuizAnswer.correct, ~exists(earned_before))
    )
    return int(count or 0)


def quiz_reason(quiz: QuizSession, new_right: int) -> str:
    """What the quiz's XP is for, as the learner reads it."""
    right, total = quiz.correct_count, len(quiz.question_ids)
    if new_right == right:
        return f"quiz {right}/{total} right"
    return f"quiz {right}/{total} right ({new_right} of them for the first time)"


def nothing_earned(quiz: QuizSession) -> str:
    if not quiz.correct_count:
        return "no XP for this quiz: none right this time (each question earns once, when right)"
    return "no XP for this quiz: the questions you got right had earned their XP before"


def quiz_xp(new_right: int) -> int:
    return xp_for(Activity.QUIZ_COMPLETED, new_right=new_right)

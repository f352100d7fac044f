"""What a finished quiz earns: the questions got right that never earned XP before.

Quiz XP used to be a flat 25 scaled by the score, so a one-question quiz answered right paid
as much as a perfect five, and the same question taken again paid again. Now each question
earns once, the first time it is got right in a finished quiz (a missed question that comes
back in /quiz due earns when it is finally right); the daily allowance (core.rules.xp) then
applies to the quiz as a whole.
"""

from __future__ import annotations

from core.db.models import QuizSession
from core.rules.xp import Activity, xp_for

# The count itself, of questions got right for the first time, is QuizStore.new_right_answers.


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

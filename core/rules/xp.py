"""How much XP each kind of activity earns (DESIGN §5), and how much of it a day can hold.

XP rewards practice, not repetition. A quiz earns per question got right for the first time,
so a one-question quiz earns a fifth of a five-question one and a question answered again
earns nothing. Each kind of practice has a daily allowance in the learner's own calendar: the
first `full` of a day earn their XP, the next `halved` earn half, later ones nothing (they
still count for badges and reports). The numbers let a keen learner practise for hours (ten
five-question quizzes, three interviews and five reviews a day at full XP) while making
repeating one cheap action pointless.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Activity(StrEnum):
    ONBOARDED = "onboarded"
    INTERVIEW_STARTED = "interview_started"
    INTERVIEW_COMPLETED = "interview_completed"
    REVIEW_REQUESTED = "code_review_requested"
    REVIEW_COMPLETED = "code_review_completed"
    QUIZ_COMPLETED = "quiz_completed"
    QUIZ_ANSWERED = "quiz_answered"
    REPORT_GENERATED = "report_generated"
    DAILY_FIRST = "daily_first_activity"
    CHAT_MESSAGE = "chat_message_sent"
    ADMIN_GRANT = "admin_grant"
    BADGE_UNLOCKED = "achievement_unlocked"
    DUEL_FINISHED = "duel_finished"
    DAILY_QUESTION = "daily_question_answered"


INTERVIEW_BONUS_SCORE = 80
INTERVIEW_BONUS_XP = 20
REVIEW_APPROVED_SCORE = 70
REVIEW_APPROVED_XP = 30
QUIZ_XP_PER_QUESTION = 5  # per question right for the first time: 25 for a fresh 5/5 quiz
DAILY_RIGHT_XP, DAILY_WRONG_XP = 10, 3  # the daily question: taking part earns, right earns more

_BASE_XP = {
    Activity.ONBOARDED: 25,
    Activity.INTERVIEW_STARTED: 10,
    Activity.INTERVIEW_COMPLETED: 40,
    Activity.REVIEW_REQUESTED: 15,
    Activity.REVIEW_COMPLETED: 0,
    Activity.QUIZ_COMPLETED: 0,
    Activity.REPORT_GENERATED: 20,
    Activity.DAILY_FIRST: 5,
    Activity.CHAT_MESSAGE: 2,
}


def xp_for(activity: Activity | str, score: int | None = None, *, new_right: int = 0) -> int:
    """XP for one activity before the daily allowance; `score` (0-100) matters for interviews
    and reviews, `new_right` (questions right for the first time) for quizzes."""
    activity = Activity(activity)
    if activity is Activity.INTERVIEW_COMPLETED:
        bonus = INTERVIEW_BONUS_XP if score is not None and score >= INTERVIEW_BONUS_SCORE else 0
        return _BASE_XP[activity] + bonus
    if activity is Activity.REVIEW_COMPLETED:
        approved = score is not None and score >= REVIEW_APPROVED_SCORE
        return REVIEW_APPROVED_XP if approved else 0
    if activity is Activity.QUIZ_COMPLETED:
        return QUIZ_XP_PER_QUESTION * max(0, new_right)
    return _BASE_XP.get(activity, 0)


class Stage(StrEnum):
    """Where an award fell in the day's allowance for its activity."""

    FULL = "full"
    HALVED = "halved"
    CAPPED = "capped"


@dataclass(frozen=True)
class DailyCap:
    """Per learner-local day: the first `full` awards whole, the next `halved` at half."""

    full: int
    halved: int
    noun: str  # "no XP for this quiz"
    plural: str  # "the daily cap on quizzes", "over 10 quizzes today"

    @property
    def last_paid(self) -> int:
        return self.full + self.halved


DAILY_CAPS: dict[Activity, DailyCap] = {
    Activity.QUIZ_COMPLETED: DailyCap(10, 10, "quiz", "quizzes"),
    Activity.INTERVIEW_STARTED: DailyCap(3, 3, "interview", "interviews started"),
    Activity.INTERVIEW_COMPLETED: DailyCap(3, 3, "interview", "finished interviews"),
    Activity.REVIEW_REQUESTED: DailyCap(5, 5, "code review", "code reviews"),
    Activity.REVIEW_COMPLETED: DailyCap(5, 5, "approval", "approved reviews"),
    Activity.CHAT_MESSAGE: DailyCap(30, 30, "message", "chat messages"),
    # Duels pay per question right (core.features.duels.fair_play): five a day whole.
    Activity.DUEL_FINISHED: DailyCap(5, 5, "duel", "duels"),
    # A learner in several communities may answer several daily questions a day.
    Activity.DAILY_QUESTION: DailyCap(3, 3, "daily question", "daily questions"),
}


def halved(amount: int) -> int:
    """Half, rounded up, so a small award (chat's 2 XP) still earns something."""
    return (amount + 1) // 2


def stage_of(nth: int, cap: DailyCap) -> Stage:
    """The stage of the day's `nth` XP-earning award of an activity (1 is the first)."""
    if nth <= cap.full:
        return Stage.FULL
    if nth <= cap.last_paid:
        return Stage.HALVED
    return Stage.CAPPED


def capped_amount(amount: int, nth: int, cap: DailyCap) -> int:
    """What the day's `nth` award of `amount` earns under `cap` (core.db.award_pg computes the
    same in SQL)."""
    stage = stage_of(nth, cap)
    if stage is Stage.FULL:
        return amount
    return halved(amount) if stage is Stage.HALVED else 0

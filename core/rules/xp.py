"""How much XP each kind of activity earns (DESIGN §5)."""

from __future__ import annotations

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


INTERVIEW_BONUS_SCORE = 80
REVIEW_APPROVED_SCORE = 70

_BASE_XP = {
    Activity.ONBOARDED: 25,
    Activity.INTERVIEW_STARTED: 10,
    Activity.INTERVIEW_COMPLETED: 40,
    Activity.REVIEW_REQUESTED: 15,
    Activity.REVIEW_COMPLETED: 0,
    Activity.QUIZ_COMPLETED: 25,
    Activity.REPORT_GENERATED: 20,
    Activity.DAILY_FIRST: 5,
    Activity.CHAT_MESSAGE: 2,
}


def xp_for(activity: Activity | str, score: int | None = None) -> int:
    """XP for one activity; `score` (0-100) matters for interviews, reviews and quizzes."""
    activity = Activity(activity)
    if activity is Activity.INTERVIEW_COMPLETED:
        bonus = 20 if score is not None and score >= INTERVIEW_BONUS_SCORE else 0
        return _BASE_XP[activity] + bonus
    if activity is Activity.REVIEW_COMPLETED:
        return 30 if score is not None and score >= REVIEW_APPROVED_SCORE else 0
    if activity is Activity.QUIZ_COMPLETED:
        fraction = 1.0 if score is None else max(0, min(score, 100)) / 100
        return round(_BASE_XP[activity] * fraction)
    return _BASE_XP.get(activity, 0)

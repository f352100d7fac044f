"""XP amounts, chat XP anti-farming and badge criteria as data."""

from datetime import UTC, datetime, timedelta
from typing import Any

from core.rules.badges import CountKey, Standing, badges_earned
from core.rules.chat_xp import chat_xp_decision, digest
from core.rules.xp import Activity, xp_for

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_xp_table_of_the_design() -> None:
    assert xp_for(Activity.ONBOARDED) == 25
    assert xp_for(Activity.INTERVIEW_STARTED) == 10
    assert xp_for(Activity.INTERVIEW_COMPLETED, 79) == 40
    assert xp_for(Activity.INTERVIEW_COMPLETED, 80) == 60
    assert xp_for(Activity.REVIEW_REQUESTED) == 15
    assert xp_for(Activity.REVIEW_COMPLETED, 69) == 0
    assert xp_for(Activity.REVIEW_COMPLETED, 70) == 30
    assert xp_for(Activity.QUIZ_COMPLETED, 100, new_right=5) == 25
    assert xp_for(Activity.QUIZ_COMPLETED, 100, new_right=1) == 5  # a one-question quiz
    assert xp_for(Activity.QUIZ_COMPLETED, 100) == 0  # only questions right for the first time
    assert xp_for(Activity.REPORT_GENERATED) == 20
    assert xp_for(Activity.DAILY_FIRST) == 5
    assert xp_for(Activity.CHAT_MESSAGE) == 2


def test_chat_xp_short_messages_earn_nothing() -> None:
    decision = chat_xp_decision("hi there", NOW, None, ())
    assert not decision.award and decision.reason == "too short"


def test_chat_xp_cooldown_of_sixty_seconds() -> None:
    text = "what is a B-tree index really?"
    assert not chat_xp_decision(text, NOW, NOW - timedelta(seconds=59), ()).award
    assert chat_xp_decision(text, NOW, NOW - timedelta(seconds=60), ()).award


def test_chat_xp_repeating_one_of_the_last_five_earns_nothing() -> None:
    recent: tuple[str, ...] = ()
    for index in range(5):
        recent = chat_xp_decision(f"message number {index} here", NOW, None, recent).recent_digests
    assert len(recent) == 5
    repeat = chat_xp_decision("MESSAGE number 3   here", NOW, None, recent)
    assert not repeat.award and repeat.reason == "repeated"
    for index in range(5, 10):
        recent = chat_xp_decision(f"message number {index} here", NOW, None, recent).recent_digests
    assert digest("message number 0 here") not in recent
    assert chat_xp_decision("message number 0 here", NOW, None, recent).award


CATALOGUE: dict[str, dict[str, Any]] = {
    "review-rookie": {"event": "code_review_requested", "count": 1},
    "interview-ace": {"event": "interview_completed", "count": 3, "min_score": 80},
    "streak-3": {"streak": 3},
    "level-5": {"level": 5},
}


def test_badges_from_data_criteria_unlock_once() -> None:
    standing = Standing(
        counts={
            CountKey("code_review_requested"): 1,
            CountKey("interview_completed", 80): 2,
        },
        streak=3,
        level=2,
    )
    assert badges_earned(CATALOGUE, set(), standing) == ["review-rookie", "streak-3"]
    assert badges_earned(CATALOGUE, {"review-rookie", "streak-3"}, standing) == []
    better = Standing({CountKey("interview_completed", 80): 3}, streak=0, level=5)
    assert badges_earned(CATALOGUE, set(), better) == ["interview-ace", "level-5"]

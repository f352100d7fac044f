"""Points in a live round: a right answer scores, a fast one scores more; XP follows the quiz's.

Speed counts from the moment the question was posted as the database recorded it, not from
when a process saw the answer, so a restart or a second process measures the same time.
"""

from __future__ import annotations

from core.rules.xp import QUIZ_XP_PER_QUESTION

RIGHT_POINTS = 10  # any right answer while the question is open
SPEED_POINTS = 10  # on top, shrinking to 0 over the question's time


def points_for(correct: bool, elapsed_ms: int, seconds: int) -> int:
    """10 for a right answer, plus up to 10 more the sooner it came; 0 for a wrong one."""
    if not correct:
        return 0
    window = max(1, seconds * 1000)
    left = max(0, window - max(0, elapsed_ms)) / window
    return RIGHT_POINTS + round(SPEED_POINTS * left)


def round_xp(right: int) -> int:
    """A live round earns what a quiz earns for the same right answers (capped the same way)."""
    return QUIZ_XP_PER_QUESTION * max(0, right)

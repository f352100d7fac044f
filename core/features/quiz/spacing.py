"""Spaced repetition as Leitner boxes: pure rules, no I/O.

A missed question drops to box 0 and comes back soon; each right answer moves it up a box with
a longer wait; past the last box it is learnt and leaves the schedule. A question answered right
that was never missed is not scheduled at all: only mistakes come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MISSED_DELAY = timedelta(hours=1)
# Wait after a right answer that moved the question into box N (index N - 1).
BOX_INTERVALS: tuple[timedelta, ...] = (
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
    timedelta(days=16),
    timedelta(days=35),
)
LAST_BOX = len(BOX_INTERVALS)


@dataclass(frozen=True)
class Schedule:
    box: int
    due_at: datetime


def next_schedule(current: Schedule | None, correct: bool, now: datetime) -> Schedule | None:
    """Where a question goes after an answer; None means it is (or stays) unscheduled."""
    if not correct:
        return Schedule(0, now + MISSED_DELAY)
    if current is None:
        return None
    box = current.box + 1
    if box > LAST_BOX:
        return None
    return Schedule(box, now + BOX_INTERVALS[box - 1])

"""Daily streaks counted in the learner's own calendar (DESIGN §5), with streak freezes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FREEZE_EVERY_DAYS = 7
MAX_FREEZES = 2


@dataclass(frozen=True)
class StreakState:
    current: int
    longest: int
    last_active: date | None
    freezes: int = 0


@dataclass(frozen=True)
class StreakUpdate:
    state: StreakState
    first_today: bool
    freezes_used: int = 0
    freeze_earned: bool = False


def zone_or_utc(name: str | None) -> ZoneInfo:
    """A learner's zone; one that no longer exists (tzdata changes) falls back to UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(moment: datetime, time_zone: str | None) -> date:
    """The calendar day at `moment` where the learner lives; DST-safe via zoneinfo."""
    return moment.astimezone(zone_or_utc(time_zone)).date()


def next_streak(state: StreakState, today: date) -> StreakUpdate:
    """Apply activity on `today` (the learner's local date) to a streak.

    Missed days are bridged by held freezes, one per day; a gap larger than the freezes resets
    the streak to 1. Every completed 7-day run earns a freeze, up to MAX_FREEZES held.
    """
    last = state.last_active
    if last is not None and today <= last:
        return StreakUpdate(state, first_today=False)
    freezes = state.freezes
    used = 0
    if last is None:
        current = 1
    else:
        missed = (today - last).days - 1
        if missed == 0:
            current = state.current + 1
        elif missed <= freezes:
            used = missed
            freezes -= missed
            current = state.current + 1
        else:
            current = 1
    earned = current % FREEZE_EVERY_DAYS == 0 and freezes < MAX_FREEZES
    if earned:
        freezes += 1
    new_state = StreakState(current, max(state.longest, current), today, freezes)
    return StreakUpdate(new_state, first_today=True, freezes_used=used, freeze_earned=earned)


def live_streak(state: StreakState, today: date) -> int:
    """The streak as it stands today: still alive if yesterday (or a freeze) covers the gap."""
    if state.last_active is None:
        return 0
    missed = (today - state.last_active).days - 1
    if missed <= state.freezes:
        return state.current
    return 0

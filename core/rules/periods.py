"""Calendar periods of the leaderboards: weeks (Monday to Sunday) and calendar months.

A period is named by its first day in some zone (a community's, or UTC for the global board)
and spans that day's midnight to the next period's, as UTC instants. Kept apart from the
boards and the posts so both agree on where a week or a month begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from core.rules.streaks import zone_or_utc


class Cadence(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    cadence: Cadence
    start: date  # its first local day
    since: datetime  # that day's midnight in the zone, in UTC
    until: datetime  # the next period's midnight, in UTC

    @property
    def last_day(self) -> date:
        return following(self.cadence, self.start) - timedelta(days=1)


def first_day(cadence: Cadence, day: date) -> date:
    """The first day of the period containing `day`."""
    if cadence is Cadence.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def following(cadence: Cadence, start: date) -> date:
    """The first day of the period after the one starting on `start`."""
    if cadence is Cadence.WEEK:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def preceding(cadence: Cadence, start: date) -> date:
    """The first day of the period before the one starting on `start`."""
    if cadence is Cadence.WEEK:
        return start - timedelta(days=7)
    return (start - timedelta(days=1)).replace(day=1)


def period_from(cadence: Cadence, start: date, time_zone: str = "UTC") -> Period:
    zone = zone_or_utc(time_zone)
    since = datetime.combine(start, time(0), zone).astimezone(UTC)
    until = datetime.combine(following(cadence, start), time(0), zone).astimezone(UTC)
    return Period(cadence, start, since, until)


def period_at(cadence: Cadence, moment: datetime, time_zone: str = "UTC") -> Period:
    """The period containing `moment` in the zone (this week, this month)."""
    local = moment.astimezone(zone_or_utc(time_zone)).date()
    return period_from(cadence, first_day(cadence, local), time_zone)


_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth",
)  # fmt: skip


def ordinal(number: int) -> str:
    """`third` for 3: words up to twelve (a year of months), then `13th`, `21st`, `22nd`."""
    if 1 <= number <= len(_ORDINALS):
        return _ORDINALS[number - 1]
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"

"""Skill scores and XP per week, in the learner's own weeks, for the trend chart.

Weeks run Monday to Sunday in the learner's time zone, like their streak days, so an interview
on Sunday evening in Tokyo counts in that week even though it is still Sunday morning in UTC.
That is why XP is bucketed from the ledger rows (a moment each) and not from `xp_weekly`,
whose weeks begin at Monday 00:00 UTC. A chart holds at most `MAX_WEEKS` weeks (a year), so a
long history costs a bounded read and a bounded number of points; weeks without practice are
kept as gaps (no score, 0 XP), never squeezed out, so the spacing tells time truthfully.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.rules.periods import Cadence, first_day, period_from
from core.rules.streaks import local_date

MAX_WEEKS = 52


@dataclass(frozen=True)
class ScoredMoment:
    """One AI-assessed interview's scores: when, overall, and each skill (0-100)."""

    at: datetime
    overall: float
    skills: dict[str, float]


@dataclass(frozen=True)
class WeeklyTrend:
    """Per week (oldest first, one entry for every week in the range): the average overall
    and skill scores of that week's interviews (None: none that week) and the XP earned."""

    weeks: tuple[date, ...]  # each week's Monday, in the learner's zone
    overall: tuple[float | None, ...]
    skills: dict[str, tuple[float | None, ...]]
    xp: tuple[int, ...]

    @property
    def has_scores(self) -> bool:
        return any(value is not None for value in self.overall)

    @property
    def is_empty(self) -> bool:
        return not self.has_scores and not any(self.xp)


def week_of(moment: datetime, time_zone: str | None) -> date:
    """The Monday of the learner's week holding `moment`."""
    return first_day(Cadence.WEEK, local_date(moment, time_zone))


def window_start(now: datetime, time_zone: str | None) -> datetime:
    """The UTC instant the chart's oldest possible week begins: what the queries read from."""
    oldest = week_of(now, time_zone) - timedelta(weeks=MAX_WEEKS - 1)
    return period_from(Cadence.WEEK, oldest, time_zone or "UTC").since


def weekly_trend(
    scores: Iterable[ScoredMoment],
    xp: Iterable[tuple[datetime, int]],
    skill_names: Sequence[str],
    now: datetime,
    time_zone: str | None,
) -> WeeklyTrend:
    """Bucket scores and XP into the learner's weeks, from the first week with either (at most
    MAX_WEEKS back) to the current week; anything older than the window is left out."""
    this_week = week_of(now, time_zone)
    oldest_allowed = this_week - timedelta(weeks=MAX_WEEKS - 1)
    scored: dict[date, list[ScoredMoment]] = {}
    for moment in scores:
        week = week_of(moment.at, time_zone)
        if oldest_allowed <= week <= this_week:
            scored.setdefault(week, []).append(moment)
    earned: dict[date, int] = {}
    for at, amount in xp:
        week = week_of(at, time_zone)
        if oldest_allowed <= week <= this_week:
            earned[week] = earned.get(week, 0) + amount
    first = min([*scored, *earned], default=this_week)
    weeks = tuple(first + timedelta(weeks=n) for n in range((this_week - first).days // 7 + 1))

    def average(week: date, pick: str | None) -> float | None:
        found = scored.get(week)
        if not found:
            return None
        values = [m.overall if pick is None else m.skills[pick] for m in found]
        return sum(values) / len(values)

    return WeeklyTrend(
        weeks=weeks,
        overall=tuple(average(week, None) for week in weeks),
        skills={name: tuple(average(week, name) for week in weeks) for name in skill_names},
        xp=tuple(earned.get(week, 0) for week in weeks),
    )

"""When a community's daily question is due and when its answers close, in its local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from core.rules.streaks import zone_or_utc

# A run after downtime still posts the day's question this long after its time, never later.
LATE_LIMIT = timedelta(hours=6)


def clock_of(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def moment(day: date, at: time, time_zone: str) -> datetime:
    """`at` on the local `day`, in UTC."""
    return datetime.combine(day, at, zone_or_utc(time_zone)).astimezone(UTC)


def due_day(now: datetime, time_zone: str, at: time) -> date | None:
    """The local day whose question is due at `now`: from its time until LATE_LIMIT after."""
    today = now.astimezone(zone_or_utc(time_zone)).date()
    for day in (today, today - timedelta(days=1)):
        post_at = moment(day, at, time_zone)
        if post_at <= now < post_at + LATE_LIMIT:
            return day
    return None


def closes_at(day: date, at: time, reveal: time | None, time_zone: str) -> datetime:
    """When answers to `day`'s question stop counting: at the reveal hour after the post, or
    when the next day's question is due."""
    post_at = moment(day, at, time_zone)
    if reveal is None:
        return moment(day + timedelta(days=1), at, time_zone)
    shown = moment(day, reveal, time_zone)
    return shown if shown > post_at else moment(day + timedelta(days=1), reveal, time_zone)

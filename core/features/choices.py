"""The fixed vocabularies learners choose from, and how their input is validated."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import available_timezones

from core.errors import UserError

TRACKS = ("backend", "frontend", "fullstack", "mobile", "data", "devops")
EXPERIENCE_LEVELS = ("student", "junior", "mid", "senior")


def pick(value: str, allowed: tuple[str, ...], what: str, usage: str) -> str:
    normalized = value.strip().lower()
    if normalized in allowed:
        return normalized
    shown = value.strip()[:30] or "(nothing)"
    raise UserError(
        f"'{shown}' is not a valid {what}. Choose one of: {', '.join(allowed)}. {usage}"
    )


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


_REGIONS = (
    *("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/"),
    *("Australia/", "Europe/", "Indian/", "Pacific/"),
)


def is_time_zone(value: str) -> bool:
    return value.strip().lower() in _zones()


@cache
def _by_city() -> dict[str, tuple[str, ...]]:
    """Region zones by their last part: `berlin` -> (`Europe/Berlin`,)."""
    cities: dict[str, list[str]] = {}
    for name in sorted(_zones().values()):
        if name.startswith(_REGIONS):
            cities.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    return {city: tuple(names) for city, names in cities.items()}


def suggested_zones(value: str) -> tuple[str, ...]:
    """Zone names a learner probably meant: a city alone (`Berlin`, `new_york`), or a near miss
    of a full name (`Europe/Berln`)."""
    text = value.strip().lower().replace(" ", "_")
    if not text:
        return ()
    if text in _by_city():
        return _by_city()[text]
    close = difflib.get_close_matches(text, list(_zones()), n=3, cutoff=0.85)
    return tuple(_zones()[name] for name in close)


def time_zone(value: str) -> str:
    """A canonical IANA zone name (`europe/berlin` becomes `Europe/Berlin`)."""
    found = _zones().get(value.strip().lower())
    if found is None:
        shown = value.strip()[:40] or "(nothing)"
        guesses = suggested_zones(value[:100])
        if guesses and "/" not in value:
            raise UserError(f"'{shown}' needs its region: did you mean {' or '.join(guesses)}?")
        if guesses:
            raise UserError(
                f"'{shown}' is not a time zone I know. Did you mean {' or '.join(guesses)}?"
            )
        raise UserError(
            f"'{shown}' is not a time zone I know. Use an IANA name such as Europe/Berlin, "
            "America/New_York, Asia/Kolkata or UTC."
        )
    return found


def hour_minute(value: str) -> tuple[int, int]:
    """`19`, `19:00` or `7:30` as (hour, minute)."""
    text = value.strip()
    hour_text, _, minute_text = text.partition(":")
    if (
        hour_text.isdigit()
        and (not minute_text or minute_text.isdigit())
        and len(hour_text) <= 2
        and len(minute_text) <= 2
    ):
        hour, minute = int(hour_text), int(minute_text or 0)
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return hour, minute
    raise UserError(f"'{text[:20]}' is not a time of day. Use HH:MM, for example /remind 19:00.")

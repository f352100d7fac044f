"""Streaks count the learner's own calendar days, across time zones and DST changes."""

from datetime import UTC, date, datetime

from core.rules.streaks import StreakState, live_streak, local_date, next_streak, zone_or_utc

EMPTY = StreakState(0, 0, None)


def test_first_activity_starts_a_streak() -> None:
    update = next_streak(EMPTY, date(2026, 3, 1))
    assert update.first_today and update.state.current == 1 and update.state.longest == 1


def test_same_day_is_not_counted_twice() -> None:
    state = next_streak(EMPTY, date(2026, 3, 1)).state
    again = next_streak(state, date(2026, 3, 1))
    assert not again.first_today and again.state == state


def test_consecutive_days_grow_and_a_gap_resets() -> None:
    state = EMPTY
    for day in range(1, 5):
        state = next_streak(state, date(2026, 3, day)).state
    assert state.current == 4
    state = next_streak(state, date(2026, 3, 7)).state
    assert (state.current, state.longest) == (1, 4)


def test_local_date_differs_by_time_zone() -> None:
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert local_date(moment, "UTC") == date(2026, 3, 1)
    assert local_date(moment, "Asia/Tokyo") == date(2026, 3, 2)
    assert local_date(moment, "America/Los_Angeles") == date(2026, 3, 1)


def test_streak_across_the_spring_dst_change_in_berlin() -> None:
    # Europe/Berlin skips 02:00-03:00 on 2026-03-29; a day of 23 hours is still one day.
    zone = "Europe/Berlin"
    saturday_late = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 local, Saturday
    sunday_late = datetime(2026, 3, 29, 21, 30, tzinfo=UTC)  # 23:30 local (CEST), Sunday
    monday_early = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # 00:30 local, Monday
    state = EMPTY
    days = []
    for moment in (saturday_late, sunday_late, monday_early):
        today = local_date(moment, zone)
        days.append(today)
        state = next_streak(state, today).state
    assert days == [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]
    assert state.current == 3


def test_autumn_dst_change_repeated_hour_is_one_day() -> None:
    zone = "America/New_York"  # 2026-11-01 01:00-02:00 happens twice
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    state = next_streak(EMPTY, local_date(first, zone)).state
    assert not next_streak(state, local_date(second, zone)).first_today


def test_freeze_earned_every_seven_days_and_used_on_a_missed_day() -> None:
    state = EMPTY
    for day in range(1, 8):
        update = next_streak(state, date(2026, 5, day))
        state = update.state
    assert update.freeze_earned and state.freezes == 1 and state.current == 7
    assert live_streak(state, date(2026, 5, 9)) == 7  # one missed day is covered
    update = next_streak(state, date(2026, 5, 9))  # 8 May missed
    assert update.freezes_used == 1 and update.state.current == 8 and update.state.freezes == 0


def test_freezes_are_capped_at_two() -> None:
    state = StreakState(20, 20, date(2026, 5, 20), freezes=2)
    update = next_streak(state, date(2026, 5, 21))
    assert update.state.current == 21 and update.state.freezes == 2 and not update.freeze_earned
    state = StreakState(27, 27, date(2026, 5, 20), freezes=2)
    assert next_streak(state, date(2026, 5, 21)).state.freezes == 2


def test_gap_longer_than_freezes_resets() -> None:
    state = StreakState(10, 10, date(2026, 5, 1), freezes=1)
    update = next_streak(state, date(2026, 5, 5))
    assert update.state.current == 1 and update.state.freezes == 1
    assert live_streak(state, date(2026, 5, 5)) == 0


def test_vanished_time_zone_falls_back_to_utc() -> None:
    assert str(zone_or_utc("Mars/Olympus_Mons")) == "UTC"
    assert local_date(datetime(2026, 1, 1, 23, tzinfo=UTC), "No/Such_Zone") == date(2026, 1, 1)

"""Weekly buckets for the trend chart: the learner's weeks, gaps kept, oldest first, bounded."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from core.features.report.trend import MAX_WEEKS, ScoredMoment, weekly_trend, window_start
from core.features.report.trend_chart import trend_figure

SKILLS = ["communication", "code_quality"]
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)  # a Friday; the week began Monday 30 November


def scored(at: datetime, overall: float) -> ScoredMoment:
    return ScoredMoment(at, overall, {"communication": overall, "code_quality": overall / 2})


def test_one_week_is_one_point_and_one_bar() -> None:
    trend = weekly_trend([scored(NOW, 70)], [(NOW, 25), (NOW, 5)], SKILLS, NOW, "UTC")
    assert trend.weeks == (date(2026, 11, 30),)
    assert trend.overall == (70,) and trend.skills["code_quality"] == (35,) and trend.xp == (30,)
    figure = trend_figure(trend, {s: s for s in SKILLS}, "t")
    figure.canvas.draw()
    low, high = figure.axes[-1].get_xlim()
    assert high - low >= 5  # a narrow bar among empty slots, not one bar across the chart


def test_gaps_stay_as_weeks_without_scores_or_xp_and_order_is_oldest_first() -> None:
    three_weeks_ago = NOW - timedelta(weeks=3)
    rows = [scored(NOW, 80), scored(three_weeks_ago, 40), scored(three_weeks_ago, 60)]
    trend = weekly_trend(rows, [(NOW, 10), (three_weeks_ago, 20)], SKILLS, NOW, "UTC")
    assert trend.weeks == tuple(date(2026, 11, 9) + timedelta(weeks=n) for n in range(4))
    assert trend.overall == (50, None, None, 80)
    assert trend.xp == (20, 0, 0, 10)


def test_weeks_are_the_learners_not_utcs() -> None:
    # Sunday 29 November 20:00 UTC is already Monday 30 November in Tokyo, still Sunday in UTC.
    sunday_evening = datetime(2026, 11, 29, 20, tzinfo=UTC)
    in_tokyo = weekly_trend([], [(sunday_evening, 10), (NOW, 1)], SKILLS, NOW, "Asia/Tokyo")
    assert in_tokyo.weeks == (date(2026, 11, 30),) and in_tokyo.xp == (11,)
    in_utc = weekly_trend([], [(sunday_evening, 10), (NOW, 1)], SKILLS, NOW, "UTC")
    assert in_utc.weeks == (date(2026, 11, 23), date(2026, 11, 30)) and in_utc.xp == (10, 1)
    # The window the queries read from begins at the learner's Monday midnight.
    assert window_start(NOW, "Asia/Tokyo") == datetime(2025, 12, 7, 15, tzinfo=UTC)


def test_a_year_and_more_is_bounded_to_max_weeks() -> None:
    rng = random.Random(7)
    days = range(0, 800, 3)
    rows = [scored(NOW - timedelta(days=d), rng.uniform(0, 100)) for d in days]
    earned = [(NOW - timedelta(days=d), 5) for d in days]
    rng.shuffle(rows)
    trend = weekly_trend(rows, earned, SKILLS, NOW, "Europe/Berlin")
    assert len(trend.weeks) == MAX_WEEKS and len(trend.xp) == MAX_WEEKS
    assert list(trend.weeks) == sorted(trend.weeks) and trend.weeks[-1] == date(2026, 11, 30)
    figure = trend_figure(trend, {s: s for s in SKILLS}, "t")
    figure.canvas.draw()
    assert len(figure.axes) == 2  # scores above, XP below
    assert len([t for t in figure.axes[-1].get_xticklabels() if t.get_text()]) <= 8

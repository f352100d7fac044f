"""The report's second picture: skill scores per week above, XP per week below, on one shared
week axis so a rise in practice and a rise in scores line up.

Weeks are positions, not dates, so one week of data is one sensible point and bar, gaps stay
gaps (a score line breaks; a week without XP is an empty slot), and a year is 52 slots with a
tick label on every few. Without AI-assessed scores the XP panel stands alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from core.features.report.chart import new_figure, png_of
from core.features.report.trend import WeeklyTrend

SCORES_TITLE = "AI-assessed skills per week (0-100)"
XP_TITLE = "XP per week"
MAX_TICK_LABELS = 8
MIN_SLOTS = 6
OVERALL_COLOUR, XP_COLOUR = "#2b6cb0", "#38a169"


def trend_figure(trend: WeeklyTrend, labels: Mapping[str, str], title: str) -> Any:
    scores = trend.has_scores
    figure = new_figure(7.5, 6.5 if scores else 3.8)
    panels = figure.subplots(2 if scores else 1, 1, sharex=True, squeeze=False)[:, 0]
    positions = list(range(len(trend.weeks)))
    if scores:
        _scores(panels[0], positions, trend, labels)
    _xp(panels[-1], positions, trend)
    step = max(1, math.ceil(len(positions) / MAX_TICK_LABELS))
    shown = positions[::-1][::step][::-1]  # always label the current week
    panels[-1].set_xticks(shown, [trend.weeks[p].strftime("%d %b\n%Y") for p in shown])
    # A few weeks of data still get slots of a few weeks' width, centred, not one huge bar.
    spare = max(0, MIN_SLOTS - len(positions)) / 2
    panels[-1].set_xlim(-0.6 - spare, len(positions) - 0.4 + spare)
    panels[-1].set_xlabel("week starting (your time zone)", fontsize=8)
    figure.suptitle(title, fontsize=12, parse_math=False)
    return figure


def trend_png(trend: WeeklyTrend, labels: Mapping[str, str], title: str) -> bytes:
    return png_of(trend_figure(trend, labels, title))


def _gapped(values: tuple[float | None, ...]) -> list[float]:
    return [math.nan if value is None else value for value in values]


def _scores(axes: Any, positions: list[int], trend: WeeklyTrend, labels: Mapping[str, str]) -> None:
    for column, values in trend.skills.items():
        axes.plot(
            positions, _gapped(values), marker=".", linewidth=1, alpha=0.7, label=labels[column]
        )
    axes.plot(
        positions,
        _gapped(trend.overall),
        marker="o",
        linewidth=2.5,
        color=OVERALL_COLOUR,
        label="Overall",
    )
    axes.set_ylim(0, 105)
    axes.set_title(SCORES_TITLE, fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)


def _xp(axes: Any, positions: list[int], trend: WeeklyTrend) -> None:
    bars = axes.bar(positions, list(trend.xp), color=XP_COLOUR, alpha=0.8, width=0.7)
    if len(positions) <= 12:
        axes.bar_label(bars, [f"{xp}" if xp else "" for xp in trend.xp], fontsize=7)
    axes.set_ylim(0, max(10, *trend.xp) * 1.15)
    axes.set_title(XP_TITLE, fontsize=10)
    axes.grid(axis="y", alpha=0.3)

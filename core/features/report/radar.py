"""The skill radar: the latest interview's scores against the one before, laid out so no text
collides.

The old chart printed each value at its vertex and let matplotlib put the axis names on the
tick ring, so a score near 100 landed on its skill's name. Here the names sit outside the
plot circle, each aligned away from the centre by its angle (left of the axis on the right
side, right of it on the left, centred at the top and bottom) and wrapped when long; the
values sit inside, on their spoke, held between two radii so they reach neither the names
nor the centre where the spokes meet. The radial tick labels run between two spokes. Every
text is tagged (`gid`) so the layout tests can find and measure it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NAME_GID = "radar-name"
VALUE_GID = "radar-value"
LATEST_COLOUR, PREVIOUS_COLOUR = "#2b6cb0", "#a0aec0"
NAME_WIDTH = 13  # characters per line of an axis name before it wraps
NAME_DISTANCE = 1.1  # axis names' anchor, in plot radii from the centre
# Values sit on their spoke at their score, but never nearer the centre than VALUE_INNER (the
# spokes are too close there for two labels) nor beyond VALUE_OUTER (the names' side).
VALUE_INNER, VALUE_OUTER = 45.0, 80.0
SIDE = 0.2  # |sin| or |cos| below this counts as straight up/down or straight sideways


@dataclass(frozen=True)
class RadarSeries:
    """One polygon: the latest interview's six scores, and the earlier ones to compare with."""

    labels: Sequence[str]
    latest: Sequence[float]
    previous: Sequence[float] | None = None
    latest_name: str = "Latest interview"
    previous_name: str = "Previous interview"


def alignment(angle: float) -> tuple[str, str]:
    """(horizontal, vertical) alignment of a label at `angle` (0 at the top, clockwise) so it
    grows away from the plot: a label on the right starts at its anchor, one at the top sits
    above it."""
    across, up = math.sin(angle), math.cos(angle)
    horizontal = "left" if across > SIDE else "right" if across < -SIDE else "center"
    vertical = "bottom" if up > SIDE else "top" if up < -SIDE else "center"
    return horizontal, vertical


def wrapped(name: str) -> str:
    return "\n".join(textwrap.wrap(name, NAME_WIDTH, break_long_words=False)) or name


def value_text(latest: float, previous: float | None) -> str:
    if previous is None:
        return f"{latest:.0f}"
    change = round(latest) - round(previous)
    return f"{latest:.0f}\n({change:+d})" if change else f"{latest:.0f}\n(=)"


def draw(axes: Any, series: RadarSeries) -> None:
    """Draw `series` on a polar axes."""
    from matplotlib.projections.polar import PolarAxes

    assert isinstance(axes, PolarAxes)
    count = len(series.labels)
    angles = [2 * math.pi * index / count for index in range(count)]
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, 100)
    axes.set_yticks([20, 40, 60, 80, 100])
    axes.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="grey")
    # Between the first two spokes, where no value label sits.
    axes.set_rlabel_position(180 / count)
    axes.set_xticks(angles)
    axes.set_xticklabels([])
    if series.previous is not None:
        _polygon(axes, angles, series.previous, PREVIOUS_COLOUR, series.previous_name, "--")
    _polygon(axes, angles, series.latest, LATEST_COLOUR, series.latest_name, "-")
    for index, (angle, name) in enumerate(zip(angles, series.labels, strict=True)):
        horizontal, vertical = alignment(angle)
        axes.text(
            0.5 + 0.5 * NAME_DISTANCE * math.sin(angle),
            0.5 + 0.5 * NAME_DISTANCE * math.cos(angle),
            wrapped(name),
            transform=axes.transAxes,
            ha=horizontal,
            va=vertical,
            multialignment=horizontal,
            fontsize=9,
            gid=NAME_GID,
            parse_math=False,
        )
        latest = float(series.latest[index])
        before = None if series.previous is None else float(series.previous[index])
        axes.text(
            angle,
            min(max(latest, VALUE_INNER), VALUE_OUTER),
            value_text(latest, before),
            ha="center",
            va="center",
            fontsize=7,
            color=LATEST_COLOUR,
            gid=VALUE_GID,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8, "lw": 0},
        )
    if series.previous is not None:
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8)


def _polygon(
    axes: Any, angles: list[float], values: Sequence[float], colour: str, name: str, style: str
) -> None:
    closed_angles = [*angles, angles[0]]
    closed_values = [*values, values[0]]
    axes.plot(closed_angles, closed_values, color=colour, linewidth=2, linestyle=style, label=name)
    axes.fill(closed_angles, closed_values, color=colour, alpha=0.2)

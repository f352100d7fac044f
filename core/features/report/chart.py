"""The skill radar chart, drawn with matplotlib's Agg canvas straight to PNG bytes.

The figure is bound to an Agg canvas explicitly instead of going through pyplot, so no global
backend or figure registry is touched: safe in a server and in threads.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

Series = tuple[Sequence[str], Sequence[float]]
SKILLS_TITLE = "AI-assessed skills"
COVERAGE_TITLE = "Offline key-point coverage (not AI-assessed)"


def radar_png(labels: Sequence[str], values: Sequence[float], title: str) -> bytes:
    """A filled radar (spider) chart of 0-100 values, as PNG bytes."""
    return report_png((labels, values), None, title)


def report_png(skills: Series | None, coverage: Series | None, title: str) -> bytes:
    """The AI-assessed skills as a radar and offline key-point coverage by topic as bars, each
    panel titled with what it measures, so the two are never read as one scale."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = [panel for panel in (skills, coverage) if panel is not None]
    figure = Figure(figsize=(6 * max(1, len(panels)), 6), dpi=100)
    FigureCanvasAgg(figure)
    column = 1
    if skills is not None:
        _radar(figure.add_subplot(1, len(panels), column, projection="polar"), *skills)
        column += 1
    if coverage is not None:
        _bars(figure.add_subplot(1, len(panels), column), *coverage)
    # The title holds a display name: never let "$" in it switch on mathtext.
    figure.suptitle(title, fontsize=12, parse_math=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _bars(axes: Any, labels: Sequence[str], values: Sequence[float]) -> None:
    axes.barh(list(labels), list(values), color="#dd6b20", alpha=0.7)
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    for index, value in enumerate(values):
        axes.annotate(f"{value:.0f}", (value, index), fontsize=8, va="center")
    axes.set_title(COVERAGE_TITLE, fontsize=10, parse_math=False)


def _radar(axes: Any, labels: Sequence[str], values: Sequence[float]) -> None:
    from matplotlib.projections.polar import PolarAxes

    count = len(labels)
    angles = [2 * math.pi * index / count for index in range(count)]
    closed_angles = [*angles, angles[0]]
    closed_values = [*values, values[0]]
    assert isinstance(axes, PolarAxes)
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, 100)
    axes.set_yticks([20, 40, 60, 80, 100])
    axes.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="grey")
    axes.set_xticks(angles)
    axes.set_xticklabels([label.replace(" ", "\n") for label in labels], fontsize=9)
    axes.plot(closed_angles, closed_values, color="#2b6cb0", linewidth=2)
    axes.fill(closed_angles, closed_values, color="#4299e1", alpha=0.3)
    for angle, value in zip(angles, values, strict=True):
        axes.annotate(f"{value:.0f}", (angle, value), fontsize=8, ha="center", va="bottom")
    axes.set_title(SKILLS_TITLE, fontsize=10, pad=18)

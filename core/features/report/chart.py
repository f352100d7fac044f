"""The report's first picture: the skill radar and offline coverage bars, as PNG bytes.

Figures are bound to an Agg canvas explicitly instead of going through pyplot, so no global
backend or figure registry is touched: safe in a server and in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from core.features.report import radar
from core.features.report.radar import RadarSeries

Series = tuple[Sequence[str], Sequence[float]]
SKILLS_TITLE = "AI-assessed skills"
COVERAGE_TITLE = "Offline key-point coverage (not AI-assessed)"


def new_figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def png_of(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def skills_figure(skills: RadarSeries | None, coverage: Series | None, title: str) -> Any:
    """The AI-assessed skills as a radar and offline key-point coverage by topic as bars, each
    panel titled with what it measures, so the two are never read as one scale."""
    panels = [panel for panel in (skills, coverage) if panel is not None]
    figure = new_figure(6.5 * max(1, len(panels)), 6.5)
    column = 1
    if skills is not None:
        axes = figure.add_subplot(1, len(panels), column, projection="polar")
        radar.draw(axes, skills)
        axes.set_title(SKILLS_TITLE, fontsize=10, pad=36)
        column += 1
    if coverage is not None:
        _bars(figure.add_subplot(1, len(panels), column), *coverage)
    # The title holds a display name: never let "$" in it switch on mathtext.
    figure.suptitle(title, fontsize=12, parse_math=False)
    return figure


def report_png(skills: RadarSeries | None, coverage: Series | None, title: str) -> bytes:
    return png_of(skills_figure(skills, coverage, title))


def _bars(axes: Any, labels: Sequence[str], values: Sequence[float]) -> None:
    axes.barh(list(labels), list(values), color="#dd6b20", alpha=0.7)
    axes.set_xlim(0, 110)
    axes.invert_yaxis()
    for index, value in enumerate(values):
        axes.annotate(f" {value:.0f}", (value, index), fontsize=8, va="center")
    axes.set_title(COVERAGE_TITLE, fontsize=10, parse_math=False)

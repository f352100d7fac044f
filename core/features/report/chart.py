"""The skill radar chart, drawn with matplotlib's Agg canvas straight to PNG bytes.

The figure is bound to an Agg canvas explicitly instead of going through pyplot, so no global
backend or figure registry is touched: safe in a server and in threads.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence


def radar_png(labels: Sequence[str], values: Sequence[float], title: str) -> bytes:
    """A filled radar (spider) chart of 0-100 values, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes

    count = len(labels)
    angles = [2 * math.pi * index / count for index in range(count)]
    closed_angles = [*angles, angles[0]]
    closed_values = [*values, values[0]]
    figure = Figure(figsize=(6, 6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(projection="polar")
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
    # The title holds a display name: never let "$" in it switch on mathtext.
    axes.set_title(title, fontsize=12, pad=18, parse_math=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

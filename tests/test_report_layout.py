"""The radar's layout, measured with matplotlib's own renderer: no axis name overlaps another
name, a value or a radial tick label, and every name sits outside the plot circle."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from core.features.report.chart import skills_figure
from core.features.report.data import SKILLS
from core.features.report.radar import NAME_GID, VALUE_GID, RadarSeries

LABELS = [label for _, label in SKILLS]
CASES = {
    "all full": ([100.0] * 6, [95.0] * 6),
    "all empty": ([0.0] * 6, [0.0] * 6),
    "alternating": ([100.0, 0.0] * 3, [0.0, 100.0] * 3),
    "first interview": ([88.0, 91.0, 97.0, 100.0, 99.0, 93.0], None),
}
LONG = ["Communication under pressure", "Code quality", "Requirements gathering",
        "Technical depth and breadth", "Problem solving", "Professionalism"]  # fmt: skip


def _boxes(figure: Any) -> tuple[Any, list[Any], list[Any], list[Any]]:
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (radar,) = [axes for axes in figure.axes if axes.name == "polar"]

    def shown(texts: list[Any]) -> list[Any]:
        return [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]

    texts = radar.texts
    names = shown([t for t in texts if t.get_gid() == NAME_GID])
    values = shown([t for t in texts if t.get_gid() == VALUE_GID])
    # Tick labels and any text the chart places without a tag count as values too: the old
    # chart's axis names were x tick labels and its values bare annotations.
    names += shown(radar.get_xticklabels())
    values += shown([t for t in texts if t.get_gid() not in (NAME_GID, VALUE_GID)])
    return radar, names, values, shown(radar.get_yticklabels())


@pytest.mark.parametrize("labels", [LABELS, LONG], ids=["skills", "long names"])
@pytest.mark.parametrize("case", CASES)
def test_no_axis_name_overlaps_another_text(case: str, labels: list[str]) -> None:
    latest, previous = CASES[case]
    figure = skills_figure(RadarSeries(labels, latest, previous), None, "Ada: progress")
    radar, names, values, ticks = _boxes(figure)
    assert len(names) == 6 and len(values) == 6
    for first, second in itertools.combinations(names, 2):
        assert not first.overlaps(second), (case, first, second)
    for name, other in itertools.product(names, [*values, *ticks]):
        assert not name.overlaps(other), (case, name, other)
    for first, second in itertools.combinations(values, 2):
        assert not first.overlaps(second), (case, first, second)
    # Outside the plot: no name box reaches into the circle, and none leaves the picture.
    circle = radar.get_window_extent()
    centre_x, centre_y, radius = (
        circle.x0 + circle.width / 2,
        circle.y0 + circle.height / 2,
        circle.width / 2,
    )
    whole = figure.bbox
    for name in names:
        nearest_x = min(max(centre_x, name.x0), name.x1)
        nearest_y = min(max(centre_y, name.y0), name.y1)
        assert (nearest_x - centre_x) ** 2 + (nearest_y - centre_y) ** 2 > radius**2
        assert whole.x0 <= name.x0 and name.x1 <= whole.x1
        assert whole.y0 <= name.y0 and name.y1 <= whole.y1


def test_long_names_wrap_and_the_previous_interview_is_a_second_polygon() -> None:
    figure = skills_figure(RadarSeries(LONG, [50.0] * 6, [40.0] * 6), None, "t")
    (radar,) = figure.axes
    names = [t.get_text() for t in radar.texts if t.get_gid() == NAME_GID]
    assert "Requirements\ngathering" in names and all(
        len(line) <= 15 for name in names for line in name.split("\n")
    )
    values = [t.get_text() for t in radar.texts if t.get_gid() == VALUE_GID]
    assert values == ["50\n(+10)"] * 6
    assert [line.get_label() for line in radar.get_lines()][:2] == [
        "Previous interview",
        "Latest interview",
    ]

"""Every level threshold of DESIGN §5, and the progress bar."""

import pytest

from core.rules.levels import LEVEL_THRESHOLDS, LEVEL_TITLES, level_for, progress_bar, progress_for


@pytest.mark.parametrize(("level", "threshold"), list(enumerate(LEVEL_THRESHOLDS, start=1)))
def test_each_threshold_starts_its_level(level: int, threshold: int) -> None:
    assert level_for(threshold) == level
    if threshold:
        assert level_for(threshold - 1) == level - 1


def test_thresholds_and_titles_match_the_design() -> None:
    assert LEVEL_THRESHOLDS == (0, 100, 350, 850, 1600, 2600, 4100, 6100, 9100, 14100)
    assert LEVEL_TITLES[0] == "Intern Arrival" and LEVEL_TITLES[-1] == "Visionary"
    assert len(LEVEL_TITLES) == 10


def test_progress_to_next_level() -> None:
    progress = progress_for(225)  # level 2 spans 100..350
    assert (progress.level, progress.title) == (2, "First Steps")
    assert progress.xp_to_next == 125
    assert progress.fraction == pytest.approx(0.5)
    assert progress_bar(progress.fraction) == "█████░░░░░"


def test_top_level_has_no_next_threshold() -> None:
    progress = progress_for(50_000)
    assert progress.level == 10 and progress.next_threshold is None
    assert progress.xp_to_next == 0 and progress.fraction == 1.0

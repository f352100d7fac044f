"""The ten titled levels of DESIGN §5."""

from __future__ import annotations

from dataclasses import dataclass

LEVEL_THRESHOLDS = (0, 100, 350, 850, 1600, 2600, 4100, 6100, 9100, 14100)
LEVEL_TITLES = (
    "Intern Arrival",
    "First Steps",
    "Getting Traction",
    "Balanced",
    "Pressure Check",
    "Deep Dive",
    "Full Challenge",
    "Expert Pressure",
    "Architectural Lead",
    "Visionary",
)
MAX_LEVEL = len(LEVEL_THRESHOLDS)


@dataclass(frozen=True)
class LevelProgress:
    level: int
    title: str
    xp: int
    level_floor: int
    next_threshold: int | None  # None at the top level

    @property
    def fraction(self) -> float:
        if self.next_threshold is None:
            return 1.0
        span = self.next_threshold - self.level_floor
        return (self.xp - self.level_floor) / span

    @property
    def xp_to_next(self) -> int:
        return 0 if self.next_threshold is None else self.next_threshold - self.xp


def level_for(xp: int) -> int:
    level = 1
    for index, threshold in enumerate(LEVEL_THRESHOLDS):
        if xp >= threshold:
            level = index + 1
    return level


def title_for(level: int) -> str:
    return LEVEL_TITLES[max(1, min(level, MAX_LEVEL)) - 1]


def progress_for(xp: int) -> LevelProgress:
    level = level_for(xp)
    floor = LEVEL_THRESHOLDS[level - 1]
    upcoming = LEVEL_THRESHOLDS[level] if level < MAX_LEVEL else None
    return LevelProgress(level, title_for(level), xp, floor, upcoming)


def progress_bar(fraction: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)

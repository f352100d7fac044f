"""Badge criteria are data (stored with the catalogue); this decides when they are met.

Criteria shapes:
- {"event": "<activity>", "count": N}                  N such activities
- {"event": "<activity>", "count": N, "min_score": S}  N such activities scoring S or more
- ... "min_questions": Q                               counting only those of Q+ questions
  (a quiz's size, from its log entry's metadata: a one-question quiz is no feat)
- {"streak": N}                                        a streak of N days
- {"level": N}                                         reaching level N
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple


class CountKey(NamedTuple):
    """Which logged activities a count criterion counts."""

    event: str
    min_score: int | None = None
    min_questions: int | None = None


@dataclass(frozen=True)
class Standing:
    """What a learner has done, as far as the criteria need to know."""

    counts: Mapping[CountKey, int]
    streak: int
    level: int


def count_key(criteria: Mapping[str, Any]) -> CountKey | None:
    event = criteria.get("event")
    if not isinstance(event, str):
        return None
    min_score = criteria.get("min_score")
    min_questions = criteria.get("min_questions")
    return CountKey(
        event,
        int(min_score) if min_score is not None else None,
        int(min_questions) if min_questions is not None else None,
    )


def criteria_met(criteria: Mapping[str, Any], standing: Standing) -> bool:
    if "streak" in criteria:
        return standing.streak >= int(criteria["streak"])
    if "level" in criteria:
        return standing.level >= int(criteria["level"])
    key = count_key(criteria)
    if key is None:
        return False
    return standing.counts.get(key, 0) >= int(criteria.get("count", 1))


def badges_earned(
    catalogue: Mapping[str, Mapping[str, Any]], owned: set[str], standing: Standing
) -> list[str]:
    """Slugs of badges newly earned: criteria met and not already owned (each unlocks once)."""
    return [
        slug
        for slug, criteria in catalogue.items()
        if slug not in owned and criteria_met(criteria, standing)
    ]

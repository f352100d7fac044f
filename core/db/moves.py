"""Whose standing moved in a unit of work: the seam role rewards follow (core.features.rewards).

A learner's level in a community moves with their XP (every award, revoke and merge goes
through core.db.ledger) and with that community's moderator adjustments (core.db.standing).
Both repositories note the move here as it is written, so nothing that changes XP has to know
that rewards exist, and an event that moved nobody costs the rewards no query.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StandingMoves:
    # Learner -> their global XP before the first move noted (the level to compare with).
    xp_before: dict[int, int] = field(default_factory=dict)
    # (community, learner) -> the adjustment made there since, summed.
    adjusted: dict[tuple[int, int], int] = field(default_factory=dict)

    def xp(self, user_id: int, before: int) -> None:
        self.xp_before.setdefault(user_id, before)

    def adjustment(self, community_id: int, user_id: int, amount: int) -> None:
        key = (community_id, user_id)
        self.adjusted[key] = self.adjusted.get(key, 0) + amount

    @property
    def learners(self) -> set[int]:
        return set(self.xp_before) | {user_id for _, user_id in self.adjusted}

    def clear(self) -> None:
        self.xp_before.clear()
        self.adjusted.clear()

    def take(self) -> StandingMoves:
        """What was noted, leaving this empty for the next event."""
        taken = StandingMoves(dict(self.xp_before), dict(self.adjusted))
        self.clear()
        return taken

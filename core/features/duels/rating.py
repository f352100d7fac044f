"""Duel ratings with OpenSkill (Weng-Lin's Bayesian approximation, the Plackett-Luce model).

Why OpenSkill rather than Glicko-2 or TrueSkill:
- it rates one game at a time as it ends, with no rating periods: Glicko-2 is defined over
  periods in which many games are batched, which a chat community playing whenever it likes
  does not have;
- it is maintained (openskill 6.2.0, January 2026), pure Python with no native dependencies,
  and MIT-licensed; the `trueskill` package has had no release since 2016 and TrueSkill itself
  is patented and trademarked by Microsoft;
- like TrueSkill it keeps an uncertainty (sigma) per learner, so a newcomer's first duels move
  them a lot and a veteran's little, and its conservative estimate mu - 3 sigma (the ordinal)
  ranks someone who won once below someone who has won steadily. A draw is a tie in rank.

Shown as 1000 + 40 x ordinal, so a newcomer starts at 1000 and one win moves them by about a
hundred and forty: a scale people know from chess, without pretending to be Elo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openskill.models import PlackettLuce

from core.db.models import DuelRating

_MODEL = PlackettLuce()
SHOWN_BASE = 1000
SHOWN_SCALE = 40


@dataclass(frozen=True)
class Skill:
    mu: float
    sigma: float

    @property
    def ordinal(self) -> float:
        return self.mu - 3 * self.sigma


def initial() -> Skill:
    start = _MODEL.rating()
    return Skill(float(start.mu), float(start.sigma))


def shown(ordinal: float) -> int:
    return round(SHOWN_BASE + SHOWN_SCALE * ordinal)


def skill_of(row: DuelRating | None) -> Skill:
    return initial() if row is None else Skill(row.mu, row.sigma)


def after_duel(first: Skill, second: Skill, outcome: int) -> tuple[Skill, Skill]:
    """Both skills after one duel; `outcome` is 1 if `first` won, -1 if `second` did, 0 a draw."""
    a = _MODEL.create_rating([first.mu, first.sigma])
    b = _MODEL.create_rating([second.mu, second.sigma])
    ranks: list[float] = {1: [1.0, 2.0], -1: [2.0, 1.0], 0: [1.0, 1.0]}[outcome]
    [[new_a], [new_b]] = _MODEL.rate([[a], [b]], ranks=ranks)
    return Skill(float(new_a.mu), float(new_a.sigma)), Skill(float(new_b.mu), float(new_b.sigma))


def store_skill(
    row: DuelRating | None,
    community_id: int,
    user_id: int,
    skill: Skill,
    won: bool,
    now: datetime,
) -> DuelRating:
    """The rating row after a rated duel: the existing one changed, or a new one to add."""
    if row is None:
        row = DuelRating(community_id=community_id, user_id=user_id, rated=0, wins=0)
    row.mu, row.sigma, row.ordinal = skill.mu, skill.sigma, skill.ordinal
    row.rated = (row.rated or 0) + 1
    row.wins = (row.wins or 0) + (1 if won else 0)
    row.updated_at = now
    return row
